//! The whole stack in one process: mock-okta and konnect-stub as different sites in the
//! browser, as in production (Okta on `127.0.0.1`, Konnect on `localhost`), so cookies and
//! SameSite behave as they really do. `cargo run` uses it, and so can test runners.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let mut stack = harness::Stack::start(harness::StackConfig::for_tests()).await?;
//! let setup = stack.configure_okta().await?; // the guide's set-up, done up front
//! println!("log in at {}", setup.login_url);
//! stack.shutdown().await;
//! # Ok(()) }
//! ```

use anyhow::Context as _;
use konnect_stub::KonnectStub;
use mock_okta::MockOkta;
use serde_json::{Value, json};

pub use konnect_stub;
pub use mock_okta;

/// How to start the stack.
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// mock-okta; its org URL is derived from its listen address (`http://127.0.0.1:<port>`)
    /// unless `public_url` is set.
    pub okta: mock_okta::Config,
    /// konnect-stub; without a `public_url` it is served as `http://localhost:<port>`, a
    /// different site from Okta's `127.0.0.1`.
    pub konnect: konnect_stub::Config,
}

impl StackConfig {
    /// Both on free ports of 127.0.0.1, with the default seeds.
    pub fn for_tests() -> Self {
        Self {
            okta: mock_okta::Config::for_tests(),
            konnect: konnect_stub::Config::for_tests(),
        }
    }
}

/// What the guide's set-up produced.
#[derive(Debug, Clone)]
pub struct OktaSetup {
    /// The Okta app's id, client id and secret.
    pub app_id: String,
    pub client_id: String,
    pub client_secret: String,
    /// The issuer configured in Konnect (`{okta}/oauth2/default`).
    pub issuer: String,
    /// The organization's login URL, `{konnect}/login/{login path}`.
    pub login_url: String,
}

/// mock-okta and konnect-stub, running.
pub struct Stack {
    pub okta: MockOkta,
    pub konnect: KonnectStub,
    okta_api_token: String,
    /// A PAT the stub accepts as its admin's.
    konnect_admin_token: String,
    org_name: String,
}

impl Stack {
    /// Starts mock-okta, then konnect-stub (its public URL derived from the port it bound).
    pub async fn start(config: StackConfig) -> anyhow::Result<Self> {
        let okta_api_token = config.okta.api_token.clone();
        let konnect_admin_token = config
            .konnect
            .admin_token
            .clone()
            .unwrap_or_else(|| "kpat_harness_admin".to_owned());
        let org_name = config.konnect.org_name.clone();
        let okta = MockOkta::start(config.okta).await.context("mock-okta")?;
        let mut konnect_config = config.konnect;
        let listener = server_kit::bind(&konnect_config.listen)
            .await
            .context("konnect-stub")?;
        if konnect_config.public_url.is_none() {
            let port = listener.local_addr()?.port();
            konnect_config.public_url = Some(format!("http://localhost:{port}"));
        }
        let konnect = match KonnectStub::serve(listener, konnect_config).await {
            Ok(k) => k,
            Err(e) => {
                okta.shutdown().await;
                return Err(e.context("konnect-stub"));
            }
        };
        Ok(Self {
            okta,
            konnect,
            okta_api_token,
            konnect_admin_token,
            org_name,
        })
    }

    /// mock-okta's org URL.
    pub fn okta_url(&self) -> &str {
        self.okta.base_url()
    }

    /// konnect-stub's public URL.
    pub fn konnect_url(&self) -> &str {
        self.konnect.base_url()
    }

    /// The guide's set-up, through the same interfaces a person uses: in mock-okta's
    /// Management API, an OIDC web app "Konnect" (authorization code, redirect URI
    /// `{konnect}/login`, a dashboard tile that starts at the login URL) assigned to Everyone;
    /// in Konnect's v2 API, the identity provider and OIDC turned on (the stub checks the
    /// issuer by discovery, as its Save does).
    pub async fn configure_okta(&self) -> anyhow::Result<OktaSetup> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let okta = self.okta_url();
        let ssws = format!("SSWS {}", self.okta_api_token);
        let login_path = konnect_stub::org::LoginPath::slug_of(&self.org_name);
        let login_url = konnect_stub::paths::org_login_url(self.konnect_url(), login_path.as_str());
        let redirect_uri = self.konnect.redirect_uri();

        let app = okta_call(
            http.post(format!("{okta}/api/v1/apps"))
                .header("authorization", &ssws)
                .json(&json!({
                    "name": "oidc_client",
                    "label": "Konnect",
                    "signOnMode": "OPENID_CONNECT",
                    "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_basic"}},
                    "settings": {"oauthClient": {
                        "redirect_uris": [redirect_uri],
                        "post_logout_redirect_uris": [redirect_uri],
                        "response_types": ["code"],
                        "grant_types": ["authorization_code"],
                        "application_type": "web",
                        "initiate_login_uri": login_url,
                        "idp_initiated_login": {"mode": "SPEC", "default_scope": []}
                    }}
                })),
            "create the Konnect app in mock-okta",
        )
        .await?;
        let field = |v: &Value, pointer: &str| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .with_context(|| format!("mock-okta's app has no {pointer}"))
        };
        let app_id = field(&app, "/id")?;
        let client_id = field(&app, "/credentials/oauthClient/client_id")?;
        let client_secret = field(&app, "/credentials/oauthClient/client_secret")?;

        let groups = okta_call(
            http.get(format!("{okta}/api/v1/groups"))
                .query(&[("q", "Everyone")])
                .header("authorization", &ssws),
            "find the Everyone group",
        )
        .await?;
        let everyone = groups
            .as_array()
            .and_then(|g| {
                g.iter()
                    .find(|g| g.pointer("/profile/name") == Some(&json!("Everyone")))
            })
            .and_then(|g| g["id"].as_str())
            .context("mock-okta has no Everyone group")?;
        okta_call(
            http.put(format!("{okta}/api/v1/apps/{app_id}/groups/{everyone}"))
                .header("authorization", &ssws)
                .json(&json!({})),
            "assign the Konnect app to Everyone",
        )
        .await?;

        let issuer = self.okta.issuer();
        let konnect = self.konnect_url();
        konnect_call(
            http.patch(format!("{konnect}/v2/identity-provider"))
                .bearer_auth(&self.konnect_admin_token)
                .json(&json!({
                    "issuer": issuer, "client_id": client_id, "client_secret": client_secret,
                    "login_path": login_path.as_str()
                })),
            "configure Okta in Konnect",
        )
        .await?;
        konnect_call(
            http.patch(format!("{konnect}/v2/authentication-settings"))
                .bearer_auth(&self.konnect_admin_token)
                .json(&json!({"oidc_auth_enabled": true})),
            "turn OIDC on in Konnect",
        )
        .await?;
        Ok(OktaSetup {
            app_id,
            client_id,
            client_secret,
            issuer,
            login_url,
        })
    }

    /// Stops both servers.
    pub async fn shutdown(self) {
        self.konnect.shutdown().await;
        self.okta.shutdown().await;
    }
}

async fn okta_call(request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
    call(request, what, "mock-okta").await
}

async fn konnect_call(request: reqwest::RequestBuilder, what: &str) -> anyhow::Result<Value> {
    call(request, what, "konnect-stub").await
}

async fn call(request: reqwest::RequestBuilder, what: &str, who: &str) -> anyhow::Result<Value> {
    let response = request
        .send()
        .await
        .with_context(|| format!("cannot {what}: {who} is unreachable"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    anyhow::ensure!(
        status.is_success(),
        "cannot {what}: {who} answered {status}: {body}"
    );
    if body.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&body).with_context(|| format!("cannot {what}: {who} sent {body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(r: &reqwest::Response) -> String {
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn configured_stack_signs_an_okta_user_into_konnect() {
        let stack = Stack::start(StackConfig::for_tests()).await.unwrap();
        assert!(stack.okta_url().starts_with("http://127.0.0.1:"));
        assert!(stack.konnect_url().starts_with("http://localhost:"));
        let setup = stack.configure_okta().await.unwrap();
        assert_eq!(
            setup.login_url,
            format!("{}/login/acme-co", stack.konnect_url())
        );
        assert_eq!(setup.issuer, format!("{}/oauth2/default", stack.okta_url()));

        let browser = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap();
        let authn: Value = browser
            .post(format!("{}/api/v1/authn", stack.okta_url()))
            .json(&json!({"username": "user@example.com", "password": "User-Passw0rd!"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = authn["sessionToken"].as_str().unwrap();
        let start = browser.get(&setup.login_url).send().await.unwrap();
        assert_eq!(start.status(), 303);
        let mut authorize = reqwest::Url::parse(&location(&start)).unwrap();
        assert!(authorize.as_str().starts_with(&setup.issuer));
        authorize
            .query_pairs_mut()
            .append_pair("sessionToken", token);
        let back = browser.get(authorize).send().await.unwrap();
        assert!(back.status().is_redirection());
        let callback = location(&back);
        assert!(callback.starts_with(&format!("{}/login?", stack.konnect_url())));
        let landed = browser.get(&callback).send().await.unwrap();
        assert_eq!(landed.status(), 303);
        let me: Value = browser
            .get(format!("{}/v2/users/me", stack.konnect_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["email"], "user@example.com");
        stack.shutdown().await;
    }
}
