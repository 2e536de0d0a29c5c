//! The result of a run, as text for people and as one-line JSON for tools.

use std::fmt::Write as _;

use crate::stats::Stats;

/// Everything printed at the end of a run.
pub struct Report {
    /// `host:port` measured.
    pub target: String,
    /// `expr`, `mix` or `line`.
    pub mode: &'static str,
    /// A short description of the requests.
    pub workload: String,
    /// Connections opened.
    pub connections: usize,
    /// Requests in flight per connection.
    pub pipeline: usize,
    /// Load threads.
    pub threads: usize,
    /// Warmup before the measurement, in seconds.
    pub warmup_s: f64,
    /// Length of the measurement, in seconds.
    pub measured_s: f64,
    /// Merged statistics of all workers.
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

impl Report {
    /// Measured answers per second.
    pub fn rps(&self) -> f64 {
        if self.measured_s > 0.0 {
            self.stats.measured as f64 / self.measured_s
        } else {
            0.0
        }
    }

    /// Latency percentiles of the measured answers (all zero if none).
    pub fn latency(&self) -> Latency {
        let h = &self.stats.hist;
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

    /// The human-readable report.
    pub fn text(&self) -> String {
        let s = &self.stats;
        let l = self.latency();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "calc-bench {}: {} connection(s), pipeline {}, {} thread(s), {} {}",
            self.target, self.connections, self.pipeline, self.threads, self.mode, self.workload
        );
        let _ = writeln!(
            out,
            "  throughput   {:.0} requests/s ({} answers in {:.2} s after {:.1} s warmup)",
            self.rps(),
            s.measured,
            self.measured_s,
            self.warmup_s
        );
        let _ = writeln!(
            out,
            "  latency      p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  (mean {})",
            human(l.p50),
            human(l.p90),
            human(l.p99),
            human(l.p999),
            human(l.max),
            human(l.mean)
        );
        let _ = writeln!(
            out,
            "  answers      {} checked: {} correct (OK {}, ERR {}), {} wrong, {} unexpected",
            s.answers, s.correct, s.ok, s.err, s.wrong, s.unexpected
        );
        let _ = writeln!(
            out,
            "  connections  {} lost, {} request(s) unanswered",
            s.conn_errors, s.unanswered
        );
        for sample in &s.samples {
            let _ = writeln!(
                out,
                "  WRONG        sent {:?}: expected {:?}, got {:?}",
                sample.request, sample.expected, sample.got
            );
        }
        for msg in &s.conn_error_messages {
            let _ = writeln!(out, "  LOST         {msg}");
        }
        out
    }

    /// One line of JSON with flat, unique keys (easy to read without a
    /// JSON library, as the xtask does).
    pub fn json(&self) -> String {
        let s = &self.stats;
        let l = self.latency();
        let mut out = String::from("{");
        let _ = write!(
            out,
            "\"target\":{},\"mode\":{},\"workload\":{},",
            quote(&self.target),
            quote(self.mode),
            quote(&self.workload)
        );
        let _ = write!(
            out,
            "\"connections\":{},\"pipeline\":{},\"threads\":{},\"warmup_s\":{:.3},\"measured_s\":{:.3},",
            self.connections, self.pipeline, self.threads, self.warmup_s, self.measured_s
        );
        let _ = write!(
            out,
            "\"requests\":{},\"rps\":{:.1},\"lat_mean_us\":{:.1},\"lat_p50_us\":{:.1},\"lat_p90_us\":{:.1},\"lat_p99_us\":{:.1},\"lat_p999_us\":{:.1},\"lat_max_us\":{:.1},",
            s.measured, self.rps(), l.mean, l.p50, l.p90, l.p99, l.p999, l.max
        );
        let _ = write!(
            out,
            "\"answers\":{},\"correct\":{},\"ok\":{},\"err\":{},\"wrong\":{},\"unexpected\":{},\"conn_errors\":{},\"unanswered\":{}}}",
            s.answers, s.correct, s.ok, s.err, s.wrong, s.unexpected, s.conn_errors, s.unanswered
        );
        out
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

/// A JSON string literal.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut stats = Stats::new().expect("valid bounds");
        for _ in 0..99 {
            stats.record_latency(10_000);
        }
        stats.record_latency(1_000_000);
        stats.answers = 100;
        stats.correct = 100;
        stats.ok = 100;
        Report {
            target: "127.0.0.1:4390".into(),
            mode: "expr",
            workload: "1+2*3 \"q\"".into(),
            connections: 2,
            pipeline: 1,
            threads: 1,
            warmup_s: 0.0,
            measured_s: 2.0,
            stats,
        }
    }

    #[test]
    fn rps_and_percentiles() {
        let r = report();
        assert_eq!(r.rps(), 50.0);
        let l = r.latency();
        assert!((l.p50 - 10.0).abs() < 0.1, "{l:?}");
        assert!((l.p99 - 10.0).abs() < 0.1, "{l:?}");
        assert!((l.max - 1000.0).abs() < 1.0, "{l:?}");
    }

    #[test]
    fn json_is_flat_and_escaped() {
        let j = report().json();
        assert!(j.starts_with('{') && j.ends_with('}'));
        assert!(j.contains("\"workload\":\"1+2*3 \\\"q\\\"\""), "{j}");
        assert!(j.contains("\"rps\":50.0"), "{j}");
        assert!(j.contains("\"wrong\":0"), "{j}");
    }

    #[test]
    fn human_units() {
        assert_eq!(human(45.06), "45.1µs");
        assert_eq!(human(1234.0), "1.23ms");
    }
}
