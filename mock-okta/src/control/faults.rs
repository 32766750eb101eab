//! Okta's answers to faults: a fault without a body answers in the endpoint's own format,
//! Okta's where Okta has one (429 with E0000047 and `X-Rate-Limit-*`, 500 with E0000009).
//! The fault model and its matching are server-kit's ([`server_kit::control::faults`]).

use axum::{
    http::{HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse as _, Response},
};

pub use server_kit::control::FaultSpec;

use super::endpoint::{Endpoint, Format};
use crate::{api::error::ApiError, html::PageError, oidc::error::OAuthError};

/// The longest delay a fault may add.
pub use server_kit::control::faults::MAX_DELAY_MS;

/// The faults in place, keyed by mock-okta's endpoint names.
pub type Faults = server_kit::control::Faults<Endpoint>;
/// A fault in place.
pub type Fault = server_kit::control::Fault<Endpoint>;

const RATE_LIMITED: &str = "API call exceeded rate limit due to too many requests.";

/// The endpoint's own error body for `status`, Okta's where Okta has one.
pub fn default_answer(endpoint: Endpoint, status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    match endpoint.format() {
        Format::Html => {
            let message = if status == StatusCode::TOO_MANY_REQUESTS {
                RATE_LIMITED.to_owned()
            } else if status.is_server_error() {
                "The service is not available right now. Try again later.".to_owned()
            } else {
                "Your request resulted in an error.".to_owned()
            };
            PageError::new(status, format!("{} {reason}", status.as_u16()), message).into_response()
        }
        Format::Okta => okta_error(status, reason).into_response(),
        Format::OAuth if status == StatusCode::TOO_MANY_REQUESTS => {
            okta_error(status, reason).into_response()
        }
        Format::OAuth => {
            let (error, description) = match status.as_u16() {
                400 => ("invalid_request", "The request is invalid."),
                401 => ("invalid_client", "No client credentials found."),
                403 => (
                    "access_denied",
                    "The resource owner or authorization server denied the request.",
                ),
                503 => (
                    "temporarily_unavailable",
                    "The service is temporarily unavailable.",
                ),
                s if s >= 500 => ("server_error", "The server encountered an internal error."),
                _ => ("invalid_request", "The request is invalid."),
            };
            OAuthError::new(status, error, description).into_response()
        }
    }
}

/// Okta's API error for a status: the catalogue's code where there is one.
fn okta_error(status: StatusCode, reason: &str) -> ApiError {
    let (code, summary): (&'static str, String) = match status.as_u16() {
        401 => ("E0000011", "Invalid token provided".into()),
        403 => (
            "E0000006",
            "You do not have permission to perform the requested action".into(),
        ),
        404 => ("E0000007", "Not found: Resource not found".into()),
        405 => (
            "E0000022",
            "The endpoint does not support the provided HTTP method".into(),
        ),
        429 => ("E0000047", RATE_LIMITED.into()),
        500 => ("E0000009", "Internal Server Error".into()),
        _ => ("E0000009", reason.to_owned()),
    };
    ApiError::new(status, code, summary)
}

/// Okta's rate-limit headers on a 429: the limit, none remaining, the next minute.
pub(super) fn rate_limited(h: &mut axum::http::HeaderMap, now: i64) {
    let reset = (now.max(0) / 60 + 1) * 60;
    h.insert(
        HeaderName::from_static("x-rate-limit-limit"),
        HeaderValue::from(crate::web::RATE_LIMIT),
    );
    h.insert(
        HeaderName::from_static("x-rate-limit-remaining"),
        HeaderValue::from(0),
    );
    h.insert(
        HeaderName::from_static("x-rate-limit-reset"),
        HeaderValue::from(reset),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn default_bodies_speak_the_endpoint_format() {
        let body = |res: Response| async move {
            let b = axum::body::to_bytes(res.into_body(), 100_000)
                .await
                .unwrap();
            String::from_utf8(b.to_vec()).unwrap()
        };
        let api = body(default_answer(Endpoint::Api, StatusCode::TOO_MANY_REQUESTS)).await;
        assert!(api.starts_with(r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."#), "{api}");
        let token = body(default_answer(
            Endpoint::Token,
            StatusCode::TOO_MANY_REQUESTS,
        ))
        .await;
        assert!(token.contains("E0000047"), "{token}");
        let token = body(default_answer(
            Endpoint::Token,
            StatusCode::SERVICE_UNAVAILABLE,
        ))
        .await;
        assert!(
            token.starts_with(r#"{"error":"temporarily_unavailable""#),
            "{token}"
        );
        let keys = body(default_answer(
            Endpoint::Keys,
            StatusCode::INTERNAL_SERVER_ERROR,
        ))
        .await;
        assert!(keys.contains(r#""errorCode":"E0000009","errorSummary":"Internal Server Error""#));
        let page = body(default_answer(Endpoint::Signin, StatusCode::BAD_GATEWAY)).await;
        assert!(page.contains("502 Bad Gateway"), "{page}");
    }
}
