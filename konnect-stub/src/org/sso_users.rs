//! Linking or provisioning the user an SSO login stands for: the rule that an email counts
//! only when the identity provider vouches for it, applied under the directory's lock.

use std::time::SystemTime;

use super::store::{Directory, Organization, User};
use super::teams::{Memberships, idp_teams_after_login};
use super::types::{Email, EmailVerification, Role};
use crate::crypto::new_uuid;

/// Who an SSO login says signed in, as the relying party checked it.
#[derive(Debug, Clone, Copy)]
pub struct SsoSignIn<'a> {
    pub org_id: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub email: &'a Email,
    pub verification: EmailVerification,
    /// Empty when the provider gave no name.
    pub full_name: &'a str,
    /// The groups claim (per `claim_mappings.groups`); empty when there was none.
    pub groups: &'a [String],
}

/// Why an SSO login found no user to sign in. Each message is meant for the person at the
/// browser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisionError {
    #[error("the organization does not exist")]
    NoSuchOrganization,
    #[error("{email} already belongs to another Konnect organization")]
    EmailInOtherOrganization { email: Email },
    #[error(
        "Your identity provider says that your email address {email} is not verified, so \
         Konnect cannot sign you in with it. Verify the address with your identity provider (or \
         ask its administrator to), then log in again."
    )]
    UnverifiedEmail { email: Email },
    #[error(
        "Your identity provider did not say whether your email address {email} is verified. A \
         Konnect account with this address already exists, and Konnect signs you in to an \
         existing account only when the identity provider confirms the address (the \
         email_verified claim). Ask your identity provider's administrator to send \
         email_verified, or ask your Konnect Organization Admin for help."
    )]
    UnconfirmedEmail { email: Email },
}

impl Directory {
    /// The user an SSO login stands for, created as a member on first login, with the
    /// teams the login's groups give (see [`idp_teams_after_login`]).
    ///
    /// An address the provider calls unverified is refused. An existing user is signed in
    /// when the provider confirms the address, or when SSO created (or linked) that user for
    /// this very provider identity (issuer and subject); otherwise an address the provider
    /// says nothing about may create a new user but is never linked to an existing one
    /// (whoever controls a provider's claims could take over any account by its email).
    pub fn provision_sso_user(
        &self,
        login: &SsoSignIn<'_>,
        now: SystemTime,
    ) -> Result<User, ProvisionError> {
        let SsoSignIn {
            org_id,
            email,
            verification,
            full_name,
            ..
        } = *login;
        let identity = (login.issuer.to_owned(), login.subject.to_owned());
        if verification == EmailVerification::Unverified {
            return Err(ProvisionError::UnverifiedEmail {
                email: email.clone(),
            });
        }
        let mut st = self.write();
        let Some(org) = st.orgs.get(org_id).cloned() else {
            return Err(ProvisionError::NoSuchOrganization);
        };
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
            let same_identity = user.sso_identity.as_ref() == Some(&identity);
            if !same_identity && verification != EmailVerification::Verified {
                return Err(ProvisionError::UnconfirmedEmail {
                    email: email.clone(),
                });
            }
            if !same_identity {
                user.sso_identity = Some(identity);
            }
            let name = full_name.trim();
            if !name.is_empty() && user.full_name != name {
                user.full_name = name.to_owned();
                user.updated_at = now;
            }
            set_teams_at_login(&org, user, login.groups, now);
            return Ok(user.clone());
        }
        let id = new_uuid();
        let name = full_name.trim();
        let mut user = User {
            id: id.clone(),
            org_id: org_id.to_owned(),
            email: email.clone(),
            full_name: if name.is_empty() {
                email.local_part().to_owned()
            } else {
                name.to_owned()
            },
            role: Role::Member,
            teams: Memberships::default(),
            created_at: now,
            updated_at: now,
            password: None,
            sso_identity: Some(identity),
        };
        set_teams_at_login(&org, &mut user, login.groups, now);
        st.by_email.insert(email.clone(), id.clone());
        st.users.insert(id, user.clone());
        Ok(user)
    }
}

/// The IdP-derived teams the login's groups give, and the role that follows.
fn set_teams_at_login(org: &Organization, user: &mut User, groups: &[String], now: SystemTime) {
    let idp = idp_teams_after_login(
        &org.auth_settings,
        &org.team_group_mappings,
        groups,
        &user.teams.idp,
    );
    if idp != user.teams.idp {
        user.teams.idp = idp;
        user.updated_at = now;
    }
    user.role = org.role_of(user);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::EmailVerification::{Unknown, Unverified, Verified};
    use crate::org::store::tests::{acme, seed};

    fn sign_in<'a>(
        org_id: &'a str,
        subject: &'a str,
        email: &'a Email,
        verification: EmailVerification,
    ) -> SsoSignIn<'a> {
        SsoSignIn {
            org_id,
            issuer: "https://idp.test/oauth2/default",
            subject,
            email,
            verification,
            full_name: "Mallory",
            groups: &[],
        }
    }

    #[test]
    fn provisioning_creates_members_once_and_refuses_other_orgs() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        let email = Email::parse("new@example.com").unwrap();
        let a = dir
            .provision_sso_user(&sign_in(&org.id, "sub-1", &email, Verified), now)
            .unwrap();
        let b = dir
            .provision_sso_user(&sign_in(&org.id, "sub-1", &email, Verified), now)
            .unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.role, Role::Member);
        assert!(!a.has_password());
        let free = Email::parse("free@example.com").unwrap();
        assert!(matches!(
            dir.provision_sso_user(&sign_in(&org.id, "sub-2", &free, Verified), now),
            Err(ProvisionError::EmailInOtherOrganization { .. })
        ));
    }

    #[test]
    fn an_unverified_email_is_neither_linked_nor_provisioned() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        let admin = Email::parse("admin@example.com").unwrap();
        let newcomer = Email::parse("new@example.com").unwrap();
        for email in [&admin, &newcomer] {
            assert_eq!(
                dir.provision_sso_user(&sign_in(&org.id, "sub-m", email, Unverified), now)
                    .unwrap_err(),
                ProvisionError::UnverifiedEmail {
                    email: email.clone()
                }
            );
        }
        assert!(dir.user_by_email(&newcomer).is_none());
        assert_eq!(dir.user_by_email(&admin).unwrap().full_name, "Ada Admin");
    }

    #[test]
    fn an_email_of_unknown_standing_provisions_but_never_links() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        let admin = Email::parse("admin@example.com").unwrap();
        assert_eq!(
            dir.provision_sso_user(&sign_in(&org.id, "sub-m", &admin, Unknown), now)
                .unwrap_err(),
            ProvisionError::UnconfirmedEmail {
                email: admin.clone()
            }
        );
        assert_eq!(dir.user_by_email(&admin).unwrap().full_name, "Ada Admin");
        // Linked once on a verified address, the same provider identity needs no proof again.
        let linked = dir
            .provision_sso_user(&sign_in(&org.id, "sub-a", &admin, Verified), now)
            .unwrap();
        let again = dir
            .provision_sso_user(&sign_in(&org.id, "sub-a", &admin, Unknown), now)
            .unwrap();
        assert_eq!(linked.id, again.id);
        let newcomer = Email::parse("new@example.com").unwrap();
        let user = dir
            .provision_sso_user(&sign_in(&org.id, "sub-n", &newcomer, Unknown), now)
            .unwrap();
        assert_eq!(user.role, Role::Member);
        // The same provider identity signs the user in again...
        let again = dir
            .provision_sso_user(&sign_in(&org.id, "sub-n", &newcomer, Unknown), now)
            .unwrap();
        assert_eq!(again.id, user.id);
        // ...another one claiming the address does not.
        assert!(matches!(
            dir.provision_sso_user(&sign_in(&org.id, "sub-x", &newcomer, Unknown), now),
            Err(ProvisionError::UnconfirmedEmail { .. })
        ));
    }
}
