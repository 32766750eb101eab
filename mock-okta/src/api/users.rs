//! `/api/v1/users`: users, their lifecycle, groups, app links and admin roles.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{
    ApiError, ApiJson, ApiPath as Path, ApiQuery, allow, expressions, json as json_response,
    no_content, ok, page, views,
};
use crate::{
    clock::okta_timestamp,
    directory::{Cause, DirError, DirResult, NewUser, User, UserStatus},
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", allow(get(users_list).post(users_create)))
        .route(
            "/api/v1/users/{user_id}",
            allow(
                get(users_get)
                    .post(users_update)
                    .put(users_replace)
                    .delete(users_delete),
            ),
        )
        .route(
            "/api/v1/users/{user_id}/lifecycle/{op}",
            allow(post(users_lifecycle)),
        )
        .route("/api/v1/users/{user_id}/groups", allow(get(users_groups)))
        .route(
            "/api/v1/users/{user_id}/appLinks",
            allow(get(users_app_links)),
        )
        .route(
            "/api/v1/users/{user_id}/roles",
            allow(get(roles_list).post(roles_assign)),
        )
        .route(
            "/api/v1/users/{user_id}/roles/{role_id}",
            allow(get(roles_get).delete(roles_unassign)),
        )
}

/// A user by id or login; `me` is the admin who owns the API token (the first super
/// admin).
fn resolve(state: &AppState, id_or_login: &str) -> DirResult<User> {
    if id_or_login == "me" {
        return state
            .dir
            .list_users(None, &User::is_super_admin, None, 1)
            .items
            .into_iter()
            .next()
            .ok_or_else(|| DirError::user_not_found("me"));
    }
    state.dir.user(id_or_login)
}

fn render(state: &AppState, u: &User) -> Response {
    ok(views::user(&state.org, state.dir.org_id(), u))
}

/// Whether a filter may name this attribute: the user's own fields and any profile
/// attribute.
fn user_attr_known(a: &str) -> bool {
    matches!(
        a,
        "id" | "status"
            | "created"
            | "activated"
            | "statusChanged"
            | "lastLogin"
            | "lastUpdated"
            | "passwordChanged"
            | "type.id"
    ) || a.strip_prefix("profile.").is_some_and(|p| !p.is_empty())
}

fn user_attr(u: &User, type_id: &str, attr: &str) -> Vec<String> {
    let date = |t: Option<time::OffsetDateTime>| t.map(okta_timestamp).into_iter().collect();
    match attr {
        "id" => vec![u.id.clone()],
        "status" => vec![u.status.as_str().to_owned()],
        "created" => vec![okta_timestamp(u.created)],
        "activated" => date(u.activated),
        "statusChanged" => date(u.status_changed),
        "lastLogin" => date(u.last_login),
        "lastUpdated" => vec![okta_timestamp(u.last_updated)],
        "passwordChanged" => date(u.password_changed),
        "type.id" => vec![type_id.to_owned()],
        _ => match attr.strip_prefix("profile.").and_then(|k| u.profile.get(k)) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
                .collect(),
            Some(Value::Null) | None => vec![],
            Some(other) => vec![other.to_string()],
        },
    }
}

async fn users_list(State(state): State<AppState>, params: ApiQuery) -> Result<Response, ApiError> {
    let limit = params.limit(200, 200)?;
    let exprs = expressions(&params, user_attr_known)?;
    let type_id = views::user_type_id(state.dir.org_id());
    let matches = |u: &User| {
        exprs
            .iter()
            .all(|e| e.matches(&|a| user_attr(u, &type_id, a)))
    };
    let listed = state
        .dir
        .list_users(params.get("q"), &matches, params.get("after"), limit);
    Ok(page(
        &state,
        "/api/v1/users",
        &params,
        limit,
        listed.map(|u| views::user(&state.org, state.dir.org_id(), u)),
    ))
}

/// The body of create, update and replace.
#[derive(Debug, Default, Deserialize)]
struct UserBody {
    profile: Option<Map<String, Value>>,
    credentials: Option<CredentialsBody>,
    #[serde(rename = "groupIds")]
    group_ids: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct CredentialsBody {
    password: Option<PasswordBody>,
}

#[derive(Debug, Default, Deserialize)]
struct PasswordBody {
    value: Option<String>,
}

impl UserBody {
    fn password(&self) -> Option<String> {
        self.credentials
            .as_ref()
            .and_then(|c| c.password.as_ref())
            .and_then(|p| p.value.clone())
    }
}

async fn users_create(
    State(state): State<AppState>,
    params: ApiQuery,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<Response, ApiError> {
    let activate = params.flag("activate", true)?;
    let password = body.password();
    let user = state.dir.create_user(NewUser {
        profile: body.profile.unwrap_or_default(),
        password,
        group_ids: body.group_ids.unwrap_or_default(),
        activate,
    })?;
    Ok(render(&state, &user))
}

async fn users_get(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(render(&state, &resolve(&state, &user_id)?))
}

/// `POST`: the given profile attributes are merged into the profile.
async fn users_update(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<Response, ApiError> {
    let id = resolve(&state, &user_id)?.id;
    let password = body.password();
    let user = state.dir.update_user(&id, body.profile, true, password)?;
    Ok(render(&state, &user))
}

/// `PUT`: the profile is replaced as a whole.
async fn users_replace(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<Response, ApiError> {
    let id = resolve(&state, &user_id)?.id;
    let password = body.password();
    let profile = body.profile.unwrap_or_default();
    let user = state.dir.update_user(&id, Some(profile), false, password)?;
    Ok(render(&state, &user))
}

/// The first call deactivates the user, the second deletes them.
async fn users_delete(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let id = resolve(&state, &user_id)?.id;
    state.dir.delete_user(&id)?;
    state.ledger.end_user_sessions(&id);
    Ok(no_content())
}

async fn users_lifecycle(
    State(state): State<AppState>,
    Path((user_id, op)): Path<(String, String)>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    const OPS: &[&str] = &[
        "activate",
        "reactivate",
        "deactivate",
        "suspend",
        "unsuspend",
        "unlock",
    ];
    if !OPS.contains(&op.as_str()) {
        return Err(ApiError::not_found(
            &format!("/api/v1/users/{user_id}/lifecycle/{op}"),
            "Resource",
        ));
    }
    let send_email = params.flag("sendEmail", true)?;
    let id = resolve(&state, &user_id)?.id;
    let user = state.dir.user_lifecycle(&id, &op)?;
    if matches!(
        user.status,
        UserStatus::Deprovisioned | UserStatus::Suspended
    ) {
        state.ledger.end_user_sessions(&id);
    }
    // Activation without the email hands the activation link to the caller instead.
    if matches!(op.as_str(), "activate" | "reactivate") && !send_email {
        let token = crate::ids::alphanumeric(20);
        return Ok(ok(json!({
            "activationUrl": state.org.url(&format!("/welcome/{token}")),
            "activationToken": token,
        })));
    }
    Ok(ok(json!({})))
}

async fn users_groups(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let user = resolve(&state, &user_id)?;
    let groups: Vec<_> = state
        .dir
        .user_groups(&user.id)
        .iter()
        .map(|g| views::group(&state.org, g))
        .collect();
    Ok(ok(groups))
}

async fn users_app_links(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let user = resolve(&state, &user_id)?;
    let links: Vec<_> = state
        .dir
        .apps_for_user(&user.id)
        .iter()
        .filter(|a| a.status == crate::directory::AppStatus::Active)
        .enumerate()
        .map(|(i, a)| views::app_link(&state.org, a, &user.id, i))
        .collect();
    Ok(ok(links))
}

// ---- Admin roles ----

async fn roles_list(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let user = resolve(&state, &user_id)?;
    let roles: Vec<_> = user
        .roles
        .iter()
        .map(|r| views::role(&state.org, &user.id, r))
        .collect();
    Ok(ok(roles))
}

#[derive(Debug, Deserialize)]
struct RoleBody {
    #[serde(rename = "type")]
    type_: Option<String>,
}

async fn roles_assign(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> Result<Response, ApiError> {
    let user = resolve(&state, &user_id)?;
    let Some(role_type) = body.type_.filter(|t| !t.is_empty()) else {
        return Err(DirError::validation(vec![Cause::blank("type")]).into());
    };
    let role = state.dir.assign_role(&user.id, &role_type)?;
    Ok(json_response(
        StatusCode::CREATED,
        views::role(&state.org, &user.id, &role),
    ))
}

async fn roles_get(
    State(state): State<AppState>,
    Path((user_id, role_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let user = resolve(&state, &user_id)?;
    let role = user
        .roles
        .iter()
        .find(|r| r.id == role_id)
        .ok_or_else(|| ApiError::not_found(&role_id, "Role"))?;
    Ok(ok(views::role(&state.org, &user.id, role)))
}

async fn roles_unassign(
    State(state): State<AppState>,
    Path((user_id, role_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let user = resolve(&state, &user_id)?;
    state.dir.unassign_role(&user.id, &role_id)?;
    Ok(no_content())
}
