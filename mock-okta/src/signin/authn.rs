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
    api::error::ApiError,
    ledger::{SESSION_LIFETIME, Session},
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

fn session_json(state: &AppState, s: &Session) -> serde_json::Value {
    let ts = |t: i64| {
        crate::clock::okta_timestamp(
            time::OffsetDateTime::from_unix_timestamp(t)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        )
    };
    let login = state
        .dir
        .user(&s.user_id)
        .map(|u| u.login().to_owned())
        .unwrap_or_default();
    serde_json::json!({
        "id": s.id,
        "userId": s.user_id,
        "login": login,
        "createdAt": ts(s.created),
        "expiresAt": ts(s.last_used + SESSION_LIFETIME),
        "status": "ACTIVE",
        "lastPasswordVerification": ts(s.auth_time),
        "lastFactorVerification": null,
        "amr": s.amr,
        "idp": {"id": state.dir.org_id(), "type": "OKTA"},
        "mfaActive": false,
        "_links": {
            "self": {"href": state.org.url("/api/v1/sessions/me"), "hints": {"allow": ["GET", "DELETE"]}},
            "user": {"name": login, "href": state.org.url(&format!("/api/v1/users/{}", s.user_id)), "hints": {"allow": ["GET"]}}
        }
    })
}

pub(super) async fn session_me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match current_session(&state, &headers) {
        Some(s) => Json(session_json(&state, &s)).into_response(),
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
