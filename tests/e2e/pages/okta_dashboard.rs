//! Okta's end-user dashboard: the user's app tiles.

use fantoccini::{Client, Locator};

const HOME: &str = "/app/UserHome";

pub async fn open(c: &Client, org: &str) -> anyhow::Result<()> {
    c.goto(&format!("{org}{HOME}")).await?;
    Ok(())
}

/// Waits until the browser shows the dashboard (after signing in).
pub async fn wait_for_dashboard(c: &Client, org: &str) -> anyhow::Result<()> {
    super::wait_for_url(c, &format!("{org}{HOME}")).await?;
    Ok(())
}

/// Clicks the tile whose label is `label`.
pub async fn click_tile(c: &Client, label: &str) -> anyhow::Result<()> {
    let xpath = format!(
        "//a[contains(@href, '/home/oidc_client/')][normalize-space(.)='{label}' or .//*[normalize-space(.)='{label}']]"
    );
    let found = super::waiting(c).for_element(Locator::XPath(&xpath)).await;
    super::located(c, found, &format!("the \"{label}\" tile"))
        .await?
        .click()
        .await?;
    Ok(())
}
