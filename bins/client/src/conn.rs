//! The client's side of a connection: connect, send lines, read responses.

use std::io;
use std::net::TcpStream;
use std::time::Duration;

use sockets::ConnectError;
use wire::{FrameReader, LineDecoder, Response, MAX_RESPONSE_LINE};

/// What went wrong talking to the server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No connection could be made.
    #[error("cannot connect to {host} port {port}: {cause}{hint}")]
    Connect {
        /// The host as given.
        host: String,
        /// The port.
        port: u16,
        /// Why, in words.
        cause: String,
        /// Advice for the usual case, "connection refused".
        hint: &'static str,
    },
    /// The server is at its client limit.
    #[error("the server is busy: {0}")]
    Busy(String),
    /// The connection failed after it was made.
    #[error("connection to the server failed: {0}")]
    Io(#[from] io::Error),
    /// The server sent a line that is not a response.
    #[error("{0}")]
    Protocol(#[from] wire::ResponseParseError),
}

/// A connection to calc-server.
pub struct Connection {
    /// For sending requests.
    pub writer: TcpStream,
    /// For reading responses.
    pub reader: Responses,
}

/// The reading half of a [`Connection`].
pub struct Responses {
    reader: FrameReader<TcpStream>,
}

impl Connection {
    /// Connects to `host`:`port`, waiting at most `timeout`.
    pub fn open(host: &str, port: u16, timeout: Duration) -> Result<Connection, ClientError> {
        let stream = sockets::connect_host(host, port, timeout).map_err(|e| {
            let hint = if e.is_refused() {
                "; is calc-server running?"
            } else {
                ""
            };
            ClientError::Connect {
                host: host.to_string(),
                port,
                cause: cause(&e),
                hint,
            }
        })?;
        let reader = stream.try_clone()?;
        Ok(Connection {
            writer: stream,
            reader: Responses {
                reader: FrameReader::new(reader, LineDecoder::with_max_length(MAX_RESPONSE_LINE)),
            },
        })
    }
}

impl Responses {
    /// The next response; `None` at end of stream.
    pub fn recv(&mut self) -> Result<Option<Response>, ClientError> {
        match self.reader.next_line()? {
            None => Ok(None),
            Some(Ok(line)) => match Response::parse(line)? {
                Response::Busy { message } => Err(ClientError::Busy(message)),
                r => Ok(Some(r)),
            },
            Some(Err(e)) => Err(ClientError::Io(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad response line: {e}"),
            ))),
        }
    }
}

/// The cause of a connection failure, without repeating the address.
fn cause(e: &ConnectError) -> String {
    match e {
        ConnectError::Refused { source, .. } | ConnectError::Io { source, .. } => {
            source.to_string()
        }
        ConnectError::TimedOut { timeout, .. } => format!("no answer within {timeout:?}"),
        other => other.to_string(),
    }
}
