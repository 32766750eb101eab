//! Time is passed in, so expiry is tested without sleeping.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// The server's clock: real time plus an adjustable offset (tests move it forward).
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
        OffsetDateTime::now_utc()
            + time::Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
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

/// Okta's timestamp format: `2026-11-28T23:24:16.000Z` (milliseconds, `Z`).
pub fn okta_timestamp(t: OffsetDateTime) -> String {
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

/// An HTTP date (`Expires` header), e.g. `Sun, 29 Nov 2026 23:24:16 GMT`.
pub fn http_date(t: OffsetDateTime) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[u8::from(t.month()) as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses an RFC 3339 timestamp (as in `lastUpdated gt "…"` filters).
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_like_okta_and_http() {
        let t = datetime!(2026-11-28 23:24:16.5 UTC);
        assert_eq!(okta_timestamp(t), "2026-11-28T23:24:16.500Z");
        assert_eq!(http_date(t), "Sat, 28 Nov 2026 23:24:16 GMT");
    }

    #[test]
    fn advancing_moves_now() {
        let c = Clock::default();
        let before = c.now();
        c.advance(3600);
        assert!(c.now() >= before + 3600);
        assert_eq!(c.offset(), 3600);
        c.reset();
        assert_eq!(c.offset(), 0);
        assert!(c.now() < before + 3600);
    }
}
