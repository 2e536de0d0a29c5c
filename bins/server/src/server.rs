//! The server: binds, starts the workers, accepts clients and hands them
//! out round-robin, and on SIGINT/SIGTERM shuts everything down.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;
use slog::{crit, error, info, warn, Logger};

use session::{CloseReason, SessionRegistry};
use sockets::ListenerBuilder;

use crate::cli::Args;
use crate::conn::ConnConfig;
use crate::logging::{Logging, Options, Reopener, MAX_FIELD_RANGE};
use crate::names::NamesPool;
use crate::pool::EvalPool;
use crate::shared::{HeaderSlot, Shared};
use crate::worker::{Admission, Handle, NewConn, Worker};

const LISTENER: Token = Token(0);
const SIGNALS: Token = Token(1);
/// After an accept error such as "too many open files", wait this long
/// before accepting again, rather than spinning on the error.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// The part of a request's work budget a worker spends inline, one turn's
/// worth: 1/64 of the default budget, at most about 0.6 ms. Nearly every
/// request needs far less; one that needs more goes to the evaluation
/// pool, which evaluates it again under the whole budget.
const INLINE_WORK: u64 = crate::conn::TURN_WORK;

/// Why the server could not start or failed while running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The host did not resolve to an address.
    #[error(transparent)]
    Resolve(#[from] sockets::ResolveError),
    /// Binding or listening failed.
    #[error(transparent)]
    Listen(#[from] sockets::ListenError),
    /// The log file could not be opened.
    #[error("cannot open log file {path}: {source}")]
    LogFile {
        /// The path given with `--log-file`.
        path: String,
        /// The OS error.
        source: io::Error,
    },
    /// A thread, poll or signal handler could not be set up.
    #[error("cannot start: {0}")]
    Setup(#[source] io::Error),
    /// A flag value is out of range.
    #[error("{0}")]
    Usage(String),
}

/// Runs the server until SIGINT or SIGTERM.
pub fn run(args: &Args) -> Result<(), ServerError> {
    if args.max_request == 0
        || args.max_clients == 0
        || args.workers == Some(0)
        || args.eval_threads == Some(0)
        || args.request_memory == 0
        || args.proxy_header_timeout == 0
    {
        return Err(ServerError::Usage(
            "--max-request, --max-clients, --workers, --eval-threads, --request-memory and --proxy-header-timeout must be at least 1"
                .into(),
        ));
    }
    if !MAX_FIELD_RANGE.contains(&args.log_max_field) {
        return Err(ServerError::Usage(format!(
            "--log-max-field must be between {} and {}",
            MAX_FIELD_RANGE.start(),
            MAX_FIELD_RANGE.end()
        )));
    }
    let (host, port) = args.host_port().map_err(ServerError::Usage)?;
    let addr = resolve(host, port)?;
    let options = Options {
        level: args.log_level.0,
        format: args.log_format.0,
        max_field: args.log_max_field,
    };
    let logging =
        Logging::start(&args.log_file, options).map_err(|source| ServerError::LogFile {
            path: args.log_file.clone(),
            source,
        })?;
    let log = logging.log.clone();
    let result = serve(args, addr, &log, &logging.reopener());
    if let Err(e) = &result {
        crit!(log, "server failed"; "error" => %e);
    }
    drop(log);
    logging.finish();
    result
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, ServerError> {
    let addrs = sockets::resolve(host, port)?;
    addrs.first().copied().ok_or_else(|| {
        ServerError::Resolve(sockets::ResolveError::NoAddress {
            host: host.to_string(),
            port,
        })
    })
}

fn serve(
    args: &Args,
    addr: SocketAddr,
    log: &Logger,
    reopener: &Reopener,
) -> Result<(), ServerError> {
    let std_listener = ListenerBuilder::new(addr)
        .backlog(args.backlog)
        .nonblocking(true)
        .build()?;
    let mut listener = TcpListener::from_std(std_listener);
    let local = listener.local_addr().map_err(ServerError::Setup)?;

    let shared = Arc::new(Shared {
        idle_timeout: (args.idle_timeout > 0).then(|| Duration::from_secs(args.idle_timeout)),
        ..Shared::default()
    });
    let limits = calc_core::Limits {
        max_source_len: args.max_request,
        max_memory: args.request_memory,
        max_names: args.session_names,
        max_names_memory: args.session_memory,
        ..calc_core::Limits::default()
    };
    let cfg = ConnConfig {
        max_request: args.max_request,
        names: Arc::new(NamesPool::new(args.names_memory)),
        slice: calc_core::Limits {
            work_budget: limits.work_budget.min(INLINE_WORK),
            ..limits.clone()
        },
        limits,
    };
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let n_workers = args.workers.unwrap_or_else(|| default_workers(cpus));
    let registry = {
        let log = log.clone();
        SessionRegistry::builder()
            .on_close(move |c| {
                info!(log, "session closed";
                    "session" => c.id,
                    "peer" => %c.peer,
                    "reason" => %c.reason,
                    "duration" => format!("{}.{:03}s", c.duration.as_secs(), c.duration.subsec_millis()),
                    "requests" => c.requests,
                    "errors" => c.errors,
                    "active" => c.active_after);
            })
            .build()
    };
    let admission = Admission {
        registry: registry.clone(),
        max_clients: args.max_clients,
        header_timeout: Duration::from_secs(args.proxy_header_timeout),
    };
    let n_eval = args.eval_threads.unwrap_or(cpus);
    let pool = EvalPool::start(n_eval, cfg.limits.clone()).map_err(ServerError::Setup)?;
    let (handles, threads) = match start_workers(n_workers, &shared, &cfg, &admission, log, &pool) {
        Ok(started) => started,
        Err(e) => {
            pool.stop();
            return Err(e);
        }
    };

    let mut poll = Poll::new().map_err(ServerError::Setup)?;
    // SIGHUP reopens the log file (logrotate); registering it also keeps
    // its default action, termination, from ending the server.
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP]).map_err(ServerError::Setup)?;
    poll.registry()
        .register(&mut signals, SIGNALS, Interest::READABLE)
        .map_err(ServerError::Setup)?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .map_err(ServerError::Setup)?;

    info!(log, "listening"; "addr" => %local, "workers" => n_workers, "eval_threads" => n_eval,
          "max_clients" => args.max_clients, "max_request" => args.max_request,
          "idle_timeout" => args.idle_timeout, "proxy_protocol" => args.proxy_protocol);
    // Tests and scripts learn the port from this line.
    let mut stdout = io::stdout();
    let _ = writeln!(stdout, "listening on {local}");
    let _ = stdout.flush();

    let mut acceptor = Acceptor {
        listener,
        handles,
        next: 0,
        registry: registry.clone(),
        max_clients: args.max_clients,
        proxy_protocol: args.proxy_protocol,
        shared: Arc::clone(&shared),
        log: log.clone(),
        last_error_log: None,
    };
    let mut events = Events::with_capacity(256);
    let mut paused_until: Option<Instant> = None;
    'outer: loop {
        let timeout = paused_until.map(|t| t.saturating_duration_since(Instant::now()));
        if let Err(e) = poll.poll(&mut events, timeout) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            error!(log, "poll failed"; "error" => %e);
            break;
        }
        for event in events.iter() {
            if event.token() != SIGNALS {
                continue;
            }
            let mut stop = None;
            for sig in signals.pending() {
                match sig {
                    SIGHUP => match reopener.reopen() {
                        Ok(()) => info!(log, "log file reopened"; "path" => reopener.path()),
                        Err(e) => {
                            error!(log, "cannot reopen log file, still writing to the old one";
                                         "path" => reopener.path(), "error" => %e)
                        }
                    },
                    SIGINT => stop = Some("SIGINT"),
                    _ => stop = Some("SIGTERM"),
                }
            }
            if let Some(name) = stop {
                info!(log, "shutdown requested"; "signal" => name,
                      "active" => registry.active());
                break 'outer;
            }
        }
        if paused_until.is_some_and(|t| Instant::now() < t) {
            continue;
        }
        paused_until = acceptor.accept_all().then(|| Instant::now() + ACCEPT_PAUSE);
    }

    // Stop accepting first, so no client arrives after the BYEs.
    let _ = poll.registry().deregister(&mut acceptor.listener);
    drop(acceptor.listener);
    shared.shutting_down.store(true, Ordering::Release);
    // Requests not yet started in the pool are dropped: their sessions end
    // with BYE like every other.
    pool.close();
    for h in &acceptor.handles {
        let _ = h.waker.wake();
    }
    drop(acceptor.handles);
    for t in threads {
        if t.join().is_err() {
            crit!(log, "a worker thread panicked");
        }
    }
    pool.stop();
    info!(log, "shutdown"; "active" => registry.active(), "sessions" => registry.total_opened());
    Ok(())
}

/// Event-loop workers for `cpus` CPUs when `--workers` is not given: one
/// fewer than the CPUs, at least one. The core left over runs what a busy
/// worker would otherwise be preempted by: the kernel's network work, the
/// logging thread, the evaluation pool, and on a shared host the clients.
/// With a worker per CPU on a 2-core host, two workers and a local load
/// generator contend for two cores and every few milliseconds a worker
/// waits a scheduler slice with answers ready (docs/benchmarks.md).
fn default_workers(cpus: usize) -> usize {
    cpus.saturating_sub(1).max(1)
}

fn start_workers(
    n: usize,
    shared: &Arc<Shared>,
    cfg: &ConnConfig,
    admission: &Admission,
    log: &Logger,
    pool: &EvalPool,
) -> Result<(Vec<Handle>, Vec<JoinHandle<()>>), ServerError> {
    let mut handles = Vec::with_capacity(n);
    let mut threads = Vec::with_capacity(n);
    for i in 0..n {
        let (worker, handle) = Worker::new(
            Arc::clone(shared),
            cfg.clone(),
            admission.clone(),
            log.clone(),
            pool.submitter(),
        )
        .map_err(ServerError::Setup)?;
        let t = std::thread::Builder::new()
            .name(format!("calc-worker-{i}"))
            .spawn(move || worker.run())
            .map_err(ServerError::Setup)?;
        handles.push(handle);
        threads.push(t);
    }
    Ok((handles, threads))
}

struct Acceptor {
    listener: TcpListener,
    handles: Vec<Handle>,
    next: usize,
    registry: SessionRegistry,
    max_clients: usize,
    /// `--proxy-protocol`: sessions open in the workers, once the header
    /// names the client.
    proxy_protocol: bool,
    shared: Arc<Shared>,
    log: Logger,
    last_error_log: Option<Instant>,
}

impl Acceptor {
    /// Accepts every pending connection; returns true when accepting must
    /// pause because of a resource error.
    fn accept_all(&mut self) -> bool {
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => self.admit(stream, peer),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
                    ) => {}
                Err(e) => {
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM: the pending client
                    // stays queued; log (at most once a second) and retry
                    // after a pause instead of spinning.
                    let now = Instant::now();
                    if self
                        .last_error_log
                        .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1))
                    {
                        self.last_error_log = Some(now);
                        error!(self.log, "accept failed, pausing"; "error" => %e,
                               "active" => self.registry.active());
                    }
                    return true;
                }
            }
        }
    }

    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let nc = if self.proxy_protocol {
            // Connections still awaiting their header count too, so that
            // --max-clients also bounds those that never send one.
            let awaiting = self.shared.awaiting_header.load(Ordering::Acquire);
            let active = self.registry.active();
            if active.saturating_add(awaiting) >= self.max_clients {
                // The client is unknown until the header is read: the
                // refusal names the balancer's connection.
                refuse_busy(
                    &mut stream,
                    format_args!(
                        "too many clients ({active} sessions and {awaiting} connections awaiting a PROXY header open, the limit is {}), try again later",
                        self.max_clients
                    ),
                );
                warn!(self.log, "client refused: too many clients"; "peer" => %peer,
                      "max_clients" => self.max_clients);
                return;
            }
            NewConn::AwaitHeader {
                stream,
                peer,
                slot: HeaderSlot::new(&self.shared),
            }
        } else {
            let session = match self.registry.try_open(peer, self.max_clients) {
                Ok(session) => session,
                Err(full) => {
                    refuse_busy(
                        &mut stream,
                        format_args!("too many clients ({full}), try again later"),
                    );
                    warn!(self.log, "client refused: too many clients"; "peer" => %peer,
                          "max_clients" => self.max_clients);
                    return;
                }
            };
            info!(self.log, "session opened"; "session" => session.id(), "peer" => %peer,
                  "active" => self.registry.active());
            NewConn::Session { stream, session }
        };
        let Some(h) = self.handles.get(self.next % self.handles.len().max(1)) else {
            return;
        };
        self.next = self.next.wrapping_add(1);
        if let Err(std::sync::mpsc::SendError(nc)) = h.tx.send(nc) {
            if let NewConn::Session { mut session, .. } = nc {
                session.set_close_reason(CloseReason::ServerError("worker gone".into()));
            }
        } else {
            let _ = h.waker.wake();
        }
    }
}

/// Sends `ERR Busy` and closes: a few bytes into an empty socket buffer,
/// which one non-blocking write takes.
fn refuse_busy(stream: &mut TcpStream, message: std::fmt::Arguments<'_>) {
    let mut out = Vec::new();
    wire::encode_busy(&mut out, message);
    let _ = stream.write_all(&out);
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::default_workers;

    #[test]
    fn one_core_is_left_to_the_rest_of_the_server() {
        assert_eq!(default_workers(1), 1);
        assert_eq!(default_workers(2), 1);
        assert_eq!(default_workers(8), 7);
    }
}
