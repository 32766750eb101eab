//! An app, its user and group assignments, its scope grants and a user's app links, in
//! the Management API's JSON.

use serde::Serialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::{Href, NamedLink, ts};
use crate::{
    directory::{App, AppGroup, AppStatus, AppUser, Group, ScopeGrant, User},
    paths::OrgUrls,
};

/// Okta's generic logo for apps without one.
const DEFAULT_APP_LOGO: &str = crate::paths::APP_LOGO;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiAppView {
    pub id: String,
    pub name: &'static str,
    pub label: String,
    pub status: &'static str,
    pub last_updated: String,
    pub created: String,
    pub accessibility: Value,
    pub visibility: Visibility,
    pub features: Vec<String>,
    pub sign_on_mode: &'static str,
    pub credentials: AppCredentials,
    pub settings: AppSettings,
    #[serde(rename = "_links")]
    pub links: AppLinks,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Visibility {
    pub auto_launch: bool,
    pub auto_submit_toolbar: bool,
    pub hide: Hide,
    pub app_links: Value,
}

#[derive(Debug, Serialize)]
pub struct Hide {
    #[serde(rename = "iOS")]
    pub ios: bool,
    pub web: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppCredentials {
    pub user_name_template: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing: Option<Signing>,
    pub oauth_client: OAuthClientCredentials,
}

#[derive(Debug, Serialize)]
pub struct Signing {
    pub kid: String,
}

#[derive(Debug, Serialize)]
pub struct OAuthClientCredentials {
    #[serde(rename = "autoKeyRotation")]
    pub auto_key_rotation: bool,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub token_endpoint_auth_method: &'static str,
    pub pkce_required: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSettings {
    pub app: Value,
    pub notifications: Value,
    pub manual_provisioning: bool,
    pub implicit_assignment: bool,
    pub notes: Value,
    pub oauth_client: OAuthClientSettings,
}

#[derive(Debug, Serialize)]
pub struct OAuthClientSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub response_types: Vec<String>,
    pub grant_types: Vec<String>,
    pub application_type: &'static str,
    pub consent_method: String,
    pub issuer_mode: String,
    pub idp_initiated_login: IdpInitiatedLoginView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiate_login_uri: Option<String>,
    pub wildcard_redirect: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshTokenView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks: Option<Value>,
}

#[derive(Debug, Serialize)]
pub struct IdpInitiatedLoginView {
    pub mode: &'static str,
    pub default_scope: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RefreshTokenView {
    pub rotation_type: String,
    pub leeway: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppLinks {
    pub app_links: Vec<NamedLink>,
    pub groups: Href,
    pub logo: Vec<NamedLink>,
    pub users: Href,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deactivate: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activate: Option<Href>,
}

/// Whether the client secret goes into the response: Okta shows it only when the app is
/// created or replaced (and only for secret-based client authentication).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    Show,
    Hide,
}

pub fn app(org: &OrgUrls, a: &App, secret: Secret, kid: Option<String>) -> ApiAppView {
    let api = |p: &str| org.url(&format!("/api/v1/apps/{}{p}", a.id));
    let s = &a.settings;
    let active = a.status == AppStatus::Active;
    ApiAppView {
        id: a.id.clone(),
        name: "oidc_client",
        label: a.label.clone(),
        status: a.status.as_str(),
        last_updated: ts(a.last_updated),
        created: ts(a.created),
        accessibility: json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null}),
        visibility: Visibility {
            auto_launch: false,
            auto_submit_toolbar: a.auto_submit_toolbar,
            hide: Hide {
                ios: a.hide_ios,
                web: a.hide_web,
            },
            app_links: json!({"oidc_client_link": true}),
        },
        features: Vec::new(),
        sign_on_mode: "OPENID_CONNECT",
        credentials: AppCredentials {
            user_name_template: json!({"template": "${source.login}", "type": "BUILT_IN"}),
            signing: kid.map(|kid| Signing { kid }),
            oauth_client: OAuthClientCredentials {
                auto_key_rotation: a.credentials.auto_key_rotation,
                client_id: a.credentials.client_id.clone(),
                client_secret: match secret {
                    Secret::Show if a.credentials.token_endpoint_auth_method.uses_secret() => {
                        a.credentials.secrets.current().map(str::to_owned)
                    }
                    _ => None,
                },
                token_endpoint_auth_method: a.credentials.token_endpoint_auth_method.as_str(),
                pkce_required: a.credentials.pkce_required,
            },
        },
        settings: AppSettings {
            app: json!({}),
            notifications: json!({"vpn": {"network": {"connection": "DISABLED"}, "message": null, "helpUrl": null}}),
            manual_provisioning: false,
            implicit_assignment: false,
            notes: json!({"admin": null, "enduser": null}),
            oauth_client: OAuthClientSettings {
                client_uri: s.client_uri.clone(),
                logo_uri: s.logo_uri.clone(),
                redirect_uris: s.redirect_uris.clone(),
                post_logout_redirect_uris: s.post_logout_redirect_uris.clone(),
                response_types: s.response_types.clone(),
                grant_types: s.grant_types.clone(),
                application_type: s.application_type.as_str(),
                consent_method: s.consent_method.clone(),
                issuer_mode: s.issuer_mode.clone(),
                idp_initiated_login: IdpInitiatedLoginView {
                    mode: s.idp_initiated_login.mode.as_str(),
                    default_scope: s.idp_initiated_login.default_scope.clone(),
                },
                initiate_login_uri: s.initiate_login_uri.clone(),
                wildcard_redirect: s.wildcard_redirect.clone(),
                refresh_token: s.has_grant("refresh_token").then(|| RefreshTokenView {
                    rotation_type: s.refresh_rotation.clone(),
                    leeway: s.refresh_leeway,
                }),
                jwks: s.jwks.clone(),
            },
        },
        links: AppLinks {
            app_links: vec![NamedLink {
                name: "oidc_client_link".into(),
                href: org.app_link(&a.id, &a.link_id),
                type_: "text/html",
            }],
            groups: Href {
                href: api("/groups"),
            },
            logo: vec![NamedLink {
                name: "medium".into(),
                href: org.url(DEFAULT_APP_LOGO),
                type_: "image/png",
            }],
            users: Href {
                href: api("/users"),
            },
            deactivate: active.then(|| Href {
                href: api("/lifecycle/deactivate"),
            }),
            activate: (!active).then(|| Href {
                href: api("/lifecycle/activate"),
            }),
        },
    }
}

// ---- App assignments ----

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppUserView {
    pub id: String,
    pub external_id: Option<String>,
    pub created: String,
    pub last_updated: String,
    pub scope: &'static str,
    pub status: &'static str,
    pub status_changed: String,
    pub password_changed: Option<String>,
    pub sync_state: &'static str,
    pub credentials: Value,
    pub profile: Value,
    #[serde(rename = "_links")]
    pub links: Map<String, Value>,
}

/// How a user came to be assigned to an app.
#[derive(Debug, Clone)]
pub enum Assignment {
    /// Directly (`scope: USER`), with the app's own profile and username of the user.
    Direct(AppUser),
    /// Through a group (`scope: GROUP`).
    Group(Group, OffsetDateTime),
}

pub fn app_user(org: &OrgUrls, app_id: &str, u: &User, how: &Assignment) -> AppUserView {
    let (created, updated, scope) = match how {
        Assignment::Direct(au) => (au.created, au.last_updated, "USER"),
        Assignment::Group(_, l) => (*l, *l, "GROUP"),
    };
    let (user_name, profile) = match how {
        Assignment::Direct(au) => (
            au.user_name.as_deref().unwrap_or(u.login()),
            Value::Object(au.profile.clone()),
        ),
        Assignment::Group(..) => (u.login(), json!({})),
    };
    let mut links = Map::new();
    links.insert(
        "app".into(),
        json!({"href": org.url(&format!("/api/v1/apps/{app_id}"))}),
    );
    if let Assignment::Group(g, _) = how {
        links.insert(
            "group".into(),
            json!({"name": g.profile_name, "href": org.url(&format!("/api/v1/groups/{}", g.id))}),
        );
    }
    links.insert(
        "user".into(),
        json!({"href": org.url(&format!("/api/v1/users/{}", u.id))}),
    );
    AppUserView {
        id: u.id.clone(),
        external_id: None,
        created: ts(created),
        last_updated: ts(updated),
        scope,
        status: "ACTIVE",
        status_changed: ts(created),
        password_changed: None,
        sync_state: "DISABLED",
        credentials: json!({"userName": user_name}),
        profile,
        links,
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppGroupView {
    pub id: String,
    pub last_updated: String,
    pub priority: u32,
    #[serde(rename = "_links")]
    pub links: Value,
}

pub fn app_group(org: &OrgUrls, app_id: &str, ag: &AppGroup) -> AppGroupView {
    AppGroupView {
        id: ag.group_id.clone(),
        last_updated: ts(ag.last_updated),
        priority: ag.priority,
        links: json!({
            "app": {"href": org.url(&format!("/api/v1/apps/{app_id}"))},
            "group": {"href": org.url(&format!("/api/v1/groups/{}", ag.group_id))},
        }),
    }
}

/// A scope consent grant (`/api/v1/apps/{id}/grants`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeGrantView {
    pub id: String,
    pub status: &'static str,
    pub created: String,
    pub last_updated: String,
    pub issuer: String,
    pub client_id: String,
    pub scope_id: String,
    pub source: &'static str,
    #[serde(rename = "_links")]
    pub links: Value,
}

pub fn scope_grant(org: &OrgUrls, a: &App, g: &ScopeGrant) -> ScopeGrantView {
    ScopeGrantView {
        id: g.id.clone(),
        status: "ACTIVE",
        created: ts(g.created),
        last_updated: ts(g.created),
        issuer: org.base().to_owned(),
        client_id: a.credentials.client_id.clone(),
        scope_id: g.scope_id.clone(),
        source: "ADMIN",
        links: json!({
            "app": {"href": org.url(&format!("/api/v1/apps/{}", a.id))},
            "self": {"href": org.url(&format!("/api/v1/apps/{}/grants/{}", a.id, g.id))},
        }),
    }
}

/// One entry of `GET /api/v1/users/{id}/appLinks`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppLinkView {
    pub id: String,
    pub label: String,
    pub link_url: String,
    pub logo_url: String,
    pub app_name: &'static str,
    pub app_instance_id: String,
    pub app_assignment_id: String,
    pub credentials_setup: bool,
    pub hidden: bool,
    pub sort_order: usize,
}

pub fn app_link(org: &OrgUrls, a: &App, user_id: &str, sort_order: usize) -> AppLinkView {
    AppLinkView {
        id: a.link_id.clone(),
        label: a.label.clone(),
        link_url: org.app_link(&a.id, &a.link_id),
        logo_url: org.url(DEFAULT_APP_LOGO),
        app_name: "oidc_client",
        app_instance_id: a.id.clone(),
        app_assignment_id: crate::api::stable_id("0ua", &[&a.id, user_id]),
        credentials_setup: false,
        hidden: a.hide_web,
        sort_order,
    }
}

/// The app's groups claim as the internal `settings/oauth/idToken` answers it; `{}` with
/// only the issuer mode when none is set.
pub fn app_groups_claim(a: &App) -> Value {
    let mut m = Map::new();
    if let Some(c) = &a.groups_claim {
        m.insert("valueType".into(), "GROUPS".into());
        m.insert(
            "groupFilterType".into(),
            c.filter.filter_type.as_str().into(),
        );
    }
    m.insert("issuerMode".into(), a.settings.issuer_mode.clone().into());
    if let Some(c) = &a.groups_claim {
        m.insert("name".into(), c.name.clone().into());
        m.insert("value".into(), c.filter.value.clone().into());
    }
    Value::Object(m)
}
