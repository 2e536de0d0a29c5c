//! Python's `repr` of numbers.
//!
//! - ints: decimal digits, refused past `max_str_digits` digits with
//!   CPython 3.11's ValueError;
//! - floats: the shortest digits that round-trip, the closest of them to
//!   the value (Ryū computes them), laid out as Python's `'r'` format: exponent form when the decimal
//!   exponent is below -4 or at least 16 (`1e+16`, `1e-05`), positional
//!   otherwise with `.0` for integral values;
//! - complex: `complex_repr`, parts without `.0`, no parentheses when the real
//!   part is +0.0.

use std::fmt::Write as _;

use crate::{Complex, EvalError, Int};

/// log10(2), for digit-count estimates.
const LOG10_2: f64 = std::f64::consts::LOG10_2;

/// Appends the decimal digits of `i`; with `limit`, fails (leaving `out`
/// unchanged) when there are more than `limit` digits.
pub(crate) fn write_int(out: &mut String, i: &Int, limit: Option<usize>) -> Result<(), EvalError> {
    let limit = limit.filter(|&l| l > 0);
    match i {
        Int::Small(v) => {
            if let Some(l) = limit {
                if l < 20 && v.unsigned_abs().checked_ilog10().unwrap_or(0) as usize + 1 > l {
                    return Err(too_many_digits(l));
                }
            }
            // Writing to a String cannot fail.
            let _ = write!(out, "{v}");
        }
        Int::Big(b) => {
            if let Some(l) = limit {
                // A lower bound on the digit count refuses huge ints before
                // the (quadratic) conversion.
                let min_digits = ((b.bits() - 1) as f64 * LOG10_2).floor() as usize + 1;
                if min_digits > l {
                    return Err(too_many_digits(l));
                }
            }
            let s = b.to_string();
            let digits = s.len() - usize::from(s.starts_with('-'));
            if let Some(l) = limit {
                if digits > l {
                    return Err(too_many_digits(l));
                }
            }
            out.push_str(&s);
        }
    }
    Ok(())
}

fn too_many_digits(limit: usize) -> EvalError {
    EvalError::value(format!(
        "Exceeds the limit ({limit} digits) for integer string conversion; \
         use sys.set_int_max_str_digits() to increase the limit"
    ))
}

/// Python's repr of one float, assembled on the stack and written at once:
/// the longest, `-2.2250738585072014e-308`, has 24 bytes.
struct FloatText {
    bytes: [u8; 32],
    len: usize,
}

impl FloatText {
    fn new() -> FloatText {
        FloatText {
            bytes: [0; 32],
            len: 0,
        }
    }

    fn push(&mut self, c: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = c;
            self.len += 1;
        }
    }

    fn push_all(&mut self, s: &[u8]) {
        for &c in s {
            self.push(c);
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII is pushed.
        std::str::from_utf8(self.bytes.get(..self.len).unwrap_or_default()).unwrap_or("")
    }
}

/// Writes Python's `'r'`-format of `x` (CPython's `PyOS_double_to_string`
/// with precision 0): `add_dot0` appends `.0` to integral positional output
/// (float repr does, complex parts do not); `sign` writes `+` for
/// non-negative values (and NaN).
pub(crate) fn write_float<W: std::fmt::Write>(out: &mut W, x: f64, add_dot0: bool, sign: bool) {
    if x.is_finite() && x != 0.0 {
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(x);
        // Ryū writes positional digits for 1e-5 <= |x| < 1e16 with the
        // same layout as Python (`123.456`, `0.001`, `100.0`); Python
        // switches to exponent form below 1e-4. In that common range the
        // text is used as it is.
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !digits.contains('e') && !digits.starts_with("0.0000") {
            if sign && x > 0.0 {
                put(out, "+");
            }
            let text = if add_dot0 {
                text
            } else {
                text.strip_suffix(".0").unwrap_or(text)
            };
            put(out, text);
            return;
        }
    }
    let mut text = FloatText::new();
    float_text(&mut text, x, add_dot0, sign);
    put(out, text.as_str());
}

fn float_text(out: &mut FloatText, x: f64, add_dot0: bool, sign: bool) {
    if x.is_nan() {
        out.push_all(if sign { b"+nan" } else { b"nan" });
        return;
    }
    if x.is_sign_negative() {
        out.push(b'-');
    } else if sign {
        out.push(b'+');
    }
    let x = x.abs();
    if x.is_infinite() {
        out.push_all(b"inf");
        return;
    }
    if x == 0.0 {
        out.push_all(if add_dot0 { b"0.0" } else { b"0" });
        return;
    }
    let (digits, n, decpt) = shortest_digits(x);
    let digits = digits.get(..n).unwrap_or_default();
    // Python's decpt: the decimal point sits after `decpt` digits.
    if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_first().unwrap_or((&b'0', &[]));
        out.push(*first);
        if !rest.is_empty() {
            out.push(b'.');
            out.push_all(rest);
        }
        let exp = decpt - 1;
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let exp = exp.unsigned_abs();
        if exp >= 100 {
            out.push(b'0' + (exp / 100) as u8);
        }
        out.push(b'0' + (exp / 10 % 10) as u8);
        out.push(b'0' + (exp % 10) as u8);
    } else if decpt <= 0 {
        out.push_all(b"0.");
        for _ in 0..(-decpt) {
            out.push(b'0');
        }
        out.push_all(digits);
    } else {
        let point = decpt as usize;
        if point >= digits.len() {
            out.push_all(digits);
            for _ in digits.len()..point {
                out.push(b'0');
            }
            if add_dot0 {
                out.push_all(b".0");
            }
        } else {
            let (int_part, frac) = digits.split_at(point);
            out.push_all(int_part);
            out.push(b'.');
            out.push_all(frac);
        }
    }
}

/// The digits of CPython's repr of a finite positive `x` (`_Py_dg_dtoa` mode
/// 0): the shortest that round-trip and, among those, the closest to `x`,
/// which is what Ryū computes. Returns the digits (no leading or trailing
/// zeros), their count and Python's `decpt`: the value is `0.DIGITS *
/// 10**decpt`.
///
/// Ryū's own layout (`123.45`, `0.0001`, `1e16`, `1.5e-7`) is read back
/// into digits and exponent, which costs a few dozen instructions; Rust's
/// `{:e}` was not used because it does not always pick the closest of the
/// shortest candidates (`-264310078315752.62` came out as `...63`).
fn shortest_digits(x: f64) -> ([u8; 17], usize, i32) {
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x).as_bytes();
    let mut digits = [0u8; 17];
    let mut n = 0;
    // Digits before the point (leading zeros excluded), and whether the
    // point has been passed.
    let mut before: i32 = 0;
    let mut after_point = false;
    let mut exp: i32 = 0;
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        i += 1;
        match c {
            b'.' => after_point = true,
            b'0'..=b'9' => {
                if n == 0 && c == b'0' {
                    // A leading zero: after the point it moves the first
                    // digit one place right.
                    if after_point {
                        before -= 1;
                    }
                    continue;
                }
                if let Some(slot) = digits.get_mut(n) {
                    *slot = c;
                    n += 1;
                }
                if !after_point {
                    before += 1;
                }
            }
            b'e' => {
                let rest = text.get(i..).unwrap_or_default();
                let (negative, rest) = match rest.split_first() {
                    Some((b'-', r)) => (true, r),
                    _ => (false, rest),
                };
                let magnitude = rest
                    .iter()
                    .fold(0i32, |acc, &d| acc * 10 + i32::from(d.wrapping_sub(b'0')));
                exp = if negative { -magnitude } else { magnitude };
                break;
            }
            _ => {}
        }
    }
    while n > 1 && digits.get(n - 1) == Some(&b'0') {
        n -= 1;
    }
    (digits, n, before + exp)
}

/// Writes Python's `repr` of a complex number (`complex_repr`).
pub(crate) fn write_complex<W: std::fmt::Write>(out: &mut W, c: Complex) {
    if c.re == 0.0 && c.re.is_sign_positive() {
        write_float(out, c.im, false, false);
        putc(out, 'j');
    } else {
        putc(out, '(');
        write_float(out, c.re, false, false);
        write_float(out, c.im, false, true);
        put(out, "j)");
    }
}

/// Writes `s`; the writers used (`String`, a `Formatter` over a `String`
/// or a socket buffer) do not fail, and a failing one just gets less text.
fn put<W: std::fmt::Write>(out: &mut W, s: &str) {
    let _ = out.write_str(s);
}

/// Writes one character, as [`put`].
fn putc<W: std::fmt::Write>(out: &mut W, c: char) {
    let _ = out.write_char(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> String {
        let mut s = String::new();
        write_float(&mut s, x, true, false);
        s
    }

    fn c(re: f64, im: f64) -> String {
        let mut s = String::new();
        write_complex(&mut s, Complex::new(re, im));
        s
    }

    #[test]
    fn float_repr_tricky_values() {
        // repr(x) from python3
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (100.0, "100.0"),
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012345"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (1e22, "1e+22"),
            (1e23, "1e+23"),
            (-1.5, "-1.5"),
            (123.456, "123.456"),
            (2.0f64.powi(70), "1.1805916207174113e+21"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
        ];
        for &(x, want) in cases {
            assert_eq!(f(x), want, "repr({x:e})");
        }
    }

    #[test]
    fn complex_repr() {
        // repr(complex(re, im)) from python3
        assert_eq!(c(0.0, 2.0), "2j");
        assert_eq!(c(0.0, -0.0), "-0j");
        assert_eq!(c(-0.0, -0.0), "(-0-0j)");
        assert_eq!(c(-0.0, 0.0), "(-0+0j)");
        assert_eq!(c(1.0, 2.0), "(1+2j)");
        assert_eq!(c(-0.0, -1.0), "(-0-1j)");
        assert_eq!(c(f64::NAN, f64::INFINITY), "(nan+infj)");
        assert_eq!(c(1.0, -f64::NAN), "(1+nanj)");
        assert_eq!(c(1e16, 1.0), "(1e+16+1j)");
        assert_eq!(c(1.5, -2.25), "(1.5-2.25j)");
        assert_eq!(c(0.0, f64::NEG_INFINITY), "-infj");
        assert_eq!(c(0.0, 1e-5), "1e-05j");
    }

    #[test]
    fn int_repr_limit() {
        let mut s = String::new();
        assert!(write_int(&mut s, &Int::Small(-12345), Some(5)).is_ok());
        assert_eq!(s, "-12345");
        assert!(write_int(&mut s, &Int::Small(123456), Some(5)).is_err());
        assert!(write_int(&mut s, &Int::Small(0), Some(1)).is_ok());
        assert!(write_int(&mut s, &Int::Small(i64::MIN), None).is_ok());
        assert_eq!(s, "-123450-9223372036854775808");
    }

    /// Compares the repr of many random doubles with python3's.
    #[test]
    fn random_float_reprs_match_python() {
        use std::fmt::Write as _;
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut values = Vec::new();
        for i in 0..20000u64 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let x = match i % 4 {
                // any bit pattern
                0 => f64::from_bits(seed),
                // a short decimal, which has many shortest candidates
                1 => (seed % 1_000_000) as f64 / 10f64.powi((seed >> 40) as i32 % 30 - 10),
                // near the exponent-form boundaries
                2 => (seed % 100_000) as f64 * 10f64.powi((seed >> 40) as i32 % 12 + 10),
                _ => (seed % 100_000) as f64 * 10f64.powi(-((seed >> 40) as i32 % 12) - 1),
            };
            values.push(x);
        }
        // Every power of two and its neighbours: the rounding interval is
        // lopsided there, the hardest case for "closest shortest".
        let powers = (1u64..2047)
            .map(|e| e << 52)
            .chain((0..52).map(|j| 1u64 << j));
        for bits in powers {
            values.extend([bits - 1, bits, bits + 1].map(f64::from_bits));
        }
        let mut input = String::new();
        for x in &values {
            let _ = writeln!(input, "{}", x.to_bits());
        }
        let script = "import sys, struct\nfor l in sys.stdin:\n print(repr(struct.unpack('<d', struct.pack('<Q', int(l)))[0]))\n";
        let Some(out) = crate::num::float::tests::run_python(script, &input) else {
            eprintln!("python3 not available; skipped");
            return;
        };
        assert_eq!(out.lines().count(), values.len());
        for (x, want) in values.iter().zip(out.lines()) {
            assert_eq!(f(*x), want, "bits {:#x}", x.to_bits());
        }
    }
}
