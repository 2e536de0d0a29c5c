//! Evaluating one request: calc-core's answer, encoded as a response line.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};

use calc_core::Limits;

/// Evaluates `expr` and appends `OK repr` or `ERR Class: message` to `out`.
///
/// `text` is scratch space that receives what the log shows: the repr, or
/// `Class: message`. Returns whether the answer was `OK`.
///
/// A panic inside calc-core is caught and answered as `InternalError`, so
/// that one bad input cannot take down a worker and every session on it;
/// the panic message still reaches the log through the panic hook.
pub fn evaluate(expr: &str, limits: &Limits, out: &mut Vec<u8>, text: &mut String) -> bool {
    text.clear();
    // The repr as `write_repr` writes it, not `Display`: CPython 3.11
    // refuses to print an int of more than 4300 digits (ValueError), and
    // so must we.
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        calc_core::eval_repr_with(expr, limits, text)
    }));
    match result {
        Ok(Ok(())) => {
            wire::encode_ok(out, &*text);
            true
        }
        Ok(Err(e)) => {
            wire::encode_err(out, e.class(), e.message(), e.column());
            text.clear();
            let _ = write!(text, "{}: {}", e.class(), e.message());
            false
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
            false
        }
    }
}
