//! A scenario's own stack (`harness::Stack`: mock-okta and konnect-stub in-process on port 0,
//! as two different sites, 127.0.0.1 and localhost), with each server's log captured for
//! failure artifacts. E2E_OKTA_HOST / E2E_KONNECT_HOST name the hosts remote browsers reach
//! the servers by; the servers then listen on all interfaces.

use harness::{Stack, StackConfig};

use super::logs::LogBuffer;

pub struct Servers {
    pub stack: Stack,
    pub okta_log: LogBuffer,
    pub konnect_log: LogBuffer,
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
        if let Some((host, listen)) = site("E2E_OKTA_HOST") {
            config.okta_host = host;
            config.okta.listen = listen;
        }
        if let Some((host, listen)) = site("E2E_KONNECT_HOST") {
            config.konnect_host = host;
            config.konnect.listen = listen;
        }
        Ok(Self {
            stack: Stack::start(config).await?,
            okta_log,
            konnect_log,
        })
    }

    pub async fn stop(self) {
        self.stack.shutdown().await;
    }
}
