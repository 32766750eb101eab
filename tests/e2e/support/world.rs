//! The World: one scenario's Okta org and Konnect organization (reached by their URLs, their
//! public APIs and the browser, never by their internals), the browser session, what the
//! scenario has learned (the Okta app's credentials, the login URL read from the page) and what
//! it has made, which the after hook deletes.

use anyhow::Context as _;
use fantoccini::Client;
pub use harness::guide::OktaApp;
use harness::{
    control::{KonnectControl, OktaControl},
    guide::{KonnectAdmin, KonnectSso, OktaAdmin},
};
use konnect_stub::Tier;

use super::{
    browsers::{BrowserKind, Lease},
    costs::Cost,
    servers::Servers,
    target::{Account, Orgs, Target},
};
use crate::{pages, steps::Person};

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct E2eWorld {
    pub kind: BrowserKind,
    client: Option<Client>,
    lease: Option<Lease>,
    /// The org and organization this scenario works with.
    orgs: Orgs,
    /// Local mode: the scenario's own servers.
    servers: Option<Servers>,
    /// `<run id>-<n>`: part of every name this scenario gives in an org.
    pub id: String,
    /// Konnect's single sign-on as it was when the scenario started, put back afterwards.
    konnect_before: Option<KonnectSso>,
    /// The Okta app integration for Konnect, once made.
    pub okta_app: Option<OktaApp>,
    /// The organization's login URL as read from Konnect's page.
    pub login_url: Option<String>,
    /// The issuer of the authorization server an Okta admin created in this scenario.
    pub okta_created_issuer: Option<String>,
    /// The name typed for the app integration in Okta's wizard, before Okta made the app.
    pub app_label: Option<String>,
    /// Okta made slower than Konnect waits: since when, and by how much.
    pub slow_okta: Option<SlowOkta>,
    /// How many times Konnect had fetched Okta's signing keys when Okta rotated them.
    pub keys_fetched_before_rotation: Option<usize>,
    /// Claims, groups and memberships the scenario made in Okta's console, undone afterwards.
    pub okta_made: OktaMade,
    /// The steps run so far, for the run report (see `support::recording`), and the
    /// screenshots still being encoded, by step index.
    pub steps: Vec<harness::report::Step>,
    pub pending_shots: Vec<(usize, PendingShot)>,
    /// Whether the step running now has used the browser (then it gets a screenshot).
    pub browser_used: std::cell::Cell<bool>,
    /// When the scenario started (its world was made).
    pub started: std::time::Instant,
    /// What the scenario has cost so far, by part (see `support::costs`).
    pub cost: std::cell::Cell<Cost>,
}

/// What a scenario made in Okta beyond its app, by name, for the after hook to undo.
#[derive(Debug, Default)]
pub struct OktaMade {
    /// Names of claims added to the `default` authorization server.
    pub claims: Vec<String>,
    /// Names of groups created.
    pub groups: Vec<String>,
    /// (group name, login) added to groups the scenario did not create.
    pub memberships: Vec<(String, String)>,
}

/// A screenshot being scaled and encoded.
pub type PendingShot = tokio::task::JoinHandle<Result<harness::report::shots::Shot, String>>;

/// Both servers' journals at the end of a scenario, and how far their clocks were moved.
pub struct Journals {
    pub okta: Vec<serde_json::Value>,
    pub konnect: Vec<serde_json::Value>,
    pub okta_offset_s: i64,
    pub konnect_offset_s: i64,
}

/// A delay put on an Okta endpoint, longer than Konnect waits for it.
#[derive(Debug, Clone, Copy)]
pub struct SlowOkta {
    /// Konnect's journal's name for its calls to the slowed endpoint (`token`, `userinfo`,
    /// `jwks`, `discovery`), or `None` for one Konnect never calls.
    pub konnect_call: Option<&'static str>,
    pub delay: std::time::Duration,
    /// How long Konnect waits for each request to the identity provider.
    pub konnect_waits: std::time::Duration,
}

impl std::fmt::Debug for E2eWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E2eWorld")
            .field("browser", &self.kind)
            .field("id", &self.id)
            .field("okta", &self.orgs.okta.url)
            .field("konnect", &self.orgs.konnect.url)
            .field("okta_app", &self.okta_app)
            .field("login_url", &self.login_url)
            .field("app_label", &self.app_label)
            .field("slow_okta", &self.slow_okta)
            .finish()
    }
}

impl E2eWorld {
    /// A browser session as new (a kept one is cleared first, see `support::browsers`) and, in
    /// local mode, fresh servers: nothing leaks. Konnect's single sign-on is read first, to be put back by the after hook.
    async fn new() -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let mut cost = Cost::default();
        let run = super::current()?;
        let (servers, orgs) = match &run.target {
            Target::Local => {
                let servers = Servers::start().await?;
                cost.servers_ms = started.elapsed().as_millis() as u64;
                let orgs = servers.orgs()?;
                (Some(servers), orgs)
            }
            Target::External(orgs) => (None, orgs.clone()),
        };
        let konnect_before = Some(orgs.konnect.api().sso().await?);
        let session_started = std::time::Instant::now();
        let (client, lease) = run.drivers.session().await?;
        cost.session_ms = session_started.elapsed().as_millis() as u64;
        Ok(Self {
            kind: run.drivers.kind,
            client: Some(client),
            lease: Some(lease),
            orgs,
            servers,
            id: super::scenario_id(),
            konnect_before,
            okta_app: None,
            login_url: None,
            okta_created_issuer: None,
            app_label: None,
            slow_okta: None,
            keys_fetched_before_rotation: None,
            okta_made: OktaMade::default(),
            steps: Vec::new(),
            pending_shots: Vec::new(),
            browser_used: std::cell::Cell::new(false),
            started,
            cost: std::cell::Cell::new(cost),
        })
    }

    pub fn browser(&self) -> &Client {
        self.browser_used.set(true);
        self.client
            .as_ref()
            .unwrap_or_else(|| unreachable!("the session lives until the after hook"))
    }

    /// The Okta org's URL (`https://{yourOktaDomain}` in the guide).
    pub fn okta_org(&self) -> &str {
        &self.orgs.okta.url
    }

    /// The Okta org's default authorization server, the issuer Konnect is given.
    pub fn okta_issuer(&self) -> String {
        self.orgs.okta.issuer()
    }

    /// The Konnect organization's URL.
    pub fn konnect_base(&self) -> &str {
        &self.orgs.konnect.url
    }

    /// The redirect URI Konnect asks Okta to register (`{konnect}/login`).
    pub fn konnect_redirect_uri(&self) -> String {
        pages::konnect::redirect_uri(self.konnect_base())
    }

    /// Okta's Management API, with the org's API token.
    pub fn okta_api(&self) -> OktaAdmin {
        self.orgs.okta.api()
    }

    /// Konnect's v2 API, with the Organization Admin's PAT.
    pub fn konnect_api(&self) -> KonnectAdmin {
        self.orgs.konnect.api()
    }

    /// The Okta admin who signs in to the Admin Console.
    pub fn okta_admin(&self) -> &Account {
        &self.orgs.okta.admin
    }

    /// The person's Okta sign-in.
    pub fn okta_account(&self, who: Person) -> &Account {
        match who {
            Person::OrgAdmin => &self.orgs.okta.admin,
            Person::Member => &self.orgs.okta.member,
        }
    }

    /// The person's Konnect email and password.
    pub fn konnect_account(&self, who: Person) -> &Account {
        match who {
            Person::OrgAdmin => &self.orgs.konnect.admin,
            Person::Member => &self.orgs.konnect.member,
        }
    }

    /// A name for something this scenario makes in an org: `<what> <run id>-<n>`.
    pub fn unique(&self, what: &str) -> String {
        format!("{what} {}", self.id)
    }

    pub fn okta_app(&self) -> anyhow::Result<&OktaApp> {
        self.okta_app.as_ref().context(
            "no Okta app integration has been made in this scenario: an earlier step must \
                 make one (`Given an Okta web application for Konnect …`, `Given Okta is set up \
                 …`, or the wizard and `Then the app's General tab shows its Client ID …`)",
        )
    }

    pub fn login_url(&self) -> anyhow::Result<&str> {
        self.login_url.as_deref().context(
            "the login URL has not been read from Konnect yet: an earlier step must give it \
                 (`Then I copy the login URL` or `Given Okta is set up …`)",
        )
    }

    /// The servers of local mode, for what only the mocks can do.
    fn mocks(&self, what: &str) -> anyhow::Result<&Servers> {
        self.servers.as_ref().with_context(|| {
            format!("{what} needs the local mocks (E2E_TARGET=local); tag the scenario @mock-only")
        })
    }

    /// mock-okta's test control (`/__mock`), with the org's API token.
    pub fn okta_control(&self) -> anyhow::Result<OktaControl> {
        self.mocks("making Okta misbehave, moving its clock or reading its journal")?;
        Ok(OktaControl::new(
            &self.orgs.okta.url,
            &self.orgs.okta.api_token,
        ))
    }

    /// konnect-stub's test control (`/__mock`), with the Organization Admin's PAT.
    pub fn konnect_control(&self) -> anyhow::Result<KonnectControl> {
        self.mocks("moving Konnect's clock")?;
        Ok(KonnectControl::new(
            &self.orgs.konnect.url,
            &self.orgs.konnect.pat,
        ))
    }

    /// How long Konnect waits for each request to the identity provider, from its config.
    pub fn konnect_provider_timeout(&self) -> anyhow::Result<std::time::Duration> {
        Ok(self
            .mocks("knowing Konnect's provider timeout")?
            .konnect_config()
            .idp_timeout())
    }

    /// Replaces the Konnect organization with a fresh one on another plan: only the mocks can,
    /// so the scenarios that do are tagged @mock-only.
    pub async fn restart_konnect(&mut self, tier: Tier) -> anyhow::Result<()> {
        let servers = self.servers.as_mut().context(
            "a fresh Konnect organization on another plan needs the local mocks \
             (E2E_TARGET=local); tag the scenario @mock-only",
        )?;
        servers.restart_konnect(tier).await?;
        self.orgs = servers.orgs()?;
        self.konnect_before = Some(self.orgs.konnect.api().sso().await?);
        Ok(())
    }

    /// Takes the browser's viewport now; the report's thumbnail and full-size JPEG are made
    /// from it in the background, so the next step need not wait. `None` (and a line on
    /// stderr) when the browser could not take it.
    pub async fn screenshot(&self) -> Option<PendingShot> {
        let client = self.client.as_ref()?;
        let run = match super::current() {
            Ok(run) => run,
            Err(e) => {
                eprintln!("e2e: no screenshot for the report: {e:#}");
                return None;
            }
        };
        let started = std::time::Instant::now();
        let png = match run.drivers.screenshot(client).await {
            Ok(png) => png,
            Err(e) => {
                eprintln!("e2e: no screenshot for the report: {e}");
                return None;
            }
        };
        let taken_ms = started.elapsed().as_millis() as u64;
        self.add_cost(|c| c.shots_ms += taken_ms);
        Some(tokio::task::spawn_blocking(move || {
            harness::report::shots::shot(&png, taken_ms)
        }))
    }

    /// Adds to what the scenario has cost.
    pub fn add_cost(&self, add: impl FnOnce(&mut Cost)) {
        let mut cost = self.cost.get();
        add(&mut cost);
        self.cost.set(cost);
    }

    /// Both servers' whole journals and clock offsets (local mode only).
    pub fn journals(&self) -> Option<Journals> {
        let stack = &self.servers.as_ref()?.stack;
        let okta = stack
            .okta_journal(&Default::default())
            .ok()
            .and_then(|j| serde_json::to_value(j).ok())
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let konnect = stack
            .konnect_journal(&Default::default())
            .ok()
            .and_then(|j| serde_json::to_value(j).ok())
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        Some(Journals {
            okta,
            konnect,
            okta_offset_s: stack.okta.now().offset_seconds,
            konnect_offset_s: stack.konnect.now().offset_seconds,
        })
    }

    /// The server logs, for failure artifacts (local mode only).
    pub fn logs(&self) -> Option<(String, String)> {
        self.servers
            .as_ref()
            .map(|s| (s.okta_log.contents(), s.konnect_log.contents()))
    }

    /// Deletes what the scenario made in the orgs: every Okta app whose label carries its id
    /// (the wizard's included, read back by label), and Konnect's single sign-on put back as
    /// it was. Errors are returned so the run can say what it left behind.
    pub async fn clean_up(&mut self) -> anyhow::Result<()> {
        let mut problems = Vec::new();
        // Faults first: a scenario where Okta is down would otherwise keep the rest of the
        // clean-up from reaching it.
        if self.servers.is_some()
            && let Err(e) = self.okta_control()?.clear_faults().await
        {
            problems.push(format!("Okta's faults: {e:#}"));
        }
        let okta = self.okta_api();
        if let Err(e) = undo_okta_made(&okta, &self.okta_made).await {
            problems.push(format!("Okta's claims and groups: {e:#}"));
        }
        match okta.apps().await {
            Ok(apps) => {
                for app in apps {
                    let label = app["label"].as_str().unwrap_or_default();
                    if !label.ends_with(&format!(" {}", self.id)) {
                        continue;
                    }
                    if let Some(id) = app["id"].as_str()
                        && let Err(e) = okta.delete_app(id).await
                    {
                        problems.push(format!("Okta app {label:?} ({id}): {e:#}"));
                    }
                }
            }
            Err(e) => problems.push(format!("listing Okta's apps: {e:#}")),
        }
        if let Some(before) = self.konnect_before.take()
            && let Err(e) = self.konnect_api().restore_sso(&before).await
        {
            problems.push(format!("Konnect's single sign-on: {e:#}"));
        }
        anyhow::ensure!(
            problems.is_empty(),
            "scenario {} left behind: {}",
            self.id,
            problems.join("; ")
        );
        Ok(())
    }

    /// Gives the browser session back to the pool (cleared for the next scenario, see
    /// `support::browsers`) and, in local mode, stops the servers.
    pub async fn teardown(&mut self) {
        if let (Some(client), Some(lease)) = (self.client.take(), self.lease.take()) {
            match super::current() {
                Ok(run) => {
                    let origins = [self.orgs.okta.url.as_str(), self.orgs.konnect.url.as_str()];
                    run.drivers.give_back(client, lease, &origins).await;
                }
                Err(_) => {
                    let _ = client.close().await;
                }
            }
        }
        if let Some(s) = self.servers.take() {
            s.stop().await;
        }
    }
}

/// Deletes the claims and groups a scenario made and takes people out of groups it did not
/// make, through Okta's Management API.
async fn undo_okta_made(okta: &OktaAdmin, made: &OktaMade) -> anyhow::Result<()> {
    if !made.claims.is_empty() {
        for claim in okta.claims().await? {
            let name = claim["name"].as_str().unwrap_or_default();
            if made.claims.iter().any(|n| n == name)
                && let Some(id) = claim["id"].as_str()
            {
                okta.delete_claim(id).await?;
            }
        }
    }
    for (group, login) in &made.memberships {
        if let Some(id) = okta.group_id(group).await? {
            okta.remove_from_group(&id, login).await?;
        }
    }
    for group in &made.groups {
        if let Some(id) = okta.group_id(group).await? {
            okta.delete_group(&id).await?;
        }
    }
    Ok(())
}
