//! The rules an app's input must meet before it is stored, one function per rule, in the
//! order Okta reports them. `create_app`, `replace_app` and `check_new_app` all go through
//! [`AppParts::build`], so the API, the console and the seed file refuse the same things.

use serde_json::Value;

use super::jwks::check_jwks;
use super::{
    App, AppInput, AppType, ClientCredentials, IdpInitiatedLogin, IdpMode, OAuthSettings,
    TokenAuthMethod,
    input::{
        IdpInitiatedLoginInput, OAuthClientCredentialsInput, OAuthClientSettingsInput,
        RefreshTokenInput,
    },
};
use crate::{
    directory::{Cause, ClientSecrets, client_secrets::check_secret_length, last_segment},
    ids::alphanumeric,
};

/// What an app's input becomes once every rule holds: the parts of an [`App`] that its
/// input sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AppParts {
    pub label: String,
    pub settings: OAuthSettings,
    pub credentials: ClientCredentials,
    /// `visibility.hide.web`.
    pub hide_web: bool,
    /// `visibility.hide.iOS`.
    pub hide_ios: bool,
    pub auto_submit_toolbar: bool,
}

/// The causes found so far; every rule adds to it, so one answer lists every mistake.
#[derive(Debug, Default)]
struct Causes(Vec<Cause>);

impl Causes {
    /// `field` is the JSON path of the field (`settings.oauthClient.grant_types`); the
    /// message starts with its last segment, as Okta's do.
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(Cause::new(field, message));
    }
}

const GRANT_TYPES: &str = "settings.oauthClient.grant_types";
const REDIRECT_URIS: &str = "settings.oauthClient.redirect_uris";
const INITIATE_LOGIN_URI: &str = "settings.oauthClient.initiate_login_uri";
const IDP_INITIATED_LOGIN: &str = "settings.oauthClient.idp_initiated_login";
const AUTH_METHOD: &str = "credentials.oauthClient.token_endpoint_auth_method";
const JWKS: &str = "settings.oauthClient.jwks";

impl AppParts {
    /// Checks `input` against every rule and builds the parts; `current` is the app being
    /// replaced (its type cannot change; its client id, secret, keys and visibility stay
    /// unless the input changes them).
    /// `now` dates a secret the input gives or that is generated for it.
    pub(super) fn build(
        input: AppInput,
        current: Option<&App>,
        now: time::OffsetDateTime,
    ) -> Result<Self, Vec<Cause>> {
        let mut causes = Causes::default();
        check_kind(&input, &mut causes);
        let label = label(input.label, &mut causes);
        let OAuthClientSettingsInput {
            application_type,
            client_uri,
            logo_uri,
            redirect_uris,
            post_logout_redirect_uris,
            response_types,
            grant_types,
            initiate_login_uri,
            idp_initiated_login,
            consent_method,
            issuer_mode,
            wildcard_redirect,
            refresh_token,
            jwks,
        } = input
            .settings
            .and_then(|s| s.oauth_client)
            .unwrap_or_default();
        let app_type = self::app_type(application_type, current, &mut causes);
        let grant_types = self::grant_types(grant_types, app_type, &mut causes);
        let response_types = self::response_types(response_types, &grant_types, &mut causes);
        let redirect_uris = self::redirect_uris(redirect_uris, app_type, &grant_types, &mut causes);
        let post_logout_redirect_uris =
            self::post_logout_redirect_uris(post_logout_redirect_uris, app_type, &mut causes);
        let initiate_login_uri = self::initiate_login_uri(initiate_login_uri, &mut causes);
        let idp_initiated_login = self::idp_initiated_login(
            idp_initiated_login,
            app_type,
            &grant_types,
            initiate_login_uri.is_some(),
            &mut causes,
        );
        let c = input
            .credentials
            .and_then(|c| c.oauth_client)
            .unwrap_or_default();
        let credentials = self::credentials(c, app_type, current, now, &mut causes);
        let jwks = self::jwks(
            jwks,
            credentials.token_endpoint_auth_method,
            current,
            &mut causes,
        );
        let (refresh_rotation, refresh_leeway) = refresh_rotation(refresh_token, app_type);
        let settings = OAuthSettings {
            application_type: app_type,
            client_uri,
            logo_uri,
            redirect_uris,
            post_logout_redirect_uris,
            response_types,
            grant_types,
            initiate_login_uri,
            idp_initiated_login,
            consent_method: consent_method.unwrap_or_else(|| "TRUSTED".to_owned()),
            issuer_mode: issuer_mode.unwrap_or_else(|| "ORG_URL".to_owned()),
            wildcard_redirect: wildcard_redirect.unwrap_or_else(|| "DISABLED".to_owned()),
            refresh_rotation,
            refresh_leeway,
            jwks,
        };
        let vis = input.visibility.unwrap_or_default();
        let hide = vis.hide.unwrap_or_default();
        let parts = Self {
            label,
            settings,
            credentials,
            hide_web: hide.web.or(current.map(|a| a.hide_web)).unwrap_or(true),
            hide_ios: hide.ios.or(current.map(|a| a.hide_ios)).unwrap_or(true),
            auto_submit_toolbar: vis
                .auto_submit_toolbar
                .or(current.map(|a| a.auto_submit_toolbar))
                .unwrap_or(false),
        };
        if causes.0.is_empty() {
            Ok(parts)
        } else {
            Err(causes.0)
        }
    }

    /// Writes the parts into an app (a new one or the one being replaced).
    pub(super) fn apply_to(self, app: &mut App) {
        app.label = self.label;
        app.settings = self.settings;
        app.credentials = self.credentials;
        app.hide_web = self.hide_web;
        app.hide_ios = self.hide_ios;
        app.auto_submit_toolbar = self.auto_submit_toolbar;
    }
}

fn has(grants: &[String], grant: &str) -> bool {
    grants.iter().any(|g| g == grant)
}

/// Only OpenID Connect apps (`oidc_client`, `OPENID_CONNECT`) exist here.
fn check_kind(input: &AppInput, causes: &mut Causes) {
    match input.name.as_deref() {
        Some("oidc_client") => {}
        Some(other) => causes.add(
            "name",
            format!("name: Application name '{other}' is not supported here; only 'oidc_client' (OpenID Connect) apps are"),
        ),
        None => causes.0.push(Cause::blank("name")),
    }
    if let Some(mode) = input.sign_on_mode.as_deref()
        && mode != "OPENID_CONNECT"
    {
        causes.add(
            "signOnMode",
            format!("signOnMode: '{mode}' is not supported; use OPENID_CONNECT"),
        );
    }
}

/// A label that is not blank, trimmed.
fn label(given: Option<String>, causes: &mut Causes) -> String {
    let label = given.unwrap_or_default().trim().to_owned();
    if label.is_empty() {
        causes.0.push(Cause::blank("label"));
    }
    label
}

/// The application type: required for a new app, fixed for an existing one.
fn app_type(given: Option<AppType>, current: Option<&App>, causes: &mut Causes) -> AppType {
    const FIELD: &str = "settings.oauthClient.application_type";
    match (given, current) {
        (Some(t), Some(cur)) if t != cur.settings.application_type => {
            causes.add(
                FIELD,
                "application_type: The application type cannot be changed",
            );
            t
        }
        (Some(t), _) => t,
        (None, Some(cur)) => cur.settings.application_type,
        (None, None) => {
            causes.0.push(Cause::blank(FIELD));
            AppType::Web
        }
    }
}

/// Grant types the application type allows; a web app always has `authorization_code`.
fn grant_types(given: Option<Vec<String>>, app_type: AppType, causes: &mut Causes) -> Vec<String> {
    let grant_types = given.unwrap_or_else(|| match app_type {
        AppType::Service => vec!["client_credentials".to_owned()],
        _ => vec!["authorization_code".to_owned()],
    });
    for g in &grant_types {
        if !app_type.allowed_grants().contains(&g.as_str()) {
            causes.add(
                GRANT_TYPES,
                format!(
                    "grant_types: '{g}' is not a valid grant type for application type '{}'",
                    app_type.as_str()
                ),
            );
        }
    }
    if app_type == AppType::Web && !has(&grant_types, "authorization_code") {
        causes.add(
            GRANT_TYPES,
            "grant_types: Web applications must include the 'authorization_code' grant type",
        );
    }
    grant_types
}

/// Response types that the grant types can give; by default, those they give.
fn response_types(
    given: Option<Vec<String>>,
    grants: &[String],
    causes: &mut Causes,
) -> Vec<String> {
    let response_types = given.unwrap_or_else(|| {
        let mut r = Vec::new();
        if has(grants, "authorization_code") {
            r.push("code".to_owned());
        }
        if has(grants, "implicit") {
            r.push("token".to_owned());
            r.push("id_token".to_owned());
        }
        r
    });
    for r in &response_types {
        let ok = match r.as_str() {
            "code" => has(grants, "authorization_code"),
            "token" => has(grants, "implicit") || has(grants, "client_credentials"),
            "id_token" => has(grants, "implicit"),
            _ => false,
        };
        if !ok {
            causes.add(
                "settings.oauthClient.response_types",
                format!("response_types: The response type '{r}' is not valid for the configured grant types"),
            );
        }
    }
    response_types
}

/// Sign-in redirect URIs: at least one for browser grants, each a valid redirect URI.
fn redirect_uris(
    given: Option<Vec<String>>,
    app_type: AppType,
    grants: &[String],
    causes: &mut Causes,
) -> Vec<String> {
    let uris = given.unwrap_or_default();
    if (has(grants, "authorization_code") || has(grants, "implicit")) && uris.is_empty() {
        causes.add(
            REDIRECT_URIS,
            "redirect_uris: At least one redirect URI is required for the 'authorization_code' and 'implicit' grant types",
        );
    }
    check_each_redirect_uri(&uris, app_type, REDIRECT_URIS, causes);
    uris
}

/// Sign-out redirect URIs: each a valid redirect URI.
fn post_logout_redirect_uris(
    given: Option<Vec<String>>,
    app_type: AppType,
    causes: &mut Causes,
) -> Vec<String> {
    let uris = given.unwrap_or_default();
    check_each_redirect_uri(
        &uris,
        app_type,
        "settings.oauthClient.post_logout_redirect_uris",
        causes,
    );
    uris
}

fn check_each_redirect_uri(uris: &[String], app_type: AppType, field: &str, causes: &mut Causes) {
    let name = last_segment(field);
    for uri in uris {
        if let Err(msg) = check_redirect_uri(uri, app_type) {
            causes.add(field, format!("{name}: {msg}"));
        }
    }
}

/// The initiate login URI, when given: an absolute http(s) URL.
fn initiate_login_uri(given: Option<String>, causes: &mut Causes) -> Option<String> {
    let uri = given.filter(|u| !u.trim().is_empty());
    if let Some(u) = &uri
        && let Err(msg) = check_absolute_http(u)
    {
        causes.add(INITIATE_LOGIN_URI, format!("initiate_login_uri: {msg}"));
    }
    uri
}

/// Login initiated by Okta needs an initiate login URI; Okta Simplified is for SPAs with
/// `implicit` only; service apps cannot be launched.
fn idp_initiated_login(
    given: Option<IdpInitiatedLoginInput>,
    app_type: AppType,
    grants: &[String],
    has_initiate_login_uri: bool,
    causes: &mut Causes,
) -> IdpInitiatedLogin {
    let idp = given.unwrap_or_default();
    let login = IdpInitiatedLogin {
        mode: idp.mode.unwrap_or(IdpMode::Disabled),
        default_scope: idp.default_scope.unwrap_or_default(),
    };
    if login.mode != IdpMode::Disabled && !has_initiate_login_uri {
        causes.add(
            INITIATE_LOGIN_URI,
            "initiate_login_uri: 'initiate_login_uri' is required when 'idp_initiated_login.mode' is 'SPEC' or 'OKTA'",
        );
    }
    if login.mode == IdpMode::Okta && !(app_type == AppType::Browser && has(grants, "implicit")) {
        causes.add(
            IDP_INITIATED_LOGIN,
            "idp_initiated_login: The 'OKTA' (Okta Simplified) login flow is only available to Single-Page applications with the 'implicit' grant type",
        );
    }
    if app_type == AppType::Service && login.mode != IdpMode::Disabled {
        causes.add(
            IDP_INITIATED_LOGIN,
            "idp_initiated_login: Service applications cannot be launched from Okta",
        );
    }
    login
}

/// Client authentication: a method the type allows, a client id and secret of Okta's
/// lengths (generated when not given), and PKCE for public clients.
fn credentials(
    c: OAuthClientCredentialsInput,
    app_type: AppType,
    current: Option<&App>,
    now: time::OffsetDateTime,
    causes: &mut Causes,
) -> ClientCredentials {
    let default_method = match app_type {
        AppType::Web | AppType::Service => TokenAuthMethod::ClientSecretBasic,
        AppType::Browser | AppType::Native => TokenAuthMethod::None,
    };
    let method = c
        .token_endpoint_auth_method
        .or(current.map(|a| a.credentials.token_endpoint_auth_method))
        .unwrap_or(default_method);
    match (app_type, method) {
        (AppType::Browser, m) if m != TokenAuthMethod::None => causes.add(
            AUTH_METHOD,
            "token_endpoint_auth_method: Single-Page applications must use 'none'",
        ),
        (AppType::Web | AppType::Service, TokenAuthMethod::None) => causes.add(
            AUTH_METHOD,
            "token_endpoint_auth_method: 'none' is only allowed for browser and native applications",
        ),
        _ => {}
    }
    let client_id = c
        .client_id
        .filter(|s| !s.is_empty())
        .or(current.map(|a| a.credentials.client_id.clone()));
    if let Some(id) = &client_id
        && !(6..=100).contains(&id.len())
    {
        causes.add(
            "credentials.oauthClient.client_id",
            "client_id: The client_id must be between 6 and 100 characters",
        );
    }
    let secrets = if method.uses_secret() {
        let given = c.client_secret.filter(|s| !s.is_empty());
        if let Some(sec) = &given
            && let Err(cause) = check_secret_length("credentials.oauthClient.client_secret", sec)
        {
            causes.0.push(cause);
        }
        // The app's secrets stay unless the input names another one, which replaces them.
        let kept = current
            .map(|a| &a.credentials.secrets)
            .filter(|s| !s.is_empty())
            .filter(|s| given.as_deref().is_none_or(|g| s.current() == Some(g)));
        match kept {
            Some(secrets) => secrets.clone(),
            None => ClientSecrets::single(given.unwrap_or_else(generate_secret), now),
        }
    } else {
        ClientSecrets::default()
    };
    let pkce_required = c
        .pkce_required
        .or(current.map(|a| a.credentials.pkce_required))
        .unwrap_or(matches!(app_type, AppType::Browser | AppType::Native));
    if method == TokenAuthMethod::None && !pkce_required {
        causes.add(
            "credentials.oauthClient.pkce_required",
            "pkce_required: PKCE is required for clients that use the 'none' token endpoint authentication method",
        );
    }
    ClientCredentials {
        // Empty until the app has an id: a new app's client id is its id.
        client_id: client_id.unwrap_or_default(),
        secrets,
        token_endpoint_auth_method: method,
        pkce_required,
        auto_key_rotation: c.auto_key_rotation.unwrap_or(true),
    }
}

/// The app's public keys: a valid set when given (or kept), and required for
/// `private_key_jwt`.
fn jwks(
    given: Option<Value>,
    method: TokenAuthMethod,
    current: Option<&App>,
    causes: &mut Causes,
) -> Option<Value> {
    let jwks = given.or_else(|| current.and_then(|a| a.settings.jwks.clone()));
    if let Some(set) = &jwks
        && let Err(why) = check_jwks(set)
    {
        causes.add(JWKS, format!("jwks: {why}"));
    }
    if method == TokenAuthMethod::PrivateKeyJwt && jwks.is_none() {
        causes.add(
            JWKS,
            "jwks: A JSON Web Key Set is required for the 'private_key_jwt' token endpoint authentication method",
        );
    }
    jwks
}

/// Refresh-token rotation, `STATIC` by default (`ROTATE` for SPAs), and the leeway in
/// seconds (30 by default, at most 60).
fn refresh_rotation(given: Option<RefreshTokenInput>, app_type: AppType) -> (String, u32) {
    let rotation = given.unwrap_or_default();
    let kind = rotation.rotation_type.unwrap_or_else(|| {
        if app_type == AppType::Browser {
            "ROTATE"
        } else {
            "STATIC"
        }
        .to_owned()
    });
    (kind, rotation.leeway.unwrap_or(30).min(60))
}

fn not_absolute(raw: &str) -> String {
    format!("'{raw}' is not a valid absolute URI")
}

/// Whether an http(s) URL lacks a host.
fn web_without_host(url: &url::Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_none_or(str::is_empty)
}

/// A redirect URI, from the API, the console or the seed alike: a scheme and, for http(s), a host;
/// no fragment. Web and SPA apps may only use http(s); native apps may use custom schemes.
fn check_redirect_uri(raw: &str, app_type: AppType) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|_| not_absolute(raw))?;
    if url.fragment().is_some() {
        return Err(format!("'{raw}' must not contain a fragment"));
    }
    if web_without_host(&url) {
        return Err(not_absolute(raw));
    }
    if !matches!(url.scheme(), "http" | "https") && app_type != AppType::Native {
        return Err(format!("'{raw}' must use the http or https scheme"));
    }
    Ok(())
}

/// An absolute http(s) URL with a host.
fn check_absolute_http(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|_| not_absolute(raw))?;
    if !matches!(url.scheme(), "http" | "https") || web_without_host(&url) {
        return Err(not_absolute(raw));
    }
    Ok(())
}

/// A new client secret: 64 characters, as Okta makes today.
pub(in crate::directory) fn generate_secret() -> String {
    let mut s = alphanumeric(60);
    s.insert(20, '-');
    s.insert(41, '_');
    s.push_str(&alphanumeric(2));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redirect_and_initiate_login_uris_are_absolute_with_a_host() {
        for ok in ["https://cloud.konghq.com/login", "http://localhost:8080/cb"] {
            assert_eq!(check_redirect_uri(ok, AppType::Web), Ok(()), "{ok}");
            assert_eq!(check_absolute_http(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            check_redirect_uri("com.example.app:/callback", AppType::Native),
            Ok(())
        );
        assert!(check_redirect_uri("com.example.app:/callback", AppType::Web).is_err());
        assert!(check_absolute_http("com.example.app:/callback").is_err());
        for bad in ["/login", "https://", "https:", "https://a.example/#frag"] {
            assert!(check_redirect_uri(bad, AppType::Native).is_err(), "{bad}");
        }
        for bad in ["/login", "https://", "https:"] {
            assert!(check_absolute_http(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_broken_rule_is_reported_at_once_in_oktas_order() {
        let input: AppInput = serde_json::from_value(json!({
            "name": "saml", "label": " ",
            "settings": {"oauthClient": {"application_type": "browser",
                "grant_types": ["client_credentials"], "response_types": ["id_token"]}},
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}}
        }))
        .unwrap();
        let fields: Vec<String> = AppParts::build(input, None, time::OffsetDateTime::UNIX_EPOCH)
            .unwrap_err()
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(
            fields,
            [
                "name",
                "label",
                GRANT_TYPES,
                "settings.oauthClient.response_types",
                AUTH_METHOD,
                JWKS
            ]
        );
    }
}
