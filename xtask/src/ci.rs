//! `cargo xtask ci`: fmt --check, clippy (warnings denied), the tests, the
//! docs (warnings denied), the check of calc-core's public API listing
//! (`cargo xtask api`) and the differential test, as CI runs them, then
//! a summary: each step's outcome and time, and a last line
//! `N passed, N failed` summing the tests.
//!
//! The steps run quietly (`-q`): cargo's progress lines are left out, and
//! of `cargo test`'s output only what is not a passing test binary's
//! routine (`running N tests`, the dots, `test result: ok.`) is shown, so
//! failures, test messages on stderr and warnings stand out.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use argh::FromArgs;

use crate::{cargo, diff, haproxy, status};

/// fmt --check, clippy -D warnings, tests, docs (warnings denied), `api`
/// and `diff --count 20000 --seed 1`, then a summary; what CI runs
/// (`.ci/run`).
#[derive(FromArgs, Debug, PartialEq, Eq)]
#[argh(subcommand, name = "ci")]
pub struct Args {
    /// install haproxy (apt-get, as root) when it is missing, so that the
    /// HAProxy test runs; the default under CI (the CI variable set)
    #[argh(switch)]
    pub install_haproxy: bool,
}

/// Test counts, from libtest's `test result:` lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }

    /// The counts of a libtest summary line, `test result: ok. 62 passed;
    /// 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.06s`.
    pub fn parse(line: &str) -> Option<Tally> {
        let rest = line.trim().strip_prefix("test result: ")?;
        let (_, counts) = rest.split_once(". ")?;
        let mut tally = Tally::default();
        let mut seen = false;
        for part in counts.split(';') {
            let mut words = part.split_whitespace();
            let (Some(n), Some(what)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match what {
                "passed" => (tally.passed, seen) = (n, true),
                "failed" => tally.failed = n,
                "ignored" => tally.ignored = n,
                _ => {}
            }
        }
        seen.then_some(tally)
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// One step's line in the summary.
#[derive(Debug, Clone)]
struct Step {
    name: &'static str,
    took: Duration,
    /// `ok`, the test counts, the diff's counts, or why it failed.
    outcome: String,
    tests: Option<Tally>,
    ok: bool,
}

/// The steps run so far.
#[derive(Debug, Default)]
struct Summary {
    steps: Vec<Step>,
    started: Option<Instant>,
}

impl Summary {
    /// Runs `step`, records its outcome and time; `Err` stops the run.
    fn step<T>(
        &mut self,
        name: &'static str,
        step: impl FnOnce() -> Result<T, String>,
        describe: impl FnOnce(&T) -> (String, Option<Tally>),
    ) -> Result<T, String> {
        self.started.get_or_insert_with(Instant::now);
        eprintln!("==> {name}");
        let t0 = Instant::now();
        let result = step();
        let took = t0.elapsed();
        let (outcome, tests, ok) = match &result {
            Ok(value) => {
                let (outcome, tests) = describe(value);
                let ok = tests.is_none_or(|t| t.failed == 0);
                (outcome, tests, ok)
            }
            Err(e) => (format!("FAILED: {e}"), None, false),
        };
        self.steps.push(Step {
            name,
            took,
            outcome,
            tests,
            ok,
        });
        result
    }

    /// Every test count, summed.
    fn tests(&self) -> Tally {
        let mut total = Tally::default();
        for t in self.steps.iter().filter_map(|s| s.tests) {
            total.add(t);
        }
        total
    }

    /// The closing summary; its last line is `N passed, N failed`.
    fn render(&self) -> String {
        let total = self.started.map(|t| t.elapsed()).unwrap_or_default();
        let width = self
            .steps
            .iter()
            .map(|s| s.outcome.chars().count())
            .max()
            .unwrap_or(0)
            .min(60);
        let mut out = String::from("==> ci summary\n");
        for s in &self.steps {
            let mark = if s.ok { " " } else { "!" };
            out.push_str(&format!(
                "{mark} {:<8} {:<width$}  {}\n",
                s.name,
                s.outcome,
                seconds(s.took)
            ));
        }
        out.push_str(&format!(
            "  {:<8} {:<width$}  {}\n",
            "total",
            "",
            seconds(total)
        ));
        out.push_str(&format!("{}\n", self.tests()));
        out
    }
}

fn seconds(d: Duration) -> String {
    format!("{:>6.1} s", d.as_secs_f64())
}

/// Whether a line of `cargo test -q`'s stdout is a passing binary's
/// routine: blank, `running N tests`, a line of progress dots, or an `ok`
/// result.
fn routine(line: &str) -> bool {
    let line = line.trim_end();
    // A long binary's dots end each row with its count, ` 87/128`.
    let dots = match line.rsplit_once(' ') {
        Some((dots, count))
            if count.split_once('/').is_some_and(|(a, b)| {
                a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
            }) =>
        {
            dots
        }
        _ => line,
    };
    line.is_empty()
        || (line.starts_with("running ") && line.ends_with(" tests"))
        || line.starts_with("running 1 test")
        || line.starts_with("test result: ok.")
        || dots.chars().all(|c| c == '.' || c == 'i')
}

/// `cargo test`, with its stdout filtered through [`routine`] and its
/// `test result:` lines summed. Every test binary runs (`--no-fail-fast`),
/// so the counts are complete even when one fails.
fn cargo_test() -> Result<Tally, String> {
    let mut child = cargo()
        .args(["test", "-q", "--workspace", "--no-fail-fast"])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cargo test: could not start: {e}"))?;
    let stdout = child.stdout.take().ok_or("cargo test: no stdout")?;
    let mut tally = Tally::default();
    let mut binaries = 0;
    let mut out = std::io::stdout();
    let mut reader = BufReader::new(stdout);
    let mut raw = Vec::new();
    loop {
        raw.clear();
        match reader.read_until(b'\n', &mut raw) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("cargo test: reading its output: {e}")),
        }
        let line = String::from_utf8_lossy(&raw);
        if let Some(t) = Tally::parse(&line) {
            tally.add(t);
            binaries += 1;
        }
        if !routine(&line) {
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cargo test: waiting: {e}"))?;
    eprintln!(
        "    {tally}, {} ignored, in {binaries} test binaries",
        tally.ignored
    );
    // A failed test is the step's outcome, not an error: the summary
    // shows the counts.
    if status.success() || tally.failed > 0 {
        Ok(tally)
    } else {
        Err(format!("cargo test exited with {status} (a build error?)"))
    }
}

/// Runs every step, stopping at the first that fails, then the summary.
/// A failure is reported before the summary, so that the summary's
/// `N passed, N failed` stays the last line; the `Err` is then empty.
pub fn run(args: &Args) -> Result<(), String> {
    let mut summary = Summary::default();
    let result = steps(args, &mut summary);
    if let Err(e) = &result {
        eprintln!("xtask: ci: {e}");
    }
    print!("{}", summary.render());
    result.map_err(|_| String::new())
}

fn steps(args: &Args, summary: &mut Summary) -> Result<(), String> {
    let ok = |_: &()| ("ok".to_string(), None);

    summary.step(
        "fmt",
        || {
            let mut fmt = cargo();
            fmt.args(["fmt", "--all", "--check"]);
            status("cargo fmt --check", fmt)
        },
        ok,
    )?;

    summary.step(
        "clippy",
        || {
            let mut clippy = cargo();
            clippy.args([
                "clippy",
                "-q",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]);
            status("cargo clippy", clippy)
        },
        ok,
    )?;

    // Before the tests: bins/server/tests/haproxy.rs needs the binary.
    let install = if args.install_haproxy || crate::apt::in_ci() {
        haproxy::Install::Yes
    } else {
        haproxy::Install::No
    };
    summary.step(
        "haproxy",
        || haproxy::ensure(install),
        |found| match found {
            haproxy::Found::At(p) => (p.display().to_string(), None),
            haproxy::Found::Missing => ("missing: the HAProxy test skips".to_string(), None),
        },
    )?;

    let tests = summary.step("test", cargo_test, |t| {
        (format!("{t}, {} ignored", t.ignored), Some(*t))
    })?;
    if tests.failed > 0 {
        return Err(format!("{} test(s) failed", tests.failed));
    }

    summary.step(
        "doc",
        || {
            let mut doc = cargo();
            doc.args(["doc", "-q", "--workspace", "--no-deps"])
                .env("RUSTDOCFLAGS", "-D warnings");
            status("cargo doc", doc)
        },
        ok,
    )?;

    summary.step(
        "api",
        || crate::api::run(&crate::api::Args { bless: false }),
        ok,
    )?;

    summary.step(
        "diff",
        || diff::run(&diff::Args::ci()),
        |o| {
            (
                format!("{} cases, {} differences", o.cases, o.differences),
                None,
            )
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_result_lines() {
        assert_eq!(
            Tally::parse("test result: ok. 62 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.06s\n"),
            Some(Tally { passed: 62, failed: 0, ignored: 1 })
        );
        assert_eq!(
            Tally::parse("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.00s"),
            Some(Tally { passed: 3, failed: 2, ignored: 0 })
        );
        assert_eq!(Tally::parse("running 3 tests"), None);
        assert_eq!(Tally::parse("test result: nothing here"), None);
    }

    #[test]
    fn routine_lines_are_hidden_and_failures_are_not() {
        for line in [
            "",
            "running 62 tests",
            "running 1 test",
            "..........",
            "..i..",
            "........................................................................ii............. 87/128",
            "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
        ] {
            assert!(routine(line), "{line:?}");
        }
        for line in [
            "..F..",
            "....F... 87/128",
            "test result: FAILED. 3 passed; 2 failed; 0 ignored",
            "failures:",
            "---- tests::x stdout ----",
            "test tests::slow has been running for over 60 seconds",
        ] {
            assert!(!routine(line), "{line:?}");
        }
    }

    #[test]
    fn the_summary_ends_with_the_summed_counts() {
        let mut s = Summary::default();
        let tally = |passed, failed| Tally {
            passed,
            failed,
            ignored: 0,
        };
        s.step("fmt", || Ok(()), |_| ("ok".into(), None)).unwrap();
        s.step("test", || Ok(tally(10, 0)), |t| (t.to_string(), Some(*t)))
            .unwrap();
        s.step("more", || Ok(tally(5, 2)), |t| (t.to_string(), Some(*t)))
            .unwrap();
        let _ = s.step(
            "doc",
            || Err::<(), _>("broken".to_string()),
            |_| ("ok".into(), None),
        );
        let text = s.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.last(), Some(&"15 passed, 2 failed"), "{text}");
        assert!(text.contains("! more"), "{text}");
        assert!(text.contains("! doc      FAILED: broken"), "{text}");
        assert!(text.contains("  total"), "{text}");
    }
}
