//! The expression set, in each library's syntax.

use std::fmt;

/// An evaluator under comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lib {
    /// calcnet's own evaluator (Python syntax and semantics).
    CalcCore,
    /// fasteval 0.2: f64 only, `^` for powers.
    Fasteval,
    /// evalexpr 13: i64 and f64, `^` for powers, `math::` function names.
    Evalexpr,
    /// meval 0.2: f64 only, `^` for powers.
    Meval,
}

impl Lib {
    /// Every library, calc-core first.
    pub const ALL: [Lib; 4] = [Lib::CalcCore, Lib::Fasteval, Lib::Evalexpr, Lib::Meval];

    /// The name used in benchmark ids and reports.
    pub fn name(self) -> &'static str {
        match self {
            Lib::CalcCore => "calc-core",
            Lib::Fasteval => "fasteval",
            Lib::Evalexpr => "evalexpr",
            Lib::Meval => "meval",
        }
    }
}

impl fmt::Display for Lib {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One benchmark input in every syntax that can express it.
#[derive(Debug, Clone)]
pub struct Case {
    /// Short identifier, used in benchmark ids.
    pub name: &'static str,
    /// What the case exercises, for the report.
    pub about: &'static str,
    /// Python syntax: calc-core's input and CPython's.
    pub python: String,
    /// fasteval's form, or `None` with the reason in `skipped`.
    pub fasteval: Option<String>,
    /// evalexpr's form, or `None`.
    pub evalexpr: Option<String>,
    /// meval's form, or `None`.
    pub meval: Option<String>,
    /// Why some library has no form of this case.
    pub skipped: Option<&'static str>,
}

impl Case {
    /// The source text for `lib`, if it can express this case.
    pub fn source(&self, lib: Lib) -> Option<&str> {
        match lib {
            Lib::CalcCore => Some(&self.python),
            Lib::Fasteval => self.fasteval.as_deref(),
            Lib::Evalexpr => self.evalexpr.as_deref(),
            Lib::Meval => self.meval.as_deref(),
        }
    }

    fn same_everywhere(name: &'static str, about: &'static str, src: String) -> Case {
        Case {
            name,
            about,
            fasteval: Some(src.clone()),
            evalexpr: Some(src.clone()),
            meval: Some(src.clone()),
            python: src,
            skipped: None,
        }
    }
}

/// Input lengths of the linearity series, in bytes.
pub const LENGTHS: [usize; 6] = [64, 256, 1024, 4096, 16384, 65536];

/// Terms per parenthesised group of a generated input. CPython's compiler
/// recurses once per operator of a flat chain and fails near 3000 of them,
/// so long inputs are sums of groups: the chain stays short in every
/// evaluator and the input stays valid Python.
const GROUP_TERMS: usize = 64;

/// An integer expression of at most `len` bytes (and as close to it as the
/// term sizes allow) using `+ - *` and one level of parentheses; its value
/// stays far inside i64 so every library computes it exactly.
///
/// ```
/// let s = calc_bench_eval::generated(1024);
/// assert!(s.len() <= 1024 && s.len() > 1000);
/// ```
pub fn generated(len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut group = 0;
    let mut i = 0usize;
    loop {
        // One group: "(a*b+c*d-...)" preceded by "+" unless first.
        let mut g = String::new();
        if group > 0 {
            g.push('+');
        }
        g.push('(');
        for t in 0..GROUP_TERMS {
            i += 1;
            let term = format!("{}*{}", i % 97, i % 13 + 1);
            let op = if t == 0 {
                ""
            } else if i % 2 == 0 {
                "-"
            } else {
                "+"
            };
            // Leave room for the closing parenthesis.
            if out.len() + g.len() + op.len() + term.len() + 1 > len {
                break;
            }
            g.push_str(op);
            g.push_str(&term);
        }
        let opened = if group > 0 { 2 } else { 1 };
        if g.len() == opened {
            break;
        }
        g.push(')');
        out.push_str(&g);
        group += 1;
    }
    out
}

/// The fixed expression set of the comparison.
pub fn cases() -> Vec<Case> {
    let float_py = "(1.5*2.25 - 3.75/1.25 + 0.5*7.125) * (3.14159 - 2.71828/1.41421) \
                    + 2.0**0.5 * 0.125 - 6.02/0.0301 + (9.81*0.5 - 1.1)**2.0 / 3.3 + 0.1 + 0.2";
    let float_caret = float_py.replace("**", "^");
    vec![
        Case::same_everywhere("small", "small int arithmetic", "1+2*3".into()),
        Case {
            name: "float_long",
            about: "a long float expression (about 150 bytes)",
            python: float_py.into(),
            fasteval: Some(float_caret.clone()),
            evalexpr: Some(float_caret.clone()),
            meval: Some(float_caret),
            skipped: None,
        },
        Case {
            name: "bigint_pow",
            about: "bigint powers (exact 359-bit result)",
            python: "2**200 * 3**100 + 7**77 - 5**150".into(),
            fasteval: None,
            evalexpr: None,
            meval: None,
            skipped: Some(
                "fasteval and meval compute in f64 and evalexpr in i64 (overflow error): \
                 none has arbitrary-precision ints",
            ),
        },
        Case {
            name: "calls",
            about: "function calls",
            python: "abs(-3.25) + floor(7.5) + max(1.5, 2.5, 0.5) + sin(0.5) * cos(0.25)".into(),
            fasteval: Some(
                "abs(-3.25) + floor(7.5) + max(1.5, 2.5, 0.5) + sin(0.5) * cos(0.25)".into(),
            ),
            evalexpr: Some(
                "math::abs(-3.25) + floor(7.5) + max(1.5, 2.5, 0.5) + math::sin(0.5) * math::cos(0.25)"
                    .into(),
            ),
            meval: Some(
                "abs(-3.25) + floor(7.5) + max(1.5, 2.5, 0.5) + sin(0.5) * cos(0.25)".into(),
            ),
            skipped: None,
        },
        Case::same_everywhere("input_1k", "a 1 KiB int expression", generated(1024)),
        Case::same_everywhere("input_64k", "a 64 KiB int expression", generated(65536)),
    ]
}

/// The linearity series: `(length, input)` for each of [`LENGTHS`].
pub fn length_series() -> Vec<(usize, String)> {
    LENGTHS.iter().map(|&n| (n, generated(n))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_inputs_fill_their_length() {
        for n in LENGTHS {
            let s = generated(n);
            assert!(s.len() <= n, "{n}: {}", s.len());
            assert!(s.len() + 12 >= n, "{n}: {}", s.len());
            assert_eq!(s.matches('(').count(), s.matches(')').count());
        }
    }

    #[test]
    fn skipped_forms_are_explained() {
        for c in cases() {
            let missing = Lib::ALL.iter().any(|&l| c.source(l).is_none());
            assert_eq!(missing, c.skipped.is_some(), "{}", c.name);
        }
    }
}
