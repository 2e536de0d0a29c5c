//! `cargo xtask fuzz --seconds N [--target T]...`: runs the cargo-fuzz
//! targets for a time budget split among them and reports runs and
//! findings per target.
//!
//! cargo-fuzz needs nightly compiler flags (`-Zsanitizer`); the stable
//! toolchain accepts them with `RUSTC_BOOTSTRAP=1`, so no nightly install is
//! required. Each target fuzzes a corpus in `<crate>/fuzz/corpus/<target>`
//! (kept between runs, ignored by git) starting from the committed seeds in
//! `<crate>/fuzz/seeds/<target>`. libFuzzer's full output goes to
//! `target/fuzz-logs/<target>.log`; crashing inputs to
//! `<crate>/fuzz/artifacts/<target>/`.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use argh::FromArgs;

use crate::project_root;

/// A cargo-fuzz target: its name and the fuzz crate it lives in.
struct Target {
    name: &'static str,
    dir: &'static str,
}

const TARGETS: &[Target] = &[
    Target {
        name: "decoder",
        dir: "crates/wire/fuzz",
    },
    Target {
        name: "response",
        dir: "crates/wire/fuzz",
    },
    Target {
        name: "proxy",
        dir: "crates/wire/fuzz",
    },
    Target {
        name: "eval",
        dir: "crates/calc-core/fuzz",
    },
];

/// Seconds after which one input counts as hanging. The server promises an
/// answer within about 100 ms; a fuzzing build with sanitizers is slower,
/// and libFuzzer's default (20 minutes) would hide a runaway evaluation.
const UNIT_TIMEOUT_SECS: u32 = 10;

/// Memory above which an input counts as a finding (libFuzzer's default).
const RSS_LIMIT_MB: u32 = 2048;

/// What one target's run showed.
struct Outcome {
    name: &'static str,
    /// Seconds spent fuzzing (libFuzzer's count), else wall time with the
    /// build.
    seconds: u64,
    runs: Option<u64>,
    corpus: usize,
    findings: Vec<String>,
    status: String,
    log: PathBuf,
}

pub fn run(options: &Args) -> Result<(), String> {
    ensure_cargo_fuzz()?;
    let targets: Vec<&Target> = TARGETS
        .iter()
        .filter(|t| options.target.is_empty() || options.target.iter().any(|n| n == t.name))
        .collect();
    let count = u64::try_from(targets.len()).unwrap_or(1).max(1);
    let per_target = (options.seconds / count).max(1);
    let root = project_root();
    let logs = root.join("target").join("fuzz-logs");
    fs::create_dir_all(&logs).map_err(|e| format!("creating {}: {e}", logs.display()))?;

    let mut outcomes = Vec::new();
    for target in targets {
        outcomes.push(fuzz_one(&root, &logs, target, per_target)?);
    }

    let report = report(&outcomes);
    print!("{report}");
    if let Some(path) = &options.report {
        append(path, &report)?;
    }
    let found: usize = outcomes.iter().map(|o| o.findings.len()).sum();
    if found > 0 {
        return Err(format!("fuzzing found {found} failing input(s); see above"));
    }
    Ok(())
}

/// Runs the cargo-fuzz targets for a time budget split among them and
/// reports runs and findings per target (installs cargo-fuzz if missing).
#[derive(FromArgs, Debug, PartialEq, Eq)]
#[argh(subcommand, name = "fuzz")]
pub struct Args {
    /// seconds of fuzzing in all, split among the targets (default 60)
    #[argh(option, default = "60", arg_name = "N")]
    seconds: u64,
    /// a target to fuzz: decoder, response, proxy (wire) or eval
    /// (calc-core); repeatable; default all
    #[argh(option, from_str_fn(target), arg_name = "T")]
    target: Vec<String>,
    /// append the report (a Markdown table) to FILE too
    #[argh(option, arg_name = "FILE")]
    report: Option<PathBuf>,
}

fn target(name: &str) -> Result<String, String> {
    if TARGETS.iter().any(|t| t.name == name) {
        Ok(name.to_owned())
    } else {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        Err(format!(
            "unknown fuzz target `{name}`; one of: {}",
            names.join(", ")
        ))
    }
}

/// `cargo +stable` through rustup, with the bootstrap switch cargo-fuzz's
/// nightly flags need. (`$CARGO` is the toolchain's own binary, which does
/// not understand `+toolchain`.)
fn cargo_stable(dir: &Path) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.arg("+stable")
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(dir);
    cmd
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let present = cargo_stable(&project_root())
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    let mut install = cargo_stable(&project_root());
    install.args(["install", "cargo-fuzz", "--locked"]);
    crate::run("cargo install cargo-fuzz --locked", install)
}

fn fuzz_one(root: &Path, logs: &Path, target: &Target, seconds: u64) -> Result<Outcome, String> {
    let dir = root.join(target.dir);
    let corpus = dir.join("corpus").join(target.name);
    let seeds = dir.join("seeds").join(target.name);
    let artifacts = dir.join("artifacts").join(target.name);
    for d in [&corpus, &artifacts] {
        fs::create_dir_all(d).map_err(|e| format!("creating {}: {e}", d.display()))?;
    }
    let log = logs.join(format!("{}.log", target.name));
    let out = File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;

    eprintln!(
        "==> fuzz {} for {seconds} s (build first; log: {})",
        target.name,
        log.display()
    );
    let mut cmd = cargo_stable(&dir);
    // The corpus comes first: libFuzzer writes new inputs to the first
    // directory and only reads the seeds.
    cmd.args(["fuzz", "run", target.name])
        .arg(&corpus)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={UNIT_TIMEOUT_SECS}"))
        .arg(format!("-rss_limit_mb={RSS_LIMIT_MB}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg("-print_final_stats=1")
        .stdout(out)
        .stderr(err);
    let started = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("fuzz {}: could not start cargo: {e}", target.name))?;
    let text = fs::read_to_string(&log).unwrap_or_default();
    let findings = findings(&text);
    if !status.success() && findings.is_empty() {
        // A build failure or a cargo-fuzz error: not a finding, a broken run.
        let tail: Vec<&str> = text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "fuzz {} failed ({status}) without a finding:\n{}",
            target.name,
            tail.join("\n")
        ));
    }
    Ok(Outcome {
        name: target.name,
        seconds: fuzz_seconds(&text).unwrap_or_else(|| started.elapsed().as_secs()),
        runs: runs(&text),
        corpus: fs::read_dir(&corpus).map(|d| d.count()).unwrap_or(0),
        findings,
        status: if status.success() {
            "ok".into()
        } else {
            summary_line(&text)
        },
        log,
    })
}

/// The number of inputs executed, from `-print_final_stats` or the final
/// `Done N runs` line.
fn runs(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|line| {
        if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            return n.trim().parse().ok();
        }
        line.strip_prefix("Done ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    })
}

/// libFuzzer's own time, from its final `Done N runs in S second(s)` line.
fn fuzz_seconds(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|line| {
        let rest = line.strip_prefix("Done ")?;
        let (_, after) = rest.split_once(" runs in ")?;
        after.split_whitespace().next()?.parse().ok()
    })
}

/// Paths of the inputs libFuzzer saved as crashes, leaks, timeouts or
/// out-of-memory cases.
fn findings(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|line| line.split_once("Test unit written to "))
        .map(|(_, path)| path.trim().to_owned())
        .collect()
}

/// libFuzzer's or the sanitizer's one-line verdict on a failing run.
fn summary_line(log: &str) -> String {
    log.lines()
        .find(|line| line.starts_with("SUMMARY:") || line.contains("ERROR: libFuzzer"))
        .unwrap_or("failed")
        .trim()
        .to_owned()
}

/// A Markdown table of the outcomes, then each finding.
fn report(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "\n| target | fuzzing s | runs | corpus | findings | status |\n|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let runs = o.runs.map_or_else(|| "?".to_owned(), |n| n.to_string());
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            o.name,
            o.seconds,
            runs,
            o.corpus,
            o.findings.len(),
            o.status
        ));
    }
    for o in outcomes {
        for f in &o.findings {
            out.push_str(&format!("\n- `{}`: {f} (log {})", o.name, o.log.display()));
        }
    }
    out.push('\n');
    out
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("appending to {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libfuzzer_output() {
        let log = "#2\tINITED cov: 10\nDone 1234 runs in 5 second(s)\nstat::number_of_executed_units: 1235\n";
        assert_eq!(runs(log), Some(1235));
        assert_eq!(fuzz_seconds(log), Some(5));
        assert_eq!(fuzz_seconds("nothing\n"), None);
        assert_eq!(runs("Done 77 runs in 1 second(s)\n"), Some(77));
        assert_eq!(runs("nothing\n"), None);
        let crash = "==1== ERROR: libFuzzer: deadly signal\nSUMMARY: libFuzzer: deadly signal\n\
                     artifact_prefix='a/'; Test unit written to a/crash-abc\n";
        assert_eq!(findings(crash), vec!["a/crash-abc".to_owned()]);
        assert_eq!(summary_line(crash), "==1== ERROR: libFuzzer: deadly signal");
    }

    #[test]
    fn options() {
        let parse = |a: &[&str]| Args::from_args(&["cargo xtask fuzz"], a);
        let o = parse(&["--seconds", "30", "--target", "proxy"]).unwrap();
        assert_eq!((o.seconds, o.target), (30, vec!["proxy".to_owned()]));
        let o = parse(&["--report", "r.md"]).unwrap();
        assert_eq!((o.seconds, o.report), (60, Some(PathBuf::from("r.md"))));
        assert!(o.target.is_empty());
        assert!(parse(&["--target", "nope"]).is_err());
        assert!(parse(&["--seconds"]).is_err());
    }
}
