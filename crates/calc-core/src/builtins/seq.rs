//! The builtins that make or take tuples: `divmod(a, b)`, `sum(iterable,
//! start=0)` (positional `start` only), and `math.frexp` and `math.modf`,
//! bound to bare names as the other `math` functions are.

use crate::ast::BinOp;
use crate::budget::Budget;
use crate::num::float;
use crate::value::IntRepr;
use crate::{ops, EvalError, Int, Tuple, Value};

use super::args::{one, real, two};
use super::sums::{items, ITEM};

/// A pair, the tuple these functions return.
fn pair(a: Value, b: Value) -> Value {
    Value::Tuple(Tuple::from(vec![a, b]))
}

/// `divmod(a, b)`: `PyNumber_Divmod`, for ints (`long_divmod`, the
/// quotient and remainder of `//` and `%`) and floats (`float_divmod`,
/// which converts both operands before it checks for a zero divisor).
pub(super) fn divmod(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let (a, b) = two("divmod", args)?;
    let real_kind = |v: &Value| match v {
        Value::Bool(_) | Value::Int(_) => Some(false),
        Value::Float(_) => Some(true),
        _ => None,
    };
    let (Some(fa), Some(fb)) = (real_kind(a), real_kind(b)) else {
        return Err(EvalError::type_error(format!(
            "unsupported operand type(s) for divmod(): '{}' and '{}'",
            a.type_name(),
            b.type_name()
        )));
    };
    if !fa && !fb {
        let q = ops::binary(BinOp::FloorDiv, a, b, budget)?;
        let r = ops::binary(BinOp::Mod, a, b, budget)?;
        return Ok(pair(q, r));
    }
    let (x, y) = (real(a)?, real(b)?);
    if y == 0.0 {
        return Err(EvalError::zero_division("float divmod()"));
    }
    Ok(pair(
        Value::Float(float::floor_div(x, y)?),
        Value::Float(float::modulo(x, y)?),
    ))
}

/// `sum(iterable, start=0)`: in CPython 3.11 (`builtin_sum_impl`) a
/// left-to-right `+` from `start`; its fast paths for machine ints and
/// floats add as `+` does (plain float addition, no compensation).
pub(super) fn sum(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let (iterable, start) = match args {
        [x] => (x, Value::Int(Int(IntRepr::Small(0)))),
        [x, start] => (x, start.clone()),
        [] => {
            return Err(EvalError::type_error(
                "sum() takes at least 1 positional argument (0 given)",
            ))
        }
        _ => {
            return Err(EvalError::type_error(format!(
                "sum() takes at most 2 arguments ({} given)",
                args.len()
            )))
        }
    };
    // CPython's `builtin_sum_impl`: the iterator first, then the start
    // checked (a string start is refused), then the additions.
    if let Value::Str(text) = iterable {
        refuse_string_start(&start)?;
        let mut acc = start;
        for c in text.chars() {
            budget.charge(ITEM)?;
            let c = Value::Str(std::sync::Arc::from(c.to_string()));
            acc = ops::binary_owned(BinOp::Add, acc, &c, budget)?;
        }
        return Ok(acc);
    }
    let values = items(iterable, ITEM, budget)?;
    refuse_string_start(&start)?;
    let mut acc = start;
    for v in values {
        acc = match ops::inline_binary(BinOp::Add, &acc, v) {
            Some(r) => r,
            None => ops::binary_owned(BinOp::Add, acc, v, budget)?,
        };
    }
    Ok(acc)
}

/// `sum`'s refusal of a string as its start value.
fn refuse_string_start(start: &Value) -> Result<(), EvalError> {
    match start {
        Value::Str(_) => Err(EvalError::type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        )),
        _ => Ok(()),
    }
}

/// `math.frexp(x)`: `(m, e)` with `x == m * 2**e` and `0.5 <= |m| < 1`;
/// zeros, infinities and NaNs give `(x, 0)`.
pub(super) fn frexp(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.frexp", args)?)?;
    let (m, e) = frexp_of(x);
    Ok(pair(Value::Float(m), Value::Int(Int::from(e))))
}

/// C's `frexp`, exactly (the mantissa's bits are `x`'s).
fn frexp_of(x: f64) -> (f64, i64) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    // A subnormal is scaled into the normal range first.
    let (x, shift) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(64), -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    // The exponent field of a mantissa in [0.5, 1) is 1022.
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022 + shift)
}

/// `math.modf(x)`: the fractional and integral parts, both with `x`'s
/// sign; an infinity gives `(±0.0, x)`, a NaN `(x, x)`.
pub(super) fn modf(args: &[Value]) -> Result<Value, EvalError> {
    let x = real(one("math.modf", args)?)?;
    let (frac, whole) = if x.is_infinite() {
        (0f64.copysign(x), x)
    } else if x.is_nan() {
        (x, x)
    } else {
        let whole = x.trunc();
        ((x - whole).copysign(x), whole)
    };
    Ok(pair(Value::Float(frac), Value::Float(whole)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_matches_c() {
        // math.frexp(8) / (5e-324) / (-0.75) / (1e308) / (2.2250738585072014e-308)
        assert_eq!(frexp_of(8.0), (0.5, 4));
        assert_eq!(frexp_of(5e-324), (0.5, -1073));
        assert_eq!(frexp_of(-0.75), (-0.75, 0));
        assert_eq!(frexp_of(1e308), (0.5562684646268004, 1024));
        assert_eq!(frexp_of(2.2250738585072014e-308), (0.5, -1021));
        let (m, e) = frexp_of(-0.0);
        assert_eq!((m.to_bits(), e), ((-0.0f64).to_bits(), 0));
    }
}
