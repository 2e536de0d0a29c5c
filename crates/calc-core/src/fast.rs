//! The shortcut for the commonest one-shot input: a flat sum of products
//! of small decimal ints (`1+2*3`, `10 - 4 * 2`).
//!
//! The general path tokenizes, builds a tree in an arena and walks it,
//! about 3,000 instructions for `1+2*3`; the [`direct`](crate::direct)
//! path about 800, most of it generality (values of every type, calls,
//! heights); this about 100: it reads the bytes once and computes in
//! `i64`, and gives up at the first byte it does not expect, so other
//! input costs it a few instructions. It answers only when the answer is certainly the
//! general path's: every literal has at most 18 digits and no leading zero
//! (so it is an `i64` and no literal limit applies), every intermediate
//! result fits an `i64` (int arithmetic is exact, so the order of
//! evaluation, left to right within each level, gives Python's value), and
//! the limits leave room for the tree (three levels high) and for 64-bit
//! ints. Anything else, errors included, returns `None` and is decided by
//! the general path.

use crate::value::IntRepr;
use crate::{Int, Limits, Value};

/// The value of `source` if it is a flat sum of products of small decimal
/// ints separated by spaces or tabs at most; `None` otherwise.
pub(crate) fn eval(source: &str, limits: &Limits) -> Option<Value> {
    if limits.max_nesting < 3 || limits.max_int_bits < 64 || limits.max_str_digits < 19 {
        return None;
    }
    let s = source.as_bytes();
    let mut i = 0;
    let mut sum: i64 = 0;
    let mut subtract = false;
    loop {
        let mut product = literal(s, &mut i)?;
        loop {
            skip_blanks(s, &mut i);
            if s.get(i) != Some(&b'*') {
                break;
            }
            i += 1;
            // `**` and `*=` fail here: `literal` wants a digit.
            product = product.checked_mul(literal(s, &mut i)?)?;
        }
        sum = if subtract {
            sum.checked_sub(product)?
        } else {
            sum.checked_add(product)?
        };
        subtract = match s.get(i) {
            None => return Some(Value::Int(Int(IntRepr::Small(sum)))),
            Some(b'+') => false,
            Some(b'-') => true,
            Some(_) => return None,
        };
        i += 1;
    }
}

fn skip_blanks(s: &[u8], i: &mut usize) {
    while matches!(s.get(*i), Some(b' ' | b'\t')) {
        *i += 1;
    }
}

/// A decimal int literal of 1 to 18 digits without a leading zero (or `0`
/// itself), after blanks. What may follow it is checked by the caller,
/// which accepts only blanks, an operator or the end.
fn literal(s: &[u8], i: &mut usize) -> Option<i64> {
    skip_blanks(s, i);
    let start = *i;
    let mut n: i64 = 0;
    while let Some(&b) = s.get(*i) {
        if !b.is_ascii_digit() {
            break;
        }
        if *i - start == 18 {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
        *i += 1;
    }
    let len = *i - start;
    if len == 0 || (len > 1 && s.get(start) == Some(&b'0')) {
        return None;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast(src: &str) -> Option<String> {
        eval(src, &Limits::default()).map(|v| v.to_string())
    }

    #[test]
    fn answers_flat_small_int_arithmetic() {
        assert_eq!(fast("1+2*3").as_deref(), Some("7"));
        assert_eq!(fast("  10 - 4 * 2 - 3\t").as_deref(), Some("-1"));
        assert_eq!(fast("0*5+0").as_deref(), Some("0"));
        assert_eq!(
            fast("999999999999999999*9").as_deref(),
            Some("8999999999999999991")
        );
    }

    #[test]
    fn leaves_everything_else_to_the_parser() {
        for src in [
            "",
            " ",
            "1+",
            "+1",
            "-1",
            "1 2",
            "01",
            "00",
            "1_0",
            "1.5",
            "1e3",
            "1j",
            "2**3",
            "1*=2",
            "1+=2",
            "(1)",
            "1+2\n",
            "1 # c",
            "x",
            "1//2",
            "1/2",
            "9999999999999999999",
            "9223372036854775807+1",
            "3037000500*3037000500",
            "0-9223372036854775807-2",
        ] {
            assert_eq!(fast(src), None, "{src:?}");
        }
    }

    #[test]
    fn agrees_with_the_general_path() {
        for src in ["1+2*3", "7 * 6 * 5 - 4 + 3 * 2", "100-200-300", "0"] {
            let general = crate::parse::with_tree(src, &Limits::default(), |t| {
                crate::eval::eval(t, &crate::env::NO_BINDINGS, &Limits::default())
            });
            assert_eq!(fast(src), general.ok().map(|v| v.to_string()), "{src:?}");
        }
    }

    #[test]
    fn defers_when_limits_are_tight() {
        let tight = Limits {
            max_nesting: 2,
            ..Limits::default()
        };
        assert_eq!(eval("1+2*3", &tight), None);
    }
}
