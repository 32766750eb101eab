//! Okta's hosted sign-in widget (Identity Engine): Username, Next; Password, Verify.
//! The same selectors work against a real Okta org.

use fantoccini::Client;

use super::{click, fill, wait_for, wait_for_text};

const USERNAME: &str = "input[name='identifier']";
const PASSWORD: &str = "input[name='credentials.passcode']";
const CONFIRM: &str = "input[name='confirmPassword']";
const SUBMIT: &str = "input[data-type='save']";

/// Waits for the sign-in page and returns its heading.
pub async fn is_shown(c: &Client) -> anyhow::Result<()> {
    wait_for(c, USERNAME).await?;
    wait_for_text(c, "Sign In").await
}

/// Ends the Okta session (Okta's sign-out URL shows the sign-in page).
pub async fn sign_out(c: &Client, org: &str) -> anyhow::Result<()> {
    c.goto(&format!("{org}/login/signout")).await?;
    Ok(())
}

pub async fn sign_in(c: &Client, username: &str, password: &str) -> anyhow::Result<()> {
    fill(c, USERNAME, username).await?;
    click(c, SUBMIT).await?;
    fill(c, PASSWORD, password).await?;
    click(c, SUBMIT).await
}

/// On "Your password has expired" (after the password step): the new password, again,
/// then Change Password.
pub async fn change_expired_password(c: &Client, new_password: &str) -> anyhow::Result<()> {
    wait_for_text(c, "Your password has expired").await?;
    fill(c, PASSWORD, new_password).await?;
    fill(c, CONFIRM, new_password).await?;
    click(c, SUBMIT).await
}
