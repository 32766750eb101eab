//! Step definitions, one module per domain. A step is one to three lines; pages own the
//! selectors and waits.

mod konnect;
mod okta;
mod setup;

use std::str::FromStr;

/// Who acts in a step. Konnect and the default Okta org share these people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "person", regex = "an organization admin|a member")]
pub enum Person {
    OrgAdmin,
    Member,
}

impl FromStr for Person {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "an organization admin" => Ok(Self::OrgAdmin),
            "a member" => Ok(Self::Member),
            other => Err(format!("unknown person: {other}")),
        }
    }
}

impl Person {
    /// Email (Konnect) and login (Okta), and password: the seeded defaults of both servers.
    pub fn credentials(self) -> (&'static str, &'static str) {
        match self {
            Self::OrgAdmin => (
                konnect_stub::config::DEFAULT_ADMIN_EMAIL,
                konnect_stub::config::DEFAULT_ADMIN_PASSWORD,
            ),
            Self::Member => (
                mock_okta::seed::DEFAULT_USER_LOGIN,
                mock_okta::seed::DEFAULT_USER_PASSWORD,
            ),
        }
    }
}

/// The Okta admin of the default org.
pub const OKTA_ADMIN: (&str, &str) = (
    mock_okta::seed::DEFAULT_ADMIN_LOGIN,
    mock_okta::seed::DEFAULT_ADMIN_PASSWORD,
);
