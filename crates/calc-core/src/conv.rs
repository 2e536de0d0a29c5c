//! Conversions between [`Value`] and Rust's numbers, both ways.
//!
//! Into a `Value`: every Rust integer type, `f32`/`f64`, `bool`,
//! [`Complex`] and num-bigint's `BigInt`/`BigUint` (`From`).
//!
//! Out of a `Value` (`TryFrom<Value>` and `TryFrom<&Value>`), by Python's
//! rules, `bool` being an int subtype:
//!
//! | target | accepts | as Python's |
//! |--------|---------|-------------|
//! | integers (`i8`..`i128`, `u8`..`u128`, `isize`, `usize`), `BigInt` | an int or a bool that fits | `operator.index(x)` |
//! | `f64` | a float, an int (correctly rounded) or a bool | `float(x)` |
//! | [`Complex`] | a complex, a float, an int or a bool | `complex(x)` |
//! | `bool` | a bool only (use [`Value::is_truthy`] for `bool(x)`) | `isinstance(x, bool)` |
//!
//! A refusal is a [`ConversionError`] saying what was expected and what was
//! found, or that an int was out of the target's range; `?` turns it into
//! an [`EvalError`] (a `TypeError` or `OverflowError`) in a user function.

use crate::value::IntRepr;
use num_bigint::{BigInt, BigUint};

use crate::{Complex, EvalError, Int, Value};

/// Why a [`Value`] could not be converted to a Rust type.
///
/// ```
/// use calc_core::{ConversionError, Value};
/// let err = i64::try_from(Value::Float(1.5)).unwrap_err();
/// assert_eq!(err.to_string(), "expected int, found float");
/// assert_eq!((err.expected(), err.found(), err.is_overflow()), ("int", "float", false));
/// let err = u8::try_from(Value::from(256)).unwrap_err();
/// assert_eq!(err.to_string(), "int too large to convert to u8");
/// assert!(err.is_overflow());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionError {
    expected: &'static str,
    found: &'static str,
    overflow: bool,
}

impl ConversionError {
    fn mismatch(expected: &'static str, found: &Value) -> ConversionError {
        ConversionError {
            expected,
            found: found.type_name(),
            overflow: false,
        }
    }

    fn overflow(expected: &'static str, found: &'static str) -> ConversionError {
        ConversionError {
            expected,
            found,
            overflow: true,
        }
    }

    /// What was expected: `"int"`, `"float"`, `"complex"`, `"bool"`, or
    /// for an out-of-range int the Rust type (`"u8"`, `"f64"`).
    pub fn expected(&self) -> &'static str {
        self.expected
    }

    /// Python's type name of the value found (`"int"`, `"complex"`, ...).
    pub fn found(&self) -> &'static str {
        self.found
    }

    /// Whether the value had an accepted type but was out of range (an int
    /// too large for the integer type, or for a float).
    pub fn is_overflow(&self) -> bool {
        self.overflow
    }
}

impl std::fmt::Display for ConversionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.overflow {
            write!(
                f,
                "{} too large to convert to {}",
                self.found, self.expected
            )
        } else {
            write!(f, "expected {}, found {}", self.expected, self.found)
        }
    }
}

impl std::error::Error for ConversionError {}

/// A `TypeError` for a type mismatch, an `OverflowError` for an int out of
/// range, with the conversion error's text as the message.
///
/// ```
/// use calc_core::{EvalError, Value};
/// let err: EvalError = f64::try_from(Value::from(calc_core::Complex::new(0.0, 1.0))).unwrap_err().into();
/// assert_eq!(err.to_string(), "TypeError: expected float, found complex");
/// ```
impl From<ConversionError> for EvalError {
    fn from(e: ConversionError) -> EvalError {
        if e.overflow {
            EvalError::overflow(e.to_string())
        } else {
            EvalError::type_error(e.to_string())
        }
    }
}

impl Value {
    /// The value as an `i64`, if it is an int or a bool (Python's
    /// `operator.index`) that fits; the same as `i64::try_from(&value)`.
    ///
    /// ```
    /// use calc_core::Value;
    /// assert_eq!(Value::Bool(true).as_i64(), Ok(1));
    /// assert_eq!(Value::Float(1.0).as_i64().unwrap_err().to_string(), "expected int, found float");
    /// ```
    pub fn as_i64(&self) -> Result<i64, ConversionError> {
        i64::try_from(self)
    }

    /// The value as a float by Python's `float(x)`: a float as it is, an int
    /// correctly rounded, a bool as `1.0` or `0.0` (bool is an int subtype);
    /// an error for a complex number, a built-in, or an int too large for
    /// a float (Python's `OverflowError`). The same as `f64::try_from(&value)`.
    ///
    /// ```
    /// use calc_core::Value;
    /// assert_eq!(Value::from(3).as_f64(), Ok(3.0));
    /// assert_eq!(Value::Float(0.5).as_f64(), Ok(0.5));
    /// assert_eq!(Value::Bool(true).as_f64(), Ok(1.0));
    /// assert!(calc_core::eval("1j").unwrap().as_f64().is_err());
    /// ```
    pub fn as_f64(&self) -> Result<f64, ConversionError> {
        f64::try_from(self)
    }

    /// The value as a complex number by Python's `complex(x)`: a complex as
    /// it is, a float, int or bool as its real part.
    ///
    /// ```
    /// use calc_core::{Complex, Value};
    /// assert_eq!(Value::from(2).as_complex(), Ok(Complex::new(2.0, 0.0)));
    /// assert_eq!(calc_core::eval("1+2j").unwrap().as_complex(), Ok(Complex::new(1.0, 2.0)));
    /// ```
    pub fn as_complex(&self) -> Result<Complex, ConversionError> {
        Complex::try_from(self)
    }
}

/// The value as an [`Int`], if it is an int or a bool.
fn index(v: &Value, expected: &'static str) -> Result<Int, ConversionError> {
    match v {
        Value::Bool(b) => Ok(Int::from(i64::from(*b))),
        Value::Int(i) => Ok(i.clone()),
        other => Err(ConversionError::mismatch(expected, other)),
    }
}

macro_rules! int_conversions {
    ($($t:ty),*) => {$(
        impl TryFrom<&Value> for $t {
            type Error = ConversionError;
            fn try_from(v: &Value) -> Result<$t, ConversionError> {
                match v {
                    Value::Bool(b) => Ok(<$t>::from(*b)),
                    Value::Int(Int(IntRepr::Small(i))) => <$t>::try_from(*i)
                        .map_err(|_| ConversionError::overflow(stringify!($t), "int")),
                    Value::Int(Int(IntRepr::Big(b))) => <$t>::try_from(b)
                        .map_err(|_| ConversionError::overflow(stringify!($t), "int")),
                    other => Err(ConversionError::mismatch("int", other)),
                }
            }
        }

        impl TryFrom<Value> for $t {
            type Error = ConversionError;
            fn try_from(v: Value) -> Result<$t, ConversionError> {
                <$t>::try_from(&v)
            }
        }

        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                match i64::try_from(v) {
                    Ok(small) => Value::Int(Int(IntRepr::Small(small))),
                    Err(_) => Value::Int(Int::from_bigint(BigInt::from(v))),
                }
            }
        }
    )*};
}

int_conversions!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl TryFrom<&Value> for BigInt {
    type Error = ConversionError;
    fn try_from(v: &Value) -> Result<BigInt, ConversionError> {
        index(v, "int").map(|i| i.to_bigint())
    }
}

impl TryFrom<Value> for BigInt {
    type Error = ConversionError;
    fn try_from(v: Value) -> Result<BigInt, ConversionError> {
        match v {
            Value::Int(Int(IntRepr::Big(b))) => Ok(b),
            other => BigInt::try_from(&other),
        }
    }
}

impl TryFrom<&Value> for f64 {
    type Error = ConversionError;
    fn try_from(v: &Value) -> Result<f64, ConversionError> {
        match v {
            Value::Float(x) => Ok(*x),
            Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
            Value::Int(i) => i
                .to_f64()
                .map_err(|_| ConversionError::overflow("float", "int")),
            other => Err(ConversionError::mismatch("float", other)),
        }
    }
}

impl TryFrom<Value> for f64 {
    type Error = ConversionError;
    fn try_from(v: Value) -> Result<f64, ConversionError> {
        f64::try_from(&v)
    }
}

impl TryFrom<&Value> for Complex {
    type Error = ConversionError;
    fn try_from(v: &Value) -> Result<Complex, ConversionError> {
        match v {
            Value::Complex(c) => Ok(*c),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => f64::try_from(v)
                .map(|re| Complex::new(re, 0.0))
                .map_err(|e| ConversionError {
                    expected: if e.overflow { "complex" } else { e.expected },
                    ..e
                }),
            other => Err(ConversionError::mismatch("complex", other)),
        }
    }
}

impl TryFrom<Value> for Complex {
    type Error = ConversionError;
    fn try_from(v: Value) -> Result<Complex, ConversionError> {
        Complex::try_from(&v)
    }
}

impl TryFrom<&Value> for bool {
    type Error = ConversionError;
    fn try_from(v: &Value) -> Result<bool, ConversionError> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(ConversionError::mismatch("bool", other)),
        }
    }
}

impl TryFrom<Value> for bool {
    type Error = ConversionError;
    fn try_from(v: Value) -> Result<bool, ConversionError> {
        bool::try_from(&v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}

/// Widened exactly to a float (Python has one float type, binary64).
impl From<f32> for Value {
    fn from(v: f32) -> Value {
        Value::Float(f64::from(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<BigInt> for Value {
    fn from(v: BigInt) -> Value {
        Value::Int(Int::from_bigint(v))
    }
}

impl From<BigUint> for Value {
    fn from(v: BigUint) -> Value {
        Value::Int(Int::from_bigint(BigInt::from(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Value {
        Value::from(s.parse::<BigInt>().unwrap())
    }

    #[test]
    fn ints_round_trip_and_refuse_out_of_range() {
        assert_eq!(i64::try_from(Value::from(i64::MIN)), Ok(i64::MIN));
        assert_eq!(u64::try_from(Value::from(u64::MAX)), Ok(u64::MAX));
        assert_eq!(i128::try_from(Value::from(i128::MIN)), Ok(i128::MIN));
        assert_eq!(u128::try_from(Value::from(u128::MAX)), Ok(u128::MAX));
        assert_eq!(Value::from(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(Value::from(usize::MAX), Value::from(usize::MAX as u128));
        // Equal ints have equal representations whatever they came from.
        assert_eq!(Value::from(5u64), Value::from(5i32));
        assert_eq!(Value::from(BigInt::from(5)), Value::from(5));
        assert_eq!(Value::from(BigUint::from(7u8)), Value::from(7));
        let err = i64::try_from(big("9223372036854775808")).unwrap_err();
        assert_eq!(err.to_string(), "int too large to convert to i64");
        assert!(err.is_overflow());
        assert!(u32::try_from(Value::from(-1)).unwrap_err().is_overflow());
        assert_eq!(u8::try_from(Value::Bool(true)), Ok(1));
        let err = i64::try_from(Value::Complex(Complex::new(1.0, 0.0))).unwrap_err();
        assert_eq!(err.to_string(), "expected int, found complex");
        assert_eq!(
            BigInt::try_from(big("-18446744073709551616")).map(|b| b.to_string()),
            Ok("-18446744073709551616".to_string())
        );
        assert_eq!(BigInt::try_from(&Value::Bool(true)), Ok(BigInt::from(1)));
        assert!(BigInt::try_from(Value::Float(1.0)).is_err());
    }

    #[test]
    fn floats_follow_python_float() {
        assert_eq!(
            f64::try_from(big("18446744073709551616")),
            Ok(18446744073709551616.0)
        );
        // float(2**53 + 1) rounds to even
        assert_eq!(
            f64::try_from(big("9007199254740993")),
            Ok(9007199254740992.0)
        );
        assert_eq!(f64::try_from(Value::Bool(false)), Ok(0.0));
        let huge = Value::from(BigInt::from(1) << 1024u32);
        let err = huge.as_f64().unwrap_err(); // float(2**1024) is OverflowError
        assert_eq!(err.to_string(), "int too large to convert to float");
        assert_eq!(
            EvalError::from(err).to_string(),
            "OverflowError: int too large to convert to float"
        );
        let err = Value::Builtin(crate::Builtin::Abs).as_f64().unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected float, found builtin_function_or_method"
        );
        assert_eq!(Value::from(0.1f32), Value::Float(f64::from(0.1f32)));
    }

    #[test]
    fn complex_and_bool() {
        assert_eq!(Value::Float(1.5).as_complex(), Ok(Complex::new(1.5, 0.0)));
        assert_eq!(Value::Bool(true).as_complex(), Ok(Complex::new(1.0, 0.0)));
        let huge = Value::from(BigInt::from(1) << 1024u32);
        assert_eq!(
            huge.as_complex().unwrap_err().to_string(),
            "int too large to convert to complex"
        );
        assert_eq!(
            Value::Builtin(crate::Builtin::Int)
                .as_complex()
                .unwrap_err()
                .to_string(),
            "expected complex, found type"
        );
        assert_eq!(bool::try_from(Value::Bool(true)), Ok(true));
        let err = bool::try_from(Value::from(1)).unwrap_err();
        assert_eq!(
            EvalError::from(err).to_string(),
            "TypeError: expected bool, found int"
        );
    }
}
