//! Command-line flags of calc-server.

use std::fmt;
use std::str::FromStr;

use argh::FromArgs;

use crate::logging::Format;

pub use sockets::cli::{DEFAULT_HOST, DEFAULT_PORT};

/// The default `--proxy-header-timeout` in seconds: a balancer sends the
/// header with its first packet, so a few seconds covers a loaded balancer
/// while a connection that never sends one holds a descriptor only briefly.
pub const DEFAULT_PROXY_HEADER_TIMEOUT: u64 = 3;

/// The default `--names-memory`: 256 MiB for the names of all sessions,
/// 64 sessions at the default `--session-memory`, far more of the sizes
/// people type (a thousand small names take about 70 KB).
pub const DEFAULT_NAMES_MEMORY: u64 = 256 << 20;

/// calc-server: evaluates Python arithmetic expressions for TCP clients,
/// one request per line (see docs/protocol.md).
#[derive(FromArgs, Debug)]
pub struct Args {
    /// optional HOST to listen on (default 127.0.0.1; `::1` or `::` for
    /// IPv6) and PORT (default 4390; 0 picks a free port, printed on stdout)
    #[argh(positional, arg_name = "HOST PORT")]
    pub endpoint: Vec<String>,

    /// log file, appended to (default calc-server.log)
    #[argh(option, default = "String::from(\"calc-server.log\")")]
    pub log_file: String,

    /// least severe level logged: critical, error, warning, info, debug or
    /// trace (default info: one line per request)
    #[argh(option, default = "LogLevel(slog::Level::Info)")]
    pub log_level: LogLevel,

    /// log record format, on the console and in the file: text (one line
    /// per record) or json (one JSON object per line) (default text)
    #[argh(option, default = "LogFormat(Format::Text)")]
    pub log_format: LogFormat,

    /// longest client-derived value (expression, result, error message) a
    /// log record keeps, in bytes of escaped text; longer values are cut
    /// and their full length noted; 16 to 65536 (default 256)
    #[argh(option, default = "crate::logging::DEFAULT_MAX_FIELD")]
    pub log_max_field: usize,

    /// most sessions open at once; further clients get `ERR Busy` (default 10000)
    #[argh(option, default = "10_000")]
    pub max_clients: usize,

    /// seconds a session may stay silent before the server ends it with
    /// `BYE` (default 0: never)
    #[argh(option, default = "0")]
    pub idle_timeout: u64,

    /// longest request line in bytes (default 65536)
    #[argh(option, default = "65_536")]
    pub max_request: usize,

    /// bytes of ints one request's evaluation may hold at once, 8 MiB being
    /// 64 ints of the largest size; more is `ERR LimitError` (default
    /// 8388608)
    #[argh(option, default = "calc_core::Limits::default().max_memory")]
    pub request_memory: u64,

    /// names one session may bind with assignment expressions (`(x :=
    /// 1)`), kept between its requests; a new one past it is `ERR
    /// LimitError` and the session's names stay as they were (default
    /// 1000)
    #[argh(option, default = "calc_core::Limits::default().max_names")]
    pub session_names: usize,

    /// bytes one session's names may hold: 64 a name, twice its text, and
    /// its int's magnitude (default 4194304)
    #[argh(option, default = "calc_core::Limits::default().max_names_memory")]
    pub session_memory: u64,

    /// bytes the names of all sessions together may hold, freed as
    /// sessions end; a request that would pass it is `ERR LimitError`
    /// (default 268435456)
    #[argh(option, default = "DEFAULT_NAMES_MEMORY")]
    pub names_memory: u64,

    /// event-loop worker threads (default: one fewer than the CPUs, at
    /// least one)
    #[argh(option)]
    pub workers: Option<usize>,

    /// threads that evaluate the requests needing more than a worker's
    /// inline slice of the work budget, at a lower priority (default: one
    /// per CPU)
    #[argh(option)]
    pub eval_threads: Option<usize>,

    /// listen backlog (default 1024)
    #[argh(option, default = "1024")]
    pub backlog: u32,

    /// expect a HAProxy PROXY protocol header (v1 or v2) at the start of
    /// every connection and use the client address it names; connections
    /// without a valid header are closed (default off: never trusted)
    #[argh(switch)]
    pub proxy_protocol: bool,

    /// seconds a connection may take to send its complete PROXY header
    /// before it is closed, with --proxy-protocol (default 3)
    #[argh(option, default = "DEFAULT_PROXY_HEADER_TIMEOUT")]
    pub proxy_header_timeout: u64,

    /// print the version and exit
    #[argh(switch)]
    pub version: bool,
}

impl Args {
    /// The host and port from the positional arguments, with defaults.
    pub fn host_port(&self) -> Result<(&str, u16), String> {
        sockets::endpoint(&self.endpoint, DEFAULT_HOST, DEFAULT_PORT).map_err(|e| e.to_string())
    }
}

/// A `--log-level` value: a [`slog::Level`] spelled as in Python's logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLevel(pub slog::Level);

impl FromStr for LogLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let level = match s.to_ascii_lowercase().as_str() {
            "critical" => slog::Level::Critical,
            "error" => slog::Level::Error,
            "warning" | "warn" => slog::Level::Warning,
            "info" => slog::Level::Info,
            "debug" => slog::Level::Debug,
            "trace" => slog::Level::Trace,
            _ => {
                return Err(format!(
                "unknown log level {s:?}: expected critical, error, warning, info, debug or trace"
            ))
            }
        };
        Ok(LogLevel(level))
    }
}

/// A `--log-format` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogFormat(pub Format);

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat(Format::Text)),
            "json" => Ok(LogFormat(Format::Json)),
            _ => Err(format!("unknown log format {s:?}: expected text or json")),
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, argh::EarlyExit> {
        Args::from_args(&["calc-server"], args)
    }

    #[test]
    fn defaults_match_the_seed() {
        let a = parse(&[]).unwrap();
        assert_eq!(a.host_port(), Ok(("127.0.0.1", 4390)));
        assert_eq!(a.log_file, "calc-server.log");
        assert_eq!(a.log_level, LogLevel(slog::Level::Info));
        assert_eq!(a.max_request, 65_536);
        assert_eq!(a.idle_timeout, 0);
        assert!(a.workers.is_none());
        assert!(!a.proxy_protocol);
        assert_eq!(a.proxy_header_timeout, 3);
        assert_eq!(a.log_format, LogFormat(Format::Text));
        assert_eq!(a.log_max_field, 256);
        // The figures the help text (and docs/operations.md) give.
        assert_eq!(a.max_clients, 10_000);
        assert_eq!(a.backlog, 1024);
        assert!(a.eval_threads.is_none());
        assert_eq!(
            (a.session_names, a.session_memory, a.names_memory),
            (1000, 4 << 20, 256 << 20)
        );
    }

    #[test]
    fn log_format_and_field_length() {
        let a = parse(&["--log-format", "JSON", "--log-max-field", "64"]).unwrap();
        assert_eq!(a.log_format, LogFormat(Format::Json));
        assert_eq!(a.log_max_field, 64);
        assert!(parse(&["--log-format", "xml"]).is_err());
        assert!(parse(&["--log-max-field", "-1"]).is_err());
    }

    #[test]
    fn proxy_protocol_flags() {
        let a = parse(&["--proxy-protocol", "--proxy-header-timeout", "1"]).unwrap();
        assert!(a.proxy_protocol);
        assert_eq!(a.proxy_header_timeout, 1);
    }

    #[test]
    fn positional_host_and_port() {
        let a = parse(&["::1", "0", "--log-level", "WARNING"]).unwrap();
        assert_eq!(a.host_port(), Ok(("::1", 0)));
        assert_eq!(a.log_level, LogLevel(slog::Level::Warning));
        let a = parse(&["0.0.0.0"]).unwrap();
        assert_eq!(a.host_port(), Ok(("0.0.0.0", 4390)));
    }

    #[test]
    fn bad_level_and_port_are_rejected() {
        assert!(parse(&["--log-level", "loud"]).is_err());
        assert!(parse(&["localhost", "70000"]).unwrap().host_port().is_err());
        assert!(parse(&["a", "1", "2"]).unwrap().host_port().is_err());
    }
}
