//! The caller's namespace: variables, user functions and the limits an
//! evaluation runs under.

use smallvec::SmallVec;
use std::collections::HashMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crate::budget::{held_bytes, Budget};
use crate::{ErrorKind, EvalError, Limits, Value};

/// The signature of a user function: `Fn(&[Value]) -> Result<Value, EvalError>`,
/// callable from any thread.
type Callback = dyn Fn(&[Value]) -> Result<Value, EvalError> + Send + Sync;

/// Work units charged for each call of a user function, before it runs:
/// about what a call of a built-in on small numbers costs. A function that
/// does much more work should charge for it itself, or be given a
/// correspondingly small [`Limits::work_budget`].
pub(crate) const USER_CALL_COST: u64 = 64;

/// How many positional arguments a user function takes, checked before it
/// is called with CPython's `TypeError` messages for a Python function of
/// that signature.
///
/// ```
/// use calc_core::{Arity, Env, Expr, Value};
/// let env = Env::new().with_function("f", Arity::exact(2).with_names(&["a", "b"]), |_| {
///     Ok(Value::from(0))
/// });
/// let call = |src: &str| Expr::parse(src).unwrap().eval(&env).unwrap_err().to_string();
/// assert_eq!(call("f(1, 2, 3)"), "TypeError: f() takes 2 positional arguments but 3 were given");
/// assert_eq!(call("f(1)"), "TypeError: f() missing 1 required positional argument: 'b'");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arity {
    min: usize,
    max: Option<usize>,
    names: Vec<Box<str>>,
}

impl Arity {
    /// Exactly `n` arguments (`def f(a, b)` for 2).
    pub fn exact(n: usize) -> Arity {
        Arity {
            min: n,
            max: Some(n),
            names: Vec::new(),
        }
    }

    /// From `min` to `max` arguments (`def f(a, b=0)` for 1 to 2). A `max`
    /// below `min` is taken as `min`.
    pub fn range(min: usize, max: usize) -> Arity {
        Arity {
            min,
            max: Some(max.max(min)),
            names: Vec::new(),
        }
    }

    /// `min` or more arguments (`def f(a, *rest)` for 1).
    pub fn at_least(min: usize) -> Arity {
        Arity {
            min,
            max: None,
            names: Vec::new(),
        }
    }

    /// Any number of arguments (`def f(*args)`).
    pub fn variadic() -> Arity {
        Arity::at_least(0)
    }

    /// Names the first parameters, for the message of a call that misses
    /// required ones (`f() missing 1 required positional argument: 'b'`).
    /// Without names the message stops after the count.
    ///
    /// ```
    /// use calc_core::{Arity, Env, Expr, Value};
    /// let env = Env::new().with_function("g", Arity::at_least(3), |_| Ok(Value::from(0)));
    /// let err = Expr::parse("g()").unwrap().eval(&env).unwrap_err();
    /// assert_eq!(err.message(), "g() missing 3 required positional arguments");
    /// ```
    pub fn with_names(mut self, names: &[&str]) -> Arity {
        self.names = names.iter().map(|&n| n.into()).collect();
        self
    }

    /// The fewest arguments accepted.
    pub fn min(&self) -> usize {
        self.min
    }

    /// The most arguments accepted; `None` for no bound.
    pub fn max(&self) -> Option<usize> {
        self.max
    }

    /// `Ok` when `given` arguments are accepted, else CPython's
    /// `TypeError` for a call of function `name` with that many.
    pub(crate) fn check(&self, name: &str, given: usize) -> Result<(), EvalError> {
        if given < self.min {
            let missing = self.min - given;
            let plural = if missing == 1 { "" } else { "s" };
            let mut message =
                format!("{name}() missing {missing} required positional argument{plural}");
            if let Some(names) = self.names.get(given..self.min) {
                message.push_str(": ");
                push_name_list(&mut message, names);
            }
            return Err(EvalError::type_error(message));
        }
        match self.max {
            Some(max) if given > max => {
                let were = if given == 1 { "was" } else { "were" };
                let message = if max == self.min {
                    let plural = if max == 1 { "" } else { "s" };
                    format!(
                        "{name}() takes {max} positional argument{plural} but {given} {were} given"
                    )
                } else {
                    format!(
                        "{name}() takes from {} to {max} positional arguments but {given} {were} given",
                        self.min
                    )
                };
                Err(EvalError::type_error(message))
            }
            _ => Ok(()),
        }
    }
}

/// CPython's list of missing parameters: `'a'`, `'a' and 'b'`,
/// `'a', 'b', and 'c'`.
fn push_name_list(out: &mut String, names: &[Box<str>]) {
    let n = names.len();
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(match (n, i == n - 1) {
                (2, _) => " and ",
                (_, true) => ", and ",
                _ => ", ",
            });
        }
        out.push('\'');
        out.push_str(name);
        out.push('\'');
    }
}

/// A user function: its arity and its code.
pub(crate) struct Function {
    arity: Arity,
    code: Box<Callback>,
}

impl Function {
    /// The arguments the function takes.
    pub(crate) fn arity(&self) -> &Arity {
        &self.arity
    }

    /// Calls the function named `name` with `args`: checks the arity,
    /// charges [`USER_CALL_COST`], runs it (a panic becomes a
    /// `RuntimeError`) and checks its result against the int size limit.
    pub(crate) fn call(
        &self,
        name: &str,
        args: &[Value],
        budget: &mut Budget<'_>,
    ) -> Result<Value, EvalError> {
        self.arity.check(name, args.len())?;
        budget.charge(USER_CALL_COST)?;
        let value = match catch_unwind(AssertUnwindSafe(|| (self.code)(args))) {
            Ok(result) => result?,
            Err(payload) => {
                let detail = payload
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                    .unwrap_or("no message");
                return Err(EvalError::new(
                    ErrorKind::Runtime,
                    format!("{name}() panicked: {detail}"),
                ));
            }
        };
        if let Value::Int(i) = &value {
            budget.check_bits(i.bit_length())?;
        }
        Ok(value)
    }
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Function")
            .field("arity", &self.arity)
            .finish_non_exhaustive()
    }
}

/// Whether `name` is a Python keyword: never looked up as a name.
pub(crate) fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

/// A name bound in an [`Env`]: up to [`Name::INLINE`] bytes (every name
/// a formula is likely to use) kept inline, so that binding a variable
/// does not allocate; longer ones boxed.
#[derive(Clone)]
pub(crate) enum Name {
    Inline { len: u8, bytes: [u8; Name::INLINE] },
    Boxed(Box<str>),
}

impl Name {
    /// The longest name kept inline.
    pub(crate) const INLINE: usize = 22;

    /// The name as a string.
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // The bytes were copied from a `&str` whole: valid UTF-8.
            Name::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            Name::Boxed(s) => s,
        }
    }

    /// Whether this is `name` (compared as bytes, without a call to
    /// `memcmp` for a short name).
    #[inline]
    pub(crate) fn is(&self, name: &str) -> bool {
        match self {
            Name::Inline { len, bytes } => {
                usize::from(*len) == name.len()
                    && bytes.iter().zip(name.as_bytes()).all(|(a, b)| a == b)
            }
            Name::Boxed(s) => **s == *name,
        }
    }
}

impl From<&str> for Name {
    #[inline(always)]
    fn from(name: &str) -> Name {
        match u8::try_from(name.len()) {
            Ok(len) if name.len() <= Name::INLINE => {
                let mut bytes = [0; Name::INLINE];
                bytes
                    .iter_mut()
                    .zip(name.as_bytes())
                    .for_each(|(d, s)| *d = *s);
                Name::Inline { len, bytes }
            }
            _ => Name::Boxed(name.into()),
        }
    }
}

impl std::ops::Deref for Name {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// What a name of an [`Env`] is bound to.
#[derive(Debug, Clone)]
pub(crate) enum Binding {
    /// A variable.
    Value(Value),
    /// A user function.
    Function(Arc<Function>),
}

/// Variables and user functions visible to an evaluation, and the limits
/// it runs under.
///
/// Each name is bound to one thing, a variable or a function: binding a
/// name replaces what it was bound to, whichever it was. When an
/// expression is evaluated, a name is looked up in the `Env` first and
/// then among the built-in functions and constants (`abs`, `pi`, ...), so
/// a variable or user function shadows a built-in of the same name.
/// `True`, `False` and the other keywords are never looked up.
///
/// ```
/// use calc_core::{Arity, Env, Expr, Limits, Value};
/// let mut env = Env::new()
///     .with("x", 1.5)
///     .with("n", 10)
///     .with_limits(Limits { max_int_bits: 64, ..Limits::default() });
/// assert_eq!(env.get("n").map(|v| v.to_string()), Some("10".to_string()));
/// let e = Expr::parse("2**(n*x)").unwrap();
/// assert_eq!(e.eval(&env).unwrap().to_string(), "32768.0");
///
/// env.set("x", 0.5).remove("n");
/// env.set_function("twice", Arity::exact(1), |args| Ok(Value::from(args[0].as_f64()? * 2.0)));
/// let e = Expr::parse("twice(x)").unwrap();
/// assert_eq!(e.eval(&env).unwrap().to_string(), "1.0");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub(crate) bindings: Bindings,
    limits: Limits,
}

/// Bytes a name of an [`Env`] counts against [`Limits::max_names_memory`]
/// besides its text (twice: the list and the index hold a copy each) and
/// its value: the entry itself.
pub(crate) const ENTRY_BYTES: u64 = 64;

/// What `name` bound to `binding` counts against
/// [`Limits::max_names_memory`]: [`ENTRY_BYTES`], the name's text twice,
/// and the bytes of an int outside the machine word (8 per 64-bit word of
/// its magnitude) or of a string (its length), as [`Limits::max_memory`]
/// counts them.
pub(crate) fn entry_bytes(name: &str, binding: &Binding) -> u64 {
    let value = match binding {
        Binding::Value(v) => held_bytes(v),
        Binding::Function(_) => 0,
    };
    ENTRY_BYTES + 2 * name.len() as u64 + value
}

/// The names of an [`Env`] in the order they were first bound, with an
/// index by name once there are more than a few, so that a lookup costs
/// the same however many names a session has made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bindings {
    list: SmallVec<[Entry; 2]>,
    /// Positions in `list` by name; `None` while `list` is short. Boxed,
    /// as the builder methods move an `Env` whole ([`Env::with`]).
    index: Option<Box<Index>>,
    /// Whether a keyword (`if`, `True`, ...) is bound: only then does a
    /// name found here need the test that it is not one.
    keyword: bool,
}

/// A name and what it is bound to.
type Entry = (Name, Binding);

/// Positions in [`Bindings`]'s list by name.
#[derive(Debug, Clone, Default)]
struct Index(HashMap<Box<str>, usize>);

/// No names: what the one-shot functions evaluate with.
pub(crate) static NO_BINDINGS: Bindings = Bindings {
    list: SmallVec::new_const(),
    index: None,
    keyword: false,
};

/// Names searched linearly before the index is built.
const LINEAR: usize = 16;

impl Bindings {
    /// Where `name` is in `list`: a linear search, inline, while the
    /// list is short (the hashing of the index out of line, so that the
    /// search needs few registers).
    #[inline(always)]
    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => Self::indexed(index, name),
            None => self.list.iter().position(|(n, _)| n.is(name)),
        }
    }

    #[inline(never)]
    fn indexed(index: &Index, name: &str) -> Option<usize> {
        index.0.get(name).copied()
    }

    /// Whether a keyword may be bound: `false` when none is.
    #[inline]
    pub(crate) fn has_keyword(&self) -> bool {
        self.keyword
    }

    /// What `name` is bound to.
    #[inline(always)]
    pub(crate) fn get(&self, name: &str) -> Option<&Binding> {
        self.position(name)
            .and_then(|i| self.list.get(i))
            .map(|(_, b)| b)
    }

    #[inline]
    fn get_mut(&mut self, name: &str) -> Option<&mut Binding> {
        let i = self.position(name)?;
        self.list.get_mut(i).map(|(_, b)| b)
    }

    /// Binds `name` to `binding`, replacing what it was bound to.
    ///
    /// Inline, with the index's upkeep out of line: an `Env` built for
    /// one evaluation (`Env::new().with("x", x).with("y", y)`) is bound
    /// where the list's contents are known, and the search for a name
    /// bound already folds away.
    #[inline(always)]
    pub(crate) fn bind(&mut self, name: &str, binding: Binding) {
        if let Some(slot) = self.get_mut(name) {
            *slot = binding;
            return;
        }
        // Every keyword has two letters or more: a one-letter name, the
        // commonest variable, skips the test.
        self.keyword |= name.len() > 1 && is_keyword(name);
        self.list.push((name.into(), binding));
        if self.index.is_some() || self.list.len() > LINEAR {
            self.index_last(name);
        }
    }

    /// Indexes the name just bound, `name`: into the index, or the whole
    /// list into a new one when it has just grown past [`LINEAR`].
    #[inline(never)]
    fn index_last(&mut self, name: &str) {
        let at = self.list.len() - 1;
        match &mut self.index {
            Some(index) => {
                index.0.insert(name.into(), at);
            }
            None => self.reindex(),
        }
    }

    fn remove(&mut self, name: &str) {
        if self.position(name).is_some() {
            self.list.retain(|(n, _)| !n.is(name));
            self.keyword = self.iter().any(|(n, _)| is_keyword(n));
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        self.index = (self.len() > LINEAR).then(|| {
            Box::new(Index(
                self.list
                    .iter()
                    .enumerate()
                    .map(|(i, (n, _))| (Box::<str>::from(&**n), i))
                    .collect(),
            ))
        });
    }

    /// The bindings in the order their names were first bound.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, (Name, Binding)> {
        self.list.iter()
    }

    /// How many names are bound.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether no name is bound.
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// What the names count against [`Limits::max_names_memory`].
    pub(crate) fn memory(&self) -> u64 {
        self.iter()
            .map(|(n, b)| entry_bytes(n, b))
            .fold(0u64, u64::saturating_add)
    }
}

impl FromIterator<(Box<str>, Binding)> for Bindings {
    fn from_iter<I: IntoIterator<Item = (Box<str>, Binding)>>(iter: I) -> Bindings {
        let mut b = Bindings::default();
        for (name, binding) in iter {
            b.bind(&name, binding);
        }
        b
    }
}

impl Env {
    /// An environment with no variables and the default limits.
    pub fn new() -> Env {
        Env::default()
    }

    /// Binds `name` to `value` (builder form of [`Env::set`]).
    ///
    /// Any name can be bound, even one that is not a Python identifier
    /// (it then cannot be referred to) or `True` (a keyword, never looked up).
    #[inline(always)]
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Env {
        self.set(name, value);
        self
    }

    /// Binds `name` to `value`, replacing the variable or function bound
    /// to `name`, if any.
    ///
    /// ```
    /// let mut env = calc_core::Env::new();
    /// env.set("x", 1).set("x", 2.5);
    /// assert_eq!(env.get("x"), Some(&calc_core::Value::Float(2.5)));
    /// ```
    #[inline(always)]
    pub fn set(&mut self, name: &str, value: impl Into<Value>) -> &mut Env {
        self.bind(name, Binding::Value(value.into()));
        self
    }

    /// Binds `name` to the user function `f`, which takes `arity`
    /// arguments (builder form of [`Env::set_function`]).
    ///
    /// ```
    /// use calc_core::{Arity, Env, Expr, Value};
    /// let env = Env::new().with_function("hyp", Arity::exact(2), |a| {
    ///     Ok(Value::from(a[0].as_f64()?.hypot(a[1].as_f64()?)))
    /// });
    /// assert_eq!(Expr::parse("hyp(3, 4)").unwrap().eval(&env).unwrap().to_string(), "5.0");
    /// ```
    pub fn with_function<F>(mut self, name: &str, arity: Arity, f: F) -> Env
    where
        F: Fn(&[Value]) -> Result<Value, EvalError> + Send + Sync + 'static,
    {
        self.set_function(name, arity, f);
        self
    }

    /// Binds `name` to the user function `f`, replacing the variable or
    /// function bound to `name`, if any.
    ///
    /// A call `name(args...)` evaluates the arguments left to right, checks
    /// their number against `arity` (CPython's `TypeError` messages), charges
    /// a fixed share of the work budget, calls `f` and checks that an int
    /// it returns is within [`Limits::max_int_bits`]. The work `f` itself
    /// does is not measured: keep it small or charge for it with a smaller
    /// budget. An error `f` returns is the evaluation's error (build one with
    /// [`EvalError::value`], [`EvalError::type_error`], ...).
    ///
    /// A panic in `f` is caught (`std::panic::catch_unwind`) and reported
    /// as a `RuntimeError` naming the function, rather than unwinding into
    /// the caller of [`Expr::eval`](crate::Expr::eval); the panic hook
    /// still runs (by default it prints the panic to stderr). A panic is not
    /// caught when the program is built with `panic = "abort"`.
    ///
    /// A user function is not a value: its name may only be called.
    /// `f + 1` or `f` alone is a `TypeError`.
    ///
    /// ```
    /// use calc_core::{Arity, Env, EvalError, Expr, Value};
    /// let mut env = Env::new();
    /// env.set_function("checked_sqrt", Arity::exact(1), |a| {
    ///     let x = a[0].as_f64()?;
    ///     if x < 0.0 {
    ///         return Err(EvalError::value("negative argument"));
    ///     }
    ///     Ok(Value::from(x.sqrt()))
    /// });
    /// env.set_function("boom", Arity::variadic(), |_| panic!("bad state"));
    /// let run = |src: &str| Expr::parse(src).unwrap().eval(&env);
    /// assert_eq!(run("checked_sqrt(2.25)").unwrap().to_string(), "1.5");
    /// assert_eq!(run("checked_sqrt(-1)").unwrap_err().to_string(), "ValueError: negative argument");
    /// assert_eq!(run("boom()").unwrap_err().to_string(), "RuntimeError: boom() panicked: bad state");
    /// ```
    pub fn set_function<F>(&mut self, name: &str, arity: Arity, f: F) -> &mut Env
    where
        F: Fn(&[Value]) -> Result<Value, EvalError> + Send + Sync + 'static,
    {
        let function = Function {
            arity,
            code: Box::new(f),
        };
        self.bind(name, Binding::Function(Arc::new(function)));
        self
    }

    #[inline]
    fn bind(&mut self, name: &str, binding: Binding) {
        self.bindings.bind(name, binding);
    }

    /// Unbinds `name`, variable or function; a name not bound is ignored.
    ///
    /// ```
    /// let mut env = calc_core::Env::new().with("x", 1);
    /// assert!(env.remove("x").get("x").is_none());
    /// ```
    pub fn remove(&mut self, name: &str) -> &mut Env {
        self.bindings.remove(name);
        self
    }

    /// The value of the variable `name`, if `name` is bound to a variable.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self.lookup(name) {
            Some(Binding::Value(v)) => Some(v),
            _ => None,
        }
    }

    /// The value of the variable `name`, to change in place.
    ///
    /// ```
    /// let mut env = calc_core::Env::new().with("n", 1);
    /// if let Some(n) = env.get_mut("n") {
    ///     *n = calc_core::Value::from(2);
    /// }
    /// assert_eq!(env.get("n").map(|v| v.to_string()), Some("2".into()));
    /// ```
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self.bindings.get_mut(name) {
            Some(Binding::Value(v)) => Some(v),
            _ => None,
        }
    }

    /// Whether `name` is bound to a user function.
    pub fn has_function(&self, name: &str) -> bool {
        matches!(self.lookup(name), Some(Binding::Function(_)))
    }

    /// Whether `name` is bound, to a variable or a user function.
    pub fn contains(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    /// The variables, in the order they were first bound.
    ///
    /// ```
    /// let env = calc_core::Env::new().with("a", 1).with("b", 2.0);
    /// let names: Vec<&str> = env.iter().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.bindings.iter().filter_map(|(n, b)| match b {
            Binding::Value(v) => Some((&**n, v)),
            Binding::Function(_) => None,
        })
    }

    /// The names of the user functions, in the order they were first bound.
    pub fn function_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.bindings.iter().filter_map(|(n, b)| match b {
            Binding::Function(_) => Some(&**n),
            Binding::Value(_) => None,
        })
    }

    /// How many names are bound, variables and functions.
    ///
    /// ```
    /// let mut env = calc_core::Env::new().with("a", 1);
    /// calc_core::eval_in(&mut env, "(b := 2)").unwrap();
    /// assert_eq!(env.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.bindings.len()
    }

    /// Whether no name is bound.
    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }

    /// What the names count against [`Limits::max_names_memory`]: for
    /// each, 64 bytes, twice its text and, for an int outside the machine
    /// word (`-2**63 <= x < 2**63`), 8 bytes per 64-bit word of its
    /// magnitude, and for a string its length in bytes. A server adds
    /// these up over its sessions to bound the memory all of them hold.
    ///
    /// ```
    /// let mut env = calc_core::Env::new();
    /// calc_core::eval_in(&mut env, "(x := 1)").unwrap();
    /// assert_eq!(env.memory(), 64 + 2);
    /// calc_core::eval_in(&mut env, "(x := 2**640)").unwrap();
    /// assert_eq!(env.memory(), 64 + 2 + 88);
    /// calc_core::eval_in(&mut env, "(x := 'abcd')").unwrap();
    /// assert_eq!(env.memory(), 64 + 2 + 4);
    /// ```
    pub fn memory(&self) -> u64 {
        self.bindings.memory()
    }

    /// Replaces the limits evaluations in this environment run under
    /// (builder form of [`Env::set_limits`]).
    pub fn with_limits(mut self, limits: Limits) -> Env {
        self.limits = limits;
        self
    }

    /// Replaces the limits evaluations in this environment run under.
    pub fn set_limits(&mut self, limits: Limits) -> &mut Env {
        self.limits = limits;
        self
    }

    /// The limits evaluations in this environment run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Parses and evaluates `source` once with this environment's
    /// variables, user functions and limits: the answer (value or error,
    /// with its position) is the one [`Expr::parse_with`] under
    /// [`limits`](Self::limits) and then [`Expr::eval`] give, computed
    /// faster for a one-shot evaluation. Plain arithmetic over variables
    /// and built-ins is evaluated as it is read, without building a tree;
    /// anything else (a user function, an error, a keyword) is parsed into
    /// a tree reused between calls on the thread.
    ///
    /// [`Expr::parse_with`]: crate::Expr::parse_with
    /// [`Expr::eval`]: crate::Expr::eval
    ///
    /// ```
    /// use calc_core::Env;
    /// let env = Env::new().with("x", 3.0).with("y", 12);
    /// assert_eq!(env.eval("x*2 + y/3 - sqrt(x*y)").unwrap().to_string(), "4.0");
    /// let err = env.eval("y / (x - 3)").unwrap_err();
    /// assert_eq!(err.to_string(), "ZeroDivisionError: float division by zero");
    /// assert_eq!(err.span(), Some(0..11));
    /// ```
    pub fn eval(&self, source: &str) -> Result<Value, EvalError> {
        let limits = &*self.limits.clamped();
        if source.len() <= limits.max_source_len {
            if let Some(value) = crate::direct::eval_vars(source, &self.bindings, limits) {
                return Ok(value);
            }
        }
        crate::parse::with_tree(source, limits, |tree| {
            crate::eval::eval(tree, &self.bindings, limits)
        })
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<&Binding> {
        self.bindings.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Expr;

    fn run(src: &str, env: &Env) -> String {
        match Expr::parse(src).and_then(|e| e.eval(env)) {
            Ok(v) => v.to_string(),
            Err(e) => format!("!{e}"),
        }
    }

    fn zero(_: &[Value]) -> Result<Value, EvalError> {
        Ok(Value::from(0))
    }

    #[test]
    fn a_bound_keyword_is_never_read() {
        let mut env = Env::new().with("x", 1.0).with("y", 2.0);
        assert!(!env.bindings.has_keyword());
        env.set("True", 5.0).set("if", 3.0);
        assert!(env.bindings.has_keyword());
        assert_eq!(env.eval("True + x").unwrap(), Value::Float(2.0));
        assert_eq!(env.eval("x + y").unwrap(), Value::Float(3.0));
        assert!(env.eval("if + 1").is_err());
        env.remove("True");
        assert!(env.bindings.has_keyword());
        env.remove("if");
        assert!(!env.bindings.has_keyword());
        assert_eq!(env.eval("True + y").unwrap(), Value::Float(3.0));
    }

    #[test]
    fn arity_messages_are_cpythons() {
        // From python3 3.11: def f(a, b), g(), h(a), k(a, b=1), v(a, *r),
        // z(a, b, c), y(a=1), each called with too few or too many.
        let env = Env::new()
            .with_function("f", Arity::exact(2).with_names(&["a", "b"]), zero)
            .with_function("g", Arity::exact(0), zero)
            .with_function("h", Arity::exact(1).with_names(&["a"]), zero)
            .with_function("k", Arity::range(1, 2).with_names(&["a", "b"]), zero)
            .with_function("v", Arity::at_least(1).with_names(&["a"]), zero)
            .with_function("z", Arity::exact(3).with_names(&["a", "b", "c"]), zero)
            .with_function("y", Arity::range(0, 1), zero)
            .with_function("u", Arity::exact(2), zero);
        let cases = [
            (
                "f(1, 2, 3)",
                "f() takes 2 positional arguments but 3 were given",
            ),
            ("f(1)", "f() missing 1 required positional argument: 'b'"),
            (
                "f()",
                "f() missing 2 required positional arguments: 'a' and 'b'",
            ),
            ("g(1)", "g() takes 0 positional arguments but 1 was given"),
            (
                "h(1, 2)",
                "h() takes 1 positional argument but 2 were given",
            ),
            ("k()", "k() missing 1 required positional argument: 'a'"),
            (
                "k(1, 2, 3)",
                "k() takes from 1 to 2 positional arguments but 3 were given",
            ),
            ("v()", "v() missing 1 required positional argument: 'a'"),
            (
                "z()",
                "z() missing 3 required positional arguments: 'a', 'b', and 'c'",
            ),
            (
                "y(1, 2)",
                "y() takes from 0 to 1 positional arguments but 2 were given",
            ),
            ("u(1)", "u() missing 1 required positional argument"),
            // Arguments are positional only, whatever the names.
            ("h(a=1)", "h() takes no keyword arguments"),
            ("f(1, 2, a=3)", "f() takes no keyword arguments"),
            ("g(x=1)", "g() takes no keyword arguments"),
        ];
        for (src, want) in cases {
            assert_eq!(run(src, &env), format!("!TypeError: {want}"), "{src}");
        }
        for ok in ["f(1, 2)", "g()", "k(1)", "k(1, 2)", "v(1, 2, 3, 4)", "y()"] {
            assert_eq!(run(ok, &env), "0", "{ok}");
        }
    }

    #[test]
    fn functions_receive_evaluated_arguments_in_order() {
        let env = Env::new()
            .with("x", 5)
            .with_function("list_len", Arity::variadic(), |a| {
                Ok(Value::from(a.len() as i64))
            })
            .with_function("first", Arity::at_least(1), |a| Ok(a[0].clone()));
        assert_eq!(run("list_len(1, x, 2**70)", &env), "3");
        assert_eq!(
            run("first(x * 2, 1/0)", &env),
            "!ZeroDivisionError: division by zero"
        );
        assert_eq!(run("first(2**70) + 1", &env), "1180591620717411303425");
        assert_eq!(run("(first)(3)", &env), "3");
        assert_eq!(
            run("first(first)(1)", &env),
            "!TypeError: 'first' is a function and can only be called"
        );
    }

    #[test]
    fn shadowing_and_rebinding() {
        let mut env = Env::new().with_function("abs", Arity::exact(1), |_| Ok(Value::from(42)));
        assert_eq!(run("abs(-1)", &env), "42");
        env.set("abs", 7);
        assert_eq!(run("abs", &env), "7");
        assert!(!env.has_function("abs"));
        assert_eq!(
            run("abs(1)", &env),
            "!TypeError: 'int' object is not callable"
        );
        env.remove("abs");
        assert_eq!(run("abs(-1)", &env), "1");
        env.set_function("x", Arity::exact(0), zero);
        assert_eq!(env.get("x"), None);
        assert!(env.contains("x"));
        assert_eq!(env.function_names().collect::<Vec<_>>(), ["x"]);
        assert_eq!(
            run("x + 1", &env),
            "!TypeError: 'x' is a function and can only be called"
        );
    }

    #[test]
    fn results_are_bounded_and_charged() {
        let limits = Limits {
            max_int_bits: 64,
            ..Limits::default()
        };
        let env = Env::new()
            .with_limits(limits)
            .with_function("big", Arity::exact(0), |_| {
                Ok(Value::Int(crate::Int::from_bigint(
                    num_bigint::BigInt::from(1) << 100u32,
                )))
            });
        assert_eq!(
            run("big()", &env),
            "!LimitError: integer result would exceed 64 bits"
        );
        let tight = Env::new()
            .with_limits(Limits {
                work_budget: USER_CALL_COST * 3,
                ..Limits::default()
            })
            .with_function("f", Arity::variadic(), zero);
        assert_eq!(run("f() + f() + f()", &tight), "0");
        assert_eq!(
            run("f() + f() + f() + f()", &tight),
            "!LimitError: operation exceeds the work budget"
        );
    }

    #[test]
    fn panics_become_runtime_errors() {
        let env = Env::new()
            .with_function("s", Arity::variadic(), |_| panic!("static"))
            .with_function("o", Arity::variadic(), |a| panic!("owned {}", a.len()))
            .with_function("i", Arity::variadic(), |_| std::panic::panic_any(5));
        assert_eq!(run("s()", &env), "!RuntimeError: s() panicked: static");
        assert_eq!(run("o(1, 2)", &env), "!RuntimeError: o() panicked: owned 2");
        assert_eq!(run("i()", &env), "!RuntimeError: i() panicked: no message");
    }

    #[test]
    fn names_inline_and_boxed_read_back_and_compare() {
        let short = "x".repeat(Name::INLINE);
        let long = "x".repeat(Name::INLINE + 1);
        for name in [
            "",
            "x",
            "π_2",
            short.as_str(),
            long.as_str(),
            "ünïcödé_ñame_of_23_bytes",
        ] {
            let n = Name::from(name);
            assert_eq!(n.as_str(), name);
            assert!(n.is(name), "{name}");
            assert!(!n.is(&format!("{name}_")), "{name}");
            assert_eq!(
                matches!(n, Name::Inline { .. }),
                name.len() <= Name::INLINE,
                "{name}"
            );
        }
        assert!(!Name::from("xy").is("x") && !Name::from("x").is("xy") && !Name::from("x").is("y"));
        let mut env = Env::new().with(&long, 1).with("x", 2);
        env.set(&long, 3);
        let names: Vec<(&str, String)> = env.iter().map(|(n, v)| (n, v.to_string())).collect();
        assert_eq!(
            names,
            [(long.as_str(), "3".to_string()), ("x", "2".to_string())]
        );
        assert_eq!(run(&format!("{long} + x"), &env), "5");
    }

    /// `Env::eval` answers as `Expr::parse_with` + `Expr::eval` do: the
    /// same value of the same type, or the same error at the same span,
    /// on generated input over variables (floats, a big int, a bool, a
    /// complex, a built-in's name and a keyword bound as variables, a
    /// user function) under the default limits and tight ones; and the
    /// one-pass path answers most of it, so the agreement is not vacuous.
    #[test]
    fn one_shot_eval_answers_as_parse_and_eval() {
        use crate::testing::Rng;
        const ATOMS: &[&str] = &[
            "x",
            "y",
            "n",
            "b",
            "c",
            "pi",
            "e",
            "not",
            "f(x)",
            "g",
            "u",
            "1",
            "2",
            "0",
            "2.5",
            "1e308",
            "7",
            "True",
            "None",
            "(x)",
            "3j",
            "0x1f",
            "nope",
            "x(1)",
            "sqrt(y)",
            "min(x, n, 2)",
            "abs(c)",
            "n**3",
        ];
        const BINARY: &[&str] = &[
            "+",
            "-",
            "*",
            "/",
            "//",
            "%",
            "**",
            "<<",
            "&",
            "^",
            "<",
            "==",
            " and ",
            " or ",
            " if x else ",
        ];
        fn generate(rng: &mut Rng, depth: u32, out: &mut String) {
            match if depth == 0 { 0 } else { rng.below(5) } {
                0 | 1 => out.push_str(rng.pick(ATOMS)),
                2 => {
                    out.push_str(rng.pick(&["-", "~", "not ", "+"]));
                    generate(rng, depth - 1, out);
                }
                3 => {
                    out.push('(');
                    generate(rng, depth - 1, out);
                    out.push(')');
                }
                _ => {
                    generate(rng, depth - 1, out);
                    out.push_str(rng.pick(BINARY));
                    generate(rng, depth - 1, out);
                }
            }
        }
        fn show(r: Result<Value, EvalError>) -> String {
            match r {
                Ok(v) => format!("{v:?}"),
                Err(e) => format!("!{e} at {:?}", e.span()),
            }
        }
        let base = Env::new()
            .with("x", 1.5)
            .with("y", 0.0)
            .with("n", Value::from(num_bigint::BigInt::from(3u8).pow(200)))
            .with("b", true)
            .with("c", crate::Complex::new(1.0, -2.0))
            .with("pi", 3)
            .with("not", 4)
            .with("g", Value::Builtin(crate::Builtin::ALL[0]))
            .with_function("f", Arity::exact(1), |a| Ok(a[0].clone()));
        let mut rng = Rng::seeded(7);
        let (mut cases, mut one_pass) = (0u32, 0u32);
        for i in 0..20_000u32 {
            let mut src = String::new();
            generate(&mut rng, 1 + i % 4, &mut src);
            let mut env = base.clone();
            if i % 3 == 0 {
                env.set_limits(Limits {
                    max_nesting: rng.below(6) as usize,
                    max_depth: rng.below(3) as usize,
                    max_int_bits: 64 + rng.below(400),
                    max_memory: rng.below(200),
                    work_budget: rng.below(300),
                    max_source_len: 4 + rng.below(30) as usize,
                    ..Limits::default()
                });
            }
            let limits = env.limits().clone();
            let want = show(Expr::parse_with(&src, &limits).and_then(|e| e.eval(&env)));
            assert_eq!(show(env.eval(&src)), want, "{src:?} under {limits:?}");
            cases += 1;
            if src.len() <= limits.max_source_len
                && crate::direct::eval_vars(&src, &env.bindings, &limits).is_some()
            {
                one_pass += 1;
            }
        }
        assert!(one_pass > cases / 5, "{one_pass} of {cases} in one pass");
    }
}
