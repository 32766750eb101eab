//! Users: creation with a password, lookup by id or login, lifecycle. Their admin roles
//! are in [`super::roles`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{
    Cause, DirError, DirResult, Directory, EVERYONE, Page, Role, Store, paginate, starts_with_ci,
};
use crate::ids::okta_id;

/// Okta's user statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Staged,
    Provisioned,
    Active,
    Recovery,
    PasswordExpired,
    LockedOut,
    Suspended,
    Deprovisioned,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staged => "STAGED",
            Self::Provisioned => "PROVISIONED",
            Self::Active => "ACTIVE",
            Self::Recovery => "RECOVERY",
            Self::PasswordExpired => "PASSWORD_EXPIRED",
            Self::LockedOut => "LOCKED_OUT",
            Self::Suspended => "SUSPENDED",
            Self::Deprovisioned => "DEPROVISIONED",
        }
    }
}

/// A user of the org.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub status: UserStatus,
    pub created: OffsetDateTime,
    pub activated: Option<OffsetDateTime>,
    pub status_changed: Option<OffsetDateTime>,
    pub last_login: Option<OffsetDateTime>,
    pub last_updated: OffsetDateTime,
    pub password_changed: Option<OffsetDateTime>,
    /// The profile in Okta's attribute names, in the order given (firstName, lastName, …).
    pub profile: Map<String, Value>,
    pub(super) password: Option<String>,
    /// Wrong passwords in a row at sign-in; the org's limit locks the user out.
    pub(super) failed_attempts: u32,
    pub roles: Vec<Role>,
}

impl User {
    /// Whether the user may sign in and keep a session: active, or active with an expired
    /// password (which Okta lets sign in and then asks to change).
    pub fn may_sign_in(&self) -> bool {
        matches!(
            self.status,
            UserStatus::Active | UserStatus::PasswordExpired
        )
    }

    fn profile_str(&self, key: &str) -> Option<&str> {
        self.profile.get(key).and_then(Value::as_str)
    }
    /// The user as a System Log actor or target.
    pub fn party(&self) -> super::Party {
        super::Party {
            id: self.id.clone(),
            type_: "User",
            alternate_id: self.login().to_owned(),
            display_name: self.display_name(),
        }
    }

    pub fn login(&self) -> &str {
        self.profile_str("login").unwrap_or_default()
    }
    /// Okta's `q` for users: a prefix, ignoring case, of the first name, last name, email
    /// or login.
    pub fn matches_q(&self, q: &str) -> bool {
        ["firstName", "lastName", "email", "login"]
            .iter()
            .any(|k| self.profile_str(k).is_some_and(|v| starts_with_ci(v, q)))
    }
    pub fn email(&self) -> Option<&str> {
        self.profile_str("email")
    }
    pub fn first_name(&self) -> Option<&str> {
        self.profile_str("firstName")
    }
    pub fn last_name(&self) -> Option<&str> {
        self.profile_str("lastName")
    }
    pub fn locale(&self) -> &str {
        self.profile_str("locale").unwrap_or("en_US")
    }
    pub fn time_zone(&self) -> &str {
        self.profile_str("timeZone")
            .unwrap_or("America/Los_Angeles")
    }
    /// "First Last", as Okta's `name` claim.
    pub fn display_name(&self) -> String {
        match (self.first_name(), self.last_name()) {
            (Some(f), Some(l)) => format!("{f} {l}"),
            (Some(n), None) | (None, Some(n)) => n.to_owned(),
            (None, None) => self.login().to_owned(),
        }
    }
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
    pub fn is_super_admin(&self) -> bool {
        self.roles.iter().any(|r| r.role_type == "SUPER_ADMIN")
    }
    /// Compares passwords in constant time.
    pub fn password_matches(&self, candidate: &str) -> bool {
        match &self.password {
            Some(p) => crate::ids::constant_time_eq(p.as_bytes(), candidate.as_bytes()),
            None => false,
        }
    }
}

/// What a new user needs: a profile and optionally a password and groups.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub profile: Map<String, Value>,
    pub password: Option<String>,
    pub group_ids: Vec<String>,
    pub activate: bool,
}

fn validate_profile(profile: &Map<String, Value>) -> Vec<Cause> {
    let mut causes = Vec::new();
    for (key, label) in [
        ("login", "login"),
        ("email", "email"),
        ("firstName", "firstName"),
        ("lastName", "lastName"),
    ] {
        match profile.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => causes.push(Cause::blank(label)),
        }
    }
    if let Some(Value::String(login)) = profile.get("login")
        && !login.trim().is_empty()
        && !looks_like_email(login)
    {
        causes.push(Cause::new(
            "login",
            "login: Username must be in the form of an email address",
        ));
    }
    if let Some(Value::String(email)) = profile.get("email")
        && !email.trim().is_empty()
        && !looks_like_email(email)
    {
        causes.push(Cause::new(
            "email",
            "email: Does not match required pattern",
        ));
    }
    causes
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The org's password policy: at least this many characters, not containing the login.
pub const PASSWORD_MIN_LENGTH: usize = 8;
/// The org's password policy: a new password cannot be one of the last this many.
pub const PASSWORD_HISTORY: u32 = 4;

pub(super) fn validate_password(password: &str, login: &str) -> Option<Cause> {
    let weak = password.chars().count() < PASSWORD_MIN_LENGTH
        || (!login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()));
    weak.then(|| {
        Cause::new(
            "password",
            "password: Password requirements were not met. Password requirements: at least 8 characters. Your password cannot be any of your last 4 passwords.",
        )
    })
}

impl Store {
    /// A user by id or by login (case-insensitive); Okta's `User` not-found otherwise.
    pub(super) fn find_user(&self, id_or_login: &str) -> DirResult<&User> {
        self.users
            .get(id_or_login)
            .or_else(|| {
                let id = self.logins.get(&id_or_login.to_ascii_lowercase())?;
                self.users.get(id)
            })
            .ok_or_else(|| DirError::user_not_found(id_or_login))
    }

    /// Adds or replaces a user, keeping the login index.
    pub(super) fn put_user(&mut self, user: User) {
        if let Some(old) = self.users.get(&user.id) {
            self.logins.remove(&old.login().to_ascii_lowercase());
        }
        self.logins
            .insert(user.login().to_ascii_lowercase(), user.id.clone());
        self.users.insert(user.id.clone(), user);
    }

    /// Removes a user, keeping the login index.
    pub(super) fn remove_user(&mut self, id: &str) {
        if let Some(old) = self.users.shift_remove(id) {
            self.logins.remove(&old.login().to_ascii_lowercase());
        }
    }

    /// A user by id, to change it.
    pub(super) fn user_mut(&mut self, id: &str) -> DirResult<&mut User> {
        self.users
            .get_mut(id)
            .ok_or_else(|| DirError::user_not_found(id))
    }

    /// Logins are unique in the org, ignoring case; `except` is the user being changed.
    fn login_taken(&self, login: &str, except: Option<&str>) -> bool {
        self.logins
            .get(&login.to_ascii_lowercase())
            .is_some_and(|id| Some(id.as_str()) != except)
    }
}

impl Directory {
    /// Creates a user (`POST /api/v1/users`). With `activate`, a user with a password is
    /// ACTIVE at once, one without is PROVISIONED; otherwise STAGED.
    pub fn create_user(&self, new: NewUser) -> DirResult<User> {
        let mut causes = validate_profile(&new.profile);
        let login = new
            .profile
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Some(p) = &new.password
            && let Some(c) = validate_password(p, &login)
        {
            causes.push(c);
        }
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if !login.is_empty() && store.login_taken(&login, None) {
            causes.push(Cause::taken("login"));
        }
        for gid in &new.group_ids {
            if !store.groups.values().any(|g| &g.id == gid) {
                causes.push(Cause::new(
                    "groupIds",
                    format!("groupIds: Group not found: {gid}"),
                ));
            }
        }
        if !causes.is_empty() {
            return Err(DirError::validation(causes));
        }
        let status = match (new.activate, new.password.is_some()) {
            (true, true) => UserStatus::Active,
            (true, false) => UserStatus::Provisioned,
            (false, _) => UserStatus::Staged,
        };
        let user = User {
            id: okta_id("00u"),
            status,
            created: now,
            activated: new.activate.then_some(now),
            status_changed: new.activate.then_some(now),
            last_login: None,
            last_updated: now,
            password_changed: new.password.as_ref().map(|_| now),
            profile: new.profile,
            password: new.password,
            failed_attempts: 0,
            roles: Vec::new(),
        };
        for gid in &new.group_ids {
            if let Some(g) = store.groups.values_mut().find(|g| &g.id == gid) {
                g.members.insert(user.id.clone());
                g.last_membership_updated = now;
            }
        }
        store.put_user(user.clone());
        drop(store);
        self.record(
            super::Entry::new("user.lifecycle.create", "Create Okta user")
                .legacy("core.user.config.user_creation.success")
                .actor(Self::admin_actor())
                .target(user.party()),
        );
        Ok(user)
    }

    /// A user by id or by login (case-insensitive), as `GET /api/v1/users/{idOrLogin}`.
    pub fn user(&self, id_or_login: &str) -> DirResult<User> {
        self.read().find_user(id_or_login).cloned()
    }

    /// Every user, in the order the API lists them (the console's lists and counts).
    pub fn all_users(&self) -> Vec<User> {
        self.list_users(None, &|_| true, None, usize::MAX).items
    }

    /// Lists users, optionally matching `q` (prefix of first name, last name, email or login)
    /// and a filter predicate.
    pub fn list_users(
        &self,
        q: Option<&str>,
        filter: &dyn Fn(&User) -> bool,
        after: Option<&str>,
        limit: usize,
    ) -> Page<User> {
        let store = self.read();
        let items = store.users.values().filter(|u| {
            // Okta's `q` does not return DEPROVISIONED users.
            let q_ok = q.is_none_or(|q| u.status != UserStatus::Deprovisioned && u.matches_q(q));
            q_ok && filter(u)
        });
        paginate(items.map(|u| (u.id.clone(), u.clone())), after, limit)
    }

    /// Replaces (`PUT`) or merges (`POST`) a user's profile, and optionally sets a password.
    pub fn update_user(
        &self,
        id: &str,
        profile: Option<Map<String, Value>>,
        merge: bool,
        password: Option<String>,
    ) -> DirResult<User> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let current = store.find_user(id)?.clone();
        let mut updated = current.clone();
        if let Some(p) = profile {
            if merge {
                for (k, v) in p {
                    updated.profile.insert(k, v);
                }
            } else {
                updated.profile = p;
            }
        }
        let mut causes = validate_profile(&updated.profile);
        let login = updated.login().to_owned();
        if store.login_taken(&login, Some(&updated.id)) {
            causes.push(Cause::taken("login"));
        }
        if let Some(p) = &password
            && let Some(c) = validate_password(p, &login)
        {
            causes.push(c);
        }
        if !causes.is_empty() {
            return Err(DirError::validation(causes));
        }
        if let Some(p) = password {
            updated.password = Some(p);
            updated.password_changed = Some(now);
        }
        updated.last_updated = now;
        store.put_user(updated.clone());
        Ok(updated)
    }

    /// A lifecycle operation: `activate`, `deactivate`, `suspend`, `unsuspend`, `unlock`,
    /// `reactivate`. Returns `BadStatus` where Okta answers E0000038 / E0000016.
    pub fn user_lifecycle(&self, id: &str, op: &str) -> DirResult<User> {
        use UserStatus::*;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let user = store.user_mut(id)?;
        let next = match (op, user.status) {
            ("activate", Staged | Deprovisioned) => {
                if user.password.is_some() {
                    Active
                } else {
                    Provisioned
                }
            }
            ("reactivate", Provisioned) => Provisioned,
            ("deactivate", Deprovisioned) => return Err(DirError::BadStatus),
            ("deactivate", _) => Deprovisioned,
            ("suspend", Active) => Suspended,
            ("unsuspend", Suspended) => Active,
            ("unlock", LockedOut) => Active,
            ("activate" | "reactivate" | "suspend" | "unsuspend" | "unlock", _) => {
                return Err(DirError::BadStatus);
            }
            _ => {
                return Err(DirError::NotFound {
                    id: op.to_owned(),
                    kind: "Operation",
                });
            }
        };
        user.status = next;
        user.status_changed = Some(now);
        user.last_updated = now;
        if op == "unlock" {
            user.failed_attempts = 0;
        }
        if next == Active && user.activated.is_none() {
            user.activated = Some(now);
        }
        let user = user.clone();
        if next == Deprovisioned {
            // A deactivated user loses their app assignments, as in Okta.
            for app in store.apps.values_mut() {
                app.users.shift_remove(&user.id);
            }
        }
        drop(store);
        let (event_type, message) = match op {
            "activate" | "reactivate" => ("user.lifecycle.activate", "Activate Okta user"),
            "deactivate" => ("user.lifecycle.deactivate", "Deactivate Okta user"),
            "suspend" => ("user.lifecycle.suspend", "Suspend Okta user"),
            "unsuspend" => ("user.lifecycle.unsuspend", "Unsuspend Okta user"),
            _ => ("user.account.unlock", "Unlock user account"),
        };
        self.record(
            super::Entry::new(event_type, message)
                .actor(Self::admin_actor())
                .target(user.party()),
        );
        Ok(user)
    }

    /// `DELETE /api/v1/users/{id}`: deactivates an active user; deletes a deprovisioned one.
    /// Returns true when the user is gone.
    pub fn delete_user(&self, id: &str) -> DirResult<bool> {
        let status = self.user(id)?.status;
        if status != UserStatus::Deprovisioned {
            self.user_lifecycle(id, "deactivate")?;
            return Ok(false);
        }
        let mut store = self.write();
        store.remove_user(id);
        for g in store.groups.values_mut() {
            g.members.remove(id);
        }
        for app in store.apps.values_mut() {
            app.users.shift_remove(id);
        }
        Ok(true)
    }

    /// Records a successful sign-in.
    pub fn record_login(&self, id: &str) {
        let now = self.clock().now_datetime();
        if let Some(u) = self.write().users.get_mut(id) {
            u.last_login = Some(now);
        }
    }

    /// Checks a username and password; returns the user when they match and the user
    /// may sign in (ACTIVE or PASSWORD_EXPIRED).
    /// Counts toward the org's lockout like every sign-in ([`Directory::check_sign_in`]).
    pub fn authenticate(&self, login: &str, password: &str) -> Option<User> {
        self.check_sign_in(login, password).ok()
    }

    /// The groups a user belongs to, Everyone included.
    pub fn user_groups(&self, user_id: &str) -> Vec<super::Group> {
        let store = self.read();
        store
            .groups
            .values()
            .filter(|g| {
                g.type_ == super::GroupType::BuiltIn && g.profile_name == EVERYONE
                    || g.members.contains(user_id)
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::clock::Clock;
    use serde_json::json;

    pub(crate) fn profile(login: &str) -> Map<String, Value> {
        json!({"firstName": "Ann", "lastName": "Lee", "email": login, "login": login})
            .as_object()
            .cloned()
            .unwrap()
    }

    /// An active user without a password, signing in as `login`.
    pub(crate) fn active_user(dir: &Directory, login: &str) -> User {
        dir.create_user(NewUser {
            profile: profile(login),
            activate: true,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn q_is_a_case_insensitive_prefix_of_names_email_or_login_and_logins_are_unique() {
        let dir = Directory::new(Clock::default());
        let ann = active_user(&dir, "ann.lee@example.com");
        for q in ["an", "LEE", "ann.lee@", "Ann.Lee@Example.com"] {
            assert!(ann.matches_q(q), "{q}");
        }
        for q in ["nn", "example", "bob"] {
            assert!(!ann.matches_q(q), "{q}");
        }
        let store = dir.read();
        assert!(store.login_taken("ANN.LEE@example.com", None));
        assert!(!store.login_taken("ann.lee@example.com", Some(&ann.id)));
        assert!(!store.login_taken("bob@example.com", None));
    }

    #[test]
    fn a_user_is_found_by_the_login_they_have_now_in_any_case_until_deleted() {
        let dir = Directory::new(Clock::default());
        let ann = active_user(&dir, "ann@example.com");
        assert_eq!(dir.user("ANN@example.com").unwrap().id, ann.id);
        dir.update_user(&ann.id, Some(profile("ann.lee@example.com")), true, None)
            .unwrap();
        assert_eq!(dir.user("Ann.Lee@Example.com").unwrap().id, ann.id);
        assert!(
            dir.user("ann@example.com").is_err(),
            "the old login is free"
        );
        assert!(!dir.read().login_taken("ann@example.com", None));
        dir.user_lifecycle(&ann.id, "deactivate").unwrap();
        assert!(dir.delete_user(&ann.id).unwrap());
        assert!(dir.user("ann.lee@example.com").is_err());
        assert!(!dir.read().login_taken("ann.lee@example.com", None));
    }

    #[test]
    fn creates_active_user_with_password_and_authenticates() {
        let dir = Directory::new(Clock::default());
        let u = dir
            .create_user(NewUser {
                profile: profile("ann@example.com"),
                password: Some("Sup3r-secret".into()),
                activate: true,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(u.status, UserStatus::Active);
        assert!(u.id.starts_with("00u"));
        assert_eq!(dir.user("ANN@example.com").unwrap().id, u.id);
        assert!(
            dir.authenticate("ann@example.com", "Sup3r-secret")
                .is_some()
        );
        assert!(dir.authenticate("ann@example.com", "wrong-pass").is_none());
        assert_eq!(u.display_name(), "Ann Lee");
    }

    #[test]
    fn refuses_duplicate_login_and_blank_fields() {
        let dir = Directory::new(Clock::default());
        let new = NewUser {
            profile: profile("ann@example.com"),
            activate: true,
            ..Default::default()
        };
        dir.create_user(new.clone()).unwrap();
        let err = dir.create_user(new).unwrap_err();
        assert!(matches!(err, DirError::Validation { ref summary, .. } if summary == "login"));
        let mut p = profile("bob@example.com");
        p.remove("lastName");
        let err = dir
            .create_user(NewUser {
                profile: p,
                ..Default::default()
            })
            .unwrap_err();
        assert!(matches!(err, DirError::Validation { ref summary, .. } if summary == "lastName"));
        assert_eq!(dir.list_users(None, &|_| true, None, 10).items.len(), 1);
    }

    #[test]
    fn lifecycle_follows_okta_rules() {
        let dir = Directory::new(Clock::default());
        let u = dir
            .create_user(NewUser {
                profile: profile("ann@example.com"),
                password: Some("Sup3r-secret".into()),
                activate: false,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(u.status, UserStatus::Staged);
        assert!(
            dir.authenticate("ann@example.com", "Sup3r-secret")
                .is_none()
        );
        assert_eq!(
            dir.user_lifecycle(&u.id, "activate").unwrap().status,
            UserStatus::Active
        );
        assert_eq!(
            dir.user_lifecycle(&u.id, "activate"),
            Err(DirError::BadStatus)
        );
        assert_eq!(
            dir.user_lifecycle(&u.id, "suspend").unwrap().status,
            UserStatus::Suspended
        );
        assert!(
            dir.authenticate("ann@example.com", "Sup3r-secret")
                .is_none()
        );
        assert_eq!(
            dir.user_lifecycle(&u.id, "unsuspend").unwrap().status,
            UserStatus::Active
        );
        assert!(!dir.delete_user(&u.id).unwrap());
        assert_eq!(dir.user(&u.id).unwrap().status, UserStatus::Deprovisioned);
        assert!(dir.delete_user(&u.id).unwrap());
        assert!(dir.user(&u.id).is_err());
    }
}
