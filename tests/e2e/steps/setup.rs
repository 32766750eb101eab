//! Set-up done "earlier in the guide", through the products' APIs as an automation would.

use anyhow::Context as _;
use cucumber::{given, when};
use harness::guide::{KonnectApp, OktaInKonnect};

use crate::{pages::konnect, support::world::E2eWorld};

/// The app's name, as the guide suggests it; the scenario's id follows it.
const APP_LABEL: &str = "Kong Konnect";

/// The guide's Okta web app for Konnect, made through Okta's Management API; assigned to
/// Everyone unless `assign` is false.
async fn okta_app(w: &mut E2eWorld, redirect_uri: &str, assign: bool) -> anyhow::Result<()> {
    let okta = w.okta_api();
    let app = okta
        .create_konnect_app(&KonnectApp::new(&w.unique(APP_LABEL), redirect_uri))
        .await?;
    if assign {
        okta.assign_to_everyone(&app.id).await?;
    }
    w.okta_app = Some(app);
    Ok(())
}

/// Okta configured and turned on in Konnect through its v2 API, as the settings page's Save
/// does, with the app's client ID and `client_secret`; Konnect's answer gives the login URL.
async fn okta_in_konnect(w: &mut E2eWorld, client_secret: &str) -> anyhow::Result<()> {
    let okta = OktaInKonnect {
        issuer: w.okta_issuer(),
        client_id: w.okta_app()?.client_id.clone(),
        client_secret: client_secret.to_owned(),
        login_path: None,
    };
    w.login_url = Some(w.konnect_api().use_okta(&okta).await?);
    Ok(())
}

/// Through Okta's Management API: the guide's OIDC web app for Konnect, assigned to Everyone.
#[given("an Okta web application for Konnect whose sign-in redirect URI is the Konnect login URI")]
async fn okta_app_for_konnect(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect_redirect_uri();
    okta_app(w, &redirect, true).await
}

/// Through both products' APIs: the Okta app assigned to Everyone, Okta configured and turned on in
/// Konnect.
#[given("Okta is set up as the identity provider of the Konnect organization")]
async fn okta_set_up(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect_redirect_uri();
    okta_app(w, &redirect, true).await?;
    let secret = w.okta_app()?.client_secret.clone();
    okta_in_konnect(w, &secret).await
}

/// As `Okta is set up …`, but Konnect is given a client secret Okta did not make.
#[given(
    "Okta is set up as the identity provider of the Konnect organization with a wrong client secret"
)]
async fn okta_set_up_wrong_secret(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect_redirect_uri();
    okta_app(w, &redirect, true).await?;
    okta_in_konnect(w, "not-the-secret-Okta-made-000000").await
}

/// As `Okta is set up …`, but the Okta app's redirect URI is `{konnect}/login/callback`.
#[given(
    "Okta is set up as the identity provider of the Konnect organization but the Okta app lists another redirect URI"
)]
async fn okta_set_up_other_redirect(w: &mut E2eWorld) -> anyhow::Result<()> {
    let other = konnect::unregistered_redirect_uri(w.konnect_base());
    okta_app(w, &other, true).await?;
    let secret = w.okta_app()?.client_secret.clone();
    okta_in_konnect(w, &secret).await
}

/// As `Okta is set up …`, but the Okta app is assigned to nobody.
#[given(
    "Okta is set up as the identity provider of the Konnect organization but the Okta app is assigned to nobody"
)]
async fn okta_set_up_unassigned(w: &mut E2eWorld) -> anyhow::Result<()> {
    let redirect = w.konnect_redirect_uri();
    okta_app(w, &redirect, false).await?;
    let secret = w.okta_app()?.client_secret.clone();
    okta_in_konnect(w, &secret).await
}

/// Through Konnect's v2 API: the Organization Admin saves the Okta app's current client secret (after a rotation in Okta) in Konnect's Okta settings.
#[when("the organization admin gives Konnect the Okta app's new client secret")]
async fn konnect_gets_new_secret(w: &mut E2eWorld) -> anyhow::Result<()> {
    let secret = w.okta_app()?.client_secret.clone();
    okta_in_konnect(w, &secret).await
}

/// Through Konnect's v2 API: Okta's settings saved again with the issuer of the authorization server an Okta admin created in this scenario.
#[when("the organization admin gives Konnect that authorization server's issuer")]
async fn konnect_gets_created_issuer(w: &mut E2eWorld) -> anyhow::Result<()> {
    let okta = OktaInKonnect {
        issuer: w
            .okta_created_issuer
            .clone()
            .context("no authorization server was created in this scenario")?,
        client_id: w.okta_app()?.client_id.clone(),
        client_secret: w.okta_app()?.client_secret.clone(),
        login_path: None,
    };
    w.login_url = Some(w.konnect_api().use_okta(&okta).await?);
    Ok(())
}

/// Replaces this scenario's Konnect organization with one on the Free plan (local mocks only).
#[given("a Konnect organization on the Free plan")]
async fn free_plan(w: &mut E2eWorld) -> anyhow::Result<()> {
    w.restart_konnect(konnect_stub::Tier::Free).await
}
