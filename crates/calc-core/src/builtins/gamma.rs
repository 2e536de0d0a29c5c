//! `gamma` and `lgamma`: CPython 3.11's own implementations
//! (`m_tgamma`, `m_lgamma` in Modules/mathmodule.c), not the platform's
//! `tgamma`/`lgamma`. Lanczos' approximation with N = 13 and
//! g = 6.024680040776729583740234375 for positive arguments, the
//! reflection formula for negative ones; the libm calls inside (`exp`,
//! `pow`, `log`, `sin`, `cos`) are the platform's, through Rust's `f64`
//! methods, as CPython's are.
//!
//! Errors follow `math_1a`: the functions report a C `errno` of their own,
//! `EDOM` (a pole or a negative integer) is `ValueError: math domain
//! error`, `ERANGE` (overflow) is `OverflowError: math range error`.

use crate::{EvalError, Value};

use super::args::{one, real};

const PI: f64 = std::f64::consts::PI;
// CPython's `logpi`, written as CPython writes it: the compiler rounds it.
#[allow(clippy::excessive_precision)]
const LOG_PI: f64 = 1.144729885849400174143427351353058711647;

const LANCZOS_N: usize = 13;
// Exact binary fractions, written out in full as CPython writes them.
#[allow(clippy::excessive_precision)]
const LANCZOS_G: f64 = 6.024680040776729583740234375;
#[allow(clippy::excessive_precision)]
const LANCZOS_G_MINUS_HALF: f64 = 5.524680040776729583740234375;

// The numerator coefficients as CPython writes them (many more digits than
// a double holds; the compiler rounds each, as C's does).
#[allow(clippy::excessive_precision)]
const LANCZOS_NUM_COEFFS: [f64; LANCZOS_N] = [
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
];

/// The denominator `x*(x+1)*...*(x+LANCZOS_N-2)` as coefficients.
const LANCZOS_DEN_COEFFS: [f64; LANCZOS_N] = [
    0.0,
    39916800.0,
    120543840.0,
    150917976.0,
    105258076.0,
    45995730.0,
    13339535.0,
    2637558.0,
    357423.0,
    32670.0,
    1925.0,
    66.0,
    1.0,
];

/// `gamma(n)` for the integers 1 to 23, exact.
const GAMMA_INTEGRAL: [f64; 23] = [
    1.0,
    1.0,
    2.0,
    6.0,
    24.0,
    120.0,
    720.0,
    5040.0,
    40320.0,
    362880.0,
    3628800.0,
    39916800.0,
    479001600.0,
    6227020800.0,
    87178291200.0,
    1307674368000.0,
    20922789888000.0,
    355687428096000.0,
    6402373705728000.0,
    121645100408832000.0,
    2432902008176640000.0,
    51090942171709440000.0,
    1124000727777607680000.0,
];

/// The C `errno` a computation reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Errno {
    Ok,
    /// Invalid argument or a pole.
    Dom,
    /// Overflow.
    Range,
}

/// `math_1a`'s `is_error`: `EDOM` is a domain error; `ERANGE` is a range
/// error unless the result is below 1.5 in magnitude (an underflow).
fn math_1a(qualname: &str, args: &[Value], f: fn(f64) -> (f64, Errno)) -> Result<Value, EvalError> {
    let x = real(one(qualname, args)?)?;
    let (r, errno) = f(x);
    match errno {
        Errno::Dom => Err(EvalError::value("math domain error")),
        Errno::Range if r.abs() >= 1.5 => Err(EvalError::overflow("math range error")),
        _ => Ok(Value::Float(r)),
    }
}

/// `math.gamma(x)`.
pub(super) fn gamma(args: &[Value]) -> Result<Value, EvalError> {
    math_1a("math.gamma", args, m_tgamma)
}

/// `math.lgamma(x)`.
pub(super) fn lgamma(args: &[Value]) -> Result<Value, EvalError> {
    math_1a("math.lgamma", args, m_lgamma)
}

/// `gamma(x)` as a float function: where [`super::call`] raises, the
/// result is a NaN from a non-NaN or an infinity from a finite `x`.
pub(super) fn gamma_value(x: f64) -> f64 {
    m_tgamma(x).0
}

/// `lgamma(x)` as a float function, as [`gamma_value`].
pub(super) fn lgamma_value(x: f64) -> f64 {
    m_lgamma(x).0
}

/// `sin(pi * x)` for a finite `x`, accurate also for `x` near an integer.
fn m_sinpi(x: f64) -> f64 {
    let y = x.abs() % 2.0;
    // 0 <= 2y <= 4, so the cast is exact; C's `round` is half away from
    // zero, as Rust's.
    let n = (2.0 * y).round() as i32;
    let r = match n {
        0 => (PI * y).sin(),
        1 => (PI * (y - 0.5)).cos(),
        // -sin(pi*(y-1.0)) would give -0.0 instead of 0.0 at y == 1.0.
        2 => (PI * (1.0 - y)).sin(),
        3 => -(PI * (y - 1.5)).cos(),
        _ => (PI * (y - 2.0)).sin(),
    };
    1.0f64.copysign(x) * r
}

/// Lanczos' sum `L_g(x)` for a positive `x`, as a rational function;
/// from 5 on, in `1/x` so that it cannot overflow.
fn lanczos_sum(x: f64) -> f64 {
    let mut num = 0.0;
    let mut den = 0.0;
    if x < 5.0 {
        for i in (0..LANCZOS_N).rev() {
            num = num * x + LANCZOS_NUM_COEFFS[i];
            den = den * x + LANCZOS_DEN_COEFFS[i];
        }
    } else {
        for i in 0..LANCZOS_N {
            num = num / x + LANCZOS_NUM_COEFFS[i];
            den = den / x + LANCZOS_DEN_COEFFS[i];
        }
    }
    num / den
}

/// CPython's `m_tgamma`.
fn m_tgamma(x: f64) -> (f64, Errno) {
    if !x.is_finite() {
        if x.is_nan() || x > 0.0 {
            return (x, Errno::Ok); // gamma(nan) = nan, gamma(inf) = inf
        }
        return (f64::NAN, Errno::Dom); // gamma(-inf) = nan, invalid
    }
    if x == 0.0 {
        // gamma(+-0.0) = +-inf, divide-by-zero
        return (f64::INFINITY.copysign(x), Errno::Dom);
    }
    if x == x.floor() {
        if x < 0.0 {
            return (f64::NAN, Errno::Dom); // a negative integer: invalid
        }
        if x <= GAMMA_INTEGRAL.len() as f64 {
            return (GAMMA_INTEGRAL[x as usize - 1], Errno::Ok);
        }
    }
    let absx = x.abs();
    // Tiny arguments: gamma(x) ~ 1/x for x near 0.
    if absx < 1e-20 {
        let r = 1.0 / x;
        let errno = if r.is_infinite() {
            Errno::Range
        } else {
            Errno::Ok
        };
        return (r, errno);
    }
    // gamma(x) overflows for x > 200 and underflows to +-0.0 for x < -200
    // (not a negative integer).
    if absx > 200.0 {
        if x < 0.0 {
            return (0.0 / m_sinpi(x), Errno::Ok);
        }
        return (f64::INFINITY, Errno::Range);
    }
    let y = absx + LANCZOS_G_MINUS_HALF;
    // The error in computing y, for a correction factor.
    let z = if absx > LANCZOS_G_MINUS_HALF {
        let q = y - absx;
        q - LANCZOS_G_MINUS_HALF
    } else {
        let q = y - LANCZOS_G_MINUS_HALF;
        q - absx
    };
    let z = z * LANCZOS_G / y;
    let mut r;
    if x < 0.0 {
        r = -PI / m_sinpi(absx) / absx * y.exp() / lanczos_sum(absx);
        r -= z * r;
        if absx < 140.0 {
            r /= y.powf(absx - 0.5);
        } else {
            let sqrtpow = y.powf(absx / 2.0 - 0.25);
            r /= sqrtpow;
            r /= sqrtpow;
        }
    } else {
        r = lanczos_sum(absx) / y.exp();
        r += z * r;
        if absx < 140.0 {
            r *= y.powf(absx - 0.5);
        } else {
            let sqrtpow = y.powf(absx / 2.0 - 0.25);
            r *= sqrtpow;
            r *= sqrtpow;
        }
    }
    let errno = if r.is_infinite() {
        Errno::Range
    } else {
        Errno::Ok
    };
    (r, errno)
}

/// CPython's `m_lgamma`: the natural log of `|gamma(x)|`.
fn m_lgamma(x: f64) -> (f64, Errno) {
    if !x.is_finite() {
        if x.is_nan() {
            return (x, Errno::Ok); // lgamma(nan) = nan
        }
        return (f64::INFINITY, Errno::Ok); // lgamma(+-inf) = +inf
    }
    if x == x.floor() && x <= 2.0 {
        if x <= 0.0 {
            // lgamma(n) = inf, divide-by-zero, for integers n <= 0
            return (f64::INFINITY, Errno::Dom);
        }
        return (0.0, Errno::Ok); // lgamma(1) = lgamma(2) = 0.0
    }
    let absx = x.abs();
    // Tiny arguments: lgamma(x) ~ -log(|x|) for x near 0.
    if absx < 1e-20 {
        return (-absx.ln(), Errno::Ok);
    }
    let mut r = lanczos_sum(absx).ln() - LANCZOS_G;
    r += (absx - 0.5) * ((absx + LANCZOS_G - 0.5).ln() - 1.0);
    if x < 0.0 {
        // The reflection formula for negative x.
        r = LOG_PI - m_sinpi(absx).abs().ln() - absx.ln() - r;
    }
    let errno = if r.is_infinite() {
        Errno::Range
    } else {
        Errno::Ok
    };
    (r, errno)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::IntRepr;
    use crate::Int;

    fn run(f: fn(&[Value]) -> Result<Value, EvalError>, x: f64) -> String {
        match f(&[Value::Float(x)]) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn gamma_values_and_errors() {
        // Each value is python3's math.gamma(x).
        assert_eq!(run(gamma, 0.5), "1.7724538509055159");
        assert_eq!(run(gamma, 5.0), "24.0");
        assert_eq!(run(gamma, 23.0), "1.1240007277776077e+21");
        assert_eq!(run(gamma, 24.0), "2.585201673888497e+22");
        assert_eq!(run(gamma, -0.5), "-3.544907701811032");
        assert_eq!(run(gamma, 171.5), "9.483367566824801e+307");
        assert_eq!(run(gamma, 150.5), "4.661072627097377e+261");
        assert_eq!(run(gamma, -150.5), "-4.478447658150641e-264");
        assert_eq!(run(gamma, -200.5), "-0.0");
        assert_eq!(run(gamma, 1e-300), "9.999999999999999e+299");
        assert_eq!(run(gamma, f64::INFINITY), "inf");
        assert_eq!(run(gamma, f64::NAN), "nan");
        for bad in [0.0, -0.0, -1.0, -1e300, f64::NEG_INFINITY] {
            assert_eq!(run(gamma, bad), "ValueError: math domain error", "{bad}");
        }
        for big in [171.7, 201.0, 1e300, 5e-324] {
            assert_eq!(run(gamma, big), "OverflowError: math range error", "{big}");
        }
        // gamma(True) == 1.0 ; gamma(1j) -> TypeError ; gamma() -> TypeError
        assert_eq!(gamma(&[Value::Bool(true)]), Ok(Value::Float(1.0)));
        assert_eq!(
            gamma(&[Value::Int(Int(IntRepr::Small(3))), Value::Float(1.0)])
                .unwrap_err()
                .to_string(),
            "TypeError: math.gamma() takes exactly one argument (2 given)"
        );
    }

    #[test]
    fn lgamma_values_and_errors() {
        // Each value is python3's math.lgamma(x).
        assert_eq!(run(lgamma, 0.5), "0.5723649429247004");
        assert_eq!(run(lgamma, 1.0), "0.0");
        assert_eq!(run(lgamma, 2.0), "0.0");
        assert_eq!(run(lgamma, 3.0), "0.693147180559945");
        assert_eq!(run(lgamma, -0.5), "1.265512123484645");
        assert_eq!(run(lgamma, 1e300), "6.897755278982137e+302");
        assert_eq!(run(lgamma, 1e-300), "690.7755278982137");
        assert_eq!(run(lgamma, -2.5e-5), "10.596649164001747");
        assert_eq!(run(lgamma, f64::NEG_INFINITY), "inf");
        for bad in [0.0, -0.0, -1.0, -1e300] {
            assert_eq!(run(lgamma, bad), "ValueError: math domain error", "{bad}");
        }
        assert_eq!(run(lgamma, 1e308), "OverflowError: math range error");
    }
}
