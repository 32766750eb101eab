//! The runner's machinery: servers, browsers, logs, artifacts and the World.

pub mod artifacts;
pub mod browsers;
pub mod logs;
pub mod output;
pub mod preflight;
pub mod servers;
pub mod world;

use std::{
    path::PathBuf,
    sync::{Arc, OnceLock, RwLock},
};

use anyhow::Context as _;

use browsers::Drivers;

/// What the scenarios of the current browser run share: the WebDriver pool.
pub struct Run {
    pub drivers: Drivers,
}

static CURRENT: RwLock<Option<Arc<Run>>> = RwLock::new(None);

pub fn set_current(run: Option<Arc<Run>>) {
    if let Ok(mut c) = CURRENT.write() {
        *c = run;
    }
}

pub fn current() -> anyhow::Result<Arc<Run>> {
    CURRENT
        .read()
        .ok()
        .and_then(|c| c.clone())
        .context("no browser run is active")
}

/// One signing key for every scenario's mock-okta: generating RSA keys is the slow part
/// of start-up and says nothing about the guide.
pub fn signing_key_file() -> anyhow::Result<PathBuf> {
    static FILE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = target_dir().join("e2e");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join("signing-key.pem");
        let key = mock_okta::keys::SigningKey::generate_pem().map_err(|e| e.to_string())?;
        std::fs::write(&path, key).map_err(|e| e.to_string())?;
        Ok(path)
    })
    .clone()
    .map_err(|e| anyhow::anyhow!("making the test signing key: {e}"))
}

/// The workspace's `target/` directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}
