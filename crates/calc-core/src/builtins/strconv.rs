//! The builtins between numbers and strings: `hex`, `oct` and `bin`, and
//! `int(s)`, `int(s, base)`, `float(s)` and `complex(s)` as CPython 3.11's
//! `PyLong_FromUnicodeObject`, `PyFloat_FromString` and
//! `complex_subtype_from_string` read a string. Each charges its pass over
//! the string to the work budget.

use std::sync::Arc;

use unicode_general_category::{get_general_category, GeneralCategory};

use crate::budget::{linear_cost, mul_cost, Budget};
use crate::text::{str_cost, write_repr};
use crate::value::IntRepr;
use crate::{Complex, EvalError, Int, Value};

use super::args::index;

/// `hex(x)`, `oct(x)`, `bin(x)`: the int `x` (or anything with
/// `__index__`: a bool) in base 16, 8 or 2 with its prefix, `-` first for
/// a negative one.
pub(super) fn radix_repr(
    name: &str,
    radix: u32,
    args: &[Value],
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let [x] = args else {
        return Err(EvalError::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let i = index(x)?;
    let prefix = match radix {
        16 => "0x",
        8 => "0o",
        _ => "0b",
    };
    let mut out = String::new();
    match &i.0 {
        IntRepr::Small(v) => {
            if *v < 0 {
                out.push('-');
            }
            out.push_str(prefix);
            let m = v.unsigned_abs();
            let digits = match radix {
                16 => format!("{m:x}"),
                8 => format!("{m:o}"),
                _ => format!("{m:b}"),
            };
            out.push_str(&digits);
        }
        IntRepr::Big(b) => {
            budget.charge(linear_cost(b.bits()) * 2)?;
            if b.sign() == num_bigint::Sign::Minus {
                out.push('-');
            }
            out.push_str(prefix);
            out.push_str(&b.magnitude().to_str_radix(radix));
        }
    }
    Ok(Value::Str(Arc::from(out)))
}

/// The base argument of `int(s, base)`, as `long_new` checks it: an int
/// (clipped to `Py_ssize_t`) that is 0 or 2 to 36.
pub(super) fn int_base(base: &Value) -> Result<u32, EvalError> {
    match index(base)?.as_i64() {
        Some(b) if b == 0 || (2..=36).contains(&b) => Ok(b as u32),
        _ => Err(EvalError::value("int() base must be >= 2 and <= 36, or 0")),
    }
}

/// Python's `str.isspace` for one character (Unicode 14.0, as CPython
/// 3.11): the ASCII blanks, the information separators `\x1c`-`\x1f`,
/// and the Unicode spaces and line separators.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x20'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The value of a Unicode decimal digit (general category Nd): Unicode
/// encodes each set of them as ten consecutive code points from zero, so
/// the digit is its distance from the start of its run, modulo ten.
fn decimal_value(c: char) -> Option<u8> {
    if get_general_category(c) != GeneralCategory::DecimalNumber {
        return None;
    }
    let mut start = u32::from(c);
    while start > 0
        && char::from_u32(start - 1)
            .is_some_and(|p| get_general_category(p) == GeneralCategory::DecimalNumber)
    {
        start -= 1;
    }
    u8::try_from((u32::from(c) - start) % 10).ok()
}

/// CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII`: ASCII stays,
/// other whitespace becomes a space, other decimal digits their ASCII
/// digit; the first other character becomes `?` and ends the text (no
/// number reads a `?`).
fn to_ascii(s: &str, budget: &mut Budget<'_>) -> Result<Vec<u8>, EvalError> {
    budget.charge(str_cost(s.len()))?;
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if u32::from(c) < 127 {
            out.push(c as u8);
        } else if is_space(c) {
            out.push(b' ');
        } else if let Some(d) = decimal_value(c) {
            out.push(b'0' + d);
        } else {
            out.push(b'?');
            break;
        }
    }
    Ok(out)
}

/// CPython's `Py_ISSPACE`: the ASCII whitespace.
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// `%.200R` of `s`: its repr, cut at 200 characters.
fn short_repr(s: &str) -> String {
    let mut r = String::new();
    write_repr(&mut r, s);
    match r.char_indices().nth(200) {
        Some((i, _)) => r[..i].to_string(),
        None => r,
    }
}

/// `%R` of `s`: its repr.
fn full_repr(s: &str) -> String {
    let mut r = String::new();
    write_repr(&mut r, s);
    r
}

/// `int(s, base)` for a string `s` and a base already checked (0 or
/// 2..=36), as `PyLong_FromString`: blanks around, a sign, the base's
/// prefix (base 0 takes it from the prefix, decimal without one, where
/// only zeros may have a leading zero), single underscores between
/// digits (and one after the prefix), at most `max_str_digits` digits
/// unless the base is a power of two.
pub(super) fn int(s: &str, base: u32, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let bytes = to_ascii(s, budget)?;
    let mut i = 0;
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while ascii_space(at(i)) {
        i += 1;
    }
    let mut negative = false;
    if at(i) == b'+' || at(i) == b'-' {
        negative = at(i) == b'-';
        i += 1;
    }
    let given = base;
    // CPython names the base as given and the string as given.
    let invalid = || {
        EvalError::value(format!(
            "invalid literal for int() with base {given}: {}",
            short_repr(s)
        ))
    };
    let mut base = base;
    let mut zero_only = false;
    if base == 0 {
        base = match (at(i), at(i + 1).to_ascii_lowercase()) {
            (b'0', b'x') => 16,
            (b'0', b'o') => 8,
            (b'0', b'b') => 2,
            (b'0', _) => {
                zero_only = true;
                10
            }
            _ => 10,
        };
    }
    let prefix = match base {
        16 => b'x',
        8 => b'o',
        2 => b'b',
        _ => 0,
    };
    if prefix != 0 && at(i) == b'0' && at(i + 1).to_ascii_lowercase() == prefix {
        i += 2;
        if at(i) == b'_' {
            i += 1;
        }
    }
    if at(i) == b'_' {
        return Err(invalid());
    }
    let mut digits = String::new();
    let mut prev = 0u8;
    while let Some(&b) = bytes.get(i) {
        if b == b'_' {
            if prev == b'_' {
                return Err(invalid());
            }
        } else if char::from(b).is_digit(base) {
            digits.push(char::from(b));
        } else {
            break;
        }
        prev = b;
        i += 1;
    }
    if prev == b'_' {
        return Err(invalid());
    }
    let limit = budget.limits.max_str_digits;
    if !base.is_power_of_two() && limit > 0 && digits.len() > limit {
        return Err(EvalError::value(format!(
            "Exceeds the limit ({limit} digits) for integer string conversion: value has {} digits; \
             use sys.set_int_max_str_digits() to increase the limit",
            digits.len()
        )));
    }
    while ascii_space(at(i)) {
        i += 1;
    }
    if digits.is_empty() || i != bytes.len() {
        return Err(invalid());
    }
    if zero_only && digits.bytes().any(|b| b != b'0') {
        return Err(invalid());
    }
    let bits = (digits.len() as f64 * f64::from(base).log2()) as u64 + 1;
    // Reading the digits: 6-9 ns a digit in a power-of-two base (60,000
    // hex digits, release build, tests/cost.rs), a work unit being 0.75 ns.
    budget.charge(14 * digits.len() as u64)?;
    if base.is_power_of_two() {
        budget.charge(linear_cost(bits))?;
    } else {
        budget.charge(mul_cost(bits, bits))?;
    }
    let v = Int::from_str_radix(&digits, base, budget.limits)?;
    Ok(Value::Int(if negative { v.neg() } else { v }))
}

/// The longest prefix of `s` that C's `strtod` (CPython's
/// `_PyOS_ascii_strtod`) reads as a float: a sign, then `inf`,
/// `infinity` or `nan` in any case, or digits with at most one `.` (at
/// least one digit) and an exponent that has digits. Its value and
/// length; `None` when there is none.
fn strtod_prefix(s: &[u8]) -> Option<(f64, usize)> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut i = 0;
    let negative = at(0) == b'-';
    if matches!(at(0), b'+' | b'-') {
        i += 1;
    }
    let word = |w: &str, i: usize| {
        s.get(i..i + w.len())
            .is_some_and(|t| t.eq_ignore_ascii_case(w.as_bytes()))
    };
    let sign = if negative { -1.0 } else { 1.0 };
    if word("infinity", i) {
        return Some((sign * f64::INFINITY, i + 8));
    }
    if word("inf", i) {
        return Some((sign * f64::INFINITY, i + 3));
    }
    if word("nan", i) {
        return Some((f64::NAN, i + 3));
    }
    let start = i;
    let mut mantissa = 0;
    while at(i).is_ascii_digit() {
        i += 1;
        mantissa += 1;
    }
    if at(i) == b'.' {
        i += 1;
        while at(i).is_ascii_digit() {
            i += 1;
            mantissa += 1;
        }
    }
    if mantissa == 0 {
        return None;
    }
    if matches!(at(i), b'e' | b'E') {
        let mut j = i + 1;
        if matches!(at(j), b'+' | b'-') {
            j += 1;
        }
        if at(j).is_ascii_digit() {
            while at(j).is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let text = std::str::from_utf8(s.get(start..i)?).ok()?;
    let v: f64 = text.parse().ok()?;
    Some((sign * v, i))
}

/// CPython's `_Py_string_to_number_with_underscores`: an underscore only
/// between two digits; the text without them, or `None`.
fn without_underscores(s: &[u8]) -> Option<Vec<u8>> {
    if !s.contains(&b'_') {
        return Some(s.to_vec());
    }
    let mut out = Vec::with_capacity(s.len());
    let mut prev = 0u8;
    for &b in s {
        if b == b'_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == b'_' && !b.is_ascii_digit() {
                return None;
            }
            out.push(b);
        }
        prev = b;
    }
    (prev != b'_').then_some(out)
}

/// `s` without ASCII blanks at either end.
fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !ascii_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !ascii_space(b))
        .map_or(start, |e| e + 1);
    s.get(start..end).unwrap_or(&[])
}

/// `float(s)`: a float literal (underscores between digits), `inf`,
/// `infinity` or `nan` with an optional sign, blanks around.
pub(super) fn float(s: &str, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let bytes = to_ascii(s, budget)?;
    let error = || {
        EvalError::value(format!(
            "could not convert string to float: {}",
            full_repr(s)
        ))
    };
    let body = without_underscores(trim(&bytes)).ok_or_else(error)?;
    // Rust's float parser: 2.6-4 ns a byte of a long text (tests/cost.rs).
    budget.charge(6 * body.len() as u64)?;
    match strtod_prefix(&body) {
        Some((v, len)) if len == body.len() => Ok(Value::Float(v)),
        _ => Err(error()),
    }
}

/// `complex(s)`: `<float>`, `<float>j`, `<float><signed float>j`, and
/// the forms with `j` alone (`j`, `-j`, `1+j`), optionally in
/// parentheses, blanks around (and inside the parentheses).
pub(super) fn complex(s: &str, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let bytes = to_ascii(s, budget)?;
    let body = without_underscores(&bytes).ok_or_else(|| {
        EvalError::value(format!(
            "could not convert string to complex: {}",
            full_repr(s)
        ))
    })?;
    // As `float`'s.
    budget.charge(6 * body.len() as u64)?;
    let malformed = || EvalError::value("complex() arg is a malformed string");
    let at = |i: usize| body.get(i).copied().unwrap_or(0);
    let rest = |i: usize| body.get(i..).unwrap_or(&[]);
    let mut i = 0;
    while ascii_space(at(i)) {
        i += 1;
    }
    let bracket = at(i) == b'(';
    if bracket {
        i += 1;
        while ascii_space(at(i)) {
            i += 1;
        }
    }
    let (mut re, mut im) = (0.0, 0.0);
    let is_j = |b: u8| b == b'j' || b == b'J';
    if let Some((z, len)) = strtod_prefix(rest(i)) {
        i += len;
        if matches!(at(i), b'+' | b'-') {
            re = z;
            match strtod_prefix(rest(i)) {
                Some((y, len)) => {
                    im = y;
                    i += len;
                }
                None => {
                    im = if at(i) == b'+' { 1.0 } else { -1.0 };
                    i += 1;
                }
            }
            if !is_j(at(i)) {
                return Err(malformed());
            }
            i += 1;
        } else if is_j(at(i)) {
            i += 1;
            im = z;
        } else {
            re = z;
        }
    } else {
        if matches!(at(i), b'+' | b'-') {
            im = if at(i) == b'+' { 1.0 } else { -1.0 };
            i += 1;
        } else {
            im = 1.0;
        }
        if !is_j(at(i)) {
            return Err(malformed());
        }
        i += 1;
    }
    while ascii_space(at(i)) {
        i += 1;
    }
    if bracket {
        if at(i) != b')' {
            return Err(malformed());
        }
        i += 1;
        while ascii_space(at(i)) {
            i += 1;
        }
    }
    if i != body.len() {
        return Err(malformed());
    }
    Ok(Value::Complex(Complex::new(re, im)))
}

/// `math.fsum`, `math.prod` and `math.dist` called with a string as an
/// iterable (of its characters, each a one-character string), when the
/// call has the right number of arguments: `None` for any other call.
/// A character is never a real number, so only the empty string sums
/// (`fsum('') == 0.0`), a product is its one character or a TypeError
/// (`prod('ab')` multiplies two strings), and `dist` of two strings of
/// the same length is `0.0` only when they are empty.
pub(super) fn over_chars(
    f: super::Builtin,
    args: &[Value],
    budget: &mut Budget<'_>,
) -> Option<Result<Value, EvalError>> {
    use super::Builtin;
    let not_real = || EvalError::type_error("must be real number, not str");
    Some(match (f, args) {
        (Builtin::Fsum, [Value::Str(s)]) => {
            if s.is_empty() {
                Ok(Value::Float(0.0))
            } else {
                Err(not_real())
            }
        }
        (Builtin::Prod, [Value::Str(s)]) => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (None, _) => Ok(Value::Int(Int::from(1))),
                (Some(_), None) => Ok(Value::Str(s.clone())),
                (Some(_), Some(_)) => Err(EvalError::type_error(
                    "can't multiply sequence by non-int of type 'str'",
                )),
            }
        }
        (Builtin::Dist, [p, q]) if matches!(p, Value::Str(_)) || matches!(q, Value::Str(_)) => {
            // Each point becomes a sequence first, `p` then `q`.
            let mut len = |v: &Value| -> Result<usize, EvalError> {
                match v {
                    Value::Str(s) => {
                        budget.charge(str_cost(s.len()))?;
                        Ok(s.chars().count())
                    }
                    other => Err(EvalError::type_error(format!(
                        "'{}' object is not iterable",
                        other.type_name()
                    ))),
                }
            };
            let (m, n) = match (len(p), len(q)) {
                (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
                (Ok(m), Ok(n)) => (m, n),
            };
            if m != n {
                Err(EvalError::value(
                    "both points must have the same number of dimensions",
                ))
            } else if m == 0 {
                Ok(Value::Float(0.0))
            } else {
                Err(not_real())
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn run(f: impl FnOnce(&mut Budget<'_>) -> Result<Value, EvalError>) -> String {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        match f(&mut budget) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn ints_from_strings() {
        // int(s, base) in python3
        let int = |s: &str, base: u32| run(|b| super::int(s, base, b));
        assert_eq!(int(" -1_000 ", 10), "-1000");
        assert_eq!(int("0x_ff", 0), "255");
        assert_eq!(int("0X1F", 16), "31");
        assert_eq!(int("00", 0), "0");
        assert_eq!(
            int("010", 0),
            "ValueError: invalid literal for int() with base 0: '010'"
        );
        assert_eq!(
            int("1__0", 10),
            "ValueError: invalid literal for int() with base 10: '1__0'"
        );
        assert_eq!(int("z", 36), "35");
        assert_eq!(int("\u{661}\u{662}", 10), "12");
        assert_eq!(int("\u{2003}7\u{3000}", 10), "7");
        assert!(int(&"1".repeat(4301), 10).starts_with("ValueError: Exceeds the limit (4300"));
        assert_eq!(
            int("_1", 10),
            "ValueError: invalid literal for int() with base 10: '_1'"
        );
    }

    #[test]
    fn floats_from_strings() {
        // float(s) in python3
        let float = |s: &str| run(|b| super::float(s, b));
        assert_eq!(float(" 1_000.5 "), "1000.5");
        assert_eq!(float("-Infinity"), "-inf");
        assert_eq!(float("nan"), "nan");
        assert_eq!(float("1e999"), "inf");
        assert_eq!(float(".5e-3"), "0.0005");
        assert_eq!(float("1."), "1.0");
        assert_eq!(
            float("1_e5"),
            "ValueError: could not convert string to float: '1_e5'"
        );
        assert_eq!(
            float("infi"),
            "ValueError: could not convert string to float: 'infi'"
        );
    }

    #[test]
    fn complexes_from_strings() {
        // complex(s) in python3
        let complex = |s: &str| run(|b| super::complex(s, b));
        assert_eq!(complex("1+2j"), "(1+2j)");
        assert_eq!(complex(" ( -j ) "), "-1j");
        assert_eq!(complex("1-j"), "(1-1j)");
        assert_eq!(complex("infj"), "infj");
        assert_eq!(complex("1e3"), "(1000+0j)");
        assert_eq!(
            complex("1+2"),
            "ValueError: complex() arg is a malformed string"
        );
        assert_eq!(
            complex("(1+2j"),
            "ValueError: complex() arg is a malformed string"
        );
    }
}
