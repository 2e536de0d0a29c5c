//! Python's `repr` of numbers.
//!
//! - ints: decimal digits, refused past `max_str_digits` digits with
//!   CPython 3.11's ValueError;
//! - floats: the shortest digits that round-trip (Rust's `{:e}` produces
//!   them), laid out as Python's `'r'` format: exponent form when the decimal
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

/// A fixed buffer for formatting one float without allocating.
struct Buf {
    bytes: [u8; 40],
    len: usize,
}

impl std::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes Python's `'r'`-format of `x` (CPython's `PyOS_double_to_string`
/// with precision 0): `add_dot0` appends `.0` to integral positional output
/// (float repr does, complex parts do not); `sign` writes `+` for
/// non-negative values (and NaN).
pub(crate) fn write_float<W: std::fmt::Write>(out: &mut W, x: f64, add_dot0: bool, sign: bool) {
    if x.is_nan() {
        put(out, if sign { "+nan" } else { "nan" });
        return;
    }
    if x.is_sign_negative() {
        putc(out, '-');
    } else if sign {
        putc(out, '+');
    }
    let x = x.abs();
    if x.is_infinite() {
        put(out, "inf");
        return;
    }
    if x == 0.0 {
        put(out, if add_dot0 { "0.0" } else { "0" });
        return;
    }
    let Some((digits, n, exp)) = shortest_digits(x) else {
        return;
    };
    let digits = digits.get(..n).unwrap_or_default();
    let push_digits = |out: &mut W, d: &[u8]| {
        for &c in d {
            putc(out, char::from(c));
        }
    };
    // Python's decpt: the decimal point sits after `decpt` digits.
    let decpt = exp + 1;
    if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_first().unwrap_or((&b'0', &[]));
        putc(out, char::from(*first));
        if !rest.is_empty() {
            putc(out, '.');
            push_digits(out, rest);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        );
    } else if decpt <= 0 {
        put(out, "0.");
        for _ in 0..(-decpt) {
            putc(out, '0');
        }
        push_digits(out, digits);
    } else {
        let point = decpt as usize;
        if point >= digits.len() {
            push_digits(out, digits);
            for _ in digits.len()..point {
                putc(out, '0');
            }
            if add_dot0 {
                put(out, ".0");
            }
        } else {
            let (int_part, frac) = digits.split_at(point);
            push_digits(out, int_part);
            putc(out, '.');
            push_digits(out, frac);
        }
    }
}

/// Formats `x` with `{:e}` (or `{:.prec$e}`) into a stack buffer.
fn format_exp(x: f64, prec: Option<usize>) -> Option<Buf> {
    let mut buf = Buf {
        bytes: [0; 40],
        len: 0,
    };
    let r = match prec {
        None => write!(buf, "{x:e}"),
        Some(p) => write!(buf, "{x:.p$e}"),
    };
    r.ok().map(|()| buf)
}

/// The digits and decimal exponent of a `d.ddde<exp>` string.
fn split_exp(buf: &Buf) -> ([u8; 20], usize, i32) {
    let text = buf.bytes.get(..buf.len).unwrap_or_default();
    let e_pos = text.iter().position(|&c| c == b'e').unwrap_or(text.len());
    let (mantissa, exp_text) = text.split_at(e_pos);
    let exp: i32 = std::str::from_utf8(exp_text.get(1..).unwrap_or_default())
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut digits = [0u8; 20];
    let mut n = 0;
    for &c in mantissa {
        if c.is_ascii_digit() {
            if let Some(slot) = digits.get_mut(n) {
                *slot = c;
                n += 1;
            }
        }
    }
    (digits, n, exp)
}

/// The digits of CPython's repr of a finite positive `x` (`_Py_dg_dtoa` mode
/// 0): the shortest that round-trip and, among those, the closest to `x`.
///
/// Rust's `{:e}` finds the shortest length but not always the closest
/// candidate (`-264310078315752.62` printed as `...63`), so the correctly
/// rounded decimal of that length is preferred whenever it round-trips.
fn shortest_digits(x: f64) -> Option<([u8; 20], usize, i32)> {
    let shortest = format_exp(x, None)?;
    let (digits, n, exp) = split_exp(&shortest);
    // Decimals of at most 15 significant digits are spaced wider than a
    // normal float's rounding interval (10**-15 > 2**-52), so the shortest
    // candidate is the only one.
    if n <= 15 && x >= f64::MIN_POSITIVE {
        return Some((digits, n, exp));
    }
    let rounded = format_exp(x, Some(n.saturating_sub(1)))?;
    let round_trips = std::str::from_utf8(rounded.bytes.get(..rounded.len)?)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        == Some(x);
    if round_trips {
        Some(split_exp(&rounded))
    } else {
        Some((digits, n, exp))
    }
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
