//! Turning one request line into one response line.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};

use calc_core::Limits;

/// What a request line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Request<'a> {
    /// `exit` or `quit`, any case, surrounding blanks ignored.
    Exit,
    /// Anything else is an expression for calc-core.
    Expr(&'a str),
}

impl<'a> Request<'a> {
    /// Classifies a line (without its line ending).
    pub fn parse(line: &'a str) -> Request<'a> {
        let t = line.trim();
        if t.eq_ignore_ascii_case("exit") || t.eq_ignore_ascii_case("quit") {
            Request::Exit
        } else {
            Request::Expr(line)
        }
    }
}

/// The outcome of evaluating one expression.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `OK`: the value's repr was written to the scratch string.
    Ok,
    /// `ERR`: `Class: message` was written to the scratch string.
    Err,
}

/// Evaluates `expr` and writes its repr, or `Class: message`, into `text`
/// (cleared first).
///
/// A panic inside calc-core is caught and answered as
/// `InternalError` so that one bad input cannot take down a worker and
/// every session on it; the panic message still reaches stderr through
/// the panic hook.
pub fn evaluate(expr: &str, limits: &Limits, text: &mut String) -> Outcome {
    text.clear();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let value = calc_core::eval_with(expr, limits)?;
        let mut repr = String::new();
        let _ = write!(repr, "{value}");
        Ok::<String, calc_core::EvalError>(repr)
    }));
    match result {
        Ok(Ok(repr)) => {
            text.push_str(&repr);
            Outcome::Ok
        }
        Ok(Err(e)) => {
            let _ = write!(text, "{}: {}", e.class(), e.message());
            Outcome::Err
        }
        Err(_) => {
            text.push_str("InternalError: the evaluator failed on this input");
            Outcome::Err
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_and_quit_in_any_case() {
        assert_eq!(Request::parse(" EXIT "), Request::Exit);
        assert_eq!(Request::parse("Quit"), Request::Exit);
        assert_eq!(Request::parse("exit()"), Request::Expr("exit()"));
        assert_eq!(Request::parse("1+1"), Request::Expr("1+1"));
    }
}
