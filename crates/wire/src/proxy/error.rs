//! Why a PROXY protocol header was rejected.

use std::fmt;

/// Which end of the relayed connection a field describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// The client.
    Source,
    /// The address the client connected to.
    Destination,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Endpoint::Source => "source",
            Endpoint::Destination => "destination",
        })
    }
}

/// Why the start of a connection is not a valid PROXY protocol header.
///
/// Every case is final: the protocol says to close such a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    /// The input starts with neither `PROXY ` (version 1) nor the version 2
    /// signature.
    #[error("not a PROXY protocol header")]
    BadSignature,
    /// The input ended (the peer closed) before the header was complete.
    #[error("PROXY header truncated after {received} bytes")]
    Truncated {
        /// How many bytes arrived.
        received: usize,
    },
    /// A version 1 line without CRLF in its first 107 bytes, or a version 2
    /// header whose length field exceeds [`MAX_V2_LEN`](super::MAX_V2_LEN).
    #[error("PROXY header longer than {limit} bytes")]
    TooLong {
        /// The limit for the header's version, in bytes.
        limit: usize,
    },
    /// A version 1 line with a CR not followed by LF, or an LF without CR.
    #[error("PROXY v1 line must end with CRLF")]
    BadLineEnd,
    /// A version 1 protocol other than `TCP4`, `TCP6` and `UNKNOWN`.
    #[error("unknown PROXY v1 protocol (expected TCP4, TCP6 or UNKNOWN)")]
    UnknownProtocol,
    /// A version 1 line without exactly four fields after the protocol,
    /// each separated by exactly one space.
    #[error("malformed PROXY v1 line (expected 'PROXY TCPn src dst sport dport')")]
    BadFields,
    /// A version 1 address that is not a canonical address of the line's
    /// family (for IPv4: four decimal parts, no leading zeros).
    #[error("invalid PROXY v1 {0} address")]
    BadAddress(Endpoint),
    /// A version 1 port that is not a decimal number from 0 to 65535
    /// without leading zeros.
    #[error("invalid PROXY v1 {0} port")]
    BadPort(Endpoint),
    /// A version 2 header whose version nibble is not 2.
    #[error("unsupported PROXY protocol version {0}")]
    UnsupportedVersion(u8),
    /// A version 2 command other than LOCAL (0) and PROXY (1).
    #[error("unsupported PROXY v2 command {0:#x}")]
    UnsupportedCommand(u8),
    /// A version 2 family/protocol byte outside the specified values
    /// (families 0 to 3, protocols 0 to 2).
    #[error("unsupported PROXY v2 family/protocol {0:#04x}")]
    UnsupportedFamily(u8),
    /// A version 2 address block shorter than its family's addresses.
    #[error("PROXY v2 address block of {len} bytes, family needs {needed}")]
    ShortAddressBlock {
        /// The header's length field.
        len: usize,
        /// The family's address size.
        needed: usize,
    },
    /// A version 2 TLV that runs past the end of the header.
    #[error("malformed PROXY v2 TLV at byte {offset}")]
    BadTlv {
        /// The TLV's offset from the start of the header.
        offset: usize,
    },
}

/// Why [`read_proxy_header`](super::read_proxy_header) failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadProxyError {
    /// Reading from the connection failed.
    #[error("reading the PROXY header: {0}")]
    Io(#[from] std::io::Error),
    /// The connection did not start with a valid header.
    #[error(transparent)]
    Invalid(#[from] ProxyError),
}
