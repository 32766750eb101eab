//! HTTP details shared by every surface: Okta's common response headers, rate-limit
//! headers, cookies, and the stylesheet.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderName, HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::ids::request_id;

static X_OKTA_REQUEST_ID: HeaderName = HeaderName::from_static("x-okta-request-id");

/// Adds the headers every Okta response carries: `X-Okta-Request-Id` and the security headers,
/// and `Date` from the server's clock.
pub async fn okta_headers(
    axum::extract::State(clock): axum::extract::State<crate::clock::Clock>,
    req: Request,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    add_okta_headers(res.headers_mut());
    date(res.headers_mut(), &clock);
    merge_vary(res.headers_mut());
    res
}

/// `Date` from the server's clock, not the wall clock: HTTP caches weigh `Expires` and
/// `max-age` against it, so a moved clock moves what clients cache too.
pub fn date(h: &mut HeaderMap, clock: &crate::clock::Clock) {
    if let Ok(v) = HeaderValue::from_str(&crate::clock::http_date(clock.now_datetime())) {
        h.insert(header::DATE, v);
    }
}

/// Documents Okta marks `Vary: Origin` (discovery, keys) set it themselves, since the
/// discovery fast path has no CORS layer; behind the router tower-http's CORS layer appends
/// its own `vary: origin`. Okta sends one header, so the values are merged without repeats.
fn merge_vary(h: &mut HeaderMap) {
    if h.get_all(header::VARY).iter().nth(1).is_none() {
        return;
    }
    let mut names: Vec<String> = Vec::new();
    for value in h.get_all(header::VARY) {
        for name in value.to_str().unwrap_or_default().split(',') {
            let name = name.trim();
            if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                names.push(name.to_owned());
            }
        }
    }
    if let Ok(v) = HeaderValue::from_str(&names.join(", ")) {
        h.insert(header::VARY, v);
    }
}

/// The headers themselves, for answers made outside the router (the discovery fast path).
pub fn add_okta_headers(h: &mut HeaderMap) {
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        h.insert(X_OKTA_REQUEST_ID.clone(), v);
    }
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.entry(HeaderName::from_static("x-xss-protection"))
        .or_insert(HeaderValue::from_static("0"));
    h.entry(HeaderName::from_static("p3p"))
        .or_insert(HeaderValue::from_static("CP=\"HONK\""));
}

/// Per-minute request counters behind `X-Rate-Limit-*` headers. Okta reports its limits on
/// every API and token response; the mock reports them too but never throttles, since a
/// test harness should not fail a busy suite.
#[derive(Clone, Default)]
pub struct RateLimits {
    // (minute, count) packed as minute << 32 | count.
    window: Arc<AtomicU64>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimits")
    }
}

pub const RATE_LIMIT: u64 = 1000;

impl RateLimits {
    /// Counts one request at `now` (Unix seconds) and adds Okta's `X-Rate-Limit-*` headers.
    pub fn apply(&self, h: &mut HeaderMap, now: i64) {
        for (k, v) in self.headers(now) {
            h.insert(k, v);
        }
    }

    /// Counts one request at `now` (Unix seconds) and returns the headers to add.
    fn headers(&self, now: i64) -> [(HeaderName, HeaderValue); 3] {
        let minute = (now.max(0) as u64) / 60;
        let mut count = 1;
        let _ = self
            .window
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |packed| {
                let (m, c) = (packed >> 32, packed & 0xffff_ffff);
                count = if m == minute { c + 1 } else { 1 };
                Some((minute << 32) | count)
            });
        let reset = (minute + 1) * 60;
        [
            (
                HeaderName::from_static("x-rate-limit-limit"),
                HeaderValue::from(RATE_LIMIT),
            ),
            (
                HeaderName::from_static("x-rate-limit-remaining"),
                HeaderValue::from(RATE_LIMIT.saturating_sub(count)),
            ),
            (
                HeaderName::from_static("x-rate-limit-reset"),
                HeaderValue::from(reset),
            ),
        ]
    }
}

/// `Cache-Control: no-cache, no-store`, `Pragma: no-cache`, `Expires: 0`, as on Okta's token
/// responses.
pub fn no_store(h: &mut HeaderMap) {
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, no-store"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(header::EXPIRES, HeaderValue::from_static("0"));
}

/// The name of the Okta session cookie (Identity Engine).
pub const SESSION_COOKIE: &str = "idx";

/// A `Set-Cookie` value for the Okta session: `SameSite=None; Secure` over https (so
/// cross-site iframes and `form_post` work as with Okta), `SameSite=Lax` over plain http,
/// where browsers refuse `SameSite=None` without `Secure`.
pub fn session_cookie(value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly");
    if secure {
        c.push_str("; Secure; SameSite=None");
    } else {
        c.push_str("; SameSite=Lax");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    c
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Okta's generic app and group logos ([`paths::APP_LOGO`](crate::paths::APP_LOGO) and the
/// group ones), which the Management API links to: one small PNG.
pub async fn logo() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        &include_bytes!("../templates/logo.png")[..],
    )
        .into_response()
}

/// The stylesheet of every page, served by mock-okta itself (no external assets).
pub const STYLESHEET: &str = include_str!("../templates/okta.css");

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// CORS for the org's trusted origins, with credentials, as Okta answers single-page apps on
/// its OAuth endpoints and `/api/v1/authn` / `/api/v1/sessions/me`.
pub fn cors(dir: &crate::directory::Directory) -> tower_http::cors::CorsLayer {
    use axum::http::Method;
    use tower_http::cors::{AllowCredentials, AllowOrigin, CorsLayer};
    let trusted = {
        let dir = dir.clone();
        move |origin: &HeaderValue, _: &axum::http::request::Parts| {
            origin
                .to_str()
                .is_ok_and(|o| dir.is_trusted_origin(o, crate::directory::OriginScope::Cors))
        }
    };
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(trusted.clone()))
        // Okta sends the credentials header only to an allowed origin.
        .allow_credentials(AllowCredentials::predicate(trusted))
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        // The allowed methods and headers are fixed lists, not mirrored from the request, so
        // answers vary by origin only, as Okta's do.
        .vary([header::ORIGIN])
        .max_age(std::time::Duration::from_secs(3600))
}

/// Whether a redirect target can be sent as a `Location` header as it is: visible ASCII
/// only (no CR, LF, NUL or other control characters, which could split the header).
pub fn is_redirect_safe(target: &str) -> bool {
    !target.is_empty() && target.bytes().all(|b| (0x21..0x7f).contains(&b))
}

/// A `302 Found` redirect, as Okta sends (axum's `Redirect::to` is a 303). A target that
/// cannot be a `Location` gets an error page instead; callers check targets from requests
/// with [`is_redirect_safe`] before changing anything.
pub fn found(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) if is_redirect_safe(location) => {
            let mut res = axum::http::StatusCode::FOUND.into_response();
            res.headers_mut().insert(header::LOCATION, v);
            res
        }
        _ => crate::html::PageError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "400 Bad Request",
            "The redirect target is not a valid URL.",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_values_are_merged_into_one_header() {
        let mut h = HeaderMap::new();
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        h.append(
            header::VARY,
            HeaderValue::from_static("origin, access-control-request-method"),
        );
        merge_vary(&mut h);
        let vary: Vec<_> = h.get_all(header::VARY).iter().collect();
        assert_eq!(vary, ["Origin, access-control-request-method"]);

        let mut one = HeaderMap::new();
        one.insert(header::VARY, HeaderValue::from_static("Origin"));
        merge_vary(&mut one);
        assert_eq!(one[header::VARY], "Origin");
    }

    #[test]
    fn rate_limit_headers_count_down_within_a_minute() {
        let r = RateLimits::default();
        let first = r.headers(120);
        let second = r.headers(121);
        assert_eq!(first[1].1, "999");
        assert_eq!(second[1].1, "998");
        assert_eq!(second[2].1, "180");
        assert_eq!(r.headers(181)[1].1, "999");
    }

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; idx=abc"));
        assert_eq!(cookie(&h, "idx"), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
    }
}
