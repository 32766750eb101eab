//! What the back-channel endpoints (token, introspect, revoke) share: reading the request
//! (a form body, the query and the `Authorization` header, with OAuth's errors),
//! authenticating the client, and the headers of every answer.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::header,
    response::{IntoResponse, Response},
};

use super::{client_assertion::AssertionContext, client_auth, error::OAuthError};
use crate::{
    directory::App,
    params::{Params, is_form},
    paths::AuthServer,
    state::AppState,
};

/// A back-channel request.
pub struct BackChannel {
    pub form: Params,
    pub query: Params,
    pub authorization: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for BackChannel {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &S) -> Result<Self, OAuthError> {
        let query = Params::from_query(req.uri().query());
        let authorization = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let form_body = is_form(req.headers());
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|_| OAuthError::invalid_request("The request body could not be read."))?;
        if !form_body && !body.is_empty() {
            return Err(OAuthError::invalid_request(
                "The request must use the 'application/x-www-form-urlencoded' content type.",
            ));
        }
        Ok(Self {
            form: Params::parse(&body),
            query,
            authorization,
        })
    }
}

impl BackChannel {
    /// Authenticates the client for `endpoint` of `server` (the URL a client assertion must
    /// name as its audience) and returns its app.
    pub fn client(
        &self,
        state: &AppState,
        server: AuthServer,
        endpoint: &str,
    ) -> Result<App, OAuthError> {
        let audience = state.org.endpoint(server, endpoint);
        let ctx = AssertionContext {
            audience: &audience,
            ledger: &state.ledger,
            now: state.clock.now(),
        };
        client_auth::authenticate(
            &state.dir,
            self.authorization.as_deref(),
            self.form.pairs(),
            self.query.pairs(),
            &ctx,
        )
    }
}

/// The client of a request, authenticated for `endpoint`; the request's own reading error
/// first.
pub fn authenticated(
    req: Result<BackChannel, OAuthError>,
    state: &AppState,
    server: AuthServer,
    endpoint: &str,
) -> Result<(BackChannel, App), OAuthError> {
    let req = req?;
    let app = req.client(state, server, endpoint)?;
    Ok((req, app))
}

/// The answer of a back-channel endpoint, with [`with_token_headers`].
pub fn respond<T: IntoResponse>(state: &AppState, answer: Result<T, OAuthError>) -> Response {
    let res = match answer {
        Ok(body) => body.into_response(),
        Err(e) => e.into_response(),
    };
    with_token_headers(state, res)
}

/// Every back-channel answer, success or error: `no-store` and Okta's rate-limit headers.
pub fn with_token_headers(state: &AppState, mut res: Response) -> Response {
    let h = res.headers_mut();
    crate::web::no_store(h);
    state.rate.apply(h, state.clock.now());
    res
}
