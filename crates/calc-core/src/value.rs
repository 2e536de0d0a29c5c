//! Values of the language: bool, int, float, complex, and the built-in
//! functions themselves (so `abs` alone evaluates, as in Python).
//!
//! OWNER: numeric-core helper (`Int` arithmetic, `Display` = Python repr).

use std::fmt;

use num_bigint::BigInt;

use crate::builtins::Builtin;

/// A Python int of arbitrary precision.
///
/// Invariant: `Big` only holds values outside the `i64` range, so equal ints
/// have equal representations and the common case stays a machine word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Int {
    /// A value that fits in an `i64`.
    Small(i64),
    /// A value outside the `i64` range.
    Big(BigInt),
}

/// A Python complex number: two f64 parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Complex {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

/// A value of the language.
///
/// `Display` prints Python's `repr`:
///
/// ```
/// assert_eq!(calc_core::eval("0.1 + 0.2").unwrap().to_string(), "0.30000000000000004");
/// assert_eq!(calc_core::eval("(1+2j) * 1j").unwrap().to_string(), "(-2+1j)");
/// assert_eq!(calc_core::eval("True + 1").unwrap().to_string(), "2");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `True` or `False` (an int subtype, as in Python).
    Bool(bool),
    /// An int.
    Int(Int),
    /// A float (IEEE-754 binary64).
    Float(f64),
    /// A complex number.
    Complex(Complex),
    /// A built-in function or type, e.g. `abs` or `int`.
    Builtin(Builtin),
}

impl Value {
    /// Python truthiness: `bool(value)`.
    pub fn is_truthy(&self) -> bool {
        todo!("numeric-core helper")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("numeric-core helper: Python repr")
    }
}
