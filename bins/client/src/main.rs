//! calc-client: the terminal client of calc-server.
//!
//! Exit status: 0 every answer was `OK` (or the interactive session ended
//! normally), 1 some request failed or the server went away, 2 no session
//! (could not connect, or the server was busy).

mod batch;
mod cli;
mod conn;
mod render;
mod repl;

use std::io::{self, IsTerminal};
use std::process::ExitCode;
use std::time::Duration;

use conn::{ClientError, Connection};

fn main() -> ExitCode {
    let args: cli::Args = argh::from_env();
    if args.version {
        println!("calc-client {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let (host, port) = match args.host_port() {
        Ok(hp) => hp,
        Err(msg) => {
            eprintln!("calc-client: {msg}");
            return ExitCode::from(2);
        }
    };
    let conn = match Connection::open(host, port, Duration::from_secs(args.connect_timeout)) {
        Ok(conn) => conn,
        Err(e) => {
            eprintln!("calc-client: {e}");
            return ExitCode::from(2);
        }
    };
    let result = if !args.eval.is_empty() {
        batch_status(batch::run(
            conn,
            batch::eval_input(&args.eval),
            &mut io::stdout(),
            &mut io::stderr(),
        ))
    } else if io::stdin().is_terminal() {
        repl::run(conn, host, port).map(|end| match end {
            repl::End::Normal => ExitCode::SUCCESS,
            repl::End::ByServer => ExitCode::from(1),
        })
    } else {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        batch_status(batch::run(
            conn,
            Box::new(io::stdin()),
            &mut out,
            &mut io::stderr(),
        ))
    };
    match result {
        Ok(code) => code,
        Err(ClientError::Busy(msg)) => {
            eprintln!("calc-client: {host} port {port} is busy: {msg}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("calc-client: {e}");
            ExitCode::from(1)
        }
    }
}

fn batch_status(result: Result<batch::Summary, ClientError>) -> Result<ExitCode, ClientError> {
    result.map(|s| {
        if s.all_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    })
}
