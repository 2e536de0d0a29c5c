//! What to send and what to expect back: one request line and the answer
//! that counts as correct for it.

use std::fs;
use std::path::Path;

/// The answer that counts as correct for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// The whole response line (without its line end) must equal this.
    Exact(Vec<u8>),
    /// The response line must start with this.
    Prefix(Vec<u8>),
}

impl Expect {
    /// Whether `line` (without its line end) is the expected answer.
    pub fn matches(&self, line: &[u8]) -> bool {
        match self {
            Expect::Exact(want) => line == want.as_slice(),
            Expect::Prefix(want) => line.starts_with(want),
        }
    }

    /// A readable form for reports.
    pub fn describe(&self) -> String {
        match self {
            Expect::Exact(want) => String::from_utf8_lossy(want).into_owned(),
            Expect::Prefix(want) => format!("{}...", String::from_utf8_lossy(want)),
        }
    }
}

/// One request: the bytes sent (with the trailing LF) and the expectation.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request line including its LF.
    pub line: Vec<u8>,
    /// What a correct answer looks like.
    pub expect: Expect,
}

impl Request {
    /// The request text without its line end, for reports.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.line.strip_suffix(b"\n").unwrap_or(&self.line)).into_owned()
    }
}

/// Why a workload could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    /// The mix file could not be read.
    #[error("cannot read mix file {path}: {source}")]
    Read {
        /// The file named on the command line.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The mix file holds no request.
    #[error("mix file {0} holds no request (blank lines and # comments are skipped)")]
    Empty(String),
    /// A request contains a line break, which would split it in two.
    #[error("request {0:?} contains a line break")]
    LineBreak(String),
}

/// The expected answer of calc-server for `expr`, computed with calc-core,
/// the library the server runs.
///
/// A value must match exactly (`OK repr`); an error only by its class
/// (`ERR Class:`), because the message wording is the server's business.
pub fn calc_expect(expr: &str) -> Expect {
    let limits = calc_core::Limits::default();
    // The server prints with the 4300-digit limit, so the expectation must too.
    match calc_core::eval_with(expr.trim(), &limits).and_then(|v| v.repr(&limits)) {
        Ok(repr) => Expect::Exact(format!("OK {repr}").into_bytes()),
        Err(err) => Expect::Prefix(format!("ERR {}:", err.class()).into_bytes()),
    }
}

fn request(text: &str, expect: Expect) -> Result<Request, WorkloadError> {
    if text.contains(['\n', '\r']) {
        return Err(WorkloadError::LineBreak(text.to_owned()));
    }
    let mut line = Vec::with_capacity(text.len() + 1);
    line.extend_from_slice(text.as_bytes());
    line.push(b'\n');
    Ok(Request { line, expect })
}

/// One calc expression; `expect` overrides the computed answer.
pub fn from_expr(expr: &str, expect: Option<&str>) -> Result<Vec<Request>, WorkloadError> {
    let expect = match expect {
        Some(answer) => Expect::Exact(answer.as_bytes().to_vec()),
        None => calc_expect(expr),
    };
    Ok(vec![request(expr, expect)?])
}

/// Any line server: send `line`, accept answers starting with `prefix`.
pub fn from_line(line: &str, prefix: &str) -> Result<Vec<Request>, WorkloadError> {
    Ok(vec![request(
        line,
        Expect::Prefix(prefix.as_bytes().to_vec()),
    )?])
}

/// Parses a mix file: one expression per line; blank lines and lines whose
/// first non-blank character is `#` are skipped; `EXPR<TAB>ANSWER` gives the
/// exact expected response line instead of the one calc-core computes.
pub fn parse_mix(text: &str) -> Result<Vec<Request>, WorkloadError> {
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let req = match line.split_once('\t') {
            Some((expr, answer)) => request(expr, Expect::Exact(answer.as_bytes().to_vec()))?,
            None => request(line, calc_expect(line))?,
        };
        out.push(req);
    }
    Ok(out)
}

/// Reads and parses the mix file at `path`.
pub fn from_mix_file(path: &Path) -> Result<Vec<Request>, WorkloadError> {
    let name = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|source| WorkloadError::Read {
        path: name.clone(),
        source,
    })?;
    let reqs = parse_mix(&text)?;
    if reqs.is_empty() {
        return Err(WorkloadError::Empty(name));
    }
    Ok(reqs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_prefix_matching() {
        assert!(Expect::Exact(b"OK 7".to_vec()).matches(b"OK 7"));
        assert!(!Expect::Exact(b"OK 7".to_vec()).matches(b"OK 70"));
        assert!(Expect::Prefix(b"+PONG".to_vec()).matches(b"+PONG"));
        assert!(!Expect::Prefix(b"+PONG".to_vec()).matches(b"-ERR"));
    }

    /// The server refuses to print an int of more than 4300 digits, as
    /// CPython does; the expected answer must be that refusal too.
    #[test]
    fn expected_answers_keep_the_4300_digit_limit() {
        assert!(calc_expect("10**4299").matches(format!("OK 1{}", "0".repeat(4299)).as_bytes()));
        let over = calc_expect("10**4300");
        assert!(over.matches(b"ERR ValueError: Exceeds the limit (4300 digits)"));
        assert!(!over.matches(format!("OK 1{}", "0".repeat(4300)).as_bytes()));
    }

    #[test]
    fn mix_skips_comments_and_reads_explicit_answers() {
        let reqs = parse_mix("# header\n\n1+1\tOK 2\r\n  # indented comment\n2*3\tOK 6\n")
            .expect("valid mix");
        assert_eq!(reqs.len(), 2);
        assert_eq!(reqs[0].line, b"1+1\n");
        assert_eq!(reqs[0].expect, Expect::Exact(b"OK 2".to_vec()));
        assert_eq!(reqs[1].text(), "2*3");
    }

    #[test]
    fn line_mode_appends_lf() {
        let reqs = from_line("PING", "+PONG").expect("valid line");
        assert_eq!(reqs[0].line, b"PING\n");
        assert_eq!(reqs[0].expect, Expect::Prefix(b"+PONG".to_vec()));
    }

    #[test]
    fn explicit_expect_overrides_calc_core() {
        let reqs = from_expr("1+2*3", Some("OK 7")).expect("valid expr");
        assert_eq!(reqs[0].expect, Expect::Exact(b"OK 7".to_vec()));
    }

    #[test]
    fn line_breaks_are_rejected() {
        assert!(from_line("PING\nPING", "+PONG").is_err());
    }
}
