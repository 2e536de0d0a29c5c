//! Exact conversions between ints and floats that the builtins need, each
//! rounding the way CPython does (`PyLong_AsDouble`, `_PyLong_Frexp`,
//! `PyLong_FromDouble`, and correctly rounded rational to float).
//!
//! These are private to the builtins; where the numeric core offers the same
//! conversion, calling it instead is the intended follow-up.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{ToPrimitive, Zero};

use crate::budget::Budget;
use crate::{EvalError, Int};

/// The value of `i` as a `BigInt`.
pub(super) fn to_big(i: &Int) -> BigInt {
    match i {
        Int::Small(s) => BigInt::from(*s),
        Int::Big(b) => b.clone(),
    }
}

/// `b` as a normalised `Int` (`Small` whenever it fits in an `i64`).
pub(super) fn from_big(b: BigInt) -> Int {
    match b.to_i64() {
        Some(s) => Int::Small(s),
        None => Int::Big(b),
    }
}

/// `-1`, `0` or `1` by the sign of `i`.
pub(super) fn sign(i: &Int) -> i32 {
    match i {
        Int::Small(s) => s.signum() as i32,
        Int::Big(b) => match b.sign() {
            Sign::Minus => -1,
            Sign::NoSign => 0,
            Sign::Plus => 1,
        },
    }
}

/// Size of `|i|` in bits (0 for 0).
pub(super) fn bits(i: &Int) -> u64 {
    match i {
        Int::Small(s) => u64::from(64 - s.unsigned_abs().leading_zeros()),
        Int::Big(b) => b.bits(),
    }
}

/// The top 64 bits of `m` (which has `bits >= 64` bits), with the lowest bit
/// set when any discarded bit is set: a sticky bit, so that converting the
/// result to `f64` rounds exactly as rounding `m` itself would.
fn top64_sticky(m: &BigUint, bits: u64) -> u64 {
    let shift = bits - 64;
    let top = (m >> shift).to_u64().unwrap_or(u64::MAX);
    let lost = m.trailing_zeros().is_some_and(|tz| tz < shift);
    top | u64::from(lost)
}

/// `m` correctly rounded to a float, or `None` when it rounds past `f64::MAX`.
fn biguint_to_f64(m: &BigUint) -> Option<f64> {
    let bits = m.bits();
    if bits <= 64 {
        return m.to_u64().map(|v| v as f64);
    }
    if bits > 1024 {
        return None;
    }
    let top = top64_sticky(m, bits) as f64;
    let r = ldexp(top, (bits - 64) as i64);
    r.is_finite().then_some(r)
}

/// `PyLong_AsDouble`: `i` correctly rounded (half to even) to a float;
/// OverflowError when it is out of the float range.
pub(super) fn int_to_f64(i: &Int) -> Result<f64, EvalError> {
    match i {
        Int::Small(s) => Ok(*s as f64),
        Int::Big(b) => match biguint_to_f64(b.magnitude()) {
            Some(m) if b.sign() == Sign::Minus => Ok(-m),
            Some(m) => Ok(m),
            None => Err(EvalError::overflow("int too large to convert to float")),
        },
    }
}

/// `_PyLong_Frexp` for a positive `m`: `(x, e)` with `m ~= x * 2**e`,
/// `0.5 <= x < 1` and `x` correctly rounded to 53 bits.
pub(super) fn frexp(m: &BigUint) -> (f64, u64) {
    let bits = m.bits();
    if bits == 0 {
        return (0.0, 0);
    }
    let top = if bits <= 64 {
        m.to_u64().unwrap_or(0) << (64 - bits)
    } else {
        top64_sticky(m, bits)
    };
    let x = top as f64 / 18_446_744_073_709_551_616.0;
    if x == 1.0 {
        (0.5, bits + 1)
    } else {
        (x, bits)
    }
}

/// `PyLong_FromDouble`: the integral float `x` as an int.
pub(super) fn f64_to_int(x: f64) -> Result<Int, EvalError> {
    if x.is_nan() {
        return Err(EvalError::value("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(EvalError::overflow(
            "cannot convert float infinity to integer",
        ));
    }
    let t = x.trunc();
    // 2**63 is exactly representable, so this range check is exact.
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
        return Ok(Int::Small(t as i64));
    }
    let (mantissa, exp, sign) = decode(t);
    let mag = BigInt::from(mantissa) << exp;
    Ok(from_big(if sign < 0 { -mag } else { mag }))
}

/// `f64_to_int` under the evaluation's int size bound: a float may hold an
/// int of up to 1024 bits, which a small configured bound refuses.
pub(super) fn f64_to_int_within(x: f64, budget: &Budget<'_>) -> Result<Int, EvalError> {
    let i = f64_to_int(x)?;
    budget.check_bits(bits(&i))?;
    Ok(i)
}

/// `x = sign * mantissa * 2**exp` exactly, for a finite `x >= 2**63` in
/// magnitude (so the exponent is non-negative).
fn decode(x: f64) -> (u64, u64, i8) {
    let bits = x.to_bits();
    let sign = if bits >> 63 == 0 { 1 } else { -1 };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = (bits & 0x000f_ffff_ffff_ffff) | 0x0010_0000_0000_0000;
    (mantissa, (exp - 1075).max(0) as u64, sign)
}

/// `x * 2**k`, exact whenever the result is representable (the scaling is
/// split so that no intermediate step underflows or overflows early).
pub(super) fn ldexp(mut x: f64, mut k: i64) -> f64 {
    const STEP: i64 = 900;
    while k > STEP {
        x *= f64::from_bits(((1023 + STEP) as u64) << 52);
        k -= STEP;
        if x.is_infinite() {
            return x;
        }
    }
    while k < -STEP {
        x *= f64::from_bits(((1023 - STEP) as u64) << 52);
        k += STEP;
        if x == 0.0 {
            return x;
        }
    }
    // Here -900 <= k <= 900: 2**k is a normal float, but `x * 2**k` may be
    // subnormal; split once more so the only rounding is the final one.
    let half = k / 2;
    x * f64::from_bits(((1023 + half) as u64) << 52)
        * f64::from_bits(((1023 + k - half) as u64) << 52)
}

/// `num / den` correctly rounded (half to even) to a float, for `den > 0`;
/// `None` when the result rounds past `f64::MAX`.
pub(super) fn ratio_to_f64(num: &BigUint, den: &BigUint) -> Option<f64> {
    if num.is_zero() {
        return Some(0.0);
    }
    if den == &BigUint::from(1u8) {
        return biguint_to_f64(num);
    }
    // Scale so the quotient has at least 55 bits: 53 kept, a rounding bit
    // and one spare; the remainder becomes the sticky bit.
    let shift = 55 - (num.bits() as i64 - den.bits() as i64);
    let (q, r) = if shift >= 0 {
        let n = num << shift as u64;
        (&n / den, &n % den)
    } else {
        let d = den << (-shift) as u64;
        (num / &d, num % &d)
    };
    let sticky = !r.is_zero();
    // value = q * 2**-shift, with q having qbits bits.
    let qbits = q.bits() as i64;
    let exp = qbits - shift; // value in [2**(exp-1), 2**exp)
    if exp > 1024 {
        return None;
    }
    // Bits of precision available at this exponent (subnormals have fewer).
    let prec = if exp > -1022 {
        53
    } else {
        53 - (-1022 - (exp - 1))
    };
    let drop = qbits - prec.max(0);
    let drop = drop.max(0) as u64;
    let kept = &q >> drop;
    let low = &q - (&kept << drop);
    let mut m = kept.to_u64().unwrap_or(0);
    if drop > 0 {
        let half = BigUint::from(1u8) << (drop - 1);
        let round_up = low > half || (low == half && (sticky || m & 1 == 1));
        if round_up {
            m += 1;
        }
    }
    let r = ldexp(m as f64, drop as i64 - shift);
    r.is_finite().then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    #[test]
    fn int_to_f64_rounds_half_even_and_overflows() {
        // float(2**53 + 1) == 9007199254740992.0 (tie, to even)
        let v = from_big(BigInt::from(1u64 << 53) + 1);
        assert_eq!(int_to_f64(&v).unwrap(), 9007199254740992.0);
        // float(2**1024 - 2**971) == 1.7976931348623157e+308
        let v = from_big((BigInt::from(1) << 1024u32) - (BigInt::from(1) << 971u32));
        assert_eq!(int_to_f64(&v).unwrap(), f64::MAX);
        // float(2**1024 - 2**970): OverflowError (rounds up to 2**1024)
        let v = from_big((BigInt::from(1) << 1024u32) - (BigInt::from(1) << 970u32));
        assert_eq!(int_to_f64(&v).unwrap_err().class(), "OverflowError");
        // float(2**64 + 2**11 + 1) == 1.8446744073709556e+19 (sticky bit)
        let v = from_big((BigInt::from(1) << 64u32) + (1 << 11) + 1);
        assert_eq!(int_to_f64(&v).unwrap(), 1.8446744073709556e19);
        // float(-10**30) == -1e+30
        assert_eq!(
            int_to_f64(&from_big(-big("1000000000000000000000000000000"))).unwrap(),
            -1e30
        );
    }

    #[test]
    fn f64_to_int_exact() {
        // int(1e300) % 10**20 == 96386865459400540160 (python3)
        let i = to_big(&f64_to_int(1e300).unwrap());
        assert_eq!(
            (i % big("100000000000000000000")).to_string(),
            "96386865459400540160"
        );
        assert_eq!(f64_to_int(-2.5).unwrap(), Int::Small(-2));
        assert_eq!(f64_to_int(-(2f64.powi(63))).unwrap(), Int::Small(i64::MIN));
        assert!(matches!(f64_to_int(2f64.powi(63)).unwrap(), Int::Big(_)));
        assert_eq!(f64_to_int(f64::NAN).unwrap_err().class(), "ValueError");
        assert_eq!(
            f64_to_int(f64::NEG_INFINITY).unwrap_err().class(),
            "OverflowError"
        );
    }

    #[test]
    fn ratio_rounds_correctly() {
        let r = |n: &str, d: &str| ratio_to_f64(big(n).magnitude(), big(d).magnitude());
        // 1/3, 2/3, 1/10 as Python's true division gives them
        assert_eq!(r("1", "3"), Some(1.0 / 3.0));
        assert_eq!(r("2", "3"), Some(2.0 / 3.0));
        assert_eq!(r("1", "10"), Some(0.1));
        // 267/100 == 2.67
        assert_eq!(r("267", "100"), Some(2.67));
        // 5e-324 == 5 / 10**324 rounds to the smallest subnormal
        let ten324 = BigUint::from(10u8).pow(324);
        assert_eq!(ratio_to_f64(&BigUint::from(5u8), &ten324), Some(5e-324));
        // 2e-324 rounds to 0
        assert_eq!(ratio_to_f64(&BigUint::from(2u8), &ten324), Some(0.0));
        // 2**1024 overflows
        let two1024 = BigUint::from(1u8) << 1024u32;
        assert_eq!(ratio_to_f64(&two1024, &BigUint::from(1u8)), None);
    }

    #[test]
    fn frexp_of_huge() {
        // math.frexp(float(2**2000 // 3 >> 1000)) mantissa, scaled by 2**1000
        let m = (BigUint::from(1u8) << 2000u32) / BigUint::from(3u8);
        let (x, e) = frexp(&m);
        assert_eq!(e, 1999);
        assert_eq!(x, 2.0 / 3.0);
        let (x, e) = frexp(&BigUint::from(1u8));
        assert_eq!((x, e), (0.5, 1));
    }
}
