//! `round(number[, ndigits])`: CPython 3.11's `float.__round__` (correctly
//! rounded, as its `double_round` gets from dtoa: `round(2.675, 2)` is
//! 2.67 because 2.675 is really 2.67499999...) and `int.__round__`
//! (`long_round`, half to even at a negative number of digits).

use crate::value::IntRepr;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;

use crate::budget::Budget;
use crate::{EvalError, Int, Value};

use super::args::index;
use super::{cost, num};

/// `round(number[, ndigits])`.
pub(super) fn round(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let (number, ndigits) = match args {
        [] => {
            return Err(EvalError::type_error(
                "round() missing required argument 'number' (pos 1)",
            ))
        }
        [x] => (x, None),
        [x, n] => (x, Some(n)),
        _ => {
            return Err(EvalError::type_error(format!(
                "round() takes at most 2 arguments ({} given)",
                args.len()
            )))
        }
    };
    match number {
        Value::Float(x) => match ndigits {
            None => round_half_even(*x, budget).map(Value::Int),
            Some(n) => round_float(*x, &index(n)?).map(Value::Float),
        },
        Value::Int(_) | Value::Bool(_) => {
            let i = index(number)?;
            match ndigits {
                None => Ok(Value::Int(i)),
                Some(n) => round_int(&i, &index(n)?, budget).map(Value::Int),
            }
        }
        _ => Err(EvalError::type_error(format!(
            "type {} doesn't define __round__ method",
            number.type_name()
        ))),
    }
}

/// One-argument `round` of a float: nearest int, ties to even.
fn round_half_even(x: f64, budget: &Budget<'_>) -> Result<Int, EvalError> {
    let mut r = x.round();
    if (x - r).abs() == 0.5 {
        r = 2.0 * (x / 2.0).round();
    }
    num::f64_to_int_within(r, budget)
}

/// `float.__round__(x, ndigits)`.
fn round_float(x: f64, ndigits: &Int) -> Result<f64, EvalError> {
    // CPython clips ndigits to Py_ssize_t, then to these bounds, beyond
    // which every float rounds to itself or to a signed zero.
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    let nd = match ndigits {
        Int(IntRepr::Small(s)) => *s,
        Int(IntRepr::Big(_)) if ndigits.is_negative() => i64::MIN,
        Int(IntRepr::Big(_)) => i64::MAX,
    };
    if !x.is_finite() {
        return Ok(x);
    }
    if nd > NDIGITS_MAX {
        return Ok(x);
    }
    if nd < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    double_round(x, nd)
}

/// `double_round`: `x` rounded to `nd` decimal places, exactly (half to even
/// on the exact binary value), then converted back correctly rounded.
fn double_round(x: f64, nd: i64) -> Result<f64, EvalError> {
    match double_round_fast(x, nd) {
        Some(r) => Ok(r),
        None => double_round_exact(x, nd),
    }
}

/// `double_round` with big ints, for every finite `x` and
/// `NDIGITS_MIN <= nd <= NDIGITS_MAX`.
fn double_round_exact(x: f64, nd: i64) -> Result<f64, EvalError> {
    let (mantissa, exp) = decompose(x.abs());
    let ten = BigUint::from(10u8);
    // |x| * 10**nd = mantissa * 2**exp * 10**nd = num / den, exactly.
    let mut num = BigUint::from(mantissa);
    let mut den = BigUint::from(1u8);
    if nd >= 0 {
        num *= ten.pow(nd as u32);
    } else {
        den *= ten.pow((-nd) as u32);
    }
    if exp >= 0 {
        num <<= exp as u64;
    } else {
        den <<= (-exp) as u64;
    }
    let (q, r) = num.div_rem(&den);
    let twice = r << 1u8;
    let q = if twice > den || (twice == den && q.is_odd()) {
        q + 1u8
    } else {
        q
    };
    // The rounded value is q * 10**-nd; convert it back correctly rounded.
    let rounded = if nd >= 0 {
        num::ratio_to_f64(&q, &ten.pow(nd as u32))
    } else {
        num::ratio_to_f64(&(q * ten.pow((-nd) as u32)), &BigUint::from(1u8))
    };
    match rounded {
        Some(v) => Ok(if x.is_sign_negative() { -v } else { v }),
        None => Err(EvalError::overflow("rounded value too large to represent")),
    }
}

/// `double_round` in 128-bit arithmetic for the common case: `0 <= nd <= 22`
/// (so `10**nd` is an exact float) and a rounded `x * 10**nd` below `2**53`,
/// where one IEEE division is the correctly rounded `q / 10**nd`. `None`
/// when the case is not covered.
fn double_round_fast(x: f64, nd: i64) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let nd = usize::try_from(nd).ok().filter(|&n| n < POW10.len())?;
    let (mantissa, exp) = decompose(x.abs());
    if exp >= 0 {
        // An integer: x * 10**nd is exact, so rounding gives x back.
        return Some(x);
    }
    // mantissa < 2**53 and 10**22 < 2**74: the product fits in 127 bits.
    let scaled = u128::from(mantissa) * 10u128.pow(nd as u32);
    let shift = exp.unsigned_abs();
    let q = if shift >= 128 {
        // scaled / 2**shift < 2**127 / 2**128 = 1/2: rounds to zero.
        0
    } else {
        let q = scaled >> shift;
        let rem = scaled - (q << shift);
        let half = 1u128 << (shift - 1);
        if rem > half || (rem == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    if q >= 1 << 53 {
        return None;
    }
    let r = q as f64 / POW10[nd];
    Some(if x.is_sign_negative() { -r } else { r })
}

/// `x = mantissa * 2**exp` exactly, for finite `x >= 0`.
fn decompose(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & 0x000f_ffff_ffff_ffff;
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), biased - 1075)
    }
}

/// `int.__round__(i, ndigits)`: unchanged for `ndigits >= 0`, else rounded
/// to a multiple of `10**-ndigits`, ties to even.
fn round_int(i: &Int, ndigits: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
    if !ndigits.is_negative() {
        return Ok(i.clone());
    }
    // When 10**k > 2*|i| the nearest multiple is 0; deciding that from the
    // sizes avoids building a power of ten far larger than `i`.
    let k = match ndigits {
        Int(IntRepr::Small(s)) => s.unsigned_abs(),
        Int(IntRepr::Big(_)) => return Ok(Int(IntRepr::Small(0))),
    };
    // 10**k >= 2**(3.32k) > 2 * 2**bits(i) as soon as 3.32k >= bits(i) + 2.
    if k.saturating_mul(332) / 100 >= i.bit_length() + 2 {
        return Ok(Int(IntRepr::Small(0)));
    }
    let value = i.to_bigint();
    let w = cost::words(value.bits());
    let pw = cost::words(k.saturating_mul(333) / 100 + 1);
    // 10**k by repeated squaring, one division, one product back.
    let pow_cost = cost::mul(pw, pw).saturating_mul(2);
    budget.charge(
        pow_cost
            .saturating_add(cost::div(w, pw))
            .saturating_add(cost::mul(w.saturating_sub(pw).max(1), pw)),
    )?;
    let k = u32::try_from(k).map_err(|_| EvalError::limit("round() ndigits too large"))?;
    let pow = BigInt::from(10u8).pow(k);
    // divmod_near: quotient rounded half to even.
    let (q, r) = value.div_mod_floor(&pow);
    let twice: BigInt = &r << 1u8;
    let q = if twice > pow || (twice == pow && q.is_odd()) {
        q + 1
    } else {
        q
    };
    // Rounding up can carry into a new bit: `round(2**n - 1, -1)`.
    crate::num::int::exact(Int::from_bigint(q * pow), budget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn call(args: &[Value]) -> Result<Value, EvalError> {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        round(args, &mut budget)
    }

    fn fl(x: f64) -> Value {
        Value::Float(x)
    }

    fn i(v: i64) -> Value {
        Value::Int(Int(IntRepr::Small(v)))
    }

    fn float_of(v: Result<Value, EvalError>) -> f64 {
        match v {
            Ok(Value::Float(x)) => x,
            other => panic!("expected a float, got {other:?}"),
        }
    }

    #[test]
    fn one_argument() {
        // round(0.5) == 0 ; round(1.5) == 2 ; round(2.5) == 2 ; round(-0.5) == 0 ; round(-1.5) == -2
        for (x, r) in [
            (0.5, 0),
            (1.5, 2),
            (2.5, 2),
            (-0.5, 0),
            (-1.5, -2),
            (2.675, 3),
            (-0.0, 0),
        ] {
            assert_eq!(call(&[fl(x)]).unwrap(), i(r), "round({x})");
        }
        // round(4503599627370497.0) == 4503599627370497 (no spurious tie)
        assert_eq!(
            call(&[fl(4503599627370497.0)]).unwrap(),
            i(4503599627370497)
        );
        assert_eq!(
            call(&[fl(f64::NAN)]).unwrap_err().to_string(),
            "ValueError: cannot convert float NaN to integer"
        );
        assert_eq!(
            call(&[fl(f64::INFINITY)]).unwrap_err().class(),
            "OverflowError"
        );
        // round(True) == 1 (an int, not a bool)
        assert_eq!(call(&[Value::Bool(true)]).unwrap(), i(1));
    }

    #[test]
    fn float_with_ndigits() {
        // Values from python3: round(2.675, 2) == 2.67, round(0.125, 2) == 0.12, ...
        let cases: [(f64, i64, f64); 14] = [
            (2.675, 2, 2.67),
            (0.125, 2, 0.12),
            (0.375, 2, 0.38),
            (1.005, 2, 1.0),
            (123.456, -1, 120.0),
            (125.0, -1, 120.0),
            (135.0, -1, 140.0),
            (0.5, 0, 0.0),
            (1.5, 0, 2.0),
            (5e-324, 323, 0.0),
            (5e-324, 324, 5e-324),
            (1.7976931348623157e308, -307, f64::INFINITY),
            (0.1, 1, 0.1),
            (1234.5678, 2, 1234.57),
        ];
        for (x, nd, want) in cases {
            let got = call(&[fl(x), i(nd)]);
            if want.is_infinite() {
                assert!(got.is_err());
                continue;
            }
            assert_eq!(float_of(got).to_bits(), want.to_bits(), "round({x}, {nd})");
        }
        // round(-0.001, 2) == -0.0 ; round(1.5, 10**30) == 1.5 ; round(1.5, -10**30) == 0.0
        assert!(float_of(call(&[fl(-0.001), i(2)])).is_sign_negative());
        let huge = Value::Int(Int::from_bigint(BigInt::from(10u8).pow(30u32)));
        let neg_huge = Value::Int(Int::from_bigint(-BigInt::from(10u8).pow(30u32)));
        assert_eq!(float_of(call(&[fl(1.5), huge])), 1.5);
        assert_eq!(
            float_of(call(&[fl(-1.5), neg_huge])).to_bits(),
            (-0.0f64).to_bits()
        );
        // round(nan, 2) is nan ; round(inf, -2) == inf
        assert!(float_of(call(&[fl(f64::NAN), i(2)])).is_nan());
        assert_eq!(float_of(call(&[fl(f64::INFINITY), i(-2)])), f64::INFINITY);
        // round(1.7e308, -308) -> OverflowError: rounded value too large to represent
        assert_eq!(
            call(&[fl(1.7e308), i(-308)]).unwrap_err().to_string(),
            "OverflowError: rounded value too large to represent"
        );
        // round(1.5, 1.0) -> TypeError
        assert_eq!(
            call(&[fl(1.5), fl(1.0)]).unwrap_err().to_string(),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
    }

    #[test]
    fn fast_path_agrees_with_exact_path() {
        let mut rng = crate::testing::Rng::seeded(0x1234_5678_9abc_def1);
        let mut next = move || rng.next_u64();
        let mut covered = 0;
        for _ in 0..200_000 {
            let r = next();
            // Mostly modest magnitudes with short fractions, where ties and
            // near-ties live, plus arbitrary bit patterns.
            let x = match r % 4 {
                0 => f64::from_bits(next()),
                1 => (next() % 100_000_000) as f64 / 1000.0,
                2 => (next() % 2_000_000) as f64 / 8.0 - 125_000.0,
                _ => (next() as i64 as f64) / 2f64.powi((next() % 80) as i32),
            };
            if !x.is_finite() {
                continue;
            }
            let nd = (next() % 23) as i64;
            if let Some(fast) = double_round_fast(x, nd) {
                covered += 1;
                let exact = double_round_exact(x, nd).unwrap();
                assert_eq!(fast.to_bits(), exact.to_bits(), "round({x:e}, {nd})");
            }
        }
        assert!(covered > 100_000, "fast path covered only {covered}");
    }

    #[test]
    fn int_with_ndigits() {
        // round(15, -1) == 20 ; round(25, -1) == 20 ; round(-25, -1) == -20 ; round(5, 3) == 5
        for (x, nd, want) in [
            (15, -1, 20),
            (25, -1, 20),
            (-25, -1, -20),
            (5, 3, 5),
            (149, -2, 100),
            (150, -2, 200),
            (250, -2, 200),
            (5, -1, 0),
            (-5, -1, 0),
            (6, -1, 10),
            (4, -1, 0),
        ] {
            assert_eq!(call(&[i(x), i(nd)]).unwrap(), i(want), "round({x}, {nd})");
        }
        // round(True, -1) == 0 ; round(True, 0) == 1
        assert_eq!(call(&[Value::Bool(true), i(-1)]).unwrap(), i(0));
        assert_eq!(call(&[Value::Bool(true), i(0)]).unwrap(), i(1));
        // round(10**50 + 5*10**29, -30) == 10**50 + 10**30 (tie to even? 100..005 -> q odd/even)
        let v = BigInt::from(10u8).pow(50u32) + BigInt::from(5u8) * BigInt::from(10u8).pow(29u32);
        let got = call(&[Value::Int(Int::from_bigint(v)), i(-30)]).unwrap();
        assert_eq!(
            got,
            Value::Int(Int::from_bigint(BigInt::from(10u8).pow(50u32)))
        );
        // round(123, -10**30) == 0
        let neg_huge = Value::Int(Int::from_bigint(-BigInt::from(10u8).pow(30u32)));
        assert_eq!(call(&[i(123), neg_huge]).unwrap(), i(0));
        // round(5, 1.0) -> TypeError
        assert_eq!(call(&[i(5), fl(1.0)]).unwrap_err().class(), "TypeError");
    }

    #[test]
    fn bad_calls() {
        assert_eq!(
            call(&[]).unwrap_err().to_string(),
            "TypeError: round() missing required argument 'number' (pos 1)"
        );
        assert_eq!(
            call(&[i(1), i(2), i(3)]).unwrap_err().to_string(),
            "TypeError: round() takes at most 2 arguments (3 given)"
        );
        let c = Value::Complex(crate::Complex { re: 0.0, im: 1.0 });
        assert_eq!(
            call(&[c, fl(1.5)]).unwrap_err().to_string(),
            "TypeError: type complex doesn't define __round__ method"
        );
    }
}
