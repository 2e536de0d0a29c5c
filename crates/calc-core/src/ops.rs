//! Operator semantics of the language: Python's rules for every operand type.
//!
//! Contract (used by `eval`):
//! - `binary(op, a, b, budget)`: `a op b` for every `BinOp`.
//! - `unary(op, a, budget)`: `-a`, `+a`, `~a`.
//! - `compare(op, a, b, budget)`: one comparison link of a chain.
//! - `Value::is_truthy` lives in `value.rs`.
//!
//! Dispatch follows CPython's numeric tower: bool acts as int, int op float
//! converts the int to float first (OverflowError when it is too large),
//! anything op complex converts both sides to complex. Whether an operator
//! exists for the operand types is decided before any conversion, as
//! CPython's slot lookup does (`1j // 2**2000` is a TypeError, not an
//! OverflowError). Two small ints and two floats take allocation-free fast
//! paths.

use crate::value::IntRepr;
use std::borrow::Cow;
use std::cmp::Ordering;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::budget::{linear_cost, Budget};
use crate::num::{complex, division, float};
use crate::{Complex, EvalError, Int, Value};

mod seq;
pub(crate) use seq::subscript;

/// `a op b` with Python semantics.
#[inline]
pub(crate) fn binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    match inline_binary(op, a, b) {
        Some(v) => Ok(v),
        None => binary_out_of_line(op, a, b, budget),
    }
}

/// [`binary`] with the left operand by value: a big int's `+` and `-` then
/// add into its digits (num-bigint reuses an owned operand's allocation)
/// instead of allocating the result; everything else is [`binary`]. Out of
/// line, as its callers' common case never gets here.
#[inline(never)]
pub(crate) fn binary_owned(
    op: BinOp,
    a: Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    match (a, b) {
        (Value::Int(Int(IntRepr::Big(x))), Value::Int(y))
            if matches!(op, BinOp::Add | BinOp::Sub) =>
        {
            Int::add_sub_owned(x, y, op == BinOp::Sub, budget).map(Value::Int)
        }
        (a, b) => binary(op, &a, b, budget),
    }
}

/// The commonest cases of [`binary`], for callers to inline: float
/// `+ - *` and `/` by nonzero are plain IEEE operations, small int `+ - *`
/// that do not overflow are exact. `None` for everything else, errors
/// included, which [`binary`] decides out of line.
#[inline(always)]
pub(crate) fn inline_binary(op: BinOp, a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => match op {
            BinOp::Add => Some(Value::Float(float::add(*x, *y))),
            BinOp::Sub => Some(Value::Float(x - y)),
            BinOp::Mul => Some(Value::Float(float::mul(*x, *y))),
            BinOp::Div if *y != 0.0 => Some(Value::Float(x / y)),
            _ => None,
        },
        (Value::Int(Int(IntRepr::Small(x))), Value::Int(Int(IntRepr::Small(y)))) => {
            let v = match op {
                BinOp::Add => x.checked_add(*y),
                BinOp::Sub => x.checked_sub(*y),
                BinOp::Mul => x.checked_mul(*y),
                _ => None,
            };
            v.map(|v| Value::Int(Int(IntRepr::Small(v))))
        }
        _ => None,
    }
}

/// [`binary`] past its inline cases.
#[inline(never)]
fn binary_out_of_line(
    op: BinOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    match (a, b) {
        // Two ints go straight to `int_binary`, as through `num` below
        // but without building the `Num`s.
        (Value::Int(i), Value::Int(j)) => {
            if let (Int(IntRepr::Small(x)), Int(IntRepr::Small(y))) = (i, j) {
                if let Some(v) = small_binary(op, *x, *y) {
                    return Ok(v);
                }
            }
            return int_binary(op, i, j, budget);
        }
        (Value::Float(x), Value::Float(y)) => return float_binary(op, *x, *y, a, b),
        // `as` rounds an i64 to the nearest float, as `Int::to_f64` does.
        (Value::Int(Int(IntRepr::Small(x))), Value::Float(y)) => {
            return float_binary(op, *x as f64, *y, a, b);
        }
        (Value::Float(x), Value::Int(Int(IntRepr::Small(y)))) => {
            return float_binary(op, *x, *y as f64, a, b);
        }
        (Value::Bool(x), Value::Bool(y)) => match op {
            BinOp::BitAnd => return Ok(Value::Bool(x & y)),
            BinOp::BitOr => return Ok(Value::Bool(x | y)),
            BinOp::BitXor => return Ok(Value::Bool(x ^ y)),
            _ => {}
        },
        // A tuple on the left answers first (`sq_concat` and
        // `sq_repeat` of the left operand, as CPython tries them).
        (Value::Str(_), _) | (_, Value::Str(_)) if !matches!(a, Value::Tuple(_)) => {
            return str_binary(op, a, b, budget)
        }
        _ => {}
    }
    if matches!(a, Value::Tuple(_)) || matches!(b, Value::Tuple(_)) {
        return seq::binary(op, a, b, budget);
    }
    let (Some(x), Some(y)) = (num(a), num(b)) else {
        return Err(unsupported(op, a, b));
    };
    match (&x, &y) {
        (Num::Int(i), Num::Int(j)) => int_binary(op, i, j, budget),
        (Num::Complex(_), _) | (_, Num::Complex(_)) => {
            if !matches!(
                op,
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow
            ) {
                return Err(unsupported(op, a, b));
            }
            complex_binary(op, to_complex(&x)?, to_complex(&y)?)
        }
        _ => {
            if !is_float_op(op) {
                return Err(unsupported(op, a, b));
            }
            float_binary(op, to_float(&x)?, to_float(&y)?, a, b)
        }
    }
}

/// Both operands are machine words: the cases that need neither a bigint
/// nor an error. `None` sends the operation down the general path.
#[inline]
fn small_binary(op: BinOp, x: i64, y: i64) -> Option<Value> {
    let v = match op {
        BinOp::Add => x.checked_add(y)?,
        BinOp::Sub => x.checked_sub(y)?,
        BinOp::Mul => x.checked_mul(y)?,
        BinOp::FloorDiv => {
            let q = x.checked_div(y)?;
            if (x % y != 0) && ((x < 0) != (y < 0)) {
                q - 1
            } else {
                q
            }
        }
        BinOp::Mod => {
            let r = x.checked_rem(y)?;
            if r != 0 && ((r < 0) != (y < 0)) {
                r + y
            } else {
                r
            }
        }
        BinOp::Div => {
            const EXACT: u64 = 1 << 53;
            if y == 0 || x.unsigned_abs() > EXACT || y.unsigned_abs() > EXACT {
                return None;
            }
            return Some(Value::Float(x as f64 / y as f64));
        }
        BinOp::Pow => {
            // For |x| >= 2 an exponent past 63 overflows; `checked_pow`
            // would square until it does.
            if y > 63 && x.unsigned_abs() > 1 {
                return None;
            }
            x.checked_pow(u32::try_from(y).ok()?)?
        }
        BinOp::Shl => {
            if !(0..63).contains(&y) {
                return None;
            }
            let s = x << y;
            if s >> y != x {
                return None;
            }
            s
        }
        BinOp::Shr => {
            if y < 0 {
                return None;
            }
            x >> y.min(63)
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
    };
    Some(Value::Int(Int(IntRepr::Small(v))))
}

/// A numeric operand, with bool read as int.
enum Num<'a> {
    Int(Cow<'a, Int>),
    Float(f64),
    Complex(Complex),
}

fn num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Bool(b) => Some(Num::Int(Cow::Owned(Int(IntRepr::Small(i64::from(*b)))))),
        Value::Int(i) => Some(Num::Int(Cow::Borrowed(i))),
        Value::Float(x) => Some(Num::Float(*x)),
        Value::Complex(c) => Some(Num::Complex(*c)),
        Value::Builtin(_) | Value::Tuple(_) | Value::Str(_) | Value::Module(_) => None,
    }
}

fn to_float(n: &Num<'_>) -> Result<f64, EvalError> {
    match n {
        Num::Int(i) => i.to_f64(),
        Num::Float(x) => Ok(*x),
        // Callers route complex operands elsewhere; keep the real part.
        Num::Complex(c) => Ok(c.re),
    }
}

fn to_complex(n: &Num<'_>) -> Result<Complex, EvalError> {
    match n {
        Num::Complex(c) => Ok(*c),
        other => Ok(Complex::new(to_float(other)?, 0.0)),
    }
}

fn is_float_op(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add
            | BinOp::Sub
            | BinOp::Mul
            | BinOp::Div
            | BinOp::FloorDiv
            | BinOp::Mod
            | BinOp::Pow
    )
}

fn int_binary(op: BinOp, i: &Int, j: &Int, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let r = match op {
        BinOp::Add => i.add(j, budget)?,
        BinOp::Sub => i.sub(j, budget)?,
        BinOp::Mul => i.mul(j, budget)?,
        BinOp::Div => return division::true_div(i, j, budget).map(Value::Float),
        BinOp::FloorDiv => i.floor_div(j, budget)?,
        BinOp::Mod => i.modulo(j, budget)?,
        BinOp::Pow => {
            if j.is_negative() {
                // long_pow hands a negative exponent to float_pow.
                return float::pow(i.to_f64()?, j.to_f64()?);
            }
            i.pow(j, budget)?
        }
        BinOp::Shl => i.shl(j, budget)?,
        BinOp::Shr => i.shr(j, budget)?,
        BinOp::BitAnd => i.bitand(j, budget)?,
        BinOp::BitOr => i.bitor(j, budget)?,
        BinOp::BitXor => i.bitxor(j, budget)?,
    };
    Ok(Value::Int(r))
}

fn float_binary(op: BinOp, x: f64, y: f64, a: &Value, b: &Value) -> Result<Value, EvalError> {
    let r = match op {
        BinOp::Add => float::add(x, y),
        BinOp::Sub => x - y,
        BinOp::Mul => float::mul(x, y),
        BinOp::Div => float::div(x, y)?,
        BinOp::FloorDiv => float::floor_div(x, y)?,
        BinOp::Mod => float::modulo(x, y)?,
        BinOp::Pow => return float::pow(x, y),
        _ => return Err(unsupported(op, a, b)),
    };
    Ok(Value::Float(r))
}

fn complex_binary(op: BinOp, x: Complex, y: Complex) -> Result<Value, EvalError> {
    let r = match op {
        BinOp::Add => complex::add(x, y),
        BinOp::Sub => complex::sub(x, y),
        BinOp::Mul => complex::mul(x, y),
        BinOp::Div => complex::div(x, y)?,
        // The caller only sends the five complex operators.
        _ => complex::pow(x, y)?,
    };
    Ok(Value::Complex(r))
}

/// `a op b` when either operand is a string: `+` of two strings, `*` of
/// a string and an int (either side), and CPython's TypeErrors for the
/// rest. `%` with a string on the left is printf-style formatting, outside
/// the language unless the string has no `%` in it (then CPython's
/// TypeError, whatever the right operand).
#[inline(never)]
fn str_binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    match (op, a, b) {
        (BinOp::Add, Value::Str(x), Value::Str(y)) => crate::text::concat(x, y, budget),
        (BinOp::Add, Value::Str(_), _) => Err(EvalError::type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            b.type_name()
        ))),
        (BinOp::Mul, Value::Str(s), n) | (BinOp::Mul, n, Value::Str(s)) => match n.as_int() {
            Some(n) => crate::text::repeat(s, &n, budget),
            None => Err(EvalError::type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                n.type_name()
            ))),
        },
        (BinOp::Mod, Value::Str(s), _) => Err(EvalError::type_error(if s.contains('%') {
            "printf-style formatting of strings is not supported"
        } else {
            "not all arguments converted during string formatting"
        })),
        _ => Err(unsupported(op, a, b)),
    }
}

/// CPython's TypeError for a binary operator without an implementation.
fn unsupported(op: BinOp, a: &Value, b: &Value) -> EvalError {
    let sym = if op == BinOp::Pow {
        "** or pow()"
    } else {
        op.symbol()
    };
    EvalError::type_error(format!(
        "unsupported operand type(s) for {sym}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

/// `op a` with Python semantics.
pub(crate) fn unary(op: UnaryOp, a: &Value, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let bad = || {
        EvalError::type_error(format!(
            "bad operand type for unary {}: '{}'",
            op.symbol(),
            a.type_name()
        ))
    };
    Ok(match (op, a) {
        (_, Value::Bool(b)) => {
            let v = i64::from(*b);
            Value::Int(Int(IntRepr::Small(match op {
                UnaryOp::Neg => -v,
                UnaryOp::Pos => v,
                UnaryOp::Invert => !v,
            })))
        }
        (UnaryOp::Pos, Value::Float(_) | Value::Complex(_)) => a.clone(),
        (_, Value::Int(i)) => {
            if let Int(IntRepr::Big(b)) = i {
                // Even `+x` copies the digits.
                budget.charge(linear_cost(b.bits()))?;
            }
            if op == UnaryOp::Pos {
                return Ok(a.clone());
            }
            let r = if op == UnaryOp::Neg {
                i.neg()
            } else {
                i.invert()
            };
            // `~(2**n - 1)` is `-2**n`, a bit longer; `-(-2**63)` leaves
            // the machine word.
            Value::Int(match r {
                Int(IntRepr::Big(_)) => crate::num::int::exact(r, budget)?,
                small => small,
            })
        }
        (UnaryOp::Neg, Value::Float(x)) => Value::Float(-x),
        (UnaryOp::Neg, Value::Complex(c)) => Value::Complex(Complex::new(-c.re, -c.im)),
        _ => return Err(bad()),
    })
}

/// One comparison `a op b` with Python semantics (exact int/float comparison).
///
/// A thin dispatch: tuples compare item by item through this function
/// again, so its own frame is what each level of nested tuples costs on
/// the stack.
#[inline]
pub(crate) fn compare(
    op: CmpOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<bool, EvalError> {
    if matches!(op, CmpOp::In | CmpOp::NotIn)
        || matches!(a, Value::Tuple(_))
        || matches!(b, Value::Tuple(_))
    {
        return sequence_compare(op, a, b, budget);
    }
    scalar_compare(op, a, b, budget)
}

/// `in`/`not in`, and comparisons with a tuple on either side.
#[inline(never)]
fn sequence_compare(
    op: CmpOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<bool, EvalError> {
    // A string container: a substring test (its own TypeError for a left
    // operand that is no string); any other: `seq::compare`.
    if matches!(op, CmpOp::In | CmpOp::NotIn) && matches!(b, Value::Str(_)) {
        return contains(a, b, budget).map(|found| found == (op == CmpOp::In));
    }
    seq::compare(op, a, b, budget)
}

/// A comparison of two values neither of which is a tuple.
#[inline(never)]
fn scalar_compare(
    op: CmpOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<bool, EvalError> {
    if let (Value::Int(Int(IntRepr::Big(x))), Value::Int(Int(IntRepr::Big(y)))) = (a, b) {
        budget.charge(linear_cost(x.bits().min(y.bits())))?;
    }
    let ord = match (a, b) {
        (Value::Int(Int(IntRepr::Small(x))), Value::Int(Int(IntRepr::Small(y)))) => Some(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Some(crate::text::compare(x, y, budget)?),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(i @ Int(IntRepr::Small(_))), Value::Float(f)) => {
            float::cmp_float_int(*f, i).map(Ordering::reverse)
        }
        (Value::Float(f), Value::Int(i @ Int(IntRepr::Small(_)))) => float::cmp_float_int(*f, i),
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => match (x, y) {
                (Num::Int(i), Num::Int(j)) => Some(i.cmp(&j)),
                (Num::Int(i), Num::Float(f)) => float::cmp_float_int(f, &i).map(Ordering::reverse),
                (Num::Float(f), Num::Int(i)) => float::cmp_float_int(f, &i),
                (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
                (x, y) => {
                    if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                        return Err(not_supported(op, a, b));
                    }
                    let eq = complex_eq(&x, &y);
                    return Ok(eq == (op == CmpOp::Eq));
                }
            },
            _ => {
                return match op {
                    CmpOp::Eq => Ok(a == b),
                    CmpOp::Ne => Ok(a != b),
                    _ => Err(not_supported(op, a, b)),
                };
            }
        },
    };
    Ok(match ord {
        // NaN: only `!=` holds.
        None => op == CmpOp::Ne,
        Some(o) => match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::In | CmpOp::NotIn => false,
        },
    })
}

/// `item in container`: of the language's values only a string is a
/// container, and a string contains only strings (its substrings).
#[inline(never)]
fn contains(item: &Value, container: &Value, budget: &mut Budget<'_>) -> Result<bool, EvalError> {
    match (item, container) {
        (Value::Str(needle), Value::Str(haystack)) => {
            crate::text::contains(haystack, needle, budget)
        }
        (_, Value::Str(_)) => Err(EvalError::type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            item.type_name()
        ))),
        _ => Err(EvalError::type_error(format!(
            "argument of type '{}' is not iterable",
            container.type_name()
        ))),
    }
}

/// `x == y` when at least one side is complex (`complex_richcompare`): an
/// int compares exactly against the real part.
fn complex_eq(x: &Num<'_>, y: &Num<'_>) -> bool {
    match (x, y) {
        (Num::Complex(c), Num::Complex(d)) => c.re == d.re && c.im == d.im,
        (Num::Complex(c), Num::Float(f)) | (Num::Float(f), Num::Complex(c)) => {
            c.re == *f && c.im == 0.0
        }
        (Num::Complex(c), Num::Int(i)) | (Num::Int(i), Num::Complex(c)) => {
            c.im == 0.0 && float::cmp_float_int(c.re, i) == Some(Ordering::Equal)
        }
        _ => false,
    }
}

fn not_supported(op: CmpOp, a: &Value, b: &Value) -> EvalError {
    EvalError::type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    ))
}

#[cfg(test)]
mod tests;
