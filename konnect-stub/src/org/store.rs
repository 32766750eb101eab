//! The in-memory store. Every read hands out clones and every write validates under one lock,
//! so handlers never see half-applied changes and never hold the lock across an await.

use std::{
    collections::HashMap,
    sync::{PoisonError, RwLock},
    time::SystemTime,
};

use super::identity::{
    AuthSettings, AuthSettingsPatch, IdentityProvider, IdentityProviderPatch, InvalidParameter,
    OidcClient, SamlProvider, SettingsRefusal,
};
use super::seed::Seed;
use super::sessions::{SessionToken, Sessions};
use super::teams::{Memberships, ORGANIZATION_ADMIN, Team, TeamGroupMapping, role_of};
use super::types::{Email, LoginPath, Role, Tier};
use crate::crypto::{ct_eq, hash_password};

#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub owner_id: String,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub identity_provider: Option<IdentityProvider>,
    pub auth_settings: AuthSettings,
    /// A SAML identity provider stored through `/v3/identity-providers` (logins through it
    /// are refused).
    pub saml_provider: Option<SamlProvider>,
    /// Konnect's predefined teams first, then custom teams in the order they were made.
    pub teams: Vec<Team>,
    /// The identity provider's groups mapped to teams, oldest first.
    pub team_group_mappings: Vec<TeamGroupMapping>,
}

impl Organization {
    /// The registration to use for SSO, when OIDC is on and the provider is complete.
    pub fn sso_client(&self) -> Option<OidcClient> {
        if !self.auth_settings.oidc_auth_enabled {
            return None;
        }
        let client = self.identity_provider.as_ref()?.client()?;
        Some(OidcClient {
            groups_wanted: super::teams::groups_matter(
                &self.auth_settings,
                &self.team_group_mappings,
            ),
            ..client
        })
    }

    /// Whether an identity provider (OIDC or SAML) is configured: group mappings need one.
    pub fn has_identity_provider(&self) -> bool {
        self.identity_provider.is_some() || self.saml_provider.is_some()
    }

    /// The login path, but only while SSO is on (`/v2/organizations/me`: "Blank otherwise").
    pub fn sso_login_path(&self) -> Option<&LoginPath> {
        self.sso_client()?;
        self.identity_provider.as_ref().map(|idp| &idp.login_path)
    }

    /// Whether a provider other than the OIDC one with id `except` uses `path` (login paths
    /// are unique, so each names one provider).
    pub(super) fn uses_login_path(&self, path: &LoginPath, except: &str) -> bool {
        let oidc = self
            .identity_provider
            .as_ref()
            .is_some_and(|p| p.id != except && &p.login_path == path);
        let saml = self
            .saml_provider
            .as_ref()
            .is_some_and(|p| p.id != except && &p.login_path == path);
        oidc || saml
    }

    /// Applies an authentication-settings patch with Konnect's rules for this organization.
    pub(super) fn next_auth_settings(
        &self,
        patch: &AuthSettingsPatch,
    ) -> Result<AuthSettings, SettingsRefusal> {
        let complete = self
            .identity_provider
            .as_ref()
            .is_some_and(|idp| idp.client().is_some());
        self.auth_settings
            .apply_with_saml(patch, complete, self.saml_provider.is_some(), self.tier)
    }

    /// The login path a new identity provider gets when none is given.
    pub fn default_login_path(&self) -> LoginPath {
        LoginPath::slug_of(&self.name)
    }

    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// The id of the predefined Organization Admin team (every organization has it).
    pub fn organization_admin_team_id(&self) -> &str {
        self.teams
            .iter()
            .find(|t| t.system_team && t.name == ORGANIZATION_ADMIN)
            .map_or("", |t| t.id.as_str())
    }

    /// The user's teams, in the organization's order.
    pub fn teams_of<'a>(&'a self, user: &User) -> Vec<&'a Team> {
        self.teams
            .iter()
            .filter(|t| user.teams.contains(&t.id))
            .collect()
    }

    /// The groups mapped to a team, in the order they were mapped.
    pub fn groups_of_team(&self, team_id: &str) -> Vec<String> {
        self.team_group_mappings
            .iter()
            .filter(|m| m.team_id == team_id)
            .map(|m| m.group.clone())
            .collect()
    }

    /// The role `user` has by ownership and teams (see [`role_of`]).
    pub(super) fn role_of(&self, user: &User) -> Role {
        role_of(
            user.id == self.owner_id,
            &user.teams,
            self.organization_admin_team_id(),
        )
    }
}

#[derive(Debug, Clone)]
pub(super) struct Password {
    salt: [u8; 16],
    hash: [u8; 32],
}

impl Password {
    pub(super) fn new(clear: &str) -> Self {
        let salt: [u8; 16] = rand::random();
        Self {
            salt,
            hash: hash_password(&salt, clear),
        }
    }

    fn matches(&self, clear: &str) -> bool {
        ct_eq(&hash_password(&self.salt, clear), &self.hash)
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub email: Email,
    pub full_name: String,
    /// Follows from ownership and the Organization Admin team ([`Organization::role_of`]).
    pub role: Role,
    pub teams: Memberships,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    pub(super) password: Option<Password>,
    /// The provider identity (issuer, subject) SSO created or linked this user for.
    pub(super) sso_identity: Option<(String, String)>,
}

impl User {
    /// SSO-provisioned users have no password and cannot use basic auth.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
}

/// Why a basic-auth login was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Unknown email, wrong password, or a user without a password.
    BadCredentials,
    /// The guide's rule: while OIDC is on, members (and everyone once basic auth is off) log in
    /// through the organization's login path.
    SsoRequired {
        org_name: String,
        login_path: LoginPath,
    },
}

/// Why an identity or settings update was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    NoSuchOrganization,
    Settings(SettingsRefusal),
    InvalidProvider(Vec<InvalidParameter>),
}

/// The directory's contents, under one lock (filled by `seed.rs`).
#[derive(Debug, Default, Clone)]
pub(super) struct State {
    pub(super) orgs: HashMap<String, Organization>,
    /// Organization ids in seed order.
    pub(super) org_order: Vec<String>,
    pub(super) users: HashMap<String, User>,
    /// Lower-cased email -> user id. Emails are unique across organizations, since Konnect
    /// matches a person to an organization by email.
    pub(super) by_email: HashMap<Email, String>,
    /// Personal access token -> user id.
    pub(super) tokens: HashMap<String, String>,
    /// The user a wildcard `kpat_…` token stands for.
    pub(super) any_kpat_user: Option<String>,
}

/// The directory's organizations, users, identity settings and tokens at one moment, for
/// test control's reset.
#[derive(Debug, Clone)]
pub struct Snapshot(State);

/// All organizations, users and sessions.
#[derive(Debug)]
pub struct Directory {
    state: RwLock<State>,
    sessions: Sessions,
}

impl Directory {
    /// Builds the store from a seed; every problem names the organization or user at fault.
    pub fn new(seed: Seed, now: SystemTime) -> Result<Self, String> {
        Ok(Self {
            state: RwLock::new(super::seed::load(seed, now)?),
            sessions: Sessions::default(),
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn organization(&self, id: &str) -> Option<Organization> {
        self.read().orgs.get(id).cloned()
    }

    /// All organizations, oldest first by name for stable output.
    /// All organizations in seed order: the one the command line describes comes first.
    pub fn organizations(&self) -> Vec<Organization> {
        let st = self.read();
        st.org_order
            .iter()
            .filter_map(|id| st.orgs.get(id))
            .cloned()
            .collect()
    }

    /// What the organizations hold, as the binary says at start:
    /// "Acme Co. (enterprise, 2 users), Globex (free, 2 users)".
    pub fn summary(&self) -> String {
        let st = self.read();
        st.org_order
            .iter()
            .filter_map(|id| st.orgs.get(id))
            .map(|org| {
                let users = st.users.values().filter(|u| u.org_id == org.id).count();
                format!("{} ({}, {users} users)", org.name, org.tier.label())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn user(&self, id: &str) -> Option<User> {
        self.read().users.get(id).cloned()
    }

    /// The organization's users, oldest first (then by email).
    pub fn users_of(&self, org_id: &str) -> Vec<User> {
        let st = self.read();
        let mut users: Vec<User> = st
            .users
            .values()
            .filter(|u| u.org_id == org_id)
            .cloned()
            .collect();
        users.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.email.as_str().cmp(b.email.as_str()))
        });
        users
    }

    pub fn user_by_email(&self, email: &Email) -> Option<User> {
        let st = self.read();
        st.by_email
            .get(email)
            .and_then(|id| st.users.get(id))
            .cloned()
    }

    /// The organization whose identity provider uses `path`, whether or not SSO is on.
    pub fn organization_by_login_path(&self, path: &str) -> Option<Organization> {
        self.read()
            .orgs
            .values()
            .find(|o| {
                o.identity_provider
                    .as_ref()
                    .is_some_and(|idp| idp.login_path.as_str() == path)
            })
            .cloned()
    }

    /// The user a personal access token belongs to.
    pub fn user_by_token(&self, token: &str) -> Option<User> {
        let st = self.read();
        let known = st
            .tokens
            .iter()
            .find(|(t, _)| ct_eq(t.as_bytes(), token.as_bytes()))
            .map(|(_, id)| id);
        let id = match known {
            Some(id) => Some(id),
            None if token.len() > "kpat_".len() && token.starts_with("kpat_") => {
                st.any_kpat_user.as_ref()
            }
            None => None,
        }?;
        st.users.get(id).cloned()
    }

    /// Basic-auth login with the guide's rule for organizations that use SSO.
    pub fn check_password(&self, email: &str, password: &str) -> Result<User, LoginRefusal> {
        let email = Email::parse(email).map_err(|_| LoginRefusal::BadCredentials)?;
        let st = self.read();
        let user = st
            .by_email
            .get(&email)
            .and_then(|id| st.users.get(id))
            .ok_or(LoginRefusal::BadCredentials)?;
        let ok = user.password.as_ref().is_some_and(|p| p.matches(password));
        if !ok {
            return Err(LoginRefusal::BadCredentials);
        }
        let org = st
            .orgs
            .get(&user.org_id)
            .ok_or(LoginRefusal::BadCredentials)?;
        let settings = org.auth_settings;
        let allowed = if settings.oidc_auth_enabled || settings.saml_auth_enabled {
            settings.basic_auth_enabled && user.role.is_admin()
        } else {
            settings.basic_auth_enabled
        };
        if allowed {
            return Ok(user.clone());
        }
        match org.sso_login_path() {
            Some(path) => Err(LoginRefusal::SsoRequired {
                org_name: org.name.clone(),
                login_path: path.clone(),
            }),
            None => Err(LoginRefusal::BadCredentials),
        }
    }

    /// Applies an identity-provider patch: Konnect's field rules, and a login path no other
    /// organization uses.
    pub fn update_identity_provider(
        &self,
        org_id: &str,
        patch: &IdentityProviderPatch,
        now: SystemTime,
    ) -> Result<IdentityProvider, UpdateError> {
        let mut st = self.write();
        let org = st.orgs.get(org_id).ok_or(UpdateError::NoSuchOrganization)?;
        let next = IdentityProvider::apply(
            org.identity_provider.as_ref(),
            patch,
            org.default_login_path(),
        )
        .map_err(UpdateError::InvalidProvider)?;
        let taken = st
            .orgs
            .values()
            .any(|o| o.uses_login_path(&next.login_path, &next.id));
        if taken {
            return Err(UpdateError::InvalidProvider(vec![InvalidParameter::new(
                "login_path",
                "is already used by another organization",
            )]));
        }
        // A provider that became incomplete cannot stay enabled (it cannot, through the patch
        // rules, but the invariant is cheap to keep here).
        let org = st
            .orgs
            .get_mut(org_id)
            .ok_or(UpdateError::NoSuchOrganization)?;
        if next.client().is_none() {
            org.auth_settings.oidc_auth_enabled = false;
        }
        let mut next = next;
        if org.identity_provider.is_none() {
            next.created_at = now;
        }
        next.updated_at = now;
        org.identity_provider = Some(next.clone());
        org.updated_at = now;
        Ok(next)
    }

    pub fn update_auth_settings(
        &self,
        org_id: &str,
        patch: &AuthSettingsPatch,
        now: SystemTime,
    ) -> Result<AuthSettings, UpdateError> {
        let mut st = self.write();
        let org = st
            .orgs
            .get_mut(org_id)
            .ok_or(UpdateError::NoSuchOrganization)?;
        let next = org
            .next_auth_settings(patch)
            .map_err(UpdateError::Settings)?;
        org.auth_settings = next;
        org.updated_at = now;
        Ok(next)
    }

    /// Opens a Konnect session for the user (see `sessions.rs`).
    pub fn open_session(&self, user_id: &str, now: SystemTime) -> SessionToken {
        self.sessions.open(user_id, now)
    }

    /// The user and organization of a live session.
    pub fn session(&self, token: &str, now: SystemTime) -> Option<(User, Organization)> {
        let user_id = self.sessions.user_id(token, now)?;
        let st = self.read();
        let user = st.users.get(&user_id)?;
        let org = st.orgs.get(&user.org_id)?;
        Some((user.clone(), org.clone()))
    }

    pub fn close_session(&self, token: &str) {
        self.sessions.close(token);
    }

    /// The organizations, users, identity settings and tokens as they are now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.read().clone())
    }

    /// Back to `snapshot`, with every session closed.
    pub fn restore(&self, snapshot: &Snapshot) {
        *self.write() = snapshot.0.clone();
        self.sessions.clear();
    }

    /// Configures and enables SSO directly (used by the whole-stack launcher's set-up and by
    /// tests); the same rules as the API apply, but discovery is not fetched.
    pub fn enable_sso(
        &self,
        org_id: &str,
        client: OidcClient,
        login_path: Option<&str>,
        now: SystemTime,
    ) -> Result<IdentityProvider, UpdateError> {
        let patch = IdentityProviderPatch {
            issuer: Some(client.issuer),
            login_path: login_path.map(str::to_owned),
            client_id: Some(client.client_id),
            client_secret: Some(client.client_secret),
            scopes: Some(client.scopes),
            claim_mappings: Some(super::identity::ClaimMappingsPatch {
                name: Some(client.claim_mappings.name),
                email: Some(client.claim_mappings.email),
                groups: Some(client.claim_mappings.groups),
            }),
        };
        let idp = self.update_identity_provider(org_id, &patch, now)?;
        self.update_auth_settings(org_id, &AuthSettingsPatch::enable_oidc(), now)?;
        Ok(idp)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::org::sessions::SESSION_LIFETIME;
    use crate::org::{ClaimMappings, SeedOrganization, SeedUser, default_scopes};

    pub(in crate::org) fn seed() -> Seed {
        Seed {
            organizations: vec![
                SeedOrganization {
                    name: "Acme Co.".into(),
                    tier: Tier::Enterprise,
                    users: vec![
                        SeedUser {
                            email: "Admin@Example.com".into(),
                            password: Some("Admin-Passw0rd!".into()),
                            full_name: Some("Ada Admin".into()),
                            role: Role::OrganizationAdmin,
                            token: None,
                        },
                        SeedUser {
                            email: "user@example.com".into(),
                            password: Some("User-Passw0rd!".into()),
                            full_name: None,
                            role: Role::Member,
                            token: Some("kpat_member".into()),
                        },
                    ],
                    identity_provider: None,
                    basic_auth_enabled: true,
                },
                SeedOrganization {
                    name: "Free Org".into(),
                    tier: Tier::Free,
                    users: vec![SeedUser {
                        email: "free@example.com".into(),
                        password: Some("pw".into()),
                        full_name: None,
                        role: Role::OrganizationAdmin,
                        token: None,
                    }],
                    identity_provider: None,
                    basic_auth_enabled: true,
                },
            ],
            any_kpat_is_admin: true,
        }
    }

    /// A complete OIDC registration at a test issuer.
    pub(in crate::org) fn client() -> OidcClient {
        OidcClient {
            issuer: "https://idp.test/oauth2/default".into(),
            client_id: "cid".into(),
            client_secret: "secret".into(),
            scopes: default_scopes(),
            claim_mappings: ClaimMappings::default(),
            groups_wanted: false,
        }
    }

    pub(in crate::org) fn acme(dir: &Directory) -> Organization {
        dir.organizations()
            .into_iter()
            .find(|o| o.name == "Acme Co.")
            .unwrap()
    }

    #[test]
    fn seed_needs_an_admin_and_unique_emails() {
        let now = SystemTime::now();
        let mut s = seed();
        s.organizations[1].users[0].role = Role::Member;
        assert!(
            Directory::new(s, now)
                .unwrap_err()
                .contains("organization-admin")
        );
        let mut s = seed();
        s.organizations[1].users[0].email = "user@EXAMPLE.com".into();
        assert!(Directory::new(s, now).unwrap_err().contains("twice"));
    }

    #[test]
    fn password_login_and_the_sso_rule() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        assert!(
            dir.check_password("admin@example.com", "Admin-Passw0rd!")
                .is_ok()
        );
        assert_eq!(
            dir.check_password("admin@example.com", "wrong")
                .unwrap_err(),
            LoginRefusal::BadCredentials
        );
        assert_eq!(
            dir.check_password("nobody@example.com", "x").unwrap_err(),
            LoginRefusal::BadCredentials
        );
        let org = acme(&dir);
        dir.enable_sso(&org.id, client(), None, now).unwrap();
        // Members must use the login URL; a wrong password is still just wrong.
        assert_eq!(
            dir.check_password("user@example.com", "User-Passw0rd!")
                .unwrap_err(),
            LoginRefusal::SsoRequired {
                org_name: "Acme Co.".into(),
                login_path: LoginPath::parse("acme-co").unwrap()
            }
        );
        assert_eq!(
            dir.check_password("user@example.com", "nope").unwrap_err(),
            LoginRefusal::BadCredentials
        );
        assert!(
            dir.check_password("admin@example.com", "Admin-Passw0rd!")
                .is_ok()
        );
        // Basic auth off: the admin goes through SSO too.
        dir.update_auth_settings(
            &org.id,
            &AuthSettingsPatch {
                basic_auth_enabled: Some(false),
                ..Default::default()
            },
            now,
        )
        .unwrap();
        assert!(matches!(
            dir.check_password("admin@example.com", "Admin-Passw0rd!"),
            Err(LoginRefusal::SsoRequired { .. })
        ));
    }

    #[test]
    fn tokens_known_and_wildcard() {
        let dir = Directory::new(seed(), SystemTime::now()).unwrap();
        assert_eq!(
            dir.user_by_token("kpat_member").unwrap().email.as_str(),
            "user@example.com"
        );
        assert_eq!(
            dir.user_by_token("kpat_anything").unwrap().email.as_str(),
            "admin@example.com"
        );
        assert!(dir.user_by_token("kpat_").is_none());
        assert!(dir.user_by_token("spat_x").is_none());
        let mut s = seed();
        s.any_kpat_is_admin = false;
        let dir = Directory::new(s, SystemTime::now()).unwrap();
        assert!(dir.user_by_token("kpat_anything").is_none());
    }

    #[test]
    fn a_session_stands_for_its_user_until_it_expires_or_closes() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let admin = dir
            .user_by_email(&Email::parse("admin@example.com").unwrap())
            .unwrap();
        let token = dir.open_session(&admin.id, now);
        assert_eq!(dir.session(&token.0, now).unwrap().0.id, admin.id);
        assert!(dir.session(&token.0, now + SESSION_LIFETIME).is_none());
        dir.close_session(&token.0);
        assert!(dir.session(&token.0, now).is_none());
    }

    #[test]
    fn a_restore_goes_back_to_the_snapshot_and_closes_sessions() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let seeded = dir.snapshot();
        let org = acme(&dir);
        dir.enable_sso(&org.id, client(), None, now).unwrap();
        let token = dir.open_session(&org.owner_id, now);
        dir.restore(&seeded);
        assert!(acme(&dir).identity_provider.is_none());
        assert!(dir.session(&token.0, now).is_none());
    }

    #[test]
    fn login_paths_are_unique_across_organizations() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        dir.enable_sso(&org.id, client(), Some("shared"), now)
            .unwrap();
        let free = dir
            .organizations()
            .into_iter()
            .find(|o| o.name == "Free Org")
            .unwrap();
        let patch = IdentityProviderPatch {
            login_path: Some("shared".into()),
            ..Default::default()
        };
        assert!(matches!(
            dir.update_identity_provider(&free.id, &patch, now),
            Err(UpdateError::InvalidProvider(ref e)) if e[0].field == "login_path"
        ));
        assert_eq!(dir.organization_by_login_path("shared").unwrap().id, org.id);
    }
}
