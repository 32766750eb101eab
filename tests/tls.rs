//! The whole stack over https, as `cargo run -- --tls` starts it: both servers take leaf
//! certificates from the local certificate authority, Konnect calls Okta over https trusting
//! that authority, and a client that trusts it signs an Okta user into Konnect with Secure
//! cookies. One test in its own process: it chooses the authority's directory with
//! `HARNESS_CA_DIR` before anything reads it.

use harness::{Stack, StackConfig};
use serde_json::{Value, json};

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[test]
fn the_stack_over_https_signs_an_okta_user_into_konnect() {
    let dir = std::env::temp_dir().join(format!("harness-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // SAFETY: set before the runtime or any other thread starts; the only test here.
    unsafe { std::env::set_var("HARNESS_CA_DIR", &dir) };
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(over_https(&dir));
    std::fs::remove_dir_all(&dir).unwrap();
}

async fn over_https(dir: &std::path::Path) {
    let mut config = StackConfig::for_tests();
    config.okta.tls = true;
    config.konnect.tls = true;
    let stack = Stack::start(config).await.unwrap();
    let ca = dir.join("ca.pem");
    assert_eq!(stack.ca_file(), Some(ca.as_path()));
    assert!(stack.okta_url().starts_with("https://127.0.0.1:"));
    assert!(stack.konnect_url().starts_with("https://localhost:"));

    // Konnect checks the issuer by discovery over https, trusting the local CA.
    let setup = stack.configure_okta().await.unwrap();
    assert!(setup.issuer.starts_with("https://127.0.0.1:"), "{setup:?}");

    // A client that does not trust the local CA is refused by both.
    let stranger = server_kit::http_client().build().unwrap();
    for url in [stack.okta_url(), stack.konnect_url()] {
        let err = stranger.get(url).send().await.expect_err("untrusted");
        assert!(
            format!("{err:?}").contains("UnknownIssuer"),
            "{url}: {err:?}"
        );
    }

    let browser = server_kit::http_client()
        .tls_certs_merge(server_kit::read_ca_file(&ca).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let authn: Value = browser
        .post(format!("{}/api/v1/authn", stack.okta_url()))
        .json(&json!({"username": "user@example.com", "password": "User-Passw0rd!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = authn["sessionToken"].as_str().unwrap();
    let start = browser.get(&setup.login_url).send().await.unwrap();
    assert_eq!(start.status(), 303);
    let state_cookie = start.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(state_cookie.contains("; Secure"), "{state_cookie}");
    let mut authorize = reqwest::Url::parse(&location(&start)).unwrap();
    assert!(authorize.as_str().starts_with(&setup.issuer));
    authorize
        .query_pairs_mut()
        .append_pair("sessionToken", token);
    let back = browser.get(authorize).send().await.unwrap();
    assert!(back.status().is_redirection());
    let okta_session = back.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        okta_session.contains("; Secure; SameSite=None"),
        "{okta_session}"
    );
    let callback = location(&back);
    assert!(callback.starts_with(&format!("{}/login?", stack.konnect_url())));
    let landed = browser.get(&callback).send().await.unwrap();
    assert_eq!(landed.status(), 303);
    let cookies: Vec<String> = landed
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    // The state cookie is cleared with the attributes it was set with.
    assert!(
        cookies
            .iter()
            .any(|c| c.contains("Max-Age=0") && c.contains("; Secure")),
        "{cookies:?}"
    );
    let session = cookies
        .iter()
        .find(|c| c.starts_with("konnectaccesstoken=") && !c.contains("Max-Age=0"))
        .unwrap_or_else(|| panic!("{cookies:?}"));
    assert!(session.contains("; Secure"), "{session}");
    let me: Value = browser
        .get(format!("{}/v2/users/me", stack.konnect_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "user@example.com");
    stack.shutdown().await;
}
