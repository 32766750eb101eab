//! The server's clock: real time plus an offset that test control moves, so expiry is
//! tested without sleeping. Both servers take every "now" from it.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::SystemTime,
};

use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// Real time plus an adjustable offset; clones share the offset.
#[derive(Clone, Default, Debug)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// Now, as Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_datetime().unix_timestamp()
    }

    /// Now, as a date-time.
    pub fn now_datetime(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + time::Duration::seconds(self.offset())
    }

    /// Now, as a `SystemTime`.
    pub fn now_system(&self) -> SystemTime {
        self.now_datetime().into()
    }

    /// Moves the clock forward (or back, with a negative value) by `secs`.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }

    /// How far the clock has been moved from real time, in seconds.
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Back to real time.
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::Relaxed);
    }
}

/// A UTC timestamp with milliseconds and `Z`: `2026-11-28T23:24:16.000Z` (as Okta writes
/// them; RFC 3339 for everyone else).
pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses an RFC 3339 timestamp.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_have_milliseconds_and_z() {
        let t = datetime!(2026-11-28 23:24:16.5 UTC);
        assert_eq!(timestamp(t), "2026-11-28T23:24:16.500Z");
        assert_eq!(parse_timestamp("2026-11-28T23:24:16.500Z"), Some(t));
    }

    #[test]
    fn advancing_moves_now() {
        let c = Clock::default();
        let before = c.now();
        c.advance(3600);
        assert!(c.now() >= before + 3600);
        assert_eq!(c.offset(), 3600);
        let system = c.now_system();
        assert!(system >= SystemTime::now() + std::time::Duration::from_secs(3599));
        c.reset();
        assert_eq!(c.offset(), 0);
        assert!(c.now() < before + 3600);
    }
}
