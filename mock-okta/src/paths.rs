//! Paths and URL builders shared by the router, discovery and tests, so each fact is written
//! once.

/// The id of a custom authorization server: `default`, or an Okta id (`aus…`) of a server an
/// admin made. Held inline so that [`AuthServer`] stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServerId {
    len: u8,
    bytes: [u8; ServerId::MAX_LEN],
}

impl ServerId {
    /// Longer than any id the mock makes (`aus` and 17 characters) or Okta shows.
    pub const MAX_LEN: usize = 24;
    /// The `default` custom server every org has.
    pub const DEFAULT: Self = Self::from_static("default");

    const fn from_static(id: &str) -> Self {
        let src = id.as_bytes();
        let mut bytes = [0u8; Self::MAX_LEN];
        let mut i = 0;
        while i < src.len() {
            bytes[i] = src[i];
            i += 1;
        }
        Self {
            len: src.len() as u8,
            bytes,
        }
    }

    /// The id, if it is one the mock could have made (ASCII letters and digits, not over
    /// [`Self::MAX_LEN`]); `None` for anything else, which then names no server.
    pub fn parse(id: &str) -> Option<Self> {
        (!id.is_empty()
            && id.len() <= Self::MAX_LEN
            && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| Self::from_static(id))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (see `parse`).
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl std::fmt::Debug for ServerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for ServerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of authorization server an org has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthServer {
    /// The org authorization server: issuer `{org}`, endpoints `{org}/oauth2/v1/…`.
    Org,
    /// A custom authorization server (`default` or one an admin made): issuer
    /// `{org}/oauth2/{id}`, endpoints `{org}/oauth2/{id}/v1/…`.
    Custom(ServerId),
}

impl AuthServer {
    /// The `default` custom authorization server.
    pub const DEFAULT: Self = Self::Custom(ServerId::DEFAULT);

    /// The path prefix of the server's endpoints, e.g. `/oauth2/default/v1`.
    pub fn endpoint_prefix(self) -> String {
        format!("{}/v1", self.oauth2_path())
    }

    /// The issuer path relative to the org URL ("" for the org server).
    pub fn issuer_path(self) -> String {
        match self {
            Self::Org => String::new(),
            Self::Custom(id) => format!("/oauth2/{id}"),
        }
    }

    /// Where the server's routes are nested: `/oauth2` or `/oauth2/{id}`.
    fn oauth2_path(self) -> String {
        match self {
            Self::Org => "/oauth2".to_owned(),
            Self::Custom(id) => format!("/oauth2/{id}"),
        }
    }

    /// The id used in the Management API (e.g. `default`), or `None` for the org server.
    pub fn id(self) -> Option<ServerId> {
        match self {
            Self::Org => None,
            Self::Custom(id) => Some(id),
        }
    }
}

pub const AUTHORIZE: &str = "authorize";
pub const TOKEN: &str = "token";
pub const KEYS: &str = "keys";
pub const USERINFO: &str = "userinfo";
pub const INTROSPECT: &str = "introspect";
pub const REVOKE: &str = "revoke";
pub const LOGOUT: &str = "logout";

pub const SIGNIN_PAGE: &str = "/login/login.htm";
pub const SIGNIN_IDENTIFY: &str = "/idp/idx/identify";
pub const SIGNIN_ANSWER: &str = "/idp/idx/challenge/answer";
/// Okta's generic logos, which app and group JSON link to (`_links.logo`).
pub const APP_LOGO: &str = "/assets/img/logos/default.6770228fb0dab49a1695ef440a5279bb.png";
pub const GROUP_LOGO_MEDIUM: &str = "/assets/img/logos/groups/okta-medium.png";
pub const GROUP_LOGO_LARGE: &str = "/assets/img/logos/groups/okta-large.png";
/// Where the sign-in page sends a new password in place of an expired one.
pub const SIGNIN_NEW_PASSWORD: &str = "/idp/idx/password/expired";
/// The password reset link `lifecycle/reset_password` hands out: `{RESET_PASSWORD}/{token}`.
pub const RESET_PASSWORD: &str = "/signin/reset-password";
pub const SIGNOUT: &str = "/login/signout";
pub const SESSION_COOKIE_REDIRECT: &str = "/login/sessionCookieRedirect";
pub const DASHBOARD: &str = "/app/UserHome";
/// A dashboard tile's link (Okta's "App Embed Link").
pub const APP_LINK: &str = "/home/oidc_client/{app_id}/{link_id}";

// The Admin Console. Real Okta serves it on a separate `{org}-admin` host; the mock keeps
// Okta's paths on the org host.
pub const ADMIN_ROOT: &str = "/admin";
pub const ADMIN_DASHBOARD: &str = "/admin/dashboard";
pub const ADMIN_APPS: &str = "/admin/apps/active";
pub const ADMIN_APP_WIZARD: &str = "/admin/apps/oauth2-wizard/create";
pub const ADMIN_APP: &str = "/admin/app/oidc_client/instance/{app_id}";
pub const ADMIN_USERS: &str = "/admin/users";
pub const ADMIN_GROUPS: &str = "/admin/groups";
pub const ADMIN_GROUP: &str = "/admin/group/{group_id}";
/// Security > API > Authorization Servers.
pub const ADMIN_AUTH_SERVERS: &str = "/admin/oauth2/as";
/// One authorization server's page.
pub const ADMIN_AUTH_SERVER: &str = "/admin/oauth2/as/{server_id}";

/// The Admin Console page of a group.
pub fn admin_group_path(group_id: &str) -> String {
    ADMIN_GROUP.replace("{group_id}", group_id)
}

/// The Admin Console page of an app, as a path on the org host.
pub fn admin_app_path(app_id: &str) -> String {
    ADMIN_APP.replace("{app_id}", app_id)
}

/// The org's public URLs, derived once from its base URL.
#[derive(Debug, Clone)]
pub struct OrgUrls {
    base: String,
}

impl OrgUrls {
    /// `base` is the org URL without a trailing slash.
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
        }
    }

    /// The org URL, e.g. `https://dev-123456.okta.com`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The "Okta domain" shown in the Admin Console: the org URL without its scheme, e.g.
    /// `dev-123456.okta.com` (or `127.0.0.1:9000` for a local mock).
    pub fn domain(&self) -> &str {
        self.base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, rest)| rest)
    }

    /// The issuer of an authorization server.
    pub fn issuer(&self, server: AuthServer) -> String {
        format!("{}{}", self.base, server.issuer_path())
    }

    /// An endpoint URL, e.g. `endpoint(Default, TOKEN)`.
    pub fn endpoint(&self, server: AuthServer, name: &str) -> String {
        format!("{}{}/{}", self.base, server.endpoint_prefix(), name)
    }

    /// Any path on the org host.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The Admin Console page of an app (named in Okta's redirect-URI error text).
    pub fn admin_app(&self, app_id: &str) -> String {
        format!("{}{}#tab-general", self.base, admin_app_path(app_id))
    }

    /// The dashboard link of an app's tile.
    pub fn app_link(&self, app_id: &str, link_id: &str) -> String {
        format!("{}/home/oidc_client/{app_id}/{link_id}", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_issuers_and_endpoints() {
        let org = OrgUrls::new("https://dev-1.okta.com/");
        assert_eq!(org.issuer(AuthServer::Org), "https://dev-1.okta.com");
        assert_eq!(
            org.issuer(AuthServer::DEFAULT),
            "https://dev-1.okta.com/oauth2/default"
        );
        assert_eq!(
            org.endpoint(AuthServer::DEFAULT, TOKEN),
            "https://dev-1.okta.com/oauth2/default/v1/token"
        );
        assert_eq!(
            org.endpoint(AuthServer::Org, KEYS),
            "https://dev-1.okta.com/oauth2/v1/keys"
        );
        assert_eq!(org.domain(), "dev-1.okta.com");
        assert_eq!(
            org.admin_app("0oa1"),
            "https://dev-1.okta.com/admin/app/oidc_client/instance/0oa1#tab-general"
        );
        assert_eq!(
            OrgUrls::new("http://127.0.0.1:9000").domain(),
            "127.0.0.1:9000"
        );
    }
}
