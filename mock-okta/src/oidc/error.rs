//! OAuth errors in their two wire formats: the JSON body of the token-side endpoints, and
//! Okta's HTML error page for authorize requests that cannot be trusted with a redirect.

use askama::Template;
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

/// `{"error":…,"error_description":…}` with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// Sent as `WWW-Authenticate` (bearer-token endpoints, Basic client authentication).
    pub www_authenticate: Option<String>,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            www_authenticate: None,
        }
    }

    pub fn bad_request(error: &'static str, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, description)
    }

    /// The authorization server's access policies let no rule through for this client,
    /// grant, user and scopes (Okta's `no_matching_policy`); 401 at the token endpoint, as a
    /// redirect from authorize.
    pub fn policy_denied() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "access_denied",
            "Policy evaluation failed for this request, please check the policy configurations.",
        )
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::bad_request("invalid_request", description)
    }

    pub fn missing(param: &str) -> Self {
        Self::invalid_request(format!("The required parameter '{param}' is missing."))
    }

    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::bad_request("invalid_grant", description)
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::bad_request("invalid_scope", description)
    }

    /// A bearer-token error (`userinfo`): status plus the `WWW-Authenticate` challenge.
    pub fn bearer(status: StatusCode, error: &'static str, description: &str) -> Self {
        Self {
            www_authenticate: Some(format!(
                "Bearer authorization_uri=\"\", realm=\"IdentityProvider\", resource=\"\", error=\"{error}\", error_description=\"{description}\""
            )),
            ..Self::new(status, error, description)
        }
    }

    pub fn with_www_authenticate(mut self, value: String) -> Self {
        self.www_authenticate = Some(value);
        self
    }
}

/// A claim that cannot be made refuses the token: `invalid_request` with Okta's words (the
/// support article quotes the description; the error code is not documented).
impl From<crate::directory::ClaimError> for OAuthError {
    fn from(e: crate::directory::ClaimError) -> Self {
        Self::invalid_request(e.to_string())
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&Body {
            error: self.error,
            error_description: &self.description,
        })
        .unwrap_or_default();
        let mut res = (self.status, body).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=UTF-8"),
        );
        crate::web::no_store(h);
        if let Some(v) = self
            .www_authenticate
            .and_then(|v| HeaderValue::from_str(&v).ok())
        {
            h.insert(header::WWW_AUTHENTICATE, v);
        }
        res
    }
}

/// Okta's hosted error page (HTTP 400, never a redirect): unknown client, unregistered
/// redirect URI, and other requests whose redirect target cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "error_page.html")]
pub struct ErrorPage {
    pub code: String,
    pub description: String,
}

impl ErrorPage {
    pub fn new(code: &str, description: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            description: description.into(),
        }
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        match self.render() {
            Ok(html) => {
                let mut res = (StatusCode::BAD_REQUEST, Html(html)).into_response();
                res.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache, no-store"),
                );
                res
            }
            Err(err) => {
                tracing::error!(%err, "error page did not render");
                (
                    StatusCode::BAD_REQUEST,
                    format!("{}: {}", self.code, self.description),
                )
                    .into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_page_shows_okta_text_escaped() {
        let html = ErrorPage::new("invalid_request", "bad <uri>")
            .render()
            .unwrap();
        assert!(html.contains("400 Bad Request"));
        assert!(html.contains("Your request resulted in an error."));
        assert!(html.contains("Identity Provider:"));
        assert!(html.contains("invalid_request"));
        assert!(
            html.contains("bad &#60;uri&#62;") || html.contains("bad &lt;uri&gt;"),
            "{html}"
        );
    }
}
