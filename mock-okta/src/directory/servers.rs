//! The custom authorization servers (`/api/v1/authorizationServers`): the `default` server
//! every org has and the ones an admin makes, replaces, deactivates, activates and deletes.
//! The org server is always active and is not one of them.

use serde::Deserialize;
use time::OffsetDateTime;

use super::{Cause, DirError, DirResult, Directory};
use crate::{
    ids::okta_id,
    paths::{AuthServer, ServerId},
};

/// How a server's issuer is formed (Okta's `issuerMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssuerMode {
    OrgUrl,
    CustomUrl,
    Dynamic,
}

impl IssuerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrgUrl => "ORG_URL",
            Self::CustomUrl => "CUSTOM_URL",
            Self::Dynamic => "DYNAMIC",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomServer {
    pub id: ServerId,
    pub name: String,
    pub description: String,
    /// The `aud` of the server's access tokens (Okta takes exactly one).
    pub audiences: Vec<String>,
    pub issuer_mode: IssuerMode,
    pub active: bool,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
}

impl CustomServer {
    /// The server as the OIDC side names it.
    pub fn server(&self) -> AuthServer {
        AuthServer::Custom(self.id)
    }

    /// The server as the target of an admin change (Okta's `AuthorizationServer`).
    pub fn party(&self) -> super::Party {
        super::Party {
            id: self.id.as_str().to_owned(),
            type_: "AuthorizationServer",
            alternate_id: "unknown".to_owned(),
            display_name: self.name.clone(),
        }
    }
}

/// The `default` server as Okta makes it with the org.
pub(super) fn default_server(now: OffsetDateTime) -> CustomServer {
    CustomServer {
        id: ServerId::DEFAULT,
        name: "default".to_owned(),
        description: "Default Authorization Server for your Applications".to_owned(),
        audiences: vec!["api://default".to_owned()],
        issuer_mode: IssuerMode::OrgUrl,
        active: true,
        created: now,
        last_updated: now,
    }
}

/// The parts of Okta's `AuthorizationServer` a client sends to create or replace one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub audiences: Option<Vec<String>>,
    pub issuer_mode: Option<IssuerMode>,
}

/// The checked input: a name, a description, exactly one audience.
fn checked(input: ServerInput) -> DirResult<(String, String, Vec<String>, IssuerMode)> {
    let mut causes = Vec::new();
    let name = input.name.map(|n| n.trim().to_owned()).unwrap_or_default();
    if name.is_empty() {
        causes.push(Cause::blank("name"));
    }
    let description = input
        .description
        .map(|d| d.trim().to_owned())
        .unwrap_or_default();
    if description.is_empty() {
        causes.push(Cause::blank("description"));
    }
    let audiences: Vec<String> = input
        .audiences
        .unwrap_or_default()
        .into_iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect();
    match audiences.len() {
        0 => causes.push(Cause::blank("audiences")),
        1 => {}
        _ => causes.push(Cause::new(
            "audiences",
            "audiences: Only one audience is supported.",
        )),
    }
    if !causes.is_empty() {
        return Err(DirError::validation(causes));
    }
    Ok((
        name,
        description,
        audiences,
        input.issuer_mode.unwrap_or(IssuerMode::OrgUrl),
    ))
}

fn not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "AuthorizationServer",
    }
}

impl Directory {
    /// The custom servers, `default` first, then in creation order.
    pub fn custom_servers(&self) -> Vec<CustomServer> {
        self.read().servers.values().cloned().collect()
    }

    /// A custom server by its Management API id.
    pub fn custom_server(&self, id: &str) -> DirResult<CustomServer> {
        ServerId::parse(id)
            .and_then(|sid| self.read().servers.get(&sid).cloned())
            .ok_or_else(|| not_found(id))
    }

    /// Whether the server answers its endpoints: the org server always, a custom one while it
    /// exists and is active.
    pub fn server_active(&self, server: AuthServer) -> bool {
        match server {
            AuthServer::Org => true,
            AuthServer::Custom(id) => self.read().servers.get(&id).is_some_and(|s| s.active),
        }
    }

    /// A new, active server; a name is used once.
    pub fn create_custom_server(&self, input: ServerInput) -> DirResult<CustomServer> {
        let (name, description, audiences, issuer_mode) = checked(input)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if store.servers.values().any(|s| s.name == name) {
            return Err(DirError::validation(vec![Cause::taken("name")]));
        }
        let id = ServerId::parse(&okta_id("aus")).ok_or(DirError::Forbidden)?;
        let server = CustomServer {
            id,
            name,
            description,
            audiences,
            issuer_mode,
            active: true,
            created: now,
            last_updated: now,
        };
        store.servers.insert(id, server.clone());
        drop(store);
        self.record_admin_change(
            "oauth2.as.created",
            "Create authorization server",
            server.party(),
        );
        Ok(server)
    }

    /// Replaces a server's name, description, audiences and issuer mode; its status stays.
    pub fn replace_custom_server(&self, id: &str, input: ServerInput) -> DirResult<CustomServer> {
        let current = self.custom_server(id)?;
        let (name, description, audiences, issuer_mode) = checked(input)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if store
            .servers
            .values()
            .any(|s| s.name == name && s.id != current.id)
        {
            return Err(DirError::validation(vec![Cause::taken("name")]));
        }
        let server = store
            .servers
            .get_mut(&current.id)
            .ok_or_else(|| not_found(id))?;
        server.name = name;
        server.description = description;
        server.audiences = audiences;
        server.issuer_mode = issuer_mode;
        server.last_updated = now;
        let server = server.clone();
        drop(store);
        self.record_admin_change(
            "oauth2.as.updated",
            "Update authorization server",
            server.party(),
        );
        Ok(server)
    }

    /// `lifecycle/activate` and `lifecycle/deactivate`: an inactive server answers its
    /// endpoints as an unknown one; its settings stay manageable.
    pub fn set_custom_server_active(&self, id: &str, active: bool) -> DirResult<CustomServer> {
        let current = self.custom_server(id)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let server = store
            .servers
            .get_mut(&current.id)
            .ok_or_else(|| not_found(id))?;
        if server.active != active {
            server.active = active;
            server.last_updated = now;
        }
        let server = server.clone();
        drop(store);
        let (event, message) = if active {
            ("oauth2.as.activated", "Activate authorization server")
        } else {
            ("oauth2.as.deactivated", "Deactivate authorization server")
        };
        self.record_admin_change(event, message, server.party());
        Ok(server)
    }

    /// Deletes a server an admin made, with its policies, scopes and claims, once it is deactivated (as Okta's
    /// Admin Console asks); the `default` server is never deleted.
    pub fn delete_custom_server(&self, id: &str) -> DirResult<()> {
        let current = self.custom_server(id)?;
        if current.id == ServerId::DEFAULT {
            return Err(DirError::Forbidden);
        }
        if current.active {
            return Err(DirError::validation(vec![Cause::new(
                "status",
                "status: An active authorization server cannot be deleted; deactivate it first.",
            )]));
        }
        let mut store = self.write();
        store.servers.shift_remove(&current.id);
        store.policies.retain(|p| p.server != current.id);
        store.scopes.retain(|(server, _), _| *server != current.id);
        store.claims.retain(|_, c| c.server != current.id);
        store.scopes_version += 1;
        drop(store);
        self.record_admin_change(
            "oauth2.as.deleted",
            "Delete authorization server",
            current.party(),
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    fn input(name: &str, audiences: &[&str]) -> ServerInput {
        ServerInput {
            name: Some(name.to_owned()),
            description: Some("d".to_owned()),
            audiences: Some(audiences.iter().map(|a| (*a).to_owned()).collect()),
            issuer_mode: None,
        }
    }

    #[test]
    fn the_default_server_is_active_until_deactivated_and_the_org_server_always() {
        let dir = Directory::new(Clock::default());
        assert!(dir.server_active(AuthServer::DEFAULT));
        dir.set_custom_server_active("default", false).unwrap();
        assert!(!dir.server_active(AuthServer::DEFAULT));
        assert!(dir.server_active(AuthServer::Org));
        dir.set_custom_server_active("default", true).unwrap();
        assert!(dir.server_active(AuthServer::DEFAULT));
    }

    #[test]
    fn a_created_server_is_listed_after_default_and_deleted_only_when_inactive() {
        let dir = Directory::new(Clock::default());
        let made = dir
            .create_custom_server(input("api", &["api://x"]))
            .unwrap();
        assert!(made.id.as_str().starts_with("aus") && made.active);
        assert!(dir.server_active(made.server()));
        let ids: Vec<_> = dir.custom_servers().iter().map(|s| s.id).collect();
        assert_eq!(ids, vec![ServerId::DEFAULT, made.id]);
        assert!(matches!(
            dir.delete_custom_server(made.id.as_str()),
            Err(DirError::Validation { .. })
        ));
        dir.set_custom_server_active(made.id.as_str(), false)
            .unwrap();
        dir.delete_custom_server(made.id.as_str()).unwrap();
        assert!(!dir.server_active(made.server()));
        assert!(matches!(
            dir.custom_server(made.id.as_str()),
            Err(DirError::NotFound { .. })
        ));
    }

    #[test]
    fn default_is_never_deleted() {
        let dir = Directory::new(Clock::default());
        dir.set_custom_server_active("default", false).unwrap();
        assert_eq!(
            dir.delete_custom_server("default"),
            Err(DirError::Forbidden)
        );
    }

    #[test]
    fn name_description_and_one_audience_are_required_and_names_are_unique() {
        let dir = Directory::new(Clock::default());
        let Err(DirError::Validation { causes, .. }) =
            dir.create_custom_server(ServerInput::default())
        else {
            panic!("blank input accepted");
        };
        let fields: Vec<_> = causes.iter().map(|c| c.field.clone()).collect();
        assert_eq!(fields.len(), 3, "{fields:?}");
        assert!(dir.create_custom_server(input("two", &["a", "b"])).is_err());
        assert!(dir.create_custom_server(input("default", &["a"])).is_err());
        let made = dir.create_custom_server(input("one", &["a"])).unwrap();
        let replaced = dir
            .replace_custom_server(made.id.as_str(), input("renamed", &["b"]))
            .unwrap();
        assert_eq!(
            (replaced.name.as_str(), replaced.audiences.clone()),
            ("renamed", vec!["b".to_owned()])
        );
        assert!(
            dir.replace_custom_server(made.id.as_str(), input("default", &["b"]))
                .is_err()
        );
    }
}
