//! Criterion benchmark of parse + evaluate + format per iteration, for
//! calc-core, fasteval, evalexpr and meval on the same expression set, and
//! the linearity series (cost against input length).
//!
//! The `embedding` group times parse-once evaluation: each formula of
//! `embedding::FORMULAS` parsed once per library, then one iteration
//! evaluates it at 1,024 changing `(x, y)` pairs (every value checked
//! against calc-core's first); `embedding-oneshot` times parse + evaluate
//! with variables.
//!
//! The `fast` group times the server's path (`eval_repr_with`) with and
//! without the small-int shortcut; the `parse` group times `Expr::parse`.
//!
//! Ids: `eval/LIB/CASE`, `length/LIB/BYTES`, `embedding/LIB/FORMULA` (per
//! 1,024 evaluations), `embedding-oneshot/LIB/FORMULA`, `fast/with/CASE`,
//! `fast/without/CASE` and `parse/calc-core/CASE`; `cargo xtask bench`
//! reads the medians from target/criterion (the first two for its
//! evaluator suite, the embedding ones for its embedding suite).

use std::hint::black_box;
use std::panic::AssertUnwindSafe;

use calc_bench_eval::embedding::{self, EmbedLib, Embedded, FORMULAS};
use calc_bench_eval::{cases, length_series, CalcCore, Evalexpr, Fasteval, Lib, Meval, Runner};
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};

fn bench_with<R: Runner>(
    group: &mut BenchmarkGroup<'_, CpuTime>,
    mut runner: R,
    lib: Lib,
    id: &str,
    src: &str,
) {
    // An input the library rejects (or panics on) would time its error
    // path or end the whole comparison: say so and leave the point out.
    let probe = std::panic::catch_unwind(AssertUnwindSafe(|| runner.run(src).map(drop)));
    match probe {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            eprintln!("skipping {lib}/{id}: {e}");
            return;
        }
        Err(_) => {
            eprintln!("skipping {lib}/{id}: the library panicked");
            return;
        }
    }
    group.bench_with_input(BenchmarkId::new(lib.name(), id), src, |b, src| {
        b.iter(|| runner.run(black_box(src)).map(str::len))
    });
}

fn bench_lib(group: &mut BenchmarkGroup<'_, CpuTime>, lib: Lib, id: &str, src: &str) {
    match lib {
        Lib::CalcCore => bench_with(group, CalcCore::new(), lib, id, src),
        Lib::Fasteval => bench_with(group, Fasteval::new(), lib, id, src),
        Lib::Evalexpr => bench_with(group, Evalexpr::new(), lib, id, src),
        Lib::Meval => bench_with(group, Meval::new(), lib, id, src),
    }
}

fn expression_set(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("eval");
    for case in cases() {
        for lib in Lib::ALL {
            if let Some(src) = case.source(lib) {
                bench_lib(&mut group, lib, case.name, src);
            }
        }
    }
    group.finish();
}

fn linearity(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("length");
    for (len, src) in length_series() {
        group.throughput(Throughput::Bytes(src.len() as u64));
        for lib in Lib::ALL {
            bench_lib(&mut group, lib, &len.to_string(), &src);
        }
    }
    group.finish();
}

/// Criterion measurement: CPU time of the benchmark thread, in ns (see
/// `calc_bench_eval::thread_cpu_ns` for why not wall time).
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        calc_bench_eval::thread_cpu_ns()
    }
    fn end(&self, start: u64) -> u64 {
        calc_bench_eval::thread_cpu_ns().saturating_sub(start)
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanos
    }
}

/// Formats nanosecond values as criterion's wall-time formatter does.
struct Nanos;

impl ValueFormatter for Nanos {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e-3, "µs")
        } else if typical < 1e9 {
            (1e-6, "ms")
        } else {
            (1e-9, "s")
        };
        for v in values {
            *v *= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (amount, unit) = match *throughput {
            Throughput::Bytes(b) | Throughput::BytesDecimal(b) => (b as f64, "MB/s"),
            Throughput::Elements(e) => (e as f64, "Melem/s"),
        };
        let _ = typical;
        for v in values {
            *v = amount * 1e3 / *v;
        }
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// One formula in one library, parsed once, over `pairs`, if its values
/// agree with `want`.
fn bench_embedded<E: Embedded>(
    group: &mut BenchmarkGroup<'_, CpuTime>,
    lib: EmbedLib,
    formula: &str,
    made: Result<E, calc_bench_eval::RunError>,
    pairs: &[(f64, f64)],
    want: &[f64],
) {
    let mut e = match made.and_then(|mut e| embedding::check(lib, &mut e, pairs, want).map(|()| e))
    {
        Ok(e) => e,
        Err(err) => {
            eprintln!("skipping embedding/{}/{formula}: {err}", lib.name());
            return;
        }
    };
    group.bench_function(BenchmarkId::new(lib.name(), formula), |b| {
        b.iter(|| embedding::sweep(&mut e, black_box(pairs)).map(black_box))
    });
}

fn embedding_group(c: &mut Criterion<CpuTime>) {
    let pairs = embedding::pairs(embedding::PAIRS);
    let mut group = c.benchmark_group("embedding");
    group.throughput(Throughput::Elements(pairs.len() as u64));
    for f in &FORMULAS {
        let want: Vec<f64> = match embedding::calc_compiled(f) {
            Ok(mut c) => pairs
                .iter()
                .map(|&(x, y)| c.eval(x, y).unwrap_or(f64::NAN))
                .collect(),
            Err(err) => {
                eprintln!("skipping embedding/{}: {err}", f.name);
                continue;
            }
        };
        for lib in EmbedLib::ALL {
            let name = f.name;
            match lib {
                EmbedLib::CalcCompiled => bench_embedded(
                    &mut group,
                    lib,
                    name,
                    embedding::calc_compiled(f),
                    &pairs,
                    &want,
                ),
                EmbedLib::CalcEnv => {
                    bench_embedded(&mut group, lib, name, embedding::calc_env(f), &pairs, &want)
                }
                EmbedLib::Fasteval => {
                    bench_embedded(&mut group, lib, name, embedding::fasteval(f), &pairs, &want)
                }
                EmbedLib::Meval => {
                    bench_embedded(&mut group, lib, name, embedding::meval(f), &pairs, &want)
                }
                EmbedLib::Exmex => {
                    bench_embedded(&mut group, lib, name, embedding::exmex(f), &pairs, &want)
                }
                EmbedLib::Evalexpr => {
                    bench_embedded(&mut group, lib, name, embedding::evalexpr(f), &pairs, &want)
                }
                EmbedLib::Native => {
                    bench_embedded(&mut group, lib, name, embedding::native(f), &pairs, &want)
                }
            }
        }
    }
    group.finish();
    let mut group = c.benchmark_group("embedding-oneshot");
    let (x, y) = pairs[0];
    for f in &FORMULAS {
        for lib in EmbedLib::PARSERS {
            if let Err(err) = embedding::one_shot(lib, f, x, y) {
                eprintln!(
                    "skipping embedding-oneshot/{}/{}: {err}",
                    lib.name(),
                    f.name
                );
                continue;
            }
            group.bench_function(BenchmarkId::new(lib.name(), f.name), |b| {
                b.iter(|| embedding::one_shot(lib, f, black_box(x), y).map(black_box))
            });
        }
    }
    group.finish();
}

/// The inputs of the `fast` group: flat sums of products of small ints,
/// which the small-int shortcut answers, and inputs it declines.
const FAST_INPUTS: &[(&str, &str)] = &[
    ("small", "1+2*3"),
    ("sum_of_products", "123 * 456 + 789 - 12 * 34"),
    (
        "long_sum",
        "1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12",
    ),
    ("declined_pow", "2**10 + 1"),
    ("declined_float", "1.5 * 2 + 0.25"),
    ("declined_parens", "(1 + 2) * 3"),
    ("declined_call", "abs(-3) + 1"),
];

/// `eval_repr_with` (the server's path: the small-int shortcut, then the
/// one-pass path, then the general one) against the same without the
/// small-int shortcut, on each input: whether that shortcut pays.
fn fast_path(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("fast");
    let limits = calc_core::Limits::default();
    for &(id, src) in FAST_INPUTS {
        let mut out = String::new();
        group.bench_with_input(BenchmarkId::new("with", id), src, |b, src| {
            b.iter(|| {
                out.clear();
                calc_core::eval_repr_with(black_box(src), &limits, &mut out).map(|()| out.len())
            })
        });
        group.bench_with_input(BenchmarkId::new("without", id), src, |b, src| {
            b.iter(|| {
                out.clear();
                calc_core::eval_repr_without_fast_path(black_box(src), &limits, &mut out)
                    .map(|()| out.len())
            })
        });
    }
    group.finish();
}

/// The inputs of the `parse` group.
const PARSE_INPUTS: &[(&str, &str)] = &[
    ("small", "1+2*3"),
    ("names", "x*2 + y/3 - sqrt(x*y) if x < y <= 3 else -x ** 2"),
    (
        "float_long",
        "(1.5*2.25 - 3.75/1.25 + 0.5*7.125) * (3.14159 - 2.71828/1.41421) \
         + 2.0**0.5 * 0.125 - 6.02/0.0301 + (9.81*0.5 - 1.1)**2.0 / 3.3 + 0.1 + 0.2",
    ),
    (
        "calls",
        "abs(-3.25) + floor(7.5) + max(1.5, 2.5, 0.5) + sin(0.5) * cos(0.25)",
    ),
];

/// `Expr::parse` alone: the general parser's speed.
fn parse_group(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("parse");
    let long = calc_bench_eval::generated(1024);
    let inputs = PARSE_INPUTS
        .iter()
        .map(|&(id, src)| (id, src.to_string()))
        .chain([("input_1k", long)]);
    for (id, src) in inputs {
        group.bench_with_input(BenchmarkId::new("calc-core", id), &src, |b, src| {
            b.iter(|| calc_core::Expr::parse(black_box(src)).map(drop))
        });
    }
    group.finish();
}

fn config() -> Criterion<CpuTime> {
    Criterion::default().with_measurement(CpuTime)
}

criterion_group! {
    name = benches;
    config = config();
    targets = expression_set, linearity, embedding_group, fast_path, parse_group
}
criterion_main!(benches);
