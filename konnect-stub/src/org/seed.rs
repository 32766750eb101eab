//! The initial state: organizations, users and identity providers from the command line and
//! an optional seed file, and how they become the store's contents. The same validation rules
//! as the API apply (an identity provider goes through [`IdentityProvider::apply`]).

use std::time::SystemTime;

use serde::Deserialize;

use super::identity::{AuthSettings, AuthSettingsPatch, IdentityProvider, IdentityProviderPatch};
use super::store::{Organization, Password, State, User};
use super::teams::{Memberships, ORGANIZATION_ADMIN, predefined_teams};
use super::types::{Email, LoginPath, Role, Tier};
use crate::crypto::new_uuid;

/// The initial organizations. Built by `Config` from flags and the seed file, or in code.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    pub organizations: Vec<SeedOrganization>,
    /// When true, any bearer token starting with `kpat_` authenticates as the first
    /// organization's owner (the default when no `--admin-token` is given).
    #[serde(default)]
    pub any_kpat_is_admin: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOrganization {
    pub name: String,
    #[serde(default = "enterprise")]
    pub tier: Tier,
    /// The first Organization Admin listed becomes the owner.
    pub users: Vec<SeedUser>,
    #[serde(default)]
    pub identity_provider: Option<SeedIdentityProvider>,
    #[serde(default = "yes")]
    pub basic_auth_enabled: bool,
}

fn enterprise() -> Tier {
    Tier::Enterprise
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    pub email: String,
    /// Without a password the user can only log in through SSO.
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default = "member")]
    pub role: Role,
    /// A personal access token (`kpat_…`) for the v2 API.
    #[serde(default)]
    pub token: Option<String>,
}

fn member() -> Role {
    Role::Member
}

/// A pre-configured OIDC provider. Discovery is not checked at start-up: the provider may
/// start later than the stub.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedIdentityProvider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    #[serde(default)]
    pub login_path: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Turns `oidc_auth_enabled` on (the default).
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// The store's initial contents; every problem names the organization or user at fault.
pub(super) fn load(seed: Seed, now: SystemTime) -> Result<State, String> {
    let mut st = State::default();
    let mut login_paths: Vec<LoginPath> = Vec::new();
    for (i, o) in seed.organizations.into_iter().enumerate() {
        let name = o.name.trim().to_owned();
        if name.is_empty() {
            return Err(format!("organization #{}: name cannot be blank", i + 1));
        }
        let org_id = new_uuid();
        let teams = predefined_teams(now);
        let admin_team = teams
            .iter()
            .find(|t| t.name == ORGANIZATION_ADMIN)
            .map(|t| t.id.clone())
            .ok_or_else(|| format!("{name}: no Organization Admin team"))?;
        let mut owner = None;
        for u in o.users {
            let email = Email::parse(&u.email).map_err(|e| format!("{name}: {e}"))?;
            if st.by_email.contains_key(&email) {
                return Err(format!("{name}: user {email} is listed twice"));
            }
            if let Some(token) = &u.token
                && (!token.starts_with("kpat_") || token.len() < 6)
            {
                return Err(format!("{name}: token of {email} must start with kpat_"));
            }
            if u.password.as_deref().is_some_and(str::is_empty) {
                return Err(format!("{name}: password of {email} is empty"));
            }
            let id = new_uuid();
            if u.role.is_admin() && owner.is_none() {
                owner = Some(id.clone());
            }
            if let Some(token) = u.token
                && st.tokens.insert(token, id.clone()).is_some()
            {
                return Err(format!("{name}: token of {email} is used twice"));
            }
            st.by_email.insert(email.clone(), id.clone());
            st.users.insert(
                id.clone(),
                User {
                    id,
                    org_id: org_id.clone(),
                    full_name: u
                        .full_name
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| email.local_part().to_owned()),
                    email,
                    role: u.role,
                    // An Organization Admin is one by being in the Organization Admin team.
                    teams: Memberships {
                        konnect: if u.role.is_admin() {
                            [admin_team.clone()].into()
                        } else {
                            Default::default()
                        },
                        idp: Default::default(),
                    },
                    created_at: now,
                    updated_at: now,
                    password: u.password.as_deref().map(Password::new),
                    sso_identity: None,
                },
            );
        }
        let owner_id = owner.ok_or_else(|| {
            format!("{name}: needs at least one user with role organization-admin")
        })?;
        let mut org = Organization {
            id: org_id.clone(),
            name,
            tier: o.tier,
            owner_id,
            created_at: now,
            updated_at: now,
            identity_provider: None,
            auth_settings: AuthSettings {
                basic_auth_enabled: o.basic_auth_enabled,
                ..AuthSettings::default()
            },
            saml_provider: None,
            teams,
            team_group_mappings: Vec::new(),
        };
        if let Some(idp) = o.identity_provider {
            let patch = IdentityProviderPatch {
                issuer: Some(idp.issuer),
                login_path: idp.login_path,
                client_id: Some(idp.client_id),
                client_secret: Some(idp.client_secret),
                scopes: idp.scopes,
                claim_mappings: None,
            };
            let provider = IdentityProvider::apply(None, &patch, org.default_login_path())
                .map_err(|errs| {
                    let list: Vec<String> = errs
                        .iter()
                        .map(|e| format!("{} {}", e.field, e.reason))
                        .collect();
                    format!("{}: identity_provider: {}", org.name, list.join("; "))
                })?;
            if login_paths.contains(&provider.login_path) {
                return Err(format!(
                    "{}: login path {} is used by another organization",
                    org.name, provider.login_path
                ));
            }
            login_paths.push(provider.login_path.clone());
            let mut provider = provider;
            provider.created_at = now;
            provider.updated_at = now;
            org.identity_provider = Some(provider);
            let enable = AuthSettingsPatch {
                oidc_auth_enabled: Some(idp.enabled),
                ..Default::default()
            };
            org.auth_settings = org
                .auth_settings
                .apply(&enable, true, org.tier)
                .map_err(|e| format!("{}: cannot enable OIDC: {e}", org.name))?;
        }
        if i == 0 && seed.any_kpat_is_admin {
            st.any_kpat_user = Some(org.owner_id.clone());
        }
        st.org_order.push(org_id.clone());
        st.orgs.insert(org_id, org);
    }
    if st.orgs.is_empty() {
        return Err("at least one organization is needed".to_owned());
    }
    Ok(st)
}
