//! calc-core evaluates the arithmetic subset of Python 3 expressions with
//! CPython 3.11's exact semantics: arbitrary-precision ints, floats,
//! complex numbers and bools, Python's operators and precedence, a fixed set
//! of math functions, Python's `repr` for output and Python's exception
//! classes for errors, all within configurable time and memory [`Limits`].
//!
//! # Example
//!
//! ```
//! // One-shot evaluation; `Display` of a value is Python's repr.
//! let v = calc_core::eval("2**100 + 1").unwrap();
//! assert_eq!(v.to_string(), "1267650600228229401496703205377");
//!
//! // Parse once, evaluate many times with caller-supplied variables.
//! let e = calc_core::Expr::parse("x*2 + 1").unwrap();
//! let v = e.eval(&calc_core::Env::new().with("x", 21)).unwrap();
//! assert_eq!(v.to_string(), "43");
//!
//! // Errors carry Python's class and message.
//! let err = calc_core::eval("1 // 0").unwrap_err();
//! assert_eq!(err.to_string(), "ZeroDivisionError: integer division or modulo by zero");
//! ```
#![deny(missing_docs)]

mod ast;
mod budget;
mod builtins;
mod error;
mod limits;
mod num;
mod ops;
mod value;

pub use ast::{BinOp, CmpOp, UnaryOp};
pub use builtins::Builtin;
pub use error::{ErrorKind, EvalError};
pub use limits::Limits;
pub use value::{Complex, Int, Value};

/// Evaluates `source` with the default [`Limits`].
pub fn eval(source: &str) -> Result<Value, EvalError> {
    eval_with(source, &Limits::default())
}

/// Evaluates `source` under `limits`.
pub fn eval_with(source: &str, limits: &Limits) -> Result<Value, EvalError> {
    let _ = (source, limits);
    todo!("parser/evaluator helper")
}

/// A parsed expression, ready to be evaluated many times.
#[derive(Debug, Clone)]
pub struct Expr {
    _private: (),
}

impl Expr {
    /// Parses `source` with the default [`Limits`].
    pub fn parse(source: &str) -> Result<Expr, EvalError> {
        let _ = source;
        todo!("parser/evaluator helper")
    }

    /// Evaluates the expression with the variables of `env`.
    pub fn eval(&self, env: &Env) -> Result<Value, EvalError> {
        let _ = env;
        todo!("parser/evaluator helper")
    }
}

/// Variables visible to an evaluation, and the limits it runs under.
#[derive(Debug, Clone, Default)]
pub struct Env {
    _private: (),
}

impl Env {
    /// An environment with no variables and the default limits.
    pub fn new() -> Env {
        Env::default()
    }

    /// Binds `name` to `value`.
    pub fn with(self, name: &str, value: impl Into<Value>) -> Env {
        let _ = (name, value.into());
        todo!("parser/evaluator helper")
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Int::Small(v))
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(Int::Small(v.into()))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
