//! Checking a token this org issued: signature, issuer, expiry and revocation, for the
//! endpoints that are given tokens (userinfo, introspect, revoke, logout) and the Management
//! API's Bearer tokens.

use crate::{paths::AuthServer, state::AppState};

/// What a verified access or ID token says about itself.
pub struct Verified {
    pub(crate) claims: serde_json::Value,
}

impl Verified {
    pub fn str(&self, k: &str) -> Option<&str> {
        self.claims.get(k).and_then(|v| v.as_str())
    }

    pub fn int(&self, k: &str) -> Option<i64> {
        self.claims.get(k).and_then(|v| v.as_i64())
    }

    /// An access token (`jti` `AT.…`), as opposed to an ID token (`ID.…`).
    pub fn is_access_token(&self) -> bool {
        self.str("jti").is_some_and(|j| j.starts_with("AT."))
    }

    /// The `scp` claim of an access token.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.claims
            .get("scp")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
    }
}

/// Verifies one of our JWTs for a server: signature, issuer, expiry (unless
/// `allow_expired`), revocation.
pub async fn verify_jwt(
    state: &AppState,
    server: AuthServer,
    token: &str,
    allow_expired: bool,
) -> Option<Verified> {
    let claims = state.keys.verify(token).await?;
    let v = Verified { claims };
    if v.str("iss")? != state.org.issuer(server) {
        return None;
    }
    if !allow_expired && v.int("exp")? <= state.clock.now() {
        return None;
    }
    if v.str("jti").is_some_and(|j| state.ledger.is_revoked(j)) {
        return None;
    }
    Some(v)
}
