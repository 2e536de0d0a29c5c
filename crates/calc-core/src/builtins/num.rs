//! The int/float conversions the builtins need beyond the numeric core's
//! `Int::to_f64` and `Int::from_f64`: `_PyLong_Frexp` (for `log` of huge
//! ints), a correctly rounded ratio of big ints (for `round`), and the int
//! size bound on ints made from floats.

use num_bigint::BigUint;
use num_traits::{ToPrimitive, Zero};

use crate::budget::Budget;
use crate::num::division::ldexp;
use crate::{EvalError, Int};

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

/// `Int::from_f64` under the evaluation's int size bound: a float may hold an
/// int of up to 1024 bits, which a small configured bound refuses.
pub(super) fn f64_to_int_within(x: f64, budget: &Budget<'_>) -> Result<Int, EvalError> {
    let i = Int::from_f64(x)?;
    budget.check_bits(i.bit_length())?;
    Ok(i)
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
    use num_bigint::BigInt;

    fn big(s: &str) -> BigInt {
        s.parse().unwrap()
    }

    #[test]
    fn float_to_int_respects_the_bit_bound() {
        // int(1e30) needs 100 bits
        let small = crate::Limits {
            max_int_bits: 64,
            ..crate::Limits::default()
        };
        let budget = Budget::new(&small);
        assert_eq!(
            f64_to_int_within(1e30, &budget).unwrap_err().class(),
            "LimitError"
        );
        assert_eq!(f64_to_int_within(-2.5, &budget).unwrap(), Int::from(-2));
        assert_eq!(
            f64_to_int_within(f64::NAN, &budget).unwrap_err().class(),
            "ValueError"
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
