//! Konnect: logging in, Settings > Identity Management > Okta, and what Konnect shows.

use cucumber::{given, then, when};

use super::Person;
use crate::{
    pages::{self, konnect},
    support::world::E2eWorld,
};

/// Logs in on Konnect's login page with the person's email and password, and checks the home
/// page shows them.
#[given(expr = "I have logged in to Konnect with email and password as {person}")]
async fn logged_in(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let me = w.konnect_account(who).clone();
    konnect::open_login(w.browser(), w.konnect_base()).await?;
    konnect::log_in(w.browser(), &me.login, &me.password).await?;
    let shown = konnect::logged_in_email(w.browser()).await?;
    anyhow::ensure!(shown == me.login, "not logged in as {}", me.login);
    Ok(())
}

/// Submits Konnect's login form with the person's email and password (the outcome is for the next
/// step to check).
#[when(expr = "I log in to Konnect with email and password as {person}")]
async fn basic_login(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let me = w.konnect_account(who).clone();
    konnect::open_login(w.browser(), w.konnect_base()).await?;
    konnect::log_in(w.browser(), &me.login, &me.password).await
}

/// Checks the browser is on Konnect and its home page shows the person's email as logged in.
#[then(expr = "I am logged in to Konnect as {person}")]
async fn is_logged_in(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect_base()).await?;
    let shown = konnect::logged_in_email(w.browser()).await?;
    anyhow::ensure!(
        shown.eq_ignore_ascii_case(&w.konnect_account(who).login),
        "Konnect shows {shown} as logged in"
    );
    Ok(())
}

/// Logs out of Konnect and opens its login page (the Okta session stays).
#[when("I log out of Konnect")]
async fn log_out(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::log_out(w.browser()).await?;
    konnect::open_login(w.browser(), w.konnect_base()).await
}

/// Opens the login URL, signs in on Okta's page if asked, and checks Konnect shows the person
/// logged in.
#[given(expr = "I have logged in to Konnect through Okta as {person}")]
async fn logged_in_through_okta(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let url = w.login_url()?.to_owned();
    w.browser().goto(&url).await?;
    let me = w.okta_account(who).clone();
    pages::okta_signin::sign_in(w.browser(), &me.login, &me.password).await?;
    is_logged_in(w, who).await
}

/// From Konnect's home page: Settings, Identity Management, then the Okta card.
#[when("I open Settings, Identity Management, Okta")]
async fn open_okta_settings(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_settings(w.browser()).await?;
    konnect::open_identity_management(w.browser()).await?;
    konnect::open_okta(w.browser()).await
}

/// Types the Okta app's Client ID and Client Secret into Konnect's Okta settings.
#[when("I paste the Okta application's Client ID and Client Secret")]
async fn paste_credentials(w: &mut E2eWorld) -> anyhow::Result<()> {
    let app = w.okta_app()?.clone();
    konnect::fill_client_credentials(w.browser(), &app.client_id, &app.client_secret).await
}

/// Types the issuer into Konnect's Okta settings, `https://{OKTA_DOMAIN}` replaced by the Okta
/// org's URL.
///
/// The guide writes the issuer as `https://{OKTA_DOMAIN}/oauth2/default`; the scenario uses
/// the org's real URL (scheme included) in place of `https://{OKTA_DOMAIN}`.
#[when(expr = "I enter the issuer {string} of the Okta org")]
async fn enter_issuer(w: &mut E2eWorld, template: String) -> anyhow::Result<()> {
    let issuer = template.replace("https://{OKTA_DOMAIN}", w.okta_org());
    konnect::fill_issuer(w.browser(), &issuer).await
}

/// Clicks Save on Konnect's Okta settings.
#[when("I save the Okta settings")]
async fn save(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::save_okta(w.browser()).await
}

/// Checks the saved Okta settings show a login URL `{konnect}/login/{path}`.
#[then("Konnect shows the generated login URL")]
async fn shows_login_url(w: &mut E2eWorld) -> anyhow::Result<()> {
    let url = konnect::generated_login_url(w.browser()).await?;
    let prefix = konnect::login_url_prefix(w.konnect_base());
    anyhow::ensure!(
        url.starts_with(&prefix) && url.len() > prefix.len(),
        "the login URL shown is {url:?}"
    );
    Ok(())
}

/// Reads the login URL from the saved Okta settings (the page, not the clipboard) for later steps.
#[then("I copy the login URL")]
async fn copy_login_url(w: &mut E2eWorld) -> anyhow::Result<()> {
    w.login_url = Some(konnect::generated_login_url(w.browser()).await?);
    Ok(())
}

/// Checks Konnect's Okta settings show an error containing the words (case ignored).
#[then(expr = "Konnect refuses the settings saying {string}")]
async fn refuses_settings(w: &mut E2eWorld, word: String) -> anyhow::Result<()> {
    let message = konnect::okta_error(w.browser()).await?;
    anyhow::ensure!(
        message.to_lowercase().contains(&word.to_lowercase()),
        "the error says: {message}"
    );
    Ok(())
}

/// Opens the login URL in the browser.
#[when("I paste the login URL into the browser")]
async fn paste_login_url(w: &mut E2eWorld) -> anyhow::Result<()> {
    let url = w.login_url()?.to_owned();
    w.browser().goto(&url).await?;
    Ok(())
}

/// Checks Konnect's login form shows an error and a link to the login URL.
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

/// Clicks the link to the organization's login URL on Konnect's login form.
#[when("I follow the link to the organization's login URL")]
async fn follow_link(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::follow_sso_link(w.browser()).await
}

/// Checks the Okta settings show the Enterprise badge and no enabled Save button.
#[then("Konnect shows the Enterprise badge and does not offer to save")]
async fn enterprise_only(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::enterprise_badge_shown(w.browser()).await?;
    anyhow::ensure!(
        !konnect::save_offered(w.browser()).await?,
        "an enabled Save button is offered on the Free plan"
    );
    Ok(())
}

/// Opens Konnect's Okta settings page by its URL, without the menus.
#[when("I open the Identity Management settings directly")]
async fn open_identity_directly(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_okta_settings_page(w.browser(), w.konnect_base()).await
}

/// Checks Konnect's error page says only an Organization Admin may open the page.
#[then("Konnect says that only an Organization Admin may open it")]
async fn admin_only(w: &mut E2eWorld) -> anyhow::Result<()> {
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(all.contains("Organization Admin"), "the page says: {all}");
    Ok(())
}

/// Checks the browser is back on Konnect with an error page naming the client authentication
/// (invalid_client).
#[then("Konnect shows a login error that names the client authentication")]
async fn client_auth_error(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect_base()).await?;
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(
        all.contains("invalid_client") || all.to_lowercase().contains("client secret"),
        "the page says: {all}"
    );
    Ok(())
}

/// Checks the browser is back on Konnect with Okta's "User is not assigned to the client
/// application."
#[then("Konnect shows a login error saying the user is not assigned to the application")]
async fn not_assigned_error(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.konnect_base()).await?;
    let (title, message) = konnect::error_page(w.browser()).await?;
    let all = format!("{title} {message}");
    anyhow::ensure!(
        all.contains("User is not assigned to the client application."),
        "the page says: {all}"
    );
    Ok(())
}

/// From Konnect's home page: Settings, Identity Management, then Team Mappings.
#[when("I open Settings, Identity Management, Team Mappings")]
async fn open_team_mappings(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_settings(w.browser()).await?;
    konnect::open_identity_management(w.browser()).await?;
    konnect::open_team_mappings(w.browser()).await
}

/// On the Team Mappings page: adds the group to the team's groups, ticks IdP Mapping Enabled
/// and saves (the outcome is for the next step to check).
#[when(expr = "I map the Okta group {string} to the {string} team")]
async fn map_group(w: &mut E2eWorld, group: String, team: String) -> anyhow::Result<()> {
    konnect::add_team_group(w.browser(), &team, &group).await?;
    konnect::set_mapping_switch(w.browser(), "idp", true).await?;
    konnect::save_team_mappings(w.browser()).await
}

/// On the Team Mappings page: empties every team's groups, ticks IdP Mapping Enabled and
/// saves.
#[when("I save the team mappings without any group")]
async fn save_without_groups(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::clear_team_groups(w.browser()).await?;
    konnect::set_mapping_switch(w.browser(), "idp", true).await?;
    konnect::save_team_mappings(w.browser()).await
}

/// On the Team Mappings page: ticks Konnect Mapping Enabled (admins assign teams in Konnect
/// and the groups claim is ignored) and saves.
#[when("I turn on Konnect Mapping")]
async fn turn_on_konnect_mapping(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::set_mapping_switch(w.browser(), "konnect", true).await?;
    konnect::save_team_mappings(w.browser()).await?;
    konnect::team_mappings_saved(w.browser()).await
}

/// Checks the Team Mappings page saved and shows the group among the team's groups.
#[then(expr = "Konnect shows the Okta group {string} mapped to the {string} team")]
async fn shows_mapping(w: &mut E2eWorld, group: String, team: String) -> anyhow::Result<()> {
    konnect::team_mappings_saved(w.browser()).await?;
    let groups = konnect::team_groups(w.browser(), &team).await?;
    anyhow::ensure!(
        groups.contains(&group),
        "the {team} team has the groups {groups:?}"
    );
    Ok(())
}

/// Checks the Team Mappings page shows Konnect Mapping Enabled ticked.
#[then("Konnect shows Konnect Mapping turned on")]
async fn shows_konnect_mapping(w: &mut E2eWorld) -> anyhow::Result<()> {
    anyhow::ensure!(
        konnect::mapping_switch(w.browser(), "konnect").await?,
        "Konnect Mapping Enabled is not ticked"
    );
    Ok(())
}

/// Checks the Team Mappings page shows an error with exactly these words.
#[then(expr = "Konnect refuses the team mappings saying {string}")]
async fn refuses_team_mappings(w: &mut E2eWorld, words: String) -> anyhow::Result<()> {
    let message = konnect::team_mappings_error(w.browser()).await?;
    anyhow::ensure!(message == words, "the error says: {message}");
    Ok(())
}

/// Opens Identity Management by its URL and checks its menu is shown (Organization Admins
/// only).
#[then("I can open Identity Management")]
async fn can_open_identity(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_identity_management_page(w.browser(), w.konnect_base()).await
}

/// Opens Konnect's home page and checks it lists the team (by the label Konnect's UI gives it)
/// among the logged-in user's teams.
#[then(expr = "Konnect shows me in the {string} team")]
async fn shows_me_in_team(w: &mut E2eWorld, team: String) -> anyhow::Result<()> {
    konnect::open_home(w.browser(), w.konnect_base()).await?;
    let teams = konnect::home_teams(w.browser()).await?;
    anyhow::ensure!(teams.contains(&team), "Konnect shows me in {teams:?}");
    Ok(())
}

/// Opens Konnect's home page and checks it shows the logged-in user in no team.
#[then("Konnect shows me in no team")]
async fn shows_me_in_no_team(w: &mut E2eWorld) -> anyhow::Result<()> {
    konnect::open_home(w.browser(), w.konnect_base()).await?;
    let teams = konnect::home_teams(w.browser()).await?;
    anyhow::ensure!(teams.is_empty(), "Konnect shows me in {teams:?}");
    Ok(())
}
