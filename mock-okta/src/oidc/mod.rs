//! The OpenID Connect issuer: both authorization servers' discovery, keys, authorize, token,
//! userinfo, introspect, revoke and logout endpoints.

pub mod authorize;
pub mod client_assertion;
pub mod client_auth;
pub mod discovery;
pub mod error;
pub mod token;
pub mod tokens;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use self::{
    authorize::{AuthorizeRequest, Delivery, Denied, param},
    error::{ErrorPage, OAuthError},
    tokens::{Grant, IdTokenExtras},
};
use crate::{
    api::error::ApiError,
    directory::UserStatus,
    grants::{CODE_LIFETIME, CodeGrant, PendingAuthorize, SIGNIN_LIFETIME, Session},
    paths::{self, AuthServer},
    signin,
    state::AppState,
};

type Params = Vec<(String, String)>;

/// Routes of both authorization servers, with CORS for the org's trusted origins.
pub fn router(state: &AppState) -> Router<AppState> {
    let cors = crate::web::cors(&state.dir);
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(org_openid_configuration),
        )
        .route(
            "/oauth2/v1/{endpoint}",
            get(org_endpoint_get).post(org_endpoint_post),
        )
        .route("/oauth2/v1/authorize/redirect", get(org_resume))
        .route(
            "/oauth2/{server}/.well-known/openid-configuration",
            get(custom_openid_configuration),
        )
        .route(
            "/oauth2/{server}/.well-known/oauth-authorization-server",
            get(custom_oauth_metadata),
        )
        .route(
            "/oauth2/{server}/v1/{endpoint}",
            get(custom_endpoint_get).post(custom_endpoint_post),
        )
        .route("/oauth2/{server}/v1/authorize/redirect", get(custom_resume))
        .layer(cors)
}

/// The authorization server named in the path; Okta's 404 body otherwise.
fn custom_server(id: &str) -> Result<AuthServer, Box<Response>> {
    match id {
        "default" => Ok(AuthServer::Default),
        other => Err(Box::new(
            ApiError::not_found(other, "AuthorizationServer").into_response(),
        )),
    }
}

async fn org_openid_configuration(State(state): State<AppState>) -> Response {
    discovery::respond(&state, AuthServer::Org, discovery::Kind::OpenId)
}

async fn custom_openid_configuration(
    State(state): State<AppState>,
    Path(server): Path<String>,
) -> Response {
    match custom_server(&server) {
        Ok(s) => discovery::respond(&state, s, discovery::Kind::OpenId),
        Err(r) => *r,
    }
}

async fn custom_oauth_metadata(
    State(state): State<AppState>,
    Path(server): Path<String>,
) -> Response {
    match custom_server(&server) {
        Ok(s) => discovery::respond(&state, s, discovery::Kind::OAuth),
        Err(r) => *r,
    }
}

fn query_pairs(raw: Option<&str>) -> Params {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

/// Parses a form body; other content types are refused in OAuth's format.
fn form_pairs(headers: &HeaderMap, body: &Bytes) -> Result<Params, OAuthError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        });
    if !is_form && !body.is_empty() {
        return Err(OAuthError::invalid_request(
            "The request must use the 'application/x-www-form-urlencoded' content type.",
        ));
    }
    Ok(url::form_urlencoded::parse(body).into_owned().collect())
}

struct Call {
    server: AuthServer,
    endpoint: String,
    method: Method,
    headers: HeaderMap,
    query: Params,
    body: Bytes,
}

async fn org_endpoint_get(
    State(state): State<AppState>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    dispatch(
        &state,
        Call {
            server: AuthServer::Org,
            endpoint,
            method: Method::GET,
            headers,
            query: query_pairs(uri.query()),
            body: Bytes::new(),
        },
    )
    .await
}

async fn org_endpoint_post(
    State(state): State<AppState>,
    Path(endpoint): Path<String>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    dispatch(
        &state,
        Call {
            server: AuthServer::Org,
            endpoint,
            method: Method::POST,
            headers,
            query: query_pairs(uri.query()),
            body,
        },
    )
    .await
}

async fn custom_endpoint_get(
    State(state): State<AppState>,
    Path((server, endpoint)): Path<(String, String)>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    match custom_server(&server) {
        Ok(server) => {
            dispatch(
                &state,
                Call {
                    server,
                    endpoint,
                    method: Method::GET,
                    headers,
                    query: query_pairs(uri.query()),
                    body: Bytes::new(),
                },
            )
            .await
        }
        Err(r) => *r,
    }
}

async fn custom_endpoint_post(
    State(state): State<AppState>,
    Path((server, endpoint)): Path<(String, String)>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    match custom_server(&server) {
        Ok(server) => {
            dispatch(
                &state,
                Call {
                    server,
                    endpoint,
                    method: Method::POST,
                    headers,
                    query: query_pairs(uri.query()),
                    body,
                },
            )
            .await
        }
        Err(r) => *r,
    }
}

async fn dispatch(state: &AppState, call: Call) -> Response {
    let form = || form_pairs(&call.headers, &call.body);
    let is_post = call.method == Method::POST;
    match call.endpoint.as_str() {
        paths::KEYS => keys(state).await,
        paths::AUTHORIZE if !is_post => {
            authorize_start(state, call.server, &call.headers, call.query).await
        }
        paths::AUTHORIZE => {
            if !call.query.is_empty() {
                return ErrorPage::new(
                    "invalid_request",
                    "No query parameters are allowed on a POST to the authorize endpoint.",
                )
                .into_response();
            }
            match form() {
                Ok(params) => authorize_start(state, call.server, &call.headers, params).await,
                Err(_) => ErrorPage::new(
                    "invalid_request",
                    "The authorize request body must be a form.",
                )
                .into_response(),
            }
        }
        paths::TOKEN if is_post => match form() {
            Ok(f) => token_endpoint(state, call.server, &call.headers, &f, &call.query).await,
            Err(e) => e.into_response(),
        },
        paths::USERINFO => {
            let body_token = if is_post {
                form()
                    .ok()
                    .and_then(|f| param(&f, "access_token").map(str::to_owned))
            } else {
                None
            };
            userinfo(state, call.server, &call.headers, body_token).await
        }
        paths::INTROSPECT if is_post => match form() {
            Ok(f) => introspect(state, call.server, &call.headers, &f, &call.query).await,
            Err(e) => e.into_response(),
        },
        paths::REVOKE if is_post => match form() {
            Ok(f) => revoke(state, call.server, &call.headers, &f, &call.query).await,
            Err(e) => e.into_response(),
        },
        paths::LOGOUT => {
            let params = if is_post {
                form().unwrap_or_default()
            } else {
                call.query
            };
            logout(state, call.server, &call.headers, &params).await
        }
        paths::TOKEN | paths::INTROSPECT | paths::REVOKE => OAuthError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            "The endpoint does not support the provided HTTP method.",
        )
        .into_response(),
        _ => ApiError::not_found(&call.endpoint, "Resource").into_response(),
    }
}

async fn keys(state: &AppState) -> Response {
    let jwks = state.keys.jwks().await;
    let mut res = Json(jwks).into_response();
    let h = res.headers_mut();
    // Okta's caches last until the next scheduled rotation; keys here rotate only on request,
    // so clients are told to revalidate daily.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=86400, must-revalidate"),
    );
    if let Ok(v) = HeaderValue::from_str(&crate::clock::http_date(
        state.clock.now_datetime() + time::Duration::days(1),
    )) {
        h.insert(header::EXPIRES, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    res
}

// ---------------------------------------------------------------- authorize

async fn authorize_start(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    params: Params,
) -> Response {
    proceed(state, server, headers, params, None, None).await
}

#[derive(serde::Deserialize)]
struct ResumeQuery {
    okta_key: Option<String>,
}

async fn org_resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ResumeQuery>,
) -> Response {
    resume(&state, AuthServer::Org, &headers, q.okta_key).await
}

async fn custom_resume(
    State(state): State<AppState>,
    Path(server): Path<String>,
    headers: HeaderMap,
    Query(q): Query<ResumeQuery>,
) -> Response {
    match custom_server(&server) {
        Ok(s) => resume(&state, s, &headers, q.okta_key).await,
        Err(r) => *r,
    }
}

/// Continues an authorize request after sign-in (Okta's `fromURI`).
async fn resume(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    key: Option<String>,
) -> Response {
    let Some((key, pending)) = key
        .and_then(|k| state.grants.pending_authorize(&k).map(|p| (k, p)))
        .filter(|(_, p)| p.server == server)
    else {
        return ErrorPage::new(
            "invalid_request",
            "The authorization request has expired or is unknown. Start the sign-in again from the application.",
        )
        .into_response();
    };
    proceed(
        state,
        server,
        headers,
        pending.params,
        Some(key),
        pending.fresh_after,
    )
    .await
}

/// Validates, finds or makes the Okta session, and either issues the response or sends the
/// browser to the sign-in page with a `fromURI` that resumes this request.
async fn proceed(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    params: Params,
    okta_key: Option<String>,
    fresh_after: Option<i64>,
) -> Response {
    let req = match authorize::validate(&params, server, &state.dir, &state.org) {
        Ok(r) => r,
        Err(Denied::Page(p)) => return p.into_response(),
        Err(Denied::Redirect(d)) => return authorize::deliver(d, HeaderMap::new()),
    };
    let deny = |req: &AuthorizeRequest, error: &str, desc: &str| {
        authorize::deliver(
            Delivery::error(
                &req.redirect_uri,
                req.mode,
                req.state.as_deref(),
                error,
                desc,
            ),
            HeaderMap::new(),
        )
    };
    let mut extra = HeaderMap::new();
    let mut session = signin::current_session(state, headers);
    if let Some(token) = &req.session_token {
        // A one-time session token from /api/v1/authn makes a session without the sign-in page.
        if let Some(user_id) = state.grants.redeem_session_token(token) {
            let s = state
                .grants
                .create_session(&user_id, vec!["pwd".to_owned()]);
            state.dir.record_login(&user_id);
            if let Ok(v) = HeaderValue::from_str(&signin::session_set_cookie(state, &s)) {
                extra.append(header::SET_COOKIE, v);
            }
            session = Some(s);
        }
    }
    let now = state.clock.now();
    let needs_fresh_login = |s: &Session| {
        let after_prompt = match (req.prompt.login, fresh_after) {
            (true, Some(t)) => s.auth_time >= t,
            (true, None) => extra.contains_key(header::SET_COOKIE),
            (false, _) => true,
        };
        let within_max_age = req.max_age.is_none_or(|m| now - s.auth_time <= m);
        !(after_prompt && within_max_age)
    };
    let session = match session {
        Some(s) if !needs_fresh_login(&s) => s,
        _ => {
            if req.prompt.none {
                return deny(
                    &req,
                    "login_required",
                    "The client specified not to prompt, but the user is not logged in.",
                );
            }
            let key = match okta_key {
                Some(k) => k,
                None => state.grants.park_authorize(PendingAuthorize {
                    server,
                    params,
                    fresh_after: (req.prompt.login || req.max_age.is_some()).then_some(now),
                    expires_at: now + SIGNIN_LIFETIME,
                }),
            };
            let from = format!(
                "{}/authorize/redirect?okta_key={}",
                server.endpoint_prefix(),
                key
            );
            return signin::redirect_to_signin(state, &from, req.login_hint.as_deref(), extra);
        }
    };
    let Some(user) = state
        .dir
        .user(&session.user_id)
        .ok()
        .filter(|u| u.status == UserStatus::Active || u.status == UserStatus::PasswordExpired)
    else {
        state.grants.end_session(&session.id);
        return deny(&req, "access_denied", "The user is not active.");
    };
    if !state.dir.is_assigned(&req.app, &user.id) {
        return deny(
            &req,
            "access_denied",
            "User is not assigned to the client application.",
        );
    }
    if let Some(k) = &okta_key {
        state.grants.drop_pending(k);
    }
    match issue(state, server, &req, &user, &session).await {
        Ok(d) => authorize::deliver(d, extra),
        Err(err) => {
            tracing::error!(%err, "authorize response failed");
            deny(
                &req,
                "server_error",
                "The server encountered an internal error.",
            )
        }
    }
}

/// Issues the code and/or tokens of a validated request for a signed-in, assigned user.
async fn issue(
    state: &AppState,
    server: AuthServer,
    req: &AuthorizeRequest,
    user: &crate::directory::User,
    session: &Session,
) -> anyhow::Result<Delivery> {
    let now = state.clock.now();
    let rt = req.response_type;
    let mut params: Params = Vec::new();
    let code = rt.code.then(|| {
        state.grants.issue_code(CodeGrant {
            server,
            client_id: req.app.credentials.client_id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            user_id: user.id.clone(),
            scopes: req.scopes.clone(),
            nonce: req.nonce.clone(),
            code_challenge: req.code_challenge.clone(),
            auth_time: session.auth_time,
            amr: session.amr.clone(),
            session_id: Some(session.id.clone()),
            expires_at: now + CODE_LIFETIME,
        })
    });
    if let Some(c) = &code {
        params.push(("code".into(), c.clone()));
    }
    if rt.front_channel_tokens() {
        let key = state.keys.active().await?;
        let scopes: Vec<String> = req.scopes.clone();
        let grant = Grant {
            server,
            client_id: &req.app.credentials.client_id,
            user: Some(user),
            scopes: &scopes,
            auth_time: Some(session.auth_time),
            amr: &session.amr,
            refresh_id: None,
        };
        let access = if rt.token {
            Some(tokens::access_token(&key, &state.org, &grant, now).await?.0)
        } else {
            None
        };
        if rt.id_token {
            let id = tokens::id_token(
                &key,
                &state.org,
                &grant,
                user,
                &IdTokenExtras {
                    nonce: req.nonce.as_deref(),
                    access_token: access.as_deref(),
                    code: code.as_deref(),
                    all_claims: access.is_none(),
                    idp: state.dir.org_id(),
                },
                now,
            )
            .await?;
            params.push(("id_token".into(), id));
        }
        if let Some(at) = access {
            params.push(("access_token".into(), at));
            params.push(("token_type".into(), "Bearer".into()));
            params.push(("expires_in".into(), tokens::TOKEN_LIFETIME.to_string()));
            params.push(("scope".into(), scopes.join(" ")));
        }
    }
    if let Some(s) = &req.state {
        params.push(("state".into(), s.clone()));
    }
    Ok(Delivery {
        redirect_uri: req.redirect_uri.clone(),
        mode: req.mode,
        params,
    })
}

// ---------------------------------------------------------------- token side

fn with_token_headers(state: &AppState, mut res: Response) -> Response {
    let h = res.headers_mut();
    crate::web::no_store(h);
    for (k, v) in state.rate.headers(state.clock.now()) {
        h.insert(k, v);
    }
    res
}

fn authorization_header(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

async fn token_endpoint(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    form: &Params,
    query: &Params,
) -> Response {
    let result = async {
        let app = authenticate_client(state, server, paths::TOKEN, headers, form, query)?;
        token::exchange(state, server, &app, form).await
    }
    .await;
    let res = match result {
        Ok(body) => Json(body).into_response(),
        Err(e) => e.into_response(),
    };
    with_token_headers(state, res)
}

/// What a verified access or ID token says about itself.
pub(crate) struct Verified {
    claims: serde_json::Value,
}

impl Verified {
    pub(crate) fn str(&self, k: &str) -> Option<&str> {
        self.claims.get(k).and_then(|v| v.as_str())
    }
    fn int(&self, k: &str) -> Option<i64> {
        self.claims.get(k).and_then(|v| v.as_i64())
    }
    /// The `scp` claim of an access token.
    pub(crate) fn scopes(&self) -> impl Iterator<Item = &str> {
        self.claims
            .get("scp")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
    }
}

/// Verifies one of our JWTs for a server: signature, issuer, expiry, revocation.
pub(crate) async fn verify_jwt(
    state: &AppState,
    server: AuthServer,
    token: &str,
    allow_expired: bool,
) -> Option<Verified> {
    let claims = state.keys.verify(token).await?;
    let v = Verified { claims };
    if v.str("iss")? != state.org.issuer(server) {
        return None;
    }
    if !allow_expired && v.int("exp")? <= state.clock.now() {
        return None;
    }
    if v.str("jti").is_some_and(|j| state.grants.is_revoked(j)) {
        return None;
    }
    Some(v)
}

async fn userinfo(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    body_token: Option<String>,
) -> Response {
    let bearer = authorization_header(headers)
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .or(body_token);
    let invalid = || {
        OAuthError::bearer(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The access token is invalid.",
        )
        .into_response()
    };
    let Some(token) = bearer else {
        return invalid();
    };
    let Some(v) = verify_jwt(state, server, &token, false).await else {
        return invalid();
    };
    if v.str("jti").is_none_or(|j| !j.starts_with("AT.")) {
        return invalid();
    }
    let scopes: Vec<String> = v
        .claims
        .get("scp")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
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
    let mut res = Json(tokens::userinfo(&user, &scopes)).into_response();
    crate::web::no_store(res.headers_mut());
    res
}

#[derive(serde::Serialize)]
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

impl Introspection {
    fn inactive() -> Self {
        Self {
            active: false,
            token_type: None,
            scope: None,
            client_id: None,
            username: None,
            exp: None,
            iat: None,
            sub: None,
            aud: None,
            iss: None,
            jti: None,
            uid: None,
        }
    }
}

/// Authenticates the client of a back-channel request to `endpoint` of `server` (the URL a
/// client assertion must name as its audience).
fn authenticate_client(
    state: &AppState,
    server: AuthServer,
    endpoint: &str,
    headers: &HeaderMap,
    form: &Params,
    query: &Params,
) -> Result<crate::directory::App, OAuthError> {
    let audience = state.org.endpoint(server, endpoint);
    let ctx = client_assertion::AssertionContext {
        audience: &audience,
        grants: &state.grants,
        now: state.clock.now(),
    };
    client_auth::authenticate(&state.dir, authorization_header(headers), form, query, &ctx)
}

/// Introspect and revoke both authenticate the client, then need a `token`.
fn client_and_token<'f>(
    state: &AppState,
    server: AuthServer,
    endpoint: &str,
    headers: &HeaderMap,
    form: &'f Params,
    query: &Params,
) -> Result<(crate::directory::App, &'f str), OAuthError> {
    let app = authenticate_client(state, server, endpoint, headers, form, query)?;
    let token = param(form, "token").ok_or_else(|| OAuthError::missing("token"))?;
    Ok((app, token))
}

async fn introspect(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    form: &Params,
    query: &Params,
) -> Response {
    let (app, token) =
        match client_and_token(state, server, paths::INTROSPECT, headers, form, query) {
            Ok(pair) => pair,
            Err(e) => return with_token_headers(state, e.into_response()),
        };
    let client_id = app.credentials.client_id.clone();
    let body = if let Some(v) = verify_jwt(state, server, token, false).await {
        let jti = v.str("jti").unwrap_or_default().to_owned();
        let is_access = jti.starts_with("AT.");
        let owner = if is_access {
            v.str("cid")
        } else {
            v.str("aud")
        };
        if owner != Some(client_id.as_str()) {
            Introspection::inactive()
        } else {
            let scopes = v.claims.get("scp").and_then(|s| s.as_array()).map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            let user = v
                .str("uid")
                .or_else(|| (!is_access).then(|| v.str("sub")).flatten())
                .and_then(|u| state.dir.user(u).ok());
            Introspection {
                active: true,
                token_type: is_access.then_some("Bearer"),
                scope: scopes,
                client_id: Some(client_id),
                username: user.as_ref().map(|u| u.login().to_owned()),
                exp: v.int("exp"),
                iat: v.int("iat"),
                sub: v.str("sub").map(str::to_owned),
                aud: v.str("aud").map(str::to_owned),
                iss: v.str("iss").map(str::to_owned),
                jti: Some(jti),
                uid: user.map(|u| u.id),
            }
        }
    } else if let Some(r) = state
        .grants
        .refresh(token)
        .filter(|r| r.server == server && r.client_id == client_id)
    {
        let user = state.dir.user(&r.user_id).ok();
        Introspection {
            active: true,
            token_type: None,
            scope: Some(r.scopes.join(" ")),
            client_id: Some(client_id),
            username: user.as_ref().map(|u| u.login().to_owned()),
            exp: Some(r.expires_at),
            iat: Some(r.issued_at),
            sub: user.as_ref().map(|u| u.login().to_owned()),
            aud: Some(tokens::audience(&state.org, server)),
            iss: Some(state.org.issuer(server)),
            jti: None,
            uid: user.map(|u| u.id),
        }
    } else {
        Introspection::inactive()
    };
    with_token_headers(state, Json(body).into_response())
}

async fn revoke(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    form: &Params,
    query: &Params,
) -> Response {
    let (app, token) = match client_and_token(state, server, paths::REVOKE, headers, form, query) {
        Ok(pair) => pair,
        Err(e) => return with_token_headers(state, e.into_response()),
    };
    let client_id = app.credentials.client_id.as_str();
    if let Some(v) = verify_jwt(state, server, token, false).await {
        let owner = v.str("cid").or_else(|| v.str("aud"));
        if owner == Some(client_id)
            && let (Some(jti), Some(exp)) = (v.str("jti"), v.int("exp"))
        {
            state.grants.revoke_jti(jti, exp);
        }
    } else if state
        .grants
        .refresh(token)
        .is_some_and(|r| r.client_id == client_id)
    {
        state.grants.revoke_refresh(token);
    }
    // 200 with an empty body, even for unknown tokens (RFC 7009).
    with_token_headers(state, StatusCode::OK.into_response())
}

async fn logout(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    params: &Params,
) -> Response {
    let hint = param(params, "id_token_hint");
    let post_logout = param(params, "post_logout_redirect_uri");
    let logout_state = param(params, "state");
    let Some(hint) = hint else {
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
    let client_id = v.str("aud").unwrap_or_default().to_owned();
    let app = state.dir.app_by_client_id(&client_id);
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
            let target = match logout_state {
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
        state.grants.end_session(&s.id);
        if let Ok(c) = HeaderValue::from_str(&signin::session_clear_cookie(state)) {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
    }
    res
}
