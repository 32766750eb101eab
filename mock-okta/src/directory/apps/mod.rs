//! OIDC apps (web, SPA, native, service): the app and its settings, credentials and
//! lifecycle. The input shape is in [`input`], the rules it must meet in [`rules`], and user
//! and group assignments in [`assignments`].

mod assignments;
mod input;
mod jwks;
mod rules;

use indexmap::IndexMap;
use serde::Deserialize;
use time::OffsetDateTime;

use super::{
    Cause, ClientSecrets, DirError, DirResult, Directory, Page, Store, paginate, starts_with_ci,
};
use crate::ids::okta_id;
pub use assignments::check_app_user_name;
pub use input::{
    AppInput, CredentialsInput, HideInput, IdpInitiatedLoginInput, OAuthClientCredentialsInput,
    OAuthClientSettingsInput, RefreshTokenInput, SettingsInput, VisibilityInput,
};
use rules::AppParts;
pub(in crate::directory) use rules::generate_secret;

/// `settings.oauthClient.application_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    Web,
    Browser,
    Native,
    Service,
}

impl AppType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Browser => "browser",
            Self::Native => "native",
            Self::Service => "service",
        }
    }

    fn allowed_grants(self) -> &'static [&'static str] {
        const DEVICE: &str = "urn:ietf:params:oauth:grant-type:device_code";
        match self {
            Self::Web => &[
                "authorization_code",
                "refresh_token",
                "implicit",
                "client_credentials",
                "password",
                "interaction_code",
                DEVICE,
            ],
            Self::Browser => &[
                "authorization_code",
                "refresh_token",
                "implicit",
                "interaction_code",
            ],
            Self::Native => &[
                "authorization_code",
                "refresh_token",
                "implicit",
                "password",
                "interaction_code",
                DEVICE,
            ],
            Self::Service => &["client_credentials"],
        }
    }
}

/// `credentials.oauthClient.token_endpoint_auth_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    ClientSecretJwt,
    PrivateKeyJwt,
    None,
}

impl TokenAuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::None => "none",
        }
    }
    pub fn uses_secret(self) -> bool {
        matches!(
            self,
            Self::ClientSecretBasic | Self::ClientSecretPost | Self::ClientSecretJwt
        )
    }
}

/// `settings.oauthClient.idp_initiated_login.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum IdpMode {
    Disabled,
    Spec,
    Okta,
}

impl IdpMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disabled => "DISABLED",
            Self::Spec => "SPEC",
            Self::Okta => "OKTA",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpInitiatedLogin {
    pub mode: IdpMode,
    pub default_scope: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    /// Empty unless the auth method uses a secret; then one or two, at least one active.
    pub secrets: ClientSecrets,
    pub token_endpoint_auth_method: TokenAuthMethod,
    pub pkce_required: bool,
    pub auto_key_rotation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthSettings {
    pub application_type: AppType,
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub response_types: Vec<String>,
    pub grant_types: Vec<String>,
    pub initiate_login_uri: Option<String>,
    pub idp_initiated_login: IdpInitiatedLogin,
    pub consent_method: String,
    pub issuer_mode: String,
    pub wildcard_redirect: String,
    /// Refresh-token rotation: `STATIC` (web default) or `ROTATE` (SPA default).
    pub refresh_rotation: String,
    pub refresh_leeway: u32,
    /// `settings.oauthClient.jwks`: the public keys `private_key_jwt` assertions are checked
    /// with, as given (`{"keys": [...]}`).
    pub jwks: Option<serde_json::Value>,
}

impl OAuthSettings {
    pub fn has_grant(&self, grant: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant)
    }
    pub fn has_response_type(&self, rt: &str) -> bool {
        self.response_types.iter().any(|r| r == rt)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppStatus {
    Active,
    Inactive,
}

impl AppStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Inactive => "INACTIVE",
        }
    }
}

/// A direct user assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUser {
    pub user_id: String,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
    /// `USER` for a direct assignment.
    pub scope: String,
    /// The app's own profile of the user (empty until an admin sets one).
    pub profile: serde_json::Map<String, serde_json::Value>,
    /// The app's username for the user, when an admin set one instead of the Okta login.
    pub user_name: Option<String>,
}

/// A group assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGroup {
    pub group_id: String,
    pub last_updated: OffsetDateTime,
    pub priority: u32,
}

/// An OIDC app integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub id: String,
    pub label: String,
    pub status: AppStatus,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
    /// The `aln…` id in the dashboard tile's link.
    pub link_id: String,
    pub credentials: ClientCredentials,
    pub settings: OAuthSettings,
    /// `visibility.hide.web`: false shows the tile on the end-user dashboard.
    pub hide_web: bool,
    pub hide_ios: bool,
    pub auto_submit_toolbar: bool,
    pub users: IndexMap<String, AppUser>,
    pub groups: IndexMap<String, AppGroup>,
    /// `okta.*` scopes granted to the app (`/api/v1/apps/{id}/grants`).
    pub scope_grants: Vec<super::ScopeGrant>,
    /// The groups claim of the app's Sign On tab (org authorization server ID tokens).
    pub groups_claim: Option<super::AppGroupsClaim>,
}

impl App {
    /// The app integration as the target of an admin change (Okta's `AppInstance`).
    pub fn instance_party(&self) -> crate::directory::Party {
        crate::directory::Party {
            id: self.id.clone(),
            type_: "AppInstance",
            alternate_id: self.label.clone(),
            display_name: self.label.clone(),
        }
    }

    /// The app as a System Log actor or target (Okta's `PublicClientApp`).
    pub fn party(&self) -> crate::directory::Party {
        crate::directory::Party {
            id: self.credentials.client_id.clone(),
            type_: "PublicClientApp",
            alternate_id: self.credentials.client_id.clone(),
            display_name: self.label.clone(),
        }
    }

    /// Whether the app's tile shows on the dashboard: Okta-initiated login on, an initiate
    /// login URI, the icon displayed and the app active.
    pub fn shows_tile(&self) -> bool {
        self.status == AppStatus::Active
            && !self.hide_web
            && self.settings.idp_initiated_login.mode != IdpMode::Disabled
            && self.settings.initiate_login_uri.is_some()
    }
}

impl Store {
    /// A client id belongs to one app of the org; `except` is the app being replaced.
    fn check_client_id_free(&self, client_id: &str, except: Option<&str>) -> DirResult<()> {
        let taken = self
            .apps
            .values()
            .any(|a| Some(a.id.as_str()) != except && a.credentials.client_id == client_id);
        if taken {
            return Err(DirError::validation(vec![Cause::taken(
                "credentials.oauthClient.client_id",
            )]));
        }
        Ok(())
    }
}

impl Directory {
    /// Creates an app (`POST /api/v1/apps`, the console wizard, the seed file).
    pub fn create_app(&self, input: AppInput, activate: bool) -> DirResult<App> {
        let now = self.clock().now_datetime();
        let mut parts = AppParts::build(input, None, now).map_err(DirError::validation)?;
        let id = okta_id("0oa");
        if parts.credentials.client_id.is_empty() {
            parts.credentials.client_id = id.clone();
        }
        let mut store = self.write();
        store.check_client_id_free(&parts.credentials.client_id, None)?;
        let mut app = App {
            id: id.clone(),
            label: String::new(),
            status: if activate {
                AppStatus::Active
            } else {
                AppStatus::Inactive
            },
            created: now,
            last_updated: now,
            link_id: okta_id("aln"),
            credentials: parts.credentials.clone(),
            settings: parts.settings.clone(),
            hide_web: true,
            hide_ios: true,
            auto_submit_toolbar: false,
            users: IndexMap::new(),
            groups: IndexMap::new(),
            scope_grants: Vec::new(),
            groups_claim: None,
        };
        parts.apply_to(&mut app);
        store.trust_app_origins(&app, now);
        store.apps.insert(id, app.clone());
        drop(store);
        self.record_admin_change(
            "application.lifecycle.create",
            "Create application",
            app.instance_party(),
        );
        if activate {
            self.record_admin_change(
                "application.lifecycle.activate",
                "Activate application",
                app.instance_party(),
            );
        }
        Ok(app)
    }

    /// Checks a new app against every rule of `create_app` without creating it, so the
    /// console can refuse a form as a whole (app settings and its assignments) before
    /// anything changes.
    pub fn check_new_app(&self, input: AppInput) -> DirResult<()> {
        AppParts::build(input, None, self.clock().now_datetime())
            .map(|_| ())
            .map_err(DirError::validation)
    }

    /// Replaces an app's settings (`PUT /api/v1/apps/{id}`, the console's Edit/Save).
    pub fn replace_app(&self, id: &str, input: AppInput) -> DirResult<App> {
        let current = self.app(id)?;
        let now = self.clock().now_datetime();
        let parts = AppParts::build(input, Some(&current), now).map_err(DirError::validation)?;
        let mut store = self.write();
        store.check_client_id_free(&parts.credentials.client_id, Some(id))?;
        let app = store.app_mut(id)?;
        parts.apply_to(app);
        app.last_updated = now;
        let app = app.clone();
        store.trust_app_origins(&app, now);
        Ok(app)
    }

    /// Replaces the app's client secrets with one new secret (the console's "Generate new
    /// secret").
    pub fn rotate_client_secret(&self, id: &str) -> DirResult<App> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(id)?;
        if !app.credentials.secrets.is_empty() {
            app.credentials.secrets = ClientSecrets::single(generate_secret(), now);
        }
        app.last_updated = now;
        Ok(app.clone())
    }

    /// An app by id.
    pub fn app(&self, id: &str) -> DirResult<App> {
        self.read()
            .apps
            .get(id)
            .cloned()
            .ok_or_else(|| DirError::app_not_found(id))
    }

    /// An app by its OAuth client id.
    pub fn app_by_client_id(&self, client_id: &str) -> Option<App> {
        self.read()
            .apps
            .values()
            .find(|a| a.credentials.client_id == client_id)
            .cloned()
    }

    /// Lists apps: `q` matches a prefix of the label or name, `filter` is a predicate.
    pub fn list_apps(
        &self,
        q: Option<&str>,
        filter: &dyn Fn(&App) -> bool,
        after: Option<&str>,
        limit: usize,
    ) -> Page<App> {
        let store = self.read();
        let items = store.apps.values().filter(|a| {
            q.is_none_or(|q| starts_with_ci(&a.label, q) || starts_with_ci("oidc_client", q))
                && filter(a)
        });
        paginate(items.map(|a| (a.id.clone(), a.clone())), after, limit)
    }

    /// Activates or deactivates an app.
    pub fn set_app_status(&self, id: &str, active: bool) -> DirResult<App> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(id)?;
        app.status = if active {
            AppStatus::Active
        } else {
            AppStatus::Inactive
        };
        app.last_updated = now;
        let app = app.clone();
        drop(store);
        let (event_type, message) = if active {
            ("application.lifecycle.activate", "Activate application")
        } else {
            ("application.lifecycle.deactivate", "Deactivate application")
        };
        self.record_admin_change(event_type, message, app.instance_party());
        Ok(app)
    }

    /// Deletes an app; it must be deactivated first (E0000056 otherwise).
    pub fn delete_app(&self, id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store
            .apps
            .get(id)
            .ok_or_else(|| DirError::app_not_found(id))?;
        if app.status == AppStatus::Active {
            return Err(DirError::AppActive);
        }
        if let Some(app) = store.apps.shift_remove(id) {
            drop(store);
            self.record_admin_change(
                "application.lifecycle.delete",
                "Delete application",
                app.instance_party(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use serde_json::json;

    pub(super) fn web_app(extra: serde_json::Value) -> AppInput {
        let mut v = json!({
            "name": "oidc_client", "label": "Konnect", "signOnMode": "OPENID_CONNECT",
            "settings": {"oauthClient": {
                "application_type": "web",
                "redirect_uris": ["https://cloud.konghq.com/login"],
                "grant_types": ["authorization_code"], "response_types": ["code"]}}
        });
        if let (Some(o), Some(e)) = (
            v["settings"]["oauthClient"].as_object_mut(),
            extra.as_object(),
        ) {
            for (k, val) in e {
                o.insert(k.clone(), val.clone());
            }
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn web_app_gets_generated_credentials_and_okta_defaults() {
        let dir = Directory::new(Clock::default());
        let app = dir.create_app(web_app(json!({})), true).unwrap();
        assert!(app.id.starts_with("0oa"));
        assert_eq!(app.credentials.client_id, app.id);
        assert_eq!(app.credentials.secrets.current().unwrap().len(), 64);
        assert_eq!(
            app.credentials.token_endpoint_auth_method,
            TokenAuthMethod::ClientSecretBasic
        );
        assert!(!app.credentials.pkce_required);
        assert!(app.hide_web && !app.shows_tile());
        assert_eq!(dir.app_by_client_id(&app.id).unwrap(), app);
    }

    #[test]
    fn refuses_relative_redirect_uri_and_idp_login_without_initiate_uri() {
        let dir = Directory::new(Clock::default());
        let err = dir
            .create_app(web_app(json!({"redirect_uris": ["/login"]})), true)
            .unwrap_err();
        assert!(
            matches!(err, DirError::Validation { ref summary, .. } if summary == "settings.oauthClient.redirect_uris")
        );
        let err = dir
            .create_app(
                web_app(json!({"idp_initiated_login": {"mode": "SPEC"}})),
                true,
            )
            .unwrap_err();
        assert!(
            matches!(err, DirError::Validation { ref summary, .. } if summary == "settings.oauthClient.initiate_login_uri")
        );
        let err = dir
            .create_app(web_app(json!({"grant_types": ["authorization_code"], "response_types": ["code", "id_token"]})), true)
            .unwrap_err();
        assert!(matches!(err, DirError::Validation { .. }));
        assert!(dir.list_apps(None, &|_| true, None, 10).items.is_empty());
    }

    #[test]
    fn an_app_replaced_with_its_own_input_keeps_every_setting_and_its_credentials() {
        let dir = Directory::new(Clock::default());
        let app = dir
            .create_app(
                web_app(json!({"grant_types": ["authorization_code", "implicit"],
                    "initiate_login_uri": "https://cloud.konghq.com/login/acme",
                    "idp_initiated_login": {"mode": "SPEC", "default_scope": ["openid"]}})),
                true,
            )
            .unwrap();
        let again = dir.replace_app(&app.id, AppInput::from(&app)).unwrap();
        assert_eq!(again.settings, app.settings);
        assert_eq!(again.credentials, app.credentials);
        assert_eq!(
            (again.hide_web, again.hide_ios, again.label.as_str()),
            (app.hide_web, app.hide_ios, app.label.as_str())
        );
    }
}
