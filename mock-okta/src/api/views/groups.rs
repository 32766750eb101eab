//! A group, in the Management API's JSON.

use serde::Serialize;
use serde_json::{Value, json};

use super::ts;
use crate::{directory::Group, paths::OrgUrls};

const DEFAULT_GROUP_LOGO_MEDIUM: &str = crate::paths::GROUP_LOGO_MEDIUM;
const DEFAULT_GROUP_LOGO_LARGE: &str = crate::paths::GROUP_LOGO_LARGE;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub id: String,
    pub created: String,
    pub last_updated: String,
    pub last_membership_updated: String,
    pub object_class: Vec<&'static str>,
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub profile: Value,
    #[serde(rename = "_links")]
    pub links: Value,
}

pub fn group(org: &OrgUrls, g: &Group) -> GroupView {
    let me = org.url(&format!("/api/v1/groups/{}", g.id));
    GroupView {
        id: g.id.clone(),
        created: ts(g.created),
        last_updated: ts(g.last_updated),
        last_membership_updated: ts(g.last_membership_updated),
        object_class: vec!["okta:user_group"],
        type_: g.type_.as_str(),
        profile: json!({"name": g.profile_name, "description": g.profile_description}),
        links: json!({
            "logo": [
                {"name": "medium", "href": org.url(DEFAULT_GROUP_LOGO_MEDIUM), "type": "image/png"},
                {"name": "large", "href": org.url(DEFAULT_GROUP_LOGO_LARGE), "type": "image/png"},
            ],
            "users": {"href": format!("{me}/users")},
            "apps": {"href": format!("{me}/apps")},
        }),
    }
}
