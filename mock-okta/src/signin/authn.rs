//! The API side of sign-in: `POST /api/v1/authn` (primary authentication, answering with a
//! one-time session token) and the current session at `/api/v1/sessions/me`.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use super::{clear_session_cookie, current_session};
use crate::{
    api::{error::ApiError, views},
    state::AppState,
};

#[derive(Deserialize)]
struct AuthnRequest {
    username: Option<String>,
    password: Option<String>,
}

/// `POST /api/v1/authn`: primary authentication, answering with a one-time session token.
pub(super) async fn authn(
    State(state): State<AppState>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(req) = body
        .ok()
        .and_then(|b| serde_json::from_slice::<AuthnRequest>(&b).ok())
    else {
        return ApiError::malformed().into_response();
    };
    let (Some(username), Some(password)) = (req.username, req.password) else {
        return ApiError::authentication_failed().into_response();
    };
    let Some(user) = state.dir.authenticate(&username, &password) else {
        return ApiError::authentication_failed().into_response();
    };
    let (token, expires) = state.ledger.issue_session_token(&user.id);
    let expires_at = time::OffsetDateTime::from_unix_timestamp(expires)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let body = serde_json::json!({
        "expiresAt": crate::clock::okta_timestamp(expires_at),
        "status": "SUCCESS",
        "sessionToken": token,
        "_embedded": {"user": {
            "id": user.id,
            "passwordChanged": user.password_changed.map(crate::clock::okta_timestamp),
            "profile": {
                "login": user.login(),
                "firstName": user.first_name(),
                "lastName": user.last_name(),
                "locale": user.locale(),
                "timeZone": user.time_zone(),
            }
        }}
    });
    let mut res = Json(body).into_response();
    state.rate.apply(res.headers_mut(), state.clock.now());
    res
}

/// The current session's path, which its links name.
const ME: &str = "/api/v1/sessions/me";

pub(super) async fn session_me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match current_session(&state, &headers) {
        Some(s) => Json(views::session(&state.org, &state.dir, &s, ME)).into_response(),
        None => ApiError::not_found("me", "Session").into_response(),
    }
}

/// `POST /api/v1/sessions/me/lifecycle/refresh`: extends the current session.
pub(super) async fn session_me_refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Response {
    // Reading the current session already extends it.
    match current_session(&state, &headers) {
        Some(s) => Json(views::session(&state.org, &state.dir, &s, ME)).into_response(),
        None => ApiError::not_found("me", "Session").into_response(),
    }
}

pub(super) async fn session_me_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Response {
    match current_session(&state, &headers) {
        Some(s) => {
            state.ledger.end_session(&s.id);
            let mut res = StatusCode::NO_CONTENT.into_response();
            if let Some(c) = clear_session_cookie(&state) {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        None => ApiError::not_found("me", "Session").into_response(),
    }
}
