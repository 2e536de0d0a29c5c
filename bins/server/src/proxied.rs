//! A connection accepted with `--proxy-protocol` before its PROXY header
//! has arrived: it has no session yet, because the session's peer is the
//! client the header names, not the balancer the socket comes from.
//!
//! The header is read into the same [`ReadBuffer`] the line decoder will
//! read from, so requests that arrive in the same segment as the header
//! (a client pipelining at once) stay in the buffer for the decoder.

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use mio::net::TcpStream;
use wire::proxy::{ProxyCommand, ProxyHeader, ProxyVersion, MAX_V2_LEN};
use wire::{LineDecoder, ProxyError, ProxyParse, ReadBuffer, READ_CHUNK};

use crate::shared::HeaderSlot;

/// Why a connection was closed without a session.
#[derive(Debug, thiserror::Error)]
pub enum HeaderRejected {
    /// The first bytes are not a valid PROXY header, or the peer closed
    /// before the header was complete ([`ProxyError::Truncated`]).
    #[error("{0}")]
    Invalid(#[from] ProxyError),
    /// The header was not complete within `--proxy-header-timeout`.
    #[error("no complete PROXY header within {seconds} s ({received} bytes received)")]
    Timeout {
        /// The timeout in seconds.
        seconds: u64,
        /// Bytes received by then.
        received: usize,
    },
    /// Reading the socket failed (a reset, say).
    #[error("read error before the PROXY header: {0}")]
    Read(#[source] io::Error),
}

/// What [`AwaitingHeader::on_ready`] found.
pub enum HeaderStep {
    /// The header is not complete yet; wait for the next event.
    Wait,
    /// The header is complete and consumed from the buffer; what follows
    /// it (maybe some requests already) is left in the buffer.
    Done(ProxyHeader),
    /// The connection must be closed.
    Rejected(HeaderRejected),
}

/// A connection whose PROXY header is still to come.
pub struct AwaitingHeader {
    /// The socket.
    pub stream: TcpStream,
    /// The address the connection really comes from (the balancer).
    pub peer: SocketAddr,
    /// When the header must be complete.
    pub deadline: Instant,
    /// The header's bytes and whatever follows them.
    pub input: ReadBuffer,
    /// Keeps the connection counted against `--max-clients` until it has a
    /// session or is closed.
    _slot: HeaderSlot,
}

impl AwaitingHeader {
    /// A connection from `peer` that must send its header by `deadline`.
    /// `max_request` sizes the buffer as a session's (plus room for the
    /// longest header a small `--max-request` would not leave).
    pub fn new(
        stream: TcpStream,
        peer: SocketAddr,
        deadline: Instant,
        max_request: usize,
        slot: HeaderSlot,
    ) -> AwaitingHeader {
        let session_limit =
            ReadBuffer::for_decoder(&LineDecoder::with_max_length(max_request)).limit();
        AwaitingHeader {
            stream,
            peer,
            deadline,
            input: ReadBuffer::with_limit(session_limit.max(MAX_V2_LEN + READ_CHUNK)),
            _slot: slot,
        }
    }

    /// Reads what has arrived and parses the header. The parser rejects a
    /// header as soon as its prefix is invalid and never accepts more than
    /// [`MAX_V2_LEN`] bytes, so the buffer stays bounded whatever the
    /// client sends.
    pub fn on_ready(&mut self) -> HeaderStep {
        loop {
            match ProxyHeader::parse(self.input.pending()) {
                Ok(ProxyParse::Complete { header, len }) => {
                    self.input.consume(len);
                    return HeaderStep::Done(header);
                }
                Err(e) => return HeaderStep::Rejected(e.into()),
                Ok(ProxyParse::Incomplete { .. }) => {}
            }
            match self.input.read_from(&mut self.stream) {
                Ok(0) => {
                    return match ProxyHeader::parse_eof(self.input.pending()) {
                        Ok((header, len)) => {
                            self.input.consume(len);
                            HeaderStep::Done(header)
                        }
                        Err(e) => HeaderStep::Rejected(e.into()),
                    }
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return HeaderStep::Wait,
                Err(e) => return HeaderStep::Rejected(HeaderRejected::Read(e)),
            }
        }
    }
}

/// How a header is described in the `session opened` record.
pub fn describe(header: &ProxyHeader) -> &'static str {
    match (header.version, header.command, header.source.is_some()) {
        (ProxyVersion::V1, _, true) => "v1",
        (ProxyVersion::V1, _, false) => "v1 UNKNOWN",
        (ProxyVersion::V2, ProxyCommand::Local, _) => "v2 LOCAL",
        (ProxyVersion::V2, ProxyCommand::Proxy, true) => "v2",
        // UDP, UNIX sockets, AF_UNSPEC: no TCP address to use.
        (ProxyVersion::V2, ProxyCommand::Proxy, false) => "v2 unknown family",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        let a: SocketAddr = "192.0.2.1:1".parse().unwrap();
        let b: SocketAddr = "192.0.2.2:2".parse().unwrap();
        assert_eq!(describe(&ProxyHeader::local()), "v2 LOCAL");
        assert_eq!(
            describe(&ProxyHeader::proxied(ProxyVersion::V1, a, b)),
            "v1"
        );
        assert_eq!(
            describe(&ProxyHeader::proxied(ProxyVersion::V2, a, b)),
            "v2"
        );
        let unknown = ProxyHeader {
            source: None,
            destination: None,
            ..ProxyHeader::proxied(ProxyVersion::V1, a, b)
        };
        assert_eq!(describe(&unknown), "v1 UNKNOWN");
    }
}
