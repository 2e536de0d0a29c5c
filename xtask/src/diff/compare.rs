//! calc-core's side of a case, and how its answer is compared with CPython's.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use calc_core::Limits;

use super::oracle::PyAnswer;

/// calc-core's answer for one expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoreAnswer {
    /// The repr of the value.
    Ok(String),
    /// The error class and message.
    Err { class: String, message: String },
    /// calc-core panicked (e.g. a `todo!()` not yet replaced); the payload.
    Panic(String),
}

/// Evaluates `text` in calc-core as calc-server does (`eval_repr_with`:
/// value and repr in one call, a wide int written from its limbs),
/// catching a panic as an answer, and times it.
pub fn core_answer(text: &str, limits: &Limits) -> (CoreAnswer, Duration) {
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = String::new();
        calc_core::eval_repr_with(text, limits, &mut out).map(|()| out)
    }));
    let took = start.elapsed();
    let answer = match result {
        Ok(Ok(repr)) => CoreAnswer::Ok(repr),
        Ok(Err(e)) => CoreAnswer::Err {
            class: e.class().to_string(),
            message: e.message().to_string(),
        },
        Err(payload) => CoreAnswer::Panic(panic_message(payload.as_ref())),
    };
    (answer, took)
}

/// The same input through the parse-once API (`Expr::parse`, then
/// `Expr::eval` with no variables): embedders' path, which must agree with
/// `eval_repr_with`.
pub fn parsed_answer(text: &str, limits: &Limits) -> CoreAnswer {
    let result = catch_unwind(AssertUnwindSafe(|| {
        calc_core::Expr::parse(text)
            .and_then(|e| e.eval(&calc_core::Env::new()))
            .and_then(|v| v.repr(limits))
    }));
    match result {
        Ok(Ok(repr)) => CoreAnswer::Ok(repr),
        Ok(Err(e)) => CoreAnswer::Err {
            class: e.class().to_string(),
            message: e.message().to_string(),
        },
        Err(payload) => CoreAnswer::Panic(panic_message(payload.as_ref())),
    }
}

/// calc-core's answer for a session case (`Mode::Session`): the requests
/// evaluated one after the other in one `Env`, as calc-server evaluates a
/// session's requests (`eval_repr_metered_in`), or with `parse_once`
/// through `Expr::parse` and `Expr::eval_mut`; the answer in the form of
/// the oracle's `session` (each request's repr or error class, then the
/// names whose repr differs from the built-in's).
pub fn session_answer(text: &str, limits: &Limits, parse_once: bool) -> CoreAnswer {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut env = calc_core::Env::new().with_limits(limits.clone());
        let mut steps = Vec::new();
        for request in text.split(super::gen::SESSION_SEP) {
            let mut out = String::new();
            let result = if parse_once {
                calc_core::Expr::parse_with(request, limits)
                    .and_then(|e| e.eval_mut(&mut env))
                    .and_then(|v| v.repr(limits))
                    .map(|r| out = r)
            } else {
                calc_core::eval_repr_metered_in(&mut env, request, limits, &mut out).0
            };
            steps.push(match result {
                Ok(()) => format!("OK {}", oneline(&out)),
                Err(e) => format!("ERR {}", e.class()),
            });
        }
        let mut names: Vec<(&str, String)> = env
            .iter()
            .map(|(name, v)| {
                let shown = v.repr(limits).unwrap_or_else(|_| "!ValueError".into());
                (name, oneline(&shown))
            })
            .filter(|(name, shown)| {
                let builtin = calc_core::eval(name)
                    .ok()
                    .filter(|_| calc_core::is_builtin(name));
                builtin.is_none_or(|b| b.to_string() != *shown)
            })
            .collect();
        names.sort();
        let names: Vec<String> = names.iter().map(|(n, s)| format!("{n}={s}")).collect();
        format!("{} || {}", steps.join(" | "), names.join(" "))
    }));
    match result {
        Ok(answer) => CoreAnswer::Ok(answer),
        Err(payload) => CoreAnswer::Panic(panic_message(payload.as_ref())),
    }
}

/// `text` on one line, as the oracle shows a repr.
fn oneline(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// How a case's two answers relate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// Same repr, or same error class.
    Same,
    /// Same error class, different message: reported, but not a failure.
    MessageOnly,
    /// A real difference, with its category for the summary.
    Differ(Category),
}

/// The kinds of difference, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Both gave a value, with different reprs.
    Value,
    /// Both raised, with different classes (CPython's, ours).
    Class(String, String),
    /// CPython gave a value, calc-core raised this class.
    CoreRaised(String),
    /// CPython raised this class, calc-core gave a value.
    CoreValue(String),
    /// calc-core panicked.
    Panic,
    /// `Expr::parse` + `Expr::eval` answered differently from `eval_repr_with`.
    Paths,
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Category::Value => write!(f, "different value"),
            Category::Class(py, ours) => write!(f, "CPython {py}, calc-core {ours}"),
            Category::CoreRaised(ours) => write!(f, "CPython value, calc-core {ours}"),
            Category::CoreValue(py) => write!(f, "CPython {py}, calc-core value"),
            Category::Panic => write!(f, "calc-core panicked"),
            Category::Paths => write!(f, "Expr::parse+eval disagrees with eval_repr_with"),
        }
    }
}

/// Compares the answers. `PyAnswer::Out` never reaches here (the case is
/// skipped), but is treated as agreement if it does.
pub fn verdict(py: &PyAnswer, core: &CoreAnswer) -> Verdict {
    match (py, core) {
        (_, CoreAnswer::Panic(_)) => Verdict::Differ(Category::Panic),
        (PyAnswer::Out, _) => Verdict::Same,
        (PyAnswer::Ok(a), CoreAnswer::Ok(b)) if a == b => Verdict::Same,
        (PyAnswer::Ok(_), CoreAnswer::Ok(_)) => Verdict::Differ(Category::Value),
        (PyAnswer::Ok(_), CoreAnswer::Err { class, .. }) => {
            Verdict::Differ(Category::CoreRaised(class.clone()))
        }
        (PyAnswer::Err { class, .. }, CoreAnswer::Ok(_)) => {
            Verdict::Differ(Category::CoreValue(class.clone()))
        }
        (
            PyAnswer::Err {
                class: a,
                message: ma,
            },
            CoreAnswer::Err {
                class: b,
                message: mb,
            },
        ) => {
            if a != b {
                Verdict::Differ(Category::Class(a.clone(), b.clone()))
            } else if ma != mb {
                Verdict::MessageOnly
            } else {
                Verdict::Same
            }
        }
    }
}

/// One line per answer, as shown in the report.
pub fn show_py(py: &PyAnswer) -> String {
    match py {
        PyAnswer::Ok(r) => r.clone(),
        PyAnswer::Err { class, message } => format!("{class}: {message}"),
        PyAnswer::Out => "(outside the language)".to_string(),
    }
}

/// See [`show_py`].
pub fn show_core(core: &CoreAnswer) -> String {
    match core {
        CoreAnswer::Ok(r) => r.clone(),
        CoreAnswer::Err { class, message } => format!("{class}: {message}"),
        CoreAnswer::Panic(msg) => format!("PANIC: {msg}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(class: &str, message: &str) -> (PyAnswer, CoreAnswer) {
        (
            PyAnswer::Err {
                class: class.into(),
                message: message.into(),
            },
            CoreAnswer::Err {
                class: class.into(),
                message: message.into(),
            },
        )
    }

    #[test]
    fn equal_reprs_agree() {
        let v = verdict(&PyAnswer::Ok("1.0".into()), &CoreAnswer::Ok("1.0".into()));
        assert_eq!(v, Verdict::Same);
        let v = verdict(&PyAnswer::Ok("1.0".into()), &CoreAnswer::Ok("1".into()));
        assert_eq!(v, Verdict::Differ(Category::Value));
    }

    #[test]
    fn classes_matter_messages_do_not_fail() {
        let (py, core) = err("ValueError", "math domain error");
        assert_eq!(verdict(&py, &core), Verdict::Same);
        let other = CoreAnswer::Err {
            class: "ValueError".into(),
            message: "domain".into(),
        };
        assert_eq!(verdict(&py, &other), Verdict::MessageOnly);
        let limit = CoreAnswer::Err {
            class: "LimitError".into(),
            message: String::new(),
        };
        assert_eq!(
            verdict(&py, &limit),
            Verdict::Differ(Category::Class("ValueError".into(), "LimitError".into()))
        );
    }

    #[test]
    fn panics_always_differ() {
        let v = verdict(&PyAnswer::Ok("1".into()), &CoreAnswer::Panic("todo".into()));
        assert_eq!(v, Verdict::Differ(Category::Panic));
    }
}
