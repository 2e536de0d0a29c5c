//! Sockets for calcnet, set up with socket2 where std cannot: listeners
//! with `SO_REUSEADDR`, an explicit backlog (10 by default), an explicit
//! IPv6 dual-stack setting and optional non-blocking mode; accepted and
//! client connections with `TCP_NODELAY`; client connects with a timeout.
//! Errors are types that name the address involved.
//!
//! # Example
//!
//! ```
//! use std::io::{BufRead, BufReader, Write};
//! use std::time::Duration;
//! use sockets::{connect, prepare_accepted, ListenerBuilder};
//!
//! let listener = ListenerBuilder::new("127.0.0.1:0".parse().unwrap()).build().unwrap();
//! let addr = listener.local_addr().unwrap();
//!
//! let mut client = connect(addr, Duration::from_secs(2)).unwrap();
//! let (server_side, peer) = listener.accept().unwrap();
//! prepare_accepted(&server_side, false).unwrap();
//! assert_eq!(peer, client.local_addr().unwrap());
//!
//! client.write_all(b"hello\n").unwrap();
//! let mut line = String::new();
//! BufReader::new(server_side).read_line(&mut line).unwrap();
//! assert_eq!(line, "hello\n");
//! ```
#![deny(missing_docs)]

mod addr;
pub mod cli;
mod connect;
mod listener;

pub use addr::{endpoint, parse_ip, resolve, EndpointError, ResolveError};
pub use connect::{connect, connect_host, ConnectError};
pub use listener::{listen, prepare_accepted, ListenError, ListenerBuilder, DEFAULT_BACKLOG};
