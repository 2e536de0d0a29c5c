//! The two JSON inputs of the report, read with serde_json: calc-bench's
//! `--json` object (flat keys, see bins/bench's `Report::json`) and
//! criterion's `estimates.json`.

use serde::Deserialize;
use serde_json::{Map, Value};

/// calc-bench's `--json` report: one object with flat keys (`rps`,
/// `lat_p99_us`, `cheap_rps`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport(Map<String, Value>);

impl BenchReport {
    /// The report on calc-bench's stdout, if it printed one.
    pub fn parse(stdout: &str) -> Option<BenchReport> {
        match serde_json::from_str(stdout.trim()) {
            Ok(Value::Object(map)) => Some(BenchReport(map)),
            _ => None,
        }
    }

    /// The number under `key`, if there is one.
    pub fn number(&self, key: &str) -> Option<f64> {
        self.0.get(key).and_then(Value::as_f64)
    }
}

/// The part of criterion's `estimates.json` the report uses.
#[derive(Debug, Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

/// The median point estimate, in nanoseconds, of a criterion
/// `estimates.json`.
pub fn criterion_median(text: &str) -> Option<f64> {
    serde_json::from_str::<Estimates>(text)
        .ok()
        .map(|e| e.median.point_estimate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_by_key() {
        let j = r#"{"target":"a:1","rps":1234.5,"lat_p99_us":12.0,"wrong":0,"x":-1e3}"#;
        let r = BenchReport::parse(&format!("{j}\n")).expect("an object");
        assert_eq!(r.number("rps"), Some(1234.5));
        assert_eq!(r.number("lat_p99_us"), Some(12.0));
        assert_eq!(r.number("wrong"), Some(0.0));
        assert_eq!(r.number("x"), Some(-1000.0));
        assert_eq!(r.number("missing"), None);
        assert_eq!(r.number("target"), None);
        assert_eq!(BenchReport::parse(""), None);
        assert_eq!(BenchReport::parse("calc-bench: connection refused"), None);
    }

    #[test]
    fn a_key_inside_a_string_is_not_a_key() {
        // The workload text may hold anything, `"rps":` included.
        let j = r#"{"workload":"\"rps\":1","rps":2.5}"#;
        assert_eq!(BenchReport::parse(j).unwrap().number("rps"), Some(2.5));
    }

    #[test]
    fn reads_criterion_median() {
        let j = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1},"median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.1,"upper_bound":1.3},"point_estimate":1.25,"standard_error":0.01}}"#;
        assert_eq!(criterion_median(j), Some(1.25));
        assert_eq!(criterion_median("{}"), None);
    }
}
