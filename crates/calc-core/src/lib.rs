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
//! // A namespace that evaluations write into: Python's assignment
//! // expressions bind names that later evaluations see.
//! let mut env = calc_core::Env::new();
//! calc_core::eval_in(&mut env, "(x := 2**64)").unwrap();
//! assert_eq!(calc_core::eval_in(&mut env, "x * 2").unwrap().to_string(), "36893488147419103232");
//!
//! // A server's path: evaluate and append the repr in one call, under
//! // limits (CPython's 4300-digit cap on int output included).
//! let mut answer = String::new();
//! calc_core::eval_repr_with("3**5", &calc_core::Limits::default(), &mut answer).unwrap();
//! assert_eq!(answer, "243");
//! ```
#![deny(missing_docs)]

mod aliases;
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
mod grammar;
mod limits;
mod module;
mod num;
mod ops;
mod parse;
mod print;
#[cfg(test)]
mod testing;
mod text;
mod value;

pub use builtins::{Builtin, CONSTANTS};
pub use compiled::Compiled;
pub use conv::ConversionError;
pub use env::{Arity, Env};
pub use error::{ErrorKind, EvalError};
pub use limits::Limits;
pub use module::Module;
pub use value::{Complex, Int, Tuple, Value};

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
        eval::eval(tree, &env::NO_BINDINGS, limits).map_err(EvalError::without_span)
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
        let (result, units) = eval::eval_metered(tree, &env::NO_BINDINGS, limits);
        used = used.saturating_add(units);
        result.map_err(EvalError::without_span)
    });
    (result.and_then(|v| v.write_repr(out, limits)), used)
}

/// [`eval_repr_with`] without the small-int shortcut (`fast`): what the
/// benchmark of that shortcut compares it with (`cargo bench -p
/// calc-bench-eval --bench evaluators -- fast/`). Not part of the stable
/// API.
///
/// ```
/// let mut out = String::new();
/// calc_core::eval_repr_without_fast_path("1+2*3", &calc_core::Limits::default(), &mut out).unwrap();
/// assert_eq!(out, "7");
/// ```
#[doc(hidden)]
pub fn eval_repr_without_fast_path(
    source: &str,
    limits: &Limits,
    out: &mut String,
) -> Result<(), EvalError> {
    if source.len() <= limits.max_source_len {
        if let Some(result) = direct::eval_repr(source, limits, out) {
            return result;
        }
    }
    eval_general(source, limits)?.write_repr(out, limits)
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
        let (result, units) = eval::eval_metered(tree, &env::NO_BINDINGS, limits);
        used = units;
        result.map_err(EvalError::without_span)
    });
    (result, used)
}

/// Evaluates `source` in `env`, under `env`'s limits, writing the names
/// its assignment expressions bind (`(x := 1)`) into `env`: CPython's
/// `eval(source, namespace)` with `env` as the namespace.
///
/// A name is looked up among `env`'s names, then among the built-ins
/// (which a name of `env` shadows: `(abs := 5)` makes `abs` 5 in `env`);
/// from an assignment on, the name has the assigned value. When the
/// evaluation fails, the assignments made before the error stay, as in
/// CPython (`(x := 1) + 1/0` binds `x`), except after a `LimitError`:
/// then `env` keeps exactly the names it had. The assignments of one
/// evaluation may not take `env` past [`Limits::max_names`] names or
/// [`Limits::max_names_memory`] bytes ([`Env::memory`]).
///
/// ```
/// use calc_core::{eval_in, Env, Limits};
/// let mut env = Env::new();
/// assert_eq!(eval_in(&mut env, "(n := 10) * 2").unwrap().to_string(), "20");
/// assert_eq!(eval_in(&mut env, "n + 1").unwrap().to_string(), "11");
///
/// // An ordinary error keeps what was assigned before it, as in CPython.
/// let err = eval_in(&mut env, "(m := 1) + 1/0").unwrap_err();
/// assert_eq!(err.class(), "ZeroDivisionError");
/// assert_eq!(env.get("m").map(|v| v.to_string()), Some("1".into()));
///
/// // A limit undoes every assignment of the evaluation.
/// env.set_limits(Limits { max_names: 2, ..Limits::default() });
/// let err = eval_in(&mut env, "(n := 0) + (k := 1)").unwrap_err();
/// assert_eq!(err.to_string(), "LimitError: assignment would bind more than 2 names");
/// assert_eq!(env.get("n").map(|v| v.to_string()), Some("10".into()));
/// assert!(env.get("k").is_none());
/// ```
pub fn eval_in(env: &mut Env, source: &str) -> Result<Value, EvalError> {
    let limits = env.limits().clone();
    if source.len() <= limits.max_source_len {
        if let Some(value) = fast::eval(source, &limits) {
            return Ok(value);
        }
        // The one-pass path knows the built-in names only, so it answers
        // for a namespace without names of its own; it leaves an
        // assignment expression to the general path.
        if env.bindings.is_empty() {
            if let Some(result) = direct::eval(source, &limits) {
                return result;
            }
        }
    }
    eval_general_in(&mut env.bindings, source, &limits).0
}

/// [`eval_repr_metered`] in `env`, writing the names that assignment
/// expressions bind into it as [`eval_in`] does (`limits` instead of
/// `env`'s own): what a server does with the request of a session that
/// keeps its names between requests. When the request fails with a
/// `LimitError` (a work budget run out included), `env` keeps the names
/// it had, so the request can be evaluated again under larger limits as
/// if for the first time.
///
/// ```
/// use calc_core::{eval_repr_metered_in, Env, Limits};
/// let (mut env, limits, mut out) = (Env::new(), Limits::default(), String::new());
/// let (result, _) = eval_repr_metered_in(&mut env, "(x := 3**5)", &limits, &mut out);
/// assert!(result.is_ok());
/// out.push(' ');
/// let (result, _) = eval_repr_metered_in(&mut env, "x + 1", &limits, &mut out);
/// assert!(result.is_ok());
/// assert_eq!(out, "243 244");
///
/// let slice = Limits { work_budget: 1_000, ..Limits::default() };
/// let (result, _) = eval_repr_metered_in(&mut env, "(y := 3**100000 % 7)", &slice, &mut out);
/// assert!(result.unwrap_err().exceeded_work_budget());
/// assert!(env.get("y").is_none());
/// ```
pub fn eval_repr_metered_in(
    env: &mut Env,
    source: &str,
    limits: &Limits,
    out: &mut String,
) -> (Result<(), EvalError>, u64) {
    let mut used = 0;
    if source.len() <= limits.max_source_len {
        if let Some(value) = fast::eval(source, limits) {
            return (value.write_repr(out, limits), used);
        }
        if env.bindings.is_empty() {
            if let Some(result) = direct::eval_repr_metered(source, limits, out, &mut used) {
                return (result, used);
            }
        }
    }
    let (result, units) = eval_general_in(&mut env.bindings, source, limits);
    (
        result.and_then(|v| v.write_repr(out, limits)),
        used.saturating_add(units),
    )
}

/// The general path in a namespace: tokenizer, tree, walker, and then
/// the assignments written into `bindings` unless a limit stopped the
/// evaluation. Returns the work units charged too.
fn eval_general_in(
    bindings: &mut env::Bindings,
    source: &str,
    limits: &Limits,
) -> (Result<Value, EvalError>, u64) {
    let mut used = 0;
    let result = parse::with_tree(source, limits, |tree| {
        let (result, units, assigned) = eval::eval_assigning(tree, bindings, limits);
        used = units;
        if !matches!(&result, Err(e) if e.kind() == ErrorKind::Limit) {
            assigned.commit(tree, bindings);
        }
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
    ///
    /// Names that assignment expressions bind (`(x := 1) + x`) are seen by
    /// the rest of this evaluation only; [`eval_mut`](Self::eval_mut)
    /// writes them into the `Env`.
    pub fn eval(&self, env: &Env) -> Result<Value, EvalError> {
        eval::eval(&self.tree, &env.bindings, env.limits())
    }

    /// Evaluates the expression as [`eval`](Self::eval) does, writing the
    /// names its assignment expressions bind into `env`, as
    /// [`eval_in`] does: after an error they stay as
    /// CPython leaves them, after a `LimitError` `env` keeps exactly the
    /// names it had.
    ///
    /// ```
    /// use calc_core::{Env, Expr};
    /// let step = Expr::parse("(total := total + x)").unwrap();
    /// let mut env = Env::new().with("total", 0);
    /// for x in 1..=4 {
    ///     env.set("x", x);
    ///     step.eval_mut(&mut env).unwrap();
    /// }
    /// assert_eq!(env.get("total").map(|v| v.to_string()), Some("10".into()));
    /// ```
    pub fn eval_mut(&self, env: &mut Env) -> Result<Value, EvalError> {
        let limits = env.limits().clone();
        let (result, _, assigned) = eval::eval_assigning(&self.tree, &env.bindings, &limits);
        if !matches!(&result, Err(e) if e.kind() == ErrorKind::Limit) {
            assigned.commit(&self.tree, &mut env.bindings);
        }
        result
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

/// Runs `source` through every path that evaluates text and returns a
/// description of the first disagreement, or `None` when all agree. For
/// the property test (`tests/paths.rs`) and the fuzz target; not part of
/// the stable API.
///
/// Every path must give the answer of the general path (tokenizer, tree,
/// walker) under `limits`: the same value (repr and type) or the same
/// error (class and message; line and column for a syntax error). The
/// paths are [`eval_with`], [`eval_repr_with`], [`eval_repr_metered`],
/// [`eval_metered`], [`Expr::parse_with`] then [`Expr::eval`], the
/// compiled form ([`Expr::compile_with`] without slots; where compiling
/// fails, [`Expr::check`] fails with the same error), and each shortcut
/// on its own (the one-pass `direct` path and the small-int `fast` path)
/// wherever it answers.
///
/// ```
/// let limits = calc_core::Limits::default();
/// assert_eq!(calc_core::paths_disagree("1 + 2*3 - sqrt(2) < 1 or (1/0)", &limits), None);
/// assert_eq!(calc_core::paths_disagree("1 +* 2", &limits), None);
/// ```
#[doc(hidden)]
pub fn paths_disagree(source: &str, limits: &Limits) -> Option<String> {
    /// An answer as compared: repr and type, or class, message and (for
    /// a syntax error) line and column.
    fn key(r: &Result<Value, EvalError>) -> Result<(String, &'static str), String> {
        match r {
            Ok(v) => Ok((v.to_string(), v.type_name())),
            Err(e) if e.kind() == ErrorKind::Syntax => Err(format!(
                "{e} (line {:?}, column {:?})",
                e.line(),
                e.column()
            )),
            Err(e) => Err(e.to_string()),
        }
    }
    let want = key(&eval_general(source, limits));
    let differs = |path: &str, got: Result<(String, &'static str), String>| {
        (got != want)
            .then(|| format!("{source:?}: {path} gives {got:?}, the general path {want:?}"))
    };
    let in_budget = |path: &str, units: u64| {
        let most = limits.work_budget.saturating_add(limits.work_budget / 4096);
        (units > most).then(|| format!("{source:?}: {path} charged {units} units, over {most}"))
    };
    // The repr paths answer as the general path's value written with
    // `Value::write_repr` (which has limits of its own).
    let general = eval_general(source, limits);
    let want_repr = general.and_then(|v| {
        let mut out = String::new();
        v.write_repr(&mut out, limits).map(|()| out)
    });
    let repr_differs = |path: &str, r: Result<(), EvalError>, out: String| {
        let got = key_repr(r.map(|()| out));
        let want = key_repr(want_repr.clone());
        (got != want)
            .then(|| format!("{source:?}: {path} gives {got:?}, the general path {want:?}"))
    };
    fn key_repr(r: Result<String, EvalError>) -> Result<String, String> {
        r.map_err(|e| match key(&Err(e)) {
            Err(k) => k,
            Ok(_) => String::new(),
        })
    }
    // The shortcuts alone, where they answer.
    let fast = (source.len() <= limits.max_source_len)
        .then(|| fast::eval(source, limits))
        .flatten()
        .and_then(|v| differs("the fast path", key(&Ok(v))));
    let direct = (source.len() <= limits.max_source_len)
        .then(|| direct::eval(source, limits))
        .flatten()
        .and_then(|r| differs("the direct path", key(&r)));
    let env = Env::new().with_limits(limits.clone());
    let parsed = Expr::parse_with(source, limits);
    let expr = match &parsed {
        Ok(e) => differs("Expr::eval", key(&e.eval(&env))),
        Err(e) => differs("Expr::parse", key(&Err(e.clone()))),
    };
    let compiled = parsed
        .as_ref()
        .ok()
        .and_then(|e| match e.compile_with(&[], &env) {
            Ok(c) => differs("Compiled::eval", key(&c.eval(&[]))),
            Err(error) => compile_error(source, e, &env, error),
        });
    // With a slot `x`: the compiled form, its float lane included, answers
    // as `Expr::eval` with `x` bound.
    let slots = parsed.as_ref().ok().and_then(|e| {
        [
            Value::Int(Int::from(3)),
            Value::Float(2.5),
            Value::Float(-0.0),
            Value::Float(1e308),
        ]
        .into_iter()
        .find_map(|x| {
            let bound = env.clone().with("x", x.clone());
            let want = key(&e.eval(&bound));
            let c = match e.compile_with(&["x"], &env) {
                Ok(c) => c,
                Err(error) => return compile_error(source, e, &bound, error),
            };
            let mut got = vec![("Compiled::eval", key(&c.eval(std::slice::from_ref(&x))))];
            if let Value::Float(f) = x {
                got.push(("Compiled::eval_f64", key(&c.eval_f64(&[f]))));
            }
            got.into_iter().find(|(_, g)| *g != want).map(|(path, g)| {
                format!("{source:?} with x = {x}: {path} gives {g:?}, Expr::eval {want:?}")
            })
        })
    });
    let mut out = String::new();
    let result = eval_repr_with(source, limits, &mut out);
    let repr_with = repr_differs("eval_repr_with", result, out);
    let mut out = String::new();
    let (result, units) = eval_repr_metered(source, limits, &mut out);
    let repr_metered = repr_differs("eval_repr_metered", result, out)
        .or_else(|| in_budget("eval_repr_metered", units));
    let (result, units) = eval_metered(source, limits);
    let metered =
        differs("eval_metered", key(&result)).or_else(|| in_budget("eval_metered", units));
    differs("eval_with", key(&eval_with(source, limits)))
        .or(fast)
        .or(direct)
        .or(expr)
        .or(compiled)
        .or(slots)
        .or(repr_with)
        .or(repr_metered)
        .or(metered)
}

/// Where compiling fails, checking must fail with the same error.
fn compile_error(source: &str, e: &Expr, env: &Env, error: EvalError) -> Option<String> {
    match e.check(env) {
        Err(checked) if checked.to_string() == error.to_string() => None,
        checked => Some(format!(
            "{source:?}: compiling fails with {error}, checking gives {checked:?}"
        )),
    }
}
