//! Settings > Identity Management > Okta: server-rendered pages over [`super::service`].

use askama::Template;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

use super::service::{self, IdentityError, OktaForm};
use crate::{
    auth::{AdminSession, Caller},
    error::{ErrorPage, render},
    org::Tier,
    pages::Nav,
    paths,
    state::{AppState, IdentityState, PublicUrls},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::SETTINGS, get(settings_page))
        .route(paths::IDENTITY_MANAGEMENT, get(identity_management_page))
        .route(paths::IDENTITY_OKTA, get(okta_form).post(okta_submit))
        .route(
            paths::IDENTITY_TEAM_MAPPINGS,
            get(team_mappings_form).post(team_mappings_submit),
        )
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    nav: Nav,
}

async fn settings_page(AdminSession(caller): AdminSession) -> Response {
    render(&SettingsPage {
        nav: Nav::new(&caller),
    })
}

#[derive(Template)]
#[template(path = "identity_management.html")]
struct IdentityManagementPage {
    nav: Nav,
    enterprise: bool,
    okta_status: &'static str,
}

async fn identity_management_page(AdminSession(caller): AdminSession) -> Response {
    let okta_status = if caller.org.sso_client().is_some() {
        "Enabled"
    } else if caller.org.identity_provider.is_some() {
        "Disabled"
    } else {
        "Not configured"
    };
    render(&IdentityManagementPage {
        nav: Nav::new(&caller),
        enterprise: caller.org.tier == Tier::Enterprise,
        okta_status,
    })
}

/// One field's problem, shown next to it.
struct FieldError {
    field: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "identity_okta.html")]
struct OktaPage {
    nav: Nav,
    enterprise: bool,
    issuer: String,
    client_id: String,
    login_path: String,
    default_login_path: String,
    has_secret: bool,
    redirect_uri: String,
    /// The organization's login URL, once SSO is on.
    login_url: Option<String>,
    saved: bool,
    error: Option<String>,
    field_errors: Vec<FieldError>,
}

impl OktaPage {
    fn new(urls: &PublicUrls, caller: &Caller) -> Self {
        let idp = caller.org.identity_provider.as_ref();
        Self {
            nav: Nav::new(caller),
            enterprise: caller.org.tier == Tier::Enterprise,
            issuer: idp.and_then(|i| i.issuer.clone()).unwrap_or_default(),
            client_id: idp.and_then(|i| i.client_id.clone()).unwrap_or_default(),
            login_path: idp.map(|i| i.login_path.to_string()).unwrap_or_default(),
            default_login_path: caller.org.default_login_path().to_string(),
            has_secret: idp.is_some_and(|i| i.has_client_secret()),
            redirect_uri: urls.redirect_uri(),
            login_url: caller
                .org
                .sso_login_path()
                .map(|p| urls.org_login_url(p.as_str())),
            saved: false,
            error: None,
            field_errors: Vec::new(),
        }
    }

    /// The reason shown under `field`, if any (used by the template).
    fn field_error(&self, field: &str) -> Option<&str> {
        self.field_errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.reason.as_str())
    }
}

#[derive(Deserialize)]
struct OktaQuery {
    saved: Option<String>,
}

async fn okta_form(
    State(urls): State<PublicUrls>,
    AdminSession(caller): AdminSession,
    Query(query): Query<OktaQuery>,
) -> Response {
    let mut page = OktaPage::new(&urls, &caller);
    page.saved = query.saved.as_deref() == Some("true") && page.login_url.is_some();
    render(&page)
}

async fn okta_submit(
    State(state): State<IdentityState>,
    State(urls): State<PublicUrls>,
    AdminSession(caller): AdminSession,
    Form(form): Form<OktaForm>,
) -> Response {
    let entered = form.clone();
    match service::save_okta(&state, &caller, form, state.clock.now_system()).await {
        Ok(_) => Redirect::to(&format!("{}?saved=true", paths::IDENTITY_OKTA)).into_response(),
        Err(error) => {
            // Show the values as entered (never the secret), with the reasons.
            let caller = match state.directory.organization(&caller.org.id) {
                Some(org) => Caller { org, ..caller },
                None => return ErrorPage::internal().into_response(),
            };
            let mut page = OktaPage::new(&urls, &caller);
            page.issuer = entered.issuer;
            page.client_id = entered.client_id;
            page.login_path = entered.login_path;
            let status = match error {
                IdentityError::NotAdmin => {
                    return ErrorPage::forbidden("Only an Organization Admin can do this.")
                        .into_response();
                }
                IdentityError::NotEnterprise => {
                    page.error = Some(
                        "Okta single sign-on is available on Konnect Enterprise only. \
                         Upgrade your organization to enable it."
                            .to_owned(),
                    );
                    StatusCode::FORBIDDEN
                }
                IdentityError::Invalid { detail, params } => {
                    page.error = Some(if detail.is_empty() {
                        "Please correct the highlighted fields.".to_owned()
                    } else {
                        detail
                    });
                    page.field_errors = params
                        .into_iter()
                        .map(|p| FieldError {
                            field: p.field,
                            reason: p.reason,
                        })
                        .collect();
                    StatusCode::BAD_REQUEST
                }
                IdentityError::Discovery(error) => {
                    page.error = Some(format!("The issuer could not be verified. {error}"));
                    page.field_errors.push(FieldError {
                        field: "issuer".to_owned(),
                        reason: "could not be verified".to_owned(),
                    });
                    StatusCode::BAD_REQUEST
                }
                IdentityError::NoSuchOrganization
                | IdentityError::NotFound(_)
                | IdentityError::Conflict(_) => {
                    return ErrorPage::internal().into_response();
                }
            };
            (status, render(&page)).into_response()
        }
    }
}

/// One team's row on the Team Mappings page.
struct TeamRow {
    id: String,
    label: String,
    /// The mapped groups, one per line.
    groups: String,
}

#[derive(Template)]
#[template(path = "team_mappings.html")]
struct TeamMappingsPage {
    nav: Nav,
    /// Whether an identity provider is configured (the groups are its groups).
    configured: bool,
    idp_mapping_enabled: bool,
    konnect_mapping_enabled: bool,
    teams: Vec<TeamRow>,
    saved: bool,
    error: Option<String>,
}

impl TeamMappingsPage {
    fn new(caller: &Caller) -> Self {
        let org = &caller.org;
        Self {
            nav: Nav::new(caller),
            configured: org.identity_provider.is_some(),
            idp_mapping_enabled: org.auth_settings.idp_mapping_enabled,
            konnect_mapping_enabled: org.auth_settings.konnect_mapping_enabled,
            teams: org
                .teams
                .iter()
                .map(|t| TeamRow {
                    id: t.id.clone(),
                    label: t.label().to_owned(),
                    groups: org.groups_of_team(&t.id).join("\n"),
                })
                .collect(),
            saved: false,
            error: None,
        }
    }
}

async fn team_mappings_form(
    AdminSession(caller): AdminSession,
    Query(query): Query<OktaQuery>,
) -> Response {
    let mut page = TeamMappingsPage::new(&caller);
    page.saved = query.saved.as_deref() == Some("true");
    render(&page)
}

async fn team_mappings_submit(
    State(state): State<IdentityState>,
    AdminSession(caller): AdminSession,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let now = state.clock.now_system();
    match service::save_team_mappings(&state, &caller, &form, now) {
        Ok(()) => {
            Redirect::to(&format!("{}?saved=true", paths::IDENTITY_TEAM_MAPPINGS)).into_response()
        }
        Err(IdentityError::NotAdmin) => {
            ErrorPage::forbidden("Only an Organization Admin can do this.").into_response()
        }
        Err(error) => {
            // The page as saved, with the switches and groups as entered and the reason.
            let mut page = TeamMappingsPage::new(&caller);
            page.idp_mapping_enabled = form
                .iter()
                .any(|(k, v)| k == "idp_mapping_enabled" && v == "on");
            page.konnect_mapping_enabled = form
                .iter()
                .any(|(k, v)| k == "konnect_mapping_enabled" && v == "on");
            for row in &mut page.teams {
                let name = format!("team.{}", row.id);
                if let Some((_, v)) = form.iter().find(|(k, _)| *k == name) {
                    row.groups = v.clone();
                }
            }
            page.error = Some(match error {
                IdentityError::Invalid { detail, params } if params.is_empty() => detail,
                IdentityError::Invalid { params, .. } => params
                    .iter()
                    .map(|p| format!("{} {}", p.field, p.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
                IdentityError::NotEnterprise => {
                    "Team mappings are available on Konnect Enterprise only.".to_owned()
                }
                _ => return ErrorPage::internal().into_response(),
            });
            (StatusCode::BAD_REQUEST, render(&page)).into_response()
        }
    }
}
