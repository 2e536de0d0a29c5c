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
    answer(|| {
        calc_core::Expr::parse(text)
            .and_then(|e| e.eval(&calc_core::Env::new()))
            .and_then(|v| v.repr(limits))
    })
}

/// The embedding APIs' answers for `text`, each of which must be `core`
/// (the answer of `eval_repr_with`): `Expr::parse` + `Expr::eval`, then,
/// with the literals and the built-in constants of `text` made variables
/// ([`slotted`]), `Expr::compile` + `Compiled::eval` with the variables in
/// slots, `Compiled::eval_f64` when every variable is a float, and
/// `Env::eval` with the variables in an `Env`. Returns the first path that
/// answers otherwise, and its answer. The compiled paths are skipped when
/// the rewritten text does not compile (a name that is not defined:
/// compilation reports it before any evaluation).
pub fn other_paths(
    text: &str,
    limits: &Limits,
    core: &CoreAnswer,
    ran: &mut PathsRun,
) -> Option<(&'static str, CoreAnswer)> {
    let parsed = parsed_answer(text, limits);
    if parsed != *core {
        return Some(("Expr::parse+eval", parsed));
    }
    let (rewritten, vars) = slotted(text)?;
    let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<calc_core::Value> = vars.iter().map(|(_, v)| v.clone()).collect();
    let compiled = catch_unwind(AssertUnwindSafe(|| {
        calc_core::Expr::parse(&rewritten).and_then(|e| e.compile(&names))
    }));
    let compiled = match compiled {
        Ok(Ok(c)) => c,
        Ok(Err(_)) => return None,
        Err(payload) => {
            return Some((
                "Expr::compile",
                CoreAnswer::Panic(panic_message(payload.as_ref())),
            ))
        }
    };
    let answer_of =
        |r: Result<calc_core::Value, calc_core::EvalError>| r.and_then(|v| v.repr(limits));
    ran.compiled += 1;
    ran.slots += vars.len() as u64;
    ran.lane += u64::from(compiled.has_float_lane());
    let slots = answer(|| answer_of(compiled.eval(&values)));
    if slots != *core {
        return Some(("Compiled::eval", slots));
    }
    let floats: Option<Vec<f64>> = values
        .iter()
        .map(|v| match v {
            calc_core::Value::Float(x) => Some(*x),
            _ => None,
        })
        .collect();
    if let Some(floats) = floats {
        ran.floats += 1;
        let lane = answer(|| answer_of(compiled.eval_f64(&floats)));
        if lane != *core {
            return Some(("Compiled::eval_f64", lane));
        }
    }
    let env = vars
        .iter()
        .fold(calc_core::Env::new(), |env, (n, v)| env.with(n, v.clone()));
    let one_shot = answer(|| answer_of(env.eval(&rewritten)));
    if one_shot != *core {
        return Some(("Env::eval", one_shot));
    }
    None
}

/// How many cases took the compiled paths of [`other_paths`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PathsRun {
    /// Compiled (and also evaluated by `Env::eval`).
    pub compiled: u64,
    /// Variables bound, over those cases.
    pub slots: u64,
    /// Compiled with a float lane.
    pub lane: u64,
    /// Evaluated by `Compiled::eval_f64` too (every variable a float).
    pub floats: u64,
}

impl PathsRun {
    /// Adds `other`'s counts.
    pub fn add(&mut self, other: PathsRun) {
        self.compiled += other.compiled;
        self.slots += other.slots;
        self.lane += other.lane;
        self.floats += other.floats;
    }
}

/// Most variables [`slotted`] makes of one input.
const MAX_SLOTS: usize = 12;

/// `text` with its number literals and its references to the built-in
/// constants (`pi`, `e`, `tau`, `inf`, `nan`) replaced by variables
/// `v0`, `v1`, ..., and the variables' values (each literal's value as
/// calc-core reads it alone): the same expression, with names where the
/// constants were. A literal glued to a letter, a `.` or a non-ASCII
/// character (`1j`, `0x1f`, `1.real`, `1if`) is left as it is, as is one
/// that does not evaluate alone (a syntax error, an over-long int).
/// `None` when the text is not ASCII or has a string literal (whose
/// digits are text, not literals).
pub fn slotted(text: &str) -> Option<(String, Vec<(String, calc_core::Value)>)> {
    if !text.is_ascii() || text.contains(['\'', '"']) {
        return None;
    }
    let s = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = String::with_capacity(text.len() + 16);
    let mut vars: Vec<(String, calc_core::Value)> = Vec::new();
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        let start = i;
        let number =
            b.is_ascii_digit() || (b == b'.' && s.get(i + 1).is_some_and(u8::is_ascii_digit));
        if ident(b) && !b.is_ascii_digit() {
            while s.get(i).copied().is_some_and(ident) {
                i += 1;
            }
            let word = &text[start..i];
            let after = s[i..].iter().find(|c| **c != b' ' && **c != b'\t');
            let before = s[..start]
                .iter()
                .rev()
                .find(|c| **c != b' ' && **c != b'\t');
            let constant = matches!(word, "pi" | "e" | "tau" | "inf" | "nan")
                && after != Some(&b'(')
                && after != Some(&b'=')
                && before != Some(&b'.');
            if constant {
                if let Some(v) = value_of(word) {
                    if push_var(&mut out, &mut vars, v) {
                        continue;
                    }
                }
            }
            out.push_str(word);
            continue;
        }
        if !number {
            out.push(char::from(b));
            i += 1;
            continue;
        }
        let digits = |i: &mut usize| {
            while s.get(*i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
                *i += 1;
            }
        };
        digits(&mut i);
        if s.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
        if matches!(s.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(s.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if s.get(j).is_some_and(u8::is_ascii_digit) {
                i = j;
                digits(&mut i);
            }
        }
        let glued = s.get(i).is_some_and(|&c| ident(c) || c == b'.');
        if glued {
            // The rest of the token (`x1f` of `0x1f`, `j` of `1e5j`) too:
            // no part of it is rewritten.
            while s.get(i).copied().is_some_and(ident) {
                i += 1;
            }
        }
        let literal = &text[start..i];
        // Before `=` or `:=` a literal is an error (`f(1=2)`, `(1 := 2)`)
        // that a name would not be (a keyword argument, an assignment).
        let rest = text[i..].trim_start_matches([' ', '\t']);
        let assigned = rest.starts_with('=') || rest.starts_with(":=");
        // After a `.` a name is an attribute (`x. 1` is an error, `x. v0`
        // is not).
        let attribute = text[..start].trim_end_matches([' ', '\t']).ends_with('.');
        if !glued && !assigned && !attribute {
            if let Some(v) = value_of(literal) {
                if push_var(&mut out, &mut vars, v) {
                    continue;
                }
            }
        }
        out.push_str(literal);
    }
    Some((out, vars))
}

/// `text` alone as calc-core evaluates it, if it is a number.
fn value_of(text: &str) -> Option<calc_core::Value> {
    let v = catch_unwind(|| calc_core::eval(text)).ok()?.ok()?;
    matches!(
        v,
        calc_core::Value::Int(_) | calc_core::Value::Float(_) | calc_core::Value::Complex(_)
    )
    .then_some(v)
}

/// Appends a new variable holding `v` (blank on either side, so it reads
/// as the token it replaces); false when there are [`MAX_SLOTS`] already.
fn push_var(
    out: &mut String,
    vars: &mut Vec<(String, calc_core::Value)>,
    v: calc_core::Value,
) -> bool {
    if vars.len() >= MAX_SLOTS {
        return false;
    }
    let name = format!("v{}", vars.len());
    out.push(' ');
    out.push_str(&name);
    out.push(' ');
    vars.push((name, v));
    true
}

/// Runs `f`, a panic becoming [`CoreAnswer::Panic`].
fn answer(f: impl FnOnce() -> Result<String, calc_core::EvalError>) -> CoreAnswer {
    match catch_unwind(AssertUnwindSafe(f)) {
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
    /// An embedding API (`Expr::parse` + `Expr::eval`, the compiled form,
    /// `Env::eval`) answered differently from `eval_repr_with`.
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
            Category::Paths => write!(f, "an embedding API disagrees with eval_repr_with"),
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

    #[test]
    fn slotted_makes_literals_and_constants_variables() {
        let (text, vars) = slotted("2.5*x + 1e3 - pi**2 // e").unwrap();
        assert_eq!(text, " v0 *x +  v1  -  v2 ** v3  //  v4 ");
        let (text, _) = slotted("f(1 =2, 3)").unwrap();
        assert_eq!(text, "f(1 = v0 ,  v1 )");
        let shown: Vec<String> = vars.iter().map(|(n, v)| format!("{n}={v}")).collect();
        assert_eq!(
            shown,
            [
                "v0=2.5",
                "v1=1000.0",
                "v2=3.141592653589793",
                "v3=2",
                "v4=2.718281828459045"
            ]
        );
        // Glued tokens, calls of a constant's name, attributes: left alone.
        let (text, vars) = slotted("0x1f + 1j + 2e + 1if 1 else 0 + e(1) + 1.5e3j + 1_0").unwrap();
        assert_eq!(
            text,
            "0x1f + 1j + 2e + 1if  v0  else  v1  + e( v2 ) + 1.5e3j +  v3 "
        );
        assert_eq!(vars.len(), 4);
        // A literal that is not a number alone stays.
        let (text, vars) = slotted("07 + 1__0").unwrap();
        assert_eq!((text.as_str(), vars.len()), ("07 + 1__0", 0));
        assert!(slotted("π").is_none());
    }

    #[test]
    fn other_paths_agree_on_plain_input_and_name_the_first_that_differs() {
        let limits = Limits::default();
        let mut ran = PathsRun::default();
        for text in [
            "1 + 2",
            "2.5 * pi - 1/3",
            "10**20 // 7",
            "1/0",
            "sqrt(-1.0)",
            "x + 1",
            "2**0.5 < 1.5",
        ] {
            let (core, _) = core_answer(text, &limits);
            assert_eq!(other_paths(text, &limits, &core, &mut ran), None, "{text}");
        }
        // "x + 1" does not compile.
        assert_eq!(ran.compiled, 6);
        assert!(ran.floats >= 1 && ran.slots >= 10, "{ran:?}");
        let wrong = CoreAnswer::Ok("3".into());
        let (path, answer) = other_paths("1.5 + 1.5", &limits, &wrong, &mut ran).unwrap();
        assert_eq!(
            (path, answer),
            ("Expr::parse+eval", CoreAnswer::Ok("3.0".into()))
        );
    }
}
