//! One client connection on an event-loop worker: Redis-style I/O (read
//! everything available, answer all of it, write once) with bounded
//! buffers.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use slog::{info, warn, Logger};

use crate::answer::{self, Outcome, Request};
use crate::framing::{Line, LineBuf};

/// Bytes asked of each `read`.
const READ_CHUNK: usize = 16 * 1024;
/// Once this many answer bytes wait for the client, the server stops
/// reading its requests until the client has read some answers.
pub const OUTPUT_BOUND: usize = 256 * 1024;
/// Input bytes handled per readiness event before other clients get a turn.
const FAIR_SHARE: usize = 256 * 1024;

/// Why a session ended, as logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The client sent `exit` or `quit`.
    Exit,
    /// The client closed its side (after all its requests were answered).
    PeerClosed,
    /// The connection was reset.
    Reset,
    /// Reading or writing failed otherwise.
    IoError,
    /// No request arrived for `--idle-timeout` seconds.
    IdleTimeout,
    /// The server is shutting down.
    Shutdown,
}

impl Reason {
    /// The text logged for this reason.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Exit => "exit",
            Reason::PeerClosed => "peer closed",
            Reason::Reset => "connection reset",
            Reason::IoError => "i/o error",
            Reason::IdleTimeout => "idle timeout",
            Reason::Shutdown => "server shutdown",
        }
    }
}

/// What the worker should do with a connection after handling an event.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Wait for input (and output room, if `wants_write`).
    Wait {
        /// Answers are pending: register for writability.
        wants_write: bool,
        /// Input is left over that this turn did not handle: come back soon.
        more: bool,
    },
    /// The session is over; drop the connection.
    Close(Reason),
}

/// Settings every connection shares.
#[derive(Debug, Clone)]
pub struct ConnConfig {
    /// Longest request line in bytes.
    pub max_request: usize,
    /// Evaluation limits for calc-core.
    pub limits: calc_core::Limits,
}

/// A client connection and its session counters.
pub struct Conn {
    /// The socket.
    pub stream: TcpStream,
    /// Session id, unique for the server's life.
    pub id: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// When the session opened.
    pub opened: Instant,
    /// Last time the client sent or took bytes, for the idle timeout.
    pub last_active: Instant,
    /// Requests answered.
    pub requests: u64,
    /// Requests answered with `ERR`.
    pub errors: u64,
    input: LineBuf,
    out: Vec<u8>,
    /// Bytes of `out` already written.
    out_sent: usize,
    /// The client closed its write side: no more input will come.
    read_closed: bool,
    /// The session is ending for this reason once `out` is written.
    ending: Option<Reason>,
}

impl Conn {
    /// A new session on `stream`.
    pub fn new(stream: TcpStream, id: u64, peer: SocketAddr, cfg: &ConnConfig) -> Conn {
        let now = Instant::now();
        Conn {
            stream,
            id,
            peer,
            opened: now,
            last_active: now,
            requests: 0,
            errors: 0,
            input: LineBuf::new(cfg.max_request),
            out: Vec::new(),
            out_sent: 0,
            read_closed: false,
            ending: None,
        }
    }

    /// The session's length so far.
    pub fn duration(&self) -> Duration {
        self.opened.elapsed()
    }

    /// Handles a readiness event (or a revisit): reads and answers what is
    /// available, writes the answers once.
    pub fn on_ready(&mut self, cfg: &ConnConfig, log: &Logger, scratch: &mut String) -> Next {
        if let Err(reason) = self.write_out() {
            return Next::Close(reason);
        }
        let mut budget = FAIR_SHARE;
        let mut more = false;
        while self.ending.is_none() {
            self.answer_buffered(cfg, log, scratch);
            if self.ending.is_some() {
                break;
            }
            if self.pending_out() >= OUTPUT_BOUND {
                // The client is behind on reading: write before reading more.
                if let Err(reason) = self.write_out() {
                    return Next::Close(reason);
                }
                if self.pending_out() >= OUTPUT_BOUND {
                    break;
                }
            }
            if self.read_closed {
                self.answer_last_line(cfg, log, scratch);
                self.ending = Some(Reason::PeerClosed);
                break;
            }
            if budget == 0 {
                more = true;
                break;
            }
            match self.read_some() {
                Ok(0) => self.read_closed = true,
                Ok(n) => budget = budget.saturating_sub(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Next::Close(reason_of(&e)),
            }
        }
        if let Err(reason) = self.write_out() {
            return Next::Close(reason);
        }
        match self.ending {
            Some(reason) if self.pending_out() == 0 => {
                let _ = self.stream.shutdown(Shutdown::Write);
                Next::Close(reason)
            }
            _ => Next::Wait {
                wants_write: self.pending_out() > 0,
                more,
            },
        }
    }

    /// Ends the session from the server's side: `BYE` after the answers
    /// already queued, written as far as the client takes it now.
    pub fn say_bye(&mut self, reason: Reason) -> Next {
        if self.ending.is_none() {
            self.ending = Some(reason);
            self.push_bye();
        }
        match self.write_out() {
            Err(reason) => Next::Close(reason),
            Ok(()) if self.pending_out() == 0 => {
                let _ = self.stream.shutdown(Shutdown::Write);
                Next::Close(self.ending.unwrap_or(reason))
            }
            Ok(()) => Next::Wait {
                wants_write: true,
                more: false,
            },
        }
    }

    /// The reason the session is ending, if it is.
    pub fn ending(&self) -> Option<Reason> {
        self.ending
    }

    fn pending_out(&self) -> usize {
        self.out.len() - self.out_sent
    }

    fn read_some(&mut self) -> io::Result<usize> {
        let spare = self.input.spare(READ_CHUNK);
        let len = spare.len();
        let n = self.stream.read(spare)?;
        self.input.filled(n.min(len));
        if n > 0 {
            self.last_active = Instant::now();
        }
        Ok(n)
    }

    /// Writes as much of the pending answers as the socket takes.
    fn write_out(&mut self) -> Result<(), Reason> {
        while self.out_sent < self.out.len() {
            let pending = self.out.get(self.out_sent..).unwrap_or_default();
            match self.stream.write(pending) {
                Ok(0) => return Err(Reason::IoError),
                Ok(n) => {
                    self.out_sent += n;
                    self.last_active = Instant::now();
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(reason_of(&e)),
            }
        }
        if self.out_sent == self.out.len() {
            self.out.clear();
            self.out_sent = 0;
        }
        Ok(())
    }

    /// Answers every complete line in the input buffer while the output
    /// stays under its bound.
    fn answer_buffered(&mut self, cfg: &ConnConfig, log: &Logger, scratch: &mut String) {
        while self.ending.is_none() && self.pending_out() < OUTPUT_BOUND {
            let Some(line) = self.input.next_line() else {
                break;
            };
            respond(
                line,
                self.id,
                cfg,
                log,
                scratch,
                &mut self.out,
                &mut self.requests,
                &mut self.errors,
                &mut self.ending,
            );
            if self.ending == Some(Reason::Exit) {
                self.push_bye();
            }
        }
    }

    fn answer_last_line(&mut self, cfg: &ConnConfig, log: &Logger, scratch: &mut String) {
        if let Some(line) = self.input.take_rest() {
            respond(
                line,
                self.id,
                cfg,
                log,
                scratch,
                &mut self.out,
                &mut self.requests,
                &mut self.errors,
                &mut self.ending,
            );
            if self.ending == Some(Reason::Exit) {
                self.push_bye();
            }
        }
    }

    fn push_bye(&mut self) {
        let secs = self.duration().as_secs_f64();
        self.out
            .extend_from_slice(format!("BYE {secs:.3}\n").as_bytes());
    }
}

/// Answers one line into `out`, logging it; sets `ending` on `exit`.
#[allow(clippy::too_many_arguments)]
fn respond(
    line: Line<'_>,
    id: u64,
    cfg: &ConnConfig,
    log: &Logger,
    scratch: &mut String,
    out: &mut Vec<u8>,
    requests: &mut u64,
    errors: &mut u64,
    ending: &mut Option<Reason>,
) {
    let text = match line {
        Line::TooLong => {
            *requests += 1;
            *errors += 1;
            let msg = format!("LimitError: request longer than {} bytes", cfg.max_request);
            warn!(log, "invalid request"; "session" => id, "error" => &msg);
            push_line(out, "ERR ", &msg);
            return;
        }
        Line::Text(bytes) => match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                *requests += 1;
                *errors += 1;
                let msg = format!(
                    "ValueError: request is not valid UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                );
                warn!(log, "invalid request"; "session" => id, "error" => &msg,
                      "expression" => %String::from_utf8_lossy(bytes));
                push_line(out, "ERR ", &msg);
                return;
            }
        },
    };
    match Request::parse(text) {
        Request::Exit => {
            info!(log, "exit requested"; "session" => id);
            *ending = Some(Reason::Exit);
        }
        Request::Expr(expr) => {
            *requests += 1;
            match answer::evaluate(expr, &cfg.limits, scratch) {
                Outcome::Ok => {
                    info!(log, "request"; "session" => id, "expression" => expr, "result" => &*scratch);
                    push_line(out, "OK ", scratch);
                }
                Outcome::Err => {
                    *errors += 1;
                    warn!(log, "invalid request"; "session" => id, "expression" => expr, "error" => &*scratch);
                    push_line(out, "ERR ", scratch);
                }
            }
        }
    }
}

fn push_line(out: &mut Vec<u8>, tag: &str, text: &str) {
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(text.as_bytes());
    out.push(b'\n');
}

fn reason_of(e: &io::Error) -> Reason {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => Reason::Reset,
        io::ErrorKind::BrokenPipe => Reason::PeerClosed,
        _ => Reason::IoError,
    }
}
