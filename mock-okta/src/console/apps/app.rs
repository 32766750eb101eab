//! One app's page: the General tab (credentials, General Settings), the Sign On tab (the
//! OpenID Connect ID Token's groups claim) and the Assignments tab.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};

use super::{Opt, app_field, grant_label, group_options, lines, type_label};
use crate::console::{AdminForm, AdminSession, Chrome, FieldErrors, FormData, not_found, render};
use crate::{
    directory::{
        App, AppGroupsClaimInput, AppInput, AppStatus, AppType, DirError, GroupFilterType,
        IdpInitiatedLoginInput, IdpMode, TokenAuthMethod, VisibilityInput,
    },
    params::BrowserQuery,
    paths,
    state::AppState,
    web::found,
};

pub(super) fn router() -> Router<AppState> {
    let app = paths::ADMIN_APP;
    Router::new()
        .route(app, get(console_app_show))
        .route(&format!("{app}/general"), post(console_app_general_submit))
        .route(&format!("{app}/signon"), post(console_app_signon_submit))
        .route(
            &format!("{app}/credentials"),
            post(console_app_credentials_submit),
        )
        .route(
            &format!("{app}/assignments/people"),
            post(console_app_person_assign),
        )
        .route(
            &format!("{app}/assignments/people/remove"),
            post(console_app_person_unassign),
        )
        .route(
            &format!("{app}/assignments/groups"),
            post(console_app_group_assign),
        )
        .route(
            &format!("{app}/assignments/groups/remove"),
            post(console_app_group_unassign),
        )
}

// ---------------------------------------------------------------- one app

/// The General Settings form, as typed (or as the app has it).
struct GeneralValues {
    label: String,
    authorization_code: bool,
    refresh_token: bool,
    implicit: bool,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    /// Login initiated by: Either Okta or App (else App Only).
    either: bool,
    display_icon: bool,
    /// Login flow: Send ID Token directly to app (Okta Simplified), else OIDC Compliant.
    simplified: bool,
    initiate_login_uri: String,
}

/// Login initiated by, as the `<select>` sends it.
const APP_ONLY: &str = "APP_ONLY";
const OKTA_OR_APP: &str = "OKTA_OR_APP";

impl GeneralValues {
    fn from_app(a: &App) -> Self {
        let s = &a.settings;
        Self {
            label: a.label.clone(),
            authorization_code: s.has_grant("authorization_code"),
            refresh_token: s.has_grant("refresh_token"),
            implicit: s.has_grant("implicit"),
            redirect_uris: s.redirect_uris.join("\n"),
            post_logout_redirect_uris: s.post_logout_redirect_uris.join("\n"),
            either: s.idp_initiated_login.mode != IdpMode::Disabled,
            display_icon: !a.hide_web,
            simplified: s.idp_initiated_login.mode == IdpMode::Okta,
            initiate_login_uri: s.initiate_login_uri.clone().unwrap_or_default(),
        }
    }

    fn from_form(f: &FormData, app_type: AppType) -> Self {
        Self {
            label: f.text("label"),
            authorization_code: app_type == AppType::Web
                || f.has("grant_types", "authorization_code"),
            refresh_token: f.has("grant_types", "refresh_token"),
            implicit: f.has("grant_types", "implicit"),
            redirect_uris: f.lines("redirect_uris").join("\n"),
            post_logout_redirect_uris: f.lines("post_logout_redirect_uris").join("\n"),
            either: f.get("login_initiated_by") == Some(OKTA_OR_APP),
            display_icon: f.has("display_icon", "true"),
            simplified: f.get("login_flow") == Some("OKTA"),
            initiate_login_uri: f.text("initiate_login_uri"),
        }
    }

    /// The app with these General Settings, as a full replace: grants the form does not
    /// show (set through the API) are kept, and the response types follow the grants when
    /// those change.
    fn input(&self, app: &App) -> AppInput {
        const SHOWN: [&str; 3] = ["authorization_code", "refresh_token", "implicit"];
        let mut grants: Vec<String> = [
            ("authorization_code", self.authorization_code),
            ("refresh_token", self.refresh_token),
            ("implicit", self.implicit),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(g, _)| g.to_owned())
        .collect();
        grants.extend(
            app.settings
                .grant_types
                .iter()
                .filter(|g| !SHOWN.contains(&g.as_str()))
                .cloned(),
        );
        let same_grants = grants.len() == app.settings.grant_types.len()
            && grants.iter().all(|g| app.settings.has_grant(g));
        let mode = match (self.either, self.simplified) {
            (false, _) => IdpMode::Disabled,
            (true, false) => IdpMode::Spec,
            (true, true) => IdpMode::Okta,
        };
        let mut input = AppInput::from(app);
        input.label = Some(self.label.clone());
        if let Some(oc) = input
            .settings
            .as_mut()
            .and_then(|s| s.oauth_client.as_mut())
        {
            if !same_grants {
                oc.response_types = None;
            }
            oc.grant_types = Some(grants);
            oc.redirect_uris = Some(lines(&self.redirect_uris));
            oc.post_logout_redirect_uris = Some(lines(&self.post_logout_redirect_uris));
            oc.initiate_login_uri =
                Some(self.initiate_login_uri.trim().to_owned()).filter(|u| !u.is_empty());
            oc.idp_initiated_login = Some(IdpInitiatedLoginInput {
                mode: Some(mode),
                default_scope: Some(app.settings.idp_initiated_login.default_scope.clone()),
            });
        }
        input.visibility = Some(VisibilityInput {
            auto_submit_toolbar: Some(app.auto_submit_toolbar),
            hide: Some(crate::directory::HideInput {
                ios: Some(!self.display_icon),
                web: Some(!self.display_icon),
            }),
        });
        input
    }
}

/// What the app's page shows, read from the app.
struct AppDetails {
    id: String,
    path: String,
    label: String,
    active: bool,
    type_label: &'static str,
    is_web: bool,
    is_spa: bool,
    /// Service apps (API Services) have no General Settings form here.
    editable: bool,
    client_id: String,
    client_secret: Option<String>,
    client_auth: &'static str,
    pkce_required: bool,
    grants: Vec<String>,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    login_initiated_by: &'static str,
    display_icon: bool,
    login_flow: &'static str,
    initiate_login_uri: Option<String>,
    embed_link: String,
}

impl AppDetails {
    fn new(state: &AppState, a: &App) -> Self {
        let s = &a.settings;
        let mode = s.idp_initiated_login.mode;
        Self {
            id: a.id.clone(),
            path: paths::admin_app_path(&a.id),
            label: a.label.clone(),
            active: a.status == AppStatus::Active,
            type_label: type_label(s.application_type),
            is_web: s.application_type == AppType::Web,
            is_spa: s.application_type == AppType::Browser,
            editable: s.application_type != AppType::Service,
            client_id: a.credentials.client_id.clone(),
            client_secret: a
                .credentials
                .token_endpoint_auth_method
                .uses_secret()
                .then(|| a.credentials.secrets.current().map(str::to_owned))
                .flatten(),
            client_auth: match a.credentials.token_endpoint_auth_method {
                TokenAuthMethod::None => "None",
                TokenAuthMethod::PrivateKeyJwt => "Public key / Private key",
                _ => "Client secret",
            },
            pkce_required: a.credentials.pkce_required,
            grants: s
                .grant_types
                .iter()
                .map(|g| grant_label(g).to_owned())
                .collect(),
            redirect_uris: s.redirect_uris.clone(),
            post_logout_redirect_uris: s.post_logout_redirect_uris.clone(),
            login_initiated_by: if mode == IdpMode::Disabled {
                "App Only"
            } else {
                "Either Okta or App"
            },
            display_icon: !a.hide_web,
            login_flow: if mode == IdpMode::Okta {
                "Send ID Token directly to app (Okta Simplified)"
            } else {
                "Redirect to app to initiate login (OIDC Compliant)"
            },
            initiate_login_uri: s.initiate_login_uri.clone(),
            embed_link: state.org.app_link(&a.id, &a.link_id),
        }
    }
}

struct PersonRow {
    id: String,
    name: String,
    login: String,
}

struct GroupRow {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "console/app.html")]
struct AppPage {
    chrome: Chrome,
    app: AppDetails,
    /// "general" or "assignments".
    tab: &'static str,
    /// "", "general" or "credentials": the section in edit mode.
    editing: &'static str,
    general: GeneralValues,
    errors: FieldErrors,
    people: Vec<PersonRow>,
    groups: Vec<GroupRow>,
    user_options: Vec<Opt>,
    group_options: Vec<Opt>,
    okta_or_app: &'static str,
    app_only: &'static str,
    groups_claim: GroupsClaimValues,
    filters: Vec<Opt>,
}

struct AppPageState {
    tab: &'static str,
    editing: &'static str,
    general: Option<GeneralValues>,
    groups_claim: Option<GroupsClaimValues>,
    errors: FieldErrors,
}

/// The Sign On tab's groups claim (Groups claim type: Filter), as typed or as the app has it.
struct GroupsClaimValues {
    name: String,
    filter_type: String,
    value: String,
}

impl GroupsClaimValues {
    fn from_app(a: &App) -> Self {
        match &a.groups_claim {
            Some(c) => Self {
                name: c.name.clone(),
                filter_type: c.filter.filter_type.as_str().to_owned(),
                value: c.filter.value.clone(),
            },
            None => Self {
                name: "groups".to_owned(),
                filter_type: GroupFilterType::Regex.as_str().to_owned(),
                value: String::new(),
            },
        }
    }

    fn from_form(f: &FormData) -> Self {
        Self {
            name: f.text("groups_claim_name"),
            filter_type: f.text("groups_claim_filter_type"),
            value: f.get("groups_claim_value").unwrap_or_default().to_owned(),
        }
    }

    /// What the internal `settings/oauth/idToken` takes; a blank value clears the claim.
    fn input(&self) -> AppGroupsClaimInput {
        let clear = self.value.is_empty();
        AppGroupsClaimInput {
            name: (!clear).then(|| self.name.clone()),
            value_type: Some("GROUPS".to_owned()),
            group_filter_type: Some(self.filter_type.clone()),
            value: (!clear).then(|| self.value.clone()),
            issuer_mode: None,
        }
    }

    /// How the tab shows the claim: "groups Matches regex .*", or none.
    fn shown(&self) -> String {
        let label = GroupFilterType::parse(&self.filter_type).map_or("", GroupFilterType::label);
        format!("{} {label} {}", self.name, self.value)
    }
}

/// Where a validation cause is shown on the groups claim form.
fn groups_claim_field(api_field: &str) -> Option<&'static str> {
    match api_field {
        "name" => Some("groups_claim_name"),
        "value" | "groupFilterType" => Some("groups_claim_value"),
        _ => None,
    }
}

fn app_page(state: &AppState, admin: &AdminSession, app: &App, page: AppPageState) -> Response {
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let people = app
        .users
        .keys()
        .filter_map(|id| state.dir.user(id).ok())
        .map(|u| PersonRow {
            name: u.display_name(),
            login: u.login().to_owned(),
            id: u.id,
        })
        .collect();
    let groups = app
        .groups
        .keys()
        .filter_map(|id| state.dir.group(id).ok())
        .map(|g| GroupRow {
            id: g.id,
            name: g.profile_name,
        })
        .collect();
    let user_options = state
        .dir
        .list_users(None, &|_| true, None, usize::MAX)
        .items
        .into_iter()
        .map(|u| Opt {
            label: format!("{} ({})", u.display_name(), u.login()),
            selected: false,
            value: u.id,
        })
        .collect();
    render(
        status,
        &AppPage {
            chrome: admin.chrome(state, "apps"),
            app: AppDetails::new(state, app),
            tab: page.tab,
            editing: page.editing,
            general: page.general.unwrap_or_else(|| GeneralValues::from_app(app)),
            errors: page.errors,
            people,
            groups,
            user_options,
            group_options: group_options(state, &[]),
            okta_or_app: OKTA_OR_APP,
            app_only: APP_ONLY,
            groups_claim: page
                .groups_claim
                .unwrap_or_else(|| GroupsClaimValues::from_app(app)),
            filters: GroupFilterType::ALL
                .into_iter()
                .map(|t| Opt {
                    value: t.as_str().to_owned(),
                    label: t.label().to_owned(),
                    selected: false,
                })
                .collect(),
        },
    )
}

async fn console_app_show(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(app_id): Path<String>,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    let Ok(app) = state.dir.app(&app_id) else {
        return not_found();
    };
    let tab = match q.get("tab") {
        Some("assignments") => "assignments",
        Some("signon") => "signon",
        _ => "general",
    };
    let editable = app.settings.application_type != AppType::Service;
    let editing = match q.get("edit") {
        Some("general") if tab == "general" && editable => "general",
        Some("credentials") if tab == "general" && editable => "credentials",
        Some("groups-claim") if tab == "signon" => "groups-claim",
        _ => "",
    };
    app_page(
        &state,
        &admin,
        &app,
        AppPageState {
            tab,
            editing,
            general: None,
            groups_claim: None,
            errors: FieldErrors::default(),
        },
    )
}

/// Saves the Sign On tab's groups claim: back to the tab, or the form with its errors.
async fn console_app_signon_submit(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    let Ok(app) = state.dir.app(&app_id) else {
        return not_found();
    };
    let v = GroupsClaimValues::from_form(&form);
    match state.dir.set_app_groups_claim(&app.id, &v.input()) {
        Ok(_) => found(&format!(
            "{}?tab=signon#tab-signon",
            paths::admin_app_path(&app.id)
        )),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add_dir_error(&e, groups_claim_field);
            app_page(
                &state,
                &admin,
                &app,
                AppPageState {
                    tab: "signon",
                    editing: "groups-claim",
                    general: None,
                    groups_claim: Some(v),
                    errors,
                },
            )
        }
    }
}

async fn console_app_general_submit(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    let Ok(app) = state.dir.app(&app_id) else {
        return not_found();
    };
    if app.settings.application_type == AppType::Service {
        return found(&paths::admin_app_path(&app.id));
    }
    let v = GeneralValues::from_form(&form, app.settings.application_type);
    let input = v.input(&app);
    save(&state, &admin, &app, input, "general", Some(v))
}

/// Saves an edit of the General tab: back to the app's page, or the form again with the
/// directory's causes beside its fields.
fn save(
    state: &AppState,
    admin: &AdminSession,
    app: &App,
    input: AppInput,
    editing: &'static str,
    general: Option<GeneralValues>,
) -> Response {
    match state.dir.replace_app(&app.id, input) {
        Ok(app) => found(&paths::admin_app_path(&app.id)),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add_dir_error(&e, app_field);
            app_page(
                state,
                admin,
                app,
                AppPageState {
                    tab: "general",
                    editing,
                    general,
                    groups_claim: None,
                    errors,
                },
            )
        }
    }
}

/// Client Credentials' Edit: the PKCE requirement (client authentication is fixed by the
/// application type here).
async fn console_app_credentials_submit(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    let Ok(app) = state.dir.app(&app_id) else {
        return not_found();
    };
    let mut input = AppInput::from(&app);
    if let Some(c) = input
        .credentials
        .as_mut()
        .and_then(|c| c.oauth_client.as_mut())
    {
        c.pkce_required = Some(form.has("pkce_required", "true"));
    }
    save(&state, &admin, &app, input, "credentials", None)
}

/// The result of an Assignments action: back to the tab, or the tab with the error.
fn assignments_result(
    state: &AppState,
    admin: &AdminSession,
    app: &App,
    result: Result<(), DirError>,
) -> Response {
    match result {
        Ok(()) => found(&format!(
            "{}?tab=assignments",
            paths::admin_app_path(&app.id)
        )),
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.add_dir_error(&e, |_| None);
            let app = state.dir.app(&app.id).unwrap_or_else(|_| app.clone());
            app_page(
                state,
                admin,
                &app,
                AppPageState {
                    tab: "assignments",
                    editing: "",
                    general: None,
                    groups_claim: None,
                    errors,
                },
            )
        }
    }
}

/// One assignment change from the Assignments tab, then the tab again (or its error).
fn change_assignments(
    state: &AppState,
    app_id: &str,
    admin: &AdminSession,
    change: impl FnOnce(&crate::directory::Directory, &str) -> Result<(), DirError>,
) -> Response {
    let Ok(app) = state.dir.app(app_id) else {
        return not_found();
    };
    let result = change(&state.dir, &app.id);
    assignments_result(state, admin, &app, result)
}

async fn console_app_person_assign(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    change_assignments(&state, &app_id, &admin, |dir, app| {
        dir.assign_user(app, &form.text("user_id")).map(|_| ())
    })
}

async fn console_app_person_unassign(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    change_assignments(&state, &app_id, &admin, |dir, app| {
        dir.unassign_user(app, &form.text("user_id"))
    })
}

async fn console_app_group_assign(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    change_assignments(&state, &app_id, &admin, |dir, app| {
        dir.assign_group(app, &form.text("group_id"), None)
            .map(|_| ())
    })
}

async fn console_app_group_unassign(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    change_assignments(&state, &app_id, &admin, |dir, app| {
        dir.unassign_group(app, &form.text("group_id"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::Clock, directory::Directory};

    #[test]
    fn general_settings_map_login_initiated_by_and_visibility_to_the_api_fields() {
        let dir = Directory::new(Clock::default());
        let app = dir
            .create_app(
                serde_json::from_value(serde_json::json!({
                    "name": "oidc_client", "label": "Konnect", "signOnMode": "OPENID_CONNECT",
                    "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
                    "settings": {"oauthClient": {"application_type": "browser",
                        "redirect_uris": ["https://a.test/cb"],
                        "grant_types": ["authorization_code"], "response_types": ["code"]}}
                }))
                .unwrap(),
                true,
            )
            .unwrap();
        let mut v = GeneralValues::from_app(&app);
        assert!(!v.either && !v.display_icon);
        v.either = true;
        v.display_icon = true;
        v.initiate_login_uri = "https://a.test/login".into();
        let spec = dir.replace_app(&app.id, v.input(&app)).unwrap();
        assert_eq!(spec.settings.idp_initiated_login.mode, IdpMode::Spec);
        assert!(!spec.hide_web && !spec.hide_ios && spec.shows_tile());
        v.simplified = true;
        assert!(
            dir.replace_app(&app.id, v.input(&spec)).is_err(),
            "Okta Simplified needs the implicit grant"
        );
        v.implicit = true;
        let okta = dir.replace_app(&app.id, v.input(&spec)).unwrap();
        assert_eq!(okta.settings.idp_initiated_login.mode, IdpMode::Okta);
        assert!(okta.settings.has_response_type("id_token"));
        v.either = false;
        let off = dir.replace_app(&app.id, v.input(&okta)).unwrap();
        assert_eq!(off.settings.idp_initiated_login.mode, IdpMode::Disabled);
        assert_eq!(off.credentials, app.credentials);
    }
}
