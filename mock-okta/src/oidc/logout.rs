//! `v1/logout`: RP-initiated logout with an ID token hint, back to a registered sign-out
//! redirect URI.

use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};

use super::{error::ErrorPage, verify::verify_jwt};
use crate::{
    params::{Params, is_form},
    paths::{self, AuthServer},
    signin,
    state::AppState,
};

pub async fn logout_get(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    logout(&state, server, &headers, &Params::from_query(uri.query())).await
}

pub async fn logout_post(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let params = match body {
        Ok(b) if is_form(&headers) || b.is_empty() => Params::parse(&b),
        _ => Params::default(),
    };
    logout(&state, server, &headers, &params).await
}

async fn logout(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    params: &Params,
) -> Response {
    let Some(hint) = params.get("id_token_hint") else {
        return ErrorPage::new(
            "invalid_request",
            "The 'id_token_hint' parameter is required.",
        )
        .into_response();
    };
    // An expired but otherwise valid ID token still logs out.
    let Some(v) = verify_jwt(state, server, hint, true)
        .await
        .filter(|v| v.str("jti").is_some_and(|j| j.starts_with("ID.")))
    else {
        return ErrorPage::new("invalid_token", "The 'id_token_hint' is invalid.").into_response();
    };
    let post_logout = params.get("post_logout_redirect_uri");
    let app = state.dir.app_by_client_id(v.str("aud").unwrap_or_default());
    if let Some(uri) = post_logout {
        let registered = app.as_ref().is_some_and(|a| {
            a.settings
                .post_logout_redirect_uris
                .iter()
                .any(|u| u == uri)
        });
        if !registered {
            let admin = app
                .as_ref()
                .map(|a| state.org.admin_app(&a.id))
                .unwrap_or_default();
            return ErrorPage::new(
                "invalid_request",
                format!("The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings: {admin}"),
            )
            .into_response();
        }
    }
    let mut res = match post_logout {
        Some(uri) => {
            let target = match params.get("state") {
                Some(s) => {
                    let sep = if uri.contains('?') { '&' } else { '?' };
                    let enc: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
                    format!("{uri}{sep}state={enc}")
                }
                None => uri.to_owned(),
            };
            crate::web::found(&target)
        }
        None => crate::web::found(&state.org.url(paths::SIGNIN_PAGE)),
    };
    // Sign the user out only when the token's subject owns the current session.
    if let Some(s) = signin::current_session(state, headers)
        && Some(s.user_id.as_str()) == v.str("sub")
    {
        state.ledger.end_session(&s.id);
        if let Ok(user) = state.dir.user(&s.user_id) {
            state.dir.record(
                crate::directory::Entry::new("user.session.end", "User logout from Okta")
                    .legacy("core.user_auth.logout_success")
                    .actor(user.party()),
            );
        }
        if let Some(c) = signin::clear_session_cookie(state) {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
    }
    res
}
