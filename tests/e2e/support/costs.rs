//! What each scenario cost, by part, summed up per browser at the end of the run: starting its
//! servers, opening its browser session, its steps, the screenshots taken after them (which the next step waits for),
//! and its after hook (the report's record, the clean-up and the teardown). With the machine's load
//! average beside the run's wall time, and the CPU the run had (the machine's, this process's
//! and the rest's), so figures from a shared machine can be read.

use std::sync::Mutex;

use super::browsers::BrowserKind;

/// One scenario's parts, in milliseconds.
#[derive(Debug, Default, Clone, Copy)]
pub struct Cost {
    pub servers_ms: u64,
    pub session_ms: u64,
    pub steps_ms: u64,
    pub shots_ms: u64,
    /// The after hook: the report's record (waiting for the screenshots' encoding too), the
    /// clean-up in the orgs, and the teardown (clearing the session, stopping the servers).
    pub record_ms: u64,
    pub clean_up_ms: u64,
    pub teardown_ms: u64,
}

static COSTS: Mutex<Vec<(BrowserKind, Cost)>> = Mutex::new(Vec::new());

pub fn record(kind: BrowserKind, cost: Cost) {
    if let Ok(mut all) = COSTS.lock() {
        all.push((kind, cost));
    }
}

/// `e2e: <browser>: N scenarios, each (mean / max): servers …` for every browser that ran one.
pub fn summary() -> Vec<String> {
    let Ok(all) = COSTS.lock() else {
        return Vec::new();
    };
    [BrowserKind::Chromium, BrowserKind::Firefox]
        .into_iter()
        .filter_map(|kind| {
            let costs: Vec<Cost> = all
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, c)| *c)
                .collect();
            if costs.is_empty() {
                return None;
            }
            let part = |name: &str, f: fn(&Cost) -> u64| {
                let sum: u64 = costs.iter().map(f).sum();
                let max = costs.iter().map(f).max().unwrap_or_default();
                format!("{name} {} / {max} ms", sum / costs.len() as u64)
            };
            Some(format!(
                "e2e: {}: {} scenarios, each (mean / max): {}, {}, {}, {}, {}, {}, {}",
                kind.name(),
                costs.len(),
                part("servers", |c| c.servers_ms),
                part("browser session", |c| c.session_ms),
                part("steps", |c| c.steps_ms),
                part("screenshots after steps", |c| c.shots_ms),
                part("report record", |c| c.record_ms),
                part("clean-up", |c| c.clean_up_ms),
                part("teardown", |c| c.teardown_ms),
            ))
        })
        .collect()
}

/// CPU time so far: the whole machine's and this process's own (the runner and the scenarios'
/// in-process servers). Read at the start and the end of a run, it says how much of the
/// machine the run had and what the rest (the browsers, their drivers, anything else on the
/// machine) used.
#[derive(Debug, Clone, Copy)]
pub struct CpuTimes {
    machine: harness::cpu::Machine,
    own: std::time::Duration,
}

impl CpuTimes {
    /// `None` where `/proc` is not there to read.
    pub fn now() -> Option<Self> {
        Some(Self {
            machine: harness::cpu::Machine::now()?,
            own: harness::cpu::process("self")?,
        })
    }
}

/// `e2e: CPU over the run: …`: how busy the machine was, what this process used and what
/// the rest did, and the least wall time that much CPU takes on the machine's cores.
pub fn cpu_summary(start: CpuTimes, end: CpuTimes, cores: usize) -> String {
    let seconds =
        |a: std::time::Duration, b: std::time::Duration| a.saturating_sub(b).as_secs_f64();
    let busy = seconds(end.machine.busy, start.machine.busy);
    let total = seconds(end.machine.total, start.machine.total);
    let own = seconds(end.own, start.own);
    format!(
        "e2e: CPU over the run: the machine ({cores} cores) was {:.0}% busy, {busy:.1} of \
         {total:.1} core-seconds: this process (the runner and the scenarios' servers) {own:.1}, \
         the rest (the browsers, their drivers and anything else on the machine) {:.1}; that \
         much CPU takes at least {:.1} s on {cores} cores",
        100.0 * end.machine.busy_since(&start.machine).unwrap_or_default(),
        busy - own,
        busy / cores.max(1) as f64,
    )
}

/// The 1, 5 and 15 minute load averages (`/proc/loadavg`), or `unknown`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned())
}
