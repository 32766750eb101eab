//! Okta's Admin Console: Applications, the app integration wizard, the app's General tab, the
//! `default` authorization server's Claims, and Directory > Groups.
//! Controls are found by their visible labels, as a person finds them.

use anyhow::Context as _;
use fantoccini::{Client, Locator, elements::Element};

use super::{wait_for, wait_for_url, wait_limit};

/// The control a `<label>` with this text is bound to.
pub async fn labeled(c: &Client, label: &str) -> anyhow::Result<Element> {
    // A label may also hold its control and a description: match its own words too.
    let xpath = format!(
        "//label[normalize-space(.)='{label}' or normalize-space(text()[1])='{label}' or .//*[normalize-space(.)='{label}']]"
    );
    let found = super::waiting(c).for_element(Locator::XPath(&xpath)).await;
    let l = super::located(c, found, &format!("the label \"{label}\"")).await?;
    let id = l
        .attr("for")
        .await?
        .with_context(|| format!("the label \"{label}\" is bound to no control"))?;
    c.find(Locator::Id(&id))
        .await
        .map_err(|e| anyhow::anyhow!("the control of \"{label}\" (#{id}): {e}"))
}

pub async fn fill_labeled(c: &Client, label: &str, value: &str) -> anyhow::Result<()> {
    let e = labeled(c, label).await?;
    e.clear().await?;
    e.send_keys(value).await?;
    Ok(())
}

/// Ticks (or unticks) a checkbox, or picks a radio button, by its label.
pub async fn set_checked(c: &Client, label: &str, checked: bool) -> anyhow::Result<()> {
    let e = labeled(c, label).await?;
    let now = e.prop("checked").await?.is_some_and(|v| v == "true");
    if now != checked {
        anyhow::ensure!(e.is_enabled().await?, "\"{label}\" cannot be changed");
        e.click().await?;
    }
    Ok(())
}

pub async fn is_checked(c: &Client, label: &str) -> anyhow::Result<bool> {
    Ok(labeled(c, label)
        .await?
        .prop("checked")
        .await?
        .is_some_and(|v| v == "true"))
}

pub async fn select_labeled(c: &Client, label: &str, option: &str) -> anyhow::Result<()> {
    labeled(c, label).await?.select_by_label(option).await?;
    Ok(())
}

/// The Admin Console's URL for an org URL. A real org serves it on its own host,
/// `https://{org}-admin.okta.com` for `https://{org}.okta.com` (also `oktapreview.com` and
/// `okta-emea.com`); mock-okta serves it on the org's URL.
pub fn console_url(org: &str) -> String {
    let Ok(mut url) = url::Url::parse(org) else {
        return org.to_owned();
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    for domain in [".okta.com", ".oktapreview.com", ".okta-emea.com"] {
        if let Some(name) = host.strip_suffix(domain)
            && !name.is_empty()
            && !name.contains('.')
            && !name.ends_with("-admin")
            && url.set_host(Some(&format!("{name}-admin{domain}"))).is_ok()
        {
            return url.as_str().trim_end_matches('/').to_owned();
        }
    }
    org.to_owned()
}

/// Goes to the console; with no Okta session this passes through the sign-in page.
pub async fn open(c: &Client, org: &str, path: &str) -> anyhow::Result<()> {
    c.goto(&format!("{}{path}", console_url(org))).await?;
    Ok(())
}

/// Opens the Admin Console's dashboard (through the sign-in page without an Okta session).
pub async fn open_dashboard(c: &Client, org: &str) -> anyhow::Result<()> {
    open(c, org, "/admin/dashboard").await
}

/// Waits for a new app's General tab, where the wizard's Save lands; returns the app's id.
pub async fn wait_for_new_app(c: &Client, org: &str) -> anyhow::Result<String> {
    let url = wait_for_url(c, &format!("{}{APP_PAGE}", console_url(org))).await?;
    Ok(url.path().rsplit('/').next().unwrap_or_default().to_owned())
}

/// Where an OIDC app's General tab is, before its id.
const APP_PAGE: &str = "/admin/app/oidc_client/instance/";

pub async fn wait_for_console(c: &Client, org: &str) -> anyhow::Result<()> {
    wait_for_url(c, &format!("{}/admin/", console_url(org))).await?;
    Ok(())
}

/// The Client ID on the app's General tab, as text (never the clipboard).
pub async fn client_id(c: &Client) -> anyhow::Result<String> {
    shown_value(c, "client-id").await
}

/// The Client secret on the app's General tab, as text.
pub async fn client_secret(c: &Client) -> anyhow::Result<String> {
    shown_value(c, "client-secret").await
}

/// Values shown as text beside their Copy buttons, by `data-se`.
async fn shown_value(c: &Client, data_se: &str) -> anyhow::Result<String> {
    let e = wait_for(c, &format!("[data-se='{data_se}']")).await?;
    let text = e.text().await?.trim().to_owned();
    if !text.is_empty() {
        return Ok(text);
    }
    Ok(e.prop("value").await?.unwrap_or_default())
}

/// All inline error messages of the current form, joined.
pub async fn form_errors(c: &Client) -> anyhow::Result<String> {
    let css = "[data-se='o-form-error'], .o-form-error-container, .field-error, [role='alert']";
    wait_for(c, css).await?;
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css(css)).await? {
        let t = e.text().await?.trim().to_owned();
        if !t.is_empty() {
            out.push(t);
        }
    }
    Ok(out.join(" | "))
}

/// Opens an app's General tab from its id.
pub async fn open_app(c: &Client, org: &str, app_id: &str) -> anyhow::Result<()> {
    open(c, org, &format!("{APP_PAGE}{app_id}")).await?;
    wait_for_url(c, &format!("{}{APP_PAGE}{app_id}", console_url(org))).await?;
    Ok(())
}

/// Clicks the Edit button of a section by its heading.
pub async fn edit_section(c: &Client, heading: &str) -> anyhow::Result<()> {
    let xpath = format!(
        "//section[.//*[self::h2 or self::h3][normalize-space(.)='{heading}']]//*[self::a or self::button][normalize-space(.)='Edit']"
    );
    let found = super::waiting(c).for_element(Locator::XPath(&xpath)).await;
    super::located(c, found, &format!("the Edit button of \"{heading}\""))
        .await?
        .click()
        .await?;
    Ok(())
}

// ---- Security > API > Authorization Servers > default > Claims ----

/// A claim as the Add Claim dialog takes it, in its labels' words.
pub struct NewClaim<'a> {
    pub name: &'a str,
    /// Include in token type: "ID Token" or "Access Token".
    pub token_type: &'a str,
    /// For ID tokens: "Always" or "Userinfo/id_token request".
    pub include: &'a str,
    /// Value type: "Groups" (or "Expression").
    pub value_type: &'a str,
    /// Filter: "Starts with", "Equals", "Contains" or "Matches regex".
    pub filter: &'a str,
    pub filter_value: &'a str,
}

/// From the console's navigation: API, the `default` server, its Claims tab.
pub async fn open_claims(c: &Client) -> anyhow::Result<()> {
    super::click_text(c, "API").await?;
    super::click_text(c, "default").await?;
    super::click_text(c, "Claims").await?;
    wait_for(c, "[data-se='claims-list']").await?;
    Ok(())
}

/// Add Claim, filled in and created, for "Any scope"; waits for the claim in the list.
pub async fn add_claim(c: &Client, claim: &NewClaim<'_>) -> anyhow::Result<()> {
    super::click_text(c, "Add Claim").await?;
    fill_labeled(c, "Name", claim.name).await?;
    select_labeled(c, "Include in token type", claim.token_type).await?;
    select_labeled(c, "Include in ID token", claim.include).await?;
    select_labeled(c, "Value type", claim.value_type).await?;
    select_labeled(c, "Filter", claim.filter).await?;
    fill_labeled(c, "Filter value", claim.filter_value).await?;
    set_checked(c, "Any scope", true).await?;
    super::click_text(c, "Create").await?;
    let row = format!(
        "//tr[@data-se='claim-row'][.//td[@data-se='claim-name'][normalize-space(text()[1])='{}']]",
        claim.name
    );
    let found = super::waiting(c).for_element(Locator::XPath(&row)).await;
    if found.is_err() {
        let errors = form_errors(c).await.unwrap_or_default();
        anyhow::bail!("Okta did not list the claim \"{}\": {errors}", claim.name);
    }
    Ok(())
}

// ---- Directory > Groups ----

/// From the console's navigation: the Groups list.
pub async fn open_groups(c: &Client) -> anyhow::Result<()> {
    super::click_text(c, "Groups").await?;
    wait_for(c, "[data-se='groups-list']").await?;
    Ok(())
}

/// Opens a group's page from the Groups list; false when the list has no such group.
pub async fn open_group(c: &Client, name: &str) -> anyhow::Result<bool> {
    for link in c.find_all(Locator::Css("[data-se='group-name']")).await? {
        if link.text().await?.trim() == name {
            link.click().await?;
            wait_for_heading(c, name).await?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Add group from the Groups list; lands on the new group's page.
pub async fn add_group(c: &Client, name: &str) -> anyhow::Result<()> {
    super::click_text(c, "Add group").await?;
    fill_labeled(c, "Name", name).await?;
    super::click_text(c, "Save").await?;
    if wait_for_heading(c, name).await.is_err() {
        let errors = form_errors(c).await.unwrap_or_default();
        anyhow::bail!("Okta did not create the group \"{name}\": {errors}");
    }
    Ok(())
}

async fn wait_for_heading(c: &Client, text: &str) -> anyhow::Result<()> {
    let xpath = format!("//h1[@data-se='page-heading'][normalize-space(.)='{text}']");
    let found = super::waiting(c).for_element(Locator::XPath(&xpath)).await;
    super::located(c, found, &format!("the heading \"{text}\"")).await?;
    Ok(())
}

/// The member row of a login on a group's page.
fn member_row(login: &str) -> String {
    format!(
        "//tr[@data-se='group-member'][.//td[@data-se='member-username'][normalize-space(.)='{login}']]"
    )
}

/// Whether the group's page lists the login among its people.
pub async fn is_member(c: &Client, login: &str) -> anyhow::Result<bool> {
    Ok(!c
        .find_all(Locator::XPath(&member_row(login)))
        .await?
        .is_empty())
}

/// On a group's page: Assign people, the person chosen by their username; waits for them in
/// the list.
pub async fn assign_person(c: &Client, login: &str) -> anyhow::Result<()> {
    let select = labeled(c, "Assign people").await?;
    let option = format!(".//option[contains(normalize-space(.), '({login})')]");
    select
        .find(Locator::XPath(&option))
        .await
        .map_err(|e| anyhow::anyhow!("Assign people offers no one with the username {login}: {e}"))?
        .click()
        .await?;
    super::click_text(c, "Assign").await?;
    let found = super::waiting(c)
        .for_element(Locator::XPath(&member_row(login)))
        .await;
    super::located(c, found, &format!("{login} among the group's people")).await?;
    Ok(())
}

/// On a group's page: Remove beside the person; waits until they are gone from the list.
pub async fn remove_person(c: &Client, login: &str) -> anyhow::Result<()> {
    let button = format!("{}//input[@value='Remove']", member_row(login));
    let found = super::waiting(c).for_element(Locator::XPath(&button)).await;
    super::located(c, found, &format!("Remove beside {login}"))
        .await?
        .click()
        .await?;
    let deadline = std::time::Instant::now() + wait_limit();
    while is_member(c, login).await? {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "waited {} for {login} to leave the group's people",
            super::waited()
        );
        tokio::time::sleep(super::POLL).await;
    }
    Ok(())
}
