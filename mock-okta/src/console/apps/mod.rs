//! Applications in the Admin Console: the list (here), the Create App Integration wizard
//! (`wizard.rs`), and one app's General and Assignments tabs (`app.rs`).

mod app;
mod wizard;

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::Response, routing::get};

use crate::console::{AdminSession, Chrome, render};
use crate::{
    directory::{AppStatus, AppType},
    params::BrowserQuery,
    paths,
    state::AppState,
    web::found,
};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/apps", get(console_apps_root))
        .route(paths::ADMIN_APPS, get(console_apps_list))
        .merge(wizard::router())
        .merge(app::router())
}

/// How the console names an application type.
pub(super) fn type_label(t: AppType) -> &'static str {
    match t {
        AppType::Web => "Web",
        AppType::Browser => "Single-Page Application",
        AppType::Native => "Native",
        AppType::Service => "Service",
    }
}

pub(super) fn grant_label(grant: &str) -> &str {
    match grant {
        "authorization_code" => "Authorization Code",
        "refresh_token" => "Refresh Token",
        "implicit" => "Implicit (hybrid)",
        "client_credentials" => "Client Credentials",
        "password" => "Resource Owner Password",
        "interaction_code" => "Interaction Code",
        "urn:ietf:params:oauth:grant-type:device_code" => "Device Authorization",
        other => other,
    }
}

/// Where an API validation cause is shown on the console's app forms.
pub(super) fn app_field(api_field: &str) -> Option<&'static str> {
    Some(match api_field {
        "label" => "label",
        "settings.oauthClient.redirect_uris" => "redirect_uris",
        "settings.oauthClient.post_logout_redirect_uris" => "post_logout_redirect_uris",
        "settings.oauthClient.grant_types" | "settings.oauthClient.response_types" => "grant_types",
        "settings.oauthClient.initiate_login_uri" => "initiate_login_uri",
        "settings.oauthClient.idp_initiated_login" => "login_flow",
        "credentials.oauthClient.pkce_required"
        | "credentials.oauthClient.token_endpoint_auth_method" => "client_authentication",
        _ => return None,
    })
}

pub(super) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An `<option>` (or checkbox) of a select.
pub(super) struct Opt {
    pub(super) value: String,
    pub(super) label: String,
    pub(super) selected: bool,
}

pub(super) fn group_options(state: &AppState, selected: &[String]) -> Vec<Opt> {
    state
        .dir
        .list_groups(None, &|_| true, None, usize::MAX)
        .items
        .into_iter()
        .map(|g| Opt {
            selected: selected.contains(&g.id),
            value: g.id,
            label: g.profile_name,
        })
        .collect()
}

// ---------------------------------------------------------------- Applications list

struct AppRow {
    label: String,
    href: String,
    active: bool,
    type_label: &'static str,
    client_id: String,
}

#[derive(Template)]
#[template(path = "console/apps.html")]
struct AppsPage {
    chrome: Chrome,
    apps: Vec<AppRow>,
    /// The "Create a new app integration" dialog is open.
    dialog: bool,
    dialog_error: Option<&'static str>,
    wizard_path: &'static str,
}

pub(super) fn apps_page(
    state: &AppState,
    admin: &AdminSession,
    dialog: bool,
    dialog_error: Option<&'static str>,
) -> Response {
    let apps = state
        .dir
        .list_apps(None, &|_| true, None, usize::MAX)
        .items
        .into_iter()
        .map(|a| AppRow {
            href: paths::admin_app_path(&a.id),
            active: a.status == AppStatus::Active,
            type_label: type_label(a.settings.application_type),
            client_id: a.credentials.client_id,
            label: a.label,
        })
        .collect();
    let status = if dialog_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(
        status,
        &AppsPage {
            chrome: admin.chrome(state, "apps"),
            apps,
            dialog,
            dialog_error,
            wizard_path: paths::ADMIN_APP_WIZARD,
        },
    )
}

async fn console_apps_root(_admin: AdminSession) -> Response {
    found(paths::ADMIN_APPS)
}

async fn console_apps_list(
    State(state): State<AppState>,
    admin: AdminSession,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    apps_page(&state, &admin, q.get("dialog").is_some(), None)
}
