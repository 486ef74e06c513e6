//! `--timings`: the wall time of each phase of a run (discover, read, split, parse, replay,
//! rules, render; for a database: connect and each catalog query), summed over the run and
//! printed on stderr at the end.
//!
//! A process-wide recorder, off unless [`enable`]d, so that the phases deep in the pipeline
//! (a catalog query, a parse batch) record themselves without a parameter threaded through
//! every layer. Disabled, recording is one relaxed atomic load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);
static PHASES: Mutex<Vec<Phase>> = Mutex::new(Vec::new());

/// One phase's total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    /// The phase: `parse`, `replay`, `query indexes` …
    pub name: String,
    /// Wall time summed over every time it ran.
    pub total: Duration,
    /// How many times it ran (files, batches, queries).
    pub count: u32,
}

/// Starts recording.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether phases are being recorded.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Adds `elapsed` to phase `name` (first-recorded phases are listed first).
pub fn record(name: &str, elapsed: Duration) {
    if !enabled() {
        return;
    }
    let mut phases = PHASES.lock().unwrap_or_else(|p| p.into_inner());
    match phases.iter_mut().find(|p| p.name == name) {
        Some(p) => {
            p.total += elapsed;
            p.count += 1;
        }
        None => phases.push(Phase {
            name: name.to_string(),
            total: elapsed,
            count: 1,
        }),
    }
}

/// Runs `f`, recording its wall time as phase `name`.
pub fn time<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let started = Instant::now();
    let out = f();
    record(name, started.elapsed());
    out
}

/// The phases recorded so far, which are forgotten.
pub fn take() -> Vec<Phase> {
    std::mem::take(&mut *PHASES.lock().unwrap_or_else(|p| p.into_inner()))
}

/// The table printed on stderr: one line per phase, then the total of the run.
pub fn render(phases: &[Phase], total: Duration) -> String {
    let width = phases
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut out = String::from("driftlint: timings (wall time)\n");
    for p in phases {
        let runs = if p.count > 1 {
            format!("  ({}×)", p.count)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {:<width$}  {:>10.3} ms{runs}\n",
            p.name,
            p.total.as_secs_f64() * 1000.0
        ));
    }
    out.push_str(&format!(
        "  {:<width$}  {:>10.3} ms\n",
        "total",
        total.as_secs_f64() * 1000.0
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_lists_phases_in_order_with_counts() {
        let phases = vec![
            Phase {
                name: "parse".into(),
                total: Duration::from_millis(12),
                count: 3,
            },
            Phase {
                name: "query indexes".into(),
                total: Duration::from_micros(1500),
                count: 1,
            },
        ];
        let text = render(&phases, Duration::from_millis(20));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "driftlint: timings (wall time)");
        assert!(
            lines[1].contains("parse") && lines[1].contains("12.000 ms  (3×)"),
            "{text}"
        );
        assert!(
            lines[2].contains("query indexes") && lines[2].ends_with("1.500 ms"),
            "{text}"
        );
        assert!(
            lines[3].contains("total") && lines[3].contains("20.000 ms"),
            "{text}"
        );
    }
}
