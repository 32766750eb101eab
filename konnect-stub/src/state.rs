//! What a handler can reach: the organization directory, the OpenID Connect relying party and
//! the stub's public URLs. Built once by [`crate::KonnectStub`]; handlers and extractors take
//! only the part they use, through axum's `FromRef` (`State<Arc<Directory>>`,
//! `State<PublicUrls>`, `State<IdentityState>`, ...).

use std::sync::Arc;

use axum::extract::FromRef;

use crate::{oidc_client::RelyingParty, org::Directory, paths};

/// The whole state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub directory: Arc<Directory>,
    pub rp: Arc<RelyingParty>,
    pub urls: PublicUrls,
}

impl AppState {
    pub fn new(directory: Directory, rp: RelyingParty, base_url: String) -> Self {
        Self {
            directory: Arc::new(directory),
            rp: Arc::new(rp),
            urls: PublicUrls::new(base_url),
        }
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
        }
    }
}
