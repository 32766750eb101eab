//! The HTML run report rendered from a recorded run (tests/fixtures/report/): what a reader
//! needs is there, and nothing is fetched from elsewhere.

use harness::report::{self, Run, Status};

fn recorded() -> Run {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/report/broken-logout-button.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The scenario's part of the page: from its `<details` to the next scenario's.
fn section<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!("<b>{name}</b>")).unwrap();
    let start = html[..at].rfind("<details class=\"scenario").unwrap();
    let end = html[at..]
        .find("<details class=\"scenario")
        .map_or(html.len(), |e| at + e);
    &html[start..end]
}

#[test]
fn a_recorded_run_renders_with_its_failure_screenshots_and_diagrams() {
    let run = recorded();
    let html = report::render(&run).unwrap();

    // The summary: per browser, and the build.
    assert!(html.contains("<h1>Okta + Konnect e2e: 1 passed, 1 failed, 0 skipped</h1>"));
    assert!(html.contains(
        "<tr><td>chromium</td><td class=\"n-passed\">1</td><td class=\"n-failed\">1</td>"
    ));
    assert!(html.contains(&format!("build {} (dev profile)", run.build.commit)));

    // The filters offer what the run has.
    for feature in run.features() {
        assert!(
            html.contains(&format!("<option>{feature}</option>")),
            "{feature}"
        );
    }
    assert!(html.contains(
        "<select id=\"f-browser\"><option value=\"\">all</option><option>chromium</option></select>"
    ));
    assert!(html.contains("<select id=\"f-tag\">"));

    // The failed scenario is open, says where it failed, and highlights the step with its error.
    let failed = section(&html, "A second login uses the Okta session");
    assert!(failed.starts_with("<details class=\"scenario failed\""));
    assert!(failed.contains("data-status=\"failed\""));
    assert!(failed.contains(" open>"));
    assert!(failed.contains("Failed at: When I log out of Konnect"));
    let step = &failed[failed.find("<li class=\"failed\">").unwrap()..];
    let step = &step[..step.find("</li>").unwrap()];
    assert!(step.contains("I log out of Konnect"));
    assert!(
        step.contains("[data-testid=&#39;konnect-logout&#39;]"),
        "{step}"
    );
    assert!(step.contains("<img class=\"thumb\" src=\"data:image/jpeg;base64,"));
    // The steps the failure kept from running.
    assert_eq!(failed.matches("<li class=\"skipped\">").count(), 2);
    // In the diagram, each step that ran is a line before the hops it made; the failed one
    // made none: Konnect never heard of a log-out.
    let logout = failed.find("▸ When I log out of Konnect</text>").unwrap();
    assert!(
        failed
            .find("▸ Given I have logged in to Konnect through Okta as a member")
            .unwrap()
            < logout
    );
    let after = &failed[logout..failed.find("</svg>").unwrap()];
    assert!(!after.contains("<g class=\"hop\">"), "{after}");
    assert!(!failed.contains("▸ And I paste the login URL"));

    // Every scenario: a screenshot per browser step, a diagram of its exchanges, both logs.
    for s in &run.scenarios {
        let part = section(&html, &s.name.replace('\'', "&#39;"));
        let shots = s.steps.iter().filter(|st| st.shot.is_some()).count();
        assert!(shots > 0, "{}", s.name);
        assert_eq!(
            part.matches("<img class=\"thumb\"").count(),
            shots,
            "{}",
            s.name
        );
        assert!(part.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\""));
        assert!(part.contains("GET /oauth2/default/v1/authorize → 302 redirect"));
        assert!(part.contains("POST /oauth2/default/v1/token → 200"));
        assert!(part.contains("client auth: client_secret_basic"));
        assert!(part.contains("<summary>mock-okta log</summary>"));
        assert!(part.contains("<summary>konnect-stub log</summary>"));
    }
    let passed = section(
        &html,
        "A member logs in through the organization&#39;s login URL",
    );
    assert!(passed.starts_with("<details class=\"scenario passed\""));
    assert!(!passed.contains(" open>"));

    // Self-contained: every src and href is inline or on the page.
    for attr in ["src=\"", "href=\""] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                value.starts_with("data:") || value.starts_with('#'),
                "{}",
                &value[..value.len().min(80)]
            );
        }
    }
}

#[test]
fn scenarios_left_out_against_an_external_target_are_listed_with_why() {
    let mut run = recorded();
    let html = report::render(&run).unwrap();
    assert!(!html.contains("left out against this target"));
    run.not_run.push(report::NotRun {
        browser: "firefox".into(),
        feature: "The guide's conditions".into(),
        scenario: "Okta single sign-on is an Enterprise feature".into(),
        reason: "Mock-only: it needs a Konnect organization on the Free plan".into(),
    });
    let html = report::render(&run).unwrap();
    assert!(html.contains("1 scenario runs left out against this target"));
    // Counted as skipped, as the runner's closing line counts it.
    assert!(html.contains("<h1>Okta + Konnect e2e: 1 passed, 1 failed, 1 skipped</h1>"));
    assert!(html.contains(
        "<li>firefox · The guide&#39;s conditions: <b>Okta single sign-on is an Enterprise \
         feature</b> — Mock-only: it needs a Konnect organization on the Free plan</li>"
    ));
}

#[test]
fn the_model_reads_the_recorded_run_back() {
    let run = recorded();
    assert_eq!(run.scenarios.len(), 2);
    let failed = &run.scenarios[0];
    assert_eq!(failed.status(), Status::Failed);
    assert_eq!(failed.failed_step().unwrap().text, "I log out of Konnect");
    let again: Run = serde_json::from_str(&serde_json::to_string(&run).unwrap()).unwrap();
    assert_eq!(again, run);
}
