//! The expression generator: random programs of DESIGN.md section 2's
//! language, weighted towards the corners where implementations differ.
//!
//! Every generated subexpression carries an upper bound on the size (log2)
//! of the int it may evaluate to. `**`, `<<`, `pow`, `factorial`, `comb`,
//! `perm` and `round` consult it and fall back to small operands, so CPython
//! answers every case in well under a millisecond and no case reaches
//! calc-core's own limits (a `LimitError` is therefore always a difference).

use super::oracle::Mode;
use super::rng::Rng;

/// Largest int (in bits) any subexpression may produce; above the 4300-digit
/// repr limit (14,284 bits) so that limit is exercised, far below
/// calc-core's 2^20-bit bound.
const MAX_BITS: f64 = 40_000.0;

/// One generated input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The expression text.
    pub text: String,
    /// `Checked` for mutated text that may have left the language.
    pub mode: Mode,
}

/// What `--focus` can restrict a run to: the recursive generator over the
/// whole grammar, the mutants, or one of the corner templates.
pub const FOCUS: &[&str] = &[
    "grammar",
    "mutant",
    "true-division",
    "int-float-compare",
    "float-floordiv-mod",
    "round",
    "float-repr",
    "complex",
    "digit-limit",
    "overflow",
    "bool",
    "truthiness",
    "pow",
    "math",
    "int-division",
    "nesting",
    "bigint-bits",
    "rounding-ints",
    "float-pow",
    "complex-random",
    "round-random",
    "math-random",
    "literal-fuzz",
    "tokenizer",
    "math-delicate",
    "tuples",
    "strings",
    "modules",
    "kwargs",
    "cmath",
    "session",
];

/// Separates the requests of a session case (`Mode::Session`): a
/// character no generated request contains.
pub const SESSION_SEP: char = '\x1e';

/// One case in this many (outside `--focus`) is a session: requests
/// evaluated one after the other in one namespace. Decided by a stream
/// of its own, so the other cases of a seed stay what they were.
const SESSION_ONE_IN: u64 = 12;

/// Generates case `index` of the run seeded with `seed`, from every
/// generator or (with `focus`) only from the one named `FOCUS[focus]`.
pub fn case_focused(seed: u64, index: u64, focus: Option<usize>) -> Case {
    let session = match focus {
        Some(f) => FOCUS.get(f) == Some(&"session"),
        None => Rng::for_case(seed ^ 0x5e55_1011, index).chance(1, SESSION_ONE_IN),
    };
    let mut g = Gen {
        r: Rng::for_case(seed, index),
        int_mode: false,
        names: Vec::new(),
        strings: !session,
    };
    if session {
        return Case {
            text: g.session(),
            mode: Mode::Session,
        };
    }
    let kind = match focus {
        None => g.r.weighted(&[52, 38, 10]),
        Some(0) => 0,
        Some(1) => 2,
        Some(_) => 1,
    };
    match kind {
        0 => Case {
            text: g.top(),
            mode: Mode::Eval,
        },
        1 => {
            let which = match focus {
                Some(f) => f as u64 - 2,
                None => g.r.below(TEMPLATES),
            };
            // Literal fuzz easily spells attributes (`1.e.x`), and the
            // modules family spells methods and dunders: checked.
            let mode = if which == LITERAL_FUZZ || which == MODULES {
                Mode::Checked
            } else {
                Mode::Eval
            };
            Case {
                text: g.template_number(which),
                mode,
            }
        }
        _ => g.mutant(),
    }
}

/// How many corner templates there are (`FOCUS` less grammar and mutant).
const TEMPLATES: u64 = 28;

/// The number of the literal-fuzz template.
const LITERAL_FUZZ: u64 = 20;

/// The number of the modules template.
const MODULES: u64 = 25;

// Precedence levels, loosest first: a subexpression whose level is below
// what its position needs is parenthesized.
const IFEXP: u8 = 0;
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const CMP: u8 = 4;
const BOR: u8 = 5;
const BXOR: u8 = 6;
const BAND: u8 = 7;
const SHIFT: u8 = 8;
const ARITH: u8 = 9;
const TERM: u8 = 10;
const UNARY: u8 = 11;
const POW: u8 = 12;
const ATOM: u8 = 13;

/// A generated subexpression.
#[derive(Debug, Clone)]
struct E {
    t: String,
    /// Precedence level of its outermost operator.
    p: u8,
    /// Upper bound of log2(|v| + 1) if the value may be an int; 0 if it
    /// cannot be (floats, complex numbers, errors).
    lg: f64,
    /// Upper bound of the length in characters if the value may be a
    /// string; 0 if it cannot be.
    s: f64,
}

impl E {
    fn new(t: impl Into<String>, p: u8, lg: f64) -> E {
        E {
            t: t.into(),
            p,
            lg,
            s: 0.0,
        }
    }

    /// The same expression, which may be a string of up to `s` characters.
    fn string(mut self, s: f64) -> E {
        self.s = s;
        self
    }
}

/// Longest string (in characters) a subexpression may build: far below
/// calc-core's memory bound (8 MiB), so a `LimitError` is a difference,
/// and quick for CPython.
const MAX_STR: f64 = 100_000.0;

/// Bits of a float converted to int (`int(1e308)`).
const FLOAT_INT_BITS: f64 = 1025.0;

struct Gen {
    r: Rng,
    /// Draw atoms from ints and bools only: keeps the bitwise and shift
    /// operators (and integer arithmetic) away from a TypeError.
    int_mode: bool,
    /// In a session case: the names its requests have assigned so far,
    /// with the largest `lg` of the values assigned to each, drawn as
    /// atoms too.
    names: Vec<(&'static str, f64)>,
    /// Whether atoms may be strings (not in sessions, whose names do not
    /// track a string's length).
    strings: bool,
}

/// Ints whose neighbourhoods are where implementations differ.
const INTERESTING_INTS: &[u128] = &[
    0,
    1,
    2,
    3,
    5,
    7,
    10,
    255,
    256,
    (1 << 31) - 1,
    1 << 31,
    1 << 32,
    (1 << 53) - 1,
    1 << 53,
    (1 << 53) + 1,
    1 << 62,
    (1 << 63) - 1,
    1 << 63,
    (1 << 63) + 1,
    u64::MAX as u128,
    1 << 64,
    (1 << 64) + 1,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
    100_000_000_000_000_000_000,
    (1 << 127) - 1,
    1 << 127,
    u128::MAX,
];

/// Float literals at the edges of parsing, rounding and repr.
const INTERESTING_FLOATS: &[&str] = &[
    "0.0",
    "0.",
    ".0",
    "1.",
    ".5",
    "1.0",
    "1e-3",
    "1_000.5",
    "1e1_0",
    "0.1",
    "0.2",
    "0.3",
    "0.5",
    "1.5",
    "2.5",
    "3.5",
    "0.125",
    "0.375",
    "2.675",
    "1e16",
    "1e15",
    "1e17",
    "1e-4",
    "1e-5",
    "0.0001",
    "0.00001",
    "1e22",
    "1e23",
    "9.999999999999999e22",
    "123456789012345678.0",
    "9007199254740993.0",
    "9007199254740992.0",
    "9007199254740991.0",
    "9223372036854775807.0",
    "18446744073709551616.0",
    "1e308",
    "1.7976931348623157e308",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "1e309",
    "5e-324",
    "4.9406564584124654e-324",
    "2.4703282292062328e-324",
    "2.4703282292062327e-324",
    "2.2250738585072014e-308",
    "2.225073858507201e-308",
    "1e-400",
    "1E5",
    "1e+5",
    "1.e5",
    "0e0",
    "00.5",
    "07.5",
    "09e1",
    "0_0.0_0",
    "1_0e1_0",
    "123456789.123456789",
    "0.1000000000000000055511151231257827",
    "3.141592653589793",
    "2.718281828459045",
    "6.283185307179586",
    "1.5707963267948966",
    "709.78",
    "710.0",
    "0.30000000000000004",
    "4503599627370495.5",
    "4503599627370496.5",
];

/// Names that are not in NS (NameError), some close to real ones.
const UNKNOWN_NAMES: &[&str] = &[
    "x", "y", "foo", "math", "Pi", "PI", "true", "none", "e2", "inf1", "_", "sqrt2", "ln", "Abs",
];

/// Every function of NS.
const FUNCTIONS: &[&str] = &[
    "abs",
    "round",
    "min",
    "max",
    "pow",
    "int",
    "float",
    "complex",
    "sqrt",
    "exp",
    "log",
    "log2",
    "log10",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "atan2",
    "sinh",
    "cosh",
    "tanh",
    "hypot",
    "floor",
    "ceil",
    "trunc",
    "factorial",
    "gcd",
    "isqrt",
    "comb",
    "perm",
    "degrees",
    "radians",
    "fabs",
    "fmod",
    "copysign",
    "bool",
    "acosh",
    "asinh",
    "atanh",
    "cbrt",
    "erf",
    "erfc",
    "exp2",
    "expm1",
    "log1p",
    "gamma",
    "lgamma",
    "isfinite",
    "isinf",
    "isnan",
    "isclose",
    "ldexp",
    "nextafter",
    "ulp",
    "remainder",
    "lcm",
    "fsum",
    "prod",
    "dist",
    "divmod",
    "sum",
    "frexp",
    "modf",
    "hex",
    "oct",
    "bin",
];

/// The functions of [`FUNCTIONS`] that return a tuple: left to the
/// `tuples` template, since the recursive generator bounds the ints an
/// expression makes, not the length of a tuple (`divmod(1, 2) * 10**6`
/// is a LimitError here, not in CPython).
const TUPLE_FUNCTIONS: &[&str] = &["divmod", "frexp", "modf"];

/// The functions of NS that take and return floats and have domains to
/// probe (`math-delicate`).
const DELICATE_FUNCTIONS: &[&str] = &[
    "acosh",
    "asinh",
    "atanh",
    "cbrt",
    "erf",
    "erfc",
    "exp2",
    "expm1",
    "log1p",
    "gamma",
    "lgamma",
    "isfinite",
    "isinf",
    "isnan",
    "ulp",
    "bool",
    "remainder",
    "nextafter",
    "isclose",
    "ldexp",
    "lcm",
];

/// `x` as Python source that evaluates to exactly `x`: the shortest
/// round-trip digits (`{:e}`), or the name of a special value.
fn float_text(x: f64) -> String {
    if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{x:e}")
    }
}

/// Small expressions with interesting values: (text, precedence, lg).
const INTERESTING_EXPRS: &[(&str, u8, f64)] = &[
    ("2**53", POW, 54.0),
    ("2**53+1", ARITH, 54.0),
    ("2**53-1", ARITH, 54.0),
    ("2**63-1", ARITH, 64.0),
    ("2**63", POW, 64.0),
    ("-2**63", UNARY, 64.0),
    ("2**64", POW, 65.0),
    ("10**20", POW, 67.0),
    ("2**1023", POW, 1024.0),
    ("2**1024", POW, 1025.0),
    ("2**1024-1", ARITH, 1025.0),
    ("10**308", POW, 1024.0),
    ("10**400", POW, 1330.0),
    ("-10**400", UNARY, 1330.0),
    ("10**4299", POW, 14283.0),
    ("10**4300", POW, 14287.0),
    ("2.0**53", POW, 0.0),
    // A float, but bounded as the int a mutated sign would make of it.
    ("2**-1074", POW, 1075.0),
    ("2.0**-1075", POW, 0.0),
    ("-0.0", UNARY, 0.0),
    ("-inf", UNARY, 0.0),
    ("-nan", UNARY, 0.0),
    ("1/3", TERM, 0.0),
    ("-1", UNARY, 1.0),
    ("-1.5", UNARY, 0.0),
    ("1e308*10", TERM, 0.0),
    ("-0j", UNARY, 0.0),
    ("1j", ATOM, 0.0),
    ("(1+2j)", ATOM, 0.0),
    ("(-0.0-0j)", ATOM, 0.0),
    ("complex(inf, nan)", ATOM, 0.0),
    ("complex(-0.0, 0.0)", ATOM, 0.0),
];

fn lg_of_u128(v: u128) -> f64 {
    (128 - v.leading_zeros()) as f64 + 1.0
}

impl Gen {
    // ---------------------------------------------------------------------
    // Layout helpers

    /// Optional whitespace around an operator.
    fn ws(&mut self) -> &'static str {
        const SPACES: &[&str] = &["", "", "", "", " ", " ", " ", " ", " ", "  ", "\t"];
        self.r.pick::<&str>(SPACES)
    }

    /// An operator with random spacing.
    fn op(&mut self, op: &str) -> String {
        let (a, b) = (self.ws(), self.ws());
        format!("{a}{op}{b}")
    }

    /// A keyword, which always needs a space on each side.
    fn kw(&mut self, kw: &str) -> String {
        let a = *self.r.pick(&[" ", " ", " ", "  ", "\t"]);
        let b = *self.r.pick(&[" ", " ", " ", "  ", "\t"]);
        format!("{a}{kw}{b}")
    }

    /// `e` as an operand of a position that needs precedence `min`.
    fn sub(&mut self, e: &E, min: u8) -> String {
        if e.p < min || self.r.chance(1, 30) {
            let (a, b) = (self.ws(), self.ws());
            format!("({a}{}{b})", e.t)
        } else {
            e.t.clone()
        }
    }

    /// A complete top-level expression from the recursive generator.
    fn top(&mut self) -> String {
        let depth = self.r.weighted(&[0, 20, 35, 25, 12, 8]) as u32;
        let e = self.expr(depth);
        self.frame(e.t)
    }

    /// Leading/trailing whitespace now and then (`eval` skips leading blanks).
    fn frame(&mut self, t: String) -> String {
        match self.r.below(40) {
            0 => format!(" {t}"),
            1 => format!("\t{t}"),
            2 => format!("{t} "),
            3 => format!("  {t}  "),
            _ => t,
        }
    }

    // ---------------------------------------------------------------------
    // Literals

    fn digits_with_underscores(&mut self, digits: &str) -> String {
        if digits.len() < 2 || !self.r.chance(1, 6) {
            return digits.to_string();
        }
        let mut out = String::with_capacity(digits.len() * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && self.r.chance(1, 3) {
                out.push('_');
            }
            out.push(c);
        }
        out
    }

    fn random_digits(&mut self, len: usize, radix: u32) -> String {
        let mut s = String::with_capacity(len);
        for i in 0..len {
            let lo = if i == 0 { 1 } else { 0 };
            let d = self.r.range(lo, i64::from(radix) - 1) as u32;
            s.push(char::from_digit(d, radix).unwrap_or('1'));
        }
        s
    }

    fn int_value(&mut self) -> u128 {
        match self.r.weighted(&[40, 20, 20, 10, 10]) {
            0 => self.r.range(0, 10) as u128,
            1 => self.r.range(0, 1000) as u128,
            2 => {
                let v = *self.r.pick(INTERESTING_INTS);
                // Near neighbours of the interesting values too.
                match self.r.below(4) {
                    0 => v.wrapping_add(1),
                    1 => v.wrapping_sub(1),
                    _ => v,
                }
            }
            3 => u128::from(self.r.next_u64()) >> self.r.below(64),
            _ => {
                (u128::from(self.r.next_u64()) << 64 | u128::from(self.r.next_u64()))
                    >> self.r.below(128)
            }
        }
    }

    /// An int literal in any base, with underscores now and then.
    fn int_lit(&mut self) -> E {
        if self.r.chance(1, 12) {
            // Long decimal or hex literals: bigints straight from the parser.
            let len = self.r.range(20, 120) as usize;
            if self.r.chance(1, 3) {
                let d = self.random_digits(len, 16);
                let d = self.digits_with_underscores(&d);
                return E::new(format!("0x{d}"), ATOM, len as f64 * 4.0 + 1.0);
            }
            let d = self.random_digits(len, 10);
            let d = self.digits_with_underscores(&d);
            return E::new(d, ATOM, len as f64 * 3.33 + 1.0);
        }
        if self.r.chance(1, 40) {
            // Zero spellings and malformed literals (SyntaxError).
            let t = *self.r.pick(&[
                "00",
                "0_0",
                "000",
                "0_00",
                "01",
                "0_1",
                "1__0",
                "1_",
                "0x",
                "0b2",
                "0o8",
                "0x_",
                "0b_1",
                "0O17",
                "0B1",
                "0X1F",
                "1_000_000",
            ]);
            return E::new(t, ATOM, 21.0);
        }
        let v = self.int_value();
        let lg = lg_of_u128(v);
        let t = match self.r.weighted(&[70, 12, 9, 9]) {
            0 => {
                let d = v.to_string();
                self.digits_with_underscores(&d)
            }
            1 => {
                let d = format!("{v:x}");
                let d = if self.r.chance(1, 3) {
                    d.to_uppercase()
                } else {
                    d
                };
                let d = self.digits_with_underscores(&d);
                let sep = if self.r.chance(1, 8) { "_" } else { "" };
                let x = if self.r.chance(1, 5) { "0X" } else { "0x" };
                format!("{x}{sep}{d}")
            }
            2 => {
                let d = format!("{v:o}");
                let d = self.digits_with_underscores(&d);
                let o = if self.r.chance(1, 5) { "0O" } else { "0o" };
                format!("{o}{d}")
            }
            _ => {
                let d = format!("{v:b}");
                let d = self.digits_with_underscores(&d);
                let b = if self.r.chance(1, 5) { "0B" } else { "0b" };
                format!("{b}{d}")
            }
        };
        E::new(t, ATOM, lg)
    }

    /// The text of a (non-negative) float literal.
    fn float_text(&mut self) -> String {
        match self.r.weighted(&[35, 25, 25, 15]) {
            0 => (*self.r.pick(INTERESTING_FLOATS)).to_string(),
            1 => {
                // Any finite double, printed shortest-round-trip.
                let bits = self.r.next_u64() & !(1 << 63);
                let x = f64::from_bits(bits);
                let x = if x.is_finite() { x } else { 1.5 };
                let t = if self.r.chance(1, 2) {
                    format!("{x:e}")
                } else {
                    format!("{x:?}")
                };
                if t.contains(['.', 'e']) {
                    t
                } else {
                    format!("{t}.0")
                }
            }
            2 => {
                // Random decimal strings: correct rounding of the parser.
                let len = self.r.range(1, 25) as usize;
                let digits = self.random_digits(len, 10);
                let dot = self.r.range(0, len as i64) as usize;
                let (a, b) = digits.split_at(dot);
                let exp = match self.r.below(3) {
                    0 => String::new(),
                    1 => format!("e{}", self.r.range(-30, 30)),
                    _ => format!("e{}", self.r.range(-340, 320)),
                };
                if a.is_empty() && b.is_empty() {
                    "0.0".to_string()
                } else {
                    format!("{a}.{b}{exp}")
                }
            }
            _ => {
                // Halves and small binary fractions: rounding ties.
                let n = self.r.range(0, 100);
                let frac = *self
                    .r
                    .pick(&["5", "25", "125", "75", "375", "0", "05", "15", "45"]);
                format!("{n}.{frac}")
            }
        }
    }

    fn float_lit(&mut self) -> E {
        let t = self.float_text();
        E::new(t, ATOM, 0.0)
    }

    fn imag_lit(&mut self) -> E {
        let base = if self.r.chance(1, 2) {
            self.float_text()
        } else {
            let v = self.r.range(0, 20);
            if self.r.chance(1, 8) {
                format!("0{v}")
            } else {
                v.to_string()
            }
        };
        let j = if self.r.chance(1, 6) { "J" } else { "j" };
        E::new(format!("{base}{j}"), ATOM, 0.0)
    }

    fn atom(&mut self) -> E {
        // Not among the int-only atoms: a name may hold anything.
        if !self.names.is_empty() && !self.int_mode && self.r.chance(1, 3) {
            let &(name, lg) = self.r.pick(&self.names);
            // `ｎ` (fullwidth) is `n` once NFKC-normalized, as Python
            // reads names.
            let name = if name == "n" && self.r.chance(1, 4) {
                "\u{ff4e}"
            } else {
                name
            };
            return E::new(name, ATOM, lg);
        }
        if self.int_mode {
            return match self.r.weighted(&[80, 8, 12]) {
                0 => self.int_lit(),
                1 => E::new(*self.r.pick(&["True", "False"]), ATOM, 1.0),
                _ => {
                    let &(t, p, lg) = self.r.pick(&INTERESTING_EXPRS[..16]);
                    E::new(t, p, lg)
                }
            };
        }
        if self.strings && self.r.chance(1, 14) {
            let (t, len) = self.str_lit();
            return E::new(t, ATOM, 0.0).string(len as f64);
        }
        match self.r.weighted(&[30, 24, 4, 12, 12, 1, 1]) {
            0 => self.int_lit(),
            1 => self.float_lit(),
            2 => self.imag_lit(),
            3 => {
                let c = *self
                    .r
                    .pick(&["pi", "e", "tau", "inf", "nan", "True", "False"]);
                let lg = if c == "True" || c == "False" {
                    1.0
                } else {
                    0.0
                };
                // A session may have rebound the constant (`(pi := 13159)`).
                let lg = self
                    .names
                    .iter()
                    .find(|(n, _)| *n == c)
                    .map_or(lg, |&(_, assigned)| assigned.max(lg));
                E::new(c, ATOM, lg)
            }
            4 => {
                let &(t, p, lg) = self.r.pick(INTERESTING_EXPRS);
                E::new(t, p, lg)
            }
            5 => E::new(*self.r.pick(UNKNOWN_NAMES), ATOM, 0.0),
            _ => E::new(*self.r.pick(FUNCTIONS), ATOM, 0.0),
        }
    }

    /// A small int operand (exponents, shift counts, ndigits).
    fn small_int(&mut self, lo: i64, hi: i64) -> E {
        let v = if self.r.chance(3, 4) {
            self.r.range(lo.max(-5), hi.min(12))
        } else {
            self.r.range(lo, hi)
        };
        let lg = (v.unsigned_abs() as f64 + 1.0).log2() + 0.01;
        if v < 0 {
            E::new(format!("-{}", v.unsigned_abs()), UNARY, lg)
        } else {
            E::new(v.to_string(), ATOM, lg)
        }
    }

    // ---------------------------------------------------------------------
    // Sessions: requests in one namespace

    /// 2 to 7 requests for one namespace, joined by [`SESSION_SEP`]:
    /// assignment expressions (some shadowing built-ins) among reads of
    /// what earlier requests bound, failures after an assignment, and
    /// misplaced `:=`.
    fn session(&mut self) -> String {
        let steps = self.r.range(2, 7);
        let mut out = Vec::new();
        for _ in 0..steps {
            let step = self.session_step();
            out.push(step);
        }
        out.join(&SESSION_SEP.to_string())
    }

    /// A name to assign: mostly ones NS does not have, sometimes a
    /// built-in's.
    fn target(&mut self) -> &'static str {
        const FRESH: &[&str] = &["a", "b", "n", "x", "total", "y2", "_t", "\u{e9}t\u{e9}"];
        const BUILTIN: &[&str] = &["pi", "e", "abs", "sqrt", "max", "inf", "round"];
        let pool = if self.r.chance(1, 5) { BUILTIN } else { FRESH };
        let &name = self.r.pick(pool);
        name
    }

    /// Notes that `name` may hold a value of `lg`.
    fn note(&mut self, name: &'static str, lg: f64) {
        match self.names.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = entry.1.max(lg),
            None => self.names.push((name, lg)),
        }
    }

    /// `(name := value)`.
    fn assign(&mut self, d: u32) -> E {
        let name = self.target();
        let value = if self.r.chance(1, 8) {
            // Not the types (`int`, `float`, `complex`, `bool`): `int |
            // float` is a union type in CPython, outside the language.
            let f = match *self.r.pick(FUNCTIONS) {
                "int" | "float" | "complex" | "bool" => "round",
                f => f,
            };
            E::new(f, ATOM, 0.0)
        } else {
            self.expr(d)
        };
        self.note(name, value.lg);
        let (a, b) = (self.ws(), self.ws());
        E::new(format!("({name}{a}:={b}{})", value.t), ATOM, value.lg)
    }

    fn session_step(&mut self) -> String {
        let d = self.r.weighted(&[25, 45, 20, 10]) as u32;
        match self.r.weighted(&[30, 25, 8, 8, 8, 6, 6, 5, 4]) {
            // An assignment, alone or inside an expression.
            0 => self.assign(d).t,
            1 => {
                let e = self.expr(d);
                self.frame(e.t)
            }
            2 => {
                let a = self.assign(d);
                let b = self.expr(d);
                let op = *self
                    .r
                    .pick(&["+", "*", "-", "<", "==", "and", "or", "if 1 else"]);
                let b = self.sub(&b, OR);
                format!("{} {op} {b}", a.t)
            }
            // An assignment as a call's argument.
            3 => {
                let a = self.assign(d);
                let f = *self
                    .r
                    .pick(&["abs", "float", "int", "round", "max", "sqrt"]);
                let more = if self.r.chance(1, 3) {
                    format!(", {}", self.expr(0).t)
                } else {
                    String::new()
                };
                let inner = a.t.strip_prefix('(').and_then(|t| t.strip_suffix(')'));
                format!("{f}({}{more})", inner.unwrap_or(&a.t))
            }
            // A failure after an assignment: the name stays bound.
            4 => {
                let a = self.assign(d);
                let fail =
                    *self
                        .r
                        .pick(&["1/0", "undefined_name", "sqrt(-1)", "1(2)", "10**400 * 1.0"]);
                format!("{} + {fail}", a.t)
            }
            // Nested and self-updating assignments.
            5 => {
                let inner = self.assign(d);
                let outer = self.target();
                self.note(outer, inner.lg + 1.0);
                format!("({outer} := {} + 1)", inner.t)
            }
            6 => {
                let name = if self.names.is_empty() {
                    self.target()
                } else {
                    self.r.pick(&self.names).0
                };
                let step = self.small_int(-3, 9);
                let op = *self.r.pick(&["+", "*", "-", "//", "%"]);
                let lg = self
                    .names
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(0.0, |e| e.1);
                self.note(name, lg + 4.0);
                format!("({name} := {name} {op} {})", step.t)
            }
            // Conditional assignments: only the evaluated ones bind.
            7 => {
                let a = self.assign(d);
                let b = self.assign(d);
                let c = self.expr(0);
                let c = self.sub(&c, NOT);
                match self.r.below(3) {
                    0 => format!("{} if {c} else {}", a.t, b.t),
                    1 => format!("{c} and {}", a.t),
                    _ => format!("{c} or {}", a.t),
                }
            }
            // `:=` where Python does not allow it.
            _ => {
                let name = self.target();
                let v = self.expr(0);
                match self.r.below(5) {
                    0 => format!("{name} := {}", v.t),
                    1 => format!("({} := {name})", v.t),
                    2 => format!("(({name}) := {})", v.t),
                    3 => format!("({name} := {} := 1)", v.t),
                    _ => format!("abs({} := 2)", v.t),
                }
            }
        }
    }

    // ---------------------------------------------------------------------
    // The recursive generator

    fn expr(&mut self, depth: u32) -> E {
        if depth == 0 {
            return self.atom();
        }
        let d = depth - 1;
        match self.r.weighted(&[8, 9, 24, 9, 4, 6, 8, 3, 6, 4, 18, 1]) {
            0 => self.atom(),
            1 => self.unary(d),
            2 => self.arith(d),
            3 => self.power(d),
            4 => self.shift(d),
            5 => self.bitwise(d),
            6 => self.compare(d),
            7 => {
                let a = self.expr(d);
                let kw = self.kw("not");
                let a = self.sub(&a, NOT);
                E::new(format!("{}{a}", kw.trim_start()), NOT, 1.0)
            }
            8 => self.boolean(d),
            9 => self.ifexp(d),
            10 => self.call(d),
            _ => self.call_non_function(d),
        }
    }

    fn unary(&mut self, d: u32) -> E {
        let a = self.expr(d);
        let n = if self.r.chance(1, 20) {
            self.r.range(5, 40)
        } else {
            self.r.range(1, 3)
        };
        let mut prefix = String::new();
        for _ in 0..n {
            prefix.push(*self.r.pick(&['-', '-', '+', '~']));
            prefix.push_str(self.ws());
        }
        // `~` adds at most one bit per application.
        let lg = a.lg + n as f64;
        let a = self.sub(&a, UNARY);
        E::new(format!("{prefix}{a}"), UNARY, lg)
    }

    /// Runs `f` with int mode on (with probability `num/den`) and restores it.
    fn maybe_int<T>(&mut self, num: u64, den: u64, f: impl FnOnce(&mut Gen) -> T) -> T {
        let saved = self.int_mode;
        if self.r.chance(num, den) {
            self.int_mode = true;
        }
        let out = f(self);
        self.int_mode = saved;
        out
    }

    fn arith(&mut self, d: u32) -> E {
        self.maybe_int(1, 4, |g| g.arith_inner(d))
    }

    fn arith_inner(&mut self, d: u32) -> E {
        let weights = if self.int_mode {
            [6, 5, 6, 1, 5, 5]
        } else {
            [6, 5, 6, 6, 4, 4]
        };
        let i = self.r.weighted(&weights);
        let op = ["+", "-", "*", "/", "//", "%"][i];
        let prec = if i < 2 { ARITH } else { TERM };
        let a = self.expr(d);
        let mut b = self.expr(d);
        let lg = |a: &E, b: &E| match i {
            0 | 1 => a.lg.max(b.lg) + 1.0,
            2 => a.lg + b.lg,
            3 => 0.0,
            _ => a.lg.max(b.lg),
        };
        // A string repeated: `s * n` is `n` copies.
        let len = |a: &E, b: &E| match i {
            0 => a.s + b.s,
            2 => a.s * b.lg.exp2() + b.s * a.lg.exp2(),
            _ => 0.0,
        };
        if lg(&a, &b) > MAX_BITS || len(&a, &b) > MAX_STR {
            b = self.small_int(-9, 99);
        }
        if len(&a, &b) > MAX_STR {
            b = self.small_int(-3, 3);
        }
        let (res, chars) = (lg(&a, &b), len(&a, &b));
        let sa = self.sub(&a, prec);
        let sb = self.sub(&b, prec + 1);
        let o = self.op(op);
        E::new(format!("{sa}{o}{sb}"), prec, res).string(chars)
    }

    /// An exponent for a base of `base_lg` bits: small literals, floats,
    /// negatives, or a subexpression whose bound keeps the result small.
    fn exponent(&mut self, d: u32, base_lg: f64) -> E {
        let e = match self.r.weighted(&[45, 15, 40]) {
            0 => self.small_int(-4, 70),
            1 => {
                let t = *self.r.pick(&[
                    "0.5", "-0.5", "0.0", "-1.0", "2.0", "1.5", "(1/3)", "-2.5", "1e10", "-1e10",
                    "inf", "-inf", "nan", "1e-10", "1j", "(1+1j)", "0j", "-1j", "True", "False",
                ]);
                E::new(t, ATOM, 1.0)
            }
            _ => self.expr(d),
        };
        if base_lg.max(1.0) * e.lg.exp2() > MAX_BITS {
            let max = (MAX_BITS / base_lg.max(1.0)).floor().min(200.0) as i64;
            return self.small_int(-3, max.max(2));
        }
        e
    }

    fn power(&mut self, d: u32) -> E {
        let a = self.expr(d);
        let b = self.exponent(d, a.lg);
        let lg = a.lg * b.lg.exp2();
        let sa = self.sub(&a, ATOM);
        let sb = self.sub(&b, UNARY);
        let o = self.op("**");
        E::new(format!("{sa}{o}{sb}"), POW, lg)
    }

    fn shift(&mut self, d: u32) -> E {
        self.maybe_int(3, 4, |g| g.shift_inner(d))
    }

    fn shift_inner(&mut self, d: u32) -> E {
        let left = self.r.chance(1, 2);
        let a = self.expr(d);
        let mut b = if self.r.chance(3, 5) {
            self.small_int(-3, 130)
        } else {
            self.expr(d)
        };
        if left && a.lg + b.lg.exp2() > MAX_BITS {
            let room = (MAX_BITS - a.lg).clamp(2.0, 200.0) as i64;
            b = self.small_int(-2, room);
        }
        let lg = if left { a.lg + b.lg.exp2() } else { a.lg };
        let sa = self.sub(&a, SHIFT);
        let sb = self.sub(&b, SHIFT + 1);
        let o = self.op(if left { "<<" } else { ">>" });
        E::new(format!("{sa}{o}{sb}"), SHIFT, lg)
    }

    fn bitwise(&mut self, d: u32) -> E {
        self.maybe_int(3, 4, |g| g.bitwise_inner(d))
    }

    fn bitwise_inner(&mut self, d: u32) -> E {
        let (op, prec) = *self.r.pick(&[("&", BAND), ("^", BXOR), ("|", BOR)]);
        let a = self.expr(d);
        let b = self.expr(d);
        let lg = a.lg.max(b.lg) + 1.0;
        let sa = self.sub(&a, prec);
        let sb = self.sub(&b, prec + 1);
        let o = self.op(op);
        E::new(format!("{sa}{o}{sb}"), prec, lg)
    }

    fn compare(&mut self, d: u32) -> E {
        let n = self.r.weighted(&[0, 0, 70, 22, 8]);
        let first = self.expr(d);
        let mut t = self.sub(&first, BOR);
        for _ in 1..n {
            let o = if self.r.chance(1, 16) {
                let op = *self.r.pick(&["in", "not in"]);
                self.kw(op)
            } else {
                let op = *self.r.pick(&["<", "<=", ">", ">=", "==", "!="]);
                self.op(op)
            };
            let b = self.expr(d);
            let sb = self.sub(&b, BOR);
            t.push_str(&o);
            t.push_str(&sb);
        }
        E::new(t, CMP, 1.0)
    }

    fn boolean(&mut self, d: u32) -> E {
        let (kw, prec) = if self.r.chance(1, 2) {
            ("and", AND)
        } else {
            ("or", OR)
        };
        let n = self.r.weighted(&[0, 0, 75, 25]);
        let mut lg: f64 = 0.0;
        let mut chars: f64 = 0.0;
        let mut parts = Vec::new();
        for _ in 0..n {
            let e = self.expr(d);
            lg = lg.max(e.lg);
            chars = chars.max(e.s);
            parts.push(self.sub(&e, prec + 1));
        }
        let sep = self.kw(kw);
        E::new(parts.join(&sep), prec, lg).string(chars)
    }

    fn ifexp(&mut self, d: u32) -> E {
        let a = self.expr(d);
        let c = self.expr(d);
        let b = self.expr(d);
        let lg = a.lg.max(b.lg);
        let chars = a.s.max(b.s);
        let (sa, sc, sb) = (self.sub(&a, OR), self.sub(&c, OR), self.sub(&b, IFEXP));
        let (k1, k2) = (self.kw("if"), self.kw("else"));
        E::new(format!("{sa}{k1}{sc}{k2}{sb}"), IFEXP, lg).string(chars)
    }

    // ---------------------------------------------------------------------
    // Calls

    /// The argument count: usually a right one, sometimes one too many or few.
    fn arity(&mut self, min: usize, max: usize) -> usize {
        if self.r.chance(1, 9) {
            if min > 0 && self.r.chance(1, 2) {
                min - 1
            } else {
                max + 1
            }
        } else {
            self.r.range(min as i64, max as i64) as usize
        }
    }

    /// A bounded int argument (factorial, comb, perm), or a wrong type.
    fn count_arg(&mut self, d: u32) -> E {
        match self.r.weighted(&[60, 8, 6, 26]) {
            0 => self.small_int(-3, 400),
            1 => {
                let t = *self.r.pick(&["5.0", "2.5", "-1.0", "1j", "inf", "nan"]);
                E::new(t, ATOM, 0.0)
            }
            2 => E::new(*self.r.pick(&["True", "False"]), ATOM, 1.0),
            _ => {
                let e = self.expr(d);
                if e.lg > 10.0 {
                    self.small_int(-2, 300)
                } else {
                    e
                }
            }
        }
    }

    /// A function of [`FUNCTIONS`] that does not return a tuple.
    fn scalar_function(&mut self) -> &'static str {
        match *self.r.pick(FUNCTIONS) {
            f if TUPLE_FUNCTIONS.contains(&f) => "abs",
            f => f,
        }
    }

    fn call(&mut self, d: u32) -> E {
        let name = match self.scalar_function() {
            // Strings stay out of sessions.
            "hex" | "oct" | "bin" if !self.strings => "abs",
            name => name,
        };
        let mut args: Vec<E> = Vec::new();
        let mut chars = 0.0;
        let lg;
        match name {
            "factorial" | "comb" | "perm" | "isqrt" => {
                let (min, max) = match name {
                    "comb" => (2, 2),
                    "perm" => (1, 2),
                    _ => (1, 1),
                };
                let n = self.arity(min, max);
                for _ in 0..n {
                    let a = if name == "isqrt" {
                        self.expr(d)
                    } else {
                        self.count_arg(d)
                    };
                    args.push(a);
                }
                let m = args.iter().map(|a| a.lg).fold(0.0, f64::max);
                lg = if name == "isqrt" {
                    m
                } else {
                    m.exp2() * m.max(1.0) + 1.0
                };
            }
            "pow" => {
                let n = self.arity(2, 3);
                let base = self.expr(d);
                lg = if n == 3 {
                    let mut ex = self.expr(d);
                    if ex.lg > 300.0 {
                        ex = self.small_int(-5, 1000);
                    }
                    let mut m = self.expr(d);
                    if m.lg > 2000.0 {
                        m = self.small_int(-50, 1000);
                    }
                    let lg = m.lg;
                    args.extend([base, ex, m]);
                    lg
                } else {
                    let ex = self.exponent(d, base.lg);
                    let lg = base.lg * ex.lg.exp2();
                    args.push(base);
                    args.push(ex);
                    lg
                };
                if n > 3 {
                    args.push(self.atom());
                } else if n < 2 {
                    args.truncate(n);
                }
            }
            "lcm" => {
                // The result may be as long as all arguments together.
                let n = self.arity(0, 4);
                for _ in 0..n {
                    let mut a = self.expr(d);
                    if a.lg > MAX_BITS / 8.0 {
                        a = self.small_int(-1000, 1000);
                    }
                    args.push(a);
                }
                lg = 1.0 + args.iter().map(|a| a.lg).sum::<f64>();
            }
            "round" => {
                let n = self.arity(1, 2);
                let x = self.expr(d);
                lg = x.lg.max(FLOAT_INT_BITS) + 1.0;
                args.push(x);
                for _ in 1..n {
                    let nd = match self.r.weighted(&[70, 10, 20]) {
                        0 => self.small_int(-400, 400),
                        1 => E::new(*self.r.pick(&["2.0", "True", "1j", "-0.0"]), ATOM, 0.0),
                        _ => {
                            let e = self.expr(d);
                            if e.lg > 8.5 {
                                self.small_int(-20, 20)
                            } else {
                                e
                            }
                        }
                    };
                    args.push(nd);
                }
            }
            _ => {
                let (min, max) = match name {
                    "min" | "max" => (1, 4),
                    "int" | "float" | "bool" => (0, 1),
                    "complex" => (0, 2),
                    "log" => (1, 2),
                    "hypot" | "gcd" => (0, 4),
                    "atan2" | "fmod" | "copysign" | "remainder" | "nextafter" | "isclose"
                    | "ldexp" | "dist" => (2, 2),
                    _ => (1, 1),
                };
                let n = self.arity(min, max);
                for _ in 0..n {
                    args.push(self.expr(d));
                }
                if name == "ldexp" && n >= 2 && self.r.chance(3, 5) {
                    // An exponent that moves the float across its range.
                    args[1] = self.small_int(-1100, 1100);
                }
                let m = args.iter().map(|a| a.lg).fold(0.0, f64::max);
                // A string of `s` characters is an int of fewer than
                // `6 * s` bits in any base.
                let from_str = args.iter().map(|a| a.s * 6.0).fold(0.0, f64::max);
                chars = match name {
                    "hex" | "oct" | "bin" => m + 3.0,
                    "min" | "max" => args.iter().map(|a| a.s).fold(0.0, f64::max),
                    _ => 0.0,
                };
                lg = match name {
                    "int" => m.max(FLOAT_INT_BITS).max(from_str),
                    "floor" | "ceil" | "trunc" => m.max(FLOAT_INT_BITS),
                    "abs" | "min" | "max" | "gcd" => m,
                    // Bools, which are ints.
                    "bool" | "isfinite" | "isinf" | "isnan" | "isclose" => 1.0,
                    _ => 0.0,
                };
            }
        }
        let mut t = String::from(name);
        t.push_str(self.ws());
        t.push('(');
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                let c = self.op(",");
                t.push_str(&c);
            }
            // A call argument may be any expression, even a conditional.
            let s = self.sub(a, IFEXP);
            t.push_str(&s);
        }
        if !args.is_empty() && self.r.chance(1, 40) {
            t.push(',');
        }
        t.push(')');
        E::new(t, ATOM, lg).string(chars)
    }

    /// Calls of things that are not functions: `(1)(2)`, `pi(1)`, `abs(1)(2)`.
    fn call_non_function(&mut self, d: u32) -> E {
        let callee = match self.r.below(3) {
            0 => self.atom(),
            1 => self.call(d),
            _ => E::new(
                *self.r.pick(&["pi", "True", "inf", "(1)", "(2.5)", "(1j)"]),
                ATOM,
                0.0,
            ),
        };
        let a = self.expr(d);
        let sc = self.sub(&callee, ATOM);
        E::new(format!("{sc}({})", a.t), ATOM, 0.0)
    }

    // ---------------------------------------------------------------------
    // Templates: dense coverage of known hard corners

    fn template(&mut self) -> String {
        let which = self.r.below(TEMPLATES);
        self.template_number(which)
    }

    /// Template `which`, in the order of `FOCUS` (after its first two).
    fn template_number(&mut self, which: u64) -> String {
        let t = match which {
            0 => self.t_true_division(),
            1 => self.t_int_float_compare(),
            2 => self.t_float_floordiv_mod(),
            3 => self.t_round(),
            4 => self.t_float_repr(),
            5 => self.t_complex(),
            6 => self.t_digit_limit(),
            7 => self.t_overflow(),
            8 => self.t_bool(),
            9 => self.t_truthiness(),
            10 => self.t_pow_corners(),
            11 => self.t_math(),
            12 => self.t_int_division(),
            13 => self.t_nesting(),
            14 => self.t_bigint_bits(),
            15 => self.t_rounding_ints(),
            16 => self.t_float_pow(),
            17 => self.t_complex_random(),
            18 => self.t_round_random(),
            19 => self.t_math_random(),
            20 => self.t_literal_fuzz(),
            21 => self.t_tokenizer(),
            22 => self.t_math_delicate(),
            23 => self.t_tuples(),
            24 => self.t_strings(),
            25 => self.t_modules(),
            26 => self.t_kwargs(),
            _ => self.t_cmath(),
        };
        self.frame(t)
    }

    // ---------------------------------------------------------------------
    // Keyword arguments

    /// A call with keyword arguments: mostly of a builtin that takes them,
    /// with its right keywords, wrong ones, repeated ones, ones that also
    /// come by position, mixed with positional arguments (sometimes after
    /// a keyword: a SyntaxError); sometimes inside a larger expression or
    /// as another call's argument.
    fn t_kwargs(&mut self) -> String {
        let call = self.kw_call(1);
        match self.r.weighted(&[70, 8, 8, 8, 6]) {
            0 => call,
            1 => format!("{call} + 1"),
            2 => format!("abs({call})"),
            3 => format!("{} if {call} else 0", self.kw_value(0)),
            _ => format!("({call}, {})", self.kw_call(0)),
        }
    }

    /// A builtin called with keyword arguments (`depth` > 0: an argument
    /// may be such a call too).
    fn kw_call(&mut self, depth: u32) -> String {
        // Each builtin that takes keywords, with its parameters.
        const SIGNATURES: &[(&str, &[&str])] = &[
            ("round", &["number", "ndigits"]),
            ("pow", &["base", "exp", "mod"]),
            ("int", &["x", "base"]),
            ("complex", &["real", "imag"]),
            ("sum", &["iterable", "start"]),
            ("isclose", &["a", "b", "rel_tol", "abs_tol"]),
            ("cmath.isclose", &["a", "b", "rel_tol", "abs_tol"]),
            ("prod", &["iterable", "start"]),
            ("min", &["iterable", "key", "default"]),
            ("max", &["iterable", "key", "default"]),
        ];
        const OTHER_KEYWORDS: &[&str] = &[
            "x", "y", "n", "k", "i", "zz", "seq", "p", "q", "ndigits", "start", "key", "base",
        ];
        if self.r.chance(1, 2) {
            return self.kw_right_call();
        }
        let (f, params): (&str, &[&str]) = if self.r.chance(3, 4) {
            *self.r.pick(SIGNATURES)
        } else {
            (*self.r.pick(FUNCTIONS), &["x", "y", "n"])
        };
        let npos = self.r.weighted(&[20, 45, 30, 5]);
        let mut args: Vec<String> = (0..npos).map(|_| self.kw_value(depth)).collect();
        let nkw = 1 + self.r.weighted(&[50, 35, 15]);
        let mut used: Vec<&str> = Vec::new();
        for _ in 0..nkw {
            let fresh: Vec<&str> = params
                .iter()
                .copied()
                .filter(|p| !used.contains(p))
                .collect();
            let name = match self.r.weighted(&[70, 15, 5, 3]) {
                0 if !fresh.is_empty() => *self.r.pick(&fresh),
                1 => *self.r.pick(OTHER_KEYWORDS),
                2 if !used.is_empty() => *self.r.pick(&used),
                _ => "ｎdigits",
            };
            used.push(name);
            let value = self.kw_value(depth);
            args.push(format!("{name}={value}"));
        }
        if self.r.chance(1, 40) {
            // A positional argument after a keyword one.
            args.push(self.kw_value(0));
        }
        let sep = if self.r.chance(1, 10) { "," } else { ", " };
        format!("{f}({})", args.join(sep))
    }

    /// A call as its signature allows: the first parameters by position,
    /// some of the rest by keyword, in any order, each with a value of
    /// the kind the parameter takes (mostly).
    fn kw_right_call(&mut self) -> String {
        // Name, parameters, how many must come by position, how many may.
        const SIGNATURES: &[(&str, &[&str], usize, usize)] = &[
            ("round", &["number", "ndigits"], 0, 2),
            ("pow", &["base", "exp", "mod"], 0, 3),
            ("int", &["x", "base"], 1, 2),
            ("complex", &["real", "imag"], 0, 2),
            ("sum", &["iterable", "start"], 1, 2),
            ("isclose", &["a", "b", "rel_tol", "abs_tol"], 0, 2),
            ("cmath.isclose", &["a", "b", "rel_tol", "abs_tol"], 0, 2),
            ("prod", &["iterable", "start"], 1, 1),
            ("min", &["iterable", "key", "default"], 1, 1),
            ("max", &["iterable", "key", "default"], 1, 1),
        ];
        let &(f, params, min, max) = self.r.pick(SIGNATURES);
        let npos = self.r.range(min as i64, max as i64) as usize;
        let mut args = Vec::new();
        for p in &params[..npos.min(params.len())] {
            args.push(self.kw_param_value(f, p));
        }
        let mut rest: Vec<&str> = params[npos.min(params.len())..].to_vec();
        // A random order, and a random subset (at least one).
        for i in (1..rest.len()).rev() {
            let j = self.r.below(i as u64 + 1) as usize;
            rest.swap(i, j);
        }
        let keep = 1 + self.r.below(rest.len().max(1) as u64) as usize;
        for p in rest.into_iter().take(keep) {
            let v = self.kw_param_value(f, p);
            args.push(format!("{p}={v}"));
        }
        format!("{f}({})", args.join(", "))
    }

    /// A value for parameter `p` of `f`, mostly of the kind it takes.
    fn kw_param_value(&mut self, f: &str, p: &str) -> String {
        if self.r.chance(1, 12) {
            return self.kw_value(0);
        }
        let pick = |g: &mut Self, xs: &[&str]| (*g.r.pick(xs)).to_string();
        match (f, p) {
            ("int", "x") => pick(
                self,
                &["'ff'", "'0x1f'", "'12'", "' -7 '", "'1_0'", "'z'", "7"],
            ),
            ("int", "base") => pick(self, &["0", "2", "8", "16", "36", "10", "1", "37", "True"]),
            (_, "iterable") => pick(
                self,
                &[
                    "()",
                    "(1, 2)",
                    "(-4, 3, 2)",
                    "(0.5, 1)",
                    "(2.5,)",
                    "(1j, 2)",
                    "(3, -3)",
                    "'ab'",
                ],
            ),
            (_, "key") => pick(self, &["abs", "int", "float", "round", "bool", "hex"]),
            ("cmath.isclose", "a" | "b") => pick(
                self,
                &[
                    "1j",
                    "(1+1e-10j)",
                    "complex(1, 1e-9)",
                    "2",
                    "1.0000000001j",
                    "complex(inf, 1)",
                    "complex(nan, 0)",
                    "1e308j",
                ],
            ),
            ("pow", _) => self.r.range(-3, 9).to_string(),
            (_, "ndigits") => self.r.range(-3, 5).to_string(),
            (_, "rel_tol" | "abs_tol") => {
                pick(self, &["0.2", "1e-09", "0.0", "0", "-1", "1", "0.5"])
            }
            _ => self.tup_scalar(),
        }
    }

    /// An argument: small numbers, strings, tuples, builtins (as `key`),
    /// and at `depth` > 0 sometimes a call with keywords.
    fn kw_value(&mut self, depth: u32) -> String {
        match self.r.weighted(&[40, 14, 14, 12, 8, 4]) {
            0 => self.tup_scalar(),
            1 => (*self
                .r
                .pick(&["2", "3", "-1", "0", "16", "1e-09", "0.2", "-0.5"]))
            .to_string(),
            2 => (*self.r.pick(&[
                "()",
                "(1, 2)",
                "(-4, 3, 2)",
                "(0.5, 1)",
                "(2.5,)",
                "(1j, 2)",
                "('a',)",
            ]))
            .to_string(),
            3 => (*self.r.pick(&[
                "'ff'", "'0x1f'", "'12'", "' 7 '", "'a'", "''", "'1e3'", "'1+2j'",
            ]))
            .to_string(),
            4 => (*self
                .r
                .pick(&["abs", "int", "float", "round", "hex", "bool", "min", "neg"]))
            .to_string()
            .replace("neg", "-1"),
            _ if depth > 0 => self.kw_call(depth - 1),
            _ => self.tup_scalar(),
        }
    }

    // ---------------------------------------------------------------------
    // Strings

    /// One piece of the body of a string literal quoted with `q`: plain
    /// text, escapes of every kind (in a raw literal, a backslash only
    /// before a letter), the other quote, odd characters, random code
    /// points escaped, a line continuation.
    fn str_piece(&mut self, q: char, raw: bool, triple: bool) -> String {
        const PLAIN: &[&str] = &[
            "a", "abc", "Z", " ", "0", "12", "x y", "_", "é", "😀", "\u{a0}", "\t", "-",
        ];
        const ESCAPES: &[&str] = &[
            r"\n",
            r"\t",
            r"\r",
            r"\\",
            r"\'",
            r#"\""#,
            r"\a",
            r"\b",
            r"\f",
            r"\v",
            r"\0",
            r"\x00",
            r"\x1f",
            r"\x7f",
            r"\x80",
            r"\xa0",
            r"\xad",
            r"\xff",
            r"\x41",
            r"\101",
            r"\7",
            r"\08",
            r"\1234",
            r"\777",
            r"\400",
            r"\u00e9",
            r"\u2028",
            r"\u200b",
            r"\ue000",
            r"\uffff",
            r"\U0001F600",
            r"\U000e0001",
            r"\U0010ffff",
            r"\U00031350",
            r"\q",
            r"\d",
            r"\ ",
            r"\é",
            r"\8",
            r"\u0378",
            r"\N{LATIN SMALL LETTER A}",
            r"\N{latin capital letter gha}",
            r"\N{EM SPACE}",
            r"\N{HANGUL SYLLABLE GAG}",
            r"\N{CJK UNIFIED IDEOGRAPH-4E00}",
            r"\N{cjk unified ideograph-2a6df}",
            r"\N{BYTE ORDER MARK}",
            r"\N{NULL}",
            r"\N{LINE FEED}",
            r"\N{WIRELESS}",
            r"\N{NO SUCH NAME}",
            r"\N{LATIN_SMALL_LETTER_A}",
            r"\N{ LATIN SMALL LETTER A}",
            r"\N{ZERO WIDTH NO BREAK SPACE}",
            r"\N{ZERO WIDTH NO-BREAK SPACE}",
            r"\N{SNOWMAN}",
            r"\N{GRINNING FACE}",
            r"\N{DIGIT ONE}",
        ];
        let other = if q == '\'' { '"' } else { '\'' };
        match self.r.weighted(&[30, 35, 8, 12, 10, 5]) {
            0 => (*self.r.pick(PLAIN)).to_string(),
            1 if raw => format!("\\{}", *self.r.pick(&['n', 't', 'x', 'd', 'q', 'N', 'u'])),
            1 => (*self.r.pick(ESCAPES)).to_string(),
            2 => other.to_string(),
            3 => self.odd_char().to_string(),
            4 if !raw => {
                // A random code point, escaped (no surrogates: calc-core's
                // strings are Rust strings).
                let cp = loop {
                    let cp = match self.r.below(4) {
                        0 => self.r.range(0, 0x100),
                        1 => self.r.range(0x100, 0x10000),
                        2 => self.r.range(0x10000, 0x30000),
                        _ => self.r.range(0xE0000, 0x10FFFF),
                    };
                    if !(0xD800..0xE000).contains(&cp) {
                        break cp;
                    }
                };
                match self.r.below(3) {
                    0 if cp < 0x100 => format!("\\x{cp:02x}"),
                    1 if cp < 0x10000 => format!("\\u{cp:04X}"),
                    _ => format!("\\U{cp:08x}"),
                }
            }
            // A line break inside a triple-quoted literal (CR: cases hold
            // no LF), or a line continuation.
            5 if triple => (*self.r.pick(&["\r", "\r", "\\\r"])).to_string(),
            5 if !raw => "\\\r".to_string(),
            _ => "b".to_string(),
        }
    }

    /// A string literal: a prefix (`r`, `u`, none), one or three quotes
    /// of either kind, a body of [`Gen::str_piece`]s; and an upper bound
    /// of its value's length.
    fn str_lit(&mut self) -> (String, usize) {
        let prefix = *self
            .r
            .pick(&["", "", "", "", "", "r", "u", "R", "U", "r", "u"]);
        let raw = prefix.eq_ignore_ascii_case("r");
        let q = if self.r.chance(1, 2) { '\'' } else { '"' };
        let triple = self.r.chance(1, 6);
        let n = self.r.weighted(&[10, 30, 25, 15, 10, 5, 5]);
        let mut body = String::new();
        for _ in 0..n {
            let piece = self.str_piece(q, raw, triple);
            body.push_str(&piece);
        }
        if triple {
            // The closing quotes must not run on from the body's.
            while body.ends_with(q) || body.ends_with('\\') {
                body.push('.');
            }
        }
        let quotes: String = std::iter::repeat_n(q, if triple { 3 } else { 1 }).collect();
        let len = body.chars().count();
        (format!("{prefix}{quotes}{body}{quotes}"), len)
    }

    /// Adjacent string literals (implicit concatenation), with blanks or
    /// a line continuation between them now and then.
    fn str_lits(&mut self) -> (String, usize) {
        let n = self.r.weighted(&[0, 70, 20, 10]);
        let mut out = String::new();
        let mut len = 0;
        for k in 0..n {
            if k > 0 {
                let sep: &str = self.r.pick::<&str>(&[" ", "", "  ", "\t", " \\\r "]);
                out.push_str(sep);
            }
            let (t, l) = self.str_lit();
            out.push_str(&t);
            len += l;
        }
        (out, len)
    }

    /// Text for `int()`, `float()` and `complex()` to read: numbers with
    /// signs, blanks (Unicode ones too), underscores, base prefixes,
    /// Unicode digits, exponents, `inf`/`nan` spellings, `j`, and
    /// near-misses of all of these.
    fn number_text(&mut self) -> String {
        const PARTS: &[&str] = &[
            "0",
            "1",
            "7",
            "9",
            "12",
            "00",
            "010",
            "1_000",
            "1__0",
            "_1",
            "1_",
            "0x",
            "0X1f",
            "0o17",
            "0b101",
            "0b_1",
            "0x_",
            "ff",
            "z",
            "Z9",
            ".",
            ".5",
            "1.",
            "1.5",
            "e",
            "e5",
            "E-3",
            "e+",
            "inf",
            "-inf",
            "Infinity",
            "iNF",
            "nan",
            "-NaN",
            "infinity",
            "in",
            "j",
            "J",
            "+",
            "-",
            "+-",
            "(",
            ")",
            " ",
            "  ",
            "\\t",
            "\\n",
            "\\x0b",
            "\\x0c",
            "\\x1c",
            "\\xa0",
            "\\u3000",
            "\\u2003",
            "\\u0661",
            "\\u0662",
            "\\uff11",
            "\\U0001D7D9",
            "\\u0e53",
            "\\xb2",
            "\\u2155",
            "_",
            "x",
            "1e309",
            "2e-400",
            "12345678901234567890",
            "0.1",
            "1j",
            "+2j",
            "-3.5J",
            "1+2j",
            "1-j",
            "(1+2j)",
        ];
        let n = self.r.weighted(&[3, 30, 30, 20, 10, 7]);
        let mut out = String::new();
        for _ in 0..n {
            let part: &str = self.r.pick::<&str>(PARTS);
            out.push_str(part);
        }
        if self.r.chance(1, 20) {
            // Long digit strings, at and past the 4300-digit limit.
            let len = *self.r.pick(&[20, 300, 4299, 4300, 4301, 5000]);
            let digits = self.random_digits(len, 10);
            out.push_str(&digits);
        }
        out
    }

    /// The string family: literals of every kind and their reprs, bad
    /// escapes and unterminated literals (CPython's SyntaxErrors), the
    /// string operators (`+`, `*` by an int, comparisons, `in`), `%` with
    /// a string that has no `%`, the builtins that read a number from a
    /// string, and `hex`/`oct`/`bin`.
    fn t_strings(&mut self) -> String {
        match self.r.weighted(&[20, 10, 8, 12, 8, 8, 8, 14, 6, 6]) {
            0 => self.str_lits().0,
            1 => {
                // A literal of one odd character, as itself or escaped.
                let c = self.odd_char();
                match self.r.below(3) {
                    0 => format!("'{c}'"),
                    1 => format!("'\\U{:08x}'", u32::from(c)),
                    _ => format!("'{c}' + '\\x{:02x}'", self.r.below(256)),
                }
            }
            2 => {
                // Bad escapes and literals that do not end.
                const BAD: &[&str] = &[
                    r"'\x4'",
                    r"'\x'",
                    r"'a\xZZ'",
                    r"'\u12'",
                    r"'\U0011ffff'",
                    r"'\U0001F60'",
                    r"'\N'",
                    r"'\N{'",
                    r"'\N{}'",
                    r"'\Nx'",
                    r"'\N{NO SUCH NAME}'",
                    r"'é\x4'",
                    "'abc",
                    "\"abc",
                    "'''abc",
                    "r'abc",
                    "'abc\\'",
                    "u'a\\",
                    "'a\rb'",
                    "'''a\rb",
                    "\"\"\"a'''",
                    r"'\x4' + 1",
                    r"1 + '\x4'",
                    r"'a' '\u00'",
                    r"('\x4')",
                ];
                let t = *self.r.pick(BAD);
                match self.r.below(3) {
                    0 => format!("{t}   "),
                    1 => format!("1 + {t}"),
                    _ => t.to_string(),
                }
            }
            3 => {
                let base = self.r.weighted(&[40, 15, 10, 10, 10, 8, 7]);
                let s = self.number_text();
                let quoted = if s.contains('\'') {
                    format!("\"{s}\"")
                } else {
                    format!("'{s}'")
                };
                match base {
                    0 => format!("int({quoted})"),
                    1 => format!("int({quoted}, 0)"),
                    2 => format!("int({quoted}, 16)"),
                    3 => format!("int({quoted}, 2)"),
                    4 => format!("int({quoted}, 8)"),
                    5 => format!("int({quoted}, {})", self.r.range(-1, 40)),
                    _ => format!(
                        "int({quoted}, {})",
                        *self.r.pick(&["36", "True", "2.0", "10**20", "'10'"])
                    ),
                }
            }
            4 => format!("float('{}')", self.number_text()),
            5 => {
                let s = self.number_text();
                match self.r.below(6) {
                    0 => format!("complex('{s}', 1)"),
                    1 => format!("complex(1, '{s}')"),
                    _ => format!("complex('{s}')"),
                }
            }
            6 => {
                let f = *self.r.pick(&["hex", "oct", "bin"]);
                let x = match self.r.below(5) {
                    0 => self.small_int(-300, 300).t,
                    1 => self.int_lit().t,
                    2 => format!("-{}", self.big_int_text(3000)),
                    3 => (*self.r.pick(&[
                        "True", "False", "1.5", "1j", "'1'", "abs", "2**63", "-2**63", "2**64-1",
                    ]))
                    .to_string(),
                    _ => String::new(),
                };
                format!("{f}({x})")
            }
            7 => {
                // Operators between strings, and with other values.
                let (a, la) = self.str_lits();
                let op = *self.r.pick(&[
                    "+", "+", "*", "<", "<=", ">", ">=", "==", "!=", " in ", " not in ", "-",
                    " and ", " or ", "%", "/", "**",
                ]);
                let b = match self.r.below(4) {
                    0 | 1 => self.str_lits(),
                    // A count that keeps a repetition small.
                    _ if op == "*" => (self.r.range(-3, 40).to_string(), 0),
                    2 => {
                        let e = self.atom();
                        (e.t, 0)
                    }
                    _ => {
                        let v = self.r.range(-3, 5);
                        (v.to_string(), 0)
                    }
                };
                let a = if a.contains('\r') || self.r.chance(1, 3) {
                    format!("({a})")
                } else {
                    a
                };
                // `%` formats a string that has a `%` in it: outside the
                // language.
                let op = if op == "%" && (a.contains('%') || la > 40) {
                    "+"
                } else {
                    op
                };
                match self.r.below(4) {
                    0 => format!("{} {op} {a}", b.0),
                    1 if op == "*" => {
                        format!("{a} * {} * {}", self.r.range(-2, 9), self.r.range(0, 9))
                    }
                    _ => format!("{a}{op}{}", b.0),
                }
            }
            8 => {
                // Truthiness, conditionals, min and max of strings.
                let (a, _) = self.str_lits();
                let (b, _) = self.str_lits();
                match self.r.below(6) {
                    0 => format!("not {a}"),
                    1 => format!("{a} if {b} else 0"),
                    2 => format!("max({a})"),
                    3 => format!("min({a}, {b})"),
                    4 => format!("bool({a}) + ({a} or 1)"),
                    _ => format!("{a} and {b}"),
                }
            }
            _ => {
                // Other builtins given a string.
                let (a, _) = self.str_lits();
                let f = *self.r.pick(FUNCTIONS);
                let other = self.atom().t;
                match self.r.below(6) {
                    0 => format!("{f}({a})"),
                    1 => format!("{f}({a}, {a})"),
                    2 => format!("{f}({other}, {a})"),
                    3 => format!("{f}({a}, {other})"),
                    4 => format!("{f}({a}, {other}, {other})"),
                    _ => format!("{f}({other}, {a}, {other})"),
                }
            }
        }
    }

    /// The tokenizer's corners beyond number literals: names in
    /// compatibility characters (NFKC), non-ASCII characters after numbers
    /// and in names, a NUL, indentation after a form feed or a line break
    /// (a CR: cases hold no LF), line continuations, and shift counts at
    /// CPython's `too many digits in integer`.
    fn t_tokenizer(&mut self) -> String {
        match self.r.below(6) {
            0 => self.tok_unicode_name(),
            1 => self.tok_non_ascii(),
            2 => self.tok_nul(),
            3 => self.tok_indentation(),
            4 => self.tok_continuation(),
            _ => self.tok_huge_shift(),
        }
    }

    /// A namespace name or keyword spelled with compatibility characters
    /// (fullwidth, mathematical alphanumerics, ligatures, modifier
    /// letters, combining marks), in a small expression.
    fn tok_unicode_name(&mut self) -> String {
        const NAMES: &[&str] = &[
            "pi",
            "e",
            "tau",
            "inf",
            "nan",
            "abs",
            "sqrt",
            "floor",
            "factorial",
            "True",
            "False",
            "None",
            "if",
            "not",
            "or",
            "x",
            "fi",
            "log10",
        ];
        // Offsets of styled alphabets: a code point for 'a'..'z' (and 'A'..'Z').
        const STYLES: &[(u32, u32)] = &[
            (0xFF41, 0xFF21),   // fullwidth
            (0x1D41A, 0x1D400), // bold
            (0x1D44E, 0x1D434), // italic (its 'h' is a hole: unassigned)
            (0x1D5BA, 0x1D5A0), // sans-serif
            (0x1D552, 0x1D538), // double-struck (holes where letterlike has them)
            (0x24D0, 0x24B6),   // circled: symbols, not name characters
            (0x1D68A, 0x1D670), // monospace
        ];
        let name = *self.r.pick(NAMES);
        let mut t = String::new();
        let all = self.r.chance(1, 2);
        let style = *self.r.pick(STYLES);
        for (k, c) in name.chars().enumerate() {
            // The first character always (a plain `None` is outside the
            // language), the others all or at random.
            if k == 0 || all || self.r.chance(1, 2) {
                let styled = match c {
                    'a'..='z' => char::from_u32(style.0 + (c as u32 - 'a' as u32)),
                    'A'..='Z' => char::from_u32(style.1 + (c as u32 - 'A' as u32)),
                    '0'..='9' => char::from_u32(0xFF10 + (c as u32 - '0' as u32)),
                    _ => None,
                };
                t.push(styled.unwrap_or(c));
            } else {
                t.push(c);
            }
        }
        match self.r.below(8) {
            0 => {
                t = t
                    .replacen("fl", "\u{FB02}", 1)
                    .replacen("fi", "\u{FB01}", 1)
            }
            1 => t.push('\u{301}'),
            2 => t = t.replacen('a', "\u{1D43}", 1).replacen('i', "\u{2071}", 1),
            3 => t.push(self.odd_char()),
            _ => {}
        }
        match self.r.below(5) {
            0 => format!("{t} + 1"),
            1 => format!("{t}(2)"),
            2 => format!("2 * {t}"),
            3 => format!("({t})"),
            _ => t,
        }
    }

    /// A non-ASCII character, curated or any code point at all.
    fn odd_char(&mut self) -> char {
        const CURATED: &[char] = &[
            '²',
            '³',
            '¹',
            '·',
            '\u{2118}',
            '\u{212E}',
            '\u{A0}',
            '\u{2028}',
            '\u{FEFF}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{30FB}',
            '\u{FF65}',
            '\u{301}',
            '\u{300}',
            'ª',
            'µ',
            'é',
            '€',
            'Ⅻ',
            '٣',
            '１',
            '\u{378}',
            '\u{E000}',
            '😀',
            '\u{11F00}',
            '\u{1E4D0}',
            '\u{31350}',
            '\u{2EBF0}',
            '\u{85}',
            '\u{3000}',
            'ｐ',
            'ℌ',
            'ﬁ',
            '\u{1D455}',
            'Å',
        ];
        if self.r.chance(1, 2) {
            return *self.r.pick(CURATED);
        }
        loop {
            let cp = match self.r.below(3) {
                0 => self.r.range(0x80, 0x800),
                1 => self.r.range(0x800, 0x10000),
                _ => self.r.range(0x10000, 0x10FFFF),
            };
            if let Some(c) = u32::try_from(cp).ok().and_then(char::from_u32) {
                return c;
            }
        }
    }

    /// A non-ASCII character right after a number, in or after a name, or
    /// alone.
    fn tok_non_ascii(&mut self) -> String {
        const AT: &[&str] = &[
            "1@",
            "1.5@",
            "0x1f@",
            "0b1@",
            "0o7@",
            "1j@",
            "1e5@",
            "1e@",
            "1_@",
            "0@",
            "00@",
            ".5@",
            "1.@",
            "@",
            "x@",
            "pi@",
            "@pi",
            "1 + @",
            "abs(@)",
            "abs(1@)",
            "1 @ 2",
            "(1@)",
            "1@ + 2",
            "1if@",
            "1 if 1 else@ 2",
            "é@",
            "x@y",
            "2**@",
        ];
        let c = self.odd_char();
        self.r.pick(AT).replacen('@', &c.to_string(), 1)
    }

    /// A NUL somewhere: in a comment, in a literal, alone, after an error.
    fn tok_nul(&mut self) -> String {
        const BASES: &[&str] = &[
            "1 + 2",
            "1 + 2 # c",
            "(1 +",
            "1 +* 2",
            "é€",
            "1 << 2**100",
            "x",
        ];
        let base = *self.r.pick(BASES);
        let chars = base.chars().count();
        let at = self.r.below(chars as u64 + 1) as usize;
        let head: String = base.chars().take(at).collect();
        let tail: String = base.chars().skip(at).collect();
        format!("{head}\0{tail}")
    }

    /// Form feeds and CRs with blanks before, between and after.
    fn tok_indentation(&mut self) -> String {
        const PREFIXES: &[&str] = &[
            "",
            "\x0c",
            "\x0c ",
            " \x0c",
            "\x0c\t",
            "\t\x0c ",
            "\x0c\x0c  ",
            "\r",
            "\r ",
            "\r\x0c ",
            "\x0c\r ",
            "\r\r  ",
            "#c\r ",
            " \x0c1 +",
        ];
        const BODIES: &[&str] = &[
            "1",
            "1 + 2",
            "(1 +\r 2)",
            "1 +\r 2",
            "1,\r 2",
            "abs(-3)",
            "x",
            "1 2",
            ")",
        ];
        const SUFFIXES: &[&str] = &[
            "", "\r", "\r ", "\r\x0c ", "\r \x0c", "\r#c\r 1", "\r 2", "\r\r 2", "  ", "\x0c",
        ];
        format!(
            "{}{}{}",
            self.r.pick(PREFIXES),
            self.r.pick(BODIES),
            self.r.pick(SUFFIXES)
        )
    }

    /// Line continuations: at the end (with or without a line break
    /// after), before more text, inside brackets, in the indentation.
    fn tok_continuation(&mut self) -> String {
        const CASES: &[&str] = &[
            "1 \\",
            "1\\",
            "1 +\\",
            "1 \\\r",
            "1 + \\\r",
            "1 \\\r2",
            "1 + \\\r2",
            "\\\r1",
            "\\\r 1",
            "\x0c \\\r1",
            "\x0c \\\r 1",
            "(1 \\\r",
            "(1 +\\\r 2)",
            "1 2 \\\r",
            "1 2 3 \\\r",
            "1 $ \\\r",
            "1 if \\\r",
            "\\\r",
            "\\\r\\\r",
            "\\",
            "é+\\\r",
            "1 \\ \r",
            "1 \\\r \\\r",
            "1 \\\r#c",
            "abs(1 2 \\\r",
            "not \\\r",
            "1 ) \\\r",
            "1 \\\r)",
        ];
        (*self.r.pick(CASES)).to_string()
    }

    /// `a << n` and `a >> n` with counts around CPython's `MAX_LONG_DIGITS`
    /// words and its clip of the word count; the results CPython would
    /// try to build are past any machine's memory (a MemoryError, which
    /// the oracle skips), never small enough to be built.
    fn tok_huge_shift(&mut self) -> String {
        const VALUES: &[&str] = &[
            "1", "-1", "2**30", "-(2**30)", "2**59", "True", "0", "7", "2**100", "-2**61",
        ];
        const COUNTS: &[&str] = &[
            "69175290276410818350",
            "69175290276410818349",
            "69175290276410818321",
            "69175290276410818320",
            "69175290276410818319",
            "69175290276410818290",
            "2**63",
            "2**64",
            "2**66",
            "2**100",
            "10**30",
            "2**61*30",
            "(2**61-1)*30",
            "69175290276410818350*2",
            "-2**100",
            "-1",
        ];
        let a = *self.r.pick(VALUES);
        let n = *self.r.pick(COUNTS);
        let op = if self.r.chance(3, 4) { "<<" } else { ">>" };
        match self.r.below(4) {
            0 => format!("({a}) {op} ({n})"),
            1 => format!("1 + (({a}) {op} ({n}))"),
            _ => format!("{a} {op} {n}"),
        }
    }

    /// Short random strings over the characters of number literals: the
    /// tokenizer's corners (`0x_f`, `1e_5`, `07e1`, `1.e+5j`, `0b1e1`).
    /// Eight characters at most and no `*`, so nothing gets big.
    fn t_literal_fuzz(&mut self) -> String {
        const ALPHABET: &[char] = &[
            '0', '0', '1', '1', '7', '9', '_', '_', '.', '.', 'e', 'E', 'j', 'J', 'x', 'X', 'o',
            'b', 'B', '+', '-', 'f', ' ',
        ];
        let len = self.r.range(1, 8);
        let mut t = String::new();
        if self.r.chance(1, 2) {
            // Most real literals start with a digit.
            t.push(*self.r.pick(&['0', '1', '7', '9', '.']));
        }
        for _ in 0..len {
            t.push(*self.r.pick(ALPHABET));
        }
        // Blank input is the table test's business.
        if t.trim().is_empty() {
            t.push('0');
        }
        t
    }

    /// A random double's literal, either sign, sometimes a special value.
    fn random_double(&mut self) -> String {
        let f = match self.r.below(10) {
            0 => (*self
                .r
                .pick(&["0.0", "inf", "nan", "5e-324", "1e308", "1.0", "0.5"]))
            .to_string(),
            1..=3 => {
                // Moderate magnitudes, where results stay finite.
                let m = self.r.range(1, 999_999_999);
                let e = self.r.range(-12, 12);
                format!("{m}e{e}")
            }
            _ => self.float_text(),
        };
        if self.r.chance(1, 2) {
            format!("-{f}")
        } else {
            f
        }
    }

    /// A random big int literal (hex or decimal), up to `max_bits`, either sign.
    fn random_big(&mut self, max_bits: i64) -> String {
        let bits = self.r.range(1, max_bits);
        let t = if self.r.chance(1, 2) {
            let len = (bits / 4).max(1) as usize;
            format!("0x{}", self.random_digits(len, 16))
        } else {
            let len = ((bits as f64) / 3.33).ceil().max(1.0) as usize;
            self.random_digits(len, 10)
        };
        if self.r.chance(1, 2) {
            format!("(-{t})")
        } else {
            t
        }
    }

    /// Two's-complement bit operations and floor division on signed bigints,
    /// across the 64- and 128-bit word boundaries.
    fn t_bigint_bits(&mut self) -> String {
        let a = if self.r.chance(1, 3) {
            let k = *self
                .r
                .pick(&[31, 32, 53, 62, 63, 64, 65, 127, 128, 129, 200]);
            let d = self.r.range(-2, 2);
            let sign = if self.r.chance(1, 2) { "-" } else { "" };
            format!("({sign}2**{k}{d:+})")
        } else {
            self.random_big(300)
        };
        let b = self.random_big(200);
        match self.r.below(6) {
            0 => format!("~{a}"),
            1 => {
                let n = self.r.range(0, 200);
                let op = *self.r.pick(&["<<", ">>"]);
                format!("{a} {op} {n}")
            }
            _ => {
                let op = *self
                    .r
                    .pick(&["&", "|", "^", "//", "%", "-", "+", "*", "/", "==", "<"]);
                format!("{a} {op} {b}")
            }
        }
    }

    /// Ints that sit exactly on or next to a float rounding boundary
    /// (`2**a + 2**b`, ties to even), converted, divided and compared.
    fn t_rounding_ints(&mut self) -> String {
        let a = self.r.range(53, 1100);
        let b = self.r.range(0, a - 52);
        let c = self.r.range(-1, 1);
        let x = format!("(2**{a} + 2**{b}{c:+})");
        let y = self.big_int_text(200);
        match self.r.below(7) {
            0 => format!("float({x})"),
            1 => format!("{x} / 1"),
            2 => format!("{x} / {y}"),
            3 => format!("{x} * 1.0"),
            4 => {
                let op = *self.r.pick(&["==", "<", ">", "!=", "<=", ">="]);
                format!("{x} {op} {x} * 1.0")
            }
            5 => format!("{x} + 0.5"),
            _ => format!("-{x} / 3"),
        }
    }

    /// Float powers with random operands: overflow against inf, negative
    /// bases, integral float exponents.
    fn t_float_pow(&mut self) -> String {
        let x = self.random_double();
        let y = match self.r.below(3) {
            0 => self.random_double(),
            1 => format!("{}", self.r.range(-400, 400)),
            _ => format!("{}.0", self.r.range(-400, 400)),
        };
        if self.r.chance(1, 4) {
            format!("pow({x}, {y})")
        } else {
            format!("({x}) ** ({y})")
        }
    }

    fn random_complex(&mut self) -> String {
        let (a, b) = (self.random_double(), self.random_double());
        match self.r.below(3) {
            0 => format!("complex({a}, {b})"),
            1 => format!(
                "({a}{}j)",
                if b.starts_with('-') {
                    b.clone()
                } else {
                    format!("+{b}")
                }
            ),
            _ => format!("({b}j)"),
        }
    }

    /// Complex arithmetic with random parts: CPython's exact algorithms
    /// (division, `**` by repeated squaring up to 100, `abs` via hypot).
    fn t_complex_random(&mut self) -> String {
        let a = self.random_complex();
        match self.r.below(6) {
            0 => format!("abs({a})"),
            1 => format!("{a} ** {}", self.r.range(-120, 120)),
            2 => {
                let b = self.random_double();
                format!("{a} ** ({b})")
            }
            _ => {
                let b = self.random_complex();
                let op = *self.r.pick(&["+", "-", "*", "/", "/", "**", "=="]);
                format!("{a} {op} {b}")
            }
        }
    }

    /// `round(x, n)` with random doubles: CPython rounds through the exact
    /// decimal value.
    fn t_round_random(&mut self) -> String {
        let x = self.random_double();
        match self.r.below(4) {
            0 => format!("round({x})"),
            _ => format!("round({x}, {})", self.r.range(-20, 20)),
        }
    }

    /// Math functions on random doubles and big ints.
    fn t_math_random(&mut self) -> String {
        let f = self.scalar_function();
        let arg = |g: &mut Gen| {
            if g.r.chance(1, 3) {
                g.random_big(if matches!(f, "factorial" | "comb" | "perm") {
                    10
                } else {
                    1200
                })
            } else {
                g.random_double()
            }
        };
        let n = match f {
            "atan2" | "fmod" | "copysign" | "comb" | "pow" | "log" | "round" | "remainder"
            | "nextafter" | "isclose" | "ldexp" | "dist" => 2,
            "hypot" | "gcd" | "lcm" | "min" | "max" => self.r.range(1, 4) as usize,
            _ => 1,
        };
        let args: Vec<String> = (0..n).map(|_| arg(self)).collect();
        let args = match f {
            // Keep the int work bounded: small exponents and ndigits.
            "pow" | "round" => {
                let x = args.into_iter().next().unwrap_or_default();
                vec![x, self.r.range(-30, 30).to_string()]
            }
            "ldexp" if self.r.chance(3, 4) => {
                let x = args.into_iter().next().unwrap_or_default();
                vec![x, self.r.range(-1200, 1200).to_string()]
            }
            _ => args,
        };
        format!("{f}({})", args.join(", "))
    }

    /// The modules and attribute access: `math.f(...)` spellings of the
    /// namespace's functions (and of the builtins `math` lacks, an
    /// AttributeError), `math.pow` at special values, the constants of
    /// `math` and `cmath`, attributes of every kind of value, modules as
    /// operands, and `cmath` functions on random and special complex
    /// numbers.
    fn t_modules(&mut self) -> String {
        const VALUES: &[&str] = &[
            "1",
            "(1)",
            "1.5",
            "1j",
            "True",
            "abs",
            "int",
            "float",
            "(1,)",
            "'a'",
            "math",
            "cmath",
            "math.pi",
            "math.sqrt",
            "(m := math)",
            "(cmath if 1 else math)",
        ];
        const ATTRS: &[&str] = &[
            "x",
            "nope",
            "real",
            "sqrt",
            "pi",
            "e",
            "tau",
            "inf",
            "nan",
            "infj",
            "nanj",
            "upper",
            "count",
            "abs",
            "round",
            "min",
            "int",
            "hex",
            "sum",
            "divmod",
            "bool",
            "pow",
            "phase",
            "polar",
            "exp",
            "log",
            "__class__",
            "mro",
            "math",
            "True_",
            "\u{1d42c}\u{1d42a}\u{1d42b}\u{1d42d}",
        ];
        const OPERANDS: &[&str] = &[
            "math == cmath",
            "math != math",
            "math == math",
            "math + 1",
            "-math",
            "not math",
            "math(1)",
            "math[0]",
            "abs(math)",
            "int(math)",
            "(math, 1)[1]",
            "math if 0 else 1",
            "min(math, math)",
            "math < math",
            "math in (1, math)",
            "(m := math).e",
            "sum((math,))",
            "round(math)",
            "float(math)",
            "complex(math)",
            "pow(math, 2)",
            "divmod(math, 1)",
            "hex(math)",
            "math * 2",
            "'a' + math",
            "math ** 2",
            "~math",
            "math.pi * 2",
            "cmath.infj",
            "cmath.nanj + 1",
            "cmath.inf == math.inf",
            "cmath.tau - math.tau",
            "math.sqrt(math)",
            "bool(cmath)",
            "max(math)",
            "(math,) * 2 == (math, math)",
            "math.nope(1)",
            "math.pi.x",
            "math.sqrt.x",
            "math.e ** math.pi",
            "(1, 2).x[0]",
            "cmath.sqrt(-1)",
            "cmath.phase(-1)",
        ];
        match self.r.below(9) {
            0..=2 => {
                let call = self.t_math_random();
                format!("math.{call}")
            }
            7 => {
                // `math.pow` at IEEE specials and at its domain and range
                // edges.
                const X: &[&str] = &[
                    "inf", "-inf", "nan", "0.0", "-0.0", "0", "1.0", "-1.0", "2", "-2", "0.5",
                    "-0.5", "-8", "10", "1e-300", "True", "2**1100", "1j", "'a'",
                ];
                const Y: &[&str] = &[
                    "inf", "-inf", "nan", "0.0", "-0.0", "1", "-1", "2", "3", "-3", "0.5", "1/3",
                    "400", "-1100", "1e308", "False",
                ];
                let x = *self.r.pick(X);
                let y = *self.r.pick(Y);
                match self.r.below(12) {
                    0 => format!("math.pow({x})"),
                    1 => format!("math.pow({x}, {y}, 2)"),
                    2 => format!("math.pow({x}, y={y})"),
                    _ => format!("math.pow({x}, {y})"),
                }
            }
            3 | 4 => {
                let v = *self.r.pick(VALUES);
                let a = *self.r.pick(ATTRS);
                let sep = if v.bytes().all(|b| b.is_ascii_digit()) {
                    " ."
                } else {
                    "."
                };
                format!("{v}{sep}{a}")
            }
            5 => self.r.pick(OPERANDS).to_string(),
            6 => {
                let f = *self.r.pick(&[
                    "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
                    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "phase", "polar", "isnan",
                    "isclose",
                ]);
                let z = self.random_complex();
                if f == "isclose" {
                    // Near `z` as often as not.
                    let w = if self.r.chance(1, 2) {
                        let (d, e) = (self.r.range(1, 9), self.r.range(8, 11));
                        format!("{z} * (1 + {d}e-{e})")
                    } else {
                        self.random_complex()
                    };
                    return format!("cmath.isclose({z}, {w})");
                }
                format!("cmath.{f}({z})")
            }
            _ => {
                let f = *self.r.pick(&[
                    "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
                    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "rect", "phase", "isinf",
                    "isfinite",
                ]);
                let x = *self
                    .r
                    .pick(&["inf", "-inf", "nan", "0.0", "-0.0", "1.0", "-1.0"]);
                let y = *self
                    .r
                    .pick(&["inf", "-inf", "nan", "0.0", "-0.0", "1.0", "-1.0"]);
                if f == "rect" {
                    return format!("cmath.rect({x}, {y})");
                }
                format!("cmath.{f}(complex({x}, {y}))")
            }
        }
    }

    // ---------------------------------------------------------------------
    // cmath

    /// A call of a `cmath` function: on ints, floats, bools and complex
    /// numbers, special values (each part any class of the special-value
    /// tables), huge, tiny and subnormal parts, points near the branch cuts
    /// and near `|z| = 1`; `log` with a base, `rect` with its two reals;
    /// now and then wrong argument counts, keywords, wrong types, or the
    /// call inside a larger expression.
    fn t_cmath(&mut self) -> String {
        const ONE_ARG: &[&str] = &[
            "sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "sinh",
            "cosh", "tanh", "asinh", "acosh", "atanh", "phase", "polar", "isfinite", "isinf",
            "isnan",
        ];
        const KEYWORDS: &[&str] = &["z", "x", "base", "r", "phi", "rel_tol", "abs_tol", "a"];
        let f = match self.r.weighted(&[70, 12, 12, 6]) {
            0 => *self.r.pick(ONE_ARG),
            1 => "log",
            2 => "rect",
            _ => "isclose",
        };
        let mut args: Vec<String> = match (f, self.r.weighted(&[85, 15])) {
            ("log", 0) if self.r.chance(1, 2) => vec![self.cmath_arg(), self.cmath_arg()],
            ("rect", 0) => vec![self.cmath_real(), self.cmath_real()],
            ("isclose", 0) => {
                let z = self.cmath_arg();
                let w = if self.r.chance(1, 2) {
                    let (d, e) = (self.r.range(1, 9), self.r.range(7, 11));
                    format!("{z} * (1 + {d}e-{e})")
                } else {
                    self.cmath_arg()
                };
                vec![z, w]
            }
            (_, 0) => vec![self.cmath_arg()],
            // A wrong count (or, for log, the other right one).
            _ => {
                let n = self.r.weighted(&[30, 20, 35, 15]);
                (0..n).map(|_| self.cmath_arg()).collect()
            }
        };
        if self.r.chance(1, 12) {
            let k = *self.r.pick(KEYWORDS);
            let v = if k.ends_with("tol") {
                self.r.pick(&["0.5", "0", "-1", "1e-3", "1j"]).to_string()
            } else {
                self.cmath_arg()
            };
            args.push(format!("{k}={v}"));
        }
        let call = format!("cmath.{f}({})", args.join(", "));
        match self.r.weighted(&[80, 5, 5, 5, 5]) {
            0 => call,
            1 => format!("abs({call})"),
            2 => format!("{call} * 2"),
            3 => format!("cmath.exp({call})"),
            _ => format!("{call} == {call}"),
        }
    }

    /// A real part or a real argument for `cmath`: a class of the special
    /// value tables, a magnitude where the functions change formula, or a
    /// random double.
    fn cmath_part(&mut self) -> String {
        const PARTS: &[&str] = &[
            "inf",
            "-inf",
            "nan",
            "0.0",
            "-0.0",
            "1.0",
            "-1.0",
            "2.3",
            "-2.3",
            "0.5",
            "1e308",
            "-1.5e308",
            "1.7976931348623157e308",
            "4.49423283715579e307",
            "5e-324",
            "-1e-310",
            "2.2250738585072014e-308",
            "1e-160",
            "1.4916681462400413e-154",
            "6.703903964971299e153",
            "710.0",
            "-710.0",
            "708.3964185322641",
            "-708.3964185322642",
            "709.0895657128241",
            "800.0",
            "1e16",
            "0.71",
            "1.73",
            "1e-20",
        ];
        match self.r.weighted(&[45, 35, 20]) {
            0 => (*self.r.pick(PARTS)).to_string(),
            1 => self.random_double(),
            _ => self.delicate_double(),
        }
    }

    /// A real argument of `rect` (or, sometimes, something that is not).
    fn cmath_real(&mut self) -> String {
        match self.r.weighted(&[80, 8, 4, 4, 4]) {
            0 => self.cmath_part(),
            1 => self.r.range(-5, 5).to_string(),
            2 => (*self.r.pick(&["True", "10**400", "2**1023", "-7"])).to_string(),
            3 => self.cmath_arg(),
            _ => (*self.r.pick(&["'a'", "(1,)", "abs", "math", "1j"])).to_string(),
        }
    }

    /// A complex argument for `cmath`: mostly `complex(x, y)` with parts
    /// from [`Gen::cmath_part`], or a point near a branch cut or the unit
    /// circle; sometimes an int, a float, a bool, a literal complex or a
    /// value of the wrong type.
    fn cmath_arg(&mut self) -> String {
        match self.r.weighted(&[45, 15, 8, 8, 8, 8, 4, 4]) {
            0 => {
                let (x, y) = (self.cmath_part(), self.cmath_part());
                format!("complex({x}, {y})")
            }
            1 => {
                // On or beside a branch cut: the real axis beyond +/-1
                // (sqrt, log: the negative axis) and the imaginary axis
                // beyond +/-i, with signed zeros.
                let zero = *self.r.pick(&["0.0", "-0.0", "1e-300", "-1e-300", "5e-324"]);
                let t = *self
                    .r
                    .pick(&["1.0", "1.5", "2.0", "1e10", "1e300", "0.5", "3.0"]);
                let t = if self.r.chance(1, 2) {
                    format!("-{t}")
                } else {
                    t.to_string()
                };
                if self.r.chance(1, 2) {
                    format!("complex({t}, {zero})")
                } else {
                    format!("complex({zero}, {t})")
                }
            }
            2 => {
                // Near the unit circle, where log takes log1p.
                let k = self.r.range(-720, 720);
                let e = self.r.range(-16, -1);
                format!(
                    "(1 + {}e{e}) * cmath.exp(complex(0, {k} / 100))",
                    self.r.range(-9, 9)
                )
            }
            3 => self.random_complex(),
            4 => self.cmath_part(),
            5 => match self.r.below(3) {
                0 => self.r.range(-10, 10).to_string(),
                1 => (*self
                    .r
                    .pick(&["10**400", "-10**309", "2**1023", "2**1024", "10**20"]))
                .to_string(),
                _ => (*self.r.pick(&["True", "False"])).to_string(),
            },
            6 => {
                let y = self.cmath_part();
                format!("{y}j")
                    .replace("infj", "1e400j")
                    .replace("nanj", "(nan*1j)")
            }
            _ => (*self
                .r
                .pick(&["'a'", "'1j'", "(1,)", "()", "abs", "cmath", "int"]))
            .to_string(),
        }
    }

    /// A float where `math`'s functions are delicate, as literal text:
    /// tiny and subnormal, near the integers and half-integers (poles and
    /// zeros of `gamma`, ties of `remainder`), near 1 and -1 (`acosh`,
    /// `atanh`, `log1p`), where `exp2`, `expm1`, `gamma` and `erfc`
    /// overflow or underflow, and the special values.
    fn delicate_double(&mut self) -> String {
        let unit = |g: &mut Gen| (g.r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x = match self.r.below(9) {
            0 => unit(self) * 1e-5,
            1 => f64::from_bits(self.r.below(1 << 52)),
            2 => {
                let n = self.r.range(-200, 200) as f64;
                n + *self.r.pick(&[0.0, 0.5, 1e-9, -1e-9, 1e-15, 0.25])
            }
            3 => 1.0 + (unit(self) - 0.5) * 2e-6,
            4 => (unit(self) - 0.5) * 2200.0,
            5 => (unit(self) - 0.5) * 80.0,
            6 => unit(self) * 2.0 - 1.0,
            7 => unit(self) * 250.0,
            _ => {
                return (*self.r.pick(&[
                    "0.0",
                    "-0.0",
                    "-nan",
                    "inf",
                    "-inf",
                    "nan",
                    "5e-324",
                    "-5e-324",
                    "1e308",
                    "-1e308",
                    "1.7976931348623157e308",
                    "2.2250738585072014e-308",
                ]))
                .to_string()
            }
        };
        let x = if self.r.chance(1, 2) { -x } else { x };
        float_text(x)
    }

    /// An argument for `math-delicate`: mostly a delicate float, sometimes
    /// a huge int, a bool, a complex number or an int literal.
    fn delicate_arg(&mut self) -> String {
        match self.r.weighted(&[80, 5, 5, 4, 6]) {
            0 => self.delicate_double(),
            1 => (*self
                .r
                .pick(&["10**400", "-10**400", "2**1024", "2**1023", "2**53+1"]))
            .to_string(),
            2 => (*self.r.pick(&["True", "False"])).to_string(),
            3 => (*self.r.pick(&["1j", "(1+0j)", "abs", "int"])).to_string(),
            _ => self.r.range(-300, 300).to_string(),
        }
    }

    /// The float functions of the rest of `math` (and `bool`) where they
    /// are delicate: poles, overflow thresholds, ties, near-equal pairs,
    /// subnormals, with the wrong types and counts of arguments
    /// sometimes.
    fn t_math_delicate(&mut self) -> String {
        let f = *self.r.pick(DELICATE_FUNCTIONS);
        let (min, max) = match f {
            "remainder" | "nextafter" | "isclose" | "ldexp" => (2, 2),
            "lcm" => (0, 4),
            "bool" => (0, 1),
            _ => (1, 1),
        };
        let n = self.arity(min, max);
        let mut args: Vec<String> = (0..n).map(|_| self.delicate_arg()).collect();
        match (f, n) {
            ("remainder", 2) if self.r.chance(1, 2) => {
                // x an odd multiple of y / 2: a tie of the nearest multiple.
                let y = self.delicate_double().parse::<f64>().unwrap_or(1.5);
                let k = (2 * self.r.range(0, 999) + 1) as f64;
                args = vec![float_text(k * y / 2.0), float_text(y)];
            }
            ("isclose", 2) if self.r.chance(1, 2) => {
                // Relative differences around the default rel_tol, 1e-9.
                let a = self.delicate_double().parse::<f64>().unwrap_or(1.0);
                let rel = 1.0 + self.r.range(-3, 3) as f64 * 5e-10;
                args = vec![float_text(a), float_text(a * rel)];
            }
            ("ldexp", 2) => {
                args[1] = match self.r.weighted(&[70, 10, 20]) {
                    0 => self.r.range(-1200, 1200).to_string(),
                    1 => (*self
                        .r
                        .pick(&["2**31", "-2**31-1", "2**63", "-10**30", "True"]))
                    .to_string(),
                    _ => self.delicate_arg(),
                };
            }
            ("lcm", _) => {
                for a in &mut args {
                    if self.r.chance(3, 4) {
                        let bits = *self.r.pick(&[8, 64, 200, 1200]);
                        *a = self.random_big(bits);
                    }
                }
            }
            _ => {}
        }
        let call = format!("{f}({})", args.join(", "));
        if self.r.chance(1, 8) {
            // The sign of a zero or a NaN result, which repr does not show
            // for a NaN.
            format!("copysign(1, {call})")
        } else {
            call
        }
    }

    fn big_int_text(&mut self, max_bits: i64) -> String {
        let bits = self.r.range(1, max_bits);
        // Parenthesized: the caller may put it under `**` or unary minus.
        let base = format!("2**{bits}");
        match self.r.below(5) {
            0 => format!("({base})"),
            1 => format!("({base}+{})", self.r.range(1, 1000)),
            2 => format!("({base}-{})", self.r.range(1, 1000)),
            3 => {
                let len = (bits as f64 / 3.33).ceil().max(1.0) as usize;
                self.random_digits(len, 10)
            }
            _ => format!("(3**{})", (bits as f64 / 1.585) as i64 + 1),
        }
    }

    fn t_true_division(&mut self) -> String {
        let a = self.big_int_text(3000);
        let b = self.big_int_text(3000);
        let sa = if self.r.chance(1, 4) {
            format!("-{a}")
        } else {
            a
        };
        let o = self.op("/");
        format!("{sa}{o}{b}")
    }

    fn t_int_float_compare(&mut self) -> String {
        let ints = [
            "2**53",
            "2**53+1",
            "2**53-1",
            "2**63",
            "2**63-1",
            "2**64",
            "2**64+1",
            "10**20",
            "10**22",
            "10**23",
            "2**1024",
            "2**1023",
            "10**400",
            "-2**53-1",
            "9007199254740993",
            "0",
            "1",
            "-1",
            "True",
        ];
        let floats = [
            "2.0**53",
            "2.0**63",
            "2.0**64",
            "1e20",
            "1e22",
            "1e23",
            "1e308",
            "inf",
            "-inf",
            "nan",
            "0.0",
            "-0.0",
            "1.0",
            "0.5",
            "2**53+1.0",
            "9007199254740992.0",
            "1.7976931348623157e308",
        ];
        let op = *self.r.pick(&["==", "!=", "<", "<=", ">", ">="]);
        let (i, f) = (*self.r.pick(&ints), *self.r.pick(&floats));
        let o = self.op(op);
        if self.r.chance(1, 2) {
            format!("{i}{o}{f}")
        } else {
            format!("{f}{o}{i}")
        }
    }

    fn signed_float(&mut self) -> String {
        let f = match self.r.below(3) {
            0 => (*self.r.pick(&[
                "0.0", "1.0", "2.5", "3.0", "7.5", "1e308", "5e-324", "inf", "nan", "0.1",
                "1e-308", "1e16",
            ]))
            .to_string(),
            1 => self.float_text(),
            _ => self.r.range(0, 20).to_string(),
        };
        if self.r.chance(1, 2) {
            format!("-{f}")
        } else {
            f
        }
    }

    fn t_float_floordiv_mod(&mut self) -> String {
        let (a, b) = (self.signed_float(), self.signed_float());
        let op = *self.r.pick(&["//", "%", "/"]);
        let o = self.op(op);
        format!("({a}){o}({b})")
    }

    fn t_round(&mut self) -> String {
        let x = match self.r.below(4) {
            0 => self.signed_float(),
            1 => {
                let n = self.r.range(-200, 200);
                let frac = *self
                    .r
                    .pick(&["5", "25", "125", "675", "05", "15", "35", "45"]);
                format!("{n}.{frac}")
            }
            2 => {
                let v = self.r.range(-1000, 1000);
                v.to_string()
            }
            _ => self.big_int_text(400),
        };
        match self.r.below(3) {
            0 => format!("round({x})"),
            _ => {
                let nd = if self.r.chance(1, 8) {
                    self.r.range(-400, 400)
                } else {
                    self.r.range(-4, 6)
                };
                format!("round({x}, {nd})")
            }
        }
    }

    fn t_float_repr(&mut self) -> String {
        let f = self.float_text();
        match self.r.below(6) {
            0 => f,
            1 => format!("-{f}"),
            2 => {
                let g = self.float_text();
                let op = *self.r.pick(&["+", "-", "*", "/"]);
                format!("{f} {op} {g}")
            }
            3 => format!("{f} * 10"),
            4 => {
                let k = self.r.range(-330, 320);
                format!("{}e{k}", self.r.range(1, 9))
            }
            _ => format!("float({})", self.big_int_text(1100)),
        }
    }

    fn complex_operand(&mut self) -> String {
        match self.r.below(4) {
            0 => (*self.r.pick(&[
                "1j",
                "0j",
                "-0j",
                "(1+2j)",
                "(-1-1j)",
                "(3-4j)",
                "(0.5+0.5j)",
                "1e308j",
                "(1e308+1e308j)",
                "complex(inf, 0)",
                "complex(nan, 1)",
                "complex(0, -0.0)",
                "(-0.0+0j)",
                "2j",
                "(1+0j)",
            ]))
            .to_string(),
            1 => {
                let (a, b) = (self.signed_float(), self.signed_float());
                format!("complex({a}, {b})")
            }
            2 => {
                let a = self.imag_lit();
                let b = self.signed_float();
                format!("({b}+{})", a.t)
            }
            _ => self.signed_float(),
        }
    }

    fn t_complex(&mut self) -> String {
        let a = self.complex_operand();
        match self.r.below(8) {
            0 => a,
            1 => format!("-({a})"),
            2 => format!("abs({a})"),
            3 => {
                let n = self.r.range(-5, 130);
                format!("({a})**{n}")
            }
            4 => {
                let b = self.complex_operand();
                format!("({a})**({b})")
            }
            _ => {
                let b = self.complex_operand();
                let op = *self
                    .r
                    .pick(&["+", "-", "*", "/", "==", "!=", "<", "//", "%"]);
                format!("({a}) {op} ({b})")
            }
        }
    }

    fn t_digit_limit(&mut self) -> String {
        match self.r.below(8) {
            0 => format!("10**{}", self.r.range(4290, 4310)),
            1 => format!("-10**{}", self.r.range(4295, 4305)),
            2 => format!("10**{} - 1", self.r.range(4299, 4301)),
            3 => format!("2**{}", self.r.range(14270, 14300)),
            4 => {
                // Literals at the input limit (SyntaxError above 4300 digits).
                let len = self.r.range(4298, 4302) as usize;
                self.random_digits(len, 10)
            }
            5 => {
                // Hex literals have no limit in, but do out.
                let len = self.r.range(3560, 3600) as usize;
                format!("0x{}", self.random_digits(len, 16))
            }
            6 => format!(
                "10**{} // 10**{}",
                self.r.range(4300, 6000),
                self.r.range(1, 2000)
            ),
            _ => {
                let op = *self.r.pick(&[
                    "% 7",
                    "== 10**5000",
                    "> 1e308",
                    "* 0.0",
                    "/ 10**4990",
                    "!= 0",
                ]);
                format!("10**5000 {op}")
            }
        }
    }

    fn t_overflow(&mut self) -> String {
        (*self.r.pick(&[
            "1e308 * 10",
            "1e308 + 1e308",
            "-1e308 * 10",
            "10.0 ** 400",
            "10 ** 400.0",
            "2.0 ** 1024",
            "2.0 ** 1023.9999",
            "(-2.0) ** 1025",
            "exp(709)",
            "exp(710)",
            "sinh(711)",
            "cosh(-711)",
            "float(2**1024)",
            "float(2**1024 - 2**970)",
            "float(2**1024 - 2**971)",
            "2**1024 / 1",
            "2**1024 * 1.0",
            "2**1024 + 0.0",
            "(2**1024 - 2**970) / 1",
            "hypot(1e308, 1e308)",
            "1e308 // 1e-308",
            "1e308 % 1e-308",
            "pow(10.0, 400)",
            "pow(2, 1024.0)",
            "1.5 ** 2000",
            "(-1.5) ** 2001",
            "0.5 ** 2000",
            "1e300 * 1e300 - 1e300 * 1e300",
            "inf - inf",
            "inf * 0",
            "int(inf)",
            "int(nan)",
            "int(1e308)",
            "round(1e308)",
            "floor(inf)",
            "ceil(-inf)",
            "1e308 * 10 == inf",
            "(10**400) ** 0.5",
            "sqrt(10**400)",
            "log(10**400)",
            "log2(2**2000)",
            "log10(10**400)",
            "log(2**2000, 2)",
            "exp(1000) - exp(1000)",
            "1j ** 2000",
            "(1e200+1e200j) * (1e200+1e200j)",
            "complex(1e308, 1e308) * 2",
            "(1+1j) ** 10000",
            "10 ** -400",
            "2 ** -1075",
            "2 ** -1074",
            "1 / 2**1075",
            "2**1023 * 2.0",
            "float(10**308)",
            "float(10**309)",
            "1e-320 / 1e10",
            "5e-324 / 2",
            "5e-324 * 0.5",
            "5e-324 * 0.51",
        ]))
        .to_string()
    }

    fn t_bool(&mut self) -> String {
        let a = *self.r.pick(&["True", "False"]);
        let b = *self
            .r
            .pick(&["True", "False", "1", "0", "2.5", "1j", "-1", "0.0"]);
        let op = *self.r.pick(&[
            "+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>", "==", "<", "and", "or",
        ]);
        match self.r.below(4) {
            0 => format!("{a} {op} {b}"),
            1 => format!("{b} {op} {a}"),
            2 => {
                let u = *self.r.pick(&["-", "+", "~", "not "]);
                format!("{u}{a}")
            }
            _ => {
                let f = *self.r.pick(&[
                    "abs",
                    "round",
                    "int",
                    "float",
                    "complex",
                    "factorial",
                    "isqrt",
                    "floor",
                    "sqrt",
                    "max",
                    "min",
                    "gcd",
                ]);
                format!("{f}({a}, {b})")
                    .replace(", 1)", ")")
                    .replace(", 0)", ")")
            }
        }
    }

    fn t_truthiness(&mut self) -> String {
        let vals = [
            "0",
            "1",
            "0.0",
            "-0.0",
            "nan",
            "inf",
            "0j",
            "-0j",
            "1j",
            "complex(0, -0.0)",
            "False",
            "True",
            "2.5",
            "abs",
            "10**20",
        ];
        let a = *self.r.pick(&vals);
        let b = *self.r.pick(&vals);
        let c = *self.r.pick(&vals);
        match self.r.below(5) {
            0 => format!("{a} or {b}"),
            1 => format!("{a} and {b}"),
            2 => format!("not {a}"),
            3 => format!("{a} if {b} else {c}"),
            _ => format!("{a} and {b} or {c}"),
        }
    }

    fn t_pow_corners(&mut self) -> String {
        let bases = [
            "0", "1", "-1", "2", "-2", "-8", "0.0", "-0.0", "1.0", "-1.0", "2.0", "-8.0", "0.5",
            "inf", "-inf", "nan", "0j", "1j", "10", "True",
        ];
        let exps = [
            "0", "1", "-1", "2", "-2", "3", "0.5", "-0.5", "(1/3)", "0.0", "-0.0", "inf", "-inf",
            "nan", "1e20", "-1e20", "1j", "0j", "63", "64", "-1075", "1.5",
        ];
        let (b, x) = (*self.r.pick(&bases), *self.r.pick(&exps));
        match self.r.below(4) {
            0 => format!("({b}) ** {x}"),
            1 => format!("pow({b}, {x})"),
            2 => {
                // Three-argument pow, modular inverse included.
                let m = *self
                    .r
                    .pick(&["7", "-7", "1", "0", "2**61-1", "10**20", "2", "-1", "12"]);
                let b = self.r.range(-50, 50);
                let x = *self
                    .r
                    .pick(&["-1", "-2", "0", "1", "5", "100", "2**64", "10**20"]);
                format!("pow({b}, {x}, {m})")
            }
            _ => format!("{b} ** {x}"),
        }
    }

    fn t_math(&mut self) -> String {
        let vals = [
            "0",
            "1",
            "-1",
            "2",
            "0.0",
            "-0.0",
            "0.5",
            "-0.5",
            "1.0",
            "-1.0",
            "2.0",
            "inf",
            "-inf",
            "nan",
            "1e308",
            "5e-324",
            "1e-300",
            "pi",
            "pi/2",
            "10**400",
            "2**1000",
            "1j",
            "True",
            "710",
            "-710",
            "1.0000001",
            "-1.0000001",
            "3",
            "-12",
            "18",
            "100",
        ];
        let f = *self.r.pick(FUNCTIONS);
        let n = self.r.weighted(&[5, 50, 35, 10]);
        let args: Vec<&str> = (0..n).map(|_| *self.r.pick(&vals)).collect();
        // Heavy functions get bounded arguments.
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if matches!(f, "factorial" | "comb" | "perm") && a.contains("**") {
                    "20".to_string()
                } else if f == "round" && a.contains("**") {
                    "3".to_string()
                } else if f == "pow" && (a.contains("**") || *a == "710") {
                    "7".to_string()
                } else {
                    (*a).to_string()
                }
            })
            .collect();
        format!("{f}({})", args.join(", "))
    }

    // ---------------------------------------------------------------------
    // Tuples

    /// Tuples and the functions that make or take them: displays (nested,
    /// `(x,)`, `()`, a bare `a, b` at the top), `+`, `*`, comparisons,
    /// `in`, indexing, truthiness, `divmod`, `sum`, `frexp`, `modf` and
    /// the iterable forms of `min`, `max`, `fsum`, `prod` and `dist`.
    /// No NaN or infinity: CPython compares a tuple's items by identity
    /// first (`nan in (nan,)` is True there, `nan == nan` False), and
    /// identity is not a value's property here.
    fn t_tuples(&mut self) -> String {
        match self.r.weighted(&[14, 16, 8, 10, 14, 6, 6, 6, 6, 6, 8]) {
            0 => self.tup(3),
            1 => {
                let op = *self.r.pick(&["<", "<=", ">", ">=", "==", "!="]);
                let (a, b) = self.tup_pair();
                format!("{a} {op} {b}")
            }
            2 => {
                let op = *self.r.pick(&["<", "==", "!=", ">="]);
                let (a, b) = (self.tup(2), self.tup_scalar());
                if self.r.chance(1, 2) {
                    format!("{a} {op} {b}")
                } else {
                    format!("{b} {op} {a}")
                }
            }
            3 => {
                let op = *self.r.pick(&["in", "not in"]);
                let x = self.tup_scalar();
                let t = if self.r.chance(1, 8) {
                    self.tup_scalar()
                } else {
                    self.tup(2)
                };
                format!("{x} {op} {t}")
            }
            4 => {
                let t = self.tup(2);
                let i = self.tup_index();
                format!("{t}[{i}]")
            }
            5 => {
                let t = self.tup(2);
                let op = *self.r.pick(&["-", "/", "//", "%", "**", "&", "<<"]);
                let x = if self.r.chance(1, 2) {
                    self.tup(1)
                } else {
                    self.tup_scalar()
                };
                format!("{t} {op} {x}")
            }
            6 => {
                let t = self.tup(2);
                match self.r.below(5) {
                    0 => format!("not {t}"),
                    1 => format!("{t} and {}", self.tup_scalar()),
                    2 => format!("{t} or {}", self.tup_scalar()),
                    3 => format!("-{t}"),
                    _ => format!("1 if {t} else 0"),
                }
            }
            7 => {
                // A bare tuple: the whole input only.
                let n = self.r.range(2, 4);
                let items: Vec<String> = (0..n).map(|_| self.tup_item(1)).collect();
                let comma = if self.r.chance(1, 4) { "," } else { "" };
                format!("{}{comma}", items.join(", "))
            }
            8 => self.tup_numeric_call(),
            9 => {
                let f = *self.r.pick(&["min", "max"]);
                let (a, b) = self.tup_pair();
                format!("{f}({a}, {b})")
            }
            _ => self.tup_making_call(),
        }
    }

    /// A scalar of the tuples family: a small or big int, a bool, a
    /// moderate float, a complex; finite.
    fn tup_scalar(&mut self) -> String {
        match self.r.weighted(&[40, 8, 10, 24, 8, 10]) {
            0 => self.r.range(-5, 9).to_string(),
            1 => (*self.r.pick(&["2**64", "-2**63", "10**20", "2**100+1"])).to_string(),
            2 => (*self.r.pick(&["True", "False"])).to_string(),
            3 => (*self.r.pick(&[
                "0.5", "-0.0", "0.0", "1.0", "2.5", "-1.5", "0.1", "1e300", "3.0",
            ]))
            .to_string(),
            4 => (*self.r.pick(&["1j", "(1+2j)", "-0j"])).to_string(),
            _ => {
                // An arithmetic scalar.
                let a = self.r.range(-9, 9);
                let b = self.r.range(1, 9);
                let op = *self.r.pick(&["+", "-", "*", "/", "//", "%"]);
                format!("({a} {op} {b})")
            }
        }
    }

    /// A tuple item: mostly scalars, sometimes a tuple (depth allowing).
    fn tup_item(&mut self, depth: u32) -> String {
        if depth > 0 && self.r.chance(1, 5) {
            self.tup(depth - 1)
        } else {
            self.tup_scalar()
        }
    }

    /// A tuple expression, nested up to `depth` more levels.
    fn tup(&mut self, depth: u32) -> String {
        let choice = if depth == 0 {
            0
        } else {
            self.r.weighted(&[50, 12, 12, 6, 8, 6, 6])
        };
        match choice {
            0 => self.tup_display(depth),
            1 => format!("({} + {})", self.tup(depth - 1), self.tup(depth - 1)),
            2 => {
                let n = *self
                    .r
                    .pick(&["0", "1", "2", "3", "-1", "True", "False", "2.0", "2**100"]);
                let t = self.tup(depth - 1);
                if self.r.chance(1, 2) {
                    format!("({t} * {n})")
                } else {
                    format!("({n} * {t})")
                }
            }
            3 => format!("{}[{}]", self.tup(depth - 1), self.tup_index()),
            4 => {
                let (a, b) = (self.tup_scalar(), self.tup_scalar());
                format!("divmod({a}, {b})")
            }
            5 => format!("{}({})", self.r.pick(&["frexp", "modf"]), self.tup_scalar()),
            _ => format!(
                "({} if {} else {})",
                self.tup(depth - 1),
                self.tup_scalar(),
                self.tup(depth - 1)
            ),
        }
    }

    /// `()`, `(x,)` or `(x, y, ...)`.
    fn tup_display(&mut self, depth: u32) -> String {
        let n = *self.r.pick(&[0usize, 1, 1, 2, 2, 3, 4]);
        let items: Vec<String> = (0..n).map(|_| self.tup_item(depth)).collect();
        match n {
            0 => "()".to_string(),
            1 => format!("({},)", items[0]),
            _ => {
                let comma = if self.r.chance(1, 6) { "," } else { "" };
                format!("({}{comma})", items.join(", "))
            }
        }
    }

    /// Two tuples, often alike (equal prefixes are where comparisons go
    /// deep).
    fn tup_pair(&mut self) -> (String, String) {
        let a = self.tup(2);
        let b = match self.r.below(3) {
            0 => a.clone(),
            1 => {
                let extra = self.tup_scalar();
                if a == "()" {
                    format!("({extra},)")
                } else {
                    format!("({a} + ({extra},))")
                }
            }
            _ => self.tup(2),
        };
        (a, b)
    }

    /// An index: in range or out of it, negative, a bool, or not an int.
    fn tup_index(&mut self) -> String {
        match self.r.weighted(&[60, 10, 10, 6, 6, 8]) {
            0 => self.r.range(-4, 4).to_string(),
            1 => (*self.r.pick(&["True", "False"])).to_string(),
            2 => self.r.range(-9, 9).to_string(),
            3 => (*self.r.pick(&["1.0", "0.5", "1j"])).to_string(),
            4 => (*self.r.pick(&["2**100", "-2**64"])).to_string(),
            _ => format!("({} // 2)", self.r.range(-6, 6)),
        }
    }

    /// A tuple of numbers (or not quite) for the functions of an iterable.
    fn tup_numbers(&mut self) -> String {
        if self.r.chance(1, 10) {
            return self.tup(1);
        }
        let n = *self.r.pick(&[0usize, 1, 2, 3, 4, 5]);
        let items: Vec<String> = (0..n).map(|_| self.tup_scalar()).collect();
        match n {
            0 => "()".to_string(),
            1 => format!("({},)", items[0]),
            _ => format!("({})", items.join(", ")),
        }
    }

    /// `sum`, `min`, `max`, `fsum`, `prod` or `dist` of tuples, with an
    /// argument too few or too many now and then.
    fn tup_numeric_call(&mut self) -> String {
        let f = *self.r.pick(&["sum", "min", "max", "fsum", "prod", "dist"]);
        let t = self.tup_numbers();
        match f {
            "sum" => match self.r.below(6) {
                0 => format!("sum({t}, {})", self.tup_scalar()),
                1 => format!("sum({t}, {})", self.tup_numbers()),
                2 => format!("sum(({}, {}), ())", self.tup(1), self.tup(1)),
                3 => format!("sum({})", self.tup_scalar()),
                _ => format!("sum({t})"),
            },
            "dist" => {
                let u = if self.r.chance(2, 3) {
                    // Same length, usually.
                    let n = t.matches(',').count();
                    let items: Vec<String> = (0..n.max(1)).map(|_| self.tup_scalar()).collect();
                    if t == "()" {
                        "()".to_string()
                    } else {
                        format!("({},)", items.join(", "))
                    }
                } else {
                    self.tup_numbers()
                };
                format!("dist({t}, {u})")
            }
            _ => match self.r.below(8) {
                0 => format!("{f}({t}, {})", self.tup_scalar()),
                1 => format!("{f}({})", self.tup_scalar()),
                _ => format!("{f}({t})"),
            },
        }
    }

    /// `divmod`, `frexp` or `modf` on any scalars, and their results used.
    fn tup_making_call(&mut self) -> String {
        let call = match self.r.below(3) {
            0 => format!("divmod({}, {})", self.tup_scalar(), self.tup_scalar()),
            1 => format!("frexp({})", self.tup_scalar()),
            _ => format!("modf({})", self.tup_scalar()),
        };
        match self.r.below(5) {
            0 => format!("{call}[{}]", self.tup_index()),
            1 => format!("sum({call})"),
            _ => call,
        }
    }

    fn t_int_division(&mut self) -> String {
        let a = self.r.range(-100, 100);
        let b = self.r.range(-12, 12);
        let op = *self
            .r
            .pick(&["//", "%", "/", "**", "<<", ">>", "&", "|", "^"]);
        match self.r.below(3) {
            0 => format!("{a} {op} {b}"),
            1 => {
                let big = self.big_int_text(300);
                format!("-{big} {op} {b}")
            }
            _ => {
                let (x, y) = (self.big_int_text(500), self.big_int_text(300));
                let sx = if self.r.chance(1, 2) { "-" } else { "" };
                let op = *self.r.pick(&["//", "%", "/", "&", "|", "^", ">>"]);
                format!("{sx}{x} {op} {y}")
            }
        }
    }

    fn t_nesting(&mut self) -> String {
        let n = self.r.range(190, 205) as usize;
        match self.r.below(3) {
            0 => format!("{}1{}", "(".repeat(n), ")".repeat(n)),
            1 => format!("{}-1{}", "abs(".repeat(n), ")".repeat(n)),
            _ => format!("{}1", "-".repeat(self.r.range(50, 300) as usize)),
        }
    }

    // ---------------------------------------------------------------------
    // Mutants: near-misses of valid text, mostly SyntaxErrors

    fn mutant(&mut self) -> Case {
        let base = if self.r.chance(1, 2) {
            self.top()
        } else {
            self.template()
        };

        // CPython's error recovery runs out of memory on a syntax error
        // inside ~200 parentheses, so deep nesting is not mutated. Bases
        // left unmutated are still checked: a literal-fuzz base may spell
        // an attribute (`9e1.B1`).
        if base.matches('(').count() > 100 {
            return Case {
                text: base,
                mode: Mode::Checked,
            };
        }
        for _ in 0..8 {
            if let Some(t) = self.mutate(&base) {
                return Case {
                    text: t,
                    mode: Mode::Checked,
                };
            }
        }
        Case {
            text: base,
            mode: Mode::Checked,
        }
    }

    /// One random edit, refused when it could make CPython slow: a new `**`
    /// or `<<`, or two digit runs joined into a larger number.
    fn mutate(&mut self, text: &str) -> Option<String> {
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            return None;
        }
        let pos = self.r.below(chars.len() as u64) as usize;
        let mut out = chars.clone();
        match self.r.below(4) {
            3 => {
                // A keyword of Python syntax outside the language:
                // comprehensions, lambda, the `in` of a `for`.
                let word = *self.r.pick(&[
                    " for x in ",
                    " for ",
                    " in ",
                    " if ",
                    "lambda: ",
                    "lambda x: ",
                ]);
                let before = pos.checked_sub(1).and_then(|i| chars.get(i));
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.') {
                    return None;
                }
                out.splice(pos..pos, word.chars());
            }
            0 => {
                // Never touch a number (`100000.` -> `100000` could turn a
                // harmless float exponent into a huge int one) or a comma
                // (`pow(a, b, m)` -> `pow(a, b -m)`).
                let before = pos.checked_sub(1).and_then(|i| chars.get(i)).copied();
                let after = chars.get(pos + 1).copied();
                let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
                let c = chars[pos];
                if c == ',' || c.is_ascii_digit() || digit(before) || digit(after) {
                    return None;
                }
                if chars.get(pos) == Some(&' ')
                    && (before.is_some_and(char::is_alphabetic)
                        || after.is_some_and(char::is_alphabetic))
                {
                    return None;
                }
                out.remove(pos);
            }
            1 => {
                // Brackets, `@` and `:` reach Python syntax outside the
                // language (displays, subscripts, slices, `@`), whose
                // syntax errors must be CPython's.
                let c = *self.r.pick(&[
                    '(', ')', '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '|', '^', ',',
                    '.', ' ', 'j', '[', ']', '{', '}', '@', ':',
                ]);
                // Splitting a number with an operator can turn the digits of
                // a float into a huge int operand (`1 << 1739|3.`).
                let before = pos.checked_sub(1).and_then(|i| chars.get(i));
                let inside =
                    |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '.');
                if inside(before) && inside(chars.get(pos)) && !matches!(c, '.' | ' ' | 'j') {
                    return None;
                }
                out.insert(pos, c);
            }
            _ => {
                // Duplicate a character (`//` from `/`, `((`, `==`...).
                let c = chars[pos];
                if c.is_ascii_digit() || c == '*' || c == '<' {
                    return None;
                }
                out.insert(pos, c);
            }
        }
        let t: String = out.into_iter().collect();
        // A one-letter base (`e`) loses its only character: blank input is
        // the table test's business, not a mutant's.
        if t.trim().is_empty() {
            return None;
        }
        let risky = |s: &str| s.matches("**").count() + s.matches("<<").count();
        if risky(&t) > risky(text) || t.contains("***") {
            return None;
        }
        // Nor may it touch the sign of an exponent: `6 ** 2**-1074` is a
        // float, `6 ** 2**--1074` never finishes.
        let signs = |s: &str| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            s.match_indices("**")
                .map(|(i, _)| {
                    s[i + 2..]
                        .chars()
                        .take_while(|c| matches!(c, '-' | '~' | '+' | '('))
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        };
        if signs(&t) != signs(text) {
            return None;
        }
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_focus_generates() {
        // grammar, mutant, the templates, session.
        assert_eq!(FOCUS.len() as u64, TEMPLATES + 3);
        for (f, name) in FOCUS.iter().enumerate() {
            for i in 0..50 {
                let c = case_focused(3, i, Some(f));
                assert!(!c.text.trim().is_empty(), "{name} case {i}");
                assert_eq!(c.mode == Mode::Session, *name == "session", "{name}");
            }
        }
    }

    #[test]
    fn sessions_are_a_share_of_every_run_and_read_what_they_assign() {
        let cases: Vec<Case> = (0..1200).map(|i| case_focused(1, i, None)).collect();
        let sessions: Vec<&Case> = cases.iter().filter(|c| c.mode == Mode::Session).collect();
        // One in 12, give or take the draw.
        assert!((60..140).contains(&sessions.len()), "{}", sessions.len());
        for c in &sessions {
            let steps = c.text.split(SESSION_SEP).count();
            assert!((2..=7).contains(&steps), "{}", c.text);
        }
        // Some request reads a name an earlier request of its session
        // assigned.
        let reads = sessions.iter().any(|c| {
            let steps: Vec<&str> = c.text.split(SESSION_SEP).collect();
            steps.iter().enumerate().any(|(i, s)| {
                i > 0 && steps[..i].iter().any(|p| p.contains("(x :=")) && s.contains('x')
            })
        });
        assert!(reads);
    }

    #[test]
    fn mutants_keep_exponent_signs() {
        let mut g = Gen {
            r: Rng::for_case(5, 5),
            int_mode: false,
            names: Vec::new(),
            strings: true,
        };
        for _ in 0..2000 {
            if let Some(t) = g.mutate("6 ** 2**-1074") {
                assert!(
                    !t.contains("--") && !t.contains("~-") && !t.contains("-~"),
                    "{t}"
                );
                let squeezed: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                assert!(!squeezed.contains("**1074"), "{t}");
            }
        }
    }

    #[test]
    fn functions_are_calc_cores() {
        let names: Vec<&str> = calc_core::Builtin::ALL.iter().map(|b| b.name()).collect();
        assert_eq!(FUNCTIONS, names.as_slice());
        for f in DELICATE_FUNCTIONS {
            assert!(FUNCTIONS.contains(f), "{f}");
        }
    }

    #[test]
    fn float_text_round_trips() {
        for x in [0.1, -0.0, 5e-324, 1e308, -2.5, 1.0000000001, 123456789.0] {
            let t = float_text(x);
            // Rust reads these literals as Python does.
            assert_eq!(t.parse::<f64>().map(f64::to_bits), Ok(x.to_bits()), "{t}");
        }
        assert_eq!(float_text(f64::NEG_INFINITY), "-inf");
        assert_eq!(float_text(f64::NAN), "nan");
    }

    #[test]
    fn deterministic() {
        for i in 0..200 {
            assert_eq!(case_focused(9, i, None), case_focused(9, i, None));
        }
    }

    #[test]
    fn no_newlines_and_nonempty() {
        for i in 0..5000 {
            let c = case_focused(1, i, None);
            assert!(!c.text.trim().is_empty(), "case {i} empty: {:?}", c);
            assert!(!c.text.contains('\n'), "case {i}: {:?}", c.text);
        }
    }

    #[test]
    fn parens_wrap_low_precedence() {
        let mut g = Gen {
            r: Rng::for_case(0, 0),
            int_mode: false,
            names: Vec::new(),
            strings: true,
        };
        let e = E::new("1 if 2 else 3", IFEXP, 1.0);
        let s = g.sub(&e, OR);
        assert!(s.starts_with('(') && s.ends_with(')'));
    }
}
