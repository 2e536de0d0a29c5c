//! `cargo xtask table`: keeps crates/calc-core/tests/table.txt's expected
//! column equal to CPython's answers.
//!
//! The inputs are written by hand; `--regen` asks python3 (the same oracle
//! as `cargo xtask diff`) for every input and rewrites the expectations,
//! `--check` only reports where the file and CPython disagree. The file
//! format is described at the top of table.txt.

use std::path::PathBuf;

use argh::FromArgs;

#[path = "../../crates/calc-core/tests/support/table_syntax.rs"]
mod table_syntax;
use table_syntax::{expand, split_line};

use crate::diff::oracle::{Mode, Oracle, PyAnswer};

/// Keeps calc-core's tests/table.txt expectations equal to CPython's
/// answers: `--regen` rewrites them from python3, `--check` reports where
/// they differ.
#[derive(FromArgs, Debug, PartialEq, Eq)]
#[argh(subcommand, name = "table")]
pub struct Args {
    /// rewrite the expectations from python3's answers
    #[argh(switch)]
    regen: bool,
    /// report where the expectations differ from python3 (fails if any do)
    #[argh(switch)]
    check: bool,
}

impl Args {
    /// Whether to rewrite (`--regen`) or only compare (`--check`).
    fn regen(&self) -> Result<bool, String> {
        match (self.regen, self.check) {
            (true, false) => Ok(true),
            (false, true) => Ok(false),
            _ => Err("table: give one of --regen or --check (cargo xtask table --help)".into()),
        }
    }
}

/// How a line wants its expectation written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Error lines keep the message (the default, except for SyntaxError).
    Message,
    /// Error lines give the class only.
    ClassOnly,
    /// Not said: a message, except for SyntaxError.
    Default,
}

/// One case line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    input: String,
    expectation: String,
}

fn table_path() -> PathBuf {
    crate::project_root().join("crates/calc-core/tests/table.txt")
}

fn parse_line(line: &str) -> Option<Line> {
    let (input, expectation) = split_line(line)?;
    Some(Line {
        input: input.to_string(),
        expectation: expectation.to_string(),
    })
}

fn detail(expectation: &str) -> Detail {
    match expectation {
        "?c" => Detail::ClassOnly,
        "?m" => Detail::Message,
        e if e.starts_with("! ") => {
            if e.contains(": ") {
                Detail::Message
            } else {
                Detail::ClassOnly
            }
        }
        _ => Detail::Default,
    }
}

fn render(py: &PyAnswer, detail: Detail) -> String {
    match py {
        PyAnswer::Ok(repr) => format!("= {repr}"),
        PyAnswer::Err { class, message } => {
            let with_message = match detail {
                Detail::Message => true,
                Detail::ClassOnly => false,
                Detail::Default => class != "SyntaxError",
            };
            if with_message && !message.is_empty() {
                format!("! {class}: {message}")
            } else {
                format!("! {class}")
            }
        }
        PyAnswer::Out => "! OUTSIDE-THE-LANGUAGE".to_string(),
    }
}

/// Runs `cargo xtask table ARGS`.
pub fn run(args: &Args) -> Result<(), String> {
    let regen = args.regen()?;
    let path = table_path();
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;

    // Ask CPython about every line that is not ours, in one batch.
    let mut inputs = Vec::new();
    for line in text.lines() {
        if let Some(l) = parse_line(line) {
            if !l.expectation.starts_with("ours ") {
                inputs.push(expand(&l.input)?);
            }
        }
    }
    let mut oracle = Oracle::start()?;
    let requests: Vec<(Mode, &str)> = inputs.iter().map(|s| (Mode::Checked, s.as_str())).collect();
    let (answers, ()) = oracle.ask_batch(&requests, || ())?;
    let mut answers = answers.into_iter();

    let mut out = String::with_capacity(text.len() + 4096);
    let (mut cases, mut changed) = (0, 0);
    for (n, line) in text.lines().enumerate() {
        let Some(l) = parse_line(line) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        cases += 1;
        if l.expectation.starts_with("ours ") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let py = answers.next().ok_or("oracle gave too few answers")?;
        if py == PyAnswer::Out {
            return Err(format!(
                "line {}: {:?} is outside the language",
                n + 1,
                l.input
            ));
        }
        let fresh = render(&py, detail(&l.expectation));
        if fresh != l.expectation {
            changed += 1;
            if !regen {
                println!(
                    "line {}: {}\n  file:    {}\n  CPython: {fresh}",
                    n + 1,
                    l.input,
                    l.expectation
                );
            }
        }
        out.push_str(&l.input);
        out.push('\t');
        out.push_str(&fresh);
        out.push('\n');
    }
    if regen {
        std::fs::write(&path, out).map_err(|e| format!("writing {}: {e}", path.display()))?;
        println!("table: {cases} cases, {changed} expectations (re)written");
        Ok(())
    } else if changed > 0 {
        Err(format!(
            "table: {changed} of {cases} expectations differ from CPython"
        ))
    } else {
        println!("table: {cases} cases, all expectations equal CPython's answers");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_regen_or_check() {
        let parse = |a: &[&str]| Args::from_args(&["cargo xtask table"], a).unwrap().regen();
        assert_eq!(parse(&["--regen"]), Ok(true));
        assert_eq!(parse(&["--check"]), Ok(false));
        assert!(parse(&[]).is_err());
        assert!(parse(&["--regen", "--check"]).is_err());
    }

    #[test]
    fn expands_repeats_and_tabs() {
        assert_eq!(expand("{3*(}1{3*)}").unwrap(), "(((1)))");
        assert_eq!(expand("1\\t+ 2").unwrap(), "1\t+ 2");
        assert_eq!(expand("1{2*0}").unwrap(), "100");
        assert_eq!(
            expand("\\f 1\\r\\n\\0\\\\\\q").unwrap(),
            "\x0c 1\r\n\0\\\\q"
        );
        assert!(expand("{3*(").is_err());
        assert!(expand("{x*(}").is_err());
    }

    #[test]
    fn parses_lines() {
        assert_eq!(parse_line("# c"), None);
        assert_eq!(parse_line(""), None);
        let l = parse_line("1 / 0\t! ZeroDivisionError: division by zero").unwrap();
        assert_eq!(l.input, "1 / 0");
        assert_eq!(detail(&l.expectation), Detail::Message);
        let l = parse_line("\t?c").unwrap();
        assert_eq!(
            (l.input.as_str(), detail(&l.expectation)),
            ("", Detail::ClassOnly)
        );
        assert_eq!(detail("! SyntaxError"), Detail::ClassOnly);
    }

    #[test]
    fn renders_by_detail() {
        let e = PyAnswer::Err {
            class: "SyntaxError".into(),
            message: "invalid syntax".into(),
        };
        assert_eq!(render(&e, Detail::Default), "! SyntaxError");
        assert_eq!(render(&e, Detail::Message), "! SyntaxError: invalid syntax");
        assert_eq!(render(&PyAnswer::Ok("1".into()), Detail::Default), "= 1");
    }
}
