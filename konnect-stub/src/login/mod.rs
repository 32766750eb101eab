//! Logging in: the `/login` page (which is also the OIDC redirect URI, handed to `sso.rs`),
//! Konnect's `POST /kauth/api/v1/authenticate`, log out, and the home page. Single sign-on's
//! browser side is in `sso.rs`.

use std::sync::Arc;

use server_kit::control::{Clock, named, named_by};

use axum::{
    Form, Json, Router,
    extract::{RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::{
    auth::{BrowserSession, SESSION_COOKIE, open_session, session_cookie_removal},
    control::Endpoint,
    error::{ApiJson, ErrorPage, Problem, render},
    identity::views::UserView,
    oidc_client::{CallbackParams, RelyingParty},
    org::{Directory, LoginRefusal, User},
    paths,
    state::{AppState, PublicUrls},
};

mod pages;
pub mod sso;

use pages::{HomePage, LoginMessage, LoginPage};

/// Konnect's message for a wrong email or password (kong-auth-elements, 401).
pub const BAD_CREDENTIALS: &str = "Incorrect username or password. Please try again.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::HOME, named(Endpoint::Home, get(home)))
        .route(
            paths::LOGIN,
            named_by(
                login_endpoint,
                get(login_page_or_callback).post(login_form_submit),
            ),
        )
        .route(
            paths::AUTHENTICATE,
            named(Endpoint::Authenticate, post(authenticate)),
        )
        .route(paths::LOGOUT, named(Endpoint::Logout, post(logout)))
        .merge(sso::router())
}

/// The login page's own flags: `?basicAuth=true`, `?logout=true`.
#[derive(Debug, Default)]
struct PageFlags {
    basic_auth: bool,
    logout: bool,
}

impl PageFlags {
    /// `None` when a flag is repeated (the query is ambiguous).
    fn from_query(query: &str) -> Option<Self> {
        let mut seen = (None, None);
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "basicAuth" => &mut seen.0,
                "logout" => &mut seen.1,
                _ => continue,
            };
            if slot.replace(value == "true").is_some() {
                return None;
            }
        }
        Some(Self {
            basic_auth: seen.0.unwrap_or(false),
            logout: seen.1.unwrap_or(false),
        })
    }
}

/// `/login` is both the login page and the redirect URI registered at the identity provider.
/// The query is read here, not by axum's `Query`, so that a malformed callback still gets the
/// SSO error page and loses its state cookie.
async fn login_page_or_callback(
    State(clock): State<Clock>,
    State(directory): State<Arc<Directory>>,
    State(rp): State<Arc<RelyingParty>>,
    State(urls): State<PublicUrls>,
    jar: CookieJar,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let callback = CallbackParams::from_query(&query);
    if is_callback(&callback) {
        let now = clock.now_system();
        return sso::sso_callback(&directory, &rp, &urls, jar, callback, now).await;
    }
    let Some(flags) = PageFlags::from_query(&query) else {
        return ErrorPage::for_status(StatusCode::BAD_REQUEST).into_response();
    };
    let mut page = LoginPage::new(flags.basic_auth);
    if flags.logout {
        page.notice = Some("You have been logged out.".to_owned());
    }
    render(&page)
}

/// Whether `/login` was reached as the redirect URI (a malformed callback too), not as the
/// login page.
fn is_callback(params: &Result<CallbackParams, crate::oidc_client::SsoError>) -> bool {
    params.as_ref().map_or(true, CallbackParams::is_callback)
}

/// What a request to `/login` is, for faults and the journal.
fn login_endpoint(req: &axum::extract::Request) -> Endpoint {
    let query = req.uri().query().unwrap_or_default();
    if req.method() == axum::http::Method::GET && is_callback(&CallbackParams::from_query(query)) {
        Endpoint::Callback
    } else {
        Endpoint::Login
    }
}

#[derive(Debug, Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// What the login form and the JSON endpoint share: check the credentials and the SSO rule.
fn basic_login(directory: &Directory, credentials: &Credentials) -> Result<User, LoginRefusal> {
    directory.check_password(&credentials.username, &credentials.password)
}

fn refusal_message(urls: &PublicUrls, refusal: &LoginRefusal) -> LoginMessage {
    match refusal {
        LoginRefusal::BadCredentials => LoginMessage {
            text: BAD_CREDENTIALS.to_owned(),
            login_url: None,
        },
        LoginRefusal::SsoRequired {
            org_name,
            login_path,
        } => LoginMessage {
            text: format!(
                "{org_name} uses single sign-on. Log in through your organization's login URL:"
            ),
            login_url: Some(urls.org_login_url(login_path.as_str())),
        },
    }
}

/// `POST /kauth/api/v1/authenticate` with `{"username", "password"}`: 200 and the session
/// cookie, 401 for bad credentials, 403 (naming the login URL) when SSO is required.
async fn authenticate(
    State(clock): State<Clock>,
    State(directory): State<Arc<Directory>>,
    State(urls): State<PublicUrls>,
    jar: CookieJar,
    ApiJson(credentials): ApiJson<Credentials>,
) -> Response {
    match basic_login(&directory, &credentials) {
        Ok(user) => {
            let jar = open_session(jar, &directory, &urls, &user.id, clock.now_system());
            (jar, Json(UserView::from(&user))).into_response()
        }
        Err(LoginRefusal::BadCredentials) => {
            Problem::unauthenticated_because(BAD_CREDENTIALS).into_response()
        }
        Err(refusal @ LoginRefusal::SsoRequired { .. }) => {
            let message = refusal_message(&urls, &refusal);
            let url = message.login_url.unwrap_or_default();
            let mut problem = Problem::forbidden(format!(
                "Your organization uses single sign-on; log in at {url}"
            ));
            problem.login_url = Some(url);
            problem.into_response()
        }
    }
}

/// The login form without JavaScript: the same rules, answered with a redirect or the page.
async fn login_form_submit(
    State(clock): State<Clock>,
    State(directory): State<Arc<Directory>>,
    State(urls): State<PublicUrls>,
    jar: CookieJar,
    Form(credentials): Form<Credentials>,
) -> Response {
    match basic_login(&directory, &credentials) {
        Ok(user) => {
            let jar = open_session(jar, &directory, &urls, &user.id, clock.now_system());
            (jar, Redirect::to(paths::HOME)).into_response()
        }
        Err(refusal) => {
            let status = match refusal {
                LoginRefusal::BadCredentials => StatusCode::UNAUTHORIZED,
                LoginRefusal::SsoRequired { .. } => StatusCode::FORBIDDEN,
            };
            let mut page = LoginPage::new(false);
            page.email = credentials.username.trim().to_owned();
            page.error = Some(refusal_message(&urls, &refusal));
            (status, render(&page)).into_response()
        }
    }
}

async fn logout(
    State(directory): State<Arc<Directory>>,
    State(urls): State<PublicUrls>,
    jar: CookieJar,
) -> Response {
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        directory.close_session(cookie.value());
    }
    let jar = jar.remove(session_cookie_removal(&urls));
    (jar, Redirect::to("/login?logout=true")).into_response()
}

async fn home(State(urls): State<PublicUrls>, BrowserSession(caller): BrowserSession) -> Response {
    let login_url = caller
        .org
        .sso_login_path()
        .map(|p| urls.org_login_url(p.as_str()));
    render(&HomePage::new(&caller, login_url))
}
