//! `min` and `max` with positional arguments, as CPython's `min_max`: one
//! argument must be an iterable (a tuple, whose items are compared, or a
//! string, whose characters are), and each
//! later item replaces the best so far only when `item < best` (`min`) or
//! `item > best` (`max`) holds, so NaNs and equal items keep the first.

use crate::ast::CmpOp;
use crate::budget::Budget;
use crate::{ops, EvalError, Value};

/// `min(*args)` (`op` = `<`) or `max(*args)` (`op` = `>`).
pub(super) fn min_max(
    name: &str,
    op: CmpOp,
    args: &[Value],
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let (first, rest) = match args {
        [] => {
            return Err(EvalError::type_error(format!(
                "{name} expected at least 1 argument, got 0"
            )))
        }
        [Value::Str(s)] => return of_chars(name, op, s, budget),
        [x] => match super::sums::items(x, super::sums::ITEM, budget)? {
            [] => {
                return Err(EvalError::value(format!(
                    "{name}() arg is an empty sequence"
                )))
            }
            [first, rest @ ..] => (first, rest),
        },
        [first, rest @ ..] => (first, rest),
    };
    let mut best = first;
    for item in rest {
        if ops::compare(op, item, best, budget)? {
            best = item;
        }
    }
    Ok(best.clone())
}

/// `min(s)` / `max(s)` of one string: the least or greatest of its
/// characters (code points), as a string; an empty string is CPython's
/// ValueError.
fn of_chars(name: &str, op: CmpOp, s: &str, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    budget.charge(crate::text::str_cost(s.len()))?;
    let best = if op == CmpOp::Lt {
        s.chars().min()
    } else {
        s.chars().max()
    };
    match best {
        Some(c) => Ok(Value::Str(std::sync::Arc::from(c.to_string()))),
        None => Err(EvalError::value(format!(
            "{name}() arg is an empty sequence"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Builtin, Limits};

    fn call(name: &str, op: CmpOp, args: &[Value]) -> Result<Value, EvalError> {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        min_max(name, op, args, &mut budget)
    }

    fn i(v: i64) -> Value {
        Value::from(v)
    }

    #[test]
    fn arity_and_iterables() {
        // min() / max(1) / max(abs)
        assert_eq!(
            call("min", CmpOp::Lt, &[]).unwrap_err().to_string(),
            "TypeError: min expected at least 1 argument, got 0"
        );
        assert_eq!(
            call("max", CmpOp::Gt, &[i(1)]).unwrap_err().to_string(),
            "TypeError: 'int' object is not iterable"
        );
        assert_eq!(
            call("max", CmpOp::Gt, &[Value::Builtin(Builtin::Abs)])
                .unwrap_err()
                .to_string(),
            "TypeError: 'builtin_function_or_method' object is not iterable"
        );
    }

    #[test]
    fn picks_like_python() {
        // max(nan, 1) is nan ; max(1, nan) == 1 ; max(True, 0) is True ; min(1, True) == 1
        let nan = Value::Float(f64::NAN);
        assert!(
            matches!(call("max", CmpOp::Gt, &[nan.clone(), i(1)]).unwrap(), Value::Float(x) if x.is_nan())
        );
        assert_eq!(call("max", CmpOp::Gt, &[i(1), nan]).unwrap(), i(1));
        assert_eq!(
            call("max", CmpOp::Gt, &[Value::Bool(true), i(0)]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("min", CmpOp::Lt, &[i(1), Value::Bool(true)]).unwrap(),
            i(1)
        );
        // min(3, 1.5, 2) == 1.5 ; max(2, 2.0) == 2 (first of equals)
        assert_eq!(
            call("min", CmpOp::Lt, &[i(3), Value::Float(1.5), i(2)]).unwrap(),
            Value::Float(1.5)
        );
        assert_eq!(
            call("max", CmpOp::Gt, &[i(2), Value::Float(2.0)]).unwrap(),
            i(2)
        );
        // max(1, 1j) -> TypeError: '>' not supported between instances of 'complex' and 'int'
        let j = Value::Complex(crate::Complex { re: 0.0, im: 1.0 });
        assert_eq!(
            call("max", CmpOp::Gt, &[i(1), j]).unwrap_err().to_string(),
            "TypeError: '>' not supported between instances of 'complex' and 'int'"
        );
    }
}
