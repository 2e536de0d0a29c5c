//! calc-bench: a closed-loop load generator for calc-server and any other
//! line server (a Redis inline `PING` too), in the spirit of redis-benchmark.
//!
//! One run may mix two classes of traffic on separate connections: the cheap
//! class the unprefixed options describe and a costly class (`--costly-*`),
//! each reported on its own, to see whether cheap requests wait behind
//! costly ones.
//!
//! Exit status: 0 every answer correct; 1 the run completed but some answer
//! was wrong, unexpected or missing, or a connection was lost; 2 bad usage or
//! no connection.

mod class;
mod conn;
mod report;
mod run;
mod stats;
mod worker;
mod workload;

use std::path::PathBuf;
use std::process::ExitCode;

use argh::FromArgs;

/// Closed-loop load generator: N connections each keep P requests in flight;
/// prints requests/s and latency percentiles and checks every answer.
#[derive(FromArgs, Debug)]
#[argh(
    note = "Traffic classes: --connections, --pipeline and the request options describe the cheap class. --costly-connections K adds a costly class of K more connections (each load thread opens its cheap connections first) with its own depth (--costly-pipeline) and requests (--costly-expr [--costly-expect], --costly-mix, or --costly-line with --costly-expect-prefix). Each class gets its own requests/s, latency percentiles and answer counts, in the text and in --json (keys cheap_* and costly_*; the unprefixed counts and figures are the whole run). A run with a costly class is bounded by --duration, not --requests.\n\nLatencies cover every request in flight at some moment of the measurement: answers that arrive in the drain after it are timed too (not counted for requests/s), so a request stuck behind slow ones is not left out.",
    example = "Redis under a slow Lua script:\n  calc-bench 127.0.0.1 6379 -c 8 --line PING --expect-prefix +PONG --costly-connections 8 --costly-line 'EVAL \"local i=0 while i<2000000 do i=i+1 end return i\" 0' --costly-expect-prefix :2000000",
    example = "calc-server under its costly requests:\n  calc-bench -c 8 -e '1+2*3' --costly-connections 2 --costly-pipeline 150 --costly-expr 'pow(3, 10**1000, 10**1000 + 1) % 2'"
)]
pub struct Args {
    /// HOST and PORT of the server (default 127.0.0.1 4390)
    #[argh(positional, arg_name = "HOST PORT")]
    target: Vec<String>,

    /// connections to open (default 50)
    #[argh(option, short = 'c', default = "50")]
    connections: usize,

    /// requests in flight per connection (default 1)
    #[argh(option, short = 'P', default = "1")]
    pipeline: usize,

    /// measured seconds (default 10; ignored with --requests)
    #[argh(option, short = 'd', default = "10.0")]
    duration: f64,

    /// stop after this many requests in total instead of after --duration
    #[argh(option, short = 'n')]
    requests: Option<u64>,

    /// seconds of load before the measurement starts (default 1)
    #[argh(option, default = "1.0")]
    warmup: f64,

    /// expression to send (default `1+2*3`); the answer is checked against calc-core
    #[argh(option, short = 'e')]
    expr: Option<String>,

    /// exact expected answer line for --expr, instead of calc-core's
    #[argh(option)]
    expect: Option<String>,

    /// file of expressions, one a line (`EXPR<TAB>ANSWER` to give the answer)
    #[argh(option)]
    mix: Option<PathBuf>,

    /// send this raw line instead (e.g. PING for Redis); needs --expect-prefix
    #[argh(option)]
    line: Option<String>,

    /// with --line: answers must start with this (e.g. +PONG)
    #[argh(option)]
    expect_prefix: Option<String>,

    /// connections of the costly class (default 0: no costly class)
    #[argh(option, default = "0")]
    costly_connections: usize,

    /// requests in flight per costly connection (default 1)
    #[argh(option, default = "1")]
    costly_pipeline: usize,

    /// expression the costly class sends; its answer is checked against calc-core
    #[argh(option)]
    costly_expr: Option<String>,

    /// exact expected answer line for --costly-expr, instead of calc-core's
    #[argh(option)]
    costly_expect: Option<String>,

    /// mix file for the costly class (as --mix)
    #[argh(option)]
    costly_mix: Option<PathBuf>,

    /// raw line the costly class sends (e.g. a Redis EVAL); needs --costly-expect-prefix
    #[argh(option)]
    costly_line: Option<String>,

    /// with --costly-line: answers must start with this (e.g. :2000000)
    #[argh(option)]
    costly_expect_prefix: Option<String>,

    /// load threads (default 1; each drives its share of the connections)
    #[argh(option, short = 't', default = "1")]
    threads: usize,

    /// give up when no answer arrives for this many seconds (default 10)
    #[argh(option, default = "10.0")]
    timeout: f64,

    /// print the result as one line of JSON
    #[argh(switch)]
    json: bool,

    /// no progress line, even on a terminal
    #[argh(switch, short = 'q')]
    quiet: bool,

    /// print the version and exit
    #[argh(switch)]
    version: bool,
}

fn main() -> ExitCode {
    let args: Args = match sockets::cli::args("calc-bench") {
        Ok(args) => args,
        Err(status) => return status,
    };
    if args.version {
        println!("calc-bench {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    match run::run(&args) {
        Ok(report) => {
            if args.json {
                println!("{}", report.json());
            } else {
                print!("{}", report.text());
            }
            if report.stats.failed() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            eprintln!("calc-bench: {err}");
            ExitCode::from(2)
        }
    }
}
