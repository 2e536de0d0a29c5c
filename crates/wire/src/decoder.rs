//! The line decoder: splits a byte stream into bounded request lines.

use crate::buffer::ReadBuffer;
use crate::error::{FrameError, Utf8Failure};
use crate::request::Request;

/// The default maximum request length: 64 KiB, as Redis caps inline requests.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// Splits a byte stream into lines terminated by `LF` (`CR LF` accepted),
/// each at most a configured number of bytes, in the manner of tokio-util's
/// `LinesCodec`.
///
/// The decoder owns no bytes: it reads from a buffer the caller fills (a
/// [`ReadBuffer`] or any byte slice), so the same decoder serves a blocking
/// `std::io::Read` and a non-blocking event loop. Lines are returned as
/// `&str` borrowed from that buffer: decoding copies nothing and allocates
/// nothing.
///
/// Rules (normative text in `docs/protocol.md`):
/// - a line ends at `LF`; one `CR` right before the `LF` is removed; any
///   other `CR` (and any `NUL`) is an ordinary character of the line;
/// - the limit counts the line's bytes without its terminator;
/// - a line over the limit yields one [`FrameError::TooLong`]; the rest of
///   it is skipped and decoding resumes after its `LF`; memory stays bounded
///   however long the line is;
/// - a line that is not UTF-8 yields one [`FrameError::InvalidUtf8`].
///
/// # Example
///
/// ```
/// use wire::{LineDecoder, FrameError};
///
/// let mut dec = LineDecoder::with_max_length(8);
/// let input = b"1+1\r\n123456789\nexit\n";
/// let mut rest = &input[..];
/// let mut out = Vec::new();
/// loop {
///     let (used, item) = dec.decode_slice(rest);
///     rest = &rest[used..];
///     match item {
///         Some(item) => out.push(item.map(str::to_owned)),
///         None => break,
///     }
/// }
/// assert_eq!(out, vec![
///     Ok("1+1".to_owned()),
///     Err(FrameError::TooLong { limit: 8 }),
///     Ok("exit".to_owned()),
/// ]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDecoder {
    /// How many bytes at the start of the pending data are known to hold no
    /// `LF`, so a resumed search does not rescan them.
    next_index: usize,
    /// The longest line accepted, in bytes, without its terminator.
    max_length: usize,
    /// Whether the decoder is skipping the rest of an over-long line.
    is_discarding: bool,
}

/// What one decoding step found, as positions into the data it was given, so
/// that callers can re-borrow the line after the step returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A complete line: `data[start..end]`, terminator removed.
    Line { start: usize, end: usize },
    /// A line that could not be framed; already consumed.
    Error(FrameError),
    /// No complete line in the data.
    NeedMore,
}

impl Default for LineDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl LineDecoder {
    /// A decoder with the default limit, [`DEFAULT_MAX_LINE`] (64 KiB).
    pub fn new() -> Self {
        Self::with_max_length(DEFAULT_MAX_LINE)
    }

    /// A decoder that accepts lines of at most `max_length` bytes (without
    /// the terminator).
    ///
    /// Untrusted input needs a limit: `usize::MAX` would let one peer that
    /// never sends a newline grow the buffer without bound.
    pub fn with_max_length(max_length: usize) -> Self {
        LineDecoder {
            next_index: 0,
            max_length,
            is_discarding: false,
        }
    }

    /// The longest line accepted, in bytes, without its terminator.
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// Whether the decoder is in the middle of skipping an over-long line.
    pub fn is_discarding(&self) -> bool {
        self.is_discarding
    }

    /// The most bytes of one line the caller's buffer ever needs to hold:
    /// the limit plus a `CR LF` terminator. Size read buffers from this.
    pub fn window(&self) -> usize {
        self.max_length.saturating_add(2)
    }

    /// Decodes the next line from `data`, the bytes not yet consumed.
    ///
    /// Returns how many bytes of `data` were consumed and the line or error
    /// found, or `None` if `data` holds no complete line yet (in which case
    /// the caller keeps the unconsumed bytes and calls again once more have
    /// arrived). Bytes may be consumed even when nothing is returned (when
    /// skipping an over-long line). After `None`, at most
    /// [`window`](Self::window)` - 1` bytes remain unconsumed.
    ///
    /// Call again with the remaining bytes until it returns `None`.
    pub fn decode_slice<'a>(
        &mut self,
        data: &'a [u8],
    ) -> (usize, Option<Result<&'a str, FrameError>>) {
        let (used, step) = self.step(data);
        (used, Self::resolve(data, step))
    }

    /// Decodes the next request from `buf`, consuming its bytes.
    ///
    /// `None` means `buf` holds no complete line: read more into it (see
    /// [`ReadBuffer::read_from`]) and call again. Call until `None` after
    /// every read, so an over-long line is skipped as it arrives and the
    /// buffer stays bounded.
    ///
    /// ```
    /// use wire::{LineDecoder, ReadBuffer, Request};
    ///
    /// let mut dec = LineDecoder::new();
    /// let mut buf = ReadBuffer::for_decoder(&dec);
    /// buf.read_from(&mut &b"6*7\nQUIT\n"[..]).unwrap();
    /// assert_eq!(dec.decode(&mut buf), Some(Ok(Request::Eval("6*7"))));
    /// assert_eq!(dec.decode(&mut buf), Some(Ok(Request::Exit)));
    /// assert_eq!(dec.decode(&mut buf), None);
    /// ```
    pub fn decode<'b>(
        &mut self,
        buf: &'b mut ReadBuffer,
    ) -> Option<Result<Request<'b>, FrameError>> {
        self.decode_line(buf).map(|r| r.map(Request::parse))
    }

    /// Like [`decode`](Self::decode), but returns the raw line (terminator
    /// removed) instead of a [`Request`]; for clients reading responses.
    pub fn decode_line<'b>(
        &mut self,
        buf: &'b mut ReadBuffer,
    ) -> Option<Result<&'b str, FrameError>> {
        let (base, step) = self.step_buffer(buf);
        let data = buf.bytes_from(base);
        Self::resolve(data, step)
    }

    /// Decodes what is left in `buf` once the peer has closed its side:
    /// a final line without `LF` is a line like any other (so
    /// `printf '1+1' | nc host port` gets its answer). Returns `None` when
    /// nothing is left, or when the leftover is the tail of an over-long
    /// line whose error was already reported.
    pub fn decode_eof<'b>(
        &mut self,
        buf: &'b mut ReadBuffer,
    ) -> Option<Result<Request<'b>, FrameError>> {
        self.decode_line_eof(buf).map(|r| r.map(Request::parse))
    }

    /// Like [`decode_eof`](Self::decode_eof), returning the raw line.
    pub fn decode_line_eof<'b>(
        &mut self,
        buf: &'b mut ReadBuffer,
    ) -> Option<Result<&'b str, FrameError>> {
        let (base, step) = self.step_buffer(buf);
        if step != Step::NeedMore {
            return Self::resolve(buf.bytes_from(base), step);
        }
        let base = buf.start();
        let (used, step) = self.step_eof(buf.pending());
        buf.consume(used);
        Self::resolve(buf.bytes_from(base), step)
    }

    /// Like [`decode_eof`](Self::decode_eof) over a slice: `data` is all that
    /// is left of the stream. Returns bytes consumed (always all of `data`
    /// when something is returned) and the last line or error.
    pub fn decode_slice_eof<'a>(
        &mut self,
        data: &'a [u8],
    ) -> (usize, Option<Result<&'a str, FrameError>>) {
        let (used, found) = self.decode_slice(data);
        if found.is_some() {
            return (used, found);
        }
        let rest = data.get(used..).unwrap_or_default();
        let (more, step) = self.step_eof(rest);
        (used + more, Self::resolve(rest, step))
    }

    /// Forgets any partial state (for reusing the decoder on a new stream).
    pub fn reset(&mut self) {
        self.next_index = 0;
        self.is_discarding = false;
    }

    /// Runs one step on the buffer's pending bytes and consumes what it
    /// used. Returns the offset (into the buffer's storage) the step's
    /// positions are relative to.
    fn step_buffer(&mut self, buf: &mut ReadBuffer) -> (usize, Step) {
        let base = buf.start();
        let (used, step) = self.step(buf.pending());
        buf.consume(used);
        (base, step)
    }

    pub(crate) fn resolve(data: &[u8], step: Step) -> Option<Result<&str, FrameError>> {
        match step {
            Step::NeedMore => None,
            Step::Error(e) => Some(Err(e)),
            Step::Line { start, end } => Some(to_str(data.get(start..end).unwrap_or_default())),
        }
    }

    /// One decoding step over the pending bytes: returns bytes consumed and
    /// what was found.
    pub(crate) fn step(&mut self, data: &[u8]) -> (usize, Step) {
        let mut skipped = 0;
        if self.is_discarding {
            let rest = data.get(self.next_index..).unwrap_or_default();
            match memchr_lf(rest) {
                Some(i) => {
                    skipped = self.next_index + i + 1;
                    self.is_discarding = false;
                    self.next_index = 0;
                }
                None => {
                    self.next_index = 0;
                    return (data.len(), Step::NeedMore);
                }
            }
        }
        let data = data.get(skipped..).unwrap_or_default();
        let window_end = data.len().min(self.window());
        let searched = self.next_index.min(window_end);
        let window = data.get(searched..window_end).unwrap_or_default();
        match memchr_lf(window) {
            Some(i) => {
                let lf = searched + i;
                self.next_index = 0;
                let end = if lf > 0 && data.get(lf - 1) == Some(&b'\r') {
                    lf - 1
                } else {
                    lf
                };
                let step = if end > self.max_length {
                    Step::Error(FrameError::TooLong {
                        limit: self.max_length,
                    })
                } else {
                    Step::Line {
                        start: skipped,
                        end: skipped + end,
                    }
                };
                (skipped + lf + 1, step)
            }
            None if data.len() >= self.window() => {
                // No terminator within reach: the line is too long whatever
                // follows. Report it once, then skip to its LF.
                self.next_index = 0;
                self.is_discarding = true;
                (
                    skipped + window_end,
                    Step::Error(FrameError::TooLong {
                        limit: self.max_length,
                    }),
                )
            }
            None => {
                self.next_index = window_end;
                (skipped, Step::NeedMore)
            }
        }
    }

    /// The final step at end of stream: `data` (holding no LF) is the last,
    /// unterminated line.
    fn step_eof(&mut self, data: &[u8]) -> (usize, Step) {
        let discarding = self.is_discarding;
        self.reset();
        if data.is_empty() || discarding {
            return (data.len(), Step::NeedMore);
        }
        let end = match data.last() {
            Some(b'\r') => data.len() - 1,
            _ => data.len(),
        };
        if end > self.max_length {
            (
                data.len(),
                Step::Error(FrameError::TooLong {
                    limit: self.max_length,
                }),
            )
        } else {
            (data.len(), Step::Line { start: 0, end })
        }
    }
}

fn memchr_lf(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

pub(crate) fn to_str(line: &[u8]) -> Result<&str, FrameError> {
    std::str::from_utf8(line).map_err(|e| FrameError::InvalidUtf8(Utf8Failure::from_std(line, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `input` in one buffer fill, returning owned items.
    fn all(max: usize, input: &[u8]) -> Vec<Result<String, FrameError>> {
        let mut dec = LineDecoder::with_max_length(max);
        let mut buf = ReadBuffer::for_decoder(&dec);
        let mut rest = input;
        let mut out = Vec::new();
        while !rest.is_empty() {
            let n = buf.extend_from_slice(rest);
            rest = &rest[n..];
            while let Some(item) = dec.decode_line(&mut buf) {
                out.push(item.map(str::to_owned));
            }
        }
        if let Some(item) = dec.decode_line_eof(&mut buf) {
            out.push(item.map(str::to_owned));
        }
        out
    }

    fn ok(s: &str) -> Result<String, FrameError> {
        Ok(s.to_owned())
    }

    const LONG: Result<String, FrameError> = Err(FrameError::TooLong { limit: 4 });

    #[test]
    fn terminators() {
        assert_eq!(all(10, b"a\nb\r\nc"), [ok("a"), ok("b"), ok("c")]);
        // Only one CR is stripped; a lone CR is part of the line.
        assert_eq!(
            all(10, b"a\r\r\nb\rc\n\r\n"),
            [ok("a\r"), ok("b\rc"), ok("")]
        );
        assert_eq!(all(10, b"\n\n"), [ok(""), ok("")]);
        // A final lone CR at end of stream is a terminator's half: stripped.
        assert_eq!(all(10, b"x\r"), [ok("x")]);
        assert_eq!(all(10, b""), []);
    }

    #[test]
    fn nul_is_an_ordinary_byte() {
        assert_eq!(all(10, b"1\x00+1\n\x00\n"), [ok("1\0+1"), ok("\0")]);
    }

    #[test]
    fn limit_counts_bytes_without_terminator() {
        assert_eq!(
            all(4, b"abcd\nabcd\r\nabcde\nabcde\r\n"),
            [ok("abcd"), ok("abcd"), LONG, LONG]
        );
        // Multi-byte characters count as their bytes.
        assert_eq!(all(4, "éé\néé!\n".as_bytes()), [ok("éé"), LONG]);
    }

    #[test]
    fn overlong_line_is_reported_once_and_skipped() {
        let mut input = vec![b'x'; 1000];
        input.extend_from_slice(b"\r\nok\n");
        input.extend(vec![b'y'; 7]);
        input.extend_from_slice(b"\n\xff\nlast");
        assert_eq!(
            all(4, &input),
            [
                LONG,
                ok("ok"),
                LONG,
                Err(FrameError::InvalidUtf8(crate::Utf8Failure {
                    position: 0,
                    len: 1,
                    byte: 0xff,
                    reason: crate::Utf8Reason::InvalidStart
                })),
                ok("last")
            ]
        );
    }

    #[test]
    fn overlong_error_comes_before_the_line_ends() {
        let mut dec = LineDecoder::with_max_length(4);
        let (used, item) = dec.decode_slice(b"abcdef");
        assert_eq!(
            (used, item),
            (6, Some(Err(FrameError::TooLong { limit: 4 })))
        );
        assert!(dec.is_discarding());
        let (used, item) = dec.decode_slice(b"ghi");
        assert_eq!((used, item), (3, None));
        let (used, item) = dec.decode_slice(b"j\nok\n");
        assert_eq!((used, item), (5, Some(Ok("ok"))));
        assert!(!dec.is_discarding());
    }

    #[test]
    fn waits_for_a_possible_crlf_at_the_limit() {
        let mut dec = LineDecoder::with_max_length(4);
        // Five bytes without LF might still be "abcd\r" + "\n".
        assert_eq!(dec.decode_slice(b"abcd\r"), (0, None));
        assert_eq!(dec.decode_slice(b"abcd\r\n"), (6, Some(Ok("abcd"))));
        assert_eq!(dec.decode_slice(b"abcde"), (0, None));
        assert_eq!(
            dec.decode_slice(b"abcdef"),
            (6, Some(Err(FrameError::TooLong { limit: 4 })))
        );
    }

    #[test]
    fn resumes_the_search_where_it_stopped() {
        let mut dec = LineDecoder::with_max_length(100);
        assert_eq!(dec.decode_slice(b"12345"), (0, None));
        assert_eq!(dec.next_index, 5);
        assert_eq!(dec.decode_slice(b"123456\n"), (7, Some(Ok("123456"))));
        assert_eq!(dec.next_index, 0);
    }

    #[test]
    fn zero_limit_accepts_only_empty_lines() {
        assert_eq!(
            all(0, b"\n\r\nx\n"),
            [ok(""), ok(""), Err(FrameError::TooLong { limit: 0 })]
        );
    }

    #[test]
    fn default_limit_is_64_kib() {
        let dec = LineDecoder::new();
        assert_eq!(dec.max_length(), 65536);
        let exact = "7".repeat(65536);
        let mut input = format!("{exact}\n{exact}\r\n{exact}8\n").into_bytes();
        input.extend_from_slice(b"1+1\n");
        let got = all(65536, &input);
        let long = Err(FrameError::TooLong { limit: 65536 });
        assert_eq!(got, [ok(&exact), ok(&exact), long, ok("1+1")]);
    }

    #[test]
    fn endless_line_keeps_memory_bounded_then_recovers() {
        let mut dec = LineDecoder::new();
        let mut buf = ReadBuffer::for_decoder(&dec);
        let chunk = [b'9'; 4096];
        let mut errors = 0;
        for _ in 0..2048 {
            // 8 MiB without a newline.
            let n = buf.extend_from_slice(&chunk);
            assert_eq!(n, chunk.len());
            while let Some(item) = dec.decode(&mut buf) {
                assert_eq!(item, Err(FrameError::TooLong { limit: 65536 }));
                errors += 1;
            }
            assert!(buf.capacity() <= 65536 + 2 + crate::READ_CHUNK);
        }
        assert_eq!(errors, 1);
        buf.extend_from_slice(b"999\n2*3\n");
        assert_eq!(dec.decode(&mut buf), Some(Ok(Request::Eval("2*3"))));
        assert_eq!(dec.decode(&mut buf), None);
    }

    #[test]
    fn slice_eof_returns_the_unterminated_tail() {
        let mut dec = LineDecoder::with_max_length(10);
        assert_eq!(dec.decode_slice_eof(b"a\nb"), (2, Some(Ok("a"))));
        assert_eq!(dec.decode_slice_eof(b"b"), (1, Some(Ok("b"))));
        assert_eq!(dec.decode_slice_eof(b""), (0, None));
    }
}
