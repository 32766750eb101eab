//! The report page: the run's model turned into what the template shows, and rendered.

use askama::Template;

use super::{Run, Status, diagram, tail};

/// Each server log is kept to its last this many bytes per scenario.
pub const LOG_TAIL: usize = 48 * 1024;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    run: &'a Run,
    tallies: Vec<TallyView>,
    total_passed: usize,
    total_failed: usize,
    total_skipped: usize,
    duration: String,
    shots: usize,
    shots_capture: String,
    shots_encode: String,
    features: Vec<String>,
    browsers: Vec<String>,
    tags: Vec<String>,
    scenarios: Vec<ScenarioView>,
}

struct TallyView {
    browser: String,
    passed: usize,
    failed: usize,
    skipped: usize,
    duration: String,
}

struct ScenarioView {
    id: usize,
    browser: String,
    feature: String,
    name: String,
    file: String,
    line: usize,
    tags: String,
    status: &'static str,
    duration: String,
    error: String,
    failed_step: String,
    steps: Vec<StepView>,
    diagram: String,
    hops: usize,
    has_journal: bool,
    okta_log: String,
    konnect_log: String,
}

struct StepView {
    keyword: String,
    text: String,
    line: usize,
    status: &'static str,
    duration: String,
    error: String,
    thumb: String,
    full: String,
}

fn secs(ms: u64) -> String {
    format!("{:.2} s", ms as f64 / 1000.0)
}

/// The whole report, one self-contained HTML document.
pub fn render(run: &Run) -> Result<String, askama::Error> {
    let tallies: Vec<TallyView> = run
        .tallies()
        .into_iter()
        .map(|t| TallyView {
            browser: t.browser,
            passed: t.passed,
            failed: t.failed,
            skipped: t.skipped,
            duration: secs(t.duration_ms),
        })
        .collect();
    let cost = run.screenshot_cost();
    let scenarios = run
        .scenarios
        .iter()
        .enumerate()
        .map(|(id, s)| {
            let hops = diagram::hops(
                &s.okta_journal,
                &s.konnect_journal,
                (s.okta_clock_offset_s, s.konnect_clock_offset_s),
            );
            let steps: Vec<(i128, String)> = s
                .steps
                .iter()
                .filter_map(|st| {
                    let at = st.started_unix_ms?;
                    Some((i128::from(at), format!("{}{}", st.keyword, st.text)))
                })
                .collect();
            ScenarioView {
                id,
                browser: s.browser.clone(),
                feature: s.feature.clone(),
                name: s.name.clone(),
                file: s.file.clone(),
                line: s.line,
                tags: s.tags.join(" "),
                status: s.status().as_str(),
                duration: secs(s.duration_ms),
                error: s.error.clone().unwrap_or_default(),
                failed_step: s
                    .failed_step()
                    .map(|f| format!("{}{}", f.keyword, f.text))
                    .unwrap_or_default(),
                steps: s
                    .steps
                    .iter()
                    .map(|st| StepView {
                        keyword: st.keyword.clone(),
                        text: st.text.clone(),
                        line: st.line,
                        status: st.status.as_str(),
                        duration: if st.status == Status::Skipped {
                            String::new()
                        } else {
                            secs(st.duration_ms)
                        },
                        error: st.error.clone().unwrap_or_default(),
                        thumb: st
                            .shot
                            .as_ref()
                            .map(|x| x.thumb.clone())
                            .unwrap_or_default(),
                        full: st.shot.as_ref().map(|x| x.full.clone()).unwrap_or_default(),
                    })
                    .collect(),
                diagram: diagram::svg(&diagram::rows(&hops, &steps)),
                hops: hops.len(),
                has_journal: !(s.okta_journal.is_empty() && s.konnect_journal.is_empty()),
                okta_log: tail(&s.okta_log, LOG_TAIL),
                konnect_log: tail(&s.konnect_log, LOG_TAIL),
            }
        })
        .collect();
    Page {
        run,
        total_passed: tallies.iter().map(|t| t.passed).sum(),
        total_failed: tallies.iter().map(|t| t.failed).sum(),
        total_skipped: tallies.iter().map(|t| t.skipped).sum(),
        tallies,
        duration: secs(run.duration_ms),
        shots: cost.count,
        shots_capture: secs(cost.capture_ms),
        shots_encode: secs(cost.encode_ms),
        features: run.features(),
        browsers: run.browsers(),
        tags: run.tags(),
        scenarios,
    }
    .render()
}
