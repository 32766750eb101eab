//! konnect-stub's endpoint names, as faults and the journal call them: the pages and APIs it
//! serves (faults may be set on them), and the calls it makes to the identity provider
//! (journaled only; make the provider itself fail instead).

use axum::{
    http::StatusCode,
    response::{IntoResponse as _, Response},
};
use serde::Serialize;

use crate::error::{ErrorPage, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    /// The home page `/`, the first page a logged-in user loads.
    Home,
    /// The login page `/login` and its form.
    Login,
    /// `POST /kauth/api/v1/authenticate`, the basic-auth login's JSON endpoint.
    Authenticate,
    /// An organization's SSO login URL `/login/{login path}`, which sends the browser to the
    /// identity provider.
    Sso,
    /// The redirect back from the identity provider, `/login?code&state`.
    Callback,
    /// `POST /logout`.
    Logout,
    /// Settings and Settings > Identity Management pages.
    Identity,
    /// The v2 and v3 API (`/v2/…`, `/v3/…`).
    Api,
    /// Outgoing: the provider's discovery document.
    Discovery,
    /// Outgoing: the provider's signing keys (JWKS).
    Jwks,
    /// Outgoing: the provider's token endpoint (the code exchange).
    Token,
    /// Outgoing: the provider's userinfo endpoint.
    Userinfo,
}

impl Endpoint {
    pub const ALL: [Self; 12] = [
        Self::Home,
        Self::Login,
        Self::Authenticate,
        Self::Sso,
        Self::Callback,
        Self::Logout,
        Self::Identity,
        Self::Api,
        Self::Discovery,
        Self::Jwks,
        Self::Token,
        Self::Userinfo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Login => "login",
            Self::Authenticate => "authenticate",
            Self::Sso => "sso",
            Self::Callback => "callback",
            Self::Logout => "logout",
            Self::Identity => "identity",
            Self::Api => "api",
            Self::Discovery => "discovery",
            Self::Jwks => "jwks",
            Self::Token => "token",
            Self::Userinfo => "userinfo",
        }
    }

    /// Whether it is a call konnect-stub makes to the identity provider.
    pub fn is_outgoing(self) -> bool {
        matches!(
            self,
            Self::Discovery | Self::Jwks | Self::Token | Self::Userinfo
        )
    }

    /// Whether its errors are problem+json (else an HTML page).
    fn is_json(self) -> bool {
        matches!(self, Self::Authenticate | Self::Api)
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl server_kit::control::EndpointName for Endpoint {
    const ALL: &'static [Self] = &Self::ALL;

    fn as_str(self) -> &'static str {
        Endpoint::as_str(self)
    }

    fn faultable(self) -> bool {
        !self.is_outgoing()
    }

    fn text_content_type(self) -> &'static str {
        if self.is_json() {
            "application/problem+json"
        } else {
            "text/html; charset=utf-8"
        }
    }

    fn error_answer(self, status: StatusCode) -> Response {
        if self.is_json() {
            Problem::for_status(status).into_response()
        } else {
            ErrorPage::for_status(status).into_response()
        }
    }

    fn fault_id() -> String {
        crate::crypto::new_uuid()
    }
}

#[cfg(test)]
mod tests {
    use server_kit::control::EndpointName;

    use super::*;

    #[test]
    fn names_round_trip_and_outgoing_calls_take_no_faults() {
        for e in Endpoint::ALL {
            assert_eq!(<Endpoint as EndpointName>::parse(e.as_str()), Some(e));
            assert_eq!(serde_json::to_value(e).unwrap(), e.as_str());
        }
        assert!(Endpoint::Callback.faultable());
        assert!(!Endpoint::Token.faultable());
    }
}
