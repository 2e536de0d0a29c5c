//! Arbitrary request text through the evaluator with the server's default
//! limits: it must return (a value or a Python-style error), never panic
//! or run away, and a value's repr must be printable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The server only evaluates lines that decoded as UTF-8.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = calc_core::Limits::default();
    if let Ok(value) = calc_core::eval_with(text, &limits) {
        // `Display` is Python's repr, what the server sends after `OK`.
        let _ = value.to_string();
    }
});
