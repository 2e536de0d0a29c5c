//! Logging: every record goes through one slog-async channel to two
//! slog-term drains, the console (stderr) and the log file.
//!
//! Nothing is dropped silently:
//! - each record is formatted once (slog-term's `FullFormat`, UTC
//!   timestamps) and the same bytes go to both sinks;
//! - the channel uses [`OverflowStrategy::Block`]: when the logging thread
//!   falls behind, the threads that log wait for room (backpressure on the
//!   workers) instead of losing records;
//! - the sinks buffer in memory and are pushed to the OS when 64 KiB are
//!   pending or by a flusher thread every 50 ms, so a busy server does not
//!   make one `write` per record;
//! - a sink that cannot be written (disk full) keeps the server running:
//!   its records are discarded and the console says so once, with the
//!   count of lost bytes when it recovers;
//! - [`Reopener::reopen`] (on SIGHUP) writes what is buffered to the old
//!   file, then points the file sink at a freshly opened file of the same
//!   name, so a rotation (logrotate's rename then SIGHUP) loses no record;
//! - [`Logging::finish`] drains the channel, joins its thread and flushes
//!   both sinks.

use std::cell::RefCell;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use slog::{o, Drain, Level, Logger};
use slog_async::{AsyncGuard, OverflowStrategy};
use slog_term::{FullFormat, PlainDecorator};

/// Bytes buffered in a sink before it writes without waiting for the flusher.
const SINK_HIGH_WATER: usize = 64 * 1024;
/// How often the flusher thread pushes buffered records to the OS.
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Records the async channel holds before loggers block.
const CHANNEL_SIZE: usize = 64 * 1024;

/// The server's logger and what it takes to shut it down cleanly.
pub struct Logging {
    /// The root logger; clone it or derive children with `new`.
    pub log: Logger,
    guard: Option<AsyncGuard>,
    flusher: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    sinks: [Sink; 2],
    path: String,
}

/// Reopens the log file by name, for log rotation (SIGHUP).
pub struct Reopener {
    file: Sink,
    path: String,
}

impl Reopener {
    /// The `--log-file` path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Opens (creates, appends to) the log file's path anew and sends
    /// further records there. Records already formatted are first written
    /// to the old file, so after `mv calc-server.log calc-server.log.1` and
    /// SIGHUP every record is in one of the two. On error the old file
    /// stays in use.
    pub fn reopen(&self) -> io::Result<()> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let mut sink = self.file.lock();
        sink.push();
        sink.out = Box::new(file);
        Ok(())
    }
}

impl Logging {
    /// Opens (appends to) `path` and starts the logging and flusher threads.
    pub fn start(path: &str, level: Level) -> io::Result<Logging> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self::with_sinks(
            Sink::new(Box::new(io::stderr()), None),
            Sink::new(Box::new(file), Some(path.to_string())),
            level,
            path,
        ))
    }

    /// A handle that reopens the log file (see [`Reopener::reopen`]).
    pub fn reopener(&self) -> Reopener {
        Reopener {
            file: self.sinks[1].clone(),
            path: self.path.clone(),
        }
    }

    fn with_sinks(console: Sink, file: Sink, level: Level, path: &str) -> Logging {
        let tee = Tee {
            record: Vec::with_capacity(256),
            sinks: [console.clone(), file.clone()],
        };
        let format = FullFormat::new(PlainDecorator::new(tee))
            .use_custom_timestamp(cached_utc_timestamp)
            .use_original_order()
            .build()
            .ignore_res();
        let (async_drain, guard) = slog_async::Async::new(format)
            .chan_size(CHANNEL_SIZE)
            .overflow_strategy(OverflowStrategy::Block)
            .thread_name("calc-log".into())
            .build_with_guard();
        let drain = async_drain.ignore_res().filter_level(level).ignore_res();
        let log = Logger::root(drain, o!());

        let stop = Arc::new(AtomicBool::new(false));
        let sinks = [console, file];
        let flusher = {
            let stop = Arc::clone(&stop);
            let sinks = sinks.clone();
            std::thread::Builder::new()
                .name("calc-log-flush".into())
                .spawn(move || {
                    while !stop.load(Ordering::Acquire) {
                        std::thread::sleep(FLUSH_EVERY);
                        for s in &sinks {
                            s.push();
                        }
                    }
                })
                .ok()
        };
        Logging {
            log,
            guard: Some(guard),
            flusher,
            stop,
            sinks,
            path: path.to_string(),
        }
    }

    /// Writes out every record logged so far and stops the logging threads.
    pub fn finish(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        // The guard's drop sends "finish" through the channel and joins the
        // thread, so every record sent before is formatted into the sinks.
        drop(self.guard.take());
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.flusher.take() {
            let _ = h.join();
        }
        for s in &self.sinks {
            s.push();
        }
    }
}

impl Drop for Logging {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// slog-term's UTC timestamp, formatted once per millisecond: a busy
/// server logs many records per millisecond, and formatting the time
/// (which allocates) was a visible part of the logging thread's work.
fn cached_utc_timestamp(io: &mut dyn Write) -> io::Result<()> {
    thread_local! {
        static CACHE: RefCell<(u128, Vec<u8>)> = const { RefCell::new((0, Vec::new())) };
    }
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.0 != ms || cache.1.is_empty() {
            cache.1.clear();
            slog_term::timestamp_utc(&mut cache.1)?;
            cache.0 = ms;
        }
        io.write_all(&cache.1)
    })
}

/// Formats each record once and hands the same bytes to every sink: the
/// record is gathered here (slog-term writes it in many small pieces) and
/// appended to each sink under one lock when slog-term flushes it.
struct Tee {
    record: Vec<u8>,
    sinks: [Sink; 2],
}

impl Write for Tee {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.record.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        for s in &self.sinks {
            s.append(&self.record);
        }
        self.record.clear();
        Ok(())
    }
}

/// A buffered, shared writer whose `flush` is soft: records reach the OS
/// when enough are pending or when the flusher thread calls [`Sink::push`].
#[derive(Clone)]
struct Sink(Arc<Mutex<SinkState>>);

struct SinkState {
    out: Box<dyn Write + Send>,
    buf: Vec<u8>,
    /// The file's name, for the console message when it fails; `None` for
    /// the console itself, whose failures have nowhere to be reported.
    name: Option<String>,
    failing: bool,
    /// Bytes of records discarded since the sink started failing.
    lost: u64,
    /// The last write stopped inside a record (no final newline).
    torn: bool,
}

impl Sink {
    fn new(out: Box<dyn Write + Send>, name: Option<String>) -> Sink {
        Sink(Arc::new(Mutex::new(SinkState {
            out,
            buf: Vec::with_capacity(SINK_HIGH_WATER),
            name,
            failing: false,
            lost: 0,
            torn: false,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, SinkState> {
        // A panic while holding the lock leaves a valid buffer behind.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes everything buffered to the OS.
    fn push(&self) {
        self.lock().push();
    }
}

impl SinkState {
    fn push(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let (written, result) = self.write_buffer();
        match result {
            Ok(()) if self.failing => {
                self.failing = false;
                if let Some(name) = &self.name {
                    eprintln!(
                        "calc-server: log file {name} is writable again; {} bytes of log records were lost",
                        self.lost
                    );
                }
                self.lost = 0;
            }
            Ok(()) => {}
            Err(e) => {
                // What reached the file is not lost; the rest of the buffer is.
                self.lost += (self.buf.len() - written) as u64;
                if !self.failing {
                    self.failing = true;
                    if let Some(name) = &self.name {
                        eprintln!(
                            "calc-server: cannot write log file {name}: {e}; still serving, log records are lost until it is writable"
                        );
                    }
                }
            }
        }
        self.buf.clear();
    }

    /// Writes the buffer and flushes; returns how many of its bytes were
    /// written, and the first error. A write that stopped in the middle
    /// of a record (the disk filled up) leaves a torn line in the file, so
    /// the next successful write starts with a newline: records after a
    /// gap begin on a line of their own.
    fn write_buffer(&mut self) -> (usize, io::Result<()>) {
        if self.torn {
            match write_some(&mut *self.out, b"\n") {
                (1, _) => self.torn = false,
                (_, Err(e)) => return (0, Err(e)),
                (_, Ok(())) => return (0, Err(io::ErrorKind::WriteZero.into())),
            }
        }
        let (written, result) = write_some(&mut *self.out, &self.buf);
        if written > 0 {
            self.torn = self.buf[written - 1] != b'\n';
        }
        (written, result.and_then(|()| self.out.flush()))
    }
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

impl Sink {
    /// Adds bytes to the buffer; writes to the OS once enough are pending.
    fn append(&self, data: &[u8]) {
        let mut s = self.lock();
        s.buf.extend_from_slice(data);
        if s.buf.len() >= SINK_HIGH_WATER {
            s.push();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slog::info;

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

    fn text(d: &Disk) -> String {
        String::from_utf8(d.got.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn finish_writes_every_record_to_both_sinks() {
        let (console, file) = (Disk::default(), Disk::default());
        let logging = Logging::with_sinks(
            Sink::new(Box::new(console.clone()), None),
            Sink::new(Box::new(file.clone()), Some("test.log".into())),
            Level::Info,
            "test.log",
        );
        for i in 0..10_000 {
            info!(logging.log, "request"; "id" => i);
        }
        logging.finish();
        for d in [&console, &file] {
            let t = text(d);
            assert_eq!(t.lines().count(), 10_000);
            assert!(
                t.lines().last().unwrap().ends_with("request, id: 9999"),
                "{t:.200}"
            );
        }
    }

    /// A writer that blocks until its gate opens, like a log file on a
    /// stalled device, then records what it got.
    #[derive(Clone, Default)]
    struct Stalled {
        gate: Arc<(Mutex<bool>, std::sync::Condvar)>,
        got: Arc<Mutex<Vec<u8>>>,
    }

    impl Stalled {
        fn open(&self) {
            *self.gate.0.lock().unwrap() = true;
            self.gate.1.notify_all();
        }
    }

    impl Write for Stalled {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            let (open, cv) = &*self.gate;
            let mut open = open.lock().unwrap();
            while !*open {
                open = cv.wait(open).unwrap();
            }
            self.got.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stalled_log_file_makes_loggers_wait_and_loses_nothing() {
        let file = Stalled::default();
        let console = Disk::default();
        let logging = Logging::with_sinks(
            Sink::new(Box::new(console.clone()), None),
            Sink::new(Box::new(file.clone()), Some("stalled.log".into())),
            Level::Info,
            "stalled.log",
        );
        // More records than the channel holds: with the file stalled, the
        // logging thread stops, the channel fills, and the producer waits.
        let records = CHANNEL_SIZE * 3 / 2;
        let log = logging.log.clone();
        let producer = std::thread::spawn(move || {
            for i in 0..records {
                info!(log, "request"; "id" => i);
            }
        });
        std::thread::sleep(Duration::from_millis(500));
        let finished_while_stalled = producer.is_finished();
        // Opened before any assertion, so a failure cannot leave the
        // logging thread stuck and the test hanging.
        file.open();
        assert!(
            !finished_while_stalled,
            "the producer finished while the log file was stalled: records were dropped"
        );
        producer.join().unwrap();
        logging.finish();
        for t in [
            String::from_utf8(file.got.lock().unwrap().clone()).unwrap(),
            text(&console),
        ] {
            assert_eq!(t.lines().count(), records);
            assert!(t.ends_with(&format!("request, id: {}\n", records - 1)));
        }
    }

    #[test]
    fn level_filter_applies() {
        let file = Disk::default();
        let logging = Logging::with_sinks(
            Sink::new(Box::new(io::sink()), None),
            Sink::new(Box::new(file.clone()), None),
            Level::Warning,
            "test.log",
        );
        info!(logging.log, "hidden");
        slog::warn!(logging.log, "shown");
        logging.finish();
        let t = text(&file);
        assert!(!t.contains("hidden") && t.contains("shown"), "{t}");
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
        let sink = Sink::new(Box::new(disk.clone()), Some("small.log".into()));
        sink.append(b"first record\nsecond record\n");
        sink.push();
        // 10 of the 27 bytes fit; the other 17 are lost.
        assert!(sink.lock().failing);
        assert_eq!(sink.lock().lost, 17);
        sink.append(b"third\n");
        sink.push();
        assert_eq!(sink.lock().lost, 23);
        // Space is freed: the torn line is ended, then records resume.
        *disk.room.lock().unwrap() = 1000;
        sink.append(b"fourth\n");
        sink.push();
        assert!(!sink.lock().failing);
        assert_eq!(sink.lock().lost, 0);
        let got = String::from_utf8(disk.got.lock().unwrap().clone()).unwrap();
        assert_eq!(got, "first reco\nfourth\n");
    }

    #[test]
    fn a_failing_sink_loses_records_but_recovers() {
        let file = Disk::default();
        let sink = Sink::new(Box::new(file.clone()), Some("full.log".into()));
        file.full.store(true, Ordering::SeqCst);
        sink.append(b"lost\n");
        sink.push();
        assert!(sink.lock().failing);
        assert_eq!(sink.lock().lost, 5);
        file.full.store(false, Ordering::SeqCst);
        sink.append(b"kept\n");
        sink.push();
        assert!(!sink.lock().failing);
        assert_eq!(text(&file), "kept\n");
    }
}
