//! The embedding comparison as a quick harness (the criterion group
//! `embedding` of `benches/evaluators.rs` measures the same): per formula
//! and library, the median over `ROUNDS` rounds of the thread CPU time of
//! one sweep over 1,024 `(x, y)` pairs, divided by 1,024; then one-shot
//! parse + evaluate with variables. Prints a Markdown table.
//!
//! ```sh
//! cargo run --release -p calc-bench-eval --features meval --bin eval-embedding
//! ```

use std::hint::black_box;
use std::process::ExitCode;

use calc_bench_eval::embedding::{self, EmbedLib, Embedded, Formula, FORMULAS};
use calc_bench_eval::{thread_cpu_ns, RunError, MEVAL};

const PAIRS: usize = 1024;
const ROUNDS: usize = 201;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Nanoseconds per evaluation, after checking every value against `want`.
fn time<E: Embedded>(
    lib: EmbedLib,
    mut e: E,
    pairs: &[(f64, f64)],
    want: &[f64],
) -> Result<f64, RunError> {
    embedding::check(lib, &mut e, pairs, want)?;
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = thread_cpu_ns();
        black_box(embedding::sweep(&mut e, black_box(pairs))?);
        samples.push((thread_cpu_ns() - start) as f64 / pairs.len() as f64);
    }
    Ok(median(samples))
}

fn per_pair(
    lib: EmbedLib,
    f: &Formula,
    pairs: &[(f64, f64)],
    want: &[f64],
) -> Result<f64, RunError> {
    match lib {
        EmbedLib::CalcCompiled => time(lib, embedding::calc_compiled(f)?, pairs, want),
        EmbedLib::CalcEnv => time(lib, embedding::calc_env(f)?, pairs, want),
        EmbedLib::Fasteval => time(lib, embedding::fasteval(f)?, pairs, want),
        EmbedLib::Meval => time(lib, embedding::meval(f)?, pairs, want),
        EmbedLib::Exmex => time(lib, embedding::exmex(f)?, pairs, want),
        EmbedLib::Evalexpr => time(lib, embedding::evalexpr(f)?, pairs, want),
    }
}

fn one_shot(lib: EmbedLib, f: &Formula, pairs: &[(f64, f64)]) -> Result<f64, RunError> {
    let pairs = &pairs[..64];
    let mut samples = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = thread_cpu_ns();
        for &(x, y) in pairs {
            black_box(embedding::one_shot(lib, f, black_box(x), y)?);
        }
        samples.push((thread_cpu_ns() - start) as f64 / pairs.len() as f64);
    }
    Ok(median(samples))
}

fn main() -> ExitCode {
    let pairs = embedding::pairs(PAIRS);
    let libs: Vec<EmbedLib> = EmbedLib::ALL
        .into_iter()
        .filter(|l| *l != EmbedLib::Meval || MEVAL)
        .collect();
    let header = |title: &str| {
        let names: Vec<&str> = libs.iter().map(|l| l.name()).collect();
        println!("| {title} | {} |", names.join(" | "));
        println!("|---|{}", "--:|".repeat(libs.len()));
    };
    let mut failed = false;
    header("parse once, ns per evaluation");
    for f in &FORMULAS {
        let want = match embedding::calc_compiled(f).and_then(|mut c| {
            pairs
                .iter()
                .map(|&(x, y)| c.eval(x, y))
                .collect::<Result<Vec<_>, _>>()
        }) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let cells: Vec<String> = libs
            .iter()
            .map(|&lib| match per_pair(lib, f, &pairs, &want) {
                Ok(ns) => format!("{ns:.1}"),
                Err(e) => {
                    eprintln!("{e}");
                    failed = true;
                    "error".to_string()
                }
            })
            .collect();
        println!("| `{}` | {} |", f.python, cells.join(" | "));
    }
    println!();
    header("one-shot parse + eval, ns");
    for f in &FORMULAS {
        let cells: Vec<String> = libs
            .iter()
            .map(|&lib| match one_shot(lib, f, &pairs) {
                Ok(ns) => format!("{ns:.0}"),
                Err(e) => {
                    eprintln!("{e}");
                    failed = true;
                    "error".to_string()
                }
            })
            .collect();
        println!("| `{}` | {} |", f.python, cells.join(" | "));
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
