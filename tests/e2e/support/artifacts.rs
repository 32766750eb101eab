//! What a failed step leaves behind: a PNG screenshot, the page's HTML and URL, and both
//! servers' logs, under target/e2e/artifacts/<browser> (or E2E_OUT)/<feature>--<scenario>/.

use std::path::PathBuf;

use super::world::E2eWorld;

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(80).collect()
}

pub fn scenario_dir(browser: &str, feature: &str, scenario: &str) -> PathBuf {
    super::out_dir()
        .join("artifacts")
        .join(browser)
        .join(format!("{}--{}", slug(feature), slug(scenario)))
}

/// Removes what earlier runs left (failure artifacts, JUnit, Cucumber JSON and HTML reports), so a folder or report
/// found after a run is this run's; keeps the cached signing key.
pub fn fresh_output(out: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    match std::fs::remove_dir_all(out.join("artifacts")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let report = (name.starts_with("junit") && name.ends_with(".xml"))
            || (name.starts_with("cucumber") && name.ends_with(".json"))
            || name.starts_with("report");
        if report {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Saves everything that helps to see why the step failed; returns the folder.
pub async fn save_failure(
    world: &E2eWorld,
    feature: &str,
    scenario: &str,
) -> std::io::Result<PathBuf> {
    let dir = scenario_dir(world.kind.name(), feature, scenario);
    std::fs::create_dir_all(&dir)?;
    let client = world.browser();
    // The whole page, not just the first screen: what is missing is often further down.
    if let Ok(h) = client
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        && let Some(h) = h.as_u64()
    {
        // The window size includes the browser's own frame; leave room for it.
        let _ = client
            .set_window_size(1280, (h + 200).clamp(900, 6000) as u32)
            .await;
    }
    if let Ok(png) = client.screenshot().await {
        std::fs::write(dir.join("screenshot.png"), png)?;
    }
    if let Ok(html) = client.source().await {
        std::fs::write(dir.join("page.html"), html)?;
    }
    if let Ok(url) = client.current_url().await {
        std::fs::write(dir.join("url.txt"), url.as_str())?;
    }
    // Only local servers have logs here; an external org keeps its own.
    if let Some((okta, konnect)) = world.logs() {
        std::fs::write(dir.join("mock-okta.log"), okta)?;
        std::fs::write(dir.join("konnect-stub.log"), konnect)?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(
            super::slug("Log in with Okta: a member!"),
            "log-in-with-okta-a-member"
        );
    }
}
