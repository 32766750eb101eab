//! Built-in login: the page, Konnect's authenticate endpoint, the SSO rule for members, log
//! out and the home page.

use konnect_stub::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn the_login_page_has_konnects_fields_with_labels() {
    let stub = start_stub(Config::for_tests()).await;
    let response = browser()
        .get(format!("{}/login", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    for needle in [
        r#"<label for="email">Email</label>"#,
        r#"id="email" name="username" type="email" autocomplete="username""#,
        r#"data-testid="kong-auth-login-email""#,
        r#"<label for="password">Password</label>"#,
        r#"data-testid="kong-auth-login-password""#,
        r#"data-testid="kong-auth-login-submit">Log in</button>"#,
        "/kauth/api/v1/authenticate",
        r#"href="/assets/konnect.css""#,
    ] {
        assert!(html.contains(needle), "login page lacks {needle}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "external asset"
    );
    let css = browser()
        .get(format!("{}/assets/konnect.css", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn authenticate_opens_a_session_shown_on_the_home_page() {
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    assert_no_session(&http, stub.base_url()).await;
    let response = basic_login(&http, stub.base_url(), "Admin@Example.com", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("konnectaccesstoken="))
        .expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "http public URL, no Secure");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], ADMIN_EMAIL);

    let home = http
        .get(format!("{}/", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let html = home.text().await.unwrap();
    assert!(html.contains(r#"data-testid="konnect-home-user-email">admin@example.com<"#));
    assert!(html.contains(r#"data-testid="konnect-home-org-name">Acme Co.<"#));
    assert!(html.contains("Organization Admin"));
}

#[tokio::test]
async fn bad_credentials_get_konnects_message() {
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    for (email, password) in [
        (ADMIN_EMAIL, "wrong"),
        ("nobody@example.com", ADMIN_PASSWORD),
        ("not-an-email", "x"),
    ] {
        let response = basic_login(&http, stub.base_url(), email, password).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(set_cookies(&response).is_empty());
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["detail"],
            "Incorrect username or password. Please try again."
        );
    }
    let response = http
        .post(format!("{}/kauth/api/v1/authenticate", stub.base_url()))
        .json(&json!({"email": ADMIN_EMAIL}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_no_session(&http, stub.base_url()).await;

    // The form fallback (no JavaScript) shows the same text on the page.
    let response = http
        .post(format!("{}/login", stub.base_url()))
        .form(&[("username", ADMIN_EMAIL), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(html.contains("Incorrect username or password. Please try again."));
    assert!(html.contains(r#"value="admin@example.com""#), "email kept");
}

#[tokio::test]
async fn the_form_fallback_logs_in_and_out() {
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    let response = http
        .post(format!("{}/login", stub.base_url()))
        .form(&[("username", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    assert_eq!(session_email(&http, stub.base_url()).await, MEMBER_EMAIL);

    let response = http
        .post(format!("{}/logout", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?logout=true");
    assert_no_session(&http, stub.base_url()).await;
    let page = text_ok(http.get(format!("{}/login?logout=true", stub.base_url()))).await;
    assert!(page.contains("You have been logged out."));
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server_too() {
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    let response = basic_login(&http, stub.base_url(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let cookie = set_cookies(&response)
        .into_iter()
        .find(|c| c.starts_with("konnectaccesstoken="))
        .unwrap();
    let token = cookie.split(';').next().unwrap().to_owned();
    http.post(format!("{}/logout", stub.base_url()))
        .send()
        .await
        .unwrap();
    // A copy of the old cookie no longer works.
    let other = server_kit::http_client().build().unwrap();
    let me = other
        .get(format!("{}/v2/users/me", stub.base_url()))
        .header("cookie", token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn with_oidc_on_members_are_sent_to_the_login_url_and_admins_still_log_in() {
    let sso = Sso::start().await;
    let login_url = format!("{}/login/acme-co", sso.base());

    let response = basic_login(&sso.http, sso.base(), MEMBER_EMAIL, MEMBER_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(set_cookies(&response).is_empty());
    let body: Value = response.json().await.unwrap();
    assert!(
        body["detail"].as_str().unwrap().contains(&login_url),
        "{body}"
    );
    assert_eq!(body["login_url"], login_url.as_str());
    sso.assert_no_session().await;

    // The form shows the message with a link to the login URL.
    let response = sso
        .http
        .post(format!("{}/login", sso.base()))
        .form(&[("username", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("Acme Co. uses single sign-on"), "{html}");
    assert!(html.contains(&format!(
        r#"<a href="{login_url}" data-testid="kong-auth-sso-login-link">"#
    )));

    // A wrong password stays a wrong password (no hint that SSO exists).
    let response = basic_login(&sso.http, sso.base(), MEMBER_EMAIL, "nope").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The admin still logs in, also from /login?basicAuth=true.
    let page = sso
        .http
        .get(format!("{}/login?basicAuth=true", sso.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("kong-auth-login-email"));
    let response = basic_login(&sso.http, sso.base(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Once basic auth is off, the admin goes through SSO as well.
    let off = sso
        .http
        .patch(format!("{}/v2/authentication-settings", sso.base()))
        .bearer_auth(ADMIN_PAT)
        .json(&json!({"basic_auth_enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::OK);
    let response = basic_login(&browser(), sso.base(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_home_page_and_settings_need_a_session() {
    let stub = start_stub(Config::for_tests()).await;
    let http = browser();
    for page in ["/", "/settings", "/settings/identity-management/okta"] {
        let response = http
            .get(format!("{}{page}", stub.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(location(&response), "/login");
    }
    let response = http
        .get(format!("{}/no/such/page", stub.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
