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
use crate::stats::{Stats, Window};
use crate::workload::Request;

/// Run phases, advanced by the main thread.
pub mod phase {
    /// Connections send and answers are checked but not measured.
    pub const WARMUP: u8 = 0;
    /// Answers are counted and timed.
    pub const MEASURE: u8 = 1;
    /// No new requests; wait for the ones in flight (timed, not counted).
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

/// The requests and depth of one traffic class, shared by the workers.
pub struct Load {
    /// The requests, sent in turn.
    pub requests: Vec<Request>,
    /// Requests kept in flight per connection.
    pub pipeline: usize,
}

/// One connection to open: its class and its index within the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnPlan {
    /// Index into the run's classes.
    pub class: usize,
    /// Index of the connection within its class.
    pub index: usize,
}

/// What one worker is to do.
pub struct Plan {
    /// Where to connect.
    pub addr: SocketAddr,
    /// This worker's connections.
    pub conns: Vec<ConnPlan>,
    /// Requests each connection sends, when the run is count-bounded.
    pub requests_per_conn: Option<Vec<u64>>,
    /// Timeout of each connect.
    pub connect_timeout: Duration,
    /// Give up when nothing arrives this long while requests are in flight.
    pub stall_timeout: Duration,
    /// How long to wait for answers in flight after the measurement.
    pub drain_timeout: Duration,
    /// Empty statistics to fill, one per class (made once by the caller,
    /// whose histogram bounds are thereby known to be valid).
    pub stats: Vec<Stats>,
}

/// Connects `plan.conns`, reports readiness on `ready`, waits at `start`,
/// then runs the closed loop until the run ends.
pub fn run(
    plan: Plan,
    loads: Arc<Vec<Load>>,
    shared: Arc<Shared>,
    ready: Sender<Result<(), String>>,
    start: Arc<Barrier>,
) -> Vec<Stats> {
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
    event_loop(&plan, &loads, &shared, &mut poll, &mut conns)
}

type Slots = Vec<Option<Conn>>;

fn setup(plan: &Plan) -> Result<(Poll, Slots), String> {
    let poll = Poll::new().map_err(|e| format!("cannot create poller: {e}"))?;
    let mut conns = Vec::with_capacity(plan.conns.len());
    for (slot, cp) in plan.conns.iter().enumerate() {
        let name = if cp.class == 0 {
            format!("connection {}", cp.index)
        } else {
            format!("costly connection {}", cp.index)
        };
        let std = StdStream::connect_timeout(&plan.addr, plan.connect_timeout)
            .map_err(|e| format!("{name} to {}: {e}", plan.addr))?;
        std.set_nodelay(true)
            .and_then(|()| std.set_nonblocking(true))
            .map_err(|e| format!("{name}: cannot configure socket: {e}"))?;
        let remaining = plan
            .requests_per_conn
            .as_ref()
            .and_then(|v| v.get(slot).copied());
        let mut conn = Conn::new(TcpStream::from_std(std), cp.class, cp.index, remaining);
        poll.registry()
            .register(
                conn.stream_mut(),
                Token(slot),
                Interest::READABLE | Interest::WRITABLE,
            )
            .map_err(|e| format!("{name}: cannot register: {e}"))?;
        conns.push(Some(conn));
    }
    Ok((poll, conns))
}

fn event_loop(
    plan: &Plan,
    loads: &[Load],
    shared: &Shared,
    poll: &mut Poll,
    conns: &mut Slots,
) -> Vec<Stats> {
    let mut stats = plan.stats.clone();
    let mut events = Events::with_capacity(1024);
    let mut scratch = vec![0u8; 256 * 1024];
    let mut live = conns.len();
    let mut last_progress = Instant::now();
    let mut drain_since: Option<Instant> = None;

    let now = shared.now();
    for slot in conns.iter_mut() {
        step_send(slot, loads, true, now, &mut stats, &mut live);
    }

    while live > 0 {
        let current = shared.phase.load(Ordering::Acquire);
        if current == phase::ABORT {
            break;
        }
        let sending = current < phase::DRAIN;
        if !sending {
            let since = *drain_since.get_or_insert_with(Instant::now);
            if pending(conns) == 0 {
                break;
            }
            if since.elapsed() >= plan.drain_timeout {
                count_unanswered(conns, &mut stats);
                break;
            }
        } else if conns.iter().flatten().all(Conn::finished) {
            break;
        }
        if last_progress.elapsed() >= plan.stall_timeout {
            let waiting = pending(conns);
            count_unanswered(conns, &mut stats);
            if let Some(first) = stats.first_mut() {
                first.connection_lost(format!(
                    "no answer for {:?} with {waiting} request(s) in flight",
                    plan.stall_timeout
                ));
            }
            break;
        }

        if let Err(e) = poll.poll(&mut events, Some(Duration::from_millis(20))) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if let Some(first) = stats.first_mut() {
                first.connection_lost(format!("poll: {e}"));
            }
            break;
        }
        let window = match shared.phase.load(Ordering::Acquire) {
            phase::WARMUP => Window::Before,
            phase::MEASURE => Window::During,
            _ => Window::After,
        };
        let mut got = 0;
        for event in events.iter() {
            let Some(slot) = conns.get_mut(event.token().0) else {
                continue;
            };
            let Some(conn) = slot.as_mut() else {
                continue;
            };
            let class = conn.class();
            let (Some(load), Some(class_stats)) = (loads.get(class), stats.get_mut(class)) else {
                continue;
            };
            let (n, health) = conn.read_answers(
                &mut scratch,
                &load.requests,
                class_stats,
                || shared.now(),
                window,
            );
            got += n;
            if let Health::Lost(why) = health {
                lose(slot, why, &mut stats, &mut live);
                continue;
            }
            step_send(slot, loads, sending, shared.now(), &mut stats, &mut live);
        }
        if got > 0 {
            last_progress = Instant::now();
            shared.answers.fetch_add(got, Ordering::Relaxed);
        }
    }
    stats
}

/// Requests in flight over all connections.
fn pending(conns: &Slots) -> usize {
    conns.iter().flatten().map(Conn::in_flight).sum()
}

/// Counts every request still in flight as unanswered, in its class.
fn count_unanswered(conns: &Slots, stats: &mut [Stats]) {
    for conn in conns.iter().flatten() {
        if let Some(s) = stats.get_mut(conn.class()) {
            s.unanswered += conn.in_flight() as u64;
        }
    }
}

/// Tops the connection up to its class's depth (when `sending`) and writes.
fn step_send(
    slot: &mut Option<Conn>,
    loads: &[Load],
    sending: bool,
    now: u64,
    stats: &mut [Stats],
    live: &mut usize,
) {
    let Some(conn) = slot.as_mut() else {
        return;
    };
    if sending {
        if let Some(load) = loads.get(conn.class()) {
            conn.refill(&load.requests, load.pipeline, now);
        }
    }
    if let Health::Lost(why) = conn.flush() {
        lose(slot, why, stats, live);
    }
}

/// Drops a lost connection, counting its requests in flight and the loss in
/// its class.
fn lose(slot: &mut Option<Conn>, why: String, stats: &mut [Stats], live: &mut usize) {
    if let Some(conn) = slot.take() {
        if let Some(s) = stats.get_mut(conn.class()) {
            s.unanswered += conn.in_flight() as u64;
            s.connection_lost(why);
        }
        *live = live.saturating_sub(1);
    }
}
