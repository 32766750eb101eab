//! The one cloneable application state, and its parts.

use std::sync::Arc;

use axum::extract::FromRef;

use crate::{
    clock::Clock, directory::Directory, keys::KeyRing, ledger::Ledger, paths::OrgUrls,
    web::RateLimits,
};

/// Where an Okta Simplified (`idp_initiated_login.mode = OKTA`) tile posts its ID token.
/// Okta's own documents disagree (help page: the first sign-in redirect URI; support
/// article: the initiate login URI), so it is configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SimplifiedTarget {
    #[default]
    FirstRedirectUri,
    InitiateLoginUri,
}

/// Flows in which a groups claim past
/// [`GROUPS_CLAIM_LIMIT`](crate::directory::GROUPS_CLAIM_LIMIT) refuses the token. Okta's
/// sources disagree: DD-OIDC says the request fails; Okta's support article says only the
/// implicit flow (tokens from the authorize endpoint) has the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum GroupsOverLimit {
    /// Every flow fails (DD-OIDC).
    #[default]
    EveryFlow,
    /// Only tokens returned by the authorize endpoint fail; the token endpoint lists every
    /// matching group.
    ImplicitOnly,
}

/// Behaviour switches that are not part of the directory.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Management API token (`Authorization: SSWS <token>`).
    pub api_token: Arc<str>,
    pub simplified_target: SimplifiedTarget,
    /// Where a groups claim of more than 100 groups refuses the token.
    pub groups_over_limit: GroupsOverLimit,
}

/// Shared state of every handler: one `Arc`, so the clone axum makes for every extractor
/// is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

/// What [`AppState`] shares.
pub struct Parts {
    pub org: Arc<OrgUrls>,
    pub dir: Directory,
    pub ledger: Ledger,
    pub keys: KeyRing,
    pub clock: Clock,
    pub options: Arc<Options>,
    pub rate: RateLimits,
    /// Test control: faults, the journal, the seed to reset to.
    pub control: crate::control::Control,
    pub(crate) discovery: Arc<crate::oidc::discovery::Cache>,
}

/// What issuing and redeeming codes and tokens needs, and nothing else: the token endpoint,
/// authorize's deliveries and the dashboard's tiles take this, so the protocol is tested
/// without a server.
#[derive(Clone)]
pub struct Issuer {
    pub org: Arc<OrgUrls>,
    pub dir: Directory,
    pub ledger: Ledger,
    pub keys: KeyRing,
    pub clock: Clock,
    pub groups_over_limit: GroupsOverLimit,
}

impl FromRef<AppState> for Issuer {
    fn from_ref(s: &AppState) -> Self {
        Self {
            org: s.org.clone(),
            dir: s.dir.clone(),
            ledger: s.ledger.clone(),
            keys: s.keys.clone(),
            clock: s.clock.clone(),
            groups_over_limit: s.options.groups_over_limit,
        }
    }
}

impl FromRef<AppState> for Directory {
    fn from_ref(s: &AppState) -> Self {
        s.dir.clone()
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;
    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl AppState {
    pub fn new(parts: Parts) -> Self {
        Self(Arc::new(parts))
    }

    /// Whether cookies must be `Secure` (and may then be `SameSite=None`).
    pub fn secure_cookies(&self) -> bool {
        self.org.base().starts_with("https://")
    }
}
