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
use tracing::instrument::WithSubscriber as _;

pub mod cargo;
pub mod cli;
pub mod control;
pub mod cpu;
pub mod guide;
pub mod report;

/// The host name browsers reach mock-okta by, unless told otherwise.
pub const OKTA_HOST: &str = "127.0.0.1";
/// The host name browsers reach konnect-stub by: another site than Okta's.
pub const KONNECT_HOST: &str = "localhost";

pub use konnect_stub;
pub use mock_okta;

/// How to start the stack.
#[derive(Debug, Clone)]
pub struct StackConfig {
    /// mock-okta; its org URL is `http://{okta_host}:{bound port}` unless `public_url` is set.
    pub okta: mock_okta::Config,
    /// konnect-stub; its URL is `http://{konnect_host}:{bound port}` unless `public_url` is set.
    pub konnect: konnect_stub::Config,
    /// The host name browsers reach mock-okta by (`127.0.0.1`).
    pub okta_host: String,
    /// The host name browsers reach konnect-stub by (`localhost`: another site than Okta's).
    pub konnect_host: String,
    /// Where mock-okta's tracing goes (a test's own buffer, say); the global subscriber if
    /// `None`.
    pub okta_tracing: Option<tracing::Dispatch>,
    /// Where konnect-stub's tracing goes.
    pub konnect_tracing: Option<tracing::Dispatch>,
}

impl StackConfig {
    /// Both on free ports of 127.0.0.1, with the default seeds.
    pub fn for_tests() -> Self {
        Self {
            okta: mock_okta::Config::for_tests(),
            konnect: konnect_stub::Config::for_tests(),
            okta_host: OKTA_HOST.to_owned(),
            konnect_host: KONNECT_HOST.to_owned(),
            okta_tracing: None,
            konnect_tracing: None,
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
    konnect_host: String,
    konnect_tracing: Option<tracing::Dispatch>,
    ca_file: Option<std::path::PathBuf>,
}

/// Binds first, so the public URL carries the port that is really served; `https://` when
/// the server serves TLS.
async fn bind(
    listen: &str,
    host: &str,
    tls: bool,
) -> anyhow::Result<(tokio::net::TcpListener, String)> {
    let listener = server_kit::bind(listen).await?;
    let port = listener.local_addr()?.port();
    let scheme = if tls { "https" } else { "http" };
    Ok((listener, format!("{scheme}://{host}:{port}")))
}

/// The local certificate authority's file to trust, when either server takes its
/// certificate from it (`--tls`).
fn local_ca_file(config: &StackConfig) -> anyhow::Result<Option<std::path::PathBuf>> {
    if !(config.okta.tls || config.konnect.tls) {
        return Ok(None);
    }
    let dir = server_kit::tls::LocalCa::default_dir()?;
    Ok(Some(dir.join(server_kit::tls::CA_CERT_FILE)))
}

async fn serve_okta(
    mut config: mock_okta::Config,
    host: &str,
    tracing: Option<tracing::Dispatch>,
) -> anyhow::Result<MockOkta> {
    let tls = config.tls || config.tls_cert.is_some();
    let (listener, url) = bind(&config.listen, host, tls).await?;
    config.public_url.get_or_insert(url);
    let serve = MockOkta::serve(listener, config);
    match tracing {
        Some(d) => serve.with_subscriber(d).await,
        None => serve.await,
    }
}

async fn serve_konnect(
    mut config: konnect_stub::Config,
    host: &str,
    tracing: Option<tracing::Dispatch>,
) -> anyhow::Result<KonnectStub> {
    let tls = config.tls || config.tls_cert.is_some();
    let (listener, url) = bind(&config.listen, host, tls).await?;
    config.public_url.get_or_insert(url);
    let serve = KonnectStub::serve(listener, config);
    match tracing {
        Some(d) => serve.with_subscriber(d).await,
        None => serve.await,
    }
}

fn admin_token(config: &konnect_stub::Config) -> String {
    config
        .admin_token
        .clone()
        .unwrap_or_else(|| "kpat_harness_admin".to_owned())
}

impl Stack {
    /// Starts mock-okta, then konnect-stub, each on the address it is configured with and
    /// served under the host name of its site. With `tls` on either (`--tls`), the local
    /// certificate authority is made or reused, and konnect-stub trusts it for its calls to
    /// Okta unless it was given a `--ca-file` of its own.
    pub async fn start(mut config: StackConfig) -> anyhow::Result<Self> {
        let ca_file = local_ca_file(&config)?;
        if config.okta.tls && config.konnect.ca_file.is_none() {
            config.konnect.ca_file.clone_from(&ca_file);
        }
        let okta_api_token = config.okta.api_token.clone();
        let konnect_admin_token = admin_token(&config.konnect);
        let org_name = config.konnect.org_name.clone();
        let okta = serve_okta(config.okta, &config.okta_host, config.okta_tracing)
            .await
            .context("mock-okta")?;
        let konnect = match serve_konnect(
            config.konnect,
            &config.konnect_host,
            config.konnect_tracing.clone(),
        )
        .await
        {
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
            konnect_host: config.konnect_host,
            konnect_tracing: config.konnect_tracing,
            ca_file,
        })
    }

    /// The local certificate authority's certificate, the file to trust, when the stack
    /// serves https with it (`--tls`).
    pub fn ca_file(&self) -> Option<&std::path::Path> {
        self.ca_file.as_deref()
    }

    /// Replaces konnect-stub with a fresh organization (another plan, say), under the same
    /// host name, tracing and local-CA https; Okta keeps running.
    pub async fn replace_konnect(
        &mut self,
        mut config: konnect_stub::Config,
    ) -> anyhow::Result<()> {
        if self.ca_file.is_some() && self.konnect_url().starts_with("https://") {
            // The same https as the one replaced.
            config.tls = config.tls_cert.is_none();
            if config.ca_file.is_none() {
                config.ca_file.clone_from(&self.ca_file);
            }
        }
        let token = admin_token(&config);
        let org_name = config.org_name.clone();
        let fresh = serve_konnect(config, &self.konnect_host, self.konnect_tracing.clone())
            .await
            .context("konnect-stub")?;
        let old = std::mem::replace(&mut self.konnect, fresh);
        old.shutdown().await;
        self.konnect_admin_token = token;
        self.org_name = org_name;
        Ok(())
    }

    /// mock-okta's org URL.
    pub fn okta_url(&self) -> &str {
        self.okta.base_url()
    }

    /// konnect-stub's public URL.
    pub fn konnect_url(&self) -> &str {
        self.konnect.base_url()
    }

    /// mock-okta's Management API token (sent as `SSWS <token>`).
    pub fn okta_api_token(&self) -> &str {
        &self.okta_api_token
    }

    /// The PAT konnect-stub accepts as its Organization Admin's.
    pub fn konnect_admin_token(&self) -> &str {
        &self.konnect_admin_token
    }

    /// The Okta org's Management API, with the org's API token.
    pub fn okta_admin(&self) -> guide::OktaAdmin {
        guide::OktaAdmin::new(self.okta_url(), &self.okta_api_token)
    }

    /// The Konnect organization's v2 API, with its admin's PAT.
    pub fn konnect_admin(&self) -> guide::KonnectAdmin {
        guide::KonnectAdmin::new(self.konnect_url(), &self.konnect_admin_token)
    }

    /// The guide's set-up, through the same APIs an automation uses ([`guide`]): in Okta's
    /// Management API, an OIDC web app "Konnect" (authorization code, redirect URI
    /// `{konnect}/login`, a dashboard tile that starts at the login URL) assigned to Everyone;
    /// in Konnect's v2 API, the identity provider and OIDC turned on (the stub checks the
    /// issuer by discovery, as its Save does).
    pub async fn configure_okta(&self) -> anyhow::Result<OktaSetup> {
        let login_path = konnect_stub::org::LoginPath::slug_of(&self.org_name);
        let mut app = guide::KonnectApp::new("Konnect", &self.konnect.redirect_uri());
        app.dashboard_login_url = Some(konnect_stub::paths::org_login_url(
            self.konnect_url(),
            login_path.as_str(),
        ));
        let okta = self.okta_admin();
        let made = okta.create_konnect_app(&app).await?;
        okta.assign_to_everyone(&made.id).await?;
        let issuer = self.okta.issuer();
        let login_url = self
            .konnect_admin()
            .use_okta(&guide::OktaInKonnect {
                issuer: issuer.clone(),
                client_id: made.client_id.clone(),
                client_secret: made.client_secret.clone(),
                login_path: Some(login_path.as_str().to_owned()),
            })
            .await?;
        // A reset of either server returns to the configured guide state, not the bare seed.
        self.okta.keep_as_seed();
        self.konnect.keep_as_seed();
        Ok(OktaSetup {
            app_id: made.id,
            client_id: made.client_id,
            client_secret: made.client_secret,
            issuer,
            login_url,
        })
    }

    // ---- Test control across the stack ----

    /// Moves both servers' clocks by `seconds`, so Okta's codes, tokens and sessions and
    /// Konnect's sessions and sign-ins age together.
    pub fn advance_clock(&self, seconds: i64) {
        self.okta.advance_clock(seconds);
        self.konnect.advance_clock(seconds);
    }

    /// Both servers back to their seeds (after [`Stack::configure_okta`], to the configured
    /// guide state): directories, sessions, faults, clocks, journals.
    pub fn reset(&self) {
        self.okta.reset();
        self.konnect.reset();
    }

    /// What mock-okta saw, oldest first, secrets masked.
    pub fn okta_journal(
        &self,
        filter: &mock_okta::control::JournalFilter,
    ) -> Result<Vec<mock_okta::control::Entry>, mock_okta::control::Refused> {
        self.okta.journal(filter)
    }

    /// What konnect-stub saw and the calls it made to Okta, oldest first, secrets masked.
    pub fn konnect_journal(
        &self,
        filter: &server_kit::control::JournalFilter,
    ) -> Result<
        Vec<server_kit::control::Entry<konnect_stub::control::Endpoint>>,
        server_kit::control::Invalid,
    > {
        self.konnect.journal(filter)
    }

    /// Empties both journals.
    pub fn clear_journals(&self) {
        self.okta.clear_journal();
        self.konnect.clear_journal();
    }

    /// Stops both servers.
    pub async fn shutdown(self) {
        self.konnect.shutdown().await;
        self.okta.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn location(r: &reqwest::Response) -> String {
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn stack_control_moves_both_clocks_and_resets_to_the_configured_state() {
        let stack = Stack::start(StackConfig::for_tests()).await.unwrap();
        let setup = stack.configure_okta().await.unwrap();
        // Konnect checked the issuer by discovery: its journal shows the call it made.
        let calls = stack
            .konnect_journal(&server_kit::control::JournalFilter {
                endpoint: Some("discovery".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0].direction, server_kit::control::Direction::Outgoing);
        assert!(!stack.okta_journal(&Default::default()).unwrap().is_empty());
        stack.advance_clock(3600);
        assert_eq!(stack.okta.now().offset_seconds, 3600);
        assert_eq!(stack.konnect.now().offset_seconds, 3600);
        stack.reset();
        assert_eq!(stack.okta.now().offset_seconds, 0);
        assert_eq!(stack.konnect.now().offset_seconds, 0);
        assert!(
            stack
                .konnect_journal(&Default::default())
                .unwrap()
                .is_empty()
        );
        // The guide's set-up survives the reset on both sides.
        let sso = stack.konnect_admin().sso().await.unwrap();
        let idp = sso.identity_provider.expect("still configured");
        assert!(idp.to_string().contains(&setup.client_id), "{idp}");
        let app = stack.okta_admin().app(&setup.app_id).await.unwrap();
        assert_eq!(app["id"], setup.app_id.as_str());
        stack.clear_journals();
        stack.shutdown().await;
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
        // The guide's optional part: a tile on the Okta dashboard.
        let app = stack.okta_admin().app(&setup.app_id).await.unwrap();
        assert_eq!(app["visibility"]["hide"]["web"], false, "{app}");

        let browser = server_kit::http_client()
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
