//! What the run report is made of, recorded while the scenarios run.
//!
//! cucumber has hooks around scenarios only, and its writers hear of a step after the fact,
//! while the next one may already be running. So every step definition is registered through
//! one wrapper ([`steps`]) that runs the real step, times it, keeps its outcome and, when the
//! step used the browser, takes a screenshot before the next step starts. The after hook then
//! adds the scenario with both servers' journals and logs ([`finish_scenario`]).

use std::{
    panic::AssertUnwindSafe,
    sync::{Mutex, OnceLock},
    time::Instant,
};

use cucumber::{
    World as _,
    codegen::{StepConstructor as _, WorldInventory, inventory},
    event::ScenarioFinished,
    gherkin,
    step::{Collection, Context},
};
use futures::{FutureExt as _, future::LocalBoxFuture};
use harness::report::{self, Status};

use super::world::E2eWorld;

/// When the report gets a screenshot (`--screenshots`, `E2E_SCREENSHOTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Screenshots {
    /// After every step that used the browser.
    Steps,
    /// Only of a failed step, in its failure artifacts (saved whatever this says).
    Failures,
}

static SCREENSHOTS: OnceLock<Screenshots> = OnceLock::new();

/// Set once, from the command line, before any scenario runs.
pub fn set_screenshots(s: Screenshots) {
    let _ = SCREENSHOTS.set(s);
}

fn screenshots_after_steps() -> bool {
    SCREENSHOTS.get().is_none_or(|s| *s == Screenshots::Steps)
}

/// cucumber's own collection of the step definitions, to find the real step by the same rules.
fn definitions() -> &'static Collection<E2eWorld> {
    static ALL: OnceLock<Collection<E2eWorld>> = OnceLock::new();
    ALL.get_or_init(E2eWorld::collection)
}

/// Every step definition, each behind [`recorded`], under its own expression and location.
pub fn steps() -> Collection<E2eWorld> {
    let mut out = Collection::new();
    for s in inventory::iter::<<E2eWorld as WorldInventory>::Given> {
        let (loc, regex, _) = s.inner();
        out = out.given(Some(loc), regex(), recorded);
    }
    for s in inventory::iter::<<E2eWorld as WorldInventory>::When> {
        let (loc, regex, _) = s.inner();
        out = out.when(Some(loc), regex(), recorded);
    }
    for s in inventory::iter::<<E2eWorld as WorldInventory>::Then> {
        let (loc, regex, _) = s.inner();
        out = out.then(Some(loc), regex(), recorded);
    }
    out
}

/// What a failed step's panic says (cucumber's step macros turn an `Err` into one).
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "the step panicked".to_owned())
}

fn recorded(world: &mut E2eWorld, ctx: Context) -> LocalBoxFuture<'_, ()> {
    async move {
        // The step matched this expression alone (cucumber checked), so it finds the same one.
        let step = match definitions().find(&ctx.step) {
            Ok(Some((step, ..))) => *step,
            _ => unreachable!("cucumber matched {:?} to one definition", ctx.step.value),
        };
        let gherkin_step = ctx.step.clone();
        world.browser_used.set(false);
        let started_unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_millis()).ok());
        let started = Instant::now();
        let outcome = AssertUnwindSafe(step(world, ctx)).catch_unwind().await;
        let duration_ms = started.elapsed().as_millis() as u64;
        world.add_cost(|c| c.steps_ms += duration_ms);
        if world.browser_used.get()
            && screenshots_after_steps()
            && let Some(pending) = world.screenshot().await
        {
            world.pending_shots.push((world.steps.len(), pending));
        }
        world.steps.push(report::Step {
            keyword: gherkin_step.keyword.clone(),
            text: gherkin_step.value.clone(),
            line: gherkin_step.position.line,
            status: if outcome.is_ok() {
                Status::Passed
            } else {
                Status::Failed
            },
            started_unix_ms,
            duration_ms,
            error: outcome.as_ref().err().map(|p| panic_text(p.as_ref())),
            shot: None,
        });
        if let Err(payload) = outcome {
            std::panic::resume_unwind(payload);
        }
    }
    .boxed_local()
}

static SCENARIOS: Mutex<Vec<report::Scenario>> = Mutex::new(Vec::new());

/// The scenarios recorded so far; empties the record.
pub fn take_scenarios() -> Vec<report::Scenario> {
    SCENARIOS
        .lock()
        .map(|mut s| std::mem::take(&mut *s))
        .unwrap_or_default()
}

/// Adds the finished scenario to the report: the steps as they ran, the rest as skipped, and
/// (in local mode) both journals and logs.
pub async fn finish_scenario(
    browser: &str,
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
    finished: &ScenarioFinished,
    world: Option<&mut E2eWorld>,
) {
    let written = feature
        .background
        .iter()
        .flat_map(|b| &b.steps)
        .chain(
            rule.iter()
                .flat_map(|r| r.background.iter().flat_map(|b| &b.steps)),
        )
        .chain(&scenario.steps);
    let mut record = report::Scenario {
        browser: browser.to_owned(),
        feature: feature.name.clone(),
        file: feature
            .path
            .as_deref()
            .map(|p| {
                let p = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(p);
                p.strip_prefix(".").unwrap_or(p).display().to_string()
            })
            .unwrap_or_default(),
        name: scenario.name.clone(),
        line: scenario.position.line,
        tags: feature
            .tags
            .iter()
            .chain(rule.iter().flat_map(|r| &r.tags))
            .chain(&scenario.tags)
            .map(|t| format!("@{t}"))
            .collect(),
        duration_ms: 0,
        steps: Vec::new(),
        error: None,
        okta_journal: Vec::new(),
        konnect_journal: Vec::new(),
        okta_clock_offset_s: 0,
        konnect_clock_offset_s: 0,
        okta_log: String::new(),
        konnect_log: String::new(),
    };
    match world {
        Some(world) => {
            record.duration_ms = world.started.elapsed().as_millis() as u64;
            let mut ran = std::mem::take(&mut world.steps);
            for (i, pending) in std::mem::take(&mut world.pending_shots) {
                match pending.await {
                    Ok(Ok(shot)) => {
                        if let Some(step) = ran.get_mut(i) {
                            step.shot = Some(shot);
                        }
                    }
                    Ok(Err(e)) => eprintln!("e2e: no screenshot for the report: {e}"),
                    Err(e) => eprintln!("e2e: no screenshot for the report: {e}"),
                }
            }
            record.steps = written
                .skip(ran.len())
                .map(|s| report::Step::skipped(&s.keyword, &s.value, s.position.line))
                .collect();
            record.steps.splice(0..0, ran);
            if let Some(j) = world.journals() {
                record.okta_journal = j.okta;
                record.konnect_journal = j.konnect;
                record.okta_clock_offset_s = j.okta_offset_s;
                record.konnect_clock_offset_s = j.konnect_offset_s;
            }
            if let Some((okta, konnect)) = world.logs() {
                record.okta_log = okta;
                record.konnect_log = konnect;
            }
        }
        None => {
            record.steps = written
                .map(|s| report::Step::skipped(&s.keyword, &s.value, s.position.line))
                .collect();
        }
    }
    // A failure the steps did not record: the scenario could not start, or a hook failed.
    if record.failed_step().is_none() {
        record.error = match finished {
            ScenarioFinished::BeforeHookFailed(info) => Some(format!(
                "the scenario's before hook failed: {}",
                panic_text(info.as_ref())
            )),
            ScenarioFinished::StepFailed(_, _, e) => Some(e.to_string()),
            ScenarioFinished::StepPassed | ScenarioFinished::StepSkipped => None,
        };
    }
    if let Ok(mut all) = SCENARIOS.lock() {
        all.push(record);
    }
}
