//! The evaluator comparison of calcnet: one fixed set of expressions, each
//! written in the syntax of calc-core (Python), fasteval, evalexpr and meval
//! where that library can express it, and one runner per library that does
//! what a server does with a request: parse, evaluate, format the result.
//!
//! The criterion benchmark (`benches/evaluators.rs`) times the runners; the
//! `eval-cases` binary exports the Python forms for `python/cpython_eval.py`,
//! which times CPython's `eval` on the same inputs. `cargo xtask bench`
//! drives both and writes docs/benchmarks.md.
//!
//! # Example
//!
//! ```
//! let case = calc_bench_eval::cases().into_iter().find(|c| c.name == "small").unwrap();
//! let mut fasteval = calc_bench_eval::Fasteval::new();
//! let src = case.source(calc_bench_eval::Lib::Fasteval).unwrap();
//! assert_eq!(fasteval.run(src).unwrap(), "7");
//! ```
#![deny(missing_docs)]

mod cases;
mod cpu_time;
pub mod embedding;
mod runners;

pub use cases::{cases, generated, length_series, Case, Lib, LENGTHS};
pub use cpu_time::thread_cpu_ns;
pub use runners::{CalcCore, Evalexpr, Fasteval, Meval, RunError, Runner, MEVAL};

/// The median of `values` (sorted in place): the middle one, or the mean of
/// the two middle ones; NaN for none.
///
/// ```
/// assert_eq!(calc_bench_eval::median(&mut [3.0, 1.0, 2.0]), 2.0);
/// assert_eq!(calc_bench_eval::median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
/// assert!(calc_bench_eval::median(&mut []).is_nan());
/// ```
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
