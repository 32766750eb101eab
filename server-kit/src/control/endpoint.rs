//! Endpoint names: each server lists its named endpoints ([`EndpointName`]); the route tables
//! name their routes with [`named`] / [`named_routes`], and the name, the authorization
//! server and the client id become a [`Tag`] that faults and the journal are keyed by.
//!
//! The tag is the only thing the route tables add. It is read by the layer the composition
//! root mounts once ([`super::journal::observe`]), which puts a [`Probe`] into every request:
//! the tag hands itself to the probe and lets the probe's faults answer first. Without that
//! layer (a bare router in a unit test) the tag does nothing.

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    extract::{FromRequestParts as _, RawPathParams, Request},
    http::{HeaderMap, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse as _, Response},
    routing::MethodRouter,
};
use serde::Serialize;

use super::{Control, faults::Outcome};

/// A server's named endpoints, as faults and the journal call them.
pub trait EndpointName:
    Copy + Eq + std::fmt::Debug + std::fmt::Display + Serialize + Send + Sync + 'static
{
    /// Every endpoint, in the order documents list them.
    const ALL: &'static [Self];
    /// The route parameter that names the authorization server, for endpoints that have one.
    const SERVER_PARAM: &'static str = "";
    /// The server of a route without that parameter.
    const DEFAULT_SERVER: &'static str = "";

    fn as_str(self) -> &'static str;

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|e| e.as_str() == name)
    }

    /// Whether the endpoint belongs to an authorization server (faults may narrow to one).
    fn has_server(self) -> bool {
        false
    }

    /// Whether a fault may be set on it (a server's outgoing calls are journaled only).
    fn faultable(self) -> bool {
        true
    }

    /// The `Content-Type` of a fault's text body.
    fn text_content_type(self) -> &'static str;

    /// The endpoint's own error answer for `status`: what a fault without a body answers.
    fn error_answer(self, status: StatusCode) -> Response;

    /// Headers a faulted answer gets on top (Okta's rate-limit headers on a 429); `now` is
    /// the server's time in Unix seconds.
    fn decorate(self, _status: StatusCode, _headers: &mut HeaderMap, _now: i64) {}

    /// A fresh id for a fault, in the server's id style.
    fn fault_id() -> String;

    /// The names, for error messages and documents.
    fn names() -> Vec<&'static str> {
        Self::ALL.iter().map(|e| e.as_str()).collect()
    }
}

/// What a request is, for faults and the journal: the endpoint, the authorization server
/// (for endpoints that have one) and the client id the request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<E> {
    pub endpoint: E,
    pub server: Option<String>,
    pub client_id: Option<String>,
}

/// Put into every request by the composition root's layer: what that layer read before
/// routing (the client id), where the tag reports back, and the control state whose faults
/// apply.
#[derive(Clone)]
pub struct Probe<E: EndpointName> {
    pub(super) control: Control<E>,
    pub(super) client_id: Option<String>,
    pub(super) seen: Arc<Mutex<Seen<E>>>,
}

/// What the tag and the faults left for the journal.
#[derive(Debug, Clone)]
pub(super) struct Seen<E> {
    pub tag: Option<Tag<E>>,
    pub fault: Option<String>,
}

impl<E: EndpointName> Probe<E> {
    pub(super) fn new(control: Control<E>, client_id: Option<String>) -> Self {
        Self {
            control,
            client_id,
            seen: Arc::new(Mutex::new(Seen {
                tag: None,
                fault: None,
            })),
        }
    }

    pub(super) fn seen(&self) -> Seen<E> {
        self.seen
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn note(&self, f: impl FnOnce(&mut Seen<E>)) {
        if let Ok(mut s) = self.seen.lock() {
            f(&mut s);
        }
    }
}

/// Names the routes of a method router.
pub fn named<E: EndpointName, S: Clone + Send + Sync + 'static>(
    endpoint: E,
    mr: MethodRouter<S>,
) -> MethodRouter<S> {
    mr.layer(middleware::from_fn(move |req: Request, next: Next| {
        tagged(endpoint, req, next)
    }))
}

/// Names the routes of a method router by what each request is (one path that serves two
/// endpoints, as Konnect's `/login` page that is also the redirect URI).
pub fn named_by<E: EndpointName, S: Clone + Send + Sync + 'static>(
    pick: fn(&Request) -> E,
    mr: MethodRouter<S>,
) -> MethodRouter<S> {
    mr.layer(middleware::from_fn(move |req: Request, next: Next| {
        let endpoint = pick(&req);
        tagged(endpoint, req, next)
    }))
}

/// Names every route of a router.
pub fn named_routes<E: EndpointName, S: Clone + Send + Sync + 'static>(
    endpoint: E,
    router: Router<S>,
) -> Router<S> {
    router.route_layer(middleware::from_fn(move |req: Request, next: Next| {
        tagged(endpoint, req, next)
    }))
}

/// The server a matched route is for: its server parameter, or the default server.
async fn server_of<E: EndpointName>(req: Request) -> (Request, String) {
    let (mut parts, body) = req.into_parts();
    let server = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .ok()
        .and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == E::SERVER_PARAM)
                .map(|(_, v)| v.to_owned())
        })
        .unwrap_or_else(|| E::DEFAULT_SERVER.to_owned());
    (Request::from_parts(parts, body), server)
}

async fn tagged<E: EndpointName>(endpoint: E, req: Request, next: Next) -> Response {
    let Some(probe) = req.extensions().get::<Probe<E>>().cloned() else {
        return next.run(req).await;
    };
    let (req, server) = if endpoint.has_server() {
        let (req, server) = server_of::<E>(req).await;
        (req, Some(server))
    } else {
        (req, None)
    };
    let tag = Tag {
        endpoint,
        server,
        client_id: probe.client_id.clone(),
    };
    probe.note(|s| s.tag = Some(tag.clone()));
    let Some(fault) = probe.control.faults.take(&tag) else {
        return next.run(req).await;
    };
    probe.note(|s| s.fault = Some(fault.id.clone()));
    if fault.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(fault.delay_ms)).await;
    }
    match fault.outcome(&probe.control.clock) {
        Outcome::Pass => next.run(req).await,
        Outcome::Answer(res) => res,
        Outcome::Close => {
            let mut res = StatusCode::OK.into_response();
            res.extensions_mut().insert(crate::CloseConnection);
            res
        }
    }
}
