//! The journal: every request the server saw, oldest first, with secrets masked, in a ring
//! of at most [`CAPACITY`] entries and [`BYTE_BUDGET`] bytes of their text, long values cut
//! to [`MAX_TEXT`] characters. [`observe`] is the layer the composition root mounts once.

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

use super::endpoint::{Endpoint, ORG_SERVER, Probe, Tag};
use crate::{
    clock::okta_timestamp,
    params::{Params, is_form},
    state::AppState,
};

/// How many entries the journal keeps; older ones are dropped first.
pub const CAPACITY: usize = 10_000;
/// How many bytes of text (paths, parameters, cookie names) the journal keeps, counting a
/// fixed [`ENTRY_OVERHEAD`] per entry; past it older entries are dropped first, so requests
/// with large forms or queries cannot make the ring hold gigabytes.
pub const BYTE_BUDGET: usize = 8 * 1024 * 1024;
/// What an entry costs besides its text (the struct, its maps, the ring's slot).
pub const ENTRY_OVERHEAD: usize = 512;
/// A path, name or value longer than this many characters is kept as its first
/// `MAX_TEXT` characters followed by `...(length)`.
pub const MAX_TEXT: usize = 1024;
/// Distinct parameter or cookie names kept per entry and map, the first ones.
pub const MAX_NAMES: usize = 100;

/// One request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Increases by one per request, from 1.
    pub seq: u64,
    /// The server's time when the request arrived, as Okta writes timestamps.
    pub time: String,
    pub method: String,
    pub path: String,
    /// The endpoint's name; null for pages and paths without one.
    pub endpoint: Option<Endpoint>,
    /// `org` or the custom server's id, for OIDC endpoints.
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
    /// The status answered; null when the connection was closed instead.
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
    pub fn endpoint(endpoint: Endpoint) -> Self {
        Self {
            endpoint: Some(endpoint.as_str().to_owned()),
            ..Self::default()
        }
    }
}

impl Entry {
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
            + text(&self.server)
            + text(&self.client_id)
            + text(&self.fault)
            + map(&self.query)
            + map(&self.form)
            + map(&self.cookies)
    }
}

#[derive(Default)]
struct Ring {
    entries: VecDeque<Entry>,
    /// The sum of the entries' [`Entry::weight`].
    bytes: usize,
}

/// The ring of entries.
#[derive(Clone, Default)]
pub struct Journal {
    ring: Arc<Mutex<Ring>>,
    seq: Arc<AtomicU64>,
}

impl Journal {
    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, mut entry: Entry) {
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
    pub fn list(&self, filter: &JournalFilter) -> Result<Vec<Entry>, String> {
        let endpoint = match filter.endpoint.as_deref() {
            None | Some("") => None,
            Some(name) => Some(
                Endpoint::parse(name)
                    .ok_or_else(|| format!("endpoint: '{name}' is not an endpoint"))?,
            ),
        };
        let since = match filter.since.as_deref() {
            None | Some("") => None,
            Some(t) => Some(
                crate::clock::parse_timestamp(t)
                    .ok_or_else(|| format!("since: '{t}' is not an RFC 3339 time"))?,
            ),
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

/// `text` as the journal keeps it: cut to [`MAX_TEXT`] characters, with the length after.
fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}...({})", &text[..end], text.chars().count()),
    }
}

fn masked(params: &Params) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in params.pairs() {
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
fn jwt_part(jwt: &str, i: usize) -> Option<serde_json::Value> {
    let seg = jwt.split('.').nth(i)?;
    serde_json::from_slice(&general_purpose::URL_SAFE_NO_PAD.decode(seg).ok()?).ok()
}

/// Which credential scheme the request used.
fn credentials(headers: &HeaderMap, form: &Params) -> &'static str {
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
    if let Some(jwt) = form.get("client_assertion") {
        let alg = jwt_part(jwt, 0)
            .and_then(|h| h.get("alg").and_then(|a| a.as_str()).map(str::to_owned))
            .unwrap_or_default();
        return if alg.starts_with("HS") {
            "client_secret_jwt"
        } else {
            "private_key_jwt"
        };
    }
    if form.get("client_secret").is_some() {
        return "post";
    }
    "none"
}

/// The client id the request names: in the query, the form, the Basic user or the client
/// assertion's subject.
fn client_id(headers: &HeaderMap, query: &Params, form: &Params) -> Option<String> {
    if let Some(id) = query.get("client_id").or_else(|| form.get("client_id")) {
        return Some(id.to_owned());
    }
    if let Some(basic) = authorization(headers).and_then(|v| scheme_is(v, "Basic ")) {
        let decoded = general_purpose::STANDARD.decode(basic).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let id = text.split_once(':').map_or(text.as_str(), |(id, _)| id);
        let id = url::form_urlencoded::parse(format!("x={id}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())?;
        return Some(id);
    }
    let jwt = form.get("client_assertion")?;
    jwt_part(jwt, 1)?.get("sub")?.as_str().map(str::to_owned)
}

/// Whether a path is the control surface itself (neither journaled nor faulted).
pub fn is_control(path: &str) -> bool {
    path == super::PREFIX
        || path
            .strip_prefix(super::PREFIX)
            .is_some_and(|r| r.starts_with('/'))
}

/// What the layer read before the handler.
struct Incoming {
    at: OffsetDateTime,
    started: Instant,
    method: String,
    path: String,
    query: Params,
    form: Params,
    cookies: Map<String, Value>,
    credentials: &'static str,
}

impl Incoming {
    fn read(state: &AppState, headers: &HeaderMap, method: &str, uri: &axum::http::Uri) -> Self {
        Self {
            at: state.clock.now_datetime(),
            started: Instant::now(),
            method: method.to_owned(),
            path: shown(uri.path()),
            query: Params::from_query(uri.query()),
            form: Params::default(),
            cookies: cookies(headers),
            credentials: "none",
        }
    }

    fn finish(self, tag: Option<Tag>, fault: Option<String>, status: Option<u16>) -> Entry {
        let (endpoint, server, client_id) = match tag {
            Some(t) => (Some(t.endpoint), t.server, t.client_id),
            None => (None, None, None),
        };
        Entry {
            seq: 0,
            time: okta_timestamp(self.at),
            method: self.method,
            path: self.path,
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

/// The layer the composition root mounts once: reads the request (a form body is read
/// here and handed on), gives the route's tag a [`Probe`] (whose faults apply), and
/// journals the answer.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if is_control(req.uri().path()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let mut seen = Incoming::read(&state, &parts.headers, parts.method.as_str(), &parts.uri);
    let body = if is_form(&parts.headers) {
        match axum::body::to_bytes(body, server_kit::BODY_LIMIT).await {
            Ok(bytes) => {
                seen.form = Params::parse(&bytes);
                Body::from(bytes)
            }
            Err(err) => {
                tracing::debug!(%err, "form body could not be read");
                let res = (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The request body could not be read.",
                )
                    .into_response();
                state
                    .control
                    .journal
                    .push(seen.finish(None, None, Some(413)));
                return res;
            }
        }
    } else {
        body
    };
    seen.credentials = credentials(&parts.headers, &seen.form);
    let probe = Probe::new(
        state.control.clone(),
        client_id(&parts.headers, &seen.query, &seen.form),
    );
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(probe.clone());
    let res = next.run(req).await;
    let closed = res
        .extensions()
        .get::<server_kit::CloseConnection>()
        .is_some();
    let after = probe.seen();
    let status = (!closed).then(|| res.status().as_u16());
    state
        .control
        .journal
        .push(seen.finish(after.tag, after.fault, status));
    res
}

/// The discovery fast path, kept honest: it steps aside (the router answers, with faults)
/// while a discovery fault is set, journals what it answers, and dates it by the server's
/// clock as the router's answers are.
pub fn fast_path(
    state: &AppState,
    req: &axum::http::Request<hyper::body::Incoming>,
    inner: impl Fn(&AppState, &axum::http::Request<hyper::body::Incoming>) -> Option<Response>,
) -> Option<Response> {
    // Every request passes here first: nothing is looked at until the fast path has
    // answered (a discovery document is cached bytes, cheap to throw away).
    let started = Instant::now();
    let mut res = inner(state, req)?;
    if state.control.faults.any_for(Endpoint::Discovery) {
        return None;
    }
    let mut seen = Incoming::read(state, req.headers(), req.method().as_str(), req.uri());
    seen.started = started;
    crate::web::date(res.headers_mut(), &state.clock);
    seen.credentials = credentials(req.headers(), &seen.form);
    let server = match req.uri().path().strip_prefix("/oauth2/") {
        Some(rest) => rest.split('/').next().unwrap_or_default().to_owned(),
        None => ORG_SERVER.to_owned(),
    };
    let tag = Tag {
        endpoint: Endpoint::Discovery,
        server: Some(server),
        client_id: seen.query.get("client_id").map(str::to_owned),
    };
    state
        .control
        .journal
        .push(seen.finish(Some(tag), None, Some(res.status().as_u16())));
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_show_a_prefix_and_length_only() {
        assert_eq!(mask("QnowT-aeawtOJKp-MtkH"), "Qnow...(20)");
        assert_eq!(mask("short"), "...(5)");
        let p = Params::parse(b"grant_type=authorization_code&code=QnowT-aeawtOJKp-MtkH&client_secret=s3cr3t-s3cr3t-s3cr3t&state=xyz");
        let m = masked(&p);
        assert_eq!(m["grant_type"], "authorization_code");
        assert_eq!(m["code"], "Qnow...(20)");
        assert_eq!(m["client_secret"], "s3cr...(20)");
        assert_eq!(m["state"], "xyz");
    }

    #[test]
    fn credential_schemes_are_told_apart() {
        let mut h = HeaderMap::new();
        assert_eq!(credentials(&h, &Params::default()), "none");
        assert_eq!(
            credentials(&h, &Params::parse(b"client_id=a&client_secret=b")),
            "post"
        );
        let hs = format!(
            "{}.e30.sig",
            general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256"}"#)
        );
        let form = Params::parse(format!("client_assertion={hs}").as_bytes());
        assert_eq!(credentials(&h, &form), "client_secret_jwt");
        h.insert(header::AUTHORIZATION, "Basic YWJjOmRlZg==".parse().unwrap());
        assert_eq!(credentials(&h, &Params::default()), "basic");
        assert_eq!(
            client_id(&h, &Params::default(), &Params::default()).as_deref(),
            Some("abc")
        );
        h.insert(header::AUTHORIZATION, "SSWS 00abc".parse().unwrap());
        assert_eq!(credentials(&h, &Params::default()), "SSWS");
    }

    fn entry(path: &str) -> Entry {
        Entry {
            seq: 0,
            time: String::new(),
            method: "GET".into(),
            path: path.into(),
            endpoint: None,
            server: None,
            client_id: None,
            query: Map::new(),
            form: Map::new(),
            cookies: Map::new(),
            credentials: "none",
            status: Some(200),
            fault: None,
            duration_ms: 0,
            at: None,
        }
    }

    #[test]
    fn the_ring_keeps_the_newest_entries() {
        let j = Journal::default();
        for i in 0..CAPACITY + 5 {
            j.push(entry(&format!("/{i}")));
        }
        let all = j.list(&JournalFilter::default()).unwrap();
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].path, "/5");
        assert_eq!(all[0].seq, 6);
        assert!(
            j.list(&JournalFilter {
                endpoint: Some("nope".into()),
                ..JournalFilter::default()
            })
            .is_err()
        );
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
        let m = masked(&Params::parse(many.as_bytes()));
        assert_eq!(m.len(), MAX_NAMES);
        assert_eq!(m["p0"].as_str().map(str::len), Some(MAX_TEXT + 3 + 6));

        let j = Journal::default();
        let big = |i: usize| {
            let mut e = entry(&format!("/{i}"));
            e.form = m.clone();
            e
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
    fn control_paths_are_not_journaled() {
        assert!(is_control("/__mock"));
        assert!(is_control("/__mock/faults"));
        assert!(!is_control("/__mockery"));
        assert!(!is_control("/oauth2/v1/token"));
    }
}
