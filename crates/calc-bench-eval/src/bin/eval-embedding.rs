//! The embedding comparison as a quick harness (the criterion group
//! `embedding` of `benches/evaluators.rs` measures the same): per formula
//! and library, the median over `ROUNDS` rounds of the thread CPU time of
//! one sweep over 1,024 `(x, y)` pairs, divided by 1,024; then one-shot
//! parse + evaluate with variables. Prints a Markdown table. (Timed one
//! library after another, like criterion; `embedding-pairs` times the
//! libraries in paired rounds, which a change of load moves less.)
//!
//! With `--check` it times nothing: it evaluates every formula in every
//! library at the 1,024 pairs and the one-shot pair, and prints one line per
//! formula and library, `ok<TAB>LIB<TAB>FORMULA` or
//! `differs<TAB>LIB<TAB>FORMULA<TAB>why` (what `cargo xtask bench` checks
//! before it times the libraries); it fails when any differs.
//!
//! ```sh
//! cargo run --release -p calc-bench-eval --features meval --bin eval-embedding [-- --check]
//! ```

use std::hint::black_box;
use std::process::ExitCode;

use calc_bench_eval::embedding::{self, EmbedLib, Embedded, Formula, FORMULAS};
use calc_bench_eval::{median, thread_cpu_ns, RunError, MEVAL};

use calc_bench_eval::embedding::PAIRS;
const ROUNDS: usize = 201;

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
    Ok(median(&mut samples))
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
        EmbedLib::Native => time(lib, embedding::native(f)?, pairs, want),
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
    Ok(median(&mut samples))
}

/// Checks `lib` on `f` at every pair (parse once) and at the first pair
/// (one-shot), against calc-core's compiled values `want`.
fn check(lib: EmbedLib, f: &Formula, pairs: &[(f64, f64)], want: &[f64]) -> Result<(), RunError> {
    match lib {
        EmbedLib::CalcCompiled => {
            embedding::check(lib, &mut embedding::calc_compiled(f)?, pairs, want)
        }
        EmbedLib::CalcEnv => embedding::check(lib, &mut embedding::calc_env(f)?, pairs, want),
        EmbedLib::Fasteval => embedding::check(lib, &mut embedding::fasteval(f)?, pairs, want),
        EmbedLib::Meval => embedding::check(lib, &mut embedding::meval(f)?, pairs, want),
        EmbedLib::Exmex => embedding::check(lib, &mut embedding::exmex(f)?, pairs, want),
        EmbedLib::Evalexpr => embedding::check(lib, &mut embedding::evalexpr(f)?, pairs, want),
        EmbedLib::Native => embedding::check(lib, &mut embedding::native(f)?, pairs, want),
    }?;
    if EmbedLib::PARSERS.contains(&lib) {
        embedding::check_one_shot(lib, f, pairs, want)?;
    }
    Ok(())
}

/// calc-core's compiled values of `f` at `pairs`: the reference.
fn reference(f: &Formula, pairs: &[(f64, f64)]) -> Result<Vec<f64>, RunError> {
    let mut c = embedding::calc_compiled(f)?;
    pairs.iter().map(|&(x, y)| c.eval(x, y)).collect()
}

fn main() -> ExitCode {
    let pairs = embedding::pairs(PAIRS);
    let libs: Vec<EmbedLib> = EmbedLib::ALL
        .into_iter()
        .filter(|l| *l != EmbedLib::Meval || MEVAL)
        .collect();
    if std::env::args().skip(1).any(|a| a == "--check") {
        let mut failed = false;
        for f in &FORMULAS {
            let want = match reference(f, &pairs) {
                Ok(w) => w,
                Err(e) => {
                    println!("differs\t{}\t{}\t{}", e.lib, f.name, e.message);
                    failed = true;
                    continue;
                }
            };
            for &lib in &libs {
                match check(lib, f, &pairs, &want) {
                    Ok(()) => println!("ok\t{}\t{}", lib.name(), f.name),
                    Err(e) => {
                        let why = e.message.replace(['\t', '\n'], " ");
                        println!("differs\t{}\t{}\t{why}", lib.name(), f.name);
                        failed = true;
                    }
                }
            }
        }
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    let header = |title: &str| {
        let names: Vec<&str> = libs.iter().map(|l| l.name()).collect();
        println!("| {title} | {} |", names.join(" | "));
        println!("|---|{}", "--:|".repeat(libs.len()));
    };
    let mut failed = false;
    header("parse once, ns per evaluation");
    for f in &FORMULAS {
        let want = match reference(f, &pairs) {
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
                Err(_) if !EmbedLib::PARSERS.contains(&lib) => "—".to_string(),
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
