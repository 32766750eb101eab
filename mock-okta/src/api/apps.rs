//! `/api/v1/apps`: OIDC app integrations, their lifecycle and their user and group
//! assignments.

use std::collections::HashSet;

use axum::{
    Router,
    extract::State,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{
    ApiError, ApiJson, ApiPath as Path, ApiQuery, OptionalJson, allow, expressions, no_content, ok,
    page,
    views::{self, Assignment, Secret},
};
use crate::{
    directory::{
        App, AppGroupsClaimInput, AppInput, Cause, DirError, check_app_user_name, paginate,
        starts_with_ci,
    },
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/apps", allow(get(apps_list).post(apps_create)))
        .route(
            "/api/v1/apps/{app_id}",
            allow(get(apps_get).put(apps_replace).delete(apps_delete)),
        )
        .route(
            "/api/v1/apps/{app_id}/lifecycle/activate",
            allow(post(apps_activate)),
        )
        .route(
            "/api/v1/apps/{app_id}/lifecycle/deactivate",
            allow(post(apps_deactivate)),
        )
        .route(
            "/api/v1/apps/{app_id}/users",
            allow(get(app_users_list).post(app_users_assign)),
        )
        .route(
            "/api/v1/apps/{app_id}/users/{user_id}",
            allow(
                get(app_users_get)
                    .post(app_users_update)
                    .delete(app_users_unassign),
            ),
        )
        .route("/api/v1/apps/{app_id}/groups", allow(get(app_groups_list)))
        .route(
            "/api/v1/apps/{app_id}/grants",
            allow(get(scope_grants_list).post(scope_grants_create)),
        )
        .route(
            "/api/v1/apps/{app_id}/grants/{grant_id}",
            allow(get(scope_grants_get).delete(scope_grants_revoke)),
        )
        .route(
            "/api/v1/internal/apps/{app_id}/settings/oauth/idToken",
            allow(get(groups_claim_get).post(groups_claim_set)),
        )
        .route(
            "/api/v1/apps/{app_id}/groups/{group_id}",
            allow(
                get(app_groups_get)
                    .put(app_groups_assign)
                    .delete(app_groups_unassign),
            ),
        )
}

/// The current signing key's id, for `credentials.signing.kid`.
async fn kid(state: &AppState) -> Option<String> {
    state.keys.active().await.ok().map(|k| k.kid().to_owned())
}

async fn render(state: &AppState, app: &App, secret: Secret) -> Response {
    ok(views::app(&state.org, app, secret, kid(state).await))
}

const APP_ATTRS: &[&str] = &[
    "id",
    "status",
    "name",
    "label",
    "signOnMode",
    "created",
    "lastUpdated",
    "user.id",
    "group.id",
    "credentials.oauthClient.client_id",
    "settings.oauthClient.application_type",
];

async fn apps_list(State(state): State<AppState>, params: ApiQuery) -> Result<Response, ApiError> {
    let limit = params.limit(20, 200)?;
    let exprs = expressions(&params, |a| APP_ATTRS.contains(&a))?;
    // `user.id` filters need the user's groups; look them up before the directory's lock
    // is held for the listing.
    let mut groups_of: Vec<(String, HashSet<String>)> = Vec::new();
    for e in &exprs {
        if e.attributes().contains(&"user.id") {
            for u in state
                .dir
                .list_users(None, &|_| true, None, usize::MAX)
                .items
            {
                let gids = state
                    .dir
                    .user_groups(&u.id)
                    .into_iter()
                    .map(|g| g.id)
                    .collect();
                groups_of.push((u.id, gids));
            }
            break;
        }
    }
    let assigned_users = |a: &App| -> Vec<String> {
        groups_of
            .iter()
            .filter(|(uid, gids)| {
                a.users.contains_key(uid) || a.groups.keys().any(|g| gids.contains(g))
            })
            .map(|(uid, _)| uid.clone())
            .collect()
    };
    let matches = |a: &App| {
        exprs.iter().all(|e| {
            e.matches(&|attr| match attr {
                "id" => vec![a.id.clone()],
                "status" => vec![a.status.as_str().to_owned()],
                "name" => vec!["oidc_client".to_owned()],
                "label" => vec![a.label.clone()],
                "signOnMode" => vec!["OPENID_CONNECT".to_owned()],
                "created" => vec![crate::clock::okta_timestamp(a.created)],
                "lastUpdated" => vec![crate::clock::okta_timestamp(a.last_updated)],
                "user.id" => assigned_users(a),
                "group.id" => a.groups.keys().cloned().collect(),
                "credentials.oauthClient.client_id" => vec![a.credentials.client_id.clone()],
                "settings.oauthClient.application_type" => {
                    vec![a.settings.application_type.as_str().to_owned()]
                }
                _ => vec![],
            })
        })
    };
    let listed = state
        .dir
        .list_apps(params.get("q"), &matches, params.get("after"), limit);
    let kid = kid(&state).await;
    Ok(page(
        &state,
        "/api/v1/apps",
        &params,
        limit,
        listed.map(|a| views::app(&state.org, a, Secret::Hide, kid.clone())),
    ))
}

async fn apps_create(
    State(state): State<AppState>,
    params: ApiQuery,
    ApiJson(input): ApiJson<AppInput>,
) -> Result<Response, ApiError> {
    let activate = params.flag("activate", true)?;
    let app = state.dir.create_app(input, activate)?;
    Ok(render(&state, &app, Secret::Show).await)
}

async fn apps_get(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    Ok(render(&state, &app, Secret::Hide).await)
}

async fn apps_replace(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    ApiJson(input): ApiJson<AppInput>,
) -> Result<Response, ApiError> {
    let app = state.dir.replace_app(&app_id, input)?;
    Ok(render(&state, &app, Secret::Show).await)
}

async fn apps_delete(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.delete_app(&app_id)?;
    Ok(no_content())
}

async fn apps_activate(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.set_app_status(&app_id, true)?;
    Ok(ok(serde_json::json!({})))
}

async fn apps_deactivate(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    state.dir.set_app_status(&app_id, false)?;
    Ok(ok(serde_json::json!({})))
}

// ---- User assignments ----

/// Every user who may use the app, with how: direct assignments first, then members of
/// assigned groups (a user appears once).
fn assignments(state: &AppState, app: &App) -> Vec<(String, Assignment)> {
    let mut out: Vec<(String, Assignment)> = app
        .users
        .values()
        .map(|au| (au.user_id.clone(), Assignment::Direct(au.clone())))
        .collect();
    let mut seen: HashSet<String> = out.iter().map(|(id, _)| id.clone()).collect();
    for ag in app.groups.values() {
        let (Ok(group), Ok(members)) = (
            state.dir.group(&ag.group_id),
            state.dir.group_members(&ag.group_id),
        ) else {
            continue;
        };
        for u in members {
            if seen.insert(u.id.clone()) {
                out.push((u.id, Assignment::Group(group.clone(), ag.last_updated)));
            }
        }
    }
    out
}

async fn app_users_list(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let limit = params.limit(50, 500)?;
    let app = state.dir.app(&app_id)?;
    let q = params.get("q");
    let rows = assignments(&state, &app)
        .into_iter()
        .filter_map(|(uid, how)| state.dir.user(&uid).ok().map(|u| (uid, (u, how))))
        .filter(|(_, (u, _))| q.is_none_or(|q| u.matches_q(q)));
    let listed = paginate(rows, params.get("after"), limit);
    Ok(page(
        &state,
        &format!("/api/v1/apps/{}/users", app.id),
        &params,
        limit,
        listed.map(|(u, how)| views::app_user(&state.org, &app.id, u, how)),
    ))
}

#[derive(Debug, Deserialize)]
struct AssignUserBody {
    id: Option<String>,
    scope: Option<String>,
    profile: Option<Map<String, Value>>,
    credentials: Option<AppUserCredentials>,
}

async fn app_users_assign(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    ApiJson(body): ApiJson<AssignUserBody>,
) -> Result<Response, ApiError> {
    let Some(user_id) = body.id.filter(|s| !s.is_empty()) else {
        return Err(DirError::validation(vec![Cause::blank("id")]).into());
    };
    if let Some(scope) = body.scope.as_deref()
        && scope != "USER"
    {
        return Err(ApiError::validation(
            "scope",
            vec![format!("scope: '{scope}' is not a valid assignment scope")],
        ));
    }
    // The app first, so an unknown app is reported as such.
    state.dir.app(&app_id)?;
    let user = state.dir.user(&user_id)?;
    let user_name = body.credentials.and_then(|c| c.user_name);
    check_app_user_name(user_name.as_deref())?;
    let mut au = state.dir.assign_user(&app_id, &user.id)?;
    if body.profile.is_some() || user_name.is_some() {
        au = state
            .dir
            .update_app_user(&app_id, &user.id, body.profile, user_name)?;
    }
    Ok(ok(views::app_user(
        &state.org,
        &app_id,
        &user,
        &Assignment::Direct(au),
    )))
}

/// The body of "Update an application user": Okta's `AppUser`, of which the profile and the
/// credentials' username can change (the rest is read-only and ignored, as Okta does).
#[derive(Deserialize)]
struct UpdateAppUserBody {
    profile: Option<Map<String, Value>>,
    credentials: Option<AppUserCredentials>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppUserCredentials {
    user_name: Option<String>,
    password: Option<Value>,
}

async fn app_users_update(
    State(state): State<AppState>,
    Path((app_id, user_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateAppUserBody>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    if !assignments(&state, &app)
        .iter()
        .any(|(uid, _)| *uid == user_id)
    {
        return Err(ApiError::not_found(&user_id, "AppUser"));
    }
    let (user_name, password) = body
        .credentials
        .map_or((None, None), |c| (c.user_name, c.password));
    if password.is_some() {
        // The published AppUserCredentials model's error for an app whose sign-in scheme
        // takes no password (an OIDC app's users sign in through Okta).
        return Err(ApiError::validation(
            "credentials",
            vec!["Credentials should not be set on this resource based on the scheme.".to_owned()],
        ));
    }
    let au = state
        .dir
        .update_app_user(&app.id, &user_id, body.profile, user_name)?;
    let user = state.dir.user(&user_id)?;
    Ok(ok(views::app_user(
        &state.org,
        &app.id,
        &user,
        &Assignment::Direct(au),
    )))
}

async fn app_users_get(
    State(state): State<AppState>,
    Path((app_id, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    let (uid, how) = assignments(&state, &app)
        .into_iter()
        .find(|(uid, _)| *uid == user_id)
        .ok_or_else(|| ApiError::not_found(&user_id, "AppUser"))?;
    let user = state.dir.user(&uid)?;
    Ok(ok(views::app_user(&state.org, &app.id, &user, &how)))
}

async fn app_users_unassign(
    State(state): State<AppState>,
    Path((app_id, user_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.unassign_user(&app_id, &user_id)?;
    Ok(no_content())
}

// ---- Group assignments ----

async fn app_groups_list(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    params: ApiQuery,
) -> Result<Response, ApiError> {
    let limit = params.limit(20, 200)?;
    let app = state.dir.app(&app_id)?;
    let q = params.get("q");
    let rows = app
        .groups
        .values()
        .filter(|ag| {
            q.is_none_or(|q| {
                state
                    .dir
                    .group(&ag.group_id)
                    .is_ok_and(|g| starts_with_ci(&g.profile_name, q))
            })
        })
        .map(|ag| (ag.group_id.clone(), ag.clone()));
    let listed = paginate(rows, params.get("after"), limit);
    Ok(page(
        &state,
        &format!("/api/v1/apps/{}/groups", app.id),
        &params,
        limit,
        listed.map(|ag| views::app_group(&state.org, &app.id, ag)),
    ))
}

async fn app_groups_get(
    State(state): State<AppState>,
    Path((app_id, group_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    let ag = app
        .groups
        .get(&group_id)
        .ok_or_else(|| ApiError::not_found(&group_id, "ApplicationGroupAssignment"))?;
    Ok(ok(views::app_group(&state.org, &app.id, ag)))
}

#[derive(Debug, Default, Deserialize)]
struct AssignGroupBody {
    priority: Option<u32>,
}

async fn app_groups_assign(
    State(state): State<AppState>,
    Path((app_id, group_id)): Path<(String, String)>,
    OptionalJson(body): OptionalJson<AssignGroupBody>,
) -> Result<Response, ApiError> {
    // The app first, so an unknown app is reported as such.
    state.dir.app(&app_id)?;
    let ag = state.dir.assign_group(&app_id, &group_id, body.priority)?;
    Ok(ok(views::app_group(&state.org, &app_id, &ag)))
}

async fn app_groups_unassign(
    State(state): State<AppState>,
    Path((app_id, group_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    if !app.groups.contains_key(&group_id) {
        return Err(DirError::NotFound {
            id: group_id,
            kind: "ApplicationGroupAssignment",
        }
        .into());
    }
    state.dir.unassign_group(&app_id, &group_id)?;
    Ok(no_content())
}

// ---- Scope consent grants (OAuth for Okta) ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeGrantBody {
    issuer: String,
    scope_id: String,
}

async fn scope_grants_create(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    ApiJson(body): ApiJson<ScopeGrantBody>,
) -> Result<Response, ApiError> {
    // okta.* scopes belong to the org authorization server, whose issuer is the org URL.
    if body.issuer.trim_end_matches('/') != state.org.base() {
        return Err(ApiError::validation(
            "issuer",
            vec![format!(
                "issuer: The issuer must be the org authorization server, {}",
                state.org.base()
            )],
        ));
    }
    let scope_grant = state.dir.grant_scope(&app_id, &body.scope_id)?;
    let app = state.dir.app(&app_id)?;
    Ok(super::json(
        axum::http::StatusCode::CREATED,
        views::scope_grant(&state.org, &app, &scope_grant),
    ))
}

async fn scope_grants_list(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    Ok(ok(app
        .scope_grants
        .iter()
        .map(|g| views::scope_grant(&state.org, &app, g))
        .collect::<Vec<_>>()))
}

async fn scope_grants_get(
    State(state): State<AppState>,
    Path((app_id, grant_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    let scope_grant = app
        .scope_grants
        .iter()
        .find(|g| g.id == grant_id)
        .ok_or_else(|| ApiError::not_found(&grant_id, "OAuth2ScopeConsentGrant"))?;
    Ok(ok(views::scope_grant(&state.org, &app, scope_grant)))
}

async fn scope_grants_revoke(
    State(state): State<AppState>,
    Path((app_id, grant_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.revoke_scope_grant(&app_id, &grant_id)?;
    Ok(no_content())
}

// ---- The app's groups claim (Sign On tab; an internal API that Okta's Terraform provider uses) ----

async fn groups_claim_get(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Response, ApiError> {
    let app = state.dir.app(&app_id)?;
    Ok(ok(views::app_groups_claim(&app)))
}

async fn groups_claim_set(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    ApiJson(input): ApiJson<AppGroupsClaimInput>,
) -> Result<Response, ApiError> {
    let app = state.dir.set_app_groups_claim(&app_id, &input)?;
    Ok(ok(views::app_groups_claim(&app)))
}
