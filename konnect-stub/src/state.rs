//! What a handler can reach: the organization directory, the OpenID Connect relying party and
//! the stub's public URLs. Built once by [`crate::KonnectStub`]; handlers and extractors take
//! only the part they use, through axum's `FromRef` (`State<Arc<Directory>>`,
//! `State<PublicUrls>`, `State<IdentityState>`, ...).

use std::sync::Arc;

use axum::extract::FromRef;

use server_kit::control::Clock;

use crate::{control::Control, oidc_client::RelyingParty, org::Directory, paths};

/// The whole state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub directory: Arc<Directory>,
    pub rp: Arc<RelyingParty>,
    pub urls: PublicUrls,
    /// Test control: faults, the journal, the clock every "now" comes from, the seed.
    pub control: Control,
}

impl AppState {
    /// `rp` journals into `live`, whose clock the whole state follows.
    pub fn new(
        directory: Directory,
        rp: RelyingParty,
        base_url: String,
        live: server_kit::control::Control<crate::control::Endpoint>,
    ) -> Self {
        let seed = directory.snapshot();
        Self {
            directory: Arc::new(directory),
            rp: Arc::new(rp),
            urls: PublicUrls::new(base_url),
            control: Control::new(live, seed),
        }
    }

    pub fn clock(&self) -> &Clock {
        &self.control.live.clock
    }
}

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Self {
        state.control.live.clock.clone()
    }
}

/// The public base URL and what follows from it.
#[derive(Clone, Debug)]
pub struct PublicUrls(Arc<Urls>);

#[derive(Debug)]
struct Urls {
    /// Without a trailing slash.
    base_url: String,
    /// Cookies get `Secure` when the public URL is https.
    secure_cookies: bool,
}

impl PublicUrls {
    pub fn new(base_url: String) -> Self {
        let secure_cookies = base_url.starts_with("https://");
        Self(Arc::new(Urls {
            base_url,
            secure_cookies,
        }))
    }

    pub fn base_url(&self) -> &str {
        &self.0.base_url
    }

    pub fn secure_cookies(&self) -> bool {
        self.0.secure_cookies
    }

    /// The redirect URI registered at the identity provider.
    pub fn redirect_uri(&self) -> String {
        paths::redirect_uri(&self.0.base_url)
    }

    pub fn org_login_url(&self, login_path: &str) -> String {
        paths::org_login_url(&self.0.base_url, login_path)
    }
}

/// What the identity rules need: the directory to change and the relying party that checks
/// an issuer by discovery.
#[derive(Clone)]
pub struct IdentityState {
    pub directory: Arc<Directory>,
    pub rp: Arc<RelyingParty>,
    pub clock: Clock,
}

impl FromRef<AppState> for Arc<Directory> {
    fn from_ref(state: &AppState) -> Self {
        state.directory.clone()
    }
}

impl FromRef<AppState> for Arc<RelyingParty> {
    fn from_ref(state: &AppState) -> Self {
        state.rp.clone()
    }
}

impl FromRef<AppState> for PublicUrls {
    fn from_ref(state: &AppState) -> Self {
        state.urls.clone()
    }
}

impl FromRef<AppState> for IdentityState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            directory: state.directory.clone(),
            rp: state.rp.clone(),
            clock: state.control.live.clock.clone(),
        }
    }
}
