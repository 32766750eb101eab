//! CPU time from Linux's `/proc`, for the cost lines of the login bench and the browser
//! runner: a process's own (user + system) and the whole machine's, busy and in all.

use std::time::Duration;

/// Clock ticks per second of `/proc`'s CPU times (USER_HZ, 100 on every Linux this runs on).
const TICKS_PER_SECOND: u64 = 100;

/// The CPU time a process has used so far: `pid` a process id, or `self`. `None` off Linux
/// or once the process is gone.
pub fn process(pid: &str) -> Option<Duration> {
    process_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?).map(ticks)
}

/// The whole machine's CPU time so far, every core added up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    /// Not idle (nor waiting on I/O).
    pub busy: Duration,
    pub total: Duration,
}

impl Machine {
    /// From `/proc/stat`; `None` off Linux.
    pub fn now() -> Option<Self> {
        machine_ticks(std::fs::read_to_string("/proc/stat").ok()?.lines().next()?)
    }

    /// The busy share of the time from `earlier` to this reading, 0 to 1.
    pub fn busy_since(&self, earlier: &Self) -> Option<f64> {
        let total = self.total.checked_sub(earlier.total)?;
        let busy = self.busy.checked_sub(earlier.busy)?;
        (!total.is_zero()).then(|| busy.as_secs_f64() / total.as_secs_f64())
    }
}

fn ticks(n: u64) -> Duration {
    Duration::from_millis(n * 1000 / TICKS_PER_SECOND)
}

/// utime + stime of a `/proc/<pid>/stat` line: fields 14 and 15, counted after the command
/// name, which is in parentheses and may hold spaces and parentheses itself.
fn process_ticks(stat: &str) -> Option<u64> {
    let mut fields = stat
        .get(stat.rfind(')')? + 2..)?
        .split_whitespace()
        .skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// `/proc/stat`'s `cpu` line (user nice system idle iowait irq softirq steal …): idle and
/// iowait are not busy.
fn machine_ticks(line: &str) -> Option<Machine> {
    let mut fields = line.split_whitespace();
    (fields.next()? == "cpu").then_some(())?;
    let t: Vec<u64> = fields
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let [user, nice, system, idle, iowait, irq, softirq, steal] = t[..] else {
        return None;
    };
    let busy = user + nice + system + irq + softirq + steal;
    Some(Machine {
        busy: ticks(busy),
        total: ticks(busy + idle + iowait),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_time_is_user_and_system_after_a_name_with_spaces() {
        let stat = "42 (e2e (x) y) S 1 42 42 0 -1 4194304 10 0 0 0 250 50 0 0 20 0 9 0";
        assert_eq!(process_ticks(stat), Some(300));
        assert_eq!(process_ticks("42 (short) S 1"), None);
        assert!(process("self").is_some_and(|t| t < Duration::from_secs(3600)));
    }

    #[test]
    fn the_machine_is_busy_but_when_idle_or_waiting_on_io() {
        let m = machine_ticks("cpu  100 5 50 800 40 3 2 0 0 0").expect("a cpu line");
        assert_eq!(
            (m.busy, m.total),
            (Duration::from_millis(1600), Duration::from_secs(10))
        );
        assert!(
            machine_ticks("cpu0 1 2 3 4 5 6 7 8").is_none(),
            "one core's line"
        );
        assert!(machine_ticks("cpu 1 2 x 4 5 6 7 8").is_none());
        let later = Machine {
            busy: m.busy + Duration::from_secs(3),
            total: m.total + Duration::from_secs(4),
        };
        assert_eq!(later.busy_since(&m), Some(0.75));
        assert_eq!(m.busy_since(&m), None, "no time passed");
    }
}
