//! The one error type of calc-core: a Python exception class and message.

use std::borrow::Cow;

/// The Python exception class an evaluation failed with.
///
/// Every class but [`ErrorKind::Limit`] is CPython's own, raised for the same
/// inputs CPython 3.11 raises it for. `Limit` is ours: the input was inside
/// the language but would cost more time or memory than the configured
/// [`Limits`](crate::Limits) allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not an expression of the language (CPython `SyntaxError`).
    Syntax,
    /// Division or modulo by zero, `0.0 ** -1` (CPython `ZeroDivisionError`).
    ZeroDivision,
    /// A float result out of range, an int too large for a float (CPython `OverflowError`).
    Overflow,
    /// An argument of the right type but a bad value, e.g. `math.sqrt(-1)`
    /// or an int over the 4300-digit string limit (CPython `ValueError`).
    Value,
    /// An operation applied to a value of the wrong type, a bad call (CPython `TypeError`).
    Type,
    /// A tuple index outside the tuple (CPython `IndexError`).
    Index,
    /// An attribute the value does not have, e.g. `math.nope` (CPython
    /// `AttributeError`).
    Attribute,
    /// A name that is neither a variable nor a known function or constant (CPython `NameError`).
    Name,
    /// Indentation where the language has none, e.g. blanks after a form
    /// feed or a line break (CPython `IndentationError`, a kind of
    /// `SyntaxError`: it has a line and a column too).
    Indentation,
    /// The evaluation would exceed a configured limit (ours: `LimitError`).
    Limit,
    /// A user function panicked (CPython `RuntimeError`, the class for an
    /// error that fits no other): see [`Env::set_function`](crate::Env::set_function).
    Runtime,
}

impl ErrorKind {
    /// The Python class name, e.g. `"ZeroDivisionError"`.
    pub fn class(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "SyntaxError",
            ErrorKind::Indentation => "IndentationError",
            ErrorKind::ZeroDivision => "ZeroDivisionError",
            ErrorKind::Overflow => "OverflowError",
            ErrorKind::Value => "ValueError",
            ErrorKind::Type => "TypeError",
            ErrorKind::Name => "NameError",
            ErrorKind::Attribute => "AttributeError",
            ErrorKind::Index => "IndexError",
            ErrorKind::Limit => "LimitError",
            ErrorKind::Runtime => "RuntimeError",
        }
    }
}

/// The message of the `LimitError` for an exhausted work budget.
const WORK_BUDGET_MESSAGE: &str = "operation exceeds the work budget";

/// An evaluation error: Python's exception class, its message and where
/// in the source it arose.
///
/// `Display` prints `Class: message`, as Python's traceback does on its last
/// line:
///
/// ```
/// let err = calc_core::eval("1/0").unwrap_err();
/// assert_eq!(err.to_string(), "ZeroDivisionError: division by zero");
/// assert_eq!(err.kind(), calc_core::ErrorKind::ZeroDivision);
/// ```
///
/// # Positions
///
/// - A `SyntaxError` has a [`line`](EvalError::line) and a
///   [`column`](EvalError::column), 1-based, counted in characters as
///   CPython counts them.
/// - An error [`Expr::eval`](crate::Expr::eval) or
///   [`Expr::check`](crate::Expr::check) raises while evaluating has the
///   [`span`](EvalError::span) of the source text of the failing
///   operation, call or name, in bytes. Errors of the one-shot functions
///   ([`eval`](crate::eval()), [`eval_with`](crate::eval_with), ...), which
///   mostly evaluate without a tree, have none, nor have errors of the
///   whole input (its length) or the ones a user function builds until the
///   call is reported.
///
/// # Constructors
///
/// [`EvalError::new`] and the class-named constructors
/// ([`EvalError::value`], [`EvalError::type_error`], ...) are public so that
/// user functions ([`Env::set_function`](crate::Env::set_function)) can
/// raise Python's exceptions; an error they return gets the span of the call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", kind.class(), message)]
pub struct EvalError {
    kind: ErrorKind,
    message: Cow<'static, str>,
    /// 1-based column of a `SyntaxError` (0: none).
    column: u32,
    /// 1-based line of a `SyntaxError` (0: none).
    line: u32,
    /// Byte span of the failing node (`start == u32::MAX`: none).
    span: (u32, u32),
}

/// No span.
const NO_SPAN: (u32, u32) = (u32::MAX, u32::MAX);

impl EvalError {
    /// An error of `kind` with `message`.
    ///
    /// ```
    /// use calc_core::{ErrorKind, EvalError};
    /// let err = EvalError::new(ErrorKind::Value, "rate must be positive");
    /// assert_eq!(err.to_string(), "ValueError: rate must be positive");
    /// ```
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        EvalError {
            kind,
            message: message.into(),
            column: 0,
            line: 0,
            span: NO_SPAN,
        }
    }

    /// A `SyntaxError` at the 1-based `column` (counted in characters) of
    /// an unknown line; [`with_line`](Self::with_line) adds it.
    pub(crate) fn syntax(message: impl Into<Cow<'static, str>>, column: usize) -> Self {
        EvalError {
            column: u32::try_from(column).unwrap_or(u32::MAX),
            ..Self::new(ErrorKind::Syntax, message)
        }
    }

    /// An `IndentationError` at the 1-based `column` of an unknown line.
    pub(crate) fn indentation(message: impl Into<Cow<'static, str>>, column: usize) -> Self {
        EvalError {
            kind: ErrorKind::Indentation,
            ..Self::syntax(message, column)
        }
    }

    /// The error, at the 1-based `line`.
    pub(crate) fn with_line(mut self, line: usize) -> Self {
        self.line = u32::try_from(line).unwrap_or(u32::MAX);
        self
    }

    /// The error without a span: the one-shot functions report none,
    /// whichever path evaluated the input.
    pub(crate) fn without_span(mut self) -> Self {
        self.span = NO_SPAN;
        self
    }

    /// The error, at the byte span `start..end` of the source unless it
    /// has a span already (the innermost node's wins). Offsets past
    /// `u32::MAX` are not recorded.
    #[cold]
    pub(crate) fn at_span(mut self, start: u32, end: u32) -> Self {
        if self.span.0 == u32::MAX {
            self.span = (start, end);
        }
        self
    }

    /// A `ZeroDivisionError`.
    pub fn zero_division(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::ZeroDivision, message)
    }

    /// An `OverflowError`.
    pub fn overflow(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Overflow, message)
    }

    /// A `ValueError`.
    pub fn value(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Value, message)
    }

    /// A `TypeError`.
    pub fn type_error(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Type, message)
    }

    /// An `AttributeError`.
    pub fn attribute(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Attribute, message)
    }

    /// Python's `NameError` for the unbound `name`.
    pub(crate) fn unbound(name: &str) -> Self {
        Self::new(ErrorKind::Name, format!("name '{name}' is not defined"))
    }

    /// A `LimitError`: the work would exceed a configured [`Limits`](crate::Limits) bound.
    pub fn limit(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Limit, message)
    }

    /// The `LimitError` for an evaluation whose estimated work exceeds
    /// [`Limits::work_budget`](crate::Limits::work_budget).
    pub(crate) fn work_budget() -> Self {
        Self::limit(WORK_BUDGET_MESSAGE)
    }

    /// Whether this is the `LimitError` for running out of
    /// [`Limits::work_budget`](crate::Limits::work_budget), as opposed to
    /// any other limit: under a larger budget the same input may succeed.
    ///
    /// ```
    /// let tight = calc_core::Limits { work_budget: 100, ..calc_core::Limits::default() };
    /// let err = calc_core::eval_with("7**100000", &tight).unwrap_err();
    /// assert!(err.exceeded_work_budget());
    /// let err = calc_core::eval_with("2**(2**30)", &calc_core::Limits::default()).unwrap_err();
    /// assert_eq!(err.class(), "LimitError");
    /// assert!(!err.exceeded_work_budget());
    /// ```
    pub fn exceeded_work_budget(&self) -> bool {
        self.kind == ErrorKind::Limit && self.message == WORK_BUDGET_MESSAGE
    }

    /// The exception class.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The Python class name, e.g. `"SyntaxError"`.
    pub fn class(&self) -> &'static str {
        self.kind.class()
    }

    /// The message, without the class.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For a `SyntaxError` or an `IndentationError`, the 1-based column
    /// (in characters) of the error within its [`line`](Self::line);
    /// `Some(0)` for the few errors CPython reports without a column (an
    /// int literal over the digit limit, a NUL in the source).
    ///
    /// ```
    /// let err = calc_core::Expr::parse("(1 +\n 2 +* 3)").unwrap_err();
    /// assert_eq!((err.line(), err.column()), (Some(2), Some(5)));
    /// ```
    pub fn column(&self) -> Option<usize> {
        matches!(self.kind, ErrorKind::Syntax | ErrorKind::Indentation)
            .then_some(self.column as usize)
    }

    /// For a `SyntaxError` or an `IndentationError`, the 1-based line of
    /// the error (lines end at
    /// `\n`, `\r\n` or `\r`).
    pub fn line(&self) -> Option<usize> {
        (self.line != 0).then_some(self.line as usize)
    }

    /// The byte range of the source text whose evaluation failed: the
    /// operation, call or name (see [Positions](#positions)).
    ///
    /// ```
    /// let src = "1 + 10 // (2 - 2)";
    /// let err = calc_core::Expr::parse(src).unwrap().eval(&calc_core::Env::new()).unwrap_err();
    /// assert_eq!(err.span().map(|s| &src[s]), Some("10 // (2 - 2)"));
    /// ```
    pub fn span(&self) -> Option<std::ops::Range<usize>> {
        (self.span.0 != u32::MAX).then_some(self.span.0 as usize..self.span.1 as usize)
    }

    /// For a `NameError`, the name that is not defined.
    ///
    /// ```
    /// let err = calc_core::eval("rate * 2").unwrap_err();
    /// assert_eq!(err.name(), Some("rate"));
    /// assert_eq!(calc_core::eval("1/0").unwrap_err().name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        if self.kind != ErrorKind::Name {
            return None;
        }
        self.message
            .strip_prefix("name '")
            .and_then(|m| m.strip_suffix("' is not defined"))
    }
}
