//! Times the hot path: parse + evaluate of small expressions, and
//! evaluation alone of a parsed one. Run in release:
//!
//! ```text
//! cargo run -p calc-core --release --example hotpath
//! ```

use std::hint::black_box;
use std::time::Instant;

use calc_core::{Env, Expr};

fn time(label: &str, iterations: u32, mut f: impl FnMut()) {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(iterations);
    println!("{ns:>9.1} ns  {label}");
}

fn main() {
    // `hotpath SRC N`: only parse+evaluate SRC N times, for instruction
    // counts under `valgrind --tool=callgrind` (a loaded machine makes
    // wall-clock times noisy).
    // `hotpath --env SRC N`: the same with `x` and `y` bound to floats in
    // an `Env` built for each call, through `Env::eval` (the embedding
    // suite's one-shot).
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, src, n] = args.as_slice() {
        if flag == "--env" {
            for i in 0..n.parse::<u32>().unwrap_or(1) {
                let x = 1.25 + f64::from(i) * 0.001;
                let env = Env::new().with("x", x).with("y", 0.75 * x);
                let _ = black_box(env.eval(black_box(src)));
            }
            return;
        }
    }
    if let [src, n] = args.as_slice() {
        for _ in 0..n.parse::<u32>().unwrap_or(1) {
            let _ = black_box(calc_core::eval(black_box(src)));
        }
        return;
    }
    let n = 1_000_000;
    time("baseline: Vec::with_capacity(8) + push + drop", n, || {
        let mut v: Vec<u64> = Vec::with_capacity(black_box(8));
        v.push(black_box(1));
        black_box(&v);
    });
    for src in [
        "1+2*3",
        "2**100 + 1",
        "abs(-3) + x",
        "1 < 2 < 3 and 0.5 or 7",
    ] {
        if src.contains('x') {
            let env = Env::new().with("x", 1);
            time(&format!("parse+eval {src:?} (x bound)"), n, || {
                let e = Expr::parse(black_box(src));
                let _ = black_box(e.and_then(|e| e.eval(&env)));
            });
        } else {
            time(&format!("parse+eval {src:?}"), n, || {
                let _ = black_box(calc_core::eval(black_box(src)));
            });
        }
        time(&format!("parse      {src:?}"), n, || {
            let _ = black_box(Expr::parse(black_box(src)));
        });
        if let Ok(e) = Expr::parse(src) {
            let env = Env::new().with("x", 1);
            time(&format!("eval       {src:?}"), n, || {
                let _ = black_box(e.eval(black_box(&env)));
            });
        }
    }
    let long = format!("{}1", "1+".repeat(32_767));
    time("parse+eval 1+1+...+1 (64 KiB)", 50, || {
        let _ = black_box(calc_core::eval(black_box(&long)));
    });
    time("parse      1+1+...+1 (64 KiB)", 50, || {
        let _ = black_box(Expr::parse(black_box(&long)));
    });
}
