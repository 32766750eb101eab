//! The custom authorization servers' access policies and their rules
//! (`/api/v1/authorizationServers/{id}/policies`): which clients a policy covers, and for
//! them which grant types, people and scopes a rule lets through. Authorize and token ask
//! [`Directory::access_allowed`] before issuing; `default` starts with Okta's Default
//! Policy, a server an admin makes with none.

use serde::Deserialize;
use time::OffsetDateTime;

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

impl PolicyRule {
    /// The rule as the target of an admin change.
    pub fn party(&self) -> super::Party {
        super::Party {
            id: self.id.clone(),
            type_: "PolicyRule",
            alternate_id: "unknown".to_owned(),
            display_name: self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRule {
    /// `0pr…`
    pub id: String,
    pub name: String,
    pub priority: u32,
    pub active: bool,
    pub grant_types: Vec<String>,
    /// Group ids whose members the rule covers; `EVERYONE` (as Okta writes it in the
    /// Default Policy Rule) or Everyone's id covers everybody.
    pub groups: Vec<String>,
    /// User ids the rule covers.
    pub users: Vec<String>,
    /// Scope names, or `*` for any.
    pub scopes: Vec<String>,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
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

/// The parts of Okta's `AuthorizationServerPolicyRule` a client sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleInput {
    pub name: Option<String>,
    pub priority: Option<u32>,
    pub status: Option<String>,
    pub conditions: Option<RuleConditionsInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleConditionsInput {
    pub grant_types: Option<Include>,
    pub people: Option<PeopleInput>,
    pub scopes: Option<Include>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeopleInput {
    pub users: Option<Include>,
    pub groups: Option<Include>,
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

fn rule_not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "AuthorizationServerPolicyRule",
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

    /// A policy's rules, by priority.
    pub fn policy_rules(&self, policy_id: &str) -> DirResult<Vec<PolicyRule>> {
        let mut rules = self.policy(policy_id)?.rules;
        rules.sort_by_key(|r| r.priority);
        Ok(rules)
    }

    pub fn policy_rule(&self, policy_id: &str, rule_id: &str) -> DirResult<PolicyRule> {
        self.policy(policy_id)?
            .rules
            .into_iter()
            .find(|r| r.id == rule_id)
            .ok_or_else(|| rule_not_found(rule_id))
    }

    /// Adds a rule: grant types are required; people default to Everyone, scopes to any.
    /// Priority last unless given; a priority in use moves that rule and those after it down.
    pub fn create_policy_rule(&self, policy_id: &str, input: RuleInput) -> DirResult<PolicyRule> {
        let now = self.clock().now_datetime();
        let active = status(input.status.as_deref())?;
        let fields = RuleFields::read(input)?;
        let mut store = self.write();
        let policy = store
            .policies
            .iter_mut()
            .find(|p| p.id == policy_id)
            .ok_or_else(|| policy_not_found(policy_id))?;
        let priority = place(
            policy.rules.iter_mut().map(|r| &mut r.priority),
            fields.priority,
        );
        let rule = PolicyRule {
            id: okta_id("0pr"),
            name: fields.name,
            priority,
            active,
            grant_types: fields.grant_types,
            groups: fields.groups,
            users: fields.users,
            scopes: fields.scopes,
            created: now,
            last_updated: now,
        };
        policy.rules.push(rule.clone());
        drop(store);
        self.record_admin_change("policy.rule.add", "Add policy rule", rule.party());
        Ok(rule)
    }

    /// Replaces a rule's name, conditions and (when given) priority; its status and id stay.
    pub fn replace_policy_rule(
        &self,
        policy_id: &str,
        rule_id: &str,
        input: RuleInput,
    ) -> DirResult<PolicyRule> {
        let now = self.clock().now_datetime();
        let fields = RuleFields::read(input)?;
        let mut store = self.write();
        let policy = store
            .policies
            .iter_mut()
            .find(|p| p.id == policy_id)
            .ok_or_else(|| policy_not_found(policy_id))?;
        if !policy.rules.iter().any(|r| r.id == rule_id) {
            return Err(rule_not_found(rule_id));
        }
        if let Some(p) = fields.priority {
            let others = policy.rules.iter_mut().filter(|r| r.id != rule_id);
            place(others.map(|r| &mut r.priority), Some(p));
        }
        let rule = policy
            .rules
            .iter_mut()
            .find(|r| r.id == rule_id)
            .ok_or_else(|| rule_not_found(rule_id))?;
        rule.name = fields.name;
        if let Some(p) = fields.priority {
            rule.priority = p;
        }
        rule.grant_types = fields.grant_types;
        rule.groups = fields.groups;
        rule.users = fields.users;
        rule.scopes = fields.scopes;
        rule.last_updated = now;
        let rule = rule.clone();
        drop(store);
        self.record_admin_change("policy.rule.update", "Update policy rule", rule.party());
        Ok(rule)
    }

    /// `lifecycle/activate` and `lifecycle/deactivate` of a rule.
    pub fn set_policy_rule_status(
        &self,
        policy_id: &str,
        rule_id: &str,
        active: bool,
    ) -> DirResult<PolicyRule> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let rule = store
            .policies
            .iter_mut()
            .find(|p| p.id == policy_id)
            .ok_or_else(|| policy_not_found(policy_id))?
            .rules
            .iter_mut()
            .find(|r| r.id == rule_id)
            .ok_or_else(|| rule_not_found(rule_id))?;
        rule.active = active;
        rule.last_updated = now;
        let rule = rule.clone();
        drop(store);
        let (event_type, message) = if active {
            ("policy.rule.activate", "Activate policy rule")
        } else {
            ("policy.rule.deactivate", "Deactivate policy rule")
        };
        self.record_admin_change(event_type, message, rule.party());
        Ok(rule)
    }

    pub fn delete_policy_rule(&self, policy_id: &str, rule_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let policy = store
            .policies
            .iter_mut()
            .find(|p| p.id == policy_id)
            .ok_or_else(|| policy_not_found(policy_id))?;
        let rule = policy.rules.iter().find(|r| r.id == rule_id).cloned();
        super::remove_by_id(
            &mut policy.rules,
            rule_id,
            "AuthorizationServerPolicyRule",
            |r| &r.id,
        )?;
        drop(store);
        if let Some(rule) = rule {
            self.record_admin_change("policy.rule.delete", "Delete policy rule", rule.party());
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

/// What a rule's body says, checked: grant types are required; people default to Everyone,
/// scopes to any.
struct RuleFields {
    name: String,
    priority: Option<u32>,
    grant_types: Vec<String>,
    groups: Vec<String>,
    users: Vec<String>,
    scopes: Vec<String>,
}

impl RuleFields {
    fn read(input: RuleInput) -> DirResult<Self> {
        let name = name(input.name)?;
        let c = input.conditions.unwrap_or_default();
        let grant_types = c.grant_types.map(|g| g.include).unwrap_or_default();
        if grant_types.is_empty() {
            return Err(DirError::validation(vec![Cause::new(
                "conditions.grantTypes",
                "conditions.grantTypes: At least one grant type is required",
            )]));
        }
        let people = c.people.unwrap_or_default();
        let users = people.users.map(|u| u.include).unwrap_or_default();
        let mut groups = people.groups.map(|g| g.include).unwrap_or_default();
        if users.is_empty() && groups.is_empty() {
            groups.push(EVERYONE_GROUP.to_owned());
        }
        let scopes = c
            .scopes
            .map(|s| s.include)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| vec!["*".to_owned()]);
        Ok(Self {
            name,
            priority: priority(input.priority)?,
            grant_types,
            groups,
            users,
            scopes,
        })
    }
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

    fn rule(name: &str, priority: Option<u32>) -> RuleInput {
        serde_json::from_value(json!({"name": name, "priority": priority,
            "conditions": {"grantTypes": {"include": ["authorization_code"]}}}))
        .unwrap()
    }

    fn order(dir: &Directory, policy_id: &str) -> Vec<(String, u32)> {
        dir.policy_rules(policy_id)
            .unwrap()
            .into_iter()
            .map(|r| (r.name, r.priority))
            .collect()
    }

    #[test]
    fn a_priority_in_use_moves_that_rule_and_every_one_below_down_and_a_gap_stays() {
        let dir = Directory::new(Clock::default());
        let pid = dir.policies(ServerId::DEFAULT)[0].id.clone();
        let names = |v: &[(&str, u32)]| {
            v.iter()
                .map(|(n, p)| ((*n).to_owned(), *p))
                .collect::<Vec<_>>()
        };
        dir.create_policy_rule(&pid, rule("b", None)).unwrap();
        let c = dir.create_policy_rule(&pid, rule("c", Some(5))).unwrap();
        assert_eq!(
            order(&dir, &pid),
            names(&[("Default Policy Rule", 1), ("b", 2), ("c", 5)])
        );
        dir.create_policy_rule(&pid, rule("a", Some(1))).unwrap();
        assert_eq!(
            order(&dir, &pid),
            names(&[("a", 1), ("Default Policy Rule", 2), ("b", 3), ("c", 6)]),
            "every rule below moves down, the gap before c stays"
        );
        dir.replace_policy_rule(&pid, &c.id, rule("c", Some(2)))
            .unwrap();
        assert_eq!(
            order(&dir, &pid),
            names(&[("a", 1), ("c", 2), ("Default Policy Rule", 3), ("b", 4)])
        );
        assert!(dir.create_policy_rule(&pid, rule("zero", Some(0))).is_err());
        let max = dir
            .create_policy_rule(&pid, rule("max", Some(u32::MAX)))
            .unwrap();
        assert_eq!(max.priority, u32::MAX);
        assert_eq!(
            dir.create_policy_rule(&pid, rule("after max", None))
                .unwrap()
                .priority,
            u32::MAX,
            "no overflow"
        );
    }

    #[test]
    fn a_replaced_or_deactivated_rule_decides_access_from_then_on() {
        let dir = Directory::new(Clock::default());
        let p = dir.policies(ServerId::DEFAULT)[0].clone();
        let default_rule = p.rules[0].id.clone();
        let openid = vec!["openid".to_owned()];
        dir.replace_policy_rule(&p.id, &default_rule, rule("code only", None))
            .unwrap();
        assert!(dir.access_allowed(
            AuthServer::DEFAULT,
            "0oa1",
            "authorization_code",
            None,
            &openid
        ));
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oa1",
            "client_credentials",
            None,
            &openid
        ));
        dir.set_policy_rule_status(&p.id, &default_rule, false)
            .unwrap();
        assert!(!dir.access_allowed(
            AuthServer::DEFAULT,
            "0oa1",
            "authorization_code",
            None,
            &openid
        ));
        dir.set_policy_rule_status(&p.id, &default_rule, true)
            .unwrap();
        assert!(dir.access_allowed(
            AuthServer::DEFAULT,
            "0oa1",
            "authorization_code",
            None,
            &openid
        ));
        assert!(
            dir.replace_policy_rule(&p.id, "0prnope", rule("x", None))
                .is_err()
        );
        assert!(
            dir.set_policy_rule_status("00pnope", &default_rule, true)
                .is_err()
        );
    }
}
