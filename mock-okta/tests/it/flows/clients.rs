//! Client kinds: a service app with client credentials and a public SPA with PKCE and
//! rotating refresh tokens.

use super::*;

#[tokio::test]
async fn client_credentials_needs_a_custom_scope_and_gives_a_client_token() {
    let h = Harness::start().await;
    let svc = h
        .create_app(
            json!({"application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"]}),
            json!({"token_endpoint_auth_method": "client_secret_basic"}),
        )
        .await;
    let ask = |scope: &'static str| {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .basic_auth(&svc.client_id, svc.client_secret.as_deref())
            .form(&[("grant_type", "client_credentials"), ("scope", scope)])
            .reply()
    };
    let res = ask("orders:read").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json["error"], "invalid_scope");
    h.add_scope(json!({"name": "orders:read", "metadataPublish": "ALL_CLIENTS"}))
        .await;
    let res = ask("openid").await;
    assert_eq!(res.json["error"], "invalid_scope");
    let res = ask("orders:read").await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    assert!(t.get("id_token").is_none() && t.get("refresh_token").is_none());
    let (_, at) = jwt_parts(t["access_token"].as_str().unwrap());
    assert_eq!(at["sub"], svc.client_id.as_str());
    assert!(at.get("uid").is_none());
    assert_eq!(at["scp"], json!(["orders:read"]));
    // The published scope shows in discovery.
    let d: Value = h
        .http
        .get(h.url("/oauth2/default/.well-known/openid-configuration"))
        .reply()
        .await
        .json;
    assert!(
        d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("orders:read"))
    );
    // The org authorization server gives client tokens only to private_key_jwt clients
    // (OAuth for Okta), and only okta.* scopes.
    let res = h
        .http
        .post(h.url("/oauth2/v1/token"))
        .basic_auth(&svc.client_id, svc.client_secret.as_deref())
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "orders:read"),
        ])
        .reply()
        .await;
    assert_eq!(res.json["error"], "invalid_client");
}

#[tokio::test]
async fn public_spa_client_uses_pkce_and_rotating_refresh_tokens() {
    let h = Harness::start().await;
    let spa = h
        .create_app(
            json!({"application_type": "browser", "redirect_uris": [REDIRECT],
                   "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]}),
            json!({"token_endpoint_auth_method": "none"}),
        )
        .await;
    assert!(spa.client_secret.is_none());
    let token = session_token(&h, USER.0, USER.1).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let res = h
        .http
        .get(authorize_url(
            &h,
            &spa.client_id,
            &[
                ("sessionToken", &token),
                ("scope", "openid offline_access"),
                (
                    "code_challenge",
                    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ),
                ("code_challenge_method", "S256"),
            ],
        ))
        .reply()
        .await;
    let code = params(&location(&res))["code"].clone();
    let token_req = |form: Vec<(&'static str, String)>| {
        h.http
            .post(h.url("/oauth2/default/v1/token"))
            .form(&form)
            .reply()
    };
    let res = token_req(vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.clone()),
        ("redirect_uri", REDIRECT.into()),
        ("client_id", spa.client_id.clone()),
        ("code_verifier", verifier.into()),
    ])
    .await;
    assert_eq!(res.status, StatusCode::OK);
    let t: Value = res.json;
    let first = t["refresh_token"].as_str().unwrap().to_owned();
    let res = token_req(vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", first.clone()),
        ("client_id", spa.client_id.clone()),
    ])
    .await;
    let r: Value = res.json;
    let second = r["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "SPAs rotate refresh tokens");
    // After the 30 s leeway the old one stops working.
    h.okta.clock().advance(31);
    let res = token_req(vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", first),
        ("client_id", spa.client_id.clone()),
    ])
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = token_req(vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", second),
        ("client_id", spa.client_id.clone()),
    ])
    .await;
    assert_eq!(res.status, StatusCode::OK);
}
