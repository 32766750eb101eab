//! An authorize request checked the way Okta checks it, in Okta's order: problems with the
//! client or the redirect URI give Okta's error page, everything else goes back to the
//! client. Plain Rust, unit-tested here.

use super::delivery::Delivery;
use crate::{
    directory::{App, AppStatus, AppType, Directory},
    oidc::{
        error::{ErrorPage, OAuthError},
        pkce, scopes,
    },
    params::first as param,
    paths::{AuthServer, OrgUrls},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResponseType {
    pub code: bool,
    pub token: bool,
    pub id_token: bool,
}

impl ResponseType {
    pub(super) fn parse(raw: &str) -> Option<Self> {
        let mut rt = Self::default();
        for part in raw.split(' ').filter(|p| !p.is_empty()) {
            let slot = match part {
                "code" => &mut rt.code,
                "token" => &mut rt.token,
                "id_token" => &mut rt.id_token,
                _ => return None,
            };
            if *slot {
                return None;
            }
            *slot = true;
        }
        (rt.code || rt.token || rt.id_token).then_some(rt)
    }

    /// Implicit or hybrid: something comes back from the authorize endpoint itself.
    pub fn front_channel_tokens(self) -> bool {
        self.token || self.id_token
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
    OktaPostMessage,
}

impl ResponseMode {
    pub(super) fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "query" => Self::Query,
            "fragment" => Self::Fragment,
            "form_post" => Self::FormPost,
            "okta_post_message" => Self::OktaPostMessage,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

/// A validated authorize request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    pub app: App,
    pub redirect_uri: String,
    pub response_type: ResponseType,
    pub mode: ResponseMode,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<i64>,
    pub login_hint: Option<String>,
    pub session_token: Option<String>,
}

/// Why an authorize request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The redirect URI cannot be trusted: Okta's 400 page.
    Page(ErrorPage),
    /// Back to the client with `error`, `error_description` and `state`.
    Redirect(Delivery),
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

pub fn validate(
    params: &[(String, String)],
    server: AuthServer,
    dir: &Directory,
    org: &OrgUrls,
) -> Result<AuthorizeRequest, Denied> {
    let page = |code: &str, desc: String| Err(Denied::Page(ErrorPage::new(code, desc)));
    let Some(app) = param(params, "client_id").and_then(|id| dir.app_by_client_id(id)) else {
        return page(
            "invalid_client",
            "Invalid value for 'client_id' parameter.".into(),
        );
    };
    if app.status != AppStatus::Active {
        return page(
            "invalid_client",
            "Invalid value for 'client_id' parameter.".into(),
        );
    }
    if app.settings.application_type == AppType::Service {
        return page(
            "invalid_request",
            "Clients with 'application_type' of 'service' are not allowed to access the 'authorize' endpoint.".into(),
        );
    }
    let Some(redirect_uri) = param(params, "redirect_uri") else {
        return page(
            "invalid_request",
            "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: "
                .to_owned() + &org.admin_app(&app.id),
        );
    };
    // Exact, case-sensitive match, trailing slash included.
    if !app.settings.redirect_uris.iter().any(|u| u == redirect_uri) {
        return page(
            "invalid_request",
            format!(
                "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: {}",
                org.admin_app(&app.id)
            ),
        );
    }
    let state = param(params, "state");
    let rt_raw = param(params, "response_type");
    let parsed_rt = rt_raw.and_then(ResponseType::parse);
    let default_mode = match parsed_rt {
        Some(rt) if rt.front_channel_tokens() => ResponseMode::Fragment,
        _ => ResponseMode::Query,
    };
    let mode_raw = param(params, "response_mode");
    let mode = mode_raw
        .and_then(ResponseMode::parse)
        .unwrap_or(default_mode);
    let deny = |error: &'static str, desc: &str| {
        Err(Denied::Redirect(Delivery::error(
            redirect_uri,
            mode,
            state,
            &OAuthError::bad_request(error, desc),
        )))
    };
    let configured_rt = list(&app.settings.response_types);
    let Some(rt_raw) = rt_raw else {
        return deny(
            "invalid_request",
            "The required parameter 'response_type' is missing.",
        );
    };
    let Some(rt) = parsed_rt else {
        return deny(
            "unsupported_response_type",
            &format!(
                "The response type is not supported by the authorization server. Configured response types: {configured_rt}."
            ),
        );
    };
    if let Some(m) = mode_raw
        && ResponseMode::parse(m).is_none()
    {
        return deny(
            "unsupported_response_mode",
            &format!(
                "The response mode '{m}' is not supported by the authorization server. Supported response modes: [query, fragment, form_post, okta_post_message]."
            ),
        );
    }
    let grants = list(&app.settings.grant_types);
    if (rt.code && !app.settings.has_grant("authorization_code"))
        || (rt.front_channel_tokens() && !app.settings.has_grant("implicit"))
    {
        return deny(
            "unauthorized_client",
            &format!(
                "The client is not authorized to use the provided grant type. Configured grant types: {grants}."
            ),
        );
    }
    let wanted: Vec<&str> = rt_raw.split(' ').filter(|p| !p.is_empty()).collect();
    if wanted.iter().any(|w| !app.settings.has_response_type(w)) {
        return deny(
            "unsupported_response_type",
            &format!(
                "The response type is not supported by the authorization server. Configured response types: {configured_rt}."
            ),
        );
    }
    if mode == ResponseMode::Query && rt.front_channel_tokens() {
        return deny(
            "unsupported_response_mode",
            "'query' response mode cannot be used with either the 'id_token' or 'token' response types.",
        );
    }
    if mode == ResponseMode::OktaPostMessage && rt.code {
        return deny(
            "unsupported_response_mode",
            "The 'okta_post_message' response mode cannot be used with the 'code' response type.",
        );
    }
    if param(params, "request").is_some() || param(params, "request_uri").is_some() {
        return deny(
            "request_not_supported",
            "mock-okta does not support the 'request' and 'request_uri' parameters.",
        );
    }
    let Some(scope_raw) = param(params, "scope") else {
        return deny(
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    };
    if scope_raw.len() > 1024 {
        return deny(
            "invalid_scope",
            "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
        );
    }
    let mut scopes = scopes::split(scope_raw);
    if scopes.iter().any(|s| !scopes::known(dir, server, s)) {
        return deny(
            "invalid_scope",
            "One or more scopes are not configured for the authorization server resource.",
        );
    }
    let openid = scopes.iter().any(|s| s == "openid");
    if (rt.id_token || server == AuthServer::Org) && !openid {
        return deny(
            "invalid_scope",
            "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope.",
        );
    }
    if rt.front_channel_tokens() {
        // offline_access is ignored unless the response type contains code.
        if !rt.code {
            scopes.retain(|s| s != "offline_access");
        }
    }
    let nonce = param(params, "nonce");
    if rt.front_channel_tokens() && nonce.is_none() {
        return deny(
            "invalid_request",
            "The 'nonce' parameter is required for authorize requests with either the 'id_token' or 'token' response types..",
        );
    }
    if state.is_none() {
        return deny("invalid_request", "The 'state' parameter is required.");
    }
    let code_challenge = param(params, "code_challenge");
    let method = param(params, "code_challenge_method");
    match (code_challenge, method) {
        (None, Some(_)) => {
            return deny(
                "invalid_request",
                "The required parameter 'code_challenge' is missing.",
            );
        }
        (Some(_), Some(m)) if m != "S256" => {
            return deny(
                "invalid_request",
                "The code_challenge_method is not supported. Supported methods: [S256].",
            );
        }
        (Some(_), None) => {
            return deny(
                "invalid_request",
                "The required parameter 'code_challenge_method' is missing.",
            );
        }
        (Some(c), Some(_)) if !pkce::well_formed(c) => {
            return deny(
                "invalid_request",
                "The 'code_challenge' parameter must be between 43 and 128 characters from [A-Z], [a-z], [0-9], '-', '.', '_' and '~'.",
            );
        }
        _ => {}
    }
    if rt.code && code_challenge.is_none() && app.credentials.pkce_required {
        return deny(
            "invalid_request",
            "PKCE code challenge is required by the application.",
        );
    }
    let mut prompt = Prompt::default();
    if let Some(p) = param(params, "prompt") {
        for part in p.split(' ').filter(|x| !x.is_empty()) {
            match part {
                "none" => prompt.none = true,
                "login" => prompt.login = true,
                "consent" => prompt.consent = true,
                _ => {
                    return deny(
                        "invalid_request",
                        &format!("The 'prompt' value '{part}' is not supported."),
                    );
                }
            }
        }
        if prompt.none && (prompt.login || prompt.consent) {
            return deny(
                "invalid_request",
                "The 'prompt' value 'none' cannot be combined with other values.",
            );
        }
    }
    let max_age = match param(params, "max_age") {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(v) if v >= 0 => Some(v),
            _ => {
                return deny(
                    "invalid_request",
                    "The 'max_age' parameter must be a non-negative integer.",
                );
            }
        },
    };
    Ok(AuthorizeRequest {
        redirect_uri: redirect_uri.to_owned(),
        response_type: rt,
        mode,
        scopes,
        state: state.map(str::to_owned),
        nonce: nonce.map(str::to_owned),
        code_challenge: code_challenge.map(str::to_owned),
        prompt,
        max_age,
        login_hint: param(params, "login_hint").map(str::to_owned),
        session_token: param(params, "sessionToken").map(str::to_owned),
        app,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::AppInput};
    use serde_json::json;

    fn setup(extra: serde_json::Value) -> (Directory, OrgUrls, App) {
        let dir = Directory::new(Clock::default());
        let mut v = json!({"name": "oidc_client", "label": "K", "settings": {"oauthClient": {
            "application_type": "web", "redirect_uris": ["https://app.example/cb"],
            "grant_types": ["authorization_code", "implicit"],
            "response_types": ["code", "token", "id_token"]}}});
        if let Some(o) = extra.as_object() {
            for (k, val) in o {
                v["settings"]["oauthClient"][k] = val.clone();
            }
        }
        let input: AppInput = serde_json::from_value(v).unwrap();
        let app = dir.create_app(input, true).unwrap();
        (dir, OrgUrls::new("https://org.example"), app)
    }

    fn params(app: &App, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut p = vec![
            ("client_id".to_owned(), app.credentials.client_id.clone()),
            (
                "redirect_uri".to_owned(),
                "https://app.example/cb".to_owned(),
            ),
            ("response_type".to_owned(), "code".to_owned()),
            ("scope".to_owned(), "openid profile".to_owned()),
            ("state".to_owned(), "s1".to_owned()),
        ];
        for (k, v) in pairs {
            p.retain(|(pk, _)| pk != k);
            if !v.is_empty() {
                p.push(((*k).to_owned(), (*v).to_owned()));
            }
        }
        p
    }

    fn redirect_error(r: Result<AuthorizeRequest, Denied>) -> (String, String, ResponseMode) {
        match r {
            Err(Denied::Redirect(d)) => {
                let get = |k: &str| {
                    d.params
                        .iter()
                        .find(|(pk, _)| pk == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                assert_eq!(get("state"), "s1");
                (get("error"), get("error_description"), d.mode)
            }
            other => panic!("expected a redirect error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_a_plain_code_request() {
        let (dir, org, app) = setup(json!({}));
        let r = validate(&params(&app, &[]), AuthServer::DEFAULT, &dir, &org).unwrap();
        assert!(r.response_type.code && !r.response_type.token);
        assert_eq!(r.mode, ResponseMode::Query);
        assert_eq!(r.scopes, vec!["openid", "profile"]);
    }

    #[test]
    fn unknown_client_and_unregistered_redirect_get_the_error_page() {
        let (dir, org, app) = setup(json!({}));
        let r = validate(
            &params(&app, &[("client_id", "nope")]),
            AuthServer::DEFAULT,
            &dir,
            &org,
        );
        assert!(matches!(r, Err(Denied::Page(ref p)) if p.code == "invalid_client"));
        // Case and trailing slash matter.
        for uri in [
            "https://app.example/cb/",
            "https://APP.example/cb",
            "https://app.example/CB",
        ] {
            let r = validate(
                &params(&app, &[("redirect_uri", uri)]),
                AuthServer::DEFAULT,
                &dir,
                &org,
            );
            match r {
                Err(Denied::Page(p)) => {
                    assert_eq!(p.code, "invalid_request");
                    assert!(p.description.starts_with("The 'redirect_uri' parameter must be a Login redirect URI in the client app settings: https://org.example/admin/app/oidc_client/instance/"));
                }
                other => panic!("{uri}: {other:?}"),
            }
        }
    }

    #[test]
    fn other_errors_go_back_to_the_client() {
        let (dir, org, app) = setup(json!({}));
        let (e, _, _) = redirect_error(validate(
            &params(&app, &[("scope", "openid bogus")]),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "invalid_scope");
        let (e, d, mode) = redirect_error(validate(
            &params(&app, &[("response_type", "id_token")]),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "invalid_request");
        assert!(d.starts_with("The 'nonce' parameter is required"));
        assert_eq!(mode, ResponseMode::Fragment);
        let (e, _, _) = redirect_error(validate(
            &params(
                &app,
                &[
                    ("response_type", "token"),
                    ("nonce", "n"),
                    ("response_mode", "query"),
                ],
            ),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "unsupported_response_mode");
        let (e, _, _) = redirect_error(validate(
            &params(&app, &[("response_type", "code bogus")]),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "unsupported_response_type");
        let (e, _, _) = redirect_error(validate(
            &params(
                &app,
                &[
                    ("code_challenge", "abc"),
                    ("code_challenge_method", "plain"),
                ],
            ),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "invalid_request");
        let (e, _, _) = redirect_error(validate(
            &params(&app, &[("prompt", "none login")]),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "invalid_request");
        let (e, _, _) = redirect_error(validate(
            &params(
                &app,
                &[
                    ("response_type", "id_token"),
                    ("nonce", "n"),
                    ("scope", "profile"),
                ],
            ),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "invalid_scope");
    }

    #[test]
    fn grant_types_and_pkce_requirements_are_enforced() {
        let (dir, org, app) =
            setup(json!({"grant_types": ["authorization_code"], "response_types": ["code"]}));
        let (e, d, _) = redirect_error(validate(
            &params(&app, &[("response_type", "code id_token"), ("nonce", "n")]),
            AuthServer::DEFAULT,
            &dir,
            &org,
        ));
        assert_eq!(e, "unauthorized_client");
        assert_eq!(
            d,
            "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code]."
        );
        let mut input: AppInput = serde_json::from_value(json!({"name": "oidc_client", "label": "S",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
            "settings": {"oauthClient": {"application_type": "browser", "redirect_uris": ["https://spa.example/cb"]}}})).unwrap();
        input.label = Some("SPA".into());
        let spa = dir.create_app(input, true).unwrap();
        let mut p = params(&spa, &[("redirect_uri", "https://spa.example/cb")]);
        let (e, d, _) = redirect_error(validate(&p, AuthServer::DEFAULT, &dir, &org));
        assert_eq!(
            (e.as_str(), d.as_str()),
            (
                "invalid_request",
                "PKCE code challenge is required by the application."
            )
        );
        p.push((
            "code_challenge".into(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        ));
        p.push(("code_challenge_method".into(), "S256".into()));
        assert!(validate(&p, AuthServer::DEFAULT, &dir, &org).is_ok());
    }
}
