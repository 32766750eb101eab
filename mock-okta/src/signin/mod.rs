//! Hosted sign-in: the two-step page (Username, Next; Password, Verify), the Okta session
//! cookie, sign-out, `/api/v1/authn` and its one-time session tokens, `/api/v1/sessions/me`.

pub mod pages;

use axum::{
    Json, Router,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;

use crate::{
    api::error::ApiError,
    directory::UserStatus,
    grants::{SESSION_LIFETIME, Session},
    paths,
    state::AppState,
    web,
};

pub fn router(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .route("/api/v1/authn", post(authn))
        .route(
            "/api/v1/sessions/me",
            get(session_me).delete(session_me_delete),
        )
        .layer(web::cors(&state.dir));
    Router::new()
        .route(paths::SIGNIN_PAGE, get(signin_page))
        .route("/login/default", get(signin_page))
        .route("/", get(root))
        .route(paths::SIGNIN_IDENTIFY, post(identify_submit))
        .route(paths::SIGNIN_ANSWER, post(answer_submit))
        .route(paths::SIGNOUT, get(signout))
        .route(paths::SESSION_COOKIE_REDIRECT, get(session_cookie_redirect))
        .merge(api)
}

/// The live Okta session of the request's cookie, if its user may still sign in.
pub fn current_session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let id = web::cookie(headers, web::SESSION_COOKIE)?;
    let session = state.grants.session(id)?;
    let active = state
        .dir
        .user(&session.user_id)
        .is_ok_and(|u| matches!(u.status, UserStatus::Active | UserStatus::PasswordExpired));
    if !active {
        state.grants.end_session(&session.id);
        return None;
    }
    Some(session)
}

pub fn session_set_cookie(state: &AppState, s: &Session) -> String {
    web::session_cookie(&s.id, state.secure_cookies(), None)
}

pub fn session_clear_cookie(state: &AppState) -> String {
    web::session_cookie("", state.secure_cookies(), Some(0))
}

/// Only paths on the org host are followed after sign-in (no open redirects).
fn safe_from_uri(from: Option<&str>) -> Option<String> {
    let from = from?;
    (from.starts_with('/') && !from.starts_with("//") && !from.contains('\\'))
        .then(|| from.to_owned())
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

async fn root(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if current_session(&state, &headers).is_some() {
        crate::web::found(paths::DASHBOARD)
    } else {
        crate::web::found(paths::SIGNIN_PAGE)
    }
}

#[derive(Deserialize)]
struct SigninQuery {
    #[serde(rename = "fromURI")]
    from_uri: Option<String>,
    login_hint: Option<String>,
}

async fn signin_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SigninQuery>,
) -> Response {
    let from = safe_from_uri(q.from_uri.as_deref());
    // With a session and nowhere to go, the user is already signed in. With a fromURI the
    // page shows even then: the request asked for a fresh sign-in (prompt=login, max_age).
    if from.is_none() && current_session(&state, &headers).is_some() {
        return crate::web::found(paths::DASHBOARD);
    }
    let token = state.grants.start_signin(from, q.login_hint.clone());
    pages::identify(&token, q.login_hint.as_deref().unwrap_or_default(), None)
}

#[derive(Deserialize)]
struct IdentifyForm {
    #[serde(rename = "stateToken", default)]
    state_token: String,
    #[serde(default)]
    identifier: String,
}

fn expired_page() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(pages::simple_page(
            "Your session has expired",
            "The sign-in took too long or was already finished. Go back to the application and sign in again.",
        )),
    )
        .into_response()
}

async fn identify_submit(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<IdentifyForm>,
) -> Response {
    if state.grants.signin(&form.state_token).is_none() {
        return expired_page();
    }
    let identifier = form.identifier.trim();
    if identifier.is_empty() {
        return pages::identify(
            &form.state_token,
            "",
            Some("This field cannot be left blank"),
        );
    }
    match state.dir.user(identifier) {
        Ok(user) => {
            state
                .grants
                .set_signin_identifier(&form.state_token, user.login());
            pages::challenge(&form.state_token, user.login(), None)
        }
        Err(_) => pages::identify(
            &form.state_token,
            identifier,
            Some(&format!(
                "There is no account with the Username {identifier}."
            )),
        ),
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(rename = "stateToken", default)]
    state_token: String,
    #[serde(rename = "credentials.passcode", default)]
    passcode: String,
}

async fn answer_submit(
    State(state): State<AppState>,
    axum::Form(form): axum::Form<AnswerForm>,
) -> Response {
    let Some(tx) = state.grants.signin(&form.state_token) else {
        return expired_page();
    };
    let Some(identifier) = tx.identifier.clone() else {
        return pages::identify(&form.state_token, "", None);
    };
    let Ok(user) = state.dir.user(&identifier) else {
        return pages::identify(
            &form.state_token,
            &identifier,
            Some(&format!(
                "There is no account with the Username {identifier}."
            )),
        );
    };
    if !user.password_matches(&form.passcode) {
        return pages::challenge(
            &form.state_token,
            &identifier,
            Some("Password is incorrect"),
        );
    }
    if !matches!(
        user.status,
        UserStatus::Active | UserStatus::PasswordExpired
    ) {
        return pages::challenge(
            &form.state_token,
            &identifier,
            Some("Unable to sign in: the user is not active. Contact your administrator."),
        );
    }
    let Some(tx) = state.grants.finish_signin(&form.state_token) else {
        return expired_page();
    };
    let session = state
        .grants
        .create_session(&user.id, vec!["pwd".to_owned()]);
    state.dir.record_login(&user.id);
    let target = tx.from_uri.unwrap_or_else(|| paths::DASHBOARD.to_owned());
    let mut res = crate::web::found(&target);
    if let Ok(v) = HeaderValue::from_str(&session_set_cookie(&state, &session)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct SignoutQuery {
    #[serde(rename = "fromURI")]
    from_uri: Option<String>,
}

/// `/login/signout[?fromURI=…]`: ends the Okta session. An absolute `fromURI` is followed
/// only to an origin the org trusts.
async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SignoutQuery>,
) -> Response {
    if let Some(s) = current_session(&state, &headers) {
        state.grants.end_session(&s.id);
    }
    let target = match q.from_uri.as_deref() {
        Some(u) if safe_from_uri(Some(u)).is_some() => u.to_owned(),
        Some(u)
            if url::Url::parse(u).is_ok_and(|p| {
                state
                    .dir
                    .is_trusted_origin(&p.origin().ascii_serialization())
            }) =>
        {
            u.to_owned()
        }
        _ => paths::SIGNIN_PAGE.to_owned(),
    };
    let mut res = crate::web::found(&target);
    if let Ok(v) = HeaderValue::from_str(&session_clear_cookie(&state)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct CookieRedirectQuery {
    token: Option<String>,
    #[serde(rename = "redirectUrl")]
    redirect_url: Option<String>,
}

/// `/login/sessionCookieRedirect?token=…&redirectUrl=…`: a session token becomes a session.
async fn session_cookie_redirect(
    State(state): State<AppState>,
    Query(q): Query<CookieRedirectQuery>,
) -> Response {
    let target = q.redirect_url.unwrap_or_default();
    let trusted = safe_from_uri(Some(&target)).is_some()
        || target.starts_with(state.org.base())
        || url::Url::parse(&target).is_ok_and(|u| {
            state
                .dir
                .is_trusted_origin(&u.origin().ascii_serialization())
        });
    if !trusted {
        return (
            StatusCode::FORBIDDEN,
            Html(pages::simple_page(
                "403 Forbidden",
                "The redirect URL is not a trusted origin of this org.",
            )),
        )
            .into_response();
    }
    let Some(user_id) = q.token.and_then(|t| state.grants.redeem_session_token(&t)) else {
        return (
            StatusCode::FORBIDDEN,
            Html(pages::simple_page(
                "403 Forbidden",
                "The session token is invalid or has expired.",
            )),
        )
            .into_response();
    };
    let session = state
        .grants
        .create_session(&user_id, vec!["pwd".to_owned()]);
    state.dir.record_login(&user_id);
    let mut res = crate::web::found(&target);
    if let Ok(v) = HeaderValue::from_str(&session_set_cookie(&state, &session)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct AuthnRequest {
    username: Option<String>,
    password: Option<String>,
}

/// `POST /api/v1/authn`: primary authentication, answering with a one-time session token.
async fn authn(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<AuthnRequest>(&body) else {
        return ApiError::malformed().into_response();
    };
    let (Some(username), Some(password)) = (req.username, req.password) else {
        return ApiError::authentication_failed().into_response();
    };
    let Some(user) = state.dir.authenticate(&username, &password) else {
        return ApiError::authentication_failed().into_response();
    };
    let (token, expires) = state.grants.issue_session_token(&user.id);
    let expires_at = time::OffsetDateTime::from_unix_timestamp(expires)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let body = serde_json::json!({
        "expiresAt": crate::clock::okta_timestamp(expires_at),
        "status": "SUCCESS",
        "sessionToken": token,
        "_embedded": {"user": {
            "id": user.id,
            "passwordChanged": user.password_changed.map(crate::clock::okta_timestamp),
            "profile": {
                "login": user.login(),
                "firstName": user.first_name(),
                "lastName": user.last_name(),
                "locale": user.locale(),
                "timeZone": user.time_zone(),
            }
        }}
    });
    let mut res = Json(body).into_response();
    for (k, v) in state.rate.headers(state.clock.now()) {
        res.headers_mut().insert(k, v);
    }
    res
}

fn session_json(state: &AppState, s: &Session) -> serde_json::Value {
    let ts = |t: i64| {
        crate::clock::okta_timestamp(
            time::OffsetDateTime::from_unix_timestamp(t)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        )
    };
    let login = state
        .dir
        .user(&s.user_id)
        .map(|u| u.login().to_owned())
        .unwrap_or_default();
    serde_json::json!({
        "id": s.id,
        "userId": s.user_id,
        "login": login,
        "createdAt": ts(s.created),
        "expiresAt": ts(s.last_used + SESSION_LIFETIME),
        "status": "ACTIVE",
        "lastPasswordVerification": ts(s.auth_time),
        "lastFactorVerification": null,
        "amr": s.amr,
        "idp": {"id": state.dir.org_id(), "type": "OKTA"},
        "mfaActive": false,
        "_links": {
            "self": {"href": state.org.url("/api/v1/sessions/me"), "hints": {"allow": ["GET", "DELETE"]}},
            "user": {"name": login, "href": state.org.url(&format!("/api/v1/users/{}", s.user_id)), "hints": {"allow": ["GET"]}}
        }
    })
}

async fn session_me(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match current_session(&state, &headers) {
        Some(s) => Json(session_json(&state, &s)).into_response(),
        None => ApiError::not_found("me", "Session").into_response(),
    }
}

async fn session_me_delete(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match current_session(&state, &headers) {
        Some(s) => {
            state.grants.end_session(&s.id);
            let mut res = StatusCode::NO_CONTENT.into_response();
            if let Ok(v) = HeaderValue::from_str(&session_clear_cookie(&state)) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        None => ApiError::not_found("me", "Session").into_response(),
    }
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
