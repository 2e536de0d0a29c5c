//! Entry points for fuzz targets: run the decoder over arbitrary bytes and
//! check its invariants.

use crate::buffer::ReadBuffer;
use crate::decoder::LineDecoder;
use crate::error::FrameError;
use crate::request::Request;
use crate::response::Response;

/// An invariant the decoder broke; returned by [`check_decoder`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantViolation {
    /// Decoding the input in chunks gave other results than decoding it in
    /// one piece.
    #[error("chunked decoding (chunk {chunk}) differs from one-piece decoding")]
    SplitMismatch {
        /// The chunk size that disagreed.
        chunk: usize,
    },
    /// The read buffer grew beyond its limit.
    #[error("buffer grew to {capacity} bytes, limit {limit}")]
    Unbounded {
        /// The storage allocated.
        capacity: usize,
        /// The limit it should have respected.
        limit: usize,
    },
    /// Encoding a parsed response did not give one stable line.
    #[error("response does not round-trip through encode and parse")]
    ResponseRoundTrip,
    /// A decoded line was longer than the decoder's maximum.
    #[error("line of {len} bytes passed a limit of {limit}")]
    LongLine {
        /// The line's length.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

/// Everything decoded from a stream, owned, for comparisons.
pub type Decoded = Vec<Result<String, FrameError>>;

/// Decodes all of `data` in chunks of `chunk` bytes (the last line may lack
/// its `LF`) through a [`ReadBuffer`], checking the buffer bound after every
/// chunk.
pub fn decode_chunked(
    data: &[u8],
    max_length: usize,
    chunk: usize,
) -> Result<Decoded, InvariantViolation> {
    let mut dec = LineDecoder::with_max_length(max_length);
    let mut buf = ReadBuffer::for_decoder(&dec);
    let mut out = Vec::new();
    let chunk = chunk.max(1);
    for piece in data.chunks(chunk) {
        let mut rest = piece;
        while !rest.is_empty() {
            let taken = buf.extend_from_slice(rest);
            rest = rest.get(taken..).unwrap_or_default();
            if buf.capacity() > buf.limit() {
                return Err(InvariantViolation::Unbounded {
                    capacity: buf.capacity(),
                    limit: buf.limit(),
                });
            }
            while let Some(item) = dec.decode_line(&mut buf) {
                out.push(item.map(str::to_owned));
            }
            if taken == 0 {
                // A full buffer with nothing decodable would be a decoder bug.
                return Err(InvariantViolation::Unbounded {
                    capacity: buf.capacity(),
                    limit: buf.limit(),
                });
            }
        }
    }
    if let Some(item) = dec.decode_line_eof(&mut buf) {
        out.push(item.map(str::to_owned));
    }
    for line in out.iter().flatten() {
        if line.len() > max_length {
            return Err(InvariantViolation::LongLine {
                len: line.len(),
                limit: max_length,
            });
        }
    }
    Ok(out)
}

/// Decodes `data` with slices only (no [`ReadBuffer`]), in one piece.
pub fn decode_whole(data: &[u8], max_length: usize) -> Decoded {
    let mut dec = LineDecoder::with_max_length(max_length);
    let mut rest = data;
    let mut out = Vec::new();
    loop {
        let (used, item) = dec.decode_slice_eof(rest);
        rest = rest.get(used..).unwrap_or_default();
        match item {
            Some(item) => out.push(item.map(str::to_owned)),
            None => break,
        }
    }
    out
}

/// Runs the decoder over `data` the ways a fuzzer should exercise it and
/// checks the invariants: the first byte picks a small line limit and a
/// chunk size, the rest is the stream; decoding in chunks must equal
/// decoding in one piece, the buffer must stay within its limit, and no line
/// may exceed the limit. Every decoded line is also classified as a
/// [`Request`] and every line parsed as a [`Response`] (which must not
/// panic).
pub fn check_decoder(data: &[u8]) -> Result<(), InvariantViolation> {
    let (selector, stream) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => return Ok(()),
    };
    let max_length = usize::from(selector & 0x0f) * 3 + 1;
    let chunk = usize::from(selector >> 4) + 1;
    let whole = decode_whole(stream, max_length);
    let chunked = decode_chunked(stream, max_length, chunk)?;
    if whole != chunked {
        return Err(InvariantViolation::SplitMismatch { chunk });
    }
    for line in whole.iter().flatten() {
        let _ = Request::parse(line);
        let _ = Response::parse(line);
    }
    Ok(())
}

/// The body of a `cargo fuzz` target: [`check_decoder`], panicking on a
/// violation so the fuzzer records the input.
///
/// # Panics
///
/// When the decoder breaks an invariant; that is the point.
pub fn fuzz_decoder(data: &[u8]) {
    if let Err(violation) = check_decoder(data) {
        panic!("wire decoder invariant broken: {violation}");
    }
}

/// Checks [`Response::parse`] on `data` as a line from an untrusted
/// server: it must not panic, and what parses must encode to exactly one
/// line that parses and encodes to the same line again. (Encoding
/// normalizes, e.g. `BYE` to milliseconds and CR to space, so the first
/// round may change the text; later rounds may not.)
pub fn check_response(data: &[u8]) -> Result<(), InvariantViolation> {
    let Ok(line) = std::str::from_utf8(data) else {
        return Ok(());
    };
    let Ok(response) = Response::parse(line) else {
        return Ok(());
    };
    let first = encode_one(&response).ok_or(InvariantViolation::ResponseRoundTrip)?;
    let again = Response::parse(&first).map_err(|_| InvariantViolation::ResponseRoundTrip)?;
    match encode_one(&again) {
        Some(second) if second == first => Ok(()),
        _ => Err(InvariantViolation::ResponseRoundTrip),
    }
}

/// The response's line without its LF, if encoding gave exactly one line.
fn encode_one(response: &Response) -> Option<String> {
    let mut encoded = Vec::new();
    response.encode(&mut encoded);
    let body = encoded.strip_suffix(b"\n")?;
    if body.contains(&b'\n') {
        return None;
    }
    String::from_utf8(body.to_vec()).ok()
}

/// The body of a `cargo fuzz` target: [`check_response`], panicking on a
/// violation.
///
/// # Panics
///
/// When parsing and encoding disagree; that is the point.
pub fn fuzz_response(data: &[u8]) {
    if let Err(violation) = check_response(data) {
        panic!("wire response invariant broken: {violation}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_assorted_inputs() {
        let inputs: &[&[u8]] = &[
            b"",
            b"\x00",
            b"\x00\n\n\r\n\r",
            b"\x31aaaaaaaaaaaaaaaaaaaaaaaa\nb\n",
            b"\xf0\xff\xfe\n1+1\r\r\n",
            b"\x07\xe2\x82\n\xe2\x82\xac\n",
            // Found by the `response` fuzz target: a class with an LF in it
            // was accepted, and its encoding (LF turned to space) was not.
            b"ERR S\x01\x00\x00\nytr: in val)",
            // Found by the `response` fuzz target: the encoder's LF-to-space
            // turned text into a column suffix with leading zeros, which
            // the next round normalized.
            b"ERR Syr: \nOK (column\n0000008375399363688624582)",
        ];
        for input in inputs {
            assert_eq!(check_decoder(input), Ok(()), "{input:?}");
            assert_eq!(check_response(input), Ok(()), "{input:?}");
        }
    }
}
