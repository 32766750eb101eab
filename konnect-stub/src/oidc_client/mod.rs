//! Konnect as an OpenID Connect relying party: discovery, the authorization request (state
//! bound to a cookie, nonce, PKCE S256), the callback (RFC 9207 `iss`, code exchange with
//! client_secret_basic, ID-token verification against the provider's JWKS, userinfo when the
//! ID token lacks email or name). Provider-independent: nothing here knows about Okta, and
//! nothing here knows about HTTP handlers or pages (`login/sso.rs` serves this to browsers).
//!
//! The hops: [`RelyingParty::begin`] (the authorization request) and
//! [`RelyingParty::complete`] (the callback) here, the attempt in flight in `pending.rs`, the
//! token exchange in `token.rs`, the ID-token check in `id_token.rs`, the identity from the
//! claims in `claims.rs`.

mod claims;
pub mod discovery;
pub mod fetch;
pub mod id_token;
mod pending;
pub mod pkce;
mod token;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, SystemTime},
};

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use server_kit::control::Control;

use self::discovery::{DiscoveryError, ProviderMetadata, discovery_url, parse_metadata};
use self::fetch::{Endpoint, FetchError};
use self::id_token::{Expected, IdTokenError};
use self::pending::{BrowserBinding, PendingLogin, PendingLogins};
use self::pkce::Verifier;
use crate::crypto::random_token;
use crate::org::{Email, EmailVerification, OidcClient};

/// How long provider metadata is reused before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(5 * 60);
/// How long a JWKS is reused; an unknown `kid` refetches it at once.
const JWKS_TTL: Duration = Duration::from_secs(60 * 60);

/// Why single sign-on failed. Each message is meant for the person at the browser.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// Konnect's own text for a callback without its state cookie (seen when the issuer is
    /// wrong, or the callback is opened in another browser).
    #[error("failed to get state: http: named cookie not present")]
    MissingStateCookie,
    #[error(
        "The sign-in response does not belong to this browser's sign-in attempt (state mismatch)."
    )]
    StateMismatch,
    #[error("This sign-in attempt has expired or was already used. Please start again.")]
    UnknownState,
    /// The callback names a live attempt that this browser did not start (e.g. a leaked or
    /// shared callback URL opened elsewhere).
    #[error(
        "This sign-in response belongs to a sign-in started in another browser, so it cannot \
         sign you in here. Please start again from your organization's login URL."
    )]
    OtherBrowser,
    #[error("The identity provider refused the sign-in: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    ProviderRefused {
        error: String,
        description: Option<String>,
    },
    #[error("The sign-in response has no authorization code.")]
    MissingCode,
    #[error("The sign-in response is malformed: it has more than one {0} parameter.")]
    RepeatedParameter(&'static str),
    #[error(
        "The sign-in response comes from {found:?}, not from the configured issuer {expected:?}."
    )]
    WrongResponseIssuer { expected: String, found: String },
    #[error("The identity provider did not say who issued the sign-in response (iss is missing).")]
    MissingResponseIssuer,
    #[error(
        "The sign-in was started by {0:?}, which is not this organization's identity provider."
    )]
    UnknownInitiator(String),
    #[error("{0}")]
    Discovery(#[from] DiscoveryError),
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("The identity provider refused to exchange the authorization code: {error}{} (HTTP {status}).", .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    TokenRejected {
        status: u16,
        error: String,
        description: Option<String>,
    },
    #[error("The identity provider's token response is not usable: {0}.")]
    BadTokenResponse(String),
    #[error("The identity provider's ID token was rejected: {0}.")]
    IdToken(#[from] IdTokenError),
    #[error("The identity provider's signing keys are not usable: {0}.")]
    BadJwks(String),
    #[error("The identity provider's userinfo answer is not usable: {0}.")]
    BadUserinfo(String),
    #[error("The identity provider did not provide an email address (claim {0:?}).")]
    MissingEmail(String),
    #[error("The identity provider's email address is not valid: {0}.")]
    InvalidEmail(String),
    #[error(
        "The identity provider's groups claim {0:?} is neither a list of group names nor one name."
    )]
    BadGroupsClaim(String),
}

/// The redirect that starts a sign-in, and the value of the state cookie that binds the
/// attempt to the browser (it holds a secret that is never in a URL).
#[derive(Debug, Clone)]
pub struct AuthorizationRedirect {
    pub url: String,
    pub state_cookie: String,
}

/// The query of the redirect back from the provider.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub iss: Option<String>,
}

impl CallbackParams {
    pub fn is_callback(&self) -> bool {
        self.code.is_some() || self.state.is_some() || self.error.is_some()
    }

    /// The callback parameters of a redirect URI's query (other parameters are ignored). A
    /// repeated one makes the response ambiguous, so it is refused, naming the parameter.
    pub fn from_query(query: &str) -> Result<Self, SsoError> {
        let mut params = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let (name, slot): (&'static str, _) = match name.as_ref() {
                "code" => ("code", &mut params.code),
                "state" => ("state", &mut params.state),
                "error" => ("error", &mut params.error),
                "error_description" => ("error_description", &mut params.error_description),
                "iss" => ("iss", &mut params.iss),
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(SsoError::RepeatedParameter(name));
            }
        }
        Ok(params)
    }
}

/// Who signed in, as the provider vouches.
#[derive(Debug, Clone)]
pub struct SsoIdentity {
    pub org_id: String,
    pub issuer: String,
    pub subject: String,
    pub email: Email,
    /// Whether the provider vouches for `email` (`email_verified`).
    pub email_verification: EmailVerification,
    pub name: Option<String>,
    /// The groups claim (per `claim_mappings.groups`), from the ID token or userinfo.
    pub groups: Vec<String>,
}

/// Whether a third-party-initiated login's `iss` stands for the configured issuer: the issuer
/// itself, or (as Okta's dashboard sends) the org URL it lives under.
pub fn initiated_by(issuer: &str, iss: &str) -> bool {
    let iss = iss.trim();
    if iss == issuer {
        return true;
    }
    let Ok(url) = url::Url::parse(iss) else {
        return false;
    };
    matches!(url.scheme(), "http" | "https")
        && url.query().is_none()
        && issuer.starts_with(&format!("{}/", iss.trim_end_matches('/')))
}

/// The relying party: an HTTP client with timeouts, metadata and key caches, and the sign-in
/// attempts in flight.
#[derive(Debug)]
pub struct RelyingParty {
    http: reqwest::Client,
    metadata: Mutex<HashMap<String, (SystemTime, Arc<ProviderMetadata>)>>,
    jwks: Mutex<HashMap<String, (SystemTime, Arc<JwkSet>)>>,
    pending: PendingLogins,
    /// Where calls to the provider are journaled, and the clock the caches follow.
    control: Control<crate::control::Endpoint>,
}

/// Whether a cache entry from `at` is still fresh at `now`.
fn fresh(at: SystemTime, now: SystemTime, ttl: Duration) -> bool {
    now.duration_since(at).is_ok_and(|age| age < ttl)
}

impl RelyingParty {
    /// `timeout` bounds each request to a provider (connecting gets half of it); calls are
    /// journaled in `control`, whose clock the caches follow.
    pub fn new(
        timeout: Duration,
        ca_file: Option<&std::path::Path>,
        control: Control<crate::control::Endpoint>,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            http: fetch::client(timeout, ca_file)?,
            metadata: Mutex::default(),
            jwks: Mutex::default(),
            pending: PendingLogins::default(),
            control,
        })
    }

    /// Forgets cached provider documents and the sign-ins in flight (test control's reset).
    pub fn forget(&self) {
        self.metadata
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.jwks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.pending.clear();
    }

    fn now(&self) -> SystemTime {
        self.control.clock.now_system()
    }

    /// Fetches the issuer's metadata now and checks it (the settings page's Save does this);
    /// the result replaces the cached copy.
    pub async fn discover(&self, issuer: &str) -> Result<Arc<ProviderMetadata>, DiscoveryError> {
        let url = discovery_url(issuer);
        let request = self
            .http
            .get(&url)
            .header(reqwest::header::ACCEPT, "application/json");
        let (_, body) = fetch::send_ok(&self.control, Endpoint::Discovery, &url, request).await?;
        let meta = Arc::new(parse_metadata(&body, &url, issuer)?);
        self.metadata
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(issuer.to_owned(), (self.now(), meta.clone()));
        Ok(meta)
    }

    async fn provider(&self, issuer: &str) -> Result<Arc<ProviderMetadata>, DiscoveryError> {
        let now = self.now();
        let cached = self
            .metadata
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(issuer)
            .filter(|(at, _)| fresh(*at, now, METADATA_TTL))
            .map(|(_, m)| m.clone());
        match cached {
            Some(meta) => Ok(meta),
            None => self.discover(issuer).await,
        }
    }

    async fn keys(&self, jwks_uri: &str, refresh: bool) -> Result<Arc<JwkSet>, SsoError> {
        if !refresh {
            let now = self.now();
            let cached = self
                .jwks
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(jwks_uri)
                .filter(|(at, _)| fresh(*at, now, JWKS_TTL))
                .map(|(_, k)| k.clone());
            if let Some(keys) = cached {
                return Ok(keys);
            }
        }
        let request = self
            .http
            .get(jwks_uri)
            .header(reqwest::header::ACCEPT, "application/json");
        let (_, body) = fetch::send_ok(&self.control, Endpoint::Jwks, jwks_uri, request).await?;
        let keys = Arc::new(id_token::parse_jwks(&body).map_err(SsoError::BadJwks)?);
        self.jwks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(jwks_uri.to_owned(), (self.now(), keys.clone()));
        Ok(keys)
    }

    /// Starts a sign-in for the organization `org_id`: the provider's authorization URL, with
    /// the attempt remembered under a fresh `state`. `initiator` is a third-party-initiated
    /// login's `iss`.
    pub async fn begin(
        &self,
        org_id: &str,
        client: OidcClient,
        redirect_uri: &str,
        initiator: Option<&str>,
        now: SystemTime,
    ) -> Result<AuthorizationRedirect, SsoError> {
        if let Some(iss) = initiator
            && !initiated_by(&client.issuer, iss)
        {
            return Err(SsoError::UnknownInitiator(iss.to_owned()));
        }
        let meta = self.provider(&client.issuer).await?;
        let binding = BrowserBinding::generate();
        let nonce = random_token();
        let verifier = Verifier::generate();
        let mut url = url::Url::parse(&meta.authorization_endpoint).map_err(|_| {
            DiscoveryError::Unsupported("its authorization_endpoint is not a URL".to_owned())
        })?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &client.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &client.scopes.join(" "))
            .append_pair("state", binding.state())
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &verifier.challenge())
            .append_pair("code_challenge_method", "S256");
        self.pending.insert(
            &binding,
            PendingLogin {
                org_id: org_id.to_owned(),
                client,
                nonce,
                verifier,
                redirect_uri: redirect_uri.to_owned(),
                started_at: now,
            },
            now,
        );
        Ok(AuthorizationRedirect {
            url: url.into(),
            state_cookie: binding.cookie_value(),
        })
    }

    /// Finishes a sign-in from the provider's redirect. `state_cookie` is the value
    /// [`RelyingParty::begin`] bound to the browser; the attempt must be that browser's (see
    /// `pending.rs`). The browser's attempt is used up whatever the outcome.
    pub async fn complete(
        &self,
        params: &CallbackParams,
        state_cookie: Option<&str>,
        now: SystemTime,
    ) -> Result<SsoIdentity, SsoError> {
        let cookie = state_cookie.ok_or(SsoError::MissingStateCookie)?;
        let pending = self.pending.take(params.state.as_deref(), cookie, now)?;
        let client = &pending.client;
        if let Some(iss) = &params.iss
            && iss != &client.issuer
        {
            return Err(SsoError::WrongResponseIssuer {
                expected: client.issuer.clone(),
                found: iss.clone(),
            });
        }
        if let Some(error) = &params.error {
            return Err(SsoError::ProviderRefused {
                error: error.clone(),
                description: params.error_description.clone(),
            });
        }
        let meta = self.provider(&client.issuer).await?;
        if params.iss.is_none() && meta.iss_parameter_supported {
            return Err(SsoError::MissingResponseIssuer);
        }
        let code = params
            .code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or(SsoError::MissingCode)?;
        let tokens = self.exchange_code(&meta, &pending, code).await?;
        let expected = Expected {
            issuer: &client.issuer,
            client_id: &client.client_id,
            nonce: &pending.nonce,
            access_token: tokens.access_token.as_deref(),
            now: unix_seconds(now),
        };
        let keys = self.keys(&meta.jwks_uri, false).await?;
        let claims = match id_token::verify(&tokens.id_token, &keys, &expected) {
            Err(IdTokenError::UnknownKey(_)) => {
                let keys = self.keys(&meta.jwks_uri, true).await?;
                id_token::verify(&tokens.id_token, &keys, &expected)?
            }
            other => other?,
        };
        self.identity(&meta, &pending, &claims, tokens.access_token.as_deref())
            .await
    }
}

pub fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_parameters_are_read_once_each() {
        let p =
            CallbackParams::from_query("code=c%20d&state=s&iss=https%3A%2F%2Fi&x=1&x=2").unwrap();
        assert_eq!(p.code.as_deref(), Some("c d"));
        assert_eq!(p.state.as_deref(), Some("s"));
        assert_eq!(p.iss.as_deref(), Some("https://i"));
        assert!(p.is_callback());
        assert!(
            !CallbackParams::from_query("basicAuth=true")
                .unwrap()
                .is_callback()
        );
        for (query, name) in [
            ("state=a&state=b", "state"),
            ("code=a&state=s&code=a", "code"),
            ("error=x&error=y", "error"),
            ("state=s&iss=a&iss=a", "iss"),
        ] {
            assert!(
                matches!(CallbackParams::from_query(query), Err(SsoError::RepeatedParameter(n)) if n == name),
                "{query}"
            );
        }
    }

    #[test]
    fn third_party_login_accepts_the_issuer_or_its_org_url() {
        let issuer = "https://dev-1.okta.test/oauth2/default";
        assert!(initiated_by(issuer, issuer));
        assert!(initiated_by(issuer, "https://dev-1.okta.test"));
        assert!(initiated_by(issuer, "https://dev-1.okta.test/"));
        assert!(!initiated_by(issuer, "https://dev-1.okta.te"));
        assert!(!initiated_by(issuer, "https://evil.test"));
        assert!(!initiated_by(
            issuer,
            "https://dev-1.okta.test/oauth2/defaultx"
        ));
        assert!(!initiated_by(issuer, "dev-1.okta.test"));
    }
}
