//! The integer functions of Python's `math` module: `floor`, `ceil`,
//! `trunc`, `factorial`, `gcd`, `lcm`, `isqrt`, `comb` and `perm`, with CPython
//! 3.11's argument checks and error messages, and with every costly case
//! estimated and charged to the budget before it is computed.

use crate::value::IntRepr;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, ToPrimitive};

use crate::budget::Budget;
use crate::{EvalError, Int, Value};

use super::args::{index, one, real, two};
use super::{cost, num};

/// `math.floor(x)` and `math.ceil(x)`: ints pass through, floats round to
/// an int, anything else must convert to a float first.
pub(super) fn floor_ceil(
    qualname: &str,
    args: &[Value],
    ceil: bool,
    budget: &Budget<'_>,
) -> Result<Value, EvalError> {
    let x = one(qualname, args)?;
    if let Some(i) = super::args::as_int(x) {
        return Ok(Value::Int(i));
    }
    let f = real(x)?;
    let r = if ceil { f.ceil() } else { f.floor() };
    num::f64_to_int_within(r, budget).map(Value::Int)
}

/// `math.trunc(x)`: calls `x.__trunc__()`, which only real numbers have.
pub(super) fn trunc(args: &[Value], budget: &Budget<'_>) -> Result<Value, EvalError> {
    let x = one("math.trunc", args)?;
    match x {
        Value::Float(f) => num::f64_to_int_within(f.trunc(), budget).map(Value::Int),
        Value::Int(_) | Value::Bool(_) => Ok(Value::Int(index(x)?)),
        _ => Err(EvalError::type_error(format!(
            "type {} doesn't define __trunc__ method",
            x.type_name()
        ))),
    }
}

/// `math.factorial(n)`.
pub(super) fn factorial(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let n = index(one("math.factorial", args)?)?;
    factorial_of(&n, budget)
}

fn factorial_of(n: &Int, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let n = match n {
        Int(IntRepr::Small(s)) if *s < 0 => {
            return Err(EvalError::value(
                "factorial() not defined for negative values",
            ))
        }
        Int(IntRepr::Small(s)) => *s as u64,
        Int(IntRepr::Big(_)) if n.is_negative() => {
            return Err(EvalError::value(
                "factorial() not defined for negative values",
            ))
        }
        Int(IntRepr::Big(_)) => {
            return Err(EvalError::overflow(
                "factorial() argument should not exceed 9223372036854775807",
            ))
        }
    };
    let (low, high) = log2_factorial_bounds(n);
    budget.check_bits(bits_at_least(low))?;
    budget.charge(cost::product_tree(cost::words(bits_about(high)), n))?;
    let f = Int::from_bigint(BigInt::from(range_product(1, n)));
    crate::num::int::exact(f, budget).map(Value::Int)
}

/// Bounds on `log2(n!)`: Stirling's series, whose error is below 2**-10
/// from `n = 2` on (and which is exact, 0, below), and the rounding of the
/// floating-point sum, a few units in the last place of terms as big as
/// the result.
fn log2_factorial_bounds(n: u64) -> (f64, f64) {
    let est = cost::log2_factorial(n as f64);
    let err = 1.0 / 64.0 + est * FLOAT_ERROR;
    (est - err, est + err)
}

/// The relative error allowed for a few floating-point operations
/// (`ln`, products, sums): far above their real error of a few 2**-53.
const FLOAT_ERROR: f64 = 1.0 / (1u64 << 48) as f64;

/// The fewest bits an int whose `log2` is at least `log2` has: a size
/// check with a lower bound refuses only what is certainly over the
/// bound, and the result's exact size decides the rest.
fn bits_at_least(log2: f64) -> u64 {
    // Saturating (`as`): the estimate passes u64::MAX for n near 2**63
    // (refused, as it must be).
    (log2.max(0.0) as u64).saturating_add(1)
}

/// The bits of an int whose `log2` is about `log2`, for cost estimates.
fn bits_about(log2: f64) -> u64 {
    (log2.max(0.0) as u64).saturating_add(1)
}

/// The product of the integers in `lo..=hi` (1 when empty), by a balanced
/// product tree over word-sized leaves so big results stay fast.
fn range_product(lo: u64, hi: u64) -> BigUint {
    let mut leaves: Vec<BigUint> = Vec::new();
    let mut acc: u64 = 1;
    for k in lo.max(1)..=hi {
        match acc.checked_mul(k) {
            Some(p) => acc = p,
            None => {
                leaves.push(BigUint::from(acc));
                acc = k;
            }
        }
    }
    leaves.push(BigUint::from(acc));
    product(leaves)
}

/// The product of `leaves`, multiplying neighbours pairwise so operands stay
/// balanced in size.
fn product(mut leaves: Vec<BigUint>) -> BigUint {
    while leaves.len() > 1 {
        let mut next = Vec::with_capacity(leaves.len().div_ceil(2));
        let mut it = leaves.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                Some(b) => next.push(a * b),
                None => next.push(a),
            }
        }
        leaves = next;
    }
    leaves.pop().unwrap_or_else(BigUint::one)
}

/// `math.gcd(*integers)`: every argument is index-checked, even after the
/// result has reached 1; the result is never negative.
pub(super) fn gcd(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let ints = args.iter().map(index).collect::<Result<Vec<_>, _>>()?;
    let mut acc = Int(IntRepr::Small(0));
    for i in &ints {
        acc = gcd2(&acc, i, budget)?;
    }
    Ok(Value::Int(acc))
}

fn gcd2(a: &Int, b: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
    if let (Int(IntRepr::Small(x)), Int(IntRepr::Small(y))) = (a, b) {
        let g = x.unsigned_abs().gcd(&y.unsigned_abs());
        return match i64::try_from(g) {
            Ok(s) => Ok(Int(IntRepr::Small(s))),
            // `gcd(-2**63, 0)` leaves the machine word.
            Err(_) => crate::num::int::exact(Int(IntRepr::Big(BigInt::from(g))), budget),
        };
    }
    let a = a.to_bigint();
    let b = b.to_bigint();
    let (small, large) = if a.bits() <= b.bits() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if small.bits() == 0 {
        // gcd(0, x) == |x|, without any work (as one-argument gcd does).
        return Ok(Int::from_bigint(BigInt::from(large.magnitude().clone())));
    }
    // One division brings the larger to the smaller's size; then Lehmer's
    // algorithm runs on the smaller's size.
    let (ws, wl) = (cost::words(small.bits()), cost::words(large.bits()));
    budget.charge(cost::div(wl, ws).saturating_add(cost::gcd(ws)))?;
    let g = super::gcd::gcd(a.magnitude(), b.magnitude());
    Ok(Int::from_bigint(BigInt::from(g)))
}

/// `math.lcm(*integers)`: every argument is index-checked (first, so that
/// CPython's TypeError comes before any `LimitError`), even after the
/// result has reached 0; the result is never negative. Each step is
/// `|a // gcd(a, b) * b|`, with the gcd, the division and the product
/// charged to the budget and the product checked against the bit bound.
pub(super) fn lcm(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let ints = args.iter().map(index).collect::<Result<Vec<_>, _>>()?;
    let Some((first, rest)) = ints.split_first() else {
        return Ok(Value::Int(Int(IntRepr::Small(1))));
    };
    let mut acc = int_abs(first.clone(), budget)?;
    for x in rest {
        if acc.is_zero() {
            break;
        }
        acc = lcm2(&acc, x, budget)?;
    }
    Ok(Value::Int(acc))
}

/// CPython's `long_lcm`.
fn lcm2(a: &Int, b: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
    if a.is_zero() || b.is_zero() {
        return Ok(Int(IntRepr::Small(0)));
    }
    let g = gcd2(a, b, budget)?;
    let f = a.floor_div(&g, budget)?;
    int_abs(f.mul(b, budget)?, budget)
}

/// `abs(i)`; `abs(-2**63)` leaves the machine word.
fn int_abs(i: Int, budget: &Budget<'_>) -> Result<Int, EvalError> {
    if i.is_negative() {
        crate::num::int::exact(i.neg(), budget)
    } else {
        Ok(i)
    }
}

/// `math.isqrt(n)`: the floor of the exact square root.
pub(super) fn isqrt(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let n = index(one("math.isqrt", args)?)?;
    if n.is_negative() {
        return Err(EvalError::value("isqrt() argument must be nonnegative"));
    }
    if let Int(IntRepr::Small(s)) = n {
        return Ok(Value::Int(Int(IntRepr::Small(isqrt_u64(s as u64) as i64))));
    }
    let big = n.to_bigint();
    budget.charge(cost::isqrt(cost::words(big.bits())))?;
    Ok(Value::Int(Int::from_bigint(BigInt::from(
        big.magnitude().sqrt(),
    ))))
}

/// Floor square root of a `u64`, corrected after a float estimate.
fn isqrt_u64(n: u64) -> u64 {
    let mut r = (n as f64).sqrt() as u64;
    while r.checked_mul(r).is_none_or(|sq| sq > n) {
        r -= 1;
    }
    while (r + 1).checked_mul(r + 1).is_some_and(|sq| sq <= n) {
        r += 1;
    }
    r
}

/// The shared checks of `comb` and `perm`: both arguments index-checked,
/// then `n`'s sign, then `k`'s.
fn n_and_k(n: &Value, k: &Value) -> Result<(BigInt, BigInt), EvalError> {
    let n = index(n)?;
    let k = index(k)?;
    if n.is_negative() {
        return Err(EvalError::value("n must be a non-negative integer"));
    }
    if k.is_negative() {
        return Err(EvalError::value("k must be a non-negative integer"));
    }
    Ok((n.to_bigint(), k.to_bigint()))
}

/// Bounds on `log2(n * (n-1) * ... * (n-k+1))` for `k <= n`: the
/// difference of two Stirling estimates for an `n` below 2**32 (above, it
/// loses too many bits to cancellation), else `k` times the `log2` of the
/// smallest and of the largest factor.
fn falling_log2(n: &BigInt, k: u64) -> (f64, f64) {
    match n.to_u64() {
        Some(small) if small < 1 << 32 => {
            let (n_low, n_high) = log2_factorial_bounds(small);
            let (rest_low, rest_high) = log2_factorial_bounds(small - k);
            (n_low - rest_high, n_high - rest_low)
        }
        _ => {
            let smallest = k as f64 * log2_big(&(n - BigInt::from(k) + 1u8));
            // `bits(n)` bounds `log2(n)` from above with room to spare.
            (
                smallest - smallest * FLOAT_ERROR,
                k.saturating_mul(n.bits()) as f64,
            )
        }
    }
}

/// `log2(x)` for `x >= 1`, from its top 64 bits.
fn log2_big(x: &BigInt) -> f64 {
    let shift = x.bits().saturating_sub(64);
    let top = (x.magnitude() >> shift).to_u64().unwrap_or(u64::MAX);
    (top as f64).log2() + shift as f64
}

/// The estimated work of `n * (n-1) * ... * (n-k+1)` of `upper_log2` at
/// most, and the words of its result.
fn falling_cost(n: &BigInt, k: u64, upper_log2: f64) -> (u64, u64) {
    let words = cost::words(bits_about(upper_log2));
    let mut work = cost::product_tree(words, k);
    if n.to_u64().is_none() {
        work = work.saturating_add(cost::big_leaves(k));
    }
    (work, words)
}

/// `n * (n-1) * ... * (n-k+1)`; the caller has charged `falling_cost`.
fn falling_product(n: &BigInt, k: u64) -> BigUint {
    if k == 0 {
        return BigUint::one();
    }
    match n.to_u64() {
        // k <= n, so this is at least 1 and cannot overflow.
        Some(small) => range_product(small - (k - 1), small),
        None => {
            let top = n.magnitude();
            product((0..k).map(|i| top - BigUint::from(i)).collect())
        }
    }
}

/// `math.comb(n, k)`.
pub(super) fn comb(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let (n, k) = two("comb", args)?;
    let (n, k) = n_and_k(n, k)?;
    if k > n {
        return Ok(Value::Int(Int(IntRepr::Small(0))));
    }
    let k = std::cmp::min(&n - &k, k);
    let Some(k) = k.to_i64() else {
        return Err(EvalError::overflow(
            "min(n - k, k) must not exceed 9223372036854775807",
        ));
    };
    let k = k as u64;
    // The result, the numerator over k!, is what the bit bound applies
    // to (the numerator is bigger, by log2(k!) bits).
    let (num_low, num_high) = falling_log2(&n, k);
    let (_, den_high) = log2_factorial_bounds(k);
    budget.check_bits(bits_at_least(num_low - den_high))?;
    // Everything is charged before any of it is computed: the numerator,
    // the denominator k! (a product tree of its own), then one division.
    let (num_work, num_words) = falling_cost(&n, k, num_high);
    let den_words = cost::words(bits_about(cost::log2_factorial(k as f64)));
    budget.charge(
        num_work
            .saturating_add(cost::product_tree(den_words, k))
            .saturating_add(cost::div(num_words, den_words)),
    )?;
    let num = falling_product(&n, k);
    let den = range_product(1, k);
    let c = Int::from_bigint(BigInt::from(num / den));
    crate::num::int::exact(c, budget).map(Value::Int)
}

/// `math.perm(n, k=None)`: with one argument, `factorial(n)`.
pub(super) fn perm(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let (n, k) = match args {
        [n] => return factorial_of(&index(n)?, budget),
        [n, k] => (n, k),
        [] => {
            return Err(EvalError::type_error(
                "perm expected at least 1 argument, got 0",
            ))
        }
        _ => {
            return Err(EvalError::type_error(format!(
                "perm expected at most 2 arguments, got {}",
                args.len()
            )))
        }
    };
    let (n, k) = n_and_k(n, k)?;
    if k > n {
        return Ok(Value::Int(Int(IntRepr::Small(0))));
    }
    let Some(k) = k.to_i64() else {
        return Err(EvalError::overflow("k must not exceed 9223372036854775807"));
    };
    let k = k as u64;
    let (low, high) = falling_log2(&n, k);
    budget.check_bits(bits_at_least(low))?;
    budget.charge(falling_cost(&n, k, high).0)?;
    let p = Int::from_bigint(BigInt::from(falling_product(&n, k)));
    crate::num::int::exact(p, budget).map(Value::Int)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn i(v: i64) -> Value {
        Value::Int(Int(IntRepr::Small(v)))
    }

    fn big(s: &str) -> Value {
        Value::Int(Int::from_bigint(s.parse().unwrap()))
    }

    /// Found by the direct path's generated test: for arguments near 2**63
    /// the size estimate passed `u64::MAX`, and adding one overflowed (a
    /// panic in debug builds, a wrap to 0 bits in release).
    #[test]
    fn size_estimates_near_two_to_the_63_do_not_overflow() {
        for src in [
            "factorial(9223372036854775807)",
            "factorial(2**62)",
            "comb(2**64, 2**62)",
            "comb(18446744073709551614, 9223372036854775807)",
        ] {
            let err = crate::eval(src).unwrap_err();
            assert_eq!(err.class(), "LimitError", "{src}: {err}");
            assert!(err.message().contains("bits"), "{src}: {err}");
        }
    }

    /// `factorial`, `perm` and `comb` under a bit bound of exactly their
    /// result's size give the result, and under one bit less refuse it
    /// with the size error, whatever the rounding of their estimates:
    /// small and huge `n`, `k` from 0 to past `n / 2`.
    #[test]
    fn results_of_exactly_the_bound_are_computed() {
        type F = fn(&[Value], &mut Budget<'_>) -> Result<Value, EvalError>;
        let at = |f: F, args: &[Value], bits: u64| {
            let limits = Limits {
                max_int_bits: bits,
                ..Limits::default()
            };
            f(args, &mut Budget::new(&limits))
        };
        let mut checked = 0;
        let mut check = |f: F, args: Vec<Value>, exact: BigUint| {
            let bits = exact.bits();
            if bits <= 64 {
                // Machine-word results are never refused for size.
                return;
            }
            let want = Value::Int(Int::from_bigint(BigInt::from(exact)));
            assert_eq!(at(f, &args, bits), Ok(want), "{args:?} at {bits} bits");
            let err = at(f, &args, bits - 1).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("LimitError: integer result would exceed {} bits", bits - 1),
                "{args:?}"
            );
            checked += 1;
        };
        let big_n: BigInt = (BigInt::from(1) << 100u32) + 12345;
        for n in (20u64..400).step_by(7).chain([1000, 1 << 20, 1 << 33]) {
            let bn = BigInt::from(n);
            if n < 2000 {
                check(factorial, vec![i(n as i64)], range_product(1, n));
            }
            for k in [1u64, 2, 3, 10, 33, n / 2, n / 2 + 1, n.saturating_sub(3)] {
                if k > n || k > 2000 {
                    continue;
                }
                let args = vec![i(n as i64), i(k as i64)];
                let falling = falling_product(&bn, k);
                check(perm, args.clone(), falling.clone());
                let c = falling / range_product(1, k);
                check(comb, args, c);
                // The same k below a huge n.
                let args = vec![Value::Int(Int::from_bigint(big_n.clone())), i(k as i64)];
                let falling = falling_product(&big_n, k);
                check(perm, args.clone(), falling.clone());
                check(comb, args, falling / range_product(1, k));
            }
        }
        assert!(checked > 300, "{checked}");
        // `gcd(-2**63, 0)` leaves the machine word: 64 bits.
        let args = [i(i64::MIN), i(0)];
        let two_63 = Value::Int(Int::from_bigint(BigInt::from(1) << 63u8));
        assert_eq!(at(gcd, &args, 64), Ok(two_63));
        assert_eq!(at(gcd, &args, 63).unwrap_err().class(), "LimitError");
    }

    fn run(f: fn(&[Value], &mut Budget<'_>) -> Result<Value, EvalError>, args: &[Value]) -> String {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        match f(args, &mut budget) {
            Ok(Value::Int(Int(IntRepr::Small(s)))) => s.to_string(),
            Ok(Value::Int(Int(IntRepr::Big(b)))) => b.to_string(),
            Ok(other) => format!("{other:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn pow(b: u32, e: u32) -> String {
        BigInt::from(b).pow(e).to_string()
    }

    #[test]
    fn floor_ceil_trunc() {
        let limits = Limits::default();
        let budget = Budget::new(&limits);
        let fl = |a: &[Value]| floor_ceil("math.floor", a, false, &budget);
        let ce = |a: &[Value]| floor_ceil("math.ceil", a, true, &budget);
        let trunc = |a: &[Value]| trunc(a, &budget);
        // floor(2.5) == 2 ; ceil(2.5) == 3 ; floor(-0.5) == -1 ; floor(True) == 1
        assert_eq!(fl(&[Value::Float(2.5)]).unwrap(), i(2));
        assert_eq!(ce(&[Value::Float(2.5)]).unwrap(), i(3));
        assert_eq!(fl(&[Value::Float(-0.5)]).unwrap(), i(-1));
        assert_eq!(fl(&[Value::Bool(true)]).unwrap(), i(1));
        // floor(nan) -> ValueError ; ceil(-inf) -> OverflowError ; floor(1j) -> TypeError
        assert_eq!(
            fl(&[Value::Float(f64::NAN)]).unwrap_err().class(),
            "ValueError"
        );
        assert_eq!(
            ce(&[Value::Float(f64::NEG_INFINITY)]).unwrap_err().class(),
            "OverflowError"
        );
        let c = Value::Complex(crate::Complex { re: 0.0, im: 1.0 });
        assert_eq!(
            fl(std::slice::from_ref(&c)).unwrap_err().to_string(),
            "TypeError: must be real number, not complex"
        );
        assert_eq!(
            fl(&[]).unwrap_err().to_string(),
            "TypeError: math.floor() takes exactly one argument (0 given)"
        );
        // floor(1e300) == int(1e300)
        assert_eq!(
            fl(&[Value::Float(1e300)]).unwrap(),
            Value::Int(Int::from_f64(1e300).unwrap())
        );
        // trunc(-2.7) == -2 ; trunc(True) == 1 ; trunc(1j) -> TypeError
        assert_eq!(trunc(&[Value::Float(-2.7)]).unwrap(), i(-2));
        assert_eq!(trunc(&[Value::Bool(true)]).unwrap(), i(1));
        assert_eq!(
            trunc(&[c]).unwrap_err().to_string(),
            "TypeError: type complex doesn't define __trunc__ method"
        );
        assert_eq!(
            trunc(&[Value::Builtin(crate::Builtin::Abs)])
                .unwrap_err()
                .to_string(),
            "TypeError: type builtin_function_or_method doesn't define __trunc__ method"
        );
    }

    #[test]
    fn factorial_cases() {
        // factorial(0) == 1 ; factorial(20) == 2432902008176640000 ; factorial(True) == 1
        assert_eq!(run(factorial, &[i(0)]), "1");
        assert_eq!(run(factorial, &[i(20)]), "2432902008176640000");
        assert_eq!(run(factorial, &[Value::Bool(true)]), "1");
        // factorial(25) == 15511210043330985984000000
        assert_eq!(run(factorial, &[i(25)]), "15511210043330985984000000");
        // factorial(1000) % (10**9+7) == 641419708 (checked with python3)
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        let Value::Int(f) = factorial(&[i(1000)], &mut budget).unwrap() else {
            panic!()
        };
        assert_eq!((f.to_bigint() % 1_000_000_007u64).to_string(), "641419708");
        assert_eq!(f.to_bigint().to_string().len(), 2568);
        // errors
        assert_eq!(
            run(factorial, &[i(-1)]),
            "ValueError: factorial() not defined for negative values"
        );
        assert_eq!(
            run(factorial, &[big("100000000000000000000")]),
            "OverflowError: factorial() argument should not exceed 9223372036854775807"
        );
        assert_eq!(
            run(factorial, &[big("-100000000000000000000")]),
            "ValueError: factorial() not defined for negative values"
        );
        assert_eq!(
            run(factorial, &[Value::Float(1.5)]),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
        assert_eq!(
            run(factorial, &[]),
            "TypeError: math.factorial() takes exactly one argument (0 given)"
        );
        // factorial(10**6) is refused at once
        let t = std::time::Instant::now();
        assert!(run(factorial, &[i(1_000_000)]).starts_with("LimitError"));
        assert!(run(factorial, &[i(1_000_000_000_000)]).starts_with("LimitError"));
        assert!(t.elapsed().as_millis() < 50);
    }

    #[test]
    fn gcd_cases() {
        // gcd() == 0 ; gcd(-4) == 4 ; gcd(4, 6, 9) == 1 ; gcd(0, -6) == 6 ; gcd(True) == 1
        assert_eq!(run(gcd, &[]), "0");
        assert_eq!(run(gcd, &[i(-4)]), "4");
        assert_eq!(run(gcd, &[i(4), i(6), i(9)]), "1");
        assert_eq!(run(gcd, &[i(0), i(-6)]), "6");
        assert_eq!(run(gcd, &[Value::Bool(true)]), "1");
        // gcd(-2**63, 0) == 2**63
        assert_eq!(run(gcd, &[i(i64::MIN), i(0)]), "9223372036854775808");
        // gcd(2**200, 6**100) == 2**100
        let a = pow(2, 200);
        let b = pow(6, 100);
        assert_eq!(run(gcd, &[big(&a), big(&b)]), pow(2, 100));
        // gcd(2**(2**20-1)) and gcd(1, 2**(2**20-1)) are cheap: no LimitError
        let huge = Value::Int(Int::from_bigint(BigInt::from(1u8) << ((1u32 << 20) - 1)));
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        assert_eq!(gcd(std::slice::from_ref(&huge), &mut budget).unwrap(), huge);
        assert_eq!(gcd(&[i(1), huge.clone()], &mut budget).unwrap(), i(1));
        assert_eq!(gcd(&[huge, i(0), i(-6)], &mut budget).unwrap(), i(2));
        // gcd(1, 1.5) -> TypeError even though the result is already 1
        assert_eq!(
            run(gcd, &[i(1), Value::Float(1.5)]),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
    }

    #[test]
    fn lcm_cases() {
        // lcm() == 1 ; lcm(4, 6) == 12 ; lcm(-4, 6) == 12 ; lcm(-4) == 4 ; lcm(True, 3) == 3
        assert_eq!(run(lcm, &[]), "1");
        assert_eq!(run(lcm, &[i(4), i(6)]), "12");
        assert_eq!(run(lcm, &[i(-4), i(6)]), "12");
        assert_eq!(run(lcm, &[i(-4)]), "4");
        assert_eq!(run(lcm, &[Value::Bool(true), i(3)]), "3");
        // lcm(0, -3) == 0 ; lcm(3, 0, 7) == 0 ; lcm(-2**63) == 2**63 ; lcm(2**64, 6) == 3 * 2**64
        assert_eq!(run(lcm, &[i(0), i(-3)]), "0");
        assert_eq!(run(lcm, &[i(3), i(0), i(7)]), "0");
        assert_eq!(run(lcm, &[i(i64::MIN)]), "9223372036854775808");
        assert_eq!(run(lcm, &[big(&pow(2, 64)), i(6)]), "55340232221128654848");
        // lcm(2**100+1, 2**80-1, 12345678901234567891)
        let a = (BigInt::from(2u8).pow(100u32) + 1u8).to_string();
        let b = (BigInt::from(2u8).pow(80u32) - 1u8).to_string();
        assert_eq!(
            run(lcm, &[big(&a), big(&b), big("12345678901234567891")]),
            "18043212720767346218955234192318558449431858359063050487597928346925"
        );
        // lcm(0, 1.5) -> TypeError even though the result is already 0
        assert_eq!(
            run(lcm, &[i(0), Value::Float(1.5)]),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
        // A result over the bit bound is a LimitError, not a computation.
        let limits = Limits {
            max_int_bits: 100,
            ..Limits::default()
        };
        let r = lcm(&[big(&a), big(&b)], &mut Budget::new(&limits));
        assert_eq!(r.unwrap_err().class(), "LimitError");
    }

    #[test]
    fn isqrt_cases() {
        // isqrt(0) == 0 ; isqrt(15) == 3 ; isqrt(16) == 4 ; isqrt(2**63-1) == 3037000499
        assert_eq!(run(isqrt, &[i(0)]), "0");
        assert_eq!(run(isqrt, &[i(15)]), "3");
        assert_eq!(run(isqrt, &[i(16)]), "4");
        assert_eq!(run(isqrt, &[i(i64::MAX)]), "3037000499");
        // isqrt(10**100) == 10**50 ; isqrt(10**100 - 1) == 10**50 - 1
        assert_eq!(run(isqrt, &[big(&pow(10, 100))]), pow(10, 50));
        let m1 = (BigInt::from(10u8).pow(100u32) - 1u8).to_string();
        let r1 = (BigInt::from(10u8).pow(50u32) - 1u8).to_string();
        assert_eq!(run(isqrt, &[big(&m1)]), r1);
        assert_eq!(run(isqrt, &[Value::Bool(true)]), "1");
        assert_eq!(
            run(isqrt, &[i(-1)]),
            "ValueError: isqrt() argument must be nonnegative"
        );
        assert_eq!(
            run(isqrt, &[Value::Float(4.0)]),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
    }

    #[test]
    fn comb_perm_cases() {
        // comb(5, 2) == 10 ; comb(2, 5) == 0 ; comb(10**30, 2)
        assert_eq!(run(comb, &[i(5), i(2)]), "10");
        assert_eq!(run(comb, &[i(2), i(5)]), "0");
        assert_eq!(run(comb, &[i(7), i(0)]), "1");
        assert_eq!(
            run(comb, &[big(&pow(10, 30)), i(2)]),
            "499999999999999999999999999999500000000000000000000000000000"
        );
        // comb(2**70, 2**70-1) == 2**70
        let n = pow(2, 70);
        let nm1 = (BigInt::from(2u8).pow(70u32) - 1u8).to_string();
        assert_eq!(run(comb, &[big(&n), big(&nm1)]), n);
        // comb(2**70, 2**69) -> OverflowError
        assert_eq!(
            run(comb, &[big(&n), big(&pow(2, 69))]),
            "OverflowError: min(n - k, k) must not exceed 9223372036854775807"
        );
        // comb(1000, 500) % (10**9+7) == 159835829 (python3)
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        let Value::Int(c) = comb(&[i(1000), i(500)], &mut budget).unwrap() else {
            panic!()
        };
        assert_eq!((c.to_bigint() % 1_000_000_007u64).to_string(), "159835829");
        // errors in CPython's order
        assert_eq!(
            run(comb, &[i(-1), i(-2)]),
            "ValueError: n must be a non-negative integer"
        );
        assert_eq!(
            run(comb, &[i(1), i(-2)]),
            "ValueError: k must be a non-negative integer"
        );
        assert_eq!(
            run(comb, &[i(-1), Value::Float(2.0)]),
            "TypeError: 'float' object cannot be interpreted as an integer"
        );
        assert_eq!(
            run(comb, &[i(1)]),
            "TypeError: comb expected 2 arguments, got 1"
        );
        // perm(5, 2) == 20 ; perm(5) == 120 ; perm(2**70, 2**70+5) == 0
        assert_eq!(run(perm, &[i(5), i(2)]), "20");
        assert_eq!(run(perm, &[i(5)]), "120");
        let np5 = (BigInt::from(2u8).pow(70u32) + 5u8).to_string();
        assert_eq!(run(perm, &[big(&n), big(&np5)]), "0");
        assert_eq!(
            run(perm, &[big(&n), big(&pow(2, 65))]),
            "OverflowError: k must not exceed 9223372036854775807"
        );
        // perm(10**20, 3) == 10**60 - 3*10**40 + 2*10**20
        let expect = (BigInt::from(10).pow(60u32) - BigInt::from(3) * BigInt::from(10).pow(40u32)
            + BigInt::from(2) * BigInt::from(10).pow(20u32))
        .to_string();
        assert_eq!(run(perm, &[big(&pow(10, 20)), i(3)]), expect);
        assert_eq!(
            run(perm, &[i(-1)]),
            "ValueError: factorial() not defined for negative values"
        );
        assert_eq!(
            run(perm, &[]),
            "TypeError: perm expected at least 1 argument, got 0"
        );
        assert_eq!(
            run(perm, &[i(1), i(2), i(3)]),
            "TypeError: perm expected at most 2 arguments, got 3"
        );
        // perm(2**64-1, 0) == 1 ; comb(2**64-1, 0) == 1 ; comb(2**64-1, 2**64-1) == 1 ;
        // perm(2**64-1, 1) == 2**64-1 ; comb(2**64-1, 2) == 170141183460469231704017187605319778305
        let m = big("18446744073709551615");
        assert_eq!(run(perm, &[m.clone(), i(0)]), "1");
        assert_eq!(run(comb, &[m.clone(), i(0)]), "1");
        assert_eq!(run(comb, &[m.clone(), m.clone()]), "1");
        assert_eq!(run(perm, &[m.clone(), i(1)]), "18446744073709551615");
        assert_eq!(
            run(comb, &[m, i(2)]),
            "170141183460469231704017187605319778305"
        );
        // comb(10**9, 10**6) is refused
        assert!(run(comb, &[i(1_000_000_000), i(1_000_000)]).starts_with("LimitError"));
    }
}
