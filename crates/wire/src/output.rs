//! Batched output: responses accumulate, then go out in as few writes as
//! the socket allows.

use std::io::{self, Write};

/// Storage above this size is released once a burst has been written, so a
/// connection that once had a large backlog does not keep its memory.
const KEEP_CAPACITY: usize = 64 * 1024;

/// Responses waiting to be written to one connection.
///
/// Encode responses into [`buf_mut`](Self::buf_mut) (e.g. with
/// [`encode_ok`](crate::encode_ok)) while draining a batch of input, then
/// call [`write_to`](Self::write_to) once: it writes until everything is
/// out or the writer would block, keeping what is left for next time, so it
/// serves blocking and non-blocking sockets. [`len`](Self::len) tells a
/// server how much a slow reader owes it, so it can stop reading from a
/// client that does not read its answers.
///
/// # Example
///
/// ```
/// use wire::WriteBuffer;
///
/// let mut out = WriteBuffer::new();
/// wire::encode_ok(out.buf_mut(), 7);
/// wire::encode_ok(out.buf_mut(), "True");
/// let mut socket = Vec::new(); // stands in for a TcpStream
/// assert!(out.write_to(&mut socket).unwrap());
/// assert_eq!(socket, b"OK 7\nOK True\n");
/// assert!(out.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct WriteBuffer {
    data: Vec<u8>,
    written: usize,
}

impl WriteBuffer {
    /// An empty buffer (allocates on first use).
    pub fn new() -> Self {
        Self::default()
    }

    /// The vector to append encoded responses to. Bytes already in it
    /// that were not yet written stay in front of them.
    pub fn buf_mut(&mut self) -> &mut Vec<u8> {
        &mut self.data
    }

    /// Bytes waiting to be written.
    pub fn pending(&self) -> &[u8] {
        self.data.get(self.written..).unwrap_or_default()
    }

    /// How many bytes wait to be written.
    pub fn len(&self) -> usize {
        self.data.len() - self.written
    }

    /// Whether everything has been written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes pending bytes to `writer` until all are written (`Ok(true)`)
    /// or it reports `WouldBlock` (`Ok(false)`; call again when the socket
    /// is writable). `Interrupted` is retried; a writer that accepts zero
    /// bytes is an error of kind `WriteZero`. Does not call `flush`: a
    /// socket has nothing to flush.
    pub fn write_to<W: Write + ?Sized>(&mut self, writer: &mut W) -> io::Result<bool> {
        while !self.is_empty() {
            match writer.write(self.pending()) {
                Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
                Ok(n) => self.written += n.min(self.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
        self.data.clear();
        self.written = 0;
        if self.data.capacity() > KEEP_CAPACITY {
            self.data = Vec::new();
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts at most `step` bytes per write, then `WouldBlock` every
    /// other call.
    struct Slow {
        got: Vec<u8>,
        step: usize,
        calls: usize,
    }

    impl Write for Slow {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 2 == 0 {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let n = self.step.min(buf.len());
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn partial_writes_resume_where_they_stopped() {
        let mut out = WriteBuffer::new();
        for i in 0..100 {
            crate::encode_ok(out.buf_mut(), i);
        }
        let expected = out.pending().to_vec();
        let mut w = Slow {
            got: Vec::new(),
            step: 7,
            calls: 0,
        };
        let mut rounds = 0;
        while !out.write_to(&mut w).unwrap() {
            rounds += 1;
            // Appending between rounds keeps the order.
            if rounds == 3 {
                crate::encode_ok(out.buf_mut(), "late");
            }
        }
        let mut want = expected;
        want.extend_from_slice(b"OK late\n");
        assert_eq!(w.got, want);
        assert!(rounds > 10);
    }

    #[test]
    fn zero_length_write_is_an_error() {
        struct Zero;
        impl Write for Zero {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Ok(0)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut out = WriteBuffer::new();
        out.buf_mut().extend_from_slice(b"x\n");
        assert_eq!(
            out.write_to(&mut Zero).unwrap_err().kind(),
            io::ErrorKind::WriteZero
        );
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn large_bursts_release_their_memory() {
        let mut out = WriteBuffer::new();
        out.buf_mut().resize(1 << 20, b'x');
        assert!(out.write_to(&mut io::sink()).unwrap());
        assert_eq!(out.buf_mut().capacity(), 0);
    }
}
