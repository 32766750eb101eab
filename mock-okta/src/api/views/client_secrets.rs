//! An app's client secret (`OAuth2ClientSecret`), in the Management API's JSON.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{hints, ts};
use crate::{
    directory::{ClientSecret, SecretStatus},
    paths::OrgUrls,
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSecretView {
    pub id: String,
    pub created: String,
    pub last_updated: String,
    pub status: &'static str,
    #[serde(rename = "client_secret")]
    pub client_secret: String,
    #[serde(rename = "secret_hash")]
    pub secret_hash: String,
    #[serde(rename = "_links")]
    pub links: Value,
}

/// The secret with the links its status allows: an active one can be deactivated; an
/// inactive one activated or deleted.
pub fn client_secret(org: &OrgUrls, app_id: &str, s: &ClientSecret) -> ClientSecretView {
    let me = org.url(&format!(
        "/api/v1/apps/{app_id}/credentials/secrets/{}",
        s.id
    ));
    let link = |href: String, allow| serde_json::to_value(hints(href, allow)).unwrap_or_default();
    let mut links = Map::new();
    match s.status {
        SecretStatus::Active => {
            links.insert(
                "deactivate".into(),
                link(format!("{me}/lifecycle/deactivate"), &["POST"]),
            );
        }
        SecretStatus::Inactive => {
            links.insert(
                "activate".into(),
                link(format!("{me}/lifecycle/activate"), &["POST"]),
            );
            links.insert("delete".into(), link(me, &["DELETE"]));
        }
    }
    ClientSecretView {
        id: s.id.clone(),
        created: ts(s.created),
        last_updated: ts(s.last_updated),
        status: s.status.as_str(),
        client_secret: s.value.clone(),
        secret_hash: s.hash(),
        links: Value::Object(links),
    }
}
