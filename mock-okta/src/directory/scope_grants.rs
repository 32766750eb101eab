//! Scope consent grants of an app (`/api/v1/apps/{id}/grants`): which `okta.*` scopes of the
//! org authorization server a service app may ask for with `client_credentials` — the
//! "OAuth for Okta" way to call the Management API without an SSWS token.

use time::OffsetDateTime;

use super::{Cause, DirError, DirResult, Directory, remove_by_id};
use crate::ids::okta_id;

/// The `okta.*` scopes the mock's Management API checks, read and manage per resource.
pub const OKTA_SCOPES: &[&str] = &[
    "okta.apps.read",
    "okta.apps.manage",
    "okta.authorizationServers.read",
    "okta.authorizationServers.manage",
    "okta.groups.read",
    "okta.groups.manage",
    "okta.logs.read",
    "okta.roles.read",
    "okta.roles.manage",
    "okta.sessions.read",
    "okta.sessions.manage",
    "okta.trustedOrigins.read",
    "okta.trustedOrigins.manage",
    "okta.users.read",
    "okta.users.manage",
];

/// One granted scope (of the org authorization server: the only issuer of `okta.*` scopes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeGrant {
    /// `oag…`
    pub id: String,
    pub scope_id: String,
    pub created: OffsetDateTime,
}

impl Directory {
    /// Grants the `okta.*` scope `scope_id` to the app. Granting a scope twice returns the
    /// grant made first.
    pub fn grant_scope(&self, app_id: &str, scope_id: &str) -> DirResult<ScopeGrant> {
        if !OKTA_SCOPES.contains(&scope_id) {
            return Err(DirError::validation(vec![Cause::new(
                "scopeId",
                format!("scopeId: The scope '{scope_id}' is not an Okta API scope"),
            )]));
        }
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        if let Some(existing) = app.scope_grants.iter().find(|g| g.scope_id == scope_id) {
            return Ok(existing.clone());
        }
        let grant = ScopeGrant {
            id: okta_id("oag"),
            scope_id: scope_id.to_owned(),
            created: now,
        };
        app.scope_grants.push(grant.clone());
        Ok(grant)
    }

    /// The app's scope grants, oldest first.
    pub fn scope_grants(&self, app_id: &str) -> DirResult<Vec<ScopeGrant>> {
        Ok(self.app(app_id)?.scope_grants)
    }

    /// Revokes one grant.
    pub fn revoke_scope_grant(&self, app_id: &str, grant_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        remove_by_id(
            &mut app.scope_grants,
            grant_id,
            "OAuth2ScopeConsentGrant",
            |g| &g.id,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::AppInput};
    use serde_json::json;

    #[test]
    fn scope_grants_are_okta_scopes_once_each() {
        let dir = Directory::new(Clock::default());
        let input: AppInput = serde_json::from_value(json!({"name": "oidc_client", "label": "S",
            "settings": {"oauthClient": {"application_type": "service",
                "grant_types": ["client_credentials"], "response_types": ["token"]}}}))
        .unwrap();
        let app = dir.create_app(input, true).unwrap();
        let g = dir.grant_scope(&app.id, "okta.users.read").unwrap();
        assert!(g.id.starts_with("oag"));
        let again = dir.grant_scope(&app.id, "okta.users.read").unwrap();
        assert_eq!(again.id, g.id);
        assert!(
            dir.grant_scope(&app.id, "orders:read").is_err(),
            "not an Okta scope"
        );
        assert_eq!(dir.scope_grants(&app.id).unwrap().len(), 1);
        dir.revoke_scope_grant(&app.id, &g.id).unwrap();
        assert!(dir.scope_grants(&app.id).unwrap().is_empty());
        assert!(dir.revoke_scope_grant(&app.id, &g.id).is_err());
    }
}
