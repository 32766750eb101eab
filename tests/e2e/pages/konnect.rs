//! Konnect's pages: the login form, the home page, Settings > Identity Management > Okta and
//! error pages.

use fantoccini::Client;

use super::{click, fill, text, value, wait_for};

pub async fn open_login(c: &Client, base: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/login")).await?;
    wait_for(c, "[data-testid='kong-auth-login-email']").await?;
    Ok(())
}

pub async fn log_in(c: &Client, email: &str, password: &str) -> anyhow::Result<()> {
    fill(c, "[data-testid='kong-auth-login-email']", email).await?;
    fill(c, "[data-testid='kong-auth-login-password']", password).await?;
    click(c, "[data-testid='kong-auth-login-submit']").await
}

/// The logged-in user's email on the home page.
pub async fn logged_in_email(c: &Client) -> anyhow::Result<String> {
    text(c, "[data-testid='konnect-home-user-email']").await
}

pub async fn login_error(c: &Client) -> anyhow::Result<String> {
    let e = wait_for(c, "[data-testid='kong-auth-error-message']:not([hidden])").await?;
    Ok(e.text().await?.trim().to_owned())
}

/// The link to the organization's login URL shown with a refused basic-auth login.
pub async fn sso_link(c: &Client) -> anyhow::Result<String> {
    let a = wait_for(c, "[data-testid='kong-auth-sso-login-link']").await?;
    Ok(a.attr("href").await?.unwrap_or_default())
}

pub async fn open_settings(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='nav-settings']").await
}

pub async fn open_identity_management(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='settings-identity-management']").await
}

pub async fn open_okta(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='identity-okta-link']").await?;
    wait_for(
        c,
        "[data-testid='identity-okta-issuer'], [data-testid='identity-enterprise-note']",
    )
    .await?;
    Ok(())
}

pub async fn fill_client_credentials(
    c: &Client,
    client_id: &str,
    client_secret: &str,
) -> anyhow::Result<()> {
    fill(c, "[data-testid='identity-okta-client-id']", client_id).await?;
    fill(
        c,
        "[data-testid='identity-okta-client-secret']",
        client_secret,
    )
    .await
}

pub async fn fill_issuer(c: &Client, issuer: &str) -> anyhow::Result<()> {
    fill(c, "[data-testid='identity-okta-issuer']", issuer).await
}

pub async fn log_out(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='konnect-logout']").await
}

pub async fn follow_sso_link(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='kong-auth-sso-login-link']").await
}

pub async fn save_okta(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='identity-okta-save']").await
}

/// The generated login URL, read from the page (never the clipboard).
pub async fn generated_login_url(c: &Client) -> anyhow::Result<String> {
    wait_for(c, "[data-testid='identity-okta-saved']").await?;
    value(c, "[data-testid='identity-okta-login-url']").await
}

pub async fn okta_error(c: &Client) -> anyhow::Result<String> {
    let field = "[data-testid='identity-okta-error'], .field-error";
    text(c, field).await
}

/// Whether an enabled Save button is on the page (a disabled fieldset disables it too,
/// which WebDriver's "is enabled" does not see in every browser).
pub async fn save_offered(c: &Client) -> anyhow::Result<bool> {
    let v = c
        .execute(
            "return Array.from(document.querySelectorAll(\"[data-testid='identity-okta-save']\")).some(b => !b.matches(':disabled'));",
            vec![],
        )
        .await?;
    Ok(v.as_bool().unwrap_or(false))
}

pub async fn enterprise_badge_shown(c: &Client) -> anyhow::Result<()> {
    wait_for(c, "[data-testid='identity-enterprise-badge']").await?;
    Ok(())
}

/// Konnect's error page: title and message.
pub async fn error_page(c: &Client) -> anyhow::Result<(String, String)> {
    error_page_within(c, super::wait_limit()).await
}

/// Konnect's error page, for one that may take `limit` to come (Konnect waiting on a slow
/// identity provider first).
pub async fn error_page_within(
    c: &Client,
    limit: std::time::Duration,
) -> anyhow::Result<(String, String)> {
    let title = super::wait_for_within(c, "[data-testid='error-title']", limit).await?;
    Ok((
        title.text().await?.trim().to_owned(),
        text(c, "[data-testid='error-message']").await?,
    ))
}

/// Opens Konnect's home page, as someone coming back to a tab later does.
pub async fn open_home(c: &Client, base: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/")).await?;
    Ok(())
}

/// Waits for the login form (email and password), as Konnect shows it to a browser without
/// a live session.
pub async fn wait_for_login_form(c: &Client) -> anyhow::Result<()> {
    wait_for(c, "[data-testid='kong-auth-login-email']").await?;
    Ok(())
}

/// The start of every organization login URL, `{konnect}/login/`.
pub fn login_url_prefix(base: &str) -> String {
    format!("{base}/login/")
}

/// A Konnect URL that is not its redirect URI, to register in Okta by mistake.
pub fn unregistered_redirect_uri(base: &str) -> String {
    format!("{base}/login/callback")
}

/// Opens the Okta settings page by its URL, without the menus.
pub async fn open_okta_settings_page(c: &Client, base: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}{}", okta_settings_path(base)))
        .await?;
    Ok(())
}

/// Whether `base` is Kong's own Konnect (`cloud.konghq.com`, or a regional `*.konghq.com`)
/// rather than konnect-stub.
fn is_real_konnect(base: &str) -> bool {
    url::Url::parse(base)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h == "konghq.com" || h.ends_with(".konghq.com"))
        })
        .unwrap_or(false)
}

/// Where the Okta settings are. konnect-stub serves the guide's Settings > Identity Management
/// > Okta; Konnect today has them under Organization > Settings, tab Authentication Scheme.
pub fn okta_settings_path(base: &str) -> &'static str {
    if is_real_konnect(base) {
        "/global/organization/settings#authentication-scheme"
    } else {
        "/settings/identity-management/okta"
    }
}

/// The redirect URI Konnect asks the identity provider to register: `{konnect}/login`
/// (`https://cloud.konghq.com/login` for Kong's).
pub fn redirect_uri(base: &str) -> String {
    format!("{base}/login")
}

/// Where Konnect's identity API answers: Kong's is global, `https://global.api.konghq.com`,
/// apart from the UI on `cloud.konghq.com`; konnect-stub serves both on one URL.
pub fn api_base(base: &str) -> String {
    if is_real_konnect(base) {
        "https://global.api.konghq.com".to_owned()
    } else {
        base.trim_end_matches('/').to_owned()
    }
}

/// From Identity Management: the Team Mappings page.
pub async fn open_team_mappings(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='identity-team-mappings-link']").await?;
    wait_for(c, "[data-testid='team-mappings-save']").await?;
    Ok(())
}

/// The group field of the team the page labels `team`.
fn team_groups_field(team: &str) -> String {
    format!(
        "[data-testid='team-mappings-groups'][data-team='{}']",
        team.replace('\'', "\\'")
    )
}

/// The groups mapped to `team`, one per line on the page.
pub async fn team_groups(c: &Client, team: &str) -> anyhow::Result<Vec<String>> {
    let groups = value(c, &team_groups_field(team)).await?;
    Ok(groups
        .lines()
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Adds `group` to the team's groups (one per line), keeping those already there.
pub async fn add_team_group(c: &Client, team: &str, group: &str) -> anyhow::Result<()> {
    let mut groups = team_groups(c, team).await?;
    groups.push(group.to_owned());
    fill(c, &team_groups_field(team), &groups.join("\n")).await
}

/// Empties every team's groups.
pub async fn clear_team_groups(c: &Client) -> anyhow::Result<()> {
    wait_for(c, "[data-testid='team-mappings-groups']").await?;
    for field in c
        .find_all(fantoccini::Locator::Css(
            "[data-testid='team-mappings-groups']",
        ))
        .await?
    {
        field.clear().await?;
    }
    Ok(())
}

/// Ticks or unticks a mapping switch: `idp` (IdP Mapping Enabled) or `konnect` (Konnect
/// Mapping Enabled).
pub async fn set_mapping_switch(c: &Client, which: &str, on: bool) -> anyhow::Result<()> {
    let css = format!("[data-testid='team-mappings-{which}-enabled']");
    let checkbox = wait_for(c, &css).await?;
    if checkbox.is_selected().await? != on {
        checkbox.click().await?;
    }
    Ok(())
}

pub async fn mapping_switch(c: &Client, which: &str) -> anyhow::Result<bool> {
    let css = format!("[data-testid='team-mappings-{which}-enabled']");
    Ok(wait_for(c, &css).await?.is_selected().await?)
}

/// Saves the Team Mappings page and waits for its answer (saved, or the reason why not).
pub async fn save_team_mappings(c: &Client) -> anyhow::Result<()> {
    click(c, "[data-testid='team-mappings-save']").await?;
    wait_for(
        c,
        "[data-testid='team-mappings-saved'], [data-testid='team-mappings-error']",
    )
    .await?;
    Ok(())
}

/// Checks the Team Mappings page says it saved.
pub async fn team_mappings_saved(c: &Client) -> anyhow::Result<()> {
    wait_for(c, "[data-testid='team-mappings-saved']").await?;
    Ok(())
}

pub async fn team_mappings_error(c: &Client) -> anyhow::Result<String> {
    text(c, "[data-testid='team-mappings-error']").await
}

/// The teams Konnect's home page shows the logged-in user in (empty: none).
pub async fn home_teams(c: &Client) -> anyhow::Result<Vec<String>> {
    wait_for(c, "[data-testid='konnect-home-teams']").await?;
    let mut teams = Vec::new();
    for t in c
        .find_all(fantoccini::Locator::Css(
            "[data-testid='konnect-home-team']",
        ))
        .await?
    {
        teams.push(t.text().await?.trim().to_owned());
    }
    Ok(teams)
}

/// Opens Identity Management by its URL and waits for its menu (an Organization Admin's
/// page; others get the error page).
pub async fn open_identity_management_page(c: &Client, base: &str) -> anyhow::Result<()> {
    c.goto(&format!("{base}/settings/identity-management"))
        .await?;
    wait_for(c, "[data-testid='identity-okta-link']").await?;
    Ok(())
}
