//! The token exchange: the authorization code for tokens at the provider's token endpoint,
//! authenticated with client_secret_basic and proven by the PKCE verifier.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::Deserialize;

use super::{
    RelyingParty, SsoError,
    discovery::ProviderMetadata,
    fetch::{self, Endpoint, FetchError, FetchFailure},
    pending::PendingLogin,
};

/// What the token endpoint answered with.
pub(super) struct Tokens {
    pub id_token: String,
    pub access_token: Option<String>,
}

impl RelyingParty {
    pub(super) async fn exchange_code(
        &self,
        meta: &ProviderMetadata,
        pending: &PendingLogin,
        code: &str,
    ) -> Result<Tokens, SsoError> {
        // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let credentials = STANDARD.encode(format!(
            "{}:{}",
            encode(&pending.client.client_id),
            encode(&pending.client.client_secret)
        ));
        let request = self
            .http
            .post(&meta.token_endpoint)
            .header(
                reqwest::header::AUTHORIZATION,
                format!("Basic {credentials}"),
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", pending.redirect_uri.as_str()),
                ("code_verifier", pending.verifier.as_str()),
            ]);
        let (status, _, body) = fetch::send(
            &self.control,
            Endpoint::Token,
            &meta.token_endpoint,
            request,
        )
        .await?;
        if !(200..300).contains(&status) {
            #[derive(Deserialize)]
            struct OAuthError {
                error: String,
                error_description: Option<String>,
            }
            // A provider that is overloaded or failing did not refuse this code: say it is
            // unavailable, whatever its body says.
            let unavailable = status == 429 || status >= 500;
            return Err(match serde_json::from_slice::<OAuthError>(&body) {
                Ok(e) if !unavailable => SsoError::TokenRejected {
                    status,
                    error: e.error,
                    description: e.error_description,
                },
                _ => SsoError::Fetch(FetchError {
                    endpoint: Endpoint::Token,
                    url: meta.token_endpoint.clone(),
                    failure: FetchFailure::Status {
                        status,
                        body: body.into_iter().take(512).collect(),
                    },
                }),
            });
        }
        #[derive(Deserialize)]
        struct Raw {
            id_token: Option<String>,
            access_token: Option<String>,
            token_type: Option<String>,
        }
        let raw: Raw = serde_json::from_slice(&body)
            .map_err(|e| SsoError::BadTokenResponse(format!("not JSON ({e})")))?;
        let id_token = raw
            .id_token
            .ok_or_else(|| SsoError::BadTokenResponse("it has no id_token".to_owned()))?;
        if raw
            .token_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(SsoError::BadTokenResponse(
                "its token_type is not Bearer".to_owned(),
            ));
        }
        Ok(Tokens {
            id_token,
            access_token: raw.access_token,
        })
    }
}
