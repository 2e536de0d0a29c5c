//! `cargo xtask bench [--quick] [--only eval|embedding|server|isolation]`:
//! the evaluator suite (criterion + CPython), the embedding suite
//! (calc-core parsed once or one-shot with variables, against the crates an
//! embedder would otherwise pick), the server suite (calc-server and Redis
//! under calc-bench) and the isolation suite (cheap requests beside costly
//! ones, on both servers), written to docs/benchmarks.md and
//! docs/bench/*.svg.
//!
//! Only the part of docs/benchmarks.md between the two markers below is
//! generated; the prose around it is kept.

mod embedding;
mod eval;
mod isolation;
mod json;
mod machine;
mod plot;
mod report;
mod server;

use std::fs;
use std::path::PathBuf;

use argh::FromArgs;

/// The markers around a generated block of docs/benchmarks.md; each suite
/// has its own, so `--only eval` leaves the server figures in place.
fn markers(block: &str) -> (String, String) {
    (
        format!("<!-- BEGIN GENERATED {block}: `cargo xtask bench` rewrites this block -->"),
        format!("<!-- END GENERATED {block} -->"),
    )
}

/// Evaluator, server and isolation benchmarks, written into
/// docs/benchmarks.md and docs/bench/*.svg.
#[derive(FromArgs, Debug, Clone, PartialEq, Eq)]
#[argh(subcommand, name = "bench")]
pub struct Args {
    /// short measurements and fewer points (under two minutes once built)
    #[argh(switch)]
    pub quick: bool,
    /// run only this suite: eval, embedding, server or isolation
    /// (repeatable; default all four)
    #[argh(option, from_str_fn(suite), arg_name = "SUITE")]
    pub only: Vec<Suite>,
    /// install redis-server (apt-get, as root) when it is missing, as under
    /// CI; without it the server and isolation suites measure calc-server
    /// alone
    #[argh(switch)]
    pub install_redis: bool,
}

/// A benchmark suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// calc-core against the other evaluators and CPython.
    Eval,
    /// calc-core as an embedded formula evaluator, against its peers.
    Embedding,
    /// calc-server and Redis under calc-bench.
    Server,
    /// Cheap requests beside costly ones, on both servers.
    Isolation,
}

impl Suite {
    const ALL: [Suite; 4] = [
        Suite::Eval,
        Suite::Embedding,
        Suite::Server,
        Suite::Isolation,
    ];

    fn name(self) -> &'static str {
        match self {
            Suite::Eval => "eval",
            Suite::Embedding => "embedding",
            Suite::Server => "server",
            Suite::Isolation => "isolation",
        }
    }
}

fn suite(name: &str) -> Result<Suite, String> {
    Suite::ALL
        .into_iter()
        .find(|s| s.name() == name)
        .ok_or_else(|| format!("--only takes eval, embedding, server or isolation, not {name:?}"))
}

/// What to run.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Short measurements and fewer points: under two minutes once built.
    pub quick: bool,
    /// Run the evaluator suite.
    pub eval: bool,
    /// Run the embedding suite.
    pub embedding: bool,
    /// Run the server suite.
    pub server: bool,
    /// Run the isolation suite.
    pub isolation: bool,
    /// Install a missing redis-server (`--install-redis`; under CI it is
    /// installed anyway).
    pub install_redis: bool,
}

impl Settings {
    fn new(args: &Args) -> Settings {
        let runs = |s: Suite| args.only.is_empty() || args.only.contains(&s);
        Settings {
            quick: args.quick,
            eval: runs(Suite::Eval),
            embedding: runs(Suite::Embedding),
            server: runs(Suite::Server),
            isolation: runs(Suite::Isolation),
            install_redis: args.install_redis,
        }
    }
}

/// The command line that reproduces a run, for the report.
fn command(args: &Args) -> String {
    let mut command = String::from("cargo xtask bench");
    if args.quick {
        command.push_str(" --quick");
    }
    for s in &args.only {
        command.push_str(" --only ");
        command.push_str(s.name());
    }
    command
}

/// Runs the benchmark suites and writes the report.
pub fn bench(args: &Args) -> Result<(), String> {
    let settings = Settings::new(args);
    let machine = machine::Machine::describe();
    let root = crate::project_root();
    let plot_dir = root.join("docs/bench");
    fs::create_dir_all(&plot_dir).map_err(|e| format!("{}: {e}", plot_dir.display()))?;

    let command = command(args);
    let doc = root.join("docs/benchmarks.md");
    let mut text = fs::read_to_string(&doc).unwrap_or_default();
    let mut failures = Vec::new();

    if settings.eval {
        let results = eval::run(&settings);
        let suite = Published {
            name: "evaluator suite",
            marker: "EVALUATOR",
            command: &command,
            quick: settings.quick,
            machine: &machine,
        };
        suite.publish(
            results,
            |r| plot::eval_length(r, &plot_dir),
            report::eval_block,
            (&doc, &mut text),
            &mut failures,
        )?;
    }
    if settings.embedding {
        let started = machine::Machine {
            commit: machine.commit.clone(),
            ..machine::Machine::describe()
        };
        let results = embedding::run(&settings);
        let suite = Published {
            name: "embedding suite",
            marker: "EMBEDDING",
            command: &command,
            quick: settings.quick,
            machine: &started,
        };
        suite.publish(
            results,
            |r| plot::embedding(r, &plot_dir),
            report::embedding_block,
            (&doc, &mut text),
            &mut failures,
        )?;
    }
    if settings.server {
        // The commit as it was at the start: the evaluator suite has
        // rewritten docs/benchmarks.md by now, which `--dirty` would see.
        let started = machine::Machine {
            commit: machine.commit.clone(),
            ..machine::Machine::describe()
        };
        let results = server::run(&settings);
        let files = match &results {
            Ok(r) => plot::server(r, &plot_dir, &server::PIPELINES)?,
            Err(_) => Vec::new(),
        };
        let run = report::Run {
            command: command.clone(),
            quick: settings.quick,
            machine: &started,
            load_end: machine::load(),
        };
        let block = report::server_block(&run, results.as_ref().map_err(String::as_str), &files);
        print!("{block}");
        text = splice(&text, "SERVER", &block);
        fs::write(&doc, &text).map_err(|e| format!("{}: {e}", doc.display()))?;
        if let Err(e) = results {
            failures.push(format!("server suite: {e}"));
        }
    }
    if settings.isolation {
        // As for the server suite: the commit at the start, the rest now.
        let started = machine::Machine {
            commit: machine.commit.clone(),
            ..machine::Machine::describe()
        };
        let results = isolation::run(&settings);
        let run = report::Run {
            command,
            quick: settings.quick,
            machine: &started,
            load_end: machine::load(),
        };
        let block = report::isolation_block(&run, results.as_ref().map_err(String::as_str));
        print!("{block}");
        text = splice(&text, "ISOLATION", &block);
        fs::write(&doc, &text).map_err(|e| format!("{}: {e}", doc.display()))?;
        if let Err(e) = results {
            failures.push(format!("isolation suite: {e}"));
        }
    }
    eprintln!("==> wrote {} and docs/bench/*.svg", doc.display());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// Cargo's target directory (CARGO_TARGET_DIR or the workspace's target/).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::project_root().join("target"))
}

/// `old` with the text between `block`'s markers replaced by `generated`
/// (the markers are appended when missing).
/// A suite whose results become a generated block of docs/benchmarks.md.
struct Published<'a> {
    /// What a failure is reported as.
    name: &'a str,
    /// The block's marker in the document.
    marker: &'a str,
    command: &'a str,
    quick: bool,
    /// The machine at the suite's start.
    machine: &'a machine::Machine,
}

impl Published<'_> {
    /// Plots `results`, writes their block into the document (`doc`, whose
    /// text is `text`) and prints it; a failed suite is noted in
    /// `failures` and still gets its block.
    fn publish<R>(
        &self,
        results: Result<R, String>,
        plot: impl FnOnce(&R) -> Result<Vec<String>, String>,
        block: impl FnOnce(&report::Run<'_>, Result<&R, &str>, &[String]) -> String,
        (doc, text): (&std::path::Path, &mut String),
        failures: &mut Vec<String>,
    ) -> Result<(), String> {
        let files = match &results {
            Ok(r) => plot(r)?,
            Err(_) => Vec::new(),
        };
        let run = report::Run {
            command: self.command.to_string(),
            quick: self.quick,
            machine: self.machine,
            load_end: machine::load(),
        };
        let block = block(&run, results.as_ref().map_err(String::as_str), &files);
        print!("{block}");
        *text = splice(text, self.marker, &block);
        fs::write(doc, &*text).map_err(|e| format!("{}: {e}", doc.display()))?;
        if let Err(e) = results {
            failures.push(format!("{}: {e}", self.name));
        }
        Ok(())
    }
}

fn splice(old: &str, block: &str, generated: &str) -> String {
    let (begin, end) = markers(block);
    let fresh = format!("{begin}\n{generated}{end}\n");
    match (old.find(&begin), old.find(&end)) {
        (Some(b), Some(e)) if b < e => {
            let after = old.get(e + end.len()..).unwrap_or("");
            let after = after.strip_prefix('\n').unwrap_or(after);
            format!("{}{fresh}{after}", old.get(..b).unwrap_or(""))
        }
        _ => {
            let mut s = if old.is_empty() {
                "# Benchmarks\n".to_string()
            } else {
                old.to_string()
            };
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s.push('\n');
            s.push_str(&fresh);
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_keeps_prose_and_other_blocks() {
        let (b, e) = markers("A");
        let (b2, e2) = markers("B");
        let old = format!("# T\n\nintro\n\n{b}\nold a\n{e}\n\nmid\n\n{b2}\nold b\n{e2}\n\nend\n");
        let new = splice(&old, "A", "new a\n");
        let want = format!("# T\n\nintro\n\n{b}\nnew a\n{e}\n\nmid\n\n{b2}\nold b\n{e2}\n\nend\n");
        assert_eq!(new, want);
    }

    #[test]
    fn splice_appends_markers_when_missing() {
        let (b, e) = markers("A");
        let new = splice("", "A", "t\n");
        assert!(new.starts_with("# Benchmarks\n"));
        assert!(new.ends_with(&format!("{b}\nt\n{e}\n")));
    }

    #[test]
    fn parses_flags() {
        let parse = |a: &[&str]| {
            Args::from_args(&["cargo xtask bench"], a).map(|a| (Settings::new(&a), command(&a)))
        };
        let (s, c) = parse(&["--quick", "--only", "eval"]).expect("valid");
        assert!(s.quick && s.eval && !s.embedding && !s.server && !s.isolation);
        assert_eq!(c, "cargo xtask bench --quick --only eval");
        let (s, _) = parse(&["--only", "isolation"]).expect("valid");
        assert!(!s.eval && !s.server && s.isolation);
        let (s, c) = parse(&["--only", "server", "--only", "isolation"]).expect("valid");
        assert!(!s.eval && s.server && s.isolation);
        assert_eq!(c, "cargo xtask bench --only server --only isolation");
        let (s, c) = parse(&["--only", "embedding"]).expect("valid");
        assert!(s.embedding && !s.eval && !s.server && !s.isolation);
        assert_eq!(c, "cargo xtask bench --only embedding");
        let (s, c) = parse(&[]).expect("valid");
        assert!(!s.quick && s.eval && s.embedding && s.server && s.isolation);
        assert_eq!(c, "cargo xtask bench");
        assert!(!s.install_redis);
        let (s, c) = parse(&["--install-redis", "--only", "server"]).expect("valid");
        assert!(s.install_redis && s.server && !s.isolation);
        // Installing changes nothing measured: the command does not name it.
        assert_eq!(c, "cargo xtask bench --only server");
        assert!(parse(&["--only"]).is_err());
        assert!(parse(&["--only", "net"]).is_err());
        assert!(parse(&["--fast"]).is_err());
    }
}
