//! Server-rendered pages: the one way a page becomes a response, and the one HTML error type
//! of every browser route (sign-in, console, dashboard, unknown pages).

use askama::Template;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};

/// Renders `page` with `status` and `Cache-Control: no-cache, no-store` (pages carry
/// sign-in state, secrets or one-time values, so none is cached). A template that fails to
/// render is logged and answered with a plain 500 page.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            crate::web::no_store(res.headers_mut());
            res
        }
        Err(err) => {
            tracing::error!(%err, template = std::any::type_name::<T>(), "page did not render");
            let mut res = (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!DOCTYPE html><title>500 Internal Server Error</title><h1>500 Internal Server Error</h1>"),
            )
                .into_response();
            crate::web::no_store(res.headers_mut());
            res
        }
    }
}

/// A plain error page with a title and a message, for browser routes.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "simple.html")]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, title: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            title: title.into(),
            message: message.into(),
        }
    }

    /// `403 Forbidden` with an explanation.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "403 Forbidden", message)
    }

    /// The plain 404 page.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "404 Not Found",
            "The page you are looking for can't be found.",
        )
    }

    /// A sign-in transaction that expired or was finished already.
    pub fn signin_expired() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Your session has expired",
            "The sign-in took too long or was already finished. Go back to the application and sign in again.",
        )
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        render(self.status, &self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_escape_and_are_not_cached() {
        let res = PageError::forbidden("no <script>").into_response();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(res.headers()["cache-control"], "no-cache, no-store");
        let html = PageError::forbidden("no <script>").render().unwrap();
        assert!(html.contains("<h1>403 Forbidden</h1>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }
}
