//! Evaluates each line of stdin as a server does (`eval_repr_metered`) and
//! prints the answer, the work units charged and the wall time:
//!
//! ```text
//! $ printf 'pow(3, 10**1000, 10**1000 + 1) + 1/0\n' \
//!     | cargo run --release -p calc-core --example metered
//! ZeroDivisionError: division by zero  (55677189 units, 20.1 ms)
//! ```
//!
//! `--budget N` and `--memory BYTES` replace the default work budget and
//! memory bound. Run under `/usr/bin/time -v` it gives a process's peak
//! memory for a request.

use std::io::{self, BufRead, BufWriter, Write};
use std::time::Instant;

use calc_core::Limits;

fn main() -> io::Result<()> {
    let mut limits = Limits::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().and_then(|v| v.parse::<u64>().ok());
        match (flag.as_str(), value) {
            ("--budget", Some(v)) => limits.work_budget = v,
            ("--memory", Some(v)) => limits.max_memory = v,
            _ => {
                eprintln!("usage: metered [--budget UNITS] [--memory BYTES] < lines");
                std::process::exit(2);
            }
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let mut text = String::new();
    for line in io::stdin().lock().split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        text.clear();
        let start = Instant::now();
        let (result, units) = calc_core::eval_repr_metered(&line, &limits, &mut text);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let shown: String = match result {
            Ok(()) => text.chars().take(60).collect(),
            Err(e) => e.to_string(),
        };
        writeln!(out, "{shown}  ({units} units, {ms:.1} ms)")?;
    }
    out.flush()
}
