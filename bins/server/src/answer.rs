//! Evaluating one request: calc-core's answer, encoded as a response line.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};

use calc_core::Limits;

use crate::names::Namespace;

/// How an evaluation went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the answer is `OK`.
    pub ok: bool,
    /// Work units calc-core charged.
    pub units: u64,
}

/// What calc-core returned, or `Err` if it panicked.
type Evaluated = std::thread::Result<(Result<(), calc_core::EvalError>, u64)>;

/// Evaluates `expr` in the session's namespace `names` under `limits` and
/// appends `OK repr` or `ERR Class: message` to `out`.
///
/// `text` is scratch space that receives what the log shows: the repr, or
/// `Class: message`.
///
/// A panic inside calc-core is caught and answered as `InternalError`, so
/// that one bad input cannot take down a worker and every session on it;
/// the panic message still reaches the log through the panic hook.
pub fn evaluate(
    expr: &str,
    names: &mut Namespace,
    limits: &Limits,
    out: &mut Vec<u8>,
    text: &mut String,
) -> Outcome {
    let evaluated = run(expr, names, limits, text);
    encode(evaluated, limits, out, text)
}

/// [`evaluate`] under `slice`, a part of the request's work budget: `None`,
/// with `out` untouched, when the request needs more than the slice, for
/// the caller to evaluate it again under the whole budget elsewhere.
/// `names` is then as it was: a `LimitError` undoes the assignments.
pub fn evaluate_within(
    expr: &str,
    names: &mut Namespace,
    slice: &Limits,
    out: &mut Vec<u8>,
    text: &mut String,
) -> Option<Outcome> {
    let evaluated = run(expr, names, slice, text);
    if matches!(&evaluated, Ok((Err(e), _)) if e.exceeded_work_budget()) {
        return None;
    }
    Some(encode(evaluated, slice, out, text))
}

fn run(expr: &str, names: &mut Namespace, limits: &Limits, text: &mut String) -> Evaluated {
    text.clear();
    // The repr as `eval_repr_metered` writes it, not `Display`: CPython
    // 3.11 refuses to print an int of more than 4300 digits (ValueError),
    // and so must we.
    panic::catch_unwind(AssertUnwindSafe(|| {
        names.eval_repr_metered(expr, limits, text)
    }))
}

fn encode(evaluated: Evaluated, limits: &Limits, out: &mut Vec<u8>, text: &mut String) -> Outcome {
    match evaluated {
        Ok((Ok(()), units)) => {
            wire::encode_ok(out, &*text);
            Outcome { ok: true, units }
        }
        Ok((Err(e), units)) => {
            wire::encode_err(out, e.class(), e.message(), e.column());
            text.clear();
            let _ = write!(text, "{}: {}", e.class(), e.message());
            Outcome { ok: false, units }
        }
        Err(_) => {
            text.clear();
            text.push_str("InternalError: the evaluator failed on this input");
            wire::encode_err(
                out,
                "InternalError",
                "the evaluator failed on this input",
                None,
            );
            // Nothing says how much work was done: count all there was.
            Outcome {
                ok: false,
                units: limits.work_budget,
            }
        }
    }
}
