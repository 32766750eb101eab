//! E2E_TLS=1: the scenarios over https, with certificates from the harness's local certificate
//! authority, which the browsers trust as a person's machine would, not by ignoring
//! certificate errors: Chromium through the NSS database in the HOME chromedriver starts it
//! with, Firefox through the certificate database of its profile. Both databases are made
//! with `certutil` (Debian's libnss3-tools; scripts/test installs it).

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicUsize, Ordering},
};

use anyhow::{Context as _, bail};

use super::browsers::find_program;

/// The nickname of the authority in the browsers' certificate databases.
const NICKNAME: &str = "okta-konnect-harness";

/// Whether the run is over https (E2E_TLS=1 or true).
pub fn enabled() -> bool {
    std::env::var("E2E_TLS").is_ok_and(|v| v == "1" || v == "true")
}

/// The local authority's certificate, made now if it is not yet (before any browser starts).
pub fn ca_file() -> anyhow::Result<PathBuf> {
    Ok(server_kit::tls::LocalCa::open_default()?.cert_file())
}

/// Makes an NSS certificate database in `dir` that trusts `ca` to identify web sites.
pub fn nss_db(dir: &Path, ca: &Path) -> anyhow::Result<()> {
    let certutil = find_program("certutil").context(
        "certutil not found on PATH: install it with `apt-get install -y libnss3-tools` \
         (./scripts/test does this); E2E_TLS=1 needs it to make the browsers trust the local CA",
    )?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let db = format!("sql:{}", dir.display());
    let run = |args: &[&str]| -> anyhow::Result<()> {
        let out = std::process::Command::new(&certutil)
            .args(args)
            .output()
            .context("running certutil")?;
        if !out.status.success() {
            bail!(
                "certutil {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    };
    if !dir.join("cert9.db").exists() {
        run(&["-N", "-d", &db, "--empty-password"])?;
    }
    let ca = ca.to_string_lossy();
    run(&["-A", "-d", &db, "-t", "C,,", "-n", NICKNAME, "-i", &ca])
}

/// A HOME for chromedriver and the Chromium it starts, whose `.pki/nssdb` trusts `ca`.
pub fn chromium_home(ca: &Path) -> anyhow::Result<PathBuf> {
    let home = scratch("chromium-home");
    nss_db(&home.join(".pki/nssdb"), ca)?;
    Ok(home)
}

/// A fresh Firefox profile whose certificate database trusts `ca` (one per session: a
/// profile is one browser's at a time).
pub fn firefox_profile(ca: &Path) -> anyhow::Result<PathBuf> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let profile = scratch(&format!(
        "firefox-profile-{}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    nss_db(&profile, ca)?;
    Ok(profile)
}

/// Where this run keeps the browsers' HOME and profiles.
fn run_dir() -> PathBuf {
    std::env::temp_dir().join(format!("{}-tls", super::run_id()))
}

/// A new, empty directory of this run's under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = run_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Removes the browsers' HOME and profiles once their drivers are stopped.
pub fn clean_up() {
    let _ = std::fs::remove_dir_all(run_dir());
}
