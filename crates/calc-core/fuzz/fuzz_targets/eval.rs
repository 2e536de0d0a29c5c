//! Arbitrary request text through every evaluation path: each must return
//! (a value or a Python-style error), never panic or run away, and all
//! must give the same answer (`calc_core::paths_disagree`: `eval_with`,
//! the repr and metered entry points, `Expr::parse(..).eval(..)`, the
//! compiled form, and each shortcut where it answers), under the server's
//! default limits and under tight ones read from the input's first byte.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The server only evaluates lines that decoded as UTF-8.
    let (limits, text) = match data.split_first() {
        // A first byte of 0xff selects tight limits for the rest.
        Some((0xff, rest)) => (
            calc_core::Limits {
                max_nesting: 6,
                max_depth: 3,
                max_int_bits: 128,
                work_budget: 2_000,
                max_memory: 100,
                max_str_digits: 20,
                ..calc_core::Limits::default()
            },
            rest,
        ),
        _ => (calc_core::Limits::default(), data),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    if let Some(difference) = calc_core::paths_disagree(text, &limits) {
        panic!("{difference}");
    }
    if let Ok(value) = calc_core::eval_with(text, &limits) {
        // `Display` is Python's repr, what the server sends after `OK`.
        let _ = value.to_string();
    }
});
