//! Listening sockets, configured before `bind` as std cannot.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};

use socket2::{Domain, Protocol, SockRef, Socket, Type};

/// The default length of the queue of connections waiting for `accept`.
pub const DEFAULT_BACKLOG: u32 = 10;

/// Setting up a listener failed; each variant names the address.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// The socket could not be created.
    #[error("cannot create a socket for {addr}: {source}")]
    Socket {
        /// The address to listen on.
        addr: SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// A socket option could not be set.
    #[error("cannot set {option} on the socket for {addr}: {source}")]
    SetOption {
        /// The address to listen on.
        addr: SocketAddr,
        /// The option, e.g. `SO_REUSEADDR`.
        option: &'static str,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// `bind` failed (address in use, not local, permission denied...).
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address to listen on.
        addr: SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
    /// `listen` failed.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address to listen on.
        addr: SocketAddr,
        /// The system's error.
        #[source]
        source: io::Error,
    },
}

impl ListenError {
    /// The address the listener was for.
    pub fn addr(&self) -> SocketAddr {
        match self {
            ListenError::Socket { addr, .. }
            | ListenError::SetOption { addr, .. }
            | ListenError::Bind { addr, .. }
            | ListenError::Listen { addr, .. } => *addr,
        }
    }

    /// The underlying system error.
    pub fn io_error(&self) -> &io::Error {
        match self {
            ListenError::Socket { source, .. }
            | ListenError::SetOption { source, .. }
            | ListenError::Bind { source, .. }
            | ListenError::Listen { source, .. } => source,
        }
    }
}

/// Builds a TCP listener: `SO_REUSEADDR` on, a backlog of
/// [`DEFAULT_BACKLOG`], blocking, and for IPv6 addresses dual-stack.
///
/// Dual stack: on an IPv6 address the builder sets `IPV6_V6ONLY`
/// explicitly (default off), so the behaviour does not depend on the
/// host's `net.ipv6.bindv6only`: `[::]` accepts IPv4 clients too (they
/// appear as `::ffff:a.b.c.d`); `[::1]` is IPv6 loopback only either way.
/// Call [`only_v6(true)`](Self::only_v6) for an IPv6-only wildcard.
///
/// # Example
///
/// ```
/// use sockets::ListenerBuilder;
///
/// let listener = ListenerBuilder::new("127.0.0.1:0".parse().unwrap())
///     .backlog(128)
///     .build()
///     .unwrap();
/// let port = listener.local_addr().unwrap().port();
/// assert_ne!(port, 0); // port 0: the system chose a free port
/// ```
#[derive(Debug, Clone)]
pub struct ListenerBuilder {
    addr: SocketAddr,
    backlog: u32,
    reuse_address: bool,
    only_v6: bool,
    nonblocking: bool,
}

impl ListenerBuilder {
    /// A builder for a listener on `addr` (port 0: any free port).
    pub fn new(addr: SocketAddr) -> Self {
        ListenerBuilder {
            addr,
            backlog: DEFAULT_BACKLOG,
            reuse_address: true,
            only_v6: false,
            nonblocking: false,
        }
    }

    /// Sets the accept queue length (default [`DEFAULT_BACKLOG`]); the
    /// kernel caps it at `net.core.somaxconn`.
    pub fn backlog(mut self, backlog: u32) -> Self {
        self.backlog = backlog;
        self
    }

    /// Sets `SO_REUSEADDR` (default on), which lets a restarted server bind
    /// its port while connections of the previous run are in `TIME_WAIT`.
    pub fn reuse_address(mut self, on: bool) -> Self {
        self.reuse_address = on;
        self
    }

    /// Sets `IPV6_V6ONLY` for IPv6 addresses (default off: dual stack);
    /// ignored for IPv4.
    pub fn only_v6(mut self, on: bool) -> Self {
        self.only_v6 = on;
        self
    }

    /// Makes the listener non-blocking (default off), for an event loop.
    pub fn nonblocking(mut self, on: bool) -> Self {
        self.nonblocking = on;
        self
    }

    /// The address the listener will bind.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configured backlog.
    pub fn backlog_len(&self) -> u32 {
        self.backlog
    }

    /// Creates, configures, binds and listens. The bound address (with the
    /// port the system chose for port 0) is the listener's `local_addr()`.
    pub fn build(&self) -> Result<TcpListener, ListenError> {
        let addr = self.addr;
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))
            .map_err(|source| ListenError::Socket { addr, source })?;
        let option = |option: &'static str| {
            move |source| ListenError::SetOption {
                addr,
                option,
                source,
            }
        };
        socket
            .set_reuse_address(self.reuse_address)
            .map_err(option("SO_REUSEADDR"))?;
        if addr.is_ipv6() {
            socket
                .set_only_v6(self.only_v6)
                .map_err(option("IPV6_V6ONLY"))?;
        }
        socket
            .set_nonblocking(self.nonblocking)
            .map_err(option("O_NONBLOCK"))?;
        socket
            .bind(&addr.into())
            .map_err(|source| ListenError::Bind { addr, source })?;
        let backlog = i32::try_from(self.backlog).unwrap_or(i32::MAX);
        socket
            .listen(backlog)
            .map_err(|source| ListenError::Listen { addr, source })?;
        Ok(socket.into())
    }
}

/// Binds `addr` with the default settings; see [`ListenerBuilder`].
pub fn listen(addr: SocketAddr) -> Result<TcpListener, ListenError> {
    ListenerBuilder::new(addr).build()
}

/// Prepares an accepted connection: `TCP_NODELAY` on (answers are small
/// and latency matters more than packet count; the server batches its
/// writes itself), and non-blocking if `nonblocking`.
///
/// Accepted sockets do not inherit `O_NONBLOCK` from the listener on Linux,
/// so an event loop must pass `true`.
pub fn prepare_accepted(stream: &TcpStream, nonblocking: bool) -> io::Result<()> {
    SockRef::from(stream).set_nodelay(true)?;
    stream.set_nonblocking(nonblocking)
}
