//! The in-memory store. Every read hands out clones and every write validates under one lock,
//! so handlers never see half-applied changes and never hold the lock across an await.

use std::{
    collections::HashMap,
    sync::{PoisonError, RwLock},
    time::{Duration, SystemTime},
};

use serde::Deserialize;

use super::identity::{
    AuthSettings, AuthSettingsPatch, IdentityProvider, IdentityProviderPatch, InvalidParameter,
    OidcClient, SettingsRefusal,
};
use super::types::{Email, LoginPath, Role, Tier};
use crate::crypto::{ct_eq, hash_password, new_uuid, random_token};

/// How long a browser session lasts (Konnect: 12 hours overall, SSO sessions included).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

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
}

impl Organization {
    /// The registration to use for SSO, when OIDC is on and the provider is complete.
    pub fn sso_client(&self) -> Option<OidcClient> {
        if !self.auth_settings.oidc_auth_enabled {
            return None;
        }
        self.identity_provider.as_ref()?.client()
    }

    /// The login path, but only while SSO is on (`/v2/organizations/me`: "Blank otherwise").
    pub fn sso_login_path(&self) -> Option<&LoginPath> {
        self.sso_client()?;
        self.identity_provider.as_ref().map(|idp| &idp.login_path)
    }

    /// The login path a new identity provider gets when none is given.
    pub fn default_login_path(&self) -> LoginPath {
        LoginPath::slug_of(&self.name)
    }
}

#[derive(Debug, Clone)]
struct Password {
    salt: [u8; 16],
    hash: [u8; 32],
}

impl Password {
    fn new(clear: &str) -> Self {
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
    pub role: Role,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    password: Option<Password>,
}

impl User {
    /// SSO-provisioned users have no password and cannot use basic auth.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
}

/// A browser session's secret, as kept in the session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionToken(pub String);

#[derive(Debug, Clone)]
struct Session {
    user_id: String,
    expires_at: SystemTime,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisionError {
    #[error("the organization does not exist")]
    NoSuchOrganization,
    #[error("{email} already belongs to another Konnect organization")]
    EmailInOtherOrganization { email: Email },
}

// ---------------------------------------------------------------------------------------------
// Seed: the initial state, from the command line and an optional seed file.

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

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct State {
    orgs: HashMap<String, Organization>,
    /// Organization ids in seed order.
    org_order: Vec<String>,
    users: HashMap<String, User>,
    /// Lower-cased email -> user id. Emails are unique across organizations, since Konnect
    /// matches a person to an organization by email.
    by_email: HashMap<Email, String>,
    /// Personal access token -> user id.
    tokens: HashMap<String, String>,
    /// The user a wildcard `kpat_…` token stands for.
    any_kpat_user: Option<String>,
    sessions: HashMap<SessionToken, Session>,
}

/// All organizations, users and sessions.
#[derive(Debug)]
pub struct Directory {
    state: RwLock<State>,
}

impl Directory {
    /// Builds the store from a seed; every problem names the organization or user at fault.
    pub fn new(seed: Seed, now: SystemTime) -> Result<Self, String> {
        let mut st = State::default();
        let mut login_paths: Vec<LoginPath> = Vec::new();
        for (i, o) in seed.organizations.into_iter().enumerate() {
            let name = o.name.trim().to_owned();
            if name.is_empty() {
                return Err(format!("organization #{}: name cannot be blank", i + 1));
            }
            let org_id = new_uuid();
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
                        created_at: now,
                        updated_at: now,
                        password: u.password.as_deref().map(Password::new),
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
                org.identity_provider = Some(provider);
                let enable = AuthSettingsPatch {
                    oidc_auth_enabled: Some(idp.enabled),
                    ..Default::default()
                };
                org.auth_settings = org
                    .auth_settings
                    .apply(&enable, true, org.tier)
                    .map_err(|e| format!("{}: cannot enable OIDC: {e:?}", org.name))?;
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
        Ok(Self {
            state: RwLock::new(st),
        })
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
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

    pub fn user(&self, id: &str) -> Option<User> {
        self.read().users.get(id).cloned()
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

    /// The user an SSO login stands for, created as a member on first login.
    pub fn provision_sso_user(
        &self,
        org_id: &str,
        email: &Email,
        full_name: &str,
        now: SystemTime,
    ) -> Result<User, ProvisionError> {
        let mut st = self.write();
        if !st.orgs.contains_key(org_id) {
            return Err(ProvisionError::NoSuchOrganization);
        }
        if let Some(id) = st.by_email.get(email).cloned() {
            let user = st
                .users
                .get_mut(&id)
                .ok_or(ProvisionError::NoSuchOrganization)?;
            if user.org_id != org_id {
                return Err(ProvisionError::EmailInOtherOrganization {
                    email: email.clone(),
                });
            }
            let name = full_name.trim();
            if !name.is_empty() && user.full_name != name {
                user.full_name = name.to_owned();
                user.updated_at = now;
            }
            return Ok(user.clone());
        }
        let id = new_uuid();
        let name = full_name.trim();
        let user = User {
            id: id.clone(),
            org_id: org_id.to_owned(),
            email: email.clone(),
            full_name: if name.is_empty() {
                email.local_part().to_owned()
            } else {
                name.to_owned()
            },
            role: Role::Member,
            created_at: now,
            updated_at: now,
            password: None,
        };
        st.by_email.insert(email.clone(), id.clone());
        st.users.insert(id, user.clone());
        Ok(user)
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
        let taken = st.orgs.values().any(|o| {
            o.id != org_id
                && o.identity_provider
                    .as_ref()
                    .is_some_and(|idp| idp.login_path == next.login_path)
        });
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
        let complete = org
            .identity_provider
            .as_ref()
            .is_some_and(|idp| idp.client().is_some());
        let next = org
            .auth_settings
            .apply(patch, complete, org.tier)
            .map_err(UpdateError::Settings)?;
        org.auth_settings = next;
        org.updated_at = now;
        Ok(next)
    }

    /// Opens a session; expired sessions are dropped on the way.
    pub fn open_session(&self, user_id: &str, now: SystemTime) -> SessionToken {
        let token = SessionToken(random_token());
        let mut st = self.write();
        st.sessions.retain(|_, s| s.expires_at > now);
        st.sessions.insert(
            token.clone(),
            Session {
                user_id: user_id.to_owned(),
                expires_at: now + SESSION_LIFETIME,
            },
        );
        token
    }

    /// The user and organization of a live session.
    pub fn session(&self, token: &str, now: SystemTime) -> Option<(User, Organization)> {
        let st = self.read();
        let session = st.sessions.get(&SessionToken(token.to_owned()))?;
        if session.expires_at <= now {
            return None;
        }
        let user = st.users.get(&session.user_id)?;
        let org = st.orgs.get(&user.org_id)?;
        Some((user.clone(), org.clone()))
    }

    pub fn close_session(&self, token: &str) {
        self.write()
            .sessions
            .remove(&SessionToken(token.to_owned()));
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
        self.update_auth_settings(
            org_id,
            &AuthSettingsPatch {
                oidc_auth_enabled: Some(true),
                ..Default::default()
            },
            now,
        )?;
        Ok(idp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{ClaimMappings, default_scopes};

    fn seed() -> Seed {
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

    fn client() -> OidcClient {
        OidcClient {
            issuer: "https://idp.test/oauth2/default".into(),
            client_id: "cid".into(),
            client_secret: "secret".into(),
            scopes: default_scopes(),
            claim_mappings: ClaimMappings::default(),
        }
    }

    fn acme(dir: &Directory) -> Organization {
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
    fn sessions_expire_and_close() {
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
    fn provisioning_creates_members_once_and_refuses_other_orgs() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        let email = Email::parse("new@example.com").unwrap();
        let a = dir
            .provision_sso_user(&org.id, &email, "New Person", now)
            .unwrap();
        let b = dir
            .provision_sso_user(&org.id, &email, "New Person", now)
            .unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.role, Role::Member);
        assert!(!a.has_password());
        let free = Email::parse("free@example.com").unwrap();
        assert!(matches!(
            dir.provision_sso_user(&org.id, &free, "x", now),
            Err(ProvisionError::EmailInOtherOrganization { .. })
        ));
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
