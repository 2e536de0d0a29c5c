//! One client connection on an event-loop worker: Redis-style I/O (read
//! everything available, answer all of it, write once) with bounded
//! buffers, and work counted so that one client's costly requests do not
//! delay the others.

use std::io;
use std::net::Shutdown;
use std::sync::Arc;
use std::time::Instant;

use mio::net::TcpStream;
use session::{CloseReason, SessionGuard};
use slog::{info, warn, Logger};
use wire::{FrameError, LineDecoder, ReadBuffer, Request, WriteBuffer};

use crate::answer;
use crate::logging::Untrusted;
use crate::names::{NamesPool, Namespace};
use crate::pool::{Done, Job, Owner, Reply, Submitter};

/// Once this many answer bytes wait for the client, the server stops
/// reading its requests until the client has read some of them.
pub const OUTPUT_BOUND: usize = 256 * 1024;
/// Work units one connection may use in a turn before the worker's other
/// connections get theirs: the units calc-core charges, plus
/// [`REQUEST_WORK`] for every request and [`BYTE_WORK`] for every byte
/// read. Fairness counts work, as the Erlang VM counts reductions, not
/// requests. A unit is at most about 0.6 ns (calc-core's calibration), so
/// a turn is at most about 0.6 ms.
pub const TURN_WORK: u64 = 1 << 20;
/// Work counted for each request besides its evaluation and its bytes:
/// answering and logging.
const REQUEST_WORK: u64 = 256;
/// Work counted for each byte read: decoding and parsing cost 4-10 ns a
/// byte, and a line over the limit is read and dropped without ever
/// being a request.
const BYTE_WORK: u64 = 8;

/// What the worker should do with a connection after handling an event.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Wait for the next readiness event; if `more`, input is left over
    /// that this turn did not handle (fairness), so come back soon.
    Wait {
        /// Come back without waiting for an event.
        more: bool,
    },
    /// The session is over; drop the connection.
    Close(CloseReason),
}

/// Settings every connection shares.
#[derive(Debug, Clone)]
pub struct ConnConfig {
    /// Longest request line in bytes.
    pub max_request: usize,
    /// Evaluation limits for calc-core: what a request may use in all.
    pub limits: calc_core::Limits,
    /// The same limits with the part of the work budget a worker spends
    /// inline; a request that needs more goes to the evaluation pool.
    pub slice: calc_core::Limits,
    /// The bytes all sessions' names may hold together.
    pub names: Arc<NamesPool>,
}

impl ConnConfig {
    /// Whether a request that runs out of the slice has more budget left,
    /// to be used in the pool.
    fn escalates(&self) -> bool {
        self.slice.work_budget < self.limits.work_budget
    }
}

/// What a connection needs from its worker during a turn.
pub struct Ctx<'a> {
    /// Shared settings.
    pub cfg: &'a ConnConfig,
    /// The server's logger.
    pub log: &'a Logger,
    /// Scratch space for the text of an answer.
    pub scratch: &'a mut String,
    /// The evaluation pool.
    pub pool: &'a Submitter,
    /// The worker's mailbox for the pool's answers.
    pub reply: &'a Reply,
}

/// A client connection and its session.
pub struct Conn {
    /// The socket.
    pub stream: TcpStream,
    /// The session: id, peer, counters; closing it logs the end.
    pub session: SessionGuard,
    /// Last time the client sent or took bytes, for the idle timeout.
    pub last_active: Instant,
    /// The session's peer as text, formatted once for every request record
    /// (the client's own address when a PROXY header named it).
    peer: Box<str>,
    decoder: LineDecoder,
    input: ReadBuffer,
    out: WriteBuffer,
    /// The client closed its write side: no more input will come.
    read_closed: bool,
    /// The session is ending for this reason once `out` is written.
    ending: Option<CloseReason>,
    /// A request of this connection is in the evaluation pool: nothing
    /// after it is answered until its answer is back.
    in_pool: bool,
    /// The session's names; in the evaluation pool with the request
    /// while `in_pool` (`None` then).
    names: Option<Namespace>,
}

/// Why a turn stopped answering the lines already buffered.
enum Stop {
    /// No complete line is left.
    NeedInput,
    /// The output reached its bound.
    OutputFull,
    /// The turn's work is used up.
    TurnOver,
    /// A request went to the pool, or the session is ending.
    Blocked,
}

impl Conn {
    /// A new connection for `session`.
    pub fn new(stream: TcpStream, session: SessionGuard, cfg: &ConnConfig) -> Conn {
        let decoder = LineDecoder::with_max_length(cfg.max_request);
        let input = ReadBuffer::for_decoder(&decoder);
        Self::with_input(stream, session, cfg, input)
    }

    /// A new connection for `session` whose first bytes are already in
    /// `input` (what followed a PROXY header in the same read). The caller
    /// must handle the connection at once: the socket will not report
    /// readiness again for bytes already read.
    pub fn with_input(
        stream: TcpStream,
        session: SessionGuard,
        cfg: &ConnConfig,
        input: ReadBuffer,
    ) -> Conn {
        let decoder = LineDecoder::with_max_length(cfg.max_request);
        Conn {
            stream,
            peer: session.peer().to_string().into_boxed_str(),
            session,
            last_active: Instant::now(),
            decoder,
            input,
            out: WriteBuffer::new(),
            read_closed: false,
            ending: None,
            in_pool: false,
            names: Some(Namespace::new(Arc::clone(&cfg.names))),
        }
    }

    /// The reason the session is ending, if it is.
    pub fn ending(&self) -> Option<&CloseReason> {
        self.ending.as_ref()
    }

    /// Drops the session's names, giving back what they held to the
    /// server-wide pool (if a request is in the evaluation pool, its
    /// namespace is dropped when that answer comes back).
    pub fn free_names(&mut self) {
        self.names = None;
    }

    /// Whether a request of this connection is in the evaluation pool.
    pub fn in_pool(&self) -> bool {
        self.in_pool
    }

    /// Handles a readiness event (or a revisit): reads and answers what is
    /// available, then writes the answers once.
    ///
    /// `short_read_drains`: the caller had a readiness event that did not
    /// report the peer closing, so a read that returns less than it was
    /// offered leaves nothing behind that a later event will not announce:
    /// reading stops there. Otherwise reads go on until `WouldBlock` (a
    /// revisit, or an end of stream that came with the data and would raise
    /// no new event).
    pub fn on_ready(&mut self, ctx: &mut Ctx<'_>, slot: usize, short_read_drains: bool) -> Next {
        if self.ending.is_some() {
            return self.finish_output();
        }
        if let Err(reason) = self.write_out() {
            return Next::Close(reason);
        }
        let mut work = 0;
        let mut more = false;
        let mut drained = false;
        while self.ending.is_none() && !self.in_pool {
            match self.answer_buffered(ctx, slot, &mut work) {
                Stop::Blocked => break,
                Stop::TurnOver => {
                    more = true;
                    break;
                }
                Stop::OutputFull => {
                    // The client is behind on reading: write before
                    // answering more. What the socket took makes room for
                    // the lines already here, which no new event would
                    // announce: answer them before anything else.
                    if let Err(reason) = self.write_out() {
                        return Next::Close(reason);
                    }
                    if self.out.len() >= OUTPUT_BOUND {
                        // The writable event that follows brings us back.
                        break;
                    }
                    continue;
                }
                Stop::NeedInput => {}
            }
            if self.read_closed {
                let (decoder, input, parts) = self.split();
                if let Some(item) = decoder.decode_eof(input) {
                    // The last line, sent without a newline; the session
                    // ends once it is answered (here, or when the pool
                    // gives its answer back and this loop comes round).
                    respond(item, parts, ctx, slot, &mut work);
                    continue;
                }
                self.ending.get_or_insert(CloseReason::PeerClosed);
                break;
            }
            if drained {
                // The last read took less than it was offered: the socket
                // had nothing more then, and anything that arrives since
                // raises a new edge-triggered event. Reading again would
                // only return WouldBlock, one system call per request at
                // pipeline depth 1 (nginx makes the same inference).
                break;
            }
            match self.input.read_from(&mut self.stream) {
                Ok(0) => self.read_closed = true,
                Ok(n) => {
                    work += BYTE_WORK * n as u64;
                    self.last_active = Instant::now();
                    drained = short_read_drains && self.input.spare() > 0;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Next::Close(CloseReason::from_read_error(&e)),
            }
        }
        // A connection that once received a long line does not keep its
        // large buffer (freeing the small one too would cost an allocation
        // per batch).
        self.input.shrink_if_empty();
        if self.ending.is_some() {
            return self.finish_output();
        }
        match self.write_out() {
            Ok(()) => Next::Wait { more },
            Err(reason) => Next::Close(reason),
        }
    }

    /// Takes the pool's answer to this connection's request. The caller
    /// then handles the connection as after a readiness event without one
    /// (`short_read_drains` false): input that came meanwhile is still
    /// unread or unanswered, and no new event announces it.
    pub fn complete(&mut self, done: Done, log: &Logger) {
        self.in_pool = false;
        self.names = Some(done.names);
        if self.ending.is_some() {
            // Shutdown has said BYE already: nothing may follow it.
            return;
        }
        self.out.buf_mut().extend_from_slice(&done.answer);
        self.session.record_request(done.ok);
        log_answer(
            log,
            &self.session,
            &self.peer,
            &done.text,
            &done.shown,
            done.ok,
        );
    }

    /// Ends the session from the server's side: `BYE` after the answers
    /// already queued, written as far as the client takes it now.
    pub fn say_bye(&mut self, reason: CloseReason) -> Next {
        if self.ending.is_none() {
            self.ending = Some(reason);
            wire::encode_bye(self.out.buf_mut(), self.session.elapsed());
        }
        self.finish_output()
    }

    /// Writes what is left; closes once everything is out.
    fn finish_output(&mut self) -> Next {
        match self.write_out() {
            Err(reason) => Next::Close(reason),
            Ok(()) if self.out.is_empty() => {
                let _ = self.stream.shutdown(Shutdown::Write);
                Next::Close(self.ending.take().unwrap_or(CloseReason::Dropped))
            }
            Ok(()) => Next::Wait { more: false },
        }
    }

    /// Writes as much of the pending answers as the socket takes.
    fn write_out(&mut self) -> Result<(), CloseReason> {
        let before = self.out.len();
        match self.out.write_to(&mut self.stream) {
            Ok(_) => {
                if self.out.len() < before {
                    self.last_active = Instant::now();
                }
                Ok(())
            }
            Err(e) => Err(CloseReason::from_write_error(&e)),
        }
    }

    /// Answers the complete lines in the input buffer until one of the
    /// reasons in [`Stop`] holds.
    fn answer_buffered(&mut self, ctx: &mut Ctx<'_>, slot: usize, work: &mut u64) -> Stop {
        loop {
            if self.ending.is_some() || self.in_pool {
                return Stop::Blocked;
            }
            if self.out.len() >= OUTPUT_BOUND {
                return Stop::OutputFull;
            }
            if *work >= TURN_WORK {
                return Stop::TurnOver;
            }
            let (decoder, input, parts) = self.split();
            let Some(item) = decoder.decode(input) else {
                return Stop::NeedInput;
            };
            respond(item, parts, ctx, slot, work);
        }
    }

    /// The decoder and the input buffer, and apart from them the
    /// [`Parts`] that answering a line decoded from that buffer touches.
    fn split(&mut self) -> (&mut LineDecoder, &mut ReadBuffer, Parts<'_>) {
        let parts = Parts {
            session: &self.session,
            peer: &self.peer,
            out: self.out.buf_mut(),
            ending: &mut self.ending,
            in_pool: &mut self.in_pool,
            names: &mut self.names,
        };
        (&mut self.decoder, &mut self.input, parts)
    }
}

/// The parts of a [`Conn`] that answering one line touches, borrowed
/// apart from its input buffer, which the line itself borrows.
struct Parts<'c> {
    session: &'c SessionGuard,
    peer: &'c str,
    out: &'c mut Vec<u8>,
    ending: &'c mut Option<CloseReason>,
    in_pool: &'c mut bool,
    names: &'c mut Option<Namespace>,
}

/// Answers one decoded line into `out` and logs it, or hands it to the
/// evaluation pool; on `exit`, appends `BYE` and sets `ending`. Adds the
/// work it took to `work`.
fn respond(
    item: Result<Request<'_>, FrameError>,
    parts: Parts<'_>,
    ctx: &mut Ctx<'_>,
    slot: usize,
    work: &mut u64,
) {
    let Parts {
        session,
        peer,
        out,
        ending,
        in_pool,
        names,
    } = parts;
    if ending.is_some() {
        return;
    }
    match item {
        Ok(Request::Eval(expr)) => {
            *work += REQUEST_WORK;
            let cfg = ctx.cfg;
            // The namespace is here whenever a request is answered: it is
            // away only while a request is in the pool, and nothing after
            // that request is answered until it is back.
            let Some(ns) = names.as_mut() else {
                wire::encode_err(
                    out,
                    "InternalError",
                    "the session's names are missing",
                    None,
                );
                session.record_request(false);
                return;
            };
            let outcome = if cfg.escalates() {
                answer::evaluate_within(expr, ns, &cfg.slice, out, ctx.scratch)
            } else {
                Some(answer::evaluate(expr, ns, &cfg.limits, out, ctx.scratch))
            };
            let Some(outcome) = outcome else {
                // The slice was spent: that much work was done here.
                *work += cfg.slice.work_budget;
                let Some(ns) = names.take() else { return };
                let job = Job {
                    text: expr.into(),
                    names: ns,
                    owner: Owner {
                        slot,
                        session: session.id(),
                        reply: ctx.reply.clone(),
                    },
                };
                match ctx.pool.submit(job) {
                    Ok(()) => *in_pool = true,
                    Err(job) => {
                        *names = Some(job.names);
                        // The pool is closed: the server is shutting down,
                        // and this session ends with BYE in a moment.
                        *ending = Some(CloseReason::Shutdown);
                        wire::encode_bye(out, session.elapsed());
                    }
                }
                return;
            };
            *work += outcome.units;
            session.record_request(outcome.ok);
            log_answer(ctx.log, session, peer, expr, ctx.scratch, outcome.ok);
        }
        Ok(Request::Exit) => {
            *work += REQUEST_WORK;
            info!(ctx.log, "exit requested"; "session" => session.id(), "peer" => peer);
            wire::encode_bye(out, session.elapsed());
            *ending = Some(CloseReason::Exit);
        }
        Err(e) => {
            *work += REQUEST_WORK;
            wire::encode_frame_error(out, &e);
            session.record_request(false);
            let error = format!("{}: {e}", e.class());
            warn!(ctx.log, "invalid request"; "session" => session.id(), "peer" => peer,
                  "error" => Untrusted(&error));
        }
    }
}

/// The one record per evaluated request: INFO for an answer, WARN for an
/// error. `shown` is the repr or `Class: message`.
fn log_answer(log: &Logger, session: &SessionGuard, peer: &str, expr: &str, shown: &str, ok: bool) {
    // Key-value form, so that JSON has fields. Client text goes in as
    // `Untrusted`: the logging layer escapes, quotes and cuts it at
    // --log-max-field bytes on this thread. It also packs the values for
    // the queue: for the text format into the message (two allocations per
    // record), for JSON into one value (five).
    if ok {
        info!(log, "request"; "session" => session.id(), "peer" => peer,
              "expression" => Untrusted(expr), "result" => Untrusted(shown));
    } else {
        warn!(log, "invalid request"; "session" => session.id(), "peer" => peer,
              "expression" => Untrusted(expr), "error" => Untrusted(shown));
    }
}
