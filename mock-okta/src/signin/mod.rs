//! Hosted sign-in: the two-step page (Username, Next; Password, Verify), sign-out, and a
//! one-time session token turned into a session cookie. A sign-in ends by sending the browser
//! back to its `fromURI` (for OIDC, the authorize request it interrupted); nothing here knows
//! OIDC.
//!
//! - `session.rs`: the browser's Okta session (the `idx` cookie);
//! - `authn.rs`: the API side: `/api/v1/authn` (with its change-password step and cancel) and
//!   `/api/v1/sessions/me`;
//! - `pages.rs`: the widget's two steps.

mod authn;
pub mod pages;
mod session;

pub use session::{clear_session_cookie, current_session, start_session};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};

use crate::{
    api::allow,
    control::{Endpoint, named},
    directory::{OriginScope, SignInRefusal, UserStatus},
    html::PageError,
    params::{BrowserForm, BrowserQuery},
    paths,
    state::AppState,
    web,
};

pub fn router(state: &AppState) -> Router<AppState> {
    // Each route carries its endpoint name for test control's faults and journal; another
    // method on any of them answers Okta's E0000022, as Okta's own routes do.
    let api = Router::new()
        .route(
            "/api/v1/authn",
            named(Endpoint::Authn, allow(post(authn::authn))),
        )
        .route(
            authn::CHANGE_PASSWORD,
            named(Endpoint::Authn, allow(post(authn::change_password))),
        )
        .route(
            authn::CANCEL,
            named(Endpoint::Authn, allow(post(authn::cancel))),
        )
        .route(
            "/api/v1/sessions/me",
            named(
                Endpoint::Api,
                allow(get(authn::session_me).delete(authn::session_me_delete)),
            ),
        )
        .route(
            "/api/v1/sessions/me/lifecycle/refresh",
            named(Endpoint::Api, allow(post(authn::session_me_refresh))),
        )
        .layer(web::cors(&state.dir));
    let page = |mr| named(Endpoint::Signin, mr);
    Router::new()
        .route(paths::SIGNIN_PAGE, page(allow(get(signin_page))))
        .route("/login/default", page(allow(get(signin_page))))
        .route("/", allow(get(root)))
        .route(paths::SIGNIN_IDENTIFY, page(allow(post(identify_submit))))
        .route(paths::SIGNIN_ANSWER, page(allow(post(answer_submit))))
        .route(
            paths::SIGNIN_NEW_PASSWORD,
            page(allow(post(new_password_submit))),
        )
        .route(
            &format!("{}/{{token}}", paths::RESET_PASSWORD),
            page(allow(get(reset_password_page).post(reset_password_submit))),
        )
        .route(paths::SIGNOUT, page(allow(get(signout))))
        .route(
            paths::SESSION_COOKIE_REDIRECT,
            page(allow(get(session_cookie_redirect))),
        )
        .merge(api)
}

/// Only paths on the org host are followed after sign-in (no open redirects).
fn safe_from_uri(from: Option<&str>) -> Option<String> {
    let from = from?;
    (from.starts_with('/')
        && !from.starts_with("//")
        && !from.contains('\\')
        && crate::web::is_redirect_safe(from))
    .then(|| from.to_owned())
}

/// Where sign-out and a session-token redirect may send the browser: a path on the org, or
/// an absolute URL on the org or on an origin the org trusts.
fn trusted_target(state: &AppState, target: &str) -> bool {
    safe_from_uri(Some(target)).is_some()
        || (crate::web::is_redirect_safe(target)
            && (target.starts_with(state.org.base())
                || url::Url::parse(target).is_ok_and(|u| {
                    state
                        .dir
                        .is_trusted_origin(&u.origin().ascii_serialization(), OriginScope::Redirect)
                })))
}

/// Sends the browser to the sign-in page, which returns it to `from` (a path on the org).
pub fn redirect_to_signin(
    state: &AppState,
    from: &str,
    login_hint: Option<&str>,
    extra: HeaderMap,
) -> Response {
    let mut url = url::Url::parse(&state.org.url(paths::SIGNIN_PAGE)).unwrap_or_else(|_| {
        url::Url::parse("http://localhost/login/login.htm").expect("static URL")
    });
    url.query_pairs_mut().append_pair("fromURI", from);
    if let Some(h) = login_hint {
        url.query_pairs_mut().append_pair("login_hint", h);
    }
    let mut res = crate::web::found(url.as_str());
    for (k, v) in extra {
        if let Some(k) = k {
            res.headers_mut().append(k, v);
        }
    }
    crate::web::no_store(res.headers_mut());
    res
}

/// Adds a `Set-Cookie` header to a response.
fn with_cookie(mut res: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

async fn root(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if current_session(&state, &headers).is_some() {
        crate::web::found(paths::DASHBOARD)
    } else {
        crate::web::found(paths::SIGNIN_PAGE)
    }
}

async fn signin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    let from = safe_from_uri(q.get("fromURI"));
    // With a session and nowhere to go, the user is already signed in. With a fromURI the
    // page shows even then: the request asked for a fresh sign-in (prompt=login, max_age).
    if from.is_none() && current_session(&state, &headers).is_some() {
        return crate::web::found(paths::DASHBOARD);
    }
    let login_hint = q.get("login_hint");
    let token = state
        .ledger
        .start_signin(from, login_hint.map(str::to_owned));
    pages::identify(&token, login_hint.unwrap_or_default(), None)
}

async fn identify_submit(
    State(state): State<AppState>,
    BrowserForm(form): BrowserForm,
) -> Response {
    let state_token = form.get("stateToken").unwrap_or_default();
    if state.ledger.signin(state_token).is_none() {
        return PageError::signin_expired().into_response();
    }
    let identifier = form.get("identifier").unwrap_or_default().trim();
    if identifier.is_empty() {
        return pages::identify(state_token, "", Some("This field cannot be left blank"));
    }
    match state.dir.user(identifier) {
        Ok(user) => {
            state
                .ledger
                .set_signin_identifier(state_token, user.login());
            pages::challenge(state_token, user.login(), None)
        }
        Err(_) => pages::identify(
            state_token,
            identifier,
            Some(&format!(
                "There is no account with the Username {identifier}."
            )),
        ),
    }
}

async fn answer_submit(State(state): State<AppState>, BrowserForm(form): BrowserForm) -> Response {
    let state_token = form.get("stateToken").unwrap_or_default();
    let passcode = form.get("credentials.passcode").unwrap_or_default();
    let Some(tx) = state.ledger.signin(state_token) else {
        return PageError::signin_expired().into_response();
    };
    let Some(identifier) = tx.identifier.clone() else {
        return pages::identify(state_token, "", None);
    };
    let refuse = |why: &str| pages::challenge(state_token, &identifier, Some(why));
    let checked = state.dir.check_sign_in(&identifier, passcode);
    state.dir.record_session_start(&identifier, &checked);
    let user = match checked {
        Ok(user) => user,
        Err(SignInRefusal::NoSuchUser) => {
            return pages::identify(
                state_token,
                &identifier,
                Some(&format!(
                    "There is no account with the Username {identifier}."
                )),
            );
        }
        Err(SignInRefusal::WrongPassword) => return refuse("Password is incorrect"),
        Err(SignInRefusal::LockedOut) => {
            return refuse("Your account is locked. Please contact your administrator.");
        }
        Err(SignInRefusal::NotActive) => {
            return refuse(
                "Unable to sign in: the user is not active. Contact your administrator.",
            );
        }
    };
    if user.status == UserStatus::PasswordExpired {
        state.ledger.signin_needs_new_password(state_token);
        return pages::new_password(state_token, &identifier, None);
    }
    finish(&state, state_token, &user.id)
}

/// The sign-in is over: a session, and back to where it started (the dashboard otherwise).
fn finish(state: &AppState, state_token: &str, user_id: &str) -> Response {
    let Some(tx) = state.ledger.finish_signin(state_token) else {
        return PageError::signin_expired().into_response();
    };
    let target = tx.from_uri.unwrap_or_else(|| paths::DASHBOARD.to_owned());
    let (_, cookie) = start_session(state, user_id);
    with_cookie(crate::web::found(&target), cookie)
}

/// The new password of a sign-in whose password expired (the old one was proven first).
async fn new_password_submit(
    State(state): State<AppState>,
    BrowserForm(form): BrowserForm,
) -> Response {
    let state_token = form.get("stateToken").unwrap_or_default();
    let new = form.get("credentials.passcode").unwrap_or_default();
    let confirm = form.get("confirmPassword").unwrap_or_default();
    let Some(tx) = state.ledger.signin(state_token) else {
        return PageError::signin_expired().into_response();
    };
    let (Some(identifier), true) = (tx.identifier.clone(), tx.password_expired) else {
        return pages::identify(state_token, "", None);
    };
    let Ok(user) = state.dir.user(&identifier) else {
        return pages::identify(state_token, &identifier, None);
    };
    if new != confirm {
        return pages::new_password(state_token, &identifier, Some("New passwords must match"));
    }
    match state.dir.replace_expired_password(&user.id, new) {
        Ok(_) => finish(&state, state_token, &user.id),
        Err(e) => match refusal_text(&e) {
            Some(why) => pages::new_password(state_token, &identifier, Some(&why)),
            None => pages::challenge(
                state_token,
                &identifier,
                Some("Unable to sign in: the user is not active. Contact your administrator."),
            ),
        },
    }
}

/// What a refused new password says on the page: the policy's words without the field name.
fn refusal_text(e: &crate::directory::DirError) -> Option<String> {
    match e {
        crate::directory::DirError::Credentials { causes } => Some(
            causes
                .iter()
                .map(|c| {
                    c.message
                        .split_once(": ")
                        .map_or(c.message.as_str(), |(_, m)| m)
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

fn reset_link_gone() -> Response {
    PageError::forbidden("This password reset link has expired or was already used.")
        .into_response()
}

/// The user a reset link belongs to, while the link works.
fn reset_link_user(state: &AppState, token: &str) -> Option<crate::directory::User> {
    state
        .ledger
        .recovery_user(token)
        .and_then(|id| state.dir.user(&id).ok())
}

/// `GET {RESET_PASSWORD}/{token}`: the reset link's page.
async fn reset_password_page(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Response {
    match reset_link_user(&state, &token) {
        Some(user) => pages::reset_password(
            &format!("{}/{token}", paths::RESET_PASSWORD),
            user.login(),
            None,
        ),
        None => reset_link_gone(),
    }
}

/// `POST {RESET_PASSWORD}/{token}`: the new password; the user is active and signed in.
async fn reset_password_submit(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
    BrowserForm(form): BrowserForm,
) -> Response {
    let Some(user) = reset_link_user(&state, &token) else {
        return reset_link_gone();
    };
    let action = format!("{}/{token}", paths::RESET_PASSWORD);
    let new = form.get("credentials.passcode").unwrap_or_default();
    if new != form.get("confirmPassword").unwrap_or_default() {
        return pages::reset_password(&action, user.login(), Some("New passwords must match"));
    }
    match state.dir.finish_password_reset(&user.id, new) {
        Ok(_) => {
            state.ledger.spend_recovery_token(&token);
            let (_, cookie) = start_session(&state, &user.id);
            with_cookie(crate::web::found(paths::DASHBOARD), cookie)
        }
        Err(e) => match refusal_text(&e) {
            Some(why) => pages::reset_password(&action, user.login(), Some(&why)),
            None => reset_link_gone(),
        },
    }
}

/// `/login/signout[?fromURI=…]`: ends the Okta session. An absolute `fromURI` is followed
/// only to an origin the org trusts.
async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    let target = match q.get("fromURI") {
        Some(u) if trusted_target(&state, u) => u,
        _ => paths::SIGNIN_PAGE,
    };
    if let Some(s) = current_session(&state, &headers) {
        state.ledger.end_session(&s.id);
    }
    with_cookie(crate::web::found(target), clear_session_cookie(&state))
}

/// `/login/sessionCookieRedirect?token=…&redirectUrl=…`: a session token becomes a session.
async fn session_cookie_redirect(
    State(state): State<AppState>,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    let target = q.get("redirectUrl").unwrap_or_default();
    if !trusted_target(&state, target) {
        return PageError::forbidden("The redirect URL is not a trusted origin of this org.")
            .into_response();
    }
    let Some(user_id) = q
        .get("token")
        .and_then(|t| state.ledger.redeem_session_token(t))
    else {
        return PageError::forbidden("The session token is invalid or has expired.")
            .into_response();
    };
    let (_, cookie) = start_session(&state, &user_id);
    with_cookie(crate::web::found(target), cookie)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_uri_must_be_a_local_path() {
        assert_eq!(
            safe_from_uri(Some("/app/UserHome")).as_deref(),
            Some("/app/UserHome")
        );
        assert_eq!(safe_from_uri(Some("//evil.example/x")), None);
        assert_eq!(safe_from_uri(Some("https://evil.example/")), None);
        assert_eq!(safe_from_uri(Some("/\\evil")), None);
    }
}
