//! `Limits::max_memory`: the bytes of ints one evaluation holds at once,
//! on the costliest shapes of input (argument lists and nesting of
//! 2**20-bit ints, long chains), through every entry point: `eval_with`
//! (the one-pass path first), `Expr` (the general path alone) and
//! `eval_repr_metered` (a server's).

use calc_core::{eval_repr_metered, eval_with, Env, Expr, Limits};

/// An int of 2**20 bits: 16,384 words, 131,072 bytes held.
const X: &str = "2**1048575";
const X_BYTES: u64 = 131_072;

/// The answer of every entry point, as `repr` or `Class: message`; they
/// must agree.
fn answer(src: &str, limits: &Limits) -> String {
    let show = |r: Result<String, calc_core::EvalError>| r.unwrap_or_else(|e| e.to_string());
    let one_pass = show(eval_with(src, limits).map(|v| v.to_string()));
    let general = show(
        Expr::parse_with(src, limits)
            .and_then(|e| e.eval(&Env::new().with_limits(limits.clone())))
            .map(|v| v.to_string()),
    );
    let mut out = String::new();
    let (result, units) = eval_repr_metered(src, limits, &mut out);
    let server = show(result.map(|()| out));
    assert_eq!(one_pass, general, "{src:.80}");
    assert_eq!(server, general, "{src:.80}");
    assert!(units <= limits.work_budget + limits.work_budget / 4096);
    general
}

fn refused(limits: &Limits) -> String {
    format!(
        "LimitError: ints held at once would exceed {} bytes",
        limits.max_memory
    )
}

fn args(n: usize, arg: &str) -> String {
    vec![arg; n].join(", ")
}

/// The default bound holds 64 ints of 2**20 bits, the arguments of a call
/// included: 64 are computed, 65 refused, and a 64 KiB argument list of
/// them is refused at its 65th argument, before the work of the rest.
#[test]
fn a_call_holds_its_arguments() {
    let limits = Limits::default();
    assert_eq!(limits.max_memory, 64 * X_BYTES);
    // 2**1048575 % 7 == 1 (python3)
    assert_eq!(answer(&format!("max({}) % 7", args(64, X)), &limits), "1");
    assert_eq!(
        answer(&format!("max({}) % 7", args(65, X)), &limits),
        refused(&limits)
    );
    let long = format!("max({})", args(5400, X));
    assert!(long.len() < limits.max_source_len);
    assert_eq!(answer(&long, &limits), refused(&limits));
    let mut out = String::new();
    let (_, units) = eval_repr_metered(&long, &limits, &mut out);
    // 65 ints made (a shift each), not 5,400.
    assert!(units < 70 * 131_200, "{units}");
}

/// The bound is configurable, and counts the words of each int.
#[test]
fn the_bound_is_what_the_limits_say() {
    let limits = Limits {
        max_memory: 8 * X_BYTES,
        ..Limits::default()
    };
    assert_eq!(answer(&format!("min({}) % 7", args(8, X)), &limits), "1");
    assert_eq!(
        answer(&format!("min({}) % 7", args(9, X)), &limits),
        refused(&limits)
    );
    // Ints of half the size: twice as many (2**524287 % 7 == 2).
    let half = "2**524287";
    assert_eq!(
        answer(&format!("min({}) % 7", args(16, half)), &limits),
        "2"
    );
    assert_eq!(
        answer(&format!("min({}) % 7", args(17, half)), &limits),
        refused(&limits)
    );
    // Floats and ints of the machine word count nothing.
    let none = Limits {
        max_memory: 0,
        ..Limits::default()
    };
    assert_eq!(
        answer(
            "max(1, 2.5, 2**62, abs(3j), -9223372036854775807 - 1)",
            &none
        ),
        "4611686018427387904"
    );
    assert_eq!(answer("2**64", &none), refused(&none));
}

/// Operands waiting for their right side are held: in nested brackets,
/// every level's left operand.
#[test]
fn nested_left_operands_are_held() {
    let limits = Limits::default();
    let nested = |depth: usize| {
        format!(
            "({X} - ({}0{})) % 7",
            format!("{X} - (").repeat(depth),
            ")".repeat(depth)
        )
    };
    // 2**1048575 - (2**1048575 - (... - 0)), 41 of them, is 2**1048575.
    assert_eq!(answer(&nested(40), &limits), "1");
    assert_eq!(answer(&nested(100), &limits), refused(&limits));
    // A comparison holds its left side while the right one is made.
    let limits = Limits {
        max_memory: 2 * X_BYTES,
        ..Limits::default()
    };
    assert_eq!(answer(&format!("{X} == {X}"), &limits), "True");
    assert_eq!(
        answer(&format!("{X} == {X} + 0 * {X}"), &limits),
        refused(&limits)
    );
}

/// A chain holds its running value and one operand, however long it is:
/// 200 ints of 2**20 bits made one after the other (25 MiB in all, 26 M
/// work units) pass a bound of 2 of them.
#[test]
fn long_chains_hold_two_ints() {
    let limits = Limits {
        max_memory: 2 * X_BYTES,
        ..Limits::default()
    };
    // 2**1048574, then `+ x + x - x - x` 50 times: it stays at most
    // 2**1048575 and ends at 2**1048574, whose remainder by 7 is 4
    // (python3).
    let x = "2**1048574";
    let chain = format!("{x}{}", format!(" + {x} + {x} - {x} - {x}").repeat(50));
    assert_eq!(answer(&format!("({chain}) % 7"), &limits), "4");
}

/// Strings count their bytes: two of 5 MB are more than the 8 MiB
/// default holds at once (the left one is held while the right one is
/// made), one of 9 MB is refused before it is built, and a string held
/// by one operation is released by the next.
#[test]
fn strings_count_their_bytes() {
    let limits = Limits::default();
    assert_eq!(
        answer("'ab' * 2_500_000 + 'ab' * 2_500_000", &limits),
        refused(&limits)
    );
    assert_eq!(
        answer("'a' * 9_000_000", &limits),
        "LimitError: string result would exceed 8388608 bytes"
    );
    assert_eq!(
        answer(
            "('ab' * 2_000_000 < 'b') + ('ab' * 2_000_000 < 'b')",
            &limits
        ),
        "2"
    );
    let tight = Limits {
        max_memory: 1000,
        ..Limits::default()
    };
    assert_eq!(answer("'a' * 1000 == 'a' * 999", &tight), refused(&tight));
    assert_eq!(answer("'a' * 500 == 'a' * 499", &tight), "False");
    assert_eq!(
        answer(&format!("'{}'", "x".repeat(1001)), &tight),
        refused(&tight)
    );
}
