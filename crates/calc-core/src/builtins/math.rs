//! The float functions of Python's `math` module, ported from CPython 3.11's
//! Modules/mathmodule.c: `math_1`'s domain/range rules, `loghelper` for
//! ints of any size, `math_2`, `m_atan2`, `fmod`'s special cases,
//! `hypot`'s `vector_norm` (also `dist`'s), `erf` and `erfc`.
//!
//! The elementary functions themselves come from Rust's `f64` methods,
//! which call the platform libm just as CPython does, or (where Rust has
//! no method or computes its own) from the C functions declared in
//! `libm`, so results agree bit for bit on the same machine.

use crate::value::IntRepr;
use crate::{EvalError, Int, Value};

use super::args::{one, real, two};
use super::num;

fn domain_error() -> EvalError {
    EvalError::value("math domain error")
}

fn range_error() -> EvalError {
    EvalError::overflow("math range error")
}

/// `math_1`: applies `f` to the real argument `x`; a NaN out of a non-NaN
/// is a domain error, an infinity out of a finite value is a range error
/// when `can_overflow`, else a domain error (a singularity).
pub(super) fn math_1(
    qualname: &str,
    args: &[Value],
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> Result<Value, EvalError> {
    let x = real(one(qualname, args)?)?;
    apply_1(x, f, can_overflow).map(Value::Float)
}

/// `math_1` on a float argument.
#[inline]
pub(super) fn apply_1(x: f64, f: fn(f64) -> f64, can_overflow: bool) -> Result<f64, EvalError> {
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            range_error()
        } else {
            domain_error()
        });
    }
    Ok(r)
}

/// `math.erf(x)`: libm's `erf` under `math_1a`, which raises only for the
/// `errno` libm sets; `erf` sets none but `ERANGE` on underflow, which
/// `math_1a` ignores (a result below 1.5 in magnitude).
pub(super) fn erf(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.erf", args)?)?;
    Ok(Value::Float(super::libm::c_erf(x)))
}

/// `math.erfc(x)`: libm's `erfc`, as [`erf`] (its results lie in [0, 2]
/// and it sets no `errno` but `ERANGE` on underflow).
pub(super) fn erfc(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.erfc", args)?)?;
    Ok(Value::Float(super::libm::c_erfc(x)))
}

/// `m_log`: libm's `log` with C99 special values made explicit.
pub(super) fn m_log(x: f64) -> f64 {
    special_log(x, f64::ln)
}

pub(super) fn m_log2(x: f64) -> f64 {
    special_log(x, f64::log2)
}

pub(super) fn m_log10(x: f64) -> f64 {
    special_log(x, f64::log10)
}

fn special_log(x: f64, f: fn(f64) -> f64) -> f64 {
    if x.is_finite() {
        if x > 0.0 {
            f(x)
        } else if x == 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::NAN
        }
    } else if x.is_nan() || x > 0.0 {
        x
    } else {
        f64::NAN
    }
}

/// `loghelper`: ints are handled exactly, even beyond the float range
/// (`log(n) = log(x) + log(2) * e` with `n ~= x * 2**e`); everything else
/// goes through `math_1`.
fn loghelper(v: &Value, f: fn(f64) -> f64) -> Result<f64, EvalError> {
    let int = match v {
        Value::Int(i) => i.clone(),
        Value::Bool(b) => Int(IntRepr::Small(i64::from(*b))),
        _ => return apply_1(real(v)?, f, false),
    };
    if int.is_negative() || int.is_zero() {
        return Err(domain_error());
    }
    match int.to_f64() {
        Ok(x) => Ok(f(x)),
        Err(_) => {
            let big = int.to_bigint();
            let (x, e) = num::frexp(big.magnitude());
            Ok(f(x) + f(2.0) * e as f64)
        }
    }
}

/// `math.log(x[, base])`.
pub(super) fn log(args: &[Value]) -> Result<Value, EvalError> {
    let (x, base) = match args {
        [x] => (x, None),
        [x, b] => (x, Some(b)),
        _ => return Err(EvalError::type_error("math.log requires 1 to 2 arguments")),
    };
    let num = loghelper(x, m_log)?;
    let Some(base) = base else {
        return Ok(Value::Float(num));
    };
    let den = loghelper(base, m_log)?;
    if den == 0.0 {
        return Err(EvalError::zero_division("float division by zero"));
    }
    Ok(Value::Float(num / den))
}

/// `math.log2(x)`.
pub(super) fn log2(args: &[Value]) -> Result<Value, EvalError> {
    loghelper(one("math.log2", args)?, m_log2).map(Value::Float)
}

/// `math.log10(x)`.
pub(super) fn log10(args: &[Value]) -> Result<Value, EvalError> {
    loghelper(one("math.log10", args)?, m_log10).map(Value::Float)
}

/// `math_2`: a two-argument float function; NaN from non-NaNs is a domain
/// error, infinity from finite values a range error.
fn math_2(name: &str, args: &[Value], f: fn(f64, f64) -> f64) -> Result<Value, EvalError> {
    let (a, b) = two(name, args)?;
    let x = real(a)?;
    let y = real(b)?;
    let r = f(x, y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(range_error());
    }
    Ok(Value::Float(r))
}

/// `m_atan2`: C99 Annex F special values, which some libms get wrong.
fn m_atan2(y: f64, x: f64) -> f64 {
    use std::f64::consts::PI;
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if y.is_infinite() {
        if x.is_infinite() {
            return if x.is_sign_positive() {
                (0.25 * PI).copysign(y)
            } else {
                (0.75 * PI).copysign(y)
            };
        }
        return (0.5 * PI).copysign(y);
    }
    if x.is_infinite() || y == 0.0 {
        return if x.is_sign_positive() {
            0.0f64.copysign(y)
        } else {
            PI.copysign(y)
        };
    }
    y.atan2(x)
}

/// `math.atan2(y, x)`.
pub(super) fn atan2(args: &[Value]) -> Result<Value, EvalError> {
    math_2("atan2", args, m_atan2)
}

/// `math.copysign(x, y)`.
pub(super) fn copysign(args: &[Value]) -> Result<Value, EvalError> {
    math_2("copysign", args, f64::copysign)
}

/// `math.fmod(x, y)`: C `fmod`, but `fmod(x, ±inf)` is `x` for finite `x`.
pub(super) fn fmod(args: &[Value]) -> Result<Value, EvalError> {
    let (a, b) = two("fmod", args)?;
    let x = real(a)?;
    let y = real(b)?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    // Rust's `%` on f64 is C's fmod (exact, sign of the dividend).
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error());
    }
    Ok(Value::Float(r))
}

/// `math.pow(x, y)`, `math_pow_impl`: a float power of two reals. IEEE
/// specials are answered directly (`nan ** 0` and `1 ** nan` are 1.0);
/// finite operands go to the platform `pow`, whose NaN (a negative base
/// and a non-integer exponent) or infinity from zero (`0.0 ** -1`) is a
/// domain error and whose overflow a range error; an underflow is 0.0.
pub(super) fn pow(args: &[Value]) -> Result<Value, EvalError> {
    let (a, b) = two("pow", args)?;
    let x = real(a)?;
    let y = real(b)?;
    if !x.is_finite() || !y.is_finite() {
        let r = if x.is_nan() {
            if y == 0.0 {
                1.0
            } else {
                x
            }
        } else if y.is_nan() {
            if x == 1.0 {
                1.0
            } else {
                y
            }
        } else if x.is_infinite() {
            let odd_y = y.is_finite() && (y.abs() % 2.0) == 1.0;
            if y > 0.0 {
                if odd_y {
                    x
                } else {
                    x.abs()
                }
            } else if y == 0.0 {
                1.0
            } else if odd_y {
                0.0f64.copysign(x)
            } else {
                0.0
            }
        } else if x.abs() == 1.0 {
            // `y` is infinite from here on.
            1.0
        } else if y > 0.0 && x.abs() > 1.0 {
            y
        } else if y < 0.0 && x.abs() < 1.0 {
            -y
        } else {
            0.0
        };
        return Ok(Value::Float(r));
    }
    let r = x.powf(y);
    if r.is_nan() || (r.is_infinite() && x == 0.0) {
        return Err(domain_error());
    }
    if r.is_infinite() {
        return Err(range_error());
    }
    Ok(Value::Float(r))
}

/// `math.degrees(x)`: no range check, as in CPython (`degrees(1e308)` is inf).
pub(super) fn degrees(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.degrees", args)?)?;
    Ok(Value::Float(x * (180.0 / std::f64::consts::PI)))
}

/// `math.radians(x)`.
pub(super) fn radians(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.radians", args)?)?;
    Ok(Value::Float(x * (std::f64::consts::PI / 180.0)))
}

/// `math.hypot(*coordinates)`: CPython 3.11's `vector_norm`, an accurate
/// scaled sum of squares with a final correction step.
pub(super) fn hypot(args: &[Value]) -> Result<Value, EvalError> {
    let mut coords = Vec::with_capacity(args.len());
    let mut max = 0.0f64;
    let mut found_nan = false;
    for a in args {
        let x = real(a)?.abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        coords.push(x);
    }
    Ok(Value::Float(vector_norm(&mut coords, max, found_nan)))
}

/// An exact sum or product as an unevaluated pair `hi + lo`.
struct DoubleLength {
    hi: f64,
    lo: f64,
}

/// Compensated sum of two floats, `|a| >= |b|`.
fn dl_fast_sum(a: f64, b: f64) -> DoubleLength {
    let x = a + b;
    let y = (a - x) + b;
    DoubleLength { hi: x, lo: y }
}

/// Exact product of two floats via a fused multiply-add.
fn dl_mul(x: f64, y: f64) -> DoubleLength {
    let z = x * y;
    let zz = x.mul_add(y, -z);
    DoubleLength { hi: z, lo: zz }
}

/// CPython 3.11's `vector_norm`: the Euclidean norm of `vec` (whose largest
/// element is `max`), shared by `hypot` and `dist`.
pub(super) fn vector_norm(vec: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let max_e = frexp_exp(max);
    if max_e < -1023 {
        // ldexp(1.0, -max_e) would overflow: rescale subnormals first.
        for x in vec.iter_mut() {
            *x /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(vec, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = crate::num::division::ldexp(1.0, -i64::from(max_e));
    let mut csum = 1.0f64;
    let mut frac1 = 0.0f64;
    let mut frac2 = 0.0f64;
    for &v in vec.iter() {
        let x = v * scale;
        let pr = dl_mul(x, x);
        let sm = dl_fast_sum(csum, pr.hi);
        csum = sm.hi;
        frac1 += pr.lo;
        frac2 += sm.lo;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let pr = dl_mul(-h, h);
    let sm = dl_fast_sum(csum, pr.hi);
    csum = sm.hi;
    frac1 += pr.lo;
    frac2 += sm.lo;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

/// The exponent `e` of C's `frexp(x)` (`x = m * 2**e`, `0.5 <= m < 1`) for a
/// finite, positive `x`.
fn frexp_exp(x: f64) -> i32 {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: the exponent comes from the position of the top bit.
        let mant = bits & 0x000f_ffff_ffff_ffff;
        let top = 63 - mant.leading_zeros() as i32; // bit index of the leading 1
        return top - 1073;
    }
    biased - 1022
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Complex;

    fn f(v: Result<Value, EvalError>) -> f64 {
        match v {
            Ok(Value::Float(x)) => x,
            other => panic!("expected a float, got {other:?}"),
        }
    }

    fn err(v: Result<Value, EvalError>) -> String {
        v.unwrap_err().to_string()
    }

    fn big(s: &str) -> Value {
        Value::Int(Int::from_bigint(s.parse().unwrap()))
    }

    #[test]
    fn frexp_exponent() {
        // math.frexp(x)[1] for x in (1.0, 0.5, 3.0, 5e-324, 2.2250738585072014e-308)
        assert_eq!(frexp_exp(1.0), 1);
        assert_eq!(frexp_exp(0.5), 0);
        assert_eq!(frexp_exp(3.0), 2);
        assert_eq!(frexp_exp(5e-324), -1073);
        assert_eq!(frexp_exp(2.2250738585072014e-308), -1021);
    }

    #[test]
    fn math_1_errors() {
        let sqrt = |a: &[Value]| math_1("math.sqrt", a, f64::sqrt, false);
        // sqrt(-1) -> ValueError: math domain error
        assert_eq!(
            err(sqrt(&[Value::Float(-1.0)])),
            "ValueError: math domain error"
        );
        // sqrt(nan) -> nan, sqrt(-0.0) -> -0.0
        assert!(f(sqrt(&[Value::Float(f64::NAN)])).is_nan());
        assert!(f(sqrt(&[Value::Float(-0.0)])).is_sign_negative());
        // sqrt(True) -> 1.0
        assert_eq!(f(sqrt(&[Value::Bool(true)])), 1.0);
        // sqrt(10**400) -> OverflowError: int too large to convert to float
        assert_eq!(
            err(sqrt(&[big(&format!("1{}", "0".repeat(400)))])),
            "OverflowError: int too large to convert to float"
        );
        // sqrt(1j) -> TypeError: must be real number, not complex
        assert_eq!(
            err(sqrt(&[Value::Complex(Complex { re: 0.0, im: 1.0 })])),
            "TypeError: must be real number, not complex"
        );
        // sqrt() / sqrt(1, 2)
        assert_eq!(
            err(sqrt(&[])),
            "TypeError: math.sqrt() takes exactly one argument (0 given)"
        );
        let exp = |a: &[Value]| math_1("math.exp", a, f64::exp, true);
        // exp(1000) -> OverflowError: math range error; exp(-1000) -> 0.0
        assert_eq!(
            err(exp(&[Value::Int(Int(IntRepr::Small(1000)))])),
            "OverflowError: math range error"
        );
        assert_eq!(f(exp(&[Value::Int(Int(IntRepr::Small(-1000)))])), 0.0);
        // exp(inf) -> inf (infinite input, no error)
        assert_eq!(f(exp(&[Value::Float(f64::INFINITY)])), f64::INFINITY);
        let sin = |a: &[Value]| math_1("math.sin", a, f64::sin, false);
        // sin(inf) -> ValueError: math domain error
        assert_eq!(
            err(sin(&[Value::Float(f64::INFINITY)])),
            "ValueError: math domain error"
        );
    }

    #[test]
    fn logs() {
        // log(10**1000) == 2302.585092994045
        assert_eq!(
            f(log(&[big(&format!("1{}", "0".repeat(1000)))])),
            2302.585092994045
        );
        // log(8, 2) == 3.0 ; log(8, 1) -> ZeroDivisionError
        let i = |v: i64| Value::Int(Int(IntRepr::Small(v)));
        assert_eq!(f(log(&[i(8), i(2)])), 3.0);
        assert_eq!(
            err(log(&[i(8), i(1)])),
            "ZeroDivisionError: float division by zero"
        );
        // log(0) / log(-1) / log(0.0) / log(False) -> ValueError
        for v in [
            i(0),
            i(-1),
            Value::Float(0.0),
            Value::Bool(false),
            Value::Float(-f64::INFINITY),
        ] {
            assert_eq!(err(log(&[v])), "ValueError: math domain error");
        }
        // log(inf) == inf ; log(nan) is nan
        assert_eq!(f(log(&[Value::Float(f64::INFINITY)])), f64::INFINITY);
        assert!(f(log(&[Value::Float(f64::NAN)])).is_nan());
        // log() -> TypeError: math.log requires 1 to 2 arguments
        assert_eq!(
            err(log(&[])),
            "TypeError: math.log requires 1 to 2 arguments"
        );
        // log2(2**2000) == 2000.0 ; log10(10**500) == 500.0
        assert_eq!(
            f(log2(&[big(
                &(num_bigint::BigInt::from(1) << 2000u32).to_string()
            )])),
            2000.0
        );
        assert_eq!(f(log10(&[big(&format!("1{}", "0".repeat(500)))])), 500.0);
        // log2(-0.0) -> ValueError
        assert_eq!(
            err(log2(&[Value::Float(-0.0)])),
            "ValueError: math domain error"
        );
        // log(-(10**400)) -> ValueError: math domain error
        assert_eq!(
            err(log(&[big(&format!("-1{}", "0".repeat(400)))])),
            "ValueError: math domain error"
        );
    }

    #[test]
    fn two_argument_functions() {
        let fl = Value::Float;
        // atan2(inf, -inf) == 2.356194490192345 ; atan2(-0.0, -1) == -pi
        assert_eq!(
            f(atan2(&[fl(f64::INFINITY), fl(-f64::INFINITY)])),
            2.356194490192345
        );
        assert_eq!(f(atan2(&[fl(-0.0), fl(-1.0)])), -std::f64::consts::PI);
        // atan2(1) -> TypeError: atan2 expected 2 arguments, got 1
        assert_eq!(
            err(atan2(&[fl(1.0)])),
            "TypeError: atan2 expected 2 arguments, got 1"
        );
        // fmod(1, 0) -> ValueError ; fmod(inf, 1) -> ValueError ; fmod(1, inf) == 1.0
        assert_eq!(
            err(fmod(&[fl(1.0), fl(0.0)])),
            "ValueError: math domain error"
        );
        assert_eq!(
            err(fmod(&[fl(f64::INFINITY), fl(1.0)])),
            "ValueError: math domain error"
        );
        assert_eq!(f(fmod(&[fl(1.0), fl(f64::INFINITY)])), 1.0);
        // fmod(-7, 3) == -1.0 ; fmod(-0.0, 1) == -0.0
        assert_eq!(f(fmod(&[fl(-7.0), fl(3.0)])), -1.0);
        assert!(f(fmod(&[fl(-0.0), fl(1.0)])).is_sign_negative());
        // copysign(1, -0.0) == -1.0 ; copysign(nan, -1) is nan
        assert_eq!(f(copysign(&[fl(1.0), fl(-0.0)])), -1.0);
        assert!(f(copysign(&[fl(f64::NAN), fl(-1.0)])).is_nan());
        // degrees(1e308) == inf ; radians(180) == pi
        assert_eq!(f(degrees(&[fl(1e308)])), f64::INFINITY);
        assert_eq!(f(radians(&[fl(180.0)])), std::f64::consts::PI);
    }

    #[test]
    fn hypot_cases() {
        let fl = Value::Float;
        // hypot() == 0.0 ; hypot(-3) == 3.0 ; hypot(3, 4) == 5.0
        assert_eq!(f(hypot(&[])), 0.0);
        assert_eq!(f(hypot(&[fl(-3.0)])), 3.0);
        assert_eq!(f(hypot(&[fl(3.0), fl(4.0)])), 5.0);
        // hypot(inf, nan) == inf ; hypot(1, nan) is nan
        assert_eq!(f(hypot(&[fl(f64::INFINITY), fl(f64::NAN)])), f64::INFINITY);
        assert!(f(hypot(&[fl(1.0), fl(f64::NAN)])).is_nan());
        // hypot(1e308, 1e308) == 1.4142135623730951e+308 ; hypot(5e-324, 5e-324) == 5e-324
        assert_eq!(f(hypot(&[fl(1e308), fl(1e308)])), 1.4142135623730951e308);
        assert_eq!(f(hypot(&[fl(5e-324), fl(5e-324)])), 5e-324);
        // hypot(1, 2, 3) == 3.7416573867739413
        assert_eq!(f(hypot(&[fl(1.0), fl(2.0), fl(3.0)])), 3.7416573867739413);
        // hypot(1j) -> TypeError
        assert_eq!(
            err(hypot(&[Value::Complex(Complex { re: 0.0, im: 1.0 })])),
            "TypeError: must be real number, not complex"
        );
    }
}
