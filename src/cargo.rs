//! Cargo run from inside a test or a benchmark that cargo started, as from a shell.
//!
//! Cargo gives the programs it runs its package's variables (`CARGO_MANIFEST_DIR`,
//! `CARGO_PKG_NAME`, …). Some build scripts (ring's, and so rustls and everything above it)
//! ask to be rerun when those change, so a cargo started with them rebuilds those crates, and
//! the next cargo started from a shell rebuilds them again.

use std::process::Command;

/// Variables cargo sets for the target it runs (tests, benches, `cargo run`), by prefix.
const SET_FOR_THE_RUNNING_TARGET: &[&str] = &[
    "CARGO_PKG_",
    "CARGO_MANIFEST_",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "OUT_DIR",
];

/// `cargo` (the one that started this program, else the one on `PATH`) with the environment
/// of the shell that started that cargo.
pub fn command() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for (name, _) in std::env::vars_os() {
        if let Some(name) = name.to_str()
            && SET_FOR_THE_RUNNING_TARGET
                .iter()
                .any(|p| name.starts_with(p))
        {
            cmd.env_remove(name);
        }
    }
    cmd
}
