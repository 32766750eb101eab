//! What an Okta admin changes after the set-up, through Okta's Management API.

use anyhow::Context as _;
use cucumber::when;

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
