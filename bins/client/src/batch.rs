//! Non-interactive use: every input line is sent at once (pipelined) by a
//! writer thread while the main thread prints one line per answer: the
//! value on stdout, an error on stderr (as python and bc do), in order.
//! Blank lines and lines holding only a `# comment` are not sent.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

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
    /// The server ended the session while there was still input to send.
    pub cut_short: bool,
}

impl Summary {
    /// Whether every request got an `OK`.
    pub fn all_ok(&self) -> bool {
        self.errors == 0 && self.answered == self.sent && !self.cut_short
    }
}

/// Sends every line of `input` (but blank and comment-only lines) and
/// writes each answer on a line: values to `out`, errors to `err` (after
/// flushing `out`, so that the two keep their order on one terminal);
/// stops sending after an `exit` line.
pub fn run(
    conn: Connection,
    input: Box<dyn Read + Send>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Summary, ClientError> {
    let Connection { writer, mut reader } = conn;
    let progress = Arc::new(Progress::default());
    let sender = {
        let progress = Arc::clone(&progress);
        std::thread::spawn(move || send_all(writer, input, &progress))
    };
    let mut summary = Summary::default();
    let result = (|| {
        while let Some(response) = reader.recv()? {
            if let Response::Bye { .. } = response {
                break;
            }
            summary.answered += 1;
            if response.is_ok() {
                writeln!(out, "{}", render::answer(&response, None))?;
            } else {
                summary.errors += 1;
                out.flush()?;
                writeln!(err, "{}", render::answer(&response, None))?;
            }
            // Caught up with every request sent so far: the next read may
            // wait for input, so show what we have (a pipe fed by hand or
            // by `tail -f` sees each answer as it comes).
            if summary.answered >= progress.sent.load(Ordering::Acquire) {
                out.flush()?;
            }
        }
        Ok::<(), ClientError>(())
    })();
    out.flush()?;
    // The server has closed. A sender that is done is joined; one still
    // blocked reading its input (a pipe that stays open) is left behind:
    // the process ends without it.
    if progress.done.load(Ordering::Acquire) {
        let _ = sender.join();
    } else {
        summary.cut_short = true;
    }
    summary.sent = progress.sent.load(Ordering::Acquire);
    result?;
    if summary.cut_short {
        eprintln!("calc-client: the server ended the session before the input did");
    }
    if summary.answered < summary.sent {
        eprintln!(
            "calc-client: the server closed the connection after {} of {} answers",
            summary.answered, summary.sent
        );
    }
    Ok(summary)
}

/// What the writer thread has done, for the reader.
#[derive(Default)]
struct Progress {
    /// Requests sent.
    sent: AtomicU64,
    /// All input was sent (or sending failed).
    done: AtomicBool,
}

/// The writer thread: forwards lines, flushing whenever the input has
/// nothing more buffered, and half-closes the connection at the end so
/// the server answers everything and then closes.
fn send_all(stream: TcpStream, input: Box<dyn Read + Send>, progress: &Progress) {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut net = BufWriter::with_capacity(64 * 1024, &stream);
    let mut line = Vec::new();
    let result = (|| -> io::Result<()> {
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            if line.last() != Some(&b'\n') {
                line.push(b'\n');
            }
            let text = std::str::from_utf8(&line).ok();
            if text.is_some_and(skipped) {
                // Still flush what came before, if the input pauses here.
                if input.buffer().is_empty() {
                    net.flush()?;
                }
                continue;
            }
            let is_exit = text
                .is_some_and(|t| Request::parse(t.trim_end_matches(['\n', '\r'])) == Request::Exit);
            net.write_all(&line)?;
            if is_exit {
                break;
            }
            progress.sent.fetch_add(1, Ordering::AcqRel);
            if input.buffer().is_empty() {
                net.flush()?;
            }
        }
        // Set before the last bytes leave: an answer to them (or the end
        // of stream after them) then proves the input was all sent.
        progress.done.store(true, Ordering::Release);
        net.flush()
    })();
    progress.done.store(true, Ordering::Release);
    drop(net);
    if result.is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
}

/// Whether a line is not sent: blank, or only a comment (python and bc
/// skip these; the server would answer a SyntaxError).
fn skipped(line: &str) -> bool {
    let text = line.trim();
    text.is_empty() || text.starts_with('#')
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_comment_lines_are_skipped() {
        for line in ["\n", "   \t\r\n", "# note\n", "   # indented note\n", ""] {
            assert!(skipped(line), "{line:?}");
        }
        for line in ["1\n", "1 # one\n", "exit\n", "x#\n"] {
            assert!(!skipped(line), "{line:?}");
        }
    }
}
