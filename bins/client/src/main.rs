//! calc-client: the terminal client of calc-server.
//!
//! Exit status: 0 every answer was `OK` (or the interactive prompt was
//! left with `exit`, `quit` or Ctrl-D), 1 some request failed or the server
//! went away before answering all (the prompt: the terminal failed), 2 a
//! command line that does not parse, or no session at the start (could not
//! connect, or the server was busy).

mod batch;
mod cli;
mod conn;
mod help;
mod helper;
mod history;
mod render;
mod repl;
mod watch;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use std::time::Duration;

use conn::{ClientError, Connection};

fn main() -> ExitCode {
    let args: cli::Args = match sockets::cli::args("calc-client") {
        Ok(args) => args,
        Err(status) => return status,
    };
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
    let connect_timeout = Duration::from_secs(args.connect_timeout);
    let conn = match Connection::open(host, port, connect_timeout) {
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
        let options = repl::Options {
            host,
            port,
            connect_timeout,
            history: history::Location::resolve(
                args.no_history,
                args.history_file.as_deref(),
                |name| std::env::var_os(name),
            ),
        };
        repl::run(conn, &options).map(|()| ExitCode::SUCCESS)
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
