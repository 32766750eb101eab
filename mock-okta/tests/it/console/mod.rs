//! The Admin Console over HTTP, one file per part: who gets in and the anti-forgery token,
//! the Create App Integration wizard, General Settings, Assignments and People, with every
//! validation error. Helpers shared by these files are here.

mod access;
mod assignments;
mod claims;
mod general_settings;
mod groups;
mod people;
mod sign_on;
mod wizard;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

/// Form fields, as a browser posts them.
type Form<'a> = [(&'a str, &'a str)];

const WEB_WIZARD: &str = "/admin/apps/oauth2-wizard/create?applicationType=WEB";
const KONNECT_LOGIN: &str = "https://cloud.konghq.com/login";
const KONNECT_ORG_LOGIN: &str = "https://cloud.konghq.com/login/acme";

/// A browser signed in to the console as the seeded admin.
async fn admin(h: &Harness) -> reqwest::Client {
    let (b, back) = sign_in_at(h, "/admin/dashboard", ADMIN.0, ADMIN.1).await;
    assert_eq!(back, "/admin/dashboard");
    b
}

async fn page(b: &reqwest::Client, h: &Harness, path: &str) -> (StatusCode, String) {
    let res = b.get(h.url(path)).reply().await;
    (res.status, res.text)
}

/// The session's anti-forgery token, as every console form carries it.
async fn token(b: &reqwest::Client, h: &Harness) -> String {
    let (status, html) = page(b, h, WEB_WIZARD).await;
    assert_eq!(status, StatusCode::OK);
    hidden(&html, "_xsrfToken").expect("console forms carry _xsrfToken")
}

async fn post(
    b: &reqwest::Client,
    h: &Harness,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut form = vec![("_xsrfToken", token)];
    form.extend_from_slice(fields);
    b.post(h.url(path)).form(&form).reply().await
}

async fn api_app(h: &Harness, id: &str) -> Value {
    let res = h
        .api(Method::GET, &format!("/api/v1/apps/{id}"))
        .reply()
        .await;
    assert_eq!(res.status, StatusCode::OK);
    res.json
}

fn app_count(h: &Harness) -> usize {
    h.okta
        .directory()
        .list_apps(None, &|_| true, None, usize::MAX)
        .items
        .len()
}

/// The guide's web app, made through the wizard; returns the app id.
async fn create_in_console(
    b: &reqwest::Client,
    h: &Harness,
    token: &str,
    fields: &[(&str, &str)],
) -> String {
    let res = post(b, h, WEB_WIZARD, token, fields).await;
    assert_eq!(res.status, StatusCode::FOUND, "Save creates the app");
    let to = location(&res);
    let id = to
        .strip_prefix("/admin/app/oidc_client/instance/")
        .expect("Save opens the app's page")
        .to_owned();
    assert!(id.starts_with("0oa"), "{id}");
    id
}
