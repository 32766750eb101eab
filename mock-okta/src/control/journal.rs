//! mock-okta's journal: server-kit's ([`server_kit::control::journal`]) keyed by mock-okta's
//! endpoint names, [`observe`] (the layer the composition root mounts once) over the app's
//! state, and the discovery fast path kept journaled.

use std::time::Instant;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};

pub use server_kit::control::journal::{CAPACITY, JournalFilter, is_control, mask};

use super::endpoint::{Endpoint, ORG_SERVER};
use crate::state::AppState;

/// The ring of entries.
pub type Journal = server_kit::control::Journal<Endpoint>;
/// One request.
pub type Entry = server_kit::control::Entry<Endpoint>;

/// The layer the composition root mounts once: server-kit's, over test control's state.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    server_kit::control::observe(State(state.control.live.clone()), req, next).await
}

/// The discovery fast path, kept honest: it steps aside (the router answers, with faults)
/// while a discovery fault is set, journals what it answers, and dates it by the server's
/// clock as the router's answers are.
pub fn fast_path(
    state: &AppState,
    req: &axum::http::Request<hyper::body::Incoming>,
    inner: impl Fn(&AppState, &axum::http::Request<hyper::body::Incoming>) -> Option<Response>,
) -> Option<Response> {
    // Every request passes here first: nothing is looked at until the fast path has
    // answered (a discovery document is cached bytes, cheap to throw away).
    let started = Instant::now();
    let mut res = inner(state, req)?;
    let live = &state.control.live;
    if live.faults.any_for(Endpoint::Discovery) {
        return None;
    }
    let seen = server_kit::control::Started::incoming(
        &live.clock,
        req.headers(),
        req.method().as_str(),
        req.uri(),
    )
    .since(started);
    crate::web::date(res.headers_mut(), &state.clock);
    let server = match req.uri().path().strip_prefix("/oauth2/") {
        Some(rest) => rest.split('/').next().unwrap_or_default().to_owned(),
        None => ORG_SERVER.to_owned(),
    };
    let client_id = crate::params::Params::from_query(req.uri().query())
        .get("client_id")
        .map(str::to_owned);
    let mut seen = seen;
    seen.credentials = server_kit::control::journal::credentials(req.headers(), &[]);
    let tag = server_kit::control::Tag {
        endpoint: Endpoint::Discovery,
        server: Some(server),
        client_id,
    };
    live.journal
        .push(seen.finish(Some(tag), None, Some(res.status().as_u16())));
    Some(res)
}
