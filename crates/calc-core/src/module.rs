//! The modules of the namespace (`math`, `cmath`) and attribute access,
//! `value.name`, as CPython 3.11's `getattr` answers it for the values of
//! the language.
//!
//! A module's attributes are the namespace's values where the module has
//! them under the same name (`math.sqrt` is `sqrt`). Every other value's
//! attributes are methods and properties outside the language: those
//! CPython has are a `TypeError` saying so, the rest CPython's
//! `AttributeError`.

use crate::builtins::{self, Builtin};
use crate::{Complex, EvalError, Value};

/// A module of the namespace: `math` or `cmath`.
///
/// Its repr is `<module 'math' (built-in)>`, CPython's for a module
/// compiled into the interpreter.
///
/// ```
/// use calc_core::{Module, Value};
/// assert_eq!(calc_core::eval("math").unwrap(), Value::Module(Module::Math));
/// assert_eq!(Module::Cmath.name(), "cmath");
/// assert_eq!(calc_core::eval("math.sqrt(4)").unwrap().to_string(), "2.0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Module {
    /// `math`: functions of real numbers.
    Math,
    /// `cmath`: functions of complex numbers.
    Cmath,
}

impl Module {
    /// Every module of the namespace.
    pub const ALL: [Module; 2] = [Module::Math, Module::Cmath];

    /// The name the module is bound to.
    pub fn name(self) -> &'static str {
        match self {
            Module::Math => "math",
            Module::Cmath => "cmath",
        }
    }

    /// Python's repr, `<module 'math' (built-in)>`.
    pub fn repr(self) -> String {
        format!("<module '{}' (built-in)>", self.name())
    }
}

/// The public names of CPython 3.11's `math` module.
const MATH: [&str; 60] = [
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cbrt",
    "ceil",
    "comb",
    "copysign",
    "cos",
    "cosh",
    "degrees",
    "dist",
    "e",
    "erf",
    "erfc",
    "exp",
    "exp2",
    "expm1",
    "fabs",
    "factorial",
    "floor",
    "fmod",
    "frexp",
    "fsum",
    "gamma",
    "gcd",
    "hypot",
    "inf",
    "isclose",
    "isfinite",
    "isinf",
    "isnan",
    "isqrt",
    "lcm",
    "ldexp",
    "lgamma",
    "log",
    "log10",
    "log1p",
    "log2",
    "modf",
    "nan",
    "nextafter",
    "perm",
    "pi",
    "pow",
    "prod",
    "radians",
    "remainder",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "tau",
    "trunc",
    "ulp",
];

/// The public names of CPython 3.11's `cmath` module.
const CMATH: [&str; 30] = [
    "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "e", "exp", "inf", "infj",
    "isclose", "isfinite", "isinf", "isnan", "log", "log10", "nan", "nanj", "phase", "pi", "polar",
    "rect", "sin", "sinh", "sqrt", "tan", "tanh", "tau",
];

/// The attributes (neither `__dunder__` nor the module's) of ints and
/// bools, floats, complex numbers, tuples and strings.
const INT_ATTRS: [&str; 10] = [
    "as_integer_ratio",
    "bit_count",
    "bit_length",
    "conjugate",
    "denominator",
    "from_bytes",
    "imag",
    "numerator",
    "real",
    "to_bytes",
];
const FLOAT_ATTRS: [&str; 7] = [
    "as_integer_ratio",
    "conjugate",
    "fromhex",
    "hex",
    "imag",
    "is_integer",
    "real",
];
const COMPLEX_ATTRS: [&str; 3] = ["conjugate", "imag", "real"];
const TUPLE_ATTRS: [&str; 2] = ["count", "index"];
const STR_ATTRS: [&str; 47] = [
    "capitalize",
    "casefold",
    "center",
    "count",
    "encode",
    "endswith",
    "expandtabs",
    "find",
    "format",
    "format_map",
    "index",
    "isalnum",
    "isalpha",
    "isascii",
    "isdecimal",
    "isdigit",
    "isidentifier",
    "islower",
    "isnumeric",
    "isprintable",
    "isspace",
    "istitle",
    "isupper",
    "join",
    "ljust",
    "lower",
    "lstrip",
    "maketrans",
    "partition",
    "removeprefix",
    "removesuffix",
    "replace",
    "rfind",
    "rindex",
    "rjust",
    "rpartition",
    "rsplit",
    "rstrip",
    "split",
    "splitlines",
    "startswith",
    "strip",
    "swapcase",
    "title",
    "translate",
    "upper",
    "zfill",
];

/// `value.name`.
pub(crate) fn attribute(value: &Value, name: &str) -> Result<Value, EvalError> {
    if let Value::Module(m) = value {
        return module_attribute(*m, name);
    }
    let attrs: &[&str] = match value {
        Value::Bool(_) | Value::Int(_) => &INT_ATTRS,
        Value::Float(_) => &FLOAT_ATTRS,
        Value::Complex(_) => &COMPLEX_ATTRS,
        Value::Tuple(_) => &TUPLE_ATTRS,
        Value::Str(_) => &STR_ATTRS,
        Value::Builtin(b) if b.is_type() => match b {
            Builtin::Float => &FLOAT_ATTRS,
            Builtin::Complex => &COMPLEX_ATTRS,
            _ => &INT_ATTRS,
        },
        _ => &[],
    };
    let is_type = matches!(value, Value::Builtin(b) if b.is_type());
    if is_dunder(name) || attrs.contains(&name) || (is_type && name == "mro") {
        return Err(unsupported(value.type_name(), name));
    }
    Err(match value {
        Value::Builtin(b) if is_type => EvalError::attribute(format!(
            "type object '{}' has no attribute '{name}'",
            b.name()
        )),
        _ => EvalError::attribute(format!(
            "'{}' object has no attribute '{name}'",
            value.type_name()
        )),
    })
}

/// An attribute of a module.
fn module_attribute(m: Module, name: &str) -> Result<Value, EvalError> {
    let names: &[&str] = match m {
        Module::Math => &MATH,
        Module::Cmath => &CMATH,
    };
    if is_dunder(name) {
        return Err(unsupported(m.name(), name));
    }
    if !names.contains(&name) {
        return Err(EvalError::attribute(format!(
            "module '{}' has no attribute '{name}'",
            m.name()
        )));
    }
    match (m, name) {
        // `math.pow` is a float power, not the builtin `pow` the namespace
        // binds.
        (Module::Math, "pow") => Ok(Value::Builtin(Builtin::MathPow)),
        (Module::Math, _) => builtins::lookup(name).ok_or_else(|| unsupported(m.name(), name)),
        (Module::Cmath, "pi" | "e" | "tau" | "inf" | "nan") => {
            builtins::lookup(name).ok_or_else(|| unsupported(m.name(), name))
        }
        (Module::Cmath, "phase") => Ok(Value::Builtin(Builtin::CmathPhase)),
        (Module::Cmath, "polar") => Ok(Value::Builtin(Builtin::CmathPolar)),
        (Module::Cmath, "isfinite") => Ok(Value::Builtin(Builtin::CmathIsfinite)),
        (Module::Cmath, "isinf") => Ok(Value::Builtin(Builtin::CmathIsinf)),
        (Module::Cmath, "isnan") => Ok(Value::Builtin(Builtin::CmathIsnan)),
        (Module::Cmath, "isclose") => Ok(Value::Builtin(Builtin::CmathIsclose)),
        (Module::Cmath, "sqrt") => Ok(Value::Builtin(Builtin::CmathSqrt)),
        (Module::Cmath, "exp") => Ok(Value::Builtin(Builtin::CmathExp)),
        (Module::Cmath, "log") => Ok(Value::Builtin(Builtin::CmathLog)),
        (Module::Cmath, "log10") => Ok(Value::Builtin(Builtin::CmathLog10)),
        (Module::Cmath, "rect") => Ok(Value::Builtin(Builtin::CmathRect)),
        (Module::Cmath, "sin") => Ok(Value::Builtin(Builtin::CmathSin)),
        (Module::Cmath, "cos") => Ok(Value::Builtin(Builtin::CmathCos)),
        (Module::Cmath, "tan") => Ok(Value::Builtin(Builtin::CmathTan)),
        (Module::Cmath, "asin") => Ok(Value::Builtin(Builtin::CmathAsin)),
        (Module::Cmath, "acos") => Ok(Value::Builtin(Builtin::CmathAcos)),
        (Module::Cmath, "atan") => Ok(Value::Builtin(Builtin::CmathAtan)),
        (Module::Cmath, "sinh") => Ok(Value::Builtin(Builtin::CmathSinh)),
        (Module::Cmath, "cosh") => Ok(Value::Builtin(Builtin::CmathCosh)),
        (Module::Cmath, "tanh") => Ok(Value::Builtin(Builtin::CmathTanh)),
        (Module::Cmath, "asinh") => Ok(Value::Builtin(Builtin::CmathAsinh)),
        (Module::Cmath, "acosh") => Ok(Value::Builtin(Builtin::CmathAcosh)),
        (Module::Cmath, "atanh") => Ok(Value::Builtin(Builtin::CmathAtanh)),
        (Module::Cmath, "infj") => Ok(Value::Complex(Complex::new(0.0, f64::INFINITY))),
        (Module::Cmath, "nanj") => Ok(Value::Complex(Complex::new(0.0, f64::NAN))),
        (Module::Cmath, _) => Err(unsupported(m.name(), name)),
    }
}

/// `__name__`-style names: every value has some, none is in the language.
fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// The `TypeError` for an attribute CPython has that is outside the
/// language (a method, a property, a module's function not implemented).
fn unsupported(owner: &str, name: &str) -> EvalError {
    EvalError::type_error(format!("{owner}.{name} is not supported"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(v: &Value, name: &str) -> String {
        attribute(v, name).unwrap_err().to_string()
    }

    #[test]
    fn attribute_errors_are_cpythons() {
        assert_eq!(
            msg(&Value::from(1), "x"),
            "AttributeError: 'int' object has no attribute 'x'"
        );
        assert_eq!(
            msg(&Value::Builtin(Builtin::Abs), "x"),
            "AttributeError: 'builtin_function_or_method' object has no attribute 'x'"
        );
        assert_eq!(
            msg(&Value::Builtin(Builtin::Int), "x"),
            "AttributeError: type object 'int' has no attribute 'x'"
        );
        assert_eq!(
            msg(&Value::Module(Module::Math), "abs"),
            "AttributeError: module 'math' has no attribute 'abs'"
        );
        assert_eq!(
            msg(&Value::from("a"), "upper"),
            "TypeError: str.upper is not supported"
        );
    }

    #[test]
    fn math_names_are_the_namespaces() {
        for name in MATH {
            let v = attribute(&Value::Module(Module::Math), name);
            if name == "pow" {
                assert_eq!(v, Ok(Value::Builtin(Builtin::MathPow)));
            } else {
                assert_eq!(
                    v.ok().map(|v| v.to_string()),
                    builtins::lookup(name).map(|v| v.to_string()),
                    "{name}"
                );
            }
        }
    }
}

#[cfg(test)]
mod eval_tests {
    fn show(src: &str) -> String {
        match crate::eval(src) {
            Ok(v) => v.to_string(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn attributes_evaluate() {
        let cases = [
            ("math.sqrt(2)", "1.4142135623730951"),
            ("math.pi", "3.141592653589793"),
            ("math.fsum((1, 2))", "3.0"),
            // `math.pow`, not the builtin: a float power with math's errors.
            ("math.pow(2, 3)", "8.0"),
            ("math.pow(True, 2)", "1.0"),
            ("math.pow(2, -1100)", "0.0"),
            ("math.pow(nan, 0)", "1.0"),
            ("math.pow(1, nan)", "1.0"),
            ("math.pow(-inf, 3)", "-inf"),
            ("math.pow(-inf, -3)", "-0.0"),
            ("math.pow(0.5, -inf)", "inf"),
            ("math.pow(-2, inf)", "inf"),
            ("math.pow(-8, 1/3)", "ValueError: math domain error"),
            ("math.pow(-0.0, -1)", "ValueError: math domain error"),
            ("math.pow(10, 400)", "OverflowError: math range error"),
            (
                "math.pow(2**2000, 1)",
                "OverflowError: int too large to convert to float",
            ),
            (
                "math.pow(1j, 2)",
                "TypeError: must be real number, not complex",
            ),
            ("math.pow(2)", "TypeError: pow expected 2 arguments, got 1"),
            (
                "math.pow(2, y=3)",
                "TypeError: math.pow() takes no keyword arguments",
            ),
            ("math.pow", "<built-in function pow>"),
            ("math.pow == pow", "False"),
            ("math", "<module 'math' (built-in)>"),
            ("math == math", "True"),
            ("math == cmath", "False"),
            (
                "math.nope",
                "AttributeError: module 'math' has no attribute 'nope'",
            ),
            ("(1).x", "AttributeError: 'int' object has no attribute 'x'"),
            ("1 .x", "AttributeError: 'int' object has no attribute 'x'"),
            (
                "math + 1",
                "TypeError: unsupported operand type(s) for +: 'module' and 'int'",
            ),
            ("-math", "TypeError: bad operand type for unary -: 'module'"),
            ("math(1)", "TypeError: 'module' object is not callable"),
            ("math[0]", "TypeError: 'module' object is not subscriptable"),
            ("cmath.infj", "infj"),
            ("not math", "False"),
        ];
        for (src, want) in cases {
            assert_eq!(show(src), want, "{src}");
        }
    }
}
