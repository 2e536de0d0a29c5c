//! No `Limits` value lets input abort the process: with `max_depth`,
//! `max_nesting` and `max_source_len` at `usize::MAX`, the deepest inputs
//! of each kind of nesting (100,000 levels) get a typed error from every
//! entry point, on a thread with a 2 MiB stack (run in a debug build,
//! where frames are largest).
//!
//! A stack overflow aborts the whole process, test harness included, so
//! the inputs run in a child process (this test binary again, told so by
//! an environment variable); the test fails if the child does not exit
//! normally having answered them all.

use std::process::Command;

use calc_core::{Env, Expr, Limits};

const CHILD: &str = "CALC_CORE_UNBOUNDED_LIMITS_CHILD";
const LEVELS: usize = 100_000;

fn unbounded() -> Limits {
    Limits {
        max_depth: usize::MAX,
        max_nesting: usize::MAX,
        max_source_len: usize::MAX,
        ..Limits::default()
    }
}

fn inputs() -> Vec<(&'static str, String)> {
    let n = LEVELS;
    vec![
        (
            "parentheses",
            format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        ),
        ("calls", format!("{}1{}", "abs(".repeat(n), ")".repeat(n))),
        ("unary minus", format!("{}1", "-".repeat(n))),
        ("power tower", format!("{}1", "1**".repeat(n))),
        (
            "nested sums",
            format!("{}1{}", "(1+".repeat(n), ")".repeat(n)),
        ),
        ("mixed", format!("{}1{}", "-(1*".repeat(n), ")".repeat(n))),
        ("else chain", format!("{}1", "1 if 0 else ".repeat(n))),
    ]
}

/// Every entry point on `src`: each must answer with an error (the input
/// is deeper than any limit honoured) or, for the flat `else` chain, a
/// value; a stack overflow would abort before the line is printed.
fn answer_all(name: &str, src: &str) -> Result<(), String> {
    let limits = unbounded();
    let env = Env::new().with("x", 1.0).with_limits(limits.clone());
    let mut out = String::new();
    let answers = [
        calc_core::eval_with(src, &limits).map(|v| v.to_string()),
        calc_core::eval_repr_with(src, &limits, &mut out).map(|()| out.clone()),
        calc_core::eval_metered(src, &limits)
            .0
            .map(|v| v.to_string()),
        Expr::parse_with(src, &limits).and_then(|e| e.eval(&env).map(|v| v.to_string())),
        Expr::parse_with(src, &limits)
            .and_then(|e| e.compile_with(&["x"], &env))
            .and_then(|c| c.eval_f64(&[1.0]))
            .map(|v| v.to_string()),
        env.eval(src).map(|v| v.to_string()),
    ];
    for (i, a) in answers.iter().enumerate() {
        match (name, a) {
            ("else chain", Ok(v)) if v == "1" => {}
            (_, Err(e)) if matches!(e.class(), "SyntaxError" | "LimitError") => {}
            _ => return Err(format!("{name}, entry point {i}: {a:?}")),
        }
    }
    Ok(())
}

#[test]
fn deep_input_under_unbounded_limits_gets_an_error_not_an_abort() {
    if std::env::var_os(CHILD).is_some() {
        let result = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                for (name, src) in inputs() {
                    answer_all(name, &src)?;
                    println!("answered: {name}");
                }
                Ok::<(), String>(())
            })
            .expect("a thread")
            .join()
            .expect("no panic");
        if let Err(e) = result {
            panic!("{e}");
        }
        return;
    }
    let exe = std::env::current_exe().expect("this test binary");
    let child = Command::new(exe)
        .args([
            "--exact",
            "deep_input_under_unbounded_limits_gets_an_error_not_an_abort",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&child.stdout);
    let stderr = String::from_utf8_lossy(&child.stderr);
    assert!(
        child.status.success(),
        "child {}: {stdout}\n{stderr}",
        child.status
    );
    for (name, _) in inputs() {
        assert!(
            stdout.contains(&format!("answered: {name}\n")),
            "{name} not answered: {stdout}\n{stderr}"
        );
    }
}
