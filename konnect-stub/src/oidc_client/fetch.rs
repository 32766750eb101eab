//! Outbound HTTP to identity providers: bounded in time (connect and total) and in size, no
//! redirects followed, failures described by which endpoint failed and how, and every call
//! journaled (test control's journal, outgoing, secrets masked).

use std::time::Duration;

use reqwest::{Client, RequestBuilder, Response};
use server_kit::control::{Control, Started, Tag};

use crate::control::Endpoint as Named;

/// Largest body accepted from an identity provider (discovery, JWKS, token, userinfo).
const MAX_BODY: usize = 256 * 1024;

/// Which provider endpoint a request was for, for error messages and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Discovery,
    Jwks,
    Token,
    Userinfo,
}

impl Endpoint {
    /// Its name in the journal.
    fn named(self) -> Named {
        match self {
            Endpoint::Discovery => Named::Discovery,
            Endpoint::Jwks => Named::Jwks,
            Endpoint::Token => Named::Token,
            Endpoint::Userinfo => Named::Userinfo,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Endpoint::Discovery => "discovery document",
            Endpoint::Jwks => "signing keys (JWKS)",
            Endpoint::Token => "token endpoint",
            Endpoint::Userinfo => "userinfo endpoint",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// No answer within the configured time.
    Timeout,
    /// The connection could not be made.
    Unreachable(String),
    /// An answer with an unexpected status; `body` keeps a short, sanitised excerpt.
    Status { status: u16, body: Vec<u8> },
    /// The body could not be read or was too large.
    Body(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct FetchError {
    pub endpoint: Endpoint,
    pub url: String,
    pub failure: FetchFailure,
}

impl FetchError {
    fn message(&self) -> String {
        let what = self.endpoint.describe();
        match &self.failure {
            FetchFailure::Timeout => format!(
                "The identity provider did not answer in time ({what} at {}).",
                self.url
            ),
            FetchFailure::Unreachable(why) => format!(
                "The identity provider could not be reached ({what} at {}: {why}).",
                self.url
            ),
            FetchFailure::Status { status: 429, .. } => format!(
                "The identity provider is limiting requests: it answered 429 Too Many Requests \
                 ({what} at {}). Wait a minute, then log in again.",
                self.url
            ),
            FetchFailure::Status { status, .. } if *status >= 500 => format!(
                "The identity provider is not available right now: it answered HTTP {status} \
                 ({what} at {}). Try again later.",
                self.url
            ),
            FetchFailure::Status { status, .. } => format!(
                "The identity provider answered HTTP {status} ({what} at {}).",
                self.url
            ),
            FetchFailure::Body(why) => format!(
                "The identity provider sent an unreadable answer ({what} at {}: {why}).",
                self.url
            ),
        }
    }

    pub fn is_timeout(&self) -> bool {
        self.failure == FetchFailure::Timeout
    }
}

/// The HTTP client for identity providers: the system's certificate authorities, and those
/// in `ca_file` beside them.
pub fn client(total: Duration, ca_file: Option<&std::path::Path>) -> anyhow::Result<Client> {
    let extra = match ca_file {
        Some(path) => server_kit::read_ca_file(path)?,
        None => Vec::new(),
    };
    Ok(server_kit::http_client()
        .tls_certs_merge(extra)
        .timeout(total)
        .connect_timeout(total / 2)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("konnect-stub/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Sends a request; returns the status and the body (up to [`MAX_BODY`]). Non-2xx answers are
/// returned too, so the token endpoint's OAuth error can be read.
pub async fn send(
    control: &Control<Named>,
    endpoint: Endpoint,
    url: &str,
    request: RequestBuilder,
) -> Result<(u16, Option<String>, Vec<u8>), FetchError> {
    let fail = |failure| FetchError {
        endpoint,
        url: url.to_owned(),
        failure,
    };
    let (client, request) = request.build_split();
    let request = request.map_err(|e| fail(classify(&e)))?;
    let mut started = journal_start(control, &request);
    let answer = client.execute(request).await;
    let status = answer.as_ref().ok().map(|r| r.status().as_u16());
    let client_id = started.client_id.take();
    control.journal.push(started.call.finish(
        Some(Tag {
            endpoint: endpoint.named(),
            server: None,
            client_id,
        }),
        None,
        status,
    ));
    let response = answer.map_err(|e| fail(classify(&e)))?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = read_limited(response).await.map_err(fail)?;
    Ok((status, content_type, body))
}

/// A call on its way, as the journal will show it.
struct Journaled {
    call: Started,
    client_id: Option<String>,
}

fn journal_start(control: &Control<Named>, request: &reqwest::Request) -> Journaled {
    let form = request.body().and_then(|b| b.as_bytes());
    let is_form = request
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let form = form.filter(|_| is_form);
    let call = Started::outgoing(
        &control.clock,
        request.method().as_str(),
        request.url(),
        request.headers(),
        form,
    );
    let client_id =
        server_kit::control::journal::client_id(request.headers(), &call.query, &call.form);
    Journaled { call, client_id }
}

/// Like [`send`], but any non-2xx status is a failure.
pub async fn send_ok(
    control: &Control<Named>,
    endpoint: Endpoint,
    url: &str,
    request: RequestBuilder,
) -> Result<(Option<String>, Vec<u8>), FetchError> {
    let (status, content_type, body) = send(control, endpoint, url, request).await?;
    if (200..300).contains(&status) {
        Ok((content_type, body))
    } else {
        Err(FetchError {
            endpoint,
            url: url.to_owned(),
            failure: FetchFailure::Status {
                status,
                body: body.into_iter().take(512).collect(),
            },
        })
    }
}

fn classify(e: &reqwest::Error) -> FetchFailure {
    if e.is_timeout() {
        FetchFailure::Timeout
    } else if e.is_connect() {
        // TLS failures (an untrusted certificate, say) are connect errors too; name them.
        let mut cause = std::error::Error::source(e);
        let mut tls = None;
        while let Some(c) = cause {
            let text = c.to_string();
            if text.to_ascii_lowercase().contains("certificate") || text.contains("tls") {
                tls = Some(text);
            }
            cause = c.source();
        }
        match tls {
            Some(t) => FetchFailure::Unreachable(format!("the TLS connection failed: {t}")),
            None => FetchFailure::Unreachable("connection refused or host unknown".to_owned()),
        }
    } else if e.is_builder() {
        FetchFailure::Unreachable("the URL cannot be used".to_owned())
    } else if closed_without_answer(e) {
        FetchFailure::Unreachable("the connection was closed without an answer".to_owned())
    } else {
        FetchFailure::Unreachable("the request failed".to_owned())
    }
}

/// Whether the provider accepted the connection and closed it (or reset it) before answering,
/// as hyper words it somewhere in the error's causes.
fn closed_without_answer(e: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let text = c.to_string().to_ascii_lowercase();
        if text.contains("connection closed") || text.contains("connection reset") {
            return true;
        }
        cause = c.source();
    }
    false
}

async fn read_limited(mut response: Response) -> Result<Vec<u8>, FetchFailure> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY as u64)
    {
        return Err(FetchFailure::Body("the answer is too large".to_owned()));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(FetchFailure::Body("the answer is too large".to_owned()));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => return Err(FetchFailure::Timeout),
            Err(_) => return Err(FetchFailure::Body("the connection broke".to_owned())),
        }
    }
}
