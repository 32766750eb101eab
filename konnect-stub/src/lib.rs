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
pub mod control;
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
            .enable_sso(&org.id, client, login_path, self.state.clock().now_system())
            .map_err(|e| anyhow::anyhow!("cannot enable SSO for {}: {e:?}", org.name))?;
        Ok(self.state.urls.org_login_url(idp.login_path.as_str()))
    }

    // ---- Test control: the same operations as `/__mock` ----

    /// The faults in place: `stub.faults().add(FaultSpec::status(Endpoint::Callback, 503))`.
    pub fn faults(&self) -> &server_kit::control::Faults<control::Endpoint> {
        &self.state.control.live.faults
    }

    /// Moves the server's clock by `seconds` (`POST /__mock/clock`): sessions, sign-ins in
    /// flight and provider caches follow it.
    pub fn advance_clock(&self, seconds: i64) -> server_kit::control::ClockView {
        self.state.control.live.advance_clock(seconds)
    }

    /// The server's now (`GET /__mock/clock`).
    pub fn now(&self) -> server_kit::control::ClockView {
        self.state.control.live.now()
    }

    /// What the server saw and the calls it made, oldest first, secrets masked
    /// (`GET /__mock/journal`).
    pub fn journal(
        &self,
        filter: &server_kit::control::JournalFilter,
    ) -> Result<Vec<server_kit::control::Entry<control::Endpoint>>, server_kit::control::Invalid>
    {
        self.state.control.live.journal.list(filter)
    }

    /// Empties the journal (`DELETE /__mock/journal`).
    pub fn clear_journal(&self) {
        self.state.control.live.journal.clear();
    }

    /// Back to the seed: organizations, users, identity settings, sessions, faults, clock,
    /// journal (`POST /__mock/reset`).
    pub fn reset(&self) {
        control::reset(&self.state);
    }

    /// Makes the directory as it is now what a reset returns to, for a harness that
    /// configures the organization after start.
    pub fn keep_as_seed(&self) {
        control::keep_as_seed(&self.state);
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
    live: server_kit::control::Control<control::Endpoint>,
    public_url: Option<String>,
    cert: Option<server_kit::tls::ServerCert>,
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
        let live = server_kit::control::Control::new(server_kit::control::Clock::default());
        let rp = oidc_client::RelyingParty::new(
            config.idp_timeout(),
            config.ca_file.as_deref(),
            live.clone(),
        )?;
        let cert = server_kit::tls::ServerCert::from_flags(
            config.tls_cert.as_deref(),
            config.tls_key.as_deref(),
            config.tls,
            &config::TLS_VARS,
        )?;
        Ok(Self {
            directory,
            rp,
            live,
            public_url,
            cert,
        })
    }

    fn launch(self, listener: tokio::net::TcpListener) -> anyhow::Result<KonnectStub> {
        let addr = listener.local_addr()?;
        let base_url = self.public_url.unwrap_or_else(|| {
            server_kit::default_public_url(addr, "localhost", self.cert.is_some())
        });
        let tls = self
            .cert
            .as_ref()
            .map(|c| c.for_url(&base_url))
            .transpose()?;
        let state = AppState::new(self.directory, self.rp, base_url.clone(), self.live);
        let router = router(state.clone());
        let running = server_kit::Running::spawn_with(listener, router, None, tls)?;
        tracing::info!(%addr, %base_url, "konnect-stub listening");
        Ok(KonnectStub {
            running,
            base_url,
            state,
        })
    }
}
