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

use crate::value::IntRepr;
use num_bigint::{BigInt, BigUint, Sign};

use crate::{Complex, EvalError, Int};

/// log10(2), for digit-count estimates.
const LOG10_2: f64 = std::f64::consts::LOG10_2;

/// Appends the decimal digits of `i`; with `limit`, fails (leaving `out`
/// unchanged) when there are more than `limit` digits.
pub(crate) fn write_int(out: &mut String, i: &Int, limit: Option<usize>) -> Result<(), EvalError> {
    let limit = limit.filter(|&l| l > 0);
    match i {
        Int(IntRepr::Small(v)) => {
            if let Some(l) = limit {
                if l < 20 && v.unsigned_abs().checked_ilog10().unwrap_or(0) as usize + 1 > l {
                    return Err(too_many_digits(l));
                }
            }
            push_small(out, *v);
        }
        Int(IntRepr::Big(b)) => {
            if let Some(l) = limit {
                // A lower bound on the digit count refuses huge ints before
                // the (quadratic) conversion.
                let min_digits = ((b.bits() - 1) as f64 * LOG10_2).floor() as usize + 1;
                if min_digits > l {
                    return Err(too_many_digits(l));
                }
            }
            with_digits(b.magnitude(), |digits| {
                push_digits(out, b.sign() == Sign::Minus, digits, limit)
            })?;
        }
    }
    Ok(())
}

/// [`write_int`] of the int with sign `negative` and magnitude `limbs`
/// (64-bit, least significant first, the top one nonzero), at most
/// [`FEW_LIMBS`] of them: the same checks and text, from limbs that never
/// became a `BigUint`. `None` for more limbs.
pub(crate) fn write_limbs(
    out: &mut String,
    negative: bool,
    limbs: &[u64],
    limit: Option<usize>,
) -> Option<Result<(), EvalError>> {
    let limit = limit.filter(|&l| l > 0);
    if limbs.last().is_none_or(|&top| top == 0) {
        return None;
    }
    // No early refusal by bit length as `write_int` makes: for so few
    // limbs the conversion is cheap, and `push_digits` refuses the same.
    let mut buf = DigitBuf::<FEW_LIMBS, { FEW_LIMBS + 1 }>::new();
    let digits = buf.digits(limbs.iter().copied())?;
    Some(push_digits(out, negative, digits, limit))
}

/// Appends `-` if `negative` and `digits`, unless they are more than
/// `limit`.
fn push_digits(
    out: &mut String,
    negative: bool,
    digits: &str,
    limit: Option<usize>,
) -> Result<(), EvalError> {
    if let Some(l) = limit {
        if digits.len() > l {
            return Err(too_many_digits(l));
        }
    }
    if negative {
        out.push('-');
    }
    out.push_str(digits);
    Ok(())
}

/// Appends `v` in decimal, as `write!(out, "{v}")` would, without the
/// formatting machinery: through it, writing `7` cost more instructions
/// than evaluating `1+2*3` (callgrind, 2026-12-01).
fn push_small(out: &mut String, v: i64) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    // An i64 has at most 19 digits: `at` never goes below 1.
    let mut at = digits.len();
    while n >= 100 {
        at -= 2;
        write_pairs(digits.get_mut(at..).unwrap_or_default(), n % 100);
        n /= 100;
    }
    if n >= 10 {
        at -= 2;
        write_pairs(digits.get_mut(at..).unwrap_or_default(), n);
    } else {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + n as u8;
        }
    }
    if v < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or_default());
}

/// Formats a big int as num-bigint's `Display` does (sign, then digits,
/// padded by the formatter's flags), through [`with_digits`].
pub(crate) fn fmt_big(b: &BigInt, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    let negative = b.sign() == Sign::Minus;
    with_digits(b.magnitude(), |d| {
        if f.width().is_none() && !f.sign_plus() {
            // What `pad_integral` writes without width or `+` (it ignores
            // precision, and `#` adds the empty prefix), at half its cost.
            if negative {
                f.write_str("-")?;
            }
            f.write_str(d)
        } else {
            f.pad_integral(!negative, "", d)
        }
    })
}

/// Calls `f` with the decimal digits of `m`: for up to [`FAST_LIMBS`] limbs
/// from a stack buffer (a small one for a few limbs, as zeroing the big
/// one would cost a tenth of a 400-bit conversion), otherwise from
/// num-bigint's `to_string`.
fn with_digits<R>(m: &BigUint, f: impl FnOnce(&str) -> R) -> R {
    let limbs = m.iter_u64_digits().len();
    let mut small = DigitBuf::<FEW_LIMBS, { FEW_LIMBS + 1 }>::new();
    let mut large;
    let digits = if limbs <= FEW_LIMBS {
        small.digits(m.iter_u64_digits())
    } else if limbs <= FAST_LIMBS {
        large = DigitBuf::<FAST_LIMBS, { FAST_LIMBS + 2 }>::new();
        large.digits(m.iter_u64_digits())
    } else {
        None
    };
    match digits {
        Some(d) => f(d),
        None => f(&m.to_string()),
    }
}

/// Magnitudes of up to this many 64-bit limbs (4096 bits, 1234 digits) are
/// converted by [`DigitBuf::digits`] on the stack; larger ones by
/// num-bigint, whose conversion is divide-and-conquer past 32 limbs. At 64
/// limbs this path still took ~54,000 instructions to num-bigint's
/// ~137,000 (callgrind, 2026-12-01), and its cost grows quadratically.
const FAST_LIMBS: usize = 64;

/// The small buffer's limbs (512 bits, 155 digits).
const FEW_LIMBS: usize = 8;

/// 10**19, the largest power of ten in a `u64`. Its top bit is set, so it
/// is a normalised divisor for [`div_2by1`] as it is.
const TEN19: u64 = 10_000_000_000_000_000_000;

/// The Möller–Granlund reciprocal of [`TEN19`]: floor((2**128 - 1) / d) - 2**64.
const TEN19_INV: u64 = (u128::MAX / TEN19 as u128 - (1u128 << 64)) as u64;

/// Digits per [`TEN19`] chunk.
const CHUNK: usize = 19;

/// "00" to "99", for writing two digits at a time.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// `(u1 * 2**64 + u0) / TEN19` and the remainder, for `u1 < TEN19`
/// (Möller and Granlund, "Improved division by invariant integers", 2011,
/// algorithm 4). Rust's `u128 / u64` calls `__udivti3`; this is two
/// multiplications and a few adds, and divisions dominate the conversion.
fn div_2by1(u1: u64, u0: u64) -> (u64, u64) {
    // (q1, q0) = v * u1 + (u1, u0), modulo 2**128 as in the paper.
    let p = (u128::from(TEN19_INV) * u128::from(u1))
        .wrapping_add((u128::from(u1) << 64) | u128::from(u0));
    let q0 = p as u64;
    let mut q1 = ((p >> 64) as u64).wrapping_add(1);
    let mut r = u0.wrapping_sub(q1.wrapping_mul(TEN19));
    if r > q0 {
        q1 = q1.wrapping_sub(1);
        r = r.wrapping_add(TEN19);
    }
    if r >= TEN19 {
        q1 = q1.wrapping_add(1);
        r -= TEN19;
    }
    (q1, r)
}

/// Writes `x` (below 10**19) as exactly 19 digits, zero-padded, into `out`.
fn write_chunk(out: &mut [u8; CHUNK], x: u64) {
    let top = x / 10_000_000_000_000_000; // at most 999
    let rest = x % 10_000_000_000_000_000;
    out[0] = b'0' + (top / 100) as u8;
    let (hi, lo) = out.split_at_mut(3);
    write_pairs(&mut hi[1..3], top % 100);
    let (a, b) = lo.split_at_mut(8);
    write_eight(a, (rest / 100_000_000) as u32);
    write_eight(b, (rest % 100_000_000) as u32);
}

/// Writes `x` (below 10**8) as 8 digits.
fn write_eight(out: &mut [u8], x: u32) {
    let (hi, lo) = (u64::from(x / 10_000), u64::from(x % 10_000));
    let (a, b) = out.split_at_mut(4);
    write_pairs(&mut a[..2], hi / 100);
    write_pairs(&mut a[2..], hi % 100);
    write_pairs(&mut b[..2], lo / 100);
    write_pairs(&mut b[2..], lo % 100);
}

/// Writes `x` (below 100) as 2 digits.
fn write_pairs(out: &mut [u8], x: u64) {
    let i = 2 * x as usize;
    if let (Some(dst), Some(src)) = (out.get_mut(..2), PAIRS.get(i..i + 2)) {
        dst.copy_from_slice(src);
    }
}

/// A stack buffer for the decimal digits of a magnitude of up to `L`
/// limbs, in `C` chunks of 19 digits: no allocation, where num-bigint's
/// `to_string` allocates a copy of the value, a digit vector and the
/// string. `C` must exceed `L * 64 * log10(2) / 19` (about `1.014 * L`);
/// a value the chunks cannot hold is refused rather than cut.
struct DigitBuf<const L: usize, const C: usize> {
    chunks: [[u8; CHUNK]; C],
}

impl<const L: usize, const C: usize> DigitBuf<L, C> {
    fn new() -> Self {
        DigitBuf {
            chunks: [[b'0'; CHUNK]; C],
        }
    }

    /// The decimal digits of `m`, or `None` when it has more than `L` limbs
    /// (or more digits than the chunks hold).
    ///
    /// Repeatedly divides a copy of the limbs by 10**19 in place, writing
    /// each remainder as 19 digits from the right; the top chunk's leading
    /// zeros are then skipped.
    fn digits(&mut self, source: impl ExactSizeIterator<Item = u64>) -> Option<&str> {
        if source.len() > L {
            return None;
        }
        let mut limbs = [0u64; L];
        let mut len = 0;
        for (slot, limb) in limbs.iter_mut().zip(source) {
            *slot = limb;
            len += 1;
        }
        if len == 0 {
            // Not reached from `IntRepr::Big`, which is never 0; kept exact anyway.
            return Some("0");
        }
        let mut used = 0;
        // The last remainder: the top chunk's value.
        let mut top = 0;
        for chunk in self.chunks.iter_mut().rev() {
            let Some(active) = limbs.get_mut(..len) else {
                break;
            };
            if active.is_empty() {
                break;
            }
            let mut rem = 0;
            for limb in active.iter_mut().rev() {
                let (q, r) = div_2by1(rem, *limb);
                *limb = q;
                rem = r;
            }
            while len > 0 && limbs.get(len - 1) == Some(&0) {
                len -= 1;
            }
            write_chunk(chunk, rem);
            used += 1;
            top = rem;
        }
        if len > 0 {
            return None;
        }
        let all = self.chunks.as_flattened();
        let text = all.get(all.len() - used * CHUNK..).unwrap_or_default();
        // Leading zeros of the top chunk (nonzero: the loop stops after
        // the last nonzero limb).
        let digits = top.checked_ilog10().unwrap_or(0) as usize + 1;
        let zeros = CHUNK.saturating_sub(digits);
        std::str::from_utf8(text.get(zeros..).unwrap_or_default()).ok()
    }
}

fn too_many_digits(limit: usize) -> EvalError {
    EvalError::value(format!(
        "Exceeds the limit ({limit} digits) for integer string conversion; \
         use sys.set_int_max_str_digits() to increase the limit"
    ))
}

/// A float's repr in exponent form, assembled on the stack and written at
/// once: the longest, `-2.2250738585072014e-308`, has 24 bytes.
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
    let plus = if sign { "+" } else { "" };
    if x.is_nan() {
        put(out, if sign { "+nan" } else { "nan" });
        return;
    }
    if x.is_infinite() || x == 0.0 {
        let negative = x.is_sign_negative();
        if !negative {
            put(out, plus);
        }
        put(
            out,
            match (x.is_infinite(), negative, add_dot0) {
                (true, true, _) => "-inf",
                (true, false, _) => "inf",
                (false, true, true) => "-0.0",
                (false, true, false) => "-0",
                (false, false, true) => "0.0",
                (false, false, false) => "0",
            },
        );
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x);
    let magnitude = text.strip_prefix('-').unwrap_or(text);
    if x > 0.0 {
        put(out, plus);
    }
    // Ryū writes positional digits for 1e-5 <= |x| < 1e16 with Python's
    // layout (`123.456`, `0.001`, `100.0`); Python switches to exponent
    // form below 1e-4 (`0.0000...` here). In Python's positional range the
    // text is used as it is; everything else is Python's exponent form,
    // laid out from Ryū's digits.
    if !magnitude.contains('e') && !magnitude.starts_with("0.0000") {
        put(
            out,
            if add_dot0 {
                text
            } else {
                text.strip_suffix(".0").unwrap_or(text)
            },
        );
        return;
    }
    let mut exponent_form = FloatText::new();
    if x < 0.0 {
        exponent_form.push(b'-');
    }
    let (digits, n, decpt) = shortest_digits(magnitude.as_bytes());
    let digits = digits.get(..n).unwrap_or_default();
    let (first, rest) = digits.split_first().unwrap_or((&b'0', &[]));
    exponent_form.push(*first);
    if !rest.is_empty() {
        exponent_form.push(b'.');
        exponent_form.push_all(rest);
    }
    // Python's decpt: the decimal point sits after `decpt` digits.
    let exp = decpt - 1;
    exponent_form.push(b'e');
    exponent_form.push(if exp < 0 { b'-' } else { b'+' });
    let exp = exp.unsigned_abs();
    if exp >= 100 {
        exponent_form.push(b'0' + (exp / 100) as u8);
    }
    exponent_form.push(b'0' + (exp / 10 % 10) as u8);
    exponent_form.push(b'0' + (exp % 10) as u8);
    put(out, exponent_form.as_str());
}

/// The digits of CPython's repr of a finite positive float (`_Py_dg_dtoa`
/// mode 0): the shortest that round-trip and, among those, the closest to
/// the value, which is what Ryū computes; `text` is Ryū's text of it
/// (`123.45`, `0.0001`, `1e16`, `1.5e-7`). Returns the digits (no leading or
/// trailing zeros), their count and Python's `decpt`: the value is
/// `0.DIGITS * 10**decpt`. Rust's `{:e}` was not used because it does not
/// always pick the closest of the shortest candidates
/// (`-264310078315752.62` came out as `...63`).
fn shortest_digits(text: &[u8]) -> ([u8; 17], usize, i32) {
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

    #[test]
    fn small_ints_are_written_as_display_writes_them() {
        let mut values = vec![0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, i64::MAX, i64::MIN];
        for p in 0..19 {
            let t = 10i64.pow(p);
            values.extend([t - 1, t, t + 1, -t + 1, -t, -t - 1]);
        }
        let mut rng = crate::testing::Rng::seeded(7);
        values.extend((0..10_000).map(|_| rng.next_u64() as i64 >> rng.below(64)));
        for v in values {
            let mut out = String::from("x");
            push_small(&mut out, v);
            assert_eq!(out, format!("x{v}"));
        }
    }
    use num_traits::Pow;

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
        assert!(write_int(&mut s, &Int(IntRepr::Small(-12345)), Some(5)).is_ok());
        assert_eq!(s, "-12345");
        assert!(write_int(&mut s, &Int(IntRepr::Small(123456)), Some(5)).is_err());
        assert!(write_int(&mut s, &Int(IntRepr::Small(0)), Some(1)).is_ok());
        assert!(write_int(&mut s, &Int(IntRepr::Small(i64::MIN)), None).is_ok());
        assert_eq!(s, "-123450-9223372036854775808");
    }

    #[test]
    fn div_2by1_matches_u128_division() {
        let mut rng = crate::testing::Rng::seeded(0x9e37_79b9_7f4a_7c15);
        let mut cases = vec![
            (0, 0),
            (0, u64::MAX),
            (TEN19 - 1, u64::MAX),
            (TEN19 - 1, 0),
            (1, 0),
            (0, TEN19),
            (0, TEN19 - 1),
        ];
        for _ in 0..200_000 {
            let u1 = match rng.below(4) {
                0 => rng.below(16),
                1 => TEN19 - 1 - rng.below(16),
                _ => rng.below(TEN19),
            };
            cases.push((u1, rng.next_u64()));
        }
        for (u1, u0) in cases {
            let n = (u128::from(u1) << 64) | u128::from(u0);
            let want = (
                (n / u128::from(TEN19)) as u64,
                (n % u128::from(TEN19)) as u64,
            );
            assert_eq!(div_2by1(u1, u0), want, "{u1} {u0}");
        }
    }

    /// The digits of `v` every way an int is written (`write_int` with and
    /// without a limit, `Display`, `Display` with padding flags) against
    /// num-bigint's `to_string` / `Display`.
    fn check_int_text(v: &BigInt) {
        let want = v.to_string();
        let i = Int::from_bigint(v.clone());
        let mut s = String::from("x");
        assert!(write_int(&mut s, &i, None).is_ok());
        assert_eq!(s.get(1..), Some(want.as_str()));
        assert_eq!(i.to_string(), want);
        assert_eq!(format!("{i:>1300}"), format!("{v:>1300}"));
        assert_eq!(format!("{i:+}"), format!("{v:+}"));
        assert_eq!(format!("{i:08}"), format!("{v:08}"));
        assert_eq!(format!("{i:#.3}"), format!("{v:#.3}"));
        assert_eq!(format!("{i:-}"), format!("{v:-}"));
        // The digit limit: exactly the digit count passes, one less fails
        // with `out` unchanged.
        let digits = want.trim_start_matches('-').len();
        let mut s = String::from("x");
        assert!(write_int(&mut s, &i, Some(digits)).is_ok());
        assert_eq!(s.get(1..), Some(want.as_str()));
        if digits > 1 {
            let mut s = String::from("x");
            let e = write_int(&mut s, &i, Some(digits - 1)).unwrap_err();
            assert_eq!(s, "x");
            assert_eq!(e.to_string(), too_many_digits(digits - 1).to_string());
        }
    }

    #[test]
    fn int_text_matches_num_bigint() {
        let one = BigInt::from(1);
        let mut values = vec![
            BigInt::from(0),
            BigInt::from(1),
            BigInt::from(-1),
            BigInt::from(i64::MAX),
            BigInt::from(i64::MIN),
            BigInt::from(i64::MAX) + 1,
            BigInt::from(i64::MIN) - 1,
            BigInt::from(u64::MAX),
            BigInt::from(u128::MAX),
            BigInt::from(TEN19),
            BigInt::from(TEN19) - 1,
            BigInt::from(TEN19) * BigInt::from(TEN19),
        ];
        let ten = BigInt::from(10);
        let mut p = BigInt::from(1);
        for _ in 0..1300 {
            for v in [&p - 1, p.clone(), &p + 1] {
                values.push(-&v);
                values.push(v);
            }
            p *= &ten;
        }
        for k in 0..4300u32 {
            let p = &one << k;
            for v in [&p - 1, p.clone(), &p + 1] {
                values.push(-&v);
                values.push(v);
            }
        }
        // Random limb patterns of 1 to 70 limbs (the fast path takes up to
        // 64): dense, sparse, runs of all-ones and of zeros.
        let mut rng = crate::testing::Rng::seeded(0x2545_f491_4f6c_dd1d);
        for n in 1..=70u64 {
            for _ in 0..40 {
                let digits: Vec<u32> = (0..2 * n)
                    .map(|_| match rng.below(5) {
                        0 => 0,
                        1 => u32::MAX,
                        2 => rng.below(10) as u32,
                        _ => rng.next_u64() as u32,
                    })
                    .collect();
                let v = BigInt::from(BigUint::new(digits));
                values.push(-&v);
                values.push(v);
            }
        }
        for v in &values {
            check_int_text(v);
        }
    }

    #[test]
    fn limbs_are_written_as_their_int() {
        let mut rng = crate::testing::Rng::seeded(5);
        for _ in 0..2_000 {
            let mut limbs: Vec<u64> = (0..1 + rng.below(FEW_LIMBS as u64))
                .map(|_| rng.next_u64() >> rng.below(64))
                .collect();
            if let Some(top) = limbs.last_mut() {
                *top |= 1;
            }
            let negative = rng.below(2) == 0;
            let magnitude = limbs
                .iter()
                .rev()
                .fold(BigUint::ZERO, |acc, &l| (acc << 64u32) + l);
            let sign = if negative { Sign::Minus } else { Sign::Plus };
            let int = Int::from_bigint(BigInt::from_biguint(sign, magnitude));
            for limit in [
                None,
                Some(0),
                Some(1),
                Some(19),
                Some(20),
                Some(60),
                Some(154),
                Some(4300),
            ] {
                let (mut ours, mut theirs) = (String::from("x"), String::from("x"));
                let got = write_limbs(&mut ours, negative, &limbs, limit).unwrap();
                let want = write_int(&mut theirs, &int, limit);
                assert_eq!(
                    got.map_err(|e| e.to_string()),
                    want.map_err(|e| e.to_string())
                );
                assert_eq!(ours, theirs, "{limbs:?} {limit:?}");
            }
        }
        assert!(write_limbs(&mut String::new(), false, &[1; FEW_LIMBS + 1], None).is_none());
    }

    #[test]
    fn digit_buf_bounds() {
        type Few = DigitBuf<FEW_LIMBS, { FEW_LIMBS + 1 }>;
        type Fast = DigitBuf<FAST_LIMBS, { FAST_LIMBS + 2 }>;
        assert_eq!(
            Few::new().digits(BigUint::ZERO.iter_u64_digits()),
            Some("0")
        );
        assert_eq!(
            Fast::new().digits(BigUint::ZERO.iter_u64_digits()),
            Some("0")
        );
        let one = BigUint::from(1u32);
        // The largest value of each buffer's limbs fits it, one more is
        // refused (left to the next buffer or num-bigint).
        let top = (&one << 512u32) - 1u32;
        let mut buf = Few::new();
        assert_eq!(
            buf.digits(top.iter_u64_digits()).map(str::to_owned),
            Some(top.to_string())
        );
        assert_eq!(Few::new().digits((&top + 1u32).iter_u64_digits()), None);
        let top = (&one << 4096u32) - 1u32;
        let mut buf = Fast::new();
        assert_eq!(
            buf.digits(top.iter_u64_digits()).map(str::to_owned),
            Some(top.to_string())
        );
        assert_eq!(Fast::new().digits((&top + 1u32).iter_u64_digits()), None);
        // Too few chunks for the limbs: refused, not cut short.
        let mut short = DigitBuf::<2, 1>::new();
        assert_eq!(short.digits((&one << 127u32).iter_u64_digits()), None);
        let mut short = DigitBuf::<2, 1>::new();
        assert_eq!(
            short.digits(BigUint::from(TEN19 - 1).iter_u64_digits()),
            Some("9999999999999999999")
        );
    }

    /// Python's limit messages at the boundary: `str(10**4300 - 1)` has
    /// 4300 digits and passes, `str(10**4300)` fails.
    #[test]
    fn int_digit_limit_at_default() {
        let p = Pow::pow(BigInt::from(10), 4300u32);
        let mut s = String::new();
        assert!(write_int(&mut s, &Int::from_bigint(&p - 1), Some(4300)).is_ok());
        assert_eq!(s.len(), 4300);
        let mut s = String::new();
        let e = write_int(&mut s, &Int::from_bigint(-p), Some(4300)).unwrap_err();
        assert!(s.is_empty());
        assert_eq!(
            e.to_string(),
            "ValueError: Exceeds the limit (4300 digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit"
        );
    }

    /// Compares the repr of many random doubles with python3's.
    #[test]
    fn random_float_reprs_match_python() {
        use std::fmt::Write as _;
        let mut rng = crate::testing::Rng::seeded(0x2545_f491_4f6c_dd1d);
        let mut values = Vec::new();
        for i in 0..20000u64 {
            let seed = rng.next_u64();
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
