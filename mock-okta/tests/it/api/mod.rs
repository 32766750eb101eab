//! The Management API over HTTP, one file per surface: shapes, errors, pagination,
//! lifecycle and assignments. Helpers shared by these files are here.

mod apps;
mod assignments;
mod authorization_servers;
mod claims;
mod client_secrets;
mod errors;
mod groups;
mod links;
mod logs;
mod oauth_for_okta;
mod passwords;
mod policies;
mod sessions;
mod trusted_origins;
mod users;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mock_okta::config::DEFAULT_API_TOKEN;

use crate::support::{
    ClientKey, Harness, JWT_BEARER, REDIRECT, Reply, ReplyExt as _, call, get, jwt_parts, keys,
};

fn app_body(label: &str, settings: Value, credentials: Value) -> Value {
    json!({
        "name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": credentials},
        "settings": {"oauthClient": settings}
    })
}

fn web_settings() -> Value {
    json!({"application_type": "web", "redirect_uris": [REDIRECT],
           "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]})
}

async fn create_app(h: &Harness, label: &str) -> Value {
    let r = call(
        h,
        Method::POST,
        "/api/v1/apps",
        Some(app_body(label, web_settings(), json!({}))),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

async fn create_user(h: &Harness, login: &str, activate: bool) -> Value {
    let r = call(
        h,
        Method::POST,
        &format!("/api/v1/users?activate={activate}"),
        Some(json!({
            "profile": {"firstName": "Test", "lastName": "Person", "email": login, "login": login},
            "credentials": {"password": {"value": "Corr3ct-Horse-Battery"}}
        })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

async fn everyone_id(h: &Harness) -> String {
    let r = get(h, "/api/v1/groups?filter=type+eq+%22BUILT_IN%22").await;
    assert_eq!(r.status, StatusCode::OK);
    r.json[0]["id"].as_str().expect("Everyone").to_owned()
}

const APP_KEYS: [&str; 13] = [
    "id",
    "name",
    "label",
    "status",
    "lastUpdated",
    "created",
    "accessibility",
    "visibility",
    "features",
    "signOnMode",
    "credentials",
    "settings",
    "_links",
];
