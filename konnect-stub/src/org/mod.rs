//! Organizations, users, roles and sessions, behind the typed API of [`Directory`]
//! (`store.rs`), which the seed (`seed.rs`), the v2 API, the settings page and SSO all go
//! through. Konnect sessions are in `sessions.rs`; linking or provisioning an SSO user is in
//! `sso_users.rs`; teams and how groups become team memberships in `teams.rs`, written by
//! `memberships.rs`; v3's identity providers (OIDC and a stored SAML one) in `providers.rs`.

mod identity;
mod memberships;
mod providers;
mod roles;
mod seed;
mod sessions;
mod sso_users;
mod store;
mod teams;
mod types;

pub use identity::{
    AuthSettings, AuthSettingsPatch, ClaimMappings, ClaimMappingsPatch, IdentityProvider,
    IdentityProviderPatch, InvalidParameter, OidcClient, SamlProvider, SettingsRefusal,
    default_scopes, parse_issuer,
};
pub use memberships::{TeamError, TeamFields};
pub use providers::{ProviderError, SamlFields};
pub use roles::{PREDEFINED_ROLES, PredefinedRole, RoleGroup};
pub use seed::{Seed, SeedIdentityProvider, SeedOrganization, SeedUser};
pub use sessions::{SESSION_LIFETIME, SessionToken};
pub use sso_users::{ProvisionError, SsoSignIn};
pub use store::{Directory, LoginRefusal, Organization, Snapshot, UpdateError, User};
pub use teams::{
    Memberships, NO_GROUP_MAPPED, ORGANIZATION_ADMIN, PREDEFINED_TEAMS, PredefinedTeam, Team,
    TeamGroupMapping, TeamSource, check_team_mappings, groups_matter, idp_teams_after_login,
    role_of, team_source, teams_of_groups,
};
pub use types::{Email, EmailVerification, LOGIN_PATH_RULE, LoginPath, Role, Tier};
