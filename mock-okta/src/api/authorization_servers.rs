//! `/api/v1/authorizationServers`: the `default` custom authorization server, its scopes,
//! claims and signing keys. The org has no other custom server.

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
    directory::{ClaimInput, DirError, ScopeInput, starts_with_ci},
    paths::AuthServer,
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/authorizationServers", allow(get(servers_list)))
        .route(
            "/api/v1/authorizationServers/{server_id}",
            allow(get(servers_get)),
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

/// Only `default` exists; anything else is E0000007 naming the id.
pub(super) fn check_server(server_id: &str) -> Result<(), ApiError> {
    if server_id == "default" {
        Ok(())
    } else {
        Err(ApiError::not_found(server_id, "AuthorizationServer"))
    }
}

async fn default_server(state: &AppState) -> Result<AuthServerView, ApiError> {
    let key = state.keys.active().await.map_err(|e| {
        tracing::error!(error = %e, "no signing key");
        ApiError::internal()
    })?;
    // The org's creation time: the built-in group is made with the org.
    let created = state.dir.everyone().created;
    let active = state.dir.server_active(AuthServer::Default);
    Ok(views::default_auth_server(
        &state.org,
        created,
        key.kid(),
        active,
    ))
}

async fn servers_list(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(ok(vec![default_server(&state).await?]))
}

async fn servers_get(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    Ok(ok(default_server(&state).await?))
}

/// `lifecycle/activate`: the server answers its endpoints again.
async fn servers_activate(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    state.dir.set_default_server_active(true);
    Ok(no_content())
}

/// `lifecycle/deactivate`: every endpoint of the server (discovery, keys, authorize, token,
/// …) answers as for an unknown server until it is activated; its settings stay manageable.
async fn servers_deactivate(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    state.dir.set_default_server_active(false);
    Ok(no_content())
}

/// System scopes first, then custom ones in creation order; `q` is a name prefix.
async fn scopes_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    let q = params.get("q");
    let mut scopes = views::system_scopes(&state.org, state.dir.org_id());
    scopes.extend(
        state
            .dir
            .scopes()
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
    check_server(&server_id)?;
    let scope = state.dir.create_scope(input)?;
    Ok(json(StatusCode::CREATED, views::scope(&state.org, &scope)))
}

async fn scopes_get(
    State(state): State<AppState>,
    Path((server_id, scope_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    if let Some(system) = views::system_scopes(&state.org, state.dir.org_id())
        .into_iter()
        .find(|s| s.id == scope_id)
    {
        return Ok(ok(system));
    }
    Ok(ok(views::scope(&state.org, &state.dir.scope(&scope_id)?)))
}

async fn scopes_delete(
    State(state): State<AppState>,
    Path((server_id, scope_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    if views::system_scopes(&state.org, state.dir.org_id())
        .iter()
        .any(|s| s.id == scope_id)
    {
        return Err(DirError::Forbidden.into());
    }
    state.dir.delete_scope(&scope_id)?;
    Ok(no_content())
}

/// The custom claims in creation order (the org has no system claims here).
async fn claims_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    let claims: Vec<_> = state
        .dir
        .claims()
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
    check_server(&server_id)?;
    let claim = state.dir.create_claim(input)?;
    Ok(json(StatusCode::CREATED, views::claim(&state.org, &claim)))
}

async fn claims_get(
    State(state): State<AppState>,
    Path((server_id, claim_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    Ok(ok(views::claim(&state.org, &state.dir.claim(&claim_id)?)))
}

async fn claims_replace(
    State(state): State<AppState>,
    Path((server_id, claim_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<ClaimInput>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    let claim = state.dir.replace_claim(&claim_id, input)?;
    Ok(ok(views::claim(&state.org, &claim)))
}

async fn claims_delete(
    State(state): State<AppState>,
    Path((server_id, claim_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    state.dir.delete_claim(&claim_id)?;
    Ok(no_content())
}

async fn keys_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    Ok(ok(state.keys.jwks().await.keys))
}

async fn keys_rotate(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    check_server(&server_id)?;
    state.keys.rotate().await.map_err(|e| {
        tracing::error!(error = %e, "key rotation failed");
        ApiError::internal()
    })?;
    Ok(ok(state.keys.jwks().await.keys))
}
