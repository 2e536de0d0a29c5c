//! Values of number literals, from the text the tokenizer accepted.

use crate::value::IntRepr;
use std::borrow::Cow;

use num_bigint::BigInt;

use crate::{Complex, EvalError, Int, Limits, Value};

/// The literal without its underscores (borrowed when it has none).
fn digits(text: &str) -> Cow<'_, str> {
    if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    }
}

/// An int literal in `radix`; `text` includes any `0x`/`0o`/`0b` prefix.
///
/// Decimal literals of more than `limits.max_str_digits` digits are a
/// `SyntaxError`, as in CPython 3.11; prefixed literals have no such limit.
pub(crate) fn int(text: &str, radix: u32, limits: &Limits) -> Result<Value, EvalError> {
    if radix == 10 && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit()) {
        // Fast path: at most 18 digits always fit an i64.
        let n = text.bytes().fold(0i64, |n, b| n * 10 + i64::from(b - b'0'));
        return Ok(Value::Int(Int(IntRepr::Small(n))));
    }
    let body = if radix == 10 {
        text
    } else {
        text.get(2..).unwrap_or("")
    };
    let body = digits(body);
    // Fast path: anything that fits a machine word needs no bigint.
    if let Ok(small) = i64::from_str_radix(&body, radix) {
        return Ok(Value::Int(Int(IntRepr::Small(small))));
    }
    if radix == 10 && body.len() > limits.max_str_digits {
        // CPython 3.11 checks decimal literals against the int string
        // conversion limit when it parses them.
        return Err(EvalError::syntax(
            format!(
                "Exceeds the limit ({} digits) for integer string conversion: value has {} digits; \
                 use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal \
                 for huge integer literals to avoid decimal conversion limits.",
                limits.max_str_digits,
                body.len()
            ),
            0,
        ));
    }
    // Out of the i64 range: the tokenizer let through only digits of `radix`.
    // (Parsing is linear for a power-of-two radix and bounded by
    // `max_str_digits` for decimal, so the size is checked on the value.)
    let big = BigInt::parse_bytes(body.as_bytes(), radix)
        .ok_or_else(|| EvalError::syntax("invalid syntax", 0))?;
    if big.bits() > limits.max_int_bits {
        return Err(crate::num::int::literal_too_big(limits));
    }
    Ok(Value::Int(Int(IntRepr::Big(big))))
}

/// A float literal: Rust's parser is correctly rounded, as CPython's is,
/// and overflows to `inf` (`1e400`), as CPython does.
pub(crate) fn float(text: &str) -> f64 {
    digits(text).parse().unwrap_or(f64::NAN)
}

/// An imaginary literal `<float>j`.
pub(crate) fn imaginary(text: &str) -> Value {
    let body = text.get(..text.len().saturating_sub(1)).unwrap_or("");
    Value::Complex(Complex {
        re: 0.0,
        im: float(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(v: &Value) -> Option<i64> {
        match v {
            Value::Int(Int(IntRepr::Small(n))) => Some(*n),
            _ => None,
        }
    }

    #[test]
    fn ints_in_every_radix() {
        let l = Limits::default();
        assert_eq!(small(&int("1_000", 10, &l).unwrap()), Some(1000));
        assert_eq!(small(&int("0x_ff", 16, &l).unwrap()), Some(255));
        assert_eq!(small(&int("0O17", 8, &l).unwrap()), Some(15));
        assert_eq!(small(&int("0b1_0", 2, &l).unwrap()), Some(2));
        assert_eq!(small(&int("00", 10, &l).unwrap()), Some(0));
        assert_eq!(
            small(&int("9223372036854775807", 10, &l).unwrap()),
            Some(i64::MAX)
        );
    }

    /// A literal of exactly `max_int_bits` bits is read, one of a bit
    /// more refused, in every radix and with leading zeros; and the same
    /// bound holds for `Int::from_str_radix`.
    #[test]
    fn literals_are_held_to_the_bit_bound() {
        let at = |bits: u64| Limits {
            max_int_bits: bits,
            ..Limits::default()
        };
        // 2**100 - 1 and 2**100, leading zeros included.
        for (text, radix, bits) in [
            ("0x0000fffffffffffffffffffffffff", 16, 100),
            ("0x10000000000000000000000000", 16, 101),
            ("0b0001111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111", 2, 100),
            ("1267650600228229401496703205375", 10, 100),
            ("1267650600228229401496703205376", 10, 101),
        ] {
            let body = text.trim_start_matches("0x").trim_start_matches("0b");
            assert!(int(text, radix, &at(bits)).is_ok(), "{text}");
            assert!(Int::from_str_radix(body, radix, &at(bits)).is_ok(), "{text}");
            let want = format!("LimitError: integer literal would exceed {} bits", bits - 1);
            let err = int(text, radix, &at(bits - 1)).unwrap_err();
            assert_eq!(err.to_string(), want, "{text}");
            let err = Int::from_str_radix(body, radix, &at(bits - 1)).unwrap_err();
            assert_eq!(err.to_string(), want, "{text}");
        }
    }

    #[test]
    fn floats_round_correctly() {
        assert_eq!(float("1_000.5"), 1000.5);
        assert_eq!(float("1."), 1.0);
        assert_eq!(float(".5"), 0.5);
        assert_eq!(float("1e1_0"), 1e10);
        assert_eq!(float("1e400"), f64::INFINITY);
        assert_eq!(float("0.1"), 0.1);
        assert_eq!(
            imaginary("1.5e3J"),
            Value::Complex(Complex {
                re: 0.0,
                im: 1500.0
            })
        );
    }
}
