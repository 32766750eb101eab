//! The guide end to end, in-process and over HTTP: an admin registers Konnect in mock-okta
//! through the Management API, configures Okta on Konnect's settings page, and users sign in
//! through mock-okta. Every hop is asserted (redirects are not followed). It tests the whole
//! stack, started by `harness::Stack` as `cargo run` starts it (Okta on 127.0.0.1, Konnect on
//! localhost), so it lives in the harness package; the Okta set-up is the harness's own
//! (`harness::guide`), the Konnect side is done on the settings page a person uses.

use harness::{
    Stack, StackConfig,
    guide::{KonnectApp, OktaAdmin},
    konnect_stub::{
        KonnectStub,
        config::{DEFAULT_ADMIN_EMAIL as ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD as ADMIN_PASSWORD},
    },
};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use url::Url;

const OKTA_TOKEN: &str = "SSWS 00mock-okta-api-token";
const OKTA_USER: &str = "user@example.com";
const OKTA_USER_PASSWORD: &str = "User-Passw0rd!";
/// Konnect's seeded member, who is also the Okta user.
const MEMBER_EMAIL: &str = OKTA_USER;
const MEMBER_PASSWORD: &str = OKTA_USER_PASSWORD;

/// A client that neither follows redirects (each hop is asserted) nor forgets cookies.
fn browser() -> Client {
    server_kit::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .unwrap_or_else(|| panic!("no Location on a {} answer", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Logs in with email and password through Konnect's JSON endpoint.
async fn basic_login(http: &Client, base: &str, email: &str, password: &str) -> Response {
    http.post(format!("{base}/kauth/api/v1/authenticate"))
        .json(&json!({"username": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// The email of the Konnect session `http` holds.
async fn session_email(http: &Client, base: &str) -> String {
    let me = http
        .get(format!("{base}/v2/users/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK, "no session");
    me.json::<Value>().await.unwrap()["email"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn start() -> Stack {
    Stack::start(StackConfig::for_tests()).await.unwrap()
}

/// The guide's first part, through the Management API as the harness does it: an OIDC web
/// app for Konnect, assigned to everyone.
async fn register_konnect_in_okta(okta: &OktaAdmin, redirect_uri: &str) -> (String, String) {
    let app = okta
        .create_konnect_app(&KonnectApp::new("Konnect", redirect_uri))
        .await
        .unwrap();
    okta.assign_to_everyone(&app.id).await.unwrap();
    (app.client_id, app.client_secret)
}

/// The guide's second part, on Konnect's settings page as the Organization Admin. Returns the
/// login URL the page shows.
async fn configure_okta_in_konnect(
    stub: &KonnectStub,
    issuer: &str,
    id: &str,
    secret: &str,
) -> String {
    let admin = browser();
    let login = basic_login(&admin, stub.base_url(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let page = format!("{}/settings/identity-management/okta", stub.base_url());
    let save = admin
        .post(&page)
        .form(&[
            ("issuer", issuer),
            ("client_id", id),
            ("client_secret", secret),
            ("login_path", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        save.status(),
        StatusCode::SEE_OTHER,
        "{}",
        save.text().await.unwrap()
    );
    let html = admin
        .get(format!("{page}?saved=true"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let login_url = format!("{}/login/acme-co", stub.base_url());
    assert!(
        html.contains(&format!(
            r#"value="{login_url}" data-testid="identity-okta-login-url""#
        )),
        "{html}"
    );
    login_url
}

/// A hidden input's value in an HTML page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

fn absolute(base: &str, location: &str) -> String {
    Url::parse(base).unwrap().join(location).unwrap().into()
}

/// Follows the provider's redirect back to Konnect and checks the session it opens.
async fn land_in_konnect(browser: &Client, stub: &KonnectStub, callback: &str, state: &str) {
    let callback = Url::parse(callback).unwrap();
    assert!(
        callback
            .as_str()
            .starts_with(&format!("{}/login?", stub.base_url())),
        "{callback}"
    );
    let param = |n: &str| {
        callback
            .query_pairs()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some(state));
    assert!(param("code").is_some_and(|c| !c.is_empty()));
    let done = browser.get(callback).send().await.unwrap();
    assert_eq!(
        done.status(),
        StatusCode::SEE_OTHER,
        "{}",
        done.text().await.unwrap()
    );
    assert_eq!(location(&done), "/");
}

#[tokio::test]
async fn a_member_signs_in_through_mock_okta_and_lands_in_konnect() {
    let stack = start().await;
    let (okta, stub) = (&stack.okta, &stack.konnect);
    let (client_id, client_secret) =
        register_konnect_in_okta(&stack.okta_admin(), &stub.redirect_uri()).await;
    let login_url =
        configure_okta_in_konnect(stub, &okta.issuer(), &client_id, &client_secret).await;

    // The member opens the login URL: straight to Okta's authorize endpoint.
    let member = browser();
    let start = member.get(&login_url).send().await.unwrap();
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let authorize = Url::parse(&location(&start)).unwrap();
    assert!(
        authorize
            .as_str()
            .starts_with(&format!("{}/v1/authorize?", okta.issuer())),
        "{authorize}"
    );
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();

    // Okta has no session yet: its hosted sign-in page, Username then Password.
    let to_signin = member.get(authorize.clone()).send().await.unwrap();
    assert!(
        to_signin.status().is_redirection(),
        "{}",
        to_signin.status()
    );
    let signin_url = absolute(okta.base_url(), &location(&to_signin));
    let page = member.get(&signin_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let state_token = hidden(&html, "stateToken");
    let identify = member
        .post(format!("{}/idp/idx/identify", okta.base_url()))
        .form(&[
            ("stateToken", state_token.as_str()),
            ("identifier", OKTA_USER),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(identify.status(), StatusCode::OK);
    let html = identify.text().await.unwrap();
    let answer = member
        .post(format!("{}/idp/idx/challenge/answer", okta.base_url()))
        .form(&[
            ("stateToken", hidden(&html, "stateToken").as_str()),
            ("credentials.passcode", OKTA_USER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_redirection(), "{}", answer.status());
    // Back to authorize, now with an Okta session: a code for Konnect.
    let resume = member
        .get(absolute(okta.base_url(), &location(&answer)))
        .send()
        .await
        .unwrap();
    assert!(resume.status().is_redirection(), "{}", resume.status());
    land_in_konnect(&member, stub, &location(&resume), &state).await;
    assert_eq!(session_email(&member, stub.base_url()).await, OKTA_USER);
    let home = member
        .get(format!("{}/", stub.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(r#"data-testid="konnect-home-org-name">Acme Co.<"#));

    // From Okta's dashboard tile (third-party initiated, iss = the org URL): Okta's session
    // answers at once.
    let tile = member
        .get(&login_url)
        .query(&[("iss", okta.base_url())])
        .send()
        .await
        .unwrap();
    assert_eq!(tile.status(), StatusCode::SEE_OTHER);
    let authorize = Url::parse(&location(&tile)).unwrap();
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let silent = member.get(authorize).send().await.unwrap();
    assert!(silent.status().is_redirection());
    land_in_konnect(&member, stub, &location(&silent), &state).await;

    // The guide's rule: the member's basic-auth login is refused, the admin's still works.
    let refused = basic_login(&browser(), stub.base_url(), MEMBER_EMAIL, MEMBER_PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["login_url"], login_url.as_str());
    let admin = basic_login(&browser(), stub.base_url(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(admin.status(), StatusCode::OK);

    stack.shutdown().await;
}

#[tokio::test]
async fn a_session_token_from_authn_signs_a_new_okta_user_in_as_a_member() {
    let stack = start().await;
    let (okta, stub) = (&stack.okta, &stack.konnect);
    let (client_id, client_secret) =
        register_konnect_in_okta(&stack.okta_admin(), &stub.redirect_uri()).await;
    let login_url =
        configure_okta_in_konnect(stub, &okta.issuer(), &client_id, &client_secret).await;

    // A user Konnect has never seen (created in Okta only).
    let api = server_kit::http_client().build().unwrap();
    let created = api
        .post(format!("{}/api/v1/users?activate=true", okta.base_url()))
        .header("authorization", OKTA_TOKEN)
        .json(&json!({
            "profile": {"firstName": "Nia", "lastName": "New", "email": "nia@example.com",
                        "login": "nia@example.com"},
            "credentials": {"password": {"value": "Nia-Passw0rd!"}}
        }))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "{}",
        created.text().await.unwrap()
    );
    let authn: Value = api
        .post(format!("{}/api/v1/authn", okta.base_url()))
        .json(&json!({"username": "nia@example.com", "password": "Nia-Passw0rd!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session_token = authn["sessionToken"].as_str().expect("sessionToken");

    let browser = browser();
    let start = browser.get(&login_url).send().await.unwrap();
    let mut authorize = Url::parse(&location(&start)).unwrap();
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    authorize
        .query_pairs_mut()
        .append_pair("sessionToken", session_token);
    let code = browser.get(authorize).send().await.unwrap();
    assert!(code.status().is_redirection(), "{}", code.status());
    land_in_konnect(&browser, stub, &location(&code), &state).await;

    let me: Value = browser
        .get(format!("{}/v2/users/me", stub.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "nia@example.com");
    assert_eq!(me["full_name"], "Nia New");
    // Provisioned as a member: no identity settings.
    let settings = browser
        .get(format!(
            "{}/settings/identity-management/okta",
            stub.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(settings.status(), StatusCode::FORBIDDEN);

    stack.shutdown().await;
}
