//! v3's `/identity-providers` (the OIDC provider the v2 API and the settings page change, and
//! a stored SAML one) and their team-group mappings with cursor pagination: thin handlers
//! over [`super::service`] and the directory.

// The helpers return the handlers' own error, `Problem`, by value, so that `?` works in
// every handler; it is built only for a refused request.
#![allow(clippy::result_large_err)]

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    params::{page_size, path_id},
    service::{self, IdentityError, ProviderChange},
    views::rfc3339,
};
use crate::{
    auth::{ApiCaller, Caller},
    error::{ApiJson, Problem},
    org::{
        ClaimMappingsPatch, IdentityProviderPatch, InvalidParameter, Organization, SamlFields,
        TeamGroupMapping,
    },
    paths,
    state::{AppState, IdentityState, PublicUrls},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            paths::API_IDENTITY_PROVIDERS,
            get(identity_providers_list).post(identity_providers_create),
        )
        .route(
            paths::API_IDENTITY_PROVIDERS_ONE,
            get(identity_providers_get)
                .patch(identity_providers_update)
                .delete(identity_providers_delete),
        )
        .route(
            paths::API_IDP_TEAM_GROUP_MAPPINGS,
            get(idp_mappings_list).post(idp_mappings_create),
        )
        .route(
            paths::API_IDP_TEAM_GROUP_MAPPING,
            get(idp_mappings_get).delete(idp_mappings_delete),
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ProviderType {
    Oidc,
    Saml,
}

impl ProviderType {
    fn as_str(self) -> &'static str {
        match self {
            ProviderType::Oidc => "oidc",
            ProviderType::Saml => "saml",
        }
    }
}

/// `POST` (with `type`) and `PATCH` (without) bodies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderBody {
    #[serde(rename = "type")]
    kind: Option<ProviderType>,
    enabled: Option<bool>,
    login_path: Option<String>,
    config: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OidcConfig {
    issuer_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    scopes: Option<Vec<String>>,
    claim_mappings: Option<ClaimMappingsPatch>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SamlConfig {
    idp_metadata_url: Option<String>,
    idp_metadata_xml: Option<String>,
}

/// The body as a change of the given type; `creating` needs OIDC's required fields.
fn change_of(
    kind: ProviderType,
    body: ProviderBody,
    creating: bool,
) -> Result<ProviderChange, Problem> {
    let config = body.config.unwrap_or_else(|| json!({}));
    let bad_config = || {
        Problem::bad_request(
            "",
            vec![InvalidParameter::new(
                "config",
                format!("is not a valid {} configuration", kind.as_str()),
            )],
        )
    };
    match kind {
        ProviderType::Oidc => {
            let c: OidcConfig = serde_json::from_value(config).map_err(|_| bad_config())?;
            if creating {
                let missing: Vec<InvalidParameter> = [
                    ("config.issuer_url", c.issuer_url.is_none()),
                    ("config.client_id", c.client_id.is_none()),
                ]
                .into_iter()
                .filter(|(_, missing)| *missing)
                .map(|(f, _)| InvalidParameter::new(f, "is required"))
                .collect();
                if !missing.is_empty() {
                    return Err(Problem::bad_request("", missing));
                }
            }
            Ok(ProviderChange::Oidc(IdentityProviderPatch {
                issuer: c.issuer_url,
                login_path: body.login_path,
                client_id: c.client_id,
                client_secret: c.client_secret,
                scopes: c.scopes,
                claim_mappings: c.claim_mappings,
            }))
        }
        ProviderType::Saml => {
            let c: SamlConfig = serde_json::from_value(config).map_err(|_| bad_config())?;
            Ok(ProviderChange::Saml(SamlFields {
                login_path: body.login_path,
                idp_metadata_url: c.idp_metadata_url,
                idp_metadata_xml: c.idp_metadata_xml,
            }))
        }
    }
}

/// The organization's providers in the spec's `IdentityProvider` shape, OIDC first.
fn providers(org: &Organization, urls: &PublicUrls) -> Vec<(ProviderType, String, Value)> {
    let mut out = Vec::new();
    if let Some(p) = &org.identity_provider {
        let mut config = serde_json::Map::new();
        if let Some(issuer) = &p.issuer {
            config.insert("issuer_url".into(), json!(issuer));
        }
        if let Some(client_id) = &p.client_id {
            config.insert("client_id".into(), json!(client_id));
        }
        config.insert("scopes".into(), json!(p.scopes));
        config.insert("claim_mappings".into(), json!(p.claim_mappings));
        out.push((
            ProviderType::Oidc,
            p.id.clone(),
            json!({"id": p.id, "type": "oidc", "enabled": org.auth_settings.oidc_auth_enabled,
                "login_path": p.login_path.as_str(), "config": config,
                "created_at": rfc3339(p.created_at), "updated_at": rfc3339(p.updated_at)}),
        ));
    }
    if let Some(p) = &org.saml_provider {
        let base = urls.base_url();
        let path = p.login_path.as_str();
        let mut config = serde_json::Map::new();
        if let Some(u) = &p.idp_metadata_url {
            config.insert("idp_metadata_url".into(), json!(u));
        }
        if let Some(x) = &p.idp_metadata_xml {
            config.insert("idp_metadata_xml".into(), json!(x));
        }
        config.insert(
            "sp_metadata_url".into(),
            json!(format!("{base}/v2/authenticate/{path}/saml/metadata")),
        );
        config.insert("sp_entity_id".into(), json!(format!("{base}/sp/{}", p.id)));
        config.insert("login_url".into(), json!(urls.org_login_url(path)));
        config.insert(
            "callback_url".into(),
            json!(format!("{base}/v2/authenticate/{path}/saml/acs")),
        );
        out.push((
            ProviderType::Saml,
            p.id.clone(),
            json!({"id": p.id, "type": "saml", "enabled": org.auth_settings.saml_auth_enabled,
                "login_path": path, "config": config,
                "created_at": rfc3339(p.created_at), "updated_at": rfc3339(p.updated_at)}),
        ));
    }
    out
}

fn admin(caller: &Caller) -> Result<(), Problem> {
    Ok(service::require_admin(caller)?)
}

/// The provider with `id`, as it is now.
fn provider(
    state: &IdentityState,
    urls: &PublicUrls,
    org_id: &str,
    id: &str,
) -> Result<(ProviderType, Value), Problem> {
    path_id("id", id)?;
    let org = state
        .directory
        .organization(org_id)
        .ok_or_else(Problem::internal)?;
    providers(&org, urls)
        .into_iter()
        .find(|(_, pid, _)| pid == id)
        .map(|(kind, _, view)| (kind, view))
        .ok_or_else(|| Problem::not_found("The requested identity provider was not found"))
}

#[derive(Debug, Default, Deserialize)]
struct ProvidersQuery {
    #[serde(rename = "filter[type]")]
    kind: Option<String>,
    #[serde(rename = "filter[type][eq]")]
    kind_eq: Option<String>,
}

async fn identity_providers_list(
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<ProvidersQuery>,
) -> Result<Response, Problem> {
    admin(&caller)?;
    let wanted = query.kind_eq.or(query.kind);
    let list: Vec<Value> = providers(&caller.org, &urls)
        .into_iter()
        .filter(|(kind, _, _)| wanted.as_deref().is_none_or(|w| w == kind.as_str()))
        .map(|(_, _, view)| view)
        .collect();
    Ok(Json(list).into_response())
}

async fn identity_providers_create(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    ApiJson(body): ApiJson<ProviderBody>,
) -> Result<Response, Problem> {
    admin(&caller)?;
    let Some(kind) = body.kind else {
        return Err(Problem::invalid_parameter("type", "is required"));
    };
    let enabled = body.enabled;
    let change = change_of(kind, body, true)?;
    let now = state.clock.now_system();
    let id = service::save_provider(&state, &caller, None, change, enabled, now)
        .await
        .map_err(|e| match e {
            IdentityError::NotEnterprise => Problem::not_enterprise("create identity providers"),
            other => other.into(),
        })?;
    let (_, view) = provider(&state, &urls, &caller.org.id, &id)?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn identity_providers_get(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    admin(&caller)?;
    Ok(Json(provider(&state, &urls, &caller.org.id, &id)?.1).into_response())
}

async fn identity_providers_update(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProviderBody>,
) -> Result<Response, Problem> {
    admin(&caller)?;
    let (kind, _) = provider(&state, &urls, &caller.org.id, &id)?;
    if body.kind.is_some_and(|k| k != kind) {
        return Err(Problem::invalid_parameter("type", "cannot be changed"));
    }
    let enabled = body.enabled;
    let change = change_of(kind, body, false)?;
    let now = state.clock.now_system();
    service::save_provider(&state, &caller, Some(&id), change, enabled, now).await?;
    Ok(Json(provider(&state, &urls, &caller.org.id, &id)?.1).into_response())
}

async fn identity_providers_delete(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    admin(&caller)?;
    path_id("id", &id)?;
    state
        .directory
        .delete_identity_provider(&caller.org.id, &id, state.clock.now_system())
        .map_err(IdentityError::from)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `page[size]`, `page[after]`/`page[before]` (a mapping id) and the filters.
#[derive(Debug, Default, Deserialize)]
struct CursorQuery {
    #[serde(rename = "page[size]")]
    size: Option<String>,
    #[serde(rename = "page[after]")]
    after: Option<String>,
    #[serde(rename = "page[before]")]
    before: Option<String>,
    #[serde(rename = "filter[team_id]")]
    team_id: Option<String>,
    #[serde(rename = "filter[team_id][eq]")]
    team_id_eq: Option<String>,
    #[serde(rename = "filter[group]")]
    group: Option<String>,
    #[serde(rename = "filter[group][eq]")]
    group_eq: Option<String>,
}

fn mapping_view(m: &TeamGroupMapping) -> Value {
    json!({"id": m.id, "team_id": m.team_id, "group": m.group,
        "created_at": rfc3339(m.created_at), "updated_at": rfc3339(m.updated_at)})
}

/// The organization, once `idp_id` names one of its providers.
fn mappings_org(
    state: &IdentityState,
    urls: &PublicUrls,
    caller: &Caller,
    idp_id: &str,
) -> Result<Organization, Problem> {
    admin(caller)?;
    provider(state, urls, &caller.org.id, idp_id)?;
    state
        .directory
        .organization(&caller.org.id)
        .ok_or_else(Problem::internal)
}

async fn idp_mappings_list(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Path(idp_id): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Response, Problem> {
    let org = mappings_org(&state, &urls, &caller, &idp_id)?;
    let size = page_size(q.size.as_deref())?;
    let team = q.team_id_eq.or(q.team_id);
    let group = q.group_eq.or(q.group);
    let all: Vec<&TeamGroupMapping> = org
        .team_group_mappings
        .iter()
        .filter(|m| team.as_deref().is_none_or(|t| m.team_id == t))
        .filter(|m| group.as_deref().is_none_or(|g| m.group == g))
        .collect();
    let cursor = |id: &str| {
        all.iter()
            .position(|m| m.id == id)
            .ok_or_else(|| Problem::invalid_parameter("page", "unknown page cursor"))
    };
    let (start, end) = match (q.after.as_deref(), q.before.as_deref()) {
        (Some(a), _) if !a.is_empty() => {
            let start = cursor(a)? + 1;
            (start, (start + size).min(all.len()))
        }
        (_, Some(b)) if !b.is_empty() => {
            let end = cursor(b)?;
            (end.saturating_sub(size), end)
        }
        _ => (0, size.min(all.len())),
    };
    let base = format!("/v3/identity-providers/{idp_id}/team-group-mappings?page[size]={size}");
    let link = |param: &str, m: &TeamGroupMapping| format!("{base}&page[{param}]={}", m.id);
    let next = (end < all.len() && end > 0).then(|| link("after", all[end - 1]));
    let previous = (start > 0).then(|| link("before", all[start]));
    let last = match all.len() {
        n if n > size => link("after", all[n - size - 1]),
        _ => base.clone(),
    };
    let data: Vec<Value> = all[start..end].iter().map(|m| mapping_view(m)).collect();
    Ok(Json(
        json!({"meta": {"page": {"first": base, "last": last, "next": next,
        "previous": previous, "size": size}}, "data": data}),
    )
    .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMapping {
    team_id: String,
    group: String,
}

async fn idp_mappings_create(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Path(idp_id): Path<String>,
    ApiJson(body): ApiJson<NewMapping>,
) -> Result<Response, Problem> {
    let org = mappings_org(&state, &urls, &caller, &idp_id)?;
    path_id("team_id", &body.team_id)?;
    let mapping = state
        .directory
        .add_team_group_mapping(
            &org.id,
            &body.team_id,
            &body.group,
            state.clock.now_system(),
        )
        .map_err(IdentityError::from)?;
    Ok((StatusCode::CREATED, Json(mapping_view(&mapping))).into_response())
}

fn mapping_of<'a>(org: &'a Organization, id: &str) -> Result<&'a TeamGroupMapping, Problem> {
    path_id("id", id)?;
    org.team_group_mappings
        .iter()
        .find(|m| m.id == id)
        .ok_or_else(|| Problem::not_found("The requested team group mapping was not found"))
}

async fn idp_mappings_get(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Path((idp_id, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let org = mappings_org(&state, &urls, &caller, &idp_id)?;
    Ok(Json(mapping_view(mapping_of(&org, &id)?)).into_response())
}

async fn idp_mappings_delete(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    ApiCaller(caller): ApiCaller,
    Path((idp_id, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let org = mappings_org(&state, &urls, &caller, &idp_id)?;
    mapping_of(&org, &id)?;
    state
        .directory
        .delete_team_group_mapping(&org.id, &id)
        .map_err(IdentityError::from)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
