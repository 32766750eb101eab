//! The Create App Integration wizard: OIDC - OpenID Connect, then Web, Single-Page or Native.

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::Response, routing::get};

use super::{Opt, app_field, apps_page, group_options, lines};
use crate::console::{AdminForm, AdminSession, Chrome, FieldErrors, FormData, render};
use crate::{
    directory::{AppInput, AppType, OAuthClientSettingsInput, SettingsInput},
    params::{BrowserQuery, Params},
    paths,
    state::AppState,
    web::found,
};

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        paths::ADMIN_APP_WIZARD,
        get(console_app_wizard_form).post(console_app_wizard_submit),
    )
}

/// The application types the wizard creates, by Okta's `applicationType` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WizardAppType {
    Web,
    Spa,
    Native,
}

impl WizardAppType {
    fn from_param(raw: &str) -> Option<Self> {
        match raw {
            "WEB" => Some(Self::Web),
            "BROWSER" => Some(Self::Spa),
            "NATIVE" => Some(Self::Native),
            _ => None,
        }
    }

    fn param(self) -> &'static str {
        match self {
            Self::Web => "WEB",
            Self::Spa => "BROWSER",
            Self::Native => "NATIVE",
        }
    }

    fn app_type(self) -> AppType {
        match self {
            Self::Web => AppType::Web,
            Self::Spa => AppType::Browser,
            Self::Native => AppType::Native,
        }
    }

    fn wizard_heading(self) -> &'static str {
        match self {
            Self::Web => "New Web App Integration",
            Self::Spa => "New Single-Page App Integration",
            Self::Native => "New Native App Integration",
        }
    }
}

// ---------------------------------------------------------------- the wizard

/// What the wizard form holds, as typed (kept when the form comes back with errors).
struct WizardValues {
    label: String,
    authorization_code: bool,
    refresh_token: bool,
    implicit: bool,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    /// "everyone", "groups" or "skip".
    assignment: String,
    group_ids: Vec<String>,
}

impl WizardValues {
    fn new() -> Self {
        Self {
            label: String::new(),
            authorization_code: true,
            refresh_token: false,
            implicit: false,
            redirect_uris: String::new(),
            post_logout_redirect_uris: String::new(),
            // Okta preselects nothing here; the guide's steps assume everyone has access.
            assignment: "everyone".to_owned(),
            group_ids: Vec::new(),
        }
    }

    fn from_form(f: &FormData, kind: WizardAppType) -> Self {
        let assignment = match f.get("assignment") {
            Some(a @ ("everyone" | "groups" | "skip")) => a.to_owned(),
            _ => "everyone".to_owned(),
        };
        Self {
            label: f.text("label"),
            authorization_code: kind == WizardAppType::Web
                || f.has("grant_types", "authorization_code"),
            refresh_token: f.has("grant_types", "refresh_token"),
            implicit: f.has("grant_types", "implicit"),
            redirect_uris: f.lines("redirect_uris").join("\n"),
            post_logout_redirect_uris: f.lines("post_logout_redirect_uris").join("\n"),
            assignment,
            group_ids: f.all("group_ids"),
        }
    }

    /// The Management API input of the app the form describes.
    fn input(&self, kind: WizardAppType) -> AppInput {
        let grants = [
            (
                "authorization_code",
                self.authorization_code || kind == WizardAppType::Web,
            ),
            ("refresh_token", self.refresh_token),
            ("implicit", self.implicit),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(g, _)| g.to_owned())
        .collect();
        AppInput {
            name: Some("oidc_client".to_owned()),
            label: Some(self.label.clone()),
            sign_on_mode: Some("OPENID_CONNECT".to_owned()),
            settings: Some(SettingsInput {
                oauth_client: Some(OAuthClientSettingsInput {
                    application_type: Some(kind.app_type()),
                    redirect_uris: Some(lines(&self.redirect_uris)),
                    post_logout_redirect_uris: Some(lines(&self.post_logout_redirect_uris)),
                    grant_types: Some(grants),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        }
    }
}

#[derive(Template)]
#[template(path = "console/app_wizard.html")]
struct WizardPage {
    chrome: Chrome,
    heading: &'static str,
    action: String,
    is_web: bool,
    v: WizardValues,
    groups: Vec<Opt>,
    errors: FieldErrors,
}

fn wizard_page(
    state: &AppState,
    admin: &AdminSession,
    kind: WizardAppType,
    v: WizardValues,
    errors: FieldErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let groups = group_options(state, &v.group_ids);
    render(
        status,
        &WizardPage {
            chrome: admin.chrome(state, "apps"),
            heading: kind.wizard_heading(),
            action: format!(
                "{}?applicationType={}",
                paths::ADMIN_APP_WIZARD,
                kind.param()
            ),
            is_web: kind == WizardAppType::Web,
            v,
            groups,
            errors,
        },
    )
}

/// The wizard's kind, or the Create dialog again when the choice is missing or not offered.
fn wizard_kind(q: &Params) -> Result<WizardAppType, &'static str> {
    if q.get("signOnMode").is_some_and(|m| m != "OIDC") {
        return Err("Only OIDC - OpenID Connect app integrations can be created here.");
    }
    q.get("applicationType")
        .and_then(WizardAppType::from_param)
        .ok_or("Select a sign-in method and an application type.")
}

async fn console_app_wizard_form(
    State(state): State<AppState>,
    admin: AdminSession,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    match wizard_kind(&q) {
        Ok(kind) => wizard_page(
            &state,
            &admin,
            kind,
            WizardValues::new(),
            FieldErrors::default(),
        ),
        Err(msg) => apps_page(&state, &admin, true, Some(msg)),
    }
}

async fn console_app_wizard_submit(
    State(state): State<AppState>,
    BrowserQuery(q): BrowserQuery,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    let kind = match wizard_kind(&q) {
        Ok(kind) => kind,
        Err(msg) => return apps_page(&state, &admin, true, Some(msg)),
    };
    let v = WizardValues::from_form(&form, kind);
    let input = v.input(kind);
    let mut errors = FieldErrors::default();
    if let Err(e) = state.dir.check_new_app(input.clone()) {
        errors.add_dir_error(&e, app_field);
    }
    if v.assignment == "groups" {
        if v.group_ids.is_empty() {
            errors.add("group_ids", "Select at least one group");
        } else if v.group_ids.iter().any(|g| state.dir.group(g).is_err()) {
            errors.add("group_ids", "The selected group no longer exists");
        }
    }
    if !errors.is_empty() {
        return wizard_page(&state, &admin, kind, v, errors);
    }
    let app = match state.dir.create_app(input, true) {
        Ok(app) => app,
        Err(e) => {
            errors.add_dir_error(&e, app_field);
            return wizard_page(&state, &admin, kind, v, errors);
        }
    };
    let groups = match v.assignment.as_str() {
        "everyone" => vec![state.dir.everyone().id],
        "groups" => v.group_ids.clone(),
        _ => Vec::new(),
    };
    for g in groups {
        if let Err(err) = state.dir.assign_group(&app.id, &g, None) {
            tracing::warn!(%err, app = %app.id, group = %g, "group assignment after create failed");
        }
    }
    found(&paths::admin_app_path(&app.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> FormData {
        FormData::parse(body.as_bytes())
    }

    #[test]
    fn wizard_form_becomes_the_api_input_of_a_web_app() {
        let v = WizardValues::from_form(
            &form(
                "label=Konnect&grant_types=refresh_token&redirect_uris=https%3A%2F%2Fa.test%2Fcb%0Ahttps%3A%2F%2Fb.test%2Fcb&assignment=skip",
            ),
            WizardAppType::Web,
        );
        let input = v.input(WizardAppType::Web);
        let oc = input.settings.unwrap().oauth_client.unwrap();
        assert_eq!(
            oc.grant_types.unwrap(),
            vec!["authorization_code", "refresh_token"]
        );
        assert_eq!(
            oc.redirect_uris.unwrap(),
            vec!["https://a.test/cb", "https://b.test/cb"]
        );
        assert_eq!(oc.application_type, Some(AppType::Web));
        assert_eq!(v.assignment, "skip");
    }
}
