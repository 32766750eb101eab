//! The v3 identity API's teams, team members, users and team-group mappings: thin handlers
//! over [`super::service`] and the directory, answering in the spec's shapes (page-number
//! pagination `page[size]`/`page[number]`, `filter[field][eq|contains]`, problem+json).

// The helpers return the handlers' own error, `Problem`, by value, so that `?` works in
// every handler; it is built only for a refused request.
#![allow(clippy::result_large_err)]

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get},
};
use serde::Deserialize;

use super::{
    params::{is_uuid, page_size, path_id, whole_number},
    service::{self, IdentityError},
    views::{GroupTeamsView, Page, PageMeta, TeamGroupsView, TeamView, UserView},
};
use crate::{
    auth::{ApiCaller, Caller},
    error::{ApiJson, Problem},
    org::{InvalidParameter, Organization, TeamFields, Tier, User},
    paths,
    state::IdentityState,
};

pub fn router() -> Router<crate::state::AppState> {
    Router::new()
        .route(paths::API_TEAMS, get(teams_list).post(teams_create))
        .route(
            paths::API_TEAM,
            get(team_get).patch(team_update).delete(team_delete),
        )
        .route(
            paths::API_TEAM_USERS,
            get(team_users_list).post(team_users_add),
        )
        .route(paths::API_TEAM_USER, delete(team_users_remove))
        .route(paths::API_TEAM_ASSIGNED_ROLES, get(team_roles_list))
        .route(paths::API_ROLES, get(roles_get))
        .route(paths::API_USERS, get(users_list))
        .route(paths::API_USER, get(user_get))
        .route(paths::API_USER_TEAMS, get(user_teams_list))
        .route(
            paths::API_TEAM_MAPPINGS,
            get(team_mappings_get).put(team_mappings_put),
        )
        .route(
            paths::API_TEAM_GROUP_MAPPINGS,
            get(team_group_mappings_get).patch(team_group_mappings_patch),
        )
}

/// `page[size]` (1 to 100, default 10) and `page[number]` (from 1, default 1), and the
/// filters of the lists served here.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(rename = "page[size]")]
    page_size: Option<String>,
    #[serde(rename = "page[number]")]
    page_number: Option<String>,
    #[serde(rename = "filter[name]")]
    name: Option<String>,
    #[serde(rename = "filter[name][eq]")]
    name_eq: Option<String>,
    #[serde(rename = "filter[name][contains]")]
    name_contains: Option<String>,
    #[serde(rename = "filter[email]")]
    email: Option<String>,
    #[serde(rename = "filter[email][eq]")]
    email_eq: Option<String>,
    #[serde(rename = "filter[email][contains]")]
    email_contains: Option<String>,
    #[serde(rename = "filter[full_name]")]
    full_name: Option<String>,
    #[serde(rename = "filter[full_name][eq]")]
    full_name_eq: Option<String>,
    #[serde(rename = "filter[full_name][contains]")]
    full_name_contains: Option<String>,
    #[serde(rename = "filter[id]")]
    id: Option<String>,
    #[serde(rename = "filter[id][eq]")]
    id_eq: Option<String>,
    #[serde(rename = "filter[active]")]
    active: Option<String>,
}

/// A string filter: `eq` (also written without an operator) and `contains`.
struct StringFilter<'a> {
    eq: Option<&'a str>,
    contains: Option<&'a str>,
}

impl StringFilter<'_> {
    fn matches(&self, value: &str) -> bool {
        self.eq.is_none_or(|v| value == v) && self.contains.is_none_or(|v| value.contains(v))
    }
}

impl ListQuery {
    fn page(&self) -> Result<(usize, usize), Problem> {
        Ok((
            page_size(self.page_size.as_deref())?,
            whole_number("page[number]", self.page_number.as_deref(), 1, 1_000_000)?,
        ))
    }

    fn name(&self) -> StringFilter<'_> {
        StringFilter {
            eq: self.name_eq.as_deref().or(self.name.as_deref()),
            contains: self.name_contains.as_deref(),
        }
    }

    fn user_matches(&self, user: &User) -> Result<bool, Problem> {
        let email = StringFilter {
            eq: self.email_eq.as_deref().or(self.email.as_deref()),
            contains: self.email_contains.as_deref(),
        };
        let full_name = StringFilter {
            eq: self.full_name_eq.as_deref().or(self.full_name.as_deref()),
            contains: self.full_name_contains.as_deref(),
        };
        let id = self.id_eq.as_deref().or(self.id.as_deref());
        let active = match self.active.as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                return Err(Problem::invalid_parameter(
                    "filter[active]",
                    "must be true or false",
                ));
            }
        };
        // Every user here has verified their email (`active`).
        Ok(email.matches(user.email.as_str())
            && full_name.matches(&user.full_name)
            && id.is_none_or(|id| user.id == id)
            && active.is_none_or(|a| a))
    }
}

/// One page of `items` with its `meta.page`.
fn paginate<T>(items: Vec<T>, query: &ListQuery) -> Result<Page<T>, Problem> {
    let (size, number) = query.page()?;
    let total = items.len();
    let data = items
        .into_iter()
        .skip(size.saturating_mul(number - 1))
        .take(size)
        .collect();
    Ok(Page {
        meta: PageMeta::new(number, size, total),
        data,
    })
}

/// The caller, an Organization Admin, with the organization as it is now.
fn admin(caller: &Caller) -> Result<&Organization, Problem> {
    service::require_admin(caller)?;
    Ok(&caller.org)
}

fn team_of<'a>(org: &'a Organization, team_id: &str) -> Result<&'a crate::org::Team, Problem> {
    path_id("teamID", team_id)?;
    org.team(team_id)
        .ok_or_else(|| Problem::not_found("The requested team was not found"))
}

async fn teams_list(
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ListQuery>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    let name = query.name();
    let teams: Vec<TeamView> = org
        .teams
        .iter()
        .filter(|t| name.matches(&t.name))
        .map(TeamView::from)
        .collect();
    Ok(Json(paginate(teams, &query)?).into_response())
}

async fn teams_create(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(fields): ApiJson<TeamFields>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    if org.tier != Tier::Enterprise {
        return Err(Problem::not_enterprise("create teams"));
    }
    let team = state
        .directory
        .create_team(&org.id, &fields, state.clock.now_system())
        .map_err(IdentityError::from)?;
    Ok((StatusCode::CREATED, Json(TeamView::from(&team))).into_response())
}

async fn team_get(
    ApiCaller(caller): ApiCaller,
    Path(team_id): Path<String>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    Ok(Json(TeamView::from(team_of(org, &team_id)?)).into_response())
}

async fn team_update(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(team_id): Path<String>,
    ApiJson(fields): ApiJson<TeamFields>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    team_of(org, &team_id)?;
    let team = state
        .directory
        .update_team(&org.id, &team_id, &fields, state.clock.now_system())
        .map_err(IdentityError::from)?;
    Ok(Json(TeamView::from(&team)).into_response())
}

async fn team_delete(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(team_id): Path<String>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    team_of(org, &team_id)?;
    state
        .directory
        .delete_team(&org.id, &team_id)
        .map_err(IdentityError::from)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn team_users_list(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(team_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    team_of(org, &team_id)?;
    let mut users = Vec::new();
    for user in state.directory.users_of(&org.id) {
        if user.teams.contains(&team_id) && query.user_matches(&user)? {
            users.push(UserView::from(&user));
        }
    }
    Ok(Json(paginate(users, &query)?).into_response())
}

/// `POST /teams/{teamId}/users` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddUser {
    id: String,
}

async fn team_users_add(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(team_id): Path<String>,
    ApiJson(body): ApiJson<AddUser>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    team_of(org, &team_id)?;
    if !is_uuid(&body.id) {
        return Err(Problem::invalid_parameter("id", "must be a valid UUID v4"));
    }
    state
        .directory
        .add_to_team(&org.id, &team_id, &body.id, state.clock.now_system())
        .map_err(IdentityError::from)?;
    Ok(StatusCode::CREATED.into_response())
}

async fn team_users_remove(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path((team_id, user_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    team_of(org, &team_id)?;
    path_id("userID", &user_id)?;
    state
        .directory
        .remove_from_team(&org.id, &team_id, &user_id, state.clock.now_system())
        .map_err(IdentityError::from)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A team's assigned roles. Nothing assigns roles in this stub (`POST …/assigned-roles` is
/// not served), so every team has none.
async fn team_roles_list(
    ApiCaller(caller): ApiCaller,
    Path(team_id): Path<String>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    team_of(org, &team_id)?;
    Ok(Json(paginate(
        Vec::<serde_json::Value>::new(),
        &ListQuery::default(),
    )?)
    .into_response())
}

/// Konnect's predefined roles, by entity type, for any member.
async fn roles_get(ApiCaller(_caller): ApiCaller) -> Response {
    let mut groups = serde_json::Map::new();
    for group in crate::org::PREDEFINED_ROLES {
        let mut roles = serde_json::Map::new();
        for role in group.roles {
            roles.insert(
                role.key.to_owned(),
                serde_json::json!({"name": role.name, "description": role.description}),
            );
        }
        groups.insert(
            group.key.to_owned(),
            serde_json::json!({"name": group.name, "roles": roles}),
        );
    }
    Json(groups).into_response()
}

async fn users_list(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ListQuery>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    let mut users = Vec::new();
    for user in state.directory.users_of(&org.id) {
        if query.user_matches(&user)? {
            users.push(UserView::from(&user));
        }
    }
    Ok(Json(paginate(users, &query)?).into_response())
}

fn user_of(state: &IdentityState, org: &Organization, user_id: &str) -> Result<User, Problem> {
    path_id("userID", user_id)?;
    state
        .directory
        .user(user_id)
        .filter(|u| u.org_id == org.id)
        .ok_or_else(|| Problem::not_found("The requested user was not found"))
}

async fn user_get(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(user_id): Path<String>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    Ok(Json(UserView::from(&user_of(&state, org, &user_id)?)).into_response())
}

async fn user_teams_list(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(user_id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    let user = user_of(&state, org, &user_id)?;
    let name = query.name();
    let teams: Vec<TeamView> = org
        .teams_of(&user)
        .into_iter()
        .filter(|t| name.matches(&t.name))
        .map(TeamView::from)
        .collect();
    Ok(Json(paginate(teams, &query)?).into_response())
}

/// 400 unless an identity provider is configured (the spec's rule for both operations).
fn require_identity_provider(org: &Organization) -> Result<(), Problem> {
    if org.identity_provider.is_some() {
        Ok(())
    } else {
        Err(IdentityError::from(crate::org::TeamError::NoIdentityProvider).into())
    }
}

/// Every team that has a group mapped, with its groups, in the organization's team order.
fn team_groups(org: &Organization) -> Vec<TeamGroupsView> {
    org.teams
        .iter()
        .map(|t| TeamGroupsView {
            team_id: t.id.clone(),
            groups: org.groups_of_team(&t.id),
        })
        .filter(|m| !m.groups.is_empty())
        .collect()
}

async fn team_group_mappings_get(
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ListQuery>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    require_identity_provider(org)?;
    Ok(Json(paginate(team_groups(org), &query)?).into_response())
}

/// `PATCH /identity-provider/team-group-mappings` body: keyed by team.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamGroupsPatch {
    data: Vec<TeamGroupsEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TeamGroupsEntry {
    team_id: String,
    groups: Vec<String>,
}

async fn team_group_mappings_patch(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(patch): ApiJson<TeamGroupsPatch>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    require_identity_provider(org)?;
    let invalid: Vec<InvalidParameter> = patch
        .data
        .iter()
        .enumerate()
        .filter(|(_, e)| !is_uuid(&e.team_id))
        .map(|(i, _)| InvalidParameter::new(&format!("data[{i}].team_id"), "invalid ID format"))
        .collect();
    if !invalid.is_empty() {
        return Err(Problem::bad_request("", invalid));
    }
    let groups_by_team: Vec<(String, Vec<String>)> = patch
        .data
        .into_iter()
        .map(|e| (e.team_id, e.groups))
        .collect();
    state
        .directory
        .replace_team_groups(&org.id, &groups_by_team, state.clock.now_system())
        .map_err(IdentityError::from)?;
    let org = state
        .directory
        .organization(&org.id)
        .ok_or_else(Problem::internal)?;
    Ok(Json(paginate(team_groups(&org), &ListQuery::default())?).into_response())
}

/// 412 "IdP configuration not found" unless an identity provider is configured (the
/// group-keyed endpoints' rule).
fn require_identity_provider_412(org: &Organization) -> Result<(), Problem> {
    if org.has_identity_provider() {
        Ok(())
    } else {
        Err(Problem::precondition_failed("IdP configuration not found"))
    }
}

/// Every mapped group with its teams, in the order the groups were first mapped.
fn group_teams(org: &Organization) -> Vec<GroupTeamsView> {
    let mut out: Vec<GroupTeamsView> = Vec::new();
    for m in &org.team_group_mappings {
        match out.iter_mut().find(|g| g.group == m.group) {
            Some(g) => g.team_ids.push(m.team_id.clone()),
            None => out.push(GroupTeamsView {
                group: m.group.clone(),
                team_ids: vec![m.team_id.clone()],
            }),
        }
    }
    out
}

async fn team_mappings_get(
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ListQuery>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    require_identity_provider_412(org)?;
    Ok(Json(paginate(group_teams(org), &query)?).into_response())
}

/// `PUT /identity-provider/team-mappings` body: keyed by group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupTeamsPut {
    mappings: Vec<GroupTeamsEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupTeamsEntry {
    group: String,
    team_ids: Vec<String>,
}

async fn team_mappings_put(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<GroupTeamsPut>,
) -> Result<Response, Problem> {
    let org = admin(&caller)?;
    require_identity_provider_412(org)?;
    let teams_by_group: Vec<(String, Vec<String>)> = body
        .mappings
        .into_iter()
        .map(|e| (e.group, e.team_ids))
        .collect();
    state
        .directory
        .replace_group_teams(&org.id, &teams_by_group, state.clock.now_system())
        .map_err(IdentityError::from)?;
    let org = state
        .directory
        .organization(&org.id)
        .ok_or_else(Problem::internal)?;
    Ok(Json(serde_json::json!({ "data": group_teams(&org) })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_cut_and_checked() {
        let q = |size: &str, number: &str| ListQuery {
            page_size: Some(size.into()),
            page_number: Some(number.into()),
            ..Default::default()
        };
        let page = paginate((1..=25).collect(), &q("10", "3")).unwrap();
        assert_eq!(page.data, (21..=25).collect::<Vec<_>>());
        assert_eq!((page.meta.page.number, page.meta.page.total), (3, 25));
        assert!(paginate(vec![1], &q("0", "1")).is_err());
        assert!(paginate(vec![1], &q("101", "1")).is_err());
        assert!(paginate(vec![1], &q("x", "1")).is_err());
        assert!(
            paginate(Vec::<u8>::new(), &q("10", "9"))
                .unwrap()
                .data
                .is_empty()
        );
    }
}
