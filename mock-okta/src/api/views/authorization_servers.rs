//! The custom authorization servers, and `default`'s scopes and claims, in the Management
//! API's JSON.

use serde::Serialize;
use serde_json::{Value, json};

use super::ts;
use crate::{
    directory::{Claim, CustomServer, GroupFilterType, MetadataPublish, SYSTEM_SCOPES, Scope},
    paths::{OrgUrls, ServerId},
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeView {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub system: bool,
    pub metadata_publish: &'static str,
    pub consent: String,
    pub default: bool,
    #[serde(rename = "_links")]
    pub links: Value,
}

fn scope_links(org: &OrgUrls, server: ServerId, id: &str, system: bool) -> Value {
    // Scopes are created and deleted here, not replaced.
    let allow: &[&str] = if system { &["GET"] } else { &["GET", "DELETE"] };
    json!({"self": {
        "href": org.url(&format!("/api/v1/authorizationServers/{server}/scopes/{id}")),
        "hints": {"allow": allow},
    }})
}

pub fn scope(org: &OrgUrls, s: &Scope) -> ScopeView {
    ScopeView {
        id: s.id.clone(),
        name: s.name.clone(),
        display_name: s.display_name.clone(),
        description: s.description.clone(),
        system: false,
        metadata_publish: s.metadata_publish.as_str(),
        consent: s.consent.clone(),
        default: s.default,
        links: scope_links(org, s.server, &s.id, false),
    }
}

/// The id of a system scope, stable for the org and the server.
fn system_scope_id(org_id: &str, server: ServerId, name: &str) -> String {
    if server == ServerId::DEFAULT {
        crate::api::stable_id("scp", &[org_id, "system-scope", name])
    } else {
        crate::api::stable_id("scp", &[org_id, server.as_str(), "system-scope", name])
    }
}

fn system_scope_description(name: &str) -> &'static str {
    match name {
        "openid" => "Signals that a request is an OpenID request.",
        "profile" => "Allows access to the user's default profile claims.",
        "email" => "Allows access to the user's email address.",
        "address" => "Allows access to the user's address.",
        "phone" => "Allows access to the user's phone number.",
        "offline_access" => {
            "Allows access to requested scopes even when the user is not logged in."
        }
        "device_sso" => "Allows the client to request a device secret for native SSO.",
        _ => "",
    }
}

/// The system scopes of a custom server, in discovery order.
pub fn system_scopes(org: &OrgUrls, org_id: &str, server: ServerId) -> Vec<ScopeView> {
    SYSTEM_SCOPES
        .iter()
        .map(|name| {
            let id = system_scope_id(org_id, server, name);
            ScopeView {
                links: scope_links(org, server, &id, true),
                id,
                name: (*name).to_owned(),
                display_name: Some((*name).to_owned()),
                description: Some(system_scope_description(name).to_owned()),
                system: true,
                metadata_publish: MetadataPublish::AllClients.as_str(),
                consent: "IMPLICIT".to_owned(),
                default: false,
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthServerView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub audiences: Vec<String>,
    pub issuer: String,
    pub issuer_mode: &'static str,
    pub status: &'static str,
    pub created: String,
    pub last_updated: String,
    pub credentials: Value,
    #[serde(rename = "_links")]
    pub links: Value,
}

/// A custom authorization server (`AuthorizationServer`). `kid` is the current signing key.
pub fn auth_server(org: &OrgUrls, server: &CustomServer, kid: &str) -> AuthServerView {
    let op = if server.active {
        "deactivate"
    } else {
        "activate"
    };
    let me = org.url(&format!("/api/v1/authorizationServers/{}", server.id));
    let issuer = org.issuer(server.server());
    // `default` is replaced but never deleted.
    let self_allow: &[&str] = if server.id == ServerId::DEFAULT {
        &["GET", "PUT"]
    } else {
        &["GET", "PUT", "DELETE"]
    };
    let mut links = json!({
        "self": {"href": me, "hints": {"allow": self_allow}},
        op: {"href": format!("{me}/lifecycle/{op}"), "hints": {"allow": ["POST"]}},
        "metadata": [
            {"name": "oauth-authorization-server", "href": format!("{issuer}/.well-known/oauth-authorization-server"), "hints": {"allow": ["GET"]}},
            {"name": "openid-configuration", "href": format!("{issuer}/.well-known/openid-configuration"), "hints": {"allow": ["GET"]}},
        ],
        "rotateKey": {"href": format!("{me}/credentials/lifecycle/keyRotate"), "hints": {"allow": ["POST"]}},
    });
    links["scopes"] = json!({"href": format!("{me}/scopes"), "hints": {"allow": ["GET"]}});
    links["claims"] = json!({"href": format!("{me}/claims"), "hints": {"allow": ["GET", "POST"]}});
    links["policies"] =
        json!({"href": format!("{me}/policies"), "hints": {"allow": ["GET", "POST"]}});
    AuthServerView {
        id: server.id.as_str().to_owned(),
        name: server.name.clone(),
        description: server.description.clone(),
        audiences: server.audiences.clone(),
        issuer,
        issuer_mode: server.issuer_mode.as_str(),
        status: if server.active { "ACTIVE" } else { "INACTIVE" },
        created: ts(server.created),
        last_updated: ts(server.last_updated),
        credentials: json!({"signing": {
            "rotationMode": "AUTO",
            "lastRotated": ts(server.created),
            "nextRotation": ts(server.created + time::Duration::days(90)),
            "kid": kid,
            "use": "sig",
        }}),
        links,
    }
}

/// A claim of a custom server (`OAuth2Claim`), in Okta's key order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimView {
    pub id: String,
    pub name: String,
    pub status: &'static str,
    pub claim_type: &'static str,
    pub value_type: &'static str,
    pub value: String,
    #[serde(rename = "group_filter_type", skip_serializing_if = "Option::is_none")]
    pub group_filter_type: Option<&'static str>,
    pub conditions: Value,
    pub system: bool,
    pub always_include_in_token: bool,
    #[serde(rename = "_links")]
    pub links: Value,
}

pub fn claim(org: &OrgUrls, c: &Claim) -> ClaimView {
    ClaimView {
        id: c.id.clone(),
        name: c.name.clone(),
        status: if c.active { "ACTIVE" } else { "INACTIVE" },
        claim_type: c.claim_type.as_str(),
        value_type: c.value_type().as_str(),
        value: c.value_text().to_owned(),
        group_filter_type: c.group_filter_type().map(GroupFilterType::as_str),
        conditions: json!({"scopes": c.scopes}),
        system: false,
        always_include_in_token: c.always_include_in_token,
        links: json!({"self": {
            "href": org.url(&format!("/api/v1/authorizationServers/{}/claims/{}", c.server, c.id)),
            "hints": {"allow": ["GET", "PUT", "DELETE"]},
        }}),
    }
}
