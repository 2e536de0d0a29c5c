//! Non-interactive use: every input line is sent at once (pipelined) by a
//! writer thread while the main thread prints one answer per line.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpStream};

use wire::{Request, Response};

use crate::conn::{ClientError, Connection};
use crate::render;

/// How a batch went.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Requests sent (an `exit` line and what follows it are not counted).
    pub sent: u64,
    /// Answers received.
    pub answered: u64,
    /// Of those, `ERR`.
    pub errors: u64,
}

impl Summary {
    /// Whether every request got an `OK`.
    pub fn all_ok(&self) -> bool {
        self.errors == 0 && self.answered == self.sent
    }
}

/// Sends every line of `input` and writes the answers to `out`, one per
/// line; stops sending after an `exit` line.
pub fn run(
    conn: Connection,
    input: Box<dyn Read + Send>,
    out: &mut dyn Write,
) -> Result<Summary, ClientError> {
    let Connection { writer, mut reader } = conn;
    let sender = std::thread::spawn(move || send_all(writer, input));
    let mut summary = Summary::default();
    let result = (|| {
        while let Some(response) = reader.recv()? {
            if let Response::Bye { .. } = response {
                break;
            }
            summary.answered += 1;
            if !response.is_ok() {
                summary.errors += 1;
            }
            writeln!(out, "{}", render::answer(&response, None))?;
        }
        Ok::<(), ClientError>(())
    })();
    out.flush()?;
    // Once the server has closed, the sender has nothing left to do: a
    // write fails, and its reader (say, a terminal) is not waited for.
    summary.sent = sender.join().unwrap_or(0);
    result?;
    if summary.answered < summary.sent {
        eprintln!(
            "calc-client: the server closed the connection after {} of {} answers",
            summary.answered, summary.sent
        );
    }
    Ok(summary)
}

/// The writer thread: forwards lines, flushing whenever the input has
/// nothing more buffered, and half-closes the connection at the end so
/// the server answers everything and then closes. Returns the count sent.
fn send_all(stream: TcpStream, input: Box<dyn Read + Send>) -> u64 {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut net = BufWriter::with_capacity(64 * 1024, &stream);
    let mut line = Vec::new();
    let mut sent = 0;
    let result = (|| -> io::Result<()> {
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if line.last() != Some(&b'\n') {
                line.push(b'\n');
            }
            let is_exit = std::str::from_utf8(&line)
                .map(|t| Request::parse(t.trim_end_matches(['\n', '\r'])) == Request::Exit)
                .unwrap_or(false);
            net.write_all(&line)?;
            if is_exit {
                break;
            }
            sent += 1;
            if input.buffer().is_empty() {
                net.flush()?;
            }
        }
        net.flush()
    })();
    drop(net);
    if result.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    sent
}

/// The `--eval` expressions as input lines.
pub fn eval_input(exprs: &[String]) -> Box<dyn Read + Send> {
    let mut text = String::new();
    for e in exprs {
        text.push_str(e);
        text.push('\n');
    }
    Box::new(io::Cursor::new(text.into_bytes()))
}
