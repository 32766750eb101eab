//! The run report: what a browser run did, scenario by scenario and step by step, as one
//! self-contained HTML file (styles, screenshots and sequence diagrams inline).
//!
//! The e2e runner fills a [`Run`] while the scenarios run and renders it with [`render`] when
//! they are done; the model is plain data (serde), so a recorded run can be rendered again.
//! [`diagram`] draws the exchanges of both servers' journals, [`shots`] scales screenshots,
//! [`cucumber_json`] merges the per-browser Cucumber JSON reports.

pub mod cucumber_json;
pub mod diagram;
mod html;
pub mod shots;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use html::render;

/// One run of the suite, every browser.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// When the run started (UTC, RFC 3339).
    pub started: String,
    /// Wall time of the whole run, every browser.
    pub duration_ms: u64,
    pub build: Build,
    /// `local` or `external`.
    pub target: String,
    /// Every scenario run, in the order they finished, per browser.
    pub scenarios: Vec<Scenario>,
    /// Scenarios left out on purpose (`@mock-only` against an external target), per browser.
    #[serde(default)]
    pub not_run: Vec<NotRun>,
}

/// A scenario the run left out on purpose, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotRun {
    pub browser: String,
    pub feature: String,
    pub scenario: String,
    pub reason: String,
}

/// Which build ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Build {
    /// `git describe`-like: the commit, with `+changes` when the tree had uncommitted ones.
    pub commit: String,
    /// `dev` (debug assertions on) or `release`.
    pub profile: String,
}

/// How a scenario or step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    /// Not run: an earlier step failed, or the scenario could not start.
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// One scenario in one browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub browser: String,
    pub feature: String,
    /// The feature file, relative to the repository.
    pub file: String,
    pub name: String,
    pub line: usize,
    /// The scenario's tags and its feature's and rule's, with `@`.
    pub tags: Vec<String>,
    pub duration_ms: u64,
    /// Background steps first, then the scenario's, each once, in order.
    pub steps: Vec<Step>,
    /// Why the scenario failed before or outside its steps (it could not start, say).
    pub error: Option<String>,
    /// Both servers' journals (`GET /__mock/journal` entries), empty against an external target.
    pub okta_journal: Vec<Value>,
    pub konnect_journal: Vec<Value>,
    /// How far each server's clock had been moved at the end (`/__mock/clock`), in seconds.
    pub okta_clock_offset_s: i64,
    pub konnect_clock_offset_s: i64,
    pub okta_log: String,
    pub konnect_log: String,
}

impl Scenario {
    /// Failed when a step failed or it failed outside its steps; skipped when nothing ran.
    pub fn status(&self) -> Status {
        if self.error.is_some() || self.steps.iter().any(|s| s.status == Status::Failed) {
            Status::Failed
        } else if self.steps.iter().all(|s| s.status == Status::Passed) && !self.steps.is_empty() {
            Status::Passed
        } else {
            Status::Skipped
        }
    }

    /// The step that failed, if one did.
    pub fn failed_step(&self) -> Option<&Step> {
        self.steps.iter().find(|s| s.status == Status::Failed)
    }
}

/// One step as it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// `Given `, `When `, `And `… as written.
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: Status,
    /// When it started, milliseconds since 1970 on the wall clock; `None` if it did not run.
    #[serde(default)]
    pub started_unix_ms: Option<i64>,
    pub duration_ms: u64,
    pub error: Option<String>,
    /// After a step that used the browser.
    pub shot: Option<shots::Shot>,
}

impl Step {
    /// A step that did not run.
    pub fn skipped(keyword: &str, text: &str, line: usize) -> Self {
        Self {
            keyword: keyword.to_owned(),
            text: text.to_owned(),
            line,
            status: Status::Skipped,
            started_unix_ms: None,
            duration_ms: 0,
            error: None,
            shot: None,
        }
    }
}

/// Passed, failed and skipped scenarios of one browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub browser: String,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub duration_ms: u64,
}

/// What the screenshots cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShotCost {
    pub count: usize,
    pub capture_ms: u64,
    pub encode_ms: u64,
}

impl Run {
    /// One tally per browser, in the order the browsers ran; the scenarios left out count as
    /// skipped.
    pub fn tallies(&self) -> Vec<Tally> {
        let mut out: Vec<Tally> = Vec::new();
        for s in &self.scenarios {
            let i = match out.iter().position(|t| t.browser == s.browser) {
                Some(i) => i,
                None => {
                    out.push(Tally {
                        browser: s.browser.clone(),
                        ..Tally::default()
                    });
                    out.len() - 1
                }
            };
            let t = &mut out[i];
            match s.status() {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                Status::Skipped => t.skipped += 1,
            }
            t.duration_ms += s.duration_ms;
        }
        // Left out on purpose counts as skipped, as in the runner's closing line.
        for n in &self.not_run {
            match out.iter_mut().find(|t| t.browser == n.browser) {
                Some(t) => t.skipped += 1,
                None => out.push(Tally {
                    browser: n.browser.clone(),
                    skipped: 1,
                    ..Tally::default()
                }),
            }
        }
        out
    }

    /// The distinct features, browsers and tags, sorted, for the filters.
    pub fn features(&self) -> Vec<String> {
        distinct(self.scenarios.iter().map(|s| s.feature.clone()))
    }

    pub fn browsers(&self) -> Vec<String> {
        distinct(self.scenarios.iter().map(|s| s.browser.clone()))
    }

    pub fn tags(&self) -> Vec<String> {
        distinct(self.scenarios.iter().flat_map(|s| s.tags.iter().cloned()))
    }

    /// Screenshots taken, the time taking them added to the steps, and the time encoding
    /// them took in the background.
    pub fn screenshot_cost(&self) -> ShotCost {
        self.scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .filter_map(|s| s.shot.as_ref())
            .fold(ShotCost::default(), |c, shot| ShotCost {
                count: c.count + 1,
                capture_ms: c.capture_ms + shot.capture_ms,
                encode_ms: c.encode_ms + shot.encode_ms,
            })
    }

    /// Failed scenarios first, then by browser, feature and line: what a reader looks for.
    pub fn sort(&mut self) {
        self.scenarios.sort_by(|a, b| {
            (a.status() != Status::Failed, &a.browser, &a.file, a.line).cmp(&(
                b.status() != Status::Failed,
                &b.browser,
                &b.file,
                b.line,
            ))
        });
    }
}

fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    items.collect::<BTreeSet<_>>().into_iter().collect()
}

/// The last `max` bytes of a log, cut at a line start, with a first line saying what was left
/// out: the end of a log is where a failure shows.
pub fn tail(log: &str, max: usize) -> String {
    if log.len() <= max {
        return log.to_owned();
    }
    let mut start = log.len() - max;
    while !log.is_char_boundary(start) {
        start += 1;
    }
    let start = log[start..].find('\n').map_or(start, |nl| start + nl + 1);
    format!(
        "[… the first {} bytes of this log are left out …]\n{}",
        start,
        &log[start..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn step(status: Status) -> Step {
        Step {
            keyword: "Given ".into(),
            text: "something".into(),
            line: 3,
            status,
            started_unix_ms: Some(1_000),
            duration_ms: 10,
            error: (status == Status::Failed).then(|| "it broke".to_owned()),
            shot: None,
        }
    }

    pub(crate) fn scenario(browser: &str, feature: &str, steps: Vec<Step>) -> Scenario {
        Scenario {
            browser: browser.into(),
            feature: feature.into(),
            file: format!("features/{feature}.feature"),
            name: format!("{feature} in {browser}"),
            line: 5,
            tags: vec!["@a".into()],
            duration_ms: 100,
            steps,
            error: None,
            okta_journal: vec![],
            konnect_journal: vec![],
            okta_clock_offset_s: 0,
            konnect_clock_offset_s: 0,
            okta_log: String::new(),
            konnect_log: String::new(),
        }
    }

    #[test]
    fn a_scenario_fails_with_a_failed_step_and_passes_only_when_every_step_passed() {
        let p = scenario("c", "f", vec![step(Status::Passed), step(Status::Passed)]);
        assert_eq!(p.status(), Status::Passed);
        let f = scenario("c", "f", vec![step(Status::Passed), step(Status::Failed)]);
        assert_eq!(f.status(), Status::Failed);
        assert_eq!(f.failed_step().unwrap().error.as_deref(), Some("it broke"));
        let s = scenario("c", "f", vec![step(Status::Passed), step(Status::Skipped)]);
        assert_eq!(s.status(), Status::Skipped);
        assert_eq!(scenario("c", "f", vec![]).status(), Status::Skipped);
        let mut e = scenario("c", "f", vec![]);
        e.error = Some("could not start".into());
        assert_eq!(e.status(), Status::Failed);
    }

    #[test]
    fn tallies_count_scenarios_per_browser_in_run_order() {
        let run = Run {
            scenarios: vec![
                scenario("chromium", "a", vec![step(Status::Passed)]),
                scenario("chromium", "b", vec![step(Status::Failed)]),
                scenario("firefox", "a", vec![step(Status::Passed)]),
                scenario("firefox", "b", vec![step(Status::Skipped)]),
            ],
            ..Run::default()
        };
        let t = run.tallies();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (
                t[0].browser.as_str(),
                t[0].passed,
                t[0].failed,
                t[0].skipped
            ),
            ("chromium", 1, 1, 0)
        );
        assert_eq!(
            (
                t[1].browser.as_str(),
                t[1].passed,
                t[1].failed,
                t[1].skipped
            ),
            ("firefox", 1, 0, 1)
        );
        assert_eq!(t[0].duration_ms, 200);
        let mut external = run.clone();
        external.not_run.push(NotRun {
            browser: "firefox".into(),
            feature: "b".into(),
            scenario: "c".into(),
            reason: "Mock-only: d".into(),
        });
        assert_eq!(external.tallies()[1].skipped, 2);
        assert_eq!(run.features(), ["a", "b"]);
        assert_eq!(run.browsers(), ["chromium", "firefox"]);
        assert_eq!(run.tags(), ["@a"]);
    }

    #[test]
    fn failed_scenarios_sort_first() {
        let mut run = Run {
            scenarios: vec![
                scenario("chromium", "a", vec![step(Status::Passed)]),
                scenario("firefox", "b", vec![step(Status::Failed)]),
            ],
            ..Run::default()
        };
        run.sort();
        assert_eq!(run.scenarios[0].browser, "firefox");
    }

    #[test]
    fn a_long_log_keeps_its_end_from_a_line_start() {
        let log = "first line\nsecond line\nthird line\n";
        assert_eq!(tail(log, 100), log);
        let cut = tail(log, 15);
        assert!(cut.ends_with("third line\n"), "{cut}");
        assert!(!cut.contains("second"), "{cut}");
        assert!(cut.starts_with("[… the first 23 bytes"), "{cut}");
        // Never inside a character.
        let wide = "ééééé\nok\n";
        assert!(tail(wide, 5).ends_with("ok\n"));
    }
}
