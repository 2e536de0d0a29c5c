//! Property: printing a parsed expression gives canonical source that
//! parses back to the same tree, and printing is a fixed point.

use calc_core::Expr;
use proptest::prelude::*;

/// Source text of random expressions from the whole grammar, with random
/// parentheses and spacing.
fn source() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u64..1_000_000).prop_map(|n| n.to_string()),
        Just("0x_ff".to_string()),
        Just("0o17".to_string()),
        Just("0b1_01".to_string()),
        Just("99999999999999999999999".to_string()),
        Just("1_000.5".to_string()),
        Just(".5".to_string()),
        Just("1e-3".to_string()),
        Just("1e400".to_string()),
        Just("2.5j".to_string()),
        Just("1e400j".to_string()),
        Just("True".to_string()),
        Just("False".to_string()),
        Just("x".to_string()),
        Just("pi".to_string()),
        Just("abs".to_string()),
    ];
    leaf.prop_recursive(6, 64, 4, |inner| {
        let ops = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("//"),
            Just("%"),
            Just("**"),
            Just("<<"),
            Just(">>"),
            Just("&"),
            Just("|"),
            Just("^"),
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">="),
            Just("=="),
            Just("!="),
            Just("and"),
            Just("or"),
        ];
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (prop_oneof![Just("-"), Just("+"), Just("~")], inner.clone())
                .prop_map(|(op, a)| format!("{op}{a}")),
            inner.clone().prop_map(|a| format!("(not {a})")),
            // Operators of one level grouped either way: only one of the
            // groupings is a flat chain.
            (
                same_level(),
                inner.clone(),
                inner.clone(),
                inner.clone(),
                any::<bool>()
            )
                .prop_map(|((op1, op2), a, b, c, left)| {
                    if left {
                        format!("({a} {op1} {b}) {op2} {c}")
                    } else {
                        format!("{a} {op1} ({b} {op2} {c})")
                    }
                }),
            inner.clone().prop_map(|a| format!("({a})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("{a} if {b} else {c}")),
            (inner.clone(), prop::collection::vec(inner, 0..3))
                .prop_map(|(f, args)| format!("({f})({})", args.join(", "))),
        ]
    })
}

/// Two operators of the same precedence level.
fn same_level() -> impl Strategy<Value = (&'static str, &'static str)> {
    let levels: &[&[&'static str]] = &[
        &["+", "-"],
        &["*", "/", "//", "%"],
        &["<<", ">>"],
        &["&"],
        &["|"],
        &["^"],
        &["**"],
        &["<", "<=", "==", "!="],
        &["and"],
        &["or"],
    ];
    prop::sample::select(levels)
        .prop_flat_map(|level| (prop::sample::select(level), prop::sample::select(level)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn print_then_parse_is_identity(src in source()) {
        // Some generated texts are not expressions (`1 + not 2`): those
        // are rejected, and proptest fails if too many are.
        let parsed = Expr::parse(&src);
        prop_assume!(parsed.is_ok());
        let e = parsed.unwrap();
        let printed = e.to_string();
        let again = Expr::parse(&printed);
        prop_assert!(again.is_ok(), "{src:?} printed as {printed:?}: {again:?}");
        let again = again.unwrap();
        prop_assert_eq!(&again, &e, "{:?} printed as {:?}", src, printed);
        prop_assert_eq!(again.to_string(), printed);
    }
}
