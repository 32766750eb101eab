//! OAuth for Okta: service apps calling the Management API with `okta.*` scope grants
//! instead of an SSWS token.

use super::*;

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

    // The System Log reads with okta.logs.read, and only with it.
    let res = with(Method::GET, "/api/v1/logs", &access).await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "logs need okta.logs.read"
    );
    let res = h
        .api(Method::POST, &format!("/api/v1/apps/{app_id}/grants"))
        .json(&json!({"issuer": h.base, "scopeId": "okta.logs.read"}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text);
    let res = ask("okta.logs.read").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    let logs_token = res.json["access_token"].as_str().unwrap().to_owned();
    let res = with(Method::GET, "/api/v1/logs", &logs_token).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text);
    assert!(res.json.is_array());

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
