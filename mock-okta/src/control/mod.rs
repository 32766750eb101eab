//! Test control: make the org fail on purpose, move its time, rotate its keys, look at what
//! went over the wire, and go back to the seed.
//!
//! - `endpoint.rs`: endpoint names; the route tables tag their routes with them;
//! - `faults.rs`: the answers of faults keyed by those names, in Okta's formats;
//! - `journal.rs`: the journal, and [`observe`], the one layer the composition root mounts;
//! - `openapi.rs`: the OpenAPI document of the routes below.
//!
//! The fault model, the journal, the clock and the shared JSON are server-kit's
//! ([`server_kit::control`], which konnect-stub uses too); what is Okta's is here: the
//! names, Okta's error bodies, the SSWS token, key rotation and the reset to the seed.
//! The HTTP surface (`/__mock`, behind the Management API's SSWS token) and the Rust handle
//! ([`crate::MockOkta`]) call the same functions here.

pub mod endpoint;
pub mod faults;
pub mod journal;
mod openapi;

use std::sync::Arc;

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    middleware,
    response::Response,
    routing::{delete, get, post},
};
use serde::{Deserialize, Serialize};

pub use endpoint::{Endpoint, named, named_routes};
pub use faults::{Fault, FaultSpec, Faults};
pub use journal::{Entry, Journal, JournalFilter, fast_path, mask, observe};
pub use server_kit::control::{ClockView, Invalid, PREFIX};

use crate::{
    api::{self, ApiError, ApiJson, ApiPath, ApiQuery, ApiToken, OptionalJson, allow},
    clock::Clock,
    directory::Snapshot,
    state::AppState,
};

/// The README's Rust example is compiled with the doc tests, so it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExamples;

/// Paths under [`PREFIX`], shared by the router and the OpenAPI document: server-kit's, and
/// mock-okta's own.
pub mod paths {
    pub use server_kit::control::paths::*;
    pub const KEYS_ROTATE: &str = "/keys/rotate";
}

/// Test control's own state: faults, the journal and the clock (server-kit's), and the seed
/// to go back to.
#[derive(Clone)]
pub struct Control {
    pub live: server_kit::control::Control<Endpoint>,
    seed: Arc<std::sync::RwLock<Snapshot>>,
}

impl Control {
    /// `seed` is the directory as the seed made it.
    pub fn new(clock: Clock, seed: Snapshot) -> Self {
        Self {
            live: server_kit::control::Control::new(clock),
            seed: Arc::new(std::sync::RwLock::new(seed)),
        }
    }
}

// ---- The operations, for the HTTP surface and the Rust handle alike ----

/// A control operation refused, with Okta's API error that the HTTP surface answers; from
/// Rust it is a `std::error::Error` naming the summary and each cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub ApiError);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.0.summary, self.0.code)?;
        if !self.0.causes.is_empty() {
            write!(f, ": {}", self.0.causes.join("; "))?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> Self {
        r.0
    }
}

/// Okta's answer to a refused control request: E0000001 naming the fields, a cause each.
impl From<Invalid> for Refused {
    fn from(invalid: Invalid) -> Self {
        let causes = invalid.0.iter().map(ToString::to_string).collect();
        Refused(ApiError::validation(&invalid.fields(), causes))
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> Self {
        Refused::from(invalid).0
    }
}

pub fn clock(state: &AppState) -> ClockView {
    state.control.live.now()
}

/// Moves the server's clock by `seconds` (negative: back).
pub fn advance_clock(state: &AppState, seconds: i64) -> ClockView {
    state.control.live.advance_clock(seconds)
}

/// The published keys after a rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysView {
    /// The key id that signs from now on.
    pub active: String,
    /// Every published key id, the active one first.
    pub keys: Vec<String>,
}

/// A new signing key; the previous one stays published with `keep_previous`.
pub async fn rotate_keys(state: &AppState, keep_previous: bool) -> Result<KeysView, Refused> {
    state
        .keys
        .rotate_keeping(keep_previous)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "key rotation failed");
            Refused(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "E0000009",
                "Internal Server Error",
            ))
        })?;
    let keys = state.keys.kids().await;
    Ok(KeysView {
        active: keys.first().cloned().unwrap_or_default(),
        keys,
    })
}

/// The journal's entries that pass `filter`.
pub fn journal(state: &AppState, filter: &JournalFilter) -> Result<Vec<Entry>, Refused> {
    Ok(state.control.live.journal.list(filter)?)
}

/// Makes the directory as it is now what [`reset`] returns to: for a harness that sets the
/// org up after start (the Konnect app of `--configure-okta`) and wants that kept.
pub fn keep_as_seed(state: &AppState) {
    let now = state.dir.snapshot();
    *state
        .control
        .seed
        .write()
        .unwrap_or_else(|e| e.into_inner()) = now;
}

/// Back to the seed: the directory as seeded, no sessions, codes or tokens, no faults, the
/// real time, the first signing key, an empty journal.
pub fn reset(state: &AppState) {
    state.control.live.reset();
    let seed = state
        .control
        .seed
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    state.dir.restore(&seed);
    state.ledger.clear();
    state.keys.reset();
}

// ---- HTTP ----

/// `/__mock`: the operations above, behind the Management API's token; the OpenAPI
/// document is public, so tools can read it first.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            paths::FAULTS,
            allow(get(faults_list).post(faults_add).delete(faults_clear)),
        )
        .route(paths::FAULT, allow(delete(fault_delete)))
        .route(paths::CLOCK, allow(get(clock_get).post(clock_post)))
        .route(paths::KEYS_ROTATE, allow(post(keys_rotate)))
        .route(
            paths::JOURNAL,
            allow(get(journal_list).delete(journal_clear)),
        )
        .route(paths::RESET, allow(post(reset_post)))
        .route_layer(middleware::from_extractor_with_state::<ApiToken, _>(
            state.clone(),
        ))
        .route(paths::OPENAPI, allow(get(openapi_get)))
        .fallback(|uri: axum::http::Uri| async move { ApiError::not_found(uri.path(), "Resource") })
}

async fn faults_list(State(state): State<AppState>) -> Response {
    api::ok(state.control.live.faults.list())
}

async fn faults_add(
    State(state): State<AppState>,
    ApiJson(spec): ApiJson<FaultSpec>,
) -> Result<Response, ApiError> {
    let fault = state.control.live.faults.add(spec)?;
    Ok(api::json(StatusCode::CREATED, fault))
}

async fn faults_clear(State(state): State<AppState>) -> Response {
    state.control.live.faults.clear();
    api::no_content()
}

async fn fault_delete(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    if state.control.live.faults.remove(&id) {
        Ok(api::no_content())
    } else {
        Err(ApiError::not_found(&id, "Fault"))
    }
}

async fn clock_get(State(state): State<AppState>) -> Response {
    api::ok(clock(&state))
}

async fn clock_post(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<server_kit::control::Advance>,
) -> Response {
    api::ok(advance_clock(&state, body.advance_seconds))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rotate {
    keep_previous: Option<bool>,
}

async fn keys_rotate(
    State(state): State<AppState>,
    OptionalJson(body): OptionalJson<Rotate>,
) -> Result<Response, ApiError> {
    Ok(api::ok(
        rotate_keys(&state, body.keep_previous.unwrap_or(true)).await?,
    ))
}

async fn journal_list(
    State(state): State<AppState>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let own = |k: &str| params.get(k).map(str::to_owned);
    let filter = JournalFilter {
        endpoint: own("endpoint"),
        path: own("path"),
        method: own("method"),
        since: own("since"),
    };
    Ok(api::ok(journal(&state, &filter)?))
}

async fn journal_clear(State(state): State<AppState>) -> Response {
    state.control.live.journal.clear();
    api::no_content()
}

async fn reset_post(State(state): State<AppState>) -> Response {
    reset(&state);
    api::no_content()
}

async fn openapi_get(State(state): State<AppState>) -> Response {
    api::ok(openapi::document(&state.org.url(PREFIX)))
}
