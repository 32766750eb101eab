//! The Admin Console: Okta's admin pages for applications, people, groups and the `default`
//! authorization server's claims, at Okta's paths on the org host (real Okta serves them on a
//! separate `{org}-admin` host).
//!
//! Only users with Okta's `SUPER_ADMIN` role get in ([`AdminSession`]); every form carries
//! the session's anti-forgery token and every POST is checked ([`AdminForm`]). Every change
//! goes through the same [`Directory`](crate::directory::Directory) functions as the
//! Management API, so an app made here is identical to one made through `/api/v1/apps`.

mod apps;
mod authorization_servers;
mod forms;
mod groups;
mod people;

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request, State},
    http::{HeaderMap, Method, StatusCode, request::Parts},
    response::{IntoResponse, Response},
    routing::get,
};

pub use forms::{FieldErrors, FormData};

pub(crate) use crate::html::render;
use crate::{
    directory::{AppStatus, User},
    html::PageError,
    ledger::Session,
    paths, signin,
    state::AppState,
};

/// The name of the hidden input that carries the anti-forgery token (Okta's own name).
pub const CSRF_FIELD: &str = "_xsrfToken";

pub fn router(_state: &AppState) -> Router<AppState> {
    Router::new()
        .route(paths::ADMIN_ROOT, get(console_root))
        .route("/admin/", get(console_root))
        .route(paths::ADMIN_DASHBOARD, get(console_dashboard))
        .merge(apps::router())
        .merge(people::router())
        .merge(groups::router())
        .merge(authorization_servers::router())
}

/// A signed-in user with the `SUPER_ADMIN` role. Without an Okta session the browser goes
/// to the sign-in page and comes back; other users get the "no permission" page.
pub struct AdminSession {
    pub session: Session,
    pub user: User,
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(session) = signin::current_session(state, &parts.headers) else {
            // A form posted after the session ended cannot be replayed; start over from
            // the console's home.
            let from = if parts.method == Method::GET {
                parts
                    .uri
                    .path_and_query()
                    .map_or(paths::ADMIN_DASHBOARD, |p| p.as_str())
            } else {
                paths::ADMIN_DASHBOARD
            };
            return Err(signin::redirect_to_signin(
                state,
                from,
                None,
                HeaderMap::new(),
            ));
        };
        match state.dir.user(&session.user_id) {
            Ok(user) if user.is_super_admin() => Ok(Self { session, user }),
            _ => Err(no_permission()),
        }
    }
}

impl AdminSession {
    /// What every console page shows around its content.
    pub fn chrome(&self, state: &AppState, nav: &'static str) -> Chrome {
        Chrome {
            admin_name: self.user.display_name(),
            admin_login: self.user.login().to_owned(),
            okta_domain: state.org.domain().to_owned(),
            org_url: state.org.base().to_owned(),
            csrf: self.session.csrf.clone(),
            csrf_field: CSRF_FIELD,
            nav,
        }
    }
}

/// A console form submission from an admin whose anti-forgery token matched.
pub struct AdminForm {
    pub admin: AdminSession,
    pub form: FormData,
}

impl FromRequest<AppState> for AdminForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let admin = AdminSession::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let form = FormData::parse(&bytes);
        let sent = form.get(CSRF_FIELD).unwrap_or_default();
        if sent.is_empty()
            || !crate::ids::constant_time_eq(sent.as_bytes(), admin.session.csrf.as_bytes())
        {
            tracing::debug!("console form without a valid anti-forgery token");
            return Err(forbidden(
                "Your request could not be verified. Reload the page and try again.",
            ));
        }
        Ok(Self { admin, form })
    }
}

/// The header, navigation and user menu of every console page.
pub struct Chrome {
    pub admin_name: String,
    pub admin_login: String,
    /// The org URL without its scheme (Okta's "Okta domain").
    pub okta_domain: String,
    pub org_url: String,
    pub csrf: String,
    pub csrf_field: &'static str,
    /// Which main navigation entry is current: "dashboard", "apps", "people", "groups" or
    /// "api".
    pub nav: &'static str,
}

/// A `403 Forbidden` page with the given explanation.
fn forbidden(message: &str) -> Response {
    PageError::forbidden(message).into_response()
}

/// What a signed-in user without an admin role sees in the Admin Console.
pub fn no_permission() -> Response {
    forbidden(
        "You don't have permission to access this page. Contact your administrator if you need access.",
    )
}

/// The plain 404 page, for console objects that do not exist.
fn not_found() -> Response {
    PageError::not_found().into_response()
}

async fn console_root(_admin: AdminSession) -> Response {
    crate::web::found(paths::ADMIN_DASHBOARD)
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    active_apps: usize,
    people: usize,
}

async fn console_dashboard(State(state): State<AppState>, admin: AdminSession) -> Response {
    let active_apps = state
        .dir
        .list_apps(None, &|a| a.status == AppStatus::Active, None, usize::MAX)
        .items
        .len();
    let people = state.dir.all_users().len();
    render(
        StatusCode::OK,
        &DashboardPage {
            chrome: admin.chrome(&state, "dashboard"),
            active_apps,
            people,
        },
    )
}
