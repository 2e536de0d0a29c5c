//! Project automation, run as `cargo xtask TASK`.
//!
//! `ci` is the promise: if `cargo xtask ci` passes locally, CI passes.
//! Each task is an argh subcommand with its own `--help`; `cargo xtask`
//! alone lists the tasks.

mod api;
mod apt;
mod bench;
mod ci;
mod diff;
mod fuzz;
mod haproxy;
mod namespace;
mod table;
mod unicode;

use std::env;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use argh::FromArgs;

/// Project automation for calcnet: `cargo xtask TASK [ARGS]`, and
/// `cargo xtask TASK --help` for a task's flags.
#[derive(FromArgs, Debug)]
struct Xtask {
    #[argh(subcommand)]
    task: Option<Task>,
}

#[derive(FromArgs, Debug)]
#[argh(subcommand)]
enum Task {
    Ci(ci::Args),
    Api(api::Args),
    Diff(diff::Args),
    Table(table::Args),
    Bench(bench::Args),
    Fuzz(fuzz::Args),
    Haproxy(haproxy::Args),
    Namespace(namespace::Args),
}

/// The command name argh shows in usage lines.
const COMMAND: &str = "cargo xtask";

/// Exit status for a command line that does not parse (the project's
/// convention: 0 success, 1 failure, 2 usage).
const USAGE_ERROR: u8 = 2;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // No task: the list of tasks, as `--help` prints it.
    let args = if args.is_empty() {
        vec!["--help"]
    } else {
        args
    };
    let task = match Xtask::from_args(&[COMMAND], &args) {
        Ok(Xtask { task: Some(task) }) => task,
        Ok(Xtask { task: None }) => {
            return early_exit(Xtask::from_args(&[COMMAND], &["--help"]).err());
        }
        Err(exit) => return early_exit(Some(exit)),
    };
    let result = match task {
        Task::Ci(a) => ci::run(&a),
        Task::Api(a) => api::run(&a),
        Task::Diff(a) => diff::run(&a).map(drop),
        Task::Table(a) => table::run(&a),
        Task::Bench(a) => bench::bench(&a),
        Task::Fuzz(a) => fuzz::run(&a),
        Task::Namespace(a) => namespace::run(&a),
        Task::Haproxy(_) => haproxy::ensure(haproxy::Install::Yes).map(drop),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            // An empty message: the task has said what failed itself.
            if !msg.is_empty() {
                eprintln!("xtask: {msg}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Prints argh's help (stdout, exit 0) or its error (stderr, exit 2).
fn early_exit(exit: Option<argh::EarlyExit>) -> ExitCode {
    match exit {
        Some(argh::EarlyExit {
            output,
            status: Ok(()),
        }) => {
            // Not println!: `cargo xtask --help | head` must not panic.
            let _ = writeln!(std::io::stdout(), "{output}");
            ExitCode::SUCCESS
        }
        Some(argh::EarlyExit {
            output,
            status: Err(()),
        }) => {
            eprintln!("{output}\nRun `{COMMAND} --help` for the tasks, `{COMMAND} TASK --help` for a task's flags.");
            ExitCode::from(USAGE_ERROR)
        }
        None => ExitCode::SUCCESS,
    }
}

/// A `u64` flag value; `_` may group digits (`--count 1_000_000`).
fn parse_u64(value: &str) -> Result<u64, String> {
    value
        .replace('_', "")
        .parse()
        .map_err(|_| format!("not a number: {value}"))
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut cmd = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(project_root());
    cmd
}

/// Announces `step`, then runs `cmd` with [`status`].
fn run(step: &str, cmd: Command) -> Result<(), String> {
    eprintln!("==> {step}");
    status(step, cmd)
}

/// Runs `cmd`; an error naming `what` when it cannot start or fails.
fn status(what: &str, mut cmd: Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Xtask, argh::EarlyExit> {
        Xtask::from_args(&[COMMAND], args)
    }

    #[test]
    fn every_task_has_help_and_the_list_names_them_all() {
        let list = parse(&["--help"]).expect_err("help exits early");
        assert_eq!(list.status, Ok(()));
        for task in ["ci", "diff", "table", "bench", "fuzz", "haproxy"] {
            let listed = list
                .output
                .lines()
                .any(|l| l.split_whitespace().next() == Some(task));
            assert!(listed, "{task} in {}", list.output);
            let help = parse(&[task, "--help"]).expect_err("help exits early");
            assert_eq!(help.status, Ok(()), "{task}");
            assert!(
                help.output.starts_with(&format!("Usage: {COMMAND} {task}")),
                "{}",
                help.output
            );
        }
    }

    #[test]
    fn ci_help_does_not_run_ci() {
        let help = parse(&["ci", "--help"]).expect_err("help exits early");
        assert!(help.output.contains("--install-haproxy"), "{}", help.output);
        let ci = parse(&["ci"]).expect("parses");
        assert!(matches!(
            ci.task,
            Some(Task::Ci(ci::Args {
                install_haproxy: false
            }))
        ));
    }

    #[test]
    fn unknown_tasks_and_flags_are_usage_errors() {
        assert_eq!(parse(&["deploy"]).expect_err("unknown").status, Err(()));
        assert_eq!(
            parse(&["ci", "--fast"]).expect_err("unknown").status,
            Err(())
        );
    }

    #[test]
    fn numbers_may_group_digits() {
        assert_eq!(parse_u64("1_000"), Ok(1000));
        assert!(parse_u64("ten").is_err());
        assert!(parse_u64("-1").is_err());
    }
}
