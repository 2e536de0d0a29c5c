//! The server: binds, starts the workers, accepts clients and hands them
//! out round-robin, and on SIGINT/SIGTERM shuts everything down.

use std::io::{self, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;
use slog::{crit, error, info, warn, Logger};

use crate::cli::Args;
use crate::conn::ConnConfig;
use crate::logging::Logging;
use crate::shared::Shared;
use crate::worker::{Handle, NewConn, Worker};

const LISTENER: Token = Token(0);
const SIGNALS: Token = Token(1);
/// After an accept error such as "too many open files", wait this long
/// before accepting again, rather than spinning on the error.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Why the server could not start or failed while running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The host did not resolve to an address.
    #[error("cannot resolve {host}: {source}")]
    Resolve {
        /// The host as given.
        host: String,
        /// The resolver's error.
        source: io::Error,
    },
    /// Binding or listening failed.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address tried.
        addr: SocketAddr,
        /// The OS error.
        source: io::Error,
    },
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
    if args.max_request == 0 || args.max_clients == 0 || args.workers == Some(0) {
        return Err(ServerError::Usage(
            "--max-request, --max-clients and --workers must be at least 1".into(),
        ));
    }
    let (host, port) = args.host_port().map_err(ServerError::Usage)?;
    let addr = resolve(host, port)?;
    let logging = Logging::start(&args.log_file, args.log_level.0).map_err(|source| {
        ServerError::LogFile {
            path: args.log_file.clone(),
            source,
        }
    })?;
    let log = logging.log.clone();
    let result = serve(args, addr, &log);
    if let Err(e) = &result {
        crit!(log, "server failed"; "error" => %e);
    }
    drop(log);
    logging.finish();
    result
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr, ServerError> {
    let resolve_err = |source| ServerError::Resolve {
        host: host.to_string(),
        source,
    };
    (host, port)
        .to_socket_addrs()
        .map_err(resolve_err)?
        .next()
        .ok_or_else(|| resolve_err(io::Error::new(io::ErrorKind::NotFound, "no address")))
}

fn serve(args: &Args, addr: SocketAddr, log: &Logger) -> Result<(), ServerError> {
    let std_listener =
        std::net::TcpListener::bind(addr).map_err(|source| ServerError::Listen { addr, source })?;
    std_listener
        .set_nonblocking(true)
        .map_err(|source| ServerError::Listen { addr, source })?;
    let mut listener = TcpListener::from_std(std_listener);
    let local = listener
        .local_addr()
        .map_err(|source| ServerError::Listen { addr, source })?;

    let shared = Arc::new(Shared {
        idle_timeout: (args.idle_timeout > 0).then(|| Duration::from_secs(args.idle_timeout)),
        ..Shared::default()
    });
    let cfg = ConnConfig {
        max_request: args.max_request,
        limits: calc_core::Limits {
            max_source_len: args.max_request,
            ..calc_core::Limits::default()
        },
    };
    let n_workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let (handles, threads) = start_workers(n_workers, &shared, &cfg, log)?;

    let mut poll = Poll::new().map_err(ServerError::Setup)?;
    let mut signals = Signals::new([SIGINT, SIGTERM]).map_err(ServerError::Setup)?;
    poll.registry()
        .register(&mut signals, SIGNALS, Interest::READABLE)
        .map_err(ServerError::Setup)?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .map_err(ServerError::Setup)?;

    info!(log, "listening"; "addr" => %local, "workers" => n_workers,
          "max_clients" => args.max_clients, "max_request" => args.max_request,
          "idle_timeout" => args.idle_timeout);
    // Tests and scripts learn the port from this line.
    let mut stdout = io::stdout();
    let _ = writeln!(stdout, "listening on {local}");
    let _ = stdout.flush();

    let mut acceptor = Acceptor {
        listener,
        handles,
        next: 0,
        next_id: 1,
        shared: Arc::clone(&shared),
        max_clients: args.max_clients,
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
            if event.token() == SIGNALS {
                if let Some(sig) = signals.pending().next() {
                    let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
                    info!(log, "shutdown requested"; "signal" => name,
                          "active" => shared.active.load(Ordering::Relaxed));
                    break 'outer;
                }
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
    for h in &acceptor.handles {
        let _ = h.waker.wake();
    }
    drop(acceptor.handles);
    for t in threads {
        if t.join().is_err() {
            crit!(log, "a worker thread panicked");
        }
    }
    info!(log, "shutdown"; "active" => shared.active.load(Ordering::Relaxed));
    Ok(())
}

fn start_workers(
    n: usize,
    shared: &Arc<Shared>,
    cfg: &ConnConfig,
    log: &Logger,
) -> Result<(Vec<Handle>, Vec<JoinHandle<()>>), ServerError> {
    let mut handles = Vec::with_capacity(n);
    let mut threads = Vec::with_capacity(n);
    for i in 0..n {
        let (worker, handle) = Worker::new(Arc::clone(shared), cfg.clone(), log.clone())
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
    next_id: u64,
    shared: Arc<Shared>,
    max_clients: usize,
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
                               "active" => self.shared.active.load(Ordering::Relaxed));
                    }
                    return true;
                }
            }
        }
    }

    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr) {
        if self.shared.active.load(Ordering::Acquire) >= self.max_clients {
            // The answer is a few bytes into an empty socket buffer: one
            // non-blocking write takes it.
            let _ = stream.write_all(
                format!(
                    "ERR Busy: too many clients (limit {}), try later\n",
                    self.max_clients
                )
                .as_bytes(),
            );
            let _ = stream.shutdown(std::net::Shutdown::Write);
            warn!(self.log, "client refused: too many clients"; "peer" => %peer,
                  "max_clients" => self.max_clients);
            return;
        }
        let _ = stream.set_nodelay(true);
        let id = self.next_id;
        self.next_id += 1;
        self.shared.active.fetch_add(1, Ordering::AcqRel);
        let Some(h) = self.handles.get(self.next % self.handles.len().max(1)) else {
            return;
        };
        self.next = self.next.wrapping_add(1);
        if h.tx.send(NewConn { stream, peer, id }).is_err() || h.waker.wake().is_err() {
            self.shared.active.fetch_sub(1, Ordering::AcqRel);
            error!(self.log, "worker gone, client dropped"; "peer" => %peer);
        }
    }
}
