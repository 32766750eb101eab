//! A user's password through the Management API: `lifecycle/expire_password` (the next
//! sign-in asks for a new one), `lifecycle/reset_password` (a reset link) and
//! `credentials/change_password` (the old one proves who asks).

use axum::{Router, extract::State, response::Response, routing::post};
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, ApiJson, ApiPath as Path, ApiQuery, allow, ok, views};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/users/{user_id}/lifecycle/expire_password",
            allow(post(users_expire_password)),
        )
        .route(
            "/api/v1/users/{user_id}/lifecycle/reset_password",
            allow(post(users_reset_password)),
        )
        .route(
            "/api/v1/users/{user_id}/credentials/change_password",
            allow(post(users_change_password)),
        )
}

async fn users_expire_password(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let id = state.dir.user(&user_id)?.id;
    let user = state.dir.expire_password(&id)?;
    Ok(ok(views::user(&state.org, state.dir.org_id(), &user)))
}

/// The user is in `RECOVERY` with a one-hour reset link; `sendEmail=false` hands the link to
/// the caller (no mail is sent either way).
async fn users_reset_password(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let send_email = params.flag("sendEmail", true)?;
    let id = state.dir.user(&user_id)?.id;
    state.dir.start_password_reset(&id)?;
    state.ledger.end_user_sessions(&id);
    let token = state.ledger.issue_recovery_token(&id);
    if send_email {
        return Ok(ok(json!({})));
    }
    Ok(ok(json!({
        "summary": "Reset password without sending email",
        "resetPasswordUrl": state.org.url(&format!("{}/{token}", crate::paths::RESET_PASSWORD)),
    })))
}

#[derive(Debug, Deserialize)]
struct PasswordValue {
    value: Option<String>,
}

/// `ChangePasswordRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePassword {
    old_password: Option<PasswordValue>,
    new_password: Option<PasswordValue>,
}

async fn users_change_password(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<Response, ApiError> {
    let value = |p: Option<PasswordValue>, field: &str| {
        p.and_then(|p| p.value)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ApiError::validation(
                    field,
                    vec![format!("{field}: The field cannot be left blank")],
                )
            })
    };
    let old = value(body.old_password, "oldPassword")?;
    let new = value(body.new_password, "newPassword")?;
    let id = state.dir.user(&user_id)?.id;
    state.dir.change_password(&id, &old, &new)?;
    Ok(ok(json!({
        "password": {},
        "provider": {"type": "OKTA", "name": "OKTA"}
    })))
}
