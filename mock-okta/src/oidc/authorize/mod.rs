//! `v1/authorize` and `v1/authorize/redirect`: the handlers only do I/O. `request.rs` checks
//! the request, `decision.rs` decides what happens with the browser's session, `delivery.rs`
//! sends the answer. Without a recent enough session the request is parked under an
//! `okta_key` and the browser goes to the sign-in page (`crate::signin`), whose `fromURI`
//! brings it back to `v1/authorize/redirect?okta_key=…`, which resumes here.

mod decision;
mod delivery;
mod request;

use axum::{
    body::Bytes,
    extract::{FromRef as _, State, rejection::BytesRejection},
    http::{HeaderMap, Uri, header},
    response::{IntoResponse, Response},
};

use self::decision::{Decision, Freshness, SignedIn};
pub use self::{
    delivery::{Delivery, deliver},
    request::{AuthorizeRequest, Denied, Prompt, ResponseMode, ResponseType, validate},
};
use super::{
    claims::{self, Channel},
    error::{ErrorPage, OAuthError},
    mint::{self, IdTokenExtras, Issuance},
};
use crate::{
    directory::{ClaimError, ClaimTarget, User},
    ledger::{AuthCode, CODE_LIFETIME, PendingAuthorize, SIGNIN_LIFETIME, Session},
    params::{Params, is_form},
    paths::AuthServer,
    signin,
    state::{AppState, Issuer},
};

pub async fn authorize_get(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    authorize(
        &state,
        server,
        &headers,
        Params::from_query(uri.query()),
        None,
    )
    .await
}

/// The same request as a form post (the parameters in the body only).
pub async fn authorize_post(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !Params::from_query(uri.query()).is_empty() {
        return ErrorPage::new(
            "invalid_request",
            "No query parameters are allowed on a POST to the authorize endpoint.",
        )
        .into_response();
    }
    match body {
        Ok(b) if is_form(&headers) || b.is_empty() => {
            authorize(&state, server, &headers, Params::parse(&b), None).await
        }
        _ => ErrorPage::new(
            "invalid_request",
            "The authorize request body must be a form.",
        )
        .into_response(),
    }
}

/// A request parked while the user signs in (Okta's `okta_key`).
struct Resumed {
    key: String,
    signed_in_after: Option<i64>,
}

/// Continues an authorize request after sign-in (the sign-in page's `fromURI`).
pub async fn authorize_resume(
    State(state): State<AppState>,
    server: AuthServer,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let query = Params::from_query(uri.query());
    let Some((key, pending)) = query
        .get("okta_key")
        .and_then(|k| state.ledger.pending_authorize(k).map(|p| (k.to_owned(), p)))
        .filter(|(_, p)| p.server == server)
    else {
        return ErrorPage::new(
            "invalid_request",
            "The authorization request has expired or is unknown. Start the sign-in again from the application.",
        )
        .into_response();
    };
    let resumed = Resumed {
        key,
        signed_in_after: pending.fresh_after,
    };
    authorize(&state, server, &headers, pending.params, Some(resumed)).await
}

/// Checks the request, looks up the browser's session (or makes one from a one-time
/// `sessionToken`), and renders what [`decision::decide`] says.
async fn authorize(
    state: &AppState,
    server: AuthServer,
    headers: &HeaderMap,
    params: Params,
    resumed: Option<Resumed>,
) -> Response {
    let req = match validate(params.pairs(), server, &state.dir, &state.org) {
        Ok(r) => r,
        Err(Denied::Page(p)) => return p.into_response(),
        Err(Denied::Redirect(d)) => return deliver(d, HeaderMap::new()),
    };
    let mut extra = HeaderMap::new();
    let mut session = signin::current_session(state, headers);
    let mut session_is_new = false;
    if let Some(user_id) = req
        .session_token
        .as_deref()
        .and_then(|t| state.ledger.redeem_session_token(t))
    {
        let (s, cookie) = signin::start_session(state, &user_id);
        if let Some(c) = cookie {
            extra.append(header::SET_COOKIE, c);
        }
        session = Some(s);
        session_is_new = true;
    }
    let user = session
        .as_ref()
        .and_then(|s| state.dir.user(&s.user_id).ok().filter(User::may_sign_in));
    let signed_in = session.as_ref().map(|s| SignedIn {
        session: s,
        user: user.as_ref(),
        assigned: user
            .as_ref()
            .is_some_and(|u| state.dir.is_assigned(&req.app, &u.id)),
        policy_allows: state.dir.access_allowed(
            server,
            &req.app.credentials.client_id,
            if req.response_type.code {
                "authorization_code"
            } else {
                "implicit"
            },
            user.as_ref().map(|u| u.id.as_str()),
            &req.scopes,
        ),
    });
    let freshness = Freshness {
        signed_in_after: resumed.as_ref().and_then(|r| r.signed_in_after),
        session_is_new,
    };
    let now = state.clock.now();
    let refuse = |err: &OAuthError| {
        deliver(
            Delivery::error(&req.redirect_uri, req.mode, req.state.as_deref(), err),
            HeaderMap::new(),
        )
    };
    match decision::decide(&req, signed_in, freshness, now) {
        Decision::SignInFirst => {
            let key = match resumed {
                Some(r) => r.key,
                None => state.ledger.park_authorize(PendingAuthorize {
                    server,
                    fresh_after: (req.prompt.login || req.max_age.is_some()).then_some(now),
                    params,
                    expires_at: now + SIGNIN_LIFETIME,
                }),
            };
            let from = format!(
                "{}/authorize/redirect?okta_key={key}",
                server.endpoint_prefix()
            );
            signin::redirect_to_signin(state, &from, req.login_hint.as_deref(), extra)
        }
        Decision::Refuse(err) => refuse(&err),
        Decision::EndSessionAndRefuse(err) => {
            if let Some(s) = &session {
                state.ledger.end_session(&s.id);
            }
            refuse(&err)
        }
        Decision::Issue => {
            let (Some(user), Some(session)) = (&user, &session) else {
                return refuse(&OAuthError::bad_request(
                    "server_error",
                    "The server encountered an internal error.",
                ));
            };
            if let Some(r) = &resumed {
                state.ledger.drop_pending(&r.key);
            }
            match issue(&Issuer::from_ref(state), server, &req, user, session).await {
                Ok(d) => {
                    record_sso(&state.dir, &req, user);
                    deliver(d, extra)
                }
                Err(err) if err.is::<ClaimError>() => {
                    tracing::info!(%err, "a claim could not be made");
                    refuse(&OAuthError::invalid_request(err.to_string()))
                }
                Err(err) => {
                    tracing::error!(%err, "authorize response failed");
                    refuse(&OAuthError::bad_request(
                        "server_error",
                        "The server encountered an internal error.",
                    ))
                }
            }
        }
    }
}

/// The System Log's record of an app sign-in through authorize: `user.authentication.sso`,
/// and `app.oauth2.authorize.code` when a code was issued.
fn record_sso(dir: &crate::directory::Directory, req: &AuthorizeRequest, user: &User) {
    use crate::directory::Entry;
    dir.record(
        Entry::new("user.authentication.sso", "User single sign on to app")
            .legacy("app.auth.sso")
            .actor(user.party())
            .target(req.app.party()),
    );
    if req.response_type.code {
        dir.record(
            Entry::new(
                "app.oauth2.authorize.code",
                "OAuth2 authorization code request",
            )
            .actor(user.party())
            .target(req.app.party())
            .debug("grantedScopes", req.scopes.join(" ")),
        );
    }
}

async fn issue(
    state: &Issuer,
    server: AuthServer,
    req: &AuthorizeRequest,
    user: &User,
    session: &Session,
) -> anyhow::Result<Delivery> {
    let now = state.clock.now();
    let rt = req.response_type;
    let mut params: Vec<(String, String)> = Vec::new();
    let code = rt.code.then(|| {
        state.ledger.issue_code(AuthCode {
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
        let grant = Issuance {
            server,
            client_id: &req.app.credentials.client_id,
            user: Some(user),
            scopes: &scopes,
            auth_time: Some(session.auth_time),
            amr: &session.amr,
            refresh_id: None,
        };
        let limited = claims::limited(state.groups_over_limit, Channel::Authorize);
        let extra = |target| {
            claims::extra_claims(
                &state.dir,
                server,
                req.app.groups_claim.as_ref(),
                user,
                target,
                &scopes,
                limited,
            )
        };
        let access = if rt.token {
            let resource = extra(ClaimTarget::AccessToken)?;
            Some(
                mint::access_token(
                    &key,
                    &state.org,
                    mint::audience(&state.org, &state.dir, grant.server),
                    &grant,
                    &resource,
                    now,
                )
                .await?
                .0,
            )
        } else {
            None
        };
        if rt.id_token {
            let identity = extra(ClaimTarget::IdToken {
                with_access_token: access.is_some(),
            })?;
            let id = mint::id_token(
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
                    appended: &identity,
                },
                now,
            )
            .await?;
            params.push(("id_token".into(), id));
        }
        if let Some(at) = access {
            params.push(("access_token".into(), at));
            params.push(("token_type".into(), "Bearer".into()));
            params.push(("expires_in".into(), mint::TOKEN_LIFETIME.to_string()));
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
