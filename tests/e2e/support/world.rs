//! The World: one scenario's servers, browser session and what the scenario has learned
//! (the Okta app's credentials, the login URL read from the page).

use std::collections::HashMap;

use anyhow::Context as _;
use fantoccini::Client;
use konnect_stub::{KonnectStub, Tier};
use mock_okta::MockOkta;

use super::{
    browsers::{BrowserKind, Lease},
    servers::Servers,
};

/// The Okta app integration made for Konnect, as an admin would have copied it.
#[derive(Debug, Clone, Default)]
pub struct OktaApp {
    pub id: String,
    pub label: String,
    pub client_id: String,
    pub client_secret: String,
}

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
    /// Values read from pages, by name.
    pub notes: HashMap<String, String>,
}

impl std::fmt::Debug for E2eWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E2eWorld")
            .field("browser", &self.kind)
            .field(
                "okta",
                &self.servers.as_ref().map(|s| s.okta.base_url().to_owned()),
            )
            .field(
                "konnect",
                &self
                    .servers
                    .as_ref()
                    .map(|s| s.konnect.base_url().to_owned()),
            )
            .field("okta_app", &self.okta_app)
            .field("login_url", &self.login_url)
            .finish()
    }
}

impl E2eWorld {
    /// Fresh servers and a fresh browser session for every scenario: nothing leaks.
    async fn new() -> anyhow::Result<Self> {
        let run = super::current()?;
        let servers = Servers::start(Tier::Enterprise).await?;
        let (client, lease) = run.drivers.session().await?;
        Ok(Self {
            kind: run.drivers.kind,
            client: Some(client),
            _lease: Some(lease),
            servers: Some(servers),
            okta_app: None,
            login_url: None,
            notes: HashMap::new(),
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

    pub fn okta(&self) -> &MockOkta {
        &self.servers().okta
    }

    pub fn konnect(&self) -> &KonnectStub {
        &self.servers().konnect
    }

    pub fn okta_url(&self, path: &str) -> String {
        format!("{}{}", self.okta().base_url(), path)
    }

    pub fn konnect_url(&self, path: &str) -> String {
        format!("{}{}", self.konnect().base_url(), path)
    }

    pub fn okta_app(&self) -> anyhow::Result<&OktaApp> {
        self.okta_app
            .as_ref()
            .context("no Okta app integration has been made in this scenario")
    }

    pub fn login_url(&self) -> anyhow::Result<&str> {
        self.login_url
            .as_deref()
            .context("the login URL has not been read from Konnect yet")
    }

    pub async fn restart_konnect(&mut self, tier: Tier) -> anyhow::Result<()> {
        self.servers
            .as_mut()
            .context("no servers")?
            .restart_konnect(tier)
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
