//! An event-loop worker: one thread, one mio `Poll`, many connections.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use slog::{error, info, warn, Logger};

use session::{CloseReason, SessionGuard, SessionRegistry};

use crate::conn::{Conn, ConnConfig, Ctx, Next};
use crate::logging::Untrusted;
use crate::pool::{Done, Reply, Submitter};
use crate::proxied::{self, AwaitingHeader, HeaderRejected, HeaderStep};
use crate::shared::{HeaderSlot, Shared};

/// The waker's token; connections use their slot index + 1.
const WAKER: Token = Token(0);
/// How long shutdown waits for clients to take their `BYE`.
const BYE_GRACE: Duration = Duration::from_millis(1000);
/// How often connections awaiting their PROXY header are checked against
/// their deadline: the timeout is enforced to within this.
const HEADER_SWEEP: Duration = Duration::from_millis(100);

/// A connection accepted for a worker.
pub enum NewConn {
    /// A client with its session, opened by the acceptor.
    Session {
        /// The socket, already non-blocking.
        stream: TcpStream,
        /// Its session.
        session: SessionGuard,
    },
    /// With `--proxy-protocol`: a connection whose session opens once its
    /// header names the client.
    AwaitHeader {
        /// The socket, already non-blocking.
        stream: TcpStream,
        /// The address it comes from (the balancer).
        peer: SocketAddr,
        /// Counts it against `--max-clients` meanwhile.
        slot: HeaderSlot,
    },
}

/// What occupies a worker's slot.
enum Slot {
    Header(AwaitingHeader),
    Live(Conn),
}

/// What a worker needs to open sessions itself, for connections whose
/// PROXY header it reads.
#[derive(Clone)]
pub struct Admission {
    /// The server's sessions.
    pub registry: SessionRegistry,
    /// `--max-clients`.
    pub max_clients: usize,
    /// `--proxy-header-timeout`.
    pub header_timeout: Duration,
}

/// The acceptor's handle on a worker.
pub struct Handle {
    /// Hands over accepted connections.
    pub tx: std::sync::mpsc::Sender<NewConn>,
    /// Wakes the worker's poll for new connections and for shutdown.
    pub waker: Arc<Waker>,
}

/// A worker's state, owned by its thread.
pub struct Worker {
    poll: Poll,
    rx: Receiver<NewConn>,
    /// Kept alive here too: when the last handle on a waker is dropped, its
    /// eventfd closes and a wake-up not yet seen by `poll` is lost.
    _waker: Arc<Waker>,
    conns: Vec<Option<Slot>>,
    /// Slots holding a connection that awaits its PROXY header.
    awaiting: usize,
    admission: Admission,
    free: Vec<usize>,
    /// Connections with input left over from a turn cut short for fairness.
    revisit: Vec<usize>,
    shared: Arc<Shared>,
    cfg: ConnConfig,
    log: Logger,
    scratch: String,
    /// The evaluation pool, for requests that need more than a slice.
    pool: Submitter,
    /// Where the pool sends this worker's answers.
    reply: Reply,
    done: Receiver<Done>,
}

impl Worker {
    /// A worker and the acceptor's handle on it.
    pub fn new(
        shared: Arc<Shared>,
        cfg: ConnConfig,
        admission: Admission,
        log: Logger,
        pool: Submitter,
    ) -> io::Result<(Worker, Handle)> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done) = std::sync::mpsc::channel();
        let reply = Reply {
            tx: done_tx,
            waker: Arc::clone(&waker),
        };
        let worker = Worker {
            poll,
            rx,
            _waker: Arc::clone(&waker),
            conns: Vec::new(),
            awaiting: 0,
            admission,
            free: Vec::new(),
            revisit: Vec::new(),
            shared,
            cfg,
            log,
            scratch: String::new(),
            pool,
            reply,
            done,
        };
        Ok((worker, Handle { tx, waker }))
    }

    /// Serves connections until shutdown, then says `BYE` to each.
    pub fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let idle = self.shared.idle_timeout;
        let mut last_sweep = Instant::now();
        let mut last_header_sweep = Instant::now();
        loop {
            let timeout = if !self.revisit.is_empty() {
                Some(Duration::ZERO)
            } else if self.awaiting > 0 {
                Some(HEADER_SWEEP)
            } else if idle.is_some() {
                Some(Duration::from_millis(200))
            } else {
                None
            };
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() != io::ErrorKind::Interrupted {
                    error!(self.log, "poll failed, worker stops"; "error" => %e);
                    break;
                }
            }
            for event in events.iter() {
                match event.token() {
                    WAKER => {
                        self.take_new();
                        self.take_done();
                    }
                    // After an event that does not say the peer closed, a
                    // short read means the socket is drained.
                    Token(t) => self.handle(t - 1, !event.is_read_closed() && !event.is_error()),
                }
            }
            for slot in std::mem::take(&mut self.revisit) {
                self.handle(slot, false);
            }
            if self.shared.shutting_down.load(Ordering::Acquire) {
                break;
            }
            if self.awaiting > 0 && last_header_sweep.elapsed() >= HEADER_SWEEP {
                last_header_sweep = Instant::now();
                self.sweep_headers();
            }
            if let Some(limit) = idle {
                if last_sweep.elapsed() >= Duration::from_millis(200) {
                    last_sweep = Instant::now();
                    self.sweep_idle(limit);
                }
            }
        }
        self.shutdown(&mut events);
    }

    fn take_new(&mut self) {
        loop {
            match self.rx.try_recv() {
                Ok(nc) => self.open(nc),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return,
            }
        }
    }

    /// Gives each connection the pool's answer to its request and serves
    /// what it sent meanwhile.
    fn take_done(&mut self) {
        while let Ok(done) = self.done.try_recv() {
            let slot = done.slot;
            match self.conns.get_mut(slot) {
                // The same session: a closed connection's slot may hold a
                // new one by now.
                Some(Some(Slot::Live(conn))) if conn.session.id() == done.session => {
                    conn.complete(done, &self.log);
                }
                _ => continue,
            }
            self.handle(slot, false);
        }
    }

    fn open(&mut self, nc: NewConn) {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.conns.push(None);
            self.conns.len() - 1
        });
        let mut entry = match nc {
            NewConn::Session { stream, session } => {
                Slot::Live(Conn::new(stream, session, &self.cfg))
            }
            NewConn::AwaitHeader { stream, peer, slot } => Slot::Header(AwaitingHeader::new(
                stream,
                peer,
                Instant::now() + self.admission.header_timeout,
                self.cfg.max_request,
                slot,
            )),
        };
        let stream = match &mut entry {
            Slot::Live(c) => &mut c.stream,
            Slot::Header(h) => &mut h.stream,
        };
        if let Err(e) = self.poll.registry().register(
            stream,
            Token(slot + 1),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            self.free.push(slot);
            match entry {
                Slot::Live(conn) => {
                    error!(self.log, "cannot register connection"; "session" => conn.session.id(), "error" => %e);
                    conn.session
                        .close(CloseReason::ServerError(format!("cannot register: {e}")));
                }
                Slot::Header(h) => {
                    error!(self.log, "cannot register connection"; "peer" => %h.peer, "error" => %e);
                }
            }
            return;
        }
        if matches!(entry, Slot::Header(_)) {
            self.awaiting += 1;
        }
        if let Some(s) = self.conns.get_mut(slot) {
            *s = Some(entry);
        }
        // Data may already be waiting: epoll reports the current readiness
        // of a newly registered socket, so no eager read is needed.
    }

    /// Serves the connection in `slot`; `short_read_drains`: see
    /// [`Conn::on_ready`].
    fn handle(&mut self, slot: usize, short_read_drains: bool) {
        let conn = match self.conns.get_mut(slot) {
            Some(Some(Slot::Live(conn))) => conn,
            Some(Some(Slot::Header(_))) => return self.handle_header(slot),
            _ => return,
        };
        let next = if self.shared.shutting_down.load(Ordering::Acquire) {
            conn.say_bye(CloseReason::Shutdown)
        } else {
            let mut ctx = Ctx {
                cfg: &self.cfg,
                log: &self.log,
                scratch: &mut self.scratch,
                pool: &self.pool,
                reply: &self.reply,
            };
            conn.on_ready(&mut ctx, slot, short_read_drains)
        };
        match next {
            Next::Wait { more } => {
                if more {
                    self.revisit.push(slot);
                }
            }
            Next::Close(reason) => self.remove(slot, reason),
        }
    }

    /// Reads a PROXY header; once complete, opens the session under the
    /// client's address and serves what followed the header at once.
    fn handle_header(&mut self, slot: usize) {
        let Some(Some(Slot::Header(pending))) = self.conns.get_mut(slot) else {
            return;
        };
        let header = match pending.on_ready() {
            HeaderStep::Wait => return,
            HeaderStep::Rejected(why) => return self.reject_header(slot, &why),
            HeaderStep::Done(header) => header,
        };
        let Some(Some(Slot::Header(mut pending))) = self.conns.get_mut(slot).map(Option::take)
        else {
            return;
        };
        self.awaiting = self.awaiting.saturating_sub(1);
        // LOCAL (a balancer's own health check), v1 UNKNOWN and families
        // without a TCP address: the connection's real peer, as the
        // protocol says.
        let client = header.source_or(pending.peer);
        let session = match self
            .admission
            .registry
            .try_open(client, self.admission.max_clients)
        {
            Ok(session) => session,
            Err(full) => {
                // The acceptor counted this connection, but sessions
                // opened by other workers meanwhile took the room.
                let mut out = Vec::new();
                wire::encode_busy(
                    &mut out,
                    format_args!("too many clients ({full}), try again later"),
                );
                let _ = pending.stream.write_all(&out);
                let _ = pending.stream.shutdown(std::net::Shutdown::Write);
                let _ = self.poll.registry().deregister(&mut pending.stream);
                self.free.push(slot);
                warn!(self.log, "client refused: too many clients"; "peer" => %client,
                      "via" => %pending.peer, "max_clients" => self.admission.max_clients);
                return;
            }
        };
        info!(self.log, "session opened"; "session" => session.id(), "peer" => %client,
              "via" => %pending.peer, "proxy" => proxied::describe(&header),
              "active" => self.admission.registry.active());
        let conn = Conn::with_input(pending.stream, session, &self.cfg, pending.input);
        if let Some(s) = self.conns.get_mut(slot) {
            *s = Some(Slot::Live(conn));
        }
        // Requests that came with the header are in the buffer already; no
        // readiness event will announce them.
        self.handle(slot, false);
    }

    /// Closes a connection whose header is missing or invalid: no answer
    /// (the protocol says so: whatever it sent cannot be trusted), a WARN.
    fn reject_header(&mut self, slot: usize, why: &HeaderRejected) {
        if let Some(Some(Slot::Header(mut pending))) = self.conns.get_mut(slot).map(Option::take) {
            self.awaiting = self.awaiting.saturating_sub(1);
            let _ = self.poll.registry().deregister(&mut pending.stream);
            self.free.push(slot);
            // The reason describes what the connection sent.
            let reason = why.to_string();
            warn!(self.log, "connection rejected: no valid PROXY header";
                  "peer" => %pending.peer, "reason" => Untrusted(&reason));
        }
    }

    fn sweep_headers(&mut self) {
        let now = Instant::now();
        let seconds = self.admission.header_timeout.as_secs();
        for slot in 0..self.conns.len() {
            let late = match self.conns.get(slot) {
                Some(Some(Slot::Header(h))) if now >= h.deadline => h.input.len(),
                _ => continue,
            };
            let why = HeaderRejected::Timeout {
                seconds,
                received: late,
            };
            self.reject_header(slot, &why);
        }
    }

    /// Drops a connection; closing its session logs the end.
    fn remove(&mut self, slot: usize, reason: CloseReason) {
        match self.conns.get_mut(slot).map(Option::take) {
            Some(Some(Slot::Live(mut conn))) => {
                let _ = self.poll.registry().deregister(&mut conn.stream);
                self.free.push(slot);
                // Names first: once the close is logged, what they held is
                // free for other sessions.
                conn.free_names();
                conn.session.close(reason);
            }
            Some(Some(Slot::Header(mut pending))) => {
                self.awaiting = self.awaiting.saturating_sub(1);
                let _ = self.poll.registry().deregister(&mut pending.stream);
                self.free.push(slot);
                info!(self.log, "connection closed before its PROXY header";
                      "peer" => %pending.peer, "reason" => %reason);
            }
            _ => {}
        }
    }

    fn sweep_idle(&mut self, limit: Duration) {
        let now = Instant::now();
        for slot in 0..self.conns.len() {
            // A client waiting for an answer from the pool is not idle.
            let idle = matches!(self.conns.get(slot), Some(Some(Slot::Live(c)))
                if c.ending().is_none() && !c.in_pool()
                    && now.duration_since(c.last_active) >= limit);
            if idle {
                let next = match self.conns.get_mut(slot) {
                    Some(Some(Slot::Live(c))) => c.say_bye(CloseReason::IdleTimeout),
                    _ => continue,
                };
                if let Next::Close(reason) = next {
                    self.remove(slot, reason);
                }
            }
        }
    }

    /// Says `BYE` to every session, gives the clients a moment to take it,
    /// then closes whatever is left.
    fn shutdown(&mut self, events: &mut Events) {
        self.take_new();
        for slot in 0..self.conns.len() {
            let next = match self.conns.get_mut(slot) {
                Some(Some(Slot::Live(c))) => c.say_bye(CloseReason::Shutdown),
                // No session to say BYE to: not a client of ours yet.
                Some(Some(Slot::Header(_))) => Next::Close(CloseReason::Shutdown),
                _ => continue,
            };
            if let Next::Close(reason) = next {
                self.remove(slot, reason);
            }
        }
        let deadline = Instant::now() + BYE_GRACE;
        while self.conns.iter().any(Option::is_some) {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if self.poll.poll(events, Some(deadline - now)).is_err() {
                break;
            }
            let slots: Vec<usize> = events
                .iter()
                .filter(|e| e.token() != WAKER)
                .map(|e| e.token().0 - 1)
                .collect();
            for slot in slots {
                self.handle(slot, false);
            }
        }
        for slot in 0..self.conns.len() {
            self.remove(slot, CloseReason::Shutdown);
        }
    }
}
