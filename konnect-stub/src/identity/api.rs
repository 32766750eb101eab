//! The v2 identity API: thin handlers over [`super::service`], answering problem+json.

use axum::{
    Json, Router,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
};

use super::{
    service::{self, IdentityError},
    views::{IdentityProviderView, OrganizationView, UserView},
};
use crate::{
    auth::ApiCaller,
    error::{ApiJson, Problem},
    org::{AuthSettingsPatch, IdentityProviderPatch},
    paths,
    state::{AppState, IdentityState},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            paths::API_IDENTITY_PROVIDER,
            get(identity_provider_get).patch(identity_provider_patch),
        )
        .route(
            paths::API_AUTHENTICATION_SETTINGS,
            get(authentication_settings_get).patch(authentication_settings_patch),
        )
        .route(paths::API_USERS_ME, get(users_me_get))
        .route(paths::API_ORGANIZATIONS_ME, get(organizations_me_get))
}

impl From<IdentityError> for Problem {
    fn from(e: IdentityError) -> Self {
        match e {
            IdentityError::NotAdmin => Problem::not_admin(),
            IdentityError::NotEnterprise => {
                Problem::not_enterprise("configure single sign-on with an identity provider")
            }
            IdentityError::Invalid { detail, params } => Problem::bad_request(detail, params),
            IdentityError::Discovery(error) => {
                Problem::invalid_parameter("issuer", error.to_string())
            }
            IdentityError::NoSuchOrganization => Problem::internal(),
            IdentityError::NotFound(detail) => Problem::not_found(detail),
            IdentityError::Conflict(detail) => Problem::conflict(detail),
        }
    }
}

async fn identity_provider_get(ApiCaller(caller): ApiCaller) -> Result<Response, Problem> {
    match service::identity_provider(&caller)? {
        Some(idp) => Ok(Json(IdentityProviderView::from(&idp)).into_response()),
        None => Err(Problem::not_found(
            "The identity provider configuration was not found",
        )),
    }
}

async fn identity_provider_patch(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(patch): ApiJson<IdentityProviderPatch>,
) -> Result<Response, Problem> {
    let idp = service::update_identity_provider(&state, &caller, &patch, state.clock.now_system())
        .await?;
    Ok(Json(IdentityProviderView::from(&idp)).into_response())
}

async fn authentication_settings_get(ApiCaller(caller): ApiCaller) -> Response {
    Json(caller.org.auth_settings).into_response()
}

async fn authentication_settings_patch(
    State(state): State<IdentityState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(patch): ApiJson<AuthSettingsPatch>,
) -> Result<Response, Problem> {
    let settings =
        service::update_auth_settings(&state, &caller, &patch, state.clock.now_system())?;
    Ok(Json(settings).into_response())
}

async fn users_me_get(ApiCaller(caller): ApiCaller) -> Response {
    Json(UserView::from(&caller.user)).into_response()
}

async fn organizations_me_get(ApiCaller(caller): ApiCaller) -> Response {
    Json(OrganizationView::from(&caller.org)).into_response()
}
