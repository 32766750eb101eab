//! A scenario's own stack in local mode (`harness::Stack`: mock-okta and konnect-stub
//! in-process on port 0, as two different sites, 127.0.0.1 and localhost), with each server's
//! log captured for failure artifacts, and the [`Orgs`] that describe it: the URLs, tokens and
//! people the servers were really configured with, so steps treat them as any external org.
//! E2E_OKTA_HOST / E2E_KONNECT_HOST name the hosts remote browsers reach the servers by; the
//! servers then listen on all interfaces.

use harness::{Stack, StackConfig};

use super::{
    logs::LogBuffer,
    target::{Account, KonnectOrg, OktaOrg, Orgs},
};

pub struct Servers {
    pub stack: Stack,
    pub okta_log: LogBuffer,
    pub konnect_log: LogBuffer,
    /// konnect-stub's configuration, to start a fresh organization like it on another plan.
    konnect_config: konnect_stub::Config,
}

/// The host browsers use from E2E_*_HOST, and then the address to listen on.
fn site(env: &str) -> Option<(String, String)> {
    let host = std::env::var(env).ok().filter(|h| !h.is_empty())?;
    Some((host, "0.0.0.0:0".to_owned()))
}

impl Servers {
    pub async fn start() -> anyhow::Result<Self> {
        let okta_log = LogBuffer::default();
        let konnect_log = LogBuffer::default();
        let mut config = StackConfig::for_tests();
        config.okta.signing_key = Some(super::signing_key_file()?);
        config.okta_tracing = Some(okta_log.dispatch());
        config.konnect_tracing = Some(konnect_log.dispatch());
        // A token of its own: the stub accepts any kpat_ without one, which no real
        // organization does.
        config.konnect.admin_token = Some(format!("kpat_e2e_{}", super::run_id()));
        if super::trust::enabled() {
            // Both on https, from the local CA the browsers trust (see `trust`).
            config.okta.tls = true;
            config.konnect.tls = true;
        }
        if let Some((host, listen)) = site("E2E_OKTA_HOST") {
            config.okta_host = host;
            config.okta.listen = listen;
        }
        if let Some((host, listen)) = site("E2E_KONNECT_HOST") {
            config.konnect_host = host;
            config.konnect.listen = listen;
        }
        let konnect_config = config.konnect.clone();
        Ok(Self {
            stack: Stack::start(config).await?,
            okta_log,
            konnect_log,
            konnect_config,
        })
    }

    /// The org and organization these servers are, with the people they were seeded with
    /// (mock-okta's default org; konnect-stub's admin and first member from its config).
    pub fn orgs(&self) -> anyhow::Result<Orgs> {
        let k = &self.konnect_config;
        let member = k
            .members
            .first()
            .ok_or_else(|| anyhow::anyhow!("konnect-stub is configured without a member"))?;
        Ok(Orgs {
            okta: OktaOrg {
                url: self.stack.okta_url().to_owned(),
                api_token: self.stack.okta_api_token().to_owned(),
                admin: Account {
                    login: mock_okta::seed::DEFAULT_ADMIN_LOGIN.to_owned(),
                    password: mock_okta::seed::DEFAULT_ADMIN_PASSWORD.to_owned(),
                },
                member: Account {
                    login: mock_okta::seed::DEFAULT_USER_LOGIN.to_owned(),
                    password: mock_okta::seed::DEFAULT_USER_PASSWORD.to_owned(),
                },
            },
            konnect: KonnectOrg {
                url: self.stack.konnect_url().to_owned(),
                pat: self.stack.konnect_admin_token().to_owned(),
                admin: Account {
                    login: k.admin_email.clone(),
                    password: k.admin_password.clone(),
                },
                member: Account {
                    login: member.email.clone(),
                    password: member.password.clone(),
                },
            },
        })
    }

    /// konnect-stub's configuration (its provider timeout, say).
    pub fn konnect_config(&self) -> &konnect_stub::Config {
        &self.konnect_config
    }

    /// Replaces konnect-stub with a fresh organization like it on another plan (a power only
    /// the mocks have: scenarios that need it are tagged @mock-only).
    pub async fn restart_konnect(&mut self, tier: konnect_stub::Tier) -> anyhow::Result<()> {
        let mut config = self.konnect_config.clone();
        config.tier = tier;
        self.stack.replace_konnect(config).await
    }

    pub async fn stop(self) {
        self.stack.shutdown().await;
    }
}
