//! The run's reports beside the JUnit files: Cucumber's JSON (per browser and merged) and the
//! HTML report made from what `recording` kept.

use std::path::{Path, PathBuf};

use harness::report;

use super::{browsers::BrowserKind, target::Target};

/// Now, UTC, RFC 3339 with milliseconds.
pub fn now() -> String {
    server_kit::control::clock::timestamp(time::OffsetDateTime::now_utc())
}

/// Each browser's `cucumber-<browser>.json` made standard (tag names with `@`), and
/// `cucumber.json`, every browser's in one.
pub fn write_cucumber_json(
    per_browser: &[(BrowserKind, PathBuf)],
    out: &Path,
) -> Result<(), String> {
    let texts = per_browser
        .iter()
        .map(|(kind, path)| {
            std::fs::read_to_string(path)
                .map(|t| (kind.name(), t))
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for ((kind, path), (_, text)) in per_browser.iter().zip(&texts) {
        let features =
            report::cucumber_json::standard(text).map_err(|e| format!("{}: {e}", kind.name()))?;
        let standard = serde_json::to_string_pretty(&features).map_err(|e| e.to_string())?;
        std::fs::write(path, standard).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(k, t)| (*k, t.as_str())).collect();
    let merged = report::cucumber_json::merge(&pairs)?;
    std::fs::write(out.join("cucumber.json"), merged).map_err(|e| e.to_string())
}

/// Which build ran: the commit (with `+changes` for a tree with uncommitted changes) and the
/// profile.
fn build() -> report::Build {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let changed =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    report::Build {
        commit: if changed {
            format!("{commit}+changes")
        } else {
            commit
        },
        profile: if cfg!(debug_assertions) {
            "dev".into()
        } else {
            "release".into()
        },
    }
}

/// Writes `report.html` (and, with E2E_REPORT_MODEL=1, the model it was made from as
/// `report-model.json`); returns the report's path.
pub fn write(
    out: &Path,
    started: String,
    took: std::time::Duration,
    target: &Target,
    not_run: Vec<report::NotRun>,
) -> Result<PathBuf, String> {
    let mut run = report::Run {
        started,
        duration_ms: took.as_millis() as u64,
        build: build(),
        target: target.name().to_owned(),
        scenarios: super::recording::take_scenarios(),
        not_run,
    };
    run.sort();
    if std::env::var("E2E_REPORT_MODEL").is_ok_and(|v| v == "1") {
        let model = serde_json::to_string(&run).map_err(|e| e.to_string())?;
        std::fs::write(out.join("report-model.json"), model).map_err(|e| e.to_string())?;
    }
    let html = report::render(&run).map_err(|e| e.to_string())?;
    let path = out.join("report.html");
    std::fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
