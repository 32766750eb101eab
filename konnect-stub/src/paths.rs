//! Paths served by the stub, shared by the router, the pages and the tests.

pub const HOME: &str = "/";
/// The login page, and the OIDC redirect URI (`/login?code&state`).
pub const LOGIN: &str = "/login";
/// An organization's SSO login URL.
pub const LOGIN_ORG: &str = "/login/{login_path}";
pub const LOGOUT: &str = "/logout";
/// Konnect's basic-auth endpoint, as the login form and decK call it.
pub const AUTHENTICATE: &str = "/kauth/api/v1/authenticate";
pub const SETTINGS: &str = "/settings";
pub const IDENTITY_MANAGEMENT: &str = "/settings/identity-management";
pub const IDENTITY_OKTA: &str = "/settings/identity-management/okta";
pub const IDENTITY_TEAM_MAPPINGS: &str = "/settings/identity-management/team-mappings";
pub const STYLESHEET: &str = "/assets/konnect.css";

pub const API_IDENTITY_PROVIDER: &str = "/identity-provider";
pub const API_AUTHENTICATION_SETTINGS: &str = "/authentication-settings";
pub const API_USERS_ME: &str = "/users/me";
pub const API_ORGANIZATIONS_ME: &str = "/organizations/me";
// v3 only.
pub const API_TEAMS: &str = "/teams";
pub const API_TEAM: &str = "/teams/{team_id}";
pub const API_TEAM_USERS: &str = "/teams/{team_id}/users";
pub const API_TEAM_USER: &str = "/teams/{team_id}/users/{user_id}";
pub const API_TEAM_ASSIGNED_ROLES: &str = "/teams/{team_id}/assigned-roles";
pub const API_ROLES: &str = "/roles";
pub const API_USERS: &str = "/users";
pub const API_USER: &str = "/users/{user_id}";
pub const API_USER_TEAMS: &str = "/users/{user_id}/teams";
pub const API_TEAM_GROUP_MAPPINGS: &str = "/identity-provider/team-group-mappings";
pub const API_TEAM_MAPPINGS: &str = "/identity-provider/team-mappings";
pub const API_IDENTITY_PROVIDERS: &str = "/identity-providers";
pub const API_IDENTITY_PROVIDERS_ONE: &str = "/identity-providers/{id}";
pub const API_IDP_TEAM_GROUP_MAPPINGS: &str = "/identity-providers/{id}/team-group-mappings";
pub const API_IDP_TEAM_GROUP_MAPPING: &str =
    "/identity-providers/{id}/team-group-mappings/{mapping_id}";

/// The redirect URI to register at the identity provider.
pub fn redirect_uri(base_url: &str) -> String {
    format!("{base_url}{LOGIN}")
}

/// The organization's login URL, `{public URL}/login/{login path}`.
pub fn org_login_url(base_url: &str, login_path: &str) -> String {
    format!("{base_url}{LOGIN}/{login_path}")
}

/// Whether `path` belongs to the JSON API (answered with problem+json) rather than the
/// browser pages (answered with an HTML error page).
pub fn is_api(path: &str) -> bool {
    path.starts_with("/v2/")
        || path.starts_with("/v3/")
        || path.starts_with("/kauth/")
        || crate::control::is_control(path)
}
