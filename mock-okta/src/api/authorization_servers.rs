//! `/api/v1/authorizationServers`: the custom authorization servers (`default` and those an
//! admin makes), their lifecycle, signing keys, scopes and claims.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};

use super::{
    ApiError, ApiJson, ApiPath as Path, ApiQuery, allow, json, no_content, ok,
    views::{self, AuthServerView},
};
use crate::{
    directory::{ClaimInput, CustomServer, DirError, ScopeInput, ServerInput, starts_with_ci},
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/authorizationServers",
            allow(get(servers_list).post(servers_create)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}",
            allow(get(servers_get).put(servers_replace).delete(servers_delete)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/lifecycle/activate",
            allow(post(servers_activate)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/lifecycle/deactivate",
            allow(post(servers_deactivate)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/scopes",
            allow(get(scopes_list).post(scopes_create)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/scopes/{scope_id}",
            allow(get(scopes_get).delete(scopes_delete)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/claims",
            allow(get(claims_list).post(claims_create)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/claims/{claim_id}",
            allow(get(claims_get).put(claims_replace).delete(claims_delete)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/credentials/keys",
            allow(get(keys_list)),
        )
        .route(
            "/api/v1/authorizationServers/{server_id}/credentials/lifecycle/keyRotate",
            allow(post(keys_rotate)),
        )
}

async fn view(state: &AppState, server: &CustomServer) -> Result<AuthServerView, ApiError> {
    let key = state.keys.active().await.map_err(|e| {
        tracing::error!(error = %e, "no signing key");
        ApiError::internal()
    })?;
    Ok(views::auth_server(&state.org, server, key.kid()))
}

async fn servers_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut out = Vec::new();
    for server in state.dir.custom_servers() {
        out.push(view(&state, &server).await?);
    }
    Ok(ok(out))
}

async fn servers_create(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ServerInput>,
) -> Result<Response, ApiError> {
    let server = state.dir.create_custom_server(input)?;
    Ok(json(StatusCode::CREATED, view(&state, &server).await?))
}

async fn servers_get(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?;
    Ok(ok(view(&state, &server).await?))
}

async fn servers_replace(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    ApiJson(input): ApiJson<ServerInput>,
) -> Result<Response, ApiError> {
    let server = state.dir.replace_custom_server(&server_id, input)?;
    Ok(ok(view(&state, &server).await?))
}

/// Only a deactivated server an admin made is deleted.
async fn servers_delete(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.delete_custom_server(&server_id)?;
    Ok(no_content())
}

/// `lifecycle/activate`: the server answers its endpoints again.
async fn servers_activate(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.set_custom_server_active(&server_id, true)?;
    Ok(no_content())
}

/// `lifecycle/deactivate`: every endpoint of the server (discovery, keys, authorize, token,
/// …) answers as for an unknown server until it is activated; its settings stay manageable.
async fn servers_deactivate(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.set_custom_server_active(&server_id, false)?;
    Ok(no_content())
}

/// System scopes first, then custom ones in creation order; `q` is a name prefix.
async fn scopes_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    let q = params.get("q");
    let mut scopes = views::system_scopes(&state.org, state.dir.org_id(), server);
    scopes.extend(
        state
            .dir
            .scopes(server)
            .iter()
            .map(|s| views::scope(&state.org, s)),
    );
    scopes.retain(|s| q.is_none_or(|q| starts_with_ci(&s.name, q)));
    Ok(ok(scopes))
}

async fn scopes_create(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    ApiJson(input): ApiJson<ScopeInput>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    let scope = state.dir.create_scope(server, input)?;
    Ok(json(StatusCode::CREATED, views::scope(&state.org, &scope)))
}

async fn scopes_get(
    State(state): State<AppState>,
    Path((server_id, scope_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    if let Some(system) = views::system_scopes(&state.org, state.dir.org_id(), server)
        .into_iter()
        .find(|s| s.id == scope_id)
    {
        return Ok(ok(system));
    }
    Ok(ok(views::scope(
        &state.org,
        &state.dir.scope(server, &scope_id)?,
    )))
}

async fn scopes_delete(
    State(state): State<AppState>,
    Path((server_id, scope_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    if views::system_scopes(&state.org, state.dir.org_id(), server)
        .iter()
        .any(|s| s.id == scope_id)
    {
        return Err(DirError::Forbidden.into());
    }
    state.dir.delete_scope(server, &scope_id)?;
    Ok(no_content())
}

/// The custom claims in creation order (the org has no system claims here).
async fn claims_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    let claims: Vec<_> = state
        .dir
        .claims(server)
        .iter()
        .map(|c| views::claim(&state.org, c))
        .collect();
    Ok(ok(claims))
}

async fn claims_create(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    ApiJson(input): ApiJson<ClaimInput>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    let claim = state.dir.create_claim(server, input)?;
    Ok(json(StatusCode::CREATED, views::claim(&state.org, &claim)))
}

async fn claims_get(
    State(state): State<AppState>,
    Path((server_id, claim_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    Ok(ok(views::claim(
        &state.org,
        &state.dir.claim(server, &claim_id)?,
    )))
}

async fn claims_replace(
    State(state): State<AppState>,
    Path((server_id, claim_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ClaimInput>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    let claim = state.dir.replace_claim(server, &claim_id, input)?;
    Ok(ok(views::claim(&state.org, &claim)))
}

async fn claims_delete(
    State(state): State<AppState>,
    Path((server_id, claim_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    state.dir.delete_claim(server, &claim_id)?;
    Ok(no_content())
}

/// Every custom server signs with the org's one key set.
async fn keys_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.custom_server(&server_id)?;
    Ok(ok(state.keys.jwks().await.keys))
}

async fn keys_rotate(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.custom_server(&server_id)?;
    state.keys.rotate().await.map_err(|e| {
        tracing::error!(error = %e, "key rotation failed");
        ApiError::internal()
    })?;
    Ok(ok(state.keys.jwks().await.keys))
}
