//! Organizations, users, roles and sessions, behind the typed API of [`Directory`].

mod identity;
mod store;
mod types;

pub use identity::{
    AuthSettings, AuthSettingsPatch, ClaimMappings, ClaimMappingsPatch, IdentityProvider,
    IdentityProviderPatch, InvalidParameter, OidcClient, SettingsRefusal, default_scopes,
    parse_issuer,
};
pub use store::{
    Directory, LoginRefusal, Organization, ProvisionError, Seed, SeedIdentityProvider,
    SeedOrganization, SeedUser, SessionToken, UpdateError, User,
};
pub use types::{Email, LOGIN_PATH_RULE, LoginPath, Role, Tier};
