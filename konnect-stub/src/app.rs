//! The composition root: merges every surface's router over the one [`AppState`], and answers
//! what no surface serves (the stylesheet, and a 404 in the caller's format).

use axum::{
    Router,
    extract::OriginalUri,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    error::{ErrorPage, Problem},
    identity, login, paths,
    state::AppState,
};

/// All routes of the stub.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(login::router())
        .merge(identity::router())
        .route(paths::STYLESHEET, get(stylesheet))
        .fallback(not_found)
        .with_state(state)
}

const STYLE: &str = include_str!("../assets/konnect.css");

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        STYLE,
    )
        .into_response()
}

async fn not_found(OriginalUri(uri): OriginalUri) -> Response {
    if paths::is_api(uri.path()) {
        Problem::not_found("The requested resource was not found").into_response()
    } else {
        ErrorPage::not_found().into_response()
    }
}
