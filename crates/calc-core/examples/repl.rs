//! Reads one expression per line from stdin and prints, per line, the
//! value's Python `repr` or the error as `Class: message`.
//!
//! ```text
//! $ printf '2**100\n1/0\n' | cargo run -p calc-core --example repl
//! 1267650600228229401496703205377
//! ZeroDivisionError: division by zero
//! ```
//!
//! With `--column`, a `SyntaxError` line ends with ` @<column>` (1-based),
//! which is what the differential tests compare with CPython's `offset`.
//! A line is one expression: embedded newlines cannot be given this way.

use std::io::{self, BufRead, BufWriter, Write};

use calc_core::Limits;

fn main() -> io::Result<()> {
    let show_column = std::env::args().any(|a| a == "--column");
    let limits = Limits::default();
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut text = String::new();
    for line in stdin.lock().split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.strip_suffix('\r').unwrap_or(&line);
        match calc_core::eval_with(line, &limits) {
            // `write_repr` applies the 4300-digit limit, as Python's repr.
            Ok(value) => {
                text.clear();
                match value.write_repr(&mut text, &limits) {
                    Ok(()) => writeln!(out, "{text}")?,
                    Err(e) => writeln!(out, "{e}")?,
                }
            }
            Err(e) => match e.column() {
                Some(c) if show_column => writeln!(out, "{e} @{c}")?,
                _ => writeln!(out, "{e}")?,
            },
        }
        out.flush()?;
    }
    Ok(())
}
