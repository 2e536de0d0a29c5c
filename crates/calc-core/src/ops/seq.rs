//! The operators on tuples, as CPython's `tupleobject.c` and
//! `abstract.c` define them: `+` (concatenation), `*` (repetition by an
//! int), comparisons (lexicographic), `in` and indexing.
//!
//! Every operation charges the budget for the elements it visits or
//! copies before doing it, and a result over `Limits::max_memory` is
//! refused before it is allocated. Tuples nest at most
//! `Limits::max_nesting` deep (the walker refuses deeper ones), which
//! bounds the recursion of comparisons.

use std::cmp::Ordering;

use crate::ast::{BinOp, CmpOp};
use crate::budget::{held_bytes, Budget};
use crate::value::IntRepr;
use crate::{ErrorKind, EvalError, Int, Tuple, Value};

/// `a op b` when either operand is a tuple.
pub(super) fn binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    match (op, a, b) {
        (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => concat(x, y, budget),
        // `sq_concat` of the left operand only.
        (BinOp::Add, Value::Tuple(_), other) => Err(EvalError::type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            other.type_name()
        ))),
        // `sequence_repeat` of the left operand if it is the tuple.
        (BinOp::Mul, Value::Tuple(t), n) | (BinOp::Mul, n, Value::Tuple(t)) => repeat(t, n, budget),
        _ => Err(super::unsupported(op, a, b)),
    }
}

/// `x + y`.
fn concat(x: &Tuple, y: &Tuple, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    if y.is_empty() {
        return Ok(Value::Tuple(x.clone()));
    }
    if x.is_empty() {
        return Ok(Value::Tuple(y.clone()));
    }
    let len = x.len() + y.len();
    let bytes = x
        .held_bytes()
        .saturating_add(y.held_bytes())
        .saturating_sub(Tuple::OVERHEAD);
    admit(len as u64, bytes, budget)?;
    let mut items = Vec::with_capacity(len);
    items.extend_from_slice(x.items());
    items.extend_from_slice(y.items());
    Ok(Value::Tuple(Tuple::from(items)))
}

/// `t * n` (or `n * t`): `n` must be an int (`__index__`).
fn repeat(t: &Tuple, n: &Value, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let count = match n {
        Value::Bool(b) => i64::from(*b),
        Value::Int(Int(IntRepr::Small(v))) => *v,
        // `PyNumber_AsSsize_t(n, PyExc_OverflowError)`.
        Value::Int(_) => {
            return Err(EvalError::overflow(
                "cannot fit 'int' into an index-sized integer",
            ))
        }
        other => {
            return Err(EvalError::type_error(format!(
                "can't multiply sequence by non-int of type '{}'",
                other.type_name()
            )))
        }
    };
    if count <= 0 || t.is_empty() {
        return Ok(Value::Tuple(Tuple::default()));
    }
    if count == 1 {
        return Ok(Value::Tuple(t.clone()));
    }
    let count = count as u64;
    let len = (t.len() as u64).saturating_mul(count);
    let each = t.held_bytes().saturating_sub(Tuple::OVERHEAD);
    let bytes = Tuple::OVERHEAD.saturating_add(each.saturating_mul(count));
    admit(len, bytes, budget)?;
    let len = usize::try_from(len).map_err(|_| budget.memory_error())?;
    let mut items = Vec::with_capacity(len);
    for _ in 0..count {
        items.extend_from_slice(t.items());
    }
    Ok(Value::Tuple(Tuple::from(items)))
}

/// Work units an element compared costs (a call of `compare`, a few
/// nanoseconds), besides what the comparison charges itself.
const ELEMENT: u64 = 16;

/// Work units an element copied into a new tuple costs: its clone, its
/// drop with the tuple it came from, and the fresh pages of a large
/// allocation (measured: up to 17 ns an element for tuples of 10,000,
/// with a copy made per `+`).
const COPY: u64 = 32;

/// Checks, before a tuple of `len` elements counting `bytes` is built,
/// that it fits `Limits::max_memory`, and charges its building:
/// [`COPY`] units an element and one a word of what the elements hold
/// (copying an int outside the machine word copies its digits).
fn admit(len: u64, bytes: u64, budget: &mut Budget<'_>) -> Result<(), EvalError> {
    if bytes > budget.limits.max_memory {
        return Err(budget.memory_error());
    }
    budget.charge(len.saturating_mul(COPY).saturating_add(bytes / 8))
}

/// One comparison `a op b` where either side is a tuple, or `op` is `in`
/// or `not in`.
pub(super) fn compare(
    op: CmpOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<bool, EvalError> {
    match op {
        CmpOp::In | CmpOp::NotIn => return contains(a, b, budget).map(|c| c == (op == CmpOp::In)),
        _ => {}
    }
    let (Value::Tuple(x), Value::Tuple(y)) = (a, b) else {
        return match op {
            CmpOp::Eq => Ok(false),
            CmpOp::Ne => Ok(true),
            _ => Err(super::not_supported(op, a, b)),
        };
    };
    // `tuplerichcompare`: the first index where the items differ.
    let (x, y) = (x.items(), y.items());
    let mut i = 0;
    while i < x.len() && i < y.len() {
        budget.charge(ELEMENT)?;
        if !super::compare(CmpOp::Eq, &x[i], &y[i], budget)? {
            break;
        }
        i += 1;
    }
    if i >= x.len() || i >= y.len() {
        let o = x.len().cmp(&y.len());
        return Ok(match op {
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
            CmpOp::Eq => o == Ordering::Equal,
            _ => o != Ordering::Equal,
        });
    }
    match op {
        CmpOp::Eq => Ok(false),
        CmpOp::Ne => Ok(true),
        _ => super::compare(op, &x[i], &y[i], budget),
    }
}

/// `a in b`: `b` must be a tuple, whose items are compared with `a` by
/// `==`.
fn contains(a: &Value, b: &Value, budget: &mut Budget<'_>) -> Result<bool, EvalError> {
    let Value::Tuple(t) = b else {
        return Err(EvalError::type_error(format!(
            "argument of type '{}' is not iterable",
            b.type_name()
        )));
    };
    for item in t.items() {
        budget.charge(ELEMENT)?;
        if super::compare(CmpOp::Eq, item, a, budget)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `v[index]` (`BINARY_SUBSCR`).
pub(crate) fn subscript(
    v: &Value,
    index: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let t = match v {
        Value::Tuple(t) => t,
        Value::Str(s) => return str_subscript(s, index, budget),
        Value::Builtin(b) if b.is_type() => {
            return Err(EvalError::type_error(format!(
                "type '{}' is not subscriptable",
                b.name()
            )))
        }
        other => {
            return Err(EvalError::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            )))
        }
    };
    let i = index_value(index, |other| {
        format!(
            "tuple indices must be integers or slices, not {}",
            other.type_name()
        )
    })?;
    let len = t.len() as i64;
    let i = if i < 0 { i + len } else { i };
    if !(0..len).contains(&i) {
        return Err(EvalError::new(ErrorKind::Index, "tuple index out of range"));
    }
    let item = &t.items()[i as usize];
    // The item is copied out: an int outside the machine word copies its
    // digits.
    budget.charge(1 + held_bytes(item) / 8)?;
    Ok(item.clone())
}

/// An index as CPython's `PyNumber_AsSsize_t` reads it for a sequence:
/// an int or bool; an int past the machine word is an IndexError; any
/// other value the sequence's TypeError, `wrong_type`'s message.
fn index_value(index: &Value, wrong_type: impl Fn(&Value) -> String) -> Result<i64, EvalError> {
    match index {
        Value::Bool(b) => Ok(i64::from(*b)),
        Value::Int(Int(IntRepr::Small(i))) => Ok(*i),
        Value::Int(_) => Err(EvalError::new(
            ErrorKind::Index,
            "cannot fit 'int' into an index-sized integer",
        )),
        other => Err(EvalError::type_error(wrong_type(other))),
    }
}

/// `s[index]` of a string: the character at code point `index` (from the
/// end when negative), as CPython's `unicode_getitem`; found by a walk
/// over the text, charged as a pass over it.
fn str_subscript(s: &str, index: &Value, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let i = index_value(index, |other| {
        format!(
            "string indices must be integers, not '{}'",
            other.type_name()
        )
    })?;
    budget.charge(crate::text::str_cost(s.len()))?;
    let found = if i < 0 {
        i.checked_neg()
            .and_then(|back| usize::try_from(back - 1).ok())
            .and_then(|back| s.chars().rev().nth(back))
    } else {
        usize::try_from(i).ok().and_then(|i| s.chars().nth(i))
    };
    match found {
        Some(c) => Ok(Value::Str(std::sync::Arc::from(c.to_string()))),
        None => Err(EvalError::new(
            ErrorKind::Index,
            "string index out of range",
        )),
    }
}
