//! Int / int true division, correctly rounded for ints of any size: a port
//! of CPython's `long_true_divide` (Objects/longobject.c).
//!
//! The idea: shift the dividend so the integer quotient has 55 or 56 bits
//! (or fewer when the result is subnormal), divide, fold the remainder into a
//! sticky bit, round the low bits by hand (half to even), then scale the
//! exact result by a power of two.

use crate::value::IntRepr;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

use crate::budget::{div_cost, linear_cost, Budget};
use crate::{EvalError, Int};

/// `DBL_MANT_DIG`: bits of an f64 significand.
const MANT_DIG: i64 = 53;
/// `DBL_MIN_EXP`.
const MIN_EXP: i64 = -1021;
/// `DBL_MAX_EXP`.
const MAX_EXP: i64 = 1024;
/// Ints up to this size convert to f64 exactly; one hardware division then
/// rounds correctly.
const EXACT: u64 = 1 << MANT_DIG;

/// `a / b` as Python computes it for two ints.
pub(crate) fn true_div(a: &Int, b: &Int, budget: &mut Budget<'_>) -> Result<f64, EvalError> {
    if b.is_zero() {
        return Err(EvalError::zero_division("division by zero"));
    }
    if let (Int(IntRepr::Small(x)), Int(IntRepr::Small(y))) = (a, b) {
        if x.unsigned_abs() <= EXACT && y.unsigned_abs() <= EXACT {
            return Ok(*x as f64 / *y as f64);
        }
    }
    let negate = a.is_negative() != b.is_negative();
    let signed = |v: f64| if negate { -v } else { v };
    if a.is_zero() {
        return Ok(signed(0.0));
    }
    let (abig, bbig) = (a.big(), b.big());
    let (am, bm) = (abig.magnitude(), bbig.magnitude());
    // One shift of the dividend, then a division with a short quotient.
    budget.charge(linear_cost(am.bits()) + div_cost(bm.bits() + MANT_DIG as u64 + 3, bm.bits()))?;
    let magnitude = divide_magnitudes(am, bm)?;
    Ok(signed(magnitude))
}

/// `|a| / |b|` correctly rounded, for `a, b > 0`.
fn divide_magnitudes(am: &BigUint, bm: &BigUint) -> Result<f64, EvalError> {
    let overflow = || EvalError::overflow("integer division result too large for a float");
    // Bit counts are below 2**40 here, so i64 arithmetic cannot overflow.
    let diff = am.bits() as i64 - bm.bits() as i64;
    if diff > MAX_EXP {
        return Err(overflow());
    }
    if diff < MIN_EXP - MANT_DIG - 1 {
        return Ok(0.0);
    }
    // Shift so the quotient has MANT_DIG + 2 or + 3 significant bits, fewer
    // for subnormal results.
    let shift = diff.max(MIN_EXP) - MANT_DIG - 2;
    let (num, mut inexact) = if shift <= 0 {
        (am << ((-shift) as usize), false)
    } else {
        let s = shift as u64;
        let dropped = am.trailing_zeros().is_some_and(|tz| tz < s);
        (am >> (shift as usize), dropped)
    };
    let (x, rem) = num.div_rem(bm);
    inexact |= !rem.is_zero();
    let x_bits = x.bits() as i64;
    // The quotient has at most MANT_DIG + 3 bits, so it fits a u64.
    let mut x = x.to_u64().ok_or_else(overflow)?;
    let extra_bits = x_bits.max(MIN_EXP - shift) - MANT_DIG;
    if !(1..=3).contains(&extra_bits) {
        // Unreachable by the choice of `shift`; refuse rather than misround.
        return Err(overflow());
    }
    let mask = 1u64 << (extra_bits - 1);
    x |= u64::from(inexact);
    if x & mask != 0 && x & (3 * mask - 1) != 0 {
        x += mask;
    }
    x &= !(2 * mask - 1);
    let dx = x as f64; // exact: at most MANT_DIG significant bits remain
    if shift + x_bits >= MAX_EXP && (shift + x_bits > MAX_EXP || dx == ldexp(1.0, x_bits)) {
        return Err(overflow());
    }
    Ok(ldexp(dx, shift))
}

/// `x * 2**e` for an `x` whose scaled value is representable (the callers
/// guarantee it), in steps that keep every intermediate exact.
pub(crate) fn ldexp(mut x: f64, mut e: i64) -> f64 {
    let pow2 = |k: i64| f64::from_bits(((1023 + k) as u64) << 52);
    while e > 1000 {
        x *= pow2(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= pow2(-1000);
        e += 1000;
    }
    x * pow2(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;
    use num_bigint::BigInt;

    fn int(s: &str) -> Int {
        Int::from_bigint(s.parse().unwrap())
    }

    fn div(a: &str, b: &str) -> Result<f64, EvalError> {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        true_div(&int(a), &int(b), &mut budget)
    }

    #[test]
    fn small_and_exact() {
        assert_eq!(div("1", "2").unwrap(), 0.5);
        assert_eq!(div("-7", "2").unwrap(), -3.5);
        assert_eq!(div("1", "3").unwrap(), 1.0 / 3.0);
        let z = div("0", "-5").unwrap(); // 0 / -5 == -0.0
        assert!(z == 0.0 && z.is_sign_negative());
        let z = div("0", "-100000000000000000000").unwrap();
        assert!(z == 0.0 && z.is_sign_negative());
        assert_eq!(
            div("1", "0").unwrap_err().to_string(),
            "ZeroDivisionError: division by zero"
        );
    }

    #[test]
    fn big_operands() {
        // values from python3
        // (10**30 + 1) / 3
        assert_eq!(
            div("1000000000000000000000000000001", "3").unwrap(),
            3.333333333333333e+29
        );
        // (2**53 + 1) / 1: not exact in float, rounds half to even
        assert_eq!(div("9007199254740993", "1").unwrap(), 9007199254740992.0);
        // (2**54 + 3) / 2 == 9007199254740994.0  (2**53 + 1.5 rounds up)
        assert_eq!(div("18014398509481987", "2").unwrap(), 9007199254740994.0);
        // 10**400 / 10**399
        let a = format!("1{}", "0".repeat(400));
        let b = format!("1{}", "0".repeat(399));
        assert_eq!(div(&a, &b).unwrap(), 10.0);
        // 1 / 10**400 == 0.0 ; -1 / 10**400 == -0.0
        assert_eq!(div("1", &a).unwrap(), 0.0);
        assert!(div("-1", &a).unwrap().is_sign_negative());
        // 10**400 / 3: OverflowError
        assert_eq!(
            div(&a, "3").unwrap_err().to_string(),
            "OverflowError: integer division result too large for a float"
        );
        // 2**1074 // ... : 1 / 2**1074 == 5e-324 ; 1 / 2**1075 == 0.0 ; 3 / 2**1076 == 5e-324
        let p1074 = (BigInt::from(1) << 1074u32).to_string();
        let p1075 = (BigInt::from(1) << 1075u32).to_string();
        let p1076 = (BigInt::from(1) << 1076u32).to_string();
        assert_eq!(div("1", &p1074).unwrap(), 5e-324);
        assert_eq!(div("1", &p1075).unwrap(), 0.0);
        assert_eq!(div("3", &p1076).unwrap(), 5e-324);
        // (2**1024 - 1) / 1: rounds to 2**1024, OverflowError ; (2**1024 - 2**970 - 1) / 1 == max
        let top = ((BigInt::from(1) << 1024u32) - 1u32).to_string();
        assert!(div(&top, "1").is_err());
        let below = ((BigInt::from(1) << 1024u32) - (BigInt::from(1) << 970u32) - 1u32).to_string();
        assert_eq!(div(&below, "1").unwrap(), f64::MAX);
    }

    /// Compares a few hundred random big quotients with python3, when it is
    /// installed (it is the oracle of the whole crate).
    #[test]
    fn random_quotients_match_python() {
        use std::fmt::Write as _;
        let mut rng = crate::testing::Rng::seeded(0x9e37_79b9_7f4a_7c15);
        let mut pairs = Vec::new();
        for _ in 0..400 {
            let mk = |rng: &mut crate::testing::Rng| {
                let words = 1 + rng.below(20);
                let mut v = BigInt::from(0);
                for _ in 0..words {
                    v = (v << 64u32) + rng.next_u64();
                }
                // vary the low bits so exact ties and long zero runs appear
                let shift = rng.below(90) as u32;
                let v = v >> shift;
                if rng.below(2) == 0 {
                    -v
                } else {
                    v
                }
            };
            let a = mk(&mut rng);
            let mut b = mk(&mut rng);
            if b == BigInt::from(0) {
                b = BigInt::from(7);
            }
            pairs.push((a, b));
        }
        let mut script = String::from("import sys\nfor line in sys.stdin:\n a, b = map(int, line.split())\n try: print(repr(a / b))\n except OverflowError: print('overflow')\n");
        script.push('\n');
        let mut input = String::new();
        for (a, b) in &pairs {
            let _ = writeln!(input, "{a} {b}");
        }
        let Some(out) = crate::num::float::tests::run_python(&script, &input) else {
            eprintln!("python3 not available; skipped");
            return;
        };
        let limits = Limits::default();
        for ((a, b), expected) in pairs.iter().zip(out.lines()) {
            let mut budget = Budget::new(&limits);
            let got = true_div(
                &Int::from_bigint(a.clone()),
                &Int::from_bigint(b.clone()),
                &mut budget,
            );
            let got = match got {
                Ok(v) => {
                    let mut s = String::new();
                    crate::num::repr::write_float(&mut s, v, true, false);
                    s
                }
                Err(_) => "overflow".to_string(),
            };
            assert_eq!(got, expected, "{a} / {b}");
        }
        assert_eq!(out.lines().count(), pairs.len());
    }
}
