//! One load thread: a mio poller driving many non-blocking connections.
//!
//! A few such threads, not one thread per connection, keep the generator
//! cheap enough to share two cores with the server it measures.

use std::io;
use std::net::{SocketAddr, TcpStream as StdStream};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

use crate::conn::{Conn, Health};
use crate::stats::Stats;
use crate::workload::Request;

/// Run phases, advanced by the main thread.
pub mod phase {
    /// Connections send and answers are checked but not measured.
    pub const WARMUP: u8 = 0;
    /// Answers are measured.
    pub const MEASURE: u8 = 1;
    /// No new requests; wait for the ones in flight.
    pub const DRAIN: u8 = 2;
    /// Give up now (set when the setup failed).
    pub const ABORT: u8 = 3;
}

/// State shared by the main thread and the workers.
pub struct Shared {
    /// Time zero of every timestamp.
    pub epoch: Instant,
    /// One of [`phase`].
    pub phase: AtomicU8,
    /// Answers received so far, for the progress line.
    pub answers: AtomicU64,
}

impl Shared {
    /// Nanoseconds since the epoch.
    pub fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// What one worker is to do.
pub struct Plan {
    /// Where to connect.
    pub addr: SocketAddr,
    /// Global indexes of this worker's connections.
    pub conns: Vec<usize>,
    /// Requests each connection sends, when the run is count-bounded.
    pub requests_per_conn: Option<Vec<u64>>,
    /// Requests kept in flight per connection.
    pub pipeline: usize,
    /// Timeout of each connect.
    pub connect_timeout: Duration,
    /// Give up when nothing arrives this long while requests are in flight.
    pub stall_timeout: Duration,
    /// How long to wait for answers in flight after the measurement.
    pub drain_timeout: Duration,
    /// Empty statistics to fill (made once by the caller, whose histogram
    /// bounds are thereby known to be valid).
    pub stats: Stats,
}

/// Connects `plan.conns`, reports readiness on `ready`, waits at `start`,
/// then runs the closed loop until the run ends.
pub fn run(
    plan: Plan,
    workload: Arc<Vec<Request>>,
    shared: Arc<Shared>,
    ready: Sender<Result<(), String>>,
    start: Arc<Barrier>,
) -> Stats {
    let setup = setup(&plan);
    let (mut poll, mut conns) = match setup {
        Ok(v) => {
            let _ = ready.send(Ok(()));
            v
        }
        Err(msg) => {
            let _ = ready.send(Err(msg));
            start.wait();
            return plan.stats;
        }
    };
    start.wait();
    if shared.phase.load(Ordering::Acquire) == phase::ABORT {
        return plan.stats;
    }
    event_loop(&plan, &workload, &shared, &mut poll, &mut conns)
}

type Slots = Vec<Option<Conn>>;

fn setup(plan: &Plan) -> Result<(Poll, Slots), String> {
    let poll = Poll::new().map_err(|e| format!("cannot create poller: {e}"))?;
    let mut conns = Vec::with_capacity(plan.conns.len());
    for (slot, &global) in plan.conns.iter().enumerate() {
        let std = StdStream::connect_timeout(&plan.addr, plan.connect_timeout)
            .map_err(|e| format!("connection {global} to {}: {e}", plan.addr))?;
        std.set_nodelay(true)
            .and_then(|()| std.set_nonblocking(true))
            .map_err(|e| format!("connection {global}: cannot configure socket: {e}"))?;
        let remaining = plan
            .requests_per_conn
            .as_ref()
            .and_then(|v| v.get(slot).copied());
        let mut conn = Conn::new(TcpStream::from_std(std), global, remaining);
        poll.registry()
            .register(
                conn.stream_mut(),
                Token(slot),
                Interest::READABLE | Interest::WRITABLE,
            )
            .map_err(|e| format!("connection {global}: cannot register: {e}"))?;
        conns.push(Some(conn));
    }
    Ok((poll, conns))
}

fn event_loop(
    plan: &Plan,
    workload: &[Request],
    shared: &Shared,
    poll: &mut Poll,
    conns: &mut Slots,
) -> Stats {
    let mut stats = plan.stats.clone();
    let mut events = Events::with_capacity(1024);
    let mut scratch = vec![0u8; 256 * 1024];
    let mut live = conns.len();
    let mut last_progress = Instant::now();
    let mut drain_since: Option<Instant> = None;

    let now = shared.now();
    for slot in conns.iter_mut() {
        step_send(slot, workload, plan.pipeline, now, &mut stats, &mut live);
    }

    while live > 0 {
        let current = shared.phase.load(Ordering::Acquire);
        if current == phase::ABORT {
            break;
        }
        let sending = current < phase::DRAIN;
        if !sending {
            let since = *drain_since.get_or_insert_with(Instant::now);
            let pending: usize = conns.iter().flatten().map(Conn::in_flight).sum();
            if pending == 0 {
                break;
            }
            if since.elapsed() >= plan.drain_timeout {
                stats.unanswered += pending as u64;
                break;
            }
        } else if conns.iter().flatten().all(Conn::finished) {
            break;
        }
        if last_progress.elapsed() >= plan.stall_timeout {
            let pending: usize = conns.iter().flatten().map(Conn::in_flight).sum();
            stats.unanswered += pending as u64;
            stats.connection_lost(format!(
                "no answer for {:?} with {pending} request(s) in flight",
                plan.stall_timeout
            ));
            break;
        }

        if let Err(e) = poll.poll(&mut events, Some(Duration::from_millis(20))) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            stats.connection_lost(format!("poll: {e}"));
            break;
        }
        let measuring = shared.phase.load(Ordering::Acquire) == phase::MEASURE;
        let mut got = 0;
        for event in events.iter() {
            let Some(slot) = conns.get_mut(event.token().0) else {
                continue;
            };
            let Some(conn) = slot.as_mut() else {
                continue;
            };
            let (n, health) = conn.read_answers(
                &mut scratch,
                workload,
                &mut stats,
                || shared.now(),
                measuring,
            );
            got += n;
            if let Health::Lost(why) = health {
                lose(slot, why, &mut stats, &mut live);
                continue;
            }
            let pipeline = if sending { plan.pipeline } else { 0 };
            step_send(
                slot,
                workload,
                pipeline,
                shared.now(),
                &mut stats,
                &mut live,
            );
        }
        if got > 0 {
            last_progress = Instant::now();
            shared.answers.fetch_add(got, Ordering::Relaxed);
        }
    }
    stats
}

/// Tops the connection up to `pipeline` requests in flight and writes.
fn step_send(
    slot: &mut Option<Conn>,
    workload: &[Request],
    pipeline: usize,
    now: u64,
    stats: &mut Stats,
    live: &mut usize,
) {
    let Some(conn) = slot.as_mut() else {
        return;
    };
    conn.refill(workload, pipeline, now);
    if let Health::Lost(why) = conn.flush() {
        lose(slot, why, stats, live);
    }
}

fn lose(slot: &mut Option<Conn>, why: String, stats: &mut Stats, live: &mut usize) {
    if let Some(conn) = slot.take() {
        stats.unanswered += conn.in_flight() as u64;
        stats.connection_lost(why);
        *live = live.saturating_sub(1);
    }
}
