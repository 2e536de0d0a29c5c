//! One client connection: its write buffer, the requests in flight and the
//! answer checking.

use std::collections::VecDeque;
use std::io::{self, Read, Write};

use mio::net::TcpStream;

use crate::stats::{Sample, Stats, Window};
use crate::workload::Request;

/// An answer line longer than this means the peer is not a line server we
/// understand; the connection is dropped rather than buffering forever.
const MAX_ANSWER: usize = 1 << 20;

/// What became of a connection after an I/O step.
#[derive(Debug, PartialEq, Eq)]
pub enum Health {
    /// Still usable.
    Alive,
    /// Lost; the message says why.
    Lost(String),
}

/// A connection and its closed-loop state.
pub struct Conn {
    stream: TcpStream,
    /// Index of the traffic class this connection belongs to.
    class: usize,
    /// Bytes queued for sending, from `wpos` on.
    wbuf: Vec<u8>,
    wpos: usize,
    /// The start of an answer line whose end has not arrived yet.
    partial: Vec<u8>,
    /// Requests in flight: when their batch was written (ns since the run's
    /// epoch) and their index in the workload, oldest first.
    inflight: VecDeque<(u64, u32)>,
    /// Index of the next request to send.
    cursor: usize,
    /// Requests still to send, when the run is bounded by a request count.
    remaining: Option<u64>,
}

impl Conn {
    /// Wraps a connected, non-blocking stream of traffic class `class`.
    /// `first` spreads connections over a mix so they do not all send the
    /// same expression at once.
    pub fn new(stream: TcpStream, class: usize, first: usize, remaining: Option<u64>) -> Conn {
        Conn {
            stream,
            class,
            wbuf: Vec::with_capacity(4096),
            wpos: 0,
            partial: Vec::new(),
            inflight: VecDeque::new(),
            cursor: first,
            remaining,
        }
    }

    /// Index of this connection's traffic class.
    pub fn class(&self) -> usize {
        self.class
    }

    /// The stream, for registration with the poller.
    pub fn stream_mut(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    /// Requests sent and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.inflight.len()
    }

    /// Whether a request-count-bounded connection has sent and received all.
    pub fn finished(&self) -> bool {
        self.remaining == Some(0) && self.inflight.is_empty()
    }

    /// Queues requests until `pipeline` are in flight, all stamped `now`.
    pub fn refill(&mut self, workload: &[Request], pipeline: usize, now: u64) {
        if workload.is_empty() {
            return;
        }
        while self.inflight.len() < pipeline {
            if let Some(left) = self.remaining.as_mut() {
                if *left == 0 {
                    break;
                }
                *left -= 1;
            }
            let idx = self.cursor % workload.len();
            self.cursor = idx + 1;
            if let Some(req) = workload.get(idx) {
                self.wbuf.extend_from_slice(&req.line);
                // Workloads are a handful of lines; the index fits.
                self.inflight.push_back((now, idx as u32));
            }
        }
    }

    /// Writes queued bytes until done or the socket is full.
    pub fn flush(&mut self) -> Health {
        while self.wpos < self.wbuf.len() {
            match self
                .stream
                .write(self.wbuf.get(self.wpos..).unwrap_or_default())
            {
                Ok(0) => return Health::Lost("connection closed while writing".into()),
                Ok(n) => self.wpos += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Health::Alive,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Health::Lost(format!("write: {e}")),
            }
        }
        self.wbuf.clear();
        self.wpos = 0;
        Health::Alive
    }

    /// Reads until the socket is drained, checking every complete answer.
    /// `now` gives the receive time; `window` says where this batch falls
    /// relative to the measurement. Returns the number of answers and the health.
    pub fn read_answers(
        &mut self,
        scratch: &mut [u8],
        workload: &[Request],
        stats: &mut Stats,
        now: impl Fn() -> u64,
        window: Window,
    ) -> (u64, Health) {
        let mut answers = 0;
        loop {
            match self.stream.read(scratch) {
                Ok(0) => {
                    let why = format!(
                        "connection closed by the server ({} request(s) unanswered)",
                        self.inflight.len()
                    );
                    return (answers, Health::Lost(why));
                }
                Ok(n) => {
                    let t = now();
                    let chunk = scratch.get(..n).unwrap_or_default();
                    answers += self.take_lines(chunk, workload, stats, t, window);
                    if self.partial.len() > MAX_ANSWER {
                        return (answers, Health::Lost("answer line over 1 MiB".into()));
                    }
                    // A TCP read shorter than the buffer emptied the receive
                    // queue; data arriving later raises a new edge-triggered
                    // event, so the read that would say WouldBlock is saved
                    // (one system call per wake-up, a third of the client's
                    // cost at pipeline 1).
                    if n < scratch.len() {
                        return (answers, Health::Alive);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return (answers, Health::Alive),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return (answers, Health::Lost(format!("read: {e}"))),
            }
        }
    }

    fn take_lines(
        &mut self,
        mut rest: &[u8],
        workload: &[Request],
        stats: &mut Stats,
        now: u64,
        window: Window,
    ) -> u64 {
        let mut count = 0;
        if !self.partial.is_empty() {
            match memchr(rest) {
                None => {
                    self.partial.extend_from_slice(rest);
                    return 0;
                }
                Some(p) => {
                    let (head, tail) = rest.split_at(p);
                    self.partial.extend_from_slice(head);
                    let line = std::mem::take(&mut self.partial);
                    self.check(&line, workload, stats, now, window);
                    count += 1;
                    self.partial = line;
                    self.partial.clear();
                    rest = tail.get(1..).unwrap_or_default();
                }
            }
        }
        while let Some(p) = memchr(rest) {
            let (line, tail) = rest.split_at(p);
            self.check(line, workload, stats, now, window);
            count += 1;
            rest = tail.get(1..).unwrap_or_default();
        }
        self.partial.extend_from_slice(rest);
        count
    }

    fn check(
        &mut self,
        line: &[u8],
        workload: &[Request],
        stats: &mut Stats,
        now: u64,
        window: Window,
    ) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        stats.answers += 1;
        if line.starts_with(b"OK ") || line.starts_with(b"+") || line.starts_with(b":") {
            stats.ok += 1;
        } else if line.starts_with(b"ERR ") || line.starts_with(b"-") {
            stats.err += 1;
        }
        let Some((sent, idx)) = self.inflight.pop_front() else {
            stats.unexpected += 1;
            stats.keep_sample(Sample {
                request: String::new(),
                expected: "(no request in flight)".into(),
                got: String::from_utf8_lossy(line).into_owned(),
            });
            return;
        };
        match workload.get(idx as usize) {
            Some(req) if req.expect.matches(line) => stats.correct += 1,
            Some(req) => {
                stats.wrong += 1;
                stats.keep_sample(Sample {
                    request: req.text(),
                    expected: req.expect.describe(),
                    got: String::from_utf8_lossy(line).into_owned(),
                });
            }
            None => stats.wrong += 1,
        }
        stats.record_latency(window, now.saturating_sub(sent));
    }
}

fn memchr(hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == b'\n')
}
