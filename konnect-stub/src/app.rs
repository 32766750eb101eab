//! The application state and the router that merges every surface.

use std::{ops::Deref, sync::Arc, time::SystemTime};

use axum::{
    Router,
    extract::OriginalUri,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    error::{ErrorPage, Problem},
    identity, login, oidc_client,
    oidc_client::RelyingParty,
    org::Directory,
    paths,
};

/// Everything a handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub directory: Directory,
    pub rp: RelyingParty,
    /// The public base URL, without a trailing slash.
    pub base_url: String,
    /// Cookies get `Secure` when the public URL is https.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(directory: Directory, rp: RelyingParty, base_url: String) -> Self {
        let secure_cookies = base_url.starts_with("https://");
        Self(Arc::new(Inner {
            directory,
            rp,
            base_url,
            secure_cookies,
        }))
    }

    /// The current time; handlers read it once and pass it to the domain.
    pub fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    pub fn redirect_uri(&self) -> String {
        paths::redirect_uri(&self.base_url)
    }

    pub fn org_login_url(&self, login_path: &str) -> String {
        paths::org_login_url(&self.base_url, login_path)
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// All routes of the stub.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(login::router())
        .merge(oidc_client::routes::router())
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
    if uri.path().starts_with("/v2/") || uri.path().starts_with("/v3/") {
        Problem::not_found("The requested resource was not found").into_response()
    } else {
        ErrorPage::not_found().into_response()
    }
}
