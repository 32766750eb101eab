//! A policy's rules (`…/policies/{policyId}/rules`): which grant types, people and scopes
//! each lets through, their priorities and lifecycle.

use serde::Deserialize;
use time::OffsetDateTime;

use super::{EVERYONE_GROUP, Include, name, place, policy_not_found, priority, status};
use crate::{
    directory::{Cause, DirError, DirResult, Directory},
    ids::okta_id,
};

impl PolicyRule {
    /// The rule as the target of an admin change.
    pub fn party(&self) -> crate::directory::Party {
        crate::directory::Party {
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

pub(super) fn rule_not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "AuthorizationServerPolicyRule",
    }
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

impl Directory {
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
        crate::directory::remove_by_id(
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::Clock,
        paths::{AuthServer, ServerId},
    };
    use serde_json::json;

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
