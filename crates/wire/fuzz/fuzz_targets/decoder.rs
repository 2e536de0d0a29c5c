//! The line decoder over arbitrary bytes: chunked and one-piece decoding
//! agree, buffers stay bounded, no line passes the limit, nothing panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wire::fuzz::fuzz_decoder(data);
});
