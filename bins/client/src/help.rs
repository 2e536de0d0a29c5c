//! `help` at the prompt, answered by the client: the language, its
//! functions and constants, the limits, how sessions end.
//!
//! The names come from calc-core ([`calc_core::Builtin::ALL`] for the
//! functions, [`calc_core::CONSTANTS`] for the constants,
//! [`calc_core::Module::ALL`] for the modules), the library
//! calc-server evaluates with, so the list and the completion of names
//! follow the language without a copy to keep in step; the one-line
//! descriptions are written here, and unit tests check that every name has
//! one.

use std::fmt::Write as _;

use calc_core::{Builtin, Module, CONSTANTS};

/// Every name of a function, constant or module: functions first, then
/// constants, then modules.
pub fn names() -> impl Iterator<Item = (&'static str, Kind)> {
    Builtin::ALL
        .iter()
        .map(|b| (b.name(), Kind::Function))
        .chain(CONSTANTS.iter().map(|name| (*name, Kind::Constant)))
        .chain(Module::ALL.iter().map(|m| (m.name(), Kind::Module)))
}

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Called: `sqrt(2)`.
    Function,
    /// A value: `pi`.
    Constant,
    /// A module, whose attributes are named: `math.sqrt`.
    Module,
}

/// A request for help, as typed at the prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum Request<'a> {
    /// `help` or `help()`.
    Overview,
    /// `help NAME` or `help(NAME)`.
    Topic(&'a str),
}

/// Whether `line` asks for help (`help`, `help()`, `help NAME`,
/// `help(NAME)`), and for what. `help` is not a name of the language, so
/// nothing the server would answer is taken away.
pub fn parse(line: &str) -> Option<Request<'_>> {
    let rest = line.trim().strip_prefix("help")?;
    let spaced = rest.starts_with(char::is_whitespace);
    let rest = rest.trim_start();
    let topic = if let Some(call) = rest.strip_prefix('(') {
        call.strip_suffix(')')?.trim()
    } else if spaced || rest.is_empty() {
        rest
    } else {
        return None; // `helper`, `help+1`: an expression
    };
    match topic {
        "" => Some(Request::Overview),
        topic => Some(Request::Topic(topic)),
    }
}

/// The text for a help request.
pub fn answer(request: &Request<'_>, history: &str) -> String {
    match request {
        Request::Overview => overview(history),
        Request::Topic(name) => match describe(name) {
            Some(text) => text,
            None => format!("no function or constant is called {name:?}; `help` lists them all"),
        },
    }
}

/// `help NAME` for a function, constant or module; `None` for other
/// names.
pub fn describe(name: &str) -> Option<String> {
    if let Some(text) = module_text(name) {
        return Some(format!("{name}: {text}"));
    }
    if CONSTANTS.contains(&name) {
        let text = constant_text(name).unwrap_or("see docs/functions.md");
        return Some(format!("{name}: {text}"));
    }
    let builtin = Builtin::ALL.into_iter().find(|b| b.name() == name)?;
    Some(match function_text(name) {
        Some((signature, text)) => format!("{signature}: {text}"),
        None if builtin.is_type() => format!("{name}(x): converts x to {name}"),
        None => format!("{name}(...): see docs/functions.md"),
    })
}

/// One line about a module, by name.
fn module_text(name: &str) -> Option<&'static str> {
    Some(match name {
        "math" => "the math module: math.sqrt(2), math.pi are sqrt(2), pi; math.pow is a float power",
        "cmath" => {
            "the cmath module: functions of complex numbers (cmath.sqrt(-1) is 1j), constants (cmath.infj)"
        }
        _ => return None,
    })
}

/// One line about a constant, by name.
fn constant_text(name: &str) -> Option<&'static str> {
    Some(match name {
        "pi" => "the float 3.141592653589793",
        "e" => "the float 2.718281828459045",
        "tau" => "2*pi, the float 6.283185307179586",
        "inf" => "positive infinity, a float (-inf is negative infinity)",
        "nan" => "not a number, a float; nan != nan is True",
        _ => return None,
    })
}

/// Signature and one line about a function, by name.
fn function_text(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "abs" => (
            "abs(x)",
            "absolute value; the magnitude of a complex number",
        ),
        "round" => (
            "round(x[, n])",
            "nearest int, halves to even; with n, a float rounded to n decimals",
        ),
        "min" => (
            "min(a, b, ...)",
            "the smallest of two or more arguments, or of a tuple's items",
        ),
        "max" => (
            "max(a, b, ...)",
            "the largest of two or more arguments, or of a tuple's items",
        ),
        "pow" => ("pow(b, e[, m])", "b ** e; with m, (b ** e) % m for ints"),
        "int" => (
            "int(x[, base])",
            "an int: a float is truncated toward zero, a string read in base (10)",
        ),
        "float" => ("float(x)", "a float (of a number or a string)"),
        "complex" => (
            "complex(re[, im])",
            "the complex number re + im*1j, or read from a string",
        ),
        "sqrt" => ("sqrt(x)", "square root, a float (x >= 0)"),
        "exp" => ("exp(x)", "e ** x, a float"),
        "log" => (
            "log(x[, base])",
            "natural logarithm; with base, the logarithm to that base",
        ),
        "log2" => ("log2(x)", "base-2 logarithm"),
        "log10" => ("log10(x)", "base-10 logarithm"),
        "sin" => ("sin(x)", "sine of x radians"),
        "cos" => ("cos(x)", "cosine of x radians"),
        "tan" => ("tan(x)", "tangent of x radians"),
        "asin" => ("asin(x)", "arc sine, in radians"),
        "acos" => ("acos(x)", "arc cosine, in radians"),
        "atan" => ("atan(x)", "arc tangent, in radians"),
        "atan2" => ("atan2(y, x)", "the angle of the point (x, y), in radians"),
        "sinh" => ("sinh(x)", "hyperbolic sine"),
        "cosh" => ("cosh(x)", "hyperbolic cosine"),
        "tanh" => ("tanh(x)", "hyperbolic tangent"),
        "hypot" => ("hypot(x, y, ...)", "Euclidean norm, sqrt(x*x + y*y + ...)"),
        "floor" => ("floor(x)", "the largest int <= x"),
        "ceil" => ("ceil(x)", "the smallest int >= x"),
        "trunc" => ("trunc(x)", "x truncated toward zero, an int"),
        "factorial" => ("factorial(n)", "n! for an int n >= 0"),
        "gcd" => ("gcd(a, b, ...)", "greatest common divisor of ints"),
        "isqrt" => (
            "isqrt(n)",
            "integer square root: the largest int whose square is <= n",
        ),
        "comb" => ("comb(n, k)", "ways to choose k items of n, without order"),
        "perm" => (
            "perm(n[, k])",
            "ways to arrange k items of n (k = n if left out)",
        ),
        "degrees" => ("degrees(x)", "x radians in degrees"),
        "radians" => ("radians(x)", "x degrees in radians"),
        "fabs" => ("fabs(x)", "absolute value as a float"),
        "fmod" => ("fmod(x, y)", "C's remainder of x / y, with the sign of x"),
        "copysign" => ("copysign(x, y)", "x with the sign of y, a float"),
        "bool" => (
            "bool(x)",
            "the truth value of x: False for zeros, True otherwise",
        ),
        "acosh" => ("acosh(x)", "inverse hyperbolic cosine (x >= 1)"),
        "asinh" => ("asinh(x)", "inverse hyperbolic sine"),
        "atanh" => ("atanh(x)", "inverse hyperbolic tangent (-1 < x < 1)"),
        "cbrt" => ("cbrt(x)", "cube root, a float (also of negative x)"),
        "erf" => ("erf(x)", "the error function"),
        "erfc" => ("erfc(x)", "the complementary error function, 1 - erf(x)"),
        "exp2" => ("exp2(x)", "2 ** x, a float"),
        "expm1" => ("expm1(x)", "exp(x) - 1, accurate for x near 0"),
        "log1p" => ("log1p(x)", "log(1 + x), accurate for x near 0"),
        "gamma" => ("gamma(x)", "the gamma function; gamma(n) == factorial(n-1)"),
        "lgamma" => ("lgamma(x)", "natural logarithm of |gamma(x)|"),
        "isfinite" => ("isfinite(x)", "True unless x is an infinity or nan"),
        "isinf" => ("isinf(x)", "True if x is inf or -inf"),
        "isnan" => ("isnan(x)", "True if x is nan"),
        "isclose" => (
            "isclose(a, b)",
            "True if a and b differ by at most 1e-9 of the larger",
        ),
        "ldexp" => ("ldexp(x, i)", "x * 2**i for an int i, a float"),
        "nextafter" => ("nextafter(x, y)", "the next float after x towards y"),
        "ulp" => ("ulp(x)", "the value of the last bit of the float x"),
        "remainder" => (
            "remainder(x, y)",
            "x minus the nearest multiple of y (IEEE 754 remainder)",
        ),
        "lcm" => ("lcm(a, b, ...)", "least common multiple of ints"),
        "fsum" => ("fsum(iterable)", "exact float sum of a tuple's items"),
        "prod" => ("prod(iterable)", "product of a tuple's items"),
        "dist" => (
            "dist(p, q)",
            "distance between two points given as tuples of coordinates",
        ),
        "divmod" => ("divmod(a, b)", "the pair (a // b, a % b)"),
        "sum" => (
            "sum(iterable[, start])",
            "start (0) plus a tuple's items, added left to right",
        ),
        "frexp" => (
            "frexp(x)",
            "the pair (m, e) with x == m * 2**e and 0.5 <= abs(m) < 1",
        ),
        "modf" => (
            "modf(x)",
            "the pair (fractional part, integral part) of x, both floats",
        ),
        "hex" => ("hex(x)", "an int as a string in base 16: '0xff'"),
        "oct" => ("oct(x)", "an int as a string in base 8: '0o17'"),
        "bin" => ("bin(x)", "an int as a string in base 2: '0b101'"),
        _ => return None,
    })
}

/// `help` alone. `history` says where the history is kept.
fn overview(history: &str) -> String {
    let mut s = String::from(
        "Python 3 arithmetic, evaluated by calc-server as CPython 3.11 would.

  numbers     ints of any size (1_000, 0xff, 0o17, 0b101), floats (1.5, 1e-3),
              complex numbers (2j, 1+2j), True and False
  strings     'abc', \"it's\", r'raw', escapes ('\\n', '\\x41'): + and * by an int,
              comparisons, 'a' in 'cat'; int('12'), hex(255)
  operators   + - * / // % ** (power), unary - + ~, << >> & | ^,
              == != < <= > >= (chained: 1 < x < 3), in, not in, and or not,
              a if c else b, parentheses; # starts a comment
  functions   ",
    );
    wrap_names(&mut s, Kind::Function, "              ");
    s.push_str("\n  constants   ");
    wrap_names(&mut s, Kind::Constant, "              ");
    s.push_str("\n  modules     ");
    wrap_names(&mut s, Kind::Module, "              ");
    s.push_str(" (math.sqrt(2), cmath.infj)");
    let _ = write!(
        s,
        "
              `help NAME` describes one; Tab completes names
  limits      (server defaults) a request line of at most 65536 bytes,
              200 nested parentheses, ints of 2**20 bits, 4300 decimal
              digits in an int's text, a bounded amount of work per request:
              past them the answer is an error (LimitError, ValueError, ...)
  names       (x := 2**64) binds x, as in Python, for the session's later
              requests (x * 2); no other session sees it, and a new session
              (a reconnection too) starts without names
  session     exit, quit or Ctrl-D ends it and shows its length. The server
              may end it (an idle timeout, a shutdown): the prompt then
              reads `not connected>` and the next request reconnects
  keys        Up/Down or Ctrl-P/Ctrl-N walk the history, Ctrl-R searches it,
              Ctrl-C clears the line
  history     {history}"
    );
    s
}

/// Appends the names of one kind, separated by spaces, in lines of at most
/// 78 columns after `indent`.
fn wrap_names(s: &mut String, kind: Kind, indent: &str) {
    let mut column = indent.len();
    let mut first = true;
    for (name, _) in names().filter(|(_, k)| *k == kind) {
        if !first && column + 1 + name.len() > 78 {
            s.push('\n');
            s.push_str(indent);
            column = indent.len();
        } else if !first {
            s.push(' ');
            column += 1;
        }
        s.push_str(name);
        column += name.len();
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_a_signature_and_a_line() {
        for b in Builtin::ALL {
            let (signature, text) =
                function_text(b.name()).unwrap_or_else(|| panic!("no help text for {}", b.name()));
            assert!(
                signature.starts_with(&format!("{}(", b.name())),
                "{signature}"
            );
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn every_constant_has_a_line() {
        for name in CONSTANTS {
            let text = constant_text(name).unwrap_or_else(|| panic!("no help text for {name}"));
            assert!(!text.is_empty());
            // A value the line states is the value calc-core gives.
            if let Some((_, stated)) = text.split_once("the float ") {
                let value = calc_core::eval(name).unwrap().to_string();
                assert_eq!(stated, value, "{name}");
            }
        }
        assert_eq!(
            describe("tau").as_deref(),
            Some("tau: 2*pi, the float 6.283185307179586")
        );
        assert_eq!(constant_text("sqrt"), None);
    }

    #[test]
    fn every_named_thing_exists_in_calc_core() {
        // A function evaluates to itself, a constant to a float: a text for
        // a name calc-core does not know would fail here.
        for (name, kind) in names() {
            let value = calc_core::eval(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            match kind {
                Kind::Function => assert!(matches!(value, calc_core::Value::Builtin(_)), "{name}"),
                Kind::Constant => assert!(matches!(value, calc_core::Value::Float(_)), "{name}"),
                Kind::Module => assert!(matches!(value, calc_core::Value::Module(_)), "{name}"),
            }
        }
        for name in ["sqrt", "pow", "isqrt", "copysign", "pi", "nan"] {
            assert!(describe(name).is_some(), "{name}");
        }
        assert_eq!(describe("print"), None);
    }

    #[test]
    fn help_requests_are_recognised_and_expressions_are_not() {
        assert_eq!(parse("help"), Some(Request::Overview));
        assert_eq!(parse("  help  "), Some(Request::Overview));
        assert_eq!(parse("help()"), Some(Request::Overview));
        assert_eq!(parse("help sqrt"), Some(Request::Topic("sqrt")));
        assert_eq!(parse("help(pi)"), Some(Request::Topic("pi")));
        assert_eq!(parse("help  ( pi )"), Some(Request::Topic("pi")));
        assert_eq!(parse("helper"), None);
        assert_eq!(parse("help+1"), None);
        assert_eq!(parse("help(1"), None);
        assert_eq!(parse("1+help"), None);
    }

    #[test]
    fn the_overview_names_everything_within_80_columns() {
        let text = overview("off");
        for (name, _) in names() {
            assert!(
                text.split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == name),
                "{name} missing"
            );
        }
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line:?}");
        }
        assert!(answer(&Request::Topic("nope"), "").contains("\"nope\""));
        assert!(answer(&Request::Topic("sqrt"), "").starts_with("sqrt(x): "));
    }
}
