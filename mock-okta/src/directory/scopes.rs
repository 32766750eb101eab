//! Scopes of the custom authorization servers: the system scopes every one has and the custom
//! ones an admin adds to a server.

use serde::Deserialize;

use super::{Cause, DirError, DirResult, Directory};
use crate::{ids::okta_id, paths::ServerId};

/// System scopes of a custom authorization server, in discovery order.
pub const SYSTEM_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
    "device_sso",
];

/// `metadataPublish`: whether discovery lists the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MetadataPublish {
    AllClients,
    NoClients,
}

impl MetadataPublish {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AllClients => "ALL_CLIENTS",
            Self::NoClients => "NO_CLIENTS",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub id: String,
    /// The custom authorization server the scope belongs to.
    pub server: ServerId,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub consent: String,
    pub default: bool,
    pub metadata_publish: MetadataPublish,
}

/// `POST /api/v1/authorizationServers/{id}/scopes` body.
#[derive(Debug, Clone, Deserialize)]
pub struct ScopeInput {
    pub name: Option<String>,
    #[serde(rename = "displayName")]
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub consent: Option<String>,
    pub default: Option<bool>,
    #[serde(rename = "metadataPublish")]
    pub metadata_publish: Option<MetadataPublish>,
}

fn valid_scope_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 1024
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
}

impl Directory {
    /// Adds a custom scope to a server.
    pub fn create_scope(&self, server: ServerId, input: ScopeInput) -> DirResult<Scope> {
        let name = input.name.unwrap_or_default();
        if !valid_scope_name(&name) {
            return Err(DirError::validation(vec![Cause::new(
                "name",
                "name: The scope name must be non-empty printable ASCII without spaces, quotes or backslashes",
            )]));
        }
        let mut store = self.write();
        let key = (server, name);
        if SYSTEM_SCOPES.contains(&key.1.as_str()) || store.scopes.contains_key(&key) {
            return Err(DirError::validation(vec![Cause::taken("name")]));
        }
        let scope = Scope {
            id: okta_id("scp"),
            server,
            name: key.1.clone(),
            display_name: input.display_name,
            description: input.description,
            consent: input.consent.unwrap_or_else(|| "IMPLICIT".to_owned()),
            default: input.default.unwrap_or(false),
            metadata_publish: input.metadata_publish.unwrap_or(MetadataPublish::NoClients),
        };
        store.scopes.insert(key, scope.clone());
        store.scopes_version += 1;
        Ok(scope)
    }

    /// A server's custom scopes, in creation order.
    pub fn scopes(&self, server: ServerId) -> Vec<Scope> {
        self.read()
            .scopes
            .values()
            .filter(|s| s.server == server)
            .cloned()
            .collect()
    }

    /// A server's custom scope by id.
    pub fn scope(&self, server: ServerId, id: &str) -> DirResult<Scope> {
        self.read()
            .scopes
            .values()
            .find(|s| s.id == id && s.server == server)
            .cloned()
            .ok_or_else(|| DirError::NotFound {
                id: id.to_owned(),
                kind: "OAuth2Scope",
            })
    }

    /// Deletes a server's custom scope by id.
    pub fn delete_scope(&self, server: ServerId, id: &str) -> DirResult<()> {
        let mut store = self.write();
        let key = store
            .scopes
            .values()
            .find(|s| s.id == id && s.server == server)
            .map(|s| (server, s.name.clone()))
            .ok_or_else(|| DirError::NotFound {
                id: id.to_owned(),
                kind: "OAuth2Scope",
            })?;
        store.scopes.shift_remove(&key);
        store.scopes_version += 1;
        Ok(())
    }

    /// Whether `name` is a scope of a custom authorization server.
    pub fn is_known_scope(&self, server: ServerId, name: &str) -> bool {
        SYSTEM_SCOPES.contains(&name) || self.is_custom_scope(server, name)
    }

    /// Whether `name` is a custom scope of the server.
    pub fn is_custom_scope(&self, server: ServerId, name: &str) -> bool {
        self.read().scopes.contains_key(&(server, name.to_owned()))
    }

    /// A server's custom scopes marked `default: true`, used when a client-credentials request
    /// names none.
    pub fn default_scopes(&self, server: ServerId) -> Vec<String> {
        self.read()
            .scopes
            .values()
            .filter(|s| s.server == server && s.default)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Changes whenever the custom scopes change (cheap; for caches of discovery).
    pub fn scopes_version(&self) -> u64 {
        self.read().scopes_version
    }

    /// Scopes a server's discovery lists: system scopes, then its custom scopes published to
    /// all clients.
    pub fn published_scopes(&self, server: ServerId) -> (u64, Vec<String>) {
        let store = self.read();
        let mut out: Vec<String> = SYSTEM_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        out.push("interclient_access".to_owned());
        out.extend(
            store
                .scopes
                .values()
                .filter(|s| s.server == server && s.metadata_publish == MetadataPublish::AllClients)
                .map(|s| s.name.clone()),
        );
        (store.scopes_version, out)
    }
}
