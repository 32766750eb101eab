//! Okta sessions with the API token: `POST /api/v1/sessions` (a session from a one-time
//! session token), `/api/v1/sessions/{id}` (read, refresh, end) and
//! `DELETE /api/v1/users/{id}/sessions` (an admin signs a user out everywhere).

use axum::{
    Router,
    extract::State,
    response::Response,
    routing::{delete, get, post},
};

use serde::Deserialize;

use super::{ApiError, ApiJson, ApiPath as Path, ApiQuery, allow, no_content, ok, views};
use crate::{ledger::Session, state::AppState};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sessions", allow(post(sessions_create)))
        .route(
            "/api/v1/sessions/{session_id}",
            allow(get(sessions_get).delete(sessions_end)),
        )
        .route(
            "/api/v1/sessions/{session_id}/lifecycle/refresh",
            allow(post(sessions_refresh)),
        )
        .route(
            "/api/v1/users/{user_id}/sessions",
            allow(delete(user_sessions_end)),
        )
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(id, "Session")
}

fn render(state: &AppState, s: &Session) -> Response {
    let me = format!("/api/v1/sessions/{}", s.id);
    ok(views::session(&state.org, &state.dir, s, &me))
}

/// `CreateSessionRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateSession {
    session_token: Option<String>,
}

/// Redeems a one-time session token (from `/api/v1/authn`) for a session, once.
async fn sessions_create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateSession>,
) -> Result<Response, ApiError> {
    let token = body
        .session_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::validation(
                "sessionToken",
                vec!["sessionToken: The field cannot be left blank".into()],
            )
        })?;
    let user_id = state
        .ledger
        .redeem_session_token(&token)
        .ok_or_else(ApiError::authentication_failed)?;
    let (s, _) = crate::signin::start_session(&state, &user_id);
    Ok(render(&state, &s))
}

async fn sessions_get(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
) -> Result<Response, ApiError> {
    let s = state
        .ledger
        .peek_session(&session_id)
        .ok_or_else(|| not_found(&session_id))?;
    Ok(render(&state, &s))
}

/// Extends the session's lifetime from now, as using it would.
async fn sessions_refresh(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
) -> Result<Response, ApiError> {
    let s = state
        .ledger
        .session(&session_id)
        .ok_or_else(|| not_found(&session_id))?;
    Ok(render(&state, &s))
}

async fn sessions_end(
    State(state): State<AppState>,
    Path(session_id): Path<String>,
) -> Result<Response, ApiError> {
    if state.ledger.end_session(&session_id) {
        Ok(no_content())
    } else {
        Err(not_found(&session_id))
    }
}

/// Ends every session of the user; with `oauthTokens=true` also revokes the refresh tokens
/// issued to them.
async fn user_sessions_end(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let user = state.dir.user(&user_id)?;
    let tokens = params.flag("oauthTokens", false)?;
    state.ledger.end_user_sessions(&user.id);
    if tokens {
        state.ledger.revoke_user_refresh_tokens(&user.id);
    }
    Ok(no_content())
}
