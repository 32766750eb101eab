//! The browser's Okta session: the `idx` cookie, whose session it is, and starting one after
//! a successful sign-in (the sign-in page, a one-time session token).

use axum::http::{HeaderMap, HeaderValue};

use crate::{ledger::Session, state::AppState, web};

/// The live Okta session of the request's cookie, if its user may still sign in. A session
/// whose user may no longer sign in (deactivated, suspended) ends here.
pub fn current_session(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    let id = web::cookie(headers, web::SESSION_COOKIE)?;
    let session = state.ledger.session(id)?;
    if !state
        .dir
        .user(&session.user_id)
        .is_ok_and(|u| u.may_sign_in())
    {
        state.ledger.end_session(&session.id);
        return None;
    }
    Some(session)
}

/// A new password session for a user who just proved who they are: the session, the
/// user's last login recorded, and the `Set-Cookie` value that hands it to the browser.
pub fn start_session(state: &AppState, user_id: &str) -> (Session, Option<HeaderValue>) {
    let session = state.ledger.create_session(user_id, vec!["pwd".to_owned()]);
    state.dir.record_login(user_id);
    let cookie = HeaderValue::from_str(&web::session_cookie(
        &session.id,
        state.secure_cookies(),
        None,
    ))
    .ok();
    (session, cookie)
}

/// The `Set-Cookie` value that removes the Okta session cookie.
pub fn clear_session_cookie(state: &AppState) -> Option<HeaderValue> {
    HeaderValue::from_str(&web::session_cookie("", state.secure_cookies(), Some(0))).ok()
}
