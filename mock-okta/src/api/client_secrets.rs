//! `/api/v1/apps/{id}/credentials/secrets`: an app's client secrets and their lifecycle
//! (Okta's client secret rotation).

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;

use super::{ApiError, ApiPath as Path, OptionalJson, allow, json, no_content, ok, views};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    const ONE: &str = "/api/v1/apps/{app_id}/credentials/secrets/{secret_id}";
    Router::new()
        .route(
            "/api/v1/apps/{app_id}/credentials/secrets",
            allow(get(client_secrets_list).post(client_secrets_create)),
        )
        .route(
            ONE,
            allow(get(client_secrets_get).delete(client_secrets_delete)),
        )
        .route(
            &format!("{ONE}/lifecycle/activate"),
            allow(post(client_secrets_activate)),
        )
        .route(
            &format!("{ONE}/lifecycle/deactivate"),
            allow(post(client_secrets_deactivate)),
        )
}

/// `OAuth2ClientSecretRequestBody`: a secret of one's own, and its status (`ACTIVE` by
/// default).
#[derive(Debug, Default, Deserialize)]
struct SecretBody {
    client_secret: Option<String>,
    status: Option<String>,
}

async fn client_secrets_list(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    let secrets = state.dir.client_secrets(&app_id)?;
    Ok(ok(secrets
        .iter()
        .map(|s| views::client_secret(&state.org, &app_id, s))
        .collect::<Vec<_>>()))
}

async fn client_secrets_create(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    OptionalJson(body): OptionalJson<SecretBody>,
) -> Result<Response, ApiError> {
    let active = match body.status.as_deref() {
        None | Some("ACTIVE") => true,
        Some("INACTIVE") => false,
        Some(other) => {
            return Err(ApiError::validation(
                "status",
                vec![format!(
                    "status: '{other}' is not a valid status; use ACTIVE or INACTIVE"
                )],
            ));
        }
    };
    let value = body.client_secret.filter(|s| !s.is_empty());
    let secret = state.dir.add_client_secret(&app_id, value, active)?;
    Ok(json(
        StatusCode::CREATED,
        views::client_secret(&state.org, &app_id, &secret),
    ))
}

async fn client_secrets_get(
    State(state): State<AppState>,
    Path((app_id, secret_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let secret = state.dir.client_secret(&app_id, &secret_id)?;
    Ok(ok(views::client_secret(&state.org, &app_id, &secret)))
}

async fn client_secrets_activate(
    State(state): State<AppState>,
    Path((app_id, secret_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let secret = state
        .dir
        .set_client_secret_status(&app_id, &secret_id, true)?;
    Ok(ok(views::client_secret(&state.org, &app_id, &secret)))
}

async fn client_secrets_deactivate(
    State(state): State<AppState>,
    Path((app_id, secret_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let secret = state
        .dir
        .set_client_secret_status(&app_id, &secret_id, false)?;
    Ok(ok(views::client_secret(&state.org, &app_id, &secret)))
}

async fn client_secrets_delete(
    State(state): State<AppState>,
    Path((app_id, secret_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.delete_client_secret(&app_id, &secret_id)?;
    Ok(no_content())
}
