//! Table test: hand-written inputs with CPython 3.11's answers, in
//! `table.txt` beside this file (format described at its top; expectations
//! regenerated from python3 with `cargo xtask table --regen`).
//!
//! Every case is evaluated (a panic is caught and counted as a failure of
//! that case) and all failures are listed together.

use std::panic::{catch_unwind, AssertUnwindSafe};

use calc_core::Limits;

#[path = "support/table_syntax.rs"]
mod table_syntax;
use table_syntax::{expand, split_line};

const TABLE: &str = include_str!("table.txt");

/// What a case must give.
#[derive(Debug, PartialEq, Eq)]
enum Expect<'a> {
    /// A value with this repr.
    Repr(&'a str),
    /// An error of this class, with this message if given.
    Error {
        class: &'a str,
        message: Option<&'a str>,
    },
}

#[derive(Debug)]
struct Case<'a> {
    line: usize,
    input: String,
    expect: Expect<'a>,
}

fn parse_expect(text: &str) -> Result<Expect<'_>, String> {
    let text = text.strip_prefix("ours ").unwrap_or(text);
    if let Some(repr) = text.strip_prefix("= ") {
        return Ok(Expect::Repr(repr));
    }
    if let Some(err) = text.strip_prefix("! ") {
        return Ok(match err.split_once(": ") {
            Some((class, message)) => Expect::Error {
                class,
                message: Some(message),
            },
            None => Expect::Error {
                class: err,
                message: None,
            },
        });
    }
    Err(format!(
        "no expectation {text:?} (run `cargo xtask table --regen`)"
    ))
}

fn cases() -> Vec<Case<'static>> {
    let mut out = Vec::new();
    for (n, line) in TABLE.lines().enumerate() {
        let Some((input, expect)) = split_line(line) else {
            continue;
        };
        let input = expand(input).unwrap_or_else(|e| panic!("table.txt line {}: {e}", n + 1));
        let expect =
            parse_expect(expect).unwrap_or_else(|e| panic!("table.txt line {}: {e}", n + 1));
        out.push(Case {
            line: n + 1,
            input,
            expect,
        });
    }
    out
}

/// calc-core's answer as the table writes it: `= repr` or `! Class: message`.
fn answer(input: &str, limits: &Limits) -> Result<String, (String, String)> {
    let result = catch_unwind(AssertUnwindSafe(|| {
        calc_core::eval_with(input, limits).and_then(|v| v.repr(limits))
    }));
    match result {
        Ok(Ok(repr)) => Ok(repr),
        Ok(Err(e)) => Err((e.class().to_string(), e.message().to_string())),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(("PANIC".to_string(), message))
        }
    }
}

fn show(input: &str) -> String {
    if input.chars().count() > 80 {
        let head: String = input.chars().take(60).collect();
        format!("{head}... ({} chars)", input.chars().count())
    } else {
        input.to_string()
    }
}

fn check(case: &Case<'_>, limits: &Limits) -> Result<(), String> {
    let got = answer(&case.input, limits);
    let ok = match (&case.expect, &got) {
        (Expect::Repr(want), Ok(repr)) => want == repr,
        (Expect::Error { class, message }, Err((c, m))) => {
            class == c && message.is_none_or(|want| want == m)
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let got = match got {
        Ok(repr) => format!("= {repr}"),
        Err((c, m)) => format!("! {c}: {m}"),
    };
    Err(format!(
        "line {}: {}\n    want {:?}\n    got  {got}",
        case.line,
        show(&case.input),
        case.expect
    ))
}

#[test]
fn table_matches_cpython() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let limits = Limits::default();
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| check(c, &limits).err())
        .collect();
    std::panic::set_hook(hook);
    assert!(
        failures.is_empty(),
        "{} of {} table cases differ from CPython:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn table_is_large_and_well_formed() {
    let cases = cases();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let errors = cases
        .iter()
        .filter(|c| matches!(c.expect, Expect::Error { .. }))
        .count();
    let limit = cases
        .iter()
        .filter(|c| {
            matches!(
                c.expect,
                Expect::Error {
                    class: "LimitError",
                    ..
                }
            )
        })
        .count();
    assert!(errors > 50 && cases.len() - errors > 200 && limit >= 5);
}

#[test]
fn expand_repeats() {
    assert_eq!(expand("{3*(}1{3*)}").unwrap(), "(((1)))");
    assert_eq!(expand("a\\tb").unwrap(), "a\tb");
    assert_eq!(
        expand("\\f 1\\r\\n\\0\\\\\\q").unwrap(),
        "\x0c 1\r\n\0\\\\q"
    );
    assert!(expand("{2*x").is_err());
}
