//! The functions of `cmath` as CPython 3.11's Modules/cmathmodule.c
//! computes them: each returns C99 Annex G's value and the `errno` CPython
//! turns into an exception (`EDOM`: ValueError "math domain error",
//! `ERANGE`: OverflowError "math range error").
//!
//! A non-finite argument is answered from a 7x7 table indexed by the
//! [`special_type`] of its real and imaginary parts (`SPECIAL_VALUE`),
//! except where the answer's signs depend on `cos`/`sin` of a finite part.
//! Finite arguments follow cmathmodule.c's formulas step by step, with the
//! same libm functions (Rust's `f64` methods call the platform's `sin`,
//! `cos`, `exp`, `log`, `hypot`, `atan2`, `sinh`, `cosh`, `tanh`, `tan`;
//! `asinh`, `log1p` and `ldexp` come from the C declarations in `libm`),
//! so the bits agree with CPython's on the same machine.

use std::f64::consts::{E, LN_10, LN_2, PI};

use super::super::libm::{c_asinh, c_ldexp, m_log1p};
use crate::Complex;

/// C's `errno` after a function: which exception, if any, CPython raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Errno {
    /// No error: the value is the answer.
    Ok,
    /// `EDOM`: ValueError "math domain error".
    Dom,
    /// `ERANGE`: OverflowError "math range error".
    Range,
}

/// A result and its `errno`.
pub(super) type Out = (Complex, Errno);

fn c(re: f64, im: f64) -> Complex {
    Complex::new(re, im)
}

/// `CM_LARGE_DOUBLE`: above it, the inverse functions and `log` scale
/// their argument down to avoid a spurious overflow.
const LARGE: f64 = f64::MAX / 4.0;

/// `CM_SQRT_LARGE_DOUBLE`, computed by the same `sqrt` C uses.
fn sqrt_large() -> f64 {
    LARGE.sqrt()
}

/// `CM_LOG_LARGE_DOUBLE`: above it, `exp`, `cosh`, `sinh` and `tanh` of
/// the real part take a detour that avoids an intermediate overflow.
fn log_large() -> f64 {
    LARGE.ln()
}

/// `CM_SQRT_DBL_MIN`.
fn sqrt_dbl_min() -> f64 {
    f64::MIN_POSITIVE.sqrt()
}

/// `DBL_MANT_DIG`.
const MANT_DIG: i32 = 53;
/// `CM_SCALE_UP`: `2**CM_SCALE_UP` makes any subnormal normal.
const SCALE_UP: i32 = 2 * (MANT_DIG / 2) + 1;
/// `CM_SCALE_DOWN`.
const SCALE_DOWN: i32 = -(SCALE_UP + 1) / 2;

/// `special_type`'s classes, the tables' row and column indices.
const ST_NINF: usize = 0;
const ST_NEG: usize = 1;
const ST_NZERO: usize = 2;
const ST_PZERO: usize = 3;
const ST_POS: usize = 4;
const ST_PINF: usize = 5;
const ST_NAN: usize = 6;

/// The class of `d`: -inf, negative, -0.0, +0.0, positive, +inf, NaN.
fn special_type(d: f64) -> usize {
    if d.is_finite() {
        match (d != 0.0, d.is_sign_positive()) {
            (true, true) => ST_POS,
            (true, false) => ST_NEG,
            (false, true) => ST_PZERO,
            (false, false) => ST_NZERO,
        }
    } else if d.is_nan() {
        ST_NAN
    } else if d.is_sign_positive() {
        ST_PINF
    } else {
        ST_NINF
    }
}

/// A special-value table: `[special_type(re)][special_type(im)]`, each
/// entry `(re, im)`.
type Table = [[(f64, f64); 7]; 7];

/// `SPECIAL_VALUE`'s lookup.
fn lookup(table: &Table, z: Complex) -> Complex {
    let (re, im) = table[special_type(z.re)][special_type(z.im)];
    c(re, im)
}

fn finite(z: Complex) -> bool {
    z.re.is_finite() && z.im.is_finite()
}

const P: f64 = PI;
const P14: f64 = 0.25 * PI;
const P12: f64 = 0.5 * PI;
const P34: f64 = 0.75 * PI;
const INF: f64 = f64::INFINITY;
const N: f64 = f64::NAN;
/// cmathmodule.c's placeholder for the entries no argument reaches (both
/// parts finite).
const U: f64 = -9.542_631_940_771_103e33;

#[rustfmt::skip]
const ACOS: Table = [
    [(P34,INF), (P,INF),  (P,INF),   (P,-INF),   (P,-INF),  (P34,-INF), (N,INF)],
    [(P12,INF), (U,U),    (U,U),     (U,U),      (U,U),     (P12,-INF), (N,N)],
    [(P12,INF), (U,U),    (P12,0.),  (P12,-0.),  (U,U),     (P12,-INF), (P12,N)],
    [(P12,INF), (U,U),    (P12,0.),  (P12,-0.),  (U,U),     (P12,-INF), (P12,N)],
    [(P12,INF), (U,U),    (U,U),     (U,U),      (U,U),     (P12,-INF), (N,N)],
    [(P14,INF), (0.,INF), (0.,INF),  (0.,-INF),  (0.,-INF), (P14,-INF), (N,INF)],
    [(N,INF),   (N,N),    (N,N),     (N,N),      (N,N),     (N,-INF),   (N,N)],
];

#[rustfmt::skip]
const ACOSH: Table = [
    [(INF,-P34), (INF,-P),  (INF,-P),   (INF,P),   (INF,P),  (INF,P34), (INF,N)],
    [(INF,-P12), (U,U),     (U,U),      (U,U),     (U,U),    (INF,P12), (N,N)],
    [(INF,-P12), (U,U),     (0.,-P12),  (0.,P12),  (U,U),    (INF,P12), (N,N)],
    [(INF,-P12), (U,U),     (0.,-P12),  (0.,P12),  (U,U),    (INF,P12), (N,N)],
    [(INF,-P12), (U,U),     (U,U),      (U,U),     (U,U),    (INF,P12), (N,N)],
    [(INF,-P14), (INF,-0.), (INF,-0.),  (INF,0.),  (INF,0.), (INF,P14), (INF,N)],
    [(INF,N),    (N,N),     (N,N),      (N,N),     (N,N),    (INF,N),   (N,N)],
];

#[rustfmt::skip]
const ASINH: Table = [
    [(-INF,-P14), (-INF,-0.), (-INF,-0.), (-INF,0.), (-INF,0.), (-INF,P14), (-INF,N)],
    [(-INF,-P12), (U,U),      (U,U),      (U,U),     (U,U),     (-INF,P12), (N,N)],
    [(-INF,-P12), (U,U),      (-0.,-0.),  (-0.,0.),  (U,U),     (-INF,P12), (N,N)],
    [(INF,-P12),  (U,U),      (0.,-0.),   (0.,0.),   (U,U),     (INF,P12),  (N,N)],
    [(INF,-P12),  (U,U),      (U,U),      (U,U),     (U,U),     (INF,P12),  (N,N)],
    [(INF,-P14),  (INF,-0.),  (INF,-0.),  (INF,0.),  (INF,0.),  (INF,P14),  (INF,N)],
    [(INF,N),     (N,N),      (N,-0.),    (N,0.),    (N,N),     (INF,N),    (N,N)],
];

#[rustfmt::skip]
const ATANH: Table = [
    [(-0.,-P12), (-0.,-P12), (-0.,-P12), (-0.,P12), (-0.,P12), (-0.,P12), (-0.,N)],
    [(-0.,-P12), (U,U),      (U,U),      (U,U),     (U,U),     (-0.,P12), (N,N)],
    [(-0.,-P12), (U,U),      (-0.,-0.),  (-0.,0.),  (U,U),     (-0.,P12), (-0.,N)],
    [(0.,-P12),  (U,U),      (0.,-0.),   (0.,0.),   (U,U),     (0.,P12),  (0.,N)],
    [(0.,-P12),  (U,U),      (U,U),      (U,U),     (U,U),     (0.,P12),  (N,N)],
    [(0.,-P12),  (0.,-P12),  (0.,-P12),  (0.,P12),  (0.,P12),  (0.,P12),  (0.,N)],
    [(0.,-P12),  (N,N),      (N,N),      (N,N),     (N,N),     (0.,P12),  (N,N)],
];

#[rustfmt::skip]
const COSH: Table = [
    [(INF,N), (U,U), (INF,0.),  (INF,-0.), (U,U), (INF,N), (INF,N)],
    [(N,N),   (U,U), (U,U),     (U,U),     (U,U), (N,N),   (N,N)],
    [(N,0.),  (U,U), (1.,0.),   (1.,-0.),  (U,U), (N,0.),  (N,0.)],
    [(N,0.),  (U,U), (1.,-0.),  (1.,0.),   (U,U), (N,0.),  (N,0.)],
    [(N,N),   (U,U), (U,U),     (U,U),     (U,U), (N,N),   (N,N)],
    [(INF,N), (U,U), (INF,-0.), (INF,0.),  (U,U), (INF,N), (INF,N)],
    [(N,N),   (N,N), (N,0.),    (N,0.),    (N,N), (N,N),   (N,N)],
];

#[rustfmt::skip]
const EXP: Table = [
    [(0.,0.), (U,U), (0.,-0.),  (0.,0.),  (U,U), (0.,0.), (0.,0.)],
    [(N,N),   (U,U), (U,U),     (U,U),    (U,U), (N,N),   (N,N)],
    [(N,N),   (U,U), (1.,-0.),  (1.,0.),  (U,U), (N,N),   (N,N)],
    [(N,N),   (U,U), (1.,-0.),  (1.,0.),  (U,U), (N,N),   (N,N)],
    [(N,N),   (U,U), (U,U),     (U,U),    (U,U), (N,N),   (N,N)],
    [(INF,N), (U,U), (INF,-0.), (INF,0.), (U,U), (INF,N), (INF,N)],
    [(N,N),   (N,N), (N,-0.),   (N,0.),   (N,N), (N,N),   (N,N)],
];

#[rustfmt::skip]
const LOG: Table = [
    [(INF,-P34), (INF,-P),  (INF,-P),   (INF,P),   (INF,P),  (INF,P34), (INF,N)],
    [(INF,-P12), (U,U),     (U,U),      (U,U),     (U,U),    (INF,P12), (N,N)],
    [(INF,-P12), (U,U),     (-INF,-P),  (-INF,P),  (U,U),    (INF,P12), (N,N)],
    [(INF,-P12), (U,U),     (-INF,-0.), (-INF,0.), (U,U),    (INF,P12), (N,N)],
    [(INF,-P12), (U,U),     (U,U),      (U,U),     (U,U),    (INF,P12), (N,N)],
    [(INF,-P14), (INF,-0.), (INF,-0.),  (INF,0.),  (INF,0.), (INF,P14), (INF,N)],
    [(INF,N),    (N,N),     (N,N),      (N,N),     (N,N),    (INF,N),   (N,N)],
];

#[rustfmt::skip]
const SINH: Table = [
    [(INF,N), (U,U), (-INF,-0.), (-INF,0.), (U,U), (INF,N), (INF,N)],
    [(N,N),   (U,U), (U,U),      (U,U),     (U,U), (N,N),   (N,N)],
    [(0.,N),  (U,U), (-0.,-0.),  (-0.,0.),  (U,U), (0.,N),  (0.,N)],
    [(0.,N),  (U,U), (0.,-0.),   (0.,0.),   (U,U), (0.,N),  (0.,N)],
    [(N,N),   (U,U), (U,U),      (U,U),     (U,U), (N,N),   (N,N)],
    [(INF,N), (U,U), (INF,-0.),  (INF,0.),  (U,U), (INF,N), (INF,N)],
    [(N,N),   (N,N), (N,-0.),    (N,0.),    (N,N), (N,N),   (N,N)],
];

#[rustfmt::skip]
const SQRT: Table = [
    [(INF,-INF), (0.,-INF), (0.,-INF), (0.,INF), (0.,INF), (INF,INF), (N,INF)],
    [(INF,-INF), (U,U),     (U,U),     (U,U),    (U,U),    (INF,INF), (N,N)],
    [(INF,-INF), (U,U),     (0.,-0.),  (0.,0.),  (U,U),    (INF,INF), (N,N)],
    [(INF,-INF), (U,U),     (0.,-0.),  (0.,0.),  (U,U),    (INF,INF), (N,N)],
    [(INF,-INF), (U,U),     (U,U),     (U,U),    (U,U),    (INF,INF), (N,N)],
    [(INF,-INF), (INF,-0.), (INF,-0.), (INF,0.), (INF,0.), (INF,INF), (INF,N)],
    [(INF,-INF), (N,N),     (N,N),     (N,N),    (N,N),    (INF,INF), (N,N)],
];

#[rustfmt::skip]
const TANH: Table = [
    [(-1.,0.), (U,U), (-1.,-0.), (-1.,0.), (U,U), (-1.,0.), (-1.,0.)],
    [(N,N),    (U,U), (U,U),     (U,U),    (U,U), (N,N),    (N,N)],
    [(N,N),    (U,U), (-0.,-0.), (-0.,0.), (U,U), (N,N),    (N,N)],
    [(N,N),    (U,U), (0.,-0.),  (0.,0.),  (U,U), (N,N),    (N,N)],
    [(N,N),    (U,U), (U,U),     (U,U),    (U,U), (N,N),    (N,N)],
    [(1.,0.),  (U,U), (1.,-0.),  (1.,0.),  (U,U), (1.,0.),  (1.,0.)],
    [(N,N),    (N,N), (N,-0.),   (N,0.),   (N,N), (N,N),    (N,N)],
];

#[rustfmt::skip]
const RECT: Table = [
    [(INF,N), (U,U), (-INF,0.), (-INF,-0.), (U,U), (INF,N), (INF,N)],
    [(N,N),   (U,U), (U,U),     (U,U),      (U,U), (N,N),   (N,N)],
    [(0.,0.), (U,U), (-0.,0.),  (-0.,-0.),  (U,U), (0.,0.), (0.,0.)],
    [(0.,0.), (U,U), (0.,-0.),  (0.,0.),    (U,U), (0.,0.), (0.,0.)],
    [(N,N),   (U,U), (U,U),     (U,U),      (U,U), (N,N),   (N,N)],
    [(INF,N), (U,U), (INF,-0.), (INF,0.),   (U,U), (INF,N), (INF,N)],
    [(N,N),   (N,N), (N,0.),    (N,0.),     (N,N), (N,N),   (N,N)],
];

/// `i*z`'s parts rearranged: the argument `(-im, re)` through which `asin`,
/// `atan`, `cos`, `sin` and `tan` reach their hyperbolic sibling.
fn times_i(z: Complex) -> Complex {
    c(-z.im, z.re)
}

/// `-i*s`: the way back from the hyperbolic sibling's answer.
fn times_minus_i((s, errno): Out) -> Out {
    (c(s.im, -s.re), errno)
}

/// `log(hypot(x/2, y/2)) + 2*ln 2`: `log|z| + ln 2` for a huge `z`,
/// without overflow (the inverse functions' asymptote).
fn log_half_hypot(z: Complex) -> f64 {
    (z.re / 2.0).hypot(z.im / 2.0).ln() + LN_2 * 2.0
}

/// `cmath_acos_impl`.
pub(super) fn acos(z: Complex) -> Out {
    if !finite(z) {
        return (lookup(&ACOS, z), Errno::Ok);
    }
    let r = if z.re.abs() > LARGE || z.im.abs() > LARGE {
        let re = z.im.abs().atan2(z.re);
        // Split as CPython splits it for systems with unsigned zeros.
        let im = if z.re < 0.0 {
            -log_half_hypot(z).copysign(z.im)
        } else {
            log_half_hypot(z).copysign(-z.im)
        };
        c(re, im)
    } else {
        let s1 = sqrt(c(1.0 - z.re, -z.im)).0;
        let s2 = sqrt(c(1.0 + z.re, z.im)).0;
        c(
            2.0 * s1.re.atan2(s2.re),
            c_asinh(s2.re * s1.im - s2.im * s1.re),
        )
    };
    (r, Errno::Ok)
}

/// `cmath_acosh_impl`.
pub(super) fn acosh(z: Complex) -> Out {
    if !finite(z) {
        return (lookup(&ACOSH, z), Errno::Ok);
    }
    let r = if z.re.abs() > LARGE || z.im.abs() > LARGE {
        c(log_half_hypot(z), z.im.atan2(z.re))
    } else {
        let s1 = sqrt(c(z.re - 1.0, z.im)).0;
        let s2 = sqrt(c(z.re + 1.0, z.im)).0;
        c(
            c_asinh(s1.re * s2.re + s1.im * s2.im),
            2.0 * s1.im.atan2(s2.re),
        )
    };
    (r, Errno::Ok)
}

/// `cmath_asin_impl`: `asin(z) = -i asinh(iz)`.
pub(super) fn asin(z: Complex) -> Out {
    times_minus_i(asinh(times_i(z)))
}

/// `cmath_asinh_impl`.
pub(super) fn asinh(z: Complex) -> Out {
    if !finite(z) {
        return (lookup(&ASINH, z), Errno::Ok);
    }
    let r = if z.re.abs() > LARGE || z.im.abs() > LARGE {
        let re = if z.im >= 0.0 {
            log_half_hypot(z).copysign(z.re)
        } else {
            -log_half_hypot(z).copysign(-z.re)
        };
        c(re, z.im.atan2(z.re.abs()))
    } else {
        let s1 = sqrt(c(1.0 + z.im, -z.re)).0;
        let s2 = sqrt(c(1.0 - z.im, z.re)).0;
        c(
            c_asinh(s1.re * s2.im - s2.re * s1.im),
            z.im.atan2(s1.re * s2.re - s1.im * s2.im),
        )
    };
    (r, Errno::Ok)
}

/// `cmath_atan_impl`: `atan(z) = -i atanh(iz)`.
pub(super) fn atan(z: Complex) -> Out {
    times_minus_i(atanh(times_i(z)))
}

/// `cmath_atanh_impl`.
pub(super) fn atanh(z: Complex) -> Out {
    if !finite(z) {
        return (lookup(&ATANH, z), Errno::Ok);
    }
    // atanh(z) = -atanh(-z): reduce to a nonnegative real part.
    if z.re < 0.0 {
        let (r, errno) = atanh(c(-z.re, -z.im));
        return (c(-r.re, -r.im), errno);
    }
    let ay = z.im.abs();
    if z.re > sqrt_large() || ay > sqrt_large() {
        // |z| large: atanh(z) ~ 1/z +/- i*pi/2.
        let h = (z.re / 2.0).hypot(z.im / 2.0);
        let re = z.re / 4.0 / h / h;
        return (c(re, -(PI / 2.0).copysign(-z.im)), Errno::Ok);
    }
    if z.re == 1.0 && ay < sqrt_dbl_min() {
        // C99: atanh(1 +/- 0i) is inf +/- 0i, a pole.
        if ay == 0.0 {
            return (c(INF, z.im), Errno::Dom);
        }
        let re = -(ay.sqrt() / ay.hypot(2.0).sqrt()).ln();
        let im = (2.0f64.atan2(-ay) / 2.0).copysign(z.im);
        return (c(re, im), Errno::Ok);
    }
    let one_minus = 1.0 - z.re;
    let re = m_log1p(4.0 * z.re / (one_minus * one_minus + ay * ay)) / 4.0;
    let im = -(-2.0 * z.im).atan2(one_minus * (1.0 + z.re) - ay * ay) / 2.0;
    (c(re, im), Errno::Ok)
}

/// `cmath_cos_impl`: `cos(z) = cosh(iz)`.
pub(super) fn cos(z: Complex) -> Out {
    cosh(times_i(z))
}

/// `errno` for an infinite result of a finite argument: `ERANGE`.
fn overflowed(r: Complex) -> Errno {
    if r.re.is_infinite() || r.im.is_infinite() {
        Errno::Range
    } else {
        Errno::Ok
    }
}

/// `EDOM` when `dom`.
fn dom_if(dom: bool) -> Errno {
    if dom {
        Errno::Dom
    } else {
        Errno::Ok
    }
}

/// Whether `z` is `+/-inf + iy` with `y` finite and nonzero: the special
/// values whose signs come from `cos(y)` and `sin(y)`.
fn inf_with_angle(x: f64, y: f64) -> bool {
    x.is_infinite() && y.is_finite() && y != 0.0
}

/// `cmath_cosh_impl`.
pub(super) fn cosh(z: Complex) -> Out {
    if !finite(z) {
        let r = if inf_with_angle(z.re, z.im) {
            let re = INF.copysign(z.im.cos());
            let im = INF.copysign(z.im.sin());
            c(re, if z.re > 0.0 { im } else { -im })
        } else {
            lookup(&COSH, z)
        };
        return (r, dom_if(z.im.is_infinite() && !z.re.is_nan()));
    }
    let r = if z.re.abs() > log_large() {
        // cosh(z.re) overflows where cosh(z) need not.
        let x_minus_one = z.re - 1.0f64.copysign(z.re);
        c(
            z.im.cos() * x_minus_one.cosh() * E,
            z.im.sin() * x_minus_one.sinh() * E,
        )
    } else {
        c(z.im.cos() * z.re.cosh(), z.im.sin() * z.re.sinh())
    };
    (r, overflowed(r))
}

/// `cmath_exp_impl`.
pub(super) fn exp(z: Complex) -> Out {
    if !finite(z) {
        let r = if inf_with_angle(z.re, z.im) {
            if z.re > 0.0 {
                c(INF.copysign(z.im.cos()), INF.copysign(z.im.sin()))
            } else {
                c(0.0f64.copysign(z.im.cos()), 0.0f64.copysign(z.im.sin()))
            }
        } else {
            lookup(&EXP, z)
        };
        let dom = z.im.is_infinite() && (z.re.is_finite() || z.re == INF);
        return (r, dom_if(dom));
    }
    let r = if z.re > log_large() {
        let l = (z.re - 1.0).exp();
        c(l * z.im.cos() * E, l * z.im.sin() * E)
    } else {
        let l = z.re.exp();
        c(l * z.im.cos(), l * z.im.sin())
    };
    (r, overflowed(r))
}

/// `c_log`: the natural logarithm, with `log1p` near `|z| = 1` and
/// rescaling for subnormal and huge moduli.
pub(super) fn log(z: Complex) -> Out {
    if !finite(z) {
        return (lookup(&LOG, z), Errno::Ok);
    }
    let ax = z.re.abs();
    let ay = z.im.abs();
    let re = if ax > LARGE || ay > LARGE {
        (ax / 2.0).hypot(ay / 2.0).ln() + LN_2
    } else if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        if ax > 0.0 || ay > 0.0 {
            // hypot(ax, ay) would be subnormal.
            let h = c_ldexp(ax, MANT_DIG).hypot(c_ldexp(ay, MANT_DIG));
            h.ln() - f64::from(MANT_DIG) * LN_2
        } else {
            // log(+/-0 +/- 0i): a pole.
            return (c(-INF, z.im.atan2(z.re)), Errno::Dom);
        }
    } else {
        let h = ax.hypot(ay);
        if (0.71..=1.73).contains(&h) {
            let (am, an) = if ax > ay { (ax, ay) } else { (ay, ax) };
            m_log1p((am - 1.0) * (am + 1.0) + an * an) / 2.0
        } else {
            h.ln()
        }
    };
    (c(re, z.im.atan2(z.re)), Errno::Ok)
}

/// `cmath_log10_impl`: `c_log` divided by `ln 10`.
pub(super) fn log10(z: Complex) -> Out {
    let (r, errno) = log(z);
    (c(r.re / LN_10, r.im / LN_10), errno)
}

/// `cmath_sin_impl`: `sin(z) = -i sinh(iz)`.
pub(super) fn sin(z: Complex) -> Out {
    times_minus_i(sinh(times_i(z)))
}

/// `cmath_sinh_impl`.
pub(super) fn sinh(z: Complex) -> Out {
    if !finite(z) {
        let r = if inf_with_angle(z.re, z.im) {
            let re = INF.copysign(z.im.cos());
            let im = INF.copysign(z.im.sin());
            c(if z.re > 0.0 { re } else { -re }, im)
        } else {
            lookup(&SINH, z)
        };
        return (r, dom_if(z.im.is_infinite() && !z.re.is_nan()));
    }
    let r = if z.re.abs() > log_large() {
        let x_minus_one = z.re - 1.0f64.copysign(z.re);
        c(
            z.im.cos() * x_minus_one.sinh() * E,
            z.im.sin() * x_minus_one.cosh() * E,
        )
    } else {
        c(z.im.cos() * z.re.sinh(), z.im.sin() * z.re.cosh())
    };
    (r, overflowed(r))
}

/// `cmath_sqrt_impl`: `s = sqrt((x + hypot(x, y))/2)` on the absolute
/// parts, computed as `2*sqrt(x/8 + hypot(x/8, y/8))` against overflow,
/// and through a power of 2 when both parts are subnormal.
pub(super) fn sqrt(z: Complex) -> Out {
    if !finite(z) {
        return (lookup(&SQRT, z), Errno::Ok);
    }
    if z.re == 0.0 && z.im == 0.0 {
        return (c(0.0, z.im), Errno::Ok);
    }
    let ax = z.re.abs();
    let ay = z.im.abs();
    let s = if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        let ax = c_ldexp(ax, SCALE_UP);
        c_ldexp((ax + ax.hypot(c_ldexp(ay, SCALE_UP))).sqrt(), SCALE_DOWN)
    } else {
        let ax = ax / 8.0;
        2.0 * (ax + ax.hypot(ay / 8.0)).sqrt()
    };
    let d = ay / (2.0 * s);
    let r = if z.re >= 0.0 {
        c(s, d.copysign(z.im))
    } else {
        c(d, s.copysign(z.im))
    };
    (r, Errno::Ok)
}

/// `cmath_tan_impl`: `tan(z) = -i tanh(iz)`.
pub(super) fn tan(z: Complex) -> Out {
    times_minus_i(tanh(times_i(z)))
}

/// `cmath_tanh_impl`: `(tanh(x)(1+tan(y)^2) + i tan(y)(1-tanh(x)^2)) /
/// (1 + tan(y)^2 tanh(x)^2)`, with `1-tanh(x)^2` as `1/cosh(x)^2`, or
/// `4 exp(-2|x|)` where `cosh(x)` would overflow.
pub(super) fn tanh(z: Complex) -> Out {
    if !finite(z) {
        let r = if inf_with_angle(z.re, z.im) {
            let im = 0.0f64.copysign(2.0 * z.im.sin() * z.im.cos());
            c(if z.re > 0.0 { 1.0 } else { -1.0 }, im)
        } else {
            lookup(&TANH, z)
        };
        return (r, dom_if(z.im.is_infinite() && z.re.is_finite()));
    }
    let r = if z.re.abs() > log_large() {
        c(
            1.0f64.copysign(z.re),
            4.0 * z.im.sin() * z.im.cos() * (-2.0 * z.re.abs()).exp(),
        )
    } else {
        let tx = z.re.tanh();
        let ty = z.im.tan();
        let cx = 1.0 / z.re.cosh();
        let txty = tx * ty;
        let denom = 1.0 + txty * txty;
        c(tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx)
    };
    (r, Errno::Ok)
}

/// `cmath_rect_impl`: `r * (cos(phi) + i sin(phi))`, with "spirit of C99"
/// special values (`rect(x, t)` as `exp(log(x) + it)`).
pub(super) fn rect(r: f64, phi: f64) -> Out {
    if !r.is_finite() || !phi.is_finite() {
        let z = if inf_with_angle(r, phi) {
            let re = INF.copysign(phi.cos());
            let im = INF.copysign(phi.sin());
            if r > 0.0 {
                c(re, im)
            } else {
                c(-re, -im)
            }
        } else {
            lookup(&RECT, c(r, phi))
        };
        return (z, dom_if(r != 0.0 && !r.is_nan() && phi.is_infinite()));
    }
    if phi == 0.0 {
        // CPython's workaround for a libm's sin(-0.0): `r * phi` keeps the
        // sign of a zero angle.
        return (c(r, r * phi), Errno::Ok);
    }
    (c(r * phi.cos(), r * phi.sin()), Errno::Ok)
}
