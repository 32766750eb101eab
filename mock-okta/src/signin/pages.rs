//! The sign-in widget's two steps, in the style of Okta's Identity Engine widget and with its
//! field names, so scenarios written for real Okta work here too.

use askama::Template;
use axum::{http::StatusCode, response::Response};

use crate::paths;

#[derive(Template)]
#[template(path = "signin.html")]
struct Signin<'a> {
    /// "identify", "challenge", "expired" or "reset".
    step: &'a str,
    state_token: &'a str,
    identifier: &'a str,
    error: Option<&'a str>,
    identify_action: &'a str,
    answer_action: &'a str,
    new_password_action: &'a str,
    /// The reset link itself, for the "reset" step.
    reset_action: &'a str,
}

fn render(page: Signin<'_>) -> Response {
    let status = if page.error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    crate::html::render(status, &page)
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
        new_password_action: paths::SIGNIN_NEW_PASSWORD,
        reset_action: "",
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
        new_password_action: paths::SIGNIN_NEW_PASSWORD,
        reset_action: "",
    })
}

/// After the password: it has expired, so a new one (twice), then Change Password.
pub fn new_password(state_token: &str, identifier: &str, error: Option<&str>) -> Response {
    render(Signin {
        step: "expired",
        state_token,
        identifier,
        error,
        identify_action: paths::SIGNIN_IDENTIFY,
        answer_action: paths::SIGNIN_ANSWER,
        new_password_action: paths::SIGNIN_NEW_PASSWORD,
        reset_action: "",
    })
}

/// The page of a password reset link: a new password, again, then Reset Password.
pub fn reset_password(reset_action: &str, identifier: &str, error: Option<&str>) -> Response {
    render(Signin {
        step: "reset",
        state_token: "",
        identifier,
        error,
        identify_action: paths::SIGNIN_IDENTIFY,
        answer_action: paths::SIGNIN_ANSWER,
        new_password_action: paths::SIGNIN_NEW_PASSWORD,
        reset_action,
    })
}
