//! Values of the language: bool, int, float, complex, str, and the
//! built-in functions themselves (so `abs` alone evaluates, as in Python).
//!
//! # Conversions for the rest of the crate
//!
//! The numeric helpers live in [`crate::num`]; the ones other modules use:
//!
//! | need | call |
//! |------|------|
//! | `Int` from / to `BigInt` | [`Int::from_bigint`], [`Int::to_bigint`], `Int::from(i64)` |
//! | `Int` to `f64`, correctly rounded | [`Int::to_f64`] (OverflowError "int too large to convert to float") |
//! | `f64` to `Int`, truncating | [`Int::from_f64`] (ValueError / OverflowError for nan / inf) |
//! | an int literal | [`Int::from_str_radix`] |
//! | int arithmetic with limits | `Int::add`, `sub`, `mul`, `floor_div`, `modulo`, `pow`, `shl`, `shr`, `bitand`/`bitor`/`bitxor` and `num::division::true_div` (crate-private, take a `Budget`); or any operator through `ops::binary` |
//! | a value as a number | [`Value::as_int`], and crate::conv's `TryFrom`s ([`Value::as_i64`], [`Value::as_f64`], [`Value::as_complex`]) |
//! | Python's type name for messages | [`Value::type_name`] |
//! | repr under the digit limit | [`Value::repr`], [`Value::write_repr`] |

use std::fmt;
use std::sync::Arc;

use num_bigint::BigInt;

use crate::builtins::Builtin;
use crate::num::repr;
use crate::{EvalError, Limits};

/// A Python int of arbitrary precision.
///
/// Opaque: build one with `From` (any Rust integer, [`BigInt`]) or
/// [`Int::from_bigint`], read it with [`Int::as_i64`], [`Int::to_bigint`]
/// or the `TryFrom` conversions. Equal ints are equal values (`==`, `Hash`).
///
/// ```
/// use calc_core::Int;
/// let small = Int::from(7);
/// let big = Int::from_bigint(calc_core::num_bigint::BigInt::from(u64::MAX) * 2);
/// assert_eq!(small.as_i64(), Some(7));
/// assert_eq!(big.as_i64(), None);
/// assert_eq!(big.to_bigint().to_string(), "36893488147419103230");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Int(pub(crate) IntRepr);

/// How an [`Int`] is held. Invariant: `Big` only holds values outside the
/// `i64` range, so equal ints have equal representations and the common
/// case stays a machine word; [`Int::from_bigint`] keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum IntRepr {
    /// A value that fits in an `i64`.
    Small(i64),
    /// A value outside the `i64` range.
    Big(BigInt),
}

impl fmt::Debug for Int {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IntRepr::Small(v) => write!(f, "Int({v})"),
            IntRepr::Big(b) => write!(f, "Int({b})"),
        }
    }
}

/// A Python complex number: two f64 parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Complex {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

impl Complex {
    /// The complex number `re + im*j`.
    pub fn new(re: f64, im: f64) -> Complex {
        Complex { re, im }
    }
}

/// A value of the language.
///
/// More kinds of value may be added: a `match` on a `Value` needs a
/// wildcard arm.
///
/// `Display` prints Python's `repr`, bounded as [`Value::repr`] is with
/// the default [`Limits`]: an int of more than 4300 decimal digits prints
/// as `<int of more than 4300 digits>` (converting it would take time
/// quadratic in its length); [`Value::repr_unbounded`] prints every digit.
///
/// ```
/// assert_eq!(calc_core::eval("0.1 + 0.2").unwrap().to_string(), "0.30000000000000004");
/// assert_eq!(calc_core::eval("(1+2j) * 1j").unwrap().to_string(), "(-2+1j)");
/// assert_eq!(calc_core::eval("True + 1").unwrap().to_string(), "2");
/// assert_eq!(calc_core::eval(r"'it\'s' + '\n'").unwrap().to_string(), r#""it's\n""#);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
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
    /// A tuple: an immutable sequence of values.
    Tuple(Tuple),
    /// A string (`'abc'`): Unicode code points, shared rather than copied
    /// when a value is passed on.
    Str(Arc<str>),
    /// A module of the namespace, `math` or `cmath`.
    Module(crate::Module),
}

/// A Python tuple: an immutable sequence of values, shared (cloning one
/// copies a pointer).
///
/// It knows the bytes it counts against `Limits::max_memory` (its
/// elements', each tuple counted as often as it occurs, plus
/// [`Tuple::OVERHEAD`] and [`Tuple::SLOT`] bytes per element) and how deeply tuples
/// nest in it, both computed once when it is built.
///
/// ```
/// use calc_core::{Tuple, Value};
/// let t = Tuple::from(vec![Value::from(1), Value::Tuple(Tuple::default())]);
/// assert_eq!(t.len(), 2);
/// assert_eq!(Value::Tuple(t).to_string(), "(1, ())");
/// assert_eq!(calc_core::eval("(1,) * 3").unwrap().to_string(), "(1, 1, 1)");
/// ```
#[derive(Clone, PartialEq)]
pub struct Tuple(Arc<TupleData>);

impl Default for Tuple {
    /// `()`.
    fn default() -> Tuple {
        Tuple::from(Vec::new())
    }
}

impl fmt::Debug for Tuple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Tuple").field(&self.items()).finish()
    }
}

#[derive(Debug, PartialEq)]
struct TupleData {
    items: Box<[Value]>,
    /// What the tuple counts against `Limits::max_memory`.
    bytes: u64,
    /// 1 for a tuple without tuples in it, else one more than the
    /// deepest tuple in it.
    depth: u32,
}

impl Tuple {
    /// Bytes a tuple counts against `Limits::max_memory` besides its
    /// elements' and [`Tuple::SLOT`] per element: its header.
    pub const OVERHEAD: u64 = 24;

    /// Bytes a tuple counts against `Limits::max_memory` for each
    /// element besides what the element holds: the size of a [`Value`].
    pub const SLOT: u64 = std::mem::size_of::<Value>() as u64;

    /// The elements.
    pub fn items(&self) -> &[Value] {
        &self.0.items
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.0.items.len()
    }

    /// Whether the tuple is `()`.
    pub fn is_empty(&self) -> bool {
        self.0.items.is_empty()
    }

    /// What the tuple counts against `Limits::max_memory`.
    pub(crate) fn held_bytes(&self) -> u64 {
        self.0.bytes
    }

    /// How deeply tuples nest in it (1 for a tuple of numbers).
    pub(crate) fn depth(&self) -> u32 {
        self.0.depth
    }

    /// A tuple display's value, charged one unit an element, refused
    /// (`LimitError`) when tuples would nest deeper than
    /// `Limits::max_nesting` or it would hold more than
    /// `Limits::max_memory` bytes.
    pub(crate) fn build(
        items: Vec<Value>,
        budget: &mut crate::budget::Budget<'_>,
    ) -> Result<Value, EvalError> {
        budget.charge(items.len() as u64)?;
        let (bytes, depth) = Tuple::measure(&items);
        if depth as usize > budget.limits.max_nesting {
            return Err(EvalError::limit(format!(
                "tuples nested too deeply (more than {} levels)",
                budget.limits.max_nesting
            )));
        }
        if bytes > budget.limits.max_memory {
            return Err(budget.memory_error());
        }
        Ok(Value::Tuple(Tuple(Arc::new(TupleData {
            items: items.into_boxed_slice(),
            bytes,
            depth,
        }))))
    }

    /// The memory and depth a tuple of `items` would have, without
    /// building it.
    pub(crate) fn measure(items: &[Value]) -> (u64, u32) {
        let mut bytes = Tuple::OVERHEAD.saturating_add(Tuple::SLOT * items.len() as u64);
        let mut depth = 1;
        for v in items {
            bytes = bytes.saturating_add(crate::budget::held_bytes(v));
            if let Value::Tuple(t) = v {
                depth = depth.max(t.depth().saturating_add(1));
            }
        }
        (bytes, depth)
    }
}

impl From<Vec<Value>> for Tuple {
    fn from(items: Vec<Value>) -> Tuple {
        let (bytes, depth) = Tuple::measure(&items);
        Tuple(Arc::new(TupleData {
            items: items.into_boxed_slice(),
            bytes,
            depth,
        }))
    }
}

impl FromIterator<Value> for Tuple {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Tuple {
        Tuple::from(iter.into_iter().collect::<Vec<Value>>())
    }
}

impl From<Tuple> for Value {
    fn from(t: Tuple) -> Value {
        Value::Tuple(t)
    }
}

impl Value {
    /// Python truthiness: `bool(value)`. NaN is true, as in Python; only
    /// the empty string is a false string.
    ///
    /// ```
    /// use calc_core::Value;
    /// assert!(!Value::from("").is_truthy());
    /// assert!(!Value::Float(0.0).is_truthy());
    /// assert!(Value::Float(f64::NAN).is_truthy());
    /// assert!(!Value::from(0).is_truthy());
    /// ```
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Int(i) => !i.is_zero(),
            Value::Float(x) => *x != 0.0,
            Value::Complex(c) => c.re != 0.0 || c.im != 0.0,
            Value::Builtin(_) | Value::Module(_) => true,
            Value::Tuple(t) => !t.is_empty(),
            Value::Str(s) => !s.is_empty(),
        }
    }

    /// Python's name of the value's type, as used in `TypeError` messages:
    /// `'int'`, `'float'`, `'complex'`, `'bool'`, `'str'`, and for built-ins
    /// `'builtin_function_or_method'` or, for `int`/`float`/`complex`, `'type'`.
    ///
    /// ```
    /// assert_eq!(calc_core::Value::Bool(true).type_name(), "bool");
    /// assert_eq!(calc_core::Value::Float(1.0).type_name(), "float");
    /// ```
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Complex(_) => "complex",
            Value::Builtin(b) => builtin_type_name(*b),
            Value::Tuple(_) => "tuple",
            Value::Str(_) => "str",
            Value::Module(_) => "module",
        }
    }

    /// The value as an [`Int`] if it is an int or a bool.
    pub fn as_int(&self) -> Option<Int> {
        match self {
            Value::Bool(b) => Some(Int(IntRepr::Small(i64::from(*b)))),
            Value::Int(i) => Some(i.clone()),
            _ => None,
        }
    }

    /// Python's `repr(value)`, refusing (as CPython 3.11 does) to print an
    /// int of more than `limits.max_str_digits` decimal digits.
    ///
    /// ```
    /// use calc_core::{Limits, Value};
    /// let limits = Limits { max_str_digits: 3, ..Limits::default() };
    /// assert_eq!(Value::from(999).repr(&limits).unwrap(), "999");
    /// assert_eq!(Value::from(1000).repr(&limits).unwrap_err().class(), "ValueError");
    /// ```
    pub fn repr(&self, limits: &Limits) -> Result<String, EvalError> {
        let mut out = String::new();
        self.write_repr(&mut out, limits)?;
        Ok(out)
    }

    /// Appends Python's `repr(value)` to `out`, with the digit limit of
    /// [`Value::repr`]. On error `out` is left unchanged.
    pub fn write_repr(&self, out: &mut String, limits: &Limits) -> Result<(), EvalError> {
        match self {
            Value::Int(i) => repr::write_int(out, i, Some(limits.max_str_digits)),
            Value::Tuple(t) => {
                // Converting ints to decimal takes time quadratic in their
                // length, and a tuple can hold thousands of long ones.
                if repr_cost(t) > limits.work_budget {
                    return Err(EvalError::limit(
                        "printing the tuple would exceed the work budget",
                    ));
                }
                let len = out.len();
                let r = write_tuple(out, t, &mut |out, v| v.write_repr(out, limits));
                if r.is_err() {
                    out.truncate(len);
                }
                r
            }
            other => {
                other.write_unlimited(out);
                Ok(())
            }
        }
    }

    /// Python's `repr(value)` without any digit limit: an int of `n`
    /// digits takes time quadratic in `n` to convert (about 0.1 s for
    /// 150,000 digits), so output for untrusted input should use
    /// [`Value::repr`] or `Display`.
    ///
    /// ```
    /// let v = calc_core::eval("10**5000").unwrap();
    /// assert_eq!(v.repr_unbounded().len(), 5001);
    /// assert_eq!(v.to_string(), "<int of more than 4300 digits>");
    /// ```
    pub fn repr_unbounded(&self) -> String {
        let mut out = String::new();
        self.write_unlimited(&mut out);
        out
    }

    /// Python's repr without any digit limit.
    fn write_unlimited(&self, out: &mut String) {
        match self {
            Value::Bool(true) => out.push_str("True"),
            Value::Bool(false) => out.push_str("False"),
            Value::Int(i) => {
                // Without a limit the conversion cannot fail.
                let _ = repr::write_int(out, i, None);
            }
            Value::Float(x) => repr::write_float(out, *x, true, false),
            Value::Complex(c) => repr::write_complex(out, *c),
            Value::Tuple(t) => {
                let _ = write_tuple(out, t, &mut |out, v| {
                    v.write_unlimited(out);
                    Ok(())
                });
            }
            Value::Str(s) => crate::text::write_repr(out, s),
            Value::Module(m) => {
                out.push_str("<module '");
                out.push_str(m.name());
                out.push_str("' (built-in)>");
            }
            Value::Builtin(b) => {
                if builtin_type_name(*b) == "type" {
                    out.push_str("<class '");
                    out.push_str(b.name());
                    out.push_str("'>");
                } else {
                    out.push_str("<built-in function ");
                    out.push_str(b.name());
                    out.push('>');
                }
            }
        }
    }
}

/// Estimated work of the decimal conversions of the numbers in `t`, in
/// work units: an int of `n` words outside the machine word `2 n²`
/// (num-bigint converts 4300 digits, 224 words, in about 50 µs), a float
/// 200 and a complex 400 (a tuple of 200,000 floats printed in 50-90 ms);
/// saturating.
fn repr_cost(t: &Tuple) -> u64 {
    let mut cost: u64 = 0;
    for v in t.items() {
        let c = match v {
            Value::Float(_) => 200,
            Value::Complex(_) => 400,
            Value::Int(Int(IntRepr::Big(b))) => {
                let words = b.bits().div_ceil(64);
                words.saturating_mul(words).saturating_mul(2)
            }
            Value::Tuple(inner) => repr_cost(inner),
            _ => 0,
        };
        cost = cost.saturating_add(c);
    }
    cost
}

/// Python's repr of a tuple, its elements written by `item`: `()`,
/// `(1,)`, `(1, 2)`. Recursion follows the tuple's depth, which the
/// evaluation bounds by `Limits::max_nesting`.
fn write_tuple(
    out: &mut String,
    t: &Tuple,
    item: &mut dyn FnMut(&mut String, &Value) -> Result<(), EvalError>,
) -> Result<(), EvalError> {
    out.push('(');
    for (i, v) in t.items().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item(out, v)?;
    }
    if t.len() == 1 {
        out.push(',');
    }
    out.push(')');
    Ok(())
}

/// Python's type of a built-in: the constructors are classes.
fn builtin_type_name(b: Builtin) -> &'static str {
    match b {
        Builtin::Int | Builtin::Float | Builtin::Complex | Builtin::Bool => "type",
        _ => "builtin_function_or_method",
    }
}

/// Python's `repr`, with the default digit limit of [`Value::repr`]: an
/// int over it prints as `<int of more than 4300 digits>`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written straight to the formatter: no intermediate allocation.
        match self {
            Value::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Value::Int(Int(IntRepr::Small(v))) => fmt::Display::fmt(v, f),
            Value::Int(i) => {
                let limit = Limits::default().max_str_digits;
                let mut s = String::new();
                match repr::write_int(&mut s, i, Some(limit)) {
                    Ok(()) => f.write_str(&s),
                    Err(_) => write!(f, "<int of more than {limit} digits>"),
                }
            }
            Value::Float(x) => {
                repr::write_float(f, *x, true, false);
                Ok(())
            }
            Value::Complex(c) => {
                repr::write_complex(f, *c);
                Ok(())
            }
            Value::Builtin(_) | Value::Str(_) | Value::Module(_) => {
                let mut s = String::new();
                self.write_unlimited(&mut s);
                f.write_str(&s)
            }
            Value::Tuple(t) => {
                // An int over the digit limit prints as Display prints it.
                f.write_str("(")?;
                for (i, v) in t.items().iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    fmt::Display::fmt(v, f)?;
                }
                if t.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Int {
    /// Decimal digits, without any digit limit.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Int(IntRepr::Small(v)) => fmt::Display::fmt(v, f),
            Int(IntRepr::Big(b)) => repr::fmt_big(b, f),
        }
    }
}

impl From<Int> for Value {
    fn from(v: Int) -> Value {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    /// A string value.
    ///
    /// ```
    /// assert_eq!(calc_core::Value::from("it's").to_string(), r#""it's""#);
    /// ```
    fn from(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }
}

impl From<Complex> for Value {
    fn from(c: Complex) -> Value {
        Value::Complex(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v_int(s: &str) -> Value {
        Value::Int(Int::from_bigint(s.parse().unwrap()))
    }

    #[test]
    fn truthiness() {
        assert!(Value::Bool(true).is_truthy());
        assert!(!Value::Bool(false).is_truthy());
        assert!(v_int("-100000000000000000000000").is_truthy());
        assert!(!Value::Float(-0.0).is_truthy()); // bool(-0.0) False
        assert!(Value::Complex(Complex::new(0.0, -0.0 + 1e-300)).is_truthy());
        assert!(!Value::Complex(Complex::new(-0.0, -0.0)).is_truthy()); // bool(-0j) False
        assert!(Value::Builtin(Builtin::Abs).is_truthy());
    }

    #[test]
    fn type_names() {
        assert_eq!(Value::from(1).type_name(), "int");
        assert_eq!(
            Value::Complex(Complex::new(0.0, 1.0)).type_name(),
            "complex"
        );
        assert_eq!(
            Value::Builtin(Builtin::Abs).type_name(),
            "builtin_function_or_method"
        );
        assert_eq!(
            Value::Builtin(Builtin::Sqrt).type_name(),
            "builtin_function_or_method"
        );
        assert_eq!(Value::Builtin(Builtin::Int).type_name(), "type");
        assert_eq!(Value::Builtin(Builtin::Complex).type_name(), "type");
    }

    #[test]
    fn accessors() {
        assert_eq!(Value::Bool(false).as_int(), Some(Int(IntRepr::Small(0))));
        assert_eq!(Value::Float(0.0).as_int(), None);
    }

    #[test]
    fn repr_limit() {
        let limits = Limits::default();
        let big = Value::Int(Int::from_bigint(num_traits::pow(BigInt::from(10), 4299)));
        assert_eq!(big.repr(&limits).unwrap().len(), 4300); // len(str(10**4299))
        let over = Value::Int(Int::from_bigint(num_traits::pow(BigInt::from(10), 4300)));
        let err = over.repr(&limits).unwrap_err();
        // str(10**4300)
        assert_eq!(
            err.to_string(),
            "ValueError: Exceeds the limit (4300 digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit"
        );
        let neg = Value::Int(Int::from_bigint(-num_traits::pow(BigInt::from(10), 4299)));
        assert_eq!(neg.repr(&limits).unwrap().len(), 4301); // sign is not a digit
        assert_eq!(over.to_string(), "<int of more than 4300 digits>");
        assert_eq!(over.repr_unbounded().len(), 4301);
        assert_eq!(big.to_string().len(), 4300);
        let mut out = String::from("x");
        assert!(over.write_repr(&mut out, &limits).is_err());
        assert_eq!(out, "x");
    }

    #[test]
    fn tuple_repr_is_bounded() {
        let limits = Limits::default();
        // repr((10**4299,) * 100) is 430,300 digits and commas.
        let v = crate::eval("(10**4299,) * 100").unwrap();
        assert_eq!(v.repr(&limits).unwrap().len(), 100 * 4300 + 99 * 2 + 2);
        // 4000 of them: over the work budget to convert, as 10**4300 alone
        // is over the digit limit.
        let v = crate::eval("(10**4299,) * 4000").unwrap();
        assert_eq!(v.repr(&limits).unwrap_err().class(), "LimitError");
        let v = crate::eval("(1, (10**4300,))").unwrap();
        let mut out = String::from("x");
        assert_eq!(
            v.write_repr(&mut out, &limits).unwrap_err().class(),
            "ValueError"
        );
        assert_eq!(out, "x");
        assert_eq!(
            crate::eval("((),)").unwrap().repr(&limits).unwrap(),
            "((),)"
        );
    }

    #[test]
    fn display() {
        assert_eq!(Value::Bool(true).to_string(), "True");
        assert_eq!(Value::Bool(false).to_string(), "False");
        assert_eq!(Value::from(-7).to_string(), "-7");
        assert_eq!(Value::Float(1.0).to_string(), "1.0");
        assert_eq!(Value::Complex(Complex::new(1.0, 2.0)).to_string(), "(1+2j)");
    }
}
