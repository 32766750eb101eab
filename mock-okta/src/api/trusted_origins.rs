//! `/api/v1/trustedOrigins`: the org's trusted origins (CORS and redirect) and their
//! lifecycle.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use serde_json::{Value, json};

use super::{ApiError, ApiJson, ApiPath as Path, allow, json, no_content, ok};
use crate::{
    clock::okta_timestamp,
    directory::{TrustedOrigin, TrustedOriginInput},
    paths::OrgUrls,
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    const ONE: &str = "/api/v1/trustedOrigins/{origin_id}";
    Router::new()
        .route(
            "/api/v1/trustedOrigins",
            allow(get(trusted_origins_list).post(trusted_origins_create)),
        )
        .route(
            ONE,
            allow(
                get(trusted_origins_get)
                    .put(trusted_origins_replace)
                    .delete(trusted_origins_delete),
            ),
        )
        .route(
            &format!("{ONE}/lifecycle/activate"),
            allow(post(trusted_origins_activate)),
        )
        .route(
            &format!("{ONE}/lifecycle/deactivate"),
            allow(post(trusted_origins_deactivate)),
        )
}

/// Okta's `TrustedOrigin`.
fn view(org: &OrgUrls, t: &TrustedOrigin) -> Value {
    let me = org.url(&format!("/api/v1/trustedOrigins/{}", t.id));
    let (op, status) = if t.active {
        ("deactivate", "ACTIVE")
    } else {
        ("activate", "INACTIVE")
    };
    json!({
        "id": t.id,
        "name": t.name,
        "origin": t.origin,
        "scopes": t.scopes.iter().map(|s| json!({"type": s.as_str()})).collect::<Vec<_>>(),
        "status": status,
        "created": okta_timestamp(t.created),
        "createdBy": null,
        "lastUpdated": okta_timestamp(t.last_updated),
        "lastUpdatedBy": null,
        "_links": {
            "self": {"href": me, "hints": {"allow": ["GET", "PUT", "DELETE"]}},
            op: {"href": format!("{me}/lifecycle/{op}"), "hints": {"allow": ["POST"]}}
        }
    })
}

async fn trusted_origins_list(State(state): State<AppState>) -> Response {
    ok(state
        .dir
        .trusted_origins()
        .iter()
        .map(|t| view(&state.org, t))
        .collect::<Vec<_>>())
}

async fn trusted_origins_create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TrustedOriginInput>,
) -> Result<Response, ApiError> {
    let t = state.dir.create_trusted_origin(input)?;
    Ok(json(StatusCode::OK, view(&state.org, &t)))
}

async fn trusted_origins_get(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok(view(&state.org, &state.dir.trusted_origin(&id)?)))
}

async fn trusted_origins_replace(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TrustedOriginInput>,
) -> Result<Response, ApiError> {
    let t = state.dir.replace_trusted_origin(&id, input)?;
    Ok(ok(view(&state.org, &t)))
}

async fn trusted_origins_delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.delete_trusted_origin(&id)?;
    Ok(no_content())
}

async fn trusted_origins_activate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok(view(
        &state.org,
        &state.dir.set_trusted_origin_status(&id, true)?,
    )))
}

async fn trusted_origins_deactivate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok(view(
        &state.org,
        &state.dir.set_trusted_origin_status(&id, false)?,
    )))
}
