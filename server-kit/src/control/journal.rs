//! The journal: every request the server saw and every call it made to another server,
//! oldest first, with secrets masked, in a ring of at most [`CAPACITY`] entries and
//! [`BYTE_BUDGET`] bytes of their text, long values cut to [`MAX_TEXT`] characters. [`observe`] is the
//! layer the composition root mounts once; [`Started::outgoing`] records a call a server
//! makes itself.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse as _, Response},
};
use base64::{Engine as _, engine::general_purpose};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{
    Control, Invalid,
    clock::{Clock, parse_timestamp, timestamp},
    endpoint::{EndpointName, Probe, Tag},
};

/// How many entries the journal keeps; older ones are dropped first.
pub const CAPACITY: usize = 10_000;
/// How many bytes of text (paths, URLs, parameters, cookie names) the journal keeps, counting
/// a fixed [`ENTRY_OVERHEAD`] per entry; past it older entries are dropped first, so requests
/// with large forms or queries cannot make the ring hold gigabytes.
pub const BYTE_BUDGET: usize = 8 * 1024 * 1024;
/// What an entry costs besides its text (the struct, its maps, the ring's slot).
pub const ENTRY_OVERHEAD: usize = 512;
/// A path, name or value longer than this many characters is kept as its first
/// `MAX_TEXT` characters followed by `...(length)`.
pub const MAX_TEXT: usize = 1024;
/// Distinct parameter or cookie names kept per entry and map, the first ones.
pub const MAX_NAMES: usize = 100;

/// Whether an entry is a request the server answered or a call it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry<E> {
    /// Increases by one per entry, from 1.
    pub seq: u64,
    /// The server's time when the request started, with milliseconds and `Z`.
    pub time: String,
    pub direction: Direction,
    pub method: String,
    pub path: String,
    /// The whole URL of an outgoing call, secrets in its query masked; null for incoming.
    pub url: Option<String>,
    /// The endpoint's name; null for paths without one.
    pub endpoint: Option<E>,
    /// The authorization server, for endpoints that have one.
    pub server: Option<String>,
    /// The client id the request named (query, form, Basic user or client assertion).
    pub client_id: Option<String>,
    /// Query parameters, the first value of each name, secrets masked.
    pub query: Map<String, Value>,
    /// Form parameters of an `application/x-www-form-urlencoded` body, secrets masked.
    pub form: Map<String, Value>,
    /// Cookie names, values masked.
    pub cookies: Map<String, Value>,
    /// `basic`, `post`, `client_secret_jwt`, `private_key_jwt`, `SSWS`, `Bearer` or `none`.
    pub credentials: &'static str,
    /// The status answered; null when the connection was closed (or a call got no answer).
    pub status: Option<u16>,
    /// The id of the fault that applied, if one did.
    pub fault: Option<String>,
    pub duration_ms: u64,
    #[serde(skip)]
    at: Option<OffsetDateTime>,
}

/// Which entries to list (`GET /__mock/journal?endpoint=&path=&method=&since=`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalFilter {
    pub endpoint: Option<String>,
    /// The exact path, without the query.
    pub path: Option<String>,
    pub method: Option<String>,
    /// RFC 3339; entries at or after it.
    pub since: Option<String>,
}

impl JournalFilter {
    pub fn endpoint(endpoint: impl EndpointName) -> Self {
        Self {
            endpoint: Some(endpoint.as_str().to_owned()),
            ..Self::default()
        }
    }

    /// The filter of a query string's `endpoint`, `path`, `method` and `since` (the first
    /// value of each; other names are ignored).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let own = |k: &str| first(pairs, k).map(str::to_owned);
        Self {
            endpoint: own("endpoint"),
            path: own("path"),
            method: own("method"),
            since: own("since"),
        }
    }
}

impl<E> Entry<E> {
    /// What the entry counts against [`BYTE_BUDGET`].
    fn weight(&self) -> usize {
        let map = |m: &Map<String, Value>| {
            m.iter()
                .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
                .sum::<usize>()
        };
        let text = |t: &Option<String>| t.as_ref().map_or(0, String::len);
        ENTRY_OVERHEAD
            + self.time.len()
            + self.method.len()
            + self.path.len()
            + text(&self.url)
            + text(&self.server)
            + text(&self.client_id)
            + text(&self.fault)
            + map(&self.query)
            + map(&self.form)
            + map(&self.cookies)
    }
}

struct Ring<E> {
    entries: VecDeque<Entry<E>>,
    /// The sum of the entries' [`Entry::weight`].
    bytes: usize,
}

impl<E> Default for Ring<E> {
    fn default() -> Self {
        Self {
            entries: VecDeque::new(),
            bytes: 0,
        }
    }
}

/// The ring of entries.
#[derive(Clone)]
pub struct Journal<E> {
    ring: Arc<Mutex<Ring<E>>>,
    seq: Arc<AtomicU64>,
}

impl<E> Default for Journal<E> {
    fn default() -> Self {
        Self {
            ring: Arc::default(),
            seq: Arc::default(),
        }
    }
}

impl<E: EndpointName> Journal<E> {
    fn lock(&self) -> MutexGuard<'_, Ring<E>> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds an entry, dropping the oldest while the ring is over [`CAPACITY`] entries or
    /// [`BYTE_BUDGET`] bytes.
    pub fn push(&self, mut entry: Entry<E>) {
        entry.seq = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let weight = entry.weight();
        let mut ring = self.lock();
        while ring.entries.len() >= CAPACITY
            || (!ring.entries.is_empty() && ring.bytes + weight > BYTE_BUDGET)
        {
            let Some(old) = ring.entries.pop_front() else {
                break;
            };
            ring.bytes -= old.weight();
        }
        ring.bytes += weight;
        ring.entries.push_back(entry);
    }

    /// The entries that pass `filter`, oldest first; a filter that names no endpoint or an
    /// unreadable time is refused with the field's name.
    pub fn list(&self, filter: &JournalFilter) -> Result<Vec<Entry<E>>, Invalid> {
        let endpoint = match filter.endpoint.as_deref() {
            None | Some("") => None,
            Some(name) => Some(E::parse(name).ok_or_else(|| {
                Invalid::one(
                    "endpoint",
                    format!(
                        "'{name}' is not an endpoint; one of {}",
                        E::names().join(", ")
                    ),
                )
            })?),
        };
        let since =
            match filter.since.as_deref() {
                None | Some("") => None,
                Some(t) => Some(parse_timestamp(t).ok_or_else(|| {
                    Invalid::one("since", format!("'{t}' is not an RFC 3339 time"))
                })?),
            };
        Ok(self
            .lock()
            .entries
            .iter()
            .filter(|e| endpoint.is_none_or(|want| e.endpoint == Some(want)))
            .filter(|e| filter.path.as_ref().is_none_or(|p| &e.path == p))
            .filter(|e| {
                filter
                    .method
                    .as_ref()
                    .is_none_or(|m| e.method.eq_ignore_ascii_case(m))
            })
            .filter(|e| since.is_none_or(|s| e.at.is_some_and(|at| at >= s)))
            .cloned()
            .collect())
    }

    pub fn clear(&self) {
        *self.lock() = Ring::default();
    }
}

/// Names whose values are secrets: a prefix and the length are shown, never the value.
const SECRETS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "assertion",
    "password",
    "credentials.passcode",
    "passcode",
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "id_token",
    "id_token_hint",
    "token",
    "sessionToken",
    "stateToken",
    "okta_key",
    "device_code",
    "subject_token",
    "actor_token",
    "otp",
];

/// A secret as the journal shows it: the first 4 characters (none for values under 12
/// characters) and the length, e.g. `Qnow...(43)`.
pub fn mask(value: &str) -> String {
    let len = value.chars().count();
    let prefix: String = if len >= 12 {
        value.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{prefix}...({len})")
}

/// The pairs of a query string or form body.
pub fn pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

/// The first non-empty value of `name`.
fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `text` as the journal keeps it: cut to [`MAX_TEXT`] characters, with the length after.
fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}...({})", &text[..end], text.chars().count()),
    }
}

/// The first value of each name (the first [`MAX_NAMES`] names), secrets masked, long
/// names and values cut.
pub fn masked(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in pairs {
        let k = shown(k);
        if out.contains_key(&k) {
            continue;
        }
        if out.len() == MAX_NAMES {
            break;
        }
        let v = if SECRETS.contains(&k.as_str()) {
            mask(v)
        } else {
            shown(v)
        };
        out.insert(k, Value::String(v));
    }
    out
}

fn cookies(headers: &HeaderMap) -> Map<String, Value> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .take(MAX_NAMES)
        .map(|(k, v)| (shown(k), Value::String(mask(v))))
        .collect()
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

fn scheme_is<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value
        .get(..name.len())
        .filter(|p| p.eq_ignore_ascii_case(name))
        .map(|_| value[name.len()..].trim())
}

/// The JSON of a JWT's header or payload, unverified (to tell assertion kinds apart).
fn jwt_part(jwt: &str, i: usize) -> Option<Value> {
    let seg = jwt.split('.').nth(i)?;
    serde_json::from_slice(&general_purpose::URL_SAFE_NO_PAD.decode(seg).ok()?).ok()
}

/// Every value [`credentials`] gives, for the OpenAPI document's enum.
pub const CREDENTIALS: &[&str] = &[
    "basic",
    "post",
    "client_secret_jwt",
    "private_key_jwt",
    "none",
    "SSWS",
    "Bearer",
];

/// Which credential scheme a request used: one of [`CREDENTIALS`].
pub fn credentials(headers: &HeaderMap, form: &[(String, String)]) -> &'static str {
    if let Some(value) = authorization(headers) {
        if scheme_is(value, "Basic ").is_some() {
            return "basic";
        }
        if scheme_is(value, "SSWS").is_some() {
            return "SSWS";
        }
        if scheme_is(value, "Bearer ").is_some() {
            return "Bearer";
        }
    }
    if let Some(jwt) = first(form, "client_assertion") {
        let alg = jwt_part(jwt, 0)
            .and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(str::to_owned))
            .unwrap_or_default();
        return if alg.starts_with("HS") {
            "client_secret_jwt"
        } else {
            "private_key_jwt"
        };
    }
    if first(form, "client_secret").is_some() {
        return "post";
    }
    "none"
}

/// The client id a request names: in the query, the form, the Basic user or the client
/// assertion's subject.
pub fn client_id(
    headers: &HeaderMap,
    query: &[(String, String)],
    form: &[(String, String)],
) -> Option<String> {
    if let Some(id) = first(query, "client_id").or_else(|| first(form, "client_id")) {
        return Some(id.to_owned());
    }
    if let Some(basic) = authorization(headers).and_then(|v| scheme_is(v, "Basic ")) {
        let decoded = general_purpose::STANDARD.decode(basic).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let id = text.split_once(':').map_or(text.as_str(), |(id, _)| id);
        return url::form_urlencoded::parse(format!("x={id}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned());
    }
    let jwt = first(form, "client_assertion")?;
    jwt_part(jwt, 1)?.get("sub")?.as_str().map(str::to_owned)
}

/// Whether a path is the control surface itself (neither journaled nor faulted).
pub fn is_control(path: &str) -> bool {
    path == super::PREFIX
        || path
            .strip_prefix(super::PREFIX)
            .is_some_and(|r| r.starts_with('/'))
}

/// A request or call on its way: what is known before the answer.
pub struct Started {
    at: OffsetDateTime,
    started: Instant,
    direction: Direction,
    method: String,
    path: String,
    url: Option<String>,
    pub query: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
    cookies: Map<String, Value>,
    pub credentials: &'static str,
}

impl Started {
    /// A request arriving (its form, if any, is added by the caller).
    pub fn incoming(
        clock: &Clock,
        headers: &HeaderMap,
        method: &str,
        uri: &axum::http::Uri,
    ) -> Self {
        Self {
            at: clock.now_datetime(),
            started: Instant::now(),
            direction: Direction::Incoming,
            method: method.to_owned(),
            path: shown(uri.path()),
            url: None,
            query: pairs(uri.query().unwrap_or_default().as_bytes()),
            form: Vec::new(),
            cookies: cookies(headers),
            credentials: "none",
        }
    }

    /// A call the server makes to `url`, with its headers and form body (if it is a form).
    pub fn outgoing(
        clock: &Clock,
        method: &str,
        url: &url::Url,
        headers: &HeaderMap,
        form: Option<&[u8]>,
    ) -> Self {
        let query = pairs(url.query().unwrap_or_default().as_bytes());
        let form = form.map(pairs).unwrap_or_default();
        let mut shown = url.clone();
        shown.set_query(None);
        if !query.is_empty() {
            let masked = masked(&query);
            shown.query_pairs_mut().extend_pairs(
                masked
                    .iter()
                    .map(|(k, v)| (k, v.as_str().unwrap_or_default())),
            );
        }
        Self {
            at: clock.now_datetime(),
            started: Instant::now(),
            direction: Direction::Outgoing,
            method: method.to_owned(),
            path: self::shown(url.path()),
            url: Some(self::shown(shown.as_str())),
            credentials: credentials(headers, &form),
            query,
            form,
            cookies: cookies(headers),
        }
    }

    /// When the request started, as an [`Instant`] (to time it from earlier).
    pub fn since(mut self, started: Instant) -> Self {
        self.started = started;
        self
    }

    /// The entry, once the answer is known (`status` null: no answer).
    pub fn finish<E>(
        self,
        tag: Option<Tag<E>>,
        fault: Option<String>,
        status: Option<u16>,
    ) -> Entry<E> {
        let (endpoint, server, client_id) = match tag {
            Some(t) => (Some(t.endpoint), t.server, t.client_id),
            None => (None, None, None),
        };
        Entry {
            seq: 0,
            time: timestamp(self.at),
            direction: self.direction,
            method: self.method,
            path: self.path,
            url: self.url,
            endpoint,
            server,
            client_id: client_id.as_deref().map(shown),
            query: masked(&self.query),
            form: masked(&self.form),
            cookies: self.cookies,
            credentials: self.credentials,
            status,
            fault,
            duration_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            at: Some(self.at),
        }
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// The layer the composition root mounts once: reads the request (a form body is read
/// here and handed on), gives the route's tag a [`Probe`] (whose faults apply), and
/// journals the answer. Control requests pass untouched.
pub async fn observe<E: EndpointName>(
    State(control): State<Control<E>>,
    req: Request,
    next: Next,
) -> Response {
    if is_control(req.uri().path()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let mut seen = Started::incoming(
        &control.clock,
        &parts.headers,
        parts.method.as_str(),
        &parts.uri,
    );
    let body = if is_form(&parts.headers) {
        match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
            Ok(bytes) => {
                seen.form = pairs(&bytes);
                Body::from(bytes)
            }
            Err(err) => {
                tracing::debug!(%err, "form body could not be read");
                // Too large, or cut short: the server's refusal layer words it.
                let too_large = parts
                    .headers
                    .get(header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
                    .is_some_and(|len| len > crate::BODY_LIMIT);
                let status = if too_large {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                };
                let res = (status, "The request body could not be read.").into_response();
                control
                    .journal
                    .push(seen.finish(None, None, Some(status.as_u16())));
                return res;
            }
        }
    } else {
        body
    };
    seen.credentials = credentials(&parts.headers, &seen.form);
    let probe = Probe::new(
        control.clone(),
        client_id(&parts.headers, &seen.query, &seen.form),
    );
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(probe.clone());
    let res = next.run(req).await;
    let closed = res.extensions().get::<crate::CloseConnection>().is_some();
    let after = probe.seen();
    let status = (!closed).then(|| res.status().as_u16());
    control
        .journal
        .push(seen.finish(after.tag, after.fault, status));
    res
}

#[cfg(test)]
mod tests {
    use super::super::tests::Test;
    use super::*;

    #[test]
    fn secrets_show_a_prefix_and_length_only() {
        assert_eq!(mask("QnowT-aeawtOJKp-MtkH"), "Qnow...(20)");
        assert_eq!(mask("short"), "...(5)");
        let p = pairs(b"grant_type=authorization_code&code=QnowT-aeawtOJKp-MtkH&client_secret=s3cr3t-s3cr3t-s3cr3t&state=xyz");
        let m = masked(&p);
        assert_eq!(m["grant_type"], "authorization_code");
        assert_eq!(m["code"], "Qnow...(20)");
        assert_eq!(m["client_secret"], "s3cr...(20)");
        assert_eq!(m["state"], "xyz");
    }

    #[test]
    fn credential_schemes_are_told_apart() {
        let mut h = HeaderMap::new();
        assert_eq!(credentials(&h, &[]), "none");
        assert_eq!(
            credentials(&h, &pairs(b"client_id=a&client_secret=b")),
            "post"
        );
        let hs = format!(
            "{}.e30.sig",
            general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#)
        );
        let form = pairs(format!("client_assertion={hs}").as_bytes());
        assert_eq!(credentials(&h, &form), "client_secret_jwt");
        h.insert(header::AUTHORIZATION, "Basic YWJjOmRlZg==".parse().unwrap());
        assert_eq!(credentials(&h, &[]), "basic");
        assert_eq!(client_id(&h, &[], &[]).as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, "SSWS 00abc".parse().unwrap());
        assert_eq!(credentials(&h, &[]), "SSWS");
    }

    #[test]
    fn outgoing_calls_mask_their_url_and_form() {
        let url = url::Url::parse("https://idp.test/token?code=QnowT-aeawtOJKp-MtkH&x=1").unwrap();
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Basic YWJjOmRlZg==".parse().unwrap());
        let started = Started::outgoing(
            &Clock::default(),
            "POST",
            &url,
            &h,
            Some(b"grant_type=authorization_code&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r"),
        );
        let e = started.finish(
            Some(Tag {
                endpoint: Test::Outgoing,
                server: None,
                client_id: Some("abc".into()),
            }),
            None,
            Some(200),
        );
        assert_eq!(e.direction, Direction::Outgoing);
        assert_eq!(e.credentials, "basic");
        assert_eq!(
            e.url.as_deref(),
            Some("https://idp.test/token?code=Qnow...%2820%29&x=1")
        );
        assert_eq!(e.form["code_verifier"], "dBjf...(30)");
        assert_eq!(e.path, "/token");
    }

    #[test]
    fn large_requests_are_cut_and_the_ring_stays_within_its_byte_budget() {
        let long = "x".repeat(MAX_TEXT + 10);
        assert_eq!(
            shown(&long),
            format!("{}...({})", &long[..MAX_TEXT], MAX_TEXT + 10)
        );
        assert_eq!(shown("short"), "short");
        let many: String = (0..MAX_NAMES + 50)
            .map(|i| format!("p{i}={long}&"))
            .collect();
        let form = pairs(many.as_bytes());
        let m = masked(&form);
        assert_eq!(m.len(), MAX_NAMES);
        assert_eq!(m["p0"].as_str().map(str::len), Some(MAX_TEXT + 3 + 6));

        let j = Journal::<Test>::default();
        let clock = Clock::default();
        let big = |i: usize| {
            let uri: axum::http::Uri = format!("/{i}").parse().unwrap();
            let mut started = Started::incoming(&clock, &HeaderMap::new(), "POST", &uri);
            started.form = form.clone();
            started.finish(None, None, Some(400))
        };
        let weight = big(0).weight();
        assert!(weight > 100 * MAX_TEXT, "{weight}");
        let fits = BYTE_BUDGET / weight;
        for i in 0..fits + 20 {
            j.push(big(i));
        }
        let ring = j.lock();
        assert_eq!(ring.entries.len(), fits);
        assert!(ring.bytes <= BYTE_BUDGET);
        assert_eq!(
            ring.bytes,
            ring.entries.iter().map(Entry::weight).sum::<usize>()
        );
        assert_eq!(ring.entries[0].path, "/20", "the oldest went first");
    }

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let j = Journal::<Test>::default();
        let clock = Clock::default();
        for i in 0..CAPACITY + 5 {
            let uri: axum::http::Uri = format!("/{i}").parse().unwrap();
            j.push(
                Started::incoming(&clock, &HeaderMap::new(), "GET", &uri).finish(
                    None,
                    None,
                    Some(200),
                ),
            );
        }
        let all = j.list(&JournalFilter::default()).unwrap();
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].path, "/5");
        assert_eq!(all[0].seq, 6);
        let err = j
            .list(&JournalFilter {
                endpoint: Some("nope".into()),
                ..JournalFilter::default()
            })
            .unwrap_err();
        assert_eq!(err.0[0].field, "endpoint");
        assert!(
            j.list(&JournalFilter {
                since: Some("yesterday".into()),
                ..JournalFilter::default()
            })
            .is_err()
        );
    }

    #[test]
    fn control_paths_are_not_journaled() {
        assert!(is_control("/__mock"));
        assert!(is_control("/__mock/faults"));
        assert!(!is_control("/__mockery"));
        assert!(!is_control("/oauth2/v1/token"));
    }
}
