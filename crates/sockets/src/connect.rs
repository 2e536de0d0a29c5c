//! Client connections with a timeout.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::addr::{resolve, ResolveError};

/// Connecting failed; each variant names the address.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The host name could not be resolved.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// Nothing listens there: the peer answered with a reset.
    #[error("connection to {addr} refused: {source}")]
    Refused {
        /// The address tried.
        addr: SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// No answer within the timeout.
    #[error("connection to {addr} timed out after {timeout:?}")]
    TimedOut {
        /// The address tried.
        addr: SocketAddr,
        /// The timeout that expired.
        timeout: Duration,
    },
    /// Any other failure (unreachable network, no route, ...).
    #[error("cannot connect to {addr}: {source}")]
    Io {
        /// The address tried.
        addr: SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

impl ConnectError {
    /// The address that failed, unless resolution failed before any was
    /// tried.
    pub fn addr(&self) -> Option<SocketAddr> {
        match self {
            ConnectError::Resolve(_) => None,
            ConnectError::Refused { addr, .. }
            | ConnectError::TimedOut { addr, .. }
            | ConnectError::Io { addr, .. } => Some(*addr),
        }
    }

    /// Whether the connection was refused (the usual "is the server
    /// running?" case).
    pub fn is_refused(&self) -> bool {
        matches!(self, ConnectError::Refused { .. })
    }

    fn from_io(addr: SocketAddr, timeout: Duration, source: io::Error) -> Self {
        match source.kind() {
            io::ErrorKind::ConnectionRefused => ConnectError::Refused { addr, source },
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                ConnectError::TimedOut { addr, timeout }
            }
            _ => ConnectError::Io { addr, source },
        }
    }
}

/// Connects to `addr`, giving up after `timeout`, with `TCP_NODELAY` on
/// (requests are small lines; waiting to coalesce them only adds latency).
///
/// ```
/// use std::time::Duration;
///
/// let listener = sockets::listen("127.0.0.1:0".parse().unwrap()).unwrap();
/// let addr = listener.local_addr().unwrap();
/// let stream = sockets::connect(addr, Duration::from_secs(1)).unwrap();
/// assert!(stream.nodelay().unwrap());
/// ```
pub fn connect(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, ConnectError> {
    let fail = |source| ConnectError::from_io(addr, timeout, source);
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)).map_err(fail)?;
    socket
        .connect_timeout(&SockAddr::from(addr), timeout)
        .map_err(fail)?;
    socket.set_nodelay(true).map_err(fail)?;
    Ok(socket.into())
}

/// Resolves `host` (a name or an IP literal, IPv6 with or without
/// brackets) and connects to its addresses in turn, each with `timeout`;
/// returns the first connection, or the last address's error.
pub fn connect_host(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, ConnectError> {
    let mut last = None;
    for addr in resolve(host, port)? {
        match connect(addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        ConnectError::Resolve(ResolveError::NoAddress {
            host: host.to_owned(),
            port,
        })
    }))
}
