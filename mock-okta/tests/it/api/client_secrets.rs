//! `/api/v1/apps/{id}/credentials/secrets`: client secret rotation in Okta's shape, its
//! rules and errors, and the token endpoint accepting exactly the active secrets.

use super::*;

const SECRET_KEYS: [&str; 7] = [
    "id",
    "created",
    "lastUpdated",
    "status",
    "client_secret",
    "secret_hash",
    "_links",
];

/// How the token endpoint judges a client secret: a known client with a good secret gets
/// past client authentication to the grant (a made-up refresh token, `invalid_grant`); a
/// bad secret stops at `invalid_client`.
async fn token_endpoint_takes(h: &Harness, client_id: &str, secret: &str) -> bool {
    let r = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "nope")])
        .reply()
        .await;
    let (status, error, _) = r.oauth_error();
    match error.as_str() {
        "invalid_grant" => true,
        "invalid_client" => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            false
        }
        other => panic!("unexpected {status} {other}: {}", r.text),
    }
}

#[tokio::test]
async fn a_secret_is_rotated_as_okta_does_and_the_token_endpoint_takes_only_active_ones() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code", "refresh_token"]).await;
    let first = app.client_secret.clone().expect("web app secret");
    let base = format!("/api/v1/apps/{}/credentials/secrets", app.id);

    let r = get(&h, &base).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let list = r.json.as_array().expect("a list").clone();
    assert_eq!(list.len(), 1);
    let old = &list[0];
    assert_eq!(keys(old), SECRET_KEYS);
    let old_id = old["id"].as_str().unwrap().to_owned();
    assert!(old_id.starts_with("ocs") && old_id.len() == 20, "{old_id}");
    assert_eq!(old["status"], "ACTIVE");
    assert_eq!(old["client_secret"], first.as_str());
    assert_eq!(old["secret_hash"].as_str().unwrap().len(), 22);
    assert_eq!(
        old["_links"],
        json!({"deactivate": {"href": h.url(&format!("{base}/{old_id}/lifecycle/deactivate")),
            "hints": {"allow": ["POST"]}}})
    );

    // The only active secret can be neither deactivated nor deleted.
    call(
        &h,
        Method::POST,
        &format!("{base}/{old_id}/lifecycle/deactivate"),
        None,
    )
    .await
    .assert_error(StatusCode::BAD_REQUEST, "E0000001");
    call(&h, Method::DELETE, &format!("{base}/{old_id}"), None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000001");

    // A second secret: both work.
    let r = call(&h, Method::POST, &base, Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.keys(), SECRET_KEYS);
    let new_id = r.json["id"].as_str().unwrap().to_owned();
    let second = r.json["client_secret"].as_str().unwrap().to_owned();
    assert_eq!(second.len(), 64, "generated like an app's secret");
    assert_ne!(second, first);
    assert!(token_endpoint_takes(&h, &app.client_id, &first).await);
    assert!(token_endpoint_takes(&h, &app.client_id, &second).await);
    // A third is refused, with or without a value of one's own.
    let r = call(&h, Method::POST, &base, None).await;
    let summary = r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert_eq!(summary, "Api validation failed: client_secret");
    assert!(r.text.contains("at most two client secrets"), "{}", r.text);

    // The old one deactivated: refused at the token endpoint, deletable, re-activatable.
    let r = call(
        &h,
        Method::POST,
        &format!("{base}/{old_id}/lifecycle/deactivate"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["status"], "INACTIVE");
    assert_eq!(
        keys(&r.json["_links"]),
        ["activate", "delete"],
        "an inactive secret's links"
    );
    assert!(!token_endpoint_takes(&h, &app.client_id, &first).await);
    assert!(token_endpoint_takes(&h, &app.client_id, &second).await);
    let r = call(
        &h,
        Method::POST,
        &format!("{base}/{old_id}/lifecycle/activate"),
        None,
    )
    .await;
    assert_eq!(r.json["status"], "ACTIVE", "{}", r.text);
    assert!(token_endpoint_takes(&h, &app.client_id, &first).await);
    call(
        &h,
        Method::POST,
        &format!("{base}/{old_id}/lifecycle/deactivate"),
        None,
    )
    .await;

    let r = call(&h, Method::DELETE, &format!("{base}/{old_id}"), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    get(&h, &format!("{base}/{old_id}"))
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    let r = get(&h, &format!("{base}/{new_id}")).await;
    assert_eq!(r.json["status"], "ACTIVE");
    assert_eq!(get(&h, &base).await.json.as_array().unwrap().len(), 1);
    assert!(!token_endpoint_takes(&h, &app.client_id, &first).await);
}

#[tokio::test]
async fn a_secret_of_ones_own_is_checked_and_an_inactive_one_may_be_added() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let base = format!("/api/v1/apps/{}/credentials/secrets", app.id);
    let r = call(
        &h,
        Method::POST,
        &base,
        Some(json!({"client_secret": "too-short"})),
    )
    .await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert!(
        r.text.contains("between 14 and 100 characters"),
        "{}",
        r.text
    );
    let r = call(&h, Method::POST, &base, Some(json!({"status": "MAYBE"}))).await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    call(&h, Method::POST, &base, Some(json!({"client_secret": 5})))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "E0000003");
    assert_eq!(
        get(&h, &base).await.json.as_array().unwrap().len(),
        1,
        "nothing added"
    );

    let mine = "my-own-client-secret-for-rotation-0001";
    let r = call(
        &h,
        Method::POST,
        &base,
        Some(json!({"client_secret": mine, "status": "INACTIVE"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["client_secret"], mine);
    assert_eq!(r.json["status"], "INACTIVE");
    assert!(!token_endpoint_takes(&h, &app.client_id, mine).await);
}

#[tokio::test]
async fn secrets_of_unknown_apps_and_apps_without_secrets_answer_oktas_errors() {
    let h = Harness::start().await;
    let summary = get(&h, "/api/v1/apps/0oanope/credentials/secrets")
        .await
        .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        "Not found: Resource not found: 0oanope (AppInstance)"
    );
    let app = h.web_app(&["authorization_code"]).await;
    let base = format!("/api/v1/apps/{}/credentials/secrets", app.id);
    let summary = call(
        &h,
        Method::POST,
        &format!("{base}/ocsnope/lifecycle/activate"),
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "E0000007");
    assert_eq!(
        summary,
        "Not found: Resource not found: ocsnope (OAuth2ClientSecret)"
    );
    call(&h, Method::PUT, &base, None)
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "E0000022");

    let key = ClientKey::rsa("k1");
    let r = call(
        &h,
        Method::POST,
        "/api/v1/apps",
        Some(app_body(
            "Keys only",
            json!({"application_type": "service", "grant_types": ["client_credentials"],
                   "response_types": ["token"], "jwks": {"keys": [key.jwk]}}),
            json!({"token_endpoint_auth_method": "private_key_jwt"}),
        )),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json["id"].as_str().unwrap();
    let secrets = format!("/api/v1/apps/{id}/credentials/secrets");
    assert_eq!(get(&h, &secrets).await.json, json!([]));
    let r = call(&h, Method::POST, &secrets, None).await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000001");
    assert!(r.text.contains("private_key_jwt"), "{}", r.text);
}
