//! The `default` authorization server's access policies and rules, in the Management API's
//! JSON (`AuthorizationServerPolicy`, `AuthorizationServerPolicyRule`).

use serde_json::{Value, json};

use super::ts;
use crate::{
    directory::{AccessPolicy, PolicyRule},
    paths::OrgUrls,
};

fn status(active: bool) -> &'static str {
    if active { "ACTIVE" } else { "INACTIVE" }
}

/// The lifecycle operation a resource in this state offers: `deactivate` when active.
fn lifecycle_op(active: bool) -> &'static str {
    if active { "deactivate" } else { "activate" }
}

fn policy_path(p: &AccessPolicy) -> String {
    format!(
        "/api/v1/authorizationServers/{}/policies/{}",
        p.server, p.id
    )
}

pub fn policy(org: &OrgUrls, p: &AccessPolicy) -> Value {
    let me = org.url(&policy_path(p));
    let op = lifecycle_op(p.active);
    json!({
        "type": "OAUTH_AUTHORIZATION_POLICY",
        "id": p.id,
        "status": status(p.active),
        "name": p.name,
        "description": p.description,
        "priority": p.priority,
        "system": false,
        "conditions": {"clients": {"include": p.clients}},
        "created": ts(p.created),
        "lastUpdated": ts(p.last_updated),
        "_links": {
            "self": {"href": me, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            op: {"href": format!("{me}/lifecycle/{op}"), "hints": {"allow": ["POST"]}},
            "rules": {"href": format!("{me}/rules"), "hints": {"allow": ["GET", "POST"]}}
        }
    })
}

pub fn policy_rule(org: &OrgUrls, p: &AccessPolicy, r: &PolicyRule) -> Value {
    let me = org.url(&format!("{}/rules/{}", policy_path(p), r.id));
    let op = lifecycle_op(r.active);
    json!({
        "type": "RESOURCE_ACCESS",
        "id": r.id,
        "status": status(r.active),
        "name": r.name,
        "priority": r.priority,
        "system": false,
        "conditions": {
            "people": {
                "users": {"include": r.users, "exclude": []},
                "groups": {"include": r.groups, "exclude": []}
            },
            "grantTypes": {"include": r.grant_types},
            "scopes": {"include": r.scopes}
        },
        "actions": {"token": {
            "accessTokenLifetimeMinutes": 60,
            "refreshTokenLifetimeMinutes": 0,
            "refreshTokenWindowMinutes": 10080
        }},
        "created": ts(r.created),
        "lastUpdated": ts(r.last_updated),
        "_links": {
            "self": {"href": me, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            op: {"href": format!("{me}/lifecycle/{op}"), "hints": {"allow": ["POST"]}},
            "policy": {"href": org.url(&policy_path(p)), "hints": {"allow": ["GET"]}}
        }
    })
}
