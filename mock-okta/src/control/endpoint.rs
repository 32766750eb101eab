//! Endpoint names: the route tables name each route (`discovery`, `token`, …) with
//! [`named`] / [`named_routes`], and the name, the authorization server and the client id
//! become a [`Tag`] that faults and the journal are keyed by.
//!
//! The tag is the only thing the route tables add. It is read by the layer the composition
//! root mounts once ([`super::journal::observe`]), which puts a [`Probe`] into every request:
//! the tag hands itself to the probe and lets the probe's faults answer first. Without that
//! layer (a bare `router()` in a unit test) the tag does nothing.

use std::sync::{Arc, Mutex};

use axum::{
    Router,
    extract::{FromRequestParts as _, RawPathParams, Request},
    middleware::{self, Next},
    response::{IntoResponse as _, Response},
    routing::MethodRouter,
};
use serde::{Deserialize, Serialize};

use super::{Control, faults::Outcome};
use crate::oidc::server::SERVER_PARAM;

/// A named endpoint of mock-okta, as faults and the journal call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    /// `/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server`.
    Discovery,
    /// `v1/keys`.
    Keys,
    /// `v1/authorize` and its resumption after sign-in.
    Authorize,
    /// `v1/token`.
    Token,
    /// `v1/userinfo`.
    Userinfo,
    /// `v1/introspect`.
    Introspect,
    /// `v1/revoke`.
    Revoke,
    /// `v1/logout`.
    Logout,
    /// The hosted sign-in page and its steps, sign-out, `sessionCookieRedirect`.
    Signin,
    /// `/api/v1/authn`.
    Authn,
    /// The Management API (`/api/v1/…`) and `/api/v1/sessions/me`.
    Api,
}

impl Endpoint {
    pub const ALL: [Self; 11] = [
        Self::Discovery,
        Self::Keys,
        Self::Authorize,
        Self::Token,
        Self::Userinfo,
        Self::Introspect,
        Self::Revoke,
        Self::Logout,
        Self::Signin,
        Self::Authn,
        Self::Api,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Keys => "keys",
            Self::Authorize => "authorize",
            Self::Token => "token",
            Self::Userinfo => "userinfo",
            Self::Introspect => "introspect",
            Self::Revoke => "revoke",
            Self::Logout => "logout",
            Self::Signin => "signin",
            Self::Authn => "authn",
            Self::Api => "api",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// Whether the endpoint belongs to an authorization server (the OIDC endpoints).
    pub fn has_server(self) -> bool {
        !matches!(self, Self::Signin | Self::Authn | Self::Api)
    }

    /// The format its errors take.
    pub fn format(self) -> Format {
        match self {
            Self::Authorize | Self::Logout | Self::Signin => Format::Html,
            Self::Token | Self::Userinfo | Self::Introspect | Self::Revoke => Format::OAuth,
            Self::Discovery | Self::Keys | Self::Authn | Self::Api => Format::Okta,
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The wire format of an endpoint's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A browser page.
    Html,
    /// `{"error","error_description"}`.
    OAuth,
    /// Okta's API error body (`errorCode`, `errorSummary`, …).
    Okta,
}

/// What a request is, for faults and the journal: the endpoint, the authorization server
/// (`org` or a custom server's id, for OIDC endpoints) and the client id the request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub endpoint: Endpoint,
    pub server: Option<String>,
    pub client_id: Option<String>,
}

/// The id the journal and faults use for the org authorization server, which has none in
/// its paths.
pub const ORG_SERVER: &str = "org";

/// Put into every request by the composition root's layer: what that layer read before
/// routing (the client id), where the tag reports back, and the control state whose faults
/// apply.
#[derive(Clone)]
pub struct Probe {
    pub(super) control: Control,
    pub(super) client_id: Option<String>,
    pub(super) seen: Arc<Mutex<Seen>>,
}

/// What the tag and the faults left for the journal.
#[derive(Debug, Default, Clone)]
pub(super) struct Seen {
    pub tag: Option<Tag>,
    pub fault: Option<String>,
}

impl Probe {
    pub(super) fn new(control: Control, client_id: Option<String>) -> Self {
        Self {
            control,
            client_id,
            seen: Arc::default(),
        }
    }

    pub(super) fn seen(&self) -> Seen {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn note(&self, f: impl FnOnce(&mut Seen)) {
        if let Ok(mut s) = self.seen.lock() {
            f(&mut s);
        }
    }
}

/// Names the routes of a method router.
pub fn named<S: Clone + Send + Sync + 'static>(
    endpoint: Endpoint,
    mr: MethodRouter<S>,
) -> MethodRouter<S> {
    mr.layer(middleware::from_fn(move |req: Request, next: Next| {
        tagged(endpoint, req, next)
    }))
}

/// Names every route of a router (the Management API).
pub fn named_routes<S: Clone + Send + Sync + 'static>(
    endpoint: Endpoint,
    router: Router<S>,
) -> Router<S> {
    router.route_layer(middleware::from_fn(move |req: Request, next: Next| {
        tagged(endpoint, req, next)
    }))
}

/// The server a matched OIDC route is for: a custom server's id from the path, or the org.
async fn server_of(req: Request) -> (Request, String) {
    let (mut parts, body) = req.into_parts();
    let server = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .ok()
        .and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == SERVER_PARAM)
                .map(|(_, v)| v.to_owned())
        })
        .unwrap_or_else(|| ORG_SERVER.to_owned());
    (Request::from_parts(parts, body), server)
}

async fn tagged(endpoint: Endpoint, req: Request, next: Next) -> Response {
    let Some(probe) = req.extensions().get::<Probe>().cloned() else {
        return next.run(req).await;
    };
    let (req, server) = if endpoint.has_server() {
        let (req, server) = server_of(req).await;
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
    match fault.outcome(endpoint, &probe.control.clock) {
        Outcome::Pass => next.run(req).await,
        Outcome::Answer(res) => res,
        Outcome::Close => {
            let mut res = axum::http::StatusCode::OK.into_response();
            res.extensions_mut().insert(server_kit::CloseConnection);
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_say_their_format() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::parse(e.as_str()), Some(e));
            assert_eq!(
                serde_json::to_value(e).unwrap(),
                serde_json::json!(e.as_str())
            );
        }
        assert_eq!(Endpoint::parse("tokens"), None);
        assert_eq!(Endpoint::Token.format(), Format::OAuth);
        assert_eq!(Endpoint::Signin.format(), Format::Html);
        assert_eq!(Endpoint::Api.format(), Format::Okta);
        assert!(!Endpoint::Authn.has_server());
    }
}
