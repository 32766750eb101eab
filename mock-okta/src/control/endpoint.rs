//! mock-okta's endpoint names: the route tables name each route (`discovery`, `token`, …)
//! with [`named`] / [`named_routes`] (server-kit's), and faults and the journal are keyed by
//! the name, the authorization server and the client id.

use axum::{
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::{Deserialize, Serialize};

pub use server_kit::control::{named, named_routes};

use crate::oidc::server::SERVER_PARAM;

/// A named endpoint of mock-okta, as faults and the journal call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    /// `/.well-known/openid-configuration`, `/.well-known/oauth-authorization-server`.
    Discovery,
    /// `v1/keys`.
    Keys,
    /// `v1/authorize` and its resumption after sign-in.
    Authorize,
    /// `v1/token`.
    Token,
    /// `v1/userinfo`.
    Userinfo,
    /// `v1/introspect`.
    Introspect,
    /// `v1/revoke`.
    Revoke,
    /// `v1/logout`.
    Logout,
    /// The hosted sign-in page and its steps, sign-out, `sessionCookieRedirect`.
    Signin,
    /// `/api/v1/authn`.
    Authn,
    /// The Management API (`/api/v1/…`) and `/api/v1/sessions/me`.
    Api,
}

impl Endpoint {
    pub const ALL: [Self; 11] = [
        Self::Discovery,
        Self::Keys,
        Self::Authorize,
        Self::Token,
        Self::Userinfo,
        Self::Introspect,
        Self::Revoke,
        Self::Logout,
        Self::Signin,
        Self::Authn,
        Self::Api,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Keys => "keys",
            Self::Authorize => "authorize",
            Self::Token => "token",
            Self::Userinfo => "userinfo",
            Self::Introspect => "introspect",
            Self::Revoke => "revoke",
            Self::Logout => "logout",
            Self::Signin => "signin",
            Self::Authn => "authn",
            Self::Api => "api",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// Whether the endpoint belongs to an authorization server (the OIDC endpoints).
    pub fn has_server(self) -> bool {
        !matches!(self, Self::Signin | Self::Authn | Self::Api)
    }

    /// The format its errors take.
    pub fn format(self) -> Format {
        match self {
            Self::Authorize | Self::Logout | Self::Signin => Format::Html,
            Self::Token | Self::Userinfo | Self::Introspect | Self::Revoke => Format::OAuth,
            Self::Discovery | Self::Keys | Self::Authn | Self::Api => Format::Okta,
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The wire format of an endpoint's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A browser page.
    Html,
    /// `{"error","error_description"}`.
    OAuth,
    /// Okta's API error body (`errorCode`, `errorSummary`, …).
    Okta,
}

/// The id the journal and faults use for the org authorization server, which has none in
/// its paths.
pub const ORG_SERVER: &str = "org";

impl server_kit::control::EndpointName for Endpoint {
    const ALL: &'static [Self] = &Self::ALL;
    const SERVER_PARAM: &'static str = SERVER_PARAM;
    const DEFAULT_SERVER: &'static str = ORG_SERVER;

    fn as_str(self) -> &'static str {
        Endpoint::as_str(self)
    }

    fn has_server(self) -> bool {
        Endpoint::has_server(self)
    }

    fn text_content_type(self) -> &'static str {
        match self.format() {
            Format::Html => "text/html; charset=utf-8",
            Format::OAuth | Format::Okta => "application/json",
        }
    }

    fn error_answer(self, status: StatusCode) -> Response {
        super::faults::default_answer(self, status)
    }

    fn decorate(self, status: StatusCode, headers: &mut HeaderMap, now: i64) {
        if status == StatusCode::TOO_MANY_REQUESTS {
            super::faults::rate_limited(headers, now);
        }
    }

    fn fault_id() -> String {
        crate::ids::okta_id("flt")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_say_their_format() {
        for e in Endpoint::ALL {
            assert_eq!(Endpoint::parse(e.as_str()), Some(e));
            assert_eq!(
                serde_json::to_value(e).unwrap(),
                serde_json::json!(e.as_str())
            );
        }
        assert_eq!(Endpoint::parse("tokens"), None);
        assert_eq!(Endpoint::Token.format(), Format::OAuth);
        assert_eq!(Endpoint::Signin.format(), Format::Html);
        assert_eq!(Endpoint::Api.format(), Format::Okta);
        assert!(!Endpoint::Authn.has_server());
    }
}
