//! Paired rounds of the embedding comparison: calc-core against its peers
//! with every library timed in short bursts within the same round, so that
//! both sides of each ratio saw the same fraction of a second of the
//! machine. On a shared machine the load drifts over seconds, and criterion
//! measures one library for seconds before it starts the next: a drift in
//! between shows up in its ratio, here it does not.
//!
//! For every formula of `embedding::FORMULAS`:
//!
//! - parsed once: each round times one burst of calc-core's compiled form
//!   and one of each peer (fasteval, meval when compiled in, exmex), every
//!   burst evaluating the formula at the 1,024 pairs over and over; the
//!   library that goes first rotates from round to round. Kept per round:
//!   each peer's time ÷ calc-core's, and the fastest peer's of that round
//!   ÷ calc-core's.
//! - one-shot: each round times one burst of calc-core's `Env::eval` and
//!   one of fasteval's `ez_eval` (parse and evaluate at each of 64 pairs),
//!   in alternating order. Kept per round: fasteval's time ÷ calc-core's.
//!
//! Every library's values are checked against calc-core's compiled ones
//! first (`embedding::check`, and the one-shot value at the first pair); a
//! library that differs is left out, with a note on standard error.
//!
//! ```sh
//! cargo run --release -p calc-bench-eval --features meval --bin embedding-pairs -- \
//!     --rounds 15 --burst-ms 100
//! ```
//!
//! Prints one tab-separated line per formula and comparison: the id
//! (`once/PEER/FORMULA`, `once/fastest/FORMULA` or
//! `oneshot/fasteval/FORMULA`), rounds, the median, lowest and highest
//! ratio (the peer's time ÷ calc-core's), and the median CPU ns per
//! evaluation (one-shot: per parse + evaluation) of calc-core and of the
//! peer. The `once/fastest` line has one more field: which peers were the
//! fastest of a round, and in how many rounds (`exmex 12, fasteval 3`).

use std::hint::black_box;
use std::process::ExitCode;

use calc_bench_eval::embedding::{self, EmbedLib, Embedded, Formula, FORMULAS, PAIRS};
use calc_bench_eval::{median, thread_cpu_ns, RunError, MEVAL};

/// Pairs one one-shot batch parses and evaluates at (as `eval-embedding`).
const ONE_SHOT_PAIRS: usize = 64;

/// One burst of a library: CPU ns per evaluation over a burst of at least
/// the given CPU ns.
type Burst<'a> = Box<dyn FnMut(u64) -> Result<f64, RunError> + 'a>;

/// Repeats `batch` (which evaluates `per_batch` times) until `burst_ns` of
/// the thread's CPU time have passed; CPU ns per evaluation.
fn burst(
    mut batch: impl FnMut() -> Result<(), RunError>,
    per_batch: usize,
    burst_ns: u64,
) -> Result<f64, RunError> {
    let start = thread_cpu_ns();
    let mut batches = 0u64;
    loop {
        batch()?;
        batches += 1;
        let spent = thread_cpu_ns().saturating_sub(start);
        if spent >= burst_ns {
            return Ok(spent as f64 / (batches as f64 * per_batch as f64));
        }
    }
}

/// Bursts of `e` parsed once: a batch is one sweep over `pairs` (1,024
/// evaluations, tens of µs, so reading the clock costs under 0.2%).
fn once_bursts<'a, E: Embedded + 'a>(mut e: E, pairs: &'a [(f64, f64)]) -> Burst<'a> {
    Box::new(move |burst_ns| {
        burst(
            || {
                let sum = embedding::sweep(&mut e, black_box(pairs))?;
                black_box(sum);
                Ok(())
            },
            pairs.len(),
            burst_ns,
        )
    })
}

/// Bursts of `lib`'s one-shot parse + evaluation of `f`, a batch being one
/// pass over `pairs`.
fn one_shot_bursts<'a>(lib: EmbedLib, f: &'a Formula, pairs: &'a [(f64, f64)]) -> Burst<'a> {
    Box::new(move |burst_ns| {
        burst(
            || {
                for &(x, y) in pairs {
                    black_box(embedding::one_shot(lib, f, black_box(x), y)?);
                }
                Ok(())
            },
            pairs.len(),
            burst_ns,
        )
    })
}

/// The library that goes `slot`-th in round `round` of `n` libraries: the
/// order rotates by one each round, so each library goes first, and
/// follows each other one, equally often over `n` rounds.
fn turn(round: usize, slot: usize, n: usize) -> usize {
    (round + slot) % n
}

/// `rounds` rounds of one burst of every library of `bursts`, in the
/// rotating order of [`turn`]; per library, its time of every round.
fn run_rounds(
    bursts: &mut [Burst<'_>],
    rounds: usize,
    burst_ns: u64,
) -> Result<Vec<Vec<f64>>, RunError> {
    // Warm-up: caches, branch predictors, the first allocations.
    for b in bursts.iter_mut() {
        b(burst_ns / 4)?;
    }
    let n = bursts.len();
    let mut times = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for slot in 0..n {
            let lib = turn(round, slot, n);
            let ns = bursts[lib](burst_ns)?;
            times[lib].push(ns);
        }
    }
    Ok(times)
}

/// The line of one comparison: `ratios` are the rounds' peer ÷ calc-core.
fn line(id: &str, ratios: &[f64], calc_ns: &[f64], peer_ns: &[f64]) -> String {
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(0.0, f64::max);
    format!(
        "{id}\t{}\t{:.3}\t{low:.3}\t{high:.3}\t{:.1}\t{:.1}",
        ratios.len(),
        median(&mut ratios.to_vec()),
        median(&mut calc_ns.to_vec()),
        median(&mut peer_ns.to_vec())
    )
}

/// The lines of the parse-once comparison of one formula: `times[0]` is
/// calc-core's, the others are `peers`'.
fn once_lines(formula: &str, peers: &[EmbedLib], times: &[Vec<f64>]) -> Vec<String> {
    let Some((calc, peer_times)) = times.split_first() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for (peer, t) in peers.iter().zip(peer_times) {
        let ratios: Vec<f64> = t.iter().zip(calc).map(|(p, c)| p / c).collect();
        lines.push(line(
            &format!("once/{}/{formula}", peer.name()),
            &ratios,
            calc,
            t,
        ));
    }
    if peer_times.is_empty() {
        return lines;
    }
    // Per round, the fastest peer of that round.
    let mut fastest_ns = Vec::new();
    let mut wins = vec![0usize; peers.len()];
    for (round, &c) in calc.iter().enumerate() {
        let best = peer_times
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.get(round).map(|&ns| (i, ns)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, ns)) = best {
            wins[i] += 1;
            fastest_ns.push((ns, c));
        }
    }
    let ratios: Vec<f64> = fastest_ns.iter().map(|(p, c)| p / c).collect();
    let peer_ns: Vec<f64> = fastest_ns.iter().map(|(p, _)| *p).collect();
    let mut winners: Vec<(usize, &str)> = wins
        .iter()
        .zip(peers)
        .filter(|(w, _)| **w > 0)
        .map(|(w, p)| (*w, p.name()))
        .collect();
    winners.sort_by_key(|w| std::cmp::Reverse(w.0));
    let winners: Vec<String> = winners.iter().map(|(w, p)| format!("{p} {w}")).collect();
    lines.push(format!(
        "{}\t{}",
        line(&format!("once/fastest/{formula}"), &ratios, calc, &peer_ns),
        winners.join(", ")
    ));
    lines
}

/// calc-core's compiled values of `f` at `pairs`: the reference.
fn reference(f: &Formula, pairs: &[(f64, f64)]) -> Result<Vec<f64>, RunError> {
    let mut c = embedding::calc_compiled(f)?;
    pairs.iter().map(|&(x, y)| c.eval(x, y)).collect()
}

/// `e` once its values at `pairs` equal `want`.
fn checked<E: Embedded>(
    lib: EmbedLib,
    made: Result<E, RunError>,
    pairs: &[(f64, f64)],
    want: &[f64],
) -> Result<E, RunError> {
    let mut e = made?;
    embedding::check(lib, &mut e, pairs, want)?;
    Ok(e)
}

/// The parse-once bursts of `lib` on `f`, after checking its values.
fn once_entrant<'a>(
    lib: EmbedLib,
    f: &Formula,
    pairs: &'a [(f64, f64)],
    want: &[f64],
) -> Result<Burst<'a>, RunError> {
    match lib {
        EmbedLib::CalcCompiled => Ok(once_bursts(
            checked(lib, embedding::calc_compiled(f), pairs, want)?,
            pairs,
        )),
        EmbedLib::Fasteval => Ok(once_bursts(
            checked(lib, embedding::fasteval(f), pairs, want)?,
            pairs,
        )),
        EmbedLib::Meval => Ok(once_bursts(
            checked(lib, embedding::meval(f), pairs, want)?,
            pairs,
        )),
        EmbedLib::Exmex => Ok(once_bursts(
            checked(lib, embedding::exmex(f), pairs, want)?,
            pairs,
        )),
        other => Err(RunError {
            lib: other.name(),
            message: "not part of the paired parse-once comparison".into(),
        }),
    }
}

struct Options {
    rounds: usize,
    burst_ns: u64,
}

fn parse_options(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        rounds: 15,
        burst_ns: 100_000_000,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number: u64 = value
            .parse()
            .map_err(|_| format!("{flag}: not a number: {value}"))?;
        match flag.as_str() {
            "--rounds" => options.rounds = usize::try_from(number.max(1)).unwrap_or(1),
            "--burst-ms" => options.burst_ns = number.max(1).saturating_mul(1_000_000),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

fn run(options: &Options) -> Result<(), RunError> {
    let pairs = embedding::pairs(PAIRS);
    let peers: Vec<EmbedLib> = [EmbedLib::Fasteval, EmbedLib::Meval, EmbedLib::Exmex]
        .into_iter()
        .filter(|&l| l != EmbedLib::Meval || MEVAL)
        .collect();
    for f in &FORMULAS {
        let want = reference(f, &pairs)?;
        let mut bursts = vec![once_entrant(EmbedLib::CalcCompiled, f, &pairs, &want)?];
        let mut timed = Vec::new();
        for &peer in &peers {
            match once_entrant(peer, f, &pairs, &want) {
                Ok(b) => {
                    bursts.push(b);
                    timed.push(peer);
                }
                Err(e) => eprintln!(
                    "embedding-pairs: skipping once/{}/{}: {e}",
                    peer.name(),
                    f.name
                ),
            }
        }
        let times = run_rounds(&mut bursts, options.rounds, options.burst_ns)?;
        for l in once_lines(f.name, &timed, &times) {
            println!("{l}");
        }

        let shot = &pairs[..ONE_SHOT_PAIRS];
        let (ours, theirs) = (EmbedLib::CalcEnv, EmbedLib::Fasteval);
        embedding::check_one_shot(ours, f, &pairs, &want)?;
        if let Err(e) = embedding::check_one_shot(theirs, f, &pairs, &want) {
            eprintln!(
                "embedding-pairs: skipping oneshot/{}/{}: {e}",
                theirs.name(),
                f.name
            );
            continue;
        }
        let mut bursts = vec![
            one_shot_bursts(ours, f, shot),
            one_shot_bursts(theirs, f, shot),
        ];
        let times = run_rounds(&mut bursts, options.rounds, options.burst_ns)?;
        if let [calc, fast] = times.as_slice() {
            let ratios: Vec<f64> = fast.iter().zip(calc).map(|(t, c)| t / c).collect();
            println!(
                "{}",
                line(
                    &format!("oneshot/{}/{}", theirs.name(), f.name),
                    &ratios,
                    calc,
                    fast
                )
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let options = match parse_options(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("embedding-pairs: {e}\nusage: embedding-pairs [--rounds N] [--burst-ms MS]");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("embedding-pairs: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_rotates_through_every_library() {
        let orders: Vec<Vec<usize>> = (0..3)
            .map(|r| (0..3).map(|s| turn(r, s, 3)).collect())
            .collect();
        assert_eq!(orders, [[0, 1, 2], [1, 2, 0], [2, 0, 1]]);
    }

    /// Round by round, not median against median: both peers' medians
    /// are 3× calc-core's, but in two rounds of three one of them matched
    /// calc-core.
    #[test]
    fn the_fastest_peer_is_taken_round_by_round() {
        let times = vec![
            vec![20.0, 20.0, 20.0],
            vec![20.0, 60.0, 60.0],
            vec![60.0, 60.0, 20.0],
        ];
        let peers = [EmbedLib::Fasteval, EmbedLib::Exmex];
        let lines = once_lines("f", &peers, &times);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "once/fasteval/f\t3\t3.000\t1.000\t3.000\t20.0\t60.0"
        );
        assert_eq!(lines[1], "once/exmex/f\t3\t3.000\t1.000\t3.000\t20.0\t60.0");
        assert_eq!(
            lines[2],
            "once/fastest/f\t3\t1.000\t1.000\t3.000\t20.0\t20.0\tfasteval 2, exmex 1"
        );
    }

    #[test]
    fn rounds_time_every_library_in_every_round() {
        let pairs = embedding::pairs(32);
        let f = &FORMULAS[0];
        let want = reference(f, &pairs).unwrap();
        let mut bursts = vec![
            once_entrant(EmbedLib::CalcCompiled, f, &pairs, &want).unwrap(),
            once_entrant(EmbedLib::Exmex, f, &pairs, &want).unwrap(),
        ];
        let before = thread_cpu_ns();
        let times = run_rounds(&mut bursts, 3, 1_000_000).unwrap();
        // Warm-up (2 × 0.25 ms) and 3 rounds of 2 × 1 ms at least.
        assert!(thread_cpu_ns() - before >= 6_500_000);
        assert_eq!(times.len(), 2);
        assert!(times
            .iter()
            .all(|t| t.len() == 3 && t.iter().all(|&ns| ns > 0.0)));
    }

    #[test]
    fn a_library_that_differs_is_not_timed() {
        let pairs = embedding::pairs(8);
        let f = &FORMULAS[0];
        let mut want = reference(f, &pairs).unwrap();
        want[3] += 1.0;
        assert!(once_entrant(EmbedLib::Fasteval, f, &pairs, &want).is_err());
        assert!(embedding::check_one_shot(EmbedLib::Fasteval, f, &pairs, &want).is_ok());
        want[0] += 1.0;
        assert!(embedding::check_one_shot(EmbedLib::Fasteval, f, &pairs, &want).is_err());
    }

    #[test]
    fn options_parse() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let o = parse_options(args(&["--rounds", "5", "--burst-ms", "20"])).unwrap();
        assert_eq!((o.rounds, o.burst_ns), (5, 20_000_000));
        assert!(parse_options(args(&["--rounds"])).is_err());
        assert!(parse_options(args(&["--bogus", "1"])).is_err());
    }
}
