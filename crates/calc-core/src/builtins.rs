//! The names every evaluation can see: the functions and constants of
//! DESIGN.md section 2's `NS`, with CPython 3.11's semantics.
//!
//! OWNER: builtins helper. Contract (used by `eval`):
//! - `lookup(name)`: the value bound to `name` in NS (`pi`, `abs`, ...).
//! - `call(f, args, budget)`: `f(*args)` with positional arguments.

use crate::budget::Budget;
use crate::{EvalError, Value};

/// A built-in function or type of the namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Builtin {
    Abs,
    Round,
    Min,
    Max,
    Pow,
    Int,
    Float,
    Complex,
    Sqrt,
    Exp,
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Hypot,
    Floor,
    Ceil,
    Trunc,
    Factorial,
    Gcd,
    Isqrt,
    Comb,
    Perm,
    Degrees,
    Radians,
    Fabs,
    Fmod,
    Copysign,
}

impl Builtin {
    /// The name the function is bound to, e.g. `"sqrt"`.
    pub fn name(self) -> &'static str {
        todo!("builtins helper")
    }
}

/// The value bound to `name` in the namespace, if any.
pub(crate) fn lookup(name: &str) -> Option<Value> {
    let _ = name;
    todo!("builtins helper")
}

/// Calls `f` with positional `args`.
pub(crate) fn call(
    f: Builtin,
    args: &[Value],
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let _ = (f, args, budget);
    todo!("builtins helper")
}
