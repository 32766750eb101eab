//! Directory > Groups: the org's groups, Add group, and a group's People (Assign people,
//! Remove), all through the directory's group functions.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};

use super::{AdminForm, AdminSession, Chrome, FieldErrors, not_found, render};
use crate::{
    directory::{DirError, Group, GroupType},
    params::BrowserQuery,
    paths,
    state::AppState,
    web::found,
};

pub(super) fn router() -> Router<AppState> {
    let group = paths::ADMIN_GROUP;
    Router::new()
        .route(
            paths::ADMIN_GROUPS,
            get(console_groups_list).post(console_groups_add),
        )
        .route(group, get(console_group_show))
        .route(&format!("{group}/people"), post(console_group_person_add))
        .route(
            &format!("{group}/people/remove"),
            post(console_group_person_remove),
        )
}

/// Where an API validation cause is shown on the Add group form.
fn group_field(api_field: &str) -> Option<&'static str> {
    match api_field {
        "name" => Some("name"),
        _ => None,
    }
}

struct GroupRow {
    name: String,
    description: String,
    path: String,
    people: usize,
    built_in: bool,
}

#[derive(Template)]
#[template(path = "console/groups.html")]
struct GroupsPage {
    chrome: Chrome,
    groups: Vec<GroupRow>,
    dialog: bool,
    name: String,
    description: String,
    errors: FieldErrors,
    action: &'static str,
}

fn groups_page(
    state: &AppState,
    admin: &AdminSession,
    dialog: bool,
    (name, description): (String, String),
    errors: FieldErrors,
) -> Response {
    let groups = state
        .dir
        .all_groups()
        .into_iter()
        .map(|g| GroupRow {
            people: state.dir.group_members(&g.id).map_or(0, |m| m.len()),
            path: paths::admin_group_path(&g.id),
            built_in: g.type_ == GroupType::BuiltIn,
            description: g.profile_description.clone().unwrap_or_default(),
            name: g.profile_name,
        })
        .collect();
    render(
        errors.status(),
        &GroupsPage {
            chrome: admin.chrome(state, "groups"),
            groups,
            dialog,
            name,
            description,
            errors,
            action: paths::ADMIN_GROUPS,
        },
    )
}

async fn console_groups_list(
    State(state): State<AppState>,
    admin: AdminSession,
    BrowserQuery(q): BrowserQuery,
) -> Response {
    groups_page(
        &state,
        &admin,
        q.get("dialog").is_some(),
        (String::new(), String::new()),
        FieldErrors::default(),
    )
}

/// Add group: the new group's page on success, the dialog with its errors otherwise.
async fn console_groups_add(
    State(state): State<AppState>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    let name = form.text("name");
    let description = form.text("description");
    let desc = (!description.is_empty()).then(|| description.clone());
    match state.dir.create_group(&name, desc) {
        Ok(g) => found(&paths::admin_group_path(&g.id)),
        Err(e) => {
            let errors = FieldErrors::of_dir_error(&e, group_field);
            groups_page(&state, &admin, true, (name, description), errors)
        }
    }
}

struct Member {
    id: String,
    name: String,
    login: String,
}

struct PersonOption {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "console/group.html")]
struct GroupPage {
    chrome: Chrome,
    name: String,
    description: String,
    path: String,
    built_in: bool,
    members: Vec<Member>,
    people_options: Vec<PersonOption>,
    errors: FieldErrors,
}

fn group_page(
    state: &AppState,
    admin: &AdminSession,
    group: &Group,
    errors: FieldErrors,
) -> Response {
    let members = state.dir.group_members(&group.id).unwrap_or_default();
    let people_options = state
        .dir
        .all_users()
        .into_iter()
        .filter(|u| !members.iter().any(|m| m.id == u.id))
        .map(|u| PersonOption {
            label: format!("{} ({})", u.display_name(), u.login()),
            value: u.id,
        })
        .collect();
    render(
        errors.status(),
        &GroupPage {
            chrome: admin.chrome(state, "groups"),
            name: group.profile_name.clone(),
            description: group.profile_description.clone().unwrap_or_default(),
            path: paths::admin_group_path(&group.id),
            built_in: group.type_ == GroupType::BuiltIn,
            members: members
                .into_iter()
                .map(|u| Member {
                    name: u.display_name(),
                    login: u.login().to_owned(),
                    id: u.id,
                })
                .collect(),
            people_options,
            errors,
        },
    )
}

async fn console_group_show(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(group_id): Path<String>,
) -> Response {
    match state.dir.group(&group_id) {
        Ok(g) => group_page(&state, &admin, &g, FieldErrors::default()),
        Err(_) => not_found(),
    }
}

/// Assign people (`true`) or Remove (`false`): back to the group's page, or the page with
/// the error.
fn change_member(
    state: &AppState,
    admin: &AdminSession,
    group_id: &str,
    user_id: &str,
    member: bool,
) -> Response {
    let Ok(group) = state.dir.group(group_id) else {
        return not_found();
    };
    match state.dir.set_group_member(group_id, user_id, member) {
        Ok(()) => found(&paths::admin_group_path(group_id)),
        Err(e) => {
            let mut errors = FieldErrors::default();
            match e {
                DirError::Forbidden => {
                    errors.add_general("The members of the Everyone group cannot be changed.")
                }
                other => errors.add_dir_error(&other, |_| None),
            }
            group_page(state, admin, &group, errors)
        }
    }
}

async fn console_group_person_add(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    change_member(&state, &admin, &group_id, &form.text("user_id"), true)
}

async fn console_group_person_remove(
    State(state): State<AppState>,
    Path(group_id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Response {
    change_member(&state, &admin, &group_id, &form.text("user_id"), false)
}
