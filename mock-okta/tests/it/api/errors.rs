//! Error bodies and hostile input across the Management API: malformed and deeply nested
//! bodies and filters, missing or wrong tokens, unknown resources, unsupported methods, and
//! the headers every answer carries.

use super::*;

#[tokio::test]
async fn malformed_bodies_are_e0000003_whatever_is_wrong_with_them() {
    let h = Harness::start().await;
    let syntax = h
        .api(Method::POST, "/api/v1/apps")
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .reply()
        .await;
    let summary = syntax.assert_error(StatusCode::BAD_REQUEST, "E0000003");
    assert_eq!(summary, "The request body was not well-formed.");
    let shape = call(
        &h,
        Method::POST,
        "/api/v1/apps",
        Some(json!({"name": "oidc_client", "label": 42})),
    )
    .await;
    shape.assert_error(StatusCode::BAD_REQUEST, "E0000003");
    let plain = h
        .api(Method::POST, "/api/v1/groups")
        .header("content-type", "text/plain")
        .body("{\"profile\":{\"name\":\"x\"}}")
        .reply()
        .await;
    plain.assert_error(StatusCode::BAD_REQUEST, "E0000003");
    let empty = h
        .api(Method::POST, "/api/v1/users")
        .header("content-length", "0")
        .reply()
        .await;
    empty.assert_error(StatusCode::BAD_REQUEST, "E0000003");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn requests_without_a_token_are_e0000005_and_with_a_wrong_one_e0000011() {
    let h = Harness::start().await;
    let none = h.http.get(h.url("/api/v1/users")).reply().await;
    assert_eq!(
        none.assert_error(StatusCode::FORBIDDEN, "E0000005"),
        "Invalid session"
    );
    for value in [
        "SSWS not-the-token",
        "Bearer 00mock-okta-api-token",
        "SSWS",
        "garbage",
    ] {
        let r = h
            .http
            .get(h.url("/api/v1/users"))
            .header("authorization", value)
            .reply()
            .await;
        let summary = r.assert_error(StatusCode::UNAUTHORIZED, "E0000011");
        assert_eq!(summary, "Invalid token provided", "{value}");
        assert_eq!(r.json["errorCauses"], json!([]));
        assert!(r.headers.contains_key("x-rate-limit-remaining"), "{value}");
    }
    // Okta's Python SDK sends the scheme and token without a space; Okta accepts it.
    for value in ["SSWS00mock-okta-api-token", "ssws  00mock-okta-api-token"] {
        let r = h
            .http
            .get(h.url("/api/v1/users"))
            .header("authorization", value)
            .reply()
            .await;
        assert_eq!(r.status, StatusCode::OK, "{value}");
    }
    h.okta.shutdown().await;
}

#[tokio::test]
async fn unknown_resources_are_e0000007_naming_the_id_and_kind() {
    let h = Harness::start().await;
    for (path, text) in [
        (
            "/api/v1/apps/0oaNOPE",
            "Not found: Resource not found: 0oaNOPE (AppInstance)",
        ),
        (
            "/api/v1/users/00uNOPE",
            "Not found: Resource not found: 00uNOPE (User)",
        ),
        (
            "/api/v1/authorizationServers/aus123",
            "Not found: Resource not found: aus123 (AuthorizationServer)",
        ),
        (
            "/api/v1/authorizationServers/aus123/scopes",
            "Not found: Resource not found: aus123 (AuthorizationServer)",
        ),
    ] {
        let r = get(&h, path).await;
        assert_eq!(
            r.assert_error(StatusCode::NOT_FOUND, "E0000007"),
            text,
            "{path}"
        );
    }
    h.okta.shutdown().await;
}

#[tokio::test]
async fn unsupported_methods_on_known_paths_are_e0000022() {
    let h = Harness::start().await;
    for (method, path) in [
        (Method::PATCH, "/api/v1/apps"),
        (Method::DELETE, "/api/v1/users"),
        (Method::PUT, "/api/v1/authorizationServers/default/scopes"),
    ] {
        let r = call(&h, method.clone(), path, None).await;
        r.assert_error(StatusCode::METHOD_NOT_ALLOWED, "E0000022");
    }
    h.okta.shutdown().await;
}

/// Query strings and paths a client can garble: every answer is Okta's error body (or the
/// list, for a repeated parameter, whose first value counts), never axum's plain text.
#[tokio::test]
async fn garbled_paths_and_query_strings_get_oktas_error_body() {
    let h = Harness::start().await;
    get(&h, "/api/v1/users/%FF%FE")
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    get(&h, "/api/v1/users?filter=%FF")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000031");
    get(&h, "/api/v1/users?limit=%00")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    get(&h, "/api/v1/users?activate=1&limit=x")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let twice = get(&h, "/api/v1/users?limit=1&limit=x").await;
    assert_eq!(twice.status, StatusCode::OK, "{}", twice.text);
    assert_eq!(twice.json.as_array().map(Vec::len), Some(1));
    let long = format!("/api/v1/users?q={}", "a".repeat(20_000));
    let r = get(&h, &long).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json, serde_json::json!([]));
    h.okta.shutdown().await;
}

/// `expr` wrapped in `depth` pairs of parentheses, as a query-string value.
fn nested_query(key: &str, expr: &str, depth: usize) -> String {
    let text = format!("{}{expr}{}", "(".repeat(depth), ")".repeat(depth));
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair(key, &text)
        .finish()
}

#[tokio::test]
async fn deeply_nested_filters_are_e0000031_and_the_server_keeps_answering() {
    let h = Harness::start().await;
    let cases = [
        ("/api/v1/users", r#"status eq "ACTIVE""#),
        ("/api/v1/apps", r#"status eq "ACTIVE""#),
        ("/api/v1/groups", r#"type eq "BUILT_IN""#),
    ];
    create_app(&h, "Nested").await;
    for (path, expr) in cases {
        for key in ["filter", "search"] {
            let deep = get(&h, &format!("{path}?{}", nested_query(key, expr, 5_000))).await;
            assert_eq!(
                deep.assert_error(StatusCode::BAD_REQUEST, "E0000031"),
                "Invalid search criteria.",
                "{path} {key}"
            );
            let cause = deep.json["errorCauses"][0]["errorSummary"]
                .as_str()
                .unwrap_or_default();
            assert!(
                cause.starts_with(&format!("{key}: "))
                    && cause.contains("more than 100 levels deep"),
                "{path}: {cause}"
            );
            // Still serving, and nesting up to the limit still filters.
            let fine = get(&h, &format!("{path}?{}", nested_query(key, expr, 100))).await;
            assert_eq!(fine.status, StatusCode::OK, "{path}: {}", fine.text);
            assert!(
                fine.json.as_array().is_some_and(|a| !a.is_empty()),
                "{path}: {}",
                fine.text
            );
        }
    }
    h.okta.shutdown().await;
}

#[tokio::test]
async fn deeply_nested_json_bodies_are_e0000003_and_the_server_keeps_answering() {
    let h = Harness::start().await;
    let app = create_app(&h, "Nested").await;
    let app_id = app["id"].as_str().expect("id");
    let everyone = everyone_id(&h).await;
    let deep = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let cases = [
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            format!(
                r#"{{"profile": {{"login": "x@example.com", "nick": {}}}}}"#,
                deep(5_000)
            ),
        ),
        (
            Method::POST,
            "/api/v1/apps".to_owned(),
            format!(
                r#"{{"name": "oidc_client", "label": "x", "settings": {{"oauthClient": {{"jwks": {}}}}}}}"#,
                deep(5_000)
            ),
        ),
        (
            Method::POST,
            "/api/v1/groups".to_owned(),
            format!(r#"{{"profile": {{"name": {}}}}}"#, deep(5_000)),
        ),
        (
            Method::PUT,
            format!("/api/v1/apps/{app_id}/groups/{everyone}"),
            format!(r#"{{"priority": {}}}"#, deep(5_000)),
        ),
    ];
    for (method, path, body) in cases {
        let r = h
            .api(method, &path)
            .header("content-type", "application/json")
            .body(body)
            .reply()
            .await;
        assert_eq!(
            r.assert_error(StatusCode::BAD_REQUEST, "E0000003"),
            "The request body was not well-formed.",
            "{path}"
        );
        assert_eq!(get(&h, "/api/v1/users/me").await.status, StatusCode::OK);
    }
    // Nothing was made by the refused requests.
    assert_eq!(
        get(&h, "/api/v1/apps").await.json.as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        get(&h, &format!("/api/v1/apps/{app_id}/groups"))
            .await
            .json
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn every_api_response_carries_rate_limit_headers_and_a_json_content_type() {
    let h = Harness::start().await;
    let first = get(&h, "/api/v1/users").await;
    let second = get(&h, "/api/v1/groups").await;
    for r in [&first, &second] {
        assert_eq!(r.headers["content-type"], "application/json");
        assert_eq!(r.headers["x-rate-limit-limit"], "1000");
        assert!(r.headers.contains_key("x-rate-limit-reset"));
        assert!(r.headers.contains_key("x-okta-request-id"));
    }
    let remaining = |r: &Reply| -> i64 {
        r.headers["x-rate-limit-remaining"]
            .to_str()
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1)
    };
    let (a, b) = (remaining(&first), remaining(&second));
    assert!(a > 0 && b >= 0, "{a} {b}");
    // Both fall in the same minute unless the test straddles a minute boundary.
    assert!(b == a - 1 || b > a, "{a} then {b}");
    let reset: i64 = first.headers["x-rate-limit-reset"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    assert_eq!(reset % 60, 0);
    h.okta.shutdown().await;
}
