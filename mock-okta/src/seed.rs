//! The seed file: users, groups, apps, scopes, claims and assignments in the Management
//! API's own JSON shapes, applied through the same directory functions as the API.
//!
//! ```json
//! {
//!   "users":  [{"profile": {"firstName": "Ada", "lastName": "Admin", "email": "admin@example.com",
//!               "login": "admin@example.com"}, "credentials": {"password": {"value": "…"}},
//!               "roles": ["SUPER_ADMIN"]}],
//!   "groups": [{"profile": {"name": "Engineering"}, "members": ["admin@example.com"]}],
//!   "scopes": [{"name": "orders:read", "default": true}],
//!   "claims": [{"name": "groups", "claimType": "IDENTITY", "valueType": "GROUPS",
//!               "group_filter_type": "REGEX", "value": ".*", "alwaysIncludeInToken": true}],
//!   "apps":   [{"name": "oidc_client", "label": "Konnect", "signOnMode": "OPENID_CONNECT",
//!               "settings": {"oauthClient": {…}}, "credentials": {"oauthClient": {…}},
//!               "assignments": {"users": ["admin@example.com"], "groups": ["Everyone"]},
//!               "grants": ["okta.users.read"],
//!               "groupsClaim": {"name": "groups", "groupFilterType": "REGEX", "value": ".*"}}]
//! }
//! ```
//! Users and groups are referred to by login and by name, since ids are made at start.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::directory::{
    AppGroupsClaimInput, AppInput, ClaimInput, DirError, Directory, NewUser, ScopeInput,
};

/// Seeded when no seed file is given.
pub const DEFAULT_ADMIN_LOGIN: &str = "admin@example.com";
pub const DEFAULT_ADMIN_PASSWORD: &str = "Admin-Passw0rd!";
pub const DEFAULT_USER_LOGIN: &str = "user@example.com";
pub const DEFAULT_USER_PASSWORD: &str = "User-Passw0rd!";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub users: Vec<SeedUser>,
    #[serde(default)]
    pub groups: Vec<SeedGroup>,
    #[serde(default)]
    pub scopes: Vec<ScopeInput>,
    /// Claims of the `default` authorization server, as `POST …/claims` takes them.
    #[serde(default)]
    pub claims: Vec<ClaimInput>,
    #[serde(default)]
    pub apps: Vec<SeedApp>,
}

#[derive(Debug, Deserialize)]
pub struct SeedUser {
    pub profile: Map<String, Value>,
    #[serde(default)]
    pub credentials: Option<SeedCredentials>,
    /// Admin role types, e.g. `SUPER_ADMIN`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// `STAGED` to leave the user unactivated; active by default.
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SeedCredentials {
    pub password: Option<SeedPassword>,
}

#[derive(Debug, Deserialize)]
pub struct SeedPassword {
    pub value: String,
}

#[derive(Debug, Deserialize)]
pub struct SeedGroup {
    pub profile: SeedGroupProfile,
    /// Logins of the members.
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct SeedGroupProfile {
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SeedApp {
    #[serde(flatten)]
    pub app: Value,
    #[serde(default)]
    pub assignments: SeedAssignments,
    /// `okta.*` scopes granted to the app (OAuth for Okta), e.g. `["okta.users.read"]`.
    #[serde(default)]
    pub grants: Vec<String>,
    /// `INACTIVE` to create the app deactivated.
    #[serde(default)]
    pub status: Option<String>,
    /// The Sign On tab's groups claim (org authorization server ID tokens).
    #[serde(default, rename = "groupsClaim")]
    pub groups_claim: Option<AppGroupsClaimInput>,
}

#[derive(Debug, Default, Deserialize)]
pub struct SeedAssignments {
    /// Logins of users assigned directly.
    #[serde(default)]
    pub users: Vec<String>,
    /// Names of groups assigned (`Everyone` for the whole org).
    #[serde(default)]
    pub groups: Vec<String>,
}

impl Seed {
    /// Reads and parses a seed file; errors name the file and the problem.
    pub fn from_file(path: &std::path::Path) -> anyhow::Result<Self> {
        server_kit::cli::read_json_file("seed file", path)
    }

    /// The default org: an admin with Okta's SUPER_ADMIN role and a regular user.
    pub fn default_org() -> Self {
        let user = |first: &str, last: &str, login: &str, password: &str, roles: Vec<String>| {
            SeedUser {
            profile: serde_json::json!({"firstName": first, "lastName": last, "email": login, "login": login})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            credentials: Some(SeedCredentials {
                password: Some(SeedPassword { value: password.to_owned() }),
            }),
            roles,
            status: None,
        }
        };
        Self {
            users: vec![
                user(
                    "Ada",
                    "Admin",
                    DEFAULT_ADMIN_LOGIN,
                    DEFAULT_ADMIN_PASSWORD,
                    vec!["SUPER_ADMIN".into()],
                ),
                user(
                    "Uma",
                    "User",
                    DEFAULT_USER_LOGIN,
                    DEFAULT_USER_PASSWORD,
                    vec![],
                ),
            ],
            ..Self::default()
        }
    }

    /// Applies the seed; the first failure is reported with where it happened.
    pub fn apply(self, dir: &Directory) -> anyhow::Result<()> {
        fn explain(e: DirError) -> String {
            match e {
                DirError::Validation { causes, .. } => causes
                    .into_iter()
                    .map(|c| c.message)
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            }
        }
        for (i, u) in self.users.into_iter().enumerate() {
            let login = u
                .profile
                .get("login")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let activate = !matches!(u.status.as_deref(), Some("STAGED"));
            let user = dir
                .create_user(NewUser {
                    profile: u.profile,
                    password: u.credentials.and_then(|c| c.password).map(|p| p.value),
                    group_ids: Vec::new(),
                    activate,
                })
                .map_err(|e| anyhow::anyhow!("users[{i}] ({login}): {}", explain(e)))?;
            for role in u.roles {
                dir.assign_role(&user.id, &role).map_err(|e| {
                    anyhow::anyhow!("users[{i}] ({login}) role {role}: {}", explain(e))
                })?;
            }
        }
        let find_user = |login: &str, at: &str| {
            dir.user(login)
                .map_err(|_| anyhow::anyhow!("{at}: no user with login {login:?}"))
        };
        let find_group = |name: &str, at: &str| {
            dir.list_groups(None, &|g| g.profile_name == name, None, 1)
                .items
                .into_iter()
                .next()
                .ok_or_else(|| anyhow::anyhow!("{at}: no group named {name:?}"))
        };
        for (i, g) in self.groups.into_iter().enumerate() {
            let at = format!("groups[{i}] ({})", g.profile.name);
            let group = dir
                .create_group(&g.profile.name, g.profile.description)
                .map_err(|e| anyhow::anyhow!("{at}: {}", explain(e)))?;
            for login in &g.members {
                let user = find_user(login, &at)?;
                dir.set_group_member(&group.id, &user.id, true)
                    .map_err(|e| anyhow::anyhow!("{at}: {}", explain(e)))?;
            }
        }
        for (i, s) in self.scopes.into_iter().enumerate() {
            dir.create_scope(crate::paths::ServerId::DEFAULT, s)
                .map_err(|e| anyhow::anyhow!("scopes[{i}]: {}", explain(e)))?;
        }
        for (i, c) in self.claims.into_iter().enumerate() {
            let name = c.name.clone().unwrap_or_default();
            dir.create_claim(crate::paths::ServerId::DEFAULT, c)
                .map_err(|e| anyhow::anyhow!("claims[{i}] ({name}): {}", explain(e)))?;
        }
        for (i, a) in self.apps.into_iter().enumerate() {
            let label = a
                .app
                .get("label")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let at = format!("apps[{i}] ({label})");
            let input: AppInput = serde_json::from_value(a.app)
                .map_err(|e| anyhow::anyhow!("{at}: not an Okta app: {e}"))?;
            let active = !matches!(a.status.as_deref(), Some("INACTIVE"));
            let app = dir
                .create_app(input, active)
                .map_err(|e| anyhow::anyhow!("{at}: {}", explain(e)))?;
            for login in &a.assignments.users {
                let user = find_user(login, &at)?;
                dir.assign_user(&app.id, &user.id)
                    .map_err(|e| anyhow::anyhow!("{at}: {}", explain(e)))?;
            }
            for name in &a.assignments.groups {
                let group = find_group(name, &at)?;
                dir.assign_group(&app.id, &group.id, None)
                    .map_err(|e| anyhow::anyhow!("{at}: {}", explain(e)))?;
            }
            if let Some(claim) = &a.groups_claim {
                dir.set_app_groups_claim(&app.id, claim)
                    .map_err(|e| anyhow::anyhow!("{at} groupsClaim: {}", explain(e)))?;
            }
            for scope in &a.grants {
                dir.grant_scope(&app.id, scope)
                    .map_err(|e| anyhow::anyhow!("{at} grant {scope}: {}", explain(e)))?;
            }
        }
        Ok(())
    }
}

/// Loads the seed named in the config, or the default org.
pub fn load(path: Option<&std::path::Path>) -> anyhow::Result<Seed> {
    match path {
        Some(p) => Seed::from_file(p),
        None => Ok(Seed::default_org()),
    }
}
