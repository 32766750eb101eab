//! Hostile input, one test per surface (the API, the browser pages, the SSO callback): an
//! unsupported method, a wrong or missing Content-Type, repeated parameters, a body too large
//! or shorter than its Content-Length. Every answer is in the surface's own format, and a
//! refused request changes nothing, cookies included.

use konnect_stub::Config;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::*;

/// Asserts an HTML error page with `status`, and returns its message.
async fn assert_error_page(response: reqwest::Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status, "{}", response.url());
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    error_message(&response.text().await.unwrap())
}

fn no_cookies(response: &reqwest::Response) {
    let cookies = set_cookies(response);
    assert!(cookies.is_empty(), "a refused request set {cookies:?}");
}

#[tokio::test]
async fn hostile_api_requests_get_problem_json_and_change_nothing() {
    let stub = start_stub(Config::for_tests()).await;
    let base = stub.base_url();
    let http = server_kit::http_client().build().unwrap();
    let settings = || {
        http.get(format!("{base}/v2/authentication-settings"))
            .bearer_auth(ADMIN_PAT)
    };
    let before = json_ok(settings()).await;

    // Methods an endpoint does not have: 405 problem+json naming the allowed ones.
    for (method, path) in [
        (reqwest::Method::DELETE, "/v2/users/me"),
        (reqwest::Method::POST, "/v2/authentication-settings"),
        (reqwest::Method::PUT, "/v3/identity-provider"),
        (reqwest::Method::GET, "/kauth/api/v1/authenticate"),
    ] {
        let request = http
            .request(method.clone(), format!("{base}{path}"))
            .bearer_auth(ADMIN_PAT);
        let response = request.send().await.unwrap();
        assert!(response.headers().contains_key(header::ALLOW), "{path}");
        no_cookies(&response);
        let got = send_reply(response).await;
        assert_problem(&got, 405, "Method Not Allowed");
        assert_eq!(
            got.2["detail"],
            "The endpoint does not support the provided HTTP method"
        );
    }

    // A body that is not declared as JSON: 415, whatever it holds.
    let change = json!({"basic_auth_enabled": false, "oidc_auth_enabled": false}).to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = http
            .patch(format!("{base}/v2/authentication-settings"))
            .bearer_auth(ADMIN_PAT)
            .body(change.clone());
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        assert_problem(&send(request).await, 415, "Unsupported Media Type");
    }
    let login = http
        .post(format!("{base}/kauth/api/v1/authenticate"))
        .form(&[("username", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    no_cookies(&login);
    assert_problem(&send_reply(login).await, 415, "Unsupported Media Type");

    // Declared too large: 413 problem+json, before a byte of it is read.
    let head = format!(
        "PATCH /v2/authentication-settings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \
         {ADMIN_PAT}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"
    );
    let answer = raw_exchange(stub.local_addr(), &head, b"").await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");

    // Shorter than its Content-Length: refused once the server stops waiting.
    let head = format!(
        "PATCH /v2/authentication-settings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \
         {ADMIN_PAT}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    );
    let answer = raw_exchange(stub.local_addr(), &head, change.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    let body: Value = serde_json::from_str(answer.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(
        body["invalid_parameters"][0]["reason"],
        "request format is invalid"
    );

    // Nothing changed.
    assert_eq!(json_ok(settings()).await, before);
}

#[tokio::test]
async fn hostile_page_requests_get_the_error_page_and_change_nothing() {
    let stub = start_stub(Config::for_tests()).await;
    let base = stub.base_url();
    let http = browser();
    let login = basic_login(&http, base, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let okta = format!("{base}/settings/identity-management/okta");
    let form = [
        ("issuer", "http://127.0.0.1:9/oauth2/default"),
        ("client_id", "x"),
        ("client_secret", "x"),
    ];

    // Methods a page does not have.
    for (method, url) in [
        (reqwest::Method::PUT, okta.clone()),
        (reqwest::Method::DELETE, format!("{base}/login")),
        (reqwest::Method::GET, format!("{base}/logout")),
        (reqwest::Method::POST, format!("{base}/settings")),
    ] {
        let response = http.request(method, &url).send().await.unwrap();
        assert!(response.headers().contains_key(header::ALLOW), "{url}");
        no_cookies(&response);
        let message = assert_error_page(response, StatusCode::METHOD_NOT_ALLOWED).await;
        assert!(message.contains("does not support"), "{message}");
    }

    // A form sent as something else.
    for url in [okta.clone(), format!("{base}/login")] {
        let response = http
            .post(&url)
            .json(&json!({"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .send()
            .await
            .unwrap();
        no_cookies(&response);
        assert_error_page(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    }

    // Repeated parameters and fields.
    for url in [
        format!("{base}/login?basicAuth=true&basicAuth=false"),
        format!("{base}/login?logout=true&logout=true"),
        format!("{okta}?saved=true&saved=false"),
        format!("{base}/login/acme-co?iss=a&iss=b"),
    ] {
        let response = http.get(&url).send().await.unwrap();
        no_cookies(&response);
        assert_error_page(response, StatusCode::BAD_REQUEST).await;
    }
    let twice = http
        .post(format!("{base}/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!(
            "username={MEMBER_EMAIL}&username={ADMIN_EMAIL}&password={ADMIN_PASSWORD}"
        ))
        .send()
        .await
        .unwrap();
    no_cookies(&twice);
    let status = twice.status();
    assert!(status.is_client_error(), "{status}");
    assert_error_page(twice, status).await;

    // Declared too large, and shorter than its Content-Length.
    let head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: \
                application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n";
    let answer = raw_exchange(stub.local_addr(), head, b"").await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("text/html"), "{answer}");
    let body = "username=admin%40example.com&password=Admin-Passw0rd%21";
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n",
        body.len() + 50
    );
    let answer = raw_exchange(stub.local_addr(), &head, body.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("text/html"), "{answer}");
    assert!(
        !answer.to_ascii_lowercase().contains("set-cookie"),
        "{answer}"
    );
    assert!(
        answer.contains(r#"data-testid="error-message""#),
        "{answer}"
    );

    // Nothing changed: no provider was configured, and the session is still the admin's.
    let response = http.post(&okta).form(&form).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "the real form still works"
    );
    let idp = send(http.get(format!("{base}/v2/identity-provider"))).await;
    assert_problem(&idp, 404, "Not Found");
    assert_eq!(session_email(&http, base).await, ADMIN_EMAIL);
}

#[tokio::test]
async fn a_malformed_callback_gets_the_error_page_and_loses_its_state_cookie() {
    let sso = Sso::start().await;
    let token = sso.idp.mount_token(TestIdp::token_response("unused")).await;
    for (name, query) in [
        ("state", "code=c&state={s}&state={s}"),
        ("state", "code=c&state=a&state={s}"),
        ("code", "code=c&code=d&state={s}"),
        ("error", "error=access_denied&error=x&state={s}"),
        ("iss", "code=c&state={s}&iss=a&iss=b"),
    ] {
        let attempt = sso.begin().await;
        let url = format!(
            "{}/login?{}",
            sso.base(),
            query.replace("{s}", &attempt.state)
        );
        let response = sso.http.get(&url).send().await.unwrap();
        assert_state_cookie_cleared(&response);
        assert_no_session_cookie(&response);
        let message = assert_error_page(response, StatusCode::BAD_REQUEST).await;
        assert!(
            message.contains(&format!("more than one {name} parameter")),
            "{message}"
        );
        sso.assert_no_session().await;
    }
    // Other methods on the redirect URI.
    for method in [reqwest::Method::PUT, reqwest::Method::PATCH] {
        let response = sso
            .http
            .request(method, format!("{}/login?code=c&state=s", sso.base()))
            .send()
            .await
            .unwrap();
        no_cookies(&response);
        assert_error_page(response, StatusCode::METHOD_NOT_ALLOWED).await;
    }
    assert!(
        token.received_requests().await.is_empty(),
        "a code was exchanged"
    );

    // The browser still signs in normally afterwards.
    drop(token);
    let response = sso.login_with_claims(Key::One, |_| {}).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
