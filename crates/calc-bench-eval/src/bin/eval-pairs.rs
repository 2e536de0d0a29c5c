//! Paired rounds of calc-core and fasteval on every input both support:
//! each round times one short burst of each, in alternating order, and
//! keeps the ratio of the two; the median of the rounds' ratios is the
//! figure. On a shared machine the load drifts over seconds, and criterion
//! measures one library for seconds before it starts the next: a drift in
//! between shows up in its ratio, while here both sides of every ratio saw
//! the same hundred milliseconds.
//!
//! ```sh
//! cargo run --release -p calc-bench-eval --bin eval-pairs -- --rounds 15 --burst-ms 100
//! ```
//!
//! Prints one tab-separated line per input: `eval/CASE`, rounds, the
//! median, lowest and highest ratio (fasteval ÷ calc-core), and the median
//! CPU ns per iteration of calc-core and of fasteval.

use std::hint::black_box;
use std::process::ExitCode;

use calc_bench_eval::{cases, thread_cpu_ns, CalcCore, Fasteval, Lib, Runner};

/// Iterations between two readings of the clock: enough for a batch to
/// take about this long, so reading it (~50 ns) stays below 0.1%.
const BATCH_NS: f64 = 50_000.0;

/// CPU ns per iteration of `runner` on `src`, over batches of `batch`
/// iterations until `burst_ns` of CPU time have passed.
fn burst<R: Runner>(runner: &mut R, src: &str, batch: u64, burst_ns: u64) -> f64 {
    let start = thread_cpu_ns();
    let mut done = 0u64;
    loop {
        for _ in 0..batch {
            let _ = black_box(runner.run(black_box(src)).map(str::len));
        }
        done += batch;
        let spent = thread_cpu_ns().saturating_sub(start);
        if spent >= burst_ns {
            return spent as f64 / done as f64;
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

struct Options {
    rounds: usize,
    burst_ns: u64,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        rounds: 15,
        burst_ns: 100_000_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number: u64 = value
            .parse()
            .map_err(|_| format!("{flag}: not a number: {value}"))?;
        match flag.as_str() {
            "--rounds" => options.rounds = usize::try_from(number.max(1)).unwrap_or(1),
            "--burst-ms" => options.burst_ns = number.max(1) * 1_000_000,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("eval-pairs: {e}\nusage: eval-pairs [--rounds N] [--burst-ms MS]");
            return ExitCode::from(2);
        }
    };
    for case in cases() {
        let (Some(ours), Some(theirs)) = (case.source(Lib::CalcCore), case.source(Lib::Fasteval))
        else {
            continue;
        };
        let mut calc = CalcCore::new();
        let mut fast = Fasteval::new();
        // Both must answer, or the ratio would time an error path.
        if let Err(e) = calc
            .run(ours)
            .map(drop)
            .and_then(|()| fast.run(theirs).map(drop))
        {
            eprintln!("eval-pairs: skipping {}: {e}", case.name);
            continue;
        }
        // Warm-up, which also sizes the batches.
        let warm = options.burst_ns / 4;
        let calc_batch = (BATCH_NS / burst(&mut calc, ours, 1, warm)).ceil().max(1.0) as u64;
        let fast_batch = (BATCH_NS / burst(&mut fast, theirs, 1, warm))
            .ceil()
            .max(1.0) as u64;
        let (mut ratios, mut calc_ns, mut fast_ns) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..options.rounds {
            // Alternate which goes first, so neither always follows the other.
            let (c, f) = if round % 2 == 0 {
                let c = burst(&mut calc, ours, calc_batch, options.burst_ns);
                (c, burst(&mut fast, theirs, fast_batch, options.burst_ns))
            } else {
                let f = burst(&mut fast, theirs, fast_batch, options.burst_ns);
                (burst(&mut calc, ours, calc_batch, options.burst_ns), f)
            };
            ratios.push(f / c);
            calc_ns.push(c);
            fast_ns.push(f);
        }
        let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let high = ratios.iter().copied().fold(0.0, f64::max);
        println!(
            "eval/{}\t{}\t{:.3}\t{low:.3}\t{high:.3}\t{:.1}\t{:.1}",
            case.name,
            options.rounds,
            median(&mut ratios),
            median(&mut calc_ns),
            median(&mut fast_ns)
        );
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn a_burst_lasts_its_budget() {
        let mut calc = CalcCore::new();
        let before = thread_cpu_ns();
        let ns = burst(&mut calc, "1+2*3", 10, 5_000_000);
        assert!(thread_cpu_ns() - before >= 5_000_000);
        assert!(ns > 0.0 && ns < 1_000_000.0, "{ns}");
    }
}
