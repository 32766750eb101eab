//! The stub as an OpenID Connect relying party, against a wiremock provider: the request it
//! makes, the happy path, and every way a sign-in must fail without leaving a session.

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use konnect_stub::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use wiremock::{
    Mock, ResponseTemplate,
    matchers::{basic_auth, method, path},
};

use crate::helpers::*;

#[tokio::test]
async fn login_url_redirects_to_the_provider_with_state_nonce_and_pkce() {
    let sso = Sso::start().await;
    let response = sso
        .http
        .get(format!("{}/login/acme-co", sso.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("kauth_oidc_state="))
        .expect("state cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/login", "Max-Age=600"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    let attempt = sso.begin().await;
    assert_eq!(attempt.param("response_type").as_deref(), Some("code"));
    assert_eq!(attempt.param("client_id").as_deref(), Some(CLIENT_ID));
    assert_eq!(
        attempt.param("redirect_uri"),
        Some(format!("{}/login", sso.base()))
    );
    assert_eq!(
        attempt.param("scope").as_deref(),
        Some("openid email profile")
    );
    assert_eq!(
        attempt.param("code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(attempt.param("code_challenge").unwrap().len(), 43);
    assert!(attempt.state.len() >= 32 && attempt.nonce.len() >= 32);
    assert_ne!(attempt.state, attempt.nonce);
    // The cookie binds the attempt with a secret of its own that no URL carries.
    let (cookie_state, secret) = attempt.cookie.split_once('.').expect("state.secret");
    assert_eq!(cookie_state, attempt.state);
    assert!(secret.len() >= 32, "{secret}");
    assert!(!attempt.authorize.as_str().contains(secret));
    assert_ne!(secret, attempt.nonce);
}

#[tokio::test]
async fn a_good_sign_in_exchanges_the_code_and_opens_a_session() {
    let sso = Sso::start().await;
    let attempt = sso.begin().await;
    let id_token = sso.idp.id_token(&attempt.nonce);
    let token = sso
        .idp
        .mount_token(TestIdp::token_response(&id_token))
        .await;
    let response = sso
        .callback(&[("code", "the-code"), ("state", &attempt.state)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let cookies = set_cookies(&response);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("konnectaccesstoken=") && c.contains("HttpOnly")),
        "{cookies:?}"
    );
    assert_state_cookie_cleared(&response);

    // The token request: client_secret_basic, the code, the redirect URI and the verifier
    // whose S256 is the challenge sent to /authorize.
    let requests = token.received_requests().await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    let expected_auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    assert_eq!(request.headers["authorization"], expected_auth.as_str());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {form:?}"))
    };
    assert_eq!(field("grant_type"), "authorization_code");
    assert_eq!(field("code"), "the-code");
    assert_eq!(field("redirect_uri"), format!("{}/login", sso.base()));
    assert!(form.iter().all(|(k, _)| k != "client_secret"));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    assert_eq!(Some(challenge), attempt.param("code_challenge"));

    // The user was provisioned as a member and is signed in.
    let home = sso
        .http
        .get(format!("{}/", sso.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains("sam@example.com") && html.contains("Sam Sso"));
    let me: Value = json_ok(sso.http.get(format!("{}/v2/users/me", sso.base()))).await;
    assert_eq!(me["full_name"], "Sam Sso");
}

/// Runs a sign-in whose ID token is changed by `edit` and expects a 502 page naming `why`.
async fn rejected_token(key: Key, edit: impl FnOnce(&mut Value), why: &str) {
    let sso = Sso::start().await;
    let response = sso.login_with_claims(key, edit).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_no_session_cookie(&response);
    let message = error_message(&response.text().await.unwrap());
    assert!(message.contains(why), "{message:?} does not say {why:?}");
    sso.assert_no_session().await;
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_refused() {
    // Key two's signature under key one's kid: a forgery.
    rejected_token(Key::Two, |_| {}, "ID token").await;
    let sso = Sso::start().await;
    let response = sso
        .login_with(|a| {
            TestIdp::token_response(&sign(
                Key::Two,
                Some(kid(Key::One)),
                &sso.idp.claims(&a.nonce),
            ))
        })
        .await;
    assert!(error_message(&response.text().await.unwrap()).contains("signature is invalid"));
    sso.assert_no_session().await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    rejected_token(
        Key::One,
        |c| c["iss"] = json!("https://evil.example/oauth2/default"),
        "was issued by",
    )
    .await;
}

#[tokio::test]
async fn a_token_for_another_client_is_refused() {
    rejected_token(
        Key::One,
        |c| c["aud"] = json!("someone-else"),
        "another client",
    )
    .await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    rejected_token(
        Key::One,
        |c| {
            c["iat"] = json!(now() - 7200);
            c["exp"] = json!(now() - 3600);
        },
        "has expired",
    )
    .await;
}

#[tokio::test]
async fn a_token_issued_in_the_future_is_refused() {
    rejected_token(Key::One, |c| c["iat"] = json!(now() + 600), "in the future").await;
}

#[tokio::test]
async fn a_token_with_another_nonce_is_refused() {
    rejected_token(Key::One, |c| c["nonce"] = json!("replayed-nonce"), "nonce").await;
}

#[tokio::test]
async fn an_unsigned_token_is_refused() {
    let sso = Sso::start().await;
    let response = sso
        .login_with(|a| {
            let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","kid":"kid-one"}"#);
            let payload =
                URL_SAFE_NO_PAD.encode(serde_json::to_vec(&sso.idp.claims(&a.nonce)).unwrap());
            TestIdp::token_response(&format!("{header}.{payload}."))
        })
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let message = error_message(&response.text().await.unwrap());
    assert!(message.contains("only RS256"), "{message}");
    sso.assert_no_session().await;
}

#[tokio::test]
async fn keys_are_cached_and_refetched_when_the_provider_rotates() {
    let idp = TestIdp::start_with(|_| {}).await;
    idp.server.reset().await;
    // Discovery again, then JWKS: key one for the first fetch only, key two afterwards (mocks
    // of equal priority match in mount order; wiremock's priorities would confuse its guards).
    Mock::given(method("GET"))
        .and(path("/oauth2/default/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(TestIdp::discovery(&idp.issuer)))
        .mount(&idp.server)
        .await;
    Mock::given(method("GET"))
        .and(path(TestIdp::jwks_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks(&[Key::One])))
        .up_to_n_times(1)
        .mount(&idp.server)
        .await;
    Mock::given(method("GET"))
        .and(path(TestIdp::jwks_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks(&[Key::Two])))
        .mount(&idp.server)
        .await;
    let sso = Sso::start_with(Config::for_tests(), idp).await;
    let jwks_fetches = || async {
        sso.idp
            .server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.path() == TestIdp::jwks_path())
            .count()
    };

    // Two sign-ins with key one: the JWKS is fetched once.
    for _ in 0..2 {
        let response = sso.login_with_claims(Key::One, |_| {}).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(jwks_fetches().await, 1, "JWKS not cached");

    // The provider now signs with key two: the unknown kid makes the stub refetch.
    let response = sso.login_with_claims(Key::Two, |_| {}).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap()
    );
    assert_eq!(jwks_fetches().await, 2);

    // A kid the provider never published still fails after one more refetch.
    let response = sso
        .login_with(|a| {
            TestIdp::token_response(&sign(
                Key::Two,
                Some("kid-unknown"),
                &sso.idp.claims(&a.nonce),
            ))
        })
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let message = error_message(&response.text().await.unwrap());
    assert!(message.contains("does not publish"), "{message}");
    assert_eq!(jwks_fetches().await, 3);
}

#[tokio::test]
async fn a_wrong_client_secret_is_reported() {
    let idp = TestIdp::start().await;
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    configure_sso(&http, stub.base_url(), &idp.issuer, "not-the-secret").await;
    let sso = Sso {
        stub,
        idp,
        http,
        login_path: "acme-co".into(),
    };
    let attempt = sso.begin().await;
    // The provider knows the real secret only.
    let _ok = Mock::given(method("POST"))
        .and(path(TestIdp::token_path()))
        .and(basic_auth(CLIENT_ID, CLIENT_SECRET))
        .respond_with(TestIdp::token_response("unused"))
        .mount_as_scoped(&sso.idp.server)
        .await;
    let _refuse = sso
        .idp
        .mount_token(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "The client secret supplied for a confidential client is invalid."
        })))
        .await;
    let response = sso
        .callback(&[("code", "c"), ("state", &attempt.state)])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let message = error_message(&response.text().await.unwrap());
    assert!(
        message.contains("invalid_client") && message.contains("client secret"),
        "{message}"
    );
    sso.assert_no_session().await;
}

#[tokio::test]
async fn a_provider_error_is_a_bad_gateway_page() {
    let sso = Sso::start().await;
    let response = sso
        .login_with(|_| ResponseTemplate::new(500).set_body_string("<html>oops</html>"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let message = error_message(&response.text().await.unwrap());
    assert!(
        message.contains("HTTP 500") && message.contains("token endpoint"),
        "{message}"
    );
    sso.assert_no_session().await;
}

#[tokio::test]
async fn an_unavailable_or_rate_limiting_provider_is_named_so_not_as_a_refusal() {
    // Okta's own answers: an OAuth error body with 503, its API error body with 429.
    let unavailable = ResponseTemplate::new(503).set_body_json(json!({
        "error": "temporarily_unavailable",
        "error_description": "The service is temporarily unavailable."
    }));
    let rate_limited = ResponseTemplate::new(429)
        .insert_header("x-rate-limit-remaining", "0")
        .set_body_json(json!({
            "errorCode": "E0000047",
            "errorSummary": "API call exceeded rate limit due to too many requests."
        }));
    for (answer, says) in [
        (unavailable, "not available right now: it answered HTTP 503"),
        (
            rate_limited,
            "limiting requests: it answered 429 Too Many Requests",
        ),
    ] {
        let sso = Sso::start().await;
        let response = sso.login_with(|_| answer).await;
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        let message = error_message(&response.text().await.unwrap());
        assert!(
            message.contains(says) && message.contains("token endpoint"),
            "{message}"
        );
        assert!(!message.contains("refused"), "{message}");
        sso.assert_no_session().await;
    }
}

#[tokio::test]
async fn a_failing_discovery_is_an_error_page_at_the_login_url() {
    // SSO configured without the check (as a launcher does), provider down for discovery.
    let idp = TestIdp::start().await;
    idp.server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&idp.server)
        .await;
    let stub = start_stub(Config::for_tests()).await;
    stub.enable_sso(
        konnect_stub::OidcClient {
            issuer: idp.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            scopes: konnect_stub::org::default_scopes(),
            claim_mappings: Default::default(),
            groups_wanted: false,
        },
        None,
    )
    .unwrap();
    let http = browser();
    let response = http
        .get(format!("{}/login/acme-co", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(set_cookies(&response).is_empty());
    let message = error_message(&response.text().await.unwrap());
    assert!(
        message.contains("HTTP 503") && message.contains("discovery"),
        "{message}"
    );
}

#[tokio::test]
async fn a_slow_provider_times_out() {
    let mut config = Config::for_tests();
    config.idp_timeout_ms = 300;
    let sso = Sso::start_with(config, TestIdp::start().await).await;
    let started = std::time::Instant::now();
    let response = sso
        .login_with(|a| {
            TestIdp::token_response(&sso.idp.id_token(&a.nonce)).set_delay(Duration::from_secs(5))
        })
        .await;
    assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let message = error_message(&response.text().await.unwrap());
    assert!(message.contains("did not answer in time"), "{message}");
    sso.assert_no_session().await;
}

#[tokio::test]
async fn an_unreachable_provider_is_reported() {
    // Nothing listens on port 9 (discard) here: the token endpoint is unreachable.
    let idp =
        TestIdp::start_with(|d| d["token_endpoint"] = json!("http://127.0.0.1:9/token")).await;
    let sso = Sso::start_with(Config::for_tests(), idp).await;
    let response = sso.login_with(|_| ResponseTemplate::new(500)).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let message = error_message(&response.text().await.unwrap());
    assert!(
        message.contains("could not be reached") && message.contains("token endpoint"),
        "{message}"
    );
    sso.assert_no_session().await;

    // The same for discovery, when SSO was set up without the check.
    let stub = start_stub(Config::for_tests()).await;
    stub.enable_sso(
        konnect_stub::OidcClient {
            issuer: "http://127.0.0.1:9/oauth2/default".into(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            scopes: konnect_stub::org::default_scopes(),
            claim_mappings: Default::default(),
            groups_wanted: false,
        },
        None,
    )
    .unwrap();
    let response = browser()
        .get(format!("{}/login/acme-co", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let message = error_message(&response.text().await.unwrap());
    assert!(
        message.contains("could not be reached") && message.contains("discovery"),
        "{message}"
    );
}

#[tokio::test]
async fn email_and_name_come_from_userinfo_when_the_id_token_lacks_them() {
    let sso = Sso::start().await;
    let userinfo = Mock::given(method("GET"))
        .and(path("/oauth2/default/v1/userinfo"))
        .and(wiremock::matchers::bearer_token("access-token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sub": "00u-sam", "email": "info@example.com", "name": "Info Person"
        })))
        .mount_as_scoped(&sso.idp.server)
        .await;
    let response = sso
        .login_with_claims(Key::One, |c| {
            let c = c.as_object_mut().unwrap();
            c.remove("email");
            c.remove("name");
        })
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(userinfo.received_requests().await.len(), 1);
    assert_eq!(
        session_email(&sso.http, sso.base()).await,
        "info@example.com"
    );
}

#[tokio::test]
async fn userinfo_about_another_subject_is_refused() {
    let sso = Sso::start().await;
    let _userinfo = Mock::given(method("GET"))
        .and(path("/oauth2/default/v1/userinfo"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sub": "00u-somebody-else", "email": "other@example.com", "name": "Other"
        })))
        .mount_as_scoped(&sso.idp.server)
        .await;
    let response = sso
        .login_with_claims(Key::One, |c| {
            c.as_object_mut().unwrap().remove("email");
        })
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(error_message(&response.text().await.unwrap()).contains("sub differs"));
    sso.assert_no_session().await;
}

#[tokio::test]
async fn third_party_initiated_login_accepts_the_org_url_only() {
    let sso = Sso::start().await;
    let org_url = sso.idp.server.uri();
    let response = sso
        .http
        .get(format!("{}/login/acme-co", sso.base()))
        .query(&[("iss", org_url.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with(&format!("{}/v1/authorize?", sso.idp.issuer)));

    let response = sso
        .http
        .get(format!("{}/login/acme-co", sso.base()))
        .query(&[("iss", "https://evil.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(set_cookies(&response).is_empty());
    assert!(error_message(&response.text().await.unwrap()).contains("evil.example"));
}

#[tokio::test]
async fn unknown_login_paths_and_disabled_sso_get_error_pages() {
    let sso = Sso::start().await;
    let response = sso
        .http
        .get(format!("{}/login/nobody", sso.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(error_message(&response.text().await.unwrap()).contains("nobody"));

    let off = sso
        .http
        .patch(format!("{}/v2/authentication-settings", sso.base()))
        .bearer_auth(ADMIN_PAT)
        .json(&json!({"oidc_auth_enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::OK);
    let response = sso
        .http
        .get(format!("{}/login/acme-co", sso.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(error_message(&response.text().await.unwrap()).contains("does not use single sign-on"));
}
