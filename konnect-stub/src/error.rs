//! One error type per wire format: [`Problem`] for the JSON APIs (RFC 7807, as Konnect writes
//! it) and [`ErrorPage`] for the browser. Causes are logged; bodies never carry internals.

use askama::Template;
use axum::{
    extract::rejection::JsonRejection,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

use crate::crypto::trace_instance;
use crate::org::InvalidParameter;

/// `application/problem+json`, with the fields and titles Konnect uses.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(serialize_with = "status_code")]
    pub status: StatusCode,
    pub title: &'static str,
    pub instance: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_parameters: Vec<InvalidParameter>,
    /// Extension member on the SSO-required refusal: where the user should log in instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_url: Option<String>,
}

fn status_code<S: serde::Serializer>(s: &StatusCode, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_u16(s.as_u16())
}

impl Problem {
    fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: None,
            status,
            title,
            instance: trace_instance(),
            detail: detail.into(),
            invalid_parameters: Vec::new(),
            login_url: None,
        }
    }

    /// 401 for a missing or unknown token.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Unauthenticated",
            "A valid token is required",
        )
    }

    /// 401 with a reason of its own (e.g. the basic-auth login's wrong password).
    pub fn unauthenticated_because(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthenticated", detail)
    }

    /// 403 for a caller without the Organization Admin role.
    pub fn not_admin() -> Self {
        Self {
            kind: Some("https://kongapi.info/konnect/invalid-permissions"),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "Invalid Permissions",
                "You must have the [administrator] role to perform this action",
            )
        }
    }

    /// 403 for a Free organization asking for an Enterprise feature.
    pub fn not_enterprise(what: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "Permission denied",
            format!("Only enterprise organizations can {what}"),
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Permission denied", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not Found", detail)
    }

    /// 412, as Konnect answers the team mappings before an identity provider is configured.
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "Precondition Failed",
            detail,
        )
    }

    /// 409 (Konnect's "Resource Conflict").
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Resource Conflict", detail)
    }

    /// 400 with the offending fields.
    pub fn bad_request(detail: impl Into<String>, params: Vec<InvalidParameter>) -> Self {
        Self {
            invalid_parameters: params,
            ..Self::new(StatusCode::BAD_REQUEST, "Bad Request", detail)
        }
    }

    /// 400 naming one offending field.
    pub fn invalid_parameter(field: &str, reason: impl Into<String>) -> Self {
        Self::bad_request("", vec![InvalidParameter::new(field, reason)])
    }

    /// Konnect's answer to a body that is not the expected JSON.
    pub fn invalid_body() -> Self {
        Self::invalid_parameter("body", "request format is invalid")
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
            "An unexpected error occurred",
        )
    }

    /// Konnect's shape for a refusal that the framework decided (a method the endpoint does
    /// not have, a body that is not JSON, too large or cut short, a timeout).
    pub fn for_status(status: StatusCode) -> Self {
        let title = status.canonical_reason().unwrap_or("Error");
        let detail = match status {
            StatusCode::METHOD_NOT_ALLOWED => {
                "The endpoint does not support the provided HTTP method"
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "The request body must be JSON, sent with Content-Type: application/json"
            }
            StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large",
            StatusCode::REQUEST_TIMEOUT => "The request took too long",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests; try again later",
            StatusCode::NOT_FOUND => "The requested resource was not found",
            s if s.is_server_error() => "An unexpected error occurred",
            _ => "The request could not be read",
        };
        let mut problem = Self::new(status, title, detail);
        if status == StatusCode::BAD_REQUEST {
            // Konnect's 400s always name what is wrong.
            problem.invalid_parameters = vec![InvalidParameter::new(
                "request",
                "request format is invalid",
            )];
        }
        problem
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json; charset=utf-8"),
            )],
            body,
        )
            .into_response()
    }
}

/// A link offered on an error page.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
    pub test_id: &'static str,
}

/// A full HTML page explaining what went wrong and where to go next.
#[derive(Debug, Clone, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
    pub links: Vec<Link>,
}

impl ErrorPage {
    pub fn new(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            title: title.into(),
            message: message.into(),
            links: Vec::new(),
        }
    }

    pub fn link(
        mut self,
        href: impl Into<String>,
        label: impl Into<String>,
        test_id: &'static str,
    ) -> Self {
        self.links.push(Link {
            href: href.into(),
            label: label.into(),
            test_id,
        });
        self
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Access denied", message).link(
            crate::paths::HOME,
            "Back to the home page",
            "error-home-link",
        )
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is nothing at this address.",
        )
        .link(
            crate::paths::HOME,
            "Back to the home page",
            "error-home-link",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "An unexpected error occurred. Please try again.",
        )
    }

    /// The page for a refusal that the framework decided (a method the page does not have, a
    /// form it cannot read, a body too large or cut short, a timeout).
    pub fn for_status(status: StatusCode) -> Self {
        let (title, message) = match status {
            StatusCode::NOT_FOUND => return Self::not_found(),
            StatusCode::METHOD_NOT_ALLOWED => (
                "Not available",
                "This page does not support this kind of request.",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "Request not understood",
                "This page accepts only its own form. Please go back and submit the form again.",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => (
                "Request too large",
                "What was sent is too large for this page.",
            ),
            StatusCode::REQUEST_TIMEOUT => (
                "Request timed out",
                "The request took too long. Please try again.",
            ),
            // A fault's 502/503 keeps its status.
            s if s.is_server_error() => {
                return Self {
                    status: s,
                    ..Self::internal()
                };
            }
            StatusCode::TOO_MANY_REQUESTS => (
                "Too many requests",
                "Too many requests were made. Please wait a moment and try again.",
            ),
            _ => (
                "Request not understood",
                "This request could not be read. Please go back and try again.",
            ),
        };
        Self::new(status, title, message).link(
            crate::paths::HOME,
            "Back to the home page",
            "error-home-link",
        )
    }
}

impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        match self.render() {
            Ok(html) => (self.status, no_store(), Html(html)).into_response(),
            Err(err) => {
                tracing::error!(%err, "cannot render the error page");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }
}

/// Renders a page template, or an error page if rendering fails.
pub fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => (no_store(), Html(html)).into_response(),
        Err(err) => {
            tracing::error!(%err, "cannot render a page");
            ErrorPage::internal().into_response()
        }
    }
}

/// Pages show per-user data; keep them out of shared caches.
fn no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))]
}

/// A JSON request body whose rejection is Konnect's "request format is invalid".
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                tracing::debug!(%rejection, "refused a request body");
                Err(match rejection {
                    JsonRejection::MissingJsonContentType(_) => {
                        Problem::for_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
                    }
                    _ => Problem::invalid_body(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_serializes_like_konnect() {
        let p = Problem::bad_request("", vec![InvalidParameter::new("name", "cannot be blank")]);
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["status"], 400);
        assert_eq!(v["title"], "Bad Request");
        assert!(
            v["instance"]
                .as_str()
                .unwrap()
                .starts_with("konnect:trace:")
        );
        assert_eq!(v["invalid_parameters"][0]["field"], "name");
        assert!(v.get("type").is_none() && v.get("login_url").is_none());
        let v = serde_json::to_value(Problem::not_admin()).unwrap();
        assert_eq!(
            v["type"],
            "https://kongapi.info/konnect/invalid-permissions"
        );
        assert!(v.get("invalid_parameters").is_none());
    }

    #[test]
    fn error_page_escapes_its_text() {
        let html = ErrorPage::new(StatusCode::BAD_REQUEST, "T", "<script>x</script>")
            .render()
            .unwrap();
        assert!(html.contains("&#60;script&#62;"), "{html}");
        assert!(!html.contains("<script>x"));
    }
}
