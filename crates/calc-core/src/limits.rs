//! Resource limits of one parse or evaluation.

use std::borrow::Cow;

/// Bounds that keep every evaluation small in time and memory.
///
/// docs/security.md lists the defaults and what each bounds; embedders
/// may raise or lower them. Exceeding
/// `max_depth` is a `SyntaxError` (as in CPython), exceeding
/// `max_str_digits` a `ValueError` (as in CPython 3.11), and the others a
/// `LimitError`.
///
/// ```
/// let limits = calc_core::Limits { max_int_bits: 64, ..calc_core::Limits::default() };
/// let err = calc_core::eval_with("2**100", &limits).unwrap_err();
/// assert_eq!(err.class(), "LimitError");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of parentheses and calls (CPython: 200). At most
    /// [`Limits::MAX_DEPTH`]: a larger value acts as that bound.
    pub max_depth: usize,
    /// Maximum decimal digits of an int converted from or to a string
    /// (CPython 3.11's `sys.get_int_max_str_digits()`: 4300).
    pub max_str_digits: usize,
    /// Maximum size in bits (Python's `int.bit_length()`) of any int
    /// produced: by an operation, a built-in function or a literal. An int
    /// of exactly this size is produced, one of a bit more is refused.
    /// Ints that fit a machine word (`-2**63 <= x < 2**63`) are never
    /// refused, so a bound below 64 applies only to ints outside it.
    pub max_int_bits: u64,
    /// Maximum estimated work of one evaluation, in machine-word operations,
    /// summed over every operation it performs. One request is charged one
    /// budget whichever path evaluates it, plus at most
    /// `work_budget / 4096` that the one-pass path may spend before it
    /// knows it will not give the input up to the general path
    /// ([`eval_repr_metered`](crate::eval_repr_metered)).
    pub work_budget: u64,
    /// Maximum length of the source text in bytes.
    pub max_source_len: usize,
    /// Maximum nesting of operators: the height of the expression tree,
    /// and the length of a unary operator chain (`- - - 1`) or `**` tower.
    /// Deeper expressions are a `LimitError`. CPython has no fixed bound
    /// but fails (`RecursionError`, `MemoryError`) somewhere past about
    /// 1000-3000 levels; this bound keeps evaluation's stack use small.
    /// `and`/`or`/`not` and comparison chains are flat and not bounded by it.
    /// At most [`Limits::MAX_NESTING`]: a larger value acts as that bound.
    pub max_nesting: usize,
    /// Maximum bytes of ints and strings one evaluation holds at once: the
    /// values it has computed and not yet used (the left operand of `+`
    /// while the right one is computed, the arguments of a call so far,
    /// the left side of a comparison), with the one just made. Each int
    /// outside the machine word counts 8 bytes per 64-bit word of its
    /// magnitude (an int of `max_int_bits` = 2**20 bits, 128 KiB), each
    /// string its length in bytes; other values count nothing. A value
    /// that would take the total past the bound is a `LimitError`, and a
    /// string operation whose result alone would be longer is refused
    /// before it allocates.
    ///
    /// It bounds what the bit and work limits leave open: a request can
    /// build about 500 ints of 2**20 bits within the default work budget,
    /// and `max(2**1048575, 2**1048575, ...)` (5.6 KB) would hold them
    /// all, 64 MB. The default, 8 MiB, is 64 ints of 2**20 bits at once
    /// (or 8,192 of 8 KiB, ~19,700 digits each), far more than a formula
    /// holds (its pending operands, about one per level of its tree, and
    /// its calls' arguments). An evaluation's peak memory is this bound,
    /// plus the operands and temporaries of the one operation it is
    /// computing (a few ints of at most `max_int_bits`), plus what the
    /// input's length bounds (the parse tree, ints that fit a word).
    pub max_memory: u64,
    /// Maximum number of names an [`Env`](crate::Env) may hold once an
    /// evaluation that writes into it ([`eval_in`](crate::eval_in),
    /// [`Expr::eval_mut`](crate::Expr::eval_mut)) has bound new names with
    /// assignment expressions (`(x := 1)`); counted while the evaluation
    /// runs. Binding a name the `Env` already has never counts against
    /// it. An assignment past the bound is a `LimitError`, and the `Env`
    /// keeps the names it had before that evaluation, none of its
    /// assignments (docs/grammar.md, "Assignment expressions").
    pub max_names: usize,
    /// Maximum bytes the names of an [`Env`](crate::Env) may hold once an
    /// evaluation has assigned to it: for each name 64 bytes, twice its
    /// text, and its value's ints as [`max_memory`](Self::max_memory)
    /// counts them ([`Env::memory`](crate::Env::memory)). An assignment
    /// that grows the total past the bound is a `LimitError`, with the
    /// same rollback as [`max_names`](Self::max_names). The default,
    /// 4 MiB, holds 32 ints of the largest size, or 1,000 names of small
    /// values many times over.
    pub max_names_memory: u64,
}

impl Limits {
    /// The largest `max_depth` honoured. Parsing recurses once per
    /// bracket level, and deeper nesting than this could overflow a
    /// 2 MiB thread stack in a debug build and abort the process; a
    /// larger `max_depth` acts as this one (deeper brackets are the
    /// `SyntaxError` of `max_depth`).
    ///
    /// ```
    /// use calc_core::Limits;
    /// let no_bound = Limits { max_depth: usize::MAX, max_source_len: usize::MAX, ..Limits::default() };
    /// let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    /// let err = calc_core::eval_with(&deep, &no_bound).unwrap_err();
    /// assert_eq!(err.to_string(), "SyntaxError: too many nested parentheses");
    /// ```
    pub const MAX_DEPTH: usize = 200;

    /// The largest `max_nesting` honoured, for the same reason as
    /// [`Limits::MAX_DEPTH`]: parsing and evaluation recurse on the
    /// tree's height. A larger `max_nesting` acts as this one.
    ///
    /// ```
    /// use calc_core::Limits;
    /// let no_bound = Limits { max_nesting: usize::MAX, max_source_len: usize::MAX, ..Limits::default() };
    /// let deep = format!("{}1", "-".repeat(100_000));
    /// assert_eq!(calc_core::eval_with(&deep, &no_bound).unwrap_err().class(), "LimitError");
    /// ```
    pub const MAX_NESTING: usize = 1000;

    /// These limits with `max_depth` and `max_nesting` at most
    /// [`Limits::MAX_DEPTH`] and [`Limits::MAX_NESTING`]: what every entry
    /// point evaluates under.
    #[inline]
    pub(crate) fn clamped(&self) -> Cow<'_, Limits> {
        if self.max_depth <= Limits::MAX_DEPTH && self.max_nesting <= Limits::MAX_NESTING {
            Cow::Borrowed(self)
        } else {
            Cow::Owned(Limits {
                max_depth: self.max_depth.min(Limits::MAX_DEPTH),
                max_nesting: self.max_nesting.min(Limits::MAX_NESTING),
                ..self.clone()
            })
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 200,
            max_str_digits: 4300,
            max_int_bits: 1 << 20,
            work_budget: 1 << 26,
            max_source_len: 64 * 1024,
            max_nesting: 1000,
            max_memory: 8 << 20,
            max_names: 1000,
            max_names_memory: 4 << 20,
        }
    }
}
