//! The embedding comparison: a program parses a formula over `x` and `y`
//! once and evaluates it for many changing `(x, y)` pairs, or parses and
//! evaluates it once with variables. Each library is used the way its
//! documentation recommends for that: calc-core's [`Compiled`] form and its
//! `Expr` with an `Env`, fasteval's compiled form over a `Slab`, meval's
//! `bind2`, exmex's `FlatEx` and evalexpr's operator tree (`Node`) with a
//! `HashMapContext`; native Rust (the formula written as a Rust function)
//! is the floor of the parse-once comparison.

use calc_core::{Compiled, Env, Expr, Value};
use evalexpr::ContextWithMutableVariables;

use crate::runners::RunError;

/// A library as an embedded evaluator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmbedLib {
    /// calc-core's `Expr::compile` with slots `x`, `y`, `Compiled::eval_f64`.
    CalcCompiled,
    /// calc-core's `Expr::eval` with an `Env` whose `x`, `y` are set per
    /// pair; one-shot, `Env::eval` (parse and evaluate in one call) with
    /// an `Env` made for the call.
    CalcEnv,
    /// fasteval 0.2: `Parser`, `Slab`, `compile`, a closure namespace.
    Fasteval,
    /// meval 0.2: `Expr::bind2` (with the `meval` feature).
    Meval,
    /// exmex 0.20: `parse::<f64>`, `FlatEx::eval(&[x, y])`.
    Exmex,
    /// evalexpr 13: `build_operator_tree`, `HashMapContext`.
    Evalexpr,
    /// The formula as a Rust function (parse-once only: it has no parser).
    Native,
}

impl EmbedLib {
    /// Every library, calc-core first, native Rust last.
    pub const ALL: [EmbedLib; 7] = [
        EmbedLib::CalcCompiled,
        EmbedLib::CalcEnv,
        EmbedLib::Fasteval,
        EmbedLib::Meval,
        EmbedLib::Exmex,
        EmbedLib::Evalexpr,
        EmbedLib::Native,
    ];

    /// The libraries that parse text: the one-shot comparison's.
    pub const PARSERS: [EmbedLib; 6] = [
        EmbedLib::CalcCompiled,
        EmbedLib::CalcEnv,
        EmbedLib::Fasteval,
        EmbedLib::Meval,
        EmbedLib::Exmex,
        EmbedLib::Evalexpr,
    ];

    /// The name used in benchmark ids and reports.
    pub fn name(self) -> &'static str {
        match self {
            EmbedLib::CalcCompiled => "calc-core-compiled",
            EmbedLib::CalcEnv => "calc-core-env",
            EmbedLib::Fasteval => "fasteval",
            EmbedLib::Meval => "meval",
            EmbedLib::Exmex => "exmex",
            EmbedLib::Evalexpr => "evalexpr",
            EmbedLib::Native => "native",
        }
    }
}

/// A formula over `x` and `y` in each library's syntax.
#[derive(Debug, Clone, Copy)]
pub struct Formula {
    /// Short identifier, used in benchmark ids.
    pub name: &'static str,
    /// Python syntax (calc-core).
    pub python: &'static str,
    /// fasteval (no `sqrt`: `^0.5`).
    pub fasteval: &'static str,
    /// meval and exmex (`^` for powers).
    pub caret: &'static str,
    /// evalexpr (`math::` function names).
    pub evalexpr: &'static str,
    /// The formula as Rust code.
    pub native: fn(f64, f64) -> f64,
}

impl Formula {
    /// The source text for `lib` (native Rust's is the Python form, for
    /// reports: it has none).
    pub fn source(&self, lib: EmbedLib) -> &'static str {
        match lib {
            EmbedLib::CalcCompiled | EmbedLib::CalcEnv | EmbedLib::Native => self.python,
            EmbedLib::Fasteval => self.fasteval,
            EmbedLib::Meval | EmbedLib::Exmex => self.caret,
            EmbedLib::Evalexpr => self.evalexpr,
        }
    }
}

/// The formulas of the comparison.
pub const FORMULAS: [Formula; 3] = [
    Formula {
        name: "sqrt",
        python: "x*2 + y/3 - sqrt(x*y)",
        fasteval: "x*2 + y/3 - (x*y)^0.5",
        caret: "x*2 + y/3 - sqrt(x*y)",
        evalexpr: "x*2.0 + y/3.0 - math::sqrt(x*y)",
        native: |x, y| x * 2.0 + y / 3.0 - (x * y).sqrt(),
    },
    Formula {
        name: "rational",
        python: "(x-y)*(x+y)/(1+x*x)+0.5*x*y-7.25",
        fasteval: "(x-y)*(x+y)/(1+x*x)+0.5*x*y-7.25",
        caret: "(x-y)*(x+y)/(1+x*x)+0.5*x*y-7.25",
        evalexpr: "(x-y)*(x+y)/(1.0+x*x)+0.5*x*y-7.25",
        native: |x, y| (x - y) * (x + y) / (1.0 + x * x) + 0.5 * x * y - 7.25,
    },
    Formula {
        name: "cosine",
        python: "x**2+y**2-2*x*y*cos(0.5)",
        fasteval: "x^2+y^2-2*x*y*cos(0.5)",
        caret: "x^2+y^2-2*x*y*cos(0.5)",
        evalexpr: "x^2.0+y^2.0-2.0*x*y*math::cos(0.5)",
        native: |x, y| x * x + y * y - 2.0 * x * y * 0.5f64.cos(),
    },
];

/// The number of `(x, y)` pairs one parse-once iteration evaluates.
pub const PAIRS: usize = 1024;

/// `n` changing `(x, y)` pairs in `[0.5, 10.5)`, the same on every run.
pub fn pairs(n: usize) -> Vec<(f64, f64)> {
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        0.5 + (s >> 11) as f64 / (1u64 << 53) as f64 * 10.0
    };
    (0..n).map(|_| (next(), next())).collect()
}

fn fail(lib: EmbedLib, e: impl std::fmt::Debug) -> RunError {
    RunError {
        lib: lib.name(),
        message: format!("{e:?}"),
    }
}

fn float(lib: EmbedLib, v: Result<Value, calc_core::EvalError>) -> Result<f64, RunError> {
    match v {
        Ok(Value::Float(x)) => Ok(x),
        Ok(other) => Err(fail(lib, format!("not a float: {other}"))),
        Err(e) => Err(fail(lib, e)),
    }
}

/// A formula parsed once, evaluated per pair.
pub trait Embedded {
    /// The formula's value at `(x, y)`.
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError>;
}

/// calc-core's compiled form.
pub struct CalcCompiled(Compiled);

impl Embedded for CalcCompiled {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        float(EmbedLib::CalcCompiled, self.0.eval_f64(&[x, y]))
    }
}

/// calc-core's `Expr` with an `Env`.
pub struct CalcEnv(Expr, Env);

impl Embedded for CalcEnv {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        self.1.set("x", x).set("y", y);
        float(EmbedLib::CalcEnv, self.0.eval(&self.1))
    }
}

/// fasteval's compiled form.
pub struct Fasteval {
    slab: fasteval::Slab,
    compiled: fasteval::Instruction,
}

impl Embedded for Fasteval {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        use fasteval::Evaler;
        let mut ns = |name: &str, _args: Vec<f64>| match name {
            "x" => Some(x),
            "y" => Some(y),
            _ => None,
        };
        // What fasteval's `eval_compiled_ref!` does.
        if let fasteval::IConst(c) = self.compiled {
            return Ok(c);
        }
        self.compiled
            .eval(&self.slab, &mut ns)
            .map_err(|e| fail(EmbedLib::Fasteval, e))
    }
}

/// The formula as a Rust function.
pub struct Native(fn(f64, f64) -> f64);

impl Embedded for Native {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        Ok((self.0)(x, y))
    }
}

/// meval's `bind2`.
pub struct Meval(Box<dyn Fn(f64, f64) -> f64>);

impl Embedded for Meval {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        Ok((self.0)(x, y))
    }
}

/// exmex's `FlatEx`.
pub struct Exmex(exmex::FlatEx<f64>);

impl Embedded for Exmex {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        use exmex::Express;
        self.0.eval(&[x, y]).map_err(|e| fail(EmbedLib::Exmex, e))
    }
}

/// evalexpr's operator tree and a context.
pub struct Evalexpr {
    node: evalexpr::Node,
    ctx: evalexpr::HashMapContext,
}

impl Embedded for Evalexpr {
    #[inline]
    fn eval(&mut self, x: f64, y: f64) -> Result<f64, RunError> {
        let lib = EmbedLib::Evalexpr;
        self.ctx
            .set_value("x".into(), evalexpr::Value::Float(x))
            .map_err(|e| fail(lib, e))?;
        self.ctx
            .set_value("y".into(), evalexpr::Value::Float(y))
            .map_err(|e| fail(lib, e))?;
        self.node
            .eval_float_with_context(&self.ctx)
            .map_err(|e| fail(lib, e))
    }
}

/// calc-core's compiled form of `f`.
pub fn calc_compiled(f: &Formula) -> Result<CalcCompiled, RunError> {
    let lib = EmbedLib::CalcCompiled;
    let e = Expr::parse(f.source(lib)).map_err(|e| fail(lib, e))?;
    e.compile(&["x", "y"])
        .map(CalcCompiled)
        .map_err(|e| fail(lib, e))
}

/// calc-core's `Expr` and `Env` for `f`.
pub fn calc_env(f: &Formula) -> Result<CalcEnv, RunError> {
    let lib = EmbedLib::CalcEnv;
    let e = Expr::parse(f.source(lib)).map_err(|e| fail(lib, e))?;
    Ok(CalcEnv(e, Env::new().with("x", 0.0).with("y", 0.0)))
}

/// fasteval's compiled form of `f`.
pub fn fasteval(f: &Formula) -> Result<Fasteval, RunError> {
    use fasteval::Compiler;
    let lib = EmbedLib::Fasteval;
    let parser = fasteval::Parser::new();
    let mut slab = fasteval::Slab::new();
    let compiled = parser
        .parse(f.source(lib), &mut slab.ps)
        .map_err(|e| fail(lib, e))?
        .from(&slab.ps)
        .compile(&slab.ps, &mut slab.cs);
    Ok(Fasteval { slab, compiled })
}

/// meval's `bind2` of `f` (an error without the `meval` feature).
pub fn meval(f: &Formula) -> Result<Meval, RunError> {
    let lib = EmbedLib::Meval;
    #[cfg(feature = "meval")]
    {
        let e: meval::Expr = f.source(lib).parse().map_err(|e| fail(lib, e))?;
        let bound = e.bind2("x", "y").map_err(|e| fail(lib, e))?;
        Ok(Meval(Box::new(bound)))
    }
    #[cfg(not(feature = "meval"))]
    {
        let _ = f;
        Err(fail(lib, "not compiled in: build with --features meval"))
    }
}

/// exmex's `FlatEx` of `f`.
pub fn exmex(f: &Formula) -> Result<Exmex, RunError> {
    let lib = EmbedLib::Exmex;
    exmex::parse::<f64>(f.source(lib))
        .map(Exmex)
        .map_err(|e| fail(lib, e))
}

/// evalexpr's operator tree of `f`.
pub fn evalexpr(f: &Formula) -> Result<Evalexpr, RunError> {
    let lib = EmbedLib::Evalexpr;
    let node = evalexpr::build_operator_tree(f.source(lib)).map_err(|e| fail(lib, e))?;
    let mut ctx = evalexpr::HashMapContext::new();
    ctx.set_value("x".into(), evalexpr::Value::Float(0.0))
        .map_err(|e| fail(lib, e))?;
    ctx.set_value("y".into(), evalexpr::Value::Float(0.0))
        .map_err(|e| fail(lib, e))?;
    Ok(Evalexpr { node, ctx })
}

/// The Rust function of `f`.
pub fn native(f: &Formula) -> Result<Native, RunError> {
    Ok(Native(f.native))
}

/// Parses `f` in `lib` and evaluates it once at `(x, y)`: the one-shot
/// use with variables.
pub fn one_shot(lib: EmbedLib, f: &Formula, x: f64, y: f64) -> Result<f64, RunError> {
    let src = f.source(lib);
    match lib {
        EmbedLib::CalcCompiled => calc_compiled(f)?.eval(x, y),
        EmbedLib::CalcEnv => float(lib, Env::new().with("x", x).with("y", y).eval(src)),
        EmbedLib::Fasteval => {
            let mut ns = |name: &str, _args: Vec<f64>| match name {
                "x" => Some(x),
                "y" => Some(y),
                _ => None,
            };
            fasteval::ez_eval(src, &mut ns).map_err(|e| fail(lib, e))
        }
        EmbedLib::Meval => {
            #[cfg(feature = "meval")]
            {
                let e: meval::Expr = src.parse().map_err(|e| fail(lib, e))?;
                let mut ctx = meval::Context::new();
                ctx.var("x", x).var("y", y);
                e.eval_with_context(ctx).map_err(|e| fail(lib, e))
            }
            #[cfg(not(feature = "meval"))]
            {
                Err(fail(lib, "not compiled in: build with --features meval"))
            }
        }
        EmbedLib::Exmex => exmex(f)?.eval(x, y),
        EmbedLib::Evalexpr => evalexpr(f)?.eval(x, y),
        EmbedLib::Native => Err(fail(lib, "native Rust has no parser")),
    }
}

/// Evaluates `e` at every pair and returns the sum (what a benchmark
/// iteration does).
#[inline]
pub fn sweep<E: Embedded>(e: &mut E, pairs: &[(f64, f64)]) -> Result<f64, RunError> {
    let mut sum = 0.0;
    for &(x, y) in pairs {
        sum += e.eval(x, y)?;
    }
    Ok(sum)
}

/// Evaluates `e` at every pair and checks each value against `want`'s
/// (within a relative 1e-12: fasteval's `^0.5` may differ from `sqrt` in
/// the last place).
pub fn check<E: Embedded>(
    lib: EmbedLib,
    e: &mut E,
    pairs: &[(f64, f64)],
    want: &[f64],
) -> Result<(), RunError> {
    for (&(x, y), &w) in pairs.iter().zip(want) {
        let got = e.eval(x, y)?;
        if !close(got, w) {
            return Err(fail(lib, format!("at ({x}, {y}): {got} instead of {w}")));
        }
    }
    Ok(())
}

/// Parses `f` in `lib` and evaluates it once at the first pair (the
/// one-shot use), checking the value against `want`'s first.
pub fn check_one_shot(
    lib: EmbedLib,
    f: &Formula,
    pairs: &[(f64, f64)],
    want: &[f64],
) -> Result<(), RunError> {
    let (&(x, y), &w) = pairs
        .first()
        .zip(want.first())
        .ok_or_else(|| fail(lib, "no pairs"))?;
    let got = one_shot(lib, f, x, y)?;
    if !close(got, w) {
        return Err(fail(
            lib,
            format!("one-shot at ({x}, {y}): {got} instead of {w}"),
        ));
    }
    Ok(())
}

/// Equal within a relative 1e-12.
fn close(got: f64, want: f64) -> bool {
    (got - want).abs() <= 1e-12 * want.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_library_agrees_on_every_formula() {
        let pairs = pairs(256);
        for f in &FORMULAS {
            let mut reference = calc_compiled(f).unwrap();
            let want: Vec<f64> = pairs
                .iter()
                .map(|&(x, y)| reference.eval(x, y).unwrap())
                .collect();
            check(EmbedLib::CalcEnv, &mut calc_env(f).unwrap(), &pairs, &want).unwrap();
            check(EmbedLib::Fasteval, &mut fasteval(f).unwrap(), &pairs, &want).unwrap();
            check(EmbedLib::Exmex, &mut exmex(f).unwrap(), &pairs, &want).unwrap();
            check(EmbedLib::Evalexpr, &mut evalexpr(f).unwrap(), &pairs, &want).unwrap();
            check(EmbedLib::Native, &mut native(f).unwrap(), &pairs, &want).unwrap();
            if crate::MEVAL {
                check(EmbedLib::Meval, &mut meval(f).unwrap(), &pairs, &want).unwrap();
            }
            let (x, y) = pairs[0];
            for lib in EmbedLib::PARSERS {
                if lib == EmbedLib::Meval && !crate::MEVAL {
                    continue;
                }
                let got = one_shot(lib, f, x, y).unwrap();
                assert!(
                    (got - want[0]).abs() <= 1e-12 * want[0].abs(),
                    "{lib:?} {}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn calc_core_answers_are_bit_identical() {
        let pairs = pairs(64);
        for f in &FORMULAS {
            let (mut c, mut e) = (calc_compiled(f).unwrap(), calc_env(f).unwrap());
            assert!(c.0.has_float_lane(), "{}", f.python);
            for &(x, y) in &pairs {
                assert_eq!(
                    c.eval(x, y).unwrap().to_bits(),
                    e.eval(x, y).unwrap().to_bits()
                );
            }
        }
    }
}
