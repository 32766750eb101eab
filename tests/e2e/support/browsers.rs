//! Browsers and their WebDriver servers: chromedriver (one serves many sessions) and
//! geckodriver (one session per process, so a pool), or any W3C endpoint in WEBDRIVER_URL.
//!
//! A browser session outlives its scenario: opening one costs seconds (a Firefox profile most
//! of all), so a finished scenario's session is cleared (every cookie, the site data of its
//! origins, other windows closed, on `about:blank`), checked to hold no cookie, and kept for
//! the next scenario; one that cannot be cleared is closed. On another endpoint (WEBDRIVER_URL:
//! a grid) the first session that cannot be cleared (a grid that does not pass the drivers'
//! own commands on, say) ends the keeping: from then on every scenario opens its own.

use std::{
    path::PathBuf,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::{Context as _, bail};
use fantoccini::{Client, wd::WebDriverCompatibleCommand};
use serde_json::{Value, json};
use tokio::{process::Child, sync::Semaphore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BrowserKind {
    Chromium,
    Firefox,
}

impl BrowserKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Chromium => "chromium",
            Self::Firefox => "firefox",
        }
    }
}

/// Finds a program on PATH (and in ~/.cargo/bin, where `cargo install` puts geckodriver).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The WebDriver endpoints of one browser run and the driver processes behind them.
pub struct Drivers {
    pub kind: BrowserKind,
    pub remote: bool,
    free: Arc<Mutex<Vec<String>>>,
    permits: Arc<Semaphore>,
    /// Cleared sessions kept for the next scenario, with their endpoints.
    idle: Mutex<Vec<(Client, String)>>,
    /// Whether finished sessions are still kept (see the module's comment).
    keep: std::sync::atomic::AtomicBool,
    /// The local CA's certificate the browsers trust (E2E_TLS=1).
    ca: Option<PathBuf>,
    children: Vec<Child>,
}

/// An endpoint leased to one scenario; returned to the pool when dropped.
pub struct Lease {
    pub url: String,
    free: Arc<Mutex<Vec<String>>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.url.is_empty() {
            return;
        }
        if let Ok(mut f) = self.free.lock() {
            f.push(std::mem::take(&mut self.url));
        }
    }
}

impl Lease {
    /// The endpoint, kept with its idle session instead of going back to the free ones.
    fn into_url(mut self) -> String {
        std::mem::take(&mut self.url)
    }
}

async fn wait_ready(url: &str, child: &mut Child, what: &str) -> anyhow::Result<()> {
    let client = server_kit::http_client()
        .timeout(Duration::from_secs(2))
        .build()?;
    for _ in 0..200 {
        if let Some(status) = child.try_wait()? {
            bail!("{what} exited at start ({status})");
        }
        if client
            .get(format!("{url}/status"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("{what} did not answer on {url} within 10 s")
}

impl Drivers {
    /// Starts the drivers for `slots` concurrent sessions, or uses WEBDRIVER_URL.
    pub async fn start(kind: BrowserKind, slots: usize) -> anyhow::Result<Self> {
        let mut children = Vec::new();
        let mut urls = Vec::new();
        let remote = std::env::var("WEBDRIVER_URL")
            .ok()
            .filter(|u| !u.is_empty());
        let ca = super::trust::enabled()
            .then(super::trust::ca_file)
            .transpose()?;
        if ca.is_some() && remote.is_some() {
            bail!(
                "E2E_TLS=1 makes the browsers this runner starts trust the local CA; with \
                 WEBDRIVER_URL the browsers are another machine's: leave one of them out"
            );
        }
        if let Some(url) = &remote {
            urls = vec![url.trim_end_matches('/').to_owned(); slots];
        } else {
            match kind {
                BrowserKind::Chromium => {
                    let driver = find_program("chromedriver").context(
                        "chromedriver not found on PATH: install Chromium and its driver with \
                         `apt-get install -y chromium chromium-driver` (./scripts/test does this), \
                         or point WEBDRIVER_URL at a WebDriver server",
                    )?;
                    let port = free_port()?;
                    let mut command = tokio::process::Command::new(driver);
                    if let Some(ca) = &ca {
                        // Chromium reads the NSS database of the HOME it is started with.
                        command.env("HOME", super::trust::chromium_home(ca)?);
                    }
                    let mut child = command
                        .arg(format!("--port={port}"))
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .kill_on_drop(true)
                        .spawn()
                        .context("starting chromedriver")?;
                    let url = format!("http://127.0.0.1:{port}");
                    wait_ready(&url, &mut child, "chromedriver").await?;
                    children.push(child);
                    urls = vec![url; slots];
                }
                BrowserKind::Firefox => {
                    let driver = find_program("geckodriver").context(
                        "geckodriver not found on PATH or in ~/.cargo/bin: install it with \
                         `cargo install geckodriver --locked` and Firefox with \
                         `apt-get install -y firefox-esr` (./scripts/test does both), \
                         or point WEBDRIVER_URL at a WebDriver server",
                    )?;
                    // geckodriver serves one session at a time: one process per slot.
                    for _ in 0..slots {
                        let (port, ws) = (free_port()?, free_port()?);
                        let mut child = tokio::process::Command::new(&driver)
                            .args([
                                "--port",
                                &port.to_string(),
                                "--websocket-port",
                                &ws.to_string(),
                            ])
                            .stdout(Stdio::null())
                            .stderr(Stdio::null())
                            .kill_on_drop(true)
                            .spawn()
                            .context("starting geckodriver")?;
                        let url = format!("http://127.0.0.1:{port}");
                        wait_ready(&url, &mut child, "geckodriver").await?;
                        children.push(child);
                        urls.push(url);
                    }
                }
            }
        }
        Ok(Self {
            kind,
            remote: remote.is_some(),
            permits: Arc::new(Semaphore::new(urls.len())),
            free: Arc::new(Mutex::new(urls)),
            idle: Mutex::new(Vec::new()),
            keep: std::sync::atomic::AtomicBool::new(true),
            ca,
            children,
        })
    }

    /// W3C capabilities for a headless (or, with HEADED=1, visible) browser; with E2E_TLS=1,
    /// a Firefox profile of its own that trusts the local CA.
    pub fn capabilities(&self) -> anyhow::Result<serde_json::Map<String, Value>> {
        let headed = std::env::var("HEADED").is_ok_and(|v| v == "1" || v == "true");
        let mut caps = serde_json::Map::new();
        match self.kind {
            BrowserKind::Chromium => {
                caps.insert("browserName".into(), "chrome".into());
                let mut args = vec![
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-quic",
                ];
                if !headed {
                    args.push("--headless=new");
                }
                let mut opts = json!({ "args": args });
                if !self.remote && std::path::Path::new("/usr/bin/chromium").exists() {
                    opts["binary"] = "/usr/bin/chromium".into();
                }
                caps.insert("goog:chromeOptions".into(), opts);
            }
            BrowserKind::Firefox => {
                caps.insert("browserName".into(), "firefox".into());
                // For clearing a kept session: chrome-context scripts (see `clear`).
                let mut args: Vec<String> = vec![
                    "-width=1280".into(),
                    "-height=900".into(),
                    "-remote-allow-system-access".into(),
                ];
                if !headed {
                    args.push("-headless".into());
                }
                if let Some(ca) = &self.ca {
                    let profile = super::trust::firefox_profile(ca)?;
                    args.extend(["-profile".into(), profile.display().to_string()]);
                }
                let mut opts = json!({
                    "args": args,
                    "prefs": {
                        "app.update.enabled": false,
                        "browser.safebrowsing.malware.enabled": false,
                        "browser.safebrowsing.phishing.enabled": false,
                        "network.captive-portal-service.enabled": false,
                        "network.connectivity-service.enabled": false,
                        "datareporting.policy.dataSubmissionEnabled": false,
                        "toolkit.telemetry.enabled": false,
                        "extensions.update.enabled": false,
                        "browser.shell.checkDefaultBrowser": false
                    }
                });
                if !self.remote && std::path::Path::new("/usr/bin/firefox-esr").exists() {
                    opts["binary"] = "/usr/bin/firefox-esr".into();
                }
                caps.insert("moz:firefoxOptions".into(), opts);
            }
        }
        Ok(caps)
    }

    /// A browser session for a scenario: a kept one, or a new one on a free endpoint.
    pub async fn session(&self) -> anyhow::Result<(Client, Lease)> {
        let permit = self.permits.clone().acquire_owned().await?;
        let kept = self
            .idle
            .lock()
            .map_err(|_| anyhow::anyhow!("session pool poisoned"))?
            .pop();
        if let Some((client, url)) = kept {
            return Ok((
                client,
                Lease {
                    url,
                    free: self.free.clone(),
                    _permit: permit,
                },
            ));
        }
        let url = self
            .free
            .lock()
            .map_err(|_| anyhow::anyhow!("driver pool poisoned"))?
            .pop()
            .context("no free WebDriver endpoint")?;
        let lease = Lease {
            url,
            free: self.free.clone(),
            _permit: permit,
        };
        let client = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(self.capabilities()?)
        .connect(&lease.url)
        .await
        .with_context(|| format!("opening a {} session at {}", self.kind.name(), lease.url))?;
        Ok((client, lease))
    }

    /// Takes back a finished scenario's session: cleared and kept for the next scenario
    /// (`origins` are the sites it used, whose data is cleared), or closed when it cannot be
    /// cleared.
    pub async fn give_back(&self, client: Client, lease: Lease, origins: &[&str]) {
        use std::sync::atomic::Ordering;
        if !self.keep.load(Ordering::Relaxed) {
            let _ = client.close().await;
            return;
        }
        if let Err(e) = clear(self.kind, &client, origins).await {
            if self.remote {
                self.keep.store(false, Ordering::Relaxed);
                eprintln!(
                    "e2e: a {} session on {} could not be cleared for the next scenario, so \
                     every scenario opens its own from now on: {e:#}",
                    self.kind.name(),
                    lease.url
                );
            } else {
                eprintln!(
                    "e2e: a {} session could not be cleared for the next scenario, so it is \
                     closed: {e:#}",
                    self.kind.name()
                );
            }
            let _ = client.close().await;
            return;
        }
        match self.idle.lock() {
            Ok(mut idle) => idle.push((client, lease.into_url())),
            Err(_) => {
                let _ = client.close().await;
            }
        }
    }

    /// The viewport as PNG. Chromium started by this runner captures through its own
    /// DevTools command, asked to encode for speed: about half the browser's CPU of
    /// WebDriver's screenshot (29 against 55 ms a capture, measured on this 2-core VM), with
    /// the same pixels in a larger PNG. Elsewhere (Firefox, or a grid that may not pass CDP
    /// on) WebDriver's own.
    pub async fn screenshot(&self, client: &Client) -> anyhow::Result<Vec<u8>> {
        if self.kind == BrowserKind::Chromium && !self.remote {
            use base64::Engine as _;
            let shot = cdp(
                client,
                "Page.captureScreenshot",
                json!({ "format": "png", "optimizeForSpeed": true }),
            )
            .await?;
            let data = shot["data"]
                .as_str()
                .context("Chromium's screenshot has no data")?;
            return base64::engine::general_purpose::STANDARD
                .decode(data)
                .context("Chromium's screenshot is not base64");
        }
        Ok(client.screenshot().await?)
    }

    pub async fn stop(mut self) {
        let idle = self.idle.get_mut().map(std::mem::take).unwrap_or_default();
        for (client, _) in idle {
            let _ = client.close().await;
        }
        for c in &mut self.children {
            let _ = c.kill().await;
        }
        if self.ca.is_some() {
            super::trust::clean_up();
        }
    }
}

/// Makes a kept session as a new one: other windows closed, every cookie and the site data
/// of `origins` deleted, on `about:blank`; then checks that no cookie is left.
async fn clear(kind: BrowserKind, client: &Client, origins: &[&str]) -> anyhow::Result<()> {
    let windows = client.windows().await?;
    let (first, others) = windows.split_first().context("the session has no window")?;
    for w in others {
        client.switch_to_window(w.clone()).await?;
        client.close_window().await?;
    }
    client.switch_to_window(first.clone()).await?;
    client.goto("about:blank").await?;
    let left = match kind {
        BrowserKind::Chromium => {
            // Cookies belong to a host, whatever its port, so all of them go; site data
            // belongs to an origin, and a scenario's servers are its own two origins.
            cdp(client, "Network.clearBrowserCookies", json!({})).await?;
            cdp(client, "Network.clearBrowserCache", json!({})).await?;
            for origin in origins {
                let origin = origin.trim_end_matches('/');
                cdp(
                    client,
                    "Storage.clearDataForOrigin",
                    json!({ "origin": origin, "storageTypes": "all" }),
                )
                .await?;
            }
            let cookies = cdp(client, "Storage.getCookies", json!({})).await?;
            cookies["cookies"].as_array().map_or(0, Vec::len)
        }
        BrowserKind::Firefox => {
            // Firefox's own clear-data service, from a chrome-context script: everything the
            // profile holds for sites (cookies, storage, cache, permissions) goes.
            moz_context(client, "chrome").await?;
            let left = client
                .execute_async(
                    "const done = arguments[0];
                     Services.clearData.deleteData(Ci.nsIClearDataService.CLEAR_ALL, () =>
                       done(Services.cookies.cookies.length));",
                    Vec::new(),
                )
                .await;
            moz_context(client, "content").await?;
            left?
                .as_u64()
                .context("Firefox did not count its cookies")? as usize
        }
    };
    anyhow::ensure!(left == 0, "{left} cookie(s) left after clearing");
    Ok(())
}

/// A Chrome DevTools Protocol command through chromedriver.
async fn cdp(client: &Client, cmd: &'static str, params: Value) -> anyhow::Result<Value> {
    client
        .issue_cmd(Extension {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        })
        .await
        .with_context(|| format!("CDP {cmd}"))
}

/// Switches geckodriver's commands between the page (`content`) and the browser (`chrome`).
async fn moz_context(client: &Client, context: &'static str) -> anyhow::Result<()> {
    client
        .issue_cmd(Extension {
            path: "moz/context",
            body: json!({ "context": context }),
        })
        .await
        .with_context(|| format!("switching to the {context} context"))?;
    Ok(())
}

/// A driver's own command: POST to `session/{id}/<path>`.
#[derive(Debug)]
struct Extension {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Extension {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}
