//! Browsers and their WebDriver servers: chromedriver (one serves many sessions) and
//! geckodriver (one session per process, so a pool), or any W3C endpoint in WEBDRIVER_URL.

use std::{
    path::PathBuf,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::{Context as _, bail};
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
    children: Vec<Child>,
    /// The local CA's certificate the browsers trust (E2E_TLS=1).
    ca: Option<PathBuf>,
}

/// An endpoint leased to one scenario; returned to the pool when dropped.
pub struct Lease {
    pub url: String,
    free: Arc<Mutex<Vec<String>>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Ok(mut f) = self.free.lock() {
            f.push(std::mem::take(&mut self.url));
        }
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
            children,
            ca,
        })
    }

    pub async fn lease(&self) -> anyhow::Result<Lease> {
        let permit = self.permits.clone().acquire_owned().await?;
        let url = self
            .free
            .lock()
            .map_err(|_| anyhow::anyhow!("driver pool poisoned"))?
            .pop()
            .context("no free WebDriver endpoint")?;
        Ok(Lease {
            url,
            free: self.free.clone(),
            _permit: permit,
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
                let mut args: Vec<String> = vec!["-width=1280".into(), "-height=900".into()];
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

    /// Opens a browser session on a leased endpoint.
    pub async fn session(&self) -> anyhow::Result<(fantoccini::Client, Lease)> {
        let lease = self.lease().await?;
        let client = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(self.capabilities()?)
        .connect(&lease.url)
        .await
        .with_context(|| format!("opening a {} session at {}", self.kind.name(), lease.url))?;
        Ok((client, lease))
    }

    pub async fn stop(mut self) {
        for c in &mut self.children {
            let _ = c.kill().await;
        }
        if self.ca.is_some() {
            super::trust::clean_up();
        }
    }
}
