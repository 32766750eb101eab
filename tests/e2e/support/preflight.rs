//! Strict scenarios, checked before any browser or server starts: every step of every
//! selected scenario must match exactly one step definition under its own keyword
//! (`And`/`But` take the keyword before them). cucumber would report such a step as
//! skipped; here the run fails at once and says where, and whether the same text exists
//! under another keyword.

use std::path::Path;

use cucumber::{World as _, gherkin, gherkin::StepType, step::Collection, tag::Ext as _};
use futures::StreamExt as _;

use super::world::E2eWorld;

/// What is wrong with one step of a feature file.
#[derive(Debug)]
pub struct Problem {
    /// `features/x.feature:12`
    pub place: String,
    /// `When I copy the login URL`
    pub step: String,
    pub scenario: String,
    pub why: String,
}

/// The scenarios the run will select (the same `-n`, `-t` and `-i` as cucumber) and the
/// problems of their steps.
pub struct Checked {
    pub scenarios: usize,
    /// How many of those scenarios have at least one problem.
    pub broken: usize,
    pub problems: Vec<Problem>,
    /// The selected scenarios tagged @mock-only, with why.
    pub mock_only: Vec<MockOnly>,
}

/// The tag of a scenario that needs a power only the local mocks have (a Free-plan
/// organization, a restart, test control); its description says which.
pub const MOCK_ONLY: &str = "mock-only";

/// A selected scenario that only the local mocks can run.
#[derive(Debug, Clone)]
pub struct MockOnly {
    pub feature: String,
    pub scenario: String,
    /// The scenario's description: what only the mocks can do.
    pub reason: String,
}

/// Whether the scenario (or its feature or rule) is tagged @mock-only.
pub fn is_mock_only(
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
) -> bool {
    feature
        .tags
        .iter()
        .chain(rule.iter().flat_map(|r| &r.tags))
        .chain(scenario.tags.iter())
        .any(|t| t == MOCK_ONLY)
}

/// Whether cucumber's `-n` / `-t` select the scenario (with neither, all are); the run uses
/// the same function, so the check and the run agree.
pub fn selected(
    re: Option<&regex::Regex>,
    tags: Option<&gherkin::tagexpr::TagOperation>,
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
) -> bool {
    match (re, tags) {
        (Some(re), _) => re.is_match(&scenario.name),
        (None, Some(tags)) => tags.eval(
            feature
                .tags
                .iter()
                .chain(rule.iter().flat_map(|r| &r.tags))
                .chain(scenario.tags.iter()),
        ),
        (None, None) => true,
    }
}

fn keyword(ty: StepType) -> &'static str {
    match ty {
        StepType::Given => "Given",
        StepType::When => "When",
        StepType::Then => "Then",
    }
}

fn shown_path(path: Option<&Path>, root: &Path) -> String {
    path.map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .unwrap_or_else(|| "<feature>".to_owned())
}

fn location(loc: Option<cucumber::step::Location>) -> String {
    loc.map(|l| format!(" ({}:{})", l.path, l.line))
        .unwrap_or_default()
}

/// Why `step` does not run, or `None` when exactly one definition matches it.
fn check_step(steps: &Collection<E2eWorld>, step: &gherkin::Step) -> Option<String> {
    match steps.find(step) {
        Ok(Some(_)) => None,
        Err(ambiguous) => {
            let all: Vec<String> = ambiguous
                .possible_matches
                .iter()
                .map(|(re, loc)| format!("`{}`{}", re.as_str(), location(*loc)))
                .collect();
            Some(format!(
                "matches {} step definitions: {}",
                all.len(),
                all.join(", ")
            ))
        }
        Ok(None) => {
            let elsewhere: Vec<String> = [StepType::Given, StepType::When, StepType::Then]
                .into_iter()
                .filter(|ty| *ty != step.ty)
                .filter_map(|ty| {
                    let mut other = step.clone();
                    other.ty = ty;
                    match steps.find(&other) {
                        Ok(Some((_, _, loc, _))) => {
                            Some(format!("as a {} step{}", keyword(ty), location(loc)))
                        }
                        _ => None,
                    }
                })
                .collect();
            let own = keyword(step.ty);
            Some(if elsewhere.is_empty() {
                format!("no {own} step matches this text (undefined step)")
            } else {
                format!(
                    "no {own} step matches, but the same text is defined {}: write it under that \
                     keyword (an `And` takes the keyword of the step before it)",
                    elsewhere.join(" and ")
                )
            })
        }
    }
}

/// Parses the features as the run will and checks every selected scenario's steps.
pub async fn check(
    features: &Path,
    opts: &cucumber::cli::Opts<
        cucumber::parser::basic::Cli,
        impl clap::Args,
        impl clap::Args,
        impl clap::Args,
    >,
) -> Result<Checked, String> {
    use cucumber::Parser as _;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let steps = E2eWorld::collection();
    let parsed: Vec<_> = cucumber::parser::Basic::new()
        .parse(features, opts.parser.clone())
        .collect()
        .await;
    let mut out = Checked {
        scenarios: 0,
        broken: 0,
        problems: Vec::new(),
        mock_only: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for feature in parsed {
        let feature = feature.map_err(|e| format!("cannot read the feature files: {e}"))?;
        let file = shown_path(feature.path.as_deref(), root);
        let mut scenarios: Vec<(Option<&gherkin::Rule>, &gherkin::Scenario)> =
            feature.scenarios.iter().map(|s| (None, s)).collect();
        for rule in &feature.rules {
            scenarios.extend(rule.scenarios.iter().map(|s| (Some(rule), s)));
        }
        for (rule, scenario) in scenarios {
            if !selected(
                opts.re_filter.as_ref(),
                opts.tags_filter.as_ref(),
                &feature,
                rule,
                scenario,
            ) {
                continue;
            }
            out.scenarios += 1;
            let mut broken = false;
            if is_mock_only(&feature, rule, scenario) {
                let reason = scenario
                    .description
                    .as_deref()
                    .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
                    .unwrap_or_default();
                if reason.is_empty() {
                    broken = true;
                    out.problems.push(Problem {
                        place: format!("{file}:{}", scenario.position.line),
                        step: format!("Scenario: {}", scenario.name),
                        scenario: scenario.name.clone(),
                        why: "tagged @mock-only without saying why: write the power only the \
                              mocks have as the scenario's description (a line under \
                              `Scenario:`, before its steps)"
                            .to_owned(),
                    });
                }
                out.mock_only.push(MockOnly {
                    feature: feature.name.clone(),
                    scenario: scenario.name.clone(),
                    reason,
                });
            }
            let backgrounds = feature
                .background
                .iter()
                .chain(rule.and_then(|r| r.background.as_ref()));
            let all_steps = backgrounds
                .flat_map(|b| b.steps.iter())
                .chain(scenario.steps.iter());
            for step in all_steps {
                if let Some(why) = check_step(&steps, step) {
                    broken = true;
                    let place = format!("{file}:{}", step.position.line);
                    // A background's step is reported once, not once per scenario.
                    if !seen.insert(place.clone()) {
                        continue;
                    }
                    out.problems.push(Problem {
                        place,
                        step: format!("{} {}", step.keyword.trim(), step.value),
                        scenario: scenario.name.clone(),
                        why,
                    });
                }
            }
            if broken {
                out.broken += 1;
            }
        }
    }
    Ok(out)
}

/// The report a scenario author reads.
pub fn report(problems: &[Problem]) -> String {
    let mut s = format!(
        "e2e: {} step{} of the selected scenarios would not run, so no scenario was started:\n",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str(&format!(
            "  {}: {}\n      in scenario \"{}\": {}\n",
            p.place, p.step, p.scenario, p.why
        ));
    }
    s.push_str(
        "e2e: `cargo test -p harness --test step_catalog` lists every such step of all features, \
         each with a step definition to paste; docs/steps.md lists the steps there are\n",
    );
    s
}
