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
//! // Compile with positional variables: the fastest way to evaluate one
//! // formula for many values, with the same answers.
//! let c = calc_core::Expr::parse("x*2 + 1").unwrap().compile(&["x"]).unwrap();
//! assert_eq!(c.eval_f64(&[1.25]).unwrap().to_string(), "3.5");
//!
//! // Errors carry Python's class and message.
//! let err = calc_core::eval("1 // 0").unwrap_err();
//! assert_eq!(err.to_string(), "ZeroDivisionError: integer division or modulo by zero");
//!
//! // A server's path: evaluate and append the repr in one call, under
//! // limits (CPython's 4300-digit cap on int output included).
//! let mut answer = String::new();
//! calc_core::eval_repr_with("3**5", &calc_core::Limits::default(), &mut answer).unwrap();
//! assert_eq!(answer, "243");
//! ```
#![deny(missing_docs)]

mod ast;
mod budget;
mod builtins;
mod compiled;
mod conv;
mod direct;
mod env;
mod error;
mod eval;
mod fast;
mod limits;
mod num;
mod ops;
mod parse;
mod print;
#[cfg(test)]
mod testing;
mod value;

pub use builtins::{Builtin, CONSTANTS};
pub use compiled::Compiled;
pub use conv::ConversionError;
pub use env::{Arity, Env};
pub use error::{ErrorKind, EvalError};
pub use limits::Limits;
pub use value::{Complex, Int, Value};

/// The big-integer crate of [`Int`]'s and the conversions' `BigInt` and
/// `BigUint`, re-exported so that embedders use the same version.
pub use num_bigint;

/// Evaluates `source` with the default [`Limits`].
///
/// ```
/// assert_eq!(calc_core::eval("-2**2").unwrap().to_string(), "-4");
/// assert_eq!(calc_core::eval("1 < 2 < 3").unwrap().to_string(), "True");
/// assert_eq!(calc_core::eval("0 or 7").unwrap().to_string(), "7");
/// ```
pub fn eval(source: &str) -> Result<Value, EvalError> {
    eval_with(source, &Limits::default())
}

/// Evaluates `source` under `limits` (which bound both parsing and
/// evaluation).
///
/// ```
/// let limits = calc_core::Limits { max_source_len: 8, ..calc_core::Limits::default() };
/// let err = calc_core::eval_with("1 + 2 + 3 + 4", &limits).unwrap_err();
/// assert_eq!(err.class(), "LimitError");
/// ```
pub fn eval_with(source: &str, limits: &Limits) -> Result<Value, EvalError> {
    let limits = &*limits.clamped();
    // Two shortcuts answer what they certainly answer as the general path
    // would, and leave the rest to it: `fast` a flat sum of products of
    // small ints (`1+2*3`, ~100 instructions), `direct` most arithmetic in
    // one pass without a tree (values, and the errors it is sure of). One
    // budget serves the request: a shortcut that leaves an input to the
    // general path has charged nothing. The general path checks the
    // length first; so must they.
    if source.len() <= limits.max_source_len {
        if let Some(value) = fast::eval(source, limits) {
            return Ok(value);
        }
        if let Some(result) = direct::eval(source, limits) {
            return result;
        }
    }
    eval_general(source, limits)
}

/// The general path alone: tokenizer, tree, walker.
fn eval_general(source: &str, limits: &Limits) -> Result<Value, EvalError> {
    parse::with_tree(source, limits, |tree| {
        eval::eval(tree, &[], limits).map_err(EvalError::without_span)
    })
}

/// Evaluates `source` under `limits` and appends Python's `repr` of the
/// value to `out`: what [`eval_with`] and then [`Value::write_repr`] do
/// (CPython 3.11's limit on int digits included), in one call, which is
/// what a server does with a request. Ints of up to 512 bits that the
/// one-pass path computes are written from their limbs, without becoming
/// a `BigInt`. On error `out` is left as it was.
///
/// ```
/// let limits = calc_core::Limits::default();
/// let mut out = String::new();
/// calc_core::eval_repr_with("2**100 + 1", &limits, &mut out).unwrap();
/// assert_eq!(out, "1267650600228229401496703205377");
/// out.clear();
/// let err = calc_core::eval_repr_with("1/0", &limits, &mut out).unwrap_err();
/// assert_eq!((err.class(), out.as_str()), ("ZeroDivisionError", ""));
/// ```
pub fn eval_repr_with(source: &str, limits: &Limits, out: &mut String) -> Result<(), EvalError> {
    let limits = &*limits.clamped();
    // The shortcuts of `eval_with`, the direct one writing the repr itself.
    if source.len() <= limits.max_source_len {
        if let Some(value) = fast::eval(source, limits) {
            return value.write_repr(out, limits);
        }
        if let Some(result) = direct::eval_repr(source, limits, out) {
            return result;
        }
    }
    eval_general(source, limits)?.write_repr(out, limits)
}

/// [`eval_repr_with`], also returning the work units the evaluation
/// charged to its budget (the whole `work_budget` when it ran out; 0 when
/// the small-number shortcut answered, which costs about as much as
/// reading the text). Whichever path evaluates the input, one budget
/// serves it: the units never exceed `limits.work_budget` plus
/// `limits.work_budget / 4096` (16,384 of the default 2**26 units, about
/// 10 µs of work), what the one-pass path may spend before it is sure it
/// will not give the input up to the general path (docs/architecture.md,
/// "One budget per request").
///
/// A server uses it to count each client's share of the work, and to
/// run a request under a small slice of the budget first: an error for
/// which [`EvalError::exceeded_work_budget`] holds says the request needs
/// more than the slice.
///
/// ```
/// use calc_core::{eval_repr_metered, Limits};
/// let limits = Limits::default();
/// let mut out = String::new();
/// let (result, units) = eval_repr_metered("2**4000 % 7", &limits, &mut out);
/// assert!(result.is_ok() && units > 0);
///
/// let slice = Limits { work_budget: 1_000, ..Limits::default() };
/// let (result, units) = eval_repr_metered("3**100000 % 7", &slice, &mut out);
/// assert!(result.unwrap_err().exceeded_work_budget());
/// assert_eq!(units, 1_000);
/// ```
pub fn eval_repr_metered(
    source: &str,
    limits: &Limits,
    out: &mut String,
) -> (Result<(), EvalError>, u64) {
    let limits = &*limits.clamped();
    let mut used = 0;
    if source.len() <= limits.max_source_len {
        if let Some(value) = fast::eval(source, limits) {
            return (value.write_repr(out, limits), used);
        }
        if let Some(result) = direct::eval_repr_metered(source, limits, out, &mut used) {
            return (result, used);
        }
    }
    let result = parse::with_tree(source, limits, |tree| {
        let (result, units) = eval::eval_metered(tree, &[], limits);
        used = used.saturating_add(units);
        result.map_err(EvalError::without_span)
    });
    (result.and_then(|v| v.write_repr(out, limits)), used)
}

/// Evaluates like [`eval_with`] and also returns the work units the
/// evaluation charged to its budget: the whole `work_budget` when it was
/// refused for cost, 0 when parsing failed or the small-number shortcut
/// answered. For calibration tools and tests of the cost model (the sweep
/// example, `tests/cost.rs`); not part of the stable API.
#[doc(hidden)]
pub fn eval_metered(source: &str, limits: &Limits) -> (Result<Value, EvalError>, u64) {
    let limits = &*limits.clamped();
    if source.len() <= limits.max_source_len {
        if let Some(value) = fast::eval(source, limits) {
            return (Ok(value), 0);
        }
    }
    let mut used = 0;
    let result = parse::with_tree(source, limits, |tree| {
        let (result, units) = eval::eval_metered(tree, &[], limits);
        used = units;
        result.map_err(EvalError::without_span)
    });
    (result, used)
}

/// Whether `name` is bound to a built-in function or constant (`abs`,
/// `sqrt`, `pi`, ...) in every evaluation, unless an [`Env`] shadows it.
///
/// ```
/// assert!(calc_core::is_builtin("sqrt") && calc_core::is_builtin("pi"));
/// assert!(!calc_core::is_builtin("x") && !calc_core::is_builtin("True"));
/// ```
pub fn is_builtin(name: &str) -> bool {
    builtins::lookup(name).is_some()
}

/// A parsed expression, ready to be evaluated many times.
///
/// Parsing checks the syntax and the parse-time limits once; each
/// [`Expr::eval`] then only evaluates. `Display` prints the expression as
/// canonical Python source, with only the parentheses it needs:
///
/// ```
/// let e = calc_core::Expr::parse("(1 + (2 * x))  # comment").unwrap();
/// assert_eq!(e.to_string(), "1 + 2 * x");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    tree: ast::Tree,
}

impl Expr {
    /// Parses `source` with the default [`Limits`].
    ///
    /// ```
    /// let err = calc_core::Expr::parse("1 +* 2").unwrap_err();
    /// assert_eq!(err.to_string(), "SyntaxError: invalid syntax");
    /// assert_eq!(err.column(), Some(4));
    /// ```
    pub fn parse(source: &str) -> Result<Expr, EvalError> {
        Expr::parse_with(source, &Limits::default())
    }

    /// Parses `source` under `limits`: `max_source_len`, `max_depth`
    /// (parentheses), `max_nesting` (operators) and `max_str_digits`
    /// (decimal int literals) apply here.
    ///
    /// ```
    /// let limits = calc_core::Limits { max_depth: 2, ..calc_core::Limits::default() };
    /// assert!(calc_core::Expr::parse_with("((1))", &limits).is_ok());
    /// let err = calc_core::Expr::parse_with("(((1)))", &limits).unwrap_err();
    /// assert_eq!(err.to_string(), "SyntaxError: too many nested parentheses");
    /// ```
    pub fn parse_with(source: &str, limits: &Limits) -> Result<Expr, EvalError> {
        parse::parse(source, &limits.clamped()).map(|tree| Expr { tree })
    }

    /// Evaluates the expression with the variables and limits of `env`.
    ///
    /// A name is looked up first among `env`'s variables and user
    /// functions, then among the built-in functions and constants (`abs`,
    /// `pi`, ...): a variable or user function shadows a built-in of the
    /// same name.
    ///
    /// ```
    /// use calc_core::{Env, Expr};
    /// let e = Expr::parse("pi * r**2").unwrap();
    /// let env = Env::new().with("r", 2).with("pi", 3);
    /// assert_eq!(e.eval(&env).unwrap().to_string(), "12");
    /// let err = e.eval(&Env::new()).unwrap_err();
    /// assert_eq!(err.to_string(), "NameError: name 'r' is not defined");
    /// ```
    pub fn eval(&self, env: &Env) -> Result<Value, EvalError> {
        eval::eval(&self.tree, &env.bindings, env.limits())
    }

    /// The names the expression refers to, each once, in the order they
    /// first appear: variables, user functions and built-ins alike
    /// ([`is_builtin`] tells the built-ins). Keywords (`True`, `and`, ...)
    /// are not names.
    ///
    /// ```
    /// let e = calc_core::Expr::parse("rate * sqrt(base) + rate / pi if True else x").unwrap();
    /// let names: Vec<&str> = e.names().collect();
    /// assert_eq!(names, ["rate", "sqrt", "base", "pi", "x"]);
    /// let free: Vec<&str> = e.names().filter(|n| !calc_core::is_builtin(n)).collect();
    /// assert_eq!(free, ["rate", "base", "x"]);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.tree.names.iter().map(|n| &**n)
    }

    /// Checks, without evaluating, that every name the expression refers
    /// to is bound in `env` or is a built-in, and that the user functions
    /// of `env` are used as an evaluation requires: only called, and with
    /// a number of arguments their [`Arity`] accepts. The error is the one
    /// evaluation would raise first for the first problem in the text
    /// (`NameError: name 'x' is not defined`, a `TypeError`), with its
    /// position. A checked expression can still fail at evaluation for
    /// its values (`1/x` with `x = 0`), limits, or a user function's error.
    ///
    /// ```
    /// use calc_core::{Arity, Env, Expr, Value};
    /// let env = Env::new().with("x", 1).with_function("f", Arity::exact(1), |a| Ok(a[0].clone()));
    /// assert!(Expr::parse("f(x) + sqrt(2)").unwrap().check(&env).is_ok());
    /// let err = Expr::parse("f(x) + y").unwrap().check(&env).unwrap_err();
    /// assert_eq!(err.to_string(), "NameError: name 'y' is not defined");
    /// assert_eq!(err.name(), Some("y"));
    /// let err = Expr::parse("f(x, 2)").unwrap().check(&env).unwrap_err();
    /// assert_eq!(err.to_string(), "TypeError: f() takes 1 positional argument but 2 were given");
    /// ```
    pub fn check(&self, env: &Env) -> Result<(), EvalError> {
        eval::check(&self.tree, &env.bindings)
    }

    /// Compiles the expression for repeated evaluation with the variables
    /// `slots`, given by position to [`Compiled::eval`] or
    /// [`Compiled::eval_f64`]: [`compile_with`](Self::compile_with) with an
    /// empty [`Env`] (default limits).
    ///
    /// ```
    /// use calc_core::Expr;
    /// let c = Expr::parse("x*2 + y/3 - sqrt(x*y)").unwrap().compile(&["x", "y"]).unwrap();
    /// assert_eq!(c.eval_f64(&[3.0, 12.0]).unwrap().to_string(), "4.0");
    /// let err = Expr::parse("x + z").unwrap().compile(&["x"]).unwrap_err();
    /// assert_eq!(err.to_string(), "NameError: name 'z' is not defined");
    /// ```
    pub fn compile(&self, slots: &[&str]) -> Result<Compiled, EvalError> {
        self.compile_with(slots, &Env::new())
    }

    /// Compiles the expression with the variables `slots` (bound by
    /// position at each evaluation) and `env`'s variables, user functions
    /// and limits fixed. A slot shadows a name of `env`, which shadows a
    /// built-in. Compilation fails as [`check`](Self::check) does when a
    /// name is neither a slot, nor bound in `env`, nor a built-in, or a
    /// user function is misused; a slot name given twice is a
    /// `ValueError`.
    ///
    /// Each evaluation answers as [`eval`](Self::eval) does with an `Env`
    /// that binds the slots to the values on top of `env`. While every
    /// slot holds a float and the expression stays within plain float
    /// arithmetic, the answer comes from a flat `f64` program, the float
    /// lane; otherwise, and whenever an operation would not give a plain
    /// float (`1/0`, `(-8.0)**0.5`, an overflow, a math domain error), the
    /// general path evaluates the expression from the start.
    ///
    /// ```
    /// use calc_core::{Arity, Env, Expr, Value};
    /// let env = Env::new()
    ///     .with("k", 10)
    ///     .with_function("half", Arity::exact(1), |a| Ok(Value::from(a[0].as_f64()? / 2.0)));
    /// let c = Expr::parse("half(x) + k").unwrap().compile_with(&["x"], &env).unwrap();
    /// assert_eq!(c.eval(&[Value::from(3)]).unwrap().to_string(), "11.5");
    /// ```
    pub fn compile_with(&self, slots: &[&str], env: &Env) -> Result<Compiled, EvalError> {
        Compiled::new(&self.tree, slots, env)
    }
}
