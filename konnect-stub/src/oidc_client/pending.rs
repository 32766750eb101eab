//! Sign-in attempts between the redirect to the provider and its callback, keyed by `state`
//! and bound to the browser that started them.
//!
//! The `state` travels in URLs (the authorization request, the callback), so it proves
//! nothing: anyone holding a leaked callback URL has it. Each attempt therefore also has a
//! secret that only the starting browser holds, in its HttpOnly state cookie, and that is never
//! in a URL; the attempt keeps only the secret's SHA-256. A callback completes the attempt its
//! URL names only when the cookie carries that attempt's secret. The browser's own attempt is
//! used up by its callback whatever the outcome; another browser's attempt is never touched.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, SystemTime},
};

use super::{SsoError, pkce::Verifier};
use crate::{
    crypto::{ct_eq, random_token, sha256_b64url},
    org::OidcClient,
};

/// How long a user may spend at the provider before the attempt is forgotten.
pub const PENDING_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Attempts kept at most; beyond it the oldest are dropped (a flood of unfinished logins must
/// not grow memory without bound).
const MAX_PENDING: usize = 10_000;

#[derive(Debug, Clone)]
pub struct PendingLogin {
    pub org_id: String,
    pub client: OidcClient,
    pub nonce: String,
    pub verifier: Verifier,
    pub redirect_uri: String,
    pub started_at: SystemTime,
}

/// The state cookie's value: `{state}.{secret}`. Both halves are base64url, which has no `.`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserBinding {
    state: String,
    secret: String,
}

impl BrowserBinding {
    /// A fresh state and secret.
    pub fn generate() -> Self {
        Self {
            state: random_token(),
            secret: random_token(),
        }
    }

    /// The `state` to send in the authorization request.
    pub fn state(&self) -> &str {
        &self.state
    }

    pub fn cookie_value(&self) -> String {
        format!("{}.{}", self.state, self.secret)
    }

    pub fn parse(cookie: &str) -> Option<Self> {
        let (state, secret) = cookie.split_once('.')?;
        (!state.is_empty() && !secret.is_empty()).then(|| Self {
            state: state.to_owned(),
            secret: secret.to_owned(),
        })
    }

    fn fingerprint(&self) -> String {
        sha256_b64url(self.secret.as_bytes())
    }
}

/// An attempt and the fingerprint of its browser's secret.
#[derive(Debug)]
struct Bound {
    login: PendingLogin,
    fingerprint: String,
}

impl Bound {
    fn held_by(&self, binding: &BrowserBinding) -> bool {
        ct_eq(
            self.fingerprint.as_bytes(),
            binding.fingerprint().as_bytes(),
        )
    }
}

#[derive(Debug, Default)]
pub struct PendingLogins {
    map: Mutex<HashMap<String, Bound>>,
}

impl PendingLogins {
    /// Remembers the attempt under the binding's state, bound to the binding's secret.
    pub fn insert(&self, binding: &BrowserBinding, login: PendingLogin, now: SystemTime) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.retain(|_, p| !expired(&p.login, now));
        while map.len() >= MAX_PENDING {
            let oldest = map
                .iter()
                .min_by_key(|(_, p)| p.login.started_at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(
            binding.state.clone(),
            Bound {
                login,
                fingerprint: binding.fingerprint(),
            },
        );
    }

    /// Forgets every attempt.
    pub fn clear(&self) {
        self.map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The attempt a callback completes: the one its URL's `state` names, if the state cookie
    /// holds that attempt's secret. The browser's own attempt (the one its cookie names) is
    /// removed whatever the outcome, so a state works once.
    pub fn take(
        &self,
        url_state: Option<&str>,
        cookie: &str,
        now: SystemTime,
    ) -> Result<PendingLogin, SsoError> {
        let binding = BrowserBinding::parse(cookie);
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(binding) = &binding
            && map.get(&binding.state).is_some_and(|p| p.held_by(binding))
            && let Some(own) = map.remove(&binding.state)
        {
            let named = url_state.is_some_and(|s| ct_eq(s.as_bytes(), binding.state.as_bytes()));
            return match (named, expired(&own.login, now)) {
                (false, _) => Err(SsoError::StateMismatch),
                (true, true) => Err(SsoError::UnknownState),
                (true, false) => Ok(own.login),
            };
        }
        // This browser holds no live attempt. An attempt the URL names belongs to another
        // browser: refused, and left for that browser.
        match url_state.and_then(|s| map.get(s)) {
            Some(other) if !expired(&other.login, now) => Err(SsoError::OtherBrowser),
            _ => Err(SsoError::UnknownState),
        }
    }
}

fn expired(p: &PendingLogin, now: SystemTime) -> bool {
    now.duration_since(p.started_at)
        .is_ok_and(|age| age > PENDING_LIFETIME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{ClaimMappings, default_scopes};

    fn login(now: SystemTime) -> PendingLogin {
        PendingLogin {
            org_id: "o".into(),
            client: OidcClient {
                issuer: "https://i.test".into(),
                client_id: "c".into(),
                client_secret: "s".into(),
                scopes: default_scopes(),
                claim_mappings: ClaimMappings::default(),
                groups_wanted: false,
            },
            nonce: "n".into(),
            verifier: Verifier::generate(),
            redirect_uri: "http://localhost/login".into(),
            started_at: now,
        }
    }

    fn started(p: &PendingLogins, now: SystemTime) -> BrowserBinding {
        let binding = BrowserBinding::generate();
        p.insert(&binding, login(now), now);
        binding
    }

    #[test]
    fn an_attempt_is_taken_once_by_its_browser() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        let b = started(&p, now);
        let cookie = b.cookie_value();
        assert!(p.take(Some(b.state()), &cookie, now).is_ok());
        assert!(matches!(
            p.take(Some(b.state()), &cookie, now),
            Err(SsoError::UnknownState)
        ));
        assert!(matches!(
            p.take(Some("other"), &cookie, now),
            Err(SsoError::UnknownState)
        ));
    }

    #[test]
    fn the_secret_is_never_the_state() {
        let b = BrowserBinding::generate();
        assert_ne!(b.secret, b.state);
        assert_eq!(BrowserBinding::parse(&b.cookie_value()), Some(b.clone()));
        for bad in ["", "nodot", ".x", "x."] {
            assert_eq!(BrowserBinding::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_cookie_forged_from_the_url_does_not_complete_or_spend_the_attempt() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        let b = started(&p, now);
        // What a leaked callback URL tells: the state (and the code).
        let forged = [
            b.state().to_owned(),
            format!("{0}.{0}", b.state()),
            format!("{}.code-1", b.state()),
            format!("{}.{}", b.state(), b.fingerprint()),
        ];
        for cookie in &forged {
            assert!(
                matches!(
                    p.take(Some(b.state()), cookie, now),
                    Err(SsoError::OtherBrowser)
                ),
                "{cookie}"
            );
        }
        // The real browser still finishes.
        assert!(p.take(Some(b.state()), &b.cookie_value(), now).is_ok());
    }

    #[test]
    fn a_state_mismatch_uses_the_browsers_own_attempt_up() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        let mine = started(&p, now);
        let theirs = started(&p, now);
        // My browser arrives with their state: refused, and my attempt is spent...
        assert!(matches!(
            p.take(Some(theirs.state()), &mine.cookie_value(), now),
            Err(SsoError::StateMismatch)
        ));
        assert!(matches!(
            p.take(Some(mine.state()), &mine.cookie_value(), now),
            Err(SsoError::UnknownState)
        ));
        // ...but theirs is not.
        assert!(
            p.take(Some(theirs.state()), &theirs.cookie_value(), now)
                .is_ok()
        );
        let again = started(&p, now);
        assert!(matches!(
            p.take(None, &again.cookie_value(), now),
            Err(SsoError::StateMismatch)
        ));
    }

    #[test]
    fn at_most_max_pending_attempts_are_kept_the_oldest_dropped_first() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        let first = started(&p, now);
        // Filled directly: inserting each through `insert` sweeps the map every time.
        p.map.lock().unwrap().extend((1..MAX_PENDING).map(|i| {
            let bound = Bound {
                login: login(now + Duration::from_secs(1)),
                fingerprint: String::new(),
            };
            (format!("s{i}"), bound)
        }));
        let newest = started(&p, now + Duration::from_secs(2));
        assert_eq!(p.map.lock().unwrap().len(), MAX_PENDING);
        let at = now + Duration::from_secs(2);
        assert!(
            p.take(Some(first.state()), &first.cookie_value(), at)
                .is_err()
        );
        assert!(
            p.take(Some(newest.state()), &newest.cookie_value(), at)
                .is_ok()
        );
    }

    #[test]
    fn old_attempts_expire() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        let b = started(&p, now);
        let later = now + PENDING_LIFETIME + Duration::from_secs(1);
        assert!(matches!(
            p.take(Some(b.state()), &b.cookie_value(), later),
            Err(SsoError::UnknownState)
        ));
    }
}
