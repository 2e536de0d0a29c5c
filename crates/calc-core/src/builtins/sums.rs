//! The `math` functions of an iterable: `fsum(seq)`, `prod(iterable)` and
//! `dist(p, q)`. Each takes its items through [`items`], CPython's
//! `PyObject_GetIter`: a tuple's items; a string is iterable too, and
//! `strconv::over_chars` answers for strings before these run; for any
//! other value CPython's `TypeError: 'int' object is not iterable`. The
//! arithmetic behind them is the functions over a slice of values:
//! [`fsum_of`], [`prod_of`], [`dist_of`].

use crate::ast::BinOp;
use crate::budget::Budget;
use crate::value::IntRepr;
use crate::{ops, EvalError, Int, Value};

use super::args::{one, real, two};

/// `PyObject_GetIter` on an argument: a tuple's items, or CPython's
/// TypeError for a value that is not iterable. Going over them is charged
/// `per_item` units an item, before it is done: a tuple of many items
/// may be gone over many times in one expression.
pub(super) fn items<'a>(
    v: &'a Value,
    per_item: u64,
    budget: &mut Budget<'_>,
) -> Result<&'a [Value], EvalError> {
    match v {
        Value::Tuple(t) => {
            budget.charge((t.len() as u64).saturating_mul(per_item))?;
            Ok(t.items())
        }
        // A string is iterable in Python; its characters as the items of
        // these functions are outside the language.
        Value::Str(_) => Err(EvalError::type_error(
            "a string as an iterable of characters is not supported",
        )),
        _ => Err(EvalError::type_error(format!(
            "'{}' object is not iterable",
            v.type_name()
        ))),
    }
}

/// Units charged an item for `fsum`'s exact partial sums (up to a few
/// dozen float operations an item).
const FSUM_ITEM: u64 = 32;

/// Units charged an item for the functions that apply an operator or a
/// conversion to each item (`prod`, `dist`, `sum`, `min`, `max`); an
/// operation on big ints charges its own cost besides. Measured: `sum`
/// of a tuple of floats, about 8 ns an item.
pub(super) const ITEM: u64 = 16;

/// `math.fsum(seq)`.
pub(super) fn fsum(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let seq = items(one("math.fsum", args)?, FSUM_ITEM, budget)?;
    fsum_of(seq).map(Value::Float)
}

/// `math.prod(iterable, /, *, start=1)` with positional arguments: the
/// arity errors are Argument Clinic's for that signature.
pub(super) fn prod(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let iterable = match args {
        [x] => x,
        _ if args.len() > 2 => {
            return Err(EvalError::type_error(format!(
                "prod() takes at most 2 arguments ({} given)",
                args.len()
            )))
        }
        _ => {
            return Err(EvalError::type_error(format!(
                "prod() takes exactly 1 positional argument ({} given)",
                args.len()
            )))
        }
    };
    let values = items(iterable, ITEM, budget)?;
    prod_of(values, Value::Int(Int(IntRepr::Small(1))), budget)
}

/// `math.dist(p, q)`.
pub(super) fn dist(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let (p, q) = two("dist", args)?;
    let p = items(p, ITEM, budget)?;
    let q = items(q, ITEM, budget)?;
    dist_of(p, q).map(Value::Float)
}

/// `math_fsum`: the correctly rounded sum of `values` (each converted as
/// `PyFloat_AsDouble` converts it), by Shewchuk's exact partial sums
/// (Hettinger's `msum` with Dickinson's final rounding).
///
/// Infinities and NaNs among the values give their IEEE sum (`inf + -inf`
/// is `ValueError: -inf + inf in fsum`); a finite sum whose partials
/// overflow is `OverflowError: intermediate overflow in fsum`.
pub(super) fn fsum_of(values: &[Value]) -> Result<f64, EvalError> {
    // Non-overlapping partial sums, increasing in magnitude; their exact
    // sum is the exact sum of the values so far. At most ~40 of them
    // (2098 bits of exponent range over 53 bits each).
    let mut partials: Vec<f64> = Vec::new();
    let mut special_sum = 0.0f64;
    let mut inf_sum = 0.0f64;
    for v in values {
        let mut x = real(v)?;
        let xsave = x;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let yr = hi - x;
            let lo = y - yr;
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                // From an overflow of the partials, or from an infinity
                // or a NaN among the values.
                if xsave.is_finite() {
                    return Err(EvalError::overflow("intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                // Of two NaNs, the later one's (CPython's `+=` here gives
                // the right operand's NaN, as its `float_add` does).
                special_sum = crate::num::float::add(special_sum, xsave);
                partials.clear();
            } else {
                partials.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err(EvalError::value("-inf + inf in fsum"));
        }
        return Ok(special_sum);
    }
    Ok(sum_exact(&partials))
}

/// The partials' exact sum, correctly rounded (half to even), adding from
/// the largest until the sum becomes inexact.
fn sum_exact(p: &[f64]) -> f64 {
    let Some((&top, rest)) = p.split_last() else {
        return 0.0;
    };
    let mut n = rest.len();
    let mut hi = top;
    let mut lo = 0.0f64;
    while n > 0 {
        let x = hi;
        n -= 1;
        let y = p[n];
        hi = x + y;
        let yr = hi - x;
        lo = y - yr;
        if lo != 0.0 {
            break;
        }
    }
    // Half-even rounding across several partials: when the rounding of
    // hi + lo was a tie and the partials below push the same way as lo,
    // round away (fsum([1e-16, 1, 1e16]) is 1.0000000000000002e16).
    if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
        let y = lo * 2.0;
        let x = hi + y;
        let yr = x - hi;
        if y == yr {
            hi = x;
        }
    }
    hi
}

/// `math_prod_impl`: `start * v0 * v1 * ...`, left to right with the `*`
/// operator, so the types mix as they do in Python and every big-int
/// product is charged to the budget (and checked against the bit bound)
/// before it is computed. CPython's fast paths for machine ints and floats
/// compute the same products.
pub(super) fn prod_of(
    values: &[Value],
    start: Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let mut acc = start;
    for v in values {
        acc = ops::binary(BinOp::Mul, &acc, v, budget)?;
    }
    Ok(acc)
}

/// `math_dist_impl`: the Euclidean distance between the points `p` and
/// `q`, by `hypot`'s `vector_norm` over `|p[i] - q[i]|`.
pub(super) fn dist_of(p: &[Value], q: &[Value]) -> Result<f64, EvalError> {
    if p.len() != q.len() {
        return Err(EvalError::value(
            "both points must have the same number of dimensions",
        ));
    }
    let mut diffs = Vec::with_capacity(p.len());
    let mut max = 0.0f64;
    let mut found_nan = false;
    for (a, b) in p.iter().zip(q) {
        let px = real(a)?;
        let qx = real(b)?;
        let x = (px - qx).abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        diffs.push(x);
    }
    Ok(super::math::vector_norm(&mut diffs, max, found_nan))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Complex, Limits};

    fn fl(x: f64) -> Value {
        Value::Float(x)
    }

    fn i(v: i64) -> Value {
        Value::Int(Int(IntRepr::Small(v)))
    }

    fn err<T: std::fmt::Debug>(r: Result<T, EvalError>) -> String {
        r.unwrap_err().to_string()
    }

    fn fsum_b(args: &[Value]) -> Result<Value, EvalError> {
        let limits = Limits::default();
        fsum(args, &mut Budget::new(&limits))
    }

    fn dist_b(args: &[Value]) -> Result<Value, EvalError> {
        let limits = Limits::default();
        dist(args, &mut Budget::new(&limits))
    }

    #[test]
    fn calls_need_an_iterable() {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        // fsum(1) / fsum(1j) / fsum() / fsum(1, 2)
        assert_eq!(
            err(fsum_b(&[i(1)])),
            "TypeError: 'int' object is not iterable"
        );
        assert_eq!(
            err(fsum_b(&[Value::Complex(Complex::new(0.0, 1.0))])),
            "TypeError: 'complex' object is not iterable"
        );
        assert_eq!(
            err(fsum_b(&[])),
            "TypeError: math.fsum() takes exactly one argument (0 given)"
        );
        assert_eq!(
            err(fsum_b(&[i(1), i(2)])),
            "TypeError: math.fsum() takes exactly one argument (2 given)"
        );
        // prod(1.5) / prod() / prod(1, 2) / prod(1, 2, 3)
        assert_eq!(
            err(prod(&[fl(1.5)], &mut budget)),
            "TypeError: 'float' object is not iterable"
        );
        assert_eq!(
            err(prod(&[], &mut budget)),
            "TypeError: prod() takes exactly 1 positional argument (0 given)"
        );
        assert_eq!(
            err(prod(&[i(1), i(2)], &mut budget)),
            "TypeError: prod() takes exactly 1 positional argument (2 given)"
        );
        assert_eq!(
            err(prod(&[i(1), i(2), i(3)], &mut budget)),
            "TypeError: prod() takes at most 2 arguments (3 given)"
        );
        // dist(1, 2) / dist(1.5, 1) / dist(1)
        assert_eq!(
            err(dist_b(&[i(1), i(2)])),
            "TypeError: 'int' object is not iterable"
        );
        assert_eq!(
            err(dist_b(&[fl(1.5), i(2)])),
            "TypeError: 'float' object is not iterable"
        );
        assert_eq!(
            err(dist_b(&[i(1)])),
            "TypeError: dist expected 2 arguments, got 1"
        );
    }

    #[test]
    fn fsum_is_exact() {
        let f = |xs: &[f64]| fsum_of(&xs.iter().map(|&x| fl(x)).collect::<Vec<_>>());
        // math.fsum([0.1] * 10) == 1.0 ; fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]) == 1e-100
        assert_eq!(f(&[0.1; 10]), Ok(1.0));
        assert_eq!(
            f(&[1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]),
            Ok(1e-100)
        );
        // fsum([1e-16, 1, 1e16]) == 1.0000000000000002e+16 (half-even across partials)
        assert_eq!(f(&[1e-16, 1.0, 1e16]), Ok(1.0000000000000002e16));
        // fsum([]) == 0.0 ; fsum([-0.0]) == 0.0 ; fsum([2.0**53, -0.5, -2.0**-54]) == 9007199254740991.0
        assert_eq!(f(&[]), Ok(0.0));
        assert!(f(&[-0.0]).unwrap().is_sign_positive());
        assert_eq!(
            f(&[9007199254740992.0, -0.5, -2f64.powi(-54)]),
            Ok(9007199254740991.0)
        );
        // fsum([1e308, 1e308]) OverflowError ; fsum([inf, 1]) inf ; fsum([inf, -inf]) ValueError ; fsum([nan, 1]) nan
        assert_eq!(
            err(f(&[1e308, 1e308])),
            "OverflowError: intermediate overflow in fsum"
        );
        assert_eq!(f(&[f64::INFINITY, 1.0]), Ok(f64::INFINITY));
        assert_eq!(
            err(f(&[f64::INFINITY, f64::NEG_INFINITY])),
            "ValueError: -inf + inf in fsum"
        );
        assert!(f(&[f64::NAN, 1.0]).unwrap().is_nan());
        // copysign(1, fsum([-nan, nan])) == 1.0 ; fsum([nan, -nan]) -> -1.0 ; fsum([1.0, -nan]) -> -1.0
        let (nan, neg) = (f64::NAN, -f64::NAN);
        assert!(f(&[neg, nan]).unwrap().is_sign_positive());
        assert!(f(&[nan, neg]).unwrap().is_sign_negative());
        assert!(f(&[1.0, neg]).unwrap().is_sign_negative());
        // fsum([1e308, 1e308, inf]) OverflowError (the overflow comes first)
        assert_eq!(
            err(f(&[1e308, 1e308, f64::INFINITY])),
            "OverflowError: intermediate overflow in fsum"
        );
        // fsum([True, 2, 10**400]) OverflowError: int too large to convert to float
        let huge = Value::Int(Int::from_bigint(num_bigint::BigInt::from(10u8).pow(400u32)));
        assert_eq!(
            err(fsum_of(&[Value::Bool(true), i(2), huge])),
            "OverflowError: int too large to convert to float"
        );
        assert_eq!(fsum_of(&[Value::Bool(true), i(2)]), Ok(3.0));
    }

    #[test]
    fn prod_multiplies_in_order_under_the_budget() {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        let mut run = |values: &[Value]| match prod_of(values, i(1), &mut budget) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        };
        // math.prod([]) == 1 ; prod([2, 3, 4]) == 24 ; prod([2, 0.5]) == 1.0 ; prod([True, True]) == 1
        assert_eq!(run(&[]), "1");
        assert_eq!(run(&[i(2), i(3), i(4)]), "24");
        assert_eq!(run(&[i(2), fl(0.5)]), "1.0");
        assert_eq!(run(&[Value::Bool(true), Value::Bool(true)]), "1");
        // prod([2**62, 4]) == 2**64 ; prod([1j, 1j]) == (-1+0j)
        assert_eq!(run(&[i(1 << 62), i(4)]), "18446744073709551616");
        let j = Value::Complex(Complex::new(0.0, 1.0));
        assert_eq!(run(&[j.clone(), j]), "(-1+0j)");
        // prod([1e308, 10]) == inf (float multiplication does not raise)
        assert_eq!(run(&[fl(1e308), i(10)]), "inf");
        // copysign(1, prod([-nan, nan])) == 1.0 ; prod([nan, -nan]) -> -1.0
        let sign = |values: &[Value]| match prod_of(values, i(1), &mut Budget::new(&limits)) {
            Ok(Value::Float(x)) => x.is_sign_negative(),
            other => panic!("{other:?}"),
        };
        assert!(!sign(&[fl(-f64::NAN), fl(f64::NAN)]));
        assert!(sign(&[fl(f64::NAN), fl(-f64::NAN)]));
        // prod([abs]) -> TypeError: unsupported operand type(s) for *: 'int' and 'builtin_function_or_method'
        assert_eq!(
            run(&[Value::Builtin(crate::Builtin::Abs)]),
            "TypeError: unsupported operand type(s) for *: 'int' and 'builtin_function_or_method'"
        );
        // A product over the bit bound is refused before it is computed.
        let small = Limits {
            max_int_bits: 100,
            ..Limits::default()
        };
        let mut budget = Budget::new(&small);
        let r = prod_of(&[i(1 << 60), i(1 << 60)], i(1), &mut budget);
        assert_eq!(r.unwrap_err().class(), "LimitError");
    }

    #[test]
    fn dist_of_points() {
        // math.dist((0, 0), (3, 4)) == 5.0 ; dist((1,), (1.5,)) == 0.5 ; dist((), ()) == 0.0
        assert_eq!(dist_of(&[i(0), i(0)], &[i(3), i(4)]), Ok(5.0));
        assert_eq!(dist_of(&[i(1)], &[fl(1.5)]), Ok(0.5));
        assert_eq!(dist_of(&[], &[]), Ok(0.0));
        // dist((1, 2, 3), (4, 5, 6)) == 5.196152422706632 ; dist((inf, nan), (0, 0)) == inf
        assert_eq!(
            dist_of(&[i(1), i(2), i(3)], &[i(4), i(5), i(6)]),
            Ok(5.196152422706632)
        );
        assert_eq!(
            dist_of(&[fl(f64::INFINITY), fl(f64::NAN)], &[i(0), i(0)]),
            Ok(f64::INFINITY)
        );
        assert_eq!(
            err(dist_of(&[i(1)], &[i(1), i(2)])),
            "ValueError: both points must have the same number of dimensions"
        );
        assert_eq!(
            err(dist_of(&[i(1)], &[Value::Complex(Complex::new(0.0, 1.0))])),
            "TypeError: must be real number, not complex"
        );
    }
}
