//! Faults: a named endpoint answers with a status (and a body in its own format), after a
//! delay, or by closing the connection, for the next N matching requests or until cleared.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::{
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Refused;
use super::endpoint::{Endpoint, Format, Tag};
use crate::{api::error::ApiError, clock::Clock, html::PageError, oidc::error::OAuthError};

/// The longest delay a fault may add: below the server's 30 s handler timeout, which would
/// otherwise answer 408 first.
pub const MAX_DELAY_MS: u64 = 25_000;

/// A fault to add (`POST /__mock/faults`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The endpoint's name (`token`, `keys`, …).
    pub endpoint: String,
    /// Only requests for this authorization server (`org` or `default`).
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
    pub fn status(endpoint: Endpoint, status: u16) -> Self {
        Self {
            endpoint: endpoint.as_str().to_owned(),
            status: Some(status),
            ..Self::default()
        }
    }

    /// `endpoint` waits `ms` milliseconds, then answers normally.
    pub fn delay(endpoint: Endpoint, ms: u64) -> Self {
        Self {
            endpoint: endpoint.as_str().to_owned(),
            delay_ms: ms,
            ..Self::default()
        }
    }

    /// `endpoint` closes the connection without answering.
    pub fn close(endpoint: Endpoint) -> Self {
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
    fn check(&self) -> Result<Endpoint, Refused> {
        let mut causes = Vec::new();
        let endpoint = Endpoint::parse(&self.endpoint);
        if endpoint.is_none() {
            let names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.as_str()).collect();
            causes.push(format!(
                "endpoint: '{}' is not an endpoint; one of {}",
                self.endpoint,
                names.join(", ")
            ));
        }
        if let Some(s) = self.status
            && !(200..=599).contains(&s)
        {
            causes.push(format!("status: {s} is not between 200 and 599"));
        }
        if self.close && self.status.is_some() {
            causes.push("close: a fault either closes the connection or answers a status".into());
        }
        if self.body.is_some() && self.status.is_none() {
            causes.push("body: a body needs a status".into());
        }
        if self.delay_ms > MAX_DELAY_MS {
            causes.push(format!("delay_ms: at most {MAX_DELAY_MS}"));
        }
        if self.status.is_none() && !self.close && self.delay_ms == 0 {
            causes.push("status: give a status, a delay_ms or close".into());
        }
        if self.times == Some(0) {
            causes.push("times: at least 1 (leave it out for until cleared)".into());
        }
        if let (Some(e), Some(_)) = (endpoint, &self.server)
            && !e.has_server()
        {
            causes.push(format!(
                "server: the {e} endpoint belongs to no authorization server"
            ));
        }
        match endpoint {
            Some(e) if causes.is_empty() => Ok(e),
            _ => {
                let mut fields: Vec<&str> =
                    causes.iter().filter_map(|c| c.split(':').next()).collect();
                fields.dedup();
                Err(Refused(ApiError::validation(&fields.join(", "), causes)))
            }
        }
    }
}

/// A fault in place (`GET /__mock/faults`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fault {
    pub id: String,
    pub endpoint: Endpoint,
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

impl Fault {
    fn matches(&self, tag: &Tag) -> bool {
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
    pub(super) fn outcome(&self, endpoint: Endpoint, clock: &Clock) -> Outcome {
        if self.close {
            return Outcome::Close;
        }
        let Some(status) = self.status.and_then(|s| StatusCode::from_u16(s).ok()) else {
            return Outcome::Pass;
        };
        let mut res = match &self.body {
            Some(Value::String(text)) => {
                let ct = match endpoint.format() {
                    Format::Html => "text/html; charset=utf-8",
                    Format::OAuth | Format::Okta => "application/json",
                };
                (status, [(header::CONTENT_TYPE, ct)], text.clone()).into_response()
            }
            Some(json) => (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                serde_json::to_vec(json).unwrap_or_default(),
            )
                .into_response(),
            None => default_answer(endpoint, status),
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            rate_limited(res.headers_mut(), clock.now());
        }
        Outcome::Answer(res)
    }
}

pub(super) enum Outcome {
    /// Answer normally (a delay-only fault).
    Pass,
    Answer(Response),
    Close,
}

const RATE_LIMITED: &str = "API call exceeded rate limit due to too many requests.";

/// The endpoint's own error body for `status`, Okta's where Okta has one.
pub fn default_answer(endpoint: Endpoint, status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    match endpoint.format() {
        Format::Html => {
            let message = if status == StatusCode::TOO_MANY_REQUESTS {
                RATE_LIMITED.to_owned()
            } else if status.is_server_error() {
                "The service is not available right now. Try again later.".to_owned()
            } else {
                "Your request resulted in an error.".to_owned()
            };
            PageError::new(status, format!("{} {reason}", status.as_u16()), message).into_response()
        }
        Format::Okta => okta_error(status, reason).into_response(),
        Format::OAuth if status == StatusCode::TOO_MANY_REQUESTS => {
            okta_error(status, reason).into_response()
        }
        Format::OAuth => {
            let (error, description) = match status.as_u16() {
                400 => ("invalid_request", "The request is invalid."),
                401 => ("invalid_client", "No client credentials found."),
                403 => (
                    "access_denied",
                    "The resource owner or authorization server denied the request.",
                ),
                503 => (
                    "temporarily_unavailable",
                    "The service is temporarily unavailable.",
                ),
                s if s >= 500 => ("server_error", "The server encountered an internal error."),
                _ => ("invalid_request", "The request is invalid."),
            };
            OAuthError::new(status, error, description).into_response()
        }
    }
}

/// Okta's API error for a status: the catalogue's code where there is one.
fn okta_error(status: StatusCode, reason: &str) -> ApiError {
    let (code, summary): (&'static str, String) = match status.as_u16() {
        401 => ("E0000011", "Invalid token provided".into()),
        403 => (
            "E0000006",
            "You do not have permission to perform the requested action".into(),
        ),
        404 => ("E0000007", "Not found: Resource not found".into()),
        405 => (
            "E0000022",
            "The endpoint does not support the provided HTTP method".into(),
        ),
        429 => ("E0000047", RATE_LIMITED.into()),
        500 => ("E0000009", "Internal Server Error".into()),
        _ => ("E0000009", reason.to_owned()),
    };
    ApiError::new(status, code, summary)
}

/// Okta's rate-limit headers on a 429: the limit, none remaining, the next minute.
fn rate_limited(h: &mut axum::http::HeaderMap, now: i64) {
    let reset = (now.max(0) / 60 + 1) * 60;
    h.insert(
        HeaderName::from_static("x-rate-limit-limit"),
        HeaderValue::from(crate::web::RATE_LIMIT),
    );
    h.insert(
        HeaderName::from_static("x-rate-limit-remaining"),
        HeaderValue::from(0),
    );
    h.insert(
        HeaderName::from_static("x-rate-limit-reset"),
        HeaderValue::from(reset),
    );
}

/// The faults in place, first added first matched.
#[derive(Clone, Default)]
pub struct Faults {
    list: Arc<Mutex<Vec<Fault>>>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, Vec<Fault>> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a fault after checking it.
    pub fn add(&self, spec: FaultSpec) -> Result<Fault, Refused> {
        let endpoint = spec.check()?;
        let fault = Fault {
            id: crate::ids::okta_id("flt"),
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

    pub fn list(&self) -> Vec<Fault> {
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

    /// Whether any fault is set for `endpoint` (the discovery fast path steps aside then).
    pub fn any_for(&self, endpoint: Endpoint) -> bool {
        self.lock().iter().any(|f| f.endpoint == endpoint)
    }

    /// The first fault matching `tag`, counted as applied once (and removed when used up).
    pub(super) fn take(&self, tag: &Tag) -> Option<Fault> {
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
    use super::*;

    fn tag(endpoint: Endpoint, server: Option<&str>, client: Option<&str>) -> Tag {
        Tag {
            endpoint,
            server: server.map(str::to_owned),
            client_id: client.map(str::to_owned),
        }
    }

    #[test]
    fn a_fault_applies_n_times_then_goes() {
        let faults = Faults::default();
        faults
            .add(FaultSpec::status(Endpoint::Token, 503).times(2))
            .unwrap();
        let t = tag(Endpoint::Token, Some("default"), None);
        assert!(faults.take(&tag(Endpoint::Keys, None, None)).is_none());
        assert_eq!(faults.take(&t).unwrap().times, Some(1));
        assert_eq!(faults.take(&t).unwrap().hits, 2);
        assert!(faults.take(&t).is_none());
        assert!(faults.list().is_empty());
    }

    #[test]
    fn narrowing_by_server_and_client() {
        let faults = Faults::default();
        faults
            .add(
                FaultSpec::status(Endpoint::Token, 500)
                    .for_server("org")
                    .for_client("c1"),
            )
            .unwrap();
        assert!(
            faults
                .take(&tag(Endpoint::Token, Some("default"), Some("c1")))
                .is_none()
        );
        assert!(
            faults
                .take(&tag(Endpoint::Token, Some("org"), Some("c2")))
                .is_none()
        );
        assert!(
            faults
                .take(&tag(Endpoint::Token, Some("org"), Some("c1")))
                .is_some()
        );
        assert_eq!(faults.list()[0].times, None, "until cleared");
    }

    #[test]
    fn bad_specs_name_their_fields() {
        let faults = Faults::default();
        let err = faults
            .add(FaultSpec {
                endpoint: "tokens".into(),
                ..FaultSpec::default()
            })
            .unwrap_err();
        assert_eq!(err.0.code, "E0000001");
        assert!(err.0.causes[0].starts_with("endpoint: 'tokens'"), "{err:?}");
        let err = faults
            .add(FaultSpec {
                close: true,
                ..FaultSpec::status(Endpoint::Token, 503)
            })
            .unwrap_err();
        assert!(err.to_string().contains("close"), "{err}");
        assert!(
            faults
                .add(FaultSpec::status(Endpoint::Signin, 503).for_server("org"))
                .is_err()
        );
        assert!(faults.add(FaultSpec::delay(Endpoint::Keys, 10)).is_ok());
    }

    #[tokio::test]
    async fn default_bodies_speak_the_endpoint_format() {
        let body = |res: Response| async move {
            let b = axum::body::to_bytes(res.into_body(), 100_000)
                .await
                .unwrap();
            String::from_utf8(b.to_vec()).unwrap()
        };
        let api = body(default_answer(Endpoint::Api, StatusCode::TOO_MANY_REQUESTS)).await;
        assert!(api.starts_with(r#"{"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests."#), "{api}");
        let token = body(default_answer(
            Endpoint::Token,
            StatusCode::TOO_MANY_REQUESTS,
        ))
        .await;
        assert!(token.contains("E0000047"), "{token}");
        let token = body(default_answer(
            Endpoint::Token,
            StatusCode::SERVICE_UNAVAILABLE,
        ))
        .await;
        assert!(
            token.starts_with(r#"{"error":"temporarily_unavailable""#),
            "{token}"
        );
        let keys = body(default_answer(
            Endpoint::Keys,
            StatusCode::INTERNAL_SERVER_ERROR,
        ))
        .await;
        assert!(keys.contains(r#""errorCode":"E0000009","errorSummary":"Internal Server Error""#));
        let page = body(default_answer(Endpoint::Signin, StatusCode::BAD_GATEWAY)).await;
        assert!(page.contains("502 Bad Gateway"), "{page}");
    }
}
