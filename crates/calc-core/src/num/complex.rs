//! Complex arithmetic as CPython 3.11 does it (Objects/complexobject.c).
//!
//! Mixed operations first turn the other operand into `complex(x, 0.0)` and
//! then use the full complex formula, so `complex(inf, 0) * 2` is
//! `(inf+nanj)` as in CPython 3.11. C's `errno` is modelled by a flag for
//! `EDOM` (the only value that survives CPython's final range check).

use crate::{Complex, EvalError};

/// `a + b` (`_Py_c_sum`).
pub(crate) fn add(a: Complex, b: Complex) -> Complex {
    Complex::new(a.re + b.re, a.im + b.im)
}

/// `a - b` (`_Py_c_diff`).
pub(crate) fn sub(a: Complex, b: Complex) -> Complex {
    Complex::new(a.re - b.re, a.im - b.im)
}

/// `a * b` (`_Py_c_prod`).
pub(crate) fn mul(a: Complex, b: Complex) -> Complex {
    Complex::new(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
}

/// `a / b` (`complex_div`): ZeroDivisionError "complex division by zero".
pub(crate) fn div(a: Complex, b: Complex) -> Result<Complex, EvalError> {
    let mut edom = false;
    let q = quot(a, b, &mut edom);
    if edom {
        return Err(EvalError::zero_division("complex division by zero"));
    }
    Ok(q)
}

/// `_Py_c_quot`: Smith's algorithm, dividing through by the larger part of
/// the divisor; sets `edom` for a zero divisor (`cmath.log` turns that
/// into its own error).
pub(crate) fn quot(a: Complex, b: Complex, edom: &mut bool) -> Complex {
    let abs_breal = b.re.abs();
    let abs_bimag = b.im.abs();
    if abs_breal >= abs_bimag {
        if abs_breal == 0.0 {
            *edom = true;
            Complex::new(0.0, 0.0)
        } else {
            let ratio = b.im / b.re;
            let denom = b.re + b.im * ratio;
            Complex::new((a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom)
        }
    } else if abs_bimag >= abs_breal {
        let ratio = b.re / b.im;
        let denom = b.re * ratio + b.im;
        Complex::new((a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom)
    } else {
        // At least one part of the divisor is NaN.
        Complex::new(f64::NAN, f64::NAN)
    }
}

/// `a ** b` (`complex_pow`): small integral exponents use repeated
/// multiplication (`c_powi`), which rounds differently from the general
/// polar formula (`_Py_c_pow`).
pub(crate) fn pow(a: Complex, b: Complex) -> Result<Complex, EvalError> {
    let mut edom = false;
    let p = if b.im == 0.0 && b.re == b.re.floor() && b.re.abs() <= 100.0 {
        powi(a, b.re as i64, &mut edom)
    } else {
        pow_general(a, b, &mut edom)
    };
    // _Py_ADJUST_ERANGE2: an infinite part is an overflow unless errno
    // already holds EDOM; without one, only EDOM is an error.
    let infinite = p.re.is_infinite() || p.im.is_infinite();
    if edom {
        Err(EvalError::zero_division(
            "0.0 to a negative or complex power",
        ))
    } else if infinite {
        Err(EvalError::overflow("complex exponentiation"))
    } else {
        Ok(p)
    }
}

/// `_Py_c_pow`.
fn pow_general(a: Complex, b: Complex, edom: &mut bool) -> Complex {
    if b.re == 0.0 && b.im == 0.0 {
        return Complex::new(1.0, 0.0);
    }
    if a.re == 0.0 && a.im == 0.0 {
        if b.im != 0.0 || b.re < 0.0 {
            *edom = true;
        }
        return Complex::new(0.0, 0.0);
    }
    let vabs = a.re.hypot(a.im);
    let mut len = vabs.powf(b.re);
    let at = a.im.atan2(a.re);
    let mut phase = at * b.re;
    if b.im != 0.0 {
        len /= (at * b.im).exp();
        phase += b.im * vabs.ln();
    }
    // glibc's sin and cos set EDOM for an infinite argument.
    if phase.is_infinite() {
        *edom = true;
    }
    Complex::new(len * phase.cos(), len * phase.sin())
}

/// `c_powu`: binary powering for `n >= 0`.
fn powu(x: Complex, n: i64) -> Complex {
    let mut r = Complex::new(1.0, 0.0);
    let mut p = x;
    let mut mask: i64 = 1;
    while mask > 0 && n >= mask {
        if n & mask != 0 {
            r = mul(r, p);
        }
        mask <<= 1;
        p = mul(p, p);
    }
    r
}

/// `c_powi`.
fn powi(x: Complex, n: i64, edom: &mut bool) -> Complex {
    if n > 0 {
        powu(x, n)
    } else {
        quot(Complex::new(1.0, 0.0), powu(x, -n), edom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> Complex {
        Complex::new(re, im)
    }

    #[test]
    fn products_and_quotients() {
        assert_eq!(mul(c(1.0, 2.0), c(0.0, 1.0)), c(-2.0, 1.0)); // (1+2j)*1j
                                                                 // complex(inf, 0) * 2 == (inf+nanj) in 3.11
        let p = mul(c(f64::INFINITY, 0.0), c(2.0, 0.0));
        assert!(p.re.is_infinite() && p.im.is_nan());
        // (1+2j)/(3-4j) == (-0.2+0.4j)
        assert_eq!(div(c(1.0, 2.0), c(3.0, -4.0)).unwrap(), c(-0.2, 0.4));
        // (1+1j)/(1e308+1e308j) == 0j: the scaled denominator overflows
        assert_eq!(div(c(1.0, 1.0), c(1e308, 1e308)).unwrap(), c(0.0, 0.0));
        // (1+2j)/(nan+1j) == (nan+nanj)
        let q = div(c(1.0, 2.0), c(f64::NAN, 1.0)).unwrap();
        assert!(q.re.is_nan() && q.im.is_nan());
        assert_eq!(
            div(c(1.0, 0.0), c(0.0, -0.0)).unwrap_err().to_string(),
            "ZeroDivisionError: complex division by zero"
        );
    }

    #[test]
    fn powers_match_python() {
        // (expression, re, im) from python3
        let cases: &[(Complex, Complex, f64, f64)] = &[
            // (1+2j)**2 == (-3+4j)
            (c(1.0, 2.0), c(2.0, 0.0), -3.0, 4.0),
            // (1+2j)**101 == (5.783317924538885e+34-1.8999570689734468e+35j)
            (
                c(1.0, 2.0),
                c(101.0, 0.0),
                5.783317924538885e+34,
                -1.8999570689734468e+35,
            ),
            // 1j**-1 == -1j  (c_powi: 1/(1j))
            (c(0.0, 1.0), c(-1.0, 0.0), 0.0, -1.0),
            // (1+1j)**0.5 == (1.0986841134678098+0.45508986056222733j)
            (
                c(1.0, 1.0),
                c(0.5, 0.0),
                1.0986841134678098,
                0.45508986056222733,
            ),
            // 2**(1j) == (0.7692389013639721+0.6389612763136348j)
            (
                c(2.0, 0.0),
                c(0.0, 1.0),
                0.7692389013639721,
                0.6389612763136348,
            ),
            // (nan+0j)**0 == (1+0j)
            (c(f64::NAN, 0.0), c(0.0, 0.0), 1.0, 0.0),
        ];
        for &(a, b, re, im) in cases {
            let p = pow(a, b).unwrap();
            assert_eq!((p.re, p.im), (re, im), "{a:?} ** {b:?}");
        }
        // (1e300+1e300j)**5 == (nan+nanj): inf - inf inside, no error
        let p = pow(c(1e300, 1e300), c(5.0, 0.0)).unwrap();
        assert!(p.re.is_nan() && p.im.is_nan());
    }

    #[test]
    fn power_errors() {
        let err = |a, b| pow(a, b).unwrap_err().to_string();
        // 0j**-1, 0j**-1.5, 0j**1j
        let zdiv = "ZeroDivisionError: 0.0 to a negative or complex power";
        assert_eq!(err(c(0.0, 0.0), c(-1.0, 0.0)), zdiv);
        assert_eq!(err(c(0.0, 0.0), c(-1.5, 0.0)), zdiv);
        assert_eq!(err(c(0.0, 0.0), c(0.0, 1.0)), zdiv);
        // complex(1,2)**1000 and (1e200j)**2.0: OverflowError
        assert_eq!(
            err(c(1.0, 2.0), c(1000.0, 0.0)),
            "OverflowError: complex exponentiation"
        );
        assert_eq!(
            err(c(0.0, 1e200), c(2.0, 0.0)),
            "OverflowError: complex exponentiation"
        );
        assert_eq!(pow(c(0.0, 0.0), c(0.0, 0.0)).unwrap(), c(1.0, 0.0)); // 0j**0
        assert_eq!(pow(c(0.0, 0.0), c(2.5, 0.0)).unwrap(), c(0.0, 0.0)); // 0j**2.5 == 0j
    }
}
