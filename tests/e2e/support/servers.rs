//! A scenario's own mock-okta and konnect-stub, started in-process on port 0 as two
//! different sites (127.0.0.1 and localhost by default; E2E_OKTA_HOST / E2E_KONNECT_HOST
//! for browsers on other machines, in which case the servers listen on all interfaces).

use konnect_stub::{KonnectStub, Tier};
use mock_okta::MockOkta;
use tracing::instrument::WithSubscriber as _;

use super::logs::LogBuffer;

pub struct Site {
    pub listen: String,
    pub host: Option<String>,
}

fn site(env: &str, default_listen: &str) -> Site {
    match std::env::var(env).ok().filter(|h| !h.is_empty()) {
        Some(host) => Site {
            listen: "0.0.0.0:0".to_owned(),
            host: Some(host),
        },
        None => Site {
            listen: default_listen.to_owned(),
            host: None,
        },
    }
}

fn public_url(site: &Site, addr: std::net::SocketAddr, fallback: &str) -> String {
    format!(
        "http://{}:{}",
        site.host.as_deref().unwrap_or(fallback),
        addr.port()
    )
}

pub struct Servers {
    pub okta: MockOkta,
    pub konnect: KonnectStub,
    pub okta_log: LogBuffer,
    pub konnect_log: LogBuffer,
}

/// Binds the site's listener first: its port goes into the public URL, and the server is
/// handed the very listener, so no other process can take the port in between.
async fn bind(site: &Site) -> anyhow::Result<(tokio::net::TcpListener, std::net::SocketAddr)> {
    let listener = server_kit::bind(&site.listen).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

impl Servers {
    pub async fn start(tier: Tier) -> anyhow::Result<Self> {
        let okta_log = LogBuffer::default();
        let konnect_log = LogBuffer::default();
        let okta = start_okta(&okta_log).await?;
        let konnect = start_konnect(&konnect_log, tier).await?;
        Ok(Self {
            okta,
            konnect,
            okta_log,
            konnect_log,
        })
    }

    /// Replaces konnect-stub with a fresh one on another plan.
    pub async fn restart_konnect(&mut self, tier: Tier) -> anyhow::Result<()> {
        let fresh = start_konnect(&self.konnect_log, tier).await?;
        let old = std::mem::replace(&mut self.konnect, fresh);
        old.shutdown().await;
        Ok(())
    }

    pub async fn stop(self) {
        self.okta.shutdown().await;
        self.konnect.shutdown().await;
    }
}

async fn start_okta(log: &LogBuffer) -> anyhow::Result<MockOkta> {
    let s = site("E2E_OKTA_HOST", "127.0.0.1:0");
    let mut config = mock_okta::Config::for_tests();
    config.signing_key = Some(super::signing_key_file()?);
    let (listener, addr) = bind(&s).await?;
    config.public_url = Some(public_url(&s, addr, "127.0.0.1"));
    MockOkta::serve(listener, config)
        .with_subscriber(log.dispatch())
        .await
}

async fn start_konnect(log: &LogBuffer, tier: Tier) -> anyhow::Result<KonnectStub> {
    // Konnect is another site than Okta: `localhost` where Okta is `127.0.0.1`.
    let s = site("E2E_KONNECT_HOST", "127.0.0.1:0");
    let mut config = konnect_stub::Config::for_tests();
    config.tier = tier;
    let (listener, addr) = bind(&s).await?;
    config.public_url = Some(public_url(&s, addr, "localhost"));
    KonnectStub::serve(listener, config)
        .with_subscriber(log.dispatch())
        .await
}
