//! The seed's architecture, kept for the measurement in
//! docs/architecture.md: one blocking thread per connection, with the same
//! framing, evaluation and batched writes as calc-server but no logging.
//!
//! ```text
//! cargo run --release -p calc-server --example thread_per_connection -- 127.0.0.1 4391
//! ```

use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};

use wire::{LineDecoder, ReadBuffer, Request};

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let host = args.next().unwrap_or_else(|| "127.0.0.1".into());
    let port = args.next().unwrap_or_else(|| "4391".into());
    let listener = TcpListener::bind(format!("{host}:{port}"))?;
    println!("listening on {}", listener.local_addr()?);
    for stream in listener.incoming() {
        let stream = stream?;
        std::thread::spawn(move || {
            let _ = serve(stream);
        });
    }
    Ok(())
}

fn serve(mut stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let limits = calc_core::Limits::default();
    let mut decoder = LineDecoder::new();
    let mut input = ReadBuffer::for_decoder(&decoder);
    let mut out = Vec::new();
    loop {
        if input.read_from(&mut stream)? == 0 {
            return Ok(());
        }
        while let Some(item) = decoder.decode(&mut input) {
            match item {
                Ok(Request::Eval(text)) => match calc_core::eval_with(text, &limits) {
                    Ok(v) => wire::encode_ok(&mut out, v),
                    Err(e) => wire::encode_err(&mut out, e.class(), e.message(), e.column()),
                },
                Ok(Request::Exit) => {
                    wire::encode_bye(&mut out, std::time::Duration::ZERO);
                    stream.write_all(&out)?;
                    return Ok(());
                }
                Err(e) => wire::encode_frame_error(&mut out, &e),
            }
        }
        stream.write_all(&out)?;
        out.clear();
    }
}
