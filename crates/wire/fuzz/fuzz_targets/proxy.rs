//! PROXY protocol headers from an untrusted peer: parsing never panics,
//! feeding the bytes piecewise gives the whole input's answer without
//! asking past the header, and accepted headers re-encode to themselves.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(broken) = wire::proxy::check_parser(data) {
        panic!("PROXY parser contract broken: {broken}");
    }
});
