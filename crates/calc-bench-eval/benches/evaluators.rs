//! Criterion benchmark of parse + evaluate + format per iteration, for
//! calc-core, fasteval, evalexpr and meval on the same expression set, and
//! the linearity series (cost against input length).
//!
//! Ids: `eval/LIB/CASE` and `length/LIB/BYTES`; `cargo xtask bench` reads
//! the medians from target/criterion.

use std::hint::black_box;
use std::panic::AssertUnwindSafe;

use calc_bench_eval::{cases, length_series, CalcCore, Evalexpr, Fasteval, Lib, Meval, Runner};
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};

fn bench_with<R: Runner>(
    group: &mut BenchmarkGroup<'_, WallTime>,
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

fn bench_lib(group: &mut BenchmarkGroup<'_, WallTime>, lib: Lib, id: &str, src: &str) {
    match lib {
        Lib::CalcCore => bench_with(group, CalcCore::new(), lib, id, src),
        Lib::Fasteval => bench_with(group, Fasteval::new(), lib, id, src),
        Lib::Evalexpr => bench_with(group, Evalexpr::new(), lib, id, src),
        Lib::Meval => bench_with(group, Meval::new(), lib, id, src),
    }
}

fn expression_set(c: &mut Criterion) {
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

fn linearity(c: &mut Criterion) {
    let mut group = c.benchmark_group("length");
    for (len, src) in length_series() {
        group.throughput(Throughput::Bytes(src.len() as u64));
        for lib in Lib::ALL {
            bench_lib(&mut group, lib, &len.to_string(), &src);
        }
    }
    group.finish();
}

criterion_group!(benches, expression_set, linearity);
criterion_main!(benches);
