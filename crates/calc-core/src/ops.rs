//! Operator semantics of the language: Python's rules for every operand type.
//!
//! OWNER: numeric-core helper. Contract (used by `eval`):
//! - `binary(op, a, b, budget)`: `a op b` for every `BinOp`.
//! - `unary(op, a, budget)`: `-a`, `+a`, `~a`.
//! - `compare(op, a, b, budget)`: one comparison link of a chain.
//! - `Value::is_truthy` lives in `value.rs`.

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::budget::Budget;
use crate::{EvalError, Value};

/// `a op b` with Python semantics.
pub(crate) fn binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let _ = (op, a, b, budget);
    todo!("numeric-core helper")
}

/// `op a` with Python semantics.
pub(crate) fn unary(op: UnaryOp, a: &Value, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let _ = (op, a, budget);
    todo!("numeric-core helper")
}

/// One comparison `a op b` with Python semantics (exact int/float comparison).
pub(crate) fn compare(
    op: CmpOp,
    a: &Value,
    b: &Value,
    budget: &mut Budget<'_>,
) -> Result<bool, EvalError> {
    let _ = (op, a, b, budget);
    todo!("numeric-core helper")
}
