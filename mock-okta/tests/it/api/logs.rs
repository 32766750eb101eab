//! `/api/v1/logs`: the System Log's events, filters, time window, paging and errors.

use super::*;
use crate::support::{browser, sign_in_on_page};
use mock_okta::seed::{DEFAULT_USER_LOGIN, DEFAULT_USER_PASSWORD};

fn events(r: &Reply) -> Vec<Value> {
    r.json.as_array().cloned().unwrap_or_default()
}

fn types(r: &Reply) -> Vec<String> {
    events(r)
        .iter()
        .map(|e| e["eventType"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Follows a link (an absolute URL) with the API token.
async fn follow(h: &Harness, url: &str) -> Reply {
    h.http
        .get(url)
        .header(
            reqwest::header::AUTHORIZATION,
            format!("SSWS {DEFAULT_API_TOKEN}"),
        )
        .reply()
        .await
}

fn next_link(r: &Reply) -> Option<String> {
    r.links()
        .into_iter()
        .find(|l| l.ends_with("rel=\"next\""))
        .map(|l| l[1..l.find('>').expect("link end")].to_owned())
}

async fn make_user(h: &Harness, login: &str) -> String {
    let r = call(
        h,
        Method::POST,
        "/api/v1/users?activate=true",
        Some(json!({
            "profile": {"firstName": "Lee", "lastName": "Log", "email": login, "login": login},
            "credentials": {"password": {"value": "Corr3ct-horse!"}}
        })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn the_log_starts_empty_after_the_seed_and_records_admin_changes_in_oktas_shape() {
    let h = Harness::start().await;
    let r = get(&h, "/api/v1/logs").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json, json!([]), "the seed is not an admin action");

    let uid = make_user(&h, "lee@example.com").await;
    let r = get(&h, "/api/v1/logs").await;
    assert_eq!(types(&r), ["user.lifecycle.create"]);
    let e = &r.json[0];
    assert_eq!(
        keys(e),
        [
            "uuid",
            "published",
            "eventType",
            "version",
            "severity",
            "legacyEventType",
            "displayMessage",
            "actor",
            "client",
            "outcome",
            "target",
            "transaction",
            "debugContext",
            "authenticationContext",
            "securityContext",
            "request"
        ]
    );
    assert_eq!(e["outcome"], json!({"result": "SUCCESS", "reason": null}));
    assert_eq!(e["severity"], "INFO");
    assert_eq!(e["target"][0]["id"], uid.as_str());
    assert_eq!(e["target"][0]["type"], "User");
    assert_eq!(e["target"][0]["alternateId"], "lee@example.com");
    assert!(e["published"].as_str().expect("published").ends_with('Z'));
    assert_eq!(e["uuid"].as_str().expect("uuid").len(), 36);

    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{uid}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = get(&h, "/api/v1/logs?sortOrder=DESCENDING").await;
    assert_eq!(
        types(&r),
        ["user.lifecycle.deactivate", "user.lifecycle.create"]
    );
}

#[tokio::test]
async fn hosted_sign_in_logs_success_and_failure_with_the_reason_and_the_lockout() {
    let h = Harness::start().await;
    let b = browser();
    let signin = h.url("/login/login.htm");
    sign_in_on_page(&b, &h, &signin, DEFAULT_USER_LOGIN, DEFAULT_USER_PASSWORD).await;
    let ok = get(
        &h,
        "/api/v1/logs?filter=eventType%20eq%20%22user.session.start%22",
    )
    .await;
    assert_eq!(ok.json.as_array().map(Vec::len), Some(1), "{}", ok.text);
    assert_eq!(ok.json[0]["outcome"]["result"], "SUCCESS");
    assert_eq!(ok.json[0]["actor"]["alternateId"], DEFAULT_USER_LOGIN);

    // Wrong passwords: each is a FAILURE with INVALID_CREDENTIALS, and the lockout is logged.
    let lee = "lee@example.com";
    make_user(&h, lee).await;
    let b = browser();
    for _ in 0..mock_okta::directory::DEFAULT_LOCKOUT_ATTEMPTS {
        let page = b
            .get(&signin)
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        let token = crate::support::hidden(&page, "stateToken").expect("stateToken");
        b.post(h.url("/idp/idx/identify"))
            .form(&[("stateToken", token.as_str()), ("identifier", lee)])
            .send()
            .await
            .expect("identify");
        b.post(h.url("/idp/idx/challenge/answer"))
            .form(&[
                ("stateToken", token.as_str()),
                ("credentials.passcode", "wrong"),
            ])
            .send()
            .await
            .expect("answer");
    }
    let failed = get(
        &h,
        "/api/v1/logs?filter=outcome.result%20eq%20%22FAILURE%22%20and%20actor.alternateId%20eq%20%22lee@example.com%22",
    )
    .await;
    let reasons: Vec<_> = events(&failed)
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["eventType"].as_str().unwrap_or_default(),
                e["outcome"]["reason"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let n = mock_okta::directory::DEFAULT_LOCKOUT_ATTEMPTS as usize;
    assert_eq!(reasons.len(), n + 1, "{reasons:?}");
    assert!(
        reasons[..n - 1]
            .iter()
            .all(|r| r == "user.session.start INVALID_CREDENTIALS"),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"user.account.lock LOCKED_OUT".to_owned()),
        "{reasons:?}"
    );
    assert_eq!(events(&failed)[0]["severity"], "WARN");
}

#[tokio::test]
async fn group_membership_changes_name_the_user_and_the_group() {
    let h = Harness::start().await;
    let uid = make_user(&h, "lee@example.com").await;
    let g = call(
        &h,
        Method::POST,
        "/api/v1/groups",
        Some(json!({"profile": {"name": "Loggers"}})),
    )
    .await;
    let gid = g.json["id"].as_str().expect("gid").to_owned();
    for m in [Method::PUT, Method::DELETE] {
        let r = call(&h, m, &format!("/api/v1/groups/{gid}/users/{uid}"), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    let r = get(
        &h,
        &format!("/api/v1/logs?filter=target.id%20eq%20%22{gid}%22"),
    )
    .await;
    assert_eq!(
        types(&r),
        ["group.user_membership.add", "group.user_membership.remove"]
    );
    assert_eq!(r.json[0]["target"][0]["id"], uid.as_str());
    assert_eq!(r.json[0]["target"][1]["displayName"], "Loggers");
    // q: every keyword must appear, case-insensitively.
    let r = get(&h, "/api/v1/logs?q=LOGGERS%20remove").await;
    assert_eq!(types(&r), ["group.user_membership.remove"]);
    let r = get(&h, "/api/v1/logs?q=loggers%20nothing-like-this").await;
    assert_eq!(r.json, json!([]));
    // Field names are not searched, only values.
    let r = get(&h, "/api/v1/logs?q=displayMessage").await;
    assert_eq!(r.json, json!([]));
}

#[tokio::test]
async fn pages_follow_next_links_and_a_poll_always_has_one() {
    let h = Harness::start().await;
    for i in 0..5 {
        make_user(&h, &format!("p{i}@example.com")).await;
    }
    let mut url = h.url("/api/v1/logs?limit=2&until=2999-01-01T00:00:00Z");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = follow(&h, &url).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        pages += 1;
        seen.extend(
            events(&r)
                .iter()
                .map(|e| e["target"][0]["alternateId"].clone()),
        );
        match next_link(&r) {
            Some(next) => url = next,
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expect: Vec<Value> = (0..5).map(|i| json!(format!("p{i}@example.com"))).collect();
    assert_eq!(seen, expect);

    // since without until: a poll; the next link is there even at the end, and later
    // events arrive on it.
    let r = get(&h, "/api/v1/logs?since=2000-01-01T00:00:00Z&limit=10").await;
    assert_eq!(events(&r).len(), 5);
    let next = next_link(&r).expect("a poll always has a next link");
    let r = follow(&h, &next).await;
    assert_eq!(r.json, json!([]));
    let again = next_link(&r).expect("still polling");
    make_user(&h, "late@example.com").await;
    let r = follow(&h, &again).await;
    assert_eq!(events(&r).len(), 1);
    assert_eq!(r.json[0]["target"][0]["alternateId"], "late@example.com");

    // A window that ends before everything holds nothing.
    let r = get(
        &h,
        "/api/v1/logs?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z",
    )
    .await;
    assert_eq!(r.json, json!([]));
    assert_eq!(next_link(&r), None);
}

#[tokio::test]
async fn bad_parameters_get_oktas_errors_and_hostile_filters_are_refused() {
    let h = Harness::start().await;
    for q in [
        "since=yesterday",
        "until=2026-13-45",
        "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
        "sortOrder=SIDEWAYS",
        "after=not-a-cursor",
        "limit=ten",
        "q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k",
    ] {
        get(&h, &format!("/api/v1/logs?{q}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    }
    // A keyword past 40 characters, and one of 5,000 (hostile): refused, nothing else.
    for n in [41, 5_000] {
        get(&h, &format!("/api/v1/logs?q={}", "x".repeat(n)))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    }
    for f in [
        "eventType%20eq",
        "password%20eq%20%22x%22",
        &"(".repeat(5000),
    ] {
        get(&h, &format!("/api/v1/logs?filter={f}"))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "E0000031");
    }
    let r = h.http.get(h.url("/api/v1/logs")).reply().await;
    r.assert_error(StatusCode::FORBIDDEN, "E0000005");
}

#[tokio::test]
async fn the_log_keeps_only_the_newest_events() {
    let mut config = mock_okta::config::Config::for_tests();
    config.log_events = 3;
    let h = Harness::with_config(config).await;
    for i in 0..5 {
        make_user(&h, &format!("k{i}@example.com")).await;
    }
    let r = get(&h, "/api/v1/logs").await;
    let kept: Vec<_> = events(&r)
        .iter()
        .map(|e| e["target"][0]["alternateId"].clone())
        .collect();
    assert_eq!(
        kept,
        [
            json!("k2@example.com"),
            json!("k3@example.com"),
            json!("k4@example.com")
        ]
    );
}

#[tokio::test]
async fn app_sign_ins_and_token_grants_are_logged_and_refused_grants_fail_with_the_oauth_error() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let r = crate::support::code_flow(&h, &app, "openid", "/oauth2/default").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let refused = crate::support::exchange(&h, &app, "no-such-code", &[]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);

    let f = format!(
        "target.id%20eq%20%22{}%22%20and%20target.type%20eq%20%22PublicClientApp%22",
        app.client_id
    );
    let r = get(&h, &format!("/api/v1/logs?filter={f}")).await;
    assert_eq!(
        types(&r),
        ["user.authentication.sso", "app.oauth2.authorize.code"]
    );
    assert_eq!(r.json[0]["actor"]["alternateId"], DEFAULT_USER_LOGIN);
    let f = format!("actor.id%20eq%20%22{}%22", app.client_id);
    let r = get(&h, &format!("/api/v1/logs?filter={f}")).await;
    let grants: Vec<_> = events(&r)
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e["eventType"].as_str().unwrap_or_default(),
                e["debugContext"]["debugData"]["grantType"]
                    .as_str()
                    .unwrap_or_default(),
                e["outcome"]["result"].as_str().unwrap_or_default(),
                e["outcome"]["reason"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        grants,
        [
            "app.oauth2.token.grant authorization_code SUCCESS ",
            "app.oauth2.token.grant authorization_code FAILURE invalid_grant"
        ]
    );
}

#[tokio::test]
async fn app_and_policy_changes_are_logged_as_lifecycle_events() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    for op in ["deactivate", "activate", "deactivate"] {
        let r = call(
            &h,
            Method::POST,
            &format!("/api/v1/apps/{}/lifecycle/{op}", app.id),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = call(
        &h,
        Method::DELETE,
        &format!("/api/v1/apps/{}", app.id),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = get(
        &h,
        &format!("/api/v1/logs?filter=target.id%20eq%20%22{}%22", app.id),
    )
    .await;
    assert_eq!(
        types(&r),
        [
            "application.lifecycle.create",
            "application.lifecycle.activate",
            "application.lifecycle.deactivate",
            "application.lifecycle.activate",
            "application.lifecycle.deactivate",
            "application.lifecycle.delete"
        ]
    );
    assert_eq!(r.json[0]["target"][0]["type"], "AppInstance");

    let policies = get(&h, "/api/v1/authorizationServers/default/policies").await;
    let pid = policies.json[0]["id"]
        .as_str()
        .expect("policy id")
        .to_owned();
    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/authorizationServers/default/policies/{pid}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = get(
        &h,
        "/api/v1/logs?filter=eventType%20sw%20%22policy.lifecycle%22",
    )
    .await;
    assert_eq!(types(&r), ["policy.lifecycle.deactivate"]);
    assert_eq!(r.json[0]["target"][0]["id"], pid.as_str());
}

#[tokio::test]
async fn password_and_policy_rule_changes_are_logged() {
    let h = Harness::start().await;
    let uid = make_user(&h, "pat@example.com").await;
    let lifecycle = |op: &str| format!("/api/v1/users/{uid}/lifecycle/{op}");
    let r = call(&h, Method::POST, &lifecycle("expire_password"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = call(
        &h,
        Method::POST,
        &format!("/api/v1/users/{uid}/credentials/change_password"),
        Some(json!({"oldPassword": {"value": "Corr3ct-horse!"},
                    "newPassword": {"value": "N3w-horse-battery"}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = call(
        &h,
        Method::POST,
        &format!("{}?sendEmail=false", lifecycle("reset_password")),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = get(
        &h,
        "/api/v1/logs?filter=eventType%20sw%20%22user.account%22",
    )
    .await;
    assert_eq!(
        types(&r),
        [
            "user.account.expire_password",
            "user.account.update_password",
            "user.account.reset_password"
        ]
    );
    assert!(
        events(&r)
            .iter()
            .all(|e| e["target"][0]["id"] == uid.as_str())
    );

    let policies = get(&h, "/api/v1/authorizationServers/default/policies").await;
    let pid = policies.json[0]["id"]
        .as_str()
        .expect("policy id")
        .to_owned();
    let rules = format!("/api/v1/authorizationServers/default/policies/{pid}/rules");
    let r = call(
        &h,
        Method::POST,
        &rules,
        Some(json!({"name": "Logged", "type": "RESOURCE_ACCESS",
            "conditions": {"grantTypes": {"include": ["client_credentials"]}}})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rid = r.json["id"].as_str().expect("rule id").to_owned();
    for (method, path) in [
        (Method::POST, format!("{rules}/{rid}/lifecycle/deactivate")),
        (Method::DELETE, format!("{rules}/{rid}")),
    ] {
        let r = call(&h, method, &path, None).await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    let r = get(
        &h,
        &format!("/api/v1/logs?filter=target.id%20eq%20%22{rid}%22"),
    )
    .await;
    assert_eq!(
        types(&r),
        [
            "policy.rule.add",
            "policy.rule.deactivate",
            "policy.rule.delete"
        ]
    );
}
