//! A user's password after creation: checked at sign-in against the org's lockout, expired
//! by an admin (the next sign-in asks for a new one), replaced on the sign-in page, or
//! changed knowing the old one.

use super::{Cause, DirError, DirResult, Directory, User, UserStatus, users::validate_password};

/// Okta's default password policy locks a user out after 10 wrong passwords in a row.
pub const DEFAULT_LOCKOUT_ATTEMPTS: u32 = 10;

/// Why a password at sign-in does not sign the user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    NoSuchUser,
    WrongPassword,
    /// Locked out by wrong passwords (until an admin unlocks the user).
    LockedOut,
    /// Right password, but the user may not sign in (staged, suspended, deactivated, …).
    NotActive,
}

impl Directory {
    /// The one check of a password at sign-in (hosted page, `/api/v1/authn`, the password
    /// grant): a wrong one counts toward the org's lockout, a right one resets the count.
    pub fn check_sign_in(&self, login: &str, password: &str) -> Result<User, SignInRefusal> {
        let now = self.clock().now_datetime();
        let limit = self.lockout_after;
        let mut store = self.write();
        let id = store
            .find_user(login)
            .map(|u| u.id.clone())
            .map_err(|_| SignInRefusal::NoSuchUser)?;
        let user = store.user_mut(&id).map_err(|_| SignInRefusal::NoSuchUser)?;
        if user.status == UserStatus::LockedOut {
            return Err(SignInRefusal::LockedOut);
        }
        if !user.password_matches(password) {
            if user.may_sign_in() {
                user.failed_attempts += 1;
                if limit > 0 && user.failed_attempts >= limit {
                    user.status = UserStatus::LockedOut;
                    user.status_changed = Some(now);
                    user.last_updated = now;
                    let party = user.party();
                    drop(store);
                    self.record(
                        super::Entry::new("user.account.lock", "Max sign in attempts exceeded")
                            .actor(party.clone())
                            .target(party)
                            .failed("LOCKED_OUT"),
                    );
                }
            }
            return Err(SignInRefusal::WrongPassword);
        }
        user.failed_attempts = 0;
        if !user.may_sign_in() {
            return Err(SignInRefusal::NotActive);
        }
        Ok(user.clone())
    }

    /// Records a hosted sign-in's `user.session.start`: SUCCESS, or FAILURE with Okta's
    /// reason.
    pub fn record_session_start(&self, login: &str, result: &Result<User, SignInRefusal>) {
        let e = super::Entry::new("user.session.start", "User login to Okta")
            .legacy("core.user_auth.login_success");
        let e = match result {
            Ok(user) => e.actor(user.party()),
            Err(why) => {
                let actor = self.user(login).map(|u| u.party()).unwrap_or(super::Party {
                    id: "unknown".to_owned(),
                    type_: "User",
                    alternate_id: login.to_owned(),
                    display_name: "unknown".to_owned(),
                });
                let reason = match why {
                    SignInRefusal::LockedOut => "LOCKED_OUT",
                    SignInRefusal::NotActive => "USER_NOT_ACTIVE",
                    SignInRefusal::NoSuchUser | SignInRefusal::WrongPassword => {
                        "INVALID_CREDENTIALS"
                    }
                };
                super::Entry {
                    legacy_event_type: Some("core.user_auth.login_failed"),
                    ..e
                }
                .actor(actor)
                .failed(reason)
            }
        };
        self.record(e);
    }

    /// `lifecycle/expire_password`: the user must choose a new password at the next sign-in.
    pub fn expire_password(&self, id: &str) -> DirResult<User> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let user = store.user_mut(id)?;
        if !matches!(
            user.status,
            UserStatus::Active | UserStatus::PasswordExpired
        ) || user.password.is_none()
        {
            return Err(DirError::BadStatus);
        }
        user.status = UserStatus::PasswordExpired;
        user.status_changed = Some(now);
        user.last_updated = now;
        let user = user.clone();
        drop(store);
        self.record_admin_change(
            "user.account.expire_password",
            "Expire password",
            user.party(),
        );
        Ok(user)
    }

    /// `lifecycle/reset_password`: the user is in `RECOVERY`, unable to sign in until a new
    /// password is set through the reset link.
    pub fn start_password_reset(&self, id: &str) -> DirResult<User> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let user = store.user_mut(id)?;
        if !matches!(
            user.status,
            UserStatus::Active
                | UserStatus::PasswordExpired
                | UserStatus::LockedOut
                | UserStatus::Recovery
        ) {
            return Err(DirError::BadStatus);
        }
        user.status = UserStatus::Recovery;
        user.status_changed = Some(now);
        user.last_updated = now;
        user.failed_attempts = 0;
        let user = user.clone();
        drop(store);
        self.record_admin_change(
            "user.account.reset_password",
            "Reset password",
            user.party(),
        );
        Ok(user)
    }

    /// The new password set through a reset link: the user is active again.
    pub fn finish_password_reset(&self, id: &str, new: &str) -> DirResult<User> {
        if self.user(id)?.status != UserStatus::Recovery {
            return Err(DirError::BadStatus);
        }
        self.set_password(id, None, new, UserStatus::Active)
    }

    /// The new password of a user whose password expired, chosen on the sign-in page after
    /// proving the old one: the user is active again.
    pub fn replace_expired_password(&self, id: &str, new: &str) -> DirResult<User> {
        let mut store = self.write();
        let user = store.user_mut(id)?;
        if user.status != UserStatus::PasswordExpired {
            return Err(DirError::BadStatus);
        }
        drop(store);
        self.set_password(id, None, new, UserStatus::Active)
    }

    /// `credentials/change_password`: the old password must match and the new one meet the
    /// policy; an expired password becomes a valid one.
    pub fn change_password(&self, id: &str, old: &str, new: &str) -> DirResult<User> {
        let status = match self.user(id)?.status {
            UserStatus::Active | UserStatus::PasswordExpired => UserStatus::Active,
            _ => return Err(DirError::BadStatus),
        };
        self.set_password(id, Some(old), new, status)
    }

    fn set_password(
        &self,
        id: &str,
        old: Option<&str>,
        new: &str,
        status: UserStatus,
    ) -> DirResult<User> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let user = store.user_mut(id)?;
        if let Some(old) = old
            && !user.password_matches(old)
        {
            return Err(DirError::Credentials {
                causes: vec![Cause::new(
                    "oldPassword",
                    "oldPassword: The credentials provided were incorrect.",
                )],
            });
        }
        let mut causes: Vec<Cause> = validate_password(new, user.login()).into_iter().collect();
        if user.password_matches(new) {
            causes.push(Cause::new(
                "password",
                "password: Password requirements were not met. Your password cannot be any of your last 4 passwords.",
            ));
        }
        if !causes.is_empty() {
            return Err(DirError::Credentials { causes });
        }
        user.password = Some(new.to_owned());
        user.password_changed = Some(now);
        if user.status != status {
            user.status = status;
            user.status_changed = Some(now);
        }
        user.last_updated = now;
        let user = user.clone();
        drop(store);
        self.record(
            super::Entry::new(
                "user.account.update_password",
                "User update password for Okta",
            )
            .actor(user.party())
            .target(user.party()),
        );
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::NewUser};

    fn ann(dir: &Directory) -> User {
        let profile = serde_json::json!({"firstName": "Ann", "lastName": "A",
            "email": "ann@example.com", "login": "ann@example.com"});
        dir.create_user(NewUser {
            profile: profile.as_object().cloned().unwrap_or_default(),
            password: Some("Sup3r-secret".into()),
            activate: true,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn an_expired_password_is_replaced_once_and_the_user_is_active_again() {
        let dir = Directory::new(Clock::default());
        let u = ann(&dir);
        assert_eq!(
            dir.expire_password(&u.id).unwrap().status,
            UserStatus::PasswordExpired
        );
        let same = dir.replace_expired_password(&u.id, "Sup3r-secret");
        assert!(
            matches!(same, Err(DirError::Credentials { .. })),
            "{same:?}"
        );
        assert!(dir.replace_expired_password(&u.id, "short").is_err());
        let u2 = dir.replace_expired_password(&u.id, "N3w-secret-9").unwrap();
        assert_eq!(u2.status, UserStatus::Active);
        assert!(u2.password_matches("N3w-secret-9"));
        assert!(
            dir.replace_expired_password(&u.id, "An0ther-secret")
                .is_err()
        );
    }

    #[test]
    fn wrong_passwords_in_a_row_lock_the_user_out_until_unlocked() {
        let dir = Directory::new(Clock::default()).with_lockout_after(3);
        let u = ann(&dir);
        for _ in 0..2 {
            assert_eq!(
                dir.check_sign_in("ann@example.com", "x"),
                Err(SignInRefusal::WrongPassword)
            );
        }
        assert!(
            dir.check_sign_in("ann@example.com", "Sup3r-secret").is_ok(),
            "resets the count"
        );
        for _ in 0..3 {
            assert_eq!(
                dir.check_sign_in("ann@example.com", "x"),
                Err(SignInRefusal::WrongPassword)
            );
        }
        assert_eq!(dir.user(&u.id).unwrap().status, UserStatus::LockedOut);
        assert_eq!(
            dir.check_sign_in("ann@example.com", "Sup3r-secret"),
            Err(SignInRefusal::LockedOut)
        );
        dir.user_lifecycle(&u.id, "unlock").unwrap();
        assert!(dir.check_sign_in("ann@example.com", "Sup3r-secret").is_ok());
        assert_eq!(
            dir.check_sign_in("nobody@example.com", "x"),
            Err(SignInRefusal::NoSuchUser)
        );
        let never = Directory::new(Clock::default()).with_lockout_after(0);
        ann(&never);
        for _ in 0..20 {
            let _ = never.check_sign_in("ann@example.com", "x");
        }
        assert!(
            never
                .check_sign_in("ann@example.com", "Sup3r-secret")
                .is_ok()
        );
    }

    #[test]
    fn change_password_needs_the_old_one() {
        let dir = Directory::new(Clock::default());
        let u = ann(&dir);
        let wrong = dir.change_password(&u.id, "nope", "N3w-secret-9");
        assert!(matches!(wrong, Err(DirError::Credentials { .. })));
        assert!(dir.user(&u.id).unwrap().password_matches("Sup3r-secret"));
        let u2 = dir
            .change_password(&u.id, "Sup3r-secret", "N3w-secret-9")
            .unwrap();
        assert!(u2.password_matches("N3w-secret-9"));
    }
}
