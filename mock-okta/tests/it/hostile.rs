//! Hostile input at every surface that is not the Management API (whose own test is
//! api/errors.rs): unsupported methods, repeated parameters, wrong content types, truncated
//! bodies, control characters in redirect targets, oversized bodies. Every answer is in the
//! surface's format (OAuth JSON, Okta's error body, an HTML page), and a refused request
//! changes nothing: no session cookie, no session.

use reqwest::{Method, StatusCode};

use crate::support::{Harness, ReplyExt as _, USER, authorize_url, location, session_token};

fn content_type(r: &crate::support::Reply) -> &str {
    r.header("content-type")
}

fn is_html(r: &crate::support::Reply) -> bool {
    content_type(r).starts_with("text/html")
}

fn is_json(r: &crate::support::Reply) -> bool {
    content_type(r).starts_with("application/json")
}

#[tokio::test]
async fn other_methods_get_the_surfaces_error_not_an_empty_405() {
    let h = Harness::start().await;
    // Back-channel endpoints answer in OAuth's JSON ...
    for path in [
        "/oauth2/default/v1/token",
        "/oauth2/v1/introspect",
        "/oauth2/default/v1/revoke",
    ] {
        let r = h.http.get(h.url(path)).reply().await;
        let (status, error, _) = r.oauth_error();
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::METHOD_NOT_ALLOWED, "invalid_request"),
            "{path}"
        );
    }
    // ... every other OIDC and sign-in route with Okta's E0000022.
    for (method, path) in [
        (Method::PUT, "/oauth2/default/v1/authorize"),
        (Method::DELETE, "/oauth2/v1/keys"),
        (Method::PATCH, "/oauth2/default/v1/logout"),
        (
            Method::PUT,
            "/oauth2/default/.well-known/openid-configuration",
        ),
        (Method::DELETE, "/login/login.htm"),
        (Method::PUT, "/idp/idx/identify"),
        (Method::GET, "/idp/idx/challenge/answer"),
        (Method::POST, "/login/signout"),
        (Method::PUT, "/api/v1/authn"),
    ] {
        let r = h.http.request(method.clone(), h.url(path)).reply().await;
        r.assert_error(StatusCode::METHOD_NOT_ALLOWED, "E0000022");
        assert!(r.header("set-cookie").is_empty(), "{method} {path}");
    }
    // An unknown authorization server is still Okta's 404, whatever the method.
    let r = h.http.put(h.url("/oauth2/aus-nope/v1/token")).reply().await;
    r.assert_error(StatusCode::NOT_FOUND, "E0000007");
}

#[tokio::test]
async fn repeated_parameters_are_read_the_okta_way_not_refused_as_plain_text() {
    let h = Harness::start().await;
    let r = h
        .http
        .get(h.url("/login/login.htm?fromURI=/app/UserHome&fromURI=/x&login_hint=a&login_hint=b"))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(is_html(&r) && r.text.contains("stateToken"), "{}", r.text);
    for path in ["/idp/idx/identify", "/idp/idx/challenge/answer"] {
        let r = h
            .http
            .post(h.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("stateToken=a&stateToken=b&identifier=x&identifier=y")
            .reply()
            .await;
        assert!(is_html(&r), "{path}: {} {}", r.status, content_type(&r));
        assert!(r.header("set-cookie").is_empty(), "{path}");
    }
    let r = h
        .http
        .get(h.url("/oauth2/default/v1/authorize/redirect?okta_key=a&okta_key=b"))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(is_html(&r));
}

#[tokio::test]
async fn wrong_content_types_are_refused_in_format_and_change_nothing() {
    let h = Harness::start().await;
    for path in ["/idp/idx/identify", "/idp/idx/challenge/answer"] {
        for ct in [None, Some("application/json"), Some("text/plain")] {
            let mut req = h.http.post(h.url(path)).body("{\"identifier\":\"x\"}");
            if let Some(ct) = ct {
                req = req.header("content-type", ct);
            }
            let r = req.reply().await;
            assert_eq!(
                r.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{path} {ct:?}"
            );
            assert!(is_html(&r), "{path} {ct:?}");
            assert!(r.header("set-cookie").is_empty());
        }
    }
    let r = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .header("content-type", "application/json")
        .body("{}")
        .reply()
        .await;
    let (status, error, _) = r.oauth_error();
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    let r = h
        .http
        .post(h.url("/api/v1/authn"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .reply()
        .await;
    r.assert_error(StatusCode::BAD_REQUEST, "E0000003");
}

#[tokio::test]
async fn control_characters_in_redirect_targets_are_refused_before_any_session() {
    let h = Harness::start().await;
    for target in [
        "/app/UserHome%0d%0aSet-Cookie:%20x=1",
        "/a%00b",
        "/tab%09here",
    ] {
        // A session token must not become a session when its redirect cannot be followed.
        let token = session_token(&h, USER.0, USER.1).await;
        let r = h
            .http
            .get(h.url(&format!(
                "/login/sessionCookieRedirect?token={token}&redirectUrl={target}"
            )))
            .reply()
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{target}");
        assert!(is_html(&r));
        assert!(
            r.header("set-cookie").is_empty(),
            "{target}: no session cookie"
        );
        assert!(!r.headers.contains_key("location"));
        // Sign-out to such a target goes to the sign-in page instead, in one piece.
        let r = h
            .http
            .get(h.url(&format!("/login/signout?fromURI={target}")))
            .reply()
            .await;
        assert_eq!(r.status, StatusCode::FOUND);
        assert!(
            location(&r).ends_with("/login/login.htm"),
            "{}",
            location(&r)
        );
    }
    // The sign-in page drops a fromURI it could not follow (the dashboard instead).
    let r = h
        .http
        .get(h.url("/login/login.htm?fromURI=/x%0d%0aLocation:%20https://evil.example"))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text.contains("evil.example"));
}

/// Sends raw bytes and reads the raw answer, for requests a client library will not make.
/// Sends `request` on a fresh connection, then closes the connection's sending side when
/// `half_close` (or leaves it open, a slow peer), and returns all the server sent before it
/// closed. Async: the server runs on the test's own runtime thread.
async fn raw(h: &Harness, request: &str, half_close: bool) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(h.okta.local_addr())
        .await
        .expect("connect");
    s.write_all(request.as_bytes()).await.expect("write");
    if half_close {
        s.shutdown().await.expect("half-close");
    }
    let mut out = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(30), s.read_to_end(&mut out))
        .await
        .expect("the server closes the connection in time")
        .expect("read");
    String::from_utf8_lossy(&out).into_owned()
}

/// The status line and the body's `error` of an HTTP/1.1 answer in OAuth's JSON.
fn oauth_answer(answer: &str) -> (&str, String) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((answer, ""));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{answer}"
    );
    let body: serde_json::Value = serde_json::from_str(body).expect("a JSON body");
    (
        head.lines().next().unwrap_or_default(),
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn oversized_and_truncated_bodies_answer_in_format() {
    let h = Harness::start().await;
    let big = "a".repeat(2 * 1024 * 1024);
    let r = h
        .http
        .post(h.url("/oauth2/default/v1/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=client_credentials&x={big}"))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(is_json(&r), "{}", content_type(&r));
    let r = h
        .http
        .post(h.url("/api/v1/authn"))
        .header("content-type", "application/json")
        .body(format!("{{\"username\":\"{big}\"}}"))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    r.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "E0000003");
    // A body shorter than its Content-Length: refused in OAuth's JSON at once when the client
    // then closes its side, and once the server stops waiting when it keeps it open.
    let truncated = "POST /oauth2/default/v1/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=";
    for half_close in [true, false] {
        let answer = raw(&h, truncated, half_close).await;
        assert_eq!(
            oauth_answer(&answer),
            ("HTTP/1.1 400 Bad Request", "invalid_request".to_owned()),
            "half-closed: {half_close}"
        );
    }
    // The server still answers afterwards.
    let r = h
        .http
        .get(h.url("/oauth2/default/.well-known/openid-configuration"))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // And an authorize request still works.
    let r = h
        .http
        .get(authorize_url(&h, "0oa-unknown", &[]))
        .reply()
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(is_html(&r));
}
