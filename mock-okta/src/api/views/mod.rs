//! The Management API's JSON shapes, field for field and in Okta's key order (serde keeps
//! declaration order; `serde_json` keeps insertion order for maps).
//!
//! Types follow Okta's OpenAPI spec so the typed SDKs (Python pydantic models, the Node
//! SDK) accept them: dates are `2026-11-28T23:24:16.000Z` strings, absent optional values
//! are `null` where Okta sends `null`, enums use Okta's spellings.

mod apps;
mod authorization_servers;
mod client_secrets;
mod groups;
mod policies;
mod sessions;
mod users;

use serde::Serialize;
use time::OffsetDateTime;

use crate::clock::okta_timestamp;
pub use apps::*;
pub use authorization_servers::*;
pub use client_secrets::*;
pub use groups::*;
pub use policies::*;
pub use sessions::*;
pub use users::*;

fn ts(t: OffsetDateTime) -> String {
    okta_timestamp(t)
}

/// `{"href": …}`.
#[derive(Debug, Clone, Serialize)]
pub struct Href {
    pub href: String,
}

/// `{"href": …, "hints": {"allow": [...]}}`.
#[derive(Debug, Clone, Serialize)]
pub struct HrefHints {
    pub href: String,
    pub hints: Hints,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hints {
    pub allow: Vec<&'static str>,
}

fn hints(href: String, allow: &[&'static str]) -> HrefHints {
    HrefHints {
        href,
        hints: Hints {
            allow: allow.to_vec(),
        },
    }
}

/// `{"name": …, "href": …, "type": …}`, as in `appLinks` and `logo` lists.
#[derive(Debug, Clone, Serialize)]
pub struct NamedLink {
    pub name: String,
    pub href: String,
    #[serde(rename = "type")]
    pub type_: &'static str,
}
