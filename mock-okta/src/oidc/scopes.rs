//! Scopes as an authorization server reads them: the org server's fixed list, the `default`
//! server's directory scopes, and a `scope` parameter split into distinct names.

use crate::{directory::Directory, paths::AuthServer};

/// The scopes of the org authorization server (it has no custom scopes).
pub const ORG_SCOPES: &[&str] = &[
    "openid",
    "email",
    "profile",
    "address",
    "phone",
    "offline_access",
    "groups",
];

/// Whether an authorization server knows a scope.
pub fn known(dir: &Directory, server: AuthServer, scope: &str) -> bool {
    match server {
        AuthServer::Custom(id) => dir.is_known_scope(id, scope),
        AuthServer::Org => ORG_SCOPES.contains(&scope),
    }
}

/// A `scope` parameter's names, in order, each once (Okta ignores repeats).
pub fn split(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in raw.split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|x| x == s) {
            out.push(s.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_order_and_drops_repeats_and_blanks() {
        assert_eq!(
            split("openid  profile openid email"),
            ["openid", "profile", "email"]
        );
        assert!(split("   ").is_empty());
    }

    #[test]
    fn the_org_server_knows_only_its_fixed_scopes() {
        let dir = Directory::new(crate::clock::Clock::default());
        assert!(known(&dir, AuthServer::Org, "groups"));
        assert!(!known(&dir, AuthServer::Org, "okta.users.read"));
    }
}
