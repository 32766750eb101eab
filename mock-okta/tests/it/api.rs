//! The Management API over HTTP: shapes, errors, pagination, lifecycle and assignments.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use mock_okta::config::DEFAULT_API_TOKEN;

use crate::support::{
    ClientKey, Harness, JWT_BEARER, REDIRECT, Reply, ReplyExt as _, call, get, jwt_parts, keys,
};

fn app_body(label: &str, settings: Value, credentials: Value) -> Value {
    json!({
        "name": "oidc_client", "label": label, "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": credentials},
        "settings": {"oauthClient": settings}
    })
}

fn web_settings() -> Value {
    json!({"application_type": "web", "redirect_uris": [REDIRECT],
           "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]})
}

async fn create_app(h: &Harness, label: &str) -> Value {
    let r = call(
        h,
        Method::POST,
        "/api/v1/apps",
        Some(app_body(label, web_settings(), json!({}))),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

async fn create_user(h: &Harness, login: &str, activate: bool) -> Value {
    let r = call(
        h,
        Method::POST,
        &format!("/api/v1/users?activate={activate}"),
        Some(json!({
            "profile": {"firstName": "Test", "lastName": "Person", "email": login, "login": login},
            "credentials": {"password": {"value": "Corr3ct-Horse-Battery"}}
        })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

async fn everyone_id(h: &Harness) -> String {
    let r = get(h, "/api/v1/groups?filter=type+eq+%22BUILT_IN%22").await;
    assert_eq!(r.status, StatusCode::OK);
    r.json[0]["id"].as_str().expect("Everyone").to_owned()
}

const APP_KEYS: [&str; 13] = [
    "id",
    "name",
    "label",
    "status",
    "lastUpdated",
    "created",
    "accessibility",
    "visibility",
    "features",
    "signOnMode",
    "credentials",
    "settings",
    "_links",
];

#[tokio::test]
async fn each_app_type_is_created_in_oktas_shape_with_the_secret_only_where_it_belongs() {
    let h = Harness::start().await;
    let cases = [
        (
            "web",
            web_settings(),
            json!({"token_endpoint_auth_method": "client_secret_post"}),
            true,
        ),
        (
            "browser",
            json!({"application_type": "browser", "redirect_uris": [REDIRECT],
                   "grant_types": ["authorization_code"], "response_types": ["code"]}),
            json!({}),
            false,
        ),
        (
            "native",
            json!({"application_type": "native", "redirect_uris": ["com.example.app:/callback"],
                   "grant_types": ["authorization_code"], "response_types": ["code"]}),
            json!({}),
            false,
        ),
        (
            "service",
            json!({"application_type": "service", "grant_types": ["client_credentials"]}),
            json!({}),
            true,
        ),
    ];
    for (kind, settings, credentials, has_secret) in cases {
        let r = call(
            &h,
            Method::POST,
            "/api/v1/apps",
            Some(app_body(&format!("{kind} app"), settings, credentials)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{kind}: {}", r.text);
        assert_eq!(r.keys(), APP_KEYS, "{kind}");
        let app = &r.json;
        let id = app["id"].as_str().expect("id");
        assert!(id.starts_with("0oa") && id.len() == 20, "{id}");
        assert_eq!(app["name"], "oidc_client");
        assert_eq!(app["status"], "ACTIVE");
        assert_eq!(app["signOnMode"], "OPENID_CONNECT");
        assert!(
            app["created"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z') && t.len() == 24)
        );
        assert_eq!(
            app["visibility"],
            json!({"autoLaunch": false, "autoSubmitToolbar": false,
                   "hide": {"iOS": true, "web": true}, "appLinks": {"oidc_client_link": true}})
        );
        assert_eq!(
            app["accessibility"],
            json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null})
        );
        let oc = &app["credentials"]["oauthClient"];
        assert_eq!(oc["client_id"], id, "client_id defaults to the app id");
        assert_eq!(oc["client_secret"].is_string(), has_secret, "{kind}: {oc}");
        assert_eq!(
            oc["pkce_required"],
            matches!(kind, "browser" | "native"),
            "{kind}"
        );
        assert_eq!(
            keys(&app["settings"]),
            [
                "app",
                "notifications",
                "manualProvisioning",
                "implicitAssignment",
                "notes",
                "oauthClient"
            ]
        );
        let s = &app["settings"]["oauthClient"];
        assert_eq!(s["application_type"], kind);
        assert_eq!(
            s["idp_initiated_login"],
            json!({"mode": "DISABLED", "default_scope": []})
        );
        assert_eq!(
            s["refresh_token"].is_object(),
            kind == "web",
            "{kind}: refresh_token"
        );
        assert_eq!(
            app["_links"]["appLinks"][0]["href"]
                .as_str()
                .unwrap_or_default()
                .rsplit_once('/')
                .map(|(prefix, aln)| (prefix.to_owned(), aln.starts_with("aln"))),
            Some((h.url(&format!("/home/oidc_client/{id}")), true))
        );
        assert_eq!(
            app["_links"]["users"]["href"],
            h.url(&format!("/api/v1/apps/{id}/users"))
        );

        // Reading it back never shows the secret.
        let back = get(&h, &format!("/api/v1/apps/{id}")).await;
        assert_eq!(back.status, StatusCode::OK);
        assert_eq!(back.keys(), APP_KEYS);
        assert!(
            back.json["credentials"]["oauthClient"]
                .get("client_secret")
                .is_none()
        );
        assert_eq!(back.json["settings"], app["settings"]);
    }
    h.okta.shutdown().await;
}

#[tokio::test]
async fn an_app_created_with_activate_false_is_inactive_until_activated() {
    let h = Harness::start().await;
    let r = call(
        &h,
        Method::POST,
        "/api/v1/apps?activate=false",
        Some(app_body("Dormant", web_settings(), json!({}))),
    )
    .await;
    assert_eq!(r.json["status"], "INACTIVE", "{}", r.text);
    assert!(r.json["_links"]["activate"].is_object());
    let id = r.json["id"].as_str().expect("id").to_owned();
    let act = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{id}/lifecycle/activate"),
        None,
    )
    .await;
    assert_eq!((act.status, act.json), (StatusCode::OK, json!({})));
    assert_eq!(
        get(&h, &format!("/api/v1/apps/{id}")).await.json["status"],
        "ACTIVE"
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn replacing_an_app_changes_its_settings_and_keeps_client_id_and_secret() {
    let h = Harness::start().await;
    let app = create_app(&h, "Before").await;
    let id = app["id"].as_str().expect("id");
    let secret = app["credentials"]["oauthClient"]["client_secret"].clone();
    assert!(secret.is_string());
    let mut settings = web_settings();
    settings["redirect_uris"] = json!(["https://new.example.test/cb"]);
    settings["initiate_login_uri"] = json!("https://new.example.test/login");
    settings["idp_initiated_login"] = json!({"mode": "SPEC", "default_scope": []});
    let mut body = app_body("After", settings, json!({}));
    body["visibility"] = json!({"hide": {"iOS": true, "web": false}});
    let r = call(&h, Method::PUT, &format!("/api/v1/apps/{id}"), Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["label"], "After");
    assert_eq!(r.json["credentials"]["oauthClient"]["client_id"], id);
    assert_eq!(
        r.json["credentials"]["oauthClient"]["client_secret"],
        secret
    );
    let s = &r.json["settings"]["oauthClient"];
    assert_eq!(s["redirect_uris"], json!(["https://new.example.test/cb"]));
    assert_eq!(s["initiate_login_uri"], "https://new.example.test/login");
    assert_eq!(s["idp_initiated_login"]["mode"], "SPEC");
    assert_eq!(r.json["visibility"]["hide"]["web"], false);

    // Changing the application type is refused and changes nothing.
    let mut browser = web_settings();
    browser["application_type"] = json!("browser");
    let bad = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{id}"),
        Some(app_body("Other", browser, json!({}))),
    )
    .await;
    bad.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(
        get(&h, &format!("/api/v1/apps/{id}")).await.json["label"],
        "After"
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn invalid_apps_are_refused_with_oktas_validation_error_and_causes() {
    let h = Harness::start().await;
    let body = app_body(
        "",
        json!({"application_type": "web", "redirect_uris": ["/relative"],
               "grant_types": ["authorization_code"], "response_types": ["code"]}),
        json!({}),
    );
    let r = call(&h, Method::POST, "/api/v1/apps", Some(body)).await;
    let summary = r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert!(summary.starts_with("Api validation failed: "), "{summary}");
    assert!(summary.contains("label"), "{summary}");
    let causes: Vec<&str> = r.json["errorCauses"]
        .as_array()
        .expect("causes")
        .iter()
        .filter_map(|c| c["errorSummary"].as_str())
        .collect();
    assert!(
        causes.iter().any(|c| c.starts_with("label: ")),
        "{causes:?}"
    );
    assert!(
        causes.iter().any(|c| c.starts_with("redirect_uris: ")),
        "{causes:?}"
    );
    assert_eq!(
        get(&h, "/api/v1/apps").await.json,
        json!([]),
        "nothing was created"
    );
    h.okta.shutdown().await;
}

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

#[tokio::test]
async fn an_active_app_cannot_be_deleted_until_it_is_deactivated() {
    let h = Harness::start().await;
    let app = create_app(&h, "Doomed").await;
    let path = format!("/api/v1/apps/{}", app["id"].as_str().expect("id"));
    let r = call(&h, Method::DELETE, &path, None).await;
    assert_eq!(
        r.assert_error(StatusCode::FORBIDDEN, "E0000056"),
        "Delete application forbidden."
    );
    assert_eq!(
        r.json["errorCauses"],
        json!([{"errorSummary": "The application must be deactivated before deletion."}])
    );
    let d = call(
        &h,
        Method::POST,
        &format!("{path}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!((d.status, d.json), (StatusCode::OK, json!({})));
    let r = call(&h, Method::DELETE, &path, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.text.is_empty());
    get(&h, &path)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn app_lists_are_paged_with_link_headers_and_an_after_cursor() {
    let h = Harness::start().await;
    let mut ids = Vec::new();
    for label in ["Pager A", "Pager B", "Pager C"] {
        ids.push(
            create_app(&h, label).await["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    create_app(&h, "Other").await;
    let first = get(&h, "/api/v1/apps?q=Pager&limit=2").await;
    assert_eq!(first.status, StatusCode::OK);
    let got: Vec<&str> = first
        .json
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(got, [ids[0].as_str(), ids[1].as_str()]);
    let next_url = h.url(&format!("/api/v1/apps?limit=2&q=Pager&after={}", ids[1]));
    assert_eq!(
        first.links(),
        [
            format!("<{}>; rel=\"self\"", h.url("/api/v1/apps?limit=2&q=Pager")),
            format!("<{next_url}>; rel=\"next\""),
        ]
    );
    // Clients follow the next link as given.
    let second = h
        .http
        .get(&next_url)
        .header("authorization", format!("SSWS {DEFAULT_API_TOKEN}"))
        .reply()
        .await;
    let got: Vec<&str> = second
        .json
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(got, [ids[2].as_str()]);
    assert_eq!(second.links().len(), 1, "the last page has no next link");
    assert!(second.links()[0].ends_with("rel=\"self\""));

    // Without `limit`, apps come 20 to a page and the self link says so.
    let all = get(&h, "/api/v1/apps").await;
    assert_eq!(all.json.as_array().map(Vec::len), Some(4));
    assert_eq!(
        all.links(),
        [format!(
            "<{}>; rel=\"self\"",
            h.url("/api/v1/apps?limit=20")
        )]
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn app_lists_filter_by_status_name_and_assigned_user() {
    let h = Harness::start().await;
    let active = create_app(&h, "Active one").await;
    let inactive = call(
        &h,
        Method::POST,
        "/api/v1/apps?activate=false",
        Some(app_body("Inactive one", web_settings(), json!({}))),
    )
    .await
    .json;
    let ids = |r: &Reply| -> Vec<String> {
        r.json
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let r = get(&h, "/api/v1/apps?filter=status%20eq%20%22INACTIVE%22").await;
    assert_eq!(ids(&r), [inactive["id"].as_str().expect("id")]);
    assert!(
        r.links()[0].contains("filter=status+eq+%22INACTIVE%22"),
        "{:?}",
        r.links()
    );
    let r = get(
        &h,
        "/api/v1/apps?filter=name%20eq%20%22oidc_client%22%20and%20status%20eq%20%22ACTIVE%22",
    )
    .await;
    assert_eq!(ids(&r), [active["id"].as_str().expect("id")]);

    // `user.id` finds apps assigned directly or through a group.
    let user = get(&h, "/api/v1/users/user@example.com").await.json;
    let uid = user["id"].as_str().expect("uid");
    let path = format!("/api/v1/apps?filter=user.id+eq+%22{uid}%22");
    assert!(ids(&get(&h, &path).await).is_empty());
    let everyone = everyone_id(&h).await;
    let aid = inactive["id"].as_str().expect("id");
    call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(ids(&get(&h, &path).await), [aid]);

    let bad = get(&h, "/api/v1/apps?filter=status%20eq").await;
    assert_eq!(
        bad.assert_error(StatusCode::BAD_REQUEST, "E0000031"),
        "Invalid search criteria."
    );
    get(&h, "/api/v1/apps?filter=color%20eq%20%22red%22")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000031");
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
async fn users_are_created_and_read_by_id_or_login_without_their_password() {
    let h = Harness::start().await;
    let created = create_user(&h, "ann@example.com", true).await;
    assert_eq!(
        keys(&created),
        [
            "id",
            "status",
            "created",
            "activated",
            "statusChanged",
            "lastLogin",
            "lastUpdated",
            "passwordChanged",
            "type",
            "profile",
            "credentials",
            "_links"
        ]
    );
    let id = created["id"].as_str().expect("id");
    assert!(id.starts_with("00u") && id.len() == 20);
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["lastLogin"], Value::Null);
    assert_eq!(
        created["credentials"],
        json!({"password": {}, "provider": {"type": "OKTA", "name": "OKTA"}})
    );
    assert_eq!(
        created["_links"]["self"]["href"],
        h.url(&format!("/api/v1/users/{id}"))
    );
    assert!(
        created["type"]["id"]
            .as_str()
            .is_some_and(|t| t.starts_with("oty"))
    );

    let by_login = get(&h, "/api/v1/users/ANN@example.com").await;
    assert_eq!(by_login.json["id"], id);
    assert_eq!(by_login.json["profile"]["login"], "ann@example.com");
    assert!(
        !by_login.text.contains("Corr3ct-Horse-Battery"),
        "{}",
        by_login.text
    );

    // `me` is the admin who owns the token.
    let me = get(&h, "/api/v1/users/me").await;
    assert_eq!(me.json["profile"]["login"], "admin@example.com");

    // A partial update merges, a replace drops what is not sent.
    let upd = call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{id}"),
        Some(json!({"profile": {"mobilePhone": "555-0100"}})),
    )
    .await;
    assert_eq!(upd.json["profile"]["mobilePhone"], "555-0100");
    assert_eq!(upd.json["profile"]["firstName"], "Test");
    let rep = call(
        &h,
        Method::PUT,
        &format!("/api/v1/users/{id}"),
        Some(json!({"profile": {"firstName": "Ann", "lastName": "Lee",
                                "email": "ann@example.com", "login": "ann@example.com"}})),
    )
    .await;
    assert_eq!(rep.json["profile"]["firstName"], "Ann");
    assert!(rep.json["profile"].get("mobilePhone").is_none());

    // Duplicate logins are refused.
    let dup = call(
        &h,
        Method::POST,
        "/api/v1/users",
        Some(json!({"profile": {"firstName": "A", "lastName": "B",
                                "email": "ann@example.com", "login": "ann@example.com"}})),
    )
    .await;
    assert_eq!(
        dup.assert_error(StatusCode::BAD_REQUEST, "E0000001"),
        "Api validation failed: login"
    );
    assert_eq!(
        dup.json["errorCauses"],
        json!([{"errorSummary": "login: An object with this field already exists in the current organization"}])
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn user_lifecycle_follows_oktas_rules_and_delete_takes_two_calls() {
    let h = Harness::start().await;
    let staged = create_user(&h, "bob@example.com", false).await;
    assert_eq!(staged["status"], "STAGED");
    assert_eq!(staged["activated"], Value::Null);
    let id = staged["id"].as_str().expect("id");
    let life = |op: &str| format!("/api/v1/users/{id}/lifecycle/{op}");

    let act = call(
        &h,
        Method::POST,
        &(life("activate") + "?sendEmail=false"),
        None,
    )
    .await;
    assert_eq!(act.status, StatusCode::OK);
    assert_eq!(keys(&act.json), ["activationUrl", "activationToken"]);
    let user_path = format!("/api/v1/users/{id}");
    let status = async |h: &Harness| get(h, &user_path).await.json["status"].clone();
    assert_eq!(status(&h).await, "ACTIVE");
    let again = call(&h, Method::POST, &life("activate"), None).await;
    assert_eq!(
        again.assert_error(StatusCode::FORBIDDEN, "E0000038"),
        "This operation is not allowed in the user's current status."
    );
    let s = call(&h, Method::POST, &life("suspend"), None).await;
    assert_eq!((s.status, s.json), (StatusCode::OK, json!({})));
    assert_eq!(status(&h).await, "SUSPENDED");
    call(&h, Method::POST, &life("unsuspend"), None).await;
    assert_eq!(status(&h).await, "ACTIVE");
    call(&h, Method::POST, &life("unlock"), None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "E0000038");
    get(&h, &life("explode"))
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "E0000022");
    call(&h, Method::POST, &life("explode"), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");

    let first = call(&h, Method::DELETE, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(first.status, StatusCode::NO_CONTENT);
    assert_eq!(status(&h).await, "DEPROVISIONED");
    let second = call(&h, Method::DELETE, &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    get(&h, &format!("/api/v1/users/{id}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn users_are_found_by_q_filter_and_search() {
    let h = Harness::start().await;
    create_user(&h, "carol@example.com", false).await;
    let logins = |r: &Reply| -> Vec<String> {
        r.json
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u["profile"]["login"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let r = get(
        &h,
        "/api/v1/users?filter=profile.login%20eq%20%22user@example.com%22",
    )
    .await;
    assert_eq!(logins(&r), ["user@example.com"]);
    let r = get(&h, "/api/v1/users?search=status%20eq%20%22STAGED%22").await;
    assert_eq!(logins(&r), ["carol@example.com"]);
    let r = get(&h, "/api/v1/users?q=adm").await;
    assert_eq!(logins(&r), ["admin@example.com"]);
    let r = get(
        &h,
        "/api/v1/users?search=profile.email%20sw%20%22ca%22%20or%20profile.email%20sw%20%22us%22",
    )
    .await;
    assert_eq!(logins(&r), ["user@example.com", "carol@example.com"]);
    let r = get(&h, "/api/v1/users?limit=1").await;
    assert_eq!(logins(&r).len(), 1);
    assert_eq!(r.links().len(), 2, "a next link: {:?}", r.links());
    get(&h, "/api/v1/users?filter=status%20eq%20%22ACTIVE%22%20and")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000031");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn groups_hold_members_and_everyone_is_built_in() {
    let h = Harness::start().await;
    let everyone = get(&h, "/api/v1/groups?q=Every").await;
    assert_eq!(everyone.json[0]["type"], "BUILT_IN");
    assert_eq!(everyone.json[0]["profile"]["name"], "Everyone");
    let everyone_id = everyone.json[0]["id"].as_str().expect("id").to_owned();

    let r = call(
        &h,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"profile": {"name": "Engineering", "description": "Builders"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "created",
            "lastUpdated",
            "lastMembershipUpdated",
            "objectClass",
            "type",
            "profile",
            "_links"
        ]
    );
    assert_eq!(r.json["objectClass"], json!(["okta:user_group"]));
    assert_eq!(r.json["type"], "OKTA_GROUP");
    assert_eq!(
        r.json["profile"],
        json!({"name": "Engineering", "description": "Builders"})
    );
    let gid = r.json["id"].as_str().expect("gid").to_owned();
    assert!(gid.starts_with("00g"));

    let okta_groups = get(&h, "/api/v1/groups?filter=type%20eq%20%22OKTA_GROUP%22").await;
    assert_eq!(okta_groups.json.as_array().map(Vec::len), Some(1));

    let uid = get(&h, "/api/v1/users/user@example.com").await.json["id"]
        .as_str()
        .expect("uid")
        .to_owned();
    let add = call(
        &h,
        Method::PUT,
        &format!("/api/v1/groups/{gid}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(add.status, StatusCode::NO_CONTENT);
    let members = get(&h, &format!("/api/v1/groups/{gid}/users")).await;
    assert_eq!(members.json[0]["id"], uid.as_str());
    assert_eq!(members.json.as_array().map(Vec::len), Some(1));
    let theirs = get(&h, &format!("/api/v1/users/{uid}/groups")).await;
    let names: Vec<&str> = theirs
        .json
        .as_array()
        .expect("groups")
        .iter()
        .filter_map(|g| g["profile"]["name"].as_str())
        .collect();
    assert_eq!(names, ["Everyone", "Engineering"]);
    let all = get(&h, &format!("/api/v1/groups/{everyone_id}/users")).await;
    assert_eq!(
        all.json.as_array().map(Vec::len),
        Some(2),
        "Everyone holds every user"
    );

    let remove = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/groups/{gid}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(remove.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&h, &format!("/api/v1/groups/{gid}/users")).await.json,
        json!([])
    );

    let renamed = call(
        &h,
        Method::PUT,
        &format!("/api/v1/groups/{gid}"),
        Some(json!({"profile": {"name": "Platform"}})),
    )
    .await;
    assert_eq!(
        renamed.json["profile"],
        json!({"name": "Platform", "description": null})
    );
    call(
        &h,
        Method::DELETE,
        &format!("/api/v1/groups/{everyone_id}"),
        None,
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "E0000006");
    let del = call(&h, Method::DELETE, &format!("/api/v1/groups/{gid}"), None).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    get(&h, &format!("/api/v1/groups/{gid}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn apps_are_assigned_to_users_and_groups_and_show_in_app_links() {
    let h = Harness::start().await;
    let app = create_app(&h, "Portal").await;
    let aid = app["id"].as_str().expect("aid").to_owned();
    let user = get(&h, "/api/v1/users/user@example.com").await.json;
    let uid = user["id"].as_str().expect("uid").to_owned();

    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": uid, "scope": "USER", "credentials": {"userName": "user@example.com"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "externalId",
            "created",
            "lastUpdated",
            "scope",
            "status",
            "statusChanged",
            "passwordChanged",
            "syncState",
            "credentials",
            "profile",
            "_links"
        ]
    );
    assert_eq!(r.json["scope"], "USER");
    assert_eq!(r.json["status"], "ACTIVE");
    assert_eq!(r.json["syncState"], "DISABLED");
    assert_eq!(
        r.json["credentials"],
        json!({"userName": "user@example.com"})
    );
    assert_eq!(
        r.json["_links"]["app"]["href"],
        h.url(&format!("/api/v1/apps/{aid}"))
    );

    let dup = call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": uid, "scope": "USER"})),
    )
    .await;
    assert_eq!(
        dup.assert_error(StatusCode::CONFLICT, "E0000062"),
        "The specified user is already assigned to the application."
    );
    let one = get(&h, &format!("/api/v1/apps/{aid}/users/{uid}")).await;
    assert_eq!(one.json["id"], uid.as_str());

    // Group assignment: the admin gets the app through Everyone.
    let everyone = everyone_id(&h).await;
    let g = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.text);
    assert_eq!(keys(&g.json), ["id", "lastUpdated", "priority", "_links"]);
    assert_eq!(g.json["id"], everyone.as_str());
    assert_eq!(g.json["priority"], 0);
    let g = call(
        &h,
        Method::PUT,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        Some(json!({"priority": 3})),
    )
    .await;
    assert_eq!(g.json["priority"], 3);
    let groups = get(&h, &format!("/api/v1/apps/{aid}/groups")).await;
    assert_eq!(groups.json.as_array().map(Vec::len), Some(1));
    let users = get(&h, &format!("/api/v1/apps/{aid}/users")).await;
    let scopes: Vec<(&str, &str)> = users
        .json
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| Some((u["credentials"]["userName"].as_str()?, u["scope"].as_str()?)))
        .collect();
    assert_eq!(
        scopes,
        [("user@example.com", "USER"), ("admin@example.com", "GROUP")]
    );

    // The dashboard links, once the tile is shown.
    let links = get(&h, "/api/v1/users/admin@example.com/appLinks").await;
    assert_eq!(links.status, StatusCode::OK);
    let link = &links.json[0];
    assert_eq!(
        keys(link),
        [
            "id",
            "label",
            "linkUrl",
            "logoUrl",
            "appName",
            "appInstanceId",
            "appAssignmentId",
            "credentialsSetup",
            "hidden",
            "sortOrder"
        ]
    );
    assert_eq!(link["label"], "Portal");
    assert_eq!(link["appInstanceId"], aid.as_str());
    assert_eq!(link["linkUrl"], app["_links"]["appLinks"][0]["href"]);
    assert_eq!(link["hidden"], true);

    let del = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/apps/{aid}/groups/{everyone}"),
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get(&h, "/api/v1/users/admin@example.com/appLinks")
            .await
            .json,
        json!([])
    );
    let del = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/apps/{aid}/users/{uid}"),
        None,
    )
    .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    get(&h, &format!("/api/v1/apps/{aid}/users/{uid}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    call(
        &h,
        Method::POST,
        &format!("/api/v1/apps/{aid}/users"),
        Some(json!({"id": "00uNOPE"})),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    h.okta.shutdown().await;
}

#[tokio::test]
async fn admin_roles_are_listed_assigned_and_removed() {
    let h = Harness::start().await;
    let admin_roles = get(&h, "/api/v1/users/admin@example.com/roles").await;
    assert_eq!(admin_roles.status, StatusCode::OK);
    let role = &admin_roles.json[0];
    assert_eq!(
        keys(role),
        [
            "id",
            "label",
            "type",
            "status",
            "created",
            "lastUpdated",
            "assignmentType",
            "_links"
        ]
    );
    assert_eq!(role["type"], "SUPER_ADMIN");
    assert_eq!(role["label"], "Super Organization Administrator");
    assert_eq!(role["assignmentType"], "USER");

    let path = "/api/v1/users/user@example.com/roles";
    assert_eq!(get(&h, path).await.json, json!([]));
    let r = call(&h, Method::POST, path, Some(json!({"type": "APP_ADMIN"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["label"], "Application Administrator");
    let rid = r.json["id"].as_str().expect("rid").to_owned();
    assert_eq!(get(&h, path).await.json[0]["id"], rid.as_str());
    call(&h, Method::POST, path, Some(json!({"type": "GOD_MODE"})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    let d = call(&h, Method::DELETE, &format!("{path}/{rid}"), None).await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert_eq!(get(&h, path).await.json, json!([]));
    h.okta.shutdown().await;
}

#[tokio::test]
async fn the_default_authorization_server_is_the_only_one_listed() {
    let h = Harness::start().await;
    let list = get(&h, "/api/v1/authorizationServers").await;
    assert_eq!(list.json.as_array().map(Vec::len), Some(1));
    let one = get(&h, "/api/v1/authorizationServers/default").await;
    assert_eq!(one.json, list.json[0]);
    assert_eq!(
        one.keys(),
        [
            "id",
            "name",
            "description",
            "audiences",
            "issuer",
            "issuerMode",
            "status",
            "created",
            "lastUpdated",
            "credentials",
            "_links"
        ]
    );
    assert_eq!(one.json["id"], "default");
    assert_eq!(one.json["issuer"], h.issuer());
    assert_eq!(one.json["audiences"], json!(["api://default"]));
    assert_eq!(one.json["credentials"]["signing"]["rotationMode"], "AUTO");
    let keys_list = get(&h, "/api/v1/authorizationServers/default/credentials/keys").await;
    assert_eq!(
        one.json["credentials"]["signing"]["kid"],
        keys_list.json[0]["kid"]
    );
    h.okta.shutdown().await;
}

#[tokio::test]
async fn custom_scopes_join_the_list_and_published_ones_reach_discovery() {
    let h = Harness::start().await;
    let path = "/api/v1/authorizationServers/default/scopes";
    let before = get(&h, path).await;
    let names: Vec<&str> = before
        .json
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names[0], "openid");
    assert!(names.contains(&"offline_access"));
    assert!(
        before
            .json
            .as_array()
            .expect("scopes")
            .iter()
            .all(|s| s["system"] == true)
    );

    let r = call(
        &h,
        Method::POST,
        path,
        Some(json!({"name": "orders:read", "description": "Read orders", "metadataPublish": "ALL_CLIENTS"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.keys(),
        [
            "id",
            "name",
            "displayName",
            "description",
            "system",
            "metadataPublish",
            "consent",
            "default",
            "_links"
        ]
    );
    assert_eq!(r.json["system"], false);
    assert_eq!(r.json["metadataPublish"], "ALL_CLIENTS");
    let sid = r.json["id"].as_str().expect("sid").to_owned();
    call(
        &h,
        Method::POST,
        path,
        Some(json!({"name": "orders:write"})),
    )
    .await;

    let after = get(&h, path).await;
    let names: Vec<&str> = after
        .json
        .as_array()
        .expect("scopes")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names[names.len() - 2..], ["orders:read", "orders:write"]);
    assert_eq!(
        get(&h, &format!("{path}/{sid}")).await.json["name"],
        "orders:read"
    );
    let openid_id = after.json[0]["id"].as_str().expect("openid id").to_owned();
    assert_eq!(
        get(&h, &format!("{path}/{openid_id}")).await.json["name"],
        "openid"
    );

    let dup = call(&h, Method::POST, path, Some(json!({"name": "orders:read"}))).await;
    dup.assert_error(StatusCode::BAD_REQUEST, "E0000001");

    let discovery = |h: &Harness| {
        let url = h.url("/oauth2/default/.well-known/openid-configuration");
        let client = h.http.clone();
        async move {
            let v: Value = client.get(url).reply().await.json;
            v["scopes_supported"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        }
    };
    let published = discovery(&h).await;
    assert!(
        published.contains(&"orders:read".to_owned()),
        "{published:?}"
    );
    assert!(
        !published.contains(&"orders:write".to_owned()),
        "{published:?}"
    );

    let d = call(&h, Method::DELETE, &format!("{path}/{sid}"), None).await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert!(!discovery(&h).await.contains(&"orders:read".to_owned()));
    call(&h, Method::DELETE, &format!("{path}/{openid_id}"), None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "E0000006");
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

/// OAuth for Okta: a service app with `private_key_jwt` gets the `okta.*` scopes granted to
/// it from the org authorization server, and the Management API takes that token as
/// `Bearer`, within its scopes only.
#[tokio::test]
async fn oauth_for_okta_service_app_calls_the_api_within_its_granted_scopes() {
    let h = Harness::start().await;
    let key = ClientKey::rsa("svc-key");
    let res = h
        .api(Method::POST, "/api/v1/apps")
        .json(
            &json!({"name": "oidc_client", "label": "Automation", "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
            "settings": {"oauthClient": {"application_type": "service",
                "grant_types": ["client_credentials"], "response_types": ["token"],
                "jwks": {"keys": [key.jwk]}}}}),
        )
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let app: Value = res.json;
    let app_id = app["id"].as_str().unwrap().to_owned();
    let client_id = app["credentials"]["oauthClient"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token_url = h.url("/oauth2/v1/token");
    let ask = |scope: &str| {
        h.http
            .post(&token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", scope),
                ("client_assertion_type", JWT_BEARER),
                ("client_assertion", &key.assertion(&client_id, &token_url)),
            ])
            .reply()
    };
    let res = ask("okta.users.read").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let e: Value = res.json;
    assert_eq!(e["error"], "invalid_scope", "not granted yet: {e}");

    let res = h
        .api(Method::POST, &format!("/api/v1/apps/{app_id}/grants"))
        .json(&json!({"issuer": h.base, "scopeId": "okta.users.read"}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let grant: Value = res.json;
    assert!(grant["id"].as_str().unwrap().starts_with("oag"));
    assert_eq!(grant["scopeId"], "okta.users.read");
    assert_eq!(grant["clientId"], client_id.as_str());
    assert_eq!(grant["issuer"], h.base.as_str());
    let res = h
        .api(Method::POST, &format!("/api/v1/apps/{app_id}/grants"))
        .json(&json!({"issuer": h.issuer(), "scopeId": "okta.users.read"}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "custom server issuer");

    let res = ask("okta.users.read").await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    assert_eq!(t["scope"], "okta.users.read");
    let access = t["access_token"].as_str().unwrap().to_owned();
    let (_, claims) = jwt_parts(&access);
    assert_eq!(claims["iss"], h.base.as_str());
    assert_eq!(claims["aud"], h.base.as_str());
    assert_eq!(claims["sub"], client_id.as_str());

    let with = |method: Method, path: &str, token: &str| {
        h.http
            .request(method, h.url(path))
            .header("authorization", format!("Bearer {token}"))
            .header("accept", "application/json")
            .reply()
    };
    let res = with(Method::GET, "/api/v1/users", &access).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.json.as_array().unwrap().len() >= 2);
    let res = with(Method::POST, "/api/v1/users", &access).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let challenge = res.headers["www-authenticate"].to_str().unwrap().to_owned();
    assert!(
        challenge.contains(r#"error="insufficient_scope""#)
            && challenge.contains(r#"scope="okta.users.manage""#),
        "{challenge}"
    );
    assert_eq!(res.json["errorCode"], "E0000006");
    let res = with(Method::GET, "/api/v1/apps", &access).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "apps need okta.apps.*");
    let res = with(Method::GET, "/api/v1/users", "not-a-token").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json["errorCode"], "E0000011");

    // Once the grant is revoked, the scope cannot be had again.
    let gid = grant["id"].as_str().unwrap();
    let res = h
        .api(
            Method::DELETE,
            &format!("/api/v1/apps/{app_id}/grants/{gid}"),
        )
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let res = ask("okta.users.read").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    // A client-secret service app is refused at the org server, as in Okta.
    let svc = h
        .create_app(
            json!({"application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"]}),
            json!({"token_endpoint_auth_method": "client_secret_basic"}),
        )
        .await;
    let res = h
        .http
        .post(&token_url)
        .basic_auth(&svc.client_id, svc.client_secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.json["error_description"],
        "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method."
    );
}

/// A seed can hold an OAuth-for-Okta service app: its keys in `jwks` and its `grants`; the
/// app then gets a token and reads users with it from the first request on. A grant that is
/// not an Okta scope is a seed error naming the app.
#[tokio::test]
async fn a_seeded_service_app_has_its_keys_and_grants() {
    let key = ClientKey::rsa("seeded");
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let app = |grants: Value| {
        json!({"apps": [{"name": "oidc_client", "label": "Seeded automation",
            "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"client_id": "0oaseededsvc0001",
                "token_endpoint_auth_method": "private_key_jwt"}},
            "settings": {"oauthClient": {"application_type": "service",
                "grant_types": ["client_credentials"], "response_types": ["token"],
                "jwks": {"keys": [key.jwk]}}},
            "grants": grants}]})
    };
    std::fs::write(&seed, app(json!(["okta.users.read"])).to_string()).unwrap();
    let mut config = mock_okta::Config::for_tests();
    config.signing_key = Some(crate::support::signing_key_file().to_path_buf());
    config.seed = Some(seed.clone());
    let h = Harness::with_config(config.clone()).await;
    let token_url = h.url("/oauth2/v1/token");
    let res = h
        .http
        .post(&token_url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            ("client_assertion_type", JWT_BEARER),
            (
                "client_assertion",
                &key.assertion("0oaseededsvc0001", &token_url),
            ),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let access = res.json["access_token"].as_str().unwrap().to_owned();
    let res = h
        .http
        .get(h.url("/api/v1/users"))
        .bearer_auth(&access)
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);

    std::fs::write(&seed, app(json!(["orders:read"])).to_string()).unwrap();
    let err = mock_okta::MockOkta::start(config)
        .await
        .err()
        .expect("a bad grant is refused");
    let text = format!("{err:#}");
    assert!(
        text.contains("Seeded automation") && text.contains("orders:read"),
        "{text}"
    );
}
