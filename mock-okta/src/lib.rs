//! mock-okta: one Okta org in a single process.
//!
//! It serves the OpenID Connect issuer (the `default` custom authorization server and the org
//! authorization server), the hosted sign-in page, the Admin Console, the end-user dashboard
//! with Okta-initiated login, and the Management API (`/api/v1`), with
//! Okta's paths, JSON shapes, claim order, error texts and headers, so real Okta clients
//! cannot tell it from Okta.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let okta = mock_okta::MockOkta::start(mock_okta::Config::for_tests()).await?;
//! println!("issuer: {}", okta.issuer());
//! okta.shutdown().await;
//! # Ok(()) }
//! ```

pub mod api;
pub mod clock;
pub mod config;
pub mod console;
pub mod control;
pub mod dashboard;
pub mod directory;
#[doc(hidden)]
pub mod fuzzing;
pub mod html;
pub mod ids;
pub mod keys;
pub mod ledger;
pub mod oidc;
pub mod params;
pub mod paths;
mod refusals;
pub mod seed;
pub mod signin;
pub mod state;
pub mod web;

use std::sync::Arc;

use anyhow::Context as _;
use axum::{
    Router,
    http::{Method, Uri},
    middleware,
    response::{IntoResponse, Response},
    routing::get,
};

pub use config::Config;
pub use paths::AuthServer;
pub use state::AppState;

use crate::{
    clock::Clock, directory::Directory, keys::KeyRing, ledger::Ledger, paths::OrgUrls,
    state::Options, web::RateLimits,
};

/// Builds the whole app: every surface merged, with Okta's common headers and CORS, and
/// test control: the `/__mock` router, and the one layer that journals every request and
/// lets the endpoint names the route tables carry apply their faults.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(oidc::router(&state))
        .merge(signin::router(&state))
        .merge(control::named_routes(
            control::Endpoint::Api,
            api::router(&state),
        ))
        .merge(console::router(&state))
        .merge(dashboard::router(&state))
        .route("/assets/okta.css", get(web::stylesheet))
        .route(paths::APP_LOGO, get(web::logo))
        .route(paths::GROUP_LOGO_MEDIUM, get(web::logo))
        .route(paths::GROUP_LOGO_LARGE, get(web::logo))
        .nest(control::PREFIX, control::router(&state))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clock.clone(),
            web::okta_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            control::observe,
        ))
        .with_state(state)
}

/// The org loaded from the configuration, not yet serving.
struct Prepared {
    clock: Clock,
    dir: Directory,
    keys: KeyRing,
    cert: Option<server_kit::tls::ServerCert>,
}

impl Prepared {
    fn new(config: &Config) -> anyhow::Result<Self> {
        let clock = Clock::default();
        let dir = Directory::new(clock.clone())
            .with_lockout_after(config.lockout_attempts)
            .with_log_capacity(config.log_events);
        seed::load(config.seed.as_deref())?
            .apply(&dir)
            .with_context(|| match &config.seed {
                Some(p) => format!("invalid seed file {}", p.display()),
                None => "default seed".to_owned(),
            })?;
        // The seed is the org as found, not an admin's doing: the System Log starts empty.
        dir.system_log().clear();
        let keys = match &config.signing_key {
            Some(path) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read signing key {}", path.display()))?;
                let key = keys::SigningKey::from_pem_bytes(&bytes)
                    .with_context(|| format!("invalid signing key {}", path.display()))?;
                KeyRing::with_key(key)
            }
            None => KeyRing::generate_in_background(),
        };
        let cert = server_kit::tls::ServerCert::from_flags(
            config.tls_cert.as_deref(),
            config.tls_key.as_deref(),
            config.tls,
            &config::TLS_VARS,
        )?;
        Ok(Self {
            clock,
            dir,
            keys,
            cert,
        })
    }

    fn launch(
        self,
        listener: tokio::net::TcpListener,
        config: &Config,
    ) -> anyhow::Result<MockOkta> {
        let Self {
            clock,
            dir,
            keys,
            cert,
        } = self;
        let addr = listener.local_addr()?;
        let base = match &config.public_url {
            Some(url) => server_kit::parse_public_url(url)?,
            None => server_kit::default_public_url(addr, "localhost", cert.is_some()),
        };
        let tls = cert.as_ref().map(|c| c.for_url(&base)).transpose()?;
        let org = Arc::new(OrgUrls::new(base));
        let state = AppState::new(state::Parts {
            discovery: Arc::new(oidc::discovery::Cache::default()),
            org,
            ledger: Ledger::new(clock.clone()),
            control: control::Control::new(clock.clone(), dir.snapshot()),
            dir,
            keys,
            clock,
            options: Arc::new(Options {
                api_token: config.api_token.clone().into(),
                simplified_target: config.simplified_target,
                groups_over_limit: config.groups_over_limit,
            }),
            rate: RateLimits::default(),
        });
        let app = server_kit::refusals::in_surface_format(
            server_kit::with_limits(router(state.clone())),
            refusals::in_format,
            refusals::answer,
        );
        let fast_state = state.clone();
        let fast: server_kit::FastPath =
            Arc::new(move |req| control::fast_path(&fast_state, req, oidc::discovery::fast_path));
        let running = server_kit::Running::spawn_with(listener, app, Some(fast), tls)?;
        Ok(MockOkta { running, state })
    }
}

async fn not_found(method: Method, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") || control::journal::is_control(uri.path()) {
        return api::error::ApiError::not_found(uri.path(), "Resource").into_response();
    }
    tracing::debug!(%method, %uri, "no route");
    html::PageError::not_found().into_response()
}

/// A running mock-okta.
pub struct MockOkta {
    running: server_kit::Running,
    state: AppState,
}

impl MockOkta {
    /// Loads the seed and key, binds, derives the org URL and starts serving in the
    /// background. Errors name the problem (bad seed, unreadable key, port in use).
    pub async fn start(config: Config) -> anyhow::Result<Self> {
        // A bad seed or key is reported before the port is taken.
        let prepared = Prepared::new(&config)?;
        let listener = server_kit::bind(&config.listen).await?;
        prepared.launch(listener, &config)
    }

    /// [`MockOkta::start`] on a listener the caller has bound already (`config.listen` is not
    /// used), so a caller that needs the port before the org URL has no window in which
    /// another process could take it.
    pub async fn serve(listener: tokio::net::TcpListener, config: Config) -> anyhow::Result<Self> {
        Prepared::new(&config)?.launch(listener, &config)
    }

    /// The org URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.state.org.base()
    }

    /// The issuer of the `default` authorization server: `{org}/oauth2/default`.
    pub fn issuer(&self) -> String {
        self.state.org.issuer(AuthServer::DEFAULT)
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.running.local_addr()
    }

    /// The org's directory, for tests and tools that set up data without HTTP.
    pub fn directory(&self) -> &Directory {
        &self.state.dir
    }

    /// The server's clock; tests move it forward to expire codes and tokens.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    // ---- Test control: the same operations as `/__mock` ----

    /// The faults in place: `okta.faults().add(FaultSpec::status(Endpoint::Token, 503).times(1))`.
    pub fn faults(&self) -> &control::Faults {
        &self.state.control.live.faults
    }

    /// Moves the server's clock by `seconds` (`POST /__mock/clock`).
    pub fn advance_clock(&self, seconds: i64) -> control::ClockView {
        control::advance_clock(&self.state, seconds)
    }

    /// The server's now (`GET /__mock/clock`).
    pub fn now(&self) -> control::ClockView {
        control::clock(&self.state)
    }

    /// A new signing key signs from now on; the previous one stays in JWKS with
    /// `keep_previous`, or is dropped (`POST /__mock/keys/rotate`).
    pub async fn rotate_keys(
        &self,
        keep_previous: bool,
    ) -> Result<control::KeysView, control::Refused> {
        control::rotate_keys(&self.state, keep_previous).await
    }

    /// The requests the server saw, oldest first, secrets masked (`GET /__mock/journal`).
    pub fn journal(
        &self,
        filter: &control::JournalFilter,
    ) -> Result<Vec<control::Entry>, control::Refused> {
        control::journal(&self.state, filter)
    }

    /// Empties the journal (`DELETE /__mock/journal`).
    pub fn clear_journal(&self) {
        self.state.control.live.journal.clear();
    }

    /// Back to the seed: directory, sessions, codes and tokens, faults, clock, signing key,
    /// journal (`POST /__mock/reset`).
    pub fn reset(&self) {
        control::reset(&self.state);
    }

    /// Makes the directory as it is now what [`MockOkta::reset`] and `POST /__mock/reset`
    /// return to, for a harness that configures the org after start.
    pub fn keep_as_seed(&self) {
        control::keep_as_seed(&self.state);
    }

    /// Stops serving and waits for open connections to finish.
    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }

    /// Serves until the process is stopped.
    pub async fn wait(self) {
        self.running.wait().await;
    }
}
