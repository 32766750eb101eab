//! Konnect: logging in, Settings > Identity Management > Okta, and what Konnect shows.

use cucumber::{given, then, when};

use super::Person;
use crate::{
    pages::{self, konnect},
    support::world::E2eWorld,
};

#[given(expr = "I am logged in to Konnect as {person}")]
async fn logged_in(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let (email, password) = who.credentials();
    konnect::open_login(w.browser(), w.konnect().base_url()).await?;
    konnect::log_in(w.browser(), email, password).await?;
    anyhow::ensure!(
        konnect::logged_in_email(w.browser()).await? == email,
        "not logged in as {email}"
    );
    Ok(())
}

#[when(expr = "I log in to Konnect with email and password as {person}")]
async fn basic_login(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let (email, password) = who.credentials();
    konnect::open_login(w.browser(), w.konnect().base_url()).await?;
    konnect::log_in(w.browser(), email, password).await
}

#[then(expr = "I am logged in to Konnect as {person}")]
async fn is_logged_in(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect().base_url()).await?;
    let shown = konnect::logged_in_email(w.browser()).await?;
    anyhow::ensure!(
        shown == who.credentials().0,
        "Konnect shows {shown} as logged in"
    );
    Ok(())
}

#[when("I log out of Konnect")]
async fn log_out(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::log_out(w.browser()).await?;
    konnect::open_login(w.browser(), w.konnect().base_url()).await
}

#[given(expr = "I have logged in to Konnect through Okta as {person}")]
async fn logged_in_through_okta(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let url = w.login_url()?.to_owned();
    w.browser().goto(&url).await?;
    let (login, password) = who.credentials();
    pages::okta_signin::sign_in(w.browser(), login, password).await?;
    is_logged_in(w, who).await
}

#[when("I open Settings, Identity Management, Okta")]
async fn open_okta_settings(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_settings(w.browser()).await?;
    konnect::open_identity_management(w.browser()).await?;
    konnect::open_okta(w.browser()).await
}

#[when("I paste the Okta application's Client ID and Client Secret")]
async fn paste_credentials(w: &mut E2eWorld) -> anyhow::Result<()> {
    let app = w.okta_app()?.clone();
    konnect::fill_client_credentials(w.browser(), &app.client_id, &app.client_secret).await
}

/// The guide writes the issuer as `https://{OKTA_DOMAIN}/oauth2/default`; the scenario uses
/// the org's real URL (scheme included) in place of `https://{OKTA_DOMAIN}`.
#[when(expr = "I enter the issuer {string} of the Okta org")]
async fn enter_issuer(w: &mut E2eWorld, template: String) -> anyhow::Result<()> {
    let issuer = template.replace("https://{OKTA_DOMAIN}", w.okta().base_url());
    konnect::fill_issuer(w.browser(), &issuer).await
}

#[when("I save the Okta settings")]
async fn save(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::save_okta(w.browser()).await
}

#[then("Konnect shows the generated login URL")]
async fn shows_login_url(w: &mut E2eWorld) -> anyhow::Result<()> {
    let url = konnect::generated_login_url(w.browser()).await?;
    let prefix = w.konnect_url("/login/");
    anyhow::ensure!(
        url.starts_with(&prefix) && url.len() > prefix.len(),
        "the login URL shown is {url:?}"
    );
    Ok(())
}

#[then("I copy the login URL")]
async fn copy_login_url(w: &mut E2eWorld) -> anyhow::Result<()> {
    w.login_url = Some(konnect::generated_login_url(w.browser()).await?);
    Ok(())
}

#[then(expr = "Konnect refuses the settings saying {string}")]
async fn refuses_settings(w: &mut E2eWorld, word: String) -> anyhow::Result<()> {
    let message = konnect::okta_error(w.browser()).await?;
    anyhow::ensure!(
        message.to_lowercase().contains(&word.to_lowercase()),
        "the error says: {message}"
    );
    Ok(())
}

#[when("I paste the login URL into the browser")]
async fn paste_login_url(w: &mut E2eWorld) -> anyhow::Result<()> {
    let url = w.login_url()?.to_owned();
    w.browser().goto(&url).await?;
    Ok(())
}

#[then("Konnect refuses the login and links to the organization's login URL")]
async fn refuses_login(w: &mut E2eWorld) -> anyhow::Result<()> {
    let message = konnect::login_error(w.browser()).await?;
    let link = konnect::sso_link(w.browser()).await?;
    anyhow::ensure!(
        link == w.login_url()?,
        "the link is {link:?}; the message says: {message}"
    );
    Ok(())
}

#[when("I follow the link to the organization's login URL")]
async fn follow_link(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::follow_sso_link(w.browser()).await
}

#[then("Konnect shows the Enterprise badge and does not offer to save")]
async fn enterprise_only(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::enterprise_badge_shown(w.browser()).await?;
    anyhow::ensure!(
        !konnect::save_offered(w.browser()).await?,
        "an enabled Save button is offered on the Free plan"
    );
    Ok(())
}

#[when("I open the Identity Management settings directly")]
async fn open_identity_directly(w: &mut E2eWorld) -> anyhow::Result<()> {
    w.browser()
        .goto(&w.konnect_url("/settings/identity-management/okta"))
        .await?;
    Ok(())
}

#[then("Konnect says that only an Organization Admin may open it")]
async fn admin_only(w: &mut E2eWorld) -> anyhow::Result<()> {
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(all.contains("Organization Admin"), "the page says: {all}");
    Ok(())
}

#[then("Konnect shows a login error that names the client authentication")]
async fn client_auth_error(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect().base_url()).await?;
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(
        all.contains("invalid_client") || all.to_lowercase().contains("client secret"),
        "the page says: {all}"
    );
    Ok(())
}

#[then("Konnect shows a login error saying the user is not assigned to the application")]
async fn not_assigned_error(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect().base_url()).await?;
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(
        all.contains("User is not assigned to the client application."),
        "the page says: {all}"
    );
    Ok(())
}
