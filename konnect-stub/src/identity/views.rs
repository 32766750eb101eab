//! JSON shapes of the identity API (Konnect's field names).

use std::time::SystemTime;

use serde::Serialize;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use std::collections::BTreeMap;

use crate::org::{ClaimMappings, IdentityProvider, Organization, Team, User};

pub fn rfc3339(t: SystemTime) -> String {
    OffsetDateTime::from(t).format(&Rfc3339).unwrap_or_default()
}

/// `GET /v2/users/me` (also the body of a successful basic-auth login).
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub preferred_name: String,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            email: u.email.to_string(),
            full_name: u.full_name.clone(),
            preferred_name: u
                .full_name
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned(),
            active: true,
            created_at: rfc3339(u.created_at),
            updated_at: rfc3339(u.updated_at),
        }
    }
}

/// `GET /v2/organizations/me`.
#[derive(Debug, Serialize)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    pub owner_id: String,
    /// "Path to organization-specific login when SSO is enabled. Blank otherwise."
    pub login_path: String,
    pub created_at: String,
    pub updated_at: String,
    pub state: &'static str,
    pub retention_period_days: u32,
}

impl From<&Organization> for OrganizationView {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id.clone(),
            name: o.name.clone(),
            owner_id: o.owner_id.clone(),
            login_path: o
                .sso_login_path()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            created_at: rfc3339(o.created_at),
            updated_at: rfc3339(o.updated_at),
            state: "active",
            retention_period_days: 90,
        }
    }
}

/// `GET|PATCH /v2/identity-provider`. The client secret is write-only.
#[derive(Debug, Serialize)]
pub struct IdentityProviderView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub login_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub claim_mappings: ClaimMappings,
}

impl From<&IdentityProvider> for IdentityProviderView {
    fn from(idp: &IdentityProvider) -> Self {
        Self {
            issuer: idp.issuer.clone(),
            login_path: idp.login_path.to_string(),
            client_id: idp.client_id.clone(),
            scopes: idp.scopes.clone(),
            claim_mappings: idp.claim_mappings.clone(),
        }
    }
}

/// `meta.page` of a page-number list.
#[derive(Debug, Serialize)]
pub struct PageNumbers {
    pub number: usize,
    pub size: usize,
    pub total: usize,
}

#[derive(Debug, Serialize)]
pub struct PageMeta {
    pub page: PageNumbers,
}

impl PageMeta {
    pub fn new(number: usize, size: usize, total: usize) -> Self {
        Self {
            page: PageNumbers {
                number,
                size,
                total,
            },
        }
    }
}

/// A page of a v3 list: `{"meta": {"page": …}, "data": […]}`.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub meta: PageMeta,
    pub data: Vec<T>,
}

/// A team (`TeamResponse`: every field present, `description` null when there is none).
#[derive(Debug, Serialize)]
pub struct TeamView {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub system_team: bool,
    pub labels: BTreeMap<String, String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Team> for TeamView {
    fn from(t: &Team) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            system_team: t.system_team,
            labels: t.labels.clone(),
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
        }
    }
}

/// A team and the groups mapped to it (`TeamGroupMapping`).
#[derive(Debug, Serialize)]
pub struct TeamGroupsView {
    pub team_id: String,
    pub groups: Vec<String>,
}

/// A group and the teams it is mapped to (`TeamMapping`).
#[derive(Debug, Serialize)]
pub struct GroupTeamsView {
    pub group: String,
    pub team_ids: Vec<String>,
}
