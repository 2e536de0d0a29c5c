//! Float arithmetic with CPython's rules (Objects/floatobject.c): `/`, `//`,
//! `%` with their signed zeros, `**` with its special cases, and
//! the exact comparison of a float with an int (`float_richcompare`).
//!
//! `-` is a plain IEEE operation (overflow gives `inf` silently, as in
//! Python) and needs no helper; `+` and `*` are too, but for the sign of a
//! NaN made of two NaNs ([`add`], [`mul`]).

use crate::value::IntRepr;
use std::cmp::Ordering;

use crate::num::complex;
use crate::{Complex, EvalError, Int, Value};

/// `a + b` as CPython's `float_add` gives it. When both are NaNs the result
/// is `b`'s NaN: SSE's `addsd` returns its first operand's NaN, and GCC
/// compiles CPython 3.11's `a + b` with the operands commuted (observed:
/// `copysign(1, -nan + nan)` is `1.0`, `copysign(1, nan + -nan)` is
/// `-1.0`). Only `copysign` can tell. With one NaN, it is that NaN.
#[inline(always)]
pub(crate) fn add(a: f64, b: f64) -> f64 {
    let r = a + b;
    if r.is_nan() && b.is_nan() {
        b
    } else {
        r
    }
}

/// `a * b` as CPython's `float_mul` gives it: as [`add`], `b`'s NaN when
/// both are NaNs (`copysign(1, -nan * nan)` is `1.0`).
#[inline(always)]
pub(crate) fn mul(a: f64, b: f64) -> f64 {
    let r = a * b;
    if r.is_nan() && b.is_nan() {
        b
    } else {
        r
    }
}

/// `a / b` (`float_div`).
pub(crate) fn div(a: f64, b: f64) -> Result<f64, EvalError> {
    if b == 0.0 {
        return Err(EvalError::zero_division("float division by zero"));
    }
    Ok(a / b)
}

/// `a // b` (`float_floor_div`).
pub(crate) fn floor_div(a: f64, b: f64) -> Result<f64, EvalError> {
    if b == 0.0 {
        return Err(EvalError::zero_division("float floor division by zero"));
    }
    Ok(div_mod(a, b).0)
}

/// `a % b` (`float_rem`): the result takes the sign of `b`.
pub(crate) fn modulo(a: f64, b: f64) -> Result<f64, EvalError> {
    if b == 0.0 {
        return Err(EvalError::zero_division("float modulo"));
    }
    // Rust's `%` on f64 is C's fmod: exact.
    let m = a % b;
    Ok(if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m + b
        } else {
            m
        }
    } else {
        0.0f64.copysign(b)
    })
}

/// CPython's `_float_div_mod`: floor quotient and remainder, with the
/// quotient rounded to the nearest integer when `fmod`'s error would
/// otherwise show.
fn div_mod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut d = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            d -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let q = if d != 0.0 {
        let mut q = d.floor();
        if d - q > 0.5 {
            q += 1.0;
        }
        q
    } else {
        0.0f64.copysign(vx / wx)
    };
    (q, m)
}

/// C's `DOUBLE_IS_ODD_INTEGER`.
fn is_odd_integer(x: f64) -> bool {
    (x.abs() % 2.0) == 1.0
}

/// `v ** w` for floats (`float_pow`); a negative base with a non-integer
/// exponent gives a complex result, as in Python 3.
pub(crate) fn pow(iv: f64, iw: f64) -> Result<Value, EvalError> {
    pow_real(iv, iw).map(|r| match r {
        Pow::Real(x) => Value::Float(x),
        Pow::Complex(c) => Value::Complex(c),
    })
}

/// The result of a float power.
pub(crate) enum Pow {
    /// The usual case.
    Real(f64),
    /// A negative base raised to a non-integer power.
    Complex(Complex),
}

/// [`pow`], its usual result a bare float.
///
/// Inline up to the commonest power, a square ([`square`] vouches for
/// most; `float_pow`'s special cases cannot apply to those), so that every
/// path's `x ** 2` costs about a multiplication.
#[inline]
pub(crate) fn pow_real(iv: f64, iw: f64) -> Result<Pow, EvalError> {
    if iw == 2.0 {
        if let Some(r) = square(iv.abs()) {
            return Ok(Pow::Real(r));
        }
    }
    pow_general(iv, iw)
}

/// [`pow_real`] past the squares it answers inline.
fn pow_general(iv: f64, iw: f64) -> Result<Pow, EvalError> {
    use Pow::Real;
    if iw == 0.0 {
        return Ok(Real(1.0));
    }
    if iv.is_nan() {
        return Ok(Real(iv));
    }
    if iw.is_nan() {
        return Ok(Real(if iv == 1.0 { 1.0 } else { iw }));
    }
    if iw.is_infinite() {
        let av = iv.abs();
        return Ok(Real(if av == 1.0 {
            1.0
        } else if (iw > 0.0) == (av > 1.0) {
            iw.abs()
        } else {
            0.0
        }));
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(Real(if iw > 0.0 {
            if odd {
                iv
            } else {
                iv.abs()
            }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        }));
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err(EvalError::zero_division(
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(Real(if is_odd_integer(iw) { iv } else { 0.0 }));
    }
    let mut base = iv;
    let mut negate = false;
    if iv < 0.0 {
        if iw != iw.floor() {
            return complex::pow(Complex::new(iv, 0.0), Complex::new(iw, 0.0)).map(Pow::Complex);
        }
        base = -iv;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(Real(if negate { -1.0 } else { 1.0 }));
    }
    // The platform pow, as CPython calls it; finite inputs giving an
    // infinite result are its ERANGE overflow (underflow is not an error).
    let r = base.powf(iw);
    if r.is_infinite() {
        return Err(EvalError::overflow("(34, 'Numerical result out of range')"));
    }
    Ok(Real(if negate { -r } else { r }))
}

/// `x * x` when it is certainly the platform's `pow(x, 2.0)` (what
/// CPython's `float_pow` computes for `x ** 2`); `None` to call `pow`.
///
/// `x * x` is `x²` correctly rounded. glibc's and musl's `pow` (ARM's
/// optimized routines) are not correctly rounded: their documented
/// worst-case error is 0.54 ULP, and about 1 square in 1,200 of random
/// floats differs from `x * x` in the last bit. A result within 0.54 ULP
/// of `x²` can only be another float than the nearest when `x²` lies
/// within 0.04 ULP of the midpoint between two floats. The exact error of
/// `x * x` tells how far `x²` is from it: within
/// 3/8 ULP, three quarters of all squares, the nearest float is the only
/// float within 5/8 ULP, so `pow` returns it too. A power of two as the
/// product (where the ULP changes) and products near the ends of the
/// range go to `pow`. Platforms with another `pow` always call it.
#[inline]
fn square(x: f64) -> Option<f64> {
    if !cfg!(all(
        target_os = "linux",
        any(target_env = "gnu", target_env = "musl")
    )) {
        return None;
    }
    // |x| in [2**-400, 2**400): the square and its error are normal.
    let bits = x.abs().to_bits();
    if !(0x26f0_0000_0000_0000..0x58f0_0000_0000_0000).contains(&bits) {
        return None;
    }
    let p = x * x;
    let p_bits = p.to_bits();
    if p_bits & 0x000f_ffff_ffff_ffff == 0 {
        return None;
    }
    // The ULP of `p`: its exponent's power of two, times 2**-52.
    let ulp =
        f64::from_bits(p_bits & 0x7ff0_0000_0000_0000) * f64::from_bits(0x3cb0_0000_0000_0000);
    // `x² - p` exactly (Dekker's product: `x` split into two halves of
    // 26 bits, whose products are exact), without a call to `fma`.
    let c = 134_217_729.0 * x; // 2**27 + 1
    let hi = c - (c - x);
    let lo = x - hi;
    let error = lo * lo - (((p - hi * hi) - lo * hi) - hi * lo);
    (error.abs() <= 0.375 * ulp).then_some(p)
}

/// The exact order of float `f` and int `i` (`float_richcompare`), `None`
/// when `f` is NaN.
pub(crate) fn cmp_float_int(f: f64, i: &Int) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    if let Int(IntRepr::Small(v)) = i {
        // Ints up to 2**53 convert exactly.
        if v.unsigned_abs() <= 1 << 53 {
            return f.partial_cmp(&(*v as f64));
        }
    }
    // f is finite: compare i with floor(f), then the fraction decides a tie.
    let fl = f.floor();
    // floor of a finite float is a finite integer: conversion cannot fail.
    let fl_int = Int::from_f64(fl).ok()?;
    Some(match fl_int.cmp(i) {
        Ordering::Equal if f != fl => Ordering::Greater,
        other => other,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `x ** 2` is libm's `pow(x, 2.0)`, bit for bit, where [`square`]
    /// answers and where it does not: random floats over the whole range,
    /// and the squares nearest a midpoint (an odd 27-bit `m`, whose square
    /// has 54 bits: exactly halfway between two floats).
    #[test]
    fn a_square_is_the_platform_pow() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // The exponent hidden from the optimizer, which rewrites
        // `pow(x, 2.0)` as `x * x`.
        let two = std::hint::black_box(2.0);
        let check = |x: f64| match pow_real(x, two) {
            Ok(Pow::Real(r)) => assert_eq!(r.to_bits(), x.abs().powf(two).to_bits(), "{x:e}"),
            Ok(Pow::Complex(_)) => panic!("{x:e}"),
            Err(_) => assert!(x.abs().powf(two).is_infinite(), "{x:e}"),
        };
        let mut squared = 0;
        for _ in 0..200_000 {
            let x = f64::from_bits(next());
            if x.is_nan() || x == 0.0 {
                continue;
            }
            check(x);
            // Within a few binades of 1, where formulas live.
            let y = f64::from_bits(0x3ff0_0000_0000_0000 ^ (next() >> 9)) * 1.5;
            check(y);
            check(-y);
            squared += usize::from(square(y).is_some());
        }
        assert!(squared > 100_000, "{squared}");
        let m0 = (1u64 << 26) + (1 << 25);
        for k in 0..200_000u64 {
            let m = (m0 + 2 * k + 1) as f64;
            check(m);
            check(m * 2f64.powi(-40));
        }
    }

    #[test]
    fn the_nan_of_two_nans_is_the_right_operands() {
        // copysign(1, -nan + nan) == 1.0 ; copysign(1, nan + -nan) == -1.0 ;
        // copysign(1, -nan * nan) == 1.0 ; copysign(1, -nan + 1) == -1.0
        let (nan, neg) = (f64::NAN, -f64::NAN);
        assert!(add(neg, nan).is_sign_positive());
        assert!(add(nan, neg).is_sign_negative());
        assert!(mul(neg, nan).is_sign_positive());
        assert!(mul(nan, neg).is_sign_negative());
        assert!(add(neg, 1.0).is_sign_negative() && add(neg, 1.0).is_nan());
        assert!(mul(2.0, neg).is_sign_negative() && mul(2.0, neg).is_nan());
        assert_eq!(add(0.1, 0.2), 0.30000000000000004);
        assert_eq!(mul(1e308, 10.0), f64::INFINITY);
    }

    /// Runs `python3 -c script` with `input` on stdin; `None` when python3
    /// cannot be run.
    pub(crate) fn run_python(script: &str, input: &str) -> Option<String> {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        let input = input.to_owned();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child.wait_with_output().ok()?;
        writer.join().ok()?.ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8(out.stdout).ok()
    }

    fn neg_zero(x: f64) -> bool {
        x == 0.0 && x.is_sign_negative()
    }

    #[test]
    fn floor_division_and_modulo() {
        // (a, b, a // b, a % b) from python3
        let cases: &[(f64, f64, f64, f64)] = &[
            (7.5, 2.0, 3.0, 1.5),
            (-7.5, 2.0, -4.0, 0.5),
            (7.5, -2.0, -4.0, -0.5),
            (1.0, 0.1, 9.0, 0.09999999999999995),
            (-1e-300, 1e300, -1.0, 1e300),
            (1e300, 1e-300, f64::INFINITY, 4.891554850853602e-301),
            (5.0, f64::INFINITY, 0.0, 5.0),
            (-5.0, f64::INFINITY, -1.0, f64::INFINITY),
        ];
        for &(a, b, q, r) in cases {
            assert_eq!(floor_div(a, b).unwrap(), q, "{a} // {b}");
            assert_eq!(modulo(a, b).unwrap(), r, "{a} % {b}");
        }
        // signed zeros: -0.0 // 1 == -0.0 ; 0.0 % -1 == -0.0 ; -6.0 % 3 == 0.0 ; 6.0 // -3 == -2.0
        assert!(neg_zero(floor_div(-0.0, 1.0).unwrap()));
        assert!(neg_zero(floor_div(0.0, -1.0).unwrap())); // 0.0 // -1.0 == -0.0
        assert!(neg_zero(modulo(0.0, -1.0).unwrap()));
        let m = modulo(-6.0, 3.0).unwrap();
        assert!(m == 0.0 && m.is_sign_positive());
        assert!(neg_zero(modulo(6.0, -3.0).unwrap())); // 6.0 % -3 == -0.0
        assert!(floor_div(f64::NAN, 1.0).unwrap().is_nan());
        assert_eq!(div_mod(-7.0, 2.0), (-4.0, 1.0)); // divmod(-7.0, 2) == (-4.0, 1.0)
    }

    #[test]
    fn zero_division_messages() {
        let msg = |r: Result<f64, EvalError>| r.unwrap_err().to_string();
        assert_eq!(
            msg(div(1.0, 0.0)),
            "ZeroDivisionError: float division by zero"
        );
        assert_eq!(
            msg(floor_div(1.0, -0.0)),
            "ZeroDivisionError: float floor division by zero"
        );
        assert_eq!(msg(modulo(1.0, 0.0)), "ZeroDivisionError: float modulo");
    }

    fn p(a: f64, b: f64) -> Result<Value, EvalError> {
        pow(a, b)
    }

    #[test]
    fn powers() {
        let f = |a: f64, b: f64| match p(a, b).unwrap() {
            Value::Float(x) => x,
            other => panic!("{a} ** {b} gave {other:?}"),
        };
        assert_eq!(f(2.0, 0.5), std::f64::consts::SQRT_2);
        assert_eq!(f(f64::NAN, 0.0), 1.0); // nan ** 0 == 1.0
        assert_eq!(f(1.0, f64::NAN), 1.0); // 1 ** nan == 1.0
        assert!(f(2.0, f64::NAN).is_nan());
        assert_eq!(f(-1.0, 1e300), 1.0); // (-1.0) ** 1e300 == 1.0
        assert_eq!(f(-1.0, f64::INFINITY), 1.0);
        assert_eq!(f(0.5, f64::INFINITY), 0.0);
        assert_eq!(f(0.5, f64::NEG_INFINITY), f64::INFINITY);
        assert_eq!(f(f64::NEG_INFINITY, 3.0), f64::NEG_INFINITY); // (-inf) ** 3
        assert_eq!(f(f64::NEG_INFINITY, 2.0), f64::INFINITY);
        assert!(neg_zero(f(f64::NEG_INFINITY, -3.0))); // (-inf) ** -3 == -0.0
        assert!(neg_zero(f(-0.0, 3.0))); // (-0.0) ** 3 == -0.0
        assert_eq!(f(-0.0, 2.0), 0.0);
        assert_eq!(f(-2.0, 3.0), -8.0);
        assert_eq!(f(2.0, f64::INFINITY), f64::INFINITY); // 2.0 ** 1e400 == inf (1e400 is inf)
        assert_eq!(f(10.0, -320.0), 1e-320); // underflow to subnormal is fine
        assert_eq!(f(10.0, -400.0), 0.0);
        assert_eq!(
            p(0.0, -1.0).unwrap_err().to_string(),
            "ZeroDivisionError: 0.0 cannot be raised to a negative power"
        );
        assert_eq!(
            p(10.0, 400.0).unwrap_err().to_string(),
            "OverflowError: (34, 'Numerical result out of range')"
        );
        assert_eq!(p(-10.0, 401.0).unwrap_err().class(), "OverflowError");
        // (-8) ** (1/3) == (1.0000000000000002+1.7320508075688772j)
        match p(-8.0, 1.0 / 3.0).unwrap() {
            Value::Complex(c) => {
                assert_eq!(c.re, 1.0000000000000002);
                assert_eq!(c.im, 1.7320508075688772);
            }
            other => panic!("{other:?}"),
        }
        // (-1e300) ** 0.5 == (6.123233995736766e+133+1e+150j)
        match p(-1e300, 0.5).unwrap() {
            Value::Complex(c) => assert_eq!((c.re, c.im), (6.123233995736766e+133, 1e+150)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exact_int_comparison() {
        let big = |s: &str| Int::from_bigint(s.parse().unwrap());
        // 2**53 + 1 == 2.0**53 is False; 2**53 + 1 > 2.0**53
        assert_eq!(
            cmp_float_int(9007199254740992.0, &Int(IntRepr::Small(9007199254740993))),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp_float_int(9007199254740992.0, &Int(IntRepr::Small(9007199254740992))),
            Some(Ordering::Equal)
        );
        assert_eq!(cmp_float_int(f64::NAN, &Int(IntRepr::Small(0))), None);
        assert_eq!(
            cmp_float_int(f64::INFINITY, &big("1".repeat(400).as_str())),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_float_int(f64::NEG_INFINITY, &Int(IntRepr::Small(-1))),
            Some(Ordering::Less)
        );
        // 1e20 == 10**20 ; 1e23 != 10**23 (1e23 is 99999999999999991611392)
        assert_eq!(
            cmp_float_int(1e20, &big("100000000000000000000")),
            Some(Ordering::Equal)
        );
        assert_eq!(
            cmp_float_int(1e23, &big("100000000000000000000000")),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp_float_int(1e23, &big("99999999999999991611392")),
            Some(Ordering::Equal)
        );
        // 2.5 vs 2 and 3, -2.5 vs -3 and -2
        assert_eq!(
            cmp_float_int(2.5, &Int(IntRepr::Small(2))),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_float_int(2.5, &Int(IntRepr::Small(3))),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp_float_int(-2.5, &Int(IntRepr::Small(-3))),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_float_int(-2.5, &Int(IntRepr::Small(-2))),
            Some(Ordering::Less)
        );
        // 9223372036854775807 < 9.223372036854775808e18
        assert_eq!(
            cmp_float_int(9.223_372_036_854_776e18, &Int(IntRepr::Small(i64::MAX))),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_float_int(1e308, &big(&format!("1{}", "0".repeat(400)))),
            Some(Ordering::Less)
        );
        assert_eq!(
            cmp_float_int(-1e308, &big(&format!("-1{}", "0".repeat(400)))),
            Some(Ordering::Greater)
        );
        assert_eq!(
            cmp_float_int(0.5, &big("-100000000000000000000")),
            Some(Ordering::Greater)
        );
    }
}
