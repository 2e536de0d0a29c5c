//! The evaluator suite: criterion over calc-core, fasteval, evalexpr and
//! meval, then CPython on the same inputs.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use super::json;
use super::Settings;

/// calc-bench-eval's feature that compiles meval in; every cargo command
/// here builds the crate with it (the same features each time, so it is
/// built once).
pub(super) const MEVAL_FEATURE: &str = "meval";

/// The libraries of the criterion benchmark, in table order.
pub const LIBS: [&str; 4] = ["calc-core", "fasteval", "evalexpr", "meval"];

/// Median times of one input, in nanoseconds per parse+eval+format.
#[derive(Debug, Clone)]
pub struct Row {
    /// `eval/CASE` or `length/BYTES`.
    pub id: String,
    /// Bytes of the Python form.
    pub bytes: usize,
    /// One entry per [`LIBS`]; `None` where the library has no form of the
    /// input or criterion produced no estimate.
    pub libs: Vec<Option<f64>>,
    /// CPython's median, if measured.
    pub cpython: Option<f64>,
    /// Instructions per input under callgrind, one entry per [`LIBS`]
    /// (full runs only; `None` where not measured).
    pub instructions: Vec<Option<f64>>,
}

impl Row {
    /// The part of the id after the group.
    pub fn name(&self) -> &str {
        self.id.split_once('/').map_or(&self.id, |(_, n)| n)
    }

    /// calc-core's time.
    pub fn calc(&self) -> Option<f64> {
        self.libs.first().copied().flatten()
    }
}

/// Paired rounds of calc-core and a rival on one input (`eval-pairs`).
#[derive(Debug, Clone)]
pub struct Pair {
    /// `eval/CASE` (the rival is fasteval) or `cpython/CASE`.
    pub id: String,
    /// Rounds measured.
    pub rounds: usize,
    /// Median, lowest and highest of the rounds' rival ÷ calc-core.
    pub median: f64,
    pub low: f64,
    pub high: f64,
    /// Median CPU ns per iteration of calc-core and of the rival.
    pub calc_ns: f64,
    pub rival_ns: f64,
}

impl Pair {
    /// The part of the id after the group.
    pub fn name(&self) -> &str {
        self.id.split_once('/').map_or(&self.id, |(_, n)| n)
    }

    /// One line of `eval-pairs` (or `embedding-pairs`) output.
    pub(super) fn parse(line: &str) -> Option<Pair> {
        let mut f = line.split('\t');
        let id = f.next()?.to_owned();
        let rounds = f.next()?.parse().ok()?;
        let mut num = || f.next()?.parse::<f64>().ok();
        Some(Pair {
            id,
            rounds,
            median: num()?,
            low: num()?,
            high: num()?,
            calc_ns: num()?,
            rival_ns: num()?,
        })
    }
}

/// Everything the evaluator suite measured.
#[derive(Debug, Clone)]
pub struct EvalResults {
    /// The fixed expression set.
    pub cases: Vec<Row>,
    /// The linearity series.
    pub lengths: Vec<Row>,
    /// The criterion command line.
    pub criterion_cmd: String,
    /// The CPython command line.
    pub python_cmd: String,
    /// Paired rounds of calc-core with fasteval (`eval/...`) and with
    /// CPython (`cpython/...`), and their command line.
    pub pairs: Vec<Pair>,
    pub pairs_cmd: String,
    /// `python3 --version`.
    pub python_version: String,
    /// Whether the callgrind instruction counts were measured.
    pub callgrind: bool,
}

/// Runs criterion and the CPython script; reads back the medians.
pub fn run(settings: &Settings) -> Result<EvalResults, String> {
    let root = crate::project_root();
    let criterion_dir = super::target_dir().join("criterion");
    // Stale estimates of an id this run skips would look like fresh ones.
    for group in ["eval", "length"] {
        let _ = fs::remove_dir_all(criterion_dir.join(group));
    }

    // The `embedding` groups are not part of this report.
    let criterion_cmd = criterion(
        settings,
        "criterion: calc-core, fasteval, evalexpr, meval",
        "^(eval|length)/",
    )?;

    let script = root.join("crates/calc-bench-eval/python/cpython_eval.py");
    let (pairs, pairs_cmd) = paired_rounds(settings, &root, &script)?;

    let inputs = export_cases()?;
    let repeat = if settings.quick { "1" } else { "5" };
    let python_cmd = format!(
        "cargo run --release -q -p calc-bench-eval --bin eval-cases | python3 {} --repeat {repeat}",
        script.strip_prefix(&root).unwrap_or(&script).display()
    );
    eprintln!("==> CPython eval timings");
    let python = python_times(&script, repeat, &inputs)?;

    let callgrind =
        !settings.quick && super::machine::output("valgrind", &["--version"]) != "unknown";
    if callgrind {
        let mut build = crate::cargo();
        build.args([
            "build",
            "--release",
            "-p",
            "calc-bench-eval",
            "--features",
            MEVAL_FEATURE,
            "--bin",
            "eval-loop",
        ]);
        crate::run("cargo build --release --bin eval-loop", build)?;
        eprintln!("==> callgrind instruction counts");
    }
    let eval_loop = super::target_dir().join("release/eval-loop");

    let mut cases = Vec::new();
    let mut lengths = Vec::new();
    for (id, src) in &inputs {
        let libs = LIBS
            .iter()
            .map(|lib| estimate(&criterion_dir, id, lib))
            .collect();
        let instructions = LIBS
            .iter()
            .map(|lib| {
                let case = id.strip_prefix("eval/")?;
                if !callgrind {
                    return None;
                }
                instructions_per_input(&eval_loop, lib, case, src.len())
            })
            .collect();
        let row = Row {
            id: id.clone(),
            bytes: src.len(),
            libs,
            instructions,
            cpython: python.iter().find(|(pid, _)| pid == id).map(|(_, ns)| *ns),
        };
        if id.starts_with("length/") {
            lengths.push(row);
        } else {
            cases.push(row);
        }
    }
    Ok(EvalResults {
        cases,
        lengths,
        criterion_cmd,
        python_cmd,
        pairs,
        pairs_cmd,
        python_version: super::machine::output("python3", &["--version"]),
        callgrind,
    })
}

/// Runs calc-bench-eval's criterion bench (`evaluators`, with meval) on
/// the ids `filter` matches, its measurement times the settings' (short
/// with `--quick`); the command line as the report shows it.
pub fn criterion(settings: &Settings, what: &str, filter: &str) -> Result<String, String> {
    let times: &[&str] = if settings.quick {
        &[
            "--warm-up-time",
            "0.2",
            "--measurement-time",
            "0.5",
            "--sample-size",
            "10",
        ]
    } else {
        &[
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
            "--sample-size",
            "50",
        ]
    };
    let mut bench = crate::cargo();
    bench
        .args([
            "bench",
            "-p",
            "calc-bench-eval",
            "--features",
            MEVAL_FEATURE,
            "--bench",
            "evaluators",
            "--",
            "--noplot",
        ])
        .args(times)
        .arg(filter);
    crate::run(what, bench)?;
    Ok(format!(
        "cargo bench -p calc-bench-eval --features {MEVAL_FEATURE} --bench evaluators -- --noplot {} '{filter}'",
        times.join(" ")
    ))
}

/// Runs `eval-pairs`: calc-core against fasteval and against CPython, in
/// alternating short bursts.
fn paired_rounds(
    settings: &Settings,
    root: &Path,
    script: &Path,
) -> Result<(Vec<Pair>, String), String> {
    let (rounds, burst_ms) = if settings.quick {
        ("5", "20")
    } else {
        ("15", "100")
    };
    let shown_script = script
        .strip_prefix(root)
        .unwrap_or(script)
        .display()
        .to_string();
    let script_arg = script.display().to_string();
    let args = ["--rounds", rounds, "--burst-ms", burst_ms, "--python"];
    let shown = format!(
        "cargo run --release -q -p calc-bench-eval --bin eval-pairs -- {} {shown_script}",
        args.join(" ")
    );
    eprintln!("==> {shown}");
    let mut all_args = args.to_vec();
    all_args.push(&script_arg);
    let out = bench_binary("eval-pairs", &all_args)?;
    let pairs = out.lines().filter_map(Pair::parse).collect();
    Ok((pairs, shown))
}

/// Instructions one parse+eval+format of `case` costs `lib`, counted by
/// callgrind: the difference of two runs of `eval-loop` with different
/// iteration counts, so start-up and the first (warming) iteration cancel.
/// Unlike time, the count does not depend on the machine's load.
fn instructions_per_input(eval_loop: &Path, lib: &str, case: &str, bytes: usize) -> Option<f64> {
    let (low, high) = match bytes {
        0..=256 => (200u64, 1200u64),
        257..=8192 => (10, 60),
        _ => (1, 3),
    };
    let count = |n: u64| -> Option<f64> {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(eval_loop)
            .args([lib, case, &n.to_string()])
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stderr);
        let line = text.lines().find(|l| l.contains("Collected :"))?;
        line.rsplit(':').next()?.trim().parse().ok()
    };
    let (a, b) = (count(low)?, count(high)?);
    Some((b - a) / (high - low) as f64)
}

/// criterion's median for `GROUP/CASE` of `lib`: the id is
/// `GROUP/LIB/CASE` and its estimates live in a directory of that path.
pub(super) fn estimate(criterion_dir: &Path, id: &str, lib: &str) -> Option<f64> {
    let (group, case) = id.split_once('/')?;
    let path = criterion_dir
        .join(group)
        .join(lib)
        .join(case)
        .join("new/estimates.json");
    json::criterion_median(&fs::read_to_string(path).ok()?)
}

/// The `(id, python source)` pairs from the `eval-cases` binary.
fn export_cases() -> Result<Vec<(String, String)>, String> {
    Ok(bench_binary("eval-cases", &[])?
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, src)| (id.to_owned(), src.to_owned()))
        .collect())
}

/// The standard output of a calc-bench-eval binary run in release mode.
pub(super) fn bench_binary(bin: &str, args: &[&str]) -> Result<String, String> {
    let (ok, stdout, stderr) = bench_binary_output(bin, args)?;
    if !ok {
        return Err(format!("{bin} failed: {stderr}"));
    }
    Ok(stdout)
}

/// Whether a calc-bench-eval binary run in release mode succeeded, and its
/// standard output and error.
pub(super) fn bench_binary_output(
    bin: &str,
    args: &[&str],
) -> Result<(bool, String, String), String> {
    let mut cmd = crate::cargo();
    cmd.args([
        "run",
        "--release",
        "-q",
        "-p",
        "calc-bench-eval",
        "--features",
        MEVAL_FEATURE,
        "--bin",
        bin,
        "--",
    ])
    .args(args);
    let out = cmd
        .output()
        .map_err(|e| format!("{bin}: could not start: {e}"))?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Runs the CPython script on `inputs`; returns `(id, ns)` pairs.
fn python_times(
    script: &Path,
    repeat: &str,
    inputs: &[(String, String)],
) -> Result<Vec<(String, f64)>, String> {
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--repeat", repeat])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("python3: could not start: {e}"))?;
    let mut text = String::new();
    for (id, src) in inputs {
        text.push_str(id);
        text.push('\t');
        text.push_str(src);
        text.push('\n');
    }
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("python3: cannot send inputs: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("python3: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "python3 {} failed ({})",
            script.display(),
            out.status
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            let id = f.next()?;
            let ns = f.next()?.parse().ok()?;
            Some((id.to_owned(), ns))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_read_from_eval_pairs_lines() {
        let p = Pair::parse("eval/calls\t15\t2.168\t1.982\t2.317\t1031.7\t2331.0").unwrap();
        assert_eq!((p.name(), p.rounds), ("calls", 15));
        assert_eq!((p.median, p.low, p.high), (2.168, 1.982, 2.317));
        assert_eq!((p.calc_ns, p.rival_ns), (1031.7, 2331.0));
        assert!(Pair::parse("eval/calls\t15\t2.168").is_none());
        assert!(Pair::parse("eval-pairs: skipping x: y").is_none());
    }
}
