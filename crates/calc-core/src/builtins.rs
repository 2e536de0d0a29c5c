//! The names every evaluation can see: the functions and constants of
//! DESIGN.md section 2's `NS`, with CPython 3.11's semantics.
//!
//! - [`lookup`] maps a name to its value (`pi`, `abs`, ...).
//! - [`call`] applies a builtin to positional arguments, [`call_kw`] to
//!   positional and keyword arguments.
//!
//! Each family lives in its own submodule: float functions (`math`), the
//! platform libm functions Rust's `f64` lacks (`libm`), `gamma`/`lgamma`
//! (`gamma`), functions of the float format (`fp`: `isnan`, `ldexp`,
//! `nextafter`, `remainder`, ...), functions of an iterable (`sums`:
//! `fsum`, `prod`, `dist`), integer functions (`intfuncs`), `round`, the
//! type constructors and `abs` (`convert`), `min`/`max`, `pow`, the
//! functions that make or take tuples (`seq`: `divmod`, `sum`, `frexp`,
//! `modf`), the conversions between numbers and strings (`strconv`:
//! `hex`, `oct`, `bin`, `int`/`float`/`complex` of a string), and the
//! functions of the `cmath` module (`cmath`).

mod args;
mod cmath;
mod convert;
mod cost;
mod fp;
mod gamma;
mod gcd;
mod intfuncs;
mod kwargs;
mod libm;
mod math;
mod minmax;
mod num;
mod pow;
#[cfg(test)]
mod pysample;
mod round;
mod seq;
mod strconv;
mod sums;

use crate::ast::CmpOp;
use crate::budget::Budget;
use crate::{EvalError, Value};
pub(crate) use kwargs::call_kw;

/// A built-in function or type of the namespace.
///
/// `abs`, `round`, `min`, `max`, `pow`, `hex`, `oct` and `bin` are Python builtins, `int`,
/// `float`, `complex` and `bool` are types (their repr is
/// `<class 'int'>`), the `Cmath...` variants are functions of the `cmath`
/// module (attributes only: `cmath.phase`), and the rest are functions of
/// the `math` module.
/// Non-exhaustive: more functions of the namespace become variants.
///
/// ```
/// use calc_core::Builtin;
/// assert_eq!(Builtin::Sqrt.name(), "sqrt");
/// assert_eq!(Builtin::Sqrt.repr(), "<built-in function sqrt>");
/// assert_eq!(Builtin::Int.repr(), "<class 'int'>");
/// assert!(Builtin::Float.is_type());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
#[non_exhaustive]
pub enum Builtin {
    Abs,
    Round,
    Min,
    Max,
    Pow,
    Int,
    Float,
    Complex,
    Sqrt,
    Exp,
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Sinh,
    Cosh,
    Tanh,
    Hypot,
    Floor,
    Ceil,
    Trunc,
    Factorial,
    Gcd,
    Isqrt,
    Comb,
    Perm,
    Degrees,
    Radians,
    Fabs,
    Fmod,
    Copysign,
    Bool,
    Acosh,
    Asinh,
    Atanh,
    Cbrt,
    Erf,
    Erfc,
    Exp2,
    Expm1,
    Log1p,
    Gamma,
    Lgamma,
    Isfinite,
    Isinf,
    Isnan,
    Isclose,
    Ldexp,
    Nextafter,
    Ulp,
    Remainder,
    Lcm,
    Fsum,
    Prod,
    Dist,
    Divmod,
    Sum,
    Frexp,
    Modf,
    Hex,
    Oct,
    Bin,
    /// `cmath.phase`: not a name of the namespace, so not in
    /// [`Builtin::ALL`]; reached as an attribute of `cmath`.
    CmathPhase,
    /// `cmath.polar`, as [`Builtin::CmathPhase`].
    CmathPolar,
    /// `cmath.isfinite`, as [`Builtin::CmathPhase`].
    CmathIsfinite,
    /// `cmath.isinf`, as [`Builtin::CmathPhase`].
    CmathIsinf,
    /// `cmath.isnan`, as [`Builtin::CmathPhase`].
    CmathIsnan,
    /// `cmath.isclose`, as [`Builtin::CmathPhase`].
    CmathIsclose,
    /// `cmath.sqrt`, as [`Builtin::CmathPhase`].
    CmathSqrt,
    /// `cmath.exp`, as [`Builtin::CmathPhase`].
    CmathExp,
    /// `cmath.log`, as [`Builtin::CmathPhase`].
    CmathLog,
    /// `cmath.log10`, as [`Builtin::CmathPhase`].
    CmathLog10,
    /// `cmath.rect`, as [`Builtin::CmathPhase`].
    CmathRect,
    /// `cmath.sin`, as [`Builtin::CmathPhase`].
    CmathSin,
    /// `cmath.cos`, as [`Builtin::CmathPhase`].
    CmathCos,
    /// `cmath.tan`, as [`Builtin::CmathPhase`].
    CmathTan,
    /// `cmath.asin`, as [`Builtin::CmathPhase`].
    CmathAsin,
    /// `cmath.acos`, as [`Builtin::CmathPhase`].
    CmathAcos,
    /// `cmath.atan`, as [`Builtin::CmathPhase`].
    CmathAtan,
    /// `cmath.sinh`, as [`Builtin::CmathPhase`].
    CmathSinh,
    /// `cmath.cosh`, as [`Builtin::CmathPhase`].
    CmathCosh,
    /// `cmath.tanh`, as [`Builtin::CmathPhase`].
    CmathTanh,
    /// `cmath.asinh`, as [`Builtin::CmathPhase`].
    CmathAsinh,
    /// `cmath.acosh`, as [`Builtin::CmathPhase`].
    CmathAcosh,
    /// `cmath.atanh`, as [`Builtin::CmathPhase`].
    CmathAtanh,
    /// `math.pow`, a float power: an attribute of `math` only, as the
    /// name `pow` of the namespace is the builtin [`Builtin::Pow`].
    MathPow,
}

/// The pattern of every function of the `cmath` module, written once for
/// [`Builtin::is_cmath`] and [`call`].
macro_rules! cmath_functions {
    () => {
        Builtin::CmathPhase
            | Builtin::CmathPolar
            | Builtin::CmathIsfinite
            | Builtin::CmathIsinf
            | Builtin::CmathIsnan
            | Builtin::CmathIsclose
            | Builtin::CmathSqrt
            | Builtin::CmathExp
            | Builtin::CmathLog
            | Builtin::CmathLog10
            | Builtin::CmathRect
            | Builtin::CmathSin
            | Builtin::CmathCos
            | Builtin::CmathTan
            | Builtin::CmathAsin
            | Builtin::CmathAcos
            | Builtin::CmathAtan
            | Builtin::CmathSinh
            | Builtin::CmathCosh
            | Builtin::CmathTanh
            | Builtin::CmathAsinh
            | Builtin::CmathAcosh
            | Builtin::CmathAtanh
    };
}

impl Builtin {
    /// Every builtin bound to a name of the namespace, in declaration
    /// order (the functions of `cmath`, attributes only, are not).
    pub const ALL: [Builtin; 68] = [
        Builtin::Abs,
        Builtin::Round,
        Builtin::Min,
        Builtin::Max,
        Builtin::Pow,
        Builtin::Int,
        Builtin::Float,
        Builtin::Complex,
        Builtin::Sqrt,
        Builtin::Exp,
        Builtin::Log,
        Builtin::Log2,
        Builtin::Log10,
        Builtin::Sin,
        Builtin::Cos,
        Builtin::Tan,
        Builtin::Asin,
        Builtin::Acos,
        Builtin::Atan,
        Builtin::Atan2,
        Builtin::Sinh,
        Builtin::Cosh,
        Builtin::Tanh,
        Builtin::Hypot,
        Builtin::Floor,
        Builtin::Ceil,
        Builtin::Trunc,
        Builtin::Factorial,
        Builtin::Gcd,
        Builtin::Isqrt,
        Builtin::Comb,
        Builtin::Perm,
        Builtin::Degrees,
        Builtin::Radians,
        Builtin::Fabs,
        Builtin::Fmod,
        Builtin::Copysign,
        Builtin::Bool,
        Builtin::Acosh,
        Builtin::Asinh,
        Builtin::Atanh,
        Builtin::Cbrt,
        Builtin::Erf,
        Builtin::Erfc,
        Builtin::Exp2,
        Builtin::Expm1,
        Builtin::Log1p,
        Builtin::Gamma,
        Builtin::Lgamma,
        Builtin::Isfinite,
        Builtin::Isinf,
        Builtin::Isnan,
        Builtin::Isclose,
        Builtin::Ldexp,
        Builtin::Nextafter,
        Builtin::Ulp,
        Builtin::Remainder,
        Builtin::Lcm,
        Builtin::Fsum,
        Builtin::Prod,
        Builtin::Dist,
        Builtin::Divmod,
        Builtin::Sum,
        Builtin::Frexp,
        Builtin::Modf,
        Builtin::Hex,
        Builtin::Oct,
        Builtin::Bin,
    ];

    /// The name the function is bound to, e.g. `"sqrt"`.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Abs => "abs",
            Builtin::Round => "round",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Pow => "pow",
            Builtin::Int => "int",
            Builtin::Float => "float",
            Builtin::Complex => "complex",
            Builtin::Sqrt => "sqrt",
            Builtin::Exp => "exp",
            Builtin::Log => "log",
            Builtin::Log2 => "log2",
            Builtin::Log10 => "log10",
            Builtin::Sin => "sin",
            Builtin::Cos => "cos",
            Builtin::Tan => "tan",
            Builtin::Asin => "asin",
            Builtin::Acos => "acos",
            Builtin::Atan => "atan",
            Builtin::Atan2 => "atan2",
            Builtin::Sinh => "sinh",
            Builtin::Cosh => "cosh",
            Builtin::Tanh => "tanh",
            Builtin::Hypot => "hypot",
            Builtin::Floor => "floor",
            Builtin::Ceil => "ceil",
            Builtin::Trunc => "trunc",
            Builtin::Factorial => "factorial",
            Builtin::Gcd => "gcd",
            Builtin::Isqrt => "isqrt",
            Builtin::Comb => "comb",
            Builtin::Perm => "perm",
            Builtin::Degrees => "degrees",
            Builtin::Radians => "radians",
            Builtin::Fabs => "fabs",
            Builtin::Fmod => "fmod",
            Builtin::Copysign => "copysign",
            Builtin::Bool => "bool",
            Builtin::Acosh => "acosh",
            Builtin::Asinh => "asinh",
            Builtin::Atanh => "atanh",
            Builtin::Cbrt => "cbrt",
            Builtin::Erf => "erf",
            Builtin::Erfc => "erfc",
            Builtin::Exp2 => "exp2",
            Builtin::Expm1 => "expm1",
            Builtin::Log1p => "log1p",
            Builtin::Gamma => "gamma",
            Builtin::Lgamma => "lgamma",
            Builtin::Isfinite => "isfinite",
            Builtin::Isinf => "isinf",
            Builtin::Isnan => "isnan",
            Builtin::Isclose => "isclose",
            Builtin::Ldexp => "ldexp",
            Builtin::Nextafter => "nextafter",
            Builtin::Ulp => "ulp",
            Builtin::Remainder => "remainder",
            Builtin::Lcm => "lcm",
            Builtin::Fsum => "fsum",
            Builtin::Prod => "prod",
            Builtin::Dist => "dist",
            Builtin::Divmod => "divmod",
            Builtin::Sum => "sum",
            Builtin::Frexp => "frexp",
            Builtin::Modf => "modf",
            Builtin::Hex => "hex",
            Builtin::Oct => "oct",
            Builtin::Bin => "bin",
            Builtin::CmathPhase => "phase",
            Builtin::CmathPolar => "polar",
            Builtin::CmathIsfinite => "isfinite",
            Builtin::CmathIsinf => "isinf",
            Builtin::CmathIsnan => "isnan",
            Builtin::CmathIsclose => "isclose",
            Builtin::CmathSqrt => "sqrt",
            Builtin::CmathExp => "exp",
            Builtin::CmathLog => "log",
            Builtin::CmathLog10 => "log10",
            Builtin::CmathRect => "rect",
            Builtin::CmathSin => "sin",
            Builtin::CmathCos => "cos",
            Builtin::CmathTan => "tan",
            Builtin::CmathAsin => "asin",
            Builtin::CmathAcos => "acos",
            Builtin::CmathAtan => "atan",
            Builtin::CmathSinh => "sinh",
            Builtin::CmathCosh => "cosh",
            Builtin::CmathTanh => "tanh",
            Builtin::CmathAsinh => "asinh",
            Builtin::CmathAcosh => "acosh",
            Builtin::CmathAtanh => "atanh",
            Builtin::MathPow => "pow",
        }
    }

    /// Whether this is a function of the `cmath` module.
    pub(crate) fn is_cmath(self) -> bool {
        matches!(self, cmath_functions!())
    }

    /// Whether this is a type (`int`, `float`, `complex`, `bool`) rather
    /// than a function; Python's `type(x).__name__` is then `type`.
    pub fn is_type(self) -> bool {
        matches!(
            self,
            Builtin::Int | Builtin::Float | Builtin::Complex | Builtin::Bool
        )
    }

    /// Python's `repr`: `<class 'int'>` for a type, `<built-in function
    /// abs>` for a function.
    pub fn repr(self) -> String {
        if self.is_type() {
            format!("<class '{}'>", self.name())
        } else {
            format!("<built-in function {}>", self.name())
        }
    }
}

/// The names of the namespace's constants, all floats; the functions are
/// [`Builtin::ALL`]. Together they are every name an expression can use
/// (besides `True` and `False`, which are keywords, and the modules of
/// [`Module::ALL`](crate::Module::ALL)).
///
/// ```
/// assert_eq!(calc_core::eval("tau").unwrap().to_string(), "6.283185307179586");
/// assert!(calc_core::CONSTANTS.contains(&"tau"));
/// ```
pub const CONSTANTS: [&str; 5] = ["pi", "e", "tau", "inf", "nan"];

/// The value bound to `name` in the namespace, if any.
pub(crate) fn lookup(name: &str) -> Option<Value> {
    lookup_namespace(name)
}

/// The 8-byte key of a name of at most 8 bytes: its bytes, little-endian.
const fn key(name: &[u8]) -> u64 {
    let mut k = 0;
    let mut i = 0;
    while i < name.len() && i < 8 {
        k |= (name[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// The namespace's names and values, as [`lookup`]: a name of up to 8
/// bytes by its [`key`] first, which the compiler turns into a search
/// tree of integer comparisons, then compared whole (a `match` on the
/// string compares it with every name of its length).
macro_rules! namespace {
    ($($name:literal => $value:expr,)*) => {
        fn lookup_namespace(name: &str) -> Option<Value> {
            if name.len() <= 8 {
                let k = key(name.as_bytes());
                $(
                    if k == const { key($name.as_bytes()) } {
                        return (name == $name).then_some($value);
                    }
                )*
                return None;
            }
            match name {
                $($name => Some($value),)*
                _ => None,
            }
        }
    };
}

namespace! {
    "pi" => Value::Float(std::f64::consts::PI),
    "e" => Value::Float(std::f64::consts::E),
    "tau" => Value::Float(std::f64::consts::TAU),
    "inf" => Value::Float(f64::INFINITY),
    "nan" => Value::Float(f64::NAN),
    "abs" => Value::Builtin(Builtin::Abs),
    "round" => Value::Builtin(Builtin::Round),
    "min" => Value::Builtin(Builtin::Min),
    "max" => Value::Builtin(Builtin::Max),
    "pow" => Value::Builtin(Builtin::Pow),
    "int" => Value::Builtin(Builtin::Int),
    "float" => Value::Builtin(Builtin::Float),
    "complex" => Value::Builtin(Builtin::Complex),
    "sqrt" => Value::Builtin(Builtin::Sqrt),
    "exp" => Value::Builtin(Builtin::Exp),
    "log" => Value::Builtin(Builtin::Log),
    "log2" => Value::Builtin(Builtin::Log2),
    "log10" => Value::Builtin(Builtin::Log10),
    "sin" => Value::Builtin(Builtin::Sin),
    "cos" => Value::Builtin(Builtin::Cos),
    "tan" => Value::Builtin(Builtin::Tan),
    "asin" => Value::Builtin(Builtin::Asin),
    "acos" => Value::Builtin(Builtin::Acos),
    "atan" => Value::Builtin(Builtin::Atan),
    "atan2" => Value::Builtin(Builtin::Atan2),
    "sinh" => Value::Builtin(Builtin::Sinh),
    "cosh" => Value::Builtin(Builtin::Cosh),
    "tanh" => Value::Builtin(Builtin::Tanh),
    "hypot" => Value::Builtin(Builtin::Hypot),
    "floor" => Value::Builtin(Builtin::Floor),
    "ceil" => Value::Builtin(Builtin::Ceil),
    "trunc" => Value::Builtin(Builtin::Trunc),
    "factorial" => Value::Builtin(Builtin::Factorial),
    "gcd" => Value::Builtin(Builtin::Gcd),
    "isqrt" => Value::Builtin(Builtin::Isqrt),
    "comb" => Value::Builtin(Builtin::Comb),
    "perm" => Value::Builtin(Builtin::Perm),
    "degrees" => Value::Builtin(Builtin::Degrees),
    "radians" => Value::Builtin(Builtin::Radians),
    "fabs" => Value::Builtin(Builtin::Fabs),
    "fmod" => Value::Builtin(Builtin::Fmod),
    "copysign" => Value::Builtin(Builtin::Copysign),
    "bool" => Value::Builtin(Builtin::Bool),
    "acosh" => Value::Builtin(Builtin::Acosh),
    "asinh" => Value::Builtin(Builtin::Asinh),
    "atanh" => Value::Builtin(Builtin::Atanh),
    "cbrt" => Value::Builtin(Builtin::Cbrt),
    "erf" => Value::Builtin(Builtin::Erf),
    "erfc" => Value::Builtin(Builtin::Erfc),
    "exp2" => Value::Builtin(Builtin::Exp2),
    "expm1" => Value::Builtin(Builtin::Expm1),
    "log1p" => Value::Builtin(Builtin::Log1p),
    "gamma" => Value::Builtin(Builtin::Gamma),
    "lgamma" => Value::Builtin(Builtin::Lgamma),
    "isfinite" => Value::Builtin(Builtin::Isfinite),
    "isinf" => Value::Builtin(Builtin::Isinf),
    "isnan" => Value::Builtin(Builtin::Isnan),
    "isclose" => Value::Builtin(Builtin::Isclose),
    "ldexp" => Value::Builtin(Builtin::Ldexp),
    "nextafter" => Value::Builtin(Builtin::Nextafter),
    "ulp" => Value::Builtin(Builtin::Ulp),
    "remainder" => Value::Builtin(Builtin::Remainder),
    "lcm" => Value::Builtin(Builtin::Lcm),
    "fsum" => Value::Builtin(Builtin::Fsum),
    "prod" => Value::Builtin(Builtin::Prod),
    "dist" => Value::Builtin(Builtin::Dist),
    "divmod" => Value::Builtin(Builtin::Divmod),
    "sum" => Value::Builtin(Builtin::Sum),
    "frexp" => Value::Builtin(Builtin::Frexp),
    "modf" => Value::Builtin(Builtin::Modf),
    "hex" => Value::Builtin(Builtin::Hex),
    "oct" => Value::Builtin(Builtin::Oct),
    "bin" => Value::Builtin(Builtin::Bin),
    "math" => Value::Module(crate::Module::Math),
    "cmath" => Value::Module(crate::Module::Cmath),
}

/// For a builtin that, given one float, applies `f` to it under
/// `math_1`'s rules (or, for `gamma`, `lgamma`, `erf` and `erfc`, under
/// `math_1a`'s, which raise for no other results): `f`. A NaN out of a
/// non-NaN, or an infinity out of a finite value, is an error of
/// [`call`]'s; other results are what [`call`] returns. `None` for the
/// other builtins (`log` only with one argument).
pub(crate) fn float_function(b: Builtin) -> Option<fn(f64) -> f64> {
    Some(match b {
        Builtin::Sqrt => f64::sqrt,
        Builtin::Exp => f64::exp,
        Builtin::Log => math::m_log,
        Builtin::Log2 => math::m_log2,
        Builtin::Log10 => math::m_log10,
        Builtin::Sin => f64::sin,
        Builtin::Cos => f64::cos,
        Builtin::Tan => f64::tan,
        Builtin::Asin => f64::asin,
        Builtin::Acos => f64::acos,
        Builtin::Atan => f64::atan,
        Builtin::Sinh => f64::sinh,
        Builtin::Cosh => f64::cosh,
        Builtin::Tanh => f64::tanh,
        Builtin::Fabs => f64::abs,
        Builtin::Acosh => libm::c_acosh,
        Builtin::Asinh => libm::c_asinh,
        Builtin::Atanh => libm::c_atanh,
        Builtin::Cbrt => libm::c_cbrt,
        Builtin::Erf => libm::c_erf,
        Builtin::Erfc => libm::c_erfc,
        Builtin::Exp2 => libm::c_exp2,
        Builtin::Expm1 => libm::c_expm1,
        Builtin::Log1p => libm::m_log1p,
        Builtin::Gamma => gamma::gamma_value,
        Builtin::Lgamma => gamma::lgamma_value,
        _ => return None,
    })
}

/// Calls `f` with positional `args`.
pub(crate) fn call(
    f: Builtin,
    args: &[Value],
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    use math::math_1;
    match f {
        cmath_functions!() => cmath::call(f, args),
        Builtin::MathPow => math::pow(args),
        Builtin::Abs => convert::abs(args, budget),
        Builtin::Round => round::round(args, budget),
        Builtin::Min => minmax::min_max("min", CmpOp::Lt, args, budget),
        Builtin::Max => minmax::min_max("max", CmpOp::Gt, args, budget),
        Builtin::Pow => pow::pow(args, budget),
        Builtin::Int => match args {
            [Value::Str(s)] => strconv::int(s, 10, budget),
            [Value::Str(s), base] => strconv::int(s, strconv::int_base(base)?, budget),
            _ => convert::int(args, budget),
        },
        Builtin::Float => match args {
            [Value::Str(s)] => strconv::float(s, budget),
            _ => convert::float(args),
        },
        Builtin::Complex => match args {
            [Value::Str(s)] => strconv::complex(s, budget),
            [Value::Str(_), _] => Err(EvalError::type_error(
                "complex() can't take second arg if first is a string",
            )),
            [_, Value::Str(_)] => Err(EvalError::type_error(
                "complex() second arg can't be a string",
            )),
            _ => convert::complex(args),
        },
        Builtin::Sqrt => math_1("math.sqrt", args, f64::sqrt, false),
        Builtin::Exp => math_1("math.exp", args, f64::exp, true),
        Builtin::Log => math::log(args),
        Builtin::Log2 => math::log2(args),
        Builtin::Log10 => math::log10(args),
        Builtin::Sin => math_1("math.sin", args, f64::sin, false),
        Builtin::Cos => math_1("math.cos", args, f64::cos, false),
        Builtin::Tan => math_1("math.tan", args, f64::tan, false),
        Builtin::Asin => math_1("math.asin", args, f64::asin, false),
        Builtin::Acos => math_1("math.acos", args, f64::acos, false),
        Builtin::Atan => math_1("math.atan", args, f64::atan, false),
        Builtin::Atan2 => math::atan2(args),
        Builtin::Sinh => math_1("math.sinh", args, f64::sinh, true),
        Builtin::Cosh => math_1("math.cosh", args, f64::cosh, true),
        Builtin::Tanh => math_1("math.tanh", args, f64::tanh, false),
        Builtin::Hypot => math::hypot(args),
        Builtin::Floor => intfuncs::floor_ceil("math.floor", args, false, budget),
        Builtin::Ceil => intfuncs::floor_ceil("math.ceil", args, true, budget),
        Builtin::Trunc => intfuncs::trunc(args, budget),
        Builtin::Factorial => intfuncs::factorial(args, budget),
        Builtin::Gcd => intfuncs::gcd(args, budget),
        Builtin::Isqrt => intfuncs::isqrt(args, budget),
        Builtin::Comb => intfuncs::comb(args, budget),
        Builtin::Perm => intfuncs::perm(args, budget),
        Builtin::Degrees => math::degrees(args),
        Builtin::Radians => math::radians(args),
        Builtin::Fabs => math_1("math.fabs", args, f64::abs, false),
        Builtin::Fmod => math::fmod(args),
        Builtin::Copysign => math::copysign(args),
        Builtin::Bool => convert::bool(args),
        Builtin::Acosh => math_1("math.acosh", args, libm::c_acosh, false),
        Builtin::Asinh => math_1("math.asinh", args, libm::c_asinh, false),

        Builtin::Atanh => math_1("math.atanh", args, libm::c_atanh, false),
        Builtin::Cbrt => math_1("math.cbrt", args, libm::c_cbrt, false),
        Builtin::Erf => math::erf(args),
        Builtin::Erfc => math::erfc(args),
        Builtin::Exp2 => math_1("math.exp2", args, libm::c_exp2, true),
        Builtin::Expm1 => math_1("math.expm1", args, libm::c_expm1, true),
        Builtin::Log1p => math_1("math.log1p", args, libm::m_log1p, false),
        Builtin::Gamma => gamma::gamma(args),
        Builtin::Lgamma => gamma::lgamma(args),
        Builtin::Isfinite => fp::isfinite(args),
        Builtin::Isinf => fp::isinf(args),
        Builtin::Isnan => fp::isnan(args),
        Builtin::Isclose => fp::isclose(args),
        Builtin::Ldexp => fp::ldexp(args),
        Builtin::Nextafter => fp::nextafter(args),
        Builtin::Ulp => fp::ulp(args),
        Builtin::Remainder => fp::remainder(args),
        Builtin::Lcm => intfuncs::lcm(args, budget),
        // A string as the iterable: its characters (`over_chars`).
        Builtin::Fsum => {
            strconv::over_chars(f, args, budget).unwrap_or_else(|| sums::fsum(args, budget))
        }
        Builtin::Prod => {
            strconv::over_chars(f, args, budget).unwrap_or_else(|| sums::prod(args, budget))
        }
        Builtin::Dist => {
            strconv::over_chars(f, args, budget).unwrap_or_else(|| sums::dist(args, budget))
        }
        Builtin::Divmod => seq::divmod(args, budget),
        Builtin::Sum => seq::sum(args, budget),
        Builtin::Frexp => seq::frexp(args),
        Builtin::Modf => seq::modf(args),
        Builtin::Hex => strconv::radix_repr("hex", 16, args, budget),
        Builtin::Oct => strconv::radix_repr("oct", 8, args, budget),
        Builtin::Bin => strconv::radix_repr("bin", 2, args, budget),
    }
}

/// `f(x)` for a float `x` when `f` is one of the built-ins that are
/// CPython's `math_1` of a libm function (`sqrt`, `cos`, ...): the answer
/// [`call`] gives for the argument list `[x]`, without making one; `None`
/// for the other built-ins.
#[inline]
pub(crate) fn call_float_1(f: Builtin, x: f64) -> Option<Result<f64, EvalError>> {
    let (func, can_overflow): (fn(f64) -> f64, bool) = match f {
        Builtin::Sqrt => (f64::sqrt, false),
        Builtin::Exp => (f64::exp, true),
        Builtin::Sin => (f64::sin, false),
        Builtin::Cos => (f64::cos, false),
        Builtin::Tan => (f64::tan, false),
        Builtin::Asin => (f64::asin, false),
        Builtin::Acos => (f64::acos, false),
        Builtin::Atan => (f64::atan, false),
        Builtin::Sinh => (f64::sinh, true),
        Builtin::Cosh => (f64::cosh, true),
        Builtin::Tanh => (f64::tanh, false),
        Builtin::Fabs => (f64::abs, false),
        Builtin::Acosh => (libm::c_acosh, false),
        Builtin::Asinh => (libm::c_asinh, false),
        Builtin::Atanh => (libm::c_atanh, false),
        Builtin::Cbrt => (libm::c_cbrt, false),
        Builtin::Exp2 => (libm::c_exp2, true),
        Builtin::Expm1 => (libm::c_expm1, true),
        Builtin::Log1p => (libm::m_log1p, false),
        _ => return None,
    };
    Some(math::apply_1(x, func, can_overflow))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_float_1_is_call_on_one_float() {
        let limits = crate::Limits::default();
        let xs = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2.0,
            1e-310,
            710.0,
            -710.0,
            1e308,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let mut some = 0;
        for b in Builtin::ALL {
            for x in xs {
                let Some(fast) = call_float_1(b, x) else {
                    continue;
                };
                some += 1;
                let mut budget = Budget::new(&limits);
                let slow = call(b, &[Value::Float(x)], &mut budget);
                match (fast, slow) {
                    (Ok(r), Ok(Value::Float(s))) => {
                        assert_eq!(r.to_bits(), s.to_bits(), "{}({x})", b.name());
                    }
                    (Err(r), Err(s)) => assert_eq!(r.to_string(), s.to_string()),
                    (r, s) => panic!("{}({x}): {r:?} against {s:?}", b.name()),
                }
            }
        }
        assert_eq!(some, 19 * xs.len());
    }

    #[test]
    fn every_builtin_is_found_by_its_name() {
        for b in Builtin::ALL {
            assert_eq!(lookup(b.name()), Some(Value::Builtin(b)), "{}", b.name());
        }
        assert_eq!(lookup("Abs"), None);
        assert_eq!(lookup("print"), None);
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn every_constant_is_a_float() {
        for name in CONSTANTS {
            assert!(matches!(lookup(name), Some(Value::Float(_))), "{name}");
        }
    }

    #[test]
    fn constants_are_floats() {
        // struct.unpack("<Q", struct.pack("<d", math.pi / math.e / math.tau)) in python3
        let bits = |name: &str| match lookup(name) {
            Some(Value::Float(x)) => x.to_bits(),
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(bits("pi"), 4614256656552045848);
        assert_eq!(bits("e"), 4613303445314885481);
        assert_eq!(bits("tau"), 4618760256179416344);
        assert_eq!(lookup("inf"), Some(Value::Float(f64::INFINITY)));
        assert!(matches!(lookup("nan"), Some(Value::Float(x)) if x.is_nan()));
    }

    #[test]
    fn reprs() {
        // repr(abs), repr(math.sqrt), repr(int), repr(complex)
        assert_eq!(Builtin::Abs.repr(), "<built-in function abs>");
        assert_eq!(Builtin::Sqrt.repr(), "<built-in function sqrt>");
        assert_eq!(Builtin::Int.repr(), "<class 'int'>");
        assert_eq!(Builtin::Complex.repr(), "<class 'complex'>");
        assert!(!Builtin::Pow.is_type());
    }
}
