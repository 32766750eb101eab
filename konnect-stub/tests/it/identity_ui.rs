//! Settings > Identity Management > Okta, as an admin, a member and a Free organization see it.

use konnect_stub::Config;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

async fn logged_in(
    config: Config,
    email: &str,
    password: &str,
) -> (konnect_stub::KonnectStub, Client) {
    let stub = start_stub(config).await;
    let http = browser();
    let response = basic_login(&http, stub.base_url(), email, password).await;
    assert_eq!(response.status(), StatusCode::OK);
    (stub, http)
}

fn okta_url(base: &str) -> String {
    format!("{base}/settings/identity-management/okta")
}

#[tokio::test]
async fn members_get_a_403_page() {
    let (stub, http) = logged_in(Config::for_tests(), MEMBER_EMAIL, MEMBER_PASSWORD).await;
    for page in [
        "/settings",
        "/settings/identity-management",
        "/settings/identity-management/okta",
    ] {
        let response = http
            .get(format!("{}{page}", stub.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{page}");
        assert!(error_message(&response.text().await.unwrap()).contains("Organization Admin"));
    }
    let response = http
        .post(okta_url(stub.base_url()))
        .form(&[
            ("issuer", "http://x"),
            ("client_id", "x"),
            ("client_secret", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_admin_navigates_to_the_okta_form() {
    let (stub, http) = logged_in(Config::for_tests(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let base = stub.base_url();
    let home = text_ok(http.get(format!("{base}/"))).await;
    assert!(home.contains(r#"href="/settings""#));
    let settings = text_ok(http.get(format!("{base}/settings"))).await;
    assert!(settings.contains(r#"href="/settings/identity-management""#));
    let im = text_ok(http.get(format!("{base}/settings/identity-management"))).await;
    assert!(im.contains(r#"href="/settings/identity-management/okta""#));
    assert!(im.contains("Not configured"));
    let html = text_ok(http.get(okta_url(base))).await;
    for needle in [
        r#"<label for="client-id">Client ID</label>"#,
        r#"<label for="client-secret">Client Secret</label>"#,
        r#"<label for="issuer">Issuer</label>"#,
        r#"<label for="login-path">Organization Login Path</label>"#,
        "https://{OKTA_DOMAIN}/oauth2/default",
        &format!(r#"value="{base}/login" data-testid="identity-okta-redirect-uri""#),
        r#"data-testid="identity-okta-save">Save</button>"#,
    ] {
        assert!(html.contains(needle), "Okta page lacks {needle}");
    }
    assert!(
        !html.contains("identity-okta-login-url"),
        "no login URL before saving"
    );
    assert!(!html.contains("identity-enterprise-badge"));
}

#[tokio::test]
async fn save_checks_the_issuer_enables_okta_and_shows_the_login_url() {
    let idp = TestIdp::start().await;
    let (stub, http) = logged_in(Config::for_tests(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let base = stub.base_url();
    let response = http
        .post(okta_url(base))
        .form(&[
            ("issuer", idp.issuer.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("login_path", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/settings/identity-management/okta?saved=true"
    );
    let html = text_ok(http.get(format!("{}?saved=true", okta_url(base)))).await;
    let login_url = format!("{base}/login/acme-co");
    assert!(html.contains("Okta is enabled"));
    assert!(html.contains(&format!(
        r#"value="{login_url}" data-testid="identity-okta-login-url""#
    )));
    assert!(html.contains(r#"data-testid="identity-okta-copy">Copy</button>"#));
    assert!(html.contains(&format!(r#"value="{}""#, idp.issuer)));
    assert!(!html.contains(CLIENT_SECRET), "the secret is never shown");

    // Okta is on: the API agrees and the login URL leads to the provider.
    let settings: Value = json_ok(http.get(format!("{base}/v2/authentication-settings"))).await;
    assert_eq!(settings["oidc_auth_enabled"], true);
    let go = http.get(&login_url).send().await.unwrap();
    assert_eq!(go.status(), StatusCode::SEE_OTHER);
    assert!(location(&go).starts_with(&idp.issuer));

    // Saving again without a secret keeps the stored one.
    let response = http
        .post(okta_url(base))
        .form(&[
            ("issuer", idp.issuer.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", ""),
            ("login_path", "acme"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = text_ok(http.get(okta_url(base))).await;
    assert!(html.contains(&format!("{base}/login/acme\"")));
}

#[tokio::test]
async fn save_refuses_an_issuer_that_discovery_does_not_confirm() {
    // The provider publishes a different issuer (e.g. the org URL entered instead of the
    // authorization server's).
    let idp = TestIdp::start_with(|d| d["issuer"] = json!("https://someone-else.example")).await;
    let (stub, http) = logged_in(Config::for_tests(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let base = stub.base_url();
    let html = text_with(
        StatusCode::BAD_REQUEST,
        http.post(okta_url(base)).form(&[
            ("issuer", idp.issuer.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("login_path", "acme"),
        ]),
    )
    .await;
    assert!(html.contains("The issuer could not be verified."), "{html}");
    assert!(html.contains("someone-else.example"));
    assert!(html.contains(r#"data-testid="identity-okta-issuer-error""#));
    // What was typed stays in the form; nothing was stored.
    assert!(html.contains(r#"value="acme""#));
    let settings: Value = json_ok(http.get(format!("{base}/v2/authentication-settings"))).await;
    assert_eq!(settings["oidc_auth_enabled"], false);

    // Unreachable issuer, and missing fields.
    assert!(
        text_with(
            StatusCode::BAD_REQUEST,
            http.post(okta_url(base)).form(&[
                ("issuer", "http://127.0.0.1:9/oauth2/default"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ])
        )
        .await
        .contains("could not be reached")
    );
    let html = text_with(
        StatusCode::BAD_REQUEST,
        http.post(okta_url(base))
            .form(&[("issuer", ""), ("client_id", ""), ("client_secret", "")]),
    )
    .await;
    assert!(html.contains("Client ID cannot be blank"));
    assert!(html.contains("Client Secret cannot be blank"));
    assert!(html.contains("Issuer cannot be blank"));
}

#[tokio::test]
async fn a_free_organization_sees_the_enterprise_badge_and_cannot_save() {
    let idp = TestIdp::start().await;
    let mut config = Config::for_tests();
    config.tier = konnect_stub::Tier::Free;
    let (stub, http) = logged_in(config, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let html = text_ok(http.get(okta_url(stub.base_url()))).await;
    assert!(html.contains(r#"data-testid="identity-enterprise-badge">Enterprise<"#));
    assert!(html.contains("<fieldset disabled>"));
    let response = http
        .post(okta_url(stub.base_url()))
        .form(&[
            ("issuer", idp.issuer.as_str()),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Konnect Enterprise only")
    );
    // No request reached the provider.
    assert!(idp.server.received_requests().await.unwrap().is_empty());
}

fn team_mappings_url(base: &str) -> String {
    format!("{base}/settings/identity-management/team-mappings")
}

#[tokio::test]
async fn the_team_mappings_page_is_for_admins_and_needs_an_identity_provider() {
    let (stub, http) = logged_in(Config::for_tests(), MEMBER_EMAIL, MEMBER_PASSWORD).await;
    let url = team_mappings_url(stub.base_url());
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = http
        .post(&url)
        .form(&[("idp_mapping_enabled", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let (stub, http) = logged_in(Config::for_tests(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let url = team_mappings_url(stub.base_url());
    let page = text_ok(http.get(&url)).await;
    assert!(
        page.contains(r#"data-testid="team-mappings-no-idp""#),
        "{page}"
    );
    // Saving anyway changes nothing and says why.
    let page = text_with(
        StatusCode::BAD_REQUEST,
        http.post(&url)
            .form(&[("idp_mapping_enabled", "on"), ("team.x", "Konnect Admins")]),
    )
    .await;
    assert!(
        page.contains("an identity provider must be configured first"),
        "{page}"
    );
}

#[tokio::test]
async fn the_team_mappings_page_refuses_no_group_and_keeps_what_was_entered() {
    let sso = Sso::start().await;
    let http = browser();
    let response = basic_login(&http, sso.base(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let url = team_mappings_url(sso.base());
    let page = text_ok(http.get(&url)).await;
    // Konnect's eight predefined teams, each with its group field.
    assert_eq!(
        page.matches(r#"data-testid="team-mappings-groups""#)
            .count(),
        8
    );
    let page = text_with(
        StatusCode::BAD_REQUEST,
        http.post(&url).form(&[
            ("idp_mapping_enabled", "on"),
            ("konnect_mapping_enabled", "on"),
        ]),
    )
    .await;
    assert!(
        page.contains("You must have at least one group mapped to save configuration changes"),
        "{page}"
    );
    // The switches as entered, not as stored.
    assert!(page.contains(r#"value="on" checked data-testid="team-mappings-konnect-enabled""#));
    let settings = json_ok(
        server_kit::http_client()
            .build()
            .unwrap()
            .get(format!("{}/v2/authentication-settings", sso.base()))
            .bearer_auth(ADMIN_PAT),
    )
    .await;
    assert_eq!(settings["konnect_mapping_enabled"], false);
}
