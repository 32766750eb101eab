//! The OpenID Connect issuer: the org authorization server and the `default` custom server,
//! one route table for both, one file per endpoint.
//!
//! The hops of an SSO login, in order:
//! - `discovery.rs`: `/.well-known/openid-configuration` (and RFC 8414 metadata);
//! - `authorize/`: `v1/authorize`; `request.rs` checks the request as Okta does,
//!   `decision.rs` decides (sign in first, deliver, or refuse) in plain Rust, `delivery.rs`
//!   sends the answer by response mode; the handlers in `authorize/mod.rs` only do I/O. The
//!   sign-in page (`crate::signin`) sends the browser back to `v1/authorize/redirect`;
//! - `token.rs`: `v1/token` and its grant types, after `client_auth.rs` (with
//!   `client_assertion.rs` for JWT client authentication) has authenticated the client;
//! - `mint.rs`: the claims of access and ID tokens, `claims.rs` the claims appended to them; `jwks.rs`: `v1/keys`, their public keys;
//! - `userinfo.rs`, `introspect.rs`, `revoke.rs`, `logout.rs`: the other endpoints, with
//!   `verify.rs` checking the tokens they are given.
//!
//! `server.rs` reads which server a request is for from the route, `params.rs` (crate root)
//! reads query and form parameters, `error.rs` holds OAuth's two error formats.

pub mod authorize;
mod back_channel;
pub mod claims;
pub mod client_assertion;
pub mod client_auth;
pub mod discovery;
pub mod error;
mod introspect;
mod jwks;
mod logout;
pub mod mint;
mod pkce;
mod revoke;
pub mod scopes;
pub mod server;
pub mod token;
mod userinfo;
pub mod verify;

use axum::{
    Router,
    extract::Path,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{MethodRouter, any, get, post},
};

use self::error::OAuthError;
use crate::{
    api::error::ApiError,
    control::{Endpoint, named},
    paths::AuthServer,
    state::AppState,
};

/// Both authorization servers, with CORS for the org's trusted origins: the org server's
/// endpoints under `/oauth2/v1`, a custom server's under `/oauth2/{server}/v1`.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            named(
                Endpoint::Discovery,
                other_methods_okta(get(discovery::openid_configuration)),
            ),
        )
        .nest("/oauth2", endpoints())
        .nest(
            &format!("/oauth2/{{{}}}", server::SERVER_PARAM),
            endpoints()
                .route(
                    "/.well-known/openid-configuration",
                    named(
                        Endpoint::Discovery,
                        other_methods_okta(get(discovery::openid_configuration)),
                    ),
                )
                .route(
                    "/.well-known/oauth-authorization-server",
                    named(
                        Endpoint::Discovery,
                        other_methods_okta(get(discovery::oauth_authorization_server)),
                    ),
                ),
        )
        .layer(crate::web::cors(&state.dir))
}

/// One authorization server's endpoints, by the names its discovery document gives them;
/// each route carries its name for test control's faults and journal.
fn endpoints() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/keys",
            named(Endpoint::Keys, other_methods_okta(get(jwks::jwks_get))),
        )
        .route(
            "/v1/authorize",
            named(
                Endpoint::Authorize,
                other_methods_okta(get(authorize::authorize_get).post(authorize::authorize_post)),
            ),
        )
        .route(
            "/v1/authorize/redirect",
            named(
                Endpoint::Authorize,
                other_methods_okta(get(authorize::authorize_resume)),
            ),
        )
        .route(
            "/v1/token",
            named(
                Endpoint::Token,
                other_methods_oauth(post(token::token_post)),
            ),
        )
        .route(
            "/v1/userinfo",
            named(
                Endpoint::Userinfo,
                other_methods_okta(get(userinfo::userinfo_get).post(userinfo::userinfo_post)),
            ),
        )
        .route(
            "/v1/introspect",
            named(
                Endpoint::Introspect,
                other_methods_oauth(post(introspect::introspect_post)),
            ),
        )
        .route(
            "/v1/revoke",
            named(
                Endpoint::Revoke,
                other_methods_oauth(post(revoke::revoke_post)),
            ),
        )
        .route(
            "/v1/logout",
            named(
                Endpoint::Logout,
                other_methods_okta(get(logout::logout_get).post(logout::logout_post)),
            ),
        )
        .route("/v1/{endpoint}", any(unknown_endpoint))
}

/// Endpoints that clients call directly answer another method in OAuth's JSON format.
fn other_methods_oauth(mr: MethodRouter<AppState>) -> MethodRouter<AppState> {
    mr.fallback(|_server: AuthServer| async {
        OAuthError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            "The endpoint does not support the provided HTTP method.",
        )
    })
}

/// Other endpoints answer another method with Okta's E0000022.
fn other_methods_okta(mr: MethodRouter<AppState>) -> MethodRouter<AppState> {
    mr.fallback(|_server: AuthServer| async { ApiError::method_not_allowed() })
}

/// A `v1/…` name that is no endpoint: Okta's 404 body (after the server's own 404).
async fn unknown_endpoint(
    _server: AuthServer,
    Path(params): Path<Vec<(String, String)>>,
) -> Response {
    let name = params
        .iter()
        .find(|(k, _)| k == "endpoint")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    ApiError::not_found(name, "Resource").into_response()
}
