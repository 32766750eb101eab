//! Test control shared by both servers: make a server fail on purpose, move its time, look
//! at what went over the wire.
//!
//! - `clock.rs`: the server's clock, which test control moves;
//! - `endpoint.rs`: the [`EndpointName`] a server lists its endpoints with, and the tags its
//!   route tables put on routes;
//! - `faults.rs`: faults keyed by those names, answered by the tag before the handler;
//! - `journal.rs`: the journal, and [`observe`], the one layer the composition root mounts;
//! - `openapi.rs`: the parts of the OpenAPI document both servers serve alike.
//!
//! Each server keeps what is its own: its endpoint names and their error formats, how the
//! control routes are authenticated, its errors, its reset, and any operation only it has.

pub mod clock;
pub mod endpoint;
pub mod faults;
pub mod journal;
pub mod openapi;

use serde::{Deserialize, Serialize};

pub use clock::Clock;
pub use endpoint::{EndpointName, Tag, named, named_by, named_routes};
pub use faults::{Fault, FaultAnswer, FaultSpec, Faults};
pub use journal::{Direction, Entry, Journal, JournalFilter, Started, mask, observe};

/// The reserved prefix: no Okta or Konnect path starts with it.
pub const PREFIX: &str = "/__mock";

/// Paths under [`PREFIX`] both servers serve, shared by their routers and documents.
pub mod paths {
    pub const FAULTS: &str = "/faults";
    pub const FAULT: &str = "/faults/{id}";
    pub const CLOCK: &str = "/clock";
    pub const JOURNAL: &str = "/journal";
    pub const RESET: &str = "/reset";
    pub const OPENAPI: &str = "/openapi.json";
}

/// The live part of test control: faults, the journal and the clock they follow. Cheap to
/// clone; clones share everything.
#[derive(Clone)]
pub struct Control<E> {
    pub faults: Faults<E>,
    pub journal: Journal<E>,
    pub clock: Clock,
}

impl<E> std::fmt::Debug for Control<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

impl<E: EndpointName> Control<E> {
    pub fn new(clock: Clock) -> Self {
        Self {
            faults: Faults::default(),
            journal: Journal::default(),
            clock,
        }
    }

    /// The server's time (`GET /__mock/clock`).
    pub fn now(&self) -> ClockView {
        let now = self.clock.now_datetime();
        ClockView {
            now: clock::timestamp(now),
            epoch_seconds: now.unix_timestamp(),
            offset_seconds: self.clock.offset(),
        }
    }

    /// Moves the server's clock by `seconds` (negative: back).
    pub fn advance_clock(&self, seconds: i64) -> ClockView {
        self.clock.advance(seconds);
        self.now()
    }

    /// No faults, the real time, an empty journal: the live part of a reset.
    pub fn reset(&self) {
        self.faults.clear();
        self.clock.reset();
        self.journal.clear();
    }
}

/// The server's time (`GET /__mock/clock`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    /// Now, with milliseconds and `Z`.
    pub now: String,
    pub epoch_seconds: i64,
    /// How far the clock has been moved from real time.
    pub offset_seconds: i64,
}

/// The body of `POST /__mock/clock`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    pub advance_seconds: i64,
}

/// One thing wrong with a control request: the field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub field: &'static str,
    pub reason: String,
}

impl Cause {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// A control request refused, with every cause; each server answers it in its own format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<Cause>);

impl Invalid {
    pub fn one(field: &'static str, reason: impl Into<String>) -> Self {
        Self(vec![Cause::new(field, reason)])
    }

    /// The fields named, each once, in order: `endpoint, status`.
    pub fn fields(&self) -> String {
        let mut fields: Vec<&str> = Vec::new();
        for c in &self.0 {
            if !fields.contains(&c.field) {
                fields.push(c.field);
            }
        }
        fields.join(", ")
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let causes: Vec<String> = self.0.iter().map(Cause::to_string).collect();
        f.write_str(&causes.join("; "))
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
pub(crate) mod tests {
    use axum::{
        http::StatusCode,
        response::{IntoResponse as _, Response},
    };

    /// A server's endpoints, for the unit tests here.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Test {
        Token,
        Page,
        Outgoing,
    }

    impl std::fmt::Display for Test {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(super::EndpointName::as_str(*self))
        }
    }

    impl super::EndpointName for Test {
        const ALL: &'static [Self] = &[Self::Token, Self::Page, Self::Outgoing];

        fn as_str(self) -> &'static str {
            match self {
                Self::Token => "token",
                Self::Page => "page",
                Self::Outgoing => "outgoing",
            }
        }

        fn has_server(self) -> bool {
            self == Self::Token
        }

        fn faultable(self) -> bool {
            self != Self::Outgoing
        }

        fn text_content_type(self) -> &'static str {
            "text/plain"
        }

        fn error_answer(self, status: StatusCode) -> Response {
            status.into_response()
        }

        fn fault_id() -> String {
            "flt1".into()
        }
    }

    #[test]
    fn the_clock_view_follows_the_clock() {
        let control = super::Control::<Test>::new(super::Clock::default());
        let before = control.now();
        let after = control.advance_clock(90);
        assert_eq!(after.offset_seconds, 90);
        assert!(after.epoch_seconds >= before.epoch_seconds + 90);
        assert!(after.now.ends_with('Z'));
        control.reset();
        assert_eq!(control.now().offset_seconds, 0);
    }
}
