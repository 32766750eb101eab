//! Who may use an app: direct user assignments, group assignments and the built-in
//! Everyone group.

use super::{App, AppGroup, AppUser};
use crate::directory::{Cause, DirError, DirResult, Directory};

/// The longest app username Okta takes (its `AppUserCredentials.userName`).
pub const APP_USER_NAME_MAX: usize = 100;

/// An app username, when one is given, is not blank and at most [`APP_USER_NAME_MAX`]
/// characters.
pub fn check_app_user_name(user_name: Option<&str>) -> DirResult<()> {
    match user_name {
        Some(n) if n.trim().is_empty() => Err(DirError::validation(vec![Cause::blank(
            "credentials.userName",
        )])),
        Some(n) if n.chars().count() > APP_USER_NAME_MAX => {
            Err(DirError::validation(vec![Cause::new(
                "credentials.userName",
                format!(
                    "credentials.userName: The field cannot exceed {APP_USER_NAME_MAX} characters"
                ),
            )]))
        }
        _ => Ok(()),
    }
}

impl Directory {
    /// Assigns a user directly (`POST /api/v1/apps/{id}/users`).
    pub fn assign_user(&self, app_id: &str, user_id: &str) -> DirResult<AppUser> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if !store.users.contains_key(user_id) {
            return Err(DirError::user_not_found(user_id));
        }
        let app = store.app_mut(app_id)?;
        if app.users.contains_key(user_id) {
            return Err(DirError::AlreadyAssigned);
        }
        let au = AppUser {
            user_id: user_id.to_owned(),
            created: now,
            last_updated: now,
            scope: "USER".to_owned(),
            profile: serde_json::Map::new(),
            user_name: None,
        };
        app.users.insert(user_id.to_owned(), au.clone());
        Ok(au)
    }

    /// Okta's "Update an application user" (`POST /api/v1/apps/{appId}/users/{userId}`): a
    /// profile replaces the app's profile of the user (Okta's SDKs say to read it, change it
    /// and post it back whole) and a `userName` the app's username, on a direct assignment.
    /// A user the app has only through a group has no assignment of their own to change.
    pub fn update_app_user(
        &self,
        app_id: &str,
        user_id: &str,
        profile: Option<serde_json::Map<String, serde_json::Value>>,
        user_name: Option<String>,
    ) -> DirResult<AppUser> {
        check_app_user_name(user_name.as_deref())?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        let Some(au) = app.users.get_mut(user_id) else {
            return Err(DirError::validation(vec![Cause::new(
                "scope",
                "scope: only a user assigned directly (scope USER) has an app profile to update; assign the user to the app first",
            )]));
        };
        if let Some(profile) = profile {
            au.profile = profile;
        }
        if let Some(name) = user_name {
            au.user_name = Some(name);
        }
        au.last_updated = now;
        Ok(au.clone())
    }

    /// Removes a direct user assignment.
    pub fn unassign_user(&self, app_id: &str, user_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        app.users
            .shift_remove(user_id)
            .map(|_| ())
            .ok_or_else(|| DirError::NotFound {
                id: user_id.to_owned(),
                kind: "AppUser",
            })
    }

    /// Assigns a group (`PUT /api/v1/apps/{id}/groups/{gid}`); idempotent.
    pub fn assign_group(
        &self,
        app_id: &str,
        group_id: &str,
        priority: Option<u32>,
    ) -> DirResult<AppGroup> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        store.group_by_id(group_id)?;
        let app = store.app_mut(app_id)?;
        let next_priority = app.groups.len() as u32;
        let ag = app
            .groups
            .entry(group_id.to_owned())
            .or_insert_with(|| AppGroup {
                group_id: group_id.to_owned(),
                last_updated: now,
                priority: next_priority,
            });
        if let Some(p) = priority {
            ag.priority = p;
        }
        ag.last_updated = now;
        Ok(ag.clone())
    }

    /// Removes a group assignment.
    pub fn unassign_group(&self, app_id: &str, group_id: &str) -> DirResult<()> {
        let mut store = self.write();
        let app = store.app_mut(app_id)?;
        app.groups.shift_remove(group_id);
        Ok(())
    }

    /// Whether a user may use an app: assigned directly, through a group, or through
    /// Everyone.
    pub fn is_assigned(&self, app: &App, user_id: &str) -> bool {
        if app.users.contains_key(user_id) {
            return true;
        }
        let store = self.read();
        app.groups.keys().any(|gid| {
            store
                .groups
                .values()
                .find(|g| &g.id == gid)
                .is_some_and(|g| g.is_everyone() || g.members.contains(user_id))
        })
    }

    /// The apps a user is assigned to, in creation order.
    pub fn apps_for_user(&self, user_id: &str) -> Vec<App> {
        let apps: Vec<App> = self.read().apps.values().cloned().collect();
        apps.into_iter()
            .filter(|a| self.is_assigned(a, user_id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::web_app;
    use crate::{
        clock::Clock,
        directory::{DirError, Directory},
    };
    use serde_json::json;

    #[test]
    fn assignment_through_everyone_group_or_directly() {
        let dir = Directory::new(Clock::default());
        let app = dir.create_app(web_app(json!({})), true).unwrap();
        let u = dir
            .create_user(crate::directory::NewUser {
                profile: json!({"firstName":"A","lastName":"B","email":"a@b.c","login":"a@b.c"})
                    .as_object()
                    .cloned()
                    .unwrap(),
                activate: true,
                ..Default::default()
            })
            .unwrap();
        assert!(!dir.is_assigned(&dir.app(&app.id).unwrap(), &u.id));
        dir.assign_user(&app.id, &u.id).unwrap();
        assert!(dir.is_assigned(&dir.app(&app.id).unwrap(), &u.id));
        assert_eq!(
            dir.assign_user(&app.id, &u.id),
            Err(DirError::AlreadyAssigned)
        );
        dir.unassign_user(&app.id, &u.id).unwrap();
        dir.assign_group(&app.id, &dir.everyone().id, None).unwrap();
        assert!(dir.is_assigned(&dir.app(&app.id).unwrap(), &u.id));
        assert_eq!(dir.delete_app(&app.id), Err(DirError::AppActive));
        dir.set_app_status(&app.id, false).unwrap();
        dir.delete_app(&app.id).unwrap();
    }
}
