//! Step definitions, one module per domain. A step is one to three lines; pages own the
//! selectors and waits.

mod control;
mod konnect;
mod okta;
mod okta_admin;
mod setup;

use std::str::FromStr;

/// Who acts in a step: the target's Organization Admin or member (for Okta, its admin or
/// member), with the accounts the run was given (see `support::target`).
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
