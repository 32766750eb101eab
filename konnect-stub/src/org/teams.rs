//! Teams, who is in them, and how an identity provider's groups become team memberships:
//! plain data and pure functions, applied by the store under its lock. Konnect's predefined
//! teams come with every organization; the Organization Admin team is what makes an
//! Organization Admin.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::SystemTime,
};

use super::identity::AuthSettings;
use super::types::Role;

/// The API name of the Organization Admin team (`GET /teams?filter[name]=organization-admin`).
pub const ORGANIZATION_ADMIN: &str = "organization-admin";

/// One of Konnect's predefined teams: its API name, the label the UI shows, a description.
#[derive(Debug, Clone, Copy)]
pub struct PredefinedTeam {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
}

/// Konnect's predefined teams, which cannot be modified or deleted. Organization Admin's name
/// and description are Konnect's; for the others Konnect publishes only the labels, so their
/// names are the stub's kebab-case of the labels and their descriptions the stub's own.
pub const PREDEFINED_TEAMS: [PredefinedTeam; 8] = [
    PredefinedTeam {
        name: "analytics-admin",
        label: "Analytics Admin",
        description: "Allow managing all analytics dashboards and reports.",
    },
    PredefinedTeam {
        name: "analytics-viewer",
        label: "Analytics Viewer",
        description: "Allow viewing all analytics dashboards and reports.",
    },
    PredefinedTeam {
        name: ORGANIZATION_ADMIN,
        label: "Organization Admin",
        description: "Allow managing all objects, users and roles in the organization.",
    },
    PredefinedTeam {
        name: "organization-admin-read-only",
        label: "Organization Admin (Read Only)",
        description: "Allow viewing all objects, users and roles in the organization.",
    },
    PredefinedTeam {
        name: "portal-admin",
        label: "Portal Admin",
        description: "Allow managing all developer portals.",
    },
    PredefinedTeam {
        name: "api-product-admin",
        label: "API Product Admin",
        description: "Allow managing all API products.",
    },
    PredefinedTeam {
        name: "api-product-developer",
        label: "API Product Developer",
        description: "Allow developing and publishing API products.",
    },
    PredefinedTeam {
        name: "control-plane-admin",
        label: "Control Plane Admin",
        description: "Allow managing all control planes.",
    },
];

/// A team of the organization, predefined (`system_team`) or custom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub system_team: bool,
    pub labels: BTreeMap<String, String>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
}

impl Team {
    /// What the UI calls the team: a predefined team's label, a custom team's name.
    pub fn label(&self) -> &str {
        if self.system_team
            && let Some(p) = PREDEFINED_TEAMS.iter().find(|p| p.name == self.name)
        {
            return p.label;
        }
        &self.name
    }
}

/// One identity-provider group mapped to one team. Group names are case sensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamGroupMapping {
    pub id: String,
    pub team_id: String,
    pub group: String,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
}

/// A user's teams, by where the membership comes from: assigned in Konnect (the seed, the
/// API, the owner's Organization Admin team) or derived from the identity provider's groups at
/// the last SSO login.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memberships {
    pub konnect: BTreeSet<String>,
    pub idp: BTreeSet<String>,
}

impl Memberships {
    pub fn contains(&self, team_id: &str) -> bool {
        self.konnect.contains(team_id) || self.idp.contains(team_id)
    }
}

/// Who decides a user's teams, by the authentication settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamSource {
    /// `idp_mapping_enabled` alone: "IdP groups determine the Konnect teams a user has".
    IdentityProvider,
    /// `konnect_mapping_enabled` (with or without IdP mapping): "A Konnect Identity Admin
    /// assigns teams to a user"; the groups claim is ignored.
    Konnect,
    /// Neither: logins change no team.
    Nobody,
}

pub fn team_source(settings: &AuthSettings) -> TeamSource {
    match (
        settings.idp_mapping_enabled,
        settings.konnect_mapping_enabled,
    ) {
        (_, true) => TeamSource::Konnect,
        (true, false) => TeamSource::IdentityProvider,
        (false, false) => TeamSource::Nobody,
    }
}

/// The teams `groups` map to (exact, case-sensitive group names).
pub fn teams_of_groups(mappings: &[TeamGroupMapping], groups: &[String]) -> BTreeSet<String> {
    mappings
        .iter()
        .filter(|m| groups.contains(&m.group))
        .map(|m| m.team_id.clone())
        .collect()
}

/// The IdP-derived teams a user has after an SSO login. With IdP mapping they are replaced
/// by what the login's groups map to (no groups claim: no groups); otherwise the claim is
/// ignored and they stay as they were.
pub fn idp_teams_after_login(
    settings: &AuthSettings,
    mappings: &[TeamGroupMapping],
    groups: &[String],
    previous: &BTreeSet<String>,
) -> BTreeSet<String> {
    match team_source(settings) {
        TeamSource::IdentityProvider => teams_of_groups(mappings, groups),
        TeamSource::Konnect | TeamSource::Nobody => previous.clone(),
    }
}

/// Whether a login's groups can change anything, so the relying party knows whether to ask
/// userinfo for a groups claim the ID token lacks.
pub fn groups_matter(settings: &AuthSettings, mappings: &[TeamGroupMapping]) -> bool {
    team_source(settings) == TeamSource::IdentityProvider && !mappings.is_empty()
}

/// Konnect's refusal of a Team Mappings page that maps no group.
pub const NO_GROUP_MAPPED: &str =
    "You must have at least one group mapped to save configuration changes";

/// The Team Mappings page's rule: with IdP Mapping Enabled, at least one group must be mapped
/// (with it off, the groups decide nothing and may all be empty).
pub fn check_team_mappings(
    idp_mapping_enabled: bool,
    groups_by_team: &[(String, Vec<String>)],
) -> Result<(), &'static str> {
    let some_group = groups_by_team.iter().any(|(_, groups)| !groups.is_empty());
    if idp_mapping_enabled && !some_group {
        Err(NO_GROUP_MAPPED)
    } else {
        Ok(())
    }
}

/// The user's role: the owner is always an Organization Admin, anyone else is one exactly
/// while in the Organization Admin team.
pub fn role_of(is_owner: bool, teams: &Memberships, organization_admin_team: &str) -> Role {
    if is_owner || teams.contains(organization_admin_team) {
        Role::OrganizationAdmin
    } else {
        Role::Member
    }
}

/// The predefined teams of a new organization, with fresh ids.
pub fn predefined_teams(now: SystemTime) -> Vec<Team> {
    PREDEFINED_TEAMS
        .iter()
        .map(|p| Team {
            id: crate::crypto::new_uuid(),
            name: p.name.to_owned(),
            description: Some(p.description.to_owned()),
            system_team: true,
            labels: BTreeMap::new(),
            created_at: now,
            updated_at: now,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(idp: bool, konnect: bool) -> AuthSettings {
        AuthSettings {
            idp_mapping_enabled: idp,
            konnect_mapping_enabled: konnect,
            ..AuthSettings::default()
        }
    }

    fn mapping(team: &str, group: &str) -> TeamGroupMapping {
        let now = SystemTime::UNIX_EPOCH;
        TeamGroupMapping {
            id: format!("{team}-{group}"),
            team_id: team.into(),
            group: group.into(),
            created_at: now,
            updated_at: now,
        }
    }

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn groups(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn konnect_mapping_wins_over_idp_mapping_and_neither_means_nobody() {
        assert_eq!(
            team_source(&settings(true, false)),
            TeamSource::IdentityProvider
        );
        assert_eq!(team_source(&settings(false, true)), TeamSource::Konnect);
        assert_eq!(team_source(&settings(true, true)), TeamSource::Konnect);
        assert_eq!(team_source(&settings(false, false)), TeamSource::Nobody);
    }

    #[test]
    fn groups_map_to_teams_by_exact_case_sensitive_name() {
        let m = [
            mapping("admins", "Konnect Admins"),
            mapping("devs", "Developers"),
            mapping("devs", "Engineers"),
        ];
        assert_eq!(
            teams_of_groups(&m, &groups(&["Konnect Admins", "Engineers"])),
            set(&["admins", "devs"])
        );
        assert_eq!(teams_of_groups(&m, &groups(&["konnect admins"])), set(&[]));
        assert_eq!(teams_of_groups(&m, &groups(&["Konnect"])), set(&[]));
        assert_eq!(teams_of_groups(&m, &[]), set(&[]));
    }

    #[test]
    fn with_idp_mapping_a_login_replaces_the_idp_teams() {
        let m = [mapping("admins", "Konnect Admins")];
        let before = set(&["old"]);
        let s = settings(true, false);
        assert_eq!(
            idp_teams_after_login(&s, &m, &groups(&["Konnect Admins"]), &before),
            set(&["admins"])
        );
        // Removed from the group (or no groups claim at all): no IdP team is left.
        assert_eq!(idp_teams_after_login(&s, &m, &[], &before), set(&[]));
    }

    #[test]
    fn with_konnect_mapping_or_no_mapping_a_login_changes_no_team() {
        let m = [mapping("admins", "Konnect Admins")];
        let before = set(&["old"]);
        for s in [
            settings(false, true),
            settings(true, true),
            settings(false, false),
        ] {
            assert_eq!(
                idp_teams_after_login(&s, &m, &groups(&["Konnect Admins"]), &before),
                before
            );
        }
    }

    #[test]
    fn groups_matter_only_with_idp_mapping_and_some_mapping() {
        let m = [mapping("admins", "Konnect Admins")];
        assert!(groups_matter(&settings(true, false), &m));
        assert!(!groups_matter(&settings(true, false), &[]));
        assert!(!groups_matter(&settings(true, true), &m));
        assert!(!groups_matter(&settings(false, false), &m));
    }

    #[test]
    fn the_team_mappings_page_needs_a_group_only_with_idp_mapping() {
        let none = vec![("t".to_owned(), vec![])];
        let one = vec![("t".to_owned(), vec![]), ("u".to_owned(), groups(&["G"]))];
        assert_eq!(check_team_mappings(true, &none), Err(NO_GROUP_MAPPED));
        assert_eq!(check_team_mappings(true, &[]), Err(NO_GROUP_MAPPED));
        assert_eq!(check_team_mappings(true, &one), Ok(()));
        assert_eq!(check_team_mappings(false, &none), Ok(()));
    }

    #[test]
    fn the_organization_admin_team_or_ownership_makes_an_admin() {
        let in_team = Memberships {
            konnect: set(&[]),
            idp: set(&["oa"]),
        };
        assert_eq!(role_of(false, &in_team, "oa"), Role::OrganizationAdmin);
        let assigned = Memberships {
            konnect: set(&["oa"]),
            idp: set(&[]),
        };
        assert_eq!(role_of(false, &assigned, "oa"), Role::OrganizationAdmin);
        let other = Memberships {
            konnect: set(&["devs"]),
            idp: set(&["x"]),
        };
        assert_eq!(role_of(false, &other, "oa"), Role::Member);
        assert_eq!(
            role_of(true, &Memberships::default(), "oa"),
            Role::OrganizationAdmin
        );
    }

    #[test]
    fn predefined_teams_are_system_teams_with_their_ui_labels() {
        let teams = predefined_teams(SystemTime::UNIX_EPOCH);
        assert_eq!(teams.len(), 8);
        let oa = teams.iter().find(|t| t.name == ORGANIZATION_ADMIN).unwrap();
        assert!(oa.system_team);
        assert_eq!(oa.label(), "Organization Admin");
        let custom = Team {
            system_team: false,
            name: "organization-admin".into(),
            ..oa.clone()
        };
        assert_eq!(custom.label(), "organization-admin");
    }
}
