//! Strict scenarios: a feature with an undefined step, or a step under the wrong keyword,
//! fails the browser run before any browser starts, and the message points at the line.
//! (Runs the e2e runner itself through cargo, as a user would; no browser is needed.)

#[test]
fn a_step_that_matches_nothing_fails_the_run_and_names_its_line() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = harness::cargo::command()
        .args(["test", "--quiet", "-p", "harness", "--test", "e2e", "--"])
        .args(["--browser", "chromium"])
        .env("E2E_FEATURES", format!("{root}/tests/fixtures/strict"))
        .env_remove("WEBDRIVER_URL")
        .current_dir(root)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = format!("{stdout}\n{stderr}");
    assert!(!out.status.success(), "the run passed:\n{all}");
    let file = "tests/fixtures/strict/a_typo_and_a_wrong_keyword.feature";
    assert!(
        all.contains(&format!(
            "{file}:8: Then I see the Okta login scren\n      in scenario \"A typo and a step \
             under the wrong keyword\": no Then step matches this text (undefined step)"
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!("{file}:7: And I copy the login URL")),
        "{all}"
    );
    assert!(
        all.contains("no When step matches, but the same text is defined as a Then step"),
        "{all}"
    );
    // Nothing ran: the broken scenario is failed, the other one skipped, none passed.
    assert!(all.contains("e2e: 0 passed, 1 failed, 1 skipped"), "{all}");
    assert!(
        !all.contains("=== Scenarios in"),
        "a browser run started:\n{all}"
    );
}
