//! Framing and message types of the calcnet line protocol: requests are
//! UTF-8 text lines (`1+2*3`, `exit`), responses are `OK repr`,
//! `ERR Class: message` or `BYE seconds` lines. This crate turns bytes into
//! [`Request`]s and [`Response`]s into bytes; it has no sockets and no
//! threads, so it serves a blocking [`std::io::Read`] and a non-blocking
//! event loop alike and is tested without a network.
//!
//! The normative protocol text is `docs/protocol.md`.
//!
//! - [`LineDecoder`] splits input into lines of bounded length (64 KiB by
//!   default), recovering from over-long and non-UTF-8 lines
//!   ([`FrameError`]); [`ReadBuffer`] is the bounded buffer it reads from;
//!   [`FrameReader`] bundles both over a blocking reader.
//! - [`Request::parse`] classifies a line; `encode_*` functions append
//!   response lines to an output buffer without allocating, so a server
//!   can answer a batch of pipelined requests with one write;
//!   [`WriteBuffer`] holds them until the socket takes them;
//!   [`Response::parse`] reads them back on the client side.
//!
//! # Example
//!
//! A server's loop over one batch of input:
//!
//! ```
//! use wire::{LineDecoder, ReadBuffer, Request};
//!
//! let mut decoder = LineDecoder::new();
//! let mut input = ReadBuffer::for_decoder(&decoder);
//! let mut output = Vec::new();
//!
//! let mut socket = &b"6*7\r\n\xff\nquit\n"[..]; // stands in for a TcpStream
//! input.read_from(&mut socket).unwrap();
//! while let Some(item) = decoder.decode(&mut input) {
//!     match item {
//!         Ok(Request::Eval(text)) => wire::encode_ok(&mut output, text.len() * 14),
//!         Ok(Request::Exit) => wire::encode_bye(&mut output, std::time::Duration::from_millis(1500)),
//!         Err(e) => wire::encode_frame_error(&mut output, &e),
//!     }
//! }
//! // The input is drained: this is where a server writes `output` in one go.
//! assert_eq!(
//!     String::from_utf8(output).unwrap(),
//!     "OK 42\n\
//!      ERR ValueError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte\n\
//!      BYE 1.500\n"
//! );
//! ```
#![deny(missing_docs)]

mod buffer;
mod decoder;
mod error;
pub mod fuzz;
mod output;
pub mod proxy;
mod reader;
mod request;
mod response;

pub use buffer::{BufferFull, ReadBuffer, READ_CHUNK};
pub use decoder::{LineDecoder, DEFAULT_MAX_LINE};
pub use error::{FrameError, Utf8Failure, Utf8Reason};
pub use output::WriteBuffer;
pub use proxy::{ProxyError, ProxyHeader, ProxyParse};
pub use reader::FrameReader;
pub use request::Request;
pub use response::{
    encode_busy, encode_bye, encode_err, encode_frame_error, encode_ok, Response,
    ResponseParseError, BUSY_CLASS, MAX_RESPONSE_LINE,
};
