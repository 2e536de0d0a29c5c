//! Argument checking shared by the builtins: arity errors in the several
//! wordings CPython uses, and the argument conversions `PyFloat_AsDouble`
//! ("must be real number") and `PyNumber_Index` ("cannot be interpreted as
//! an integer").

use crate::value::IntRepr;
use crate::{EvalError, Int, Value};

/// A `METH_O` function's single argument: `abs() takes exactly one
/// argument (2 given)`; `qualname` is `abs` or `math.sqrt`.
pub(super) fn one<'a>(qualname: &str, args: &'a [Value]) -> Result<&'a Value, EvalError> {
    match args {
        [x] => Ok(x),
        _ => Err(EvalError::type_error(format!(
            "{qualname}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

/// Argument Clinic's fixed-arity check: `atan2 expected 2 arguments, got 1`.
pub(super) fn two<'a>(name: &str, args: &'a [Value]) -> Result<(&'a Value, &'a Value), EvalError> {
    match args {
        [x, y] => Ok((x, y)),
        _ => Err(EvalError::type_error(format!(
            "{name} expected 2 arguments, got {}",
            args.len()
        ))),
    }
}

/// `PyFloat_AsDouble`: ints and bools convert (OverflowError when too
/// large), complex and non-numbers are a TypeError.
pub(super) fn real(v: &Value) -> Result<f64, EvalError> {
    match v {
        Value::Float(x) => Ok(*x),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        Value::Int(i) => i.to_f64(),
        Value::Complex(_)
        | Value::Builtin(_)
        | Value::Tuple(_)
        | Value::Str(_)
        | Value::Module(_) => Err(EvalError::type_error(format!(
            "must be real number, not {}",
            v.type_name()
        ))),
    }
}

/// `PyNumber_Index`: ints and bools as an int, anything else a TypeError.
pub(super) fn index(v: &Value) -> Result<Int, EvalError> {
    match v {
        Value::Int(i) => Ok(i.clone()),
        Value::Bool(b) => Ok(Int(IntRepr::Small(i64::from(*b)))),
        _ => Err(EvalError::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))),
    }
}

/// An int or bool argument as an `Int` (bools become 0 and 1), if it is one.
pub(super) fn as_int(v: &Value) -> Option<Int> {
    match v {
        Value::Int(i) => Some(i.clone()),
        Value::Bool(b) => Some(Int(IntRepr::Small(i64::from(*b)))),
        _ => None,
    }
}
