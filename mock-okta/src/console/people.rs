//! People: the org's users, and Add person with a password set by the admin.

use askama::Template;
use axum::{Router, extract::State, response::Response, routing::get};
use serde_json::{Map, Value};

use super::{AdminForm, AdminSession, Chrome, FieldErrors, FormData, render};
use crate::{
    directory::{NewUser, UserStatus},
    params::BrowserQuery,
    paths,
    state::AppState,
    web::found,
};

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        paths::ADMIN_USERS,
        get(console_people_list).post(console_people_add),
    )
}

/// Okta's console names for user statuses.
fn status_label(s: UserStatus) -> &'static str {
    match s {
        UserStatus::Staged => "Staged",
        UserStatus::Provisioned => "Pending user action",
        UserStatus::Active => "Active",
        UserStatus::Recovery => "Password reset",
        UserStatus::PasswordExpired => "Password expired",
        UserStatus::LockedOut => "Locked out",
        UserStatus::Suspended => "Suspended",
        UserStatus::Deprovisioned => "Deactivated",
    }
}

fn person_field(api_field: &str) -> Option<&'static str> {
    Some(match api_field {
        "firstName" => "first_name",
        "lastName" => "last_name",
        "login" => "login",
        "email" => "email",
        "password" => "password",
        _ => return None,
    })
}

/// The Add person form, as typed.
struct PersonValues {
    first_name: String,
    last_name: String,
    login: String,
    email: String,
    /// Password: "admin" (Set by admin) or "user" (Set by user).
    password_mode: String,
    /// Activation: "now" or "later".
    activation: String,
}

impl PersonValues {
    fn new() -> Self {
        Self {
            first_name: String::new(),
            last_name: String::new(),
            login: String::new(),
            email: String::new(),
            password_mode: "admin".to_owned(),
            activation: "now".to_owned(),
        }
    }

    fn from_form(f: &FormData) -> Self {
        Self {
            first_name: f.text("first_name"),
            last_name: f.text("last_name"),
            login: f.text("login"),
            email: f.text("email"),
            password_mode: if f.get("password_mode") == Some("user") {
                "user"
            } else {
                "admin"
            }
            .to_owned(),
            activation: if f.get("activation") == Some("later") {
                "later"
            } else {
                "now"
            }
            .to_owned(),
        }
    }

    fn profile(&self) -> Map<String, Value> {
        let mut p = Map::new();
        for (k, v) in [
            ("firstName", &self.first_name),
            ("lastName", &self.last_name),
            ("email", &self.email),
            ("login", &self.login),
        ] {
            p.insert(k.to_owned(), Value::String(v.clone()));
        }
        p
    }
}

struct PersonRow {
    name: String,
    login: String,
    email: String,
    status: &'static str,
    admin: bool,
}

#[derive(Template)]
#[template(path = "console/people.html")]
struct PeoplePage {
    chrome: Chrome,
    people: Vec<PersonRow>,
    dialog: bool,
    v: PersonValues,
    errors: FieldErrors,
    action: &'static str,
}

fn people_page(
    state: &AppState,
    admin: &AdminSession,
    dialog: bool,
    v: PersonValues,
    errors: FieldErrors,
) -> Response {
    let people = state
        .dir
        .all_users()
        .into_iter()
        .map(|u| PersonRow {
            name: u.display_name(),
            login: u.login().to_owned(),
            email: u.email().unwrap_or_default().to_owned(),
            status: status_label(u.status),
            admin: u.is_super_admin(),
        })
        .collect();
    render(
        errors.status(),
        &PeoplePage {
            chrome: admin.chrome(state, "people"),
            people,
            dialog,
            v,
            errors,
            action: paths::ADMIN_USERS,
        },
    )
}

async fn console_people_list(
    State(state): State<AppState>,
    admin: AdminSession,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    people_page(
        &state,
        &admin,
        q.get("dialog").is_some(),
        PersonValues::new(),
        FieldErrors::default(),
    )
}

async fn console_people_add(
    State(state): State<AppState>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    let v = PersonValues::from_form(&form);
    // The password is never echoed back into the form.
    let password = form.get("password").unwrap_or_default().to_owned();
    if v.password_mode == "admin" && password.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add("password", "This field cannot be left blank");
        return people_page(&state, &admin, true, v, errors);
    }
    let new = NewUser {
        profile: v.profile(),
        password: (v.password_mode == "admin").then_some(password),
        group_ids: Vec::new(),
        activate: v.activation == "now",
    };
    match state.dir.create_user(new) {
        Ok(_) => found(paths::ADMIN_USERS),
        Err(e) => {
            let errors = FieldErrors::of_dir_error(&e, person_field);
            people_page(&state, &admin, true, v, errors)
        }
    }
}
