//! The functions of `cmath`, as CPython 3.11's Modules/cmathmodule.c:
//! their arguments and errors here, the complex functions themselves
//! (`sqrt`, `exp`, `log`, the trigonometric and hyperbolic functions and
//! their inverses, `rect`) in `funcs`.

use std::f64::consts::PI;

use super::args::real;
use super::Builtin;
use crate::num::complex::quot;
use crate::{Complex, EvalError, Tuple, Value};

mod funcs;

use funcs::{Errno, Out};

/// A `cmath` function `f` applied to `args`.
pub(super) fn call(f: Builtin, args: &[Value]) -> Result<Value, EvalError> {
    match f {
        Builtin::CmathIsclose => return isclose(args),
        Builtin::CmathLog => return log(args),
        Builtin::CmathRect => return rect(args),
        _ => {}
    }
    let [z] = args else {
        return Err(EvalError::type_error(format!(
            "cmath.{}() takes exactly one argument ({} given)",
            f.name(),
            args.len()
        )));
    };
    let z = complex_arg(z)?;
    let func: fn(Complex) -> Out = match f {
        Builtin::CmathSqrt => funcs::sqrt,
        Builtin::CmathExp => funcs::exp,
        Builtin::CmathLog10 => funcs::log10,
        Builtin::CmathSin => funcs::sin,
        Builtin::CmathCos => funcs::cos,
        Builtin::CmathTan => funcs::tan,
        Builtin::CmathAsin => funcs::asin,
        Builtin::CmathAcos => funcs::acos,
        Builtin::CmathAtan => funcs::atan,
        Builtin::CmathSinh => funcs::sinh,
        Builtin::CmathCosh => funcs::cosh,
        Builtin::CmathTanh => funcs::tanh,
        Builtin::CmathAsinh => funcs::asinh,
        Builtin::CmathAcosh => funcs::acosh,
        Builtin::CmathAtanh => funcs::atanh,
        _ => return real_valued(f, z),
    };
    answer(func(z))
}

/// The answer for a result and its `errno`, as the `Py_complex_protected`
/// return converter (and `math_error`) gives it.
fn answer((z, errno): Out) -> Result<Value, EvalError> {
    match errno {
        Errno::Ok => Ok(Value::Complex(z)),
        Errno::Dom => Err(EvalError::value("math domain error")),
        Errno::Range => Err(EvalError::overflow("math range error")),
    }
}

/// `cmath.log(z[, base])`: `c_log(z)`, divided by `c_log(base)` with
/// `_Py_c_quot`. C's one `errno` is last written by the base's logarithm
/// (so `log(0, 2)` is not an error, `log(2, 0)` is) and then by a zero
/// divisor (`log(2, 1)`: math domain error, not a ZeroDivisionError).
fn log(args: &[Value]) -> Result<Value, EvalError> {
    let (z, base) = match args {
        [z] => (z, None),
        [z, base] => (z, Some(base)),
        _ => {
            let (bound, n) = if args.is_empty() {
                ("least", "1 argument")
            } else {
                ("most", "2 arguments")
            };
            return Err(EvalError::type_error(format!(
                "log expected at {bound} {n}, got {}",
                args.len()
            )));
        }
    };
    let mut out = funcs::log(complex_arg(z)?);
    if let Some(base) = base {
        let (log_base, errno) = funcs::log(complex_arg(base)?);
        let mut edom = false;
        let q = quot(out.0, log_base, &mut edom);
        out = (q, if edom { Errno::Dom } else { errno });
    }
    answer(out)
}

/// `cmath.rect(r, phi)`: two real arguments (`double` converters).
fn rect(args: &[Value]) -> Result<Value, EvalError> {
    let [r, phi] = args else {
        return Err(EvalError::type_error(format!(
            "rect expected 2 arguments, got {}",
            args.len()
        )));
    };
    let r = real(r)?;
    let phi = real(phi)?;
    answer(funcs::rect(r, phi))
}

/// The functions of one complex argument whose answer is not a complex
/// number: `phase`, `polar`, `isfinite`, `isinf`, `isnan`.
fn real_valued(f: Builtin, z: Complex) -> Result<Value, EvalError> {
    Ok(match f {
        Builtin::CmathPhase => Value::Float(phase(z)?),
        Builtin::CmathPolar => {
            // CPython computes the angle first, then the modulus, whose
            // `_Py_c_abs` clears `errno` where it succeeds: only the
            // modulus can fail.
            let phi = c_atan2(z);
            let r = c_abs(z)?;
            Value::Tuple(Tuple::from(vec![Value::Float(r), Value::Float(phi)]))
        }
        Builtin::CmathIsfinite => Value::Bool(z.re.is_finite() && z.im.is_finite()),
        Builtin::CmathIsinf => Value::Bool(z.re.is_infinite() || z.im.is_infinite()),
        Builtin::CmathIsnan => Value::Bool(z.re.is_nan() || z.im.is_nan()),
        _ => return Err(EvalError::limit("internal error: not a cmath function")),
    })
}

/// `cmath.isclose(a, b)` with the default tolerances. Its argument errors
/// are `math.isclose`'s, word for word.
fn isclose(args: &[Value]) -> Result<Value, EvalError> {
    let [a, b] = args else {
        return super::fp::isclose(args);
    };
    isclose_tol(a, b, None, None)
}

/// `cmath.isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`, as
/// `cmath_isclose_impl`: the arguments converted in order, a missing
/// tolerance its default.
pub(super) fn isclose_tol(
    a: &Value,
    b: &Value,
    rel_tol: Option<&Value>,
    abs_tol: Option<&Value>,
) -> Result<Value, EvalError> {
    let (a, b) = (complex_arg(a)?, complex_arg(b)?);
    let rel_tol = rel_tol.map_or(Ok(1e-09), real)?;
    let abs_tol = abs_tol.map_or(Ok(0.0), real)?;
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(EvalError::value("tolerances must be non-negative"));
    }
    if a.re == b.re && a.im == b.im {
        return Ok(Value::Bool(true));
    }
    if [a.re, a.im, b.re, b.im].iter().any(|x| x.is_infinite()) {
        return Ok(Value::Bool(false));
    }
    // `_Py_c_abs` without its errno, which isclose does not read: an
    // overflowing modulus is inf.
    let abs = |z: Complex| {
        if z.re.is_nan() || z.im.is_nan() {
            f64::NAN
        } else {
            z.re.hypot(z.im)
        }
    };
    let diff = abs(Complex::new(a.re - b.re, a.im - b.im));
    Ok(Value::Bool(
        diff <= rel_tol * abs(b) || diff <= rel_tol * abs(a) || diff <= abs_tol,
    ))
}

/// The `D` argument format: a complex number, or a real one converted.
fn complex_arg(v: &Value) -> Result<Complex, EvalError> {
    match v {
        Value::Complex(c) => Ok(*c),
        Value::Float(x) => Ok(Complex::new(*x, 0.0)),
        Value::Bool(b) => Ok(Complex::new(f64::from(u8::from(*b)), 0.0)),
        Value::Int(i) => Ok(Complex::new(i.to_f64()?, 0.0)),
        _ => Err(EvalError::type_error(format!(
            "must be real number, not {}",
            v.type_name()
        ))),
    }
}

/// `c_atan2` with the error CPython raises from libm's `errno`: glibc's
/// `atan2` sets `ERANGE` when its result underflows to zero for a
/// nonzero `y` and a finite `x` (`math range error`); `c_atan2` reaches
/// `atan2` only for finite parts and a nonzero imaginary part.
fn phase(z: Complex) -> Result<f64, EvalError> {
    let phi = c_atan2(z);
    if phi == 0.0 && z.im != 0.0 && z.re.is_finite() && z.im.is_finite() {
        return Err(EvalError::overflow("math range error"));
    }
    Ok(phi)
}

/// cmathmodule.c's `c_atan2`: the angle of `z`, with C99's answers for
/// the infinities and a NaN for a NaN part.
fn c_atan2(z: Complex) -> f64 {
    if z.re.is_nan() || z.im.is_nan() {
        return f64::NAN;
    }
    if z.im.is_infinite() {
        if z.re.is_infinite() {
            return if z.re.is_sign_positive() {
                (0.25 * PI).copysign(z.im)
            } else {
                (0.75 * PI).copysign(z.im)
            };
        }
        return (0.5 * PI).copysign(z.im);
    }
    if z.re.is_infinite() || z.im == 0.0 {
        return if z.re.is_sign_positive() {
            0.0f64.copysign(z.im)
        } else {
            PI.copysign(z.im)
        };
    }
    z.im.atan2(z.re)
}

/// `_Py_c_abs` with `cmath_polar_impl`'s error: an infinite part wins over
/// a NaN, and a finite `z` whose modulus overflows is `math range error`.
fn c_abs(z: Complex) -> Result<f64, EvalError> {
    if z.re.is_infinite() || z.im.is_infinite() {
        return Ok(f64::INFINITY);
    }
    if z.re.is_nan() || z.im.is_nan() {
        return Ok(f64::NAN);
    }
    let r = z.re.hypot(z.im);
    if r.is_infinite() {
        return Err(EvalError::overflow("math range error"));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    fn show(src: &str) -> String {
        match crate::eval(src) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn answers_are_cpythons() {
        let cases = [
            ("cmath.phase(-1)", "3.141592653589793"),
            ("cmath.phase(complex(-1, -0.0))", "-3.141592653589793"),
            ("cmath.phase(complex(-inf, inf))", "2.356194490192345"),
            ("cmath.phase(complex(nan, 1))", "nan"),
            ("cmath.polar(1j)", "(1.0, 1.5707963267948966)"),
            ("cmath.polar(complex(inf, nan))", "(inf, nan)"),
            (
                "cmath.polar(complex(1e308, 1e308))",
                "(1.4142135623730951e+308, 0.7853981633974483)",
            ),
            (
                "cmath.polar(complex(1.5e308, 1.5e308))",
                "OverflowError: math range error",
            ),
            ("cmath.isnan(complex(1, nan))", "True"),
            ("cmath.isinf(complex(nan, -inf))", "True"),
            ("cmath.isfinite(2)", "True"),
            (
                "cmath.phase(10**400)",
                "OverflowError: int too large to convert to float",
            ),
            (
                "cmath.phase('a')",
                "TypeError: must be real number, not str",
            ),
            (
                "cmath.phase(1, 2)",
                "TypeError: cmath.phase() takes exactly one argument (2 given)",
            ),
            ("cmath.phase", "<built-in function phase>"),
            ("cmath.isnan == isnan", "False"),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
    }

    /// cases.txt, written by cases.py from python3 3.11: every special-value
    /// class pair of each complex function, delicate finite arguments,
    /// `rect`'s special values and `log` with a base, with CPython's repr
    /// or error.
    #[test]
    fn complex_functions_are_cpythons() {
        let mut n = 0;
        for line in include_str!("cmath/cases.txt").lines() {
            let (expr, want) = line.split_once('\t').expect("expression TAB answer");
            assert_eq!(show(&format!("cmath.{expr}")), want, "cmath.{expr}");
            n += 1;
        }
        assert_eq!(n, 1662);
    }

    #[test]
    fn argument_errors_are_cpythons() {
        // python3 -c 'import cmath; cmath.sqrt()' and so on
        let cases = [
            (
                "cmath.sqrt()",
                "TypeError: cmath.sqrt() takes exactly one argument (0 given)",
            ),
            (
                "cmath.atanh(1, 2)",
                "TypeError: cmath.atanh() takes exactly one argument (2 given)",
            ),
            ("cmath.sqrt('a')", "TypeError: must be real number, not str"),
            (
                "cmath.exp((1,))",
                "TypeError: must be real number, not tuple",
            ),
            (
                "cmath.cos(cmath)",
                "TypeError: must be real number, not module",
            ),
            (
                "cmath.sqrt(10**400)",
                "OverflowError: int too large to convert to float",
            ),
            ("cmath.sqrt(True)", "(1+0j)"),
            ("cmath.sqrt(-4)", "2j"),
            (
                "cmath.log()",
                "TypeError: log expected at least 1 argument, got 0",
            ),
            (
                "cmath.log(1, 2, 3)",
                "TypeError: log expected at most 2 arguments, got 3",
            ),
            (
                "cmath.log('a', 0)",
                "TypeError: must be real number, not str",
            ),
            (
                "cmath.log(0, 'a')",
                "TypeError: must be real number, not str",
            ),
            (
                "cmath.log(2, 10**400)",
                "OverflowError: int too large to convert to float",
            ),
            (
                "cmath.rect()",
                "TypeError: rect expected 2 arguments, got 0",
            ),
            (
                "cmath.rect(1)",
                "TypeError: rect expected 2 arguments, got 1",
            ),
            (
                "cmath.rect(1, 2, 3)",
                "TypeError: rect expected 2 arguments, got 3",
            ),
            (
                "cmath.rect(1j, 0)",
                "TypeError: must be real number, not complex",
            ),
            (
                "cmath.rect(1, 'a')",
                "TypeError: must be real number, not str",
            ),
            (
                "cmath.rect(10**400, 'a')",
                "OverflowError: int too large to convert to float",
            ),
            (
                "cmath.rect(2, True)",
                "(1.0806046117362795+1.682941969615793j)",
            ),
            (
                "cmath.sqrt(z=1)",
                "TypeError: cmath.sqrt() takes no keyword arguments",
            ),
            (
                "cmath.log(1, base=2)",
                "TypeError: cmath.log() takes no keyword arguments",
            ),
            (
                "cmath.rect(r=1, phi=2)",
                "TypeError: cmath.rect() takes no keyword arguments",
            ),
            (
                "cmath.phase(z=1)",
                "TypeError: cmath.phase() takes no keyword arguments",
            ),
            ("cmath.exp(1000)", "OverflowError: math range error"),
            ("cmath.log(0)", "ValueError: math domain error"),
            ("cmath.sqrt", "<built-in function sqrt>"),
            ("cmath.sqrt == sqrt", "False"),
            ("cmath.log10 == cmath.log10", "True"),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
    }
}

#[cfg(test)]
mod env_tests {
    use crate::{Builtin, Env, Expr, Value};

    /// A cmath function bound to a variable reaches every path: the
    /// one-pass evaluator and the compiled form decline it (it is not a
    /// name of the namespace), the general evaluator calls it.
    #[test]
    fn a_cmath_function_in_a_variable() {
        let env = Env::new()
            .with("p", Value::Builtin(Builtin::CmathPhase))
            .with("x", Value::Float(-1.0));
        for src in ["p(x)", "p(-1)", "p(x) + 0", "(p)(x)", "p"] {
            let general = Expr::parse(src)
                .and_then(|e| e.eval(&env))
                .map(|v| v.to_string());
            assert_eq!(
                env.eval(src).map(|v| v.to_string()),
                general.clone(),
                "{src}"
            );
            let compiled = Expr::parse(src).and_then(|e| e.compile_with(&["x"], &env));
            if let Ok(compiled) = compiled {
                let v = compiled.eval(&[Value::Float(-1.0)]).map(|v| v.to_string());
                assert_eq!(v, general, "{src}");
            }
        }
        assert_eq!(env.eval("p(x)").unwrap().to_string(), "3.141592653589793");
    }
}
