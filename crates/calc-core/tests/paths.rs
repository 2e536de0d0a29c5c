//! Every path that evaluates text gives the same answer for the same
//! input: `eval_with` (which tries the shortcuts first), the repr and
//! metered entry points, `Expr::parse(..).eval(..)`, the compiled form,
//! and each shortcut on its own, over generated input (valid expressions
//! of every construct, and the same with a character inserted, deleted or
//! replaced), under the default limits and random tight ones.
//! `calc_core::paths_disagree` does the comparing; the fuzz target
//! `fuzz_targets/eval.rs` runs it on arbitrary bytes.

use calc_core::{paths_disagree, Limits};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const ATOMS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "7",
    "10",
    "255",
    "0x1f",
    "0o17",
    "0b101",
    "1_000",
    "4611686018427387904",
    "9223372036854775807",
    "9223372036854775808",
    "123456789012345678901234567890",
    "0.5",
    "2.5",
    "1e308",
    "1e-300",
    "1.5e3",
    ".25",
    "3j",
    "0.5j",
    "True",
    "False",
    "pi",
    "e",
    "inf",
    "nan",
    "x",
    "int",
    "'a'",
    "''",
    "\"b'\"",
    "'\\x41\\n'",
    "r'\\d'",
    "'ab' 'c'",
    "'12'",
    "' 1_5 '",
    "'1e3'",
    "'1+2j'",
    "'\\N{EM SPACE}'",
];
const BINARY: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "<", "<=", ">", ">=", "==",
    "!=", " and ", " or ", " in ", " not in ",
];
const UNARY: &[&str] = &["-", "+", "~", "not "];
const FUNCTIONS: &[&str] = &[
    "abs", "min", "max", "pow", "round", "sqrt", "floor", "int", "float", "divmod", "gcd", "hypot",
    "log", "nope", "sum", "frexp", "modf", "fsum", "dist", "hex", "oct", "bin", "complex", "prod",
];
const KEYWORDS: &[&str] = &[
    "ndigits", "number", "base", "exp", "mod", "start", "key", "default", "real", "imag", "x",
];
const BLANKS: &[&str] = &["", "", "", " ", "\t"];
/// Characters a mutation inserts: tokens of the language and of Python,
/// and bytes that are errors.
const NOISE: &[&str] = &[
    "(", ")", ",", "*", "-", "+", "=", ".", "1", "x", " ", "#", "\n", "[", "]", "{", "@", ":", "'",
    "\\", "if", "else", "not", "é", "\u{a0}",
];

fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn generate(rng: &mut ChaCha8Rng, depth: u32, out: &mut String) {
    let blank = |rng: &mut ChaCha8Rng, out: &mut String| out.push_str(pick(rng, BLANKS));
    let choice = if depth == 0 {
        0
    } else {
        rng.random_range(0..10)
    };
    match choice {
        0 | 1 => out.push_str(pick(rng, ATOMS)),
        2 => {
            out.push_str(pick(rng, UNARY));
            generate(rng, depth - 1, out);
        }
        3 => {
            out.push('(');
            generate(rng, depth - 1, out);
            out.push(')');
        }
        4 => {
            out.push_str(pick(rng, FUNCTIONS));
            out.push('(');
            for k in 0..rng.random_range(0..4) {
                if k > 0 {
                    out.push_str(", ");
                }
                generate(rng, depth - 1, out);
            }
            // Keyword arguments, right and wrong.
            for k in 0..rng.random_range(0..3) {
                if k > 0 || !out.ends_with('(') {
                    out.push_str(", ");
                }
                out.push_str(pick(rng, KEYWORDS));
                out.push('=');
                generate(rng, depth - 1, out);
            }
            out.push(')');
        }
        8 => {
            // A tuple: `()`, `(x,)`, `(x, y, ...)`, or bare at the top.
            let n = rng.random_range(0..4);
            let bare = n > 1 && out.is_empty() && rng.random_range(0..4) == 0;
            if !bare {
                out.push('(');
            }
            for k in 0..n {
                if k > 0 {
                    out.push_str(", ");
                }
                generate(rng, depth - 1, out);
            }
            if n == 1 {
                out.push(',');
            }
            if !bare {
                out.push(')');
            }
        }
        9 => {
            // An index, or a tuple times an int.
            generate(rng, depth - 1, out);
            if rng.random_range(0..2) == 0 {
                out.push('[');
                generate(rng, depth - 1, out);
                out.push(']');
            } else {
                out.push_str(" * ");
                out.push_str(pick(rng, &["2", "3", "-1", "True", "10**9"]));
            }
        }
        5 => {
            generate(rng, depth - 1, out);
            out.push_str(" if ");
            generate(rng, depth - 1, out);
            out.push_str(" else ");
            generate(rng, depth - 1, out);
        }
        _ => {
            generate(rng, depth - 1, out);
            blank(rng, out);
            out.push_str(pick(rng, BINARY));
            blank(rng, out);
            generate(rng, depth - 1, out);
        }
    }
}

/// A character inserted, deleted or replaced at a random place.
fn mutate(rng: &mut ChaCha8Rng, src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let at = rng.random_range(0..=chars.len());
    let mut out: String = chars[..at].iter().collect();
    match rng.random_range(0..3) {
        0 => {
            out.push_str(pick(rng, NOISE));
            out.extend(&chars[at..]);
        }
        1 => out.extend(chars.iter().skip(at + 1)),
        _ => {
            out.push_str(pick(rng, NOISE));
            out.extend(chars.iter().skip(at + 1));
        }
    }
    out
}

fn tight(rng: &mut ChaCha8Rng) -> Limits {
    Limits {
        max_nesting: rng.random_range(0..8),
        max_depth: rng.random_range(0..4),
        max_int_bits: rng.random_range(32..300),
        work_budget: rng.random_range(0..5_000),
        max_memory: rng.random_range(0..200),
        max_str_digits: rng.random_range(0..40),
        ..Limits::default()
    }
}

#[test]
fn every_path_gives_the_same_answer() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x9a7e_5e9a_1000_0001);
    let mut wrong = Vec::new();
    let (mut values, mut errors) = (0u32, 0u32);
    for i in 0..12_000u32 {
        let mut src = String::new();
        generate(&mut rng, 1 + i % 5, &mut src);
        if i % 4 == 3 {
            src = mutate(&mut rng, &src);
        }
        if i % 7 == 0 {
            src.push_str(pick(&mut rng, &[" # c", "\n", "  "]));
        }
        let limits = if i % 3 == 0 {
            tight(&mut rng)
        } else {
            Limits::default()
        };
        match calc_core::eval_with(&src, &limits) {
            Ok(_) => values += 1,
            Err(_) => errors += 1,
        }
        if let Some(d) = paths_disagree(&src, &limits) {
            wrong.push(d);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements, first ones:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
    // Neither side vacuous.
    assert!(
        values > 3_000 && errors > 3_000,
        "{values} values, {errors} errors"
    );
}
