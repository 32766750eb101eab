//! Okta's System Log: what happened in the org, as `LogEvent`s, newest kept.
//!
//! Events are stored already in Okta's JSON shape (`uuid`, `published`, `eventType`,
//! `actor`, `client`, `outcome`, `target`, …), so the API renders them as they are and a
//! `filter` reads any field by its dotted path. At most [`SystemLog::capacity`] events are
//! kept; the oldest is dropped when a new one arrives, so memory never grows without bound.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, MutexGuard},
};

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::clock::okta_timestamp;

/// How many events the System Log keeps by default.
pub const DEFAULT_LOG_CAPACITY: usize = 10_000;

/// One event: when, its place in the log (a cursor that never repeats), and its JSON, kept
/// as text (about 1.1 KB): kept parsed, 10,000 events took about 9 KB each of mock-okta's
/// memory (the login bench ended at 193.9 MB instead of 101.7 MB), and only a read of the
/// log needs them parsed.
#[derive(Debug, Clone)]
pub struct LogEvent {
    pub seq: u64,
    pub published: OffsetDateTime,
    text: Arc<str>,
}

impl LogEvent {
    /// The event in Okta's JSON shape.
    pub fn body(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// Whether every keyword (lower case) appears in one of the event's values, ignoring case:
/// Okta's `q`. Field names do not count.
pub fn has_keywords(body: &Value, keywords: &[String]) -> bool {
    if keywords.is_empty() {
        return true;
    }
    let mut text = String::new();
    let mut stack = vec![body];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => stack.extend(m.values()),
            Value::Array(items) => stack.extend(items.iter()),
            Value::String(s) => {
                text.push_str(&s.to_lowercase());
                text.push('\n');
            }
            Value::Null => {}
            other => {
                text.push_str(&other.to_string());
                text.push('\n');
            }
        }
    }
    keywords.iter().all(|k| text.contains(k.as_str()))
}

/// The values at a dotted path (`actor.alternateId`, `target.id`) of an event: an array on
/// the way yields a value per element.
pub fn values(body: &Value, path: &str) -> Vec<String> {
    let mut at = vec![body];
    for key in path.split('.') {
        at = at
            .into_iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().filter_map(|i| i.get(key)).collect(),
                other => other.get(key).into_iter().collect::<Vec<_>>(),
            })
            .collect();
    }
    at.into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null | Value::Object(_) | Value::Array(_) => None,
            other => Some(other.to_string()),
        })
        .collect()
}

/// Who did it or what it was done to: Okta's `actor` / `target` entries.
#[derive(Debug, Clone)]
pub struct Party {
    pub id: String,
    pub type_: &'static str,
    pub alternate_id: String,
    pub display_name: String,
}

/// The request an event came from (Okta's `client`).
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
}

/// What is recorded: the event type, its message, who, to what, and how it ended.
#[derive(Debug, Clone)]
pub struct Entry {
    pub event_type: &'static str,
    pub display_message: &'static str,
    pub legacy_event_type: Option<&'static str>,
    pub actor: Option<Party>,
    pub targets: Vec<Party>,
    pub origin: Origin,
    /// `Err(reason)`: a FAILURE with Okta's reason (`INVALID_CREDENTIALS`, `invalid_grant`).
    pub outcome: Result<(), String>,
    pub debug_data: serde_json::Map<String, Value>,
}

impl Entry {
    pub fn new(event_type: &'static str, display_message: &'static str) -> Self {
        Self {
            event_type,
            display_message,
            legacy_event_type: None,
            actor: None,
            targets: Vec::new(),
            origin: Origin::default(),
            outcome: Ok(()),
            debug_data: serde_json::Map::new(),
        }
    }

    pub fn actor(mut self, p: Party) -> Self {
        self.actor = Some(p);
        self
    }

    pub fn target(mut self, p: Party) -> Self {
        self.targets.push(p);
        self
    }

    pub fn origin(mut self, o: Origin) -> Self {
        self.origin = o;
        self
    }

    pub fn failed(mut self, reason: impl Into<String>) -> Self {
        self.outcome = Err(reason.into());
        self
    }

    pub fn legacy(mut self, t: &'static str) -> Self {
        self.legacy_event_type = Some(t);
        self
    }

    pub fn debug(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.debug_data.insert(key.to_owned(), value.into());
        self
    }
}

#[derive(Debug)]
struct Inner {
    events: VecDeque<LogEvent>,
    next_seq: u64,
}

/// The log; cheap to clone, shared by every surface.
#[derive(Debug, Clone)]
pub struct SystemLog {
    inner: Arc<Mutex<Inner>>,
    capacity: usize,
}

impl Default for SystemLog {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_LOG_CAPACITY)
    }
}

impl SystemLog {
    /// A log keeping the newest `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                events: VecDeque::new(),
                next_seq: 1,
            })),
            capacity: capacity.max(1),
        }
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records an event published at `now`.
    pub fn record(&self, now: OffsetDateTime, e: Entry) {
        let uuid = crate::ids::uuid_v4();
        let transaction = crate::ids::request_id();
        let published = okta_timestamp(now);
        let wire = Wire {
            uuid: &uuid,
            published: &published,
            event_type: e.event_type,
            version: "0",
            severity: if e.outcome.is_ok() { "INFO" } else { "WARN" },
            legacy_event_type: e.legacy_event_type,
            display_message: e.display_message,
            actor: e.actor.as_ref().map(WireParty::from),
            client: WireClient {
                user_agent: WireUserAgent {
                    raw_user_agent: e.origin.user_agent.as_deref(),
                    os: (),
                    browser: (),
                },
                zone: "null",
                device: (),
                id: (),
                ip_address: e.origin.ip_address.as_deref(),
                geographical_context: (),
            },
            outcome: WireOutcome {
                result: if e.outcome.is_ok() {
                    "SUCCESS"
                } else {
                    "FAILURE"
                },
                reason: e.outcome.as_ref().err().map(String::as_str),
            },
            target: e.targets.iter().map(WireParty::from).collect(),
            transaction: WireTransaction {
                type_: "WEB",
                id: &transaction,
                detail: WireEmpty {},
            },
            debug_context: WireDebugContext {
                debug_data: &e.debug_data,
            },
            authentication_context: WireAuthenticationContext::default(),
            security_context: WireSecurityContext::default(),
            request: WireRequest { ip_chain: [] },
        };
        // Serialized straight from borrowed fields: building a `Value` tree first cost a
        // few dozen allocations per event, four events per login.
        let text: Arc<str> = serde_json::to_string(&wire)
            .unwrap_or_else(|_| String::from("null"))
            .into();
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.events.push_back(LogEvent {
            seq,
            published: now,
            text,
        });
        while inner.events.len() > self.capacity {
            inner.events.pop_front();
        }
    }

    /// Every event kept, oldest first.
    pub fn events(&self) -> Vec<LogEvent> {
        self.lock().events.iter().cloned().collect()
    }

    /// Forgets every event (the seed is not an admin action: the log starts empty after it).
    pub fn clear(&self) {
        self.lock().events.clear();
    }
}

/// An event as Okta's System Log API renders it, field for field in Okta's order; unit
/// fields are Okta's constant nulls.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'a> {
    uuid: &'a str,
    published: &'a str,
    event_type: &'a str,
    version: &'a str,
    severity: &'a str,
    legacy_event_type: Option<&'a str>,
    display_message: &'a str,
    actor: Option<WireParty<'a>>,
    client: WireClient<'a>,
    outcome: WireOutcome<'a>,
    target: Vec<WireParty<'a>>,
    transaction: WireTransaction<'a>,
    debug_context: WireDebugContext<'a>,
    authentication_context: WireAuthenticationContext,
    security_context: WireSecurityContext,
    request: WireRequest,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireParty<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    type_: &'a str,
    alternate_id: &'a str,
    display_name: &'a str,
    detail_entry: (),
}

impl<'a> From<&'a Party> for WireParty<'a> {
    fn from(p: &'a Party) -> Self {
        Self {
            id: &p.id,
            type_: p.type_,
            alternate_id: &p.alternate_id,
            display_name: &p.display_name,
            detail_entry: (),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireClient<'a> {
    user_agent: WireUserAgent<'a>,
    zone: &'a str,
    device: (),
    id: (),
    ip_address: Option<&'a str>,
    geographical_context: (),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireUserAgent<'a> {
    raw_user_agent: Option<&'a str>,
    os: (),
    browser: (),
}

#[derive(Serialize)]
struct WireOutcome<'a> {
    result: &'a str,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct WireTransaction<'a> {
    #[serde(rename = "type")]
    type_: &'a str,
    id: &'a str,
    detail: WireEmpty,
}

#[derive(Serialize)]
struct WireEmpty {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireDebugContext<'a> {
    debug_data: &'a serde_json::Map<String, Value>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireAuthenticationContext {
    authentication_provider: (),
    credential_provider: (),
    credential_type: (),
    issuer: (),
    external_session_id: (),
    interface: (),
    authentication_step: u8,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireSecurityContext {
    as_number: (),
    as_org: (),
    isp: (),
    domain: (),
    is_proxy: (),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRequest {
    ip_chain: [(); 0],
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_only_the_newest_events() {
        let log = SystemLog::with_capacity(2);
        let now = OffsetDateTime::now_utc();
        for t in ["a.one", "b.two", "c.three"] {
            log.record(now, Entry::new(t, "x"));
        }
        let kept: Vec<_> = log
            .events()
            .iter()
            .map(|e| e.body()["eventType"].clone())
            .collect();
        assert_eq!(kept, vec![json!("b.two"), json!("c.three")]);
    }

    #[test]
    fn paths_reach_into_targets_and_outcomes() {
        let log = SystemLog::default();
        let p = |id: &str| Party {
            id: id.into(),
            type_: "User",
            alternate_id: format!("{id}@example.com"),
            display_name: id.into(),
        };
        log.record(
            OffsetDateTime::now_utc(),
            Entry::new("user.session.start", "User login to Okta")
                .actor(p("u1"))
                .target(p("u2"))
                .target(p("u3"))
                .failed("INVALID_CREDENTIALS"),
        );
        let body = log.events()[0].body();
        assert_eq!(values(&body, "target.id"), vec!["u2", "u3"]);
        assert_eq!(values(&body, "outcome.reason"), vec!["INVALID_CREDENTIALS"]);
        assert_eq!(values(&body, "outcome.result"), vec!["FAILURE"]);
        assert_eq!(values(&body, "actor.alternateId"), vec!["u1@example.com"]);
        assert!(values(&body, "nope.none").is_empty());
        let uuid = body["uuid"].as_str().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
    }
}
