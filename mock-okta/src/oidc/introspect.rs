//! `v1/introspect` (RFC 7662): whether a token the client owns is active, and what it says.

use axum::{Json, extract::State, response::Response};

use super::{
    back_channel::{BackChannel, authenticated, respond},
    error::OAuthError,
    mint,
    verify::{Verified, verify_jwt},
};
use crate::{
    directory::User,
    ledger::RefreshToken,
    paths::{self, AuthServer},
    state::AppState,
};

#[derive(serde::Serialize, Default)]
struct Introspection {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uid: Option<String>,
}

pub async fn introspect_post(
    State(state): State<AppState>,
    server: AuthServer,
    req: Result<BackChannel, OAuthError>,
) -> Response {
    let answer = async {
        let (req, app) = authenticated(req, &state, server, paths::INTROSPECT)?;
        let token = req
            .form
            .get("token")
            .ok_or_else(|| OAuthError::missing("token"))?;
        let client_id = app.credentials.client_id;
        let body = if let Some(v) = verify_jwt(&state, server, token, false).await {
            of_jwt(&state, &v, client_id)
        } else if let Some(r) = state
            .ledger
            .refresh(token)
            .filter(|r| r.server == server && r.client_id == client_id)
        {
            of_refresh_token(&state, server, &r, client_id)
        } else {
            Introspection::default()
        };
        Ok::<_, OAuthError>(body)
    }
    .await;
    respond(&state, answer.map(Json))
}

/// An access or ID token: active only for the client it was issued to.
fn of_jwt(state: &AppState, v: &Verified, client_id: String) -> Introspection {
    let is_access = v.is_access_token();
    let owner = if is_access {
        v.str("cid")
    } else {
        v.str("aud")
    };
    if owner != Some(client_id.as_str()) {
        return Introspection::default();
    }
    let scopes: Vec<&str> = v.scopes().collect();
    let user = v
        .str("uid")
        .or_else(|| (!is_access).then(|| v.str("sub")).flatten())
        .and_then(|u| state.dir.user(u).ok());
    Introspection {
        active: true,
        token_type: is_access.then_some("Bearer"),
        scope: v
            .claims
            .get("scp")
            .and_then(|s| s.as_array())
            .map(|_| scopes.join(" ")),
        client_id: Some(client_id),
        username: user.as_ref().map(|u| u.login().to_owned()),
        exp: v.int("exp"),
        iat: v.int("iat"),
        sub: v.str("sub").map(str::to_owned),
        aud: v.str("aud").map(str::to_owned),
        iss: v.str("iss").map(str::to_owned),
        jti: v.str("jti").map(str::to_owned),
        uid: user.map(|u| u.id),
    }
}

fn of_refresh_token(
    state: &AppState,
    server: AuthServer,
    r: &RefreshToken,
    client_id: String,
) -> Introspection {
    let user: Option<User> = state.dir.user(&r.user_id).ok();
    Introspection {
        active: true,
        token_type: None,
        scope: Some(r.scopes.join(" ")),
        client_id: Some(client_id),
        username: user.as_ref().map(|u| u.login().to_owned()),
        exp: Some(r.expires_at),
        iat: Some(r.issued_at),
        sub: user.as_ref().map(|u| u.login().to_owned()),
        aud: Some(mint::audience(&state.org, &state.dir, server)),
        iss: Some(state.org.issuer(server)),
        jti: None,
        uid: user.map(|u| u.id),
    }
}
