//! Which authorization server a request is for, read from the route it matched: the org
//! server's endpoints are nested under `/oauth2`, a custom server's under `/oauth2/{server}`
//! (while it is active).

use axum::{
    extract::{FromRequestParts, RawPathParams},
    http::request::Parts,
};

use crate::{api::error::ApiError, paths::AuthServer, state::AppState};

/// The route parameter naming a custom authorization server.
pub const SERVER_PARAM: &str = "server";

/// The server an id in the path names; Okta's 404 for any other.
pub fn custom_server(id: &str) -> Result<AuthServer, ApiError> {
    match id {
        "default" => Ok(AuthServer::Default),
        other => Err(ApiError::not_found(other, "AuthorizationServer")),
    }
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
            Some((_, id)) => {
                let server = custom_server(id)?;
                if state.dir.server_active(server) {
                    Ok(server)
                } else {
                    Err(ApiError::not_found(id, "AuthorizationServer"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_default_custom_server_exists() {
        assert_eq!(custom_server("default").ok(), Some(AuthServer::Default));
        let err = custom_server("aus123").unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::NOT_FOUND);
    }
}
