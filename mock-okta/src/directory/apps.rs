//! OIDC apps (web, SPA, native, service): settings, credentials, lifecycle and assignments.

use indexmap::IndexMap;
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Cause, DirError, DirResult, Directory, Page, paginate, starts_with_ci};
use crate::ids::{alphanumeric, okta_id};

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
    pub client_secret: Option<String>,
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
}

impl App {
    /// Whether the app's tile shows on the dashboard: Okta-initiated login on, an initiate
    /// login URI, the icon displayed and the app active.
    pub fn shows_tile(&self) -> bool {
        self.status == AppStatus::Active
            && !self.hide_web
            && self.settings.idp_initiated_login.mode != IdpMode::Disabled
            && self.settings.initiate_login_uri.is_some()
    }
}

// ---- Input, in Okta's JSON shape (create and full replace) ----

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AppInput {
    pub name: Option<String>,
    pub label: Option<String>,
    #[serde(rename = "signOnMode")]
    pub sign_on_mode: Option<String>,
    pub credentials: Option<CredentialsInput>,
    pub settings: Option<SettingsInput>,
    pub visibility: Option<VisibilityInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CredentialsInput {
    #[serde(rename = "oauthClient")]
    pub oauth_client: Option<OAuthClientCredentialsInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuthClientCredentialsInput {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub token_endpoint_auth_method: Option<TokenAuthMethod>,
    pub pkce_required: Option<bool>,
    #[serde(rename = "autoKeyRotation")]
    pub auto_key_rotation: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsInput {
    #[serde(rename = "oauthClient")]
    pub oauth_client: Option<OAuthClientSettingsInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OAuthClientSettingsInput {
    pub application_type: Option<AppType>,
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub initiate_login_uri: Option<String>,
    pub idp_initiated_login: Option<IdpInitiatedLoginInput>,
    pub consent_method: Option<String>,
    pub issuer_mode: Option<String>,
    pub wildcard_redirect: Option<String>,
    pub refresh_token: Option<RefreshTokenInput>,
    pub jwks: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdpInitiatedLoginInput {
    pub mode: Option<IdpMode>,
    pub default_scope: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RefreshTokenInput {
    pub rotation_type: Option<String>,
    pub leeway: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisibilityInput {
    #[serde(rename = "autoSubmitToolbar")]
    pub auto_submit_toolbar: Option<bool>,
    pub hide: Option<HideInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct HideInput {
    #[serde(rename = "iOS")]
    pub ios: Option<bool>,
    pub web: Option<bool>,
}

impl From<&App> for AppInput {
    /// The app as a full-replace input, as `GET` then `PUT /api/v1/apps/{id}` would send it:
    /// the console's Edit changes a few fields of this and saves it through `replace_app`,
    /// so a console edit passes the same rules as the API. Credentials stay as they are.
    fn from(a: &App) -> Self {
        let s = &a.settings;
        Self {
            name: Some("oidc_client".to_owned()),
            label: Some(a.label.clone()),
            sign_on_mode: Some("OPENID_CONNECT".to_owned()),
            credentials: Some(CredentialsInput {
                oauth_client: Some(OAuthClientCredentialsInput {
                    client_id: None,
                    client_secret: None,
                    token_endpoint_auth_method: Some(a.credentials.token_endpoint_auth_method),
                    pkce_required: Some(a.credentials.pkce_required),
                    auto_key_rotation: Some(a.credentials.auto_key_rotation),
                }),
            }),
            settings: Some(SettingsInput {
                oauth_client: Some(OAuthClientSettingsInput {
                    application_type: Some(s.application_type),
                    client_uri: s.client_uri.clone(),
                    logo_uri: s.logo_uri.clone(),
                    redirect_uris: Some(s.redirect_uris.clone()),
                    post_logout_redirect_uris: Some(s.post_logout_redirect_uris.clone()),
                    response_types: Some(s.response_types.clone()),
                    grant_types: Some(s.grant_types.clone()),
                    initiate_login_uri: s.initiate_login_uri.clone(),
                    idp_initiated_login: Some(IdpInitiatedLoginInput {
                        mode: Some(s.idp_initiated_login.mode),
                        default_scope: Some(s.idp_initiated_login.default_scope.clone()),
                    }),
                    consent_method: Some(s.consent_method.clone()),
                    issuer_mode: Some(s.issuer_mode.clone()),
                    wildcard_redirect: Some(s.wildcard_redirect.clone()),
                    refresh_token: Some(RefreshTokenInput {
                        rotation_type: Some(s.refresh_rotation.clone()),
                        leeway: Some(s.refresh_leeway),
                    }),
                    jwks: s.jwks.clone(),
                }),
            }),
            visibility: Some(VisibilityInput {
                auto_submit_toolbar: Some(a.auto_submit_toolbar),
                hide: Some(HideInput {
                    ios: Some(a.hide_ios),
                    web: Some(a.hide_web),
                }),
            }),
        }
    }
}

/// Absolute URI check shared by the API and the console: a scheme and, for http(s), a host;
/// no fragment. Web and SPA apps may only use http(s); native apps may use custom schemes.
pub fn check_redirect_uri(raw: &str, app_type: AppType) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|_| format!("'{raw}' is not a valid absolute URI"))?;
    if url.fragment().is_some() {
        return Err(format!("'{raw}' must not contain a fragment"));
    }
    let web_like = matches!(url.scheme(), "http" | "https");
    if web_like && url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{raw}' is not a valid absolute URI"));
    }
    if !web_like && app_type != AppType::Native {
        return Err(format!("'{raw}' must use the http or https scheme"));
    }
    Ok(())
}

fn check_absolute_http(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|_| format!("'{raw}' is not a valid absolute URI"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{raw}' is not a valid absolute URI"));
    }
    Ok(())
}

/// What [`build`] makes: label, settings, credentials, `hide.web`, `hide.iOS`,
/// `autoSubmitToolbar`.
type Built = (String, OAuthSettings, ClientCredentials, bool, bool, bool);

/// Builds validated settings and credentials from input; `current` is the app being
/// replaced (its client id and secret stay unless the input changes them).
/// A `jwks` value must be `{"keys": [...]}` with at least one RSA (`n`, `e`) or EC P-256/P-384
/// (`crv`, `x`, `y`) public key, each with a distinct `kid` when there are several.
fn check_jwks(set: &serde_json::Value) -> Result<(), String> {
    let keys = set
        .get("keys")
        .and_then(|k| k.as_array())
        .ok_or("must be an object with a 'keys' array")?;
    if keys.is_empty() {
        return Err("'keys' must hold at least one key".to_owned());
    }
    let mut kids = Vec::new();
    for key in keys {
        let field = |name: &str| key.get(name).and_then(|v| v.as_str());
        match field("kty") {
            Some("RSA") if field("n").is_some() && field("e").is_some() => {}
            Some("EC")
                if matches!(field("crv"), Some("P-256" | "P-384"))
                    && field("x").is_some()
                    && field("y").is_some() => {}
            _ => {
                return Err(
                    "each key must be an RSA key (n, e) or an EC P-256/P-384 key (crv, x, y)"
                        .to_owned(),
                );
            }
        }
        if key.get("d").is_some() {
            return Err("keys must be public keys; remove the private part 'd'".to_owned());
        }
        kids.push(field("kid"));
    }
    if kids.len() > 1
        && (kids.iter().any(Option::is_none) || {
            let mut named: Vec<_> = kids.iter().flatten().collect();
            named.sort();
            named.windows(2).any(|w| w[0] == w[1])
        })
    {
        return Err("with several keys, each needs its own 'kid'".to_owned());
    }
    Ok(())
}

fn build(input: AppInput, current: Option<&App>) -> Result<Built, Vec<Cause>> {
    let mut causes = Vec::new();
    match input.name.as_deref() {
        Some("oidc_client") => {}
        Some(other) => causes.push(Cause::new(
            "name",
            format!("name: Application name '{other}' is not supported here; only 'oidc_client' (OpenID Connect) apps are"),
        )),
        None => causes.push(Cause::new("name", "name: The field cannot be left blank")),
    }
    if let Some(mode) = input.sign_on_mode.as_deref()
        && mode != "OPENID_CONNECT"
    {
        causes.push(Cause::new(
            "signOnMode",
            format!("signOnMode: '{mode}' is not supported; use OPENID_CONNECT"),
        ));
    }
    let label = input.label.unwrap_or_default().trim().to_owned();
    if label.is_empty() {
        causes.push(Cause::new("label", "label: The field cannot be left blank"));
    }
    let s = input
        .settings
        .and_then(|s| s.oauth_client)
        .unwrap_or_default();
    let app_type = match (s.application_type, current) {
        (Some(t), Some(cur)) if t != cur.settings.application_type => {
            causes.push(Cause::new(
                "settings.oauthClient.application_type",
                "application_type: The application type cannot be changed",
            ));
            t
        }
        (Some(t), _) => t,
        (None, Some(cur)) => cur.settings.application_type,
        (None, None) => {
            causes.push(Cause::new(
                "settings.oauthClient.application_type",
                "application_type: The field cannot be left blank",
            ));
            AppType::Web
        }
    };
    let grant_types = s.grant_types.unwrap_or_else(|| match app_type {
        AppType::Service => vec!["client_credentials".to_owned()],
        _ => vec!["authorization_code".to_owned()],
    });
    for g in &grant_types {
        if !app_type.allowed_grants().contains(&g.as_str()) {
            causes.push(Cause::new(
                "settings.oauthClient.grant_types",
                format!(
                    "grant_types: '{g}' is not a valid grant type for application type '{}'",
                    app_type.as_str()
                ),
            ));
        }
    }
    if app_type == AppType::Web && !grant_types.iter().any(|g| g == "authorization_code") {
        causes.push(Cause::new(
            "settings.oauthClient.grant_types",
            "grant_types: Web applications must include the 'authorization_code' grant type",
        ));
    }
    let has = |g: &str| grant_types.iter().any(|x| x == g);
    let response_types = s.response_types.unwrap_or_else(|| {
        let mut r = Vec::new();
        if has("authorization_code") {
            r.push("code".to_owned());
        }
        if has("implicit") {
            r.push("token".to_owned());
            r.push("id_token".to_owned());
        }
        r
    });
    for r in &response_types {
        let ok = match r.as_str() {
            "code" => has("authorization_code"),
            "token" => has("implicit") || has("client_credentials"),
            "id_token" => has("implicit"),
            _ => false,
        };
        if !ok {
            causes.push(Cause::new(
                "settings.oauthClient.response_types",
                format!("response_types: The response type '{r}' is not valid for the configured grant types"),
            ));
        }
    }
    let redirect_uris = s.redirect_uris.unwrap_or_default();
    if (has("authorization_code") || has("implicit")) && redirect_uris.is_empty() {
        causes.push(Cause::new(
            "settings.oauthClient.redirect_uris",
            "redirect_uris: At least one redirect URI is required for the 'authorization_code' and 'implicit' grant types",
        ));
    }
    for uri in &redirect_uris {
        if let Err(msg) = check_redirect_uri(uri, app_type) {
            causes.push(Cause::new(
                "settings.oauthClient.redirect_uris",
                format!("redirect_uris: {msg}"),
            ));
        }
    }
    let post_logout_redirect_uris = s.post_logout_redirect_uris.unwrap_or_default();
    for uri in &post_logout_redirect_uris {
        if let Err(msg) = check_redirect_uri(uri, app_type) {
            causes.push(Cause::new(
                "settings.oauthClient.post_logout_redirect_uris",
                format!("post_logout_redirect_uris: {msg}"),
            ));
        }
    }
    let initiate_login_uri = s.initiate_login_uri.filter(|u| !u.trim().is_empty());
    if let Some(u) = &initiate_login_uri
        && let Err(msg) = check_absolute_http(u)
    {
        causes.push(Cause::new(
            "settings.oauthClient.initiate_login_uri",
            format!("initiate_login_uri: {msg}"),
        ));
    }
    let idp = s.idp_initiated_login.unwrap_or_default();
    let idp_initiated_login = IdpInitiatedLogin {
        mode: idp.mode.unwrap_or(IdpMode::Disabled),
        default_scope: idp.default_scope.unwrap_or_default(),
    };
    if idp_initiated_login.mode != IdpMode::Disabled && initiate_login_uri.is_none() {
        causes.push(Cause::new(
            "settings.oauthClient.initiate_login_uri",
            "initiate_login_uri: 'initiate_login_uri' is required when 'idp_initiated_login.mode' is 'SPEC' or 'OKTA'",
        ));
    }
    if idp_initiated_login.mode == IdpMode::Okta
        && !(app_type == AppType::Browser && has("implicit"))
    {
        causes.push(Cause::new(
            "settings.oauthClient.idp_initiated_login",
            "idp_initiated_login: The 'OKTA' (Okta Simplified) login flow is only available to Single-Page applications with the 'implicit' grant type",
        ));
    }
    if app_type == AppType::Service && idp_initiated_login.mode != IdpMode::Disabled {
        causes.push(Cause::new(
            "settings.oauthClient.idp_initiated_login",
            "idp_initiated_login: Service applications cannot be launched from Okta",
        ));
    }

    let c = input
        .credentials
        .and_then(|c| c.oauth_client)
        .unwrap_or_default();
    let default_method = match app_type {
        AppType::Web | AppType::Service => TokenAuthMethod::ClientSecretBasic,
        AppType::Browser | AppType::Native => TokenAuthMethod::None,
    };
    let method = c
        .token_endpoint_auth_method
        .or(current.map(|a| a.credentials.token_endpoint_auth_method))
        .unwrap_or(default_method);
    match (app_type, method) {
        (AppType::Browser, m) if m != TokenAuthMethod::None => causes.push(Cause::new(
            "credentials.oauthClient.token_endpoint_auth_method",
            "token_endpoint_auth_method: Single-Page applications must use 'none'",
        )),
        (AppType::Web | AppType::Service, TokenAuthMethod::None) => causes.push(Cause::new(
            "credentials.oauthClient.token_endpoint_auth_method",
            "token_endpoint_auth_method: 'none' is only allowed for browser and native applications",
        )),
        _ => {}
    }
    let client_id = c
        .client_id
        .filter(|s| !s.is_empty())
        .or(current.map(|a| a.credentials.client_id.clone()));
    if let Some(id) = &client_id
        && !(6..=100).contains(&id.len())
    {
        causes.push(Cause::new(
            "credentials.oauthClient.client_id",
            "client_id: The client_id must be between 6 and 100 characters",
        ));
    }
    let client_secret = if method.uses_secret() {
        let given = c.client_secret.filter(|s| !s.is_empty());
        if let Some(sec) = &given
            && !(14..=100).contains(&sec.len())
        {
            causes.push(Cause::new(
                "credentials.oauthClient.client_secret",
                "client_secret: The client secret must be between 14 and 100 characters",
            ));
        }
        Some(
            given
                .or_else(|| current.and_then(|a| a.credentials.client_secret.clone()))
                .unwrap_or_else(generate_secret),
        )
    } else {
        None
    };
    let pkce_required = c
        .pkce_required
        .or(current.map(|a| a.credentials.pkce_required))
        .unwrap_or(matches!(app_type, AppType::Browser | AppType::Native));
    if method == TokenAuthMethod::None && !pkce_required {
        causes.push(Cause::new(
            "credentials.oauthClient.pkce_required",
            "pkce_required: PKCE is required for clients that use the 'none' token endpoint authentication method",
        ));
    }
    let jwks = s
        .jwks
        .clone()
        .or_else(|| current.and_then(|a| a.settings.jwks.clone()));
    if let Some(set) = &jwks
        && let Err(why) = check_jwks(set)
    {
        causes.push(Cause::new(
            "settings.oauthClient.jwks",
            format!("jwks: {why}"),
        ));
    }
    if method == TokenAuthMethod::PrivateKeyJwt && jwks.is_none() {
        causes.push(Cause::new(
            "settings.oauthClient.jwks",
            "jwks: A JSON Web Key Set is required for the 'private_key_jwt' token endpoint authentication method",
        ));
    }
    let rotation = s.refresh_token.clone().unwrap_or_default();
    let settings = OAuthSettings {
        application_type: app_type,
        client_uri: s.client_uri,
        logo_uri: s.logo_uri,
        redirect_uris,
        post_logout_redirect_uris,
        response_types,
        grant_types,
        initiate_login_uri,
        idp_initiated_login,
        consent_method: s.consent_method.unwrap_or_else(|| "TRUSTED".to_owned()),
        issuer_mode: s.issuer_mode.unwrap_or_else(|| "ORG_URL".to_owned()),
        wildcard_redirect: s.wildcard_redirect.unwrap_or_else(|| "DISABLED".to_owned()),
        refresh_rotation: rotation.rotation_type.unwrap_or_else(|| {
            if app_type == AppType::Browser {
                "ROTATE"
            } else {
                "STATIC"
            }
            .to_owned()
        }),
        refresh_leeway: rotation.leeway.unwrap_or(30).min(60),
        jwks,
    };
    let credentials = ClientCredentials {
        client_id: client_id.unwrap_or_default(),
        client_secret,
        token_endpoint_auth_method: method,
        pkce_required,
        auto_key_rotation: c.auto_key_rotation.unwrap_or(true),
    };
    let vis = input.visibility.unwrap_or_default();
    let hide = vis.hide.unwrap_or_default();
    let hide_web = hide.web.or(current.map(|a| a.hide_web)).unwrap_or(true);
    let hide_ios = hide.ios.or(current.map(|a| a.hide_ios)).unwrap_or(true);
    let auto_submit = vis
        .auto_submit_toolbar
        .or(current.map(|a| a.auto_submit_toolbar))
        .unwrap_or(false);
    if causes.is_empty() {
        Ok((
            label,
            settings,
            credentials,
            hide_web,
            hide_ios,
            auto_submit,
        ))
    } else {
        Err(causes)
    }
}

/// A new client secret: 64 characters, as Okta makes today.
pub fn generate_secret() -> String {
    let mut s = alphanumeric(60);
    s.insert(20, '-');
    s.insert(41, '_');
    s.push_str(&alphanumeric(2));
    s
}

impl Directory {
    /// Creates an app (`POST /api/v1/apps`, the console wizard, the seed file).
    pub fn create_app(&self, input: AppInput, activate: bool) -> DirResult<App> {
        let (label, settings, mut credentials, hide_web, hide_ios, auto_submit_toolbar) =
            build(input, None).map_err(DirError::validation)?;
        let now = self.clock().now_datetime();
        let id = okta_id("0oa");
        if credentials.client_id.is_empty() {
            credentials.client_id = id.clone();
        }
        let mut store = self.write();
        if store
            .apps
            .values()
            .any(|a| a.credentials.client_id == credentials.client_id)
        {
            return Err(DirError::validation(vec![Cause::new(
                "credentials.oauthClient.client_id",
                "client_id: An object with this field already exists in the current organization",
            )]));
        }
        let app = App {
            id: id.clone(),
            label,
            status: if activate {
                AppStatus::Active
            } else {
                AppStatus::Inactive
            },
            created: now,
            last_updated: now,
            link_id: okta_id("aln"),
            credentials,
            settings,
            hide_web,
            hide_ios,
            auto_submit_toolbar,
            users: IndexMap::new(),
            groups: IndexMap::new(),
            scope_grants: Vec::new(),
        };
        store.apps.insert(id, app.clone());
        Ok(app)
    }

    /// Checks a new app against every rule of `create_app` without creating it, so the
    /// console can refuse a form as a whole (app settings and its assignments) before
    /// anything changes.
    pub fn check_new_app(&self, input: AppInput) -> DirResult<()> {
        build(input, None).map(|_| ()).map_err(DirError::validation)
    }

    /// Replaces an app's settings (`PUT /api/v1/apps/{id}`, the console's Edit/Save).
    pub fn replace_app(&self, id: &str, input: AppInput) -> DirResult<App> {
        let current = self.app(id)?;
        let (label, settings, credentials, hide_web, hide_ios, auto_submit_toolbar) =
            build(input, Some(&current)).map_err(DirError::validation)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if store
            .apps
            .values()
            .any(|a| a.id != id && a.credentials.client_id == credentials.client_id)
        {
            return Err(DirError::validation(vec![Cause::new(
                "credentials.oauthClient.client_id",
                "client_id: An object with this field already exists in the current organization",
            )]));
        }
        let app = store.app_mut(id)?;
        app.label = label;
        app.settings = settings;
        app.credentials = credentials;
        app.hide_web = hide_web;
        app.hide_ios = hide_ios;
        app.auto_submit_toolbar = auto_submit_toolbar;
        app.last_updated = now;
        Ok(app.clone())
    }

    /// Makes a new client secret for the app (the console's "Generate new secret").
    pub fn rotate_client_secret(&self, id: &str) -> DirResult<App> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(id)?;
        if app.credentials.client_secret.is_some() {
            app.credentials.client_secret = Some(generate_secret());
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
            .ok_or_else(|| DirError::NotFound {
                id: id.to_owned(),
                kind: "AppInstance",
            })
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
        Ok(app.clone())
    }

    /// Deletes an app; it must be deactivated first (E0000056 otherwise).
    pub fn delete_app(&self, id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.apps.get(id).ok_or_else(|| DirError::NotFound {
            id: id.to_owned(),
            kind: "AppInstance",
        })?;
        if app.status == AppStatus::Active {
            return Err(DirError::AppActive);
        }
        store.apps.shift_remove(id);
        Ok(())
    }

    /// Assigns a user directly (`POST /api/v1/apps/{id}/users`).
    pub fn assign_user(&self, app_id: &str, user_id: &str) -> DirResult<AppUser> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if !store.users.contains_key(user_id) {
            return Err(DirError::NotFound {
                id: user_id.to_owned(),
                kind: "User",
            });
        }
        let app = store.app_mut(app_id)?;
        if app.users.contains_key(user_id) {
            return Err(DirError::AlreadyAssigned);
        }
        let au = AppUser {
            user_id: user_id.to_owned(),
            created: now,
            last_updated: now,
            scope: "USER".to_owned(),
        };
        app.users.insert(user_id.to_owned(), au.clone());
        Ok(au)
    }

    /// Removes a direct user assignment.
    pub fn unassign_user(&self, app_id: &str, user_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        app.users
            .shift_remove(user_id)
            .map(|_| ())
            .ok_or_else(|| DirError::NotFound {
                id: user_id.to_owned(),
                kind: "AppUser",
            })
    }

    /// Assigns a group (`PUT /api/v1/apps/{id}/groups/{gid}`); idempotent.
    pub fn assign_group(
        &self,
        app_id: &str,
        group_id: &str,
        priority: Option<u32>,
    ) -> DirResult<AppGroup> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if !store.groups.values().any(|g| g.id == group_id) {
            return Err(DirError::NotFound {
                id: group_id.to_owned(),
                kind: "UserGroup",
            });
        }
        let app = store.app_mut(app_id)?;
        let next_priority = app.groups.len() as u32;
        let ag = app
            .groups
            .entry(group_id.to_owned())
            .or_insert_with(|| AppGroup {
                group_id: group_id.to_owned(),
                last_updated: now,
                priority: next_priority,
            });
        if let Some(p) = priority {
            ag.priority = p;
        }
        ag.last_updated = now;
        Ok(ag.clone())
    }

    /// Removes a group assignment.
    pub fn unassign_group(&self, app_id: &str, group_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        app.groups.shift_remove(group_id);
        Ok(())
    }

    /// Whether a user may use an app: assigned directly, through a group, or through
    /// Everyone.
    pub fn is_assigned(&self, app: &App, user_id: &str) -> bool {
        if app.users.contains_key(user_id) {
            return true;
        }
        let store = self.read();
        app.groups.keys().any(|gid| {
            store
                .groups
                .values()
                .find(|g| &g.id == gid)
                .is_some_and(|g| g.is_everyone() || g.members.contains(user_id))
        })
    }

    /// Whether a browser origin is trusted for CORS: the origin of one of an app's
    /// redirect, sign-out or initiate-login URIs (Okta's Trusted Origins, which the app
    /// wizard fills in from the same URIs).
    pub fn is_trusted_origin(&self, origin: &str) -> bool {
        let store = self.read();
        store.apps.values().any(|a| {
            let s = &a.settings;
            s.redirect_uris
                .iter()
                .chain(&s.post_logout_redirect_uris)
                .chain(s.initiate_login_uri.iter())
                .filter_map(|u| url::Url::parse(u).ok())
                .any(|u| u.origin().ascii_serialization() == origin)
        })
    }

    /// The apps a user is assigned to, in creation order.
    pub fn apps_for_user(&self, user_id: &str) -> Vec<App> {
        let apps: Vec<App> = self.read().apps.values().cloned().collect();
        apps.into_iter()
            .filter(|a| self.is_assigned(a, user_id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use serde_json::json;

    #[test]
    fn jwks_must_hold_distinct_public_keys() {
        let rsa = json!({"kty": "RSA", "kid": "a", "e": "AQAB", "n": "xyz"});
        let ec = json!({"kty": "EC", "kid": "b", "crv": "P-256", "x": "x", "y": "y"});
        assert!(check_jwks(&json!({"keys": [rsa, ec]})).is_ok());
        assert!(check_jwks(&json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "x"}]})).is_ok());
        for bad in [
            json!([rsa]),
            json!({"keys": []}),
            json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}),
            json!({"keys": [{"kty": "EC", "crv": "P-521", "x": "x", "y": "y"}]}),
            json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "x", "d": "private"}]}),
            json!({"keys": [rsa, rsa]}),
            json!({"keys": [{"kty": "RSA", "e": "AQAB", "n": "x"}, ec]}),
        ] {
            assert!(check_jwks(&bad).is_err(), "{bad}");
        }
    }

    fn web_app(extra: serde_json::Value) -> AppInput {
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
        assert_eq!(app.credentials.client_secret.as_ref().unwrap().len(), 64);
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

    #[test]
    fn assignment_through_everyone_group_or_directly() {
        let dir = Directory::new(Clock::default());
        let app = dir.create_app(web_app(json!({})), true).unwrap();
        let u = dir
            .create_user(super::super::NewUser {
                profile: json!({"firstName":"A","lastName":"B","email":"a@b.c","login":"a@b.c"})
                    .as_object()
                    .cloned()
                    .unwrap(),
                activate: true,
                ..Default::default()
            })
            .unwrap();
        assert!(!dir.is_assigned(&dir.app(&app.id).unwrap(), &u.id));
        dir.assign_user(&app.id, &u.id).unwrap();
        assert!(dir.is_assigned(&dir.app(&app.id).unwrap(), &u.id));
        assert_eq!(
            dir.assign_user(&app.id, &u.id),
            Err(DirError::AlreadyAssigned)
        );
        dir.unassign_user(&app.id, &u.id).unwrap();
        dir.assign_group(&app.id, &dir.everyone().id, None).unwrap();
        assert!(dir.is_assigned(&dir.app(&app.id).unwrap(), &u.id));
        assert_eq!(dir.delete_app(&app.id), Err(DirError::AppActive));
        dir.set_app_status(&app.id, false).unwrap();
        dir.delete_app(&app.id).unwrap();
    }
}
