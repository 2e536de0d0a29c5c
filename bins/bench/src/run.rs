//! One benchmark run: check the arguments, connect, drive the phases,
//! collect the workers' statistics.

use std::io::{IsTerminal, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use crate::report::Report;
use crate::stats::Stats;
use crate::worker::{self, phase, Plan, Shared};
use crate::workload::{self, Request, WorkloadError};
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
    #[error("cannot resolve {host}:{port}: {cause}")]
    Resolve {
        /// Host asked for.
        host: String,
        /// Port asked for.
        port: u16,
        /// Why.
        cause: String,
    },
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
    let (mode, description, requests) = build_workload(args)?;
    let addr = resolve(&host, port)?;
    let threads = args.threads.clamp(1, args.connections);
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
    let workload = Arc::new(requests);
    let start = Arc::new(Barrier::new(threads + 1));
    let (ready_tx, ready_rx) = mpsc::channel();

    let mut handles = Vec::with_capacity(threads);
    for t in 0..threads {
        let conns: Vec<usize> = (t..args.connections).step_by(threads).collect();
        let requests_per_conn = args.requests.map(|total| {
            conns
                .iter()
                .map(|&c| share(total, args.connections, c))
                .collect()
        });
        let plan = Plan {
            addr,
            conns,
            requests_per_conn,
            pipeline: args.pipeline,
            connect_timeout: Duration::from_secs(5),
            stall_timeout: secs(args.timeout),
            drain_timeout: Duration::from_secs(5),
            stats: template.clone(),
        };
        let (workload, shared, ready, start) = (
            Arc::clone(&workload),
            Arc::clone(&shared),
            ready_tx.clone(),
            Arc::clone(&start),
        );
        let handle = thread::Builder::new()
            .name(format!("load-{t}"))
            .spawn(move || worker::run(plan, workload, shared, ready, start))
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
    if let Some(cause) = first_failure {
        join(handles, &template);
        return Err(RunError::Connect { host, port, cause });
    }

    let progress = !args.quiet && !args.json && std::io::stdout().is_terminal();
    let (warmup_s, measured, stats) = if args.requests.is_some() {
        let began = Instant::now();
        let stats = join_with_progress(handles, &shared, progress, &template);
        (0.0, began.elapsed(), stats)
    } else {
        wait(&shared, secs(args.warmup), progress, "warmup");
        shared.phase.store(phase::MEASURE, Ordering::Release);
        let began = Instant::now();
        wait(&shared, secs(args.duration), progress, "measure");
        shared.phase.store(phase::DRAIN, Ordering::Release);
        let measured = began.elapsed();
        (args.warmup, measured, join(handles, &template))
    };
    Ok(Report {
        target: format!("{host}:{port}"),
        mode,
        workload: description,
        connections: args.connections,
        pipeline: args.pipeline,
        threads,
        warmup_s,
        measured_s: measured.as_secs_f64(),
        stats,
    })
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
    let sources = [args.expr.is_some(), args.mix.is_some(), args.line.is_some()];
    if sources.iter().filter(|&&s| s).count() > 1 {
        return usage("give only one of --expr, --mix and --line");
    }
    if args.line.is_some() != args.expect_prefix.is_some() {
        return usage("--line and --expect-prefix go together");
    }
    if args.expect.is_some() && args.mix.is_some() {
        return usage("--expect goes with --expr; a mix file gives answers after a TAB");
    }
    Ok(())
}

fn build_workload(args: &Args) -> Result<(&'static str, String, Vec<Request>), RunError> {
    if let (Some(line), Some(prefix)) = (&args.line, &args.expect_prefix) {
        let desc = format!("{line:?} expecting {prefix:?}...");
        return Ok(("line", desc, workload::from_line(line, prefix)?));
    }
    if let Some(path) = &args.mix {
        let reqs = workload::from_mix_file(path)?;
        let desc = format!("{} ({} expressions)", path.display(), reqs.len());
        return Ok(("mix", desc, reqs));
    }
    let expr = args.expr.as_deref().unwrap_or("1+2*3");
    let reqs = workload::from_expr(expr, args.expect.as_deref())?;
    let desc = format!(
        "{expr:?} expecting {:?}",
        reqs.first()
            .map(|r| r.expect.describe())
            .unwrap_or_default()
    );
    Ok(("expr", desc, reqs))
}

/// `[HOST] [PORT]`, defaulting to calc-server's 127.0.0.1 4390.
fn target(words: &[String]) -> Result<(String, u16), RunError> {
    match words {
        [] => Ok(("127.0.0.1".into(), 4390)),
        [host] => Ok((host.clone(), 4390)),
        [host, port] => port.parse().map(|p| (host.clone(), p)).map_err(|_| {
            RunError::Usage(format!(
                "PORT must be a number from 0 to 65535, not {port:?}"
            ))
        }),
        _ => Err(RunError::Usage(
            "expected at most HOST and PORT as positional arguments".into(),
        )),
    }
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, RunError> {
    let err = |cause: String| RunError::Resolve {
        host: host.to_owned(),
        port,
        cause,
    };
    (host, port)
        .to_socket_addrs()
        .map_err(|e| err(e.to_string()))?
        .next()
        .ok_or_else(|| err("no address".into()))
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
    handles: Vec<thread::JoinHandle<Stats>>,
    shared: &Shared,
    progress: bool,
    template: &Stats,
) -> Stats {
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
    join(handles, template)
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

fn join(handles: Vec<thread::JoinHandle<Stats>>, template: &Stats) -> Stats {
    let mut total: Option<Stats> = None;
    let mut panicked = 0;
    for h in handles {
        match h.join() {
            Ok(s) => match total.as_mut() {
                Some(t) => t.merge(&s),
                None => total = Some(s),
            },
            Err(_) => panicked += 1,
        }
    }
    let mut total = total.unwrap_or_else(|| template.clone());
    for _ in 0..panicked {
        total.connection_lost("a load thread panicked".into());
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
