//! An event-loop worker: one thread, one mio `Poll`, many connections.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use slog::{error, Logger};

use session::{CloseReason, SessionGuard};

use crate::conn::{Conn, ConnConfig, Next};
use crate::shared::Shared;

/// The waker's token; connections use their slot index + 1.
const WAKER: Token = Token(0);
/// How long shutdown waits for clients to take their `BYE`.
const BYE_GRACE: Duration = Duration::from_millis(1000);

/// A connection accepted for a worker.
pub struct NewConn {
    /// The socket, already non-blocking.
    pub stream: TcpStream,
    /// Its session, opened by the acceptor.
    pub session: SessionGuard,
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
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
    /// Connections with input left over from a turn cut short for fairness.
    revisit: Vec<usize>,
    shared: Arc<Shared>,
    cfg: ConnConfig,
    log: Logger,
    scratch: String,
}

impl Worker {
    /// A worker and the acceptor's handle on it.
    pub fn new(shared: Arc<Shared>, cfg: ConnConfig, log: Logger) -> io::Result<(Worker, Handle)> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = Worker {
            poll,
            rx,
            _waker: Arc::clone(&waker),
            conns: Vec::new(),
            free: Vec::new(),
            revisit: Vec::new(),
            shared,
            cfg,
            log,
            scratch: String::new(),
        };
        Ok((worker, Handle { tx, waker }))
    }

    /// Serves connections until shutdown, then says `BYE` to each.
    pub fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let idle = self.shared.idle_timeout;
        let mut last_sweep = Instant::now();
        loop {
            let timeout = if !self.revisit.is_empty() {
                Some(Duration::ZERO)
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
                    WAKER => self.take_new(),
                    Token(t) => self.handle(t - 1),
                }
            }
            for slot in std::mem::take(&mut self.revisit) {
                self.handle(slot);
            }
            if self.shared.shutting_down.load(Ordering::Acquire) {
                break;
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

    fn open(&mut self, nc: NewConn) {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.conns.push(None);
            self.conns.len() - 1
        });
        let mut conn = Conn::new(nc.stream, nc.session, &self.cfg);
        if let Err(e) = self.poll.registry().register(
            &mut conn.stream,
            Token(slot + 1),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            error!(self.log, "cannot register connection"; "session" => conn.session.id(), "error" => %e);
            self.free.push(slot);
            conn.session
                .close(CloseReason::ServerError(format!("cannot register: {e}")));
            return;
        }
        if let Some(s) = self.conns.get_mut(slot) {
            *s = Some(conn);
        }
        // Data may already be waiting: epoll reports the current readiness
        // of a newly registered socket, so no eager read is needed.
    }

    fn handle(&mut self, slot: usize) {
        let Some(Some(conn)) = self.conns.get_mut(slot) else {
            return;
        };
        let next = if self.shared.shutting_down.load(Ordering::Acquire) {
            conn.say_bye(CloseReason::Shutdown)
        } else {
            conn.on_ready(&self.cfg, &self.log, &mut self.scratch)
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

    /// Drops a connection; closing its session logs the end.
    fn remove(&mut self, slot: usize, reason: CloseReason) {
        if let Some(Some(mut conn)) = self.conns.get_mut(slot).map(Option::take) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
            self.free.push(slot);
            conn.session.close(reason);
        }
    }

    fn sweep_idle(&mut self, limit: Duration) {
        let now = Instant::now();
        for slot in 0..self.conns.len() {
            let idle = matches!(self.conns.get(slot), Some(Some(c))
                if c.ending().is_none() && now.duration_since(c.last_active) >= limit);
            if idle {
                let next = match self.conns.get_mut(slot) {
                    Some(Some(c)) => c.say_bye(CloseReason::IdleTimeout),
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
                Some(Some(c)) => c.say_bye(CloseReason::Shutdown),
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
                self.handle(slot);
            }
        }
        for slot in 0..self.conns.len() {
            self.remove(slot, CloseReason::Shutdown);
        }
    }
}
