//! Writing teams, team members and team-group mappings into the directory, with Konnect's
//! rules (system teams cannot be changed, group mappings need an identity provider), under
//! the directory's lock. The v3 API and the Team Mappings page both come through here.

use std::{collections::BTreeMap, time::SystemTime};

use super::identity::{AuthSettingsPatch, InvalidParameter};
use super::store::{Directory, Organization, State, UpdateError};
use super::teams::{Memberships, Team, TeamGroupMapping};
use crate::crypto::new_uuid;

/// Why a team change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamError {
    NoSuchOrganization,
    NoSuchTeam,
    NoSuchUser,
    NoSuchMapping,
    /// Konnect's 400 `teamID` "system teams cannot be modified".
    SystemTeam,
    /// The user is already in the team, or the group already mapped to it (409).
    Conflict(&'static str),
    /// Group mappings need a configured identity provider.
    NoIdentityProvider,
    Invalid(Vec<InvalidParameter>),
    Settings(UpdateError),
}

/// A new team's fields, or a change to one (every field optional).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFields {
    pub name: Option<String>,
    pub description: Option<String>,
    /// In a change, a label set to null is removed.
    pub labels: Option<BTreeMap<String, Option<String>>>,
}

const RESERVED_LABEL_PREFIXES: [&str; 5] = ["kong", "konnect", "mesh", "kic", "_"];

/// Checks a team's fields as the spec's `Team` and `Labels` schemas say: a name and a
/// description of 1 to 250 characters, at most 50 labels whose keys are 1 to 63 characters
/// and do not start with a reserved prefix, and whose values are 1 to 63 characters.
fn check_fields(fields: &TeamFields, creating: bool) -> Result<(), Vec<InvalidParameter>> {
    let mut errors = Vec::new();
    match &fields.name {
        None if creating => errors.push(InvalidParameter::new("name", "is required")),
        Some(n) if n.trim().is_empty() => {
            errors.push(InvalidParameter::new("name", "cannot be blank"))
        }
        Some(n) if n.chars().count() > 250 => errors.push(InvalidParameter::new(
            "name",
            "must be at most 250 characters",
        )),
        _ => {}
    }
    if let Some(d) = &fields.description {
        let len = d.chars().count();
        if !(1..=250).contains(&len) {
            errors.push(InvalidParameter::new(
                "description",
                "must be 1 to 250 characters",
            ));
        }
    }
    if let Some(labels) = &fields.labels {
        if labels.len() > 50 {
            errors.push(InvalidParameter::new(
                "labels",
                "must have at most 50 labels",
            ));
        }
        for (key, value) in labels {
            let lower = key.to_ascii_lowercase();
            if key.is_empty()
                || key.chars().count() > 63
                || RESERVED_LABEL_PREFIXES.iter().any(|p| lower.starts_with(p))
            {
                errors.push(InvalidParameter::new(
                    &format!("labels.{key}"),
                    "keys must be 1 to 63 characters and cannot start with kong, konnect, mesh, kic or _",
                ));
            }
            if value
                .as_deref()
                .is_some_and(|v| v.is_empty() || v.chars().count() > 63)
                || (creating && value.is_none())
            {
                errors.push(InvalidParameter::new(
                    &format!("labels.{key}"),
                    "values must be 1 to 63 characters",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn org_mut<'a>(st: &'a mut State, org_id: &str) -> Result<&'a mut Organization, TeamError> {
    st.orgs.get_mut(org_id).ok_or(TeamError::NoSuchOrganization)
}

fn custom_team<'a>(org: &'a mut Organization, team_id: &str) -> Result<&'a mut Team, TeamError> {
    let team = org
        .teams
        .iter_mut()
        .find(|t| t.id == team_id)
        .ok_or(TeamError::NoSuchTeam)?;
    if team.system_team {
        return Err(TeamError::SystemTeam);
    }
    Ok(team)
}

impl Directory {
    /// A custom team. The same name may be used twice; the teams get different ids.
    pub fn create_team(
        &self,
        org_id: &str,
        fields: &TeamFields,
        now: SystemTime,
    ) -> Result<Team, TeamError> {
        check_fields(fields, true).map_err(TeamError::Invalid)?;
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        let team = Team {
            id: new_uuid(),
            name: fields.name.clone().unwrap_or_default().trim().to_owned(),
            description: fields.description.clone(),
            system_team: false,
            labels: fields
                .labels
                .iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
                .collect(),
            created_at: now,
            updated_at: now,
        };
        org.teams.push(team.clone());
        Ok(team)
    }

    pub fn update_team(
        &self,
        org_id: &str,
        team_id: &str,
        fields: &TeamFields,
        now: SystemTime,
    ) -> Result<Team, TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        let team = custom_team(org, team_id)?;
        check_fields(fields, false).map_err(TeamError::Invalid)?;
        if let Some(name) = &fields.name {
            team.name = name.trim().to_owned();
        }
        if let Some(description) = &fields.description {
            team.description = Some(description.clone());
        }
        for (key, value) in fields.labels.iter().flatten() {
            match value {
                Some(v) => team.labels.insert(key.clone(), v.clone()),
                None => team.labels.remove(key),
            };
        }
        team.updated_at = now;
        Ok(team.clone())
    }

    /// Deletes a custom team, its memberships and its group mappings.
    pub fn delete_team(&self, org_id: &str, team_id: &str) -> Result<(), TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        custom_team(org, team_id)?;
        org.teams.retain(|t| t.id != team_id);
        org.team_group_mappings.retain(|m| m.team_id != team_id);
        let org = org.clone();
        for user in st.users.values_mut().filter(|u| u.org_id == org_id) {
            user.teams.konnect.remove(team_id);
            user.teams.idp.remove(team_id);
            user.role = org.role_of(user);
        }
        Ok(())
    }

    /// Assigns a user to a team in Konnect (the Organization Admin team makes an
    /// Organization Admin).
    pub fn add_to_team(
        &self,
        org_id: &str,
        team_id: &str,
        user_id: &str,
        now: SystemTime,
    ) -> Result<(), TeamError> {
        self.change_membership(org_id, team_id, user_id, now, |teams| {
            if teams.contains(team_id) {
                return Err(TeamError::Conflict("User is already a member of the team"));
            }
            teams.konnect.insert(team_id.to_owned());
            Ok(())
        })
    }

    /// Takes a user out of a team, whether Konnect or the identity provider put them there.
    pub fn remove_from_team(
        &self,
        org_id: &str,
        team_id: &str,
        user_id: &str,
        now: SystemTime,
    ) -> Result<(), TeamError> {
        self.change_membership(org_id, team_id, user_id, now, |teams| {
            if !teams.contains(team_id) {
                return Err(TeamError::NoSuchUser);
            }
            teams.konnect.remove(team_id);
            teams.idp.remove(team_id);
            Ok(())
        })
    }

    /// The one write path for a member's teams: the organization, the team and the user (a
    /// member of the organization) must exist; `change` edits the user's memberships, and the
    /// user's role follows them.
    fn change_membership(
        &self,
        org_id: &str,
        team_id: &str,
        user_id: &str,
        now: SystemTime,
        change: impl FnOnce(&mut Memberships) -> Result<(), TeamError>,
    ) -> Result<(), TeamError> {
        let mut st = self.write();
        let org = st
            .orgs
            .get(org_id)
            .cloned()
            .ok_or(TeamError::NoSuchOrganization)?;
        org.team(team_id).ok_or(TeamError::NoSuchTeam)?;
        let user = st
            .users
            .get_mut(user_id)
            .filter(|u| u.org_id == org_id)
            .ok_or(TeamError::NoSuchUser)?;
        change(&mut user.teams)?;
        user.role = org.role_of(user);
        user.updated_at = now;
        Ok(())
    }

    /// Replaces the groups mapped to each team named (`[]` clears a team's); other teams keep
    /// theirs. Group names are kept exactly (case sensitive), each once per team.
    pub fn replace_team_groups(
        &self,
        org_id: &str,
        groups_by_team: &[(String, Vec<String>)],
        now: SystemTime,
    ) -> Result<(), TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        replace_groups(org, groups_by_team, now)
    }

    /// Replaces the teams each group named is mapped to (the group-keyed form of
    /// [`Directory::replace_team_groups`]; `[]` unmaps the group); other groups keep theirs.
    pub fn replace_group_teams(
        &self,
        org_id: &str,
        teams_by_group: &[(String, Vec<String>)],
        now: SystemTime,
    ) -> Result<(), TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        let mut groups_by_team: Vec<(String, Vec<String>)> = Vec::new();
        let mut errors = Vec::new();
        for (i, (group, team_ids)) in teams_by_group.iter().enumerate() {
            if let Err(mut e) = check_group(group) {
                e[0].field = format!("mappings[{i}].group");
                errors.append(&mut e);
            }
            for (j, team_id) in team_ids.iter().enumerate() {
                if org.team(team_id).is_none() {
                    errors.push(InvalidParameter::new(
                        &format!("mappings[{i}].team_ids[{j}]"),
                        "team not found",
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(TeamError::Invalid(errors));
        }
        // Every team that has, or is to have, one of the groups gets its new group list.
        for team in &org.teams {
            let current = org.groups_of_team(&team.id);
            let mut next: Vec<String> = current
                .iter()
                .filter(|g| !teams_by_group.iter().any(|(group, _)| group == *g))
                .cloned()
                .collect();
            for (group, team_ids) in teams_by_group {
                if team_ids.contains(&team.id) && !next.contains(group) {
                    next.push(group.clone());
                }
            }
            if next != current {
                groups_by_team.push((team.id.clone(), next));
            }
        }
        replace_groups(org, &groups_by_team, now)
    }

    /// The Team Mappings page's Save: the two mapping switches and every team's groups in
    /// one change, all or nothing.
    pub fn save_team_mappings(
        &self,
        org_id: &str,
        switches: &AuthSettingsPatch,
        groups_by_team: &[(String, Vec<String>)],
        now: SystemTime,
    ) -> Result<(), TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        let settings = org
            .next_auth_settings(switches)
            .map_err(|e| TeamError::Settings(UpdateError::Settings(e)))?;
        let mut next = org.clone();
        replace_groups(&mut next, groups_by_team, now)?;
        next.auth_settings = settings;
        next.updated_at = now;
        *org = next;
        Ok(())
    }

    /// One mapping of a group to a team (`POST /identity-providers/{id}/team-group-mappings`).
    pub fn add_team_group_mapping(
        &self,
        org_id: &str,
        team_id: &str,
        group: &str,
        now: SystemTime,
    ) -> Result<TeamGroupMapping, TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        needs_identity_provider(org)?;
        check_group(group).map_err(TeamError::Invalid)?;
        org.team(team_id).ok_or(TeamError::NoSuchTeam)?;
        if org
            .team_group_mappings
            .iter()
            .any(|m| m.team_id == team_id && m.group == group)
        {
            return Err(TeamError::Conflict(
                "The group is already mapped to the team",
            ));
        }
        let mapping = TeamGroupMapping {
            id: new_uuid(),
            team_id: team_id.to_owned(),
            group: group.to_owned(),
            created_at: now,
            updated_at: now,
        };
        org.team_group_mappings.push(mapping.clone());
        Ok(mapping)
    }

    pub fn delete_team_group_mapping(&self, org_id: &str, id: &str) -> Result<(), TeamError> {
        let mut st = self.write();
        let org = org_mut(&mut st, org_id)?;
        let before = org.team_group_mappings.len();
        org.team_group_mappings.retain(|m| m.id != id);
        if org.team_group_mappings.len() == before {
            return Err(TeamError::NoSuchMapping);
        }
        Ok(())
    }
}

/// Group mappings need a configured identity provider.
fn needs_identity_provider(org: &Organization) -> Result<(), TeamError> {
    if org.has_identity_provider() {
        Ok(())
    } else {
        Err(TeamError::NoIdentityProvider)
    }
}

fn check_group(group: &str) -> Result<(), Vec<InvalidParameter>> {
    if group.trim().is_empty() {
        Err(vec![InvalidParameter::new("group", "cannot be blank")])
    } else if group.chars().count() > 255 {
        Err(vec![InvalidParameter::new(
            "group",
            "must be at most 255 characters",
        )])
    } else {
        Ok(())
    }
}

/// The one rule for replacing teams' groups, shared by the API and the page: an identity
/// provider must be configured, every team must exist, every group must be a name.
fn replace_groups(
    org: &mut Organization,
    groups_by_team: &[(String, Vec<String>)],
    now: SystemTime,
) -> Result<(), TeamError> {
    needs_identity_provider(org)?;
    let mut errors = Vec::new();
    for (i, (team_id, groups)) in groups_by_team.iter().enumerate() {
        if org.team(team_id).is_none() {
            errors.push(InvalidParameter::new(
                &format!("data[{i}].team_id"),
                "team not found",
            ));
        }
        for (j, g) in groups.iter().enumerate() {
            if let Err(mut e) = check_group(g) {
                e[0].field = format!("data[{i}].groups[{j}]");
                errors.append(&mut e);
            }
        }
    }
    if !errors.is_empty() {
        return Err(TeamError::Invalid(errors));
    }
    for (team_id, groups) in groups_by_team {
        let mut kept: Vec<TeamGroupMapping> = Vec::new();
        for g in groups {
            if kept.iter().any(|m| &m.group == g) {
                continue;
            }
            let existing = org
                .team_group_mappings
                .iter()
                .find(|m| &m.team_id == team_id && &m.group == g)
                .cloned();
            kept.push(existing.unwrap_or_else(|| TeamGroupMapping {
                id: new_uuid(),
                team_id: team_id.clone(),
                group: g.clone(),
                created_at: now,
                updated_at: now,
            }));
        }
        org.team_group_mappings.retain(|m| &m.team_id != team_id);
        org.team_group_mappings.extend(kept);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::store::tests::{acme, client, seed};
    use crate::org::{Email, Role};

    fn with_idp(dir: &Directory) -> Organization {
        let org = acme(dir);
        dir.enable_sso(&org.id, client(), None, SystemTime::now())
            .unwrap();
        acme(dir)
    }

    #[test]
    fn system_teams_cannot_be_changed_or_deleted() {
        let dir = Directory::new(seed(), SystemTime::now()).unwrap();
        let org = acme(&dir);
        let oa = org.organization_admin_team_id().to_owned();
        let fields = TeamFields {
            name: Some("x".into()),
            ..Default::default()
        };
        let now = SystemTime::now();
        assert_eq!(
            dir.update_team(&org.id, &oa, &fields, now),
            Err(TeamError::SystemTeam)
        );
        assert_eq!(dir.delete_team(&org.id, &oa), Err(TeamError::SystemTeam));
        let team = dir.create_team(&org.id, &fields, now).unwrap();
        assert!(!team.system_team);
        dir.delete_team(&org.id, &team.id).unwrap();
        assert!(acme(&dir).team(&team.id).is_none());
    }

    #[test]
    fn team_fields_are_checked_as_the_spec_says() {
        let dir = Directory::new(seed(), SystemTime::now()).unwrap();
        let org = acme(&dir);
        let bad = TeamFields {
            name: Some(" ".into()),
            description: Some(String::new()),
            labels: Some([("konnect-x".to_owned(), Some("v".to_owned()))].into()),
        };
        match dir.create_team(&org.id, &bad, SystemTime::now()) {
            Err(TeamError::Invalid(params)) => {
                let fields: Vec<&str> = params.iter().map(|p| p.field.as_str()).collect();
                assert_eq!(fields, ["name", "description", "labels.konnect-x"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            dir.create_team(&org.id, &TeamFields::default(), SystemTime::now()),
            Err(TeamError::Invalid(ref p)) if p[0].reason == "is required"
        ));
    }

    #[test]
    fn the_organization_admin_team_makes_and_unmakes_an_admin() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        let oa = org.organization_admin_team_id().to_owned();
        let member = dir
            .user_by_email(&Email::parse("user@example.com").unwrap())
            .unwrap();
        assert_eq!(member.role, Role::Member);
        dir.add_to_team(&org.id, &oa, &member.id, now).unwrap();
        assert_eq!(dir.user(&member.id).unwrap().role, Role::OrganizationAdmin);
        assert!(matches!(
            dir.add_to_team(&org.id, &oa, &member.id, now),
            Err(TeamError::Conflict(_))
        ));
        dir.remove_from_team(&org.id, &oa, &member.id, now).unwrap();
        assert_eq!(dir.user(&member.id).unwrap().role, Role::Member);
        // The owner stays an admin out of the team.
        dir.remove_from_team(&org.id, &oa, &org.owner_id, now)
            .unwrap();
        assert_eq!(
            dir.user(&org.owner_id).unwrap().role,
            Role::OrganizationAdmin
        );
    }

    #[test]
    fn group_mappings_need_an_identity_provider_and_known_teams() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = acme(&dir);
        let oa = org.organization_admin_team_id().to_owned();
        let admins = vec![(oa.clone(), vec!["Konnect Admins".to_owned()])];
        assert_eq!(
            dir.replace_team_groups(&org.id, &admins, now),
            Err(TeamError::NoIdentityProvider)
        );
        let org = with_idp(&dir);
        dir.replace_team_groups(&org.id, &admins, now).unwrap();
        assert_eq!(acme(&dir).groups_of_team(&oa), ["Konnect Admins"]);
        let unknown = vec![("nope".to_owned(), vec!["G".to_owned()])];
        assert!(matches!(
            dir.replace_team_groups(&org.id, &unknown, now),
            Err(TeamError::Invalid(ref p)) if p[0].field == "data[0].team_id"
        ));
        // Replacing keeps the mapping (and its id) for a group that stays.
        let id = acme(&dir).team_group_mappings[0].id.clone();
        let more = vec![(
            oa.clone(),
            vec!["Konnect Admins".to_owned(), "konnect admins".to_owned()],
        )];
        dir.replace_team_groups(&org.id, &more, now).unwrap();
        let org = acme(&dir);
        assert_eq!(org.team_group_mappings[0].id, id);
        assert_eq!(
            org.groups_of_team(&oa),
            ["Konnect Admins", "konnect admins"]
        );
        dir.replace_team_groups(&org.id, &[(oa.clone(), vec![])], now)
            .unwrap();
        assert!(acme(&dir).team_group_mappings.is_empty());
    }

    #[test]
    fn the_group_keyed_form_replaces_a_groups_teams_only() {
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = with_idp(&dir);
        let oa = org.organization_admin_team_id().to_owned();
        let other = org.teams.iter().find(|t| t.id != oa).unwrap().id.clone();
        dir.replace_team_groups(
            &org.id,
            &[(oa.clone(), vec!["Ops".into(), "Admins".into()])],
            now,
        )
        .unwrap();
        dir.replace_group_teams(&org.id, &[("Admins".into(), vec![other.clone()])], now)
            .unwrap();
        let org = acme(&dir);
        assert_eq!(org.groups_of_team(&oa), ["Ops"]);
        assert_eq!(org.groups_of_team(&other), ["Admins"]);
        assert!(matches!(
            dir.replace_group_teams(&org.id, &[("G".into(), vec!["nope".into()])], now),
            Err(TeamError::Invalid(ref p)) if p[0].field == "mappings[0].team_ids[0]"
        ));
    }

    #[test]
    fn sso_logins_follow_the_groups_through_the_mappings() {
        use crate::org::{EmailVerification, SsoSignIn};
        let now = SystemTime::now();
        let dir = Directory::new(seed(), now).unwrap();
        let org = with_idp(&dir);
        let oa = org.organization_admin_team_id().to_owned();
        dir.replace_team_groups(&org.id, &[(oa.clone(), vec!["Konnect Admins".into()])], now)
            .unwrap();
        let email = Email::parse("sam@example.com").unwrap();
        let login = |groups: &[String]| {
            dir.provision_sso_user(
                &SsoSignIn {
                    org_id: &org.id,
                    issuer: "https://idp.test/oauth2/default",
                    subject: "sam",
                    email: &email,
                    verification: EmailVerification::Verified,
                    full_name: "Sam",
                    groups,
                },
                now,
            )
            .unwrap()
        };
        let sam = login(&["Konnect Admins".into()]);
        assert_eq!(sam.role, Role::OrganizationAdmin);
        assert!(sam.teams.idp.contains(&oa));
        let sam = login(&["konnect admins".into()]);
        assert_eq!(sam.role, Role::Member, "group names are case sensitive");
        let sam = login(&["Konnect Admins".into()]);
        assert_eq!(sam.role, Role::OrganizationAdmin);
        // Konnect Mapping on: the groups change nothing.
        let konnect = AuthSettingsPatch {
            konnect_mapping_enabled: Some(true),
            ..Default::default()
        };
        dir.update_auth_settings(&org.id, &konnect, now).unwrap();
        let sam = login(&[]);
        assert_eq!(sam.role, Role::OrganizationAdmin);
    }
}
