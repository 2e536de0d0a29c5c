//! The gate before the one-pass path spends more than a small share of
//! its budget: a scan of the whole input that says whether the path, once
//! it spends work, certainly gets to the end of the input or to an error
//! the walker meets too.
//!
//! The one-pass path gives an input up to the general path when it meets
//! something outside its subset (a keyword, another name, a comment that
//! does not end the input, a tuple, `1(2)`, deeper recursion than its
//! own cap), and the general path starts again with a budget of its own.
//! Had the one-pass path charged much work before giving up, one request
//! would cost up to two budgets. So its budget ([`Budget::gated`]) lets it
//! charge no more than `work_budget / 4096` before this scan has said yes;
//! when the scan says no, it gives up before the work.
//!
//! Yes means: if the general parser accepts the input, the one-pass path
//! parses all of it and, evaluating the same operations in the walker's
//! order, stops only at the end or at an error. Its order is the walker's
//! except in comparison chains, where Python skips the operands after a
//! false link and the one-pass path does not: the scan says no to a chain
//! of two links or more. What the general parser rejects (`1 +`, `(1`,
//! `1 2`) needs no care here: its error is the answer either way.
//!
//! The scan mirrors the one-pass path's reading of tokens ([`operator`],
//! names; number literals through the tokenizer's own reader,
//! `parse::lex::scan_number`, narrowed to the subset the one-pass path
//! computes) and counts its recursion (brackets, unary operators, `**`) as
//! it grows and shrinks. It is run at most once per evaluation, and only
//! by inputs that charge more than a small share of the budget
//! (`budget::UNGATED_SHARE`): one pass over the bytes, 48 instructions a
//! byte on a 1 KiB sum of powers and products (`2**10 * 0.5 + ...`,
//! callgrind, release build); its own copy of the literal reader took 26.
//!
//! [`Budget::gated`]: crate::budget::Budget::gated

use super::MAX_RECURSION;
use crate::direct::operand::MAX_HEIGHT;
use crate::parse::lex::plain_number;
use crate::{builtins, Limits, Value};

/// One bracket level: what opened it and what is pending in it.
#[derive(Debug, Clone, Copy, Default)]
struct Level {
    /// The parentheses of a call (commas separate its arguments), not of
    /// a group (where a comma makes a tuple).
    call: bool,
    /// Comparison operators since the level opened or its last comma.
    comparisons: u32,
    /// Unary operators and `**` whose operand is not complete yet: each is
    /// a level of the one-pass path's recursion.
    pending: u32,
}

/// Whether the one-pass path evaluates `s` to its end or to an error the
/// walker meets at the same point, if the general parser accepts `s`.
pub(super) fn committable(src: &str, limits: &Limits) -> bool {
    let s = src.as_bytes();
    if s.len() > MAX_HEIGHT as usize {
        return false;
    }
    let max_depth = limits.max_depth.min(limits.max_nesting);
    let mut stack = [Level::default(); MAX_RECURSION as usize + 1];
    let mut depth = 0;
    let mut level = Level::default();
    // Open brackets plus every level's pending operators: the one-pass
    // path's recursion at this point.
    let mut recursion: u32 = 0;
    let mut i = 0;
    'operand: loop {
        // An operand: blanks and unary operators, then a number, a name, a
        // call or a bracketed expression.
        let mut open = None;
        loop {
            match s.get(i) {
                Some(b' ' | b'\t') => i += 1,
                Some(b'-' | b'+' | b'~') => {
                    level.pending += 1;
                    recursion += 1;
                    if recursion > MAX_RECURSION {
                        return false;
                    }
                    i += 1;
                }
                Some(b'0'..=b'9' | b'.') => {
                    match plain_number(src, i) {
                        Some((_, end)) => i = end,
                        None => return false,
                    }
                    break;
                }
                Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => {
                    let start = i;
                    while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = s.get(i) {
                        i += 1;
                    }
                    if s.get(i).is_some_and(|&b| b >= 0x80) {
                        return false;
                    }
                    let name = s.get(start..i).and_then(|n| std::str::from_utf8(n).ok());
                    let callable = match name {
                        Some("True" | "False") => false,
                        Some(name) => match builtins::lookup(name) {
                            Some(Value::Builtin(_)) => true,
                            Some(_) => false,
                            // Another name or a keyword.
                            None => return false,
                        },
                        None => return false,
                    };
                    let after = blanks(s, i);
                    if callable && s.get(after) == Some(&b'(') {
                        i = after + 1;
                        open = Some(true);
                    }
                    break;
                }
                Some(b'(') => {
                    i += 1;
                    open = Some(false);
                    break;
                }
                _ => return false,
            }
        }
        if let Some(call) = open {
            depth += 1;
            recursion += 1;
            if depth > max_depth || recursion > MAX_RECURSION {
                return false;
            }
            stack[depth - 1] = level;
            level = Level {
                call,
                ..Level::default()
            };
            i = blanks(s, i);
            // `f()`: closed below, as after an operand.
            if !(call && s.get(i) == Some(&b')')) {
                continue 'operand;
            }
        }
        // After an operand: a closing bracket, a comma, the end, or an
        // operator and the next operand.
        loop {
            let Some(&b) = s.get(i) else {
                return true;
            };
            match b {
                b' ' | b'\t' => {
                    i += 1;
                    continue;
                }
                b')' => {
                    if depth == 0 {
                        return false;
                    }
                    recursion -= level.pending + 1;
                    depth -= 1;
                    level = stack[depth];
                    i += 1;
                    // A call of a call's value or of a bracketed
                    // expression: `abs(1)(2)`, `(abs)(1)`.
                    if s.get(blanks(s, i)) == Some(&b'(') {
                        return false;
                    }
                    continue;
                }
                b',' => {
                    // Outside a call's arguments a comma makes a tuple.
                    if !level.call {
                        return false;
                    }
                    recursion -= level.pending;
                    level.pending = 0;
                    level.comparisons = 0;
                    i += 1;
                    let after = blanks(s, i);
                    if s.get(after) == Some(&b')') {
                        // A trailing comma.
                        i = after;
                        continue;
                    }
                    continue 'operand;
                }
                // A comment that ends the input (the one-pass path's
                // `trailing_comment`).
                b'#' => {
                    let rest = s.get(i..).unwrap_or_default();
                    return depth == 0 && !rest.iter().any(|&b| matches!(b, b'\n' | b'\r' | 0));
                }
                _ => {}
            }
            let (op, len) = operator(s, i, b);
            match op {
                Op::Pow => {
                    level.pending += 1;
                    recursion += 1;
                    if recursion > MAX_RECURSION {
                        return false;
                    }
                }
                Op::Binary => {
                    recursion -= level.pending;
                    level.pending = 0;
                }
                Op::Comparison => {
                    level.comparisons += 1;
                    if level.comparisons > 1 {
                        return false;
                    }
                    recursion -= level.pending;
                    level.pending = 0;
                }
                // A call of a number or constant, anything else.
                Op::Other => return false,
            }
            i += len;
            continue 'operand;
        }
    }
}

/// What an operator after an operand does to the scan's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    /// `**`: right-associative, a level of recursion until its operand ends.
    Pow,
    /// A left-associative binary operator.
    Binary,
    /// A comparison.
    Comparison,
    /// Anything the one-pass path does not take after an operand.
    Other,
}

/// The operator at `s[i]`, which is `b`, and its length, as
/// `Direct::lex_next` reads it (the test
/// `the_scan_reads_tokens_as_this_path_does` compares the two on every
/// pair of bytes).
#[inline(always)]
pub(super) fn operator(s: &[u8], i: usize, b: u8) -> (Op, usize) {
    let second = s.get(i + 1).copied().unwrap_or(0);
    let (op, len) = match (b, second) {
        (b'*', b'*') => (Op::Pow, 2),
        (b'/', b'/') | (b'<', b'<') | (b'>', b'>') => (Op::Binary, 2),
        (b'-', b'>') | (b'<', b'>') => (Op::Other, 0),
        (b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^', _) => (Op::Binary, 1),
        (b'<' | b'>' | b'=' | b'!', b'=') => (Op::Comparison, 2),
        (b'<' | b'>', _) => (Op::Comparison, 1),
        _ => (Op::Other, 0),
    };
    // An augmented assignment (`+=`, `**=`, `//=`, `<<=`).
    if matches!(op, Op::Pow | Op::Binary) && s.get(i + len) == Some(&b'=') {
        return (Op::Other, 0);
    }
    (op, len)
}

#[inline(always)]
fn blanks(s: &[u8], mut i: usize) -> usize {
    while let Some(b' ' | b'\t') = s.get(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_yes_to_the_subset_and_no_to_the_rest() {
        let limits = Limits::default();
        for src in [
            "2**200",
            "pow(3, 10**1000, 10**1000 + 1) + 1/0",
            "pow(3, 10**1000, 10**1000 + 1)  # a comment",
            "abs()",
            "max(1, 2,)",
            "-(-(2**100))**-~3",
            "1 < 2**100",
            "(1 < 2) < 3",
            "max(1 < 2, 3 < 4)",
            "1.5e3j + .5 + 1. + 0.0 + 00.5 + 0e0",
            "abs (1)",
            "pi + True",
        ] {
            assert!(committable(src, &limits), "{src:?}");
        }
        for src in [
            "2**200 + x",
            "2**200 if 1 else 2",
            "2**200 and 1",
            "not 2**200",
            "1 < 2 < 2**200",
            "1 == 1 != 2**100",
            "(1, 2**100)",
            "2**100, 1",
            "()",
            "(1,)",
            "1(2**100)",
            "pi(2)",
            "True(1)",
            "abs(1)(2)",
            "(abs)(1)",
            "2**100 # c\n",
            "2**100\n",
            "(2**100 # c\n)",
            "1_000 ** 100",
            "0x10 ** 100",
            "00 + 2**100",
            "1e ** 100",
            "1.real",
            "\u{c}2**100",
            "2**100 \\\n+ 1",
            "é",
            "abs(x=2**100)",
            "2**100 += 1",
            "[2**100]",
        ] {
            assert!(!committable(src, &limits), "{src:?}");
        }
    }

    /// Recursion past the one-pass path's cap and brackets past the limits
    /// are refused at the level the path itself gives up at.
    #[test]
    fn counts_the_recursion_of_the_one_pass_path() {
        let limits = Limits::default();
        let cap = MAX_RECURSION as usize;
        // The `**` is a level too.
        let brackets = |n: usize| format!("{}2**100{}", "(".repeat(n), ")".repeat(n));
        assert!(committable(&brackets(cap - 1), &limits));
        assert!(!committable(&brackets(cap), &limits));
        let unary = |n: usize| format!("{}2**100", "-".repeat(n));
        assert!(committable(&unary(cap - 1), &limits));
        assert!(!committable(&unary(cap), &limits));
        let tower = |n: usize| format!("2{}", "**2".repeat(n));
        assert!(committable(&tower(cap), &limits));
        assert!(!committable(&tower(cap + 1), &limits));
        // Levels that end give their room back.
        let flat = vec!["-2**-2**2"; 100].join(" + ");
        assert!(committable(&flat, &limits));
        let nested = format!("{}1{}", "-(1 + ".repeat(24), ")".repeat(24));
        assert!(committable(&nested, &limits));
        let nested = format!("{}1{}", "-(1 + ".repeat(25), ")".repeat(25));
        assert!(!committable(&nested, &limits));
        let shallow = Limits {
            max_depth: 2,
            ..Limits::default()
        };
        let brackets = |n: usize| format!("{}7{}", "(".repeat(n), ")".repeat(n));
        assert!(committable(&brackets(2), &shallow));
        assert!(!committable(&brackets(3), &shallow));
    }
}
