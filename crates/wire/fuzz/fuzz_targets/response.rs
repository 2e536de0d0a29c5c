//! Response lines from an untrusted server: parsing never panics, and what
//! parses re-encodes to a line that parses to the same response.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wire::fuzz::fuzz_response(data);
});
