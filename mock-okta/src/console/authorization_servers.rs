//! Security > API > Authorization Servers: the `default` server's page with its Settings
//! and Claims tabs, and Add Claim with Okta's labels. Claims are made and deleted through
//! the same directory functions as `/api/v1/authorizationServers/default/claims`.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};

use super::{AdminForm, AdminSession, Chrome, FieldErrors, FormData, not_found, render};
use crate::{
    directory::{
        Claim, ClaimConditionsInput, ClaimInput, ClaimType, GroupFilterType, SYSTEM_SCOPES,
        ValueType,
    },
    params::BrowserQuery,
    paths::{self, AuthServer, ServerId},
    state::AppState,
    web::found,
};

/// The only custom authorization server of the org.
const DEFAULT: &str = "default";

pub(super) fn router() -> Router<AppState> {
    let server = paths::ADMIN_AUTH_SERVER;
    Router::new()
        .route(paths::ADMIN_AUTH_SERVERS, get(console_auth_servers_list))
        .route(server, get(console_auth_server_show))
        .route(&format!("{server}/claims"), post(console_claims_add))
        .route(
            &format!("{server}/claims/remove"),
            post(console_claims_remove),
        )
}

fn server_path() -> String {
    paths::ADMIN_AUTH_SERVER.replace("{server_id}", DEFAULT)
}

fn claims_tab() -> String {
    format!("{}?tab=claims#tab-claims", server_path())
}

#[derive(Template)]
#[template(path = "console/auth_servers.html")]
struct AuthServersPage {
    chrome: Chrome,
    servers: Vec<ServerRow>,
}

struct ServerRow {
    name: String,
    audience: String,
    issuer: String,
    status: &'static str,
    /// The server's page: `default`'s (its claims) is the one the console has.
    path: Option<String>,
}

async fn console_auth_servers_list(State(state): State<AppState>, admin: AdminSession) -> Response {
    render(
        StatusCode::OK,
        &AuthServersPage {
            chrome: admin.chrome(&state, "api"),
            servers: state
                .dir
                .custom_servers()
                .into_iter()
                .map(|s| ServerRow {
                    path: (s.id == ServerId::DEFAULT).then(server_path),
                    issuer: state.org.issuer(s.server()),
                    audience: s.audiences.join(", "),
                    status: if s.active { "Active" } else { "Inactive" },
                    name: s.name,
                })
                .collect(),
        },
    )
}

/// "ID Token" or "Access Token", as the claims list and the form name token types.
fn token_type_label(t: ClaimType) -> &'static str {
    match t {
        ClaimType::Identity => "ID Token",
        ClaimType::Resource => "Access Token",
    }
}

/// Include in token type, second list: when an ID token carries the claim.
const ALWAYS: &str = "Always";
const USERINFO: &str = "Userinfo/id_token request";

struct ClaimRow {
    id: String,
    name: String,
    token_type: &'static str,
    include: &'static str,
    value_type: &'static str,
    value: String,
    scopes: String,
    active: bool,
}

fn claim_row(c: &Claim) -> ClaimRow {
    ClaimRow {
        id: c.id.clone(),
        name: c.name.clone(),
        token_type: token_type_label(c.claim_type),
        include: match (c.claim_type, c.always_include_in_token) {
            (ClaimType::Resource, _) => "",
            (ClaimType::Identity, true) => ALWAYS,
            (ClaimType::Identity, false) => USERINFO,
        },
        value_type: match c.value_type() {
            ValueType::Expression => "Expression",
            ValueType::Groups => "Groups",
        },
        value: match c.group_filter_type() {
            Some(t) => format!("{}: {}", t.label(), c.value_text()),
            None => c.value_text().to_owned(),
        },
        scopes: if c.scopes.is_empty() {
            "Any scope".to_owned()
        } else {
            c.scopes.join(", ")
        },
        active: c.active,
    }
}

/// The Add Claim form, as typed.
struct ClaimValues {
    name: String,
    /// "IDENTITY" or "RESOURCE".
    token_type: String,
    /// "always" or "userinfo".
    include: String,
    /// "EXPRESSION" or "GROUPS".
    value_type: String,
    value: String,
    filter_type: String,
    filter_value: String,
    disabled: bool,
    /// "any" or "scopes".
    include_in: String,
    scopes: Vec<String>,
}

impl ClaimValues {
    fn new() -> Self {
        Self {
            name: String::new(),
            token_type: "RESOURCE".to_owned(),
            include: "always".to_owned(),
            value_type: "EXPRESSION".to_owned(),
            value: String::new(),
            filter_type: GroupFilterType::StartsWith.as_str().to_owned(),
            filter_value: String::new(),
            disabled: false,
            include_in: "any".to_owned(),
            scopes: Vec::new(),
        }
    }

    fn from_form(f: &FormData) -> Self {
        let pick = |name: &str, options: &[&str], default: &str| {
            let v = f.text(name);
            if options.contains(&v.as_str()) {
                v
            } else {
                default.to_owned()
            }
        };
        Self {
            name: f.text("name"),
            token_type: pick("token_type", &["IDENTITY", "RESOURCE"], "RESOURCE"),
            include: pick("include", &["always", "userinfo"], "always"),
            value_type: pick("value_type", &["EXPRESSION", "GROUPS"], "EXPRESSION"),
            value: f.get("value").unwrap_or_default().to_owned(),
            filter_type: pick(
                "filter_type",
                &GroupFilterType::ALL.map(GroupFilterType::as_str),
                "STARTS_WITH",
            ),
            filter_value: f.get("filter_value").unwrap_or_default().to_owned(),
            disabled: f.has("disabled", "on"),
            include_in: pick("include_in", &["any", "scopes"], "any"),
            scopes: f.all("scopes"),
        }
    }

    fn groups(&self) -> bool {
        self.value_type == "GROUPS"
    }

    /// The claim as the Claims API takes it.
    fn input(&self) -> ClaimInput {
        let groups = self.groups();
        ClaimInput {
            name: Some(self.name.clone()),
            status: Some(if self.disabled { "INACTIVE" } else { "ACTIVE" }.to_owned()),
            claim_type: Some(if self.token_type == "IDENTITY" {
                ClaimType::Identity
            } else {
                ClaimType::Resource
            }),
            value_type: Some(if groups {
                ValueType::Groups
            } else {
                ValueType::Expression
            }),
            value: Some(if groups {
                self.filter_value.clone()
            } else {
                self.value.clone()
            }),
            group_filter_type: groups
                .then(|| GroupFilterType::parse(&self.filter_type))
                .flatten(),
            always_include_in_token: Some(self.include == "always"),
            conditions: Some(ClaimConditionsInput {
                scopes: if self.include_in == "scopes" {
                    self.scopes.clone()
                } else {
                    Vec::new()
                },
            }),
            system: None,
        }
    }
}

struct FilterOption {
    value: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "console/auth_server.html")]
struct AuthServerPage {
    chrome: Chrome,
    tab: &'static str,
    path: String,
    issuer: String,
    claims: Vec<ClaimRow>,
    dialog: bool,
    v: ClaimValues,
    filters: Vec<FilterOption>,
    scope_names: Vec<String>,
    errors: FieldErrors,
}

fn server_page(
    state: &AppState,
    admin: &AdminSession,
    tab: &'static str,
    dialog: bool,
    v: ClaimValues,
    errors: FieldErrors,
) -> Response {
    let mut scope_names: Vec<String> = SYSTEM_SCOPES.iter().map(|s| (*s).to_owned()).collect();
    scope_names.extend(
        state
            .dir
            .scopes(ServerId::DEFAULT)
            .into_iter()
            .map(|s| s.name),
    );
    render(
        errors.status(),
        &AuthServerPage {
            chrome: admin.chrome(state, "api"),
            tab,
            path: server_path(),
            issuer: state.org.issuer(AuthServer::DEFAULT),
            claims: state
                .dir
                .claims(ServerId::DEFAULT)
                .iter()
                .map(claim_row)
                .collect(),
            dialog,
            v,
            filters: GroupFilterType::ALL
                .into_iter()
                .map(|t| FilterOption {
                    value: t.as_str(),
                    label: t.label(),
                })
                .collect(),
            scope_names,
            errors,
        },
    )
}

async fn console_auth_server_show(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(server_id): Path<String>,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    if server_id != DEFAULT {
        return not_found();
    }
    let dialog = q.get("dialog") == Some("add-claim");
    let tab = if dialog || q.get("tab") == Some("claims") {
        "claims"
    } else {
        "settings"
    };
    server_page(
        &state,
        &admin,
        tab,
        dialog,
        ClaimValues::new(),
        FieldErrors::default(),
    )
}

/// Where an API validation cause is shown on the Add Claim form (the value is the filter's
/// for a groups claim).
fn expression_field(api_field: &str) -> Option<&'static str> {
    match api_field {
        "name" => Some("name"),
        "value" => Some("value"),
        "conditions.scopes" => Some("scopes"),
        _ => None,
    }
}

fn groups_field(api_field: &str) -> Option<&'static str> {
    match api_field {
        "value" | "group_filter_type" => Some("filter_value"),
        other => expression_field(other),
    }
}

async fn console_claims_add(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    if server_id != DEFAULT {
        return not_found();
    }
    let v = ClaimValues::from_form(&form);
    match state.dir.create_claim(ServerId::DEFAULT, v.input()) {
        Ok(_) => found(&claims_tab()),
        Err(e) => {
            let field_of = if v.groups() {
                groups_field
            } else {
                expression_field
            };
            let errors = FieldErrors::of_dir_error(&e, field_of);
            server_page(&state, &admin, "claims", true, v, errors)
        }
    }
}

async fn console_claims_remove(
    State(state): State<AppState>,
    Path(server_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    if server_id != DEFAULT {
        return not_found();
    }
    match state
        .dir
        .delete_claim(ServerId::DEFAULT, &form.text("claim_id"))
    {
        Ok(()) => found(&claims_tab()),
        Err(e) => {
            let errors = FieldErrors::of_dir_error(&e, |_| None);
            server_page(&state, &admin, "claims", false, ClaimValues::new(), errors)
        }
    }
}
