//! Entry points for the fuzz targets in `fuzz/` and for the test that replays their corpus
//! seeds and regressions (`tests/it/fuzz_regressions.rs`). Each takes arbitrary bytes, runs one
//! parser of request data and panics when the parser panics or breaks an invariant; a refused
//! input must come back as an error value. Not part of the API.

use std::sync::OnceLock;

use axum::http::{HeaderMap, header};
use serde_json::json;

use crate::{
    api::{ApiQuery, expressions, filter},
    clock::Clock,
    directory::{AppInput, Directory},
    oidc::{
        authorize::{Delivery, Denied, ResponseMode, deliver, validate},
        scopes,
    },
    params::Params,
    paths::{AuthServer, OrgUrls},
};

/// A `filter`/`search` expression (`/api/v1/users?filter=…`). A parsed expression renders back
/// to text that parses to the same expression; evaluating and checking it never recurses past
/// the nesting cap.
pub fn filter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match filter::parse(&text) {
        Ok(expr) => {
            let rendered = expr.to_string();
            match filter::parse(&rendered) {
                Ok(again) => assert_eq!(again, expr, "{text:?} rendered as {rendered:?}"),
                Err(e) => panic!("{text:?} parsed, its rendering {rendered:?} did not: {e:?}"),
            }
            let values = |attr: &str| vec![attr.to_owned(), "2026-01-01T00:00:00.000Z".to_owned()];
            let holds = expr.matches(&values);
            if let filter::Expr::Not(inner) = &expr {
                assert_eq!(holds, !inner.matches(&values), "{text:?}");
            }
            let attributes = expr.attributes();
            assert!(!attributes.is_empty(), "{text:?} names no attribute");
            assert!(expr.check(|a| attributes.contains(&a)).is_ok());
        }
        Err(filter::FilterError(why)) => assert!(!why.is_empty(), "{text:?}: an empty reason"),
    }
}

/// A query string or form body as the handlers read it: [`Params`] (browser and OIDC routes)
/// and [`ApiQuery`] (the Management API's `limit`, flags, `filter` and `search`). Re-encoded
/// parameters read back the same, and the first non-empty value is the one that counts.
pub fn params(data: &[u8]) {
    let params = Params::parse(data);
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.pairs())
        .finish();
    assert_eq!(
        Params::parse(encoded.as_bytes()),
        params,
        "re-encoded as {encoded:?}"
    );
    for (name, _) in params.pairs() {
        let first = params
            .pairs()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v);
        assert_eq!(
            params.get(name),
            first.map(String::as_str).filter(|v| !v.is_empty())
        );
    }

    let query = ApiQuery::parse(&String::from_utf8_lossy(data));
    let limit = query.limit(20, 200);
    if let Ok(n) = limit {
        assert!((1..=200).contains(&n), "limit {n}");
    }
    let _ = query.flag("activate", true);
    // Refused expressions come back as Okta's E0000031, never as a panic.
    if let Err(e) = expressions(&query, |a| a == "status" || a.starts_with("profile.")) {
        assert_eq!(e.code, "E0000031");
        assert!(!e.causes.is_empty());
    }
}

/// Client ids of the apps [`authorize`] checks requests against.
pub const WEB_CLIENT_ID: &str = "fuzz-web-client";
pub const SPA_CLIENT_ID: &str = "fuzz-spa-client";
/// The one redirect URI each of them has registered.
pub const WEB_REDIRECT_URI: &str = "https://app.example/callback";
pub const SPA_REDIRECT_URI: &str = "https://spa.example/cb?x=1";

fn org() -> &'static (Directory, OrgUrls) {
    static ORG: OnceLock<(Directory, OrgUrls)> = OnceLock::new();
    ORG.get_or_init(|| {
        let dir = Directory::new(Clock::default());
        for input in [
            json!({"name": "oidc_client", "label": "Web",
                "credentials": {"oauthClient": {"client_id": WEB_CLIENT_ID}},
                "settings": {"oauthClient": {"application_type": "web",
                    "redirect_uris": [WEB_REDIRECT_URI],
                    "grant_types": ["authorization_code", "implicit"],
                    "response_types": ["code", "token", "id_token"]}}}),
            json!({"name": "oidc_client", "label": "SPA",
                "credentials": {"oauthClient": {"client_id": SPA_CLIENT_ID,
                    "token_endpoint_auth_method": "none"}},
                "settings": {"oauthClient": {"application_type": "browser",
                    "redirect_uris": [SPA_REDIRECT_URI]}}}),
        ] {
            let input: AppInput = serde_json::from_value(input).expect("a valid app");
            dir.create_app(input, true).expect("the app is created");
        }
        (dir, OrgUrls::new("https://org.example"))
    })
}

/// An authorize request's query (`/oauth2/default/v1/authorize?…`, and the org server when
/// the first byte is odd), checked as the endpoint checks it, then delivered. An accepted
/// request or an error sent back to the client always goes to the app's registered redirect
/// URI; an accepted one has everything Okta requires of it.
pub fn authorize(data: &[u8]) {
    let (server, query) = match data.split_first() {
        Some((b, rest)) if b % 2 == 1 => (AuthServer::Org, rest),
        Some((_, rest)) => (AuthServer::DEFAULT, rest),
        None => (AuthServer::DEFAULT, data),
    };
    let params = Params::parse(query);
    let (dir, org) = org();
    let registered = |uri: &str| uri == WEB_REDIRECT_URI || uri == SPA_REDIRECT_URI;
    let delivery = match validate(params.pairs(), server, dir, org) {
        Ok(req) => {
            assert!(registered(&req.redirect_uri), "{req:?}");
            assert!(req.state.as_deref().is_some_and(|s| !s.is_empty()));
            assert!(!req.scopes.is_empty());
            assert!(req.scopes.iter().all(|s| scopes::known(dir, server, s)));
            if req.response_type.front_channel_tokens() {
                assert!(req.nonce.is_some(), "{req:?}");
                assert_ne!(req.mode, ResponseMode::Query, "{req:?}");
            }
            if let Some(c) = &req.code_challenge {
                assert!((43..=128).contains(&c.len()), "{c:?}");
            }
            Delivery {
                redirect_uri: req.redirect_uri,
                mode: req.mode,
                params: vec![("code".into(), "c".into())],
            }
        }
        Err(Denied::Redirect(d)) => {
            assert!(registered(&d.redirect_uri), "{d:?}");
            assert!(d.params.iter().any(|(k, _)| k == "error"));
            d
        }
        Err(Denied::Page(page)) => {
            assert!(!page.code.is_empty() && !page.description.is_empty());
            return;
        }
    };
    let (mode, redirect_uri) = (delivery.mode, delivery.redirect_uri.clone());
    let res = deliver(delivery, HeaderMap::new());
    if matches!(mode, ResponseMode::Query | ResponseMode::Fragment) {
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(location.starts_with(&redirect_uri), "{location:?}");
    }
}
