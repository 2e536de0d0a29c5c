//! CPython as the oracle: one long-running `python3` child per job that
//! answers a batch of expressions per round trip.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The oracle script, after the namespace it evaluates in (generated from
/// calc-core's names by `cargo xtask namespace`).
const SCRIPT: &str = concat!(
    include_str!("../../../crates/calc-core/python/calc_namespace.py"),
    include_str!("oracle.py")
);

/// CPython's answer for one expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyAnswer {
    /// `repr(eval(text, NS))`.
    Ok(String),
    /// The exception class and its message.
    Err { class: String, message: String },
    /// The text parses, but to something outside calc-core's language, or
    /// CPython did not finish it within the oracle's per-case time limit.
    Out,
}

/// How the oracle should treat a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain `eval`: the text is known to be inside the language (or a
    /// syntax error).
    Eval,
    /// Check the parse tree against the language first (for mutated text).
    Checked,
    /// Requests separated by [`SESSION_SEP`](super::gen::SESSION_SEP),
    /// evaluated one after the other in one copy of NS: the answer lists
    /// each request's repr or error class, then the names that differ
    /// from NS's at the end (see `session` in oracle.py).
    Session,
}

/// A running `python3` oracle.
pub struct Oracle {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Oracle {
    /// Starts `python3` (or `$PYTHON`) with the oracle script.
    pub fn start() -> Result<Oracle, String> {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        // `-c` rather than a temp file: nothing to clean up, nothing shared
        // between concurrent runs.
        let mut child = Command::new(&python)
            .arg("-c")
            .arg(SCRIPT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start {python}: {e}"))?;
        let stdin = child.stdin.take().ok_or("python3 has no stdin")?;
        let stdout = child.stdout.take().ok_or("python3 has no stdout")?;
        let mut oracle = Oracle {
            child,
            stdin: Some(BufWriter::with_capacity(1 << 16, stdin)),
            stdout: BufReader::with_capacity(1 << 16, stdout),
        };
        let mut hello = String::new();
        oracle
            .stdout
            .read_line(&mut hello)
            .map_err(|e| format!("reading {python}: {e}"))?;
        check_version(hello.trim_end(), &python)?;
        Ok(oracle)
    }

    /// Answers a batch. The requests are written by a second thread while
    /// this one runs `meanwhile` and then reads the answers, so neither pipe
    /// can fill up and block the other side, and CPython works while the
    /// caller does.
    pub fn ask_batch<T>(
        &mut self,
        requests: &[(Mode, &str)],
        meanwhile: impl FnOnce() -> T,
    ) -> Result<(Vec<PyAnswer>, T), String> {
        let stdin = self.stdin.as_mut().ok_or("oracle stdin closed")?;
        let stdout = &mut self.stdout;
        std::thread::scope(|s| {
            let writer = s.spawn(move || -> std::io::Result<()> {
                for (mode, text) in requests {
                    let tag = match mode {
                        Mode::Eval => "E ",
                        Mode::Checked => "C ",
                        Mode::Session => "Q ",
                    };
                    stdin.write_all(tag.as_bytes())?;
                    stdin.write_all(escape(text).as_bytes())?;
                    stdin.write_all(b"\n")?;
                }
                stdin.write_all(b"F\n")?;
                stdin.flush()
            });
            let extra = meanwhile();
            let mut answers = Vec::with_capacity(requests.len());
            let mut line = String::new();
            for _ in requests {
                line.clear();
                let n = stdout
                    .read_line(&mut line)
                    .map_err(|e| format!("reading python3: {e}"))?;
                if n == 0 {
                    return Err("python3 exited early".to_string());
                }
                answers.push(parse_answer(line.trim_end_matches('\n'))?);
            }
            match writer.join() {
                Ok(Ok(())) => Ok((answers, extra)),
                Ok(Err(e)) => Err(format!("writing to python3: {e}")),
                Err(_) => Err("oracle writer thread panicked".to_string()),
            }
        })
    }

    /// Answers one request (the shrinker's slow path).
    pub fn ask(&mut self, mode: Mode, text: &str) -> Result<PyAnswer, String> {
        let (mut answers, ()) = self.ask_batch(&[(mode, text)], || ())?;
        answers.pop().ok_or_else(|| "no answer".to_string())
    }

    /// The subexpressions of `text` as `(start, end, parent)` byte ranges,
    /// parent an index into the list (`None` for the root).
    pub fn segments(&mut self, text: &str) -> Result<Vec<(usize, usize, Option<usize>)>, String> {
        let stdin = self.stdin.as_mut().ok_or("oracle stdin closed")?;
        let io = |e: std::io::Error| format!("python3 pipe: {e}");
        writeln!(stdin, "S {}", escape(text)).map_err(io)?;
        writeln!(stdin, "F").map_err(io)?;
        stdin.flush().map_err(io)?;
        let mut line = String::new();
        self.stdout.read_line(&mut line).map_err(io)?;
        let Some(rest) = line.trim_end().strip_prefix("SEG ") else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for item in rest.split(' ') {
            let mut parts = item.split(':');
            let mut next = || parts.next().and_then(|p| p.parse::<i64>().ok());
            if let (Some(a), Some(b), Some(p)) = (next(), next(), next()) {
                out.push((a as usize, b as usize, usize::try_from(p).ok()));
            }
        }
        Ok(out)
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        // Closing stdin ends the script's read loop.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The answers are CPython 3.11's only if the oracle is CPython 3.11:
/// reprs, messages and even classes changed between versions.
fn check_version(hello: &str, python: &str) -> Result<(), String> {
    let version = hello
        .strip_prefix("READY ")
        .ok_or_else(|| format!("{python} did not start the oracle: {hello:?}"))?;
    if version.starts_with("cpython 3.11.") {
        Ok(())
    } else {
        Err(format!(
            "{python} is {version}; the oracle must be CPython 3.11 (set PYTHON=/path/to/python3.11)"
        ))
    }
}

/// One request per line: the script unescapes `\\`, `\n` and `\r`.
fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\\', '\n', '\r']) {
        text.replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
            .into()
    } else {
        text.into()
    }
}

fn parse_answer(line: &str) -> Result<PyAnswer, String> {
    // SLOW: CPython could not finish the case in its time limit, so it has no
    // answer to compare with; it is skipped like a case outside the language.
    if line == "OUT" || line == "SLOW" {
        return Ok(PyAnswer::Out);
    }
    if let Some(repr) = line.strip_prefix("OK ") {
        return Ok(PyAnswer::Ok(repr.to_string()));
    }
    if let Some(rest) = line.strip_prefix("ERR ") {
        let (class, message) = rest.split_once(' ').unwrap_or((rest, ""));
        return Ok(PyAnswer::Err {
            class: class.to_string(),
            message: message.to_string(),
        });
    }
    Err(format!("unexpected oracle answer: {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insists_on_cpython_3_11() {
        assert!(check_version("READY cpython 3.11.7", "python3").is_ok());
        assert!(check_version("READY cpython 3.12.1", "python3").is_err());
        assert!(check_version("READY pypy 3.11.0", "python3").is_err());
        assert!(check_version("Traceback", "python3").is_err());
    }

    #[test]
    fn escapes_line_breaks() {
        assert_eq!(escape("1 + 2"), "1 + 2");
        assert_eq!(escape("1\n+\\\r2"), "1\\n+\\\\\\r2");
    }

    #[test]
    fn oracle_round_trips_odd_text() {
        let mut o = Oracle::start().unwrap();
        assert_eq!(
            o.ask(Mode::Eval, "(1 +\n2)").unwrap(),
            PyAnswer::Ok("3".into())
        );
        assert_eq!(
            o.ask(Mode::Eval, "1 + \\\n2").unwrap(),
            PyAnswer::Ok("3".into())
        );
        assert!(matches!(
            o.ask(Mode::Eval, "1\r2").unwrap(),
            PyAnswer::Err { .. }
        ));
        assert_eq!(o.ask(Mode::Eval, "7").unwrap(), PyAnswer::Ok("7".into()));
    }

    #[test]
    fn parses_answers() {
        assert_eq!(parse_answer("OK 3").unwrap(), PyAnswer::Ok("3".into()));
        assert_eq!(parse_answer("OUT").unwrap(), PyAnswer::Out);
        assert_eq!(
            parse_answer("ERR ZeroDivisionError division by zero").unwrap(),
            PyAnswer::Err {
                class: "ZeroDivisionError".into(),
                message: "division by zero".into()
            }
        );
        assert!(parse_answer("what").is_err());
    }
}
