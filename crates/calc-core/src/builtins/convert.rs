//! `abs` and the numeric types called as constructors: `int(x)`,
//! `float(x)`, `complex(real, imag)` and `bool(x)`, for the numeric
//! arguments of the language (`strconv` reads strings), as CPython
//! 3.11's `long_new`, `float_new`, `complex_new` and `bool_new` treat
//! them.

use crate::value::IntRepr;
use num_bigint::BigInt;

use crate::budget::Budget;
use crate::{Complex, EvalError, Int, Value};

use super::args::{as_int, index, one};
use super::num;

/// `abs(x)`.
pub(super) fn abs(args: &[Value], budget: &Budget<'_>) -> Result<Value, EvalError> {
    let x = one("abs", args)?;
    match x {
        Value::Bool(b) => Ok(Value::Int(Int(IntRepr::Small(i64::from(*b))))),
        Value::Int(Int(IntRepr::Small(s))) => Ok(Value::Int(match s.checked_abs() {
            Some(a) => Int(IntRepr::Small(a)),
            // `abs(-2**63)` leaves the machine word: 64 bits.
            None => crate::num::int::exact(Int(IntRepr::Big(-BigInt::from(*s))), budget)?,
        })),
        Value::Int(Int(IntRepr::Big(b))) => {
            Ok(Value::Int(Int(IntRepr::Big(num_traits::Signed::abs(b)))))
        }
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Complex(c) => complex_abs(*c).map(Value::Float),
        Value::Builtin(_) | Value::Tuple(_) | Value::Str(_) | Value::Module(_) => Err(
            EvalError::type_error(format!("bad operand type for abs(): '{}'", x.type_name())),
        ),
    }
}

/// `_Py_c_abs`: an infinite part wins over a NaN (C99), otherwise libm's
/// `hypot`; an overflow is an error, not an infinity.
fn complex_abs(z: Complex) -> Result<f64, EvalError> {
    if !z.re.is_finite() || !z.im.is_finite() {
        if z.re.is_infinite() {
            return Ok(z.re.abs());
        }
        if z.im.is_infinite() {
            return Ok(z.im.abs());
        }
        return Ok(f64::NAN);
    }
    let r = z.re.hypot(z.im);
    if r.is_finite() {
        Ok(r)
    } else {
        Err(EvalError::overflow("absolute value too large"))
    }
}

/// `bool()`, `bool(x)`: Python's truth value of `x` (`False` without one).
pub(super) fn bool(args: &[Value]) -> Result<Value, EvalError> {
    match args {
        [] => Ok(Value::Bool(false)),
        [x] => Ok(Value::Bool(x.is_truthy())),
        _ => Err(EvalError::type_error(format!(
            "bool expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

/// `int()`, `int(x)`; a second argument (a base) needs a string, which the
/// language does not have.
pub(super) fn int(args: &[Value], budget: &Budget<'_>) -> Result<Value, EvalError> {
    match args {
        [] => Ok(Value::Int(Int(IntRepr::Small(0)))),
        [x] => match x {
            Value::Float(f) => num::f64_to_int_within(f.trunc(), budget).map(Value::Int),
            Value::Int(_) | Value::Bool(_) => {
                Ok(Value::Int(as_int(x).unwrap_or(Int(IntRepr::Small(0)))))
            }
            _ => Err(EvalError::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                x.type_name()
            ))),
        },
        [_, base] => {
            // The base is checked first (clipped to Py_ssize_t as CPython's
            // PyNumber_AsSsize_t does); only then is x found not a string.
            let base = index(base)?;
            let valid = match base {
                Int(IntRepr::Small(b)) => b == 0 || (2..=36).contains(&b),
                Int(IntRepr::Big(_)) => false,
            };
            if !valid {
                return Err(EvalError::value("int() base must be >= 2 and <= 36, or 0"));
            }
            Err(EvalError::type_error(
                "int() can't convert non-string with explicit base",
            ))
        }
        _ => Err(EvalError::type_error(format!(
            "int() takes at most 2 arguments ({} given)",
            args.len()
        ))),
    }
}

/// `float()`, `float(x)`.
pub(super) fn float(args: &[Value]) -> Result<Value, EvalError> {
    match args {
        [] => Ok(Value::Float(0.0)),
        [x] => match x {
            Value::Float(f) => Ok(Value::Float(*f)),
            Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(*b)))),
            Value::Int(i) => i.to_f64().map(Value::Float),
            _ => Err(EvalError::type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                x.type_name()
            ))),
        },
        _ => Err(EvalError::type_error(format!(
            "float expected at most 1 argument, got {}",
            args.len()
        ))),
    }
}

/// A real argument of `complex()` as a float (`PyNumber_Float`).
///
/// Complex values never reach it: `complex()` takes their parts apart first.
fn real_part(v: &Value) -> Result<f64, EvalError> {
    match v {
        Value::Complex(_) | Value::Builtin(_) | Value::Module(_) => {
            Err(EvalError::type_error(format!(
                "complex() argument must be a real number, not '{}'",
                v.type_name()
            )))
        }
        _ => super::args::real(v),
    }
}

/// `complex(real=0, imag=0)` as `complex_new`: each argument may itself be
/// complex, and the result is `real + imag*1j` computed part by part
/// (`complex(1j, 1j) == (-1+1j)`).
pub(super) fn complex(args: &[Value]) -> Result<Value, EvalError> {
    let (r, i) = match args {
        [] => return Ok(Value::Complex(Complex { re: 0.0, im: 0.0 })),
        [r] => (r, None),
        [r, i] => (r, Some(i)),
        _ => {
            return Err(EvalError::type_error(format!(
                "complex() takes at most 2 arguments ({} given)",
                args.len()
            )))
        }
    };
    // Neither a number nor a string (a string is read before this).
    if let Value::Builtin(_) | Value::Module(_) | Value::Tuple(_) = r {
        return Err(EvalError::type_error(format!(
            "complex() first argument must be a string or a number, not '{}'",
            r.type_name()
        )));
    }
    if let Some(i @ (Value::Builtin(_) | Value::Module(_) | Value::Tuple(_))) = i {
        return Err(EvalError::type_error(format!(
            "complex() second argument must be a number, not '{}'",
            i.type_name()
        )));
    }
    let (mut cr, cr_is_complex) = match r {
        Value::Complex(c) => (*c, true),
        other => (
            Complex {
                re: real_part(other)?,
                im: 0.0,
            },
            false,
        ),
    };
    let (mut ci_re, ci_im, ci_is_complex) = match i {
        None => (cr.im, 0.0, false),
        Some(Value::Complex(c)) => (c.re, c.im, true),
        Some(other) => (real_part(other)?, 0.0, false),
    };
    if ci_is_complex {
        cr.re -= ci_im;
    }
    if cr_is_complex && i.is_some() {
        ci_re += cr.im;
    }
    Ok(Value::Complex(Complex {
        re: cr.re,
        im: ci_re,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Builtin;

    fn c(re: f64, im: f64) -> Value {
        Value::Complex(Complex { re, im })
    }

    fn i(v: i64) -> Value {
        Value::Int(Int(IntRepr::Small(v)))
    }

    fn msg(r: Result<Value, EvalError>) -> String {
        r.unwrap_err().to_string()
    }

    fn huge() -> Value {
        Value::Int(Int::from_bigint(BigInt::from(10u8).pow(400u32)))
    }

    #[test]
    fn bool_is_truthiness() {
        // bool() False ; bool(0.0) False ; bool(-0.0) False ; bool(nan) True ; bool(0j) False
        assert_eq!(bool(&[]), Ok(Value::Bool(false)));
        assert_eq!(bool(&[Value::Float(0.0)]), Ok(Value::Bool(false)));
        assert_eq!(bool(&[Value::Float(-0.0)]), Ok(Value::Bool(false)));
        assert_eq!(bool(&[Value::Float(f64::NAN)]), Ok(Value::Bool(true)));
        assert_eq!(bool(&[c(0.0, 0.0)]), Ok(Value::Bool(false)));
        // bool(1e-300j) True ; bool(huge) True ; bool(abs) True ; bool(False) False
        assert_eq!(bool(&[c(0.0, 1e-300)]), Ok(Value::Bool(true)));
        assert_eq!(bool(&[huge()]), Ok(Value::Bool(true)));
        assert_eq!(bool(&[Value::Builtin(Builtin::Abs)]), Ok(Value::Bool(true)));
        assert_eq!(bool(&[Value::Bool(false)]), Ok(Value::Bool(false)));
        assert_eq!(bool(&[i(-1)]), Ok(Value::Bool(true)));
        // bool(1, 2) -> TypeError: bool expected at most 1 argument, got 2
        assert_eq!(
            msg(bool(&[i(1), i(2)])),
            "TypeError: bool expected at most 1 argument, got 2"
        );
    }

    fn abs(args: &[Value]) -> Result<Value, EvalError> {
        let limits = crate::Limits::default();
        super::abs(args, &Budget::new(&limits))
    }

    #[test]
    fn abs_cases() {
        // abs(-5) == 5 ; abs(True) == 1 ; abs(-0.0) == 0.0 ; abs(-2**63) == 2**63
        assert_eq!(abs(&[i(-5)]).unwrap(), i(5));
        assert_eq!(abs(&[Value::Bool(true)]).unwrap(), i(1));
        assert_eq!(abs(&[Value::Float(-0.0)]).unwrap(), Value::Float(0.0));
        let Value::Int(Int(IntRepr::Big(b))) = abs(&[i(i64::MIN)]).unwrap() else {
            panic!()
        };
        assert_eq!(b.to_string(), "9223372036854775808");
        // abs(3+4j) == 5.0 ; abs(complex(inf, nan)) == inf ; abs(complex(nan, 1)) is nan
        assert_eq!(abs(&[c(3.0, 4.0)]).unwrap(), Value::Float(5.0));
        assert_eq!(
            abs(&[c(f64::INFINITY, f64::NAN)]).unwrap(),
            Value::Float(f64::INFINITY)
        );
        assert!(matches!(abs(&[c(f64::NAN, 1.0)]).unwrap(), Value::Float(x) if x.is_nan()));
        // abs(1.5e308+1.5e308j) -> OverflowError: absolute value too large
        assert_eq!(
            msg(abs(&[c(1.5e308, 1.5e308)])),
            "OverflowError: absolute value too large"
        );
        assert_eq!(
            msg(abs(&[i(1), i(2)])),
            "TypeError: abs() takes exactly one argument (2 given)"
        );
        assert_eq!(
            msg(abs(&[Value::Builtin(Builtin::Int)])),
            "TypeError: bad operand type for abs(): 'type'"
        );
    }

    fn int(args: &[Value]) -> Result<Value, EvalError> {
        let limits = crate::Limits::default();
        super::int(args, &Budget::new(&limits))
    }

    #[test]
    fn int_cases() {
        // int() == 0 ; int(3.9) == 3 ; int(-3.9) == -3 ; int(True) == 1
        assert_eq!(int(&[]).unwrap(), i(0));
        assert_eq!(int(&[Value::Float(3.9)]).unwrap(), i(3));
        assert_eq!(int(&[Value::Float(-3.9)]).unwrap(), i(-3));
        assert_eq!(int(&[Value::Bool(true)]).unwrap(), i(1));
        assert_eq!(
            msg(int(&[Value::Float(f64::NAN)])),
            "ValueError: cannot convert float NaN to integer"
        );
        assert_eq!(
            msg(int(&[Value::Float(f64::INFINITY)])),
            "OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            msg(int(&[c(0.0, 1.0)])),
            "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'complex'"
        );
        assert_eq!(
            msg(int(&[i(1), i(2)])),
            "TypeError: int() can't convert non-string with explicit base"
        );
        assert_eq!(
            msg(int(&[i(1), i(2), i(3)])),
            "TypeError: int() takes at most 2 arguments (3 given)"
        );
    }

    #[test]
    fn float_cases() {
        assert_eq!(float(&[]).unwrap(), Value::Float(0.0));
        assert_eq!(float(&[Value::Bool(true)]).unwrap(), Value::Float(1.0));
        assert_eq!(float(&[i(7)]).unwrap(), Value::Float(7.0));
        assert_eq!(
            msg(float(&[huge()])),
            "OverflowError: int too large to convert to float"
        );
        assert_eq!(
            msg(float(&[Value::Builtin(Builtin::Abs)])),
            "TypeError: float() argument must be a string or a real number, not 'builtin_function_or_method'"
        );
        assert_eq!(
            msg(float(&[i(1), i(2)])),
            "TypeError: float expected at most 1 argument, got 2"
        );
    }

    #[test]
    fn complex_cases() {
        let parts = |v: Value| match v {
            Value::Complex(z) => (z.re.to_bits(), z.im.to_bits()),
            other => panic!("not complex: {other:?}"),
        };
        let bits = |re: f64, im: f64| (re.to_bits(), im.to_bits());
        // complex() == 0j ; complex(1, 2) == (1+2j) ; complex(1j, 1j) == (-1+1j)
        assert_eq!(parts(complex(&[]).unwrap()), bits(0.0, 0.0));
        assert_eq!(parts(complex(&[i(1), i(2)]).unwrap()), bits(1.0, 2.0));
        assert_eq!(
            parts(complex(&[c(0.0, 1.0), c(0.0, 1.0)]).unwrap()),
            bits(-1.0, 1.0)
        );
        // complex(1+0j, -0.0) == (1+0j) ; complex(-0.0, 0j) == (-0+0j) ; complex(1j) == 1j
        assert_eq!(
            parts(complex(&[c(1.0, 0.0), Value::Float(-0.0)]).unwrap()),
            bits(1.0, 0.0)
        );
        assert_eq!(
            parts(complex(&[Value::Float(-0.0), c(0.0, 0.0)]).unwrap()),
            bits(-0.0, 0.0)
        );
        assert_eq!(parts(complex(&[c(0.0, 1.0)]).unwrap()), bits(0.0, 1.0));
        // complex(True) == (1+0j) ; complex(2, -0.0) == (2-0j)
        assert_eq!(
            parts(complex(&[Value::Bool(true)]).unwrap()),
            bits(1.0, 0.0)
        );
        assert_eq!(
            parts(complex(&[i(2), Value::Float(-0.0)]).unwrap()),
            bits(2.0, -0.0)
        );
        assert_eq!(
            msg(complex(&[huge()])),
            "OverflowError: int too large to convert to float"
        );
        assert_eq!(
            msg(complex(&[i(1), huge()])),
            "OverflowError: int too large to convert to float"
        );
        assert_eq!(
            msg(complex(&[Value::Builtin(Builtin::Abs), Value::Builtin(Builtin::Abs)])),
            "TypeError: complex() first argument must be a string or a number, not 'builtin_function_or_method'"
        );
        assert_eq!(
            msg(complex(&[i(1), Value::Builtin(Builtin::Int)])),
            "TypeError: complex() second argument must be a number, not 'type'"
        );
        assert_eq!(
            msg(complex(&[i(1), i(2), i(3)])),
            "TypeError: complex() takes at most 2 arguments (3 given)"
        );
    }
}
