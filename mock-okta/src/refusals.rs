//! mock-okta's answer to a request the framework refused before any handler ran (see
//! `server_kit::refusals`): Okta's error body on the Management API, OAuth's JSON on the
//! back-channel endpoints, an HTML error page on browser routes.

use axum::{
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{api::error::ApiError, html::PageError, oidc::error::OAuthError};

/// Okta's formats: JSON (error bodies, OAuth errors) and HTML pages.
pub fn in_format(headers: &HeaderMap) -> bool {
    server_kit::refusals::content_type_is(headers, &["application/json", "text/html"])
}

pub fn answer(path: &str, status: StatusCode) -> Response {
    if path.starts_with("/api/") || path.starts_with("/__mock") {
        return api_error(status).into_response();
    }
    let back_channel = ["/v1/token", "/v1/introspect", "/v1/revoke", "/v1/userinfo"]
        .iter()
        .any(|e| path.starts_with("/oauth2/") && path.ends_with(e));
    if back_channel {
        return OAuthError::new(status, "invalid_request", reason(status)).into_response();
    }
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    PageError::new(status, title, reason(status)).into_response()
}

/// Okta's error for a refused Management API request.
fn api_error(status: StatusCode) -> ApiError {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::method_not_allowed(),
        StatusCode::NOT_FOUND => ApiError::new(
            status,
            "E0000007",
            "Not found: Resource not found: (Resource)",
        ),
        s if s.is_server_error() => ApiError::internal(),
        s => ApiError::new(s, "E0000003", reason(s)),
    }
}

fn reason(status: StatusCode) -> &'static str {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "The endpoint does not support the provided HTTP method",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "The request must be sent with the content type this endpoint reads."
        }
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large.",
        StatusCode::REQUEST_TIMEOUT => "The request took too long to arrive or to answer.",
        s if s.is_server_error() => "The server encountered an internal error.",
        _ => "The request was not well-formed.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_surface_gets_its_own_format() {
        let api = answer("/api/v1/users", StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(api.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(in_format(api.headers()));
        let token = answer("/oauth2/default/v1/token", StatusCode::PAYLOAD_TOO_LARGE);
        assert!(in_format(token.headers()));
        let page = answer("/login/login.htm", StatusCode::BAD_REQUEST);
        assert_eq!(
            page.headers()["content-type"].to_str().unwrap(),
            "text/html; charset=utf-8"
        );
    }
}
