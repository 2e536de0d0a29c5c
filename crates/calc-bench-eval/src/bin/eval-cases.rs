//! Prints the benchmark inputs in Python syntax, one `ID<TAB>SOURCE` a line,
//! for `python/cpython_eval.py`: the ids match the criterion ids
//! (`eval/CASE`, `length/BYTES`).

use std::io::{self, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut out = io::stdout().lock();
    let mut lines = Vec::new();
    for case in calc_bench_eval::cases() {
        lines.push(format!("eval/{}\t{}", case.name, case.python));
    }
    for (len, src) in calc_bench_eval::length_series() {
        lines.push(format!("length/{len}\t{src}"));
    }
    for line in lines {
        if let Err(e) = writeln!(out, "{line}") {
            eprintln!("eval-cases: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
