//! The HAProxy PROXY protocol (versions 1 and 2): the header a load
//! balancer puts in front of a relayed connection to tell the server who the
//! client really is.
//!
//! The parser is incremental and never looks past the header: given the
//! bytes received so far, [`ProxyHeader::parse`] answers "need at least N
//! more bytes" ([`ProxyParse::Incomplete`]), "a header of `len` bytes"
//! ([`ProxyParse::Complete`]) or "invalid" ([`ProxyError`]). Bytes after
//! the header are the client's own data and are left to the caller. An
//! invalid header is reported as soon as the received prefix proves it, so
//! a non-blocking server can drop a bad connection without waiting.
//! [`read_proxy_header`] drives the same parser over a blocking reader,
//! reading only as many bytes as the header can still need.
//!
//! Strictness follows `doc/proxy-protocol.txt`: version 1 is one line of at
//! most 107 bytes with single spaces, a CRLF, decimal ports and IPv4 parts
//! without leading zeros; version 2 needs the 12-byte signature, version 2,
//! the LOCAL or PROXY command, a known family and protocol, an address block
//! at least as long as the family needs, and well-formed TLVs (which are
//! skipped). TCP over IPv4 and IPv6 give addresses; UDP, UNIX sockets,
//! `AF_UNSPEC`, LOCAL and version 1's `UNKNOWN` give none, and the server
//! uses the connection's own peer address ([`ProxyHeader::source_or`]).
//!
//! # Example
//!
//! ```
//! use std::net::SocketAddr;
//! use wire::proxy::{ProxyHeader, ProxyParse};
//!
//! let peer: SocketAddr = "10.0.0.2:40000".parse().unwrap(); // the balancer
//! let mut received = Vec::new();
//! for chunk in [&b"PROXY TCP4 192.0.2.7 "[..], b"10.0.0.1 56324 4390\r\n6*7\n"] {
//!     received.extend_from_slice(chunk);
//!     match ProxyHeader::parse(&received) {
//!         Ok(ProxyParse::Incomplete { .. }) => continue, // wait for more input
//!         Ok(ProxyParse::Complete { header, len }) => {
//!             assert_eq!(header.source_or(peer).to_string(), "192.0.2.7:56324");
//!             assert_eq!(&received[len..], b"6*7\n"); // the first request
//!         }
//!         Err(e) => panic!("drop the connection: {e}"),
//!     }
//! }
//! ```

mod encode;
mod error;
mod read;
mod v1;
mod v2;

pub use error::{Endpoint, ProxyError, ReadProxyError};
pub use read::read_proxy_header;

use std::net::SocketAddr;

/// The 12-byte signature that starts a version 2 header.
pub const V2_SIGNATURE: [u8; 12] = *b"\r\n\r\n\0\r\nQUIT\n";

/// The longest version 1 line, CRLF included, that a receiver must accept
/// (`PROXY UNKNOWN` with two full IPv6 addresses and ports).
pub const MAX_V1_LEN: usize = 107;

/// The longest version 2 header this parser accepts, the 16 fixed bytes
/// included. The format allows 65,551; real senders stay far below (an IPv6
/// address block plus TLVs for TLS details), and the bound keeps the
/// buffer a connection may hold before it is authenticated small.
pub const MAX_V2_LEN: usize = 16 * 1024;

/// The protocol version a header was sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyVersion {
    /// The text format, `PROXY TCP4 ...\r\n`.
    V1,
    /// The binary format that starts with [`V2_SIGNATURE`].
    V2,
}

/// Whether the connection was relayed for a client or made by the proxy
/// itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyCommand {
    /// Version 2's LOCAL: the proxy opened the connection on its own
    /// (a health check); the connection's real endpoints apply.
    Local,
    /// The connection is relayed on behalf of a client (every version 1
    /// header, version 2's PROXY command).
    Proxy,
}

/// A parsed PROXY protocol header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProxyHeader {
    /// The format the header came in.
    pub version: ProxyVersion,
    /// LOCAL or PROXY.
    pub command: ProxyCommand,
    /// The client's address and port, when the header carries a TCP
    /// address (both endpoints are then of the same family).
    pub source: Option<SocketAddr>,
    /// The address and port the client connected to, present exactly when
    /// `source` is.
    pub destination: Option<SocketAddr>,
}

/// What [`ProxyHeader::parse`] makes of the bytes received so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyParse {
    /// A valid header may still follow: wait for at least `needed` more
    /// bytes. No header can be complete with fewer, so a blocking reader
    /// may read exactly that many without reading past the header.
    Incomplete {
        /// The least number of bytes still to come (at least 1).
        needed: usize,
    },
    /// A complete, valid header of `len` bytes starts the input; the
    /// connection's own data begins at `len`.
    Complete {
        /// The header.
        header: ProxyHeader,
        /// Its length in bytes.
        len: usize,
    },
}

impl ProxyHeader {
    /// A relayed TCP connection from `source` to `destination`, to be sent
    /// in `version`'s format. Endpoints of different families cannot be
    /// expressed in either format and encode as "unknown".
    pub fn proxied(version: ProxyVersion, source: SocketAddr, destination: SocketAddr) -> Self {
        ProxyHeader {
            version,
            command: ProxyCommand::Proxy,
            source: Some(source),
            destination: Some(destination),
        }
    }

    /// A version 2 LOCAL header (a health check from the proxy itself).
    pub fn local() -> Self {
        ProxyHeader {
            version: ProxyVersion::V2,
            command: ProxyCommand::Local,
            source: None,
            destination: None,
        }
    }

    /// The client's address: the header's source if it carries one, else
    /// `peer`, the address the connection really comes from (as the
    /// protocol says for LOCAL, `UNKNOWN` and unsupported families).
    ///
    /// ```
    /// use wire::proxy::ProxyHeader;
    /// let peer = "10.0.0.2:1234".parse().unwrap();
    /// assert_eq!(ProxyHeader::local().source_or(peer), peer);
    /// ```
    pub fn source_or(&self, peer: SocketAddr) -> SocketAddr {
        self.source.unwrap_or(peer)
    }

    /// Parses the header at the start of `input`, the bytes received so
    /// far; see [`ProxyParse`]. An error is final: the same prefix followed
    /// by anything gives the same error.
    ///
    /// ```
    /// use wire::proxy::{ProxyError, ProxyHeader, ProxyParse};
    ///
    /// assert_eq!(
    ///     ProxyHeader::parse(b"PROXY TCP4"),
    ///     Ok(ProxyParse::Incomplete { needed: 5 })
    /// );
    /// assert_eq!(ProxyHeader::parse(b"GET / HTTP/1.1\r\n"), Err(ProxyError::BadSignature));
    /// ```
    pub fn parse(input: &[u8]) -> Result<ProxyParse, ProxyError> {
        match input.first() {
            None => Ok(ProxyParse::Incomplete {
                needed: v1::MIN_LEN,
            }),
            Some(b'P') => v1::parse(input),
            Some(b'\r') => v2::parse(input),
            Some(_) => Err(ProxyError::BadSignature),
        }
    }

    /// Like [`parse`](Self::parse), when `input` is all there will ever be
    /// (the peer closed its side): an incomplete header is
    /// [`ProxyError::Truncated`].
    pub fn parse_eof(input: &[u8]) -> Result<(ProxyHeader, usize), ProxyError> {
        match Self::parse(input)? {
            ProxyParse::Complete { header, len } => Ok((header, len)),
            ProxyParse::Incomplete { .. } => Err(ProxyError::Truncated {
                received: input.len(),
            }),
        }
    }

    /// Appends the header in its `version`'s wire format to `out`, as a
    /// load balancer would send it (for tests, benchmarks and clients that
    /// stand in for a balancer).
    ///
    /// Version 1 has no LOCAL command and neither format has mixed
    /// families: such headers, and headers without addresses, encode as
    /// "unknown" (`PROXY UNKNOWN\r\n`, or version 2's PROXY command with
    /// `AF_UNSPEC`), which a receiver treats like LOCAL.
    ///
    /// ```
    /// use wire::proxy::{ProxyHeader, ProxyVersion};
    /// let h = ProxyHeader::proxied(
    ///     ProxyVersion::V1,
    ///     "[2001:db8::1]:40000".parse().unwrap(),
    ///     "[2001:db8::2]:4390".parse().unwrap(),
    /// );
    /// let mut out = Vec::new();
    /// h.encode(&mut out);
    /// assert_eq!(out, b"PROXY TCP6 2001:db8::1 2001:db8::2 40000 4390\r\n");
    /// assert_eq!(ProxyHeader::parse_eof(&out), Ok((h, out.len())));
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self.version {
            ProxyVersion::V1 => encode::v1(self, out),
            ProxyVersion::V2 => encode::v2(self, out),
        }
    }
}

/// Checks the parser's contracts on arbitrary bytes, for the fuzz target
/// and property tests: parsing never panics; feeding `data` one prefix at a
/// time, every step before the first answer is `Incomplete` with a `needed`
/// that does not overshoot, and the first answer equals the answer for the
/// whole input; an accepted header re-encodes to a header that parses to
/// the same value. Returns a description of the first broken contract.
pub fn check_parser(data: &[u8]) -> Result<(), String> {
    let whole = ProxyHeader::parse(data);
    let mut end = 0;
    loop {
        let step = ProxyHeader::parse(data.get(..end).unwrap_or(data));
        match step {
            Ok(ProxyParse::Incomplete { needed }) => {
                if needed == 0 {
                    return Err(format!("Incomplete with needed = 0 at {end}"));
                }
                if let Ok(ProxyParse::Complete { len, .. }) = whole {
                    if end + needed > len {
                        return Err(format!(
                            "at {end} bytes, needed {needed} overshoots a {len}-byte header"
                        ));
                    }
                }
                if end >= data.len() {
                    break;
                }
                // Feed exactly what was asked for, as a blocking reader does,
                // capped by what there is.
                end = (end + needed).min(data.len());
            }
            other => {
                if other != whole {
                    return Err(format!(
                        "prefix of {end} bytes gave {other:?}, whole input {whole:?}"
                    ));
                }
                break;
            }
        }
    }
    if let Ok(ProxyParse::Complete { header, len }) = whole {
        if len > data.len() {
            return Err(format!("header length {len} past the input"));
        }
        let mut encoded = Vec::new();
        header.encode(&mut encoded);
        match ProxyHeader::parse_eof(&encoded) {
            Ok((again, n)) if n == encoded.len() && canonical(again) == canonical(header) => {}
            other => return Err(format!("{header:?} re-encodes to {encoded:?}: {other:?}")),
        }
    }
    Ok(())
}

/// What survives an encoding: a version 1 header cannot say LOCAL.
fn canonical(mut header: ProxyHeader) -> ProxyHeader {
    if header.version == ProxyVersion::V1 {
        header.command = ProxyCommand::Proxy;
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_byte_picks_the_version() {
        assert_eq!(
            ProxyHeader::parse(b""),
            Ok(ProxyParse::Incomplete { needed: 15 })
        );
        assert_eq!(
            ProxyHeader::parse(b"P"),
            Ok(ProxyParse::Incomplete { needed: 14 })
        );
        assert_eq!(
            ProxyHeader::parse(b"\r"),
            Ok(ProxyParse::Incomplete { needed: 15 })
        );
        assert_eq!(ProxyHeader::parse(b"1+1\n"), Err(ProxyError::BadSignature));
    }

    #[test]
    fn parse_eof_reports_truncation() {
        assert_eq!(
            ProxyHeader::parse_eof(b"PROXY TCP4 1.2.3.4"),
            Err(ProxyError::Truncated { received: 18 })
        );
        assert_eq!(
            ProxyHeader::parse_eof(b""),
            Err(ProxyError::Truncated { received: 0 })
        );
    }

    #[test]
    fn source_or_prefers_the_header() {
        let peer: SocketAddr = "10.0.0.2:1".parse().unwrap();
        let client: SocketAddr = "192.0.2.1:2".parse().unwrap();
        let h = ProxyHeader::proxied(ProxyVersion::V2, client, peer);
        assert_eq!(h.source_or(peer), client);
    }

    #[test]
    fn check_parser_accepts_assorted_inputs() {
        let inputs: &[&[u8]] = &[
            b"",
            b"PROXY UNKNOWN\r\n",
            b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nrest",
            b"PROXY TCP6 ::1 ::2 0 65535\r\n",
            b"PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
            b"\r\n\r\n\0\r\nQUIT\n\x21\x11\x00\x0c\x01\x02\x03\x04\x05\x06\x07\x08\x00\x01\x00\x02",
            b"\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00",
            b"\r\n\r\n\0\r\nQUIT\n\x30",
        ];
        for input in inputs {
            assert_eq!(check_parser(input), Ok(()), "{input:?}");
        }
    }
}
