//! Set-up done "earlier in the guide", through the products' APIs as an automation would.

use anyhow::Context as _;
use cucumber::given;
use serde_json::{Value, json};

use crate::support::world::{E2eWorld, OktaApp};

const API_TOKEN: &str = mock_okta::config::DEFAULT_API_TOKEN;
const KONNECT_PAT: &str = "kpat_e2e0000000000000000000000000000000000000000000000";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .unwrap_or_default()
}

/// Creates the guide's Okta web app through Okta's Management API; optionally assigns it
/// to Everyone.
async fn create_okta_app(
    w: &mut E2eWorld,
    redirect_uri: &str,
    assign_everyone: bool,
) -> anyhow::Result<()> {
    let http = http();
    let auth = format!("SSWS {API_TOKEN}");
    let res = http
        .post(w.okta_url("/api/v1/apps"))
        .header("authorization", &auth)
        .json(&json!({
            "name": "oidc_client", "label": "Kong Konnect", "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
            "settings": {"oauthClient": {"application_type": "web",
                "redirect_uris": [redirect_uri], "post_logout_redirect_uris": [redirect_uri],
                "grant_types": ["authorization_code"], "response_types": ["code"]}}
        }))
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "creating the Okta app: {}",
        res.text().await?
    );
    let app: Value = res.json().await?;
    let id = app["id"].as_str().context("app id")?.to_owned();
    if assign_everyone {
        let everyone = w.okta().directory().everyone().id;
        let res = http
            .put(w.okta_url(&format!("/api/v1/apps/{id}/groups/{everyone}")))
            .header("authorization", &auth)
            .json(&json!({}))
            .send()
            .await?;
        anyhow::ensure!(
            res.status().is_success(),
            "assigning Everyone: {}",
            res.status()
        );
    }
    w.okta_app = Some(OktaApp {
        id,
        label: "Kong Konnect".into(),
        client_id: app["credentials"]["oauthClient"]["client_id"]
            .as_str()
            .context("client_id")?
            .to_owned(),
        client_secret: app["credentials"]["oauthClient"]["client_secret"]
            .as_str()
            .context("client_secret")?
            .to_owned(),
    });
    Ok(())
}

/// Configures and turns on Okta in Konnect through its identity API, as the settings page
/// does, and remembers the organization's login URL.
async fn configure_konnect(w: &mut E2eWorld, client_secret: &str) -> anyhow::Result<()> {
    let http = http();
    let app = w.okta_app()?.clone();
    let res = http
        .patch(w.konnect_url("/v2/identity-provider"))
        .bearer_auth(KONNECT_PAT)
        .json(&json!({"issuer": w.okta().issuer(), "client_id": app.client_id, "client_secret": client_secret}))
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "configuring Konnect's identity provider: {}",
        res.text().await?
    );
    let idp: Value = res.json().await?;
    let res = http
        .patch(w.konnect_url("/v2/authentication-settings"))
        .bearer_auth(KONNECT_PAT)
        .json(&json!({"oidc_auth_enabled": true}))
        .send()
        .await?;
    anyhow::ensure!(
        res.status().is_success(),
        "turning Okta on in Konnect: {}",
        res.text().await?
    );
    let path = idp["login_path"].as_str().context("login_path")?;
    w.login_url = Some(w.konnect_url(&format!("/login/{path}")));
    Ok(())
}

/// Through Okta's Management API: the guide's OIDC web app for Konnect, assigned to Everyone.
#[given("an Okta web application for Konnect whose sign-in redirect URI is the Konnect login URI")]
async fn okta_app_for_konnect(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect().redirect_uri();
    create_okta_app(w, &redirect, true).await
}

/// Through both products' APIs: the Okta app assigned to Everyone, Okta configured and turned on in Konnect.
#[given("Okta is set up as the identity provider of the Konnect organization")]
async fn okta_set_up(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect().redirect_uri();
    create_okta_app(w, &redirect, true).await?;
    let secret = w.okta_app()?.client_secret.clone();
    configure_konnect(w, &secret).await
}

/// As `Okta is set up …`, but Konnect is given a client secret Okta did not make.
#[given(
    "Okta is set up as the identity provider of the Konnect organization with a wrong client secret"
)]
async fn okta_set_up_wrong_secret(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect().redirect_uri();
    create_okta_app(w, &redirect, true).await?;
    configure_konnect(w, "not-the-secret-Okta-made-000000").await
}

/// As `Okta is set up …`, but the Okta app's redirect URI is `{konnect}/login/callback`.
#[given(
    "Okta is set up as the identity provider of the Konnect organization but the Okta app lists another redirect URI"
)]
async fn okta_set_up_other_redirect(w: &mut E2eWorld) -> anyhow::Result<()> {
    let other = w.konnect_url("/login/callback");
    create_okta_app(w, &other, true).await?;
    let secret = w.okta_app()?.client_secret.clone();
    configure_konnect(w, &secret).await
}

/// As `Okta is set up …`, but the Okta app is assigned to nobody.
#[given(
    "Okta is set up as the identity provider of the Konnect organization but the Okta app is assigned to nobody"
)]
async fn okta_set_up_unassigned(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect().redirect_uri();
    create_okta_app(w, &redirect, false).await?;
    let secret = w.okta_app()?.client_secret.clone();
    configure_konnect(w, &secret).await
}

/// Replaces this scenario's Konnect organization with one on the Free plan.
#[given("a Konnect organization on the Free plan")]
async fn free_plan(w: &mut E2eWorld) -> anyhow::Result<()> {
    w.restart_konnect(konnect_stub::Tier::Free).await
}
