//! Who is calling: the browser session cookie for pages, a personal access token or the
//! session for the v2 API. Rejections speak the surface's format (a redirect to the login
//! page, a 403 page, or problem+json).

use std::{sync::Arc, time::SystemTime};

use server_kit::control::Clock;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::{
    error::{ErrorPage, Problem},
    org::{Directory, Organization, User},
    paths,
    state::PublicUrls,
};

/// The session cookie (the name real Konnect's access-token cookie has).
pub const SESSION_COOKIE: &str = "konnectaccesstoken";

fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::hours(12))
        .build()
}

/// Opens a Konnect session for the user (a password or an SSO login) and adds its cookie to
/// `jar`.
pub fn open_session(
    jar: CookieJar,
    directory: &Directory,
    urls: &PublicUrls,
    user_id: &str,
    now: SystemTime,
) -> CookieJar {
    let token = directory.open_session(user_id, now);
    jar.add(session_cookie(token.0, urls.secure_cookies()))
}

/// What clears the session cookie: the cookie's own attributes (`Secure` on https
/// included), which `CookieJar::remove` turns into an expired, empty cookie.
pub fn session_cookie_removal(urls: &PublicUrls) -> Cookie<'static> {
    session_cookie(String::new(), urls.secure_cookies())
}

/// The authenticated user and their organization.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub org: Organization,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.role.is_admin()
    }
}

/// The caller of a live session, by the server's clock.
fn from_session(headers: &HeaderMap, directory: &Directory, now: SystemTime) -> Option<Caller> {
    let jar = CookieJar::from_headers(headers);
    let token = jar.get(SESSION_COOKIE)?.value().to_owned();
    let (user, org) = directory.session(&token, now)?;
    Some(Caller { user, org })
}

/// A logged-in browser; others are sent to the login page.
pub struct BrowserSession(pub Caller);

impl<S> FromRequestParts<S> for BrowserSession
where
    S: Send + Sync,
    Arc<Directory>: FromRef<S>,
    Clock: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let now = Clock::from_ref(state).now_system();
        from_session(&parts.headers, &Arc::<Directory>::from_ref(state), now)
            .map(BrowserSession)
            .ok_or_else(|| Redirect::to(paths::LOGIN).into_response())
    }
}

/// A logged-in Organization Admin; other users get a 403 page.
pub struct AdminSession(pub Caller);

impl<S> FromRequestParts<S> for AdminSession
where
    S: Send + Sync,
    Arc<Directory>: FromRef<S>,
    Clock: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let BrowserSession(caller) = BrowserSession::from_request_parts(parts, state).await?;
        if caller.is_admin() {
            Ok(AdminSession(caller))
        } else {
            Err(ErrorPage::forbidden(
                "Only an Organization Admin can manage identity settings. Ask an administrator \
                 of your organization for access.",
            )
            .into_response())
        }
    }
}

/// A v2 API caller: `Authorization: Bearer kpat_…`, or the browser session when there is no
/// Authorization header.
pub struct ApiCaller(pub Caller);

impl<S> FromRequestParts<S> for ApiCaller
where
    S: Send + Sync,
    Arc<Directory>: FromRef<S>,
    Clock: FromRef<S>,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let directory = Arc::<Directory>::from_ref(state);
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            let now = Clock::from_ref(state).now_system();
            return from_session(&parts.headers, &directory, now)
                .map(ApiCaller)
                .ok_or_else(Problem::unauthenticated);
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(Problem::unauthenticated)?;
        let user = directory
            .user_by_token(token)
            .ok_or_else(Problem::unauthenticated)?;
        let org = directory
            .organization(&user.org_id)
            .ok_or_else(Problem::unauthenticated)?;
        Ok(ApiCaller(Caller { user, org }))
    }
}
