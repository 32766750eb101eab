//! Short-lived protocol state: Okta sessions, sign-in transactions, pending authorize
//! requests, authorization codes, refresh tokens, one-time session tokens, revoked token ids.
//!
//! Access and ID tokens are stateless JWTs; only their revocation is remembered (until they
//! expire). Everything here expires, and expired entries are swept as new ones arrive; each
//! kind also holds at most [`MAX_PER_KIND`] entries (those expiring first are dropped), since an
//! anonymous browser creates one with every visit to the sign-in page or parked authorize
//! request, and a flood of them must not grow memory for the lifetime of an entry.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
};

use crate::{clock::Clock, ids::opaque_token, paths::AuthServer};

/// An Okta session (the `idx` cookie).
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub created: i64,
    pub auth_time: i64,
    pub expires_at: i64,
    pub last_used: i64,
    pub amr: Vec<String>,
    /// The Admin Console's anti-forgery token: every console form carries it and every
    /// console POST must send it back.
    pub csrf: String,
}

/// A two-step sign-in in progress (identifier, then password).
#[derive(Debug, Clone)]
pub struct SigninTx {
    pub from_uri: Option<String>,
    pub identifier: Option<String>,
    pub login_hint: Option<String>,
    /// The password was proven but has expired: the sign-in waits for a new one.
    pub password_expired: bool,
    pub expires_at: i64,
}

/// An authorize request waiting for the user to sign in (Okta's `okta_key`).
#[derive(Debug, Clone)]
pub struct PendingAuthorize {
    pub server: AuthServer,
    pub params: crate::params::Params,
    /// The resumed request needs a session authenticated at or after this time
    /// (`prompt=login`, `max_age`).
    pub fresh_after: Option<i64>,
    pub expires_at: i64,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub server: AuthServer,
    pub client_id: String,
    pub redirect_uri: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub auth_time: i64,
    pub amr: Vec<String>,
    pub session_id: Option<String>,
    pub expires_at: i64,
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub struct RefreshToken {
    pub server: AuthServer,
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub auth_time: i64,
    pub amr: Vec<String>,
    /// `oar…`, appended to access-token `jti`s made from this refresh token.
    pub id: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// For rotated tokens: the time until which the previous token still works.
    pub grace_until: Option<i64>,
}

#[derive(Default)]
struct Store {
    sessions: HashMap<String, Session>,
    signins: HashMap<String, SigninTx>,
    pending: HashMap<String, PendingAuthorize>,
    codes: HashMap<String, AuthCode>,
    refresh: HashMap<String, RefreshToken>,
    session_tokens: HashMap<String, (String, i64)>,
    /// Password reset tokens (`lifecycle/reset_password`): user id and expiry.
    recovery_tokens: HashMap<String, (String, i64)>,
    /// `/api/v1/authn` transactions waiting for a new password (`PASSWORD_EXPIRED`): the
    /// state token's user id and expiry.
    authn_states: HashMap<String, (String, i64)>,
    revoked: HashMap<String, i64>,
    /// Spent one-time ids (client assertion `jti`s), until they expire.
    used: HashMap<String, i64>,
    inserts: u64,
}

impl Store {
    fn sweep(&mut self, now: i64) {
        self.sessions.retain(|_, s| s.expires_at > now);
        self.signins.retain(|_, t| t.expires_at > now);
        self.pending.retain(|_, p| p.expires_at > now);
        self.codes.retain(|_, c| c.expires_at > now);
        self.refresh.retain(|_, r| r.expires_at > now);
        self.session_tokens.retain(|_, (_, exp)| *exp > now);
        self.recovery_tokens.retain(|_, (_, exp)| *exp > now);
        self.authn_states.retain(|_, (_, exp)| *exp > now);
        self.revoked.retain(|_, exp| *exp > now);
        self.used.retain(|_, exp| *exp > now);
    }

    fn inserted(&mut self, now: i64) {
        self.inserts += 1;
        if self.inserts.is_multiple_of(1024) {
            self.sweep(now);
        }
    }
}

/// Entries of one kind (sessions, sign-ins, parked requests, codes, …) kept at most.
pub const MAX_PER_KIND: usize = 10_000;

/// Inserts into the map of one kind; a full map first drops the tenth of its entries that
/// expire first, so a full map costs one pass per `MAX_PER_KIND / 10` inserts, not one each.
fn insert_bounded<V>(
    map: &mut HashMap<String, V>,
    key: String,
    value: V,
    expires_at: impl Fn(&V) -> i64,
) {
    if map.len() >= MAX_PER_KIND {
        let mut by_expiry: Vec<(i64, &String)> =
            map.iter().map(|(k, v)| (expires_at(v), k)).collect();
        let cut = MAX_PER_KIND / 10;
        by_expiry.select_nth_unstable(cut - 1);
        let dropped: Vec<String> = by_expiry[..cut].iter().map(|(_, k)| (*k).clone()).collect();
        for k in &dropped {
            map.remove(k);
        }
    }
    map.insert(key, value);
}

/// Lifetimes, in seconds.
pub const SESSION_LIFETIME: i64 = 2 * 3600;
pub const SIGNIN_LIFETIME: i64 = 10 * 60;
pub const CODE_LIFETIME: i64 = 300;
pub const SESSION_TOKEN_LIFETIME: i64 = 300;
/// An `/api/v1/authn` state token lasts five minutes, as Okta's do.
pub const AUTHN_STATE_LIFETIME: i64 = 300;
/// A password reset link works for an hour (Okta's default recovery token lifetime).
pub const RECOVERY_TOKEN_LIFETIME: i64 = 3600;
/// Custom authorization server default: refresh tokens last until unused for 7 days
/// (Okta's default policy rule); the org server: 90 days.
pub const REFRESH_LIFETIME: i64 = 90 * 24 * 3600;

#[derive(Clone, Default)]
pub struct Ledger {
    store: Arc<Mutex<Store>>,
    clock: Clock,
}

impl Ledger {
    pub fn new(clock: Clock) -> Self {
        Self {
            store: Arc::default(),
            clock,
        }
    }

    /// Forgets everything: sessions, sign-ins, pending requests, codes, refresh tokens,
    /// session tokens, revocations (test control's reset).
    pub fn clear(&self) {
        *self.lock() = Store::default();
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    // ---- sessions ----

    pub fn create_session(&self, user_id: &str, amr: Vec<String>) -> Session {
        let now = self.clock.now();
        let session = Session {
            id: format!("102{}", &opaque_token()[..22]),
            user_id: user_id.to_owned(),
            created: now,
            auth_time: now,
            expires_at: now + SESSION_LIFETIME,
            last_used: now,
            amr,
            csrf: opaque_token(),
        };
        let mut s = self.lock();
        insert_bounded(&mut s.sessions, session.id.clone(), session.clone(), |s| {
            s.expires_at
        });
        s.inserted(now);
        session
    }

    /// A live session by id; using it extends its idle lifetime.
    pub fn session(&self, id: &str) -> Option<Session> {
        let now = self.clock.now();
        let mut s = self.lock();
        let session = s.sessions.get_mut(id)?;
        if session.expires_at <= now {
            s.sessions.remove(id);
            return None;
        }
        session.last_used = now;
        session.expires_at = now + SESSION_LIFETIME;
        Some(session.clone())
    }

    /// A live session by id, as the Management API reads it: looking does not extend it.
    pub fn peek_session(&self, id: &str) -> Option<Session> {
        let now = self.clock.now();
        self.lock()
            .sessions
            .get(id)
            .filter(|s| s.expires_at > now)
            .cloned()
    }

    pub fn end_session(&self, id: &str) -> bool {
        self.lock().sessions.remove(id).is_some()
    }

    /// Ends every session of a user (deactivation, suspension, an admin's "clear sessions").
    pub fn end_user_sessions(&self, user_id: &str) {
        self.lock().sessions.retain(|_, s| s.user_id != user_id);
    }

    /// Revokes every refresh token issued to a user (`oauthTokens=true` when an admin
    /// clears the user's sessions).
    pub fn revoke_user_refresh_tokens(&self, user_id: &str) {
        self.lock().refresh.retain(|_, t| t.user_id != user_id);
    }

    // ---- sign-in transactions ----

    pub fn start_signin(&self, from_uri: Option<String>, login_hint: Option<String>) -> String {
        let now = self.clock.now();
        let token = format!("02.id.{}", opaque_token());
        let mut s = self.lock();
        let tx = SigninTx {
            from_uri,
            identifier: None,
            login_hint,
            password_expired: false,
            expires_at: now + SIGNIN_LIFETIME,
        };
        insert_bounded(&mut s.signins, token.clone(), tx, |t| t.expires_at);
        s.inserted(now);
        token
    }

    pub fn signin(&self, token: &str) -> Option<SigninTx> {
        let now = self.clock.now();
        self.lock()
            .signins
            .get(token)
            .filter(|t| t.expires_at > now)
            .cloned()
    }

    /// The sign-in proved the user's expired password; only a new password finishes it.
    pub fn signin_needs_new_password(&self, token: &str) {
        if let Some(t) = self.lock().signins.get_mut(token) {
            t.password_expired = true;
        }
    }

    pub fn set_signin_identifier(&self, token: &str, identifier: &str) {
        if let Some(t) = self.lock().signins.get_mut(token) {
            t.identifier = Some(identifier.to_owned());
        }
    }

    pub fn finish_signin(&self, token: &str) -> Option<SigninTx> {
        let now = self.clock.now();
        self.lock()
            .signins
            .remove(token)
            .filter(|t| t.expires_at > now)
    }

    // ---- pending authorize requests ----

    pub fn park_authorize(&self, pending: PendingAuthorize) -> String {
        let now = self.clock.now();
        let key = opaque_token();
        let mut s = self.lock();
        insert_bounded(&mut s.pending, key.clone(), pending, |p| p.expires_at);
        s.inserted(now);
        key
    }

    pub fn pending_authorize(&self, key: &str) -> Option<PendingAuthorize> {
        let now = self.clock.now();
        self.lock()
            .pending
            .get(key)
            .filter(|p| p.expires_at > now)
            .cloned()
    }

    pub fn drop_pending(&self, key: &str) {
        self.lock().pending.remove(key);
    }

    // ---- codes ----

    pub fn issue_code(&self, grant: AuthCode) -> String {
        let now = self.clock.now();
        let code = opaque_token();
        let mut s = self.lock();
        insert_bounded(&mut s.codes, code.clone(), grant, |c| c.expires_at);
        s.inserted(now);
        code
    }

    /// Takes a code: a code can be redeemed once, whatever the outcome.
    pub fn take_code(&self, code: &str) -> Option<AuthCode> {
        let now = self.clock.now();
        self.lock()
            .codes
            .remove(code)
            .filter(|c| c.expires_at > now)
    }

    // ---- refresh tokens ----

    pub fn issue_refresh(&self, grant: RefreshToken) -> String {
        let now = self.clock.now();
        let token = opaque_token();
        let mut s = self.lock();
        insert_bounded(&mut s.refresh, token.clone(), grant, |r| r.expires_at);
        s.inserted(now);
        token
    }

    pub fn refresh(&self, token: &str) -> Option<RefreshToken> {
        let now = self.clock.now();
        self.lock()
            .refresh
            .get(token)
            .filter(|r| r.expires_at > now && r.grace_until.is_none_or(|g| g > now))
            .cloned()
    }

    /// Rotation: the old token keeps working for `leeway` seconds, then stops.
    pub fn retire_refresh(&self, token: &str, leeway: i64) {
        let now = self.clock.now();
        if let Some(r) = self.lock().refresh.get_mut(token) {
            r.grace_until = Some(now + leeway);
        }
    }

    pub fn revoke_refresh(&self, token: &str) -> Option<RefreshToken> {
        self.lock().refresh.remove(token)
    }

    // ---- password reset tokens (lifecycle/reset_password) ----

    /// A new reset token for the user; earlier ones of the same user stop working.
    pub fn issue_recovery_token(&self, user_id: &str) -> String {
        let now = self.clock.now();
        let token = crate::ids::alphanumeric(20);
        let mut s = self.lock();
        s.recovery_tokens.retain(|_, (u, _)| u != user_id);
        let entry = (user_id.to_owned(), now + RECOVERY_TOKEN_LIFETIME);
        insert_bounded(&mut s.recovery_tokens, token.clone(), entry, |(_, exp)| {
            *exp
        });
        s.inserted(now);
        token
    }

    /// The user a live reset token belongs to (the token stays until it is used).
    pub fn recovery_user(&self, token: &str) -> Option<String> {
        let now = self.clock.now();
        self.lock()
            .recovery_tokens
            .get(token)
            .filter(|(_, exp)| *exp > now)
            .map(|(u, _)| u.clone())
    }

    /// Uses up a reset token.
    pub fn spend_recovery_token(&self, token: &str) {
        self.lock().recovery_tokens.remove(token);
    }

    // ---- one-time session tokens (/api/v1/authn) ----

    pub fn issue_session_token(&self, user_id: &str) -> (String, i64) {
        let now = self.clock.now();
        let token = format!("20111{}", &opaque_token()[..37]);
        let expires = now + SESSION_TOKEN_LIFETIME;
        let mut s = self.lock();
        let entry = (user_id.to_owned(), expires);
        insert_bounded(&mut s.session_tokens, token.clone(), entry, |(_, exp)| *exp);
        s.inserted(now);
        (token, expires)
    }

    /// Redeems a session token once; returns the user id.
    pub fn redeem_session_token(&self, token: &str) -> Option<String> {
        let now = self.clock.now();
        self.lock()
            .session_tokens
            .remove(token)
            .filter(|(_, exp)| *exp > now)
            .map(|(u, _)| u)
    }

    // ---- /api/v1/authn transactions (state tokens) ----

    /// A state token for the user's authentication transaction, and its expiry.
    pub fn start_authn(&self, user_id: &str) -> (String, i64) {
        let now = self.clock.now();
        let token = format!("00{}", &opaque_token()[..40]);
        let expires = now + AUTHN_STATE_LIFETIME;
        let mut s = self.lock();
        let entry = (user_id.to_owned(), expires);
        insert_bounded(&mut s.authn_states, token.clone(), entry, |(_, exp)| *exp);
        s.inserted(now);
        (token, expires)
    }

    /// The user of a live state token, and the token's expiry.
    pub fn authn_user(&self, token: &str) -> Option<(String, i64)> {
        let now = self.clock.now();
        self.lock()
            .authn_states
            .get(token)
            .filter(|(_, exp)| *exp > now)
            .cloned()
    }

    /// Ends an authentication transaction (finished or cancelled).
    pub fn end_authn(&self, token: &str) {
        self.lock().authn_states.remove(token);
    }

    // ---- revocation of stateless tokens ----

    pub fn revoke_jti(&self, jti: &str, exp: i64) {
        let now = self.clock.now();
        let mut s = self.lock();
        insert_bounded(&mut s.revoked, jti.to_owned(), exp, |exp| *exp);
        s.inserted(now);
    }

    pub fn is_revoked(&self, jti: &str) -> bool {
        self.lock().revoked.contains_key(jti)
    }

    /// Marks `key` used until `exp`; false when it was used already (a replayed `jti`).
    pub fn use_once(&self, key: &str, exp: i64) -> bool {
        let now = self.clock.now();
        let mut s = self.lock();
        if s.used.contains_key(key) {
            return false;
        }
        insert_bounded(&mut s.used, key.to_owned(), exp, |exp| *exp);
        s.inserted(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(clock: &Clock) -> AuthCode {
        AuthCode {
            server: AuthServer::DEFAULT,
            client_id: "c".into(),
            redirect_uri: "https://a/cb".into(),
            user_id: "u".into(),
            scopes: vec![],
            nonce: None,
            code_challenge: None,
            auth_time: clock.now(),
            amr: vec![],
            session_id: None,
            expires_at: clock.now() + CODE_LIFETIME,
        }
    }

    #[test]
    fn each_kind_keeps_at_most_its_cap_dropping_what_expires_first() {
        let clock = Clock::default();
        let ledger = Ledger::new(clock.clone());
        let first = ledger.start_signin(None, None);
        clock.advance(1);
        for _ in 1..MAX_PER_KIND {
            ledger.start_signin(None, None);
        }
        assert_eq!(ledger.lock().signins.len(), MAX_PER_KIND);
        clock.advance(1);
        let newest = ledger.start_signin(None, None);
        let len = ledger.lock().signins.len();
        assert_eq!(len, MAX_PER_KIND - MAX_PER_KIND / 10 + 1);
        assert!(
            ledger.signin(&first).is_none(),
            "the first to expire went first"
        );
        assert!(ledger.signin(&newest).is_some());
        // The other kinds are counted on their own.
        let code = ledger.issue_code(code(&clock));
        assert!(ledger.take_code(&code).is_some());
    }

    #[test]
    fn codes_are_single_use_and_expire_after_300_seconds() {
        let clock = Clock::default();
        let g = Ledger::new(clock.clone());
        let c = g.issue_code(code(&clock));
        assert_eq!(c.len(), 43);
        assert!(g.take_code(&c).is_some());
        assert!(g.take_code(&c).is_none());
        let c = g.issue_code(code(&clock));
        clock.advance(301);
        assert!(g.take_code(&c).is_none());
    }

    #[test]
    fn session_tokens_are_one_time() {
        let g = Ledger::new(Clock::default());
        let (t, _) = g.issue_session_token("00u1");
        assert_eq!(g.redeem_session_token(&t).as_deref(), Some("00u1"));
        assert_eq!(g.redeem_session_token(&t), None);
    }

    #[test]
    fn sessions_expire_when_idle() {
        let clock = Clock::default();
        let g = Ledger::new(clock.clone());
        let s = g.create_session("00u1", vec!["pwd".into()]);
        assert!(g.session(&s.id).is_some());
        clock.advance(SESSION_LIFETIME + 1);
        assert!(g.session(&s.id).is_none());
    }
}
