//! Admin roles of users (`/api/v1/users/{id}/roles`): Okta's standard role types and the
//! names the Admin Console shows for them.

use time::OffsetDateTime;

use super::{Cause, DirError, DirResult, Directory, remove_by_id};
use crate::ids::okta_id;

/// Okta's standard role types, with the Admin Console's name of each.
const ROLES: &[(&str, &str)] = &[
    ("SUPER_ADMIN", "Super Organization Administrator"),
    ("ORG_ADMIN", "Organizational Administrator"),
    ("APP_ADMIN", "Application Administrator"),
    ("USER_ADMIN", "User Administrator"),
    ("HELP_DESK_ADMIN", "Help Desk Administrator"),
    ("READ_ONLY_ADMIN", "Read Only Administrator"),
    ("MOBILE_ADMIN", "Mobile Administrator"),
    (
        "API_ACCESS_MANAGEMENT_ADMIN",
        "API Access Management Administrator",
    ),
    ("REPORT_ADMIN", "Report Administrator"),
    ("GROUP_MEMBERSHIP_ADMIN", "Group Membership Administrator"),
];

/// An admin role given to a user (`POST /api/v1/users/{id}/roles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    pub role_type: String,
    pub created: OffsetDateTime,
}

impl Role {
    /// The Admin Console's name of the role.
    pub fn label(&self) -> &'static str {
        ROLES
            .iter()
            .find(|(t, _)| *t == self.role_type)
            .map_or("Administrator", |(_, label)| label)
    }
}

impl Directory {
    /// Gives a user an admin role (`POST /api/v1/users/{id}/roles`).
    pub fn assign_role(&self, user_id: &str, role_type: &str) -> DirResult<Role> {
        if !ROLES.iter().any(|(t, _)| *t == role_type) {
            return Err(DirError::validation(vec![Cause::new(
                "type",
                format!("type: Invalid role type: {role_type}"),
            )]));
        }
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let user = store.user_mut(user_id)?;
        if let Some(existing) = user.roles.iter().find(|r| r.role_type == role_type) {
            return Err(DirError::Validation {
                summary: "The role specified is already assigned to the user.".into(),
                causes: vec![Cause::new(
                    "type",
                    format!("type: {} is already assigned", existing.role_type),
                )],
            });
        }
        let role = Role {
            id: okta_id("ra1"),
            role_type: role_type.to_owned(),
            created: now,
        };
        user.roles.push(role.clone());
        user.last_updated = now;
        Ok(role)
    }

    /// Takes a role away.
    pub fn unassign_role(&self, user_id: &str, role_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let user = store.user_mut(user_id)?;
        remove_by_id(&mut user.roles, role_id, "Role", |r| &r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::users::tests::active_user};

    #[test]
    fn roles_are_oktas_standard_types_once_each_with_the_consoles_names() {
        let dir = Directory::new(Clock::default());
        let u = active_user(&dir, "ann@example.com");
        let role = dir.assign_role(&u.id, "APP_ADMIN").unwrap();
        assert_eq!(role.label(), "Application Administrator");
        assert!(role.id.starts_with("ra1"));
        assert!(dir.assign_role(&u.id, "APP_ADMIN").is_err(), "twice");
        assert!(dir.assign_role(&u.id, "KING").is_err(), "not a role type");
        assert!(dir.assign_role("00unobody", "APP_ADMIN").is_err());
        dir.unassign_role(&u.id, &role.id).unwrap();
        assert!(dir.unassign_role(&u.id, &role.id).is_err());
    }
}
