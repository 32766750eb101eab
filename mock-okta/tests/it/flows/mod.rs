//! Whole flows, one file per kind: the code flow checked by a strict relying party with
//! refresh, userinfo, introspect, revoke, logout and SSO; implicit and form_post; service and
//! public clients; the org authorization server; client assertions. Helpers shared by these
//! files are here.

mod claims;
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

/// The relying party's HTTP client: the workspace's reqwest (openidconnect's own `reqwest`
/// feature would build a second, older reqwest), following no redirects.
fn rp_http() -> impl Fn(
    openidconnect::HttpRequest,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<openidconnect::HttpResponse, reqwest::Error>>>,
> {
    let client = server_kit::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("rp client");
    move |request| {
        let client = client.clone();
        Box::pin(async move {
            let response = client.execute(reqwest::Request::try_from(request)?).await?;
            let mut answer = openidconnect::HttpResponse::new(Vec::new());
            *answer.status_mut() = response.status();
            *answer.headers_mut() = response.headers().clone();
            *answer.body_mut() = response.bytes().await?.to_vec();
            Ok(answer)
        })
    }
}
