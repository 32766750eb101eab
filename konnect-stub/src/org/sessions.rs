//! The Konnect session: what the session cookie (`konnectaccesstoken`, set by `auth.rs`)
//! stands for on the server. Opened by a basic-auth login or an SSO callback, closed by log
//! out, expired after Konnect's 12 hours; at most [`MAX_SESSIONS`] are open at once.

use std::{
    collections::HashMap,
    sync::{Mutex, PoisonError},
    time::{Duration, SystemTime},
};

use crate::crypto::random_token;

/// How long a browser session lasts (Konnect: 12 hours overall, SSO sessions included).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// Sessions kept at most; opening one more closes the one expiring first, so a flood of
/// logins cannot grow memory for 12 hours.
pub const MAX_SESSIONS: usize = 100_000;

/// Expired sessions are swept at most this often (and only once one has expired): a sweep
/// walks every session, which on each login would cost more than the rest of the login.
/// An expired session is refused at once all the same ([`Sessions::user_id`]).
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// A browser session's secret, as kept in the session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionToken(pub String);

#[derive(Debug, Clone)]
struct Session {
    user_id: String,
    expires_at: SystemTime,
}

/// The open sessions, by token. Separate from the directory's lock: a session names a user
/// id, which the directory resolves afterwards.
#[derive(Debug, Default)]
pub(super) struct Sessions {
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    map: HashMap<SessionToken, Session>,
    /// When expired sessions are swept next: not before the first one expires, nor within
    /// [`SWEEP_INTERVAL`] of the last sweep. `None` while there are no sessions.
    next_sweep: Option<SystemTime>,
}

impl Open {
    fn sweep_if_due(&mut self, now: SystemTime) {
        if self.next_sweep.is_none_or(|at| now < at) {
            return;
        }
        self.map.retain(|_, s| s.expires_at > now);
        self.next_sweep = self
            .map
            .values()
            .map(|s| s.expires_at)
            .min()
            .map(|first| first.max(now + SWEEP_INTERVAL));
    }
}

impl Sessions {
    /// Opens a session; expired sessions are dropped on the way.
    pub(super) fn open(&self, user_id: &str, now: SystemTime) -> SessionToken {
        let token = SessionToken(random_token());
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.sweep_if_due(now);
        let map = &mut open.map;
        while map.len() >= MAX_SESSIONS {
            let first = map
                .iter()
                .min_by_key(|(_, s)| s.expires_at)
                .map(|(k, _)| k.clone());
            match first {
                Some(k) => map.remove(&k),
                None => break,
            };
        }
        let expires_at = now + SESSION_LIFETIME;
        map.insert(
            token.clone(),
            Session {
                user_id: user_id.to_owned(),
                expires_at,
            },
        );
        open.next_sweep = Some(open.next_sweep.map_or(expires_at, |at| at.min(expires_at)));
        token
    }

    /// The user id of a live session.
    pub(super) fn user_id(&self, token: &str, now: SystemTime) -> Option<String> {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let session = open.map.get(&SessionToken(token.to_owned()))?;
        (session.expires_at > now).then(|| session.user_id.clone())
    }

    /// Closes every session.
    pub(super) fn clear(&self) {
        *self.open.lock().unwrap_or_else(PoisonError::into_inner) = Open::default();
    }

    pub(super) fn close(&self, token: &str) {
        self.open
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .map
            .remove(&SessionToken(token.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_and_close() {
        let now = SystemTime::now();
        let sessions = Sessions::default();
        let token = sessions.open("u1", now);
        assert_eq!(sessions.user_id(&token.0, now).as_deref(), Some("u1"));
        assert!(sessions.user_id(&token.0, now + SESSION_LIFETIME).is_none());
        assert!(sessions.user_id("other", now).is_none());
        sessions.close(&token.0);
        assert!(sessions.user_id(&token.0, now).is_none());
    }

    #[test]
    fn at_most_max_sessions_are_open_the_first_to_expire_closing_first() {
        let now = SystemTime::now();
        let sessions = Sessions::default();
        let first = sessions.open("u0", now);
        // Filled directly: opening each through `open` would take a while.
        sessions
            .open
            .lock()
            .unwrap()
            .map
            .extend((1..MAX_SESSIONS).map(|i| {
                let session = Session {
                    user_id: format!("u{i}"),
                    expires_at: now + SESSION_LIFETIME + Duration::from_secs(1),
                };
                (SessionToken(format!("t{i}")), session)
            }));
        let newest = sessions.open("last", now + Duration::from_secs(2));
        assert_eq!(sessions.open.lock().unwrap().map.len(), MAX_SESSIONS);
        assert!(sessions.user_id(&first.0, now).is_none());
        assert_eq!(sessions.user_id(&newest.0, now).as_deref(), Some("last"));
    }

    #[test]
    fn opening_a_session_drops_expired_ones() {
        let now = SystemTime::now();
        let sessions = Sessions::default();
        let old = sessions.open("u1", now);
        let later = now + SESSION_LIFETIME + Duration::from_secs(1);
        let new = sessions.open("u2", later);
        let open = sessions.open.lock().unwrap();
        assert!(!open.map.contains_key(&old) && open.map.contains_key(&new));
    }

    #[test]
    fn expired_sessions_are_swept_at_most_once_a_sweep_interval() {
        let t0 = SystemTime::now();
        let sessions = Sessions::default();
        let in_map = |t: &SessionToken| sessions.open.lock().unwrap().map.contains_key(t);
        let a = sessions.open("a", t0);
        let b = sessions.open("b", t0 + Duration::from_secs(30));
        // The first expiry is due: `a` is swept; `b` expires 29 s later, inside the interval.
        let swept = t0 + SESSION_LIFETIME + Duration::from_secs(1);
        let _ = sessions.open("c", swept);
        assert!(!in_map(&a) && in_map(&b));
        let within = swept + Duration::from_secs(45);
        let _ = sessions.open("d", within);
        assert!(in_map(&b), "no second sweep within the interval");
        assert!(
            sessions.user_id(&b.0, within).is_none(),
            "refused all the same"
        );
        let _ = sessions.open("e", swept + SWEEP_INTERVAL);
        assert!(!in_map(&b));
    }
}
