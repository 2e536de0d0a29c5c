//! calc-server: evaluates Python arithmetic expressions for TCP clients.
//!
//! See docs/operations.md for flags and logging, docs/architecture.md for
//! the design and docs/protocol.md for the wire protocol.

mod answer;
mod cli;
mod conn;
mod logging;
mod names;
mod pool;
mod proxied;
mod server;
mod shared;
mod worker;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: cli::Args = match sockets::cli::args("calc-server") {
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
