//! A bounded input buffer that a [`LineDecoder`](crate::LineDecoder) reads from.

use std::io::{self, Read};

use crate::decoder::LineDecoder;

/// The size a buffer starts at, and the most it may grow beyond the
/// decoder's window: one read's worth.
pub const READ_CHUNK: usize = 8 * 1024;

/// Below this much free space the buffer compacts or grows before reading,
/// so reads never degrade into byte-sized system calls.
const MIN_READ: usize = 1024;

/// A byte buffer for incoming data: filled from any [`Read`] (blocking, or
/// non-blocking with `WouldBlock` passed through), drained by a
/// [`LineDecoder`](crate::LineDecoder), never larger than a fixed limit.
///
/// Storage starts at [`READ_CHUNK`] bytes and doubles only while a partial
/// line fills it, up to the limit; consumed bytes are reclaimed by moving the
/// unconsumed tail to the front before a read. Sized with
/// [`for_decoder`](Self::for_decoder), the limit is the decoder's window plus
/// one [`READ_CHUNK`], so a peer that never sends a newline costs at most
/// that much memory.
///
/// # Example
///
/// ```
/// use wire::{LineDecoder, ReadBuffer, Request};
///
/// let mut dec = LineDecoder::new();
/// let mut buf = ReadBuffer::for_decoder(&dec);
/// let mut input = &b"1+"[..];
/// buf.read_from(&mut input).unwrap();
/// assert_eq!(dec.decode(&mut buf), None); // half a line: wait for more
/// buf.read_from(&mut &b"1\n"[..]).unwrap();
/// assert_eq!(dec.decode(&mut buf), Some(Ok(Request::Eval("1+1"))));
/// ```
#[derive(Debug, Clone)]
pub struct ReadBuffer {
    /// Storage; `data.len()` is the allocated size, all of it initialized.
    data: Vec<u8>,
    /// First unconsumed byte.
    start: usize,
    /// One past the last byte read.
    end: usize,
    /// The most `data` may grow to.
    limit: usize,
}

/// The error [`ReadBuffer::read_from`] returns when the buffer is at its
/// limit and full of unconsumed bytes (the caller did not drain it with a
/// decoder sized for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("input buffer full ({limit} bytes)")]
pub struct BufferFull {
    /// The buffer's size limit.
    pub limit: usize,
}

impl ReadBuffer {
    /// A buffer that never holds more than `limit` bytes (at least 1).
    pub fn with_limit(limit: usize) -> Self {
        ReadBuffer {
            data: Vec::new(),
            start: 0,
            end: 0,
            limit: limit.max(1),
        }
    }

    /// A buffer sized for `decoder`: its window (the longest line plus
    /// `CR LF`) plus one [`READ_CHUNK`].
    pub fn for_decoder(decoder: &LineDecoder) -> Self {
        Self::with_limit(decoder.window().saturating_add(READ_CHUNK))
    }

    /// The bytes read but not yet consumed.
    pub fn pending(&self) -> &[u8] {
        self.data.get(self.start..self.end).unwrap_or_default()
    }

    /// How many bytes are read but not yet consumed.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether every byte read has been consumed.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The storage currently allocated, in bytes (never above [`limit`](Self::limit)).
    pub fn capacity(&self) -> usize {
        self.data.len()
    }

    /// Free space after the pending bytes, in bytes: after a
    /// [`read_from`](Self::read_from), nonzero means the read did not fill
    /// what it was offered, so the reader had nothing more at that moment
    /// (a non-blocking socket was drained).
    pub fn spare(&self) -> usize {
        self.data.len().saturating_sub(self.end)
    }

    /// The most storage this buffer will ever allocate, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Marks the first `n` pending bytes as consumed (at most all of them).
    pub fn consume(&mut self, n: usize) {
        self.start = self.start.saturating_add(n).min(self.end);
    }

    /// Frees the storage if nothing is pending, so an idle connection holds
    /// no buffer memory; the next read allocates (and zeroes) a fresh
    /// [`READ_CHUNK`] again. Meant for connections that have gone idle: after
    /// every batch of a busy connection it costs an allocation per read;
    /// [`shrink_if_empty`](Self::shrink_if_empty) is the cheap alternative.
    pub fn release_if_empty(&mut self) {
        if self.is_empty() {
            self.data = Vec::new();
            self.start = 0;
            self.end = 0;
        }
    }

    /// If nothing is pending and the storage has grown beyond
    /// [`READ_CHUNK`] (a long line passed through), shrinks it back to
    /// [`READ_CHUNK`]; otherwise does nothing. Cheap enough to call after
    /// every batch.
    pub fn shrink_if_empty(&mut self) {
        if self.is_empty() && self.data.len() > READ_CHUNK {
            self.start = 0;
            self.end = 0;
            self.data.truncate(READ_CHUNK);
            self.data.shrink_to_fit();
        }
    }

    /// Reads once from `reader` into the free space (retrying on
    /// `Interrupted`) and returns the byte count; `Ok(0)` means end of
    /// stream. A `WouldBlock` error from a non-blocking reader is returned
    /// as is. Fails with [`BufferFull`] (as an `io::Error` of kind `Other`)
    /// if no space can be made.
    pub fn read_from<R: Read + ?Sized>(&mut self, reader: &mut R) -> io::Result<usize> {
        self.make_room();
        let spare = match self.data.get_mut(self.end..) {
            Some(s) if !s.is_empty() => s,
            _ => return Err(io::Error::other(BufferFull { limit: self.limit })),
        };
        loop {
            match reader.read(spare) {
                Ok(n) => {
                    self.end += n.min(spare.len());
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Appends as much of `bytes` as fits and returns how many were taken;
    /// for callers that receive data by other means than [`Read`].
    pub fn extend_from_slice(&mut self, bytes: &[u8]) -> usize {
        self.make_room();
        let spare = self.data.get_mut(self.end..).unwrap_or_default();
        let n = spare.len().min(bytes.len());
        if let (Some(dst), Some(src)) = (spare.get_mut(..n), bytes.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.end += n;
        n
    }

    /// Offset of the first pending byte in the storage.
    pub(crate) fn start(&self) -> usize {
        self.start
    }

    /// Storage from `base` to the end of the data read; consumed bytes stay
    /// readable until the next read, which is what lets a decoded line
    /// borrow them.
    pub(crate) fn bytes_from(&self, base: usize) -> &[u8] {
        self.data.get(base..self.end).unwrap_or_default()
    }

    /// Ensures some free space after `end`: reclaim consumed bytes, then
    /// grow, never beyond the limit.
    fn make_room(&mut self) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        let wanted = MIN_READ.min(self.limit);
        if self.data.len() - self.end >= wanted {
            return;
        }
        if self.start > 0 {
            self.data.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.data.len() - self.end < wanted && self.data.len() < self.limit {
            let grown = (self.data.len() * 2).max(READ_CHUNK).min(self.limit);
            self.data.resize(grown, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_only_to_its_limit() {
        let mut buf = ReadBuffer::with_limit(10_000);
        let mut total = 0;
        while total < 20_000 {
            match buf.read_from(&mut &[b'x'; 4096][..]) {
                Ok(n) => total += n,
                Err(e) => {
                    assert!(e.to_string().contains("input buffer full"), "{e}");
                    break;
                }
            }
        }
        assert_eq!(buf.capacity(), 10_000);
        assert_eq!(buf.len(), 10_000);
    }

    #[test]
    fn reclaims_consumed_bytes_before_growing() {
        let mut buf = ReadBuffer::with_limit(1 << 20);
        for _ in 0..100 {
            buf.extend_from_slice(&[b'a'; 3000]);
            buf.consume(3000);
        }
        assert_eq!(buf.capacity(), READ_CHUNK);
        buf.release_if_empty();
        assert_eq!(buf.capacity(), 0);
    }

    #[test]
    fn shrink_keeps_one_chunk() {
        let mut buf = ReadBuffer::with_limit(1 << 20);
        let mut rest = &[b'a'; 100_000][..];
        while !rest.is_empty() {
            let n = buf.extend_from_slice(rest);
            rest = &rest[n..];
        }
        assert!(buf.capacity() >= 100_000);
        buf.shrink_if_empty();
        assert!(buf.capacity() >= 100_000, "pending bytes are kept");
        buf.consume(100_000);
        buf.shrink_if_empty();
        assert_eq!(buf.capacity(), READ_CHUNK);
        buf.shrink_if_empty();
        assert_eq!(buf.capacity(), READ_CHUNK);
    }

    #[test]
    fn keeps_unconsumed_bytes_across_compaction() {
        let mut buf = ReadBuffer::with_limit(1 << 20);
        buf.extend_from_slice(&[b'a'; READ_CHUNK - 10]);
        buf.consume(READ_CHUNK - 20);
        buf.extend_from_slice(b"0123456789abcdefghij");
        assert_eq!(buf.pending(), b"aaaaaaaaaa0123456789abcdefghij");
    }
}
