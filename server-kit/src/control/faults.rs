//! Faults: a named endpoint answers with a status (and a body, by default in its own
//! format), after a delay, or by closing the connection, for the next N matching requests or
//! until cleared. The endpoint names and their error formats are the server's
//! ([`EndpointName`]); the model, its checks and the matching are here.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse as _, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Cause, Invalid, clock::Clock, endpoint::EndpointName, endpoint::Tag};

/// The longest delay a fault may add: below the server's handler timeout, which would
/// otherwise answer 408 first.
pub const MAX_DELAY_MS: u64 = 25_000;

/// A fault to add (`POST /__mock/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The endpoint's name (`token`, `login`, …).
    pub endpoint: String,
    /// Only requests for this authorization server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Only requests that name this client id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Answer with this status (and `body`, or the endpoint's own error body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The body to answer with: a string as is, anything else as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Wait this long first (then answer as asked, or normally).
    #[serde(default)]
    pub delay_ms: u64,
    /// Close the connection without an answer.
    #[serde(default)]
    pub close: bool,
    /// For the next N matching requests; absent or null: until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

impl FaultSpec {
    /// `endpoint` answers `status` with its own error body.
    pub fn status(endpoint: impl EndpointName, status: u16) -> Self {
        Self {
            endpoint: endpoint.as_str().to_owned(),
            status: Some(status),
            ..Self::default()
        }
    }

    /// `endpoint` waits `ms` milliseconds, then answers normally.
    pub fn delay(endpoint: impl EndpointName, ms: u64) -> Self {
        Self {
            endpoint: endpoint.as_str().to_owned(),
            delay_ms: ms,
            ..Self::default()
        }
    }

    /// `endpoint` closes the connection without answering.
    pub fn close(endpoint: impl EndpointName) -> Self {
        Self {
            endpoint: endpoint.as_str().to_owned(),
            close: true,
            ..Self::default()
        }
    }

    /// For the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    pub fn with_body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn with_delay_ms(mut self, ms: u64) -> Self {
        self.delay_ms = ms;
        self
    }

    pub fn for_server(mut self, server: &str) -> Self {
        self.server = Some(server.to_owned());
        self
    }

    pub fn for_client(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_owned());
        self
    }

    /// Checks the spec; the causes name each field that is wrong.
    fn check<E: EndpointName>(&self) -> Result<E, Invalid> {
        let mut causes = Vec::new();
        let endpoint = E::parse(&self.endpoint).filter(|e| e.faultable());
        if endpoint.is_none() {
            let names: Vec<&str> = E::ALL
                .iter()
                .filter(|e| e.faultable())
                .map(|e| e.as_str())
                .collect();
            causes.push(Cause::new(
                "endpoint",
                format!(
                    "'{}' is not an endpoint; one of {}",
                    self.endpoint,
                    names.join(", ")
                ),
            ));
        }
        if let Some(s) = self.status
            && !(200..=599).contains(&s)
        {
            causes.push(Cause::new(
                "status",
                format!("{s} is not between 200 and 599"),
            ));
        }
        if self.close && self.status.is_some() {
            causes.push(Cause::new(
                "close",
                "a fault either closes the connection or answers a status",
            ));
        }
        if self.body.is_some() && self.status.is_none() {
            causes.push(Cause::new("body", "a body needs a status"));
        }
        if self.delay_ms > MAX_DELAY_MS {
            causes.push(Cause::new("delay_ms", format!("at most {MAX_DELAY_MS}")));
        }
        if self.status.is_none() && !self.close && self.delay_ms == 0 {
            causes.push(Cause::new("status", "give a status, a delay_ms or close"));
        }
        if self.times == Some(0) {
            causes.push(Cause::new(
                "times",
                "at least 1 (leave it out for until cleared)",
            ));
        }
        if let (Some(e), Some(_)) = (endpoint, &self.server)
            && !e.has_server()
        {
            causes.push(Cause::new(
                "server",
                format!("the {e} endpoint belongs to no authorization server"),
            ));
        }
        match endpoint {
            Some(e) if causes.is_empty() => Ok(e),
            _ => Err(Invalid(causes)),
        }
    }
}

/// A fault in place (`GET /__mock/faults`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fault<E> {
    pub id: String,
    pub endpoint: E,
    pub server: Option<String>,
    pub client_id: Option<String>,
    pub status: Option<u16>,
    pub body: Option<Value>,
    pub delay_ms: u64,
    pub close: bool,
    /// How many more requests it applies to; null: until cleared.
    pub times: Option<u32>,
    /// How many requests it has applied to.
    pub hits: u64,
}

impl<E: EndpointName> Fault<E> {
    fn matches(&self, tag: &Tag<E>) -> bool {
        self.endpoint == tag.endpoint
            && self
                .server
                .as_ref()
                .is_none_or(|s| tag.server.as_ref() == Some(s))
            && self
                .client_id
                .as_ref()
                .is_none_or(|c| tag.client_id.as_ref() == Some(c))
    }

    /// What the request gets, after the delay.
    pub(super) fn outcome(&self, clock: &Clock) -> Outcome {
        if self.close {
            return Outcome::Close;
        }
        let Some(status) = self.status.and_then(|s| StatusCode::from_u16(s).ok()) else {
            return Outcome::Pass;
        };
        let mut res = match &self.body {
            Some(Value::String(text)) => (
                status,
                [(header::CONTENT_TYPE, self.endpoint.text_content_type())],
                text.clone(),
            )
                .into_response(),
            Some(json) => (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_vec(json).unwrap_or_default(),
            )
                .into_response(),
            None => self.endpoint.error_answer(status),
        };
        self.endpoint
            .decorate(status, res.headers_mut(), clock.now());
        res.extensions_mut().insert(FaultAnswer);
        Outcome::Answer(res)
    }
}

/// A response extension on what a fault answered: it is the answer asked for, so a
/// server's layer that rewrites refusals into its own format leaves it as it is.
#[derive(Debug, Clone, Copy)]
pub struct FaultAnswer;

pub(super) enum Outcome {
    /// Answer normally (a delay-only fault).
    Pass,
    Answer(Response),
    Close,
}

/// The faults in place, first added first matched.
#[derive(Clone)]
pub struct Faults<E> {
    list: Arc<Mutex<Vec<Fault<E>>>>,
}

impl<E> Default for Faults<E> {
    fn default() -> Self {
        Self {
            list: Arc::default(),
        }
    }
}

impl<E: EndpointName> Faults<E> {
    fn lock(&self) -> MutexGuard<'_, Vec<Fault<E>>> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a fault after checking it; nothing changes when it is refused.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault<E>, Invalid> {
        let endpoint = spec.check::<E>()?;
        let fault = Fault {
            id: E::fault_id(),
            endpoint,
            server: spec.server,
            client_id: spec.client_id,
            status: spec.status,
            body: spec.body,
            delay_ms: spec.delay_ms,
            close: spec.close,
            times: spec.times,
            hits: 0,
        };
        self.lock().push(fault.clone());
        Ok(fault)
    }

    pub fn list(&self) -> Vec<Fault<E>> {
        self.lock().clone()
    }

    /// Removes one fault; false when there is none with that id.
    pub fn remove(&self, id: &str) -> bool {
        let mut list = self.lock();
        let before = list.len();
        list.retain(|f| f.id != id);
        list.len() != before
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Whether any fault is set for `endpoint` (a fast path steps aside then).
    pub fn any_for(&self, endpoint: E) -> bool {
        self.lock().iter().any(|f| f.endpoint == endpoint)
    }

    /// The first fault matching `tag`, counted as applied once (and removed when used up).
    pub(super) fn take(&self, tag: &Tag<E>) -> Option<Fault<E>> {
        let mut list = self.lock();
        let i = list.iter().position(|f| f.matches(tag))?;
        let f = &mut list[i];
        f.hits += 1;
        if let Some(n) = f.times.as_mut() {
            *n -= 1;
        }
        let out = f.clone();
        if out.times == Some(0) {
            list.remove(i);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::Test;
    use super::*;

    fn tag(endpoint: Test, server: Option<&str>, client: Option<&str>) -> Tag<Test> {
        Tag {
            endpoint,
            server: server.map(str::to_owned),
            client_id: client.map(str::to_owned),
        }
    }

    #[test]
    fn a_fault_applies_n_times_then_goes() {
        let faults = Faults::<Test>::default();
        faults
            .add(FaultSpec::status(Test::Token, 503).times(2))
            .unwrap();
        let t = tag(Test::Token, Some("default"), None);
        assert!(faults.take(&tag(Test::Page, None, None)).is_none());
        assert_eq!(faults.take(&t).unwrap().times, Some(1));
        assert_eq!(faults.take(&t).unwrap().hits, 2);
        assert!(faults.take(&t).is_none());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn narrowing_by_server_and_client() {
        let faults = Faults::<Test>::default();
        faults
            .add(
                FaultSpec::status(Test::Token, 500)
                    .for_server("org")
                    .for_client("c1"),
            )
            .unwrap();
        assert!(
            faults
                .take(&tag(Test::Token, Some("default"), Some("c1")))
                .is_none()
        );
        assert!(
            faults
                .take(&tag(Test::Token, Some("org"), Some("c2")))
                .is_none()
        );
        assert!(
            faults
                .take(&tag(Test::Token, Some("org"), Some("c1")))
                .is_some()
        );
        assert_eq!(faults.list()[0].times, None, "until cleared");
    }

    #[test]
    fn bad_specs_name_their_fields_and_change_nothing() {
        let faults = Faults::<Test>::default();
        let err = faults
            .add(FaultSpec {
                endpoint: "tokens".into(),
                ..FaultSpec::default()
            })
            .unwrap_err();
        assert_eq!(err.0[0].field, "endpoint");
        assert!(err.0[0].reason.starts_with("'tokens'"), "{err}");
        assert_eq!(err.fields(), "endpoint, status");
        let err = faults
            .add(FaultSpec {
                close: true,
                ..FaultSpec::status(Test::Token, 503)
            })
            .unwrap_err();
        assert!(err.to_string().contains("close"), "{err}");
        assert!(
            faults
                .add(FaultSpec::status(Test::Page, 503).for_server("org"))
                .is_err()
        );
        assert!(faults.add(FaultSpec::status(Test::Outgoing, 503)).is_err());
        assert!(faults.list().is_empty());
        assert!(faults.add(FaultSpec::delay(Test::Page, 10)).is_ok());
    }
}
