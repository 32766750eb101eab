//! What an Okta admin changes after the set-up, through Okta's Management API.

use anyhow::Context as _;
use cucumber::when;

use super::Person;
use crate::support::world::E2eWorld;

/// Through Okta's Management API: adds a new client secret to the Okta app, then deactivates and deletes the old one (Okta's rotation guide); Konnect keeps the old one.
#[when("an Okta admin rotates the Okta app's client secret")]
async fn rotate_client_secret(w: &mut E2eWorld) -> anyhow::Result<()> {
    let id = w.okta_app()?.id.clone();
    let secret = w.okta_api().rotate_client_secret(&id).await?;
    w.okta_app
        .as_mut()
        .context("no Okta app in this scenario")?
        .client_secret = secret;
    Ok(())
}

/// Through Okta's Management API: ends every Okta session of the person (the Admin Console's "Clear user sessions"); their next sign-in asks for the password again.
#[when(expr = "an Okta admin ends the Okta sessions of {person}")]
async fn end_sessions(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let login = w.okta_account(who).login.clone();
    w.okta_api().end_user_sessions(&login).await
}

/// Through Okta's Management API: expires the person's password (`lifecycle/expire_password`); their next sign-in asks for a new one.
#[when(expr = "an Okta admin expires the password of {person}")]
async fn expire_password(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let login = w.okta_account(who).login.clone();
    w.okta_api().expire_password(&login).await
}

/// Through Okta's Management API: a new custom authorization server with an access policy for every app (authorization code, Everyone, any scope).
#[when("an Okta admin creates an authorization server with a policy for every app")]
async fn create_authorization_server(w: &mut E2eWorld) -> anyhow::Result<()> {
    let name = w.unique("Konnect API");
    let issuer = w.okta_api().create_authorization_server(&name).await?;
    w.okta_created_issuer = Some(issuer);
    Ok(())
}

/// Through Okta's Management API: the default authorization server's Default Policy is narrowed to another client, so it no longer covers the Okta app for Konnect.
#[when("an Okta admin narrows the Default Policy to another app")]
async fn policy_excludes_konnect(w: &mut E2eWorld) -> anyhow::Result<()> {
    w.okta_api()
        .limit_default_policy_to("0oaanotherapp0000001")
        .await
}
