//! The runner's machinery: servers, browsers, logs, artifacts and the World.

pub mod artifacts;
pub mod browsers;
pub mod costs;
pub mod logs;
pub mod output;
pub mod preflight;
pub mod recording;
pub mod report;
pub mod servers;
pub mod snapshot;
pub mod target;
pub mod trust;
pub mod world;

use std::{
    path::PathBuf,
    sync::{
        Arc, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use anyhow::Context as _;

use browsers::Drivers;
use target::Target;

/// What the scenarios of the current browser run share: the WebDriver pool and the target.
pub struct Run {
    pub drivers: Drivers,
    pub target: Target,
}

/// This run's id, `e2e-<base 36 time><pid>`: every name a scenario gives to what it creates in
/// an org carries it, so a shared org shows whose it is and a left-over is easy to find.
pub fn run_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        format!(
            "e2e-{}{}",
            base36(secs),
            base36(u64::from(std::process::id()))
        )
    })
}

fn base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// A name for one scenario's things, unique in this run and across runs: `<run id>-<n>`.
pub fn scenario_id() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("{}-{}", run_id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

tokio::task_local! {
    /// The browser run a scenario belongs to: each browser's cucumber run is polled inside its
    /// own scope, so both browsers can run at once in one process.
    static CURRENT: Arc<Run>;
}

/// Runs `f` (one browser's cucumber run) with `run` as its scenarios' current run.
pub async fn with_run<F: std::future::Future>(run: Arc<Run>, f: F) -> F::Output {
    CURRENT.scope(run, f).await
}

pub fn current() -> anyhow::Result<Arc<Run>> {
    CURRENT
        .try_with(|r| r.clone())
        .context("no browser run is active")
}

/// One signing key for every scenario's mock-okta: generating RSA keys is the slow part
/// of start-up and says nothing about the guide.
pub fn signing_key_file() -> anyhow::Result<PathBuf> {
    static FILE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = out_dir();
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join("signing-key.pem");
        let key = mock_okta::keys::SigningKey::generate_pem().map_err(|e| e.to_string())?;
        std::fs::write(&path, key).map_err(|e| e.to_string())?;
        Ok(path)
    })
    .clone()
    .map_err(|e| anyhow::anyhow!("making the test signing key: {e}"))
}

/// Where this run writes its reports and artifacts: E2E_OUT, or `target/e2e` (shared by every
/// run that uses the same target directory).
pub fn out_dir() -> PathBuf {
    std::env::var_os("E2E_OUT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("e2e"))
}

/// The workspace's `target/` directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}
