//! Logging: every record goes through one bounded queue (slog-async) to a
//! formatting thread, which formats it once (text with slog-term, or JSON
//! with slog-json) and appends the same bytes to two sinks, the console
//! (stderr) and the log file, each written by a thread of its own.
//!
//! What holds, and what it rests on:
//! - Client text cannot act on a terminal or forge a record: the
//!   [`sanitize`] layer, on the thread that logs, before the queue,
//!   escapes every string of every record ([`escape`]) and writes
//!   client-derived values ([`Untrusted`]) as quoted strings. It also
//!   packs the values (into the message for the text format), so that a
//!   queued record costs a few allocations, not one per value.
//! - Memory is bounded: every string in a record is cut (client values at
//!   `--log-max-field` bytes, server text at 1 KiB), so a record has a
//!   bounded size ([`record_bound`]); the queue holds at most
//!   [`queue_records`] of them (16 MiB at most in all) and the loggers wait
//!   when it is full; each sink buffers at most a fixed number of bytes.
//! - A stalled sink stops nothing else: the formatting thread only appends
//!   to the sinks' buffers. A sink whose buffer is full drops records and
//!   counts them, and writes a notice with the count once it has room
//!   again; a sink whose writes fail (a full disk) counts the lost bytes
//!   and reports them when writes succeed again (see [`sink`]).
//! - [`Reopener::reopen`] (on SIGHUP) writes what is buffered to the old
//!   file, then sends every later record to a freshly opened file of the
//!   same name, so a rotation loses no record.
//! - [`Logging::finish`] drains the queue, waits for the file to be
//!   written (at most [`FILE_FINISH_WAIT`]), gives the console a short
//!   wait ([`CONSOLE_FINISH_WAIT`]) and returns even if a writer is stuck.

mod escape;
mod sanitize;
mod sink;
mod timestamp;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use slog::{o, Drain, FnValue, Level, Logger, PushFnValue};
use slog_async::{AsyncGuard, OverflowStrategy};
use slog_term::{FullFormat, PlainDecorator};

pub use sanitize::Untrusted;
pub use sink::Format;

use sanitize::Sanitize;
use sink::{notice, Appended, Kind, Sink, Val};

/// The default `--log-max-field`.
pub const DEFAULT_MAX_FIELD: usize = 256;
/// The range `--log-max-field` accepts.
pub const MAX_FIELD_RANGE: std::ops::RangeInclusive<usize> = 16..=65_536;
/// Bytes the queue's records may occupy in all.
pub const QUEUE_BYTES: usize = 16 * 1024 * 1024;
/// Bytes the console's buffer holds before records are dropped for it.
pub const CONSOLE_BUFFER: usize = 1024 * 1024;
/// Bytes the log file's buffer holds before records are dropped for it.
pub const FILE_BUFFER: usize = 8 * 1024 * 1024;
/// How long [`Logging::finish`] waits for the log file to be written.
pub const FILE_FINISH_WAIT: Duration = Duration::from_secs(5);
/// How long [`Logging::finish`] then waits for the console.
pub const CONSOLE_FINISH_WAIT: Duration = Duration::from_millis(500);

/// The most memory one queued record takes, with client values cut at
/// `max_field` bytes: 4 KiB for its fixed part (the queue's slot, one box
/// per value, the message, and up to three server strings at their 1 KiB
/// limit) and two client values (no record has more), each with its cut
/// note. The unit test `a_queued_record_takes_at_most_record_bound`
/// measures the largest records against it.
pub fn record_bound(max_field: usize) -> usize {
    4 * 1024 + 2 * (max_field + 64)
}

/// How many records the queue holds: as many as fit in [`QUEUE_BYTES`],
/// at most 4096.
pub fn queue_records(max_field: usize) -> usize {
    (QUEUE_BYTES / record_bound(max_field)).clamp(16, 4096)
}

/// How logging is set up.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Least severe level logged.
    pub level: Level,
    /// Text or JSON.
    pub format: Format,
    /// Longest client-derived value kept, in bytes of escaped text.
    pub max_field: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            level: Level::Info,
            format: Format::Text,
            max_field: DEFAULT_MAX_FIELD,
        }
    }
}

/// Buffer sizes and waits (smaller in tests).
#[derive(Debug, Clone, Copy)]
struct Bounds {
    console_buffer: usize,
    file_buffer: usize,
    file_wait: Duration,
    console_wait: Duration,
}

const BOUNDS: Bounds = Bounds {
    console_buffer: CONSOLE_BUFFER,
    file_buffer: FILE_BUFFER,
    file_wait: FILE_FINISH_WAIT,
    console_wait: CONSOLE_FINISH_WAIT,
};

/// The server's logger and what it takes to shut it down cleanly.
pub struct Logging {
    /// The root logger; clone it or derive children with `new`.
    pub log: Logger,
    guard: Option<AsyncGuard>,
    console: Sink,
    file: Sink,
    writers: [Option<JoinHandle<()>>; 2],
    bounds: Bounds,
    format: Format,
    path: String,
    /// The panic hook sends to the sinks (restored at shutdown).
    hooked_panics: bool,
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
        self.file.reopen(Box::new(file));
        Ok(())
    }
}

impl Logging {
    /// Opens (appends to) `path` and starts the logging threads.
    pub fn start(path: &str, options: Options) -> io::Result<Logging> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        // A descriptor of its own: the console's writer never holds the
        // lock of `io::stderr()`, which the rest of the process uses.
        let console: Box<dyn Write + Send> = match io::stderr().as_fd().try_clone_to_owned() {
            Ok(fd) => Box::new(File::from(fd)),
            Err(_) => Box::new(io::stderr()),
        };
        let mut logging = Self::with_outputs(console, Box::new(file), path, options, BOUNDS)?;
        logging.hook_panics();
        Ok(logging)
    }

    /// Sends panic messages (an evaluator bug caught by `answer`, a worker
    /// thread dying) to both sinks as CRIT records, escaped, instead of
    /// the default hook's write to stderr, which would stop the panicking
    /// thread for as long as nobody reads the console.
    fn hook_panics(&mut self) {
        let (console, file, format) = (self.console.clone(), self.file.clone(), self.format);
        std::panic::set_hook(Box::new(move |info| {
            let thread = std::thread::current();
            let message = info.to_string();
            let record = notice(
                format,
                Level::Critical,
                "panic",
                &[
                    ("thread", Val::Text(thread.name().unwrap_or("unnamed"))),
                    ("message", Val::Text(&message)),
                ],
            );
            file.append_in_panic(&record);
            console.append_in_panic(&record);
        }));
        self.hooked_panics = true;
    }

    /// A handle that reopens the log file (see [`Reopener::reopen`]).
    pub fn reopener(&self) -> Reopener {
        Reopener {
            file: self.file.clone(),
            path: self.path.clone(),
        }
    }

    fn with_outputs(
        console_out: Box<dyn Write + Send>,
        file_out: Box<dyn Write + Send>,
        path: &str,
        options: Options,
        bounds: Bounds,
    ) -> io::Result<Logging> {
        let format = options.format;
        let console = Sink::new(Kind::Console, format, bounds.console_buffer);
        let file = Sink::new(Kind::File(path.to_string()), format, bounds.file_buffer);
        let writers = [
            Some(console.spawn_writer(console_out, Some(file.clone()))?),
            Some(file.spawn_writer(file_out, Some(console.clone()))?),
        ];
        let tee = Tee {
            record: Vec::with_capacity(512),
            console: console.clone(),
            file: file.clone(),
            format,
            path: path.to_string(),
        };
        let size = queue_records(options.max_field);
        let (queue, guard) = match format {
            Format::Text => queue(
                FullFormat::new(PlainDecorator::new(tee))
                    .use_custom_timestamp(text_timestamp)
                    .build()
                    .ignore_res(),
                size,
            ),
            Format::Json => queue(
                slog_json::Json::new(tee)
                    .set_newlines(true)
                    .set_flush(true)
                    // slog writes a list's values last to first: this puts
                    // ts, level and msg at the start of each object.
                    .add_key_value(o!(
                        "msg" => PushFnValue(|r, ser| ser.emit(r.msg())),
                        "level" => FnValue(|r| r.level().as_str()),
                        "ts" => PushFnValue(|_, ser| timestamp::with_now(|ts| ser.emit(ts))),
                    ))
                    .build()
                    .ignore_res(),
                size,
            ),
        };
        let drain = Sanitize {
            inner: queue.ignore_res(),
            max_field: options.max_field,
            format,
            no_values: slog::OwnedKVList::from(o!()),
        }
        .filter_level(options.level)
        .ignore_res();
        Ok(Logging {
            log: Logger::root(drain, o!()),
            guard: Some(guard),
            console,
            file,
            writers,
            bounds,
            format,
            path: path.to_string(),
            hooked_panics: false,
        })
    }

    /// Writes out every record logged so far and stops the logging threads;
    /// returns within about [`FILE_FINISH_WAIT`] + [`CONSOLE_FINISH_WAIT`]
    /// even if a sink's device never takes another byte.
    pub fn finish(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        // The guard's drop sends "finish" through the queue and joins the
        // formatting thread, which never waits for a device: every record
        // sent before is in the sinks' buffers.
        drop(self.guard.take());
        if self.hooked_panics {
            // The default hook again: the sinks' writers are ending.
            drop(std::panic::take_hook());
        }
        // The file first: the console's writer must still run to show
        // what the file's writer reports.
        self.file.stop();
        let file_done = self
            .file
            .wait_finished(Instant::now() + self.bounds.file_wait);
        if !file_done {
            self.console.append(&notice(
                self.format,
                Level::Error,
                "log file stalled at shutdown; its last records were not written",
                &[("path", Val::Text(&self.path))],
            ));
        }
        self.console.stop();
        let console_done = self
            .console
            .wait_finished(Instant::now() + self.bounds.console_wait);
        // A writer stuck in write(2) is left behind: it ends with the process.
        for (done, writer) in [console_done, file_done].into_iter().zip(&mut self.writers) {
            if let Some(h) = writer.take() {
                if done {
                    let _ = h.join();
                }
            }
        }
    }
}

impl Drop for Logging {
    fn drop(&mut self) {
        if self.guard.is_some() {
            self.shutdown();
        }
    }
}

/// The queue in front of `format`: `size` records; loggers wait when it is
/// full (the formatting thread behind it never waits for a device, so a
/// full queue only means the CPU is behind).
fn queue<D>(format: D, size: usize) -> (slog_async::Async, AsyncGuard)
where
    D: Drain<Ok = (), Err = slog::Never> + Send + 'static,
{
    slog_async::Async::new(format)
        .chan_size(size)
        .overflow_strategy(OverflowStrategy::Block)
        .thread_name("calc-log".into())
        .build_with_guard()
}

fn text_timestamp(io: &mut dyn Write) -> io::Result<()> {
    timestamp::with_now(|ts| io.write_all(ts.as_bytes()))
}

/// Gathers one formatted record (slog-term and slog-json write it in many
/// small pieces, then flush) and appends it to both sinks.
struct Tee {
    record: Vec<u8>,
    console: Sink,
    file: Sink,
    format: Format,
    path: String,
}

impl Write for Tee {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.record.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.record.is_empty() {
            return Ok(());
        }
        if self.file.append(&self.record) == (Appended::Dropped { first: true }) {
            self.console.append(&notice(
                self.format,
                Level::Error,
                "log file is not keeping up; log records are dropped until it catches up",
                &[("path", Val::Text(&self.path))],
            ));
        }
        self.console.append(&self.record);
        self.record.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests;
