//! Which Okta org and Konnect organization the scenarios run against.
//!
//! `E2E_TARGET=local` (the default): every scenario gets its own mock-okta and konnect-stub,
//! in-process, and the runner passes their real URLs, tokens and people through the same
//! [`Orgs`] an external target is read into. `E2E_TARGET=external`: no server is started; the
//! org and the organization come from the `E2E_OKTA_*` and `E2E_KONNECT_*` variables below, and
//! steps know nothing else about them (no seed, no default password, no "any kpat_").

use harness::guide::{KonnectAdmin, OktaAdmin};

use crate::pages;

/// A person's sign-in: an Okta login or a Konnect email, and a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub login: String,
    pub password: String,
}

/// An Okta org as the guide's admin knows it.
#[derive(Debug, Clone)]
pub struct OktaOrg {
    /// `https://{yourOktaDomain}`, no trailing slash.
    pub url: String,
    /// A Management API token (SSWS) of an admin who may create and delete apps.
    pub api_token: String,
    /// Signs in to the Admin Console.
    pub admin: Account,
    /// Assigned to apps through Everyone; signs in to Konnect through Okta.
    pub member: Account,
}

impl OktaOrg {
    /// The default custom authorization server, the issuer Konnect is given.
    pub fn issuer(&self) -> String {
        format!("{}/oauth2/default", self.url)
    }

    pub fn api(&self) -> OktaAdmin {
        OktaAdmin::new(&self.url, &self.api_token)
    }
}

/// A Konnect organization as its Organization Admin knows it.
#[derive(Debug, Clone)]
pub struct KonnectOrg {
    /// Where people log in (`https://cloud.konghq.com` for the real one).
    pub url: String,
    /// The Organization Admin's personal access token (`kpat_…`).
    pub pat: String,
    pub admin: Account,
    /// A member with email and password; the same person as the Okta member.
    pub member: Account,
}

impl KonnectOrg {
    pub fn api(&self) -> KonnectAdmin {
        KonnectAdmin::new(&pages::konnect::api_base(&self.url), &self.pat)
    }
}

/// The two products a scenario works with.
#[derive(Debug, Clone)]
pub struct Orgs {
    pub okta: OktaOrg,
    pub konnect: KonnectOrg,
}

#[derive(Debug, Clone)]
pub enum Target {
    Local,
    External(Orgs),
}

/// Every variable an external target needs, in the order the README lists them.
pub const EXTERNAL_VARS: [&str; 12] = [
    "E2E_OKTA_URL",
    "E2E_OKTA_API_TOKEN",
    "E2E_OKTA_ADMIN",
    "E2E_OKTA_ADMIN_PASSWORD",
    "E2E_OKTA_MEMBER",
    "E2E_OKTA_MEMBER_PASSWORD",
    "E2E_KONNECT_URL",
    "E2E_KONNECT_PAT",
    "E2E_KONNECT_ADMIN",
    "E2E_KONNECT_ADMIN_PASSWORD",
    "E2E_KONNECT_MEMBER",
    "E2E_KONNECT_MEMBER_PASSWORD",
];

impl Target {
    /// Reads E2E_TARGET and, for `external`, every variable it needs; the error names each
    /// missing or wrong one.
    pub fn from_env() -> Result<Self, String> {
        Self::from_vars(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        match get("E2E_TARGET").as_deref().unwrap_or("local") {
            "local" => return Ok(Self::Local),
            "external" => {}
            other => {
                return Err(format!(
                    "E2E_TARGET is {other:?}: it must be `local` (the default) or `external`"
                ));
            }
        }
        let missing: Vec<&str> = EXTERNAL_VARS
            .iter()
            .copied()
            .filter(|v| get(v).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "E2E_TARGET=external needs {}; missing: {} (see README, \"Conformance runs\")",
                EXTERNAL_VARS.join(", "),
                missing.join(", ")
            ));
        }
        let var = |n: &str| get(n).unwrap_or_default();
        let account = |login: &str, password: &str| Account {
            login: var(login),
            password: var(password),
        };
        let url = |n: &str| -> Result<String, String> {
            let v = var(n);
            let parsed = url::Url::parse(&v).map_err(|e| format!("{n} is not a URL ({v}): {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!("{n} must be an http(s) URL: {v}"));
            }
            Ok(v.trim_end_matches('/').to_owned())
        };
        let orgs = Orgs {
            okta: OktaOrg {
                url: url("E2E_OKTA_URL")?,
                api_token: var("E2E_OKTA_API_TOKEN"),
                admin: account("E2E_OKTA_ADMIN", "E2E_OKTA_ADMIN_PASSWORD"),
                member: account("E2E_OKTA_MEMBER", "E2E_OKTA_MEMBER_PASSWORD"),
            },
            konnect: KonnectOrg {
                url: url("E2E_KONNECT_URL")?,
                pat: var("E2E_KONNECT_PAT"),
                admin: account("E2E_KONNECT_ADMIN", "E2E_KONNECT_ADMIN_PASSWORD"),
                member: account("E2E_KONNECT_MEMBER", "E2E_KONNECT_MEMBER_PASSWORD"),
            },
        };
        // Konnect matches an SSO login to its users by email: a member who is someone else in
        // Okta would be a new Konnect user, left behind in a shared organization.
        if !orgs
            .okta
            .member
            .login
            .eq_ignore_ascii_case(&orgs.konnect.member.login)
        {
            return Err(format!(
                "E2E_OKTA_MEMBER ({}) and E2E_KONNECT_MEMBER ({}) must be the same person (the \
                 Okta login is the email Konnect knows them by)",
                orgs.okta.member.login, orgs.konnect.member.login
            ));
        }
        Ok(Self::External(orgs))
    }

    pub fn is_external(&self) -> bool {
        matches!(self, Self::External(_))
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::External(_) => "external",
        }
    }
}
