//! A sweep of costly inputs: every builtin and operator whose work grows
//! with its operands, at sizes around the limits, each evaluated with the
//! default limits and timed. Prints the work units each one charged, the
//! median and the fastest of several runs (the thread's CPU time, so a
//! loaded machine's run-queue waits are not counted) and the nanoseconds
//! per unit,
//! slowest first,
//! so that the cost model can be checked against the machine
//! (docs/security.md, "Slowest inputs"). Run in release:
//!
//! ```text
//! cargo run -p calc-core --release --example sweep [-- --runs N] [-- --top K]
//! cargo run -p calc-core --release --example sweep -- --expr 'comb(10**5, 5*10**4)'
//! cargo run -p calc-core --release --example sweep -- --budget 1000000000000 --expr '...'
//! ```
//!
//! `--once EXPR` (or `--once-file FILE`) evaluates EXPR once and prints
//! only its units and outcome, for instruction counts under
//! `valgrind --tool=callgrind`.

use std::time::Instant;

use calc_core::{eval_metered, EvalError, Limits};

/// The inputs of the sweep: sizes chosen to straddle the point where the
/// default budget starts refusing, for each costly operation.
fn inputs() -> Vec<String> {
    let mut v = Vec::new();
    // Three-argument pow: odd (Montgomery) and even moduli, exponents from
    // one word to the size of the modulus, a negative exponent (inverse).
    for (eb, mb) in [
        (3322, 3322),
        (3360, 3365),
        (6644, 6644),
        (10_000, 10_000),
        (20_000, 3322),
        (3322, 20_000),
        (30_000, 30_000),
        (60, 300_000),
        (60, 1_000_000),
        (1_000_000, 64),
        (1_000_000, 640),
    ] {
        v.push(format!("pow(3, 2**{eb} - 1, 2**{mb} - 1)"));
        v.push(format!("pow(3, 2**{eb} - 1, 2**{mb})"));
        v.push(format!("pow(3, 2**{eb} - 1, 2**{mb} + 2)"));
    }
    v.push("pow(10**1000, 18**1012, 20**1015 + 9)".into());
    v.push("pow(3, 10**1000, 10**1000 + 1)".into());
    v.push("pow(3, 10**1500, 10**1500 + 1)".into());
    v.push("pow(3, 10**2000, 10**2000 + 1)".into());
    v.push("pow(3, -1, 2**100000 - 1)".into());
    v.push("pow(3, -1, 2**400000 - 1)".into());
    v.push("pow(3, -1, 2**1000000 - 1)".into());
    // comb, perm, factorial: central and skewed k.
    for n in [20_000u64, 50_000, 70_000, 100_000, 150_000, 200_000] {
        v.push(format!("comb({n}, {})", n / 2));
        v.push(format!("comb({n}, {})", n / 10));
        v.push(format!("perm({n}, {})", n / 2));
        v.push(format!("factorial({n})"));
    }
    v.push("comb(10**6, 5*10**4)".into());
    v.push("comb(10**9, 30000)".into());
    v.push("perm(10**30, 20000)".into());
    v.push("comb(2**1000, 500)".into());
    // isqrt and gcd of big ints.
    for bits in [100_000u64, 200_000, 400_000, 700_000, 1_000_000] {
        v.push(format!("isqrt(2**{bits} - 1)"));
        v.push(format!("isqrt(3**{})", bits * 1000 / 1585));
        v.push(format!("gcd(3**{}, 2**{bits} - 1)", bits * 1000 / 1585));
    }
    // Powers, products, divisions near the bit bound.
    for e in [300_000u64, 450_000, 600_000, 661_000] {
        v.push(format!("3**{e}"));
        v.push(format!("3**{e} % 7"));
    }
    v.push("7**350000".into());
    v.push("10**315000".into());
    v.push("(10**1000)**315".into());
    v.push("(3**330000) * (3**330000 + 1)".into());
    v.push("(3**600000) // (3**300000 + 1)".into());
    v.push("(3**600000) % (3**300000 + 1)".into());
    v.push("(3**600000) / (3**599000 + 1)".into());
    v.push("(3**600000) // 7".into());
    v.push("(3**600000) - (3**600000 - 1)".into());
    v.push("10**300000 == 10**300000 + 1".into());
    v.push("10**300000 < 10**300000 + 1".into());
    v.push("(10**300000) & (10**300000 - 1)".into());
    v.push("round(3**600000, -100000)".into());
    v.push("round(3**600000, -150000)".into());
    // Shifts.
    v.push("1 << 1048575".into());
    v.push("(3**600000) << 90000".into());
    v.push("(3**600000) >> 3".into());
    v.push("-(3**600000) >> 1".into());
    // Conversions of huge values.
    v.push("float(2**1023 * 3**100 // 3**100)".into());
    v.push("float(3**600000)".into());
    v.push("int(1e308)".into());
    v.push("(3**600000) / 7".into());
    v.push("(3**600000) * 1.5".into());
    v.push("3**600000 == 1e308".into());
    v.push("complex(3**600000)".into());
    // Printing near the 4300-digit limit, and far past it.
    v.push("10**4299".into());
    v.push("-(7**5087)".into());
    v.push("2**14280 - 1".into());
    v.push("10**4300".into());
    v.push("3**600000".into());
    v.push("2**1048000".into());
    // Many medium operations in one request (the budget is summed).
    v.push(vec!["3**200000 % 7"; 40].join(" + "));
    v.push(vec!["factorial(20000) % 7"; 40].join(" + "));
    // Small costly operations repeated to fill a 64 KiB request: the
    // budget bounds their sum only if the per-unit time of small operands
    // (allocation, fixed costs) is modelled too.
    let literal = format!("1{}", "0".repeat(4299));
    let hex = format!("0x{}", "f".repeat(16000));
    for op in [
        "pow(3**100, 2**2000 - 1, 2**64 + 2)",
        "pow(3**100, 2**2000 - 1, 2**64 - 1)",
        "pow(3**100, 2**2000 - 1, 2**64)",
        "pow(3**100, 2**2000 - 1, 2**200 + 2)",
        "pow(7, 2**63 - 1, 2**100 + 1)",
        "pow(7, 2**63 - 1, 2**1000 + 1)",
        "pow(3**1000, -1, 2**1601 - 1)",
        "gcd(3**1000, 2**1600 - 1)",
        "gcd(3**100, 2**160 - 1)",
        "isqrt(3**2000)",
        "isqrt(2**200)",
        "comb(2000, 1000)",
        "comb(20000, 2000)",
        "comb(10**20, 50)",
        "factorial(3000)",
        "perm(3000, 1500)",
        "3**2000 * 3**2000",
        "3**20000 // 7**1000",
        "(3**2000) << 100",
        "round(3**5000, -100)",
        "(3**1000) / (7**300)",
        "10**300 == 10**300 + 1",
        "max(3**3000, 3**3000 + 1)",
        "float(3**600)",
        "int(1e300)",
        "2**64 * 2**64",
        "(2**64 + 1) ** 3",
        literal.as_str(),
        hex.as_str(),
    ] {
        let n = (65536 / (op.len() + 3)).max(1);
        v.push(vec![op; n].join(" + "));
    }
    v
}

/// Nanoseconds this thread has run on a CPU, so that the time spent
/// waiting for a CPU on a loaded machine is not counted.
fn on_cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return None;
    }
    Some(u64::try_from(ts.tv_sec).ok()? * 1_000_000_000 + u64::try_from(ts.tv_nsec).ok()?)
}

/// What the server does with a request: evaluate, then print the repr
/// (which has its own digit limit); returns the work units charged.
fn answer(expr: &str, limits: &Limits) -> (Result<String, EvalError>, u64) {
    let (r, units) = eval_metered(expr, limits);
    (r.and_then(|v| v.repr(limits)), units)
}

/// Of `runs` timings, in milliseconds: the fastest and the median CPU
/// time of the thread (preemption on a loaded machine only ever adds wall
/// time, and CPU time leaves it out), and the median wall time.
fn times_ms(expr: &str, runs: usize, limits: &Limits) -> (f64, f64, f64) {
    let mut cpu = Vec::with_capacity(runs);
    let mut wall = Vec::with_capacity(runs);
    for _ in 0..runs {
        let c = on_cpu_ns();
        let t = Instant::now();
        let _ = std::hint::black_box(answer(expr, limits));
        let w = t.elapsed().as_secs_f64() * 1e3;
        wall.push(w);
        cpu.push(match (c, on_cpu_ns()) {
            (Some(a), Some(b)) => b.saturating_sub(a) as f64 / 1e6,
            _ => w,
        });
    }
    cpu.sort_by(f64::total_cmp);
    wall.sort_by(f64::total_cmp);
    (cpu[0], cpu[runs / 2], wall[runs / 2])
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--budget N` first: evaluate under a work budget of N units (e.g. a
    // huge one, to time what the default budget refuses).
    let mut limits = Limits::default();
    if args.first().map(String::as_str) == Some("--budget") && args.len() >= 2 {
        limits.work_budget = args[1].parse().unwrap_or(limits.work_budget);
        args.drain(..2);
    }
    if let [flag, arg] = args.as_slice() {
        let expr = match flag.as_str() {
            "--once" => Some(arg.clone()),
            "--once-file" => std::fs::read_to_string(arg)
                .ok()
                .map(|s| s.trim().to_string()),
            _ => None,
        };
        if let Some(expr) = expr {
            let (r, units) = answer(&expr, &limits);
            eprintln!("{units} units: {}", outcome(&r));
            return;
        }
    }
    let mut runs = 5;
    let mut top = usize::MAX;
    let mut exprs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--runs" => runs = value().parse().unwrap_or(5).max(1),
            "--top" => top = value().parse().unwrap_or(usize::MAX),
            "--expr" => exprs.push(value()),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    if exprs.is_empty() {
        exprs = inputs();
    }
    let mut rows = Vec::new();
    for e in &exprs {
        let (r, units) = answer(e, &limits);
        let (min, ms, wall) = times_ms(e, runs, &limits);
        rows.push((ms, min, wall, units, outcome(&r), e.clone()));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("| input | result | units | CPU ms, median | CPU ms, min | wall ms, median | ns/unit (min) |");
    println!("|---|---|---|---|---|---|---|");
    for (ms, min, wall, units, out, e) in rows.iter().take(top) {
        let shown = if e.len() > 70 {
            let head: String = e.chars().take(40).collect();
            format!("{head}... ({} bytes)", e.len())
        } else {
            e.clone()
        };
        let per = if *units > 0 {
            format!("{:.2}", min * 1e6 / *units as f64)
        } else {
            "-".into()
        };
        println!("| `{shown}` | {out} | {units} | {ms:.2} | {min:.2} | {wall:.2} | {per} |");
    }
}

fn outcome(r: &Result<String, EvalError>) -> String {
    match r {
        Ok(_) => "OK".into(),
        Err(e) => e.class().to_string(),
    }
}
