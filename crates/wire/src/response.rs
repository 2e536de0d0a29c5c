//! What the server answers: `OK`, `ERR`, `BYE` lines, encoded and parsed.

use std::fmt::{self, Display, Write as _};
use std::time::Duration;

use crate::error::FrameError;

/// The error class of the answer to a client refused for lack of capacity.
pub const BUSY_CLASS: &str = "Busy";

/// The line limit a client should read responses with: four times the
/// default request limit. A response can be longer than the request it
/// answers (an error message may quote a 64 KiB name); the server never
/// sends one longer than this.
pub const MAX_RESPONSE_LINE: usize = 4 * crate::DEFAULT_MAX_LINE;

/// One response line, owned; what a client gets back from
/// [`Response::parse`].
///
/// The server side usually writes responses with the borrowing `encode_*`
/// functions instead ([`encode_ok`], [`encode_err`], ...), which format
/// straight into the output buffer without allocating.
///
/// `Display` gives the protocol line without its `LF`.
///
/// ```
/// use std::time::Duration;
/// use wire::Response;
///
/// let mut out = Vec::new();
/// Response::Ok("1267650600228229401496703205377".into()).encode(&mut out);
/// Response::Bye { duration: Duration::from_millis(12_345) }.encode(&mut out);
/// assert_eq!(out, b"OK 1267650600228229401496703205377\nBYE 12.345\n");
///
/// let r = Response::parse("ERR SyntaxError: invalid syntax (column 3)").unwrap();
/// assert_eq!(r, Response::Err {
///     class: "SyntaxError".into(),
///     message: "invalid syntax".into(),
///     column: Some(3),
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `OK repr`: the value's Python `repr`.
    Ok(String),
    /// `ERR Class: message`: evaluation or framing failed; the session goes
    /// on. For a `SyntaxError` the line ends in ` (column N)`, the 1-based
    /// column (in characters) of the error in the request.
    Err {
        /// Python exception class, e.g. `ZeroDivisionError`, or `LimitError`.
        class: String,
        /// The message, without class or column.
        message: String,
        /// For a `SyntaxError`, the 1-based column.
        column: Option<usize>,
    },
    /// `BYE seconds`: the session's length; the server closes the connection
    /// after it. Encoded with millisecond precision (`BYE 12.345`).
    Bye {
        /// How long the session lasted.
        duration: Duration,
    },
    /// `ERR Busy: message`: the server is at its client limit; it closes the
    /// connection after this line.
    Busy {
        /// Why the client was refused.
        message: String,
    },
}

/// A line that is not a valid response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed response ({reason}): {line:?}")]
pub struct ResponseParseError {
    /// The offending line (at most 200 bytes of it).
    pub line: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl ResponseParseError {
    fn new(line: &str, reason: &'static str) -> Self {
        let mut cut = line.len().min(200);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        ResponseParseError {
            line: line.get(..cut).unwrap_or_default().to_owned(),
            reason,
        }
    }
}

impl Response {
    /// Whether this is an `OK` line.
    pub fn is_ok(&self) -> bool {
        matches!(self, Response::Ok(_))
    }

    /// Appends the line, with its `LF`, to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Response::Ok(repr) => encode_ok(out, repr),
            Response::Err {
                class,
                message,
                column,
            } => encode_err(out, class, message, *column),
            Response::Bye { duration } => encode_bye(out, *duration),
            Response::Busy { message } => encode_busy(out, message),
        }
    }

    /// Parses one response line (without its `LF`; a trailing `CR` is
    /// ignored).
    pub fn parse(line: &str) -> Result<Response, ResponseParseError> {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(repr) = line.strip_prefix("OK ") {
            return Ok(Response::Ok(repr.to_owned()));
        }
        if let Some(rest) = line.strip_prefix("BYE ") {
            return parse_seconds(rest)
                .map(|duration| Response::Bye { duration })
                .ok_or_else(|| ResponseParseError::new(line, "bad seconds"));
        }
        let Some(rest) = line.strip_prefix("ERR ") else {
            return Err(ResponseParseError::new(line, "unknown kind"));
        };
        let Some((class, message)) = rest.split_once(": ") else {
            return Err(ResponseParseError::new(line, "no class"));
        };
        if class.is_empty()
            || !class
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(ResponseParseError::new(line, "bad class"));
        }
        if class == BUSY_CLASS {
            return Ok(Response::Busy {
                message: message.to_owned(),
            });
        }
        let (message, column) = split_column(message);
        Ok(Response::Err {
            class: class.to_owned(),
            message: message.to_owned(),
            column,
        })
    }
}

impl Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = Vec::new();
        self.encode(&mut line);
        line.pop();
        f.write_str(&String::from_utf8_lossy(&line))
    }
}

/// Appends `OK repr` and `LF` to `out`, formatting `repr` in place.
///
/// Any `CR` or `LF` in the formatted text becomes a space, so one response
/// is always exactly one line (this holds for every `encode_*` function).
///
/// ```
/// let mut out = Vec::new();
/// wire::encode_ok(&mut out, 0.1 + 0.2);
/// assert_eq!(out, b"OK 0.30000000000000004\n");
/// ```
pub fn encode_ok(out: &mut Vec<u8>, repr: impl Display) {
    let start = out.len();
    out.extend_from_slice(b"OK ");
    write_line_text(out, repr);
    end_line(out, start);
}

/// Appends `ERR class: message` (with ` (column N)` when `column` is given)
/// and `LF` to `out`.
///
/// ```
/// let mut out = Vec::new();
/// wire::encode_err(&mut out, "ZeroDivisionError", "division by zero", None);
/// wire::encode_err(&mut out, "SyntaxError", "invalid syntax", Some(4));
/// assert_eq!(out, &b"ERR ZeroDivisionError: division by zero\n\
///                    ERR SyntaxError: invalid syntax (column 4)\n"[..]);
/// ```
pub fn encode_err(out: &mut Vec<u8>, class: &str, message: impl Display, column: Option<usize>) {
    let start = out.len();
    out.extend_from_slice(b"ERR ");
    write_line_text(out, class);
    out.extend_from_slice(b": ");
    write_line_text(out, message);
    let body_end = out.len();
    if let Some(column) = column {
        write_line_text(out, format_args!(" (column {column})"));
    }
    if out.len() - start >= MAX_RESPONSE_LINE {
        // Keep the column suffix: shorten the message before it.
        let suffix = out.split_off(body_end);
        let room = MAX_RESPONSE_LINE - suffix.len() - ELLIPSIS.len() - 1;
        truncate_utf8(out, start + room);
        out.extend_from_slice(ELLIPSIS);
        out.extend_from_slice(&suffix);
    }
    out.push(b'\n');
}

/// Appends the answer to a line that could not be framed:
/// `ERR LimitError: request longer than N bytes` or
/// `ERR ValueError: 'utf-8' codec can't decode ...`.
///
/// ```
/// let mut out = Vec::new();
/// wire::encode_frame_error(&mut out, &wire::FrameError::TooLong { limit: 65536 });
/// assert_eq!(out, b"ERR LimitError: request longer than 65536 bytes\n");
/// ```
pub fn encode_frame_error(out: &mut Vec<u8>, error: &FrameError) {
    encode_err(out, error.class(), error, None);
}

/// Appends `BYE seconds` and `LF`: the session length in seconds with three
/// decimals (milliseconds, truncated).
///
/// ```
/// let mut out = Vec::new();
/// wire::encode_bye(&mut out, std::time::Duration::from_micros(3_000_999));
/// assert_eq!(out, b"BYE 3.000\n");
/// ```
pub fn encode_bye(out: &mut Vec<u8>, duration: Duration) {
    write_line_text(
        out,
        format_args!("BYE {}.{:03}", duration.as_secs(), duration.subsec_millis()),
    );
    out.push(b'\n');
}

/// Appends `ERR Busy: message` and `LF`.
///
/// ```
/// let mut out = Vec::new();
/// wire::encode_busy(&mut out, "server is at its limit of 100 clients");
/// assert_eq!(out, b"ERR Busy: server is at its limit of 100 clients\n");
/// ```
pub fn encode_busy(out: &mut Vec<u8>, message: impl Display) {
    encode_err(out, BUSY_CLASS, message, None);
}

/// What replaces the end of a shortened response.
const ELLIPSIS: &[u8] = b"...";

/// Ends the line begun at `start`, shortening it to [`MAX_RESPONSE_LINE`]
/// bytes (`LF` included) if needed.
fn end_line(out: &mut Vec<u8>, start: usize) {
    if out.len() - start >= MAX_RESPONSE_LINE {
        truncate_utf8(out, start + MAX_RESPONSE_LINE - ELLIPSIS.len() - 1);
        out.extend_from_slice(ELLIPSIS);
    }
    out.push(b'\n');
}

/// Truncates `out` to at most `len` bytes without splitting a UTF-8
/// character (the text before `len` is UTF-8 written by `Display`).
fn truncate_utf8(out: &mut Vec<u8>, mut len: usize) {
    while out.get(len).is_some_and(|&b| (0x80..0xC0).contains(&b)) {
        len -= 1;
    }
    out.truncate(len);
}

/// Formats `value` into `out`, turning CR and LF into spaces.
fn write_line_text(out: &mut Vec<u8>, value: impl Display) {
    struct OneLine<'a>(&'a mut Vec<u8>);
    impl fmt::Write for OneLine<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let bytes = s.as_bytes();
            if bytes.iter().any(|&b| b == b'\n' || b == b'\r') {
                self.0.extend(
                    bytes
                        .iter()
                        .map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
                );
            } else {
                self.0.extend_from_slice(bytes);
            }
            Ok(())
        }
    }
    // Writing to a Vec cannot fail; an error could only come from a Display
    // impl that reports one, and then the partial text is still one line.
    let _ = write!(OneLine(out), "{value}");
}

/// Splits a trailing ` (column N)` off an error message. `N` must be
/// written as the encoder writes it (no sign, no leading zeros), so that a
/// message merely ending in similar text is left alone.
fn split_column(message: &str) -> (&str, Option<usize>) {
    let canonical = |n: &str| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
    };
    let parsed = message
        .strip_suffix(')')
        .and_then(|m| m.rsplit_once(" (column "))
        .filter(|(_, n)| canonical(n))
        .and_then(|(text, n)| n.parse::<usize>().ok().map(|n| (text, n)));
    match parsed {
        Some((text, n)) => (text, Some(n)),
        None => (message, None),
    }
}

/// Parses `S` or `S.fff` (up to 9 decimals) into a duration.
fn parse_seconds(text: &str) -> Option<Duration> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = whole.parse::<u64>().ok()?;
    let mut nanos = 0u32;
    for (i, b) in frac.bytes().enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(r: &Response) -> String {
        let mut out = Vec::new();
        r.encode(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn round_trips() {
        let cases = [
            Response::Ok("(1+2j)".into()),
            Response::Ok("-0.0".into()),
            Response::Err {
                class: "SyntaxError".into(),
                message: "invalid syntax".into(),
                column: Some(7),
            },
            Response::Err {
                class: "ValueError".into(),
                message: "math domain error".into(),
                column: None,
            },
            Response::Bye {
                duration: Duration::from_millis(1),
            },
            Response::Bye {
                duration: Duration::from_secs(86_400 * 3),
            },
            Response::Busy {
                message: "server full".into(),
            },
        ];
        for r in cases {
            let text = line(&r);
            assert!(
                text.ends_with('\n') && text.matches('\n').count() == 1,
                "{text:?}"
            );
            let back = Response::parse(text.trim_end_matches('\n'));
            assert_eq!(back, Ok(r.clone()), "{text:?}");
            assert_eq!(r.to_string(), text.trim_end_matches('\n'));
        }
    }

    #[test]
    fn newlines_in_payload_cannot_split_the_response() {
        let mut out = Vec::new();
        encode_err(&mut out, "TypeError", "bad\nthing\r\nhere", None);
        assert_eq!(out, b"ERR TypeError: bad thing  here\n");
    }

    #[test]
    fn long_responses_are_shortened_to_the_limit() {
        let name = "é".repeat(MAX_RESPONSE_LINE);
        let mut out = Vec::new();
        encode_err(&mut out, "SyntaxError", &name, Some(123456));
        // At most the limit; one byte less when the cut fell inside an "é".
        assert!((MAX_RESPONSE_LINE - 1..=MAX_RESPONSE_LINE).contains(&out.len()));
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(text.ends_with("é... (column 123456)\n"));
        assert_eq!(
            Response::parse(text.trim_end()).ok().and_then(|r| match r {
                Response::Err { column, .. } => column,
                _ => None,
            }),
            Some(123456)
        );

        let mut out = b"OK 1\n".to_vec();
        encode_ok(&mut out, "9".repeat(MAX_RESPONSE_LINE * 2));
        assert_eq!(out.len(), 5 + MAX_RESPONSE_LINE);
        assert!(out.ends_with(b"999...\n"));

        let mut out = Vec::new();
        encode_ok(&mut out, "9".repeat(MAX_RESPONSE_LINE - 4));
        assert_eq!(out.len(), MAX_RESPONSE_LINE);
        assert!(out.ends_with(b"999\n"));
    }

    #[test]
    fn bye_truncates_to_milliseconds() {
        let mut out = Vec::new();
        encode_bye(&mut out, Duration::new(12, 345_999_999));
        encode_bye(&mut out, Duration::ZERO);
        assert_eq!(out, b"BYE 12.345\nBYE 0.000\n");
    }

    #[test]
    fn parse_accepts_other_precisions() {
        assert_eq!(parse_seconds("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_seconds("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_seconds("1.000000001"), Some(Duration::new(1, 1)));
        assert_eq!(parse_seconds("1."), Some(Duration::from_secs(1)));
        for bad in ["", ".5", "-1", "1.0000000001", "1e3", " 1", "1.x", "1.5.5"] {
            assert_eq!(parse_seconds(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parse_rejects_malformed() {
        for bad in [
            "",
            "OK",
            "ok 1",
            "ERR",
            "ERR x",
            "ERR : m",
            "ERR A B: m",
            "BYE",
            "BYE x",
            "HELLO",
        ] {
            assert!(Response::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn column_suffix_only_when_canonical() {
        for message in [
            "m (column 007)",
            "m (column +7)",
            "m (column )",
            "m (column 99999999999999999999999)",
        ] {
            let line = format!("ERR SyntaxError: {message}");
            let r = Response::parse(&line);
            assert_eq!(
                r,
                Ok(Response::Err {
                    class: "SyntaxError".into(),
                    message: message.into(),
                    column: None
                })
            );
        }
        let r = Response::parse("ERR SyntaxError: m (column 0)");
        assert!(
            matches!(
                r,
                Ok(Response::Err {
                    column: Some(0),
                    ..
                })
            ),
            "{r:?}"
        );
    }

    #[test]
    fn column_suffix_only_when_numeric() {
        let r = Response::parse("ERR SyntaxError: bad (column x)");
        assert_eq!(
            r,
            Ok(Response::Err {
                class: "SyntaxError".into(),
                message: "bad (column x)".into(),
                column: None
            })
        );
    }
}
