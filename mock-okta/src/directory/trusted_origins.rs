//! Trusted origins (`/api/v1/trustedOrigins`): origins the org lets call it from a browser
//! (`CORS`) or send browsers back to after sign-out and session-cookie redirects
//! (`REDIRECT`). Nothing else is trusted: an app created or replaced adds one (both scopes)
//! for each origin of its redirect, sign-out and initiate-login URIs not trusted yet, as Okta's
//! app wizard does with an app's base URIs, and an admin can remove it again.

use serde::Deserialize;
use time::OffsetDateTime;

use super::{App, Cause, DirError, DirResult, Directory, Store};
use crate::ids::okta_id;

/// What a trusted origin is trusted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum OriginScope {
    Cors,
    Redirect,
}

impl OriginScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cors => "CORS",
            Self::Redirect => "REDIRECT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedOrigin {
    /// `tos…`
    pub id: String,
    pub name: String,
    /// `scheme://host[:port]`, as browsers send it in `Origin`.
    pub origin: String,
    pub scopes: Vec<OriginScope>,
    pub active: bool,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScopeInput {
    #[serde(rename = "type")]
    pub type_: OriginScope,
}

/// The parts of Okta's `TrustedOriginWrite` a client sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrustedOriginInput {
    pub name: Option<String>,
    pub origin: Option<String>,
    pub scopes: Option<Vec<ScopeInput>>,
}

fn not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "TrustedOrigin",
    }
}

/// Checks the input: a name, an http(s) origin with nothing after the port, a scope.
fn checked(input: TrustedOriginInput) -> DirResult<(String, String, Vec<OriginScope>)> {
    let mut causes = Vec::new();
    let name = input.name.map(|n| n.trim().to_owned()).unwrap_or_default();
    if name.is_empty() {
        causes.push(Cause::blank("name"));
    }
    let raw = input.origin.unwrap_or_default();
    let origin = url::Url::parse(raw.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .filter(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
        .map(|u| u.origin().ascii_serialization());
    if origin.is_none() {
        causes.push(Cause::new(
            "origin",
            format!("origin: '{raw}' is not a valid origin: scheme://host[:port]"),
        ));
    }
    let mut scopes: Vec<OriginScope> = input
        .scopes
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.type_)
        .collect();
    scopes.dedup();
    if scopes.is_empty() {
        causes.push(Cause::new(
            "scopes",
            "scopes: At least one scope (CORS or REDIRECT) is required",
        ));
    }
    if !causes.is_empty() {
        return Err(DirError::validation(causes));
    }
    Ok((name, origin.unwrap_or_default(), scopes))
}

impl Directory {
    pub fn trusted_origins(&self) -> Vec<TrustedOrigin> {
        self.read().trusted_origins.clone()
    }

    pub fn trusted_origin(&self, id: &str) -> DirResult<TrustedOrigin> {
        self.read()
            .trusted_origins
            .iter()
            .find(|t| t.id == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    /// Adds an active trusted origin; an origin is trusted once.
    pub fn create_trusted_origin(&self, input: TrustedOriginInput) -> DirResult<TrustedOrigin> {
        let (name, origin, scopes) = checked(input)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if store.trusted_origins.iter().any(|t| t.origin == origin) {
            return Err(DirError::validation(vec![Cause::taken("origin")]));
        }
        let t = TrustedOrigin {
            id: okta_id("tos"),
            name,
            origin,
            scopes,
            active: true,
            created: now,
            last_updated: now,
        };
        store.trusted_origins.push(t.clone());
        Ok(t)
    }

    pub fn replace_trusted_origin(
        &self,
        id: &str,
        input: TrustedOriginInput,
    ) -> DirResult<TrustedOrigin> {
        let (name, origin, scopes) = checked(input)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if store
            .trusted_origins
            .iter()
            .any(|t| t.origin == origin && t.id != id)
        {
            return Err(DirError::validation(vec![Cause::taken("origin")]));
        }
        let t = store
            .trusted_origins
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| not_found(id))?;
        t.name = name;
        t.origin = origin;
        t.scopes = scopes;
        t.last_updated = now;
        Ok(t.clone())
    }

    pub fn set_trusted_origin_status(&self, id: &str, active: bool) -> DirResult<TrustedOrigin> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let t = store
            .trusted_origins
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| not_found(id))?;
        t.active = active;
        t.last_updated = now;
        Ok(t.clone())
    }

    pub fn delete_trusted_origin(&self, id: &str) -> DirResult<()> {
        let mut store = self.write();
        super::remove_by_id(&mut store.trusted_origins, id, "TrustedOrigin", |t| &t.id)
    }

    /// Whether a browser origin is trusted for `scope` (CORS, or a redirect after sign-out
    /// or a session-cookie redirect): an active trusted origin with that scope.
    pub fn is_trusted_origin(&self, origin: &str, scope: OriginScope) -> bool {
        self.read()
            .trusted_origins
            .iter()
            .any(|t| t.active && t.origin == origin && t.scopes.contains(&scope))
    }
}

impl Store {
    /// Trusts, for CORS and redirects, each origin of the app's redirect, sign-out and
    /// initiate-login URIs that no trusted origin names yet (one an admin narrowed or
    /// deactivated stays as it is).
    pub(super) fn trust_app_origins(&mut self, app: &App, now: OffsetDateTime) {
        let s = &app.settings;
        let origins = s
            .redirect_uris
            .iter()
            .chain(&s.post_logout_redirect_uris)
            .chain(s.initiate_login_uri.iter())
            .filter_map(|u| url::Url::parse(u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .map(|u| u.origin().ascii_serialization());
        for origin in origins {
            if self.trusted_origins.iter().any(|t| t.origin == origin) {
                continue;
            }
            self.trusted_origins.push(TrustedOrigin {
                id: okta_id("tos"),
                name: origin.clone(),
                origin,
                scopes: vec![OriginScope::Cors, OriginScope::Redirect],
                active: true,
                created: now,
                last_updated: now,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use serde_json::json;

    fn input(v: serde_json::Value) -> TrustedOriginInput {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn an_origin_is_trusted_for_its_scopes_while_active() {
        let dir = Directory::new(Clock::default());
        let t = dir
            .create_trusted_origin(input(json!({"name": "Portal",
                "origin": "https://portal.example.com", "scopes": [{"type": "CORS"}]})))
            .unwrap();
        assert!(t.id.starts_with("tos"));
        assert!(dir.is_trusted_origin("https://portal.example.com", OriginScope::Cors));
        assert!(!dir.is_trusted_origin("https://portal.example.com", OriginScope::Redirect));
        dir.set_trusted_origin_status(&t.id, false).unwrap();
        assert!(!dir.is_trusted_origin("https://portal.example.com", OriginScope::Cors));
        let dup = dir.create_trusted_origin(input(json!({"name": "Again",
            "origin": "https://portal.example.com", "scopes": [{"type": "REDIRECT"}]})));
        assert!(dup.is_err());
        let bad = dir.create_trusted_origin(input(json!({"name": "Path",
            "origin": "https://portal.example.com/login", "scopes": [{"type": "CORS"}]})));
        assert!(bad.is_err());
        assert!(
            dir.create_trusted_origin(TrustedOriginInput::default())
                .is_err()
        );
        dir.delete_trusted_origin(&t.id).unwrap();
        assert!(dir.trusted_origins().is_empty());
    }
}
