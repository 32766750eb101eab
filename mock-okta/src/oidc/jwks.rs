//! `v1/keys`: the public keys that verify the server's tokens (JWKS).

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::{paths::AuthServer, state::AppState};

pub async fn jwks_get(State(state): State<AppState>, _server: AuthServer) -> Response {
    let jwks = state.keys.jwks().await;
    let mut res = Json(jwks).into_response();
    let h = res.headers_mut();
    // Okta's caches last until the next scheduled rotation; keys here rotate only on request,
    // so clients are told to revalidate daily.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=86400, must-revalidate"),
    );
    if let Ok(v) = HeaderValue::from_str(&crate::clock::http_date(
        state.clock.now_datetime() + time::Duration::days(1),
    )) {
        h.insert(header::EXPIRES, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    res
}
