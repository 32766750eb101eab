//! Test control over HTTP: the `/__mock` operations of mock-okta (with the org's SSWS API
//! token) and of konnect-stub (with the Organization Admin's `Bearer kpat_…`), as any tool
//! reaching the servers by URL calls them. The e2e scenarios' control steps use these; so can
//! Rust tests that hold URLs and tokens rather than the in-process handles.
//!
//! ```no_run
//! # async fn demo(okta_url: &str, api_token: &str) -> anyhow::Result<()> {
//! use harness::control::OktaControl;
//! use harness::mock_okta::control::{Endpoint, FaultSpec};
//! let okta = OktaControl::new(okta_url, api_token);
//! okta.add_fault(&FaultSpec::status(Endpoint::Token, 503).times(1)).await?;
//! let tokens = okta.journal(Endpoint::Token).await?;
//! okta.clear_faults().await?;
//! # Ok(()) }
//! ```

use anyhow::Context as _;
use mock_okta::control::{ClockView, Endpoint, FaultSpec, KeysView, PREFIX};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::guide::{call, http};

/// One request mock-okta saw, as `GET /__mock/journal` lists it (secrets masked: a prefix and
/// a length).
#[derive(Debug, Clone, Deserialize)]
pub struct OktaRequest {
    pub seq: u64,
    pub time: String,
    pub method: String,
    pub path: String,
    /// The endpoint's name (`token`, `authorize`, …); `None` for pages without one.
    pub endpoint: Option<String>,
    pub server: Option<String>,
    pub client_id: Option<String>,
    pub query: Map<String, Value>,
    pub form: Map<String, Value>,
    /// `basic`, `post`, `client_secret_jwt`, `private_key_jwt`, `SSWS`, `Bearer` or `none`.
    pub credentials: String,
    /// `None` when the connection was closed instead of answered.
    pub status: Option<u16>,
    pub fault: Option<String>,
    pub duration_ms: u64,
}

impl OktaRequest {
    /// A query parameter's value (masked if it is a secret).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).and_then(Value::as_str)
    }

    /// A form parameter's value (masked if it is a secret).
    pub fn form(&self, name: &str) -> Option<&str> {
        self.form.get(name).and_then(Value::as_str)
    }
}

/// mock-okta's `/__mock`, with the org's Management API token.
#[derive(Debug, Clone)]
pub struct OktaControl {
    http: reqwest::Client,
    base: String,
    ssws: String,
}

impl OktaControl {
    /// `org` is the org URL, `api_token` the token its Management API takes as `SSWS …`.
    pub fn new(org: &str, api_token: &str) -> Self {
        Self {
            http: http(),
            base: format!("{}{PREFIX}", org.trim_end_matches('/')),
            ssws: format!("SSWS {api_token}"),
        }
    }

    async fn call(&self, request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
        call(
            request.header("authorization", &self.ssws),
            what,
            "mock-okta",
        )
        .await
    }

    /// Adds a fault; returns its id.
    pub async fn add_fault(&self, spec: &FaultSpec) -> anyhow::Result<String> {
        let fault = self
            .call(
                self.http.post(format!("{}/faults", self.base)).json(spec),
                "add a fault to Okta",
            )
            .await?;
        fault["id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("mock-okta's new fault has no id: {fault}"))
    }

    /// Clears every fault.
    pub async fn clear_faults(&self) -> anyhow::Result<()> {
        self.call(
            self.http.delete(format!("{}/faults", self.base)),
            "clear Okta's faults",
        )
        .await
        .map(drop)
    }

    /// Moves Okta's clock forward by `seconds`.
    pub async fn advance_clock(&self, seconds: i64) -> anyhow::Result<ClockView> {
        let now = self
            .call(
                self.http
                    .post(format!("{}/clock", self.base))
                    .json(&json!({"advance_seconds": seconds})),
                "move Okta's clock",
            )
            .await?;
        serde_json::from_value(now).context("mock-okta's clock answer")
    }

    /// A new signing key signs from now on; the previous one stays in JWKS if `keep_previous`.
    pub async fn rotate_keys(&self, keep_previous: bool) -> anyhow::Result<KeysView> {
        let keys = self
            .call(
                self.http
                    .post(format!("{}/keys/rotate", self.base))
                    .json(&json!({"keep_previous": keep_previous})),
                "rotate Okta's signing key",
            )
            .await?;
        serde_json::from_value(keys).context("mock-okta's key rotation answer")
    }

    /// The requests Okta saw at `endpoint`, oldest first.
    pub async fn journal(&self, endpoint: Endpoint) -> anyhow::Result<Vec<OktaRequest>> {
        let entries = self
            .call(
                self.http
                    .get(format!("{}/journal", self.base))
                    .query(&[("endpoint", endpoint.as_str())]),
                "read Okta's journal",
            )
            .await?;
        serde_json::from_value(entries).context("mock-okta's journal")
    }

    /// Back to the seed: directory, sessions, faults, clock, keys, journal.
    pub async fn reset(&self) -> anyhow::Result<()> {
        self.call(self.http.post(format!("{}/reset", self.base)), "reset Okta")
            .await
            .map(drop)
    }
}

/// konnect-stub's `/__mock`, with the Organization Admin's personal access token.
#[derive(Debug, Clone)]
pub struct KonnectControl {
    http: reqwest::Client,
    base: String,
    pat: String,
}

impl KonnectControl {
    /// `base` is konnect-stub's URL, `pat` the admin's `kpat_…`.
    pub fn new(base: &str, pat: &str) -> Self {
        Self {
            http: http(),
            base: format!("{}{PREFIX}", base.trim_end_matches('/')),
            pat: pat.to_owned(),
        }
    }

    async fn call(&self, request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
        call(request.bearer_auth(&self.pat), what, "konnect-stub").await
    }

    /// Moves Konnect's clock forward by `seconds`; returns its answer (the server's now).
    pub async fn advance_clock(&self, seconds: i64) -> anyhow::Result<Value> {
        self.call(
            self.http
                .post(format!("{}/clock", self.base))
                .json(&json!({"advance_seconds": seconds})),
            "move Konnect's clock",
        )
        .await
    }

    /// Clears every fault.
    pub async fn clear_faults(&self) -> anyhow::Result<()> {
        self.call(
            self.http.delete(format!("{}/faults", self.base)),
            "clear Konnect's faults",
        )
        .await
        .map(drop)
    }

    /// What Konnect saw and sent (its calls to the identity provider included), oldest first.
    pub async fn journal(&self) -> anyhow::Result<Vec<Value>> {
        let entries = self
            .call(
                self.http.get(format!("{}/journal", self.base)),
                "read Konnect's journal",
            )
            .await?;
        serde_json::from_value(entries).context("konnect-stub's journal")
    }

    /// Back to the seed: organizations, users, identity settings, sessions, faults, clock,
    /// journal.
    pub async fn reset(&self) -> anyhow::Result<()> {
        self.call(
            self.http.post(format!("{}/reset", self.base)),
            "reset Konnect",
        )
        .await
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Stack, StackConfig};

    #[tokio::test]
    async fn every_okta_operation_reaches_mock_okta_over_http() {
        let stack = Stack::start(StackConfig::for_tests()).await.unwrap();
        let okta = OktaControl::new(stack.okta_url(), stack.okta_api_token());

        let id = okta
            .add_fault(&FaultSpec::status(Endpoint::Keys, 503).times(1))
            .await
            .unwrap();
        assert_eq!(stack.okta.faults().list()[0].id, id);
        okta.clear_faults().await.unwrap();
        assert!(stack.okta.faults().list().is_empty());

        let moved = okta.advance_clock(3600).await.unwrap();
        assert_eq!(moved.offset_seconds, 3600);

        let keys = okta.rotate_keys(false).await.unwrap();
        assert_eq!(keys.keys, std::slice::from_ref(&keys.active));

        let jwks = format!("{}/oauth2/default/v1/keys", stack.okta_url());
        server_kit::http_client()
            .build()
            .unwrap()
            .get(&jwks)
            .send()
            .await
            .unwrap();
        let seen = okta.journal(Endpoint::Keys).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(
            (seen[0].method.as_str(), seen[0].status),
            ("GET", Some(200))
        );

        okta.reset().await.unwrap();
        assert_eq!(stack.okta.now().offset_seconds, 0);
        assert!(okta.journal(Endpoint::Keys).await.unwrap().is_empty());

        // A wrong token is refused, and the refusal says by whom.
        let stranger = OktaControl::new(stack.okta_url(), "not-the-token");
        let refused = stranger.clear_faults().await.unwrap_err();
        assert!(
            format!("{refused:#}").contains("mock-okta answered 40"),
            "{refused:#}"
        );
        stack.shutdown().await;
    }
}
