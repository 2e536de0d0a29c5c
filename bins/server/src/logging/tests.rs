//! Logging as a whole: records through the queue, the formats, stalled
//! and failing sinks, shutdown, and the size of a queued record.

use super::*;
use slog::{info, warn};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

/// Generous: the machine is shared and may be loaded.
const LIVENESS: Duration = Duration::from_secs(60);

/// A writer that records what it got.
#[derive(Clone, Default)]
struct Disk {
    got: Arc<Mutex<Vec<u8>>>,
}

impl Write for Disk {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.got.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Disk {
    fn text(&self) -> String {
        String::from_utf8(self.got.lock().unwrap().clone()).unwrap()
    }
}

/// A writer that blocks in `write` until its gate opens, like a pipe
/// nobody reads or a hung disk, then records what it got.
#[derive(Clone, Default)]
struct Gate {
    open: Arc<(Mutex<bool>, Condvar)>,
    entered: Arc<AtomicBool>,
    disk: Disk,
}

impl Gate {
    fn open(&self) {
        *self.open.0.lock().unwrap() = true;
        self.open.1.notify_all();
    }
}

impl Write for Gate {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.entered.store(true, Ordering::SeqCst);
        let (open, cv) = &*self.open;
        let mut open = open.lock().unwrap();
        while !*open {
            open = cv.wait(open).unwrap();
        }
        self.disk.write(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Buffers large enough that a test's records are never dropped, however
/// late the writers run on a loaded machine.
const ROOMY: Bounds = Bounds {
    console_buffer: 64 << 20,
    file_buffer: 64 << 20,
    ..BOUNDS
};

fn logging(console: impl Write + Send + 'static, file: impl Write + Send + 'static) -> Logging {
    logging_with(console, file, Options::default(), ROOMY)
}

fn logging_with(
    console: impl Write + Send + 'static,
    file: impl Write + Send + 'static,
    options: Options,
    bounds: Bounds,
) -> Logging {
    Logging::with_outputs(
        Box::new(console),
        Box::new(file),
        "test.log",
        options,
        bounds,
    )
    .unwrap()
}

/// Runs `f` on a thread and waits for it at most [`LIVENESS`]: a test of
/// "does not block" fails instead of hanging.
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(LIVENESS)
        .unwrap_or_else(|_| panic!("{what} did not finish within {LIVENESS:?}"))
}

/// The count in a `dropped: N` notice line, if `line` is one.
fn dropped_in(line: &str) -> Option<u64> {
    line.split_once("records")?;
    line.rsplit_once(", dropped: ")?.1.parse().ok()
}

#[test]
fn finish_writes_every_record_to_both_sinks() {
    let (console, file) = (Disk::default(), Disk::default());
    let logging = logging(console.clone(), file.clone());
    for i in 0..10_000 {
        info!(logging.log, "request"; "id" => i);
    }
    logging.finish();
    for d in [&console, &file] {
        let t = d.text();
        assert_eq!(t.lines().count(), 10_000);
        assert!(
            t.lines()
                .last()
                .unwrap()
                .ends_with(" INFO request, id: 9999"),
            "{t:.200}"
        );
    }
}

#[test]
fn level_filter_applies() {
    let file = Disk::default();
    let options = Options {
        level: Level::Warning,
        ..Options::default()
    };
    let logging = logging_with(io::sink(), file.clone(), options, ROOMY);
    info!(logging.log, "hidden");
    warn!(logging.log, "shown");
    logging.finish();
    let t = file.text();
    assert!(!t.contains("hidden") && t.contains("shown"), "{t}");
}

/// Everything the escaping must keep out of a sink, as the client sends it.
const HOSTILE: &[&str] = &[
    "1 #\x1b[2K\rINFO session closed, forged",
    "2\x07\x00\x7f",
    "3\u{85}\u{9b}31m",
    "4 #\u{202e}drowssap",
    "5 #\u{2028}INFO forged line",
    "7, peer: 6.6.6.6:1, result: 99",
];

/// Characters that must not reach a sink raw.
fn forbidden(c: char) -> bool {
    let v = c as u32;
    v < 0x20 && c != '\n'
        || (0x7f..=0x9f).contains(&v)
        || matches!(v, 0x61c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0x2028 | 0x2029)
}

#[test]
fn client_text_is_escaped_and_quoted_in_every_sink() {
    let (console, file) = (Disk::default(), Disk::default());
    let logging = logging(console.clone(), file.clone());
    for (i, h) in HOSTILE.iter().enumerate() {
        info!(logging.log, "request"; "session" => i as u64, "peer" => "127.0.0.1:9",
              "expression" => Untrusted(h), "result" => Untrusted(h));
    }
    logging.finish();
    for d in [&console, &file] {
        let t = d.text();
        assert_eq!(t.lines().count(), HOSTILE.len(), "{t}");
        assert!(!t.chars().any(forbidden), "{t:?}");
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].ends_with(
            r#"INFO request, session: 0, peer: 127.0.0.1:9, expression: "1 #\u{1b}[2K\u{d}INFO session closed, forged", result: "1 #\u{1b}[2K\u{d}INFO session closed, forged""#
        ), "{}", lines[0]);
        assert!(
            lines[1].contains(r#"expression: "2\u{7}\u{0}\u{7f}""#),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].contains(r#"expression: "3\u{85}\u{9b}31m""#),
            "{}",
            lines[2]
        );
        assert!(
            lines[3].contains(r#"expression: "4 #\u{202e}drowssap""#),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].contains(r#"expression: "5 #\u{2028}INFO forged line""#),
            "{}",
            lines[4]
        );
        // The forged fields stay inside the quotes: the record has one peer.
        assert!(lines[5].ends_with(
            r#"peer: 127.0.0.1:9, expression: "7, peer: 6.6.6.6:1, result: 99", result: "7, peer: 6.6.6.6:1, result: 99""#
        ), "{}", lines[5]);
    }
}

#[test]
fn timestamps_are_rfc3339_utc_with_milliseconds() {
    let file = Disk::default();
    let logging = logging(io::sink(), file.clone());
    info!(logging.log, "x");
    logging.finish();
    let t = file.text();
    let ts = &t[..timestamp::LEN];
    let b = ts.as_bytes();
    assert_eq!(t.as_bytes()[timestamp::LEN], b' ', "{t}");
    for (i, c) in b.iter().enumerate() {
        match i {
            4 | 7 => assert_eq!(*c, b'-', "{ts}"),
            10 => assert_eq!(*c, b'T', "{ts}"),
            13 | 16 => assert_eq!(*c, b':', "{ts}"),
            19 => assert_eq!(*c, b'.', "{ts}"),
            23 => assert_eq!(*c, b'Z', "{ts}"),
            _ => assert!(c.is_ascii_digit(), "{ts}"),
        }
    }
}

#[test]
fn json_lines_parse_and_keep_client_text_escaped() {
    let (console, file) = (Disk::default(), Disk::default());
    let options = Options {
        format: Format::Json,
        max_field: 64,
        ..Options::default()
    };
    let logging = logging_with(console.clone(), file.clone(), options, ROOMY);
    let long = "1+".repeat(1000);
    for (i, h) in HOSTILE.iter().enumerate() {
        warn!(logging.log, "invalid request"; "session" => i as u64, "peer" => "127.0.0.1:9",
              "expression" => Untrusted(h), "error" => Untrusted("NameError: name 'x\u{2029}' is not defined"));
    }
    info!(logging.log, "request"; "session" => 9u64, "expression" => Untrusted(&long), "result" => Untrusted("1000"));
    logging.finish();
    for d in [&console, &file] {
        let t = d.text();
        assert!(!t.chars().any(forbidden), "{t:?}");
        let lines: Vec<serde_json::Value> = t
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(lines.len(), HOSTILE.len() + 1);
        let first = &lines[0];
        assert_eq!(first["level"], "WARNING");
        assert_eq!(first["msg"], "invalid request");
        assert_eq!(first["session"], 0);
        assert_eq!(first["peer"], "127.0.0.1:9");
        assert_eq!(
            first["expression"],
            r"1 #\u{1b}[2K\u{d}INFO session closed, forged"
        );
        assert_eq!(
            first["error"],
            r"NameError: name 'x\u{2029}' is not defined"
        );
        let ts = first["ts"].as_str().unwrap();
        assert!(ts.len() == timestamp::LEN && ts.ends_with('Z'), "{ts}");
        assert_eq!(lines[3]["expression"], r"4 #\u{202e}drowssap");
        assert_eq!(lines[5]["expression"], "7, peer: 6.6.6.6:1, result: 99");
        let last = &lines[HOSTILE.len()];
        assert_eq!(last["level"], "INFO");
        assert_eq!(
            last["expression"],
            format!("{}… (2000 bytes)", "1+".repeat(32))
        );
        assert_eq!(last["result"], "1000");
    }
}

/// A small console buffer, so that a few thousand records fill it.
const SMALL_CONSOLE: Bounds = Bounds {
    console_buffer: 64 * 1024,
    ..ROOMY
};

/// A small file buffer, so that a few thousand records fill it.
const SMALL_FILE: Bounds = Bounds {
    file_buffer: 64 * 1024,
    ..ROOMY
};

#[test]
fn a_console_nobody_reads_drops_and_counts_while_the_file_gets_everything() {
    let console = Gate::default();
    let file = Disk::default();
    let logging = logging_with(
        console.clone(),
        file.clone(),
        Options::default(),
        SMALL_CONSOLE,
    );
    const N: usize = 20_000;
    let log = logging.log.clone();
    // With the console stalled, logging goes on: the console's buffer
    // fills, and its records are dropped instead of stopping the logger.
    within("logging with a stalled console", move || {
        for i in 0..N {
            info!(log, "request"; "id" => i);
        }
    });
    // Give the formatting thread time to reach the end, while stalled.
    let deadline = Instant::now() + LIVENESS;
    while file.text().lines().count() < N {
        assert!(
            Instant::now() < deadline,
            "the file did not get every record"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(console.entered.load(Ordering::SeqCst));
    assert!(
        logging.console.dropped() > 0,
        "nothing dropped for the console?"
    );
    console.open();
    within("finish", move || logging.finish());
    let f = file.text();
    assert_eq!(f.lines().count(), N, "{f:.300}");
    assert!(f.ends_with(&format!("request, id: {}\n", N - 1)));
    // The console: what it showed plus what its notices count is all.
    let c = console.disk.text();
    let shown = c
        .lines()
        .filter(|l| l.contains(" INFO request, id: "))
        .count();
    let notices: Vec<u64> = c.lines().filter_map(dropped_in).collect();
    assert!(!notices.is_empty(), "no notice on the console");
    assert!(c.contains("log records not shown on the console (console not read), dropped: "));
    assert_eq!(
        shown as u64 + notices.iter().sum::<u64>(),
        N as u64,
        "{notices:?}"
    );
}

#[test]
fn a_console_stuck_forever_does_not_hold_up_finish() {
    let console = Gate::default(); // never opened
    let file = Disk::default();
    let logging = logging(console.clone(), file.clone());
    for i in 0..1000 {
        info!(logging.log, "request"; "id" => i);
    }
    let started = Instant::now();
    within("finish with a stuck console", move || logging.finish());
    eprintln!("finish took {:?} with a stuck console", started.elapsed());
    assert!(console.entered.load(Ordering::SeqCst));
    let f = file.text();
    assert_eq!(f.lines().count(), 1000);
    assert!(f.ends_with("request, id: 999\n"));
}

#[test]
fn a_stalled_file_never_blocks_loggers_and_counts_what_it_drops() {
    let file = Gate::default();
    let console = Disk::default();
    let logging = logging_with(
        console.clone(),
        file.clone(),
        Options::default(),
        SMALL_FILE,
    );
    const N: usize = 20_000;
    let log = logging.log.clone();
    within("logging with a stalled file", move || {
        for i in 0..N {
            info!(log, "request"; "id" => i);
        }
    });
    // The console says at once that the file is not keeping up.
    let deadline = Instant::now() + LIVENESS;
    while !console.text().contains("log file is not keeping up") {
        assert!(Instant::now() < deadline, "no console notice");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(console.text().contains("path: test.log"));
    file.open();
    within("finish", move || logging.finish());
    let f = file.disk.text();
    let kept = f
        .lines()
        .filter(|l| l.contains(" INFO request, id: "))
        .count();
    let notices: Vec<u64> = f.lines().filter_map(dropped_in).collect();
    assert!(kept < N, "nothing dropped?");
    // Usually one notice; one more if the writer was late to take a
    // batch before the stall began.
    assert!(!notices.is_empty(), "no notice in the file");
    assert!(f.contains("log records dropped: the log file was not written fast enough, dropped: "));
    assert_eq!(
        kept as u64 + notices.iter().sum::<u64>(),
        N as u64,
        "{notices:?}"
    );
    // The console had every record.
    assert_eq!(
        console
            .text()
            .lines()
            .filter(|l| l.contains(" INFO request, id: "))
            .count(),
        N
    );
}

#[test]
fn a_file_stuck_forever_delays_finish_by_a_bounded_wait_only() {
    let file = Gate::default(); // never opened
    let console = Disk::default();
    let bounds = Bounds {
        file_wait: Duration::from_millis(200),
        ..ROOMY
    };
    let logging = logging_with(console.clone(), file.clone(), Options::default(), bounds);
    info!(logging.log, "request"; "id" => 1);
    within("finish with a stuck file", move || logging.finish());
    assert!(file.entered.load(Ordering::SeqCst));
    let c = console.text();
    assert!(c.contains("INFO request, id: 1"), "{c}");
    assert!(c.contains("log file stalled at shutdown"), "{c}");
}

#[test]
fn a_reopen_sends_later_records_to_the_new_file_only() {
    let (old, new) = (Disk::default(), Disk::default());
    let logging = logging(io::sink(), old.clone());
    for i in 0..500 {
        info!(logging.log, "request"; "id" => i);
    }
    // What the formatting thread has, before the reopen: wait for the
    // queue to drain into the sink (records of this test only).
    let deadline = Instant::now() + LIVENESS;
    while old.text().lines().count() < 500 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    logging.file.reopen(Box::new(new.clone()));
    for i in 500..1000 {
        info!(logging.log, "request"; "id" => i);
    }
    logging.finish();
    let ids = |d: &Disk| -> Vec<usize> {
        d.text()
            .lines()
            .filter_map(|l| l.rsplit_once("id: ")?.1.parse().ok())
            .collect()
    };
    assert_eq!(ids(&old), (0..500).collect::<Vec<_>>());
    assert_eq!(ids(&new), (500..1000).collect::<Vec<_>>());
}

mod size {
    //! The memory a queued record takes, counted by a global allocator
    //! that adds up what each thread allocates.

    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    struct Counting;

    thread_local! {
        static ALLOCATED: Cell<usize> = const { Cell::new(0) };
    }

    /// What malloc takes for `size` bytes: its header, 16-byte granules.
    fn chunk(size: usize) -> usize {
        (size + 16).div_ceil(16) * 16
    }

    fn count(size: usize) {
        let _ = ALLOCATED.try_with(|a| a.set(a.get() + chunk(size)));
    }

    // SAFETY: every call is passed on to the system allocator unchanged.
    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            count(layout.size());
            unsafe { System.alloc(layout) }
        }
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            count(layout.size());
            unsafe { System.alloc_zeroed(layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            count(new_size);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[global_allocator]
    static COUNTING: Counting = Counting;

    /// Bytes allocated by this thread while `f` runs.
    fn allocated_by(f: impl FnOnce()) -> usize {
        let before = ALLOCATED.with(Cell::get);
        f();
        ALLOCATED.with(Cell::get) - before
    }

    /// Logging a record allocates, on the logging thread, everything the
    /// queue then holds for it (the formatting thread frees it): with
    /// the queue's slot, at most `record_bound`.
    #[test]
    fn a_queued_record_takes_at_most_record_bound() {
        let expr = "1+".repeat(32_768);
        let result = "9".repeat(65_536);
        let long_text = "x".repeat(5000);
        let slot = std::mem::size_of::<slog_async::AsyncRecord>() + 16;
        for (format, max_field) in [Format::Text, Format::Json]
            .into_iter()
            .flat_map(|f| [16, 256, 4096, 65_536].map(|m| (f, m)))
        {
            let options = Options {
                max_field,
                format,
                ..Options::default()
            };
            let logging = logging_with(io::sink(), io::sink(), options, BOUNDS);
            let log = logging.log.clone();
            let request = || {
                info!(log, "request"; "session" => 1u64, "peer" => "[2001:db8::1]:65535",
                      "expression" => Untrusted(&expr), "result" => Untrusted(&result));
            };
            let closed = || {
                info!(log, "session closed"; "session" => 1u64, "peer" => %long_text,
                      "reason" => %long_text, "duration" => %long_text, "requests" => 1u64,
                      "errors" => 0u64, "active" => 0usize);
            };
            // Warm up the thread's scratch buffers and the queue's waker.
            request();
            closed();
            let r = allocated_by(request) + slot;
            let c = allocated_by(closed) + slot;
            eprintln!(
                "{format:?}, max_field {max_field}: request record {r} bytes, session closed {c}, bound {}, queue {} records",
                record_bound(max_field),
                queue_records(max_field)
            );
            assert!(
                r <= record_bound(max_field),
                "{r} > {}",
                record_bound(max_field)
            );
            assert!(
                c <= record_bound(max_field),
                "{c} > {}",
                record_bound(max_field)
            );
            assert!(r > 2 * max_field, "the fields are not in the record? {r}");
            assert!(queue_records(max_field) * record_bound(max_field) <= QUEUE_BYTES);
            drop(log);
            logging.finish();
        }
    }
}

/// While installed (briefly: the hook is process-wide), panic messages go
/// to both sinks as escaped CRIT records.
#[test]
fn panics_are_logged_to_both_sinks() {
    let (console, file) = (Disk::default(), Disk::default());
    let mut logging = logging(console.clone(), file.clone());
    logging.hook_panics();
    let caught = std::panic::catch_unwind(|| panic!("boom \x1b[2K"));
    logging.finish();
    assert!(caught.is_err());
    for d in [&console, &file] {
        let t = d.text();
        assert!(t.contains(" CRIT panic, thread: "), "{t}");
        assert!(t.contains("boom \\u{1b}[2K"), "{t}");
    }
}
