//! The World: one scenario's Okta org and Konnect organization (reached by their URLs, their
//! public APIs and the browser, never by their internals), the browser session and what the
//! scenario has learned (the Okta app's credentials, the login URL read from the page).

use anyhow::Context as _;
use fantoccini::Client;
pub use harness::guide::OktaApp;
use harness::guide::{KonnectAdmin, OktaAdmin};
use konnect_stub::Tier;

use super::{
    browsers::{BrowserKind, Lease},
    servers::Servers,
};

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct E2eWorld {
    pub kind: BrowserKind,
    client: Option<Client>,
    _lease: Option<Lease>,
    servers: Option<Servers>,
    /// The Okta app integration for Konnect, once made.
    pub okta_app: Option<OktaApp>,
    /// The organization's login URL as read from Konnect's page.
    pub login_url: Option<String>,
    /// The name typed for the app integration in Okta's wizard, before Okta made the app.
    pub app_label: Option<String>,
}

impl std::fmt::Debug for E2eWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E2eWorld")
            .field("browser", &self.kind)
            .field(
                "okta",
                &self.servers.as_ref().map(|s| s.stack.okta_url().to_owned()),
            )
            .field(
                "konnect",
                &self
                    .servers
                    .as_ref()
                    .map(|s| s.stack.konnect_url().to_owned()),
            )
            .field("okta_app", &self.okta_app)
            .field("login_url", &self.login_url)
            .field("app_label", &self.app_label)
            .finish()
    }
}

impl E2eWorld {
    /// Fresh servers and a fresh browser session for every scenario: nothing leaks.
    async fn new() -> anyhow::Result<Self> {
        let run = super::current()?;
        let servers = Servers::start().await?;
        let (client, lease) = run.drivers.session().await?;
        Ok(Self {
            kind: run.drivers.kind,
            client: Some(client),
            _lease: Some(lease),
            servers: Some(servers),
            okta_app: None,
            login_url: None,
            app_label: None,
        })
    }

    pub fn browser(&self) -> &Client {
        self.client
            .as_ref()
            .unwrap_or_else(|| unreachable!("the session lives until the after hook"))
    }

    fn servers(&self) -> &Servers {
        self.servers
            .as_ref()
            .unwrap_or_else(|| unreachable!("servers live until the after hook"))
    }

    /// The Okta org's URL (`https://{yourOktaDomain}` in the guide).
    pub fn okta_org(&self) -> &str {
        self.servers().stack.okta_url()
    }

    /// The Okta org's default authorization server, the issuer Konnect is given.
    pub fn okta_issuer(&self) -> String {
        self.servers().stack.okta.issuer()
    }

    /// The Konnect organization's URL.
    pub fn konnect_base(&self) -> &str {
        self.servers().stack.konnect_url()
    }

    /// The redirect URI Konnect asks Okta to register (`{konnect}/login`).
    pub fn konnect_redirect_uri(&self) -> String {
        self.servers().stack.konnect.redirect_uri()
    }

    /// Okta's Management API, with the org's API token.
    pub fn okta_api(&self) -> OktaAdmin {
        self.servers().stack.okta_admin()
    }

    /// Konnect's v2 API, with the Organization Admin's PAT.
    pub fn konnect_api(&self) -> KonnectAdmin {
        self.servers().stack.konnect_admin()
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

    /// Replaces the Konnect organization with a fresh one on another plan.
    pub async fn restart_konnect(&mut self, tier: Tier) -> anyhow::Result<()> {
        let mut config = konnect_stub::Config::for_tests();
        config.tier = tier;
        self.servers
            .as_mut()
            .context("no servers")?
            .stack
            .replace_konnect(config)
            .await
    }

    /// The server logs, for failure artifacts.
    pub fn logs(&self) -> (String, String) {
        self.servers
            .as_ref()
            .map(|s| (s.okta_log.contents(), s.konnect_log.contents()))
            .unwrap_or_default()
    }

    /// Ends the browser session and stops the servers.
    pub async fn teardown(&mut self) {
        if let Some(c) = self.client.take() {
            let _ = c.close().await;
        }
        self._lease = None;
        if let Some(s) = self.servers.take() {
            s.stop().await;
        }
    }
}
