//! The org's directory: users, groups, apps, assignments, admin roles and the default
//! authorization server's custom scopes and claims.
//!
//! The Management API, the seed file and the Admin Console all go through these functions,
//! so an app made one way is identical to one made another way. Storage is an in-memory
//! store behind this typed API; handlers never touch the lock.

mod apps;
mod claims;
mod client_secrets;
mod groups;
mod passwords;
mod policies;
mod roles;
mod scope_grants;
mod scopes;
mod servers;
pub mod system_log;
mod trusted_origins;
mod users;

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use indexmap::IndexMap;

pub use apps::{
    App, AppGroup, AppInput, AppStatus, AppType, AppUser, ClientCredentials, CredentialsInput,
    HideInput, IdpInitiatedLogin, IdpInitiatedLoginInput, IdpMode, OAuthClientCredentialsInput,
    OAuthClientSettingsInput, OAuthSettings, RefreshTokenInput, SettingsInput, TokenAuthMethod,
    VisibilityInput, check_app_user_name,
};
pub use claims::{
    AppGroupsClaim, AppGroupsClaimInput, Claim, ClaimConditionsInput, ClaimError, ClaimInput,
    ClaimTarget, ClaimType, ClaimValue, ExtraClaims, GROUPS_CLAIM_LIMIT, GroupFilter,
    GroupFilterType, ValueType,
};
pub use client_secrets::{ClientSecret, ClientSecrets, MAX_CLIENT_SECRETS, SecretStatus};
pub use groups::{EVERYONE, Group, GroupType};
pub use passwords::{DEFAULT_LOCKOUT_ATTEMPTS, SignInRefusal};
pub use policies::{ALL_CLIENTS, AccessPolicy, PolicyInput, PolicyRule, RuleInput};
pub use roles::Role;
pub use scope_grants::{OKTA_SCOPES, ScopeGrant};
pub use scopes::{MetadataPublish, SYSTEM_SCOPES, Scope, ScopeInput};
pub use servers::{CustomServer, IssuerMode, ServerInput};
pub use system_log::{DEFAULT_LOG_CAPACITY, Entry, LogEvent, Party, SystemLog};
pub use trusted_origins::{OriginScope, TrustedOrigin, TrustedOriginInput};
pub use users::{NewUser, PASSWORD_HISTORY, PASSWORD_MIN_LENGTH, User, UserStatus};

use crate::{clock::Clock, paths::ServerId};

/// A rule the request broke, as the Management API reports it: the field and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub field: String,
    pub message: String,
}

impl Cause {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A required field left empty, in Okta's words. `field` is the JSON path; the message
    /// names its last segment (`settings.oauthClient.application_type` -> `application_type`).
    pub fn blank(field: &str) -> Self {
        Self::new(
            field,
            format!("{}: The field cannot be left blank", last_segment(field)),
        )
    }

    /// A value another object of the org already has, in Okta's words.
    pub fn taken(field: &str) -> Self {
        Self::new(
            field,
            format!(
                "{}: An object with this field already exists in the current organization",
                last_segment(field)
            ),
        )
    }
}

/// The last segment of a JSON path, the name Okta's messages start with.
pub(crate) fn last_segment(field: &str) -> &str {
    field.rsplit('.').next().unwrap_or(field)
}

/// Why a directory operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirError {
    /// E0000001: validation failed; `summary` names the fields.
    #[error("validation failed: {summary}")]
    Validation { summary: String, causes: Vec<Cause> },
    /// E0000007: no such object. `kind` is Okta's resource name (User, AppInstance, …).
    #[error("not found: {id} ({kind})")]
    NotFound { id: String, kind: &'static str },
    /// E0000038 and friends: the lifecycle transition is not allowed.
    #[error("operation not allowed in the current status")]
    BadStatus,
    /// E0000056: delete an active app.
    #[error("the application must be deactivated before deletion")]
    AppActive,
    /// E0000062: user already assigned.
    #[error("the user is already assigned to the application")]
    AlreadyAssigned,
    /// E0000006: the operation is not permitted (e.g. changing a built-in group).
    #[error("not permitted")]
    Forbidden,
    /// E0000014: a password change refused (the old password is wrong, or the new one does
    /// not meet the policy).
    #[error("update of credentials failed")]
    Credentials { causes: Vec<Cause> },
}

impl DirError {
    /// No user with this id (or login).
    pub(crate) fn user_not_found(id: &str) -> Self {
        Self::NotFound {
            id: id.to_owned(),
            kind: "User",
        }
    }

    /// No app with this id: Okta names the kind `AppInstance`.
    pub(crate) fn app_not_found(id: &str) -> Self {
        Self::NotFound {
            id: id.to_owned(),
            kind: "AppInstance",
        }
    }

    pub(crate) fn validation(causes: Vec<Cause>) -> Self {
        let mut fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
        fields.dedup();
        Self::Validation {
            summary: fields.join(", "),
            causes,
        }
    }
}

pub type DirResult<T> = Result<T, DirError>;

/// Everything the directory holds.
#[derive(Debug, Default, Clone)]
struct Store {
    /// Added, replaced and removed only through `Store::put_user` and `Store::remove_user`,
    /// which keep `logins`; `user_mut` must not change a login.
    users: IndexMap<String, User>,
    /// User ids by login in lower case: sign-in finds its user without a walk over the org.
    logins: std::collections::HashMap<String, String>,
    groups: IndexMap<String, Group>,
    apps: IndexMap<String, App>,
    /// Custom scopes by server and name, in creation order.
    scopes: IndexMap<(ServerId, String), Scope>,
    /// The default server's custom claims, by id, in creation order.
    claims: IndexMap<String, Claim>,
    /// The `default` authorization server's access policies.
    policies: Vec<AccessPolicy>,
    trusted_origins: Vec<TrustedOrigin>,
    /// The custom authorization servers, `default` first.
    servers: IndexMap<ServerId, CustomServer>,
    /// Bumped on every change of scopes, so cached discovery documents know to rebuild.
    scopes_version: u64,
}

impl Store {
    /// An app by id, to change it; Okta's `AppInstance` not-found otherwise.
    fn app_mut(&mut self, id: &str) -> DirResult<&mut App> {
        self.apps
            .get_mut(id)
            .ok_or_else(|| DirError::app_not_found(id))
    }
}

/// The directory; cheap to clone, shared by every surface.
#[derive(Debug, Clone)]
pub struct Directory {
    store: Arc<RwLock<Store>>,
    clock: Clock,
    org_id: Arc<str>,
    /// The password policy's lockout: wrong passwords in a row before a user is locked out
    /// (0: never).
    lockout_after: u32,
    /// What happened: every change below records its event here.
    log: SystemLog,
}

impl Directory {
    /// An empty org with only the built-in Everyone group.
    pub fn new(clock: Clock) -> Self {
        let dir = Self {
            store: Arc::default(),
            org_id: crate::ids::okta_id("00o").into(),
            clock,
            lockout_after: DEFAULT_LOCKOUT_ATTEMPTS,
            log: SystemLog::default(),
        };
        let now = dir.clock.now_datetime();
        let everyone = Group::everyone(crate::ids::okta_id("00g"), now);
        let mut store = dir.write();
        store.policies.push(policies::default_policy(now));
        store
            .servers
            .insert(ServerId::DEFAULT, servers::default_server(now));
        store.groups.insert(EVERYONE.to_owned(), everyone);
        drop(store);
        dir
    }

    /// The org with another lockout limit (0: never lock out).
    pub fn with_lockout_after(mut self, attempts: u32) -> Self {
        self.lockout_after = attempts;
        self
    }

    /// The org keeping the newest `events` System Log events.
    pub fn with_log_capacity(mut self, events: usize) -> Self {
        self.log = SystemLog::with_capacity(events);
        self
    }

    /// The org's System Log.
    pub fn system_log(&self) -> &SystemLog {
        &self.log
    }

    /// Records an event, published now.
    pub fn record(&self, e: Entry) {
        self.log.record(self.clock.now_datetime(), e);
    }

    /// Records a change an admin made (API or console) to `target`.
    pub(crate) fn record_admin_change(
        &self,
        event_type: &'static str,
        message: &'static str,
        target: Party,
    ) {
        self.record(
            Entry::new(event_type, message)
                .actor(Self::admin_actor())
                .target(target),
        );
    }

    /// The actor of changes made with the API token or the console: Okta's system principal
    /// (the token names no user here).
    pub fn admin_actor() -> Party {
        Party {
            id: "system".to_owned(),
            type_: "SystemPrincipal",
            alternate_id: "system@okta.com".to_owned(),
            display_name: "Okta System".to_owned(),
        }
    }

    /// The org's id (`00o…`), the `idp` claim of local users.
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    pub(crate) fn clock(&self) -> &Clock {
        &self.clock
    }

    /// What the org holds, as the binary says at start: "2 users, 0 apps".
    pub fn summary(&self) -> String {
        let store = self.read();
        format!("{} users, {} apps", store.users.len(), store.apps.len())
    }

    /// A copy of everything the directory holds now, to go back to with
    /// [`Directory::restore`] (test control's reset returns the org to its seed).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(Arc::new(self.read().clone()))
    }

    /// Puts back what [`Directory::snapshot`] copied. The scopes version moves on, never
    /// back, so caches built from the scopes (discovery) rebuild.
    pub fn restore(&self, snapshot: &Snapshot) {
        let mut store = self.write();
        let version = store.scopes_version + 1;
        *store = (*snapshot.0).clone();
        store.scopes_version = version;
    }

    fn read(&self) -> RwLockReadGuard<'_, Store> {
        // A panic while holding the lock cannot leave a half-made object here (every write
        // validates first, then inserts), so a poisoned lock is still consistent.
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }
}

/// The directory's contents at one moment (see [`Directory::snapshot`]).
#[derive(Debug, Clone)]
pub struct Snapshot(Arc<Store>);

/// Pagination: items after the cursor `after` (an id), at most `limit`, and the cursor for
/// the next page when there is one.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item rendered by `f` (the cursor stays).
    pub fn map<U>(&self, f: impl FnMut(&T) -> U) -> Page<U> {
        Page {
            items: self.items.iter().map(f).collect(),
            next: self.next.clone(),
        }
    }
}

pub(crate) fn paginate<T: Clone>(
    items: impl Iterator<Item = (String, T)>,
    after: Option<&str>,
    limit: usize,
) -> Page<T> {
    let mut started = after.is_none();
    let mut out = Vec::new();
    let mut last_id = None;
    let mut more = false;
    for (id, item) in items {
        if !started {
            if Some(id.as_str()) == after {
                started = true;
            }
            continue;
        }
        if out.len() == limit {
            more = true;
            break;
        }
        last_id = Some(id);
        out.push(item);
    }
    Page {
        items: out,
        next: if more { last_id } else { None },
    }
}

/// Removes the item whose id is `id` from a list an object holds (a user's roles, an app's
/// scope grants); Okta's not-found of `kind` when none has it.
fn remove_by_id<T>(
    items: &mut Vec<T>,
    id: &str,
    kind: &'static str,
    id_of: fn(&T) -> &str,
) -> DirResult<()> {
    let before = items.len();
    items.retain(|x| id_of(x) != id);
    if items.len() == before {
        return Err(DirError::NotFound {
            id: id.to_owned(),
            kind,
        });
    }
    Ok(())
}

/// Case-insensitive prefix match used by Okta's `q` parameter.
pub(crate) fn starts_with_ci(value: &str, prefix: &str) -> bool {
    value.to_lowercase().starts_with(&prefix.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_name_the_last_segment_of_their_field_in_oktas_words() {
        let blank = Cause::blank("settings.oauthClient.application_type");
        assert_eq!(blank.field, "settings.oauthClient.application_type");
        assert_eq!(
            blank.message,
            "application_type: The field cannot be left blank"
        );
        assert_eq!(
            Cause::taken("login").message,
            "login: An object with this field already exists in the current organization"
        );
    }

    #[test]
    fn a_rendered_page_keeps_its_cursor() {
        let p = paginate((0..5).map(|i| (format!("id{i}"), i)), None, 2);
        let shown = p.map(|i| i * 10);
        assert_eq!(shown.items, vec![0, 10]);
        assert_eq!(shown.next.as_deref(), Some("id1"));
    }

    #[test]
    fn paginates_with_a_cursor() {
        let items = (0..5).map(|i| (format!("id{i}"), i));
        let p = paginate(items.clone(), None, 2);
        assert_eq!(p.items, vec![0, 1]);
        assert_eq!(p.next.as_deref(), Some("id1"));
        let p = paginate(items.clone(), Some("id1"), 2);
        assert_eq!(p.items, vec![2, 3]);
        let p = paginate(items, Some("id3"), 2);
        assert_eq!(p.items, vec![4]);
        assert_eq!(p.next, None);
    }
}
