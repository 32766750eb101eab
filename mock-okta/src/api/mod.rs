//! The Management API (`/api/v1`): apps, users, groups, admin roles and the `default`
//! authorization server, with Okta's JSON shapes, `link` pagination, `X-Rate-Limit-*` headers
//! and error bodies.
//!
//! Every route needs `Authorization: SSWS <token>` ([`ApiToken`]). Handlers are thin: they
//! extract, call one [`Directory`](crate::directory::Directory) function and render a view
//! from [`views`].

pub mod error;
pub mod filter;
pub mod views;

mod apps;
mod authorization_servers;
mod client_secrets;
mod groups;
mod logs;
mod passwords;
mod policies;
mod sessions;
mod trusted_origins;
mod user_types;
mod users;

use axum::{
    Router,
    extract::{FromRequest, FromRequestParts, Request, State},
    http::{HeaderValue, StatusCode, header, request::Parts},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::MethodRouter,
};
use serde::{Serialize, de::DeserializeOwned};

use crate::{directory::Page, state::AppState};
pub use error::ApiError;

/// The Management API's routes, behind the SSWS token check, with rate-limit headers on
/// every answer (errors included).
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(apps::router())
        .merge(client_secrets::router())
        .merge(users::router())
        .merge(groups::router())
        .merge(logs::router())
        .merge(sessions::router())
        .merge(passwords::router())
        .merge(policies::router())
        .merge(user_types::router())
        .merge(trusted_origins::router())
        .merge(authorization_servers::router())
        .route_layer(middleware::from_extractor_with_state::<ApiToken, _>(
            state.clone(),
        ))
        .layer(middleware::from_fn_with_state(state.clone(), api_headers))
}

/// Adds `X-Rate-Limit-Limit/Remaining/Reset`, as Okta does on every API response.
async fn api_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    state.rate.apply(res.headers_mut(), state.clock.now());
    res
}

/// A path that exists but not with this method: E0000022.
pub(crate) fn allow(mr: MethodRouter<AppState>) -> MethodRouter<AppState> {
    mr.fallback(|| async { ApiError::method_not_allowed() })
}

// ---- Authentication ----

/// Proof that the request carried the org's API token (`Authorization: SSWS <token>`,
/// the space optional).
#[derive(Debug, Clone, Copy)]
pub struct ApiToken;

impl FromRequestParts<AppState> for ApiToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(ApiError::invalid_session());
        };
        let value = value.to_str().map(str::trim).unwrap_or_default();
        let scheme = |name: &str| {
            value
                .get(..name.len())
                .filter(|p| p.eq_ignore_ascii_case(name))
                .map(|_| value[name.len()..].trim())
        };
        // Okta's Python SDK sends `SSWS<token>` with no space; real orgs accept it.
        if let Some(token) = scheme("SSWS").filter(|t| !t.is_empty()) {
            let expected = state.options.api_token.as_bytes();
            return if crate::ids::constant_time_eq(token.as_bytes(), expected) {
                Ok(Self)
            } else {
                Err(ApiError::invalid_token())
            };
        }
        // OAuth for Okta: an org authorization server access token with `okta.*` scopes.
        // (DPoP-bound tokens are not issued, so the `DPoP` scheme is not taken.)
        match scheme("Bearer ") {
            Some(token) => bearer(state, &parts.method, parts.uri.path(), token).await,
            None => Err(ApiError::invalid_token()),
        }
    }
}

/// The `okta.*` scope family a Management API path belongs to, if any.
fn scope_family(path: &str) -> Option<&'static str> {
    let rest = path.strip_prefix("/api/v1/")?;
    let mut segments = rest.split('/');
    let first = segments.next()?;
    Some(match first {
        "apps" => "apps",
        "groups" => "groups",
        "authorizationServers" => "authorizationServers",
        "sessions" => "sessions",
        "logs" => "logs",
        "trustedOrigins" => "trustedOrigins",
        "users" if segments.nth(1) == Some("roles") => "roles",
        "users" => "users",
        _ => return None,
    })
}

/// Checks an access token of the org authorization server for this request: signature,
/// issuer, audience (the org URL), expiry, revocation, an active client, and a scope that
/// covers the path (`okta.<family>.manage`, or `.read` for GET).
async fn bearer(
    state: &AppState,
    method: &axum::http::Method,
    path: &str,
    token: &str,
) -> Result<ApiToken, ApiError> {
    use crate::paths::AuthServer;
    let v = crate::oidc::verify::verify_jwt(state, AuthServer::Org, token, false)
        .await
        .filter(|v| v.str("aud") == Some(state.org.base()))
        .filter(|v| {
            v.str("cid")
                .and_then(|cid| state.dir.app_by_client_id(cid))
                .is_some_and(|a| a.status == crate::directory::AppStatus::Active)
        })
        .ok_or_else(ApiError::invalid_token)?;
    let family = scope_family(path);
    let read_only = matches!(*method, axum::http::Method::GET | axum::http::Method::HEAD);
    let allowed = family.is_some_and(|f| {
        v.scopes().any(|s| {
            s.strip_prefix("okta.")
                .and_then(|s| s.strip_prefix(f))
                .is_some_and(|level| level == ".manage" || (read_only && level == ".read"))
        })
    });
    if allowed {
        return Ok(ApiToken);
    }
    let needed = family.map_or_else(String::new, |f| {
        if read_only {
            format!("okta.{f}.read")
        } else {
            format!("okta.{f}.manage")
        }
    });
    Err(ApiError::forbidden().with_www_authenticate(format!(
        "Bearer authorization_uri=\"{}\", realm=\"IdpMgmt\", scope=\"{needed}\", error=\"insufficient_scope\", error_description=\"The access token provided does not contain the required scopes.\", resource=\"{path}\"",
        state.org.endpoint(AuthServer::Org, crate::paths::AUTHORIZE)
    )))
}

// ---- Bodies and query strings ----

/// A JSON body; anything that is not JSON of the expected shape (wrong content type, bad
/// syntax, wrong types) is Okta's E0000003 rather than axum's plain-text rejection.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => {
                tracing::debug!(%rejection, "malformed Management API body");
                Err(ApiError::malformed())
            }
        }
    }
}

/// A JSON body that may be left out (`PUT /api/v1/apps/{id}/groups/{gid}` with no body),
/// in which case it is `T::default()`.
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = bytes::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::malformed())?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(T::default()));
        }
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|_| ApiError::malformed())
    }
}

/// Path parameters; a segment that does not decode is an unknown resource (E0000007)
/// rather than axum's plain-text rejection.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(rejection) => {
                tracing::debug!(%rejection, "bad Management API path");
                Err(ApiError::not_found(parts.uri.path(), "Resource"))
            }
        }
    }
}

/// The query string as ordered pairs; never rejects (bad values are checked by the getters,
/// which answer in Okta's format).
#[derive(Debug, Clone, Default)]
pub struct ApiQuery(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for ApiQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query().unwrap_or_default()))
    }
}

impl ApiQuery {
    pub fn parse(query: &str) -> Self {
        Self(
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// A non-empty value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// A boolean flag such as `activate` or `sendEmail`.
    pub fn flag(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::validation(
                key,
                vec![format!("{key}: '{v}' is not a valid boolean")],
            )),
        }
    }

    /// `limit`: the default when absent, at most `max`.
    pub fn limit(&self, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(default),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(max).min(max)),
                Ok(_) => Ok(default),
                Err(_) => Err(ApiError::validation(
                    "limit",
                    vec![format!("limit: '{v}' is not a valid number")],
                )),
            },
        }
    }

    /// The query string for a page link: every parameter but `after`, `limit` first.
    fn link_query(&self, limit: usize, after: Option<&str>) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("limit", &limit.to_string());
        for (k, v) in &self.0 {
            if k != "after" && k != "limit" {
                out.append_pair(k, v);
            }
        }
        if let Some(a) = after {
            out.append_pair("after", a);
        }
        out.finish()
    }
}

/// E0000031, 400: a `filter` or `search` expression that does not parse or names an
/// attribute the resource does not have.
pub fn invalid_search(cause: String) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E0000031",
        "Invalid search criteria.",
    )
    .with_causes(vec![cause])
}

/// The expressions in `filter` and `search` (both must hold), checked against the
/// resource's attributes.
pub fn expressions(
    params: &ApiQuery,
    known: impl Fn(&str) -> bool,
) -> Result<Vec<filter::Expr>, ApiError> {
    let mut out = Vec::new();
    for key in ["filter", "search"] {
        if let Some(text) = params.get(key) {
            let e = filter::parse(text)
                .and_then(|e| e.check(&known).map(|()| e))
                .map_err(|filter::FilterError(msg)| invalid_search(format!("{key}: {msg}")))?;
            out.push(e);
        }
    }
    Ok(out)
}

// ---- Responses ----

/// A `200` JSON response.
pub fn ok<T: Serialize>(body: T) -> Response {
    json(StatusCode::OK, body)
}

/// A JSON response with `Content-Type: application/json`.
pub fn json<T: Serialize>(status: StatusCode, body: T) -> Response {
    match serde_json::to_vec(&body) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot serialise an API response");
            ApiError::internal().into_response()
        }
    }
}

/// `204 No Content`.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A page of a list with RFC 8288 `link` headers, one per relation: `self` always, `next`
/// when there are more items. Other query parameters (`q`, `filter`, …) are kept.
pub fn page<T: Serialize>(
    state: &AppState,
    path: &str,
    params: &ApiQuery,
    limit: usize,
    page: Page<T>,
) -> Response {
    let mut res = ok(page.items);
    let mut links = vec![format!(
        "<{}?{}>; rel=\"self\"",
        state.org.url(path),
        params.link_query(limit, params.get("after"))
    )];
    if let Some(next) = &page.next {
        links.push(format!(
            "<{}?{}>; rel=\"next\"",
            state.org.url(path),
            params.link_query(limit, Some(next))
        ));
    }
    for link in links {
        if let Ok(v) = HeaderValue::from_str(&link) {
            res.headers_mut().append(header::LINK, v);
        }
    }
    res
}

/// An id that stays the same for the same inputs (ids of things the directory does not
/// store, such as system scopes and app-assignment ids): `prefix` + 17 alphanumerics.
pub(crate) fn stable_id(prefix: &str, parts: &[&str]) -> String {
    use sha2::{Digest as _, Sha256};
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut hasher = Sha256::new();
    for p in parts {
        hasher.update(p.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let mut id = String::with_capacity(prefix.len() + 17);
    id.push_str(prefix);
    id.extend(
        digest
            .iter()
            .take(17)
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])),
    );
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_keep_filters_in_page_links_and_replace_the_cursor() {
        let p = ApiQuery::parse("q=ab&limit=2&filter=status+eq+%22ACTIVE%22&after=00u1");
        assert_eq!(p.get("filter"), Some("status eq \"ACTIVE\""));
        assert_eq!(
            p.link_query(2, Some("00u9")),
            "limit=2&q=ab&filter=status+eq+%22ACTIVE%22&after=00u9"
        );
        assert_eq!(p.limit(20, 200), Ok(2));
        assert_eq!(ApiQuery::parse("limit=5000").limit(20, 200), Ok(200));
        assert!(ApiQuery::parse("limit=x").limit(20, 200).is_err());
        assert_eq!(
            ApiQuery::parse("activate=FALSE").flag("activate", true),
            Ok(false)
        );
        assert!(
            ApiQuery::parse("activate=maybe")
                .flag("activate", true)
                .is_err()
        );
    }

    #[test]
    fn stable_ids_are_stable_and_okta_shaped() {
        let a = stable_id("scp", &["org", "openid"]);
        assert_eq!(a, stable_id("scp", &["org", "openid"]));
        assert_ne!(a, stable_id("scp", &["org", "profile"]));
        assert_eq!(a.len(), 20);
        assert!(a.starts_with("scp"));
    }
}
