//! The sign-in widget's two steps, in the style of Okta's Identity Engine widget and with its
//! field names, so scenarios written for real Okta work here too.

use askama::Template;
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use crate::paths;

#[derive(Template)]
#[template(path = "signin.html")]
struct Signin<'a> {
    /// "identify" or "challenge".
    step: &'a str,
    state_token: &'a str,
    identifier: &'a str,
    error: Option<&'a str>,
    identify_action: &'a str,
    answer_action: &'a str,
}

#[derive(Template)]
#[template(path = "simple.html")]
struct Simple<'a> {
    title: &'a str,
    message: &'a str,
}

fn render(page: Signin<'_>) -> Response {
    let status = if page.error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    match page.render() {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache, no-store"),
            );
            res
        }
        Err(err) => {
            tracing::error!(%err, "sign-in page did not render");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Step 1: Username, then Next.
pub fn identify(state_token: &str, identifier: &str, error: Option<&str>) -> Response {
    render(Signin {
        step: "identify",
        state_token,
        identifier,
        error,
        identify_action: paths::SIGNIN_IDENTIFY,
        answer_action: paths::SIGNIN_ANSWER,
    })
}

/// Step 2: Password, then Verify.
pub fn challenge(state_token: &str, identifier: &str, error: Option<&str>) -> Response {
    render(Signin {
        step: "challenge",
        state_token,
        identifier,
        error,
        identify_action: paths::SIGNIN_IDENTIFY,
        answer_action: paths::SIGNIN_ANSWER,
    })
}

/// A plain page with a title and a message.
pub fn simple_page(title: &str, message: &str) -> String {
    Simple { title, message }
        .render()
        .unwrap_or_else(|_| title.to_owned())
}
