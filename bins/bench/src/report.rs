//! The result of a run, as text for people and as one-line JSON for tools.

use std::fmt::Write as _;

use serde_json::{json, Map, Value};

use crate::stats::Stats;

/// Everything printed at the end of a run.
pub struct Report {
    /// `host:port` measured.
    pub target: String,
    /// Load threads.
    pub threads: usize,
    /// Warmup before the measurement, in seconds.
    pub warmup_s: f64,
    /// Length of the measurement, in seconds.
    pub measured_s: f64,
    /// Each traffic class alone: `cheap` first, then `costly` if it ran.
    pub classes: Vec<ClassReport>,
    /// All classes together.
    pub stats: Stats,
}

/// What one traffic class sent and saw.
pub struct ClassReport {
    /// `cheap` or `costly`.
    pub name: &'static str,
    /// `expr`, `mix` or `line`.
    pub mode: &'static str,
    /// A short description of the requests.
    pub workload: String,
    /// Connections of the class.
    pub connections: usize,
    /// Requests in flight per connection.
    pub pipeline: usize,
    /// Merged statistics of the class's connections.
    pub stats: Stats,
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Largest.
    pub max: f64,
}

impl Latency {
    /// The percentiles of the measured answers in `stats` (all zero if none).
    pub fn of(stats: &Stats) -> Latency {
        let h = &stats.hist;
        let us = |ns: u64| ns as f64 / 1000.0;
        if h.is_empty() {
            return Latency {
                mean: 0.0,
                p50: 0.0,
                p90: 0.0,
                p99: 0.0,
                p999: 0.0,
                max: 0.0,
            };
        }
        Latency {
            mean: h.mean() / 1000.0,
            p50: us(h.value_at_quantile(0.50)),
            p90: us(h.value_at_quantile(0.90)),
            p99: us(h.value_at_quantile(0.99)),
            p999: us(h.value_at_quantile(0.999)),
            max: us(h.max()),
        }
    }
}

/// Measured answers per second.
fn rate(stats: &Stats, measured_s: f64) -> f64 {
    if measured_s > 0.0 {
        stats.measured as f64 / measured_s
    } else {
        0.0
    }
}

impl Report {
    /// Measured answers per second, all classes together.
    pub fn rps(&self) -> f64 {
        rate(&self.stats, self.measured_s)
    }

    /// Measured answers per second of one class.
    pub fn class_rps(&self, class: &ClassReport) -> f64 {
        rate(&class.stats, self.measured_s)
    }

    /// The human-readable report. A run of one class prints one block; a
    /// run of several prints a block per class, then the whole run.
    pub fn text(&self) -> String {
        let mut out = String::new();
        match self.classes.as_slice() {
            [only] => {
                let _ = writeln!(
                    out,
                    "calc-bench {}: {} connection(s), pipeline {}, {} thread(s), {} {}",
                    self.target,
                    only.connections,
                    only.pipeline,
                    self.threads,
                    only.mode,
                    only.workload
                );
                self.figures(&mut out, "  ", &self.stats);
            }
            classes => {
                let total: usize = classes.iter().map(|c| c.connections).sum();
                let _ = writeln!(
                    out,
                    "calc-bench {}: {} classes, {total} connection(s), {} thread(s)",
                    self.target,
                    classes.len(),
                    self.threads
                );
                for c in classes {
                    let _ = writeln!(
                        out,
                        "  {:<12} {} connection(s), pipeline {}, {} {}",
                        c.name, c.connections, c.pipeline, c.mode, c.workload
                    );
                    self.figures(&mut out, "    ", &c.stats);
                }
                let _ = writeln!(out, "  all classes");
                self.figures(&mut out, "    ", &self.stats);
            }
        }
        out
    }

    /// Throughput, latency, answers and connections of `s`, each line
    /// starting with `indent`.
    fn figures(&self, out: &mut String, indent: &str, s: &Stats) {
        let l = Latency::of(s);
        let _ = writeln!(
            out,
            "{indent}throughput   {:.0} requests/s ({} answers in {:.2} s after {:.1} s warmup)",
            rate(s, self.measured_s),
            s.measured,
            self.measured_s,
            self.warmup_s
        );
        let _ = write!(
            out,
            "{indent}latency      p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  (mean {}",
            human(l.p50),
            human(l.p90),
            human(l.p99),
            human(l.p999),
            human(l.max),
            human(l.mean)
        );
        if s.drained > 0 {
            let _ = write!(
                out,
                "; {} of the answers timed arrived after the measurement",
                s.drained
            );
        }
        let _ = writeln!(out, ")");
        let _ = writeln!(
            out,
            "{indent}answers      {} checked: {} correct (OK {}, ERR {}), {} wrong, {} unexpected",
            s.answers, s.correct, s.ok, s.err, s.wrong, s.unexpected
        );
        let _ = writeln!(
            out,
            "{indent}connections  {} lost, {} request(s) unanswered",
            s.conn_errors, s.unanswered
        );
        for sample in &s.samples {
            let _ = writeln!(
                out,
                "{indent}WRONG        sent {:?}: expected {:?}, got {:?}",
                sample.request, sample.expected, sample.got
            );
        }
        for msg in &s.conn_error_messages {
            let _ = writeln!(out, "{indent}LOST         {msg}");
        }
    }

    /// One line of JSON with flat, unique keys. `connections`, `pipeline`,
    /// `mode` and `workload` describe the cheap class (the unprefixed
    /// options); every other unprefixed figure is the whole run. `cheap_*`
    /// and, when it ran, `costly_*` hold each class's own figures.
    pub fn json(&self) -> String {
        let mut out = Map::new();
        out.insert("target".into(), json!(self.target));
        if let Some(first) = self.classes.first() {
            describe_class(&mut out, "", first);
        }
        out.insert("threads".into(), json!(self.threads));
        out.insert("warmup_s".into(), json!(self.warmup_s));
        out.insert("measured_s".into(), json!(self.measured_s));
        figures_json(&mut out, "", &self.stats, self.rps());
        let names: Vec<&str> = self.classes.iter().map(|c| c.name).collect();
        out.insert("classes".into(), json!(names.join(",")));
        for c in &self.classes {
            let prefix = format!("{}_", c.name);
            describe_class(&mut out, &prefix, c);
            figures_json(&mut out, &prefix, &c.stats, self.class_rps(c));
        }
        Value::Object(out).to_string()
    }
}

/// A class's options as JSON members, keys prefixed with `prefix`.
fn describe_class(out: &mut Map<String, Value>, prefix: &str, c: &ClassReport) {
    out.insert(format!("{prefix}mode"), json!(c.mode));
    out.insert(format!("{prefix}workload"), json!(c.workload));
    out.insert(format!("{prefix}connections"), json!(c.connections));
    out.insert(format!("{prefix}pipeline"), json!(c.pipeline));
}

/// The counts, rate and latency of `s` as JSON members, keys prefixed with
/// `prefix`; rates and latencies rounded to 0.1.
fn figures_json(out: &mut Map<String, Value>, prefix: &str, s: &Stats, rps: f64) {
    let l = Latency::of(s);
    let tenth = |x: f64| (x * 10.0).round() / 10.0;
    let figures = [
        ("rps", rps),
        ("lat_mean_us", l.mean),
        ("lat_p50_us", l.p50),
        ("lat_p90_us", l.p90),
        ("lat_p99_us", l.p99),
        ("lat_p999_us", l.p999),
        ("lat_max_us", l.max),
    ];
    out.insert(format!("{prefix}requests"), json!(s.measured));
    for (key, value) in figures {
        out.insert(format!("{prefix}{key}"), json!(tenth(value)));
    }
    let counts = [
        ("drained", s.drained),
        ("answers", s.answers),
        ("correct", s.correct),
        ("ok", s.ok),
        ("err", s.err),
        ("wrong", s.wrong),
        ("unexpected", s.unexpected),
        ("conn_errors", s.conn_errors),
        ("unanswered", s.unanswered),
    ];
    for (key, value) in counts {
        out.insert(format!("{prefix}{key}"), json!(value));
    }
}

/// Microseconds as `45.1µs` or `1.23ms`.
fn human(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.2}ms", us / 1000.0)
    } else {
        format!("{us:.1}µs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Window;

    fn stats(fast: u64, slow_ns: u64) -> Stats {
        let mut stats = Stats::new().expect("valid bounds");
        for _ in 0..fast {
            stats.record_latency(Window::During, 10_000);
        }
        stats.record_latency(Window::During, slow_ns);
        stats.answers = fast + 1;
        stats.correct = fast + 1;
        stats.ok = fast + 1;
        stats
    }

    fn class(name: &'static str, stats: Stats) -> ClassReport {
        ClassReport {
            name,
            mode: "expr",
            workload: "1+2*3 \"q\"".into(),
            connections: 2,
            pipeline: 1,
            stats,
        }
    }

    fn report() -> Report {
        let stats = stats(99, 1_000_000);
        Report {
            target: "127.0.0.1:4390".into(),
            threads: 1,
            warmup_s: 0.0,
            measured_s: 2.0,
            classes: vec![class("cheap", stats.clone())],
            stats,
        }
    }

    /// A cheap class of 100 answers and a costly one of 10, all measured
    /// in 2 s.
    fn two_classes() -> Report {
        let cheap = stats(99, 1_000_000);
        let mut costly = stats(9, 40_000_000);
        costly.record_latency(Window::After, 50_000_000);
        let mut all = cheap.clone();
        all.merge(&costly);
        let mut costly = class("costly", costly);
        costly.mode = "line";
        costly.workload = "\"EVAL\" expecting \":1\"...".into();
        costly.pipeline = 150;
        Report {
            target: "127.0.0.1:6379".into(),
            threads: 1,
            warmup_s: 0.5,
            measured_s: 2.0,
            classes: vec![class("cheap", cheap), costly],
            stats: all,
        }
    }

    #[test]
    fn rps_and_percentiles() {
        let r = report();
        assert_eq!(r.rps(), 50.0);
        let l = Latency::of(&r.stats);
        assert!((l.p50 - 10.0).abs() < 0.1, "{l:?}");
        assert!((l.p99 - 10.0).abs() < 0.1, "{l:?}");
        assert!((l.max - 1000.0).abs() < 1.0, "{l:?}");
    }

    #[test]
    fn json_is_flat_and_escaped() {
        let j = report().json();
        assert!(!j.contains('\n'), "one line: {j}");
        let v: Value = serde_json::from_str(&j).expect("valid JSON");
        let members = v.as_object().expect("an object");
        assert!(
            members.values().all(|m| !m.is_object() && !m.is_array()),
            "flat: {j}"
        );
        assert_eq!(v["workload"], "1+2*3 \"q\"");
        assert_eq!(v["rps"], 50.0);
        assert_eq!(v["wrong"], 0);
    }

    #[test]
    fn json_has_figures_per_class() {
        let r = two_classes();
        let j = r.json();
        let v: Value = serde_json::from_str(&j).expect("valid JSON");
        let num = |key: &str| -> f64 {
            v.get(key)
                .and_then(Value::as_f64)
                .unwrap_or_else(|| panic!("{key} in {j}"))
        };
        assert_eq!(num("requests"), 110.0);
        assert_eq!(num("rps"), 55.0);
        assert_eq!(num("cheap_requests"), 100.0);
        assert_eq!(num("cheap_rps"), 50.0);
        assert_eq!(num("costly_requests"), 10.0);
        assert_eq!(num("costly_rps"), 5.0);
        assert_eq!(num("costly_pipeline"), 150.0);
        assert!((num("cheap_lat_p50_us") - 10.0).abs() < 0.1, "{j}");
        assert!((num("costly_lat_max_us") - 50_000.0).abs() < 50.0, "{j}");
        assert_eq!(num("costly_drained"), 1.0);
        assert_eq!(num("drained"), 1.0);
        assert!((num("costly_lat_p50_us") - 10.0).abs() < 0.1, "{j}");
        // The unprefixed descriptive keys are the cheap class's options.
        assert_eq!(num("connections"), 2.0);
        assert_eq!(num("pipeline"), 1.0);
        assert_eq!(v["classes"], "cheap,costly");
        assert_eq!(v["costly_mode"], "line");
        assert_eq!(v["costly_workload"], "\"EVAL\" expecting \":1\"...");
    }

    #[test]
    fn text_has_a_block_per_class() {
        let t = two_classes().text();
        assert!(
            t.starts_with("calc-bench 127.0.0.1:6379: 2 classes, 4 connection(s)"),
            "{t}"
        );
        let cheap = t.find("  cheap ").expect("cheap block");
        let costly = t.find("  costly ").expect("costly block");
        let all = t.find("  all classes").expect("total block");
        assert!(cheap < costly && costly < all, "{t}");
        assert!(t.contains("pipeline 150, line"), "{t}");
        assert!(
            t.contains("    throughput   5 requests/s (10 answers"),
            "{t}"
        );
        assert!(t.contains("max 50.0"), "{t}");
        assert!(
            t.contains("1 of the answers timed arrived after the measurement"),
            "{t}"
        );
    }

    #[test]
    fn one_class_text_keeps_its_single_block() {
        let t = report().text();
        assert!(
            t.starts_with("calc-bench 127.0.0.1:4390: 2 connection(s), pipeline 1"),
            "{t}"
        );
        assert!(t.contains("\n  throughput   50 requests/s"), "{t}");
        assert!(!t.contains("all classes"), "{t}");
    }

    #[test]
    fn human_units() {
        assert_eq!(human(45.06), "45.1µs");
        assert_eq!(human(1234.0), "1.23ms");
    }
}
