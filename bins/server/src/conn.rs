//! One client connection on an event-loop worker: Redis-style I/O (read
//! everything available, answer all of it, write once) with bounded
//! buffers.

use std::io;
use std::net::Shutdown;
use std::time::Instant;

use mio::net::TcpStream;
use session::{CloseReason, SessionGuard};
use slog::{info, warn, Logger};
use wire::{FrameError, LineDecoder, ReadBuffer, Request, WriteBuffer};

use crate::answer;
use crate::logging::Untrusted;

/// Once this many answer bytes wait for the client, the server stops
/// reading its requests until the client has read some of them.
pub const OUTPUT_BOUND: usize = 256 * 1024;
/// Input bytes handled per readiness event before other clients get a turn.
const FAIR_SHARE: usize = 256 * 1024;

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
    /// Evaluation limits for calc-core.
    pub limits: calc_core::Limits,
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
        }
    }

    /// The reason the session is ending, if it is.
    pub fn ending(&self) -> Option<&CloseReason> {
        self.ending.as_ref()
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
    pub fn on_ready(
        &mut self,
        cfg: &ConnConfig,
        log: &Logger,
        scratch: &mut String,
        short_read_drains: bool,
    ) -> Next {
        if self.ending.is_some() {
            return self.finish_output();
        }
        if let Err(reason) = self.write_out() {
            return Next::Close(reason);
        }
        let mut budget = FAIR_SHARE;
        let mut more = false;
        let mut drained = false;
        while self.ending.is_none() {
            self.answer_buffered(cfg, log, scratch);
            if self.ending.is_some() {
                break;
            }
            if self.out.len() >= OUTPUT_BOUND {
                // The client is behind on reading: write before reading more.
                if let Err(reason) = self.write_out() {
                    return Next::Close(reason);
                }
                if self.out.len() >= OUTPUT_BOUND {
                    break;
                }
            }
            if self.read_closed {
                while let Some(item) = self.decoder.decode_eof(&mut self.input) {
                    respond(
                        item,
                        Who {
                            session: &self.session,
                            peer: &self.peer,
                        },
                        cfg,
                        log,
                        scratch,
                        self.out.buf_mut(),
                        &mut self.ending,
                    );
                }
                self.ending.get_or_insert(CloseReason::PeerClosed);
                break;
            }
            if budget == 0 {
                more = true;
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
                    budget = budget.saturating_sub(n);
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

    /// Answers every complete line in the input buffer while the output
    /// stays under its bound.
    fn answer_buffered(&mut self, cfg: &ConnConfig, log: &Logger, scratch: &mut String) {
        while self.ending.is_none() && self.out.len() < OUTPUT_BOUND {
            let Some(item) = self.decoder.decode(&mut self.input) else {
                break;
            };
            respond(
                item,
                Who {
                    session: &self.session,
                    peer: &self.peer,
                },
                cfg,
                log,
                scratch,
                self.out.buf_mut(),
                &mut self.ending,
            );
        }
    }
}

/// The session a request belongs to, as its records name it.
struct Who<'a> {
    session: &'a SessionGuard,
    peer: &'a str,
}

/// Answers one decoded line into `out` and logs it; on `exit`, appends
/// `BYE` and sets `ending`.
fn respond(
    item: Result<Request<'_>, FrameError>,
    who: Who<'_>,
    cfg: &ConnConfig,
    log: &Logger,
    scratch: &mut String,
    out: &mut Vec<u8>,
    ending: &mut Option<CloseReason>,
) {
    if ending.is_some() {
        return;
    }
    let Who { session, peer } = who;
    match item {
        Ok(Request::Eval(expr)) => {
            let ok = answer::evaluate(expr, &cfg.limits, out, scratch);
            session.record_request(ok);
            // The one record per request, in key-value form so that JSON
            // has fields. Client text goes in as `Untrusted`: the logging
            // layer escapes, quotes and cuts it at --log-max-field bytes on
            // this thread. It also packs the values for the queue: for the
            // text format into the message (two allocations per record, as
            // when the fields were formatted into the message here), for
            // JSON into one value (five).
            if ok {
                info!(log, "request"; "session" => session.id(), "peer" => peer,
                      "expression" => Untrusted(expr), "result" => Untrusted(scratch));
            } else {
                warn!(log, "invalid request"; "session" => session.id(), "peer" => peer,
                      "expression" => Untrusted(expr), "error" => Untrusted(scratch));
            }
        }
        Ok(Request::Exit) => {
            info!(log, "exit requested"; "session" => session.id(), "peer" => peer);
            wire::encode_bye(out, session.elapsed());
            *ending = Some(CloseReason::Exit);
        }
        Err(e) => {
            wire::encode_frame_error(out, &e);
            session.record_request(false);
            let error = format!("{}: {e}", e.class());
            warn!(log, "invalid request"; "session" => session.id(), "peer" => peer,
                  "error" => Untrusted(&error));
        }
    }
}
