//! The API side of sign-in: `POST /api/v1/authn` (primary authentication, answering with a
//! one-time session token, or `PASSWORD_EXPIRED` and a state token when an admin expired the
//! password), `/api/v1/authn/credentials/change_password` and `/api/v1/authn/cancel` (the
//! state token's next step and its end), and the current session at `/api/v1/sessions/me`.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{clear_session_cookie, current_session};
use crate::{
    api::{error::ApiError, views},
    clock::okta_timestamp,
    directory::{PASSWORD_HISTORY, PASSWORD_MIN_LENGTH, User, UserStatus},
    state::AppState,
};

#[derive(Deserialize)]
struct AuthnRequest {
    username: Option<String>,
    password: Option<String>,
}

/// `POST /api/v1/authn`: primary authentication, answering with a one-time session token, or
/// with `PASSWORD_EXPIRED` and a state token.
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
    let checked = state.dir.check_sign_in(&username, &password);
    state.dir.record_session_start(&username, &checked);
    let Ok(user) = checked else {
        return ApiError::authentication_failed().into_response();
    };
    let body = if user.status == UserStatus::PasswordExpired {
        password_expired(&state, &user)
    } else {
        success(&state, &user)
    };
    let mut res = Json(body).into_response();
    state.rate.apply(res.headers_mut(), state.clock.now());
    res
}

/// Okta's `_embedded.user` of an authentication transaction.
fn embedded_user(user: &User) -> Value {
    json!({
        "id": user.id,
        "passwordChanged": user.password_changed.map(okta_timestamp),
        "profile": {
            "login": user.login(),
            "firstName": user.first_name(),
            "lastName": user.last_name(),
            "locale": user.locale(),
            "timeZone": user.time_zone(),
        }
    })
}

fn timestamp(unix: i64) -> String {
    okta_timestamp(OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

/// `SUCCESS`: a one-time session token for the user.
fn success(state: &AppState, user: &User) -> Value {
    let (token, expires) = state.ledger.issue_session_token(&user.id);
    json!({
        "expiresAt": timestamp(expires),
        "status": "SUCCESS",
        "sessionToken": token,
        "_embedded": {"user": embedded_user(user)}
    })
}

/// `PASSWORD_EXPIRED`: the password was right but an admin expired it; the state token's
/// next step is `changePassword`, under the org's password policy.
fn password_expired(state: &AppState, user: &User) -> Value {
    let (token, expires) = state.ledger.start_authn(&user.id);
    json!({
        "stateToken": token,
        "expiresAt": timestamp(expires),
        "status": "PASSWORD_EXPIRED",
        "_embedded": {
            "user": embedded_user(user),
            "policy": {
                "expiration": {"passwordExpireDays": 0},
                "complexity": {
                    "minLength": PASSWORD_MIN_LENGTH,
                    "minLowerCase": 0,
                    "minUpperCase": 0,
                    "minNumber": 0,
                    "minSymbol": 0,
                    "excludeUsername": true
                },
                "age": {"minAgeMinutes": 0, "historyCount": PASSWORD_HISTORY}
            }
        },
        "_links": {
            "next": {
                "name": "changePassword",
                "href": state.org.url(CHANGE_PASSWORD),
                "hints": {"allow": ["POST"]}
            },
            "cancel": {"href": state.org.url(CANCEL), "hints": {"allow": ["POST"]}}
        }
    })
}

/// Where a `PASSWORD_EXPIRED` transaction goes next, and where it is cancelled.
pub(super) const CHANGE_PASSWORD: &str = "/api/v1/authn/credentials/change_password";
pub(super) const CANCEL: &str = "/api/v1/authn/cancel";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePasswordRequest {
    state_token: Option<String>,
    old_password: Option<String>,
    new_password: Option<String>,
}

/// The user of a live state token; Okta's E0000011 otherwise.
fn transaction_user(state: &AppState, token: Option<&str>) -> Result<User, ApiError> {
    let (user_id, _) = token
        .and_then(|t| state.ledger.authn_user(t))
        .ok_or_else(ApiError::invalid_token)?;
    state
        .dir
        .user(&user_id)
        .map_err(|_| ApiError::invalid_token())
}

/// `POST /api/v1/authn/credentials/change_password`: the old password again and a new one
/// finish a `PASSWORD_EXPIRED` transaction with a session token. A wrong old password or a
/// new one the policy refuses is E0000014 and the transaction stays open.
pub(super) async fn change_password(
    State(state): State<AppState>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(req) = body
        .ok()
        .and_then(|b| serde_json::from_slice::<ChangePasswordRequest>(&b).ok())
    else {
        return ApiError::malformed().into_response();
    };
    let user = match transaction_user(&state, req.state_token.as_deref()) {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let given = |p: Option<String>, field: &str| {
        p.filter(|p| !p.is_empty()).ok_or_else(|| {
            ApiError::validation(
                field,
                vec![format!("{field}: The field cannot be left blank")],
            )
        })
    };
    let (old, new) = match (
        given(req.old_password, "oldPassword"),
        given(req.new_password, "newPassword"),
    ) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    let user = match state.dir.change_password(&user.id, &old, &new) {
        Ok(u) => u,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if let Some(t) = req.state_token.as_deref() {
        state.ledger.end_authn(t);
    }
    Json(success(&state, &user)).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CancelRequest {
    state_token: Option<String>,
}

/// `POST /api/v1/authn/cancel`: ends the transaction; its state token stops working.
pub(super) async fn cancel(
    State(state): State<AppState>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(req) = body
        .ok()
        .and_then(|b| serde_json::from_slice::<CancelRequest>(&b).ok())
    else {
        return ApiError::malformed().into_response();
    };
    if let Err(e) = transaction_user(&state, req.state_token.as_deref()) {
        return e.into_response();
    }
    if let Some(t) = req.state_token.as_deref() {
        state.ledger.end_authn(t);
    }
    Json(json!({"status": "UNAUTHENTICATED"})).into_response()
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
