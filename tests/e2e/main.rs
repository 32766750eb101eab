//! The guide as cucumber scenarios in real Chromium and Firefox.
//!
//! `cargo test --test e2e -- [--browser chromium|firefox|all] [cucumber options]`
//! Environment: E2E_TARGET (`local`, the default: each scenario starts its own mock-okta and
//! konnect-stub; `external`: the Okta org and Konnect organization of the E2E_OKTA_* and
//! E2E_KONNECT_* variables, see `support::target`), WEBDRIVER_URL (use that W3C endpoint, a
//! Selenium Grid say, instead of starting drivers), E2E_OKTA_HOST / E2E_KONNECT_HOST (host
//! names remote browsers reach local servers by), HEADED=1 (show the browser),
//! E2E_CONCURRENCY (scenarios at once per browser; locally both browsers run at once), E2E_WAIT_SECS (how long a page may take to
//! show what a step waits for), E2E_FEATURES (another folder of feature files), E2E_OUT
//! (where reports and artifacts go; default target/e2e), E2E_REPORT_MODEL=1 (also write the
//! HTML report's data as report-model.json), E2E_TLS=1 (over https, the browsers trusting the
//! local CA: see `support::trust`), E2E_SCREENSHOTS (`steps`, the default: the report has a
//! screenshot after every step that used the browser; `failures`: only a failed step's).
//!
//! Strict: before any browser starts, every step of the selected scenarios must match
//! exactly one step definition under its keyword; otherwise the run fails and says where.
//! In external mode the scenarios tagged @mock-only are not run: each is listed as skipped
//! with its reason, as expected; any other skip fails the run.

mod pages;
mod steps;
mod support;

use std::{io::Write as _, process::ExitCode, sync::Arc};

use cucumber::{World as _, WriterExt as _, event::ScenarioFinished, writer, writer::Stats as _};
use futures::FutureExt as _;

use support::{
    Run,
    browsers::{BrowserKind, Drivers},
    output::Reworded,
    preflight::MockOnly,
    snapshot::Snapshot,
    target::Target,
    world::E2eWorld,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Which {
    Chromium,
    Firefox,
    All,
}

#[derive(Debug, Clone, clap::Args)]
struct Custom {
    /// Which browsers to run the scenarios in.
    #[arg(long, value_enum, default_value = "all", env = "E2E_BROWSER")]
    browser: Which,
    /// The report's screenshots: after every step that used the browser, or only of a failed
    /// step (in its failure artifacts, which every run saves).
    #[arg(long, value_enum, default_value = "steps", env = "E2E_SCREENSHOTS")]
    screenshots: support::recording::Screenshots,
}

fn concurrency(target: &Target) -> usize {
    // One Konnect organization has one identity provider, and nearly every scenario sets it or
    // depends on it: against an external organization they take turns.
    if target.is_external() {
        return 1;
    }
    std::env::var("E2E_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(2)
}

/// What the scenarios' after hooks could not delete, reported at the end.
static LEFT_BEHIND: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

#[tokio::main]
async fn main() -> ExitCode {
    let mut opts = Opts::parsed();
    let target = match Target::from_env() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("e2e: {e}");
            return ExitCode::FAILURE;
        }
    };
    let browsers = match opts.custom.browser {
        Which::Chromium => vec![BrowserKind::Chromium],
        Which::Firefox => vec![BrowserKind::Firefox],
        Which::All => vec![BrowserKind::Chromium, BrowserKind::Firefox],
    };
    support::recording::set_screenshots(opts.custom.screenshots);
    let out = support::out_dir();
    if let Err(e) = support::artifacts::fresh_output(&out) {
        eprintln!("e2e: cannot prepare {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let features = std::env::var_os("E2E_FEATURES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/features"))
        });
    let checked = match support::preflight::check(&features, &opts).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!("e2e: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !checked.problems.is_empty() {
        eprint!("{}", support::preflight::report(&checked.problems));
        let runs = browsers.len();
        println!(
            "e2e: 0 passed, {} failed, {} skipped",
            checked.broken * runs,
            (checked.scenarios - checked.broken) * runs
        );
        return ExitCode::FAILURE;
    }
    // In external mode, what the org holds before the run, to compare with after it.
    let before = match &target {
        Target::External(orgs) => match Snapshot::take(orgs).await {
            Ok(s) => {
                println!("e2e: external target, before the run: {}", s.summary());
                Some(s)
            }
            Err(e) => {
                eprintln!("e2e: cannot read the external org and organization: {e:#}");
                return ExitCode::FAILURE;
            }
        },
        Target::Local => None,
    };
    let expected_skips: Vec<MockOnly> = if target.is_external() {
        checked.mock_only.clone()
    } else {
        Vec::new()
    };
    // The run selects with the same function as the check above, and leaves out what only the
    // mocks can run; cucumber would ignore a custom filter beside `-n` or `-t`.
    let (re_filter, tags_filter) = (opts.re_filter.take(), opts.tags_filter.take());
    let started = std::time::Instant::now();
    let cpu_at_start = support::costs::CpuTimes::now();
    let mut failed = false;
    let mut reports = Vec::new();
    let mut cucumber_json = Vec::new();
    let run_started = support::report::now();
    // Locally each browser runs its scenarios against servers of their own, so both browsers
    // run at once; the first prints as it goes, the others when they are done. Against an
    // external target the scenarios take turns, so the browsers do too.
    let plan = BrowserPlan {
        target: &target,
        out: &out,
        features: &features,
        opts: &opts,
        re_filter: &re_filter,
        tags_filter: &tags_filter,
        expected_skips: &expected_skips,
    };
    let outcomes = if target.is_external() {
        let mut outcomes = Vec::new();
        for kind in browsers {
            outcomes.push(plan.run(kind, Console::Stdout).await);
        }
        outcomes
    } else {
        let buffers: Vec<_> = (0..browsers.len()).map(|_| Console::buffer()).collect();
        let runs = browsers
            .iter()
            .zip(&buffers)
            .enumerate()
            .map(|(i, (kind, buf))| {
                plan.run(*kind, if i == 0 { Console::Stdout } else { buf.clone() })
            });
        let outcomes = futures::future::join_all(runs).await;
        for buf in buffers.iter().skip(1) {
            buf.print();
        }
        outcomes
    };
    for outcome in outcomes {
        match outcome {
            Ok(ran) => {
                failed |= ran.failed;
                reports.push((ran.kind, ran.junit));
                cucumber_json.push((ran.kind, ran.json));
            }
            Err(BrowserError::Driver(e)) => {
                eprintln!("e2e: {e}");
                failed = true;
            }
            Err(BrowserError::Output(e)) => {
                eprintln!("e2e: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let Counts {
        passed,
        failed: failed_cases,
        skipped,
    } = match merge_junit(&reports, &expected_skips, &out.join("junit.xml")) {
        Ok(counts) => {
            println!("e2e: JUnit report in {}", out.join("junit.xml").display());
            counts
        }
        Err(e) => {
            eprintln!("e2e: cannot write the JUnit report: {e}");
            failed = true;
            Counts::default()
        }
    };
    for line in support::costs::summary() {
        println!("{line}");
    }
    println!(
        "e2e: all browsers took {:.1} s (load average {})",
        started.elapsed().as_secs_f64(),
        support::costs::load_average()
    );
    if let (Some(start), Some(end)) = (cpu_at_start, support::costs::CpuTimes::now()) {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        println!("{}", support::costs::cpu_summary(start, end, cores));
    }
    if let Err(e) = support::report::write_cucumber_json(&cucumber_json, &out) {
        eprintln!("e2e: cannot write the Cucumber JSON report: {e}");
        failed = true;
    }
    let not_run = reports
        .iter()
        .flat_map(|(kind, _)| {
            expected_skips.iter().map(|skip| harness::report::NotRun {
                browser: kind.name().to_owned(),
                feature: skip.feature.clone(),
                scenario: skip.scenario.clone(),
                reason: skip.reason.clone(),
            })
        })
        .collect();
    match support::report::write(&out, run_started, started.elapsed(), &target, not_run) {
        Ok(path) => println!("e2e: report in {}", path.display()),
        Err(e) => {
            eprintln!("e2e: cannot write the HTML report: {e}");
            failed = true;
        }
    }
    if let Some(before) = &before
        && let Target::External(orgs) = &target
    {
        match Snapshot::take(orgs).await {
            Ok(after) => {
                let differences = before.differences(&after);
                if differences.is_empty() {
                    println!(
                        "e2e: the external org and organization hold what they held before the \
                         run ({})",
                        after.summary()
                    );
                } else {
                    eprintln!("e2e: the run changed the external org or organization:");
                    for d in differences {
                        eprintln!("  {d}");
                    }
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!(
                    "e2e: cannot read the external org and organization after the run: {e:#}"
                );
                failed = true;
            }
        }
    }
    if let Ok(left) = LEFT_BEHIND.lock()
        && !left.is_empty()
    {
        eprintln!(
            "e2e: {} scenario(s) could not clean up after themselves",
            left.len()
        );
        failed = true;
    }
    // The plain closing line CI reads: scenarios times browsers. `N passed, N failed` comes
    // first and keeps its shape; a skipped scenario did not run every step, so it is not
    // counted as passed. The only skips that do not fail the run are the @mock-only scenarios
    // of an external run, listed above with their reasons; any other fails it.
    let expected = expected_skips.len() * reports.len();
    let unexpected = skipped - expected.min(skipped);
    if expected > 0 {
        println!(
            "e2e: {passed} passed, {failed_cases} failed, {skipped} skipped ({expected} expected: \
             @mock-only in external mode)"
        );
    } else {
        println!("e2e: {passed} passed, {failed_cases} failed, {skipped} skipped");
    }
    if failed_cases > 0 && !failed {
        // The reports say a scenario failed that cucumber did not: another run wrote into the
        // same folder (see E2E_OUT). A closing line with a failure never ends green.
        eprintln!(
            "e2e: the JUnit reports in {} count {failed_cases} failed scenario(s) this run did \
             not have: another run may have written there (set E2E_OUT)",
            out.display()
        );
        failed = true;
    }
    if unexpected > 0 {
        eprintln!("e2e: {unexpected} scenario(s) did not run every step; see the report above");
        failed = true;
    }
    if passed + failed_cases + unexpected == 0 {
        // A filter that matches nothing must not look like a green run.
        eprintln!("e2e: no scenario ran (check --name / --tags and the feature files)");
        failed = true;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Milliseconds since `t`.
fn ms(t: std::time::Instant) -> u64 {
    t.elapsed().as_millis() as u64
}

/// The command line: cucumber's options for its runner and this runner's writers, and ours.
type Opts = cucumber::cli::Opts<
    cucumber::parser::basic::Cli,
    cucumber::runner::basic::Cli,
    cucumber::cli::Compose<
        cucumber::cli::Compose<cucumber::writer::basic::Cli, cucumber::writer::junit::Cli>,
        cucumber::cli::Empty,
    >,
    Custom,
>;

/// What one browser's run is given.
struct BrowserPlan<'a> {
    target: &'a Target,
    out: &'a std::path::Path,
    features: &'a std::path::Path,
    /// The command line as parsed, without `-n` and `-t` (the filter below applies them).
    opts: &'a Opts,
    re_filter: &'a Option<regex::Regex>,
    tags_filter: &'a Option<cucumber::gherkin::tagexpr::TagOperation>,
    expected_skips: &'a [MockOnly],
}

/// One browser's finished run: whether it failed and its report files.
struct BrowserRan {
    kind: BrowserKind,
    failed: bool,
    junit: std::path::PathBuf,
    json: std::path::PathBuf,
}

enum BrowserError {
    /// The browser could not start: the other browsers still run.
    Driver(String),
    /// A report file could not be made: the run stops.
    Output(String),
}

impl BrowserPlan<'_> {
    async fn run(&self, kind: BrowserKind, console: Console) -> Result<BrowserRan, BrowserError> {
        let slots = concurrency(self.target);
        let drivers = Drivers::start(kind, slots)
            .await
            .map_err(|e| BrowserError::Driver(format!("{}: {e:#}", kind.name())))?;
        let run = Arc::new(Run {
            drivers,
            target: self.target.clone(),
        });
        let create = |name: String| {
            let path = self.out.join(name);
            std::fs::File::create(&path)
                .map(|f| (path.clone(), f))
                .map_err(|e| BrowserError::Output(format!("cannot create {}: {e}", path.display())))
        };
        let (junit_path, junit_file) = create(format!("junit-{}.xml", kind.name()))?;
        let (json_path, json_file) = create(format!("cucumber-{}.json", kind.name()))?;
        let mut header = console.clone();
        let _ = writeln!(
            header,
            "\n=== Scenarios in {} ({} target) ===",
            kind.name(),
            self.target.name()
        );
        for skip in self.expected_skips {
            let _ = writeln!(
                header,
                "  skipped (@mock-only): {}: {} — {}",
                skip.feature, skip.scenario, skip.reason
            );
        }
        let writer = E2eWorld::cucumber()
            // Every step through the recorder: timed, with a screenshot after browser steps.
            .steps(support::recording::steps())
            .max_concurrent_scenarios(slots)
            .after(move |feature, rule, scenario, finished, world| {
                async move {
                    let Some(world) = world else {
                        support::recording::finish_scenario(
                            kind.name(),
                            feature,
                            rule,
                            scenario,
                            finished,
                            None,
                        )
                        .await;
                        return;
                    };
                    if matches!(finished, ScenarioFinished::StepFailed(..)) {
                        match support::artifacts::save_failure(world, &feature.name, &scenario.name)
                            .await
                        {
                            Ok(dir) => eprintln!(
                                "e2e: failure artifacts (screenshot, page, server logs) in {}",
                                dir.display()
                            ),
                            Err(e) => eprintln!("e2e: could not save failure artifacts: {e}"),
                        }
                    }
                    // Before the clean-up, whose API calls are not the scenario's.
                    let record_started = std::time::Instant::now();
                    support::recording::finish_scenario(
                        kind.name(),
                        feature,
                        rule,
                        scenario,
                        finished,
                        Some(&mut *world),
                    )
                    .await;
                    let clean_up_started = std::time::Instant::now();
                    world.add_cost(|c| c.record_ms = ms(record_started));
                    if let Err(e) = world.clean_up().await {
                        eprintln!("e2e: {e:#}");
                        if let Ok(mut left) = LEFT_BEHIND.lock() {
                            left.push(format!("{e:#}"));
                        }
                    }
                    let teardown_started = std::time::Instant::now();
                    world.add_cost(|c| c.clean_up_ms = ms(clean_up_started));
                    world.teardown().await;
                    world.add_cost(|c| c.teardown_ms = ms(teardown_started));
                    support::costs::record(kind, world.cost.get());
                }
                .boxed_local()
            })
            .with_writer(
                writer::Basic::new(
                    Reworded::new(console),
                    writer::Coloring::Auto,
                    writer::Verbosity::Default,
                )
                .summarized()
                .tee::<E2eWorld, _>(writer::JUnit::for_tee(Reworded::new(junit_file), 0))
                .tee::<E2eWorld, _>(writer::Json::for_tee(Reworded::new(json_file)))
                .normalized(),
            )
            // After `with_writer`, which replaces the writer it would wrap: a step that matches
            // nothing is a failure, never a skip (the preflight above should leave none).
            .fail_on_skipped()
            .with_cli(self.opts.clone())
            .filter_run(self.features, {
                let (re, tags) = (self.re_filter.clone(), self.tags_filter.clone());
                let external = self.target.is_external();
                move |feature, rule, scenario| {
                    support::preflight::selected(
                        re.as_ref(),
                        tags.as_ref(),
                        feature,
                        rule,
                        scenario,
                    ) && !(external && support::preflight::is_mock_only(feature, rule, scenario))
                }
            });
        let writer = support::with_run(run.clone(), writer).await;
        let failed = writer.execution_has_failed();
        drop(writer);
        if let Ok(run) = Arc::try_unwrap(run) {
            run.drivers.stop().await;
        }
        Ok(BrowserRan {
            kind,
            failed,
            junit: junit_path,
            json: json_path,
        })
    }
}

/// Where a browser's console output goes: stdout as it runs, or a buffer printed at the end.
#[derive(Clone)]
enum Console {
    Stdout,
    Buffer(Arc<std::sync::Mutex<Vec<u8>>>),
}

impl Console {
    fn buffer() -> Self {
        Self::Buffer(Arc::default())
    }

    /// Prints what was buffered.
    fn print(&self) {
        if let Self::Buffer(buf) = self
            && let Ok(buf) = buf.lock()
        {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&buf);
            let _ = out.flush();
        }
    }
}

impl std::io::Write for Console {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::Stdout => std::io::stdout().write(data),
            Self::Buffer(buf) => {
                buf.lock()
                    .map_err(|_| std::io::Error::other("console buffer poisoned"))?
                    .extend_from_slice(data);
                Ok(data.len())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::Stdout => std::io::stdout().flush(),
            Self::Buffer(_) => Ok(()),
        }
    }
}

#[derive(Debug, Default)]
struct Counts {
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// One JUnit file for CI: each browser's test suites, with the browser named in every test
/// case ("[firefox] Scenario: …").
fn merge_junit(
    reports: &[(BrowserKind, std::path::PathBuf)],
    expected_skips: &[MockOnly],
    dest: &std::path::Path,
) -> std::io::Result<Counts> {
    let mut body = String::new();
    for (kind, path) in reports {
        // The scenarios left out in external mode: skipped, with the reason, in every browser.
        if !expected_skips.is_empty() {
            body.push_str(&format!(
                "<testsuite name=\"[{}] @mock-only\" tests=\"{n}\" skipped=\"{n}\">",
                kind.name(),
                n = expected_skips.len()
            ));
            for skip in expected_skips {
                body.push_str(&format!(
                    "<testcase name=\"[{}] Scenario: {}\" classname=\"{}\"><skipped message=\"@mock-only: {}\"/></testcase>",
                    kind.name(),
                    xml_escape(&skip.scenario),
                    xml_escape(&skip.feature),
                    xml_escape(&skip.reason)
                ));
            }
            body.push_str("</testsuite>");
        }
        let xml = std::fs::read_to_string(path)?;
        let inner = match (xml.find("<testsuites"), xml.rfind("</testsuites>")) {
            (Some(start), Some(end)) => match xml[start..].find('>') {
                Some(gt) => xml[start + gt + 1..end].to_owned(),
                None => continue,
            },
            _ => continue,
        };
        let tag = format!("[{}] ", kind.name());
        body.push_str(
            &inner
                .replace("<testsuite name=\"", &format!("<testsuite name=\"{tag}"))
                .replace("<testcase name=\"", &format!("<testcase name=\"{tag}")),
        );
    }
    std::fs::write(
        dest,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"okta-konnect-guide\">{body}</testsuites>\n"
        ),
    )?;
    // A test case fails with a <failure> or an <error> element, and is skipped with a
    // <skipped> one; only the rest passed.
    let mut counts = Counts::default();
    for case in body.split("<testcase ").skip(1) {
        let case = case.split("</testcase>").next().unwrap_or_default();
        if case.contains("<failure") || case.contains("<error") {
            counts.failed += 1;
        } else if case.contains("<skipped") {
            counts.skipped += 1;
        } else {
            counts.passed += 1;
        }
    }
    Ok(counts)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
