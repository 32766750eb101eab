//! Whole flows, one file per kind: the code flow checked by a strict relying party with
//! refresh, userinfo, introspect, revoke, logout and SSO; implicit and form_post; service and
//! public clients; the org authorization server; client assertions. Helpers shared by these
//! files are here.

mod client_assertions;
mod clients;
mod code_flow;
mod implicit;
mod org_server;

use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

fn rp_http() -> openidconnect::reqwest::Client {
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .expect("rp client")
}
