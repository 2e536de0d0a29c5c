//! A log sink (the console or the log file): a bounded buffer that the
//! formatting thread appends to, and a writer thread of its own that
//! writes it out. Appending never waits for the sink's device, so a
//! console nobody reads or a hung disk cannot stop the formatting thread,
//! hence the queue, hence the workers.
//!
//! When a sink's buffer is full, further records are dropped and counted,
//! and a notice with the count is written in their place once there is
//! room again. When writes fail (a full disk), what was not written is
//! counted in bytes and reported when writes succeed again. Notices are
//! records in the sink's format, so a JSON log stays one JSON object per
//! line.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use slog::Level;

use super::escape;
use super::timestamp;

/// Pending bytes at which the writer is woken before its next round
/// (see [`wake_at`]).
pub const HIGH_WATER: usize = 64 * 1024;
/// How long pending records may wait for the writer.
pub const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Room kept for a notice about dropped records.
const NOTICE_ROOM: usize = 512;

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One line per record: `TIMESTAMP LEVEL message, key: value, ...`.
    Text,
    /// One JSON object per line.
    Json,
}

/// A value in a notice.
pub enum Val<'a> {
    /// A count.
    Num(u64),
    /// Server text (escaped, not quoted).
    Text(&'a str),
}

/// Formats a record written by the logging machinery itself, in `format`.
pub fn notice(format: Format, level: Level, msg: &str, kv: &[(&str, Val<'_>)]) -> Vec<u8> {
    let esc = |s: &str| {
        let mut out = String::new();
        escape::escape_into(&mut out, s, super::sanitize::SERVER_TEXT_MAX);
        out
    };
    let mut out = Vec::with_capacity(128);
    timestamp::with_now(|ts| match format {
        Format::Text => {
            let _ = write!(out, "{ts} {} {}", level.as_short_str(), esc(msg));
            for (k, v) in kv {
                let _ = match v {
                    Val::Num(n) => write!(out, ", {k}: {n}"),
                    Val::Text(t) => write!(out, ", {k}: {}", esc(t)),
                };
            }
        }
        Format::Json => {
            let _ = write!(
                out,
                "{{\"ts\":\"{ts}\",\"level\":\"{}\",\"msg\":",
                level.as_str()
            );
            let _ = serde_json::to_writer(&mut out, &esc(msg));
            for (k, v) in kv {
                out.push(b',');
                let _ = serde_json::to_writer(&mut out, k);
                out.push(b':');
                let _ = match v {
                    Val::Num(n) => write!(out, "{n}"),
                    Val::Text(t) => {
                        serde_json::to_writer(&mut out, &esc(t)).map_err(io::Error::from)
                    }
                };
            }
            out.push(b'}');
        }
    });
    out.push(b'\n');
    out
}

/// Which sink this is, for its notices.
#[derive(Debug, Clone)]
pub enum Kind {
    /// stderr.
    Console,
    /// The log file, by its path.
    File(String),
}

/// A handle on a sink; clones share it.
#[derive(Clone)]
pub struct Sink(Arc<Shared>);

struct Shared {
    state: Mutex<State>,
    /// The writer waits here for records, a reopen or the stop.
    wake: Condvar,
    /// [`Sink::wait_finished`] waits here for the writer to end.
    done: Condvar,
    kind: Kind,
    format: Format,
}

struct State {
    pending: Vec<u8>,
    /// Most bytes `pending` holds.
    cap: usize,
    /// Records dropped for want of room and not yet reported.
    dropped: u64,
    /// SIGHUP reopens not yet carried out: what was pending for the old
    /// output, then the new output.
    reopen: Vec<(Vec<u8>, Box<dyn Write + Send>)>,
    stop: bool,
    finished: bool,
}

/// What [`Sink::append`] did with a record.
#[derive(Debug, PartialEq, Eq)]
pub enum Appended {
    /// Buffered; the writer will write it.
    Kept,
    /// No room: dropped and counted. `first`: the first of a run.
    Dropped {
        /// The first drop since the last notice.
        first: bool,
    },
}

impl Sink {
    /// A sink that buffers at most `cap` bytes; its writer is started by
    /// [`Sink::spawn_writer`].
    pub fn new(kind: Kind, format: Format, cap: usize) -> Sink {
        Sink(Arc::new(Shared {
            state: Mutex::new(State {
                pending: Vec::new(),
                cap,
                dropped: 0,
                reopen: Vec::new(),
                stop: false,
                finished: false,
            }),
            wake: Condvar::new(),
            done: Condvar::new(),
            kind,
            format,
        }))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a valid buffer behind.
        self.0.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts the thread that writes this sink to `out`; its failures are
    /// reported on `peer` (the other sink).
    pub fn spawn_writer(
        &self,
        out: Box<dyn Write + Send>,
        peer: Option<Sink>,
    ) -> io::Result<JoinHandle<()>> {
        let name = match self.0.kind {
            Kind::Console => "calc-log-console",
            Kind::File(_) => "calc-log-file",
        };
        let sink = self.clone();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || sink.run(Output::new(out), peer))
    }

    /// Adds one record, or drops it when the buffer is full. Never waits
    /// for the device.
    pub fn append(&self, record: &[u8]) -> Appended {
        let mut st = self.lock();
        if st.dropped > 0 && st.pending.len() + NOTICE_ROOM + record.len() <= st.cap {
            let n = std::mem::take(&mut st.dropped);
            let notice = self.drop_notice(n);
            st.pending.extend_from_slice(&notice);
        }
        if st.dropped == 0 && st.pending.len() + record.len() <= st.cap {
            let before = st.pending.len();
            st.pending.extend_from_slice(record);
            let wake_at = wake_at(st.cap);
            if before < wake_at && st.pending.len() >= wake_at {
                self.0.wake.notify_one();
            }
            Appended::Kept
        } else {
            st.dropped += 1;
            Appended::Dropped {
                first: st.dropped == 1,
            }
        }
    }

    /// [`Sink::append`] for the panic hook, which may run on a thread that
    /// panicked while holding this sink's lock: it gives up after a few
    /// tries instead of waiting for itself.
    pub fn append_in_panic(&self, record: &[u8]) {
        for _ in 0..100 {
            if let Ok(mut st) = self.0.state.try_lock() {
                if st.pending.len() + record.len() <= st.cap {
                    st.pending.extend_from_slice(record);
                } else {
                    st.dropped += 1;
                }
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn drop_notice(&self, n: u64) -> Vec<u8> {
        let msg = match self.0.kind {
            Kind::Console => "log records not shown on the console (console not read)",
            Kind::File(_) => "log records dropped: the log file was not written fast enough",
        };
        notice(
            self.0.format,
            Level::Warning,
            msg,
            &[("dropped", Val::Num(n))],
        )
    }

    /// Writes what is pending to the current output, then sends every
    /// later record to `next` (log rotation). Does not wait for the writes.
    pub fn reopen(&self, next: Box<dyn Write + Send>) {
        let mut st = self.lock();
        let tail = std::mem::take(&mut st.pending);
        st.reopen.push((tail, next));
        self.0.wake.notify_one();
    }

    /// Asks the writer to write everything pending and end.
    pub fn stop(&self) {
        self.lock().stop = true;
        self.0.wake.notify_one();
    }

    /// Waits until the writer has ended, or `until`; returns whether it has.
    pub fn wait_finished(&self, until: Instant) -> bool {
        let mut st = self.lock();
        while !st.finished {
            let now = Instant::now();
            if now >= until {
                return false;
            }
            st = self
                .0
                .done
                .wait_timeout(st, until - now)
                .map_or_else(|p| p.into_inner().0, |r| r.0);
        }
        true
    }

    /// The writer thread.
    fn run(&self, mut out: Output, peer: Option<Sink>) {
        let mut batch = Vec::new();
        let mut st = self.lock();
        loop {
            // Gather records for up to FLUSH_EVERY, so a busy server makes
            // one write per batch, not one per record.
            let deadline = Instant::now() + FLUSH_EVERY;
            while !st.stop && st.reopen.is_empty() && st.pending.len() < wake_at(st.cap) {
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                st = self
                    .0
                    .wake
                    .wait_timeout(st, deadline - now)
                    .map_or_else(|p| p.into_inner().0, |r| r.0);
            }
            if !st.reopen.is_empty() {
                let steps = std::mem::take(&mut st.reopen);
                drop(st);
                for (tail, next) in steps {
                    let change = out.write(&tail);
                    self.report(change, peer.as_ref());
                    out.replace(next);
                }
                st = self.lock();
                continue;
            }
            if st.pending.is_empty() {
                if st.dropped > 0 {
                    let n = std::mem::take(&mut st.dropped);
                    st.pending = self.drop_notice(n);
                    continue;
                }
                if st.stop {
                    st.finished = true;
                    self.0.done.notify_all();
                    return;
                }
                continue;
            }
            std::mem::swap(&mut st.pending, &mut batch);
            drop(st);
            let change = out.write(&batch);
            self.report(change, peer.as_ref());
            batch.clear();
            if batch.capacity() > 4 * HIGH_WATER {
                batch.shrink_to(HIGH_WATER);
            }
            st = self.lock();
        }
    }

    /// Says on the right sinks that writes began to fail or succeed again.
    fn report(&self, change: Change, peer: Option<&Sink>) {
        let format = self.0.format;
        match (&self.0.kind, change) {
            (_, Change::None) => {}
            (Kind::File(path), Change::Failed(e)) => {
                if let Some(console) = peer {
                    let e = e.to_string();
                    console.append(&notice(
                        format,
                        Level::Error,
                        "cannot write log file, still serving; log records are lost until it is writable",
                        &[("path", Val::Text(path)), ("error", Val::Text(&e))],
                    ));
                }
            }
            (Kind::File(path), Change::Recovered { lost }) => {
                let n = notice(
                    format,
                    Level::Warning,
                    "log file is writable again; log records were lost",
                    &[("path", Val::Text(path)), ("lost_bytes", Val::Num(lost))],
                );
                self.append(&n);
                if let Some(console) = peer {
                    console.append(&n);
                }
            }
            (Kind::Console, Change::Failed(e)) => {
                if let Some(file) = peer {
                    let e = e.to_string();
                    file.append(&notice(
                        format,
                        Level::Error,
                        "cannot write the console (stderr); log records go to the log file only",
                        &[("error", Val::Text(&e))],
                    ));
                }
            }
            (Kind::Console, Change::Recovered { lost }) => {
                let n = notice(
                    format,
                    Level::Warning,
                    "console is writable again; log records were lost",
                    &[("lost_bytes", Val::Num(lost))],
                );
                self.append(&n);
                if let Some(file) = peer {
                    file.append(&n);
                }
            }
        }
    }

    /// For tests: records dropped and not yet reported.
    #[cfg(test)]
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }
}

/// What a write did to the sink's health.
#[derive(Debug)]
pub enum Change {
    /// Nothing new.
    None,
    /// Writes began to fail.
    Failed(io::Error),
    /// Writes succeed again after this many bytes were lost.
    Recovered {
        /// Bytes of records not written.
        lost: u64,
    },
}

/// A sink's device and what the writer knows about it.
pub struct Output {
    out: Box<dyn Write + Send>,
    failing: bool,
    /// Bytes of records discarded since the output started failing.
    lost: u64,
    /// The last write stopped inside a record (no final newline).
    torn: bool,
}

impl Output {
    /// Writes to `out`.
    pub fn new(out: Box<dyn Write + Send>) -> Output {
        Output {
            out,
            failing: false,
            lost: 0,
            torn: false,
        }
    }

    /// Writes further batches to `next`.
    fn replace(&mut self, next: Box<dyn Write + Send>) {
        self.out = next;
        self.torn = false;
    }

    /// Writes `batch`; what could not be written is lost and counted.
    pub fn write(&mut self, batch: &[u8]) -> Change {
        if batch.is_empty() {
            return Change::None;
        }
        let (written, result) = self.write_buffer(batch);
        match result {
            Ok(()) if self.failing => {
                self.failing = false;
                Change::Recovered {
                    lost: std::mem::take(&mut self.lost),
                }
            }
            Ok(()) => Change::None,
            Err(e) => {
                // What reached the device is not lost; the rest is.
                self.lost += (batch.len() - written) as u64;
                if self.failing {
                    Change::None
                } else {
                    self.failing = true;
                    Change::Failed(e)
                }
            }
        }
    }

    /// Writes the batch and flushes; returns how many of its bytes were
    /// written, and the first error. A write that stopped in the middle
    /// of a record (the disk filled up) leaves a torn line, so the next
    /// successful write starts with a newline: records after a gap begin
    /// on a line of their own.
    fn write_buffer(&mut self, batch: &[u8]) -> (usize, io::Result<()>) {
        if self.torn {
            match write_some(&mut *self.out, b"\n") {
                (1, _) => self.torn = false,
                (_, Err(e)) => return (0, Err(e)),
                (_, Ok(())) => return (0, Err(io::ErrorKind::WriteZero.into())),
            }
        }
        let (written, result) = write_some(&mut *self.out, batch);
        if written > 0 {
            self.torn = batch[written - 1] != b'\n';
        }
        (written, result.and_then(|()| self.out.flush()))
    }
}

/// Pending bytes at which the writer is woken: [`HIGH_WATER`], or half the
/// buffer if that is less, so a small buffer is written before it fills.
fn wake_at(cap: usize) -> usize {
    HIGH_WATER.min(cap / 2)
}

/// `write_all` that also tells how much it wrote before an error.
fn write_some(out: &mut dyn Write, data: &[u8]) -> (usize, io::Result<()>) {
    let mut written = 0;
    while written < data.len() {
        match out.write(&data[written..]) {
            Ok(0) => return (written, Err(io::ErrorKind::WriteZero.into())),
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (written, Err(e)),
        }
    }
    (written, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A writer that fails while `full` is set and records what it got.
    #[derive(Clone, Default)]
    struct Disk {
        full: Arc<AtomicBool>,
        got: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for Disk {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            if self.full.load(Ordering::SeqCst) {
                return Err(io::Error::other("no space left"));
            }
            self.got.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A disk with room for `room` more bytes: writes are cut short at
    /// the edge, then fail, as on a full filesystem.
    #[derive(Clone, Default)]
    struct SmallDisk {
        room: Arc<Mutex<usize>>,
        got: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for SmallDisk {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            let mut room = self.room.lock().unwrap();
            if *room == 0 {
                return Err(io::Error::from_raw_os_error(28)); // ENOSPC
            }
            let n = data.len().min(*room);
            *room -= n;
            self.got.lock().unwrap().extend_from_slice(&data[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_disk_filling_mid_record_counts_only_unwritten_bytes_and_resumes_on_a_new_line() {
        let disk = SmallDisk::default();
        *disk.room.lock().unwrap() = 10;
        let mut out = Output::new(Box::new(disk.clone()));
        // 10 of the 27 bytes fit; the other 17 are lost.
        assert!(matches!(
            out.write(b"first record\nsecond record\n"),
            Change::Failed(_)
        ));
        assert_eq!(out.lost, 17);
        assert!(matches!(out.write(b"third\n"), Change::None));
        assert_eq!(out.lost, 23);
        // Space is freed: the torn line is ended, then records resume.
        *disk.room.lock().unwrap() = 1000;
        assert!(matches!(
            out.write(b"fourth\n"),
            Change::Recovered { lost: 23 }
        ));
        assert_eq!(out.lost, 0);
        let got = String::from_utf8(disk.got.lock().unwrap().clone()).unwrap();
        assert_eq!(got, "first reco\nfourth\n");
    }

    #[test]
    fn a_failing_output_loses_records_but_recovers() {
        let disk = Disk::default();
        let mut out = Output::new(Box::new(disk.clone()));
        disk.full.store(true, Ordering::SeqCst);
        assert!(matches!(out.write(b"lost\n"), Change::Failed(_)));
        assert_eq!(out.lost, 5);
        disk.full.store(false, Ordering::SeqCst);
        assert!(matches!(
            out.write(b"kept\n"),
            Change::Recovered { lost: 5 }
        ));
        assert_eq!(disk.got.lock().unwrap().as_slice(), b"kept\n");
    }

    #[test]
    fn a_full_buffer_drops_and_counts_then_puts_a_notice_in_their_place() {
        let sink = Sink::new(Kind::Console, Format::Text, 1024);
        let rec = [b'x'; 99];
        let mut rec = rec.to_vec();
        rec.push(b'\n');
        for _ in 0..10 {
            assert_eq!(sink.append(&rec), Appended::Kept);
        }
        assert_eq!(sink.append(&rec), Appended::Dropped { first: true });
        assert_eq!(sink.append(&rec), Appended::Dropped { first: false });
        assert_eq!(sink.dropped(), 2);
        // The writer takes the buffer: room again, the notice comes first.
        let taken = std::mem::take(&mut sink.lock().pending);
        assert_eq!(taken.len(), 1000);
        assert_eq!(sink.append(b"next\n"), Appended::Kept);
        let pending = String::from_utf8(sink.lock().pending.clone()).unwrap();
        let lines: Vec<&str> = pending.lines().collect();
        assert_eq!(lines.len(), 2, "{pending}");
        assert!(
            lines[0].ends_with(
                " WARN log records not shown on the console (console not read), dropped: 2"
            ),
            "{pending}"
        );
        assert_eq!(lines[1], "next");
        assert_eq!(sink.dropped(), 0);
    }

    #[test]
    fn notices_in_both_formats() {
        let t = String::from_utf8(notice(
            Format::Text,
            Level::Error,
            "cannot write",
            &[
                ("path", Val::Text("/x\u{1b}y")),
                ("lost_bytes", Val::Num(3)),
            ],
        ))
        .unwrap();
        assert_eq!(
            t.len(),
            timestamp::LEN + 1 + "ERRO cannot write, path: /x\\u{1b}y, lost_bytes: 3\n".len()
        );
        assert!(
            t.ends_with(" ERRO cannot write, path: /x\\u{1b}y, lost_bytes: 3\n"),
            "{t}"
        );
        let j = notice(
            Format::Json,
            Level::Warning,
            "dropped \u{2028}",
            &[("dropped", Val::Num(5))],
        );
        let v: serde_json::Value = serde_json::from_slice(&j).unwrap();
        assert_eq!(v["level"], "WARNING");
        assert_eq!(v["msg"], "dropped \\u{2028}");
        assert_eq!(v["dropped"], 5);
        assert_eq!(v["ts"].as_str().unwrap().len(), timestamp::LEN);
        assert!(j.ends_with(b"}\n"));
    }
}
