//! The one error type of calc-core: a Python exception class and message.

use std::borrow::Cow;

/// The Python exception class an evaluation failed with.
///
/// Every class but [`ErrorKind::Limit`] is CPython's own, raised for the same
/// inputs CPython 3.11 raises it for. `Limit` is ours: the input was inside
/// the language but would cost more time or memory than the configured
/// [`Limits`](crate::Limits) allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// A name that is neither a variable nor a known function or constant (CPython `NameError`).
    Name,
    /// The evaluation would exceed a configured limit (ours: `LimitError`).
    Limit,
}

impl ErrorKind {
    /// The Python class name, e.g. `"ZeroDivisionError"`.
    pub fn class(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "SyntaxError",
            ErrorKind::ZeroDivision => "ZeroDivisionError",
            ErrorKind::Overflow => "OverflowError",
            ErrorKind::Value => "ValueError",
            ErrorKind::Type => "TypeError",
            ErrorKind::Name => "NameError",
            ErrorKind::Limit => "LimitError",
        }
    }
}

/// The message of the `LimitError` for an exhausted work budget.
const WORK_BUDGET_MESSAGE: &str = "operation exceeds the work budget";

/// An evaluation error: Python's exception class, its message and, for a
/// `SyntaxError`, the 1-based column where the problem was found.
///
/// `Display` prints `Class: message`, as Python's traceback does on its last
/// line:
///
/// ```
/// let err = calc_core::eval("1/0").unwrap_err();
/// assert_eq!(err.to_string(), "ZeroDivisionError: division by zero");
/// assert_eq!(err.kind(), calc_core::ErrorKind::ZeroDivision);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", kind.class(), message)]
pub struct EvalError {
    kind: ErrorKind,
    message: Cow<'static, str>,
    column: Option<usize>,
}

impl EvalError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        EvalError {
            kind,
            message: message.into(),
            column: None,
        }
    }

    /// A `SyntaxError` at the 1-based `column` (counted in characters).
    pub fn syntax(message: impl Into<Cow<'static, str>>, column: usize) -> Self {
        EvalError {
            kind: ErrorKind::Syntax,
            message: message.into(),
            column: Some(column),
        }
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

    /// A `NameError`.
    pub fn name(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Name, message)
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

    /// For a `SyntaxError`, the 1-based column (in characters) of the error.
    pub fn column(&self) -> Option<usize> {
        self.column
    }
}
