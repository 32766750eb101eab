//! `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`:
//! discovery documents with Okta's exact key order, cached as bytes, and answered before the
//! router for plain GETs (the fast path).

use std::sync::RwLock;

use axum::{
    body::{Body, Bytes},
    extract::State,
    http::{HeaderValue, header},
    response::Response,
};
use serde::Serialize;

use crate::{
    paths::{self, AuthServer, OrgUrls, ServerId},
    state::AppState,
};

const RESPONSE_MODES: &[&str] = &["query", "fragment", "form_post", "okta_post_message"];
const AUTH_METHODS: &[&str] = &[
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "none",
];
const REQUEST_OBJECT_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
];
const OIDC_CLAIMS: &[&str] = &[
    "iss",
    "ver",
    "sub",
    "aud",
    "iat",
    "exp",
    "jti",
    "auth_time",
    "amr",
    "idp",
    "nonce",
    "name",
    "nickname",
    "preferred_username",
    "given_name",
    "middle_name",
    "family_name",
    "email",
    "email_verified",
    "profile",
    "zoneinfo",
    "locale",
    "address",
    "phone_number",
    "picture",
    "website",
    "gender",
    "birthdate",
    "updated_at",
    "at_hash",
    "c_hash",
];

/// Which document: OpenID Connect discovery or RFC 8414 metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metadata {
    OpenId,
    OAuth,
}

#[derive(Serialize)]
struct Document<'a> {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    userinfo_endpoint: Option<String>,
    registration_endpoint: String,
    jwks_uri: String,
    response_types_supported: &'a [&'a str],
    response_modes_supported: &'a [&'a str],
    grant_types_supported: &'a [&'a str],
    #[serde(skip_serializing_if = "Option::is_none")]
    subject_types_supported: Option<&'a [&'a str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token_signing_alg_values_supported: Option<&'a [&'a str]>,
    scopes_supported: Vec<String>,
    token_endpoint_auth_methods_supported: &'a [&'a str],
    claims_supported: &'a [&'a str],
    code_challenge_methods_supported: &'a [&'a str],
    introspection_endpoint: String,
    introspection_endpoint_auth_methods_supported: &'a [&'a str],
    revocation_endpoint: String,
    revocation_endpoint_auth_methods_supported: &'a [&'a str],
    end_session_endpoint: String,
    request_parameter_supported: bool,
    request_object_signing_alg_values_supported: &'a [&'a str],
}

/// Builds a discovery document.
pub fn document(org: &OrgUrls, server: AuthServer, kind: Metadata, scopes: Vec<String>) -> Vec<u8> {
    let openid = kind == Metadata::OpenId;
    let response_types: &[&str] = if openid {
        &[
            "code",
            "id_token",
            "code id_token",
            "code token",
            "id_token token",
            "code id_token token",
        ]
    } else {
        &[
            "code",
            "token",
            "id_token",
            "code id_token",
            "code token",
            "id_token token",
            "code id_token token",
        ]
    };
    let grant_types: &[&str] = if openid {
        &[
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "urn:ietf:params:oauth:grant-type:device_code",
        ]
    } else {
        &[
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
        ]
    };
    let claims: &[&str] = if openid {
        OIDC_CLAIMS
    } else {
        &[
            "ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub",
        ]
    };
    let doc = Document {
        issuer: org.issuer(server),
        authorization_endpoint: org.endpoint(server, paths::AUTHORIZE),
        token_endpoint: org.endpoint(server, paths::TOKEN),
        userinfo_endpoint: openid.then(|| org.endpoint(server, paths::USERINFO)),
        registration_endpoint: org.url("/oauth2/v1/clients"),
        jwks_uri: org.endpoint(server, paths::KEYS),
        response_types_supported: response_types,
        response_modes_supported: RESPONSE_MODES,
        grant_types_supported: grant_types,
        subject_types_supported: openid.then_some(&["public"][..]),
        id_token_signing_alg_values_supported: openid.then_some(&["RS256"][..]),
        scopes_supported: scopes,
        token_endpoint_auth_methods_supported: AUTH_METHODS,
        claims_supported: claims,
        code_challenge_methods_supported: &["S256"],
        introspection_endpoint: org.endpoint(server, paths::INTROSPECT),
        introspection_endpoint_auth_methods_supported: AUTH_METHODS,
        revocation_endpoint: org.endpoint(server, paths::REVOKE),
        revocation_endpoint_auth_methods_supported: AUTH_METHODS,
        end_session_endpoint: org.endpoint(server, paths::LOGOUT),
        request_parameter_supported: true,
        request_object_signing_alg_values_supported: REQUEST_OBJECT_ALGS,
    };
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// Serialised documents of the org and `default` servers, rebuilt only when the published
/// scopes change; a server an admin made has its document built on each request.
#[derive(Default)]
pub struct Cache {
    // (scopes version, org openid, default openid, default oauth)
    docs: RwLock<Option<(u64, Bytes, Bytes, Bytes)>>,
}

impl Cache {
    fn get(&self, state: &AppState, server: AuthServer, kind: Metadata) -> Bytes {
        if let AuthServer::Custom(id) = server
            && id != ServerId::DEFAULT
        {
            let (_, scopes) = state.dir.published_scopes(id);
            return Bytes::from(document(&state.org, server, kind, scopes));
        }
        let pick = |d: &(u64, Bytes, Bytes, Bytes)| match (server, kind) {
            (AuthServer::Org, _) => d.1.clone(),
            (_, Metadata::OpenId) => d.2.clone(),
            (_, Metadata::OAuth) => d.3.clone(),
        };
        let current = state.dir.scopes_version();
        if let Ok(guard) = self.docs.read()
            && let Some(d) = guard.as_ref()
            && d.0 == current
        {
            return pick(d);
        }
        let (version, scopes) = state.dir.published_scopes(ServerId::DEFAULT);
        let org_scopes = super::scopes::ORG_SCOPES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let docs = (
            version,
            Bytes::from(document(
                &state.org,
                AuthServer::Org,
                Metadata::OpenId,
                org_scopes,
            )),
            Bytes::from(document(
                &state.org,
                AuthServer::DEFAULT,
                Metadata::OpenId,
                scopes.clone(),
            )),
            Bytes::from(document(
                &state.org,
                AuthServer::DEFAULT,
                Metadata::OAuth,
                scopes,
            )),
        );
        let out = pick(&docs);
        if let Ok(mut guard) = self.docs.write() {
            *guard = Some(docs);
        }
        out
    }
}

/// Discovery answered before the router: the hottest, read-only documents need no routing
/// or layers. Cross-origin requests (with `Origin`) still go through the router for CORS.
pub fn fast_path(
    state: &AppState,
    req: &axum::http::Request<hyper::body::Incoming>,
) -> Option<Response> {
    if req.method() != axum::http::Method::GET || req.headers().contains_key(header::ORIGIN) {
        return None;
    }
    let (server, kind) = match req.uri().path() {
        "/.well-known/openid-configuration" => (AuthServer::Org, Metadata::OpenId),
        "/oauth2/default/.well-known/openid-configuration" => {
            (AuthServer::DEFAULT, Metadata::OpenId)
        }
        "/oauth2/default/.well-known/oauth-authorization-server" => {
            (AuthServer::DEFAULT, Metadata::OAuth)
        }
        _ => return None,
    };
    // An inactive server's refusal is the router's.
    if !state.dir.server_active(server) {
        return None;
    }
    let mut res = respond(state, server, kind);
    crate::web::add_okta_headers(res.headers_mut());
    Some(res)
}

/// `Expires: <now + 1 day>`, formatted once a second per thread (discovery is hot).
fn expires_in_a_day(state: &AppState) -> HeaderValue {
    thread_local! {
        static CACHE: std::cell::RefCell<(i64, HeaderValue)> =
            const { std::cell::RefCell::new((i64::MIN, HeaderValue::from_static("0"))) };
    }
    let now = state.clock.now_datetime();
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != now.unix_timestamp() {
            let text = crate::clock::http_date(now + time::Duration::days(1));
            if let Ok(v) = HeaderValue::from_str(&text) {
                *c = (now.unix_timestamp(), v);
            }
        }
        c.1.clone()
    })
}

/// `GET {issuer}/.well-known/openid-configuration`.
pub async fn openid_configuration(State(state): State<AppState>, server: AuthServer) -> Response {
    respond(&state, server, Metadata::OpenId)
}

/// `GET {issuer}/.well-known/oauth-authorization-server` (custom servers).
pub async fn oauth_authorization_server(
    State(state): State<AppState>,
    server: AuthServer,
) -> Response {
    respond(&state, server, Metadata::OAuth)
}

/// The response: the document with Okta's caching headers.
pub fn respond(state: &AppState, server: AuthServer, kind: Metadata) -> Response {
    let mut res = Response::new(Body::from(state.discovery.get(state, server, kind)));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=86400, must-revalidate"),
    );
    h.insert(header::EXPIRES, expires_in_a_day(state));
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_server_document_has_okta_key_order() {
        let org = OrgUrls::new("https://dev-1.okta.com");
        let doc = String::from_utf8(document(
            &org,
            AuthServer::DEFAULT,
            Metadata::OpenId,
            vec!["openid".into()],
        ))
        .unwrap();
        assert!(doc.starts_with(r#"{"issuer":"https://dev-1.okta.com/oauth2/default","authorization_endpoint":"https://dev-1.okta.com/oauth2/default/v1/authorize","token_endpoint":"#));
        assert!(
            doc.contains(r#""registration_endpoint":"https://dev-1.okta.com/oauth2/v1/clients""#)
        );
        assert!(!doc.contains("client_credentials"));
        let oauth = String::from_utf8(document(&org, AuthServer::DEFAULT, Metadata::OAuth, vec![]))
            .unwrap();
        assert!(oauth.contains("client_credentials"));
        assert!(!oauth.contains("userinfo_endpoint"));
        let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(
            keys.last().unwrap().as_str(),
            "request_object_signing_alg_values_supported"
        );
    }

    #[test]
    fn org_server_issuer_is_the_org_url() {
        let org = OrgUrls::new("https://dev-1.okta.com");
        let v: serde_json::Value =
            serde_json::from_slice(&document(&org, AuthServer::Org, Metadata::OpenId, vec![]))
                .unwrap();
        assert_eq!(v["issuer"], "https://dev-1.okta.com");
        assert_eq!(v["jwks_uri"], "https://dev-1.okta.com/oauth2/v1/keys");
    }
}
