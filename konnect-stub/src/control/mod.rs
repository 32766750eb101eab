//! Test control on konnect-stub (`/__mock`): faults on its named endpoints, its clock, the
//! journal of what it saw, and the reset to the seed. The model is server-kit's
//! ([`server_kit::control`], shared with mock-okta); what is Konnect's is here: the endpoint
//! names (`endpoint.rs`), problem+json errors, the admin's PAT, the reset and the document
//! (`openapi.rs`).

pub mod endpoint;
mod openapi;

use std::sync::{Arc, PoisonError, RwLock};

use axum::{
    Json, Router,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use server_kit::control::{Advance, FaultSpec, Invalid, JournalFilter, PREFIX, paths};

pub use endpoint::Endpoint;

use crate::{
    auth::ApiCaller,
    error::{ApiJson, Problem},
    org::{InvalidParameter, Snapshot},
    state::AppState,
};

/// The live part (faults, journal, clock) and the seed a reset goes back to.
#[derive(Clone)]
pub struct Control {
    pub live: server_kit::control::Control<Endpoint>,
    seed: Arc<RwLock<Snapshot>>,
}

impl Control {
    pub fn new(live: server_kit::control::Control<Endpoint>, seed: Snapshot) -> Self {
        Self {
            live,
            seed: Arc::new(RwLock::new(seed)),
        }
    }
}

/// Konnect's answer to a refused control request: 400 naming each field.
impl From<Invalid> for Problem {
    fn from(invalid: Invalid) -> Self {
        let params = invalid
            .0
            .iter()
            .map(|c| InvalidParameter::new(c.field, c.reason.clone()))
            .collect();
        Problem::bad_request("", params)
    }
}

/// Makes the directory as it is now what [`reset`] returns to.
pub fn keep_as_seed(state: &AppState) {
    *state
        .control
        .seed
        .write()
        .unwrap_or_else(PoisonError::into_inner) = state.directory.snapshot();
}

/// Back to the seed: organizations, users, identity settings as seeded, no sessions or
/// sign-ins in flight, no cached provider documents, no faults, the real time, an empty
/// journal.
pub fn reset(state: &AppState) {
    state.control.live.reset();
    let seed = state
        .control
        .seed
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    state.directory.restore(&seed);
    state.rp.forget();
}

/// Whether a path is under `/__mock`.
pub fn is_control(path: &str) -> bool {
    server_kit::control::journal::is_control(path)
}

/// `/__mock`, for the organization's admins (a `kpat_…` token, or an admin's session); the
/// OpenAPI document is public.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            paths::FAULTS,
            get(faults_list).post(faults_add).delete(faults_clear),
        )
        .route(paths::FAULT, delete(fault_delete))
        .route(paths::CLOCK, get(clock_get).post(clock_post))
        .route(paths::JOURNAL, get(journal_list).delete(journal_clear))
        .route(paths::RESET, post(reset_post))
        .route(paths::OPENAPI, get(openapi_get))
        .fallback(|| async { Problem::not_found("The requested resource was not found") })
}

/// A control caller: an Organization Admin, by PAT or session, as the v2 API accepts.
struct Admin;

impl axum::extract::FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Problem> {
        let ApiCaller(caller) = ApiCaller::from_request_parts(parts, state).await?;
        if caller.is_admin() {
            Ok(Admin)
        } else {
            Err(Problem::not_admin())
        }
    }
}

async fn faults_list(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    Ok(Json(state.control.live.faults.list()).into_response())
}

async fn faults_add(
    State(state): State<AppState>,
    _: Admin,
    ApiJson(spec): ApiJson<FaultSpec>,
) -> Result<Response, Problem> {
    let fault = state.control.live.faults.add(spec)?;
    Ok((StatusCode::CREATED, Json(fault)).into_response())
}

async fn faults_clear(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    state.control.live.faults.clear();
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn fault_delete(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    if state.control.live.faults.remove(&id) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(Problem::not_found(format!("No fault with id {id}")))
    }
}

async fn clock_get(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    Ok(Json(state.control.live.now()).into_response())
}

async fn clock_post(
    State(state): State<AppState>,
    _: Admin,
    ApiJson(body): ApiJson<Advance>,
) -> Result<Response, Problem> {
    Ok(Json(state.control.live.advance_clock(body.advance_seconds)).into_response())
}

async fn journal_list(
    State(state): State<AppState>,
    _: Admin,
    RawQuery(query): RawQuery,
) -> Result<Response, Problem> {
    let pairs = server_kit::control::journal::pairs(query.unwrap_or_default().as_bytes());
    let entries = state
        .control
        .live
        .journal
        .list(&JournalFilter::from_pairs(&pairs))?;
    Ok(Json(entries).into_response())
}

async fn journal_clear(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    state.control.live.journal.clear();
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn reset_post(State(state): State<AppState>, _: Admin) -> Result<Response, Problem> {
    reset(&state);
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn openapi_get(State(state): State<AppState>) -> Response {
    Json(openapi::document(&format!(
        "{}{PREFIX}",
        state.urls.base_url()
    )))
    .into_response()
}
