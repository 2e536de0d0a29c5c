//! The `math` functions about the float format itself: the predicates
//! `isfinite`, `isinf`, `isnan` and `isclose`, and `ldexp`, `nextafter`,
//! `ulp`, `remainder`, `frexp` and `modf`, as CPython 3.11's
//! Modules/mathmodule.c computes them (all exact: no rounding but
//! `ldexp`'s into the subnormal range, which C's `ldexp` does).

use crate::value::IntRepr;
use crate::{EvalError, Int, Value};

use super::args::{one, real, two};
use super::libm;

/// `math.isfinite(x)`.
pub(super) fn isfinite(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.isfinite", args)?)?;
    Ok(Value::Bool(x.is_finite()))
}

/// `math.isinf(x)`.
pub(super) fn isinf(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.isinf", args)?)?;
    Ok(Value::Bool(x.is_infinite()))
}

/// `math.isnan(x)`.
pub(super) fn isnan(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.isnan", args)?)?;
    Ok(Value::Bool(x.is_nan()))
}

/// The default `rel_tol` of `isclose`.
const REL_TOL: f64 = 1e-09;
/// The default `abs_tol` of `isclose`.
const ABS_TOL: f64 = 0.0;

/// `math.isclose(a, b)` with positional arguments (its tolerances are
/// keyword-only: `isclose_tol` takes them). The arity errors are
/// Argument Clinic's for `isclose(a, b, *, rel_tol, abs_tol)`.
pub(super) fn isclose(args: &[Value]) -> Result<Value, EvalError> {
    let (a, b) = match args {
        [a, b] => (a, b),
        [] => {
            return Err(EvalError::type_error(
                "isclose() missing required argument 'a' (pos 1)",
            ))
        }
        [_] => {
            return Err(EvalError::type_error(
                "isclose() missing required argument 'b' (pos 2)",
            ))
        }
        _ if args.len() > 4 => {
            return Err(EvalError::type_error(format!(
                "isclose() takes at most 4 arguments ({} given)",
                args.len()
            )))
        }
        _ => {
            return Err(EvalError::type_error(format!(
                "isclose() takes exactly 2 positional arguments ({} given)",
                args.len()
            )))
        }
    };
    let a = real(a)?;
    let b = real(b)?;
    is_close(a, b, REL_TOL, ABS_TOL).map(Value::Bool)
}

/// `math.isclose(a, b, rel_tol=..., abs_tol=...)`: the arguments
/// converted in order (Argument Clinic's `double` converter), a missing
/// tolerance its default.
pub(super) fn isclose_tol(
    a: &Value,
    b: &Value,
    rel_tol: Option<&Value>,
    abs_tol: Option<&Value>,
) -> Result<Value, EvalError> {
    let a = real(a)?;
    let b = real(b)?;
    let rel_tol = rel_tol.map_or(Ok(REL_TOL), real)?;
    let abs_tol = abs_tol.map_or(Ok(ABS_TOL), real)?;
    is_close(a, b, rel_tol, abs_tol).map(Value::Bool)
}

/// `math_isclose_impl`: Boost's "weak" test, `|a - b|` within either
/// tolerance; infinities are close only to themselves, NaN to nothing.
fn is_close(a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> Result<bool, EvalError> {
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(EvalError::value("tolerances must be non-negative"));
    }
    if a == b {
        // Also two infinities of the same sign.
        return Ok(true);
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(false);
    }
    let diff = (b - a).abs();
    Ok(diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol)
}

/// `math.ldexp(x, i)`: `x * 2**i`. `i` must be an int (a bool is one);
/// beyond C's `long` it is clamped, beyond `int` the result overflows
/// (`OverflowError: math range error`) or underflows to a signed zero.
pub(super) fn ldexp(args: &[Value]) -> Result<Value, EvalError> {
    let (x, i) = two("ldexp", args)?;
    let x = real(x)?;
    let exp = match i {
        Value::Int(Int(IntRepr::Small(v))) => *v,
        Value::Int(Int(IntRepr::Big(b))) => {
            if b.sign() == num_bigint::Sign::Minus {
                i64::MIN
            } else {
                i64::MAX
            }
        }
        Value::Bool(b) => i64::from(*b),
        _ => {
            return Err(EvalError::type_error(
                "Expected an int as second argument to ldexp.",
            ))
        }
    };
    let r = if x == 0.0 || !x.is_finite() {
        // NaNs, zeros and infinities are returned unchanged.
        x
    } else if let Ok(e) = i32::try_from(exp) {
        libm::c_ldexp(x, e)
    } else if exp > 0 {
        f64::INFINITY.copysign(x)
    } else {
        0.0f64.copysign(x)
    };
    if r.is_infinite() && x.is_finite() {
        return Err(EvalError::overflow("math range error"));
    }
    Ok(Value::Float(r))
}

/// `math.nextafter(x, y)`: C's `nextafter`.
pub(super) fn nextafter(args: &[Value]) -> Result<Value, EvalError> {
    let (x, y) = two("nextafter", args)?;
    let x = real(x)?;
    let y = real(y)?;
    Ok(Value::Float(libm::c_nextafter(x, y)))
}

/// `math.ulp(x)`: the value of the least significant bit of `x`.
pub(super) fn ulp(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.ulp", args)?)?;
    Ok(Value::Float(ulp_of(x)))
}

/// `math_ulp_impl`.
fn ulp_of(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let x = x.abs();
    if x.is_infinite() {
        return x;
    }
    let x2 = libm::c_nextafter(x, f64::INFINITY);
    if x2.is_infinite() {
        // x is the largest finite float.
        return x - libm::c_nextafter(x, f64::NEG_INFINITY);
    }
    x2 - x
}

/// `math.remainder(x, y)`: IEEE 754's remainder, `x - n*y` for the
/// integer `n` nearest `x / y` (ties to even), always exact. `math_2`'s
/// rules: `remainder(x, 0)` and `remainder(inf, y)` are domain errors.
pub(super) fn remainder(args: &[Value]) -> Result<Value, EvalError> {
    let (x, y) = two("remainder", args)?;
    let x = real(x)?;
    let y = real(y)?;
    let r = m_remainder(x, y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(EvalError::value("math domain error"));
    }
    Ok(Value::Float(r))
}

/// CPython's `m_remainder`.
fn m_remainder(x: f64, y: f64) -> f64 {
    if x.is_finite() && y.is_finite() {
        if y == 0.0 {
            return f64::NAN;
        }
        let absx = x.abs();
        let absy = y.abs();
        // Rust's `%` on floats is C's `fmod`: exact.
        let m = absx % absy;
        // Comparing m with c = absy - m tells whether m is below, at or
        // above absy / 2 without computing 0.5 * absy, which may round
        // (CPython's comment proves c is exact where it matters).
        let c = absy - m;
        let r = if m < c {
            m
        } else if m > c {
            -c
        } else {
            // absx is halfway between two multiples of absy: choose the
            // even multiple. Every step here is exact.
            m - 2.0 * ((0.5 * (absx - m)) % absy)
        };
        return 1.0f64.copysign(x) * r;
    }
    if x.is_nan() {
        return x;
    }
    if y.is_nan() {
        return y;
    }
    if x.is_infinite() {
        return f64::NAN;
    }
    // y is infinite, x finite.
    x
}

/// `math_frexp_impl`: `(m, e)` with `x == m * 2**e` and
/// `0.5 <= |m| < 1`; `(x, 0)` for zeros, infinities and NaNs. A pair is
/// not a value of the language, so `frexp` is not one of its names;
/// this is its arithmetic.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) fn frexp(x: f64) -> (f64, i32) {
    if x.is_nan() || x.is_infinite() || x == 0.0 {
        return (x, 0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: scale into the normal range first (exact).
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    // Keep the sign and the mantissa, set the exponent of [0.5, 1).
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, biased - 1022)
}

/// `math_modf_impl`: the fractional and the integer part of `x`, both
/// with the sign of `x`: `(±0.0, x)` for infinities, `(x, x)` for NaNs.
/// A pair is not a value of the language, so `modf` is not one of its
/// names; this is its arithmetic.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) fn modf(x: f64) -> (f64, f64) {
    if x.is_infinite() {
        return (0.0f64.copysign(x), x);
    }
    if x.is_nan() {
        return (x, x);
    }
    let int = x.trunc();
    // C's modf gives the fraction the sign of x, also when it is zero.
    ((x - int).copysign(x), int)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Complex;

    fn run(f: fn(&[Value]) -> Result<Value, EvalError>, args: &[Value]) -> String {
        match f(args) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        }
    }

    fn fl(x: f64) -> Value {
        Value::Float(x)
    }

    fn i(v: i64) -> Value {
        Value::Int(Int(IntRepr::Small(v)))
    }

    fn big(s: &str) -> Value {
        Value::Int(Int::from_bigint(s.parse().unwrap()))
    }

    #[test]
    fn predicates() {
        let (inf, nan) = (f64::INFINITY, f64::NAN);
        // isfinite(1) isfinite(inf) isinf(-inf) isinf(nan) isnan(nan) isnan(True)
        assert_eq!(run(isfinite, &[i(1)]), "True");
        assert_eq!(run(isfinite, &[fl(inf)]), "False");
        assert_eq!(run(isinf, &[fl(-inf)]), "True");
        assert_eq!(run(isinf, &[fl(nan)]), "False");
        assert_eq!(run(isnan, &[fl(nan)]), "True");
        assert_eq!(run(isnan, &[Value::Bool(true)]), "False");
        // isinf(10**400) -> OverflowError: int too large to convert to float
        let huge = big(&format!("1{}", "0".repeat(400)));
        assert_eq!(
            run(isinf, &[huge]),
            "OverflowError: int too large to convert to float"
        );
        assert_eq!(
            run(isnan, &[Value::Complex(Complex::new(0.0, 1.0))]),
            "TypeError: must be real number, not complex"
        );
        assert_eq!(
            run(isfinite, &[]),
            "TypeError: math.isfinite() takes exactly one argument (0 given)"
        );
    }

    #[test]
    fn isclose_cases() {
        let (inf, nan) = (f64::INFINITY, f64::NAN);
        // isclose(1, 1+1e-10) True ; isclose(1, 1+1e-9) False (the difference is 1.00000008e-9) ; isclose(0, 1e-300) False
        assert_eq!(run(isclose, &[i(1), fl(1.0 + 1e-10)]), "True");
        assert_eq!(run(isclose, &[i(1), fl(1.0 + 1e-9)]), "False");
        assert_eq!(run(isclose, &[i(0), fl(1e-300)]), "False");
        // isclose(inf, inf) True ; isclose(inf, -inf) False ; isclose(nan, nan) False
        assert_eq!(run(isclose, &[fl(inf), fl(inf)]), "True");
        assert_eq!(run(isclose, &[fl(inf), fl(-inf)]), "False");
        assert_eq!(run(isclose, &[fl(nan), fl(nan)]), "False");
        // isclose(1e308, -1e308) False (b - a overflows to inf)
        assert_eq!(run(isclose, &[fl(1e308), fl(-1e308)]), "False");
        assert_eq!(
            run(isclose, &[]),
            "TypeError: isclose() missing required argument 'a' (pos 1)"
        );
        assert_eq!(
            run(isclose, &[i(1)]),
            "TypeError: isclose() missing required argument 'b' (pos 2)"
        );
        assert_eq!(
            run(isclose, &[i(1), i(2), i(3)]),
            "TypeError: isclose() takes exactly 2 positional arguments (3 given)"
        );
        assert_eq!(
            run(isclose, &[i(1), i(2), i(3), i(4), i(5)]),
            "TypeError: isclose() takes at most 4 arguments (5 given)"
        );
        assert_eq!(
            run(isclose, &[i(1), Value::Complex(Complex::new(0.0, 1.0))]),
            "TypeError: must be real number, not complex"
        );
        assert_eq!(
            is_close(1.0, 2.0, -1.0, 0.0).unwrap_err().to_string(),
            "ValueError: tolerances must be non-negative"
        );
    }

    #[test]
    fn ldexp_cases() {
        // ldexp(1, 2) 4.0 ; ldexp(1.5, -1074) 1e-323 ; ldexp(1, 1024) OverflowError
        assert_eq!(run(ldexp, &[i(1), i(2)]), "4.0");
        assert_eq!(run(ldexp, &[fl(1.5), i(-1074)]), "1e-323");
        assert_eq!(
            run(ldexp, &[i(1), i(1024)]),
            "OverflowError: math range error"
        );
        // ldexp(1, 10**30) OverflowError ; ldexp(-1, -10**30) -0.0 ; ldexp(0.0, 10**30) 0.0
        let e30 = big("1000000000000000000000000000000");
        let minus_e30 = big("-1000000000000000000000000000000");
        assert_eq!(
            run(ldexp, &[i(1), e30.clone()]),
            "OverflowError: math range error"
        );
        assert_eq!(run(ldexp, &[i(-1), minus_e30]), "-0.0");
        assert_eq!(run(ldexp, &[fl(0.0), e30.clone()]), "0.0");
        // ldexp(inf, -5) inf ; ldexp(nan, 5) nan ; ldexp(2, True) 4.0 ; ldexp(1, 2**40) OverflowError
        assert_eq!(run(ldexp, &[fl(f64::INFINITY), i(-5)]), "inf");
        assert_eq!(run(ldexp, &[fl(f64::NAN), i(5)]), "nan");
        assert_eq!(run(ldexp, &[i(2), Value::Bool(true)]), "4.0");
        assert_eq!(
            run(ldexp, &[i(1), i(1 << 40)]),
            "OverflowError: math range error"
        );
        assert_eq!(run(ldexp, &[i(1), i(-(1 << 40))]), "0.0");
        // ldexp(1, 2.0) / ldexp(1j, 2.0) / ldexp(1)
        assert_eq!(
            run(ldexp, &[i(1), fl(2.0)]),
            "TypeError: Expected an int as second argument to ldexp."
        );
        assert_eq!(
            run(ldexp, &[Value::Complex(Complex::new(0.0, 1.0)), fl(2.0)]),
            "TypeError: must be real number, not complex"
        );
        assert_eq!(
            run(ldexp, &[i(1)]),
            "TypeError: ldexp expected 2 arguments, got 1"
        );
    }

    #[test]
    fn nextafter_ulp_remainder() {
        // nextafter(1, 2) ; nextafter(0.0, -0.0) -0.0 ; nextafter(1e308*10, 0) max
        assert_eq!(run(nextafter, &[i(1), i(2)]), "1.0000000000000002");
        assert_eq!(run(nextafter, &[fl(0.0), fl(-0.0)]), "-0.0");
        assert_eq!(
            run(nextafter, &[fl(f64::INFINITY), i(0)]),
            "1.7976931348623157e+308"
        );
        // ulp(1) ; ulp(-0.0) 5e-324 ; ulp(max) 1.99584030953472e+292 ; ulp(inf) inf
        assert_eq!(run(ulp, &[i(1)]), "2.220446049250313e-16");
        assert_eq!(run(ulp, &[fl(-0.0)]), "5e-324");
        assert_eq!(run(ulp, &[fl(f64::MAX)]), "1.99584030953472e+292");
        assert_eq!(run(ulp, &[fl(f64::NEG_INFINITY)]), "inf");
        assert_eq!(run(ulp, &[fl(f64::NAN)]), "nan");
        // remainder(5, 2) 1.0 ; remainder(7, 2) -1.0 ; remainder(-7, 2) 1.0 ; remainder(6.5, 1) 0.5
        assert_eq!(run(remainder, &[i(5), i(2)]), "1.0");
        assert_eq!(run(remainder, &[i(7), i(2)]), "-1.0");
        assert_eq!(run(remainder, &[i(-7), i(2)]), "1.0");
        assert_eq!(run(remainder, &[fl(6.5), i(1)]), "0.5");
        assert_eq!(run(remainder, &[fl(7.5), i(1)]), "-0.5");
        assert_eq!(run(remainder, &[fl(-4.0), i(2)]), "-0.0");
        // remainder(1, inf) 1.0 ; remainder(1, 0) / remainder(inf, 1) ValueError
        assert_eq!(run(remainder, &[i(1), fl(f64::INFINITY)]), "1.0");
        assert_eq!(
            run(remainder, &[i(1), i(0)]),
            "ValueError: math domain error"
        );
        assert_eq!(
            run(remainder, &[fl(f64::INFINITY), i(1)]),
            "ValueError: math domain error"
        );
        assert_eq!(run(remainder, &[fl(f64::NAN), i(0)]), "nan");
        assert_eq!(
            run(remainder, &[i(1)]),
            "TypeError: remainder expected 2 arguments, got 1"
        );
    }

    #[test]
    fn frexp_and_modf() {
        // math.frexp(x) for x in (1.5, -3.0, 5e-324, 1e308, -0.0, inf)
        assert_eq!(frexp(1.5), (0.75, 1));
        assert_eq!(frexp(-3.0), (-0.75, 2));
        assert_eq!(frexp(5e-324), (0.5, -1073));
        assert_eq!(frexp(1e308), (0.5562684646268004, 1024));
        let (m, e) = frexp(-0.0);
        assert!(m == 0.0 && m.is_sign_negative() && e == 0);
        assert_eq!(frexp(f64::INFINITY), (f64::INFINITY, 0));
        // math.modf(x) for x in (2.5, -2.5, -3.0, inf, 1e300)
        assert_eq!(modf(2.5), (0.5, 2.0));
        assert_eq!(modf(-2.5), (-0.5, -2.0));
        let (f, n) = modf(-3.0);
        assert!(f == 0.0 && f.is_sign_negative() && n == -3.0);
        let (f, n) = modf(f64::NEG_INFINITY);
        assert!(f == 0.0 && f.is_sign_negative() && n == f64::NEG_INFINITY);
        assert_eq!(modf(1e300), (0.0, 1e300));
        let (f, n) = modf(f64::NAN);
        assert!(f.is_nan() && n.is_nan());
    }
}
