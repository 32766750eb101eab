//! The browser side of SSO: `GET /login/{login path}` (also third-party initiated with
//! `?iss=`) redirects to the provider; the callback on `/login` opens the session.

use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use super::{CallbackParams, SsoError};
use crate::{app::AppState, auth::session_cookie, error::ErrorPage, paths};

/// Binds the sign-in attempt to the browser. SameSite=Lax: the provider's redirect back is a
/// top-level GET navigation, on which Lax cookies are sent.
pub const STATE_COOKIE: &str = "kauth_oidc_state";

pub fn router() -> Router<AppState> {
    Router::new().route(paths::LOGIN_ORG, get(sso_start))
}

fn state_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((STATE_COOKIE, value))
        .path(paths::LOGIN)
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::minutes(10))
        .build()
}

fn state_cookie_removal() -> Cookie<'static> {
    Cookie::build(STATE_COOKIE).path(paths::LOGIN).build()
}

#[derive(Debug, Deserialize)]
struct StartQuery {
    /// Third-party-initiated login (OpenID Connect Core §4), as Okta's dashboard tile sends.
    iss: Option<String>,
}

/// An SSO error page, with the way back to the login page.
fn sso_page(status: StatusCode, title: &str, message: impl Into<String>) -> ErrorPage {
    ErrorPage::new(status, title, message).link(
        paths::LOGIN,
        "Back to the login page",
        "sso-error-login-link",
    )
}

fn sso_failed(error: &SsoError) -> ErrorPage {
    tracing::warn!(%error, "single sign-on failed");
    sso_page(error.status(), "Single sign-on failed", error.to_string())
}

async fn sso_start(
    State(state): State<AppState>,
    Path(login_path): Path<String>,
    Query(query): Query<StartQuery>,
    jar: CookieJar,
) -> Response {
    let Some(org) = state.directory.organization_by_login_path(&login_path) else {
        return sso_page(
            StatusCode::NOT_FOUND,
            "Unknown login URL",
            format!("No organization uses the login path {login_path:?}."),
        )
        .into_response();
    };
    let Some(client) = org.sso_client() else {
        return sso_page(
            StatusCode::NOT_FOUND,
            "Single sign-on is not enabled",
            format!(
                "{} does not use single sign-on. Log in with your email and password.",
                org.name
            ),
        )
        .into_response();
    };
    let now = state.now();
    match state
        .rp
        .begin(
            &org.id,
            client,
            &state.redirect_uri(),
            query.iss.as_deref(),
            now,
        )
        .await
    {
        Ok(redirect) => {
            let jar = jar.add(state_cookie(redirect.state, state.secure_cookies));
            (jar, Redirect::to(&redirect.url)).into_response()
        }
        Err(error) => sso_failed(&error).into_response(),
    }
}

/// The callback half, reached through `/login?code&state` (or `?error`). The state cookie is
/// cleared whatever happens; a session is opened only once everything checked out.
pub async fn finish_sso(state: &AppState, jar: CookieJar, params: &CallbackParams) -> Response {
    let cookie_state = jar.get(STATE_COOKIE).map(|c| c.value().to_owned());
    let jar = jar.remove(state_cookie_removal());
    let now = state.now();
    let identity = match state
        .rp
        .complete(params, cookie_state.as_deref(), now)
        .await
    {
        Ok(identity) => identity,
        Err(error) => return (jar, sso_failed(&error)).into_response(),
    };
    // The organization may have turned SSO off or changed provider meanwhile.
    let still_valid = state
        .directory
        .organization(&identity.org_id)
        .and_then(|org| org.sso_client())
        .is_some_and(|client| client.issuer == identity.issuer);
    if !still_valid {
        let page = sso_page(
            StatusCode::CONFLICT,
            "Single sign-on failed",
            "Single sign-on settings changed during the sign-in. Please start again.",
        );
        return (jar, page).into_response();
    }
    let user = match state.directory.provision_sso_user(
        &identity.org_id,
        &identity.email,
        identity.name.as_deref().unwrap_or(""),
        now,
    ) {
        Ok(user) => user,
        Err(error) => {
            tracing::warn!(%error, "cannot provision an SSO user");
            let page = sso_page(
                StatusCode::FORBIDDEN,
                "Single sign-on failed",
                error.to_string(),
            );
            return (jar, page).into_response();
        }
    };
    tracing::info!(email = %user.email, subject = %identity.subject, "SSO login");
    let token = state.directory.open_session(&user.id, now);
    let jar = jar.add(session_cookie(token.0, state.secure_cookies));
    (jar, Redirect::to(paths::HOME)).into_response()
}
