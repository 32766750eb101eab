//! Sign-in attempts between the redirect to the provider and its callback, keyed by `state`.
//! An attempt is taken out when the callback arrives, so a state (and its code) works once.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, SystemTime},
};

use super::pkce::Verifier;
use crate::org::OidcClient;

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

#[derive(Debug, Default)]
pub struct PendingLogins {
    map: Mutex<HashMap<String, PendingLogin>>,
}

impl PendingLogins {
    pub fn insert(&self, state: String, login: PendingLogin, now: SystemTime) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        map.retain(|_, p| !expired(p, now));
        while map.len() >= MAX_PENDING {
            let oldest = map
                .iter()
                .min_by_key(|(_, p)| p.started_at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        map.insert(state, login);
    }

    /// Removes and returns the attempt for `state`, if it exists and is still fresh.
    pub fn take(&self, state: &str, now: SystemTime) -> Option<PendingLogin> {
        let login = self
            .map
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(state)?;
        (!expired(&login, now)).then_some(login)
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
            },
            nonce: "n".into(),
            verifier: Verifier::generate(),
            redirect_uri: "http://localhost/login".into(),
            started_at: now,
        }
    }

    #[test]
    fn an_attempt_is_taken_once() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        p.insert("s1".into(), login(now), now);
        assert!(p.take("s1", now).is_some());
        assert!(p.take("s1", now).is_none());
        assert!(p.take("other", now).is_none());
    }

    #[test]
    fn old_attempts_expire() {
        let now = SystemTime::now();
        let p = PendingLogins::default();
        p.insert("s1".into(), login(now), now);
        assert!(
            p.take("s1", now + PENDING_LIFETIME + Duration::from_secs(1))
                .is_none()
        );
    }
}
