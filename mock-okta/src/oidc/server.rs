//! Which authorization server a request is for, read from the route it matched: the org
//! server's endpoints are nested under `/oauth2`, a custom server's under `/oauth2/{server}`
//! (while it is active).

use axum::{
    extract::{FromRequestParts, RawPathParams},
    http::request::Parts,
};

use crate::{
    api::error::ApiError,
    paths::{AuthServer, ServerId},
    state::AppState,
};

/// The route parameter naming a custom authorization server.
pub const SERVER_PARAM: &str = "server";

/// The active custom server an id in the path names; Okta's 404 naming the id for an unknown
/// or deactivated one.
pub fn active_custom_server(state: &AppState, id: &str) -> Result<AuthServer, ApiError> {
    ServerId::parse(id)
        .map(AuthServer::Custom)
        .filter(|server| state.dir.server_active(*server))
        .ok_or_else(|| ApiError::not_found(id, "AuthorizationServer"))
}

/// A deactivated server answers its endpoints as an unknown one: Okta's 404 naming it.
impl FromRequestParts<AppState> for AuthServer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found(parts.uri.path(), "Resource"))?;
        match params.iter().find(|(k, _)| *k == SERVER_PARAM) {
            None => Ok(AuthServer::Org),
            Some((_, id)) => active_custom_server(state, id),
        }
    }
}
