//! `v1/revoke` (RFC 7009): revokes an access or refresh token the client owns.

use axum::{extract::State, http::StatusCode, response::Response};

use super::{
    back_channel::{BackChannel, authenticated, respond},
    error::OAuthError,
    verify::verify_jwt,
};
use crate::{
    paths::{self, AuthServer},
    state::AppState,
};

pub async fn revoke_post(
    State(state): State<AppState>,
    server: AuthServer,
    req: Result<BackChannel, OAuthError>,
) -> Response {
    let answer = async {
        let (req, app) = authenticated(req, &state, server, paths::REVOKE)?;
        let token = req
            .form
            .get("token")
            .ok_or_else(|| OAuthError::missing("token"))?;
        let client_id = app.credentials.client_id.as_str();
        if let Some(v) = verify_jwt(&state, server, token, false).await {
            let owner = v.str("cid").or_else(|| v.str("aud"));
            if owner == Some(client_id)
                && let (Some(jti), Some(exp)) = (v.str("jti"), v.int("exp"))
            {
                state.ledger.revoke_jti(jti, exp);
            }
        } else if state
            .ledger
            .refresh(token)
            .is_some_and(|r| r.client_id == client_id)
        {
            state.ledger.revoke_refresh(token);
        }
        // 200 with an empty body, even for unknown tokens (RFC 7009).
        Ok::<_, OAuthError>(StatusCode::OK)
    }
    .await;
    respond(&state, answer)
}
