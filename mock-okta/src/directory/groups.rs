//! Groups: Okta groups and the built-in Everyone group, with members.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::{Cause, DirError, DirResult, Directory, Page, Store, paginate, starts_with_ci};
use crate::ids::okta_id;

/// The name of the built-in group every user belongs to.
pub const EVERYONE: &str = "Everyone";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupType {
    OktaGroup,
    BuiltIn,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OktaGroup => "OKTA_GROUP",
            Self::BuiltIn => "BUILT_IN",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub created: OffsetDateTime,
    pub last_updated: OffsetDateTime,
    pub last_membership_updated: OffsetDateTime,
    pub type_: GroupType,
    pub profile_name: String,
    pub profile_description: Option<String>,
    /// Explicit members; Everyone's members are all users and this set stays empty.
    pub members: BTreeSet<String>,
}

impl Group {
    pub(super) fn everyone(id: String, now: OffsetDateTime) -> Self {
        Self {
            id,
            created: now,
            last_updated: now,
            last_membership_updated: now,
            type_: GroupType::BuiltIn,
            profile_name: EVERYONE.to_owned(),
            profile_description: Some("All users in your organization".to_owned()),
            members: BTreeSet::new(),
        }
    }

    pub fn is_everyone(&self) -> bool {
        self.type_ == GroupType::BuiltIn && self.profile_name == EVERYONE
    }
}

impl Store {
    /// A group by id; Okta's `UserGroup` not-found otherwise.
    pub(super) fn group_by_id(&self, id: &str) -> DirResult<&Group> {
        self.groups
            .values()
            .find(|g| g.id == id)
            .ok_or_else(|| group_not_found(id))
    }

    /// A group by id, to change it: Okta groups change, the built-in Everyone does not.
    fn changeable_group(&mut self, id: &str) -> DirResult<&mut Group> {
        let g = self
            .groups
            .values_mut()
            .find(|g| g.id == id)
            .ok_or_else(|| group_not_found(id))?;
        if g.type_ == GroupType::BuiltIn {
            return Err(DirError::Forbidden);
        }
        Ok(g)
    }
}

fn group_not_found(id: &str) -> DirError {
    DirError::NotFound {
        id: id.to_owned(),
        kind: "UserGroup",
    }
}

/// A group's name: trimmed, and not blank.
fn group_name(name: &str) -> DirResult<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DirError::validation(vec![Cause::blank("name")]));
    }
    Ok(name)
}

impl Directory {
    /// Creates an Okta group (`POST /api/v1/groups`).
    pub fn create_group(&self, name: &str, description: Option<String>) -> DirResult<Group> {
        let name = group_name(name)?;
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if store
            .groups
            .values()
            .any(|g| g.profile_name.eq_ignore_ascii_case(name))
        {
            return Err(DirError::validation(vec![Cause::taken("name")]));
        }
        let group = Group {
            id: okta_id("00g"),
            created: now,
            last_updated: now,
            last_membership_updated: now,
            type_: GroupType::OktaGroup,
            profile_name: name.to_owned(),
            profile_description: description,
            members: BTreeSet::new(),
        };
        store.groups.insert(group.id.clone(), group.clone());
        Ok(group)
    }

    /// A group by id.
    pub fn group(&self, id: &str) -> DirResult<Group> {
        self.read().group_by_id(id).cloned()
    }

    /// The built-in Everyone group.
    pub fn everyone(&self) -> Group {
        self.read()
            .groups
            .get(EVERYONE)
            .cloned()
            .unwrap_or_else(|| Group::everyone(String::new(), self.clock().now_datetime()))
    }

    /// Every group, in the order the API lists them (the console's lists).
    pub fn all_groups(&self) -> Vec<Group> {
        self.list_groups(None, &|_| true, None, usize::MAX).items
    }

    /// Lists groups; `q` is a prefix of the name.
    pub fn list_groups(
        &self,
        q: Option<&str>,
        filter: &dyn Fn(&Group) -> bool,
        after: Option<&str>,
        limit: usize,
    ) -> Page<Group> {
        let store = self.read();
        let items = store
            .groups
            .values()
            .filter(|g| q.is_none_or(|q| starts_with_ci(&g.profile_name, q)) && filter(g));
        paginate(items.map(|g| (g.id.clone(), g.clone())), after, limit)
    }

    /// Renames or re-describes an Okta group.
    pub fn update_group(
        &self,
        id: &str,
        name: &str,
        description: Option<String>,
    ) -> DirResult<Group> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        let g = store.changeable_group(id)?;
        g.profile_name = group_name(name)?.to_owned();
        g.profile_description = description;
        g.last_updated = now;
        Ok(g.clone())
    }

    /// Deletes an Okta group (the built-in one cannot be deleted).
    pub fn delete_group(&self, id: &str) -> DirResult<()> {
        let mut store = self.write();
        store.changeable_group(id)?;
        store.groups.retain(|_, g| g.id != id);
        for app in store.apps.values_mut() {
            app.groups.shift_remove(id);
        }
        Ok(())
    }

    /// Adds (`true`) or removes (`false`) a member. Everyone's membership cannot change.
    pub fn set_group_member(&self, group_id: &str, user_id: &str, member: bool) -> DirResult<()> {
        let now = self.clock().now_datetime();
        let mut store = self.write();
        if !store.users.contains_key(user_id) {
            return Err(DirError::user_not_found(user_id));
        }
        let g = store.changeable_group(group_id)?;
        let changed = if member {
            g.members.insert(user_id.to_owned())
        } else {
            g.members.remove(user_id)
        };
        if changed {
            g.last_membership_updated = now;
            let group = super::Party {
                id: g.id.clone(),
                type_: "UserGroup",
                alternate_id: "unknown".to_owned(),
                display_name: g.profile_name.clone(),
            };
            let user = store.users.get(user_id).map(super::User::party);
            drop(store);
            let mut e = if member {
                super::Entry::new("group.user_membership.add", "Add user to group membership")
            } else {
                super::Entry::new(
                    "group.user_membership.remove",
                    "Remove user from group membership",
                )
            };
            e = e.actor(Self::admin_actor());
            if let Some(u) = user {
                e = e.target(u);
            }
            self.record(e.target(group));
        }
        Ok(())
    }

    /// A group's members (every user for Everyone).
    pub fn group_members(&self, group_id: &str) -> DirResult<Vec<super::User>> {
        let store = self.read();
        let g = store.group_by_id(group_id)?;
        Ok(store
            .users
            .values()
            .filter(|u| g.is_everyone() || g.members.contains(&u.id))
            .cloned()
            .collect())
    }
}
