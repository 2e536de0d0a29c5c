//! The parser over a blocking reader.

use std::io::{self, Read};

use super::{ProxyError, ProxyHeader, ProxyParse, ReadProxyError};

/// Reads a PROXY protocol header from the start of `reader` (a freshly
/// accepted blocking connection) without reading a byte past it, so the
/// client's data that follows stays in the reader for the line decoder.
///
/// It reads only as many bytes as the header can still need, which for a
/// version 1 line means one `read` per byte after the first 15; put a read
/// timeout on the socket first, as the protocol recommends, so a client
/// that never sends the header cannot hold the thread.
///
/// ```
/// use std::io::Read;
/// let mut conn = &b"PROXY TCP6 ::1 ::2 40000 4390\r\n6*7\n"[..];
/// let header = wire::proxy::read_proxy_header(&mut conn).unwrap();
/// assert_eq!(header.source.unwrap().to_string(), "[::1]:40000");
/// let mut rest = String::new();
/// conn.read_to_string(&mut rest).unwrap();
/// assert_eq!(rest, "6*7\n");
/// ```
///
/// # Errors
///
/// [`ReadProxyError::Io`] when reading fails, [`ReadProxyError::Invalid`]
/// when the bytes are not a valid header or the stream ends inside one
/// ([`ProxyError::Truncated`]).
pub fn read_proxy_header<R: Read>(reader: &mut R) -> Result<ProxyHeader, ReadProxyError> {
    let mut received = Vec::with_capacity(super::v1::MIN_LEN);
    loop {
        match ProxyHeader::parse(&received)? {
            ProxyParse::Complete { header, .. } => return Ok(header),
            ProxyParse::Incomplete { needed } => {
                let start = received.len();
                received.resize(start + needed, 0);
                let Some(space) = received.get_mut(start..) else {
                    return Err(ProxyError::Truncated { received: start }.into());
                };
                let n = loop {
                    match reader.read(space) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                received.truncate(start + n);
                if n == 0 {
                    return Err(ProxyError::Truncated { received: start }.into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per call and counts what it gave.
    struct Trickle<'a> {
        data: &'a [u8],
        given: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let (Some(slot), Some(&byte)) = (buf.first_mut(), self.data.get(self.given)) else {
                return Ok(0);
            };
            *slot = byte;
            self.given += 1;
            Ok(1)
        }
    }

    #[test]
    fn stops_at_the_end_of_the_header() {
        let mut conn = &b"PROXY UNKNOWN\r\nrest"[..];
        let header = read_proxy_header(&mut conn).unwrap();
        assert_eq!(header.source, None);
        assert_eq!(conn, b"rest");
    }

    #[test]
    fn short_reads() {
        let data = b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nX";
        let mut conn = Trickle { data, given: 0 };
        let header = read_proxy_header(&mut conn).unwrap();
        assert_eq!(header.destination, Some("5.6.7.8:2".parse().unwrap()));
        assert_eq!(conn.given, data.len() - 1);
    }

    #[test]
    fn eof_and_garbage() {
        let mut conn = &b"PROXY TCP4 1.2"[..];
        assert!(matches!(
            read_proxy_header(&mut conn),
            Err(ReadProxyError::Invalid(ProxyError::Truncated {
                received: 14
            }))
        ));
        let mut conn = &b"1+1\n"[..];
        assert!(matches!(
            read_proxy_header(&mut conn),
            Err(ReadProxyError::Invalid(ProxyError::BadSignature))
        ));
    }
}
