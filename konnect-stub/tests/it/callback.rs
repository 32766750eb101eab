//! The SSO callback `/login?code&state`: the attempt bound to the browser that started it,
//! replays, a leaked callback URL, the provider's error answer and the RFC 9207 `iss` check.

use konnect_stub::Config;
use reqwest::StatusCode;
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::helpers::*;

#[tokio::test]
async fn an_error_on_the_callback_is_shown_and_no_code_is_exchanged() {
    let sso = Sso::start().await;
    let attempt = sso.begin().await;
    let token = sso.idp.mount_token(ResponseTemplate::new(500)).await;
    let response = sso
        .callback(&[
            ("error", "access_denied"),
            (
                "error_description",
                "User is not assigned to the client application.",
            ),
            ("state", &attempt.state),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let message = error_message(&response.text().await.unwrap());
    assert!(
        message.contains("access_denied")
            && message.contains("User is not assigned to the client application."),
        "{message}"
    );
    assert!(token.received_requests().await.is_empty());
    sso.assert_no_session().await;
}

#[tokio::test]
async fn a_replayed_callback_or_code_is_refused() {
    let sso = Sso::start().await;
    let attempt = sso.begin().await;
    let id_token = sso.idp.id_token(&attempt.nonce);
    let token = sso
        .idp
        .mount_token(TestIdp::token_response(&id_token))
        .await;
    let first = sso
        .callback(&[("code", "code-1"), ("state", &attempt.state)])
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);

    // The same callback again, from a fresh browser with the victim's very cookie, or one
    // forged from the URL: the attempt is used up.
    for cookie in [attempt.cookie.clone(), attempt.state.clone()] {
        let replay_browser = browser();
        let replay = replay_browser
            .get(format!(
                "{}/login?code=code-1&state={}",
                sso.base(),
                attempt.state
            ))
            .header("cookie", format!("kauth_oidc_state={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
        assert_no_session_cookie(&replay);
        assert!(error_message(&replay.text().await.unwrap()).contains("already used"));
        assert_no_session(&replay_browser, sso.base()).await;
    }
    assert_eq!(
        token.received_requests().await.len(),
        1,
        "a replay reached the provider"
    );

    // The old code in a new attempt of a fresh browser: the provider says invalid_grant, the
    // stub says so.
    drop(token);
    let fresh = Sso {
        http: browser(),
        ..sso
    };
    let again = fresh.begin().await;
    let _used = fresh
        .idp
        .mount_token(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "The authorization code is invalid or has expired."
        })))
        .await;
    let response = fresh
        .callback(&[("code", "code-1"), ("state", &again.state)])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(error_message(&response.text().await.unwrap()).contains("invalid_grant"));
    fresh.assert_no_session().await;
}

#[tokio::test]
async fn a_leaked_callback_url_does_not_sign_in_another_browser() {
    let sso = Sso::start().await;
    let victim = sso.begin().await;
    let id_token = sso.idp.id_token(&victim.nonce);
    let token = sso
        .idp
        .mount_token(TestIdp::token_response(&id_token))
        .await;
    let leaked = format!("{}/login?code=code-1&state={}", sso.base(), victim.state);

    // The attacker has the callback URL (a log, a referrer, a screenshot) and builds the state
    // cookie from what it shows, before the victim's browser gets there.
    let forged = [
        victim.state.clone(),
        format!("{0}.{0}", victim.state),
        format!("{}.code-1", victim.state),
        format!("{}.{}", victim.state, victim.nonce),
    ];
    for cookie in &forged {
        let attacker = browser();
        let response = attacker
            .get(&leaked)
            .header("cookie", format!("kauth_oidc_state={cookie}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{cookie}");
        assert_no_session_cookie(&response);
        let html = response.text().await.unwrap();
        assert!(
            error_message(&html).contains("started in another browser"),
            "{html}"
        );
        assert_no_session(&attacker, sso.base()).await;
    }
    // The code was not even exchanged: the leak spent nothing...
    assert!(token.received_requests().await.is_empty());

    // ...so the victim's browser still finishes its own sign-in.
    let response = sso
        .callback(&[("code", "code-1"), ("state", &victim.state)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        session_email(&sso.http, sso.base()).await,
        "sam@example.com"
    );
    assert_eq!(token.received_requests().await.len(), 1);
}

#[tokio::test]
async fn a_state_mismatch_or_missing_cookie_is_refused() {
    let sso = Sso::start().await;
    let attempt = sso.begin().await;
    let token = sso.idp.mount_token(TestIdp::token_response("x")).await;
    let response = sso
        .callback(&[("code", "c"), ("state", "forged-state")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_message(&response.text().await.unwrap()).contains("state mismatch"));
    // The mismatch used the attempt up: even its real state no longer works.
    let response = sso
        .callback(&[("code", "c"), ("state", &attempt.state)])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    sso.assert_no_session().await;

    // A browser without the cookie gets Konnect's own message.
    let other = browser();
    let response = other
        .get(format!(
            "{}/login?code=c&state={}",
            sso.base(),
            attempt.state
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        error_message(&response.text().await.unwrap()),
        "failed to get state: http: named cookie not present"
    );
    assert!(token.received_requests().await.is_empty());
}

#[tokio::test]
async fn the_response_iss_parameter_is_checked() {
    // RFC 9207: a wrong iss is refused...
    let sso = Sso::start().await;
    let attempt = sso.begin().await;
    let response = sso
        .callback(&[
            ("code", "c"),
            ("state", &attempt.state),
            ("iss", "https://evil.example"),
        ])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_message(&response.text().await.unwrap()).contains("evil.example"));

    // ...and a provider that promises iss must send it.
    let idp =
        TestIdp::start_with(|d| d["authorization_response_iss_parameter_supported"] = json!(true))
            .await;
    let sso = Sso::start_with(Config::for_tests(), idp).await;
    let attempt = sso.begin().await;
    let response = sso
        .callback(&[("code", "c"), ("state", &attempt.state)])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(error_message(&response.text().await.unwrap()).contains("iss is missing"));
    // With the right iss it works.
    let issuer = sso.idp.issuer.clone();
    let attempt = sso.begin().await;
    let id_token = sso.idp.id_token(&attempt.nonce);
    let _token = sso
        .idp
        .mount_token(TestIdp::token_response(&id_token))
        .await;
    let response = sso
        .callback(&[("code", "c"), ("state", &attempt.state), ("iss", &issuer)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
