//! Every error path of the issuer, in the protocol's own format.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn unknown_client_and_unregistered_redirect_uri_get_okta_error_page_not_a_redirect() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let res = h
        .http
        .get(authorize_url(&h, "0oaUnknownClient123", &[]))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.headers.get("location").is_none());
    let html = res.text;
    assert!(html.contains("400 Bad Request") && html.contains("invalid_client"));
    assert!(
        html.contains("Invalid value for &#39;client_id&#39; parameter.")
            || html.contains("Invalid value for &#x27;client_id&#x27; parameter."),
        "{html}"
    );
    let url = authorize_url(&h, &app.client_id, &[]).replace("callback", "Callback");
    let res = h.http.get(&url).reply().await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let html = res.text;
    assert!(html.contains("must be a Login redirect URI in the client app settings"));
    assert!(html.contains(&format!(
        "/admin/app/oidc_client/instance/{}#tab-general",
        app.id
    )));
}

#[tokio::test]
async fn unknown_authorization_server_answers_okta_404_body() {
    let h = Harness::start().await;
    for path in [
        "/oauth2/aus000nope/.well-known/openid-configuration",
        "/oauth2/nope/v1/keys",
    ] {
        let res = h.http.get(h.url(path)).reply().await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        let v: Value = res.json;
        assert_eq!(v["errorCode"], "E0000007");
        assert!(
            v["errorSummary"]
                .as_str()
                .unwrap()
                .ends_with("(AuthorizationServer)")
        );
    }
}

#[tokio::test]
async fn a_user_not_assigned_to_the_app_is_refused() {
    let h = Harness::start().await;
    let res = h
        .api(reqwest::Method::POST, "/api/v1/apps")
        .json(
            &json!({"name": "oidc_client", "label": "Unassigned", "signOnMode": "OPENID_CONNECT",
            "settings": {"oauthClient": {"application_type": "web", "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code"], "response_types": ["code"]}}}),
        )
        .reply()
        .await;
    let app: Value = res.json;
    let client_id = app["credentials"]["oauthClient"]["client_id"]
        .as_str()
        .unwrap();
    let token = session_token(&h, USER.0, USER.1).await;
    let res = h
        .http
        .get(authorize_url(&h, client_id, &[("sessionToken", &token)]))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    let p = params(&location(&res));
    assert_eq!(p["error"], "access_denied");
    assert_eq!(
        p["error_description"],
        "User is not assigned to the client application."
    );
    assert_eq!(p["state"], "state-123");
}

#[tokio::test]
async fn prompt_none_without_a_session_returns_login_required() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let res = h
        .http
        .get(authorize_url(&h, &app.client_id, &[("prompt", "none")]))
        .reply()
        .await;
    let back = location(&res);
    assert!(back.starts_with(REDIRECT));
    let p = params(&back);
    assert_eq!(p["error"], "login_required");
    assert_eq!(
        p["error_description"],
        "The client specified not to prompt, but the user is not logged in."
    );
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_clear_messages_and_no_session() {
    let h = Harness::start().await;
    let page = h.http.get(h.url("/login/login.htm")).reply().await.text;
    let st = hidden(&page, "stateToken").unwrap();
    let res = h
        .http
        .post(h.url("/idp/idx/identify"))
        .form(&[
            ("stateToken", st.as_str()),
            ("identifier", "nobody@example.com"),
        ])
        .reply()
        .await;
    assert!(
        res.text
            .contains("There is no account with the Username nobody@example.com.")
    );
    h.http
        .post(h.url("/idp/idx/identify"))
        .form(&[("stateToken", st.as_str()), ("identifier", USER.0)])
        .reply()
        .await;
    let res = h
        .http
        .post(h.url("/idp/idx/challenge/answer"))
        .form(&[
            ("stateToken", st.as_str()),
            ("credentials.passcode", "wrong"),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.headers.get("set-cookie").is_none());
    assert!(res.text.contains("Password is incorrect"));
    let res = h.http.get(h.url("/api/v1/sessions/me")).reply().await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // The right password then works, and the session shows.
    let res = h
        .http
        .post(h.url("/idp/idx/challenge/answer"))
        .form(&[
            ("stateToken", st.as_str()),
            ("credentials.passcode", USER.1),
        ])
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(location(&res), "/app/UserHome");
    let me: Value = h.http.get(h.url("/api/v1/sessions/me")).reply().await.json;
    assert_eq!(me["login"], USER.0);
    let res = h
        .http
        .post(h.url("/api/v1/authn"))
        .json(&json!({"username": USER.0, "password": "nope"}))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.json["errorCode"], "E0000004");
}

#[tokio::test]
async fn authorization_codes_are_single_use_bound_and_expire() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let other = h.web_app(&["authorization_code"]).await;
    let get_code = |extra: Vec<(&'static str, String)>| {
        let h = &h;
        let app = &app;
        async move {
            let token = session_token(h, USER.0, USER.1).await;
            let mut e: Vec<(&str, &str)> = vec![("sessionToken", token.as_str())];
            e.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
            let res = h
                .http
                .get(authorize_url(h, &app.client_id, &e))
                .reply()
                .await;
            params(&location(&res))["code"].clone()
        }
    };
    // Replay.
    let code = get_code(vec![]).await;
    assert_eq!(exchange(&h, &app, &code, &[]).await.status, StatusCode::OK);
    let (s, e, d) = exchange(&h, &app, &code, &[]).await.oauth_error();
    assert_eq!(
        (s, e.as_str(), d.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The authorization code is invalid or has expired."
        )
    );
    // Another client.
    let code = get_code(vec![]).await;
    let (_, e, d) = exchange(&h, &other, &code, &[]).await.oauth_error();
    assert_eq!(e, "invalid_grant");
    assert!(d.starts_with("The grant was issued to another client."));
    // Another redirect URI.
    let code = get_code(vec![]).await;
    let res = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", "https://app.example.test/other"),
        ])
        .reply()
        .await;
    let (_, e, d) = res.oauth_error();
    assert_eq!(e, "invalid_grant");
    assert_eq!(
        d,
        "The 'redirect_uri' does not match the redirection URI used in the authorization request."
    );
    // PKCE: missing and wrong verifier.
    let challenge = (
        "code_challenge",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
    );
    let method = ("code_challenge_method", "S256".to_owned());
    let code = get_code(vec![challenge.clone(), method.clone()]).await;
    let (_, e, _) = exchange(&h, &app, &code, &[]).await.oauth_error();
    assert_eq!(e, "invalid_request");
    let code = get_code(vec![challenge.clone(), method.clone()]).await;
    let (_, e, d) = (exchange(
        &h,
        &app,
        &code,
        &[(
            "code_verifier",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl",
        )],
    )
    .await)
        .oauth_error();
    assert_eq!(
        (e.as_str(), d.as_str()),
        ("invalid_grant", "PKCE verification failed.")
    );
    let code = get_code(vec![challenge, method]).await;
    assert_eq!(
        exchange(
            &h,
            &app,
            &code,
            &[(
                "code_verifier",
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
            )]
        )
        .await
        .status,
        StatusCode::OK
    );
    // Expiry after 300 seconds.
    let code = get_code(vec![]).await;
    h.okta.clock().advance(301);
    let (_, e, _) = exchange(&h, &app, &code, &[]).await.oauth_error();
    assert_eq!(e, "invalid_grant");
}

#[tokio::test]
async fn client_authentication_failures_are_invalid_client() {
    let h = Harness::start().await;
    let app = h.web_app(&["authorization_code"]).await;
    let token_url = h.url("/oauth2/default/v1/token");
    let res = h
        .http
        .post(&token_url)
        .basic_auth(&app.client_id, Some("not-the-secret-at-all"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("redirect_uri", REDIRECT),
        ])
        .reply()
        .await;
    assert!(res.headers.get("www-authenticate").is_some());
    let (s, e, d) = res.oauth_error();
    assert_eq!(
        (s, e.as_str(), d.as_str()),
        (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The client secret supplied for a confidential client is invalid."
        )
    );
    let res = h
        .http
        .post(&token_url)
        .form(&[("grant_type", "authorization_code")])
        .reply()
        .await;
    let (s, e, d) = res.oauth_error();
    assert_eq!(
        (s, e.as_str(), d.as_str()),
        (
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "No client credentials found."
        )
    );
    let res = h
        .http
        .post(&token_url)
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("code", "x")])
        .reply()
        .await;
    let (s, e, d) = res.oauth_error();
    assert_eq!(
        (s, e.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    assert!(d.starts_with("The token request must specify a 'grant_type'."));
    let res = h
        .http
        .post(&token_url)
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[
            ("grant_type", "password"),
            ("username", USER.0),
            ("password", USER.1),
            ("scope", "openid"),
        ])
        .reply()
        .await;
    let (_, e, d) = res.oauth_error();
    assert_eq!(e, "unauthorized_client");
    assert_eq!(
        d,
        "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code]."
    );
    let res = h
        .http
        .post(&token_url)
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("grant_type", "urn:example:nope")])
        .reply()
        .await;
    assert_eq!(res.oauth_error().1, "unsupported_grant_type");
    let res = h
        .http
        .post(&token_url)
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .header("content-type", "application/json")
        .body("{}")
        .reply()
        .await;
    assert_eq!(res.oauth_error().1, "invalid_request");
}

#[tokio::test]
async fn userinfo_requires_a_valid_openid_token() {
    let h = Harness::start().await;
    let res = h
        .http
        .get(h.url("/oauth2/default/v1/userinfo"))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = h
        .http
        .get(h.url("/oauth2/default/v1/userinfo"))
        .bearer_auth("eyJhbGciOiJub25lIn0.e30.")
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cors_is_allowed_for_trusted_origins_only() {
    let h = Harness::start().await;
    h.web_app(&["authorization_code"]).await;
    let keys = h.url("/oauth2/default/v1/keys");
    let res = h
        .http
        .get(&keys)
        .header("origin", "https://app.example.test")
        .reply()
        .await;
    assert_eq!(
        res.headers["access-control-allow-origin"],
        "https://app.example.test"
    );
    let res = h
        .http
        .get(&keys)
        .header("origin", "https://evil.example")
        .reply()
        .await;
    assert!(res.headers.get("access-control-allow-origin").is_none());
    let res = h
        .http
        .request(reqwest::Method::OPTIONS, h.url("/oauth2/default/v1/token"))
        .header("origin", "https://app.example.test")
        .header("access-control-request-method", "POST")
        .reply()
        .await;
    assert!(res.status.is_success());
    assert_eq!(
        res.headers["access-control-allow-origin"],
        "https://app.example.test"
    );
    assert_eq!(res.headers["access-control-allow-credentials"], "true");
}

#[tokio::test]
async fn discovery_and_keys_carry_okta_headers_and_shapes() {
    let h = Harness::start().await;
    let res = h
        .http
        .get(h.url("/oauth2/default/.well-known/openid-configuration"))
        .reply()
        .await;
    assert_eq!(res.headers["content-type"], "application/json");
    assert_eq!(
        res.headers["cache-control"],
        "max-age=86400, must-revalidate"
    );
    assert_eq!(res.headers["x-okta-request-id"].len(), 32);
    let d: Value = res.json;
    assert_eq!(d["issuer"], h.issuer());
    assert!(!h.issuer().ends_with('/'));
    let m: Value = h
        .http
        .get(h.url("/oauth2/default/.well-known/oauth-authorization-server"))
        .reply()
        .await
        .json;
    assert!(
        m["grant_types_supported"]
            .as_array()
            .unwrap()
            .contains(&json!("client_credentials"))
    );
    let res = h
        .http
        .get(h.url("/.well-known/oauth-authorization-server"))
        .reply()
        .await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "not served for the org server"
    );
    let keys = h
        .http
        .get(h.url("/oauth2/default/v1/keys"))
        .reply()
        .await
        .text;
    assert!(
        keys.starts_with("{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RS256\",\"kid\":\""),
        "{keys}"
    );
    let v: Value = serde_json::from_str(&keys).unwrap();
    assert_eq!(v["keys"][0]["kid"].as_str().unwrap().len(), 43);
    assert_eq!(v["keys"][0]["n"].as_str().unwrap().len(), 342);
}

/// Discovery is answered before the router unless the request is cross-origin; both ways
/// must give the same headers, with a fresh request id each time and `Expires` a day ahead.
#[tokio::test]
async fn discovery_headers_match_with_and_without_origin() {
    let h = Harness::start().await;
    let path = "/oauth2/default/.well-known/openid-configuration";
    let plain = h.http.get(h.url(path)).reply().await;
    let again = h.http.get(h.url(path)).reply().await;
    let cross = h
        .http
        .get(h.url(path))
        .header("origin", "https://not-trusted.example.test")
        .reply()
        .await;
    assert_ne!(
        plain.headers["x-okta-request-id"],
        again.headers["x-okta-request-id"]
    );
    let varying = ["x-okta-request-id", "date", "expires"];
    let names = |r: &Reply| {
        let mut v: Vec<(String, String)> = r
            .headers
            .iter()
            .filter(|(n, _)| !varying.contains(&n.as_str()))
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&plain), names(&cross));
    for name in [
        "x-content-type-options",
        "referrer-policy",
        "vary",
        "expires",
    ] {
        assert!(plain.headers.contains_key(name), "{name} missing");
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let expires =
        time::PrimitiveDateTime::parse(plain.headers["expires"].to_str().unwrap(), format)
            .unwrap()
            .assume_utc();
    let ahead = expires - time::OffsetDateTime::now_utc();
    assert!(
        ahead > time::Duration::hours(23) && ahead <= time::Duration::days(1),
        "Expires is {ahead} ahead"
    );
    assert_eq!(plain.text, cross.text);
}
