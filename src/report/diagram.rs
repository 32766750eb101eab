//! A scenario's exchanges as a sequence diagram: [`hops`] reads both servers' journals into
//! who called whom, in order, with the parameters that matter; [`rows`] puts each step's
//! line before the hops it made; [`svg`] draws them.
//!
//! konnect-stub journals the requests it answered and the calls it made to the provider;
//! mock-okta journals the requests it answered. A call Konnect made is drawn once, from its
//! own entry, with what Okta saw of it (a fault Okta injected, say); Okta's other requests
//! came from the browser, or, with an API token or on `/__mock`, from the test itself.

use serde_json::{Map, Value};
use server_kit::control::clock::parse_timestamp;

/// Who takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The scenario's own API and test-control calls.
    Test,
    Browser,
    Konnect,
    Okta,
}

impl Party {
    pub const ALL: [Party; 4] = [Party::Test, Party::Browser, Party::Konnect, Party::Okta];

    pub fn name(self) -> &'static str {
        match self {
            Self::Test => "Test",
            Self::Browser => "Browser",
            Self::Konnect => "Konnect",
            Self::Okta => "Okta",
        }
    }

    fn column(self) -> usize {
        match self {
            Self::Test => 0,
            Self::Browser => 1,
            Self::Konnect => 2,
            Self::Okta => 3,
        }
    }
}

/// One request and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub from: Party,
    pub to: Party,
    pub method: String,
    pub path: String,
    /// `None`: the connection was closed (or the call got no answer).
    pub status: Option<u16>,
    /// The parameters that matter, `name=value`, secrets as the journal masked them.
    pub params: Vec<String>,
    /// The id of the fault that answered instead of the endpoint.
    pub fault: Option<String>,
    /// Time on the wall clock (the server's clock less its offset), milliseconds.
    at_ms: i128,
}

impl Hop {
    /// `302`, `closed`, …
    pub fn answer(&self) -> String {
        match self.status {
            Some(s) if (300..400).contains(&s) => format!("{s} redirect"),
            Some(s) => s.to_string(),
            None => "connection closed".to_owned(),
        }
    }

    /// The first line of the hop's label.
    pub fn label(&self) -> String {
        format!("{} {} → {}", self.method, self.path, self.answer())
    }
}

/// Query and form parameters worth showing, in this order.
const SHOWN: &[&str] = &[
    "grant_type",
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge_method",
    "code",
    "code_verifier",
    "error",
    "error_description",
    "fromURI",
    "iss",
];

/// The client authentication a token request used, in OAuth's words.
fn client_auth(credentials: &str) -> Option<&'static str> {
    Some(match credentials {
        "basic" => "client_secret_basic",
        "post" => "client_secret_post",
        "client_secret_jwt" => "client_secret_jwt",
        "private_key_jwt" => "private_key_jwt",
        _ => return None,
    })
}

fn text<'a>(entry: &'a Value, key: &str) -> &'a str {
    entry.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn params(entry: &Value) -> Vec<String> {
    let empty = Map::new();
    let map = |key| entry.get(key).and_then(Value::as_object).unwrap_or(&empty);
    let (query, form) = (map("query"), map("form"));
    let mut out: Vec<String> = SHOWN
        .iter()
        .filter_map(|name| {
            let v = query.get(*name).or_else(|| form.get(*name))?.as_str()?;
            Some(format!("{name}={}", short(v)))
        })
        .collect();
    if let Some(auth) = client_auth(text(entry, "credentials")) {
        out.push(format!("client auth: {auth}"));
    }
    out
}

/// Long values (a redirect URI, a state) cut so a hop stays on one line.
fn short(v: &str) -> String {
    const MAX: usize = 48;
    match v.char_indices().nth(MAX) {
        None => v.to_owned(),
        Some((end, _)) => format!("{}…", &v[..end]),
    }
}

/// The entry's time on its server's clock, in milliseconds.
fn server_ms(entry: &Value) -> i128 {
    parse_timestamp(text(entry, "time"))
        .map(|t| t.unix_timestamp_nanos() / 1_000_000)
        .unwrap_or_default()
}

fn hop(entry: &Value, from: Party, to: Party, path: String, offset_s: i64) -> Hop {
    let at_ms = server_ms(entry) - i128::from(offset_s) * 1000;
    Hop {
        from,
        to,
        method: text(entry, "method").to_owned(),
        path,
        status: entry
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        params: params(entry),
        fault: entry
            .get("fault")
            .and_then(Value::as_str)
            .map(str::to_owned),
        at_ms,
    }
}

/// Test control and API calls come from the test, not the browser.
fn from_test(entry: &Value) -> bool {
    text(entry, "path").starts_with("/__mock")
        || matches!(text(entry, "credentials"), "SSWS" | "Bearer")
}

/// Who called whom, oldest first. `offsets` are the servers' clock offsets in seconds
/// (Okta's, Konnect's) at the end of the scenario. Test control is not journaled, so where a
/// clock was moved is read from the journal itself: the first gap between two entries at least
/// as long as the offset. The offset is taken off the entries from there on, so both journals
/// line up in wall time.
pub fn hops(okta: &[Value], konnect: &[Value], offsets: (i64, i64)) -> Vec<Hop> {
    let moved = |journal: &[Value], offset: i64| -> Option<usize> {
        if offset <= 0 {
            return None;
        }
        let times: Vec<i128> = journal.iter().map(server_ms).collect();
        (1..times.len()).find(|&i| times[i] - times[i - 1] >= i128::from(offset) * 1000)
    };
    let (okta_moved, konnect_moved) = (moved(okta, offsets.0), moved(konnect, offsets.1));
    let offset_at = |moved: Option<usize>, i: usize, offset: i64| match moved {
        Some(m) if i >= m => offset,
        _ => 0,
    };
    let konnect_offset = |i| offset_at(konnect_moved, i, offsets.1);
    let okta_offset = |j| offset_at(okta_moved, j, offsets.0);
    let mut okta_seen = vec![false; okta.len()];
    let mut out = Vec::new();
    for (i, e) in konnect.iter().enumerate() {
        let offset = konnect_offset(i);
        if text(e, "direction") == "outgoing" {
            let path = text(e, "path").to_owned();
            let mut h = hop(e, Party::Konnect, Party::Okta, path.clone(), offset);
            // What Okta saw of this call: the first one of its kind not yet drawn.
            if let Some(j) = okta.iter().enumerate().position(|(j, o)| {
                !okta_seen[j]
                    && !from_test(o)
                    && text(o, "method") == h.method
                    && text(o, "path") == path
            }) {
                okta_seen[j] = true;
                h.fault = h.fault.or_else(|| {
                    okta[j]
                        .get("fault")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                });
                if h.params.is_empty() {
                    h.params = params(&okta[j]);
                }
            }
            out.push(h);
        } else {
            let from = if from_test(e) {
                Party::Test
            } else {
                Party::Browser
            };
            out.push(hop(
                e,
                from,
                Party::Konnect,
                text(e, "path").to_owned(),
                offset,
            ));
        }
    }
    for (j, e) in okta.iter().enumerate() {
        if okta_seen[j] {
            continue;
        }
        let from = if from_test(e) {
            Party::Test
        } else {
            Party::Browser
        };
        let offset = okta_offset(j);
        out.push(hop(
            e,
            from,
            Party::Okta,
            text(e, "path").to_owned(),
            offset,
        ));
    }
    // Stable: within one millisecond, each journal's entries keep their order.
    out.sort_by_key(|h| h.at_ms);
    out
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const COLUMN: usize = 230;
const MARGIN: usize = 90;
const HEAD: usize = 40;
/// A hop's height without parameters, and each line of parameters.
const ROW: usize = 30;
const PARAM_LINE: usize = 12;
/// About how wide a character of the parameters' 9.5 px text is.
const CHAR_PX: usize = 6;

/// The parameters in lines of at most `max` characters (a longer single one stays whole).
fn wrap(params: &[String], max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in params {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 2 + p.chars().count() <= max => {
                line.push_str("  ");
                line.push_str(p);
            }
            _ => lines.push(p.clone()),
        }
    }
    lines
}

/// One row of the diagram: a step starting, or a hop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Row<'a> {
    /// `When I log in to Okta as a member`.
    Step(&'a str),
    Hop(&'a Hop),
}

/// The hops with each step's line before the first hop that started after it. `steps` are
/// the steps' start times (milliseconds since 1970 on the wall clock) and texts, in order.
pub fn rows<'a>(hops: &'a [Hop], steps: &'a [(i128, String)]) -> Vec<Row<'a>> {
    let mut out = Vec::with_capacity(hops.len() + steps.len());
    let mut next = steps.iter().peekable();
    for h in hops {
        while let Some((_, text)) = next.next_if(|(at, _)| *at <= h.at_ms) {
            out.push(Row::Step(text));
        }
        out.push(Row::Hop(h));
    }
    out.extend(next.map(|(_, text)| Row::Step(text)));
    out
}

/// The height of a step's line.
const STEP_ROW: usize = 20;

/// The rows as an inline SVG: a lifeline per party; a shaded line per step; an arrow per
/// request, labelled with its method, path and answer, the parameters that matter under it;
/// an answer of 4xx, 5xx or a closed connection in red, an injected fault said as such.
pub fn svg(rows: &[Row<'_>]) -> String {
    let width = MARGIN * 2 + COLUMN * (Party::ALL.len() - 1);
    let x = |p: Party| MARGIN + COLUMN * p.column();
    // Parameters centred under their arrow, in lines that stay inside the picture.
    let laid: Vec<(usize, Vec<String>)> = rows
        .iter()
        .map(|row| match row {
            Row::Step(_) => (0, Vec::new()),
            Row::Hop(h) => {
                let mid = (x(h.from) + x(h.to)) / 2;
                let room = 2 * mid.min(width - mid) / CHAR_PX;
                (mid, wrap(&h.params, room.max(20)))
            }
        })
        .collect();
    let row_height = |row: &Row<'_>, lines: &[String]| match row {
        Row::Step(_) => STEP_ROW,
        Row::Hop(_) => ROW + PARAM_LINE * lines.len(),
    };
    let height = HEAD
        + rows
            .iter()
            .zip(&laid)
            .map(|(row, (_, lines))| row_height(row, lines))
            .sum::<usize>()
        + 10;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" \
         font-size=\"11\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
         markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>"
    );
    for p in Party::ALL {
        let px = x(p);
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"4\" width=\"110\" height=\"22\" rx=\"4\" fill=\"#eef\" \
             stroke=\"#88a\"/><text x=\"{px}\" y=\"19\" text-anchor=\"middle\" \
             font-weight=\"bold\">{}</text><line x1=\"{px}\" y1=\"26\" x2=\"{px}\" \
             y2=\"{height}\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>",
            px - 55,
            p.name()
        ));
    }
    let mut top = HEAD;
    for (row, (mid, lines)) in rows.iter().zip(&laid) {
        let h = match row {
            Row::Step(text) => {
                s.push_str(&format!(
                    "<g class=\"step\"><rect x=\"0\" y=\"{top}\" width=\"{width}\" \
                     height=\"{}\" fill=\"#e5e7eb\" fill-opacity=\"0.7\"/><text x=\"6\" \
                     y=\"{}\" font-style=\"italic\" fill=\"#374151\">▸ {}</text></g>",
                    STEP_ROW - 2,
                    top + 13,
                    esc(text)
                ));
                top += STEP_ROW;
                continue;
            }
            Row::Hop(h) => h,
        };
        let y = top + 18;
        let (x1, x2) = (x(h.from), x(h.to));
        let bad = h.fault.is_some() || h.status.is_none_or(|s| s >= 400);
        let colour = if bad { "#c00" } else { "#333" };
        let mut label = h.label();
        if let Some(f) = &h.fault {
            label = format!("⚡ fault {f}: {label}");
        }
        s.push_str(&format!(
            "<g class=\"hop\"><text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" \
             fill=\"{colour}\">{}</text><line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" \
             stroke=\"{colour}\" marker-end=\"url(#arrow)\"/>",
            y - 4,
            esc(&label)
        ));
        for (i, line) in lines.iter().enumerate() {
            s.push_str(&format!(
                "<text x=\"{mid}\" y=\"{}\" text-anchor=\"middle\" fill=\"#666\" \
                 font-size=\"9.5\">{}</text>",
                y + 12 + PARAM_LINE * i,
                esc(line)
            ));
        }
        s.push_str("</g>");
        top += ROW + PARAM_LINE * lines.len();
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn entry(seq: u64, time: &str, method: &str, path: &str, status: Option<u16>) -> Value {
        json!({"seq": seq, "time": time, "direction": "incoming", "method": method,
               "path": path, "url": null, "query": {}, "form": {}, "cookies": {},
               "credentials": "none", "status": status, "fault": null, "duration_ms": 1})
    }

    /// A login: the browser at Konnect, redirected to Okta's authorize, back to Konnect,
    /// which redeems the code at Okta; and a control call of the test.
    fn login() -> (Vec<Value>, Vec<Value>) {
        let mut start = entry(
            1,
            "2026-12-03T06:00:00.000Z",
            "GET",
            "/login/acme",
            Some(302),
        );
        start["cookies"] = json!({});
        let mut callback = entry(2, "2026-12-03T06:00:00.300Z", "GET", "/login", Some(302));
        callback["query"] = json!({"code": "...(22)", "state": "st4te"});
        let mut token = entry(
            3,
            "2026-12-03T06:00:00.310Z",
            "POST",
            "/oauth2/default/v1/token",
            Some(503),
        );
        token["direction"] = json!("outgoing");
        token["url"] = json!("http://127.0.0.1:9/oauth2/default/v1/token");
        token["credentials"] = json!("basic");
        token["form"] = json!({"grant_type": "authorization_code", "code": "...(22)"});
        let konnect = vec![start, callback, token];

        let mut authorize = entry(
            1,
            "2026-12-03T06:00:00.100Z",
            "GET",
            "/oauth2/default/v1/authorize",
            Some(302),
        );
        authorize["query"] = json!({"state": "st4te", "code_challenge_method": "S256",
                                    "response_type": "code"});
        let mut fault = entry(
            2,
            "2026-12-03T05:59:59.000Z",
            "POST",
            "/__mock/faults",
            Some(201),
        );
        fault["credentials"] = json!("SSWS");
        let mut seen = entry(
            3,
            "2026-12-03T06:00:00.315Z",
            "POST",
            "/oauth2/default/v1/token",
            Some(503),
        );
        seen["credentials"] = json!("basic");
        seen["fault"] = json!("f-1");
        (vec![authorize, fault, seen], konnect)
    }

    #[test]
    fn a_login_reads_as_browser_konnect_and_okta_hops_in_time_order() {
        let (okta, konnect) = login();
        let hops = hops(&okta, &konnect, (0, 0));
        let seen: Vec<_> = hops
            .iter()
            .map(|h| (h.from, h.to, h.method.as_str(), h.path.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (Party::Test, Party::Okta, "POST", "/__mock/faults"),
                (Party::Browser, Party::Konnect, "GET", "/login/acme"),
                (
                    Party::Browser,
                    Party::Okta,
                    "GET",
                    "/oauth2/default/v1/authorize"
                ),
                (Party::Browser, Party::Konnect, "GET", "/login"),
                // Konnect's call, drawn once, with the fault Okta injected.
                (
                    Party::Konnect,
                    Party::Okta,
                    "POST",
                    "/oauth2/default/v1/token"
                ),
            ]
        );
        let token = &hops[4];
        assert_eq!(token.fault.as_deref(), Some("f-1"));
        assert!(
            token
                .params
                .contains(&"client auth: client_secret_basic".to_owned()),
            "{:?}",
            token.params
        );
        assert!(token.params.contains(&"code=...(22)".to_owned()));
        assert_eq!(
            hops[2].params,
            [
                "response_type=code",
                "state=st4te",
                "code_challenge_method=S256"
            ]
        );
        assert_eq!(hops[1].answer(), "302 redirect");
    }

    #[test]
    fn entries_after_a_clock_move_line_up_in_wall_time() {
        let okta = vec![
            entry(
                1,
                "2026-12-03T06:00:00.000Z",
                "GET",
                "/app/UserHome",
                Some(200),
            ),
            // Okta's clock moved 13 hours here: 1.2 s later on the wall.
            entry(
                2,
                "2026-12-03T19:00:01.200Z",
                "GET",
                "/oauth2/default/v1/authorize",
                Some(302),
            ),
        ];
        let konnect = vec![
            entry(
                1,
                "2026-12-03T06:00:00.500Z",
                "GET",
                "/login/acme",
                Some(302),
            ),
            // After Okta's authorize on the wall; Konnect's clock was not moved.
            entry(2, "2026-12-03T06:00:01.300Z", "GET", "/login", Some(302)),
        ];
        let paths = |offsets| -> Vec<String> {
            hops(&okta, &konnect, offsets)
                .into_iter()
                .map(|h| h.path)
                .collect()
        };
        assert_eq!(
            paths((13 * 3600, 0)),
            [
                "/app/UserHome",
                "/login/acme",
                "/oauth2/default/v1/authorize",
                "/login"
            ]
        );
        // Taken at its word, Okta's clock would put its authorize last.
        assert_eq!(
            paths((0, 0)).last().unwrap(),
            "/oauth2/default/v1/authorize"
        );
    }

    #[test]
    fn the_svg_draws_a_lifeline_per_party_and_an_arrow_per_hop_with_faults_in_red() {
        let (okta, konnect) = login();
        let hops = hops(&okta, &konnect, (0, 0));
        let svg = svg(&rows(&hops, &[]));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        for p in Party::ALL {
            assert!(
                svg.contains(&format!(">{}</text>", p.name())),
                "{}",
                p.name()
            );
        }
        assert_eq!(svg.matches("<g class=\"hop\">").count(), hops.len());
        assert!(!svg.contains("class=\"step\""));
        assert!(svg.contains("⚡ fault f-1: POST /oauth2/default/v1/token → 503"));
        assert!(svg.contains("fill=\"#c00\""));
        assert!(svg.contains("GET /login/acme → 302 redirect"));
    }

    #[test]
    fn each_step_comes_before_the_first_hop_that_started_after_it() {
        let (okta, konnect) = login();
        let hops = hops(&okta, &konnect, (0, 0));
        let at = |h: &Hop| h.at_ms;
        let steps = vec![
            (at(&hops[0]) - 5, "Given a fault".to_owned()),
            // Two steps between the same hops, and one after every hop.
            (at(&hops[2]) + 1, "When one".to_owned()),
            (at(&hops[2]) + 2, "And two".to_owned()),
            (
                at(&hops[4]) + 1,
                "Then nothing went over the wire".to_owned(),
            ),
        ];
        let rows = rows(&hops, &steps);
        let shape: Vec<String> = rows
            .iter()
            .map(|r| match r {
                Row::Step(t) => t.to_string(),
                Row::Hop(h) => h.path.clone(),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "Given a fault",
                "/__mock/faults",
                "/login/acme",
                "/oauth2/default/v1/authorize",
                "When one",
                "And two",
                "/login",
                "/oauth2/default/v1/token",
                "Then nothing went over the wire",
            ]
        );
        let svg = svg(&rows);
        assert_eq!(svg.matches("<g class=\"step\">").count(), 4);
        assert!(svg.contains("▸ Then nothing went over the wire</text>"));
        assert_eq!(svg.matches("<g class=\"hop\">").count(), hops.len());
    }

    #[test]
    fn parameters_wrap_into_lines_that_fit() {
        let p: Vec<String> = ["a=1", "bb=22", "ccc=333"].map(String::from).to_vec();
        assert_eq!(super::wrap(&p, 10), ["a=1  bb=22", "ccc=333"]);
        assert_eq!(super::wrap(&p, 100), ["a=1  bb=22  ccc=333"]);
        assert_eq!(super::wrap(&p, 2), ["a=1", "bb=22", "ccc=333"]);
        assert!(super::wrap(&[], 10).is_empty());
    }

    #[test]
    fn labels_are_escaped_and_a_closed_connection_is_said() {
        let mut e = entry(1, "2026-12-03T06:00:00.000Z", "GET", "/a<b>&\"c\"", None);
        e["query"] = json!({"state": "x".repeat(60)});
        let hops = hops(&[e], &[], (0, 0));
        assert_eq!(hops[0].answer(), "connection closed");
        assert_eq!(hops[0].params, [format!("state={}…", "x".repeat(48))]);
        let steps = [(0, "When <b>".to_owned())];
        let svg = svg(&rows(&hops, &steps));
        assert!(svg.contains("▸ When &lt;b&gt;"), "{svg}");
        assert!(svg.contains("/a&lt;b&gt;&amp;&quot;c&quot;"), "{svg}");
        assert!(!svg.contains("<b>"));
    }
}
