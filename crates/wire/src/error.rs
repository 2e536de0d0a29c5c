//! Why a line could not be framed as a request: too long, or not UTF-8.

use std::fmt;

/// Why a line of input did not become a request.
///
/// Both cases are recoverable: the offending line has been consumed (or, for
/// an over-long line, is being skipped) and decoding goes on with the next
/// line. The server answers each with one `ERR` line; see
/// [`FrameError::class`] and the `Display` text, which is the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The line (without its `LF` or `CR LF` terminator) is longer than the
    /// decoder's limit. The rest of the line is skipped; answered as
    /// `ERR LimitError: request longer than N bytes`.
    #[error("request longer than {limit} bytes")]
    TooLong {
        /// The decoder's maximum line length in bytes.
        limit: usize,
    },
    /// The line is not valid UTF-8. Answered as `ERR ValueError: ...` with
    /// the message Python's `bytes.decode('utf-8')` gives for the same line.
    #[error("{0}")]
    InvalidUtf8(Utf8Failure),
}

impl FrameError {
    /// The Python-style error class the protocol reports for this error:
    /// `"LimitError"` or `"ValueError"`.
    pub fn class(&self) -> &'static str {
        match self {
            FrameError::TooLong { .. } => "LimitError",
            FrameError::InvalidUtf8(_) => "ValueError",
        }
    }
}

/// Where and how a line failed to decode as UTF-8, reported the way CPython's
/// `UnicodeDecodeError` reports it (`'utf-8' codec can't decode byte 0xff in
/// position 0: invalid start byte`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Failure {
    /// Byte offset of the first byte of the bad sequence within the line.
    pub position: usize,
    /// Length of the bad sequence (1 to 3 bytes).
    pub len: usize,
    /// The bad sequence's first byte.
    pub byte: u8,
    /// Why the sequence is invalid.
    pub reason: Utf8Reason,
}

/// The three reasons CPython gives for an invalid UTF-8 sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Utf8Reason {
    /// A byte that cannot start a sequence (a continuation byte, `C0`, `C1`,
    /// `F5`..`FF`).
    InvalidStart,
    /// A valid start byte followed by a byte that does not continue it.
    InvalidContinuation,
    /// The line ends in the middle of a sequence.
    UnexpectedEnd,
}

impl Utf8Failure {
    /// The first invalid UTF-8 sequence of `bytes`, if any.
    ///
    /// ```
    /// let f = wire::Utf8Failure::find(b"1+\xff").unwrap();
    /// assert_eq!(f.position, 2);
    /// assert_eq!(wire::Utf8Failure::find("é".as_bytes()), None);
    /// ```
    pub fn find(bytes: &[u8]) -> Option<Self> {
        std::str::from_utf8(bytes)
            .err()
            .map(|e| Self::from_std(bytes, e))
    }

    /// Describes the first invalid sequence of `line`, given the error
    /// `std::str::from_utf8` returned for it.
    pub(crate) fn from_std(line: &[u8], err: std::str::Utf8Error) -> Self {
        let position = err.valid_up_to();
        let byte = line.get(position).copied().unwrap_or(0);
        let (len, reason) = match err.error_len() {
            None => (
                line.len().saturating_sub(position),
                Utf8Reason::UnexpectedEnd,
            ),
            Some(n) => {
                let is_start = matches!(byte, 0xC2..=0xF4);
                if is_start {
                    (n, Utf8Reason::InvalidContinuation)
                } else {
                    (n, Utf8Reason::InvalidStart)
                }
            }
        };
        Utf8Failure {
            position,
            len: len.max(1),
            byte,
            reason,
        }
    }
}

impl fmt::Display for Utf8Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = match self.reason {
            Utf8Reason::InvalidStart => "invalid start byte",
            Utf8Reason::InvalidContinuation => "invalid continuation byte",
            Utf8Reason::UnexpectedEnd => "unexpected end of data",
        };
        if self.len > 1 {
            write!(
                f,
                "'utf-8' codec can't decode bytes in position {}-{}: {}",
                self.position,
                self.position + self.len - 1,
                reason
            )
        } else {
            write!(
                f,
                "'utf-8' codec can't decode byte 0x{:02x} in position {}: {}",
                self.byte, self.position, reason
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(bytes: &[u8]) -> String {
        match std::str::from_utf8(bytes) {
            Ok(_) => String::from("valid"),
            Err(e) => Utf8Failure::from_std(bytes, e).to_string(),
        }
    }

    // Expected texts come from CPython 3.11: `bytes.decode('utf-8')`.
    #[test]
    fn messages_match_cpython() {
        let cases: &[(&[u8], &str)] = &[
            (
                b"\xff",
                "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
            ),
            (
                b"a\xe2\x28\xa1",
                "'utf-8' codec can't decode byte 0xe2 in position 1: invalid continuation byte",
            ),
            (
                b"ab\xe2\x82",
                "'utf-8' codec can't decode bytes in position 2-3: unexpected end of data",
            ),
            (
                b"\xed\xa0\x80",
                "'utf-8' codec can't decode byte 0xed in position 0: invalid continuation byte",
            ),
            (
                b"\xc0\xaf",
                "'utf-8' codec can't decode byte 0xc0 in position 0: invalid start byte",
            ),
            (
                b"\xf4\x90\x80\x80",
                "'utf-8' codec can't decode byte 0xf4 in position 0: invalid continuation byte",
            ),
            (
                b"\xe2\x82(",
                "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte",
            ),
            (
                b"\xf0\x9f\x98",
                "'utf-8' codec can't decode bytes in position 0-2: unexpected end of data",
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(message(bytes), *want, "{bytes:?}");
        }
    }

    #[test]
    fn classes() {
        assert_eq!(FrameError::TooLong { limit: 3 }.class(), "LimitError");
        assert_eq!(
            FrameError::TooLong { limit: 65536 }.to_string(),
            "request longer than 65536 bytes"
        );
    }
}
