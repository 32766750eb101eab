//! `v1/token`: the authorization-code, refresh-token, client-credentials and password grant
//! types, after the client has been authenticated (`back_channel.rs`).

use axum::{
    Json,
    extract::{FromRef as _, State},
    response::Response,
};
use serde::Serialize;

use super::{
    back_channel::{BackChannel, authenticated, respond},
    claims::{self, Channel},
    error::OAuthError,
    mint::{self, IdTokenExtras, Issuance, TOKEN_LIFETIME},
    pkce, scopes,
};
use crate::{
    directory::{App, ClaimTarget, OKTA_SCOPES, TokenAuthMethod, User},
    ids::okta_id,
    ledger::{REFRESH_LIFETIME, RefreshToken},
    params::first as param,
    paths::{self, AuthServer},
    state::{AppState, Issuer},
};

pub async fn token_post(
    State(state): State<AppState>,
    server: AuthServer,
    req: Result<BackChannel, OAuthError>,
) -> Response {
    let answer = async {
        let (req, app) = authenticated(req, &state, server, paths::TOKEN)?;
        let answer = exchange(&Issuer::from_ref(&state), server, &app, req.form.pairs()).await;
        record_grant(&state, &app, param(req.form.pairs(), "grant_type"), &answer);
        answer
    }
    .await;
    respond(&state, answer.map(Json))
}

/// The System Log's `app.oauth2.token.grant`: the grant type, and a refused grant as a
/// FAILURE with its OAuth error.
fn record_grant(
    state: &AppState,
    app: &App,
    grant_type: Option<&str>,
    answer: &Result<TokenResponse, OAuthError>,
) {
    let mut e =
        crate::directory::Entry::new("app.oauth2.token.grant", "OAuth2 token grant request")
            .actor(app.party())
            .debug("grantType", grant_type.unwrap_or_default());
    if let Err(err) = answer {
        e = e
            .failed(err.error)
            .debug("errorDescription", err.description.clone());
    } else if let Ok(ok) = answer {
        e = e.debug("grantedScopes", ok.scope.clone());
    }
    state.dir.record(e);
}

/// The success body, in Okta's key order.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub token_type: &'static str,
    pub expires_in: i64,
    pub access_token: String,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

const SUPPORTED_GRANTS: &str = "[authorization_code, password, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange]";
const EXCEEDS_SCOPE: &str = "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.";
const UNKNOWN_SCOPE: &str =
    "One or more scopes are not configured for the authorization server resource.";

fn unauthorized_client(app: &App) -> OAuthError {
    OAuthError::bad_request(
        "unauthorized_client",
        format!(
            "The client is not authorized to use the provided grant type. Configured grant types: [{}].",
            app.settings.grant_types.join(", ")
        ),
    )
}

/// Dispatches on `grant_type`.
pub async fn exchange(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    form: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    let Some(grant_type) = param(form, "grant_type") else {
        return Err(OAuthError::invalid_request(format!(
            "The token request must specify a 'grant_type'. Valid values: {SUPPORTED_GRANTS}"
        )));
    };
    let known = matches!(
        grant_type,
        "authorization_code" | "refresh_token" | "client_credentials" | "password"
    );
    if !known {
        return Err(OAuthError::bad_request(
            "unsupported_grant_type",
            format!(
                "The authorization grant type is not supported by the authorization server. Configured grant types: {SUPPORTED_GRANTS}."
            ),
        ));
    }
    if !app.settings.has_grant(grant_type) {
        return Err(unauthorized_client(app));
    }
    // A custom server's access policies, for the client, the grant type and the scopes
    // the request names (the user's part was checked at authorize).
    if server != AuthServer::Org {
        let asked: Vec<String> = param(form, "scope")
            .map(|s| {
                s.split(' ')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if !state
            .dir
            .access_allowed(server, &app.credentials.client_id, grant_type, None, &asked)
        {
            return Err(OAuthError::policy_denied());
        }
    }
    match grant_type {
        "authorization_code" => authorization_code(state, server, app, form).await,
        "refresh_token" => refresh(state, server, app, form).await,
        "client_credentials" => client_credentials(state, server, app, form).await,
        _ => password(state, server, app, form).await,
    }
}

fn usable_user(state: &Issuer, user_id: &str) -> Option<User> {
    state.dir.user(user_id).ok().filter(User::may_sign_in)
}

/// Mints the tokens of a user grant: access token, ID token when `openid` was granted,
/// refresh token when `offline_access` was granted and the app may refresh.
#[allow(clippy::too_many_arguments)]
async fn mint_for_user(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    user: &User,
    scopes: &[String],
    auth_time: i64,
    amr: &[String],
    nonce: Option<&str>,
    existing_refresh: Option<(String, RefreshToken)>,
) -> Result<TokenResponse, OAuthError> {
    let key = state.keys.active().await.map_err(internal)?;
    let now = state.clock.now();
    let wants_refresh =
        scopes.iter().any(|s| s == "offline_access") && app.settings.has_grant("refresh_token");
    let refresh = match existing_refresh {
        Some(pair) => Some(pair),
        None if wants_refresh => {
            let grant = RefreshToken {
                server,
                client_id: app.credentials.client_id.clone(),
                user_id: user.id.clone(),
                scopes: scopes.to_vec(),
                auth_time,
                amr: amr.to_vec(),
                id: okta_id("oar"),
                issued_at: now,
                expires_at: now + REFRESH_LIFETIME,
                grace_until: None,
            };
            Some((state.ledger.issue_refresh(grant.clone()), grant))
        }
        None => None,
    };
    let grant = Issuance {
        server,
        client_id: &app.credentials.client_id,
        user: Some(user),
        scopes,
        auth_time: Some(auth_time),
        amr,
        refresh_id: refresh.as_ref().map(|(_, g)| g.id.as_str()),
    };
    let limited = claims::limited(state.groups_over_limit, Channel::Token);
    let extra = |target| {
        claims::extra_claims(
            &state.dir,
            server,
            app.groups_claim.as_ref(),
            user,
            target,
            scopes,
            limited,
        )
        .map_err(OAuthError::from)
    };
    let resource = extra(ClaimTarget::AccessToken)?;
    let identity = extra(ClaimTarget::IdToken {
        with_access_token: true,
    })?;
    let (access_token, _) = mint::access_token(
        &key,
        &state.org,
        mint::audience(&state.org, &state.dir, grant.server),
        &grant,
        &resource,
        now,
    )
    .await
    .map_err(internal)?;
    let id_token = if scopes.iter().any(|s| s == "openid") {
        Some(
            mint::id_token(
                &key,
                &state.org,
                &grant,
                user,
                &IdTokenExtras {
                    nonce,
                    access_token: Some(&access_token),
                    code: None,
                    all_claims: false,
                    idp: state.dir.org_id(),
                    appended: &identity,
                },
                now,
            )
            .await
            .map_err(internal)?,
        )
    } else {
        None
    };
    Ok(TokenResponse {
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME,
        access_token,
        scope: scopes.join(" "),
        refresh_token: refresh.map(|(t, _)| t),
        id_token,
    })
}

fn internal(err: anyhow::Error) -> OAuthError {
    tracing::error!(%err, "token minting failed");
    OAuthError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "The server encountered an internal error.",
    )
}

async fn authorization_code(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    form: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    let code = param(form, "code").ok_or_else(|| OAuthError::missing("code"))?;
    let redirect_uri =
        param(form, "redirect_uri").ok_or_else(|| OAuthError::missing("redirect_uri"))?;
    // Taken before any check: a code is spent by any attempt to redeem it.
    let grant = state
        .ledger
        .take_code(code)
        .filter(|g| g.server == server)
        .ok_or_else(|| {
            OAuthError::invalid_grant("The authorization code is invalid or has expired.")
        })?;
    if grant.client_id != app.credentials.client_id {
        return Err(OAuthError::invalid_grant(
            "The grant was issued to another client. Please make sure the 'client_id' matches the one used at the authorize request.",
        ));
    }
    if grant.redirect_uri != redirect_uri {
        return Err(OAuthError::invalid_grant(
            "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
        ));
    }
    match (&grant.code_challenge, param(form, "code_verifier")) {
        (Some(_), None) => {
            return Err(OAuthError::invalid_request(
                "PKCE code verifier is required when the parameters 'code_challenge_method' and 'code_challenge' are included in the authorization request.",
            ));
        }
        (Some(challenge), Some(verifier)) if !pkce::matches(verifier, challenge) => {
            return Err(OAuthError::invalid_grant("PKCE verification failed."));
        }
        (None, Some(_)) => return Err(OAuthError::invalid_grant("PKCE verification failed.")),
        _ => {}
    }
    let user = usable_user(state, &grant.user_id).ok_or_else(|| {
        OAuthError::invalid_grant("The authorization code is invalid or has expired.")
    })?;
    mint_for_user(
        state,
        server,
        app,
        &user,
        &grant.scopes,
        grant.auth_time,
        &grant.amr,
        grant.nonce.as_deref(),
        None,
    )
    .await
}

async fn refresh(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    form: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    let token = param(form, "refresh_token").ok_or_else(|| OAuthError::missing("refresh_token"))?;
    let invalid = || OAuthError::invalid_grant("The refresh token is invalid or expired.");
    let grant = state
        .ledger
        .refresh(token)
        .filter(|g| g.server == server && g.client_id == app.credentials.client_id)
        .ok_or_else(invalid)?;
    let scopes = match param(form, "scope") {
        Some(raw) => {
            let asked = scopes::split(raw);
            if asked.iter().any(|s| !grant.scopes.contains(s)) {
                return Err(OAuthError::invalid_scope(EXCEEDS_SCOPE));
            }
            asked
        }
        None => grant.scopes.clone(),
    };
    let user = usable_user(state, &grant.user_id).ok_or_else(invalid)?;
    if !state.dir.is_assigned(app, &user.id) {
        return Err(invalid());
    }
    let keep = if app.settings.refresh_rotation == "ROTATE" {
        state
            .ledger
            .retire_refresh(token, i64::from(app.settings.refresh_leeway));
        let mut fresh = grant.clone();
        fresh.grace_until = None;
        fresh.issued_at = state.clock.now();
        (state.ledger.issue_refresh(fresh.clone()), fresh)
    } else {
        (token.to_owned(), grant.clone())
    };
    mint_for_user(
        state,
        server,
        app,
        &user,
        &scopes,
        grant.auth_time,
        &grant.amr,
        None,
        Some(keep),
    )
    .await
}

async fn client_credentials(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    form: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    if server == AuthServer::Org {
        return okta_api_scopes(state, app, form).await;
    }
    // Only confidential clients (a secret or, for private_key_jwt, keys) get client tokens.
    if app.credentials.token_endpoint_auth_method == TokenAuthMethod::None {
        return Err(unauthorized_client(app));
    }
    let scopes = match param(form, "scope") {
        Some(raw) => {
            let asked = scopes::split(raw);
            if asked.iter().any(|s| !scopes::known(&state.dir, server, s)) {
                return Err(OAuthError::invalid_scope(UNKNOWN_SCOPE));
            }
            // OpenID Connect scopes need a user; only custom scopes are granted to a client.
            if asked.iter().any(|s| {
                !server
                    .id()
                    .is_some_and(|id| state.dir.is_custom_scope(id, s))
            }) {
                return Err(OAuthError::invalid_scope(EXCEEDS_SCOPE));
            }
            asked
        }
        None => {
            let d = server
                .id()
                .map(|id| state.dir.default_scopes(id))
                .unwrap_or_default();
            if d.is_empty() {
                return Err(OAuthError::invalid_scope(
                    "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
                ));
            }
            d
        }
    };
    client_token(state, server, app, scopes).await
}

/// `client_credentials` at the org authorization server ("OAuth for Okta"): a service app that
/// authenticates with `private_key_jwt` gets the `okta.*` scopes granted to it, for the
/// Management API.
async fn okta_api_scopes(
    state: &Issuer,
    app: &App,
    form: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    if app.credentials.token_endpoint_auth_method != TokenAuthMethod::PrivateKeyJwt {
        return Err(OAuthError::invalid_client(
            "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.",
        ));
    }
    let Some(raw) = param(form, "scope") else {
        return Err(OAuthError::invalid_scope(
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        ));
    };
    let scopes = scopes::split(raw);
    if scopes.iter().any(|s| !OKTA_SCOPES.contains(&s.as_str())) {
        return Err(OAuthError::invalid_scope(UNKNOWN_SCOPE));
    }
    let missing: Vec<&str> = scopes
        .iter()
        .filter(|s| !app.scope_grants.iter().any(|g| &g.scope_id == *s))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(OAuthError::invalid_scope(format!(
            "The following scopes have not been granted to the client application: {}.",
            missing.join(", ")
        )));
    }
    client_token(state, AuthServer::Org, app, scopes).await
}

/// A client's own access token (no user) for `scopes`.
async fn client_token(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    scopes: Vec<String>,
) -> Result<TokenResponse, OAuthError> {
    let key = state.keys.active().await.map_err(internal)?;
    let grant = Issuance {
        server,
        client_id: &app.credentials.client_id,
        user: None,
        scopes: &scopes,
        auth_time: None,
        amr: &[],
        refresh_id: None,
    };
    let (access_token, _) = mint::access_token(
        &key,
        &state.org,
        mint::audience(&state.org, &state.dir, grant.server),
        &grant,
        &[],
        state.clock.now(),
    )
    .await
    .map_err(internal)?;
    Ok(TokenResponse {
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME,
        access_token,
        scope: scopes.join(" "),
        refresh_token: None,
        id_token: None,
    })
}

async fn password(
    state: &Issuer,
    server: AuthServer,
    app: &App,
    form: &[(String, String)],
) -> Result<TokenResponse, OAuthError> {
    let username = param(form, "username").ok_or_else(|| OAuthError::missing("username"))?;
    let password = param(form, "password").ok_or_else(|| OAuthError::missing("password"))?;
    let scope = param(form, "scope").ok_or_else(|| OAuthError::missing("scope"))?;
    let scopes = scopes::split(scope);
    if scopes.iter().any(|s| !scopes::known(&state.dir, server, s)) {
        return Err(OAuthError::invalid_scope(UNKNOWN_SCOPE));
    }
    let user = state
        .dir
        .authenticate(username, password)
        .ok_or_else(|| OAuthError::invalid_grant("The credentials provided were invalid."))?;
    if !state.dir.is_assigned(app, &user.id) {
        return Err(OAuthError::bad_request(
            "access_denied",
            "User is not assigned to the client application.",
        ));
    }
    state.dir.record_login(&user.id);
    let now = state.clock.now();
    mint_for_user(
        state,
        server,
        app,
        &user,
        &scopes,
        now,
        &["pwd".to_owned()],
        None,
        None,
    )
    .await
}
