//! Paired rounds of calc-core and fasteval on every input both support
//! (and, with `--python`, of calc-core and CPython on every input):
//! each round times one short burst of each, in alternating order, and
//! keeps the ratio of the two; the median of the rounds' ratios is the
//! figure. On a shared machine the load drifts over seconds, and criterion
//! measures one library for seconds before it starts the next: a drift in
//! between shows up in its ratio, while here both sides of every ratio saw
//! the same hundred milliseconds.
//!
//! ```sh
//! cargo run --release -p calc-bench-eval --bin eval-pairs -- --rounds 15 --burst-ms 100 \
//!     --python crates/calc-bench-eval/python/cpython_eval.py
//! ```
//!
//! Prints one tab-separated line per input and rival: `eval/CASE`
//! (fasteval) or `cpython/CASE`, rounds, the median, lowest and highest
//! ratio (the rival's time ÷ calc-core's), and the median CPU ns per
//! iteration of calc-core and of the rival.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};

use calc_bench_eval::{cases, median, thread_cpu_ns, CalcCore, Fasteval, Lib, Runner};

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

/// `rounds` rounds of one burst of `ours` and one of `theirs`, in
/// alternating order; prints the line for `id` (ratio: theirs ÷ ours).
fn paired(
    id: &str,
    rounds: usize,
    mut ours: impl FnMut() -> Result<f64, String>,
    mut theirs: impl FnMut() -> Result<f64, String>,
) -> Result<(), String> {
    let (mut ratios, mut ours_ns, mut theirs_ns) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Alternate which goes first, so neither always follows the other.
        let (o, t) = if round % 2 == 0 {
            let o = ours()?;
            (o, theirs()?)
        } else {
            let t = theirs()?;
            (ours()?, t)
        };
        ratios.push(t / o);
        ours_ns.push(o);
        theirs_ns.push(t);
    }
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(0.0, f64::max);
    println!(
        "{id}\t{rounds}\t{:.3}\t{low:.3}\t{high:.3}\t{:.1}\t{:.1}",
        median(&mut ratios),
        median(&mut ours_ns),
        median(&mut theirs_ns)
    );
    Ok(())
}

/// `python3 cpython_eval.py --serve`: CPython bursts on request. While it
/// runs one, this process waits on the pipe, and the other way round, so
/// the two never compete for a core.
struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Python {
    fn start(script: &str) -> Result<Python, String> {
        let mut child = Command::new("python3")
            .args([script, "--serve"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("python3 {script}: {e}"))?;
        let stdin = child.stdin.take().ok_or("python3: no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("python3: no stdout")?);
        Ok(Python {
            child,
            stdin,
            stdout,
        })
    }

    /// CPU ns per `repr(eval(compile(src)))` over a burst of `ms`.
    fn burst(&mut self, id: &str, ms: u64, src: &str) -> Result<f64, String> {
        writeln!(self.stdin, "{id}\t{ms}\t{src}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("python3: {e}"))?;
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .map_err(|e| format!("python3: {e}"))?;
        line.trim_end()
            .split('\t')
            .nth(1)
            .and_then(|ns| ns.parse().ok())
            .ok_or_else(|| format!("python3: unexpected answer {line:?} for {id}"))
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Options {
    rounds: usize,
    burst_ns: u64,
    /// `cpython_eval.py`, to pair calc-core with CPython too.
    python: Option<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        rounds: 15,
        burst_ns: 100_000_000,
        python: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        if flag == "--python" {
            options.python = Some(value);
            continue;
        }
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

fn run(options: &Options) -> Result<(), String> {
    let mut python = options.python.as_deref().map(Python::start).transpose()?;
    let burst_ms = options.burst_ns / 1_000_000;
    for case in cases() {
        let ours = case.python.as_str();
        let mut calc = CalcCore::new();
        if let Err(e) = calc.run(ours) {
            eprintln!("eval-pairs: skipping {}: {e}", case.name);
            continue;
        }
        // Warm-up, which also sizes the batches.
        let warm = options.burst_ns / 4;
        let calc_batch = (BATCH_NS / burst(&mut calc, ours, 1, warm)).ceil().max(1.0) as u64;
        if let Some(theirs) = case.source(Lib::Fasteval) {
            let mut fast = Fasteval::new();
            // fasteval must answer too, or the ratio would time an error path.
            match fast.run(theirs) {
                Ok(_) => {
                    let fast_batch = (BATCH_NS / burst(&mut fast, theirs, 1, warm))
                        .ceil()
                        .max(1.0) as u64;
                    paired(
                        &format!("eval/{}", case.name),
                        options.rounds,
                        || Ok(burst(&mut calc, ours, calc_batch, options.burst_ns)),
                        || Ok(burst(&mut fast, theirs, fast_batch, options.burst_ns)),
                    )?;
                }
                Err(e) => eprintln!("eval-pairs: skipping fasteval/{}: {e}", case.name),
            }
        }
        if let Some(py) = python.as_mut() {
            let id = format!("cpython/{}", case.name);
            py.burst(&id, burst_ms / 4, ours)?;
            paired(
                &id,
                options.rounds,
                || Ok(burst(&mut calc, ours, calc_batch, options.burst_ns)),
                || py.burst(&id, burst_ms, ours),
            )?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "eval-pairs: {e}\nusage: eval-pairs [--rounds N] [--burst-ms MS] [--python SCRIPT]"
            );
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eval-pairs: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_lasts_its_budget() {
        let mut calc = CalcCore::new();
        let before = thread_cpu_ns();
        let ns = burst(&mut calc, "1+2*3", 10, 5_000_000);
        assert!(thread_cpu_ns() - before >= 5_000_000);
        assert!(ns > 0.0 && ns < 1_000_000.0, "{ns}");
    }
}
