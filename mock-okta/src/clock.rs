//! Time is passed in, so expiry is tested without sleeping; Okta's ways of writing it.

use time::OffsetDateTime;

/// The server's clock (test control's, shared with konnect-stub): real time plus an offset.
pub use server_kit::control::clock::{Clock, parse_timestamp};

/// Okta's timestamp format: `2026-11-28T23:24:16.000Z` (milliseconds, `Z`).
pub fn okta_timestamp(t: OffsetDateTime) -> String {
    server_kit::control::clock::timestamp(t)
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
}
