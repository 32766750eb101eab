//! `v1/userinfo`: the claims of the user an access token was issued for, by its scopes.

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{
    claims::{self, Channel},
    error::OAuthError,
    mint,
    verify::verify_jwt,
};
use crate::{
    directory::ClaimTarget,
    params::{Params, is_form},
    paths::AuthServer,
    state::AppState,
};

pub async fn userinfo_get(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
) -> Response {
    userinfo(&state, server, &headers, None).await
}

/// A POST may carry the token as the form field `access_token` instead of the header.
pub async fn userinfo_post(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form_token = is_form(&headers)
        .then(|| Params::parse(&body))
        .and_then(|f| f.get("access_token").map(str::to_owned));
    userinfo(&state, server, &headers, form_token).await
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let h = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    h.strip_prefix("Bearer ")
        .or_else(|| h.strip_prefix("bearer "))
        .map(|t| t.trim().to_owned())
}

async fn userinfo(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    form_token: Option<String>,
) -> Response {
    let invalid = || {
        OAuthError::bearer(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The access token is invalid.",
        )
        .into_response()
    };
    let Some(token) = bearer(headers).or(form_token) else {
        return invalid();
    };
    let Some(v) = verify_jwt(state, server, &token, false)
        .await
        .filter(|v| v.is_access_token())
    else {
        return invalid();
    };
    let scopes: Vec<String> = v.scopes().map(str::to_owned).collect();
    if !scopes.iter().any(|s| s == "openid") {
        return OAuthError::bearer(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            "The access token must provide access to at least one of these scopes - profile, email, address or phone",
        )
        .into_response();
    }
    let Some(user) = v.str("uid").and_then(|u| state.dir.user(u).ok()) else {
        return invalid();
    };
    let app = v.str("cid").and_then(|c| state.dir.app_by_client_id(c));
    let limited = claims::limited(state.options.groups_over_limit, Channel::Token);
    let appended = match claims::extra_claims(
        &state.dir,
        server,
        app.as_ref().and_then(|a| a.groups_claim.as_ref()),
        &user,
        ClaimTarget::Userinfo,
        &scopes,
        limited,
    ) {
        Ok(c) => c,
        Err(e) => return OAuthError::from(e).into_response(),
    };
    let mut res = Json(mint::userinfo(&user, &scopes, &appended)).into_response();
    crate::web::no_store(res.headers_mut());
    res
}
