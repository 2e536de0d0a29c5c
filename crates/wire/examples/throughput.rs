//! Measures decode + encode throughput of pipelined requests, without
//! sockets: `cargo run --release -p wire --example throughput`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use wire::{LineDecoder, ReadBuffer, Request, WriteBuffer};

fn main() {
    let line = b"1+2*3\n";
    let batch: Vec<u8> = line.repeat(16 * 1024 / line.len());
    let per_batch = batch.len() / line.len();
    let mut dec = LineDecoder::new();
    let mut input = ReadBuffer::for_decoder(&dec);
    let mut output = WriteBuffer::new();
    let mut sink = std::io::sink();

    let started = Instant::now();
    let mut requests = 0u64;
    while started.elapsed() < Duration::from_secs(2) {
        for _ in 0..100 {
            let mut rest = &batch[..];
            while !rest.is_empty() {
                let n = input.extend_from_slice(rest);
                rest = &rest[n..];
                while let Some(item) = dec.decode(&mut input) {
                    match item {
                        Ok(Request::Eval(text)) => {
                            wire::encode_ok(output.buf_mut(), black_box(text).len() + 1)
                        }
                        Ok(Request::Exit) => wire::encode_bye(output.buf_mut(), Duration::ZERO),
                        Err(e) => wire::encode_frame_error(output.buf_mut(), &e),
                    }
                    requests += 1;
                }
            }
            let _ = output.write_to(&mut sink);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{requests} requests in {secs:.2}s: {:.1} M requests/s, {:.1} ns/request ({per_batch} per 16 KiB batch)",
        requests as f64 / secs / 1e6,
        secs * 1e9 / requests as f64
    );
}
