//! Okta: the Admin Console, the sign-in page, the dashboard and Okta's error page.

use anyhow::Context as _;
use cucumber::{given, then, when};
use serde_json::json;

use super::Person;
use crate::{
    pages::{self, okta_console as console, okta_dashboard, okta_signin},
    support::world::{E2eWorld, OktaApp},
};

/// Opens Okta's Admin Console and signs in as the org's admin.
#[given("I am signed in to the Okta Admin Console as an administrator")]
async fn signed_in_console(w: &mut E2eWorld) -> anyhow::Result<()> {
    let org = w.okta_org().to_owned();
    let admin = w.okta_admin().clone();
    console::open_dashboard(w.browser(), &org).await?;
    okta_signin::sign_in(w.browser(), &admin.login, &admin.password).await?;
    console::wait_for_console(w.browser(), &org).await
}

/// In the Admin Console: the Applications menu, then the named button.
#[when(expr = "I go to Applications and click {string}")]
async fn applications_create(w: &mut E2eWorld, button: String) -> anyhow::Result<()> {
    pages::click_text(w.browser(), "Applications").await?;
    pages::click_text(w.browser(), &button).await
}

/// In the app integration wizard: picks the sign-in method by its label.
#[when(expr = "I select {string} as the sign-in method")]
async fn sign_in_method(w: &mut E2eWorld, method: String) -> anyhow::Result<()> {
    console::set_checked(w.browser(), &method, true).await
}

/// In the app integration wizard: picks the application type by its label, then clicks the named
/// button.
#[when(expr = "I select {string} as the application type and click {string}")]
async fn app_type(w: &mut E2eWorld, kind: String, next: String) -> anyhow::Result<()> {
    console::set_checked(w.browser(), &kind, true).await?;
    pages::click_text(w.browser(), &next).await
}

/// Types the App integration name with the scenario's id after it (`Kong Konnect e2e-…-3`), so
/// it is unique in a shared org; later steps find the dashboard tile by it.
#[when(expr = "I give the app integration the unique name {string}")]
async fn app_name(w: &mut E2eWorld, name: String) -> anyhow::Result<()> {
    let name = w.unique(&name);
    w.app_label = Some(name.clone());
    console::fill_labeled(w.browser(), "App integration name", &name).await
}

/// Checks the grant type is ticked and unticks Refresh Token and Implicit (hybrid).
#[when(expr = "I keep {string} as the only grant type")]
async fn only_grant(w: &mut E2eWorld, grant: String) -> anyhow::Result<()> {
    anyhow::ensure!(
        console::is_checked(w.browser(), &grant).await?,
        "\"{grant}\" is not ticked"
    );
    for other in ["Refresh Token", "Implicit (hybrid)"] {
        console::set_checked(w.browser(), other, false).await?;
    }
    Ok(())
}

/// Types Konnect's redirect URI (`{konnect}/login`) as sign-in and sign-out redirect URI.
#[when("I enter the Konnect login redirect URI as sign-in and sign-out redirect URI")]
async fn redirect_uris(w: &mut E2eWorld) -> anyhow::Result<()> {
    let uri = w.konnect_redirect_uri();
    console::fill_labeled(w.browser(), "Sign-in redirect URIs", &uri).await?;
    console::fill_labeled(w.browser(), "Sign-out redirect URIs", &uri).await
}

/// Types the text as sign-in redirect URI.
#[when(expr = "I enter {string} as sign-in redirect URI")]
async fn redirect_uri_literal(w: &mut E2eWorld, uri: String) -> anyhow::Result<()> {
    console::fill_labeled(w.browser(), "Sign-in redirect URIs", &uri).await
}

/// Clicks Save in the app integration wizard.
#[when("I save the app integration")]
async fn save_app(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::click_text(w.browser(), "Save").await
}

/// Waits for the new app's General tab and reads its Client ID and Client secret for later steps.
#[then("the app's General tab shows its Client ID and Client secret")]
async fn reads_credentials(w: &mut E2eWorld) -> anyhow::Result<()> {
    let id = console::wait_for_new_app(w.browser(), w.okta_org()).await?;
    let client_id = console::client_id(w.browser()).await?;
    let client_secret = console::client_secret(w.browser()).await?;
    anyhow::ensure!(
        !client_id.is_empty() && client_secret.len() >= 14,
        "Client ID {client_id:?}, secret {client_secret:?}"
    );
    let label = w.app_label.clone().unwrap_or_default();
    w.okta_app = Some(OktaApp {
        id,
        label,
        client_id,
        client_secret,
    });
    Ok(())
}

/// Checks through the Management API that the app is a web app with only the authorization code
/// grant and Konnect's redirect URIs.
#[then("the Okta app integration is an OIDC web application with the Konnect redirect URI")]
async fn app_is_right(w: &mut E2eWorld) -> anyhow::Result<()> {
    let app = w.okta_app()?.clone();
    let v = w.okta_api().app(&app.id).await?;
    let s = &v["settings"]["oauthClient"];
    let uri = w.konnect_redirect_uri();
    anyhow::ensure!(
        v["credentials"]["oauthClient"]["client_id"] == app.client_id.as_str(),
        "client id differs: {v}"
    );
    anyhow::ensure!(s["application_type"] == "web", "{s}");
    anyhow::ensure!(s["grant_types"] == json!(["authorization_code"]), "{s}");
    anyhow::ensure!(
        s["redirect_uris"] == json!([uri]) && s["post_logout_redirect_uris"] == json!([uri]),
        "{s}"
    );
    Ok(())
}

/// Checks the wizard shows an error about '/login' and, through the Management API, that no app
/// with the name typed was made.
#[then("Okta refuses the redirect URI")]
async fn refuses_redirect(w: &mut E2eWorld) -> anyhow::Result<()> {
    let errors = console::form_errors(w.browser()).await?;
    anyhow::ensure!(errors.contains("'/login'"), "the form says: {errors}");
    let label = w
        .app_label
        .clone()
        .context("no app integration name was typed in this scenario")?;
    let made: Vec<_> = w
        .okta_api()
        .apps()
        .await?
        .into_iter()
        .filter(|a| a["label"] == label.as_str())
        .collect();
    anyhow::ensure!(made.is_empty(), "an app was created anyway: {made:?}");
    Ok(())
}

/// Opens the Okta app's General tab and clicks Edit on General Settings.
#[when("I open the Konnect app integration and edit its General Settings")]
async fn edit_general(w: &mut E2eWorld) -> anyhow::Result<()> {
    let org = w.okta_org().to_owned();
    let id = w.okta_app()?.id.clone();
    console::open_app(w.browser(), &org, &id).await?;
    console::edit_section(w.browser(), "General Settings").await
}

/// Ticks a grant type by its label.
#[when(expr = "I tick the {string} grant type")]
async fn tick_grant(w: &mut E2eWorld, grant: String) -> anyhow::Result<()> {
    console::set_checked(w.browser(), &grant, true).await
}

/// Picks an option of a drop-down by the field's label.
#[when(expr = "I set {string} to {string}")]
async fn set_select(w: &mut E2eWorld, field: String, option: String) -> anyhow::Result<()> {
    console::select_labeled(w.browser(), &field, &option).await
}

/// Ticks a checkbox by its label.
#[when(expr = "I tick {string}")]
async fn tick(w: &mut E2eWorld, label: String) -> anyhow::Result<()> {
    console::set_checked(w.browser(), &label, true).await
}

/// Types the login URL as the Initiate login URI.
#[when("I set the Initiate login URI to the Konnect login URL")]
async fn initiate_uri(w: &mut E2eWorld) -> anyhow::Result<()> {
    let url = w.login_url()?.to_owned();
    console::fill_labeled(w.browser(), "Initiate login URI", &url).await
}

/// Clicks Save on the General Settings.
#[when("I save the General Settings")]
async fn save_general(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::click_text(w.browser(), "Save").await
}

/// Checks the form shows an error about the Initiate login URI and, through the Management API,
/// that the change was not saved.
#[then("Okta refuses the General Settings")]
async fn refuses_general(w: &mut E2eWorld) -> anyhow::Result<()> {
    let errors = console::form_errors(w.browser()).await?;
    anyhow::ensure!(
        errors.to_lowercase().contains("initiate login uri"),
        "the form says: {errors}"
    );
    let app = w.okta_api().app(&w.okta_app()?.id).await?;
    let mode = &app["settings"]["oauthClient"]["idp_initiated_login"]["mode"];
    anyhow::ensure!(mode == "DISABLED", "the change was saved: {app}");
    Ok(())
}

/// Signs out of Okta and waits for its sign-in page.
#[when("I sign out of Okta")]
async fn sign_out(w: &mut E2eWorld) -> anyhow::Result<()> {
    okta_signin::sign_out(w.browser(), w.okta_org()).await?;
    okta_signin::is_shown(w.browser()).await
}

/// Opens the Okta end-user dashboard, signs in as the person and waits for the dashboard.
#[when(expr = "I sign in to the Okta dashboard as {person}")]
async fn dashboard_sign_in(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let org = w.okta_org().to_owned();
    okta_dashboard::open(w.browser(), &org).await?;
    let me = w.okta_account(who).clone();
    okta_signin::sign_in(w.browser(), &me.login, &me.password).await?;
    okta_dashboard::wait_for_dashboard(w.browser(), &org).await
}

/// Clicks the Okta app's tile on the Okta dashboard.
#[when("I click the Konnect tile")]
async fn click_tile(w: &mut E2eWorld) -> anyhow::Result<()> {
    let label = w.okta_app()?.label.clone();
    okta_dashboard::click_tile(w.browser(), &label).await
}

/// Checks the browser is on Okta's hosted sign-in page.
#[then("I see the Okta login screen")]
async fn sees_okta_login(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.okta_org()).await?;
    okta_signin::is_shown(w.browser()).await
}

/// Signs in on Okta's sign-in page as the person (username, Next, password, Verify).
#[when(expr = "I log in to Okta as {person}")]
async fn log_in_okta(w: &mut E2eWorld, who: Person) -> anyhow::Result<()> {
    let me = w.okta_account(who).clone();
    okta_signin::sign_in(w.browser(), &me.login, &me.password).await
}

/// On Okta's sign-in page, after the password: waits for "Your password has expired", types a new password twice and clicks Change Password.
#[when("I choose a new password on Okta's page")]
async fn choose_new_password(w: &mut E2eWorld) -> anyhow::Result<()> {
    okta_signin::change_expired_password(w.browser(), "N3w-Member-Passw0rd!").await
}

/// Checks the browser is on Okta's 400 error page about the redirect_uri parameter.
#[then("Okta shows its 400 error page about the redirect URI")]
async fn okta_400(w: &mut E2eWorld) -> anyhow::Result<()> {
    pages::wait_for_url(w.browser(), w.okta_org()).await?;
    pages::wait_for_text(w.browser(), "400 Bad Request").await?;
    pages::wait_for_text(
        w.browser(),
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings",
    )
    .await
}

// ---- Groups and the groups claim ----

/// In the Admin Console, Security > API > Authorization Servers > default > Claims > Add
/// Claim, as Kong's guide adds it: the name, Include in token type ID Token / Always, Value
/// type Groups, Filter "Starts with" the text, Include in Any scope. Needs the console
/// sign-in; the after hook deletes the claim.
#[when(
    expr = "I add a groups claim {string} to the default authorization server for groups starting with {string}"
)]
async fn add_groups_claim(w: &mut E2eWorld, name: String, prefix: String) -> anyhow::Result<()> {
    console::open_claims(w.browser()).await?;
    let claim = console::NewClaim {
        name: &name,
        token_type: "ID Token",
        include: "Always",
        value_type: "Groups",
        filter: "Starts with",
        filter_value: &prefix,
    };
    console::add_claim(w.browser(), &claim).await?;
    w.okta_made.claims.push(name);
    Ok(())
}

/// In the Admin Console, Directory > Groups: opens the group (Add group first when the org has
/// none of that name) and assigns the person with Assign people. Needs the console sign-in;
/// the after hook deletes a group it made, or takes the person out again.
#[when(expr = "I add {person} to the Okta group {string}")]
async fn add_to_group(w: &mut E2eWorld, who: Person, group: String) -> anyhow::Result<()> {
    let login = w.okta_account(who).login.clone();
    console::open_groups(w.browser()).await?;
    if !console::open_group(w.browser(), &group).await? {
        console::add_group(w.browser(), &group).await?;
        w.okta_made.groups.push(group.clone());
    } else if !w.okta_made.groups.contains(&group) {
        w.okta_made.memberships.push((group, login.clone()));
    }
    console::assign_person(w.browser(), &login).await
}

/// In the Admin Console, Directory > Groups: opens the group and clicks Remove beside the
/// person. Needs the console sign-in.
#[when(expr = "I remove {person} from the Okta group {string}")]
async fn remove_from_group(w: &mut E2eWorld, who: Person, group: String) -> anyhow::Result<()> {
    let login = w.okta_account(who).login.clone();
    console::open_groups(w.browser()).await?;
    anyhow::ensure!(
        console::open_group(w.browser(), &group).await?,
        "Okta's Groups list has no group \"{group}\""
    );
    console::remove_person(w.browser(), &login).await
}

/// Through Okta's public sign-in API: the person signs in to the scenario's Okta app (the
/// `default` server's code flow, `openid profile email`) and one of the ID token's claims is
/// a list holding the group's name. Needs the Okta app.
#[then(expr = "Okta's ID token for {person} lists the group {string}")]
async fn id_token_lists(w: &mut E2eWorld, who: Person, group: String) -> anyhow::Result<()> {
    let claims = person_id_token(w, who).await?;
    anyhow::ensure!(
        lists_group(&claims, &group),
        "no claim of Okta's ID token lists \"{group}\": {claims}"
    );
    Ok(())
}

/// As `Okta's ID token for … lists the group …`, but no claim lists the group.
#[then(expr = "Okta's ID token for {person} does not list the group {string}")]
async fn id_token_omits(w: &mut E2eWorld, who: Person, group: String) -> anyhow::Result<()> {
    let claims = person_id_token(w, who).await?;
    anyhow::ensure!(
        !lists_group(&claims, &group),
        "Okta's ID token still lists \"{group}\": {claims}"
    );
    Ok(())
}

async fn person_id_token(w: &E2eWorld, who: Person) -> anyhow::Result<serde_json::Value> {
    let me = w.okta_account(who);
    harness::guide::okta_id_token_claims(
        w.okta_org(),
        w.okta_app()?,
        &w.konnect_redirect_uri(),
        &me.login,
        &me.password,
    )
    .await
}

/// Whether a claim of the token is an array holding the group's name.
fn lists_group(claims: &serde_json::Value, group: &str) -> bool {
    claims.as_object().is_some_and(|m| {
        m.values()
            .filter_map(serde_json::Value::as_array)
            .any(|a| a.iter().any(|v| v == group))
    })
}

/// Reads Okta's System Log with the API token: an event of this type whose actor is the person,
/// with this outcome (`SUCCESS`, `FAILURE`), published since the scenario started.
#[then(expr = "Okta's System Log has a {string} event for {person} with outcome {string}")]
async fn system_log_has(
    w: &mut E2eWorld,
    event_type: String,
    who: Person,
    outcome: String,
) -> anyhow::Result<()> {
    let login = w.okta_account(who).login.clone();
    let elapsed = time::Duration::try_from(w.started.elapsed()).unwrap_or_default();
    // A few seconds' allowance for the org's clock against this machine's.
    let since = time::OffsetDateTime::now_utc() - elapsed - time::Duration::seconds(5);
    let until = time::OffsetDateTime::now_utc() + time::Duration::minutes(5);
    let rfc = |t: time::OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .context("a time that cannot be written")
    };
    let filter = format!(
        "eventType eq \"{event_type}\" and actor.alternateId eq \"{login}\" and outcome.result eq \"{outcome}\""
    );
    let found = w
        .okta_api()
        .log_events(&rfc(since)?, &rfc(until)?, &filter)
        .await?;
    anyhow::ensure!(
        !found.is_empty(),
        "Okta's System Log has no {event_type} event for {login} with outcome {outcome} since the scenario started"
    );
    Ok(())
}
