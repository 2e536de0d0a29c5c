//! Project automation, run as `cargo xtask TASK`.
//!
//! `ci` is the promise: if `cargo xtask ci` passes locally, CI passes.

mod bench;
mod diff;
mod fuzz;
mod haproxy;
mod table;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask TASK [ARGS]

tasks:
  ci      fmt --check, clippy -D warnings, tests, docs (warnings denied), diff;
          installs haproxy (apt-get, as root) for the HAProxy test if missing
  diff    differential test of calc-core against python3 [--count N] [--seed S]
          [--show K] [--jobs J] ... (cargo xtask diff --help)
  table   --regen: rewrite calc-core's tests/table.txt expectations from python3
          --check: report where they differ from python3
  bench   evaluator, server and isolation benchmarks -> docs/benchmarks.md [--quick]
          [--only eval|server|isolation]...
  haproxy install haproxy if missing, as ci does before the tests
  fuzz    run the cargo-fuzz targets [--seconds N] [--target T]... [--report FILE]
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("diff") => diff(&args[1..]),
        Some("table") => table::run(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("haproxy") => haproxy::ensure(),
        Some("help") | Some("--help") | Some("-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
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

fn run(step: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("==> {step}");
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

fn ci() -> Result<(), String> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run("cargo fmt --check", fmt)?;

    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run("cargo clippy", clippy)?;

    // Before the tests: bins/server/tests/haproxy.rs needs the binary.
    haproxy::ensure()?;

    let mut test = cargo();
    test.args(["test", "--workspace"]);
    run("cargo test", test)?;

    let mut doc = cargo();
    doc.args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings");
    run("cargo doc", doc)?;

    diff(&[
        "--count".into(),
        "20000".into(),
        "--seed".into(),
        "1".into(),
    ])
}

fn diff(args: &[String]) -> Result<(), String> {
    diff::run(args)
}
