//! `cargo xtask diff`: differential test of calc-core against CPython.
//!
//! Cases come from a seeded generator ([`gen`]); each is answered by
//! calc-core in-process and by a `python3` oracle ([`oracle`]) evaluating
//! `eval(text, NS)`; the answers must agree on the repr, or on the error
//! class ([`compare`]). Differences are shrunk ([`shrink`]) and reported.

mod compare;
mod gen;
pub(crate) mod oracle;
mod rng;
mod shrink;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use argh::FromArgs;

use compare::{
    core_answer, other_paths, session_answer, show_core, show_py, verdict, Category, CoreAnswer,
    PathsRun, Verdict,
};
use oracle::{Mode, Oracle, PyAnswer};

/// Cases per oracle round trip.
const BATCH: u64 = 2048;

/// A calc-core evaluation slower than this aborts the run with its input.
const HANG: Duration = Duration::from_secs(10);

/// Differences kept in memory for the report (the rest are only counted).
const KEEP: usize = 2000;

/// Differential test of calc-core against python3: seeded random
/// expressions, each evaluated by both; the answers must agree.
#[derive(FromArgs, Debug, Clone, PartialEq, Eq)]
#[argh(subcommand, name = "diff")]
pub struct Args {
    /// cases to run (default 20000)
    #[argh(
        option,
        default = "20_000",
        from_str_fn(crate::parse_u64),
        arg_name = "N"
    )]
    pub count: u64,
    /// generator seed (default: from the clock, printed)
    #[argh(option, from_str_fn(crate::parse_u64), arg_name = "S")]
    pub seed: Option<u64>,
    /// differences shown in full (default 20)
    #[argh(option, default = "20", arg_name = "K")]
    pub show: usize,
    /// parallel python3 oracles and calc-core threads (default 2)
    #[argh(option, default = "2", arg_name = "J")]
    pub jobs: usize,
    /// index of the first case (with --count 1: replay one case)
    #[argh(option, default = "0", from_str_fn(crate::parse_u64), arg_name = "I")]
    pub start: u64,
    /// also show K cases whose error messages differ (not a failure)
    #[argh(option, default = "0", arg_name = "K")]
    pub messages: usize,
    /// do not minimise the differences shown
    #[argh(switch)]
    pub no_shrink: bool,
    /// have python check every case is inside the language
    #[argh(switch)]
    pub check_subset: bool,
    /// print the generated cases and exit (mutants are tagged)
    #[argh(switch)]
    pub print: bool,
    /// print each case to stderr before calc-core runs it (to find a case
    /// that crashes the process)
    #[argh(switch)]
    pub trace: bool,
    /// generate only from one generator: grammar, mutant, or a corner
    /// template (true-division, float-repr, complex, round, bigint-bits,
    /// ...; an unknown name lists them all)
    #[argh(option, from_str_fn(focus), arg_name = "NAME")]
    pub focus: Option<usize>,
    /// compare just TEXT (repeatable), e.g. a hand-made case
    #[argh(option, arg_name = "TEXT")]
    pub expr: Vec<String>,
}

impl Args {
    /// What `cargo xtask ci` runs: `--count 20000 --seed 1`.
    pub fn ci() -> Args {
        Args {
            count: 20_000,
            seed: Some(1),
            show: 20,
            jobs: 2,
            start: 0,
            messages: 0,
            no_shrink: false,
            check_subset: false,
            print: false,
            trace: false,
            focus: None,
            expr: Vec::new(),
        }
    }
}

/// A `--focus` name: its index in [`gen::FOCUS`].
fn focus(name: &str) -> Result<usize, String> {
    gen::FOCUS
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| format!("unknown focus {name}; one of: {}", gen::FOCUS.join(" ")))
}

/// What a run found, for `cargo xtask ci`'s summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Cases generated and run.
    pub cases: u64,
    /// Cases where calc-core and CPython differ.
    pub differences: u64,
}

#[derive(Debug, Clone)]
struct Options {
    count: u64,
    seed: u64,
    start: u64,
    show: usize,
    jobs: usize,
    messages: usize,
    shrink: bool,
    check_subset: bool,
    print: bool,
    trace: bool,
    focus: Option<usize>,
}

impl Options {
    fn new(args: &Args) -> Options {
        let clock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Options {
            count: args.count,
            seed: args.seed.unwrap_or(clock % 1_000_000),
            start: args.start,
            show: args.show,
            jobs: args.jobs.max(1),
            messages: args.messages,
            shrink: !args.no_shrink,
            check_subset: args.check_subset,
            print: args.print,
            trace: args.trace,
            focus: args.focus,
        }
    }

    fn case(&self, index: u64) -> gen::Case {
        gen::case_focused(self.seed, index, self.focus)
    }

    /// The command that regenerates case `index` alone.
    fn replay(&self, index: u64) -> String {
        let focus = match self.focus.and_then(|f| gen::FOCUS.get(f)) {
            Some(name) => format!(" --focus {name}"),
            None => String::new(),
        };
        format!(
            "cargo xtask diff --seed {}{focus} --start {index} --count 1",
            self.seed
        )
    }
}

/// One difference, as reported.
#[derive(Debug, Clone)]
struct Diff {
    index: u64,
    text: String,
    mode: Mode,
    category: Category,
    py: PyAnswer,
    core: CoreAnswer,
    /// The first embedding API whose answer differs from `core`, and
    /// that answer.
    parsed: Option<(&'static str, CoreAnswer)>,
}

/// What one job saw.
#[derive(Debug, Default)]
struct Stats {
    cases: u64,
    outside: u64,
    same: u64,
    message_only: u64,
    message_examples: Vec<Diff>,
    categories: BTreeMap<Category, u64>,
    diffs: Vec<Diff>,
    py_classes: BTreeMap<String, u64>,
    core_time: Duration,
    /// The slowest cases as measured during the run (noisy: the oracles
    /// share the cores), re-timed quietly at the end.
    slowest: Vec<(Duration, String)>,
    /// The cases the compiled paths ran.
    paths: PathsRun,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        self.cases += other.cases;
        self.outside += other.outside;
        self.same += other.same;
        self.message_only += other.message_only;
        self.paths.add(other.paths);
        self.message_examples.extend(other.message_examples);
        for (k, v) in other.categories {
            *self.categories.entry(k).or_default() += v;
        }
        self.diffs.extend(other.diffs);
        for (k, v) in other.py_classes {
            *self.py_classes.entry(k).or_default() += v;
        }
        self.core_time += other.core_time;
        for (t, s) in other.slowest {
            note_slow(&mut self.slowest, t, s);
        }
    }

    fn differences(&self) -> u64 {
        self.categories.values().sum()
    }
}

/// Slow candidates kept for re-timing.
const SLOW_KEPT: usize = 8;

/// Keeps the `SLOW_KEPT` slowest (time, input) pairs, slowest first.
fn note_slow(list: &mut Vec<(Duration, String)>, took: Duration, text: String) {
    list.push((took, text));
    list.sort_by_key(|e| std::cmp::Reverse(e.0));
    list.truncate(SLOW_KEPT);
}

/// Re-times the candidates alone (best of 5 runs each) and returns the
/// slowest: the run's own timings include time the thread was preempted.
fn slowest_quiet(candidates: &[(Duration, String)]) -> Option<(Duration, Duration, String)> {
    let limits = calc_core::Limits::default();
    candidates
        .iter()
        .map(|(during, text)| {
            let best = (0..5)
                .map(|_| core_answer(text, &limits).1)
                .min()
                .unwrap_or_default();
            (best, *during, text.clone())
        })
        .max_by_key(|(best, _, _)| *best)
}

/// Progress shared with the watchdog.
struct Progress {
    started: Instant,
    jobs: Vec<Slot>,
    done: AtomicBool,
}

/// What one job is doing: the case calc-core is evaluating and the first
/// case of the batch the oracle is answering (`IDLE` when none), each with
/// when it started (ms since the run began).
struct Slot {
    case: AtomicU64,
    case_since: AtomicU64,
    batch: AtomicU64,
    batch_since: AtomicU64,
}

const IDLE: u64 = u64::MAX;

impl Slot {
    fn new() -> Slot {
        Slot {
            case: AtomicU64::new(IDLE),
            case_since: AtomicU64::new(0),
            batch: AtomicU64::new(IDLE),
            batch_since: AtomicU64::new(0),
        }
    }
}

impl Progress {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

/// A batch the oracle has not answered after this long means CPython is
/// stuck on one of its cases (a generator bug); the run is aborted.
const ORACLE_HANG: Duration = Duration::from_secs(120);

/// Runs the differential test.
pub fn run(args: &Args) -> Result<Outcome, String> {
    if !args.expr.is_empty() {
        return compare_exprs(&args.expr);
    }
    let o = Options::new(args);
    if o.print {
        for i in o.start..o.start.saturating_add(o.count) {
            let case = o.case(i);
            let tag = match case.mode {
                Mode::Eval => "",
                Mode::Checked => "(mutant) ",
                Mode::Session => "(session) ",
            };
            println!("{tag}{}", show_text(&case.text));
        }
        return Ok(Outcome {
            cases: 0,
            differences: 0,
        });
    }
    let started = Instant::now();
    let progress = Arc::new(Progress {
        started,
        jobs: (0..o.jobs).map(|_| Slot::new()).collect(),
        done: AtomicBool::new(false),
    });
    let next = AtomicU64::new(o.start);
    let end = o.start.saturating_add(o.count);

    // calc-core panics are answers here, not crashes: keep them off stderr.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let watchdog = spawn_watchdog(Arc::clone(&progress), o.clone());

    let results: Vec<Result<Stats, String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..o.jobs)
            .map(|job| {
                let (next, progress, o) = (&next, &progress, &o);
                std::thread::Builder::new()
                    .name(format!("diff-{job}"))
                    .stack_size(8 << 20)
                    .spawn_scoped(s, move || worker(job, o, next, end, progress))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| Err("worker panicked".into())),
                Err(e) => Err(format!("could not start a worker: {e}")),
            })
            .collect()
    });
    progress.done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();

    let mut stats = Stats::default();
    for r in results {
        stats.merge(r?);
    }
    let elapsed = started.elapsed();
    stats.diffs.sort_by_key(|d| d.index);
    stats.message_examples.sort_by_key(|d| d.index);

    let shown = report_differences(&o, &stats);
    // The summary re-times cases, so panics stay quiet until it is done.
    if let Ok(shown) = shown {
        summary(&o, &stats, elapsed, shown);
    }
    std::panic::set_hook(hook);
    shown?;
    if stats.differences() > 0 {
        Err(format!(
            "{} differences between calc-core and CPython",
            stats.differences()
        ))
    } else {
        Ok(Outcome {
            cases: stats.cases,
            differences: 0,
        })
    }
}

/// `--expr`: both answers for hand-given inputs.
fn compare_exprs(exprs: &[String]) -> Result<Outcome, String> {
    let mut oracle = Oracle::start()?;
    let limits = calc_core::Limits::default();
    let mut differ = 0;
    for text in exprs {
        let py = oracle.ask(Mode::Checked, text)?;
        let (core, took) = core_answer(text, &limits);
        let v = verdict(&py, &core);
        println!("input:     {text}");
        println!("CPython:   {}", show_py(&py));
        println!(
            "calc-core: {} ({:.3} ms)",
            show_core(&core),
            took.as_secs_f64() * 1e3
        );
        println!("verdict:   {v:?}");
        if let Verdict::Differ(category) = &v {
            differ += 1;
            let small = shrink::shrink(&mut oracle, &limits, text, Mode::Checked, category)?;
            if let Some(small) = small {
                println!("minimal:   {}", small.text);
                println!("  CPython:   {}", show_py(&small.py));
                println!("  calc-core: {}", show_core(&small.core));
            }
        }
    }
    if differ > 0 {
        Err(format!("{differ} of {} inputs differ", exprs.len()))
    } else {
        Ok(Outcome {
            cases: exprs.len() as u64,
            differences: 0,
        })
    }
}

fn spawn_watchdog(progress: Arc<Progress>, o: Options) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !progress.done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(250));
            let now = progress.now_ms();
            for slot in &progress.jobs {
                let batch = slot.batch.load(Ordering::Relaxed);
                let since = slot.batch_since.load(Ordering::Relaxed);
                if batch != IDLE && now.saturating_sub(since) > ORACLE_HANG.as_millis() as u64 {
                    eprintln!(
                        "diff: python3 has not answered the batch of cases {batch}..{} in {}s; aborting.\n  find the case: python3 on the output of {}",
                        batch + BATCH,
                        ORACLE_HANG.as_secs(),
                        o.replay(batch).replace("--count 1", &format!("--count {BATCH} --print"))
                    );
                    std::process::exit(2);
                }
                let case = slot.case.load(Ordering::Relaxed);
                let since = slot.case_since.load(Ordering::Relaxed);
                if case != IDLE && now.saturating_sub(since) > HANG.as_millis() as u64 {
                    let text = o.case(case).text;
                    eprintln!(
                        "diff: calc-core has been evaluating case {case} for over {}s; aborting.\n  input: {text}\n  replay: {}",
                        HANG.as_secs(),
                        o.replay(case)
                    );
                    std::process::exit(2);
                }
            }
        }
    })
}

fn worker(
    job: usize,
    o: &Options,
    next: &AtomicU64,
    end: u64,
    progress: &Progress,
) -> Result<Stats, String> {
    let limits = calc_core::Limits::default();
    let mut oracle = Oracle::start()?;
    let mut stats = Stats::default();
    let slot = progress.jobs.get(job).ok_or("job slot")?;
    loop {
        let first = next.fetch_add(BATCH, Ordering::Relaxed);
        if first >= end {
            break;
        }
        let last = (first + BATCH).min(end);
        let cases: Vec<gen::Case> = (first..last).map(|i| o.case(i)).collect();
        let requests: Vec<(Mode, &str)> = cases
            .iter()
            .map(|c| {
                let mode = if o.check_subset && c.mode != Mode::Session {
                    Mode::Checked
                } else {
                    c.mode
                };
                (mode, c.text.as_str())
            })
            .collect();
        slot.batch_since.store(progress.now_ms(), Ordering::Relaxed);
        slot.batch.store(first, Ordering::Relaxed);
        let mut ran = PathsRun::default();
        let answered = oracle.ask_batch(&requests, || {
            cases
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let index = first + k as u64;
                    if o.trace {
                        eprintln!("case {index}: {}", c.text);
                    }
                    slot.case_since.store(progress.now_ms(), Ordering::Relaxed);
                    slot.case.store(index, Ordering::Relaxed);
                    let (answer, took, parsed) = if c.mode == Mode::Session {
                        let start = std::time::Instant::now();
                        let answer = session_answer(&c.text, &limits, false);
                        let took = start.elapsed();
                        let parsed = session_answer(&c.text, &limits, true);
                        let parsed = (parsed != answer).then_some(("Expr::parse+eval_mut", parsed));
                        (answer, took, parsed)
                    } else {
                        let (answer, took) = core_answer(&c.text, &limits);
                        let parsed = other_paths(&c.text, &limits, &answer, &mut ran);
                        (answer, took, parsed)
                    };
                    slot.case.store(IDLE, Ordering::Relaxed);
                    (answer, took, parsed)
                })
                .collect::<Vec<_>>()
        });
        slot.batch.store(IDLE, Ordering::Relaxed);
        stats.paths.add(ran);
        let (py, core) = answered?;
        for (k, ((case, py), (core, took, parsed))) in
            cases.into_iter().zip(py).zip(core).enumerate()
        {
            let answers = Answers { py, core, parsed };
            record(&mut stats, o, first + k as u64, case, answers, took);
        }
    }
    Ok(stats)
}

/// The answers for one case.
struct Answers {
    py: PyAnswer,
    core: CoreAnswer,
    /// The first embedding API whose answer differs from `core`.
    parsed: Option<(&'static str, CoreAnswer)>,
}

fn record(
    stats: &mut Stats,
    o: &Options,
    index: u64,
    case: gen::Case,
    answers: Answers,
    took: Duration,
) {
    let Answers { py, core, parsed } = answers;
    stats.cases += 1;
    if py == PyAnswer::Out {
        stats.outside += 1;
        return;
    }
    let class = match &py {
        PyAnswer::Ok(_) => "value".to_string(),
        PyAnswer::Err { class, .. } => class.clone(),
        PyAnswer::Out => String::new(),
    };
    *stats.py_classes.entry(class).or_default() += 1;
    stats.core_time += took;
    let timed_alone = case.mode != Mode::Session;
    if timed_alone
        && (stats.slowest.len() < SLOW_KEPT || stats.slowest.iter().any(|(t, _)| took > *t))
    {
        note_slow(&mut stats.slowest, took, case.text.clone());
    }
    let make = |category| Diff {
        index,
        text: case.text.clone(),
        mode: case.mode,
        category,
        py: py.clone(),
        core: core.clone(),
        parsed: parsed.clone(),
    };
    let v = match verdict(&py, &core) {
        Verdict::Same | Verdict::MessageOnly if parsed.is_some() => {
            Verdict::Differ(Category::Paths)
        }
        v => v,
    };
    match v {
        Verdict::Same => stats.same += 1,
        Verdict::MessageOnly => {
            stats.message_only += 1;
            if stats.message_examples.len() < o.messages {
                stats.message_examples.push(make(Category::Value));
            }
        }
        Verdict::Differ(category) => {
            *stats.categories.entry(category.clone()).or_default() += 1;
            if stats.diffs.len() < KEEP {
                stats.diffs.push(make(category));
            }
        }
    }
}

/// Prints the first differences in full (shrunk), and returns how many.
fn report_differences(o: &Options, stats: &Stats) -> Result<usize, String> {
    let total = stats.differences();
    let mut oracle = if o.shrink && total > 0 {
        Some(Oracle::start()?)
    } else {
        None
    };
    let limits = calc_core::Limits::default();
    let shown = stats.diffs.len().min(o.show);
    for (n, d) in stats.diffs.iter().take(o.show).enumerate() {
        println!(
            "difference {}/{total}: {} (case {})",
            n + 1,
            d.category,
            d.index
        );
        println!("  input:     {}", show_text(&d.text));
        println!("  CPython:   {}", show_py(&d.py));
        println!("  calc-core: {}", show_core(&d.core));
        if let Some((path, parsed)) = &d.parsed {
            if let Some((rewritten, vars)) = compare::slotted(&d.text) {
                if !vars.is_empty() {
                    let vars: Vec<String> =
                        vars.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
                    println!("  as:        {rewritten}  with {}", vars.join(", "));
                }
            }
            println!("  {path}: {}", show_core(parsed));
        }
        // The shrinker cuts one expression; a session is shown whole.
        let oracle = oracle.as_mut().filter(|_| d.mode != Mode::Session);
        if let Some(oracle) = oracle {
            if let Some(small) = shrink::shrink(oracle, &limits, &d.text, d.mode, &d.category)? {
                println!("  minimal:   {}", small.text);
                println!("    CPython:   {}", show_py(&small.py));
                println!("    calc-core: {}", show_core(&small.core));
            }
        }
        println!("  replay:    {}", o.replay(d.index));
    }
    for d in &stats.message_examples {
        println!("message differs (case {}):", d.index);
        println!("  input:     {}", d.text);
        println!("  CPython:   {}", show_py(&d.py));
        println!("  calc-core: {}", show_core(&d.core));
    }
    Ok(shown)
}

/// A case's text for the report: a session's requests separated by ` ⏎ `.
fn show_text(text: &str) -> String {
    text.replace(gen::SESSION_SEP, " \u{23ce} ")
}

fn summary(o: &Options, stats: &Stats, elapsed: Duration, shown: usize) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    println!(
        "diff: {} cases (seed {}, start {}, jobs {}) in {:.2} s, {:.0} cases/s",
        stats.cases,
        o.seed,
        o.start,
        o.jobs,
        secs,
        stats.cases as f64 / secs
    );
    let classes: Vec<String> = stats
        .py_classes
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    println!(
        "  CPython answers: {}; outside the language, or CPython failed (over 2 s or MemoryError; skipped): {}",
        classes.join(", "),
        stats.outside
    );
    println!(
        "  agree: {}; only the error message differs: {}; DIFFER: {}",
        stats.same,
        stats.message_only,
        stats.differences()
    );
    for (category, n) in &stats.categories {
        println!("    {n:>8}  {category}");
    }
    println!(
        "  embedding APIs: every case through Expr::parse + Expr::eval; {} with literals and \
         constants as variables ({} variables) through Expr::compile + Compiled::eval and \
         Env::eval, {} of them with a float lane, {} also through Compiled::eval_f64",
        stats.paths.compiled, stats.paths.slots, stats.paths.lane, stats.paths.floats
    );
    if stats.differences() as usize > shown {
        println!("  ({} shown in full; --show K for more)", shown);
    }
    let evaluated = stats.cases - stats.outside;
    if evaluated > 0 {
        println!(
            "  calc-core: {:.1} ms in total, {:.2} us per case",
            stats.core_time.as_secs_f64() * 1e3,
            stats.core_time.as_secs_f64() * 1e6 / evaluated as f64
        );
    }
    if let Some((best, during, text)) = slowest_quiet(&stats.slowest) {
        let shown: String = text.chars().take(200).collect();
        let more = if text.chars().count() > 200 {
            "..."
        } else {
            ""
        };
        println!(
            "  slowest calc-core case: {:.3} ms alone, best of 5 ({:.3} ms during the run): {shown}{more}",
            best.as_secs_f64() * 1e3,
            during.as_secs_f64() * 1e3
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, argh::EarlyExit> {
        Args::from_args(&["cargo xtask diff"], args)
    }

    #[test]
    fn options() {
        let a = parse(&[
            "--count",
            "1_000",
            "--seed",
            "7",
            "--jobs",
            "0",
            "--no-shrink",
        ])
        .unwrap();
        let o = Options::new(&a);
        assert_eq!((o.count, o.seed, o.jobs, o.shrink), (1000, 7, 1, false));
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["--count"]).is_err());
        assert!(parse(&["--count", "many"]).is_err());
    }

    #[test]
    fn defaults_and_the_ci_run() {
        let a = parse(&[]).unwrap();
        assert_eq!(
            (a.count, a.show, a.jobs, a.start, a.seed),
            (20_000, 20, 2, 0, None)
        );
        assert_eq!(
            parse(&["--count", "20000", "--seed", "1"]).unwrap(),
            Args::ci()
        );
    }

    #[test]
    fn focus_and_exprs() {
        let name = gen::FOCUS[1];
        let a = parse(&["--focus", name, "--expr", "1+1", "--expr", "2"]).unwrap();
        assert_eq!(a.focus, Some(1));
        assert_eq!(a.expr, ["1+1", "2"]);
        let e = parse(&["--focus", "nowhere"]).unwrap_err();
        assert!(e.output.contains(gen::FOCUS[0]), "{}", e.output);
    }
}
