//! A user and their admin roles, in the Management API's JSON.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::ts;
use crate::{
    directory::{Role, User, UserStatus},
    paths::OrgUrls,
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: String,
    pub status: &'static str,
    pub created: String,
    pub activated: Option<String>,
    pub status_changed: Option<String>,
    pub last_login: Option<String>,
    pub last_updated: String,
    pub password_changed: Option<String>,
    #[serde(rename = "type")]
    pub type_: Value,
    pub profile: Map<String, Value>,
    pub credentials: Map<String, Value>,
    #[serde(rename = "_links")]
    pub links: Map<String, Value>,
}

/// The id of the org's default user type (`oty…`), stable for the org.
pub fn user_type_id(org_id: &str) -> String {
    crate::api::stable_id("oty", &[org_id, "user-type"])
}

pub fn user(org: &OrgUrls, org_id: &str, u: &User) -> UserView {
    let type_id = user_type_id(org_id);
    let me = org.url(&format!("/api/v1/users/{}", u.id));
    let post = |op: &str| json!({"href": format!("{me}/lifecycle/{op}"), "method": "POST"});
    let mut links = Map::new();
    let ops: &[&str] = match u.status {
        UserStatus::Active => &["suspend", "reset_password", "expire_password", "deactivate"],
        UserStatus::Suspended => &["unsuspend", "deactivate"],
        UserStatus::Staged => &["activate", "deactivate"],
        UserStatus::Provisioned => &["reactivate", "deactivate"],
        UserStatus::LockedOut => &["unlock", "deactivate"],
        UserStatus::Deprovisioned => &["activate"],
        UserStatus::Recovery | UserStatus::PasswordExpired => &["deactivate"],
    };
    for op in ops {
        let name = match *op {
            "reset_password" => "resetPassword",
            "expire_password" => "expirePassword",
            other => other,
        };
        links.insert(name.to_owned(), post(op));
    }
    links.insert("self".into(), json!({"href": me}));
    links.insert(
        "type".into(),
        json!({"href": org.url(&format!("/api/v1/meta/types/user/{type_id}"))}),
    );
    let mut credentials = Map::new();
    if u.has_password() {
        credentials.insert("password".into(), json!({}));
    }
    credentials.insert("provider".into(), json!({"type": "OKTA", "name": "OKTA"}));
    UserView {
        id: u.id.clone(),
        status: u.status.as_str(),
        created: ts(u.created),
        activated: u.activated.map(ts),
        status_changed: u.status_changed.map(ts),
        last_login: u.last_login.map(ts),
        last_updated: ts(u.last_updated),
        password_changed: u.password_changed.map(ts),
        type_: json!({"id": type_id}),
        profile: u.profile.clone(),
        credentials,
        links,
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    pub id: String,
    pub label: &'static str,
    #[serde(rename = "type")]
    pub type_: String,
    pub status: &'static str,
    pub created: String,
    pub last_updated: String,
    pub assignment_type: &'static str,
    #[serde(rename = "_links")]
    pub links: Value,
}

pub fn role(org: &OrgUrls, user_id: &str, r: &Role) -> RoleView {
    RoleView {
        id: r.id.clone(),
        label: r.label(),
        type_: r.role_type.clone(),
        status: "ACTIVE",
        created: ts(r.created),
        last_updated: ts(r.created),
        assignment_type: "USER",
        links: json!({"assignee": {"href": org.url(&format!("/api/v1/users/{user_id}"))}}),
    }
}
