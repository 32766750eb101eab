//! The Management API's error body: `errorCode`, `errorSummary`, `errorLink`, `errorId`,
//! `errorCauses`.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::directory::{Cause, DirError};

/// An Okta API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub summary: String,
    pub causes: Vec<String>,
    /// `WWW-Authenticate` for answers to OAuth bearer tokens.
    pub www_authenticate: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "errorCode")]
    error_code: &'a str,
    #[serde(rename = "errorSummary")]
    error_summary: &'a str,
    #[serde(rename = "errorLink")]
    error_link: &'a str,
    #[serde(rename = "errorId")]
    error_id: String,
    #[serde(rename = "errorCauses")]
    error_causes: Vec<CauseBody<'a>>,
}

#[derive(Serialize)]
struct CauseBody<'a> {
    #[serde(rename = "errorSummary")]
    error_summary: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        Self {
            status,
            code,
            summary: summary.into(),
            causes: Vec::new(),
            www_authenticate: None,
        }
    }

    /// E0000001, 400.
    pub fn validation(summary_fields: &str, causes: Vec<String>) -> Self {
        Self {
            causes,
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "E0000001",
                format!("Api validation failed: {summary_fields}"),
            )
        }
    }

    /// E0000003, 400: the body is not JSON or not the expected shape.
    pub fn malformed() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000003",
            "The request body was not well-formed.",
        )
    }

    /// E0000005, 403: no session and no token.
    pub fn invalid_session() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000005", "Invalid session")
    }

    /// E0000006, 403.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "E0000006",
            "You do not have permission to perform the requested action",
        )
    }

    /// E0000007, 404.
    pub fn not_found(id: &str, kind: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {id} ({kind})"),
        )
    }

    /// E0000011, 401: a bad API token, or an `/api/v1/authn` state token that is unknown or
    /// expired.
    pub fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E0000011",
            "Invalid token provided",
        )
    }

    /// E0000022, 405.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "E0000022",
            "The endpoint does not support the provided HTTP method",
        )
    }

    /// E0000009, 500: something on the server's side failed (the cause is logged, never
    /// sent).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "E0000009",
            "Internal Server Error",
        )
    }

    /// E0000004, 401: bad credentials at /api/v1/authn.
    pub fn authentication_failed() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E0000004",
            "Authentication failed",
        )
    }

    pub fn with_www_authenticate(mut self, challenge: String) -> Self {
        self.www_authenticate = Some(challenge);
        self
    }

    pub fn with_causes(mut self, causes: Vec<String>) -> Self {
        self.causes = causes;
        self
    }
}

impl From<DirError> for ApiError {
    fn from(e: DirError) -> Self {
        match e {
            DirError::Validation { summary, causes } => Self::validation(
                &summary,
                causes
                    .into_iter()
                    .map(|Cause { message, .. }| message)
                    .collect(),
            ),
            DirError::NotFound { id, kind } => Self::not_found(&id, kind),
            DirError::BadStatus => Self::new(
                StatusCode::FORBIDDEN,
                "E0000038",
                "This operation is not allowed in the user's current status.",
            ),
            DirError::AppActive => Self::new(
                StatusCode::FORBIDDEN,
                "E0000056",
                "Delete application forbidden.",
            )
            .with_causes(vec![
                "The application must be deactivated before deletion.".into(),
            ]),
            DirError::AlreadyAssigned => Self::new(
                StatusCode::CONFLICT,
                "E0000062",
                "The specified user is already assigned to the application.",
            ),
            DirError::Forbidden => Self::forbidden(),
            DirError::Credentials { causes } => Self::new(
                StatusCode::FORBIDDEN,
                "E0000014",
                "Update of credentials failed",
            )
            .with_causes(causes.into_iter().map(|c| c.message).collect()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error_code: self.code,
            error_summary: &self.summary,
            error_link: self.code,
            error_id: crate::ids::error_id(),
            error_causes: self
                .causes
                .iter()
                .map(|c| CauseBody { error_summary: c })
                .collect(),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut res = (self.status, json).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(v) = self
            .www_authenticate
            .and_then(|c| HeaderValue::from_str(&c).ok())
        {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn body_has_okta_keys_in_order() {
        let res = ApiError::validation("login", vec!["login: taken".into()]).into_response();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let bytes = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(text.starts_with(r#"{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorLink":"E0000001","errorId":"oae"#), "{text}");
        assert!(
            text.ends_with(r#""errorCauses":[{"errorSummary":"login: taken"}]}"#),
            "{text}"
        );
    }
}
