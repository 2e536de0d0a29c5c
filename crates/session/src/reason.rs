//! Why a session ended.

use std::fmt;
use std::io;

/// Why a session ended; logged with every session end.
///
/// `Display` gives a short lower-case phrase (`peer closed`,
/// `read error: broken pipe`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// The client sent `exit` or `quit`.
    Exit,
    /// The client closed its side of the connection (end of stream).
    PeerClosed,
    /// The connection was reset or aborted by the peer.
    Reset,
    /// Reading from the connection failed for another reason.
    ReadError(io::ErrorKind),
    /// Writing to the connection failed for another reason.
    WriteError(io::ErrorKind),
    /// The client sent nothing for longer than the idle timeout.
    IdleTimeout,
    /// The server is shutting down (SIGINT/SIGTERM).
    Shutdown,
    /// The server refused the client for lack of capacity (`ERR Busy`).
    Busy,
    /// The server gave up on the session for an internal reason.
    ServerError(String),
    /// The session's guard was dropped without an explicit close and
    /// without a reason set (a code path that forgot to say why).
    Dropped,
}

impl CloseReason {
    /// The reason for a failed read on a connection: reset and abort are
    /// [`Reset`](Self::Reset); `TimedOut` and `WouldBlock` (what a blocking
    /// socket with a read timeout returns when it expires) are
    /// [`IdleTimeout`](Self::IdleTimeout); the rest are
    /// [`ReadError`](Self::ReadError).
    pub fn from_read_error(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => Self::Reset,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Self::IdleTimeout,
            kind => Self::ReadError(kind),
        }
    }

    /// The reason for a failed write: a broken pipe means the peer has gone
    /// ([`PeerClosed`](Self::PeerClosed)), reset and abort are
    /// [`Reset`](Self::Reset), the rest are [`WriteError`](Self::WriteError).
    pub fn from_write_error(error: &io::Error) -> Self {
        match error.kind() {
            io::ErrorKind::BrokenPipe => Self::PeerClosed,
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => Self::Reset,
            kind => Self::WriteError(kind),
        }
    }

    /// Whether the session ended the normal way, by the client's `exit`.
    pub fn is_exit(&self) -> bool {
        matches!(self, Self::Exit)
    }
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exit => f.write_str("exit"),
            Self::PeerClosed => f.write_str("peer closed"),
            Self::Reset => f.write_str("connection reset"),
            Self::ReadError(kind) => write!(f, "read error: {kind}"),
            Self::WriteError(kind) => write!(f, "write error: {kind}"),
            Self::IdleTimeout => f.write_str("idle timeout"),
            Self::Shutdown => f.write_str("server shutdown"),
            Self::Busy => f.write_str("server busy"),
            Self::ServerError(message) => write!(f, "server error: {message}"),
            Self::Dropped => f.write_str("dropped"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_to_reasons() {
        let e = |k| io::Error::from(k);
        use io::ErrorKind as K;
        assert_eq!(
            CloseReason::from_read_error(&e(K::ConnectionReset)),
            CloseReason::Reset
        );
        assert_eq!(
            CloseReason::from_read_error(&e(K::WouldBlock)),
            CloseReason::IdleTimeout
        );
        assert_eq!(
            CloseReason::from_read_error(&e(K::InvalidData)),
            CloseReason::ReadError(K::InvalidData)
        );
        assert_eq!(
            CloseReason::from_write_error(&e(K::BrokenPipe)),
            CloseReason::PeerClosed
        );
        assert_eq!(
            CloseReason::from_write_error(&e(K::Other)),
            CloseReason::WriteError(K::Other)
        );
    }

    #[test]
    fn display_is_readable() {
        assert_eq!(CloseReason::Exit.to_string(), "exit");
        assert_eq!(
            CloseReason::ReadError(io::ErrorKind::BrokenPipe).to_string(),
            "read error: broken pipe"
        );
        assert_eq!(
            CloseReason::ServerError("oops".into()).to_string(),
            "server error: oops"
        );
    }
}
