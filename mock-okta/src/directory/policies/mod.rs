//! The custom authorization servers' access policies and their rules
//! (`/api/v1/authorizationServers/{id}/policies`): which clients a policy covers, and for
//! them which grant types, people and scopes a rule lets through. Authorize and token ask
//! [`Directory::access_allowed`] before issuing; `default` starts with Okta's Default
//! Policy, a server an admin makes with none.

use serde::Deserialize;
use time::OffsetDateTime;

mod rules;

pub use rules::{PolicyRule, RuleInput};

use super::{Cause, DirError, DirResult, Directory};
use crate::{
    ids::okta_id,
    paths::{AuthServer, ServerId},
};

/// Every client, in a policy's `conditions.clients.include`.
pub const ALL_CLIENTS: &str = "ALL_CLIENTS";
/// Every user, in a rule's `conditions.people.groups.include`.
const EVERYONE_GROUP: &str = "EVERYONE";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPolicy {
    /// `00p…`
    pub id: String,
    /// The custom authorization server the policy belongs to.
    pub server: ServerId,
    pub name: String,
    pub description: String,
    pub priority: u32,
    pub active: bool,
    /// The client ids covered, or [`ALL_CLIENTS`].
    pub clients: Vec<String>,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
    pub rules: Vec<PolicyRule>,
}

impl AccessPolicy {
    /// The policy as the target of an admin change (Okta's `PolicyEntity`).
    pub fn party(&self) -> super::Party {
        super::Party {
            id: self.id.clone(),
            type_: "PolicyEntity",
            alternate_id: "unknown".to_owned(),
            display_name: self.name.clone(),
        }
    }
}

/// `{"include": [...]}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Include {
    #[serde(default)]
    pub include: Vec<String>,
}

/// The parts of Okta's `AuthorizationServerPolicy` a client sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub priority: Option<u32>,
    pub status: Option<String>,
    pub conditions: Option<PolicyConditionsInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyConditionsInput {
    pub clients: Option<Include>,
}

/// The grant types Okta's Default Policy Rule allows.
const DEFAULT_RULE_GRANTS: &[&str] = &[
    "client_credentials",
    "authorization_code",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "password",
    "implicit",
    "refresh_token",
];

fn status(given: Option<&str>) -> DirResult<bool> {
    match given {
        None | Some("ACTIVE") => Ok(true),
        Some("INACTIVE") => Ok(false),
        Some(other) => Err(DirError::validation(vec![Cause::new(
            "status",
            format!("status: '{other}' is not a valid status; use ACTIVE or INACTIVE"),
        )])),
    }
}

/// Okta counts priorities from 1.
fn priority(given: Option<u32>) -> DirResult<Option<u32>> {
    match given {
        Some(0) => Err(DirError::validation(vec![Cause::new(
            "priority",
            "priority: Priority must be 1 or more",
        )])),
        other => Ok(other),
    }
}

fn name(given: Option<String>) -> DirResult<String> {
    given
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| DirError::validation(vec![Cause::blank("name")]))
}

fn policy_not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "AuthorizationServerPolicy",
    }
}

/// Okta's Default Policy of the `default` server: every client, and its Default Policy Rule:
/// every grant type, Everyone, any scope.
pub(super) fn default_policy(now: OffsetDateTime) -> AccessPolicy {
    AccessPolicy {
        id: okta_id("00p"),
        server: ServerId::DEFAULT,
        name: "Default Policy".to_owned(),
        description: "Default policy description".to_owned(),
        priority: 1,
        active: true,
        clients: vec![ALL_CLIENTS.to_owned()],
        created: now,
        last_updated: now,
        rules: vec![PolicyRule {
            id: okta_id("0pr"),
            name: "Default Policy Rule".to_owned(),
            priority: 1,
            active: true,
            grant_types: DEFAULT_RULE_GRANTS
                .iter()
                .map(|g| (*g).to_owned())
                .collect(),
            groups: vec![EVERYONE_GROUP.to_owned()],
            users: Vec::new(),
            scopes: vec!["*".to_owned()],
            created: now,
            last_updated: now,
        }],
    }
}

impl Directory {
    /// A server's policies, by priority.
    pub fn policies(&self, server: ServerId) -> Vec<AccessPolicy> {
        let mut all: Vec<AccessPolicy> = self
            .read()
            .policies
            .iter()
            .filter(|p| p.server == server)
            .cloned()
            .collect();
        all.sort_by_key(|p| p.priority);
        all
    }

    /// A policy of the server `server_id` names: not found for an unknown server or for a
    /// policy of another server.
    pub fn server_policy(&self, server_id: &str, id: &str) -> DirResult<AccessPolicy> {
        let server = self.custom_server(server_id)?;
        self.policy(id)
            .ok()
            .filter(|p| p.server == server.id)
            .ok_or_else(|| policy_not_found(id))
    }

    pub fn policy(&self, id: &str) -> DirResult<AccessPolicy> {
        self.read()
            .policies
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| policy_not_found(id))
    }

    /// Creates a policy (priority last unless given; a priority in use moves that policy and
    /// those after it down); it has no rules yet.
    pub fn create_policy(&self, server: ServerId, input: PolicyInput) -> DirResult<AccessPolicy> {
        let now = self.clock().now_datetime();
        let active = status(input.status.as_deref())?;
        let name = name(input.name)?;
        let clients = clients(input.conditions)?;
        let wanted = priority(input.priority)?;
        let mut store = self.write();
        let siblings = store.policies.iter_mut().filter(|p| p.server == server);
        let priority = place(siblings.map(|p| &mut p.priority), wanted);
        let policy = AccessPolicy {
            id: okta_id("00p"),
            server,
            name,
            description: input.description.unwrap_or_default(),
            priority,
            active,
            clients,
            created: now,
            last_updated: now,
            rules: Vec::new(),
        };
        store.policies.push(policy.clone());
        drop(store);
        self.record_admin_change("policy.lifecycle.create", "Create policy", policy.party());
        Ok(policy)
    }

    /// Replaces a policy's name, description, priority and clients; its rules stay.
    pub fn replace_policy(&self, id: &str, input: PolicyInput) -> DirResult<AccessPolicy> {
        let now = self.clock().now_datetime();
        let name = name(input.name)?;
        let clients = clients(input.conditions)?;
        let wanted = priority(input.priority)?;
        let mut store = self.write();
        let Some(server) = store.policies.iter().find(|p| p.id == id).map(|p| p.server) else {
            return Err(policy_not_found(id));
        };
        if let Some(p) = wanted {
            let others = store
                .policies
                .iter_mut()
                .filter(|p| p.id != id && p.server == server);
            place(others.map(|p| &mut p.priority), Some(p));
        }
        let policy = store
            .policies
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| policy_not_found(id))?;
        policy.name = name;
        policy.description = input.description.unwrap_or_default();
        if let Some(p) = wanted {
            policy.priority = p;
        }
        policy.clients = clients;
        policy.last_updated = now;
        let policy = policy.clone();
        drop(store);
        self.record_admin_change("policy.lifecycle.update", "Update policy", policy.party());
        Ok(policy)
    }

    pub fn set_policy_status(&self, id: &str, active: bool) -> DirResult<AccessPolicy> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let policy = store
            .policies
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| policy_not_found(id))?;
        policy.active = active;
        policy.last_updated = now;
        let policy = policy.clone();
        drop(store);
        let (event_type, message) = if active {
            ("policy.lifecycle.activate", "Activate policy")
        } else {
            ("policy.lifecycle.deactivate", "Deactivate policy")
        };
        self.record_admin_change(event_type, message, policy.party());
        Ok(policy)
    }

    pub fn delete_policy(&self, id: &str) -> DirResult<()> {
        let mut store = self.write();
        let gone = store
            .policies
            .iter()
            .find(|p| p.id == id)
            .map(AccessPolicy::party);
        super::remove_by_id(&mut store.policies, id, "AuthorizationServerPolicy", |p| {
            &p.id
        })?;
        drop(store);
        if let Some(p) = gone {
            self.record_admin_change("policy.lifecycle.delete", "Delete policy", p);
        }
        Ok(())
    }

    /// Okta's evaluation on a custom server: the first active policy (by priority)
    /// that covers the client, then its first active rule that allows the grant type, the
    /// user (when there is one) and every requested scope. False is Okta's
    /// `access_denied` "Policy evaluation failed …" (`no_matching_policy`), as from a server
    /// with no policy (a new one). The org server has no access policies.
    pub fn access_allowed(
        &self,
        server: AuthServer,
        client_id: &str,
        grant_type: &str,
        user_id: Option<&str>,
        scopes: &[String],
    ) -> bool {
        let AuthServer::Custom(server) = server else {
            return true;
        };
        let Some(policy) = self
            .policies(server)
            .into_iter()
            .find(|p| p.active && p.clients.iter().any(|c| c == ALL_CLIENTS || c == client_id))
        else {
            return false;
        };
        let store = self.read();
        let in_group = |gid: &str, uid: &str| {
            gid == EVERYONE_GROUP
                || store
                    .groups
                    .values()
                    .find(|g| g.id == gid)
                    .is_some_and(|g| g.is_everyone() || g.members.contains(uid))
        };
        let mut rules = policy.rules;
        rules.sort_by_key(|r| r.priority);
        rules.iter().filter(|r| r.active).any(|r| {
            r.grant_types.iter().any(|g| g == grant_type)
                && user_id.is_none_or(|u| {
                    r.users.iter().any(|x| x == u) || r.groups.iter().any(|g| in_group(g, u))
                })
                && (r.scopes.iter().any(|s| s == "*")
                    || scopes.iter().all(|s| r.scopes.contains(s)))
        })
    }
}

/// The priority a new or moved policy or rule takes among `others`: the one given, or after
/// the last. A given priority another one holds moves that one and every one after it down
/// by one, as Okta does; a gap (left by a delete) is not closed.
fn place<'a>(others: impl Iterator<Item = &'a mut u32>, given: Option<u32>) -> u32 {
    let mut others: Vec<&mut u32> = others.collect();
    let last = others.iter().map(|p| **p).max().unwrap_or(0);
    let Some(wanted) = given else {
        return last.saturating_add(1);
    };
    if others.iter().any(|p| **p == wanted) {
        for p in others.iter_mut().filter(|p| ***p >= wanted) {
            **p = p.saturating_add(1);
        }
    }
    wanted
}

fn clients(conditions: Option<PolicyConditionsInput>) -> DirResult<Vec<String>> {
    let clients = conditions
        .and_then(|c| c.clients)
        .map(|c| c.include)
        .unwrap_or_default();
    if clients.is_empty() {
        return Err(DirError::validation(vec![Cause::new(
            "conditions.clients",
            "conditions.clients: A policy must include at least one client, or ALL_CLIENTS",
        )]));
    }
    Ok(clients)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use serde_json::json;

    #[test]
    fn the_default_policy_lets_every_client_through_until_it_excludes_one() {
        let dir = Directory::new(Clock::default());
        let scopes = vec!["openid".to_owned()];
        assert!(dir.access_allowed(
            AuthServer::DEFAULT,
            "0oaany",
            "authorization_code",
            None,
            &scopes
        ));
        let default = dir.policies(ServerId::DEFAULT)[0].clone();
        assert_eq!(default.name, "Default Policy");
        let input: PolicyInput = serde_json::from_value(json!({"name": "Default Policy",
                "conditions": {"clients": {"include": ["0oaother"]}}}))
        .unwrap();
        dir.replace_policy(&default.id, input).unwrap();
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oaany",
            "authorization_code",
            None,
            &scopes
        ));
        assert!(dir.access_allowed(
            AuthServer::DEFAULT,
            "0oaother",
            "authorization_code",
            None,
            &scopes
        ));
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oaother",
            "not-a-grant",
            None,
            &scopes
        ));
        dir.set_policy_status(&default.id, false).unwrap();
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oaother",
            "authorization_code",
            None,
            &scopes
        ));
    }

    #[test]
    fn a_new_policy_needs_a_rule_and_a_rule_names_its_scopes() {
        let dir = Directory::new(Clock::default());
        let default = dir.policies(ServerId::DEFAULT)[0].id.clone();
        dir.delete_policy(&default).unwrap();
        let p = dir
            .create_policy(
                ServerId::DEFAULT,
                serde_json::from_value(json!({"name": "Konnect",
                    "conditions": {"clients": {"include": ["0oak"]}}}))
                .unwrap(),
            )
            .unwrap();
        let openid = vec!["openid".to_owned()];
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oak",
            "authorization_code",
            None,
            &openid
        ));
        dir.create_policy_rule(
            &p.id,
            serde_json::from_value(json!({"name": "code", "conditions": {
                "grantTypes": {"include": ["authorization_code"]},
                "scopes": {"include": ["openid"]}}}))
            .unwrap(),
        )
        .unwrap();
        assert!(dir.access_allowed(
            AuthServer::DEFAULT,
            "0oak",
            "authorization_code",
            Some("00u1"),
            &openid
        ));
        let more = vec!["openid".to_owned(), "email".to_owned()];
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oak",
            "authorization_code",
            None,
            &more
        ));
        assert!(
            dir.create_policy(ServerId::DEFAULT, PolicyInput::default())
                .is_err()
        );
    }
}
