//! Runs one library on one input in a loop, for profilers:
//!
//! ```sh
//! cargo build --release -p calc-bench-eval --bin eval-loop
//! perf record -g target/release/eval-loop calc-core small 2000000
//! valgrind --tool=callgrind target/release/eval-loop calc-core small 10000
//! ```
//!
//! usage: eval-loop LIB CASE|length/BYTES|expr/SOURCE ITERATIONS

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use calc_bench_eval::{
    cases, generated, thread_cpu_ns, CalcCore, Evalexpr, Fasteval, Lib, Meval, Runner,
};

fn run_loop<R: Runner>(mut r: R, src: &str, n: u64) -> Result<String, String> {
    let first = r.run(src).map_err(|e| e.to_string())?.to_owned();
    for _ in 1..n {
        let _ = black_box(r.run(black_box(src)).map(str::len));
    }
    Ok(first)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lib, case, n] = args.as_slice() else {
        eprintln!("usage: eval-loop LIB CASE|length/BYTES|expr/SOURCE ITERATIONS");
        return ExitCode::from(2);
    };
    let Some(lib) = Lib::ALL.into_iter().find(|l| l.name() == lib) else {
        eprintln!("eval-loop: unknown library {lib}");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<u64>() else {
        eprintln!("eval-loop: ITERATIONS must be a number");
        return ExitCode::from(2);
    };
    let src = if let Some(source) = case.strip_prefix("expr/") {
        Some(source.to_owned())
    } else {
        match case.strip_prefix("length/") {
            Some(len) => match len.parse() {
                Ok(len) => Some(generated(len)),
                Err(_) => None,
            },
            None => cases()
                .into_iter()
                .find(|c| c.name == case)
                .and_then(|c| c.source(lib).map(str::to_owned)),
        }
    };
    let Some(src) = src else {
        eprintln!("eval-loop: no input {case} for {lib}");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let cpu_start = thread_cpu_ns();
    let result = match lib {
        Lib::CalcCore => run_loop(CalcCore::new(), &src, n),
        Lib::Fasteval => run_loop(Fasteval::new(), &src, n),
        Lib::Evalexpr => run_loop(Evalexpr::new(), &src, n),
        Lib::Meval => run_loop(Meval::new(), &src, n),
    };
    let per = start.elapsed().as_nanos() as f64 / n.max(1) as f64;
    let cpu = thread_cpu_ns().saturating_sub(cpu_start) as f64 / n.max(1) as f64;
    match result {
        Ok(out) => {
            let shown: String = out.chars().take(60).collect();
            println!(
                "{lib} {case}: {cpu:.1} ns CPU ({per:.1} ns wall) per iteration over {n}; result {shown}"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("eval-loop: {e}");
            ExitCode::FAILURE
        }
    }
}
