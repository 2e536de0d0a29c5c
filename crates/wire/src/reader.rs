//! Blocking framing over any `std::io::Read`.

use std::io::{self, Read};

use crate::buffer::ReadBuffer;
use crate::decoder::{LineDecoder, Step};
use crate::error::FrameError;
use crate::request::Request;

/// Reads lines from a blocking [`Read`]: a [`LineDecoder`] and its
/// [`ReadBuffer`] bundled, for thread-per-connection servers and for
/// clients.
///
/// # Example
///
/// ```
/// use wire::{FrameReader, LineDecoder, Request};
///
/// let input = &b"1+1\nexit\n"[..];
/// let mut reader = FrameReader::new(input, LineDecoder::new());
/// assert_eq!(reader.next_request().unwrap(), Some(Ok(Request::Eval("1+1"))));
/// assert_eq!(reader.next_request().unwrap(), Some(Ok(Request::Exit)));
/// assert_eq!(reader.next_request().unwrap(), None); // end of stream
/// ```
#[derive(Debug)]
pub struct FrameReader<R> {
    reader: R,
    decoder: LineDecoder,
    buffer: ReadBuffer,
    at_eof: bool,
}

impl<R: Read> FrameReader<R> {
    /// Frames `reader`'s bytes with `decoder`, buffering at most the
    /// decoder's window plus one read chunk.
    pub fn new(reader: R, decoder: LineDecoder) -> Self {
        let buffer = ReadBuffer::for_decoder(&decoder);
        FrameReader {
            reader,
            decoder,
            buffer,
            at_eof: false,
        }
    }

    /// The next request; see [`next_line_with`](Self::next_line_with).
    pub fn next_request(&mut self) -> io::Result<Option<Result<Request<'_>, FrameError>>> {
        self.next_request_with(|| Ok(()))
    }

    /// The next request; `before_block` runs whenever no complete line is
    /// buffered and the reader is about to block, which is when a server
    /// flushes the answers it has batched.
    pub fn next_request_with(
        &mut self,
        before_block: impl FnMut() -> io::Result<()>,
    ) -> io::Result<Option<Result<Request<'_>, FrameError>>> {
        Ok(self
            .next_line_with(before_block)?
            .map(|r| r.map(Request::parse)))
    }

    /// The next line; see [`next_line_with`](Self::next_line_with).
    pub fn next_line(&mut self) -> io::Result<Option<Result<&str, FrameError>>> {
        self.next_line_with(|| Ok(()))
    }

    /// The next line (terminator removed) or framing error; `Ok(None)` at
    /// end of stream, after a final unterminated line has been returned.
    ///
    /// `before_block` runs before each read from the underlying reader;
    /// its error is returned.
    pub fn next_line_with(
        &mut self,
        mut before_block: impl FnMut() -> io::Result<()>,
    ) -> io::Result<Option<Result<&str, FrameError>>> {
        loop {
            let base = self.buffer.start();
            let (used, step) = self.decoder.step(self.buffer.pending());
            self.buffer.consume(used);
            if step != Step::NeedMore {
                return Ok(LineDecoder::resolve(self.buffer.bytes_from(base), step));
            }
            if self.at_eof {
                return Ok(self.decoder.decode_line_eof(&mut self.buffer));
            }
            before_block()?;
            if self.buffer.read_from(&mut self.reader)? == 0 {
                self.at_eof = true;
            }
        }
    }

    /// Whether bytes of an incomplete line are buffered.
    pub fn has_partial_line(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The underlying reader, mutably (reading from it directly would
    /// bypass buffered bytes).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Gives back the reader; buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out its data a few bytes at a time.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            let (head, tail) = self.data.split_at(n);
            buf[..n].copy_from_slice(head);
            self.data = tail;
            Ok(n)
        }
    }

    fn lines(data: &[u8], step: usize, max: usize) -> Vec<Result<String, FrameError>> {
        let mut r = FrameReader::new(Trickle { data, step }, LineDecoder::with_max_length(max));
        let mut out = Vec::new();
        while let Some(item) = r.next_line().unwrap() {
            out.push(item.map(str::to_owned));
        }
        out
    }

    #[test]
    fn final_line_without_newline_is_returned() {
        for step in [1, 2, 100] {
            assert_eq!(
                lines(b"1\n2\r\n3", step, 10),
                vec![Ok("1".into()), Ok("2".into()), Ok("3".into())]
            );
        }
    }

    #[test]
    fn tail_of_overlong_line_at_eof_is_not_reported_twice() {
        let data = [b'a'; 100];
        for step in [1, 7, 1000] {
            assert_eq!(
                lines(&data, step, 10),
                vec![Err(FrameError::TooLong { limit: 10 })]
            );
        }
    }

    #[test]
    fn flush_hook_runs_only_when_input_is_drained() {
        let data = b"1\n2\n3\n";
        let mut r = FrameReader::new(&data[..], LineDecoder::new());
        let mut flushes = 0;
        let mut seen = 0;
        while let Some(_line) = r
            .next_line_with(|| {
                flushes += 1;
                Ok(())
            })
            .unwrap()
        {
            seen += 1;
        }
        assert_eq!(seen, 3);
        // One read delivered all three lines; the second read saw EOF.
        assert_eq!(flushes, 2);
    }
}
