//! Every link mock-okta advertises is served: a test walks every `_links` href of every
//! resource the Management API shows and asks for it with each method its hints allow (a
//! link without hints, as Okta writes an app's `deactivate`, is taken by GET or POST), and
//! none answers 404 or 405.

use std::collections::BTreeSet;

use super::*;
use crate::support::{USER, sign_in_at};

/// A link without hints: GET, or POST when GET is not allowed.
const ANY: &str = "GET or POST";

/// Every `(method, href)` under any `_links` in `v`.
fn links(v: &Value, out: &mut BTreeSet<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                if k == "_links" {
                    link_values(val, out);
                } else {
                    links(val, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| links(i, out)),
        _ => {}
    }
}

fn link_values(v: &Value, out: &mut BTreeSet<(String, String)>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| link_values(i, out)),
        Value::Object(map) if map.contains_key("href") => {
            let href = map["href"].as_str().unwrap_or_default().to_owned();
            let mut methods: Vec<String> = map
                .get("hints")
                .and_then(|h| h["allow"].as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|m| m.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(m) = map.get("method").and_then(Value::as_str) {
                methods.push(m.to_owned());
            }
            if methods.is_empty() {
                methods.push(ANY.to_owned());
            }
            for m in methods {
                out.insert((m, href.clone()));
            }
        }
        Value::Object(map) => map.values().for_each(|i| link_values(i, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_advertised_link_is_served() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code", "refresh_token"]).await;
    let user = create_user(&h, "linked@example.com", true).await;
    let uid = user["id"].as_str().unwrap().to_owned();
    let staged = create_user(&h, "staged-links@example.com", false).await;
    let sid = staged["id"].as_str().unwrap().to_owned();
    let everyone = everyone_id(&h).await;
    call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{}/users", app.id),
        Some(json!({"id": uid})),
    )
    .await;
    call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{}/grants", app.id),
        Some(json!({"issuer": h.base, "scopeId": "okta.users.read"})),
    )
    .await;
    call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{}/credentials/secrets", app.id),
        Some(json!({"status": "INACTIVE"})),
    )
    .await;
    h.add_scope(json!({"name": "orders:read"})).await;
    call(
        &h,
        Method::POST,
        "/api/v1/trustedOrigins",
        Some(json!({"name": "Portal",
        "origin": "https://portal.example.test", "scopes": [{"type": "CORS"}]})),
    )
    .await;
    let (browser, _) = sign_in_at(&h, "/app/UserHome", USER.0, USER.1).await;
    let me = browser.get(h.url("/api/v1/sessions/me")).reply().await.json;
    // Another session for `/api/v1/sessions/{id}`, so ending one leaves the other.
    let (other, _) = sign_in_at(&h, "/app/UserHome", USER.0, USER.1).await;
    let other = other.get(h.url("/api/v1/sessions/me")).reply().await.json;
    let session_id = other["id"].as_str().unwrap().to_owned();

    let server = call(
        &h,
        Method::POST,
        "/api/v1/authorizationServers",
        Some(json!({"name": "Orders", "description": "Orders API", "audiences": ["api://orders"]})),
    )
    .await
    .json;
    let server_id = server["id"].as_str().unwrap().to_owned();
    let policies = get(&h, "/api/v1/authorizationServers/default/policies")
        .await
        .json;
    let policy = policies[0]["id"].as_str().unwrap().to_owned();
    let mut resources = vec![
        "/api/v1/users".to_owned(),
        format!("/api/v1/users/{uid}"),
        format!("/api/v1/users/{sid}"),
        format!("/api/v1/users/{uid}/groups"),
        format!("/api/v1/users/{uid}/appLinks"),
        "/api/v1/groups".to_owned(),
        format!("/api/v1/groups/{everyone}"),
        format!("/api/v1/groups/{everyone}/users"),
        "/api/v1/apps".to_owned(),
        format!("/api/v1/apps/{}", app.id),
        format!("/api/v1/apps/{}/users", app.id),
        format!("/api/v1/apps/{}/groups", app.id),
        format!("/api/v1/apps/{}/grants", app.id),
        format!("/api/v1/apps/{}/credentials/secrets", app.id),
        "/api/v1/authorizationServers".to_owned(),
        "/api/v1/authorizationServers/default".to_owned(),
        format!("/api/v1/authorizationServers/{server_id}"),
        "/api/v1/authorizationServers/default/scopes".to_owned(),
        "/api/v1/authorizationServers/default/policies".to_owned(),
        format!("/api/v1/authorizationServers/default/policies/{policy}/rules"),
        format!("/api/v1/sessions/{session_id}"),
        "/api/v1/trustedOrigins".to_owned(),
    ];
    resources.sort();
    let mut found = BTreeSet::new();
    for path in &resources {
        let r = get(&h, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        links(&r.json, &mut found);
    }
    links(&me, &mut found);
    assert!(found.len() > 40, "only {} links found", found.len());

    // GETs first, then changes, then deletes (deepest first), so no link's own target is
    // gone before it is asked for.
    let rank = |m: &str| match m {
        "GET" => 0,
        "DELETE" => 2,
        _ => 1,
    };
    let mut ordered: Vec<_> = found.into_iter().collect();
    // Sessions first: the users' lifecycle links (suspend, …) end their sessions.
    ordered.sort_by_key(|(m, href)| {
        (
            !href.contains("/api/v1/sessions/"),
            rank(m),
            std::cmp::Reverse(href.len()),
        )
    });
    let mut broken = Vec::new();
    for (method, href) in &ordered {
        assert!(href.starts_with(&h.base), "a link off the org: {href}");
        // The current session is the browser's; everything else is asked with the token.
        let client = if href.contains("/api/v1/sessions/me") {
            &browser
        } else {
            &h.http
        };
        let ask = |m: &str| {
            client
                .request(Method::from_bytes(m.as_bytes()).unwrap(), href)
                .header("authorization", format!("SSWS {DEFAULT_API_TOKEN}"))
                .header("accept", "application/json")
                .reply()
        };
        let mut status = ask(if method == ANY { "GET" } else { method }).await.status;
        if method == ANY && status == StatusCode::METHOD_NOT_ALLOWED {
            status = ask("POST").await.status;
        }
        if matches!(
            status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ) {
            broken.push(format!("{method} {href} -> {status}"));
        }
    }
    assert!(
        broken.is_empty(),
        "advertised but not served:\n{}",
        broken.join("\n")
    );
}
