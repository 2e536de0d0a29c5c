//! One runner per library: parse, evaluate and format one input, reusing
//! whatever state the library lets a careful caller reuse.

use std::fmt::Write as _;

/// A library refused an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{lib}: {message}")]
pub struct RunError {
    /// The library.
    pub lib: &'static str,
    /// Its error, formatted.
    pub message: String,
}

fn fail(lib: &'static str, e: impl std::fmt::Display) -> RunError {
    RunError {
        lib,
        message: e.to_string(),
    }
}

/// Parse, evaluate and format one input; the formatted result is borrowed
/// from the runner's reused buffer.
pub trait Runner {
    /// Runs `src` once.
    fn run(&mut self, src: &str) -> Result<&str, RunError>;
}

/// calc-core with the default limits: the server's path for one request.
#[derive(Debug, Default)]
pub struct CalcCore {
    limits: calc_core::Limits,
    out: String,
}

impl CalcCore {
    /// A runner with the default limits.
    pub fn new() -> CalcCore {
        CalcCore::default()
    }

    /// Parses, evaluates and formats `src` (Python's repr), as calc-server
    /// answers a request: `eval_repr_with`, which also applies CPython's
    /// limit on int digits.
    pub fn run(&mut self, src: &str) -> Result<&str, RunError> {
        self.out.clear();
        calc_core::eval_repr_with(src, &self.limits, &mut self.out)
            .map_err(|e| fail("calc-core", e))?;
        Ok(&self.out)
    }
}

/// fasteval with one reused slab, its documented fast path, and length and
/// capacity limits raised so the 64 KiB input fits (defaults: 4 KiB input,
/// 64 values).
pub struct Fasteval {
    parser: fasteval::Parser,
    slab: fasteval::Slab,
    out: String,
}

impl Default for Fasteval {
    fn default() -> Self {
        Fasteval::new()
    }
}

impl Fasteval {
    /// A runner sized for inputs up to 64 KiB.
    pub fn new() -> Fasteval {
        let mut parser = fasteval::Parser::new();
        parser.expr_len_limit = 1 << 20;
        Fasteval {
            parser,
            slab: fasteval::Slab::with_capacity(1 << 16),
            out: String::new(),
        }
    }

    /// Parses, evaluates and formats `src`.
    pub fn run(&mut self, src: &str) -> Result<&str, RunError> {
        use fasteval::Evaler;
        let mut ns = fasteval::EmptyNamespace;
        let idx = self
            .parser
            .parse(src, &mut self.slab.ps)
            .map_err(|e| fail("fasteval", format!("{e:?}")))?;
        let value = self
            .slab
            .ps
            .get_expr(idx)
            .eval(&self.slab, &mut ns)
            .map_err(|e| fail("fasteval", format!("{e:?}")))?;
        self.out.clear();
        write!(self.out, "{value}").map_err(|e| fail("fasteval", e))?;
        Ok(&self.out)
    }
}

/// evalexpr with its context of built-in functions and no variables (no
/// per-call hash map).
#[derive(Debug, Default)]
pub struct Evalexpr {
    out: String,
}

impl Evalexpr {
    /// A runner.
    pub fn new() -> Evalexpr {
        Evalexpr::default()
    }

    /// Parses, evaluates and formats `src`.
    pub fn run(&mut self, src: &str) -> Result<&str, RunError> {
        let ctx =
            evalexpr::EmptyContextWithBuiltinFunctions::<evalexpr::DefaultNumericTypes>::default();
        let value = evalexpr::eval_with_context(src, &ctx).map_err(|e| fail("evalexpr", e))?;
        self.out.clear();
        write!(self.out, "{value}").map_err(|e| fail("evalexpr", e))?;
        Ok(&self.out)
    }
}

/// meval's `eval_str`, whose built-in context is cached per thread.
///
/// meval is compiled only with the crate's `meval` feature (`cargo xtask
/// bench` turns it on): its old `nom` 1 draws a future-incompatibility
/// warning from every build that compiles it. Without the feature every
/// run is an error saying so, and the benchmarks skip meval.
#[derive(Debug, Default)]
pub struct Meval {
    out: String,
}

/// Whether meval is compiled in (the `meval` feature).
pub const MEVAL: bool = cfg!(feature = "meval");

impl Meval {
    /// A runner.
    pub fn new() -> Meval {
        Meval::default()
    }

    /// Parses, evaluates and formats `src`.
    #[cfg(feature = "meval")]
    pub fn run(&mut self, src: &str) -> Result<&str, RunError> {
        let value = meval::eval_str(src).map_err(|e| fail("meval", e))?;
        self.out.clear();
        write!(self.out, "{value}").map_err(|e| fail("meval", e))?;
        Ok(&self.out)
    }

    /// Without the `meval` feature: an error saying how to build it in.
    #[cfg(not(feature = "meval"))]
    pub fn run(&mut self, _src: &str) -> Result<&str, RunError> {
        self.out.clear();
        Err(fail(
            "meval",
            "not compiled in: build calc-bench-eval with --features meval",
        ))
    }
}

impl Runner for CalcCore {
    fn run(&mut self, src: &str) -> Result<&str, RunError> {
        CalcCore::run(self, src)
    }
}

impl Runner for Fasteval {
    fn run(&mut self, src: &str) -> Result<&str, RunError> {
        Fasteval::run(self, src)
    }
}

impl Runner for Evalexpr {
    fn run(&mut self, src: &str) -> Result<&str, RunError> {
        Evalexpr::run(self, src)
    }
}

impl Runner for Meval {
    fn run(&mut self, src: &str) -> Result<&str, RunError> {
        Meval::run(self, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{cases, length_series, Lib};

    fn run(lib: Lib, src: &str) -> Result<String, RunError> {
        Ok(match lib {
            Lib::CalcCore => CalcCore::new().run(src)?.to_owned(),
            Lib::Fasteval => Fasteval::new().run(src)?.to_owned(),
            Lib::Evalexpr => Evalexpr::new().run(src)?.to_owned(),
            Lib::Meval => Meval::new().run(src)?.to_owned(),
        })
    }

    fn number(s: &str) -> f64 {
        s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
    }

    /// Every library that expresses a case computes the same number, so the
    /// comparison times equal work.
    /// The libraries compiled in: all but meval without its feature.
    fn libs() -> impl Iterator<Item = Lib> {
        Lib::ALL
            .into_iter()
            .filter(|&lib| lib != Lib::Meval || MEVAL)
    }

    #[test]
    fn libraries_agree_on_every_case() {
        for case in cases() {
            let mut answers = Vec::new();
            for lib in libs() {
                if let Some(src) = case.source(lib) {
                    let got = run(lib, src).unwrap_or_else(|e| panic!("{}: {e}", case.name));
                    answers.push((lib, got));
                }
            }
            if case.name == "bigint_pow" {
                continue;
            }
            let first = number(&answers[0].1);
            for (lib, got) in &answers {
                let v = number(got);
                assert!(
                    (v - first).abs() <= 1e-9 * first.abs().max(1.0),
                    "{} {lib}: {got} vs {first}",
                    case.name
                );
            }
        }
    }

    #[test]
    fn length_series_runs_everywhere() {
        for (n, src) in length_series() {
            for lib in libs() {
                run(lib, &src).unwrap_or_else(|e| panic!("{n} bytes: {e}"));
            }
        }
    }

    #[test]
    fn small_is_seven() {
        assert_eq!(Fasteval::new().run("1+2*3"), Ok("7"));
        assert_eq!(Evalexpr::new().run("1+2*3"), Ok("7"));
        if MEVAL {
            assert_eq!(Meval::new().run("1+2*3"), Ok("7"));
        } else {
            let e = Meval::new().run("1+2*3").unwrap_err();
            assert!(e.message.contains("--features meval"), "{e}");
        }
    }
}
