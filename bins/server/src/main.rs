//! calc-server: evaluates Python arithmetic expressions for TCP clients.
//!
//! See docs/operations.md for flags and logging, docs/architecture.md for
//! the design and docs/protocol.md for the wire protocol.

mod answer;
mod cli;
mod conn;
mod logging;
mod pool;
mod proxied;
mod server;
mod shared;
mod worker;

use std::process::ExitCode;

use argh::FromArgs;

fn main() -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(status) => return status,
    };
    if args.version {
        println!("calc-server {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    match server::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("calc-server: {e}");
            ExitCode::from(2)
        }
    }
}

/// The command line. `--help` prints the help and exits 0; a command line
/// that does not parse (an unknown flag, a missing or bad value, an
/// argument that is not UTF-8) exits 2, the usage status.
fn args() -> Result<cli::Args, ExitCode> {
    let argv: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect();
    let argv = argv.map_err(|bad| {
        eprintln!("calc-server: not UTF-8: {}", bad.to_string_lossy());
        ExitCode::from(2)
    })?;
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    <cli::Args as FromArgs>::from_args(&["calc-server"], &argv).map_err(|exit| match exit.status {
        Ok(()) => {
            println!("{}", exit.output);
            ExitCode::SUCCESS
        }
        Err(()) => {
            eprintln!(
                "{}\nRun calc-server --help for more information.",
                exit.output
            );
            ExitCode::from(2)
        }
    })
}
