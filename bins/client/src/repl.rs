//! The interactive prompt: line editing and history (rustyline), plain
//! answers, errors marked, a caret under a syntax error.

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;
use wire::{Request, Response};

use crate::conn::{ClientError, Connection};
use crate::render;

/// The prompt; its width places the caret under a syntax error's column.
pub const PROMPT: &str = "calc> ";

/// How an interactive session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum End {
    /// `exit`, `quit` or Ctrl-D: the server said `BYE`.
    Normal,
    /// The server ended the session or went away.
    ByServer,
}

/// Runs the prompt until the user leaves or the server goes away.
pub fn run(mut conn: Connection, host: &str, port: u16) -> Result<End, ClientError> {
    let mut editor = DefaultEditor::new().map_err(io_error)?;
    println!("calc-client: connected to {host} port {port}; `exit` or Ctrl-D to leave");
    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => String::from("exit"),
            Err(e) => return Err(io_error(e)),
        };
        if line.trim().is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line.as_str());
        let leaving = Request::parse(&line) == Request::Exit;
        conn.send(&line)?;
        match conn.recv()? {
            Some(Response::Bye { duration }) => {
                if leaving {
                    println!("session lasted {}", render::seconds(duration));
                    return Ok(End::Normal);
                }
                eprintln!(
                    "calc-client: the server ended the session after {}",
                    render::seconds(duration)
                );
                return Ok(End::ByServer);
            }
            Some(response) => println!("{}", render::answer(&response, Some(PROMPT.len()))),
            None => {
                eprintln!("calc-client: the server closed the connection");
                return Ok(End::ByServer);
            }
        }
    }
}

fn io_error(e: ReadlineError) -> ClientError {
    match e {
        ReadlineError::Io(e) => ClientError::Io(e),
        other => ClientError::Io(std::io::Error::other(other.to_string())),
    }
}
