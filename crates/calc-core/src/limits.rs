//! Resource limits of one parse or evaluation.

/// Bounds that keep every evaluation small in time and memory.
///
/// The defaults are those of DESIGN.md section 2; embedders may raise or
/// lower them. Exceeding `max_depth` is a `SyntaxError` (as in CPython),
/// exceeding `max_str_digits` a `ValueError` (as in CPython 3.11), and the
/// others a `LimitError`.
///
/// ```
/// let limits = calc_core::Limits { max_int_bits: 64, ..calc_core::Limits::default() };
/// let err = calc_core::eval_with("2**100", &limits).unwrap_err();
/// assert_eq!(err.class(), "LimitError");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum nesting of parentheses and calls (CPython: 200).
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
    /// summed over every operation it performs.
    pub work_budget: u64,
    /// Maximum length of the source text in bytes.
    pub max_source_len: usize,
    /// Maximum nesting of operators: the height of the expression tree,
    /// and the length of a unary operator chain (`- - - 1`) or `**` tower.
    /// Deeper expressions are a `LimitError`. CPython has no fixed bound
    /// but fails (`RecursionError`, `MemoryError`) somewhere past about
    /// 1000-3000 levels; this bound keeps evaluation's stack use small.
    /// `and`/`or`/`not` and comparison chains are flat and not bounded by it.
    pub max_nesting: usize,
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
        }
    }
}
