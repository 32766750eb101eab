//! `/api/v1/authorizationServers/{id}/policies`: a custom server's access policies, their
//! lifecycle and their rules.

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::Response,
    routing::{get, post},
};

use super::{ApiError, ApiJson, ApiPath as Path, allow, json, no_content, ok, views};
use crate::{
    directory::{PolicyInput, RuleInput},
    state::AppState,
};

pub(super) fn router() -> Router<AppState> {
    const ALL: &str = "/api/v1/authorizationServers/{server_id}/policies";
    const ONE: &str = "/api/v1/authorizationServers/{server_id}/policies/{policy_id}";
    Router::new()
        .route(ALL, allow(get(policies_list).post(policies_create)))
        .route(
            ONE,
            allow(
                get(policies_get)
                    .put(policies_replace)
                    .delete(policies_delete),
            ),
        )
        .route(
            &format!("{ONE}/lifecycle/activate"),
            allow(post(policies_activate)),
        )
        .route(
            &format!("{ONE}/lifecycle/deactivate"),
            allow(post(policies_deactivate)),
        )
        .route(
            &format!("{ONE}/rules"),
            allow(get(policy_rules_list).post(policy_rules_create)),
        )
        .route(
            &format!("{ONE}/rules/{{rule_id}}"),
            allow(
                get(policy_rules_get)
                    .put(policy_rules_replace)
                    .delete(policy_rules_delete),
            ),
        )
        .route(
            &format!("{ONE}/rules/{{rule_id}}/lifecycle/activate"),
            allow(post(policy_rules_activate)),
        )
        .route(
            &format!("{ONE}/rules/{{rule_id}}/lifecycle/deactivate"),
            allow(post(policy_rules_deactivate)),
        )
}

async fn policies_list(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    Ok(ok(state
        .dir
        .policies(server)
        .iter()
        .map(|p| views::policy(&state.org, p))
        .collect::<Vec<_>>()))
}

async fn policies_create(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<Response, ApiError> {
    let server = state.dir.custom_server(&server_id)?.id;
    let p = state.dir.create_policy(server, input)?;
    Ok(json(StatusCode::CREATED, views::policy(&state.org, &p)))
}

async fn policies_get(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    Ok(ok(views::policy(
        &state.org,
        &state.dir.policy(&policy_id)?,
    )))
}

async fn policies_replace(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<PolicyInput>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    let p = state.dir.replace_policy(&policy_id, input)?;
    Ok(ok(views::policy(&state.org, &p)))
}

async fn policies_delete(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    state.dir.delete_policy(&policy_id)?;
    Ok(no_content())
}

async fn policies_activate(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    state.dir.set_policy_status(&policy_id, true)?;
    Ok(no_content())
}

async fn policies_deactivate(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    state.dir.set_policy_status(&policy_id, false)?;
    Ok(no_content())
}

async fn policy_rules_list(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    let p = state.dir.policy(&policy_id)?;
    let rules = state.dir.policy_rules(&policy_id)?;
    Ok(ok(rules
        .iter()
        .map(|r| views::policy_rule(&state.org, &p, r))
        .collect::<Vec<_>>()))
}

async fn policy_rules_create(
    State(state): State<AppState>,
    Path((server_id, policy_id)): Path<(String, String)>,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    let r = state.dir.create_policy_rule(&policy_id, input)?;
    let p = state.dir.policy(&policy_id)?;
    Ok(json(
        StatusCode::CREATED,
        views::policy_rule(&state.org, &p, &r),
    ))
}

async fn policy_rules_get(
    State(state): State<AppState>,
    Path((server_id, policy_id, rule_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    let p = state.dir.policy(&policy_id)?;
    let r = state.dir.policy_rule(&policy_id, &rule_id)?;
    Ok(ok(views::policy_rule(&state.org, &p, &r)))
}

async fn policy_rules_replace(
    State(state): State<AppState>,
    Path((server_id, policy_id, rule_id)): Path<(String, String, String)>,
    ApiJson(input): ApiJson<RuleInput>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    let r = state.dir.replace_policy_rule(&policy_id, &rule_id, input)?;
    let p = state.dir.policy(&policy_id)?;
    Ok(ok(views::policy_rule(&state.org, &p, &r)))
}

async fn policy_rules_activate(
    State(state): State<AppState>,
    Path((server_id, policy_id, rule_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    state
        .dir
        .set_policy_rule_status(&policy_id, &rule_id, true)?;
    Ok(no_content())
}

async fn policy_rules_deactivate(
    State(state): State<AppState>,
    Path((server_id, policy_id, rule_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    state
        .dir
        .set_policy_rule_status(&policy_id, &rule_id, false)?;
    Ok(no_content())
}

async fn policy_rules_delete(
    State(state): State<AppState>,
    Path((server_id, policy_id, rule_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    state.dir.server_policy(&server_id, &policy_id)?;
    state.dir.delete_policy_rule(&policy_id, &rule_id)?;
    Ok(no_content())
}
