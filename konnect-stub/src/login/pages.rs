//! Page models of the login surface.

use askama::Template;

use crate::auth::Caller;
use crate::pages::Nav;

/// A message on the login page, optionally with the organization's SSO login URL.
#[derive(Debug, Clone)]
pub struct LoginMessage {
    pub text: String,
    pub login_url: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub email: String,
    pub error: Option<LoginMessage>,
    pub notice: Option<String>,
    /// `/login?basicAuth=true`: the admins' way to the email/password form while SSO is on.
    pub basic_auth_forced: bool,
}

impl LoginPage {
    pub fn new(basic_auth_forced: bool) -> Self {
        Self {
            email: String::new(),
            error: None,
            notice: None,
            basic_auth_forced,
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub nav: Nav,
    pub email: String,
    pub full_name: String,
    pub role: &'static str,
    pub org_name: String,
    pub tier: &'static str,
    pub login_url: Option<String>,
    /// The user's teams, as the UI labels them.
    pub teams: Vec<String>,
}

impl HomePage {
    pub fn new(caller: &Caller, login_url: Option<String>) -> Self {
        Self {
            nav: Nav::new(caller),
            email: caller.user.email.to_string(),
            full_name: caller.user.full_name.clone(),
            role: caller.user.role.label(),
            org_name: caller.org.name.clone(),
            tier: caller.org.tier.label(),
            login_url,
            teams: caller
                .org
                .teams_of(&caller.user)
                .into_iter()
                .map(|t| t.label().to_owned())
                .collect(),
        }
    }
}
