//! konnect-stub: a Kong Konnect Cloud organization for tests. Built-in login, Settings >
//! Identity Management > Okta, the organization's SSO login URL, SSO as a real OpenID Connect
//! relying party (it works with any standards-compliant provider), and the v2 identity API.
//!
//! The SSO login, hop by hop:
//!
//! | Hop | File |
//! |---|---|
//! | Konnect login URL `/login/{path}` -> the provider | `login/sso.rs` (`sso_start`), `oidc_client/mod.rs` (`RelyingParty::begin`) |
//! | callback `/login?code&state` | `login/sso.rs` (`sso_callback`), `oidc_client/mod.rs` (`RelyingParty::complete`), `oidc_client/pending.rs` (the attempt bound to the browser) |
//! | token exchange | `oidc_client/token.rs` |
//! | ID-token check | `oidc_client/id_token.rs` |
//! | who signed in (claims, userinfo) | `oidc_client/claims.rs` |
//! | link or provision the user | `org/sso_users.rs` (`Directory::provision_sso_user`) |
//! | Konnect session | `org/sessions.rs` (server side), `auth.rs` (cookie and extractors) |
//!
//! `app.rs` merges the surfaces' routers over the [`AppState`] of `state.rs`; `error.rs` has
//! the two error formats (problem+json for the API, an HTML page for the browser).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let stub = konnect_stub::KonnectStub::start(konnect_stub::Config::for_tests()).await?;
//! println!("Konnect at {}", stub.base_url());
//! stub.shutdown().await;
//! # Ok(()) }
//! ```

mod app;
mod auth;
pub mod config;
mod crypto;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod identity;
mod login;
pub mod oidc_client;
pub mod org;
mod pages;
pub mod paths;
mod state;

use std::{net::SocketAddr, time::SystemTime};

pub use app::router;
pub use config::Config;
pub use org::{OidcClient, Tier};
pub use state::AppState;

/// A running konnect-stub.
pub struct KonnectStub {
    running: server_kit::Running,
    base_url: String,
    state: AppState,
}

impl KonnectStub {
    /// Builds the state from `config`, binds (port 0 allowed), derives the public URL from the
    /// bound address unless one is configured, and serves in the background.
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        // A bad configuration is reported before the port is taken.
        let prepared = Prepared::new(&config)?;
        let listener = server_kit::bind(&config.listen).await?;
        prepared.launch(listener)
    }

    /// Like [`KonnectStub::start`], on a listener the caller bound (so the caller can derive
    /// the public URL from the port first, e.g. `http://localhost:<port>`). `config.listen`
    /// is ignored.
    pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> anyhow::Result<Self> {
        Prepared::new(&config)?.launch(listener)
    }

    /// The public base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.running.local_addr()
    }

    /// The redirect URI to register at the identity provider: `{base URL}/login`.
    pub fn redirect_uri(&self) -> String {
        paths::redirect_uri(&self.base_url)
    }

    /// The organizations, users and sessions (for set-up code and tests).
    pub fn directory(&self) -> &org::Directory {
        &self.state.directory
    }

    /// Configures and enables SSO for the first organization (the one the command line
    /// describes) without the discovery check, and returns its login URL. For tests and
    /// launchers whose provider may not answer yet; the settings page and the v2 API do the
    /// same with the check.
    pub fn enable_sso(
        &self,
        client: OidcClient,
        login_path: Option<&str>,
    ) -> anyhow::Result<String> {
        let org = self
            .directory()
            .organizations()
            .into_iter()
            .next()
            .ok_or_else(|| anyhow::anyhow!("no organization"))?;
        let idp = self
            .directory()
            .enable_sso(&org.id, client, login_path, SystemTime::now())
            .map_err(|e| anyhow::anyhow!("cannot enable SSO for {}: {e:?}", org.name))?;
        Ok(self.state.urls.org_login_url(idp.login_path.as_str()))
    }

    /// Stops accepting connections, drains open ones and waits for the server.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }

    /// Serves until the server stops.
    pub async fn wait(self) {
        self.running.wait().await;
    }
}

/// Everything `start` builds before it needs the listener.
struct Prepared {
    directory: org::Directory,
    rp: oidc_client::RelyingParty,
    public_url: Option<String>,
}

impl Prepared {
    fn new(config: &Config) -> anyhow::Result<Self> {
        let seed = config.initial_seed()?;
        let public_url = config
            .public_url
            .as_deref()
            .map(server_kit::parse_public_url)
            .transpose()?;
        let directory = org::Directory::new(seed, SystemTime::now())
            .map_err(|e| anyhow::anyhow!("seed: {e}"))?;
        let rp = oidc_client::RelyingParty::new(config.idp_timeout())?;
        Ok(Self {
            directory,
            rp,
            public_url,
        })
    }

    fn launch(self, listener: tokio::net::TcpListener) -> anyhow::Result<KonnectStub> {
        let addr = listener.local_addr()?;
        let base_url = self
            .public_url
            .unwrap_or_else(|| server_kit::default_public_url(addr, "localhost"));
        let state = AppState::new(self.directory, self.rp, base_url.clone());
        let router = router(state.clone());
        let running = server_kit::Running::spawn(listener, router)?;
        tracing::info!(%addr, %base_url, "konnect-stub listening");
        Ok(KonnectStub {
            running,
            base_url,
            state,
        })
    }
}
