//! `/api/v1/groups`: Okta groups, the built-in Everyone group and memberships.

use axum::{Router, extract::State, response::Response, routing::get};
use serde::Deserialize;

use super::{
    ApiError, ApiJson, ApiPath as Path, ApiQuery, allow, expressions, no_content, ok, page, views,
};
use crate::{
    clock::okta_timestamp,
    directory::{Group, paginate},
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/groups",
            allow(get(groups_list).post(groups_create)),
        )
        .route(
            "/api/v1/groups/{group_id}",
            allow(get(groups_get).put(groups_replace).delete(groups_delete)),
        )
        .route(
            "/api/v1/groups/{group_id}/users",
            allow(get(group_members_list)),
        )
        .route(
            "/api/v1/groups/{group_id}/users/{user_id}",
            allow(axum::routing::put(group_members_add).delete(group_members_remove)),
        )
        .route(
            "/api/v1/groups/{group_id}/apps",
            allow(get(group_apps_list)),
        )
}

const GROUP_ATTRS: &[&str] = &[
    "id",
    "type",
    "created",
    "lastUpdated",
    "lastMembershipUpdated",
    "profile.name",
    "profile.description",
];

fn group_attr(g: &Group, attr: &str) -> Vec<String> {
    match attr {
        "id" => vec![g.id.clone()],
        "type" => vec![g.type_.as_str().to_owned()],
        "created" => vec![okta_timestamp(g.created)],
        "lastUpdated" => vec![okta_timestamp(g.last_updated)],
        "lastMembershipUpdated" => vec![okta_timestamp(g.last_membership_updated)],
        "profile.name" => vec![g.profile_name.clone()],
        "profile.description" => g.profile_description.iter().cloned().collect(),
        _ => vec![],
    }
}

async fn groups_list(
    State(state): State<AppState>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let limit = params.limit(10_000, 10_000)?;
    let exprs = expressions(&params, |a| GROUP_ATTRS.contains(&a))?;
    let matches = |g: &Group| exprs.iter().all(|e| e.matches(&|a| group_attr(g, a)));
    let listed = state
        .dir
        .list_groups(params.get("q"), &matches, params.get("after"), limit);
    Ok(page(
        &state,
        "/api/v1/groups",
        &params,
        limit,
        listed.map(|g| views::group(&state.org, g)),
    ))
}

#[derive(Debug, Deserialize)]
struct GroupBody {
    profile: Option<GroupProfile>,
}

#[derive(Debug, Deserialize)]
struct GroupProfile {
    name: Option<String>,
    description: Option<String>,
}

impl GroupBody {
    fn into_parts(self) -> (String, Option<String>) {
        let p = self.profile;
        let (name, description) = p.map(|p| (p.name, p.description)).unwrap_or_default();
        (name.unwrap_or_default(), description)
    }
}

async fn groups_create(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<GroupBody>,
) -> Result<Response, ApiError> {
    let (name, description) = body.into_parts();
    let group = state.dir.create_group(&name, description)?;
    Ok(ok(views::group(&state.org, &group)))
}

async fn groups_get(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok(views::group(&state.org, &state.dir.group(&group_id)?)))
}

async fn groups_replace(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
    ApiJson(body): ApiJson<GroupBody>,
) -> Result<Response, ApiError> {
    let (name, description) = body.into_parts();
    let group = state.dir.update_group(&group_id, &name, description)?;
    Ok(ok(views::group(&state.org, &group)))
}

async fn groups_delete(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.delete_group(&group_id)?;
    Ok(no_content())
}

async fn group_members_list(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let limit = params.limit(1000, 10_000)?;
    let members = state.dir.group_members(&group_id)?;
    let listed = paginate(
        members.into_iter().map(|u| (u.id.clone(), u)),
        params.get("after"),
        limit,
    );
    Ok(page(
        &state,
        &format!("/api/v1/groups/{group_id}/users"),
        &params,
        limit,
        listed.map(|u| views::user(&state.org, state.dir.org_id(), u)),
    ))
}

async fn group_members_add(
    State(state): State<AppState>,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.set_group_member(&group_id, &user_id, true)?;
    Ok(no_content())
}

async fn group_members_remove(
    State(state): State<AppState>,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.set_group_member(&group_id, &user_id, false)?;
    Ok(no_content())
}

async fn group_apps_list(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let limit = params.limit(20, 200)?;
    // Unknown groups are a 404, not an empty list.
    state.dir.group(&group_id).map_err(ApiError::from)?;
    let listed = state.dir.list_apps(
        None,
        &|a| a.groups.contains_key(&group_id),
        params.get("after"),
        limit,
    );
    Ok(page(
        &state,
        &format!("/api/v1/groups/{group_id}/apps"),
        &params,
        limit,
        listed.map(|a| views::app(&state.org, a, views::Secret::Hide, None)),
    ))
}
