//! One benchmark run: check the arguments, connect, drive the phases,
//! collect the workers' statistics.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use crate::class::{self, Source};
use crate::report::{ClassReport, Report};
use crate::stats::Stats;
use crate::worker::{self, phase, ConnPlan, Load, Plan, Shared};
use crate::workload::WorkloadError;
use crate::Args;

/// Why a run could not take place.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The arguments contradict each other or are out of range.
    #[error("{0} (see --help)")]
    Usage(String),
    /// The requests could not be built.
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// The host name did not resolve.
    #[error(transparent)]
    Resolve(#[from] sockets::ResolveError),
    /// A connection could not be opened.
    #[error("cannot connect to {host}:{port}: {cause}")]
    Connect {
        /// Host asked for.
        host: String,
        /// Port asked for.
        port: u16,
        /// The first failure.
        cause: String,
    },
    /// A thread or the histogram could not be created.
    #[error("{0}")]
    Internal(String),
}

/// Runs the benchmark `args` describe.
pub fn run(args: &Args) -> Result<Report, RunError> {
    validate(args)?;
    let (host, port) = target(&args.target)?;
    let classes = class::classes(
        (cheap_source(args), args.connections, args.pipeline),
        (
            costly_source(args),
            args.costly_connections,
            args.costly_pipeline,
        ),
    )?;
    let addr = resolve(host, port)?;
    let total_conns: usize = classes.iter().map(|c| c.connections).sum();
    let threads = args.threads.clamp(1, total_conns);
    let template = Stats::new().map_err(|e| RunError::Internal(format!("histogram: {e}")))?;
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        // A count-bounded run measures from its first answer: the phase is
        // set before the workers start, not raced against them.
        phase: AtomicU8::new(if args.requests.is_some() {
            phase::MEASURE
        } else {
            phase::WARMUP
        }),
        answers: AtomicU64::new(0),
    });
    let loads: Arc<Vec<Load>> = Arc::new(
        classes
            .iter()
            .map(|c| Load {
                requests: c.requests.clone(),
                pipeline: c.pipeline,
            })
            .collect(),
    );
    // Every connection of the run, cheap ones first: (class, index within
    // the class). Connection i goes to load thread i % threads, which opens
    // its connections in this order.
    let all: Vec<ConnPlan> = classes
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| (0..c.connections).map(move |index| ConnPlan { class: ci, index }))
        .collect();
    let start = Arc::new(Barrier::new(threads + 1));
    let (ready_tx, ready_rx) = mpsc::channel();

    let mut handles = Vec::with_capacity(threads);
    for t in 0..threads {
        let conns: Vec<ConnPlan> = all.iter().skip(t).step_by(threads).copied().collect();
        // Only a cheap-only run is count-bounded (validate refuses
        // --requests with a costly class).
        let requests_per_conn = args.requests.map(|total| {
            conns
                .iter()
                .map(|c| share(total, args.connections, c.index))
                .collect()
        });
        let plan = Plan {
            addr,
            conns,
            requests_per_conn,
            connect_timeout: Duration::from_secs(5),
            stall_timeout: secs(args.timeout),
            drain_timeout: drain_timeout(secs(args.timeout)),
            stats: vec![template.clone(); classes.len()],
        };
        let (loads, shared, ready, start) = (
            Arc::clone(&loads),
            Arc::clone(&shared),
            ready_tx.clone(),
            Arc::clone(&start),
        );
        let handle = thread::Builder::new()
            .name(format!("load-{t}"))
            .spawn(move || worker::run(plan, loads, shared, ready, start))
            .map_err(|e| RunError::Internal(format!("cannot start a load thread: {e}")))?;
        handles.push(handle);
    }
    drop(ready_tx);

    let mut first_failure = None;
    for _ in 0..threads {
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => {
                first_failure.get_or_insert(msg);
            }
            Err(_) => {
                first_failure.get_or_insert_with(|| "a load thread died during setup".into());
            }
        }
    }
    if first_failure.is_some() {
        shared.phase.store(phase::ABORT, Ordering::Release);
    }
    start.wait();
    let blank = vec![template.clone(); classes.len()];
    if let Some(cause) = first_failure {
        join(handles, &blank);
        return Err(RunError::Connect {
            host: host.to_owned(),
            port,
            cause,
        });
    }

    let progress = !args.quiet && !args.json && std::io::stdout().is_terminal();
    let (warmup_s, measured, per_class) = if args.requests.is_some() {
        let began = Instant::now();
        let stats = join_with_progress(handles, &shared, progress, &blank);
        (0.0, began.elapsed(), stats)
    } else {
        wait(&shared, secs(args.warmup), progress, "warmup");
        shared.phase.store(phase::MEASURE, Ordering::Release);
        let began = Instant::now();
        wait(&shared, secs(args.duration), progress, "measure");
        shared.phase.store(phase::DRAIN, Ordering::Release);
        let measured = began.elapsed();
        (args.warmup, measured, join(handles, &blank))
    };
    let mut stats = template;
    for s in &per_class {
        stats.merge(s);
    }
    let classes = classes
        .into_iter()
        .zip(per_class)
        .map(|(c, stats)| ClassReport {
            name: c.name,
            mode: c.mode,
            workload: c.workload,
            connections: c.connections,
            pipeline: c.pipeline,
            stats,
        })
        .collect();
    Ok(Report {
        target: format!("{host}:{port}"),
        threads,
        warmup_s,
        measured_s: measured.as_secs_f64(),
        classes,
        stats,
    })
}

/// How long answers still in flight after the measurement are waited for:
/// at least a minute, as a costly class pipelining seconds of work needs,
/// and the stall rule (`--timeout` without any answer) still applies.
fn drain_timeout(stall: Duration) -> Duration {
    stall.max(Duration::from_secs(60))
}

fn cheap_source(args: &Args) -> Source<'_> {
    Source {
        prefix: "",
        expr: args.expr.as_deref(),
        expect: args.expect.as_deref(),
        mix: args.mix.as_deref(),
        line: args.line.as_deref(),
        expect_prefix: args.expect_prefix.as_deref(),
    }
}

fn costly_source(args: &Args) -> Source<'_> {
    Source {
        prefix: "costly-",
        expr: args.costly_expr.as_deref(),
        expect: args.costly_expect.as_deref(),
        mix: args.costly_mix.as_deref(),
        line: args.costly_line.as_deref(),
        expect_prefix: args.costly_expect_prefix.as_deref(),
    }
}

fn validate(args: &Args) -> Result<(), RunError> {
    let usage = |m: &str| Err(RunError::Usage(m.into()));
    if args.connections == 0 {
        return usage("--connections must be at least 1");
    }
    if args.pipeline == 0 {
        return usage("--pipeline must be at least 1");
    }
    if !(args.duration.is_finite() && args.duration > 0.0) {
        return usage("--duration must be a positive number of seconds");
    }
    if !(args.warmup.is_finite() && args.warmup >= 0.0) {
        return usage("--warmup must be zero or a positive number of seconds");
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return usage("--timeout must be a positive number of seconds");
    }
    if args.requests == Some(0) {
        return usage("--requests must be at least 1");
    }
    cheap_source(args).check().map_err(RunError::Usage)?;
    let costly = costly_source(args);
    costly.check().map_err(RunError::Usage)?;
    if args.costly_connections == 0 {
        if costly.any() || args.costly_pipeline != 1 {
            return usage("the --costly-* options need --costly-connections of at least 1");
        }
    } else {
        if !costly.names_requests() {
            return usage(
                "--costly-connections needs --costly-expr, --costly-mix or --costly-line",
            );
        }
        if args.costly_pipeline == 0 {
            return usage("--costly-pipeline must be at least 1");
        }
        if args.requests.is_some() {
            return usage("a run with a costly class is bounded by --duration, not --requests");
        }
    }
    Ok(())
}

/// `[HOST] [PORT]`, defaulting to calc-server's 127.0.0.1 4390.
fn target(words: &[String]) -> Result<(&str, u16), RunError> {
    use sockets::cli::{DEFAULT_HOST, DEFAULT_PORT};
    sockets::endpoint(words, DEFAULT_HOST, DEFAULT_PORT).map_err(|e| RunError::Usage(e.to_string()))
}

/// The first address `host` resolves to.
fn resolve(host: &str, port: u16) -> Result<SocketAddr, RunError> {
    let addrs = sockets::resolve(host, port)?;
    addrs
        .first()
        .copied()
        .ok_or(RunError::Resolve(sockets::ResolveError::NoAddress {
            host: host.to_owned(),
            port,
        }))
}

/// Requests connection `c` of `n` sends when `total` are shared out evenly.
fn share(total: u64, n: usize, c: usize) -> u64 {
    let n = n as u64;
    let c = c as u64;
    total / n + u64::from(c < total % n)
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or(Duration::ZERO)
}

/// Sleeps `span`, printing a progress line each second when asked.
fn wait(shared: &Shared, span: Duration, progress: bool, label: &str) {
    let end = Instant::now() + span;
    let mut last = shared.answers.load(Ordering::Relaxed);
    let mut tick = Instant::now();
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        thread::sleep((end - now).min(Duration::from_secs(1)));
        if progress && tick.elapsed() >= Duration::from_millis(990) {
            let total = shared.answers.load(Ordering::Relaxed);
            let rate = (total - last) as f64 / tick.elapsed().as_secs_f64();
            print_progress(label, rate, total);
            last = total;
            tick = Instant::now();
        }
    }
    if progress {
        clear_progress();
    }
}

fn join_with_progress(
    handles: Vec<thread::JoinHandle<Vec<Stats>>>,
    shared: &Shared,
    progress: bool,
    blank: &[Stats],
) -> Vec<Stats> {
    let mut last = shared.answers.load(Ordering::Relaxed);
    let mut tick = Instant::now();
    while progress && !handles.iter().all(|h| h.is_finished()) {
        thread::sleep(Duration::from_millis(50));
        if tick.elapsed() >= Duration::from_secs(1) {
            let total = shared.answers.load(Ordering::Relaxed);
            let rate = (total - last) as f64 / tick.elapsed().as_secs_f64();
            print_progress("measure", rate, total);
            last = total;
            tick = Instant::now();
        }
    }
    if progress {
        clear_progress();
    }
    join(handles, blank)
}

fn print_progress(label: &str, rate: f64, total: u64) {
    let mut out = std::io::stdout().lock();
    let _ = write!(
        out,
        "\r\x1b[K{label}: {rate:.0} requests/s, {total} answers"
    );
    let _ = out.flush();
}

fn clear_progress() {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "\r\x1b[K");
    let _ = out.flush();
}

/// The statistics of every class, summed over the load threads. `blank`
/// holds one empty `Stats` per class.
fn join(handles: Vec<thread::JoinHandle<Vec<Stats>>>, blank: &[Stats]) -> Vec<Stats> {
    let mut total = blank.to_vec();
    let mut panicked = 0;
    for h in handles {
        match h.join() {
            Ok(per_class) => {
                for (t, s) in total.iter_mut().zip(&per_class) {
                    t.merge(s);
                }
            }
            Err(_) => panicked += 1,
        }
    }
    // A thread that panicked took its figures with it; the run is marked
    // failed through the first class.
    if let Some(first) = total.first_mut() {
        for _ in 0..panicked {
            first.connection_lost("a load thread panicked".into());
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        for (total, n) in [(10u64, 3usize), (7, 7), (5, 8), (1000, 50)] {
            let sum: u64 = (0..n).map(|c| share(total, n, c)).sum();
            assert_eq!(sum, total);
        }
    }
}
