//! The server suite: calc-server (logging off and default) and redis-server
//! driven by calc-bench at several connection counts and pipeline depths,
//! interleaved point by point so they share the machine's noise.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::json;
use super::Settings;

/// Connection counts of a full run.
pub const CONNECTIONS: [usize; 5] = [1, 10, 50, 200, 1000];
/// Connection counts of a quick run.
pub const CONNECTIONS_QUICK: [usize; 3] = [1, 50, 1000];
/// Pipeline depths of every run.
pub const PIPELINES: [usize; 2] = [1, 16];

/// One server under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// redis-server answering inline `PING`.
    Redis,
    /// calc-server with `--log-level warning` (no per-request log lines).
    CalcQuiet,
    /// The same with `--workers 1`: one event loop, as Redis runs its
    /// commands on one thread. On the 2-core reference machine, where
    /// calc-bench needs a core of its own, this is the like-for-like
    /// configuration (docs/benchmarks.md, "Workers").
    CalcQuietOneWorker,
    /// calc-server with its default logging (a line per request).
    CalcDefault,
}

impl Kind {
    /// Column and legend label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Redis => "redis PING",
            Kind::CalcQuiet => "calc-server, logging off",
            Kind::CalcQuietOneWorker => "calc-server, logging off, 1 worker",
            Kind::CalcDefault => "calc-server, default logging",
        }
    }

    /// The calc-bench workload arguments for this server.
    fn workload(self) -> &'static [&'static str] {
        match self {
            Kind::Redis => &["--line", "PING", "--expect-prefix", "+PONG"],
            Kind::CalcQuiet | Kind::CalcQuietOneWorker | Kind::CalcDefault => {
                &["--expr", "1+2*3", "--expect", "OK 7"]
            }
        }
    }
}

/// One measured point.
#[derive(Debug, Clone)]
pub struct Point {
    /// Which server.
    pub kind: Kind,
    /// Connections.
    pub connections: usize,
    /// Pipeline depth.
    pub pipeline: usize,
    /// Requests per second; `None` if the run failed outright.
    pub rps: Option<f64>,
    /// Latency percentiles p50, p90, p99, p99.9, max, in microseconds.
    pub latency_us: [f64; 5],
    /// Empty when every answer was right; otherwise what went wrong.
    pub problem: String,
    /// Requests per second of every round, in measurement order.
    pub rounds: Vec<f64>,
}

/// Everything the server suite measured.
#[derive(Debug, Clone)]
pub struct ServerResults {
    /// Servers measured (those that could be started).
    pub kinds: Vec<Kind>,
    /// All points, in measurement order.
    pub points: Vec<Point>,
    /// Commands that started the servers.
    pub server_cmds: Vec<String>,
    /// An example calc-bench command line per server.
    pub bench_cmds: Vec<String>,
    /// Servers that could not be measured, and why.
    pub missing: Vec<String>,
    /// Measured seconds per round.
    pub duration_s: f64,
    /// Rounds per point; the reported point is the median round.
    pub rounds: usize,
    /// Warmup seconds per point.
    pub warmup_s: f64,
    /// `redis-server --version`.
    pub redis_version: String,
}

impl ServerResults {
    /// The point of `kind` at `connections` and `pipeline`.
    pub fn point(&self, kind: Kind, connections: usize, pipeline: usize) -> Option<&Point> {
        self.points
            .iter()
            .find(|p| p.kind == kind && p.connections == connections && p.pipeline == pipeline)
    }

    /// The connection counts measured, ascending.
    pub fn connections(&self) -> Vec<usize> {
        let mut c: Vec<usize> = self.points.iter().map(|p| p.connections).collect();
        c.sort_unstable();
        c.dedup();
        c
    }
}

/// A server process this task started; killed (by its own pid) on drop.
pub struct Server {
    child: Child,
    /// Which server.
    pub kind: Kind,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The programs a server suite runs: calc-bench (required), calc-server
/// and redis-server (each missing one is reported in `missing`).
pub struct Programs {
    /// The release calc-bench.
    pub bench: PathBuf,
    /// The release calc-server, if it built.
    pub calc: Option<PathBuf>,
    /// redis-server, if found or installed.
    pub redis: Option<PathBuf>,
    /// `redis-server --version`, or `not installed`.
    pub redis_version: String,
    /// Where the servers' logs go (target/bench-logs).
    pub logs: PathBuf,
}

/// Builds calc-bench and calc-server in release mode and finds redis-server
/// (installing it if `settings` or CI says so: [`find_redis`]).
pub fn programs(settings: &Settings, missing: &mut Vec<String>) -> Result<Programs, String> {
    let mut build = crate::cargo();
    build.args(["build", "--release", "-p", "calc-bench"]);
    crate::run("cargo build --release -p calc-bench", build)?;
    let bin_dir = super::target_dir().join("release");

    let mut build = crate::cargo();
    build.args(["build", "--release", "-p", "calc-server"]);
    let calc = match crate::run("cargo build --release -p calc-server", build) {
        Ok(()) => Some(bin_dir.join("calc-server")),
        Err(e) => {
            missing.push(format!("calc-server: {e}"));
            None
        }
    };
    let redis = find_redis(settings.install_redis || crate::apt::in_ci(), missing);
    let redis_version = redis
        .as_ref()
        .map(|b| super::machine::output(&b.to_string_lossy(), &["--version"]))
        .unwrap_or_else(|| "not installed".into());
    let logs = crate::project_root().join("target/bench-logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    Ok(Programs {
        bench: bin_dir.join("calc-bench"),
        calc,
        redis,
        redis_version,
        logs,
    })
}

/// Builds the binaries, starts the servers, measures every point.
pub fn run(settings: &Settings) -> Result<ServerResults, String> {
    let mut missing = Vec::new();
    let Programs {
        bench: bench_bin,
        calc: calc_bin,
        redis: redis_bin,
        redis_version,
        logs,
    } = programs(settings, &mut missing)?;

    let mut servers = Vec::new();
    let mut server_cmds = Vec::new();
    if let Some(bin) = &redis_bin {
        match start(Kind::Redis, bin, &logs) {
            Ok((s, cmd)) => {
                servers.push(s);
                server_cmds.push(cmd);
            }
            Err(e) => missing.push(format!("redis-server: {e}")),
        }
    }
    if let Some(bin) = &calc_bin {
        for kind in [Kind::CalcQuiet, Kind::CalcQuietOneWorker, Kind::CalcDefault] {
            match start(kind, bin, &logs) {
                Ok((s, cmd)) => {
                    servers.push(s);
                    server_cmds.push(cmd);
                }
                Err(e) => missing.push(format!("{}: {e}", kind.label())),
            }
        }
    }
    if servers.is_empty() {
        return Err(format!(
            "no server could be started: {}",
            missing.join("; ")
        ));
    }

    let (warmup, duration, rounds) = if settings.quick {
        (0.3, 1.0, 1)
    } else {
        (0.5, 2.0, 3)
    };
    let conns: &[usize] = if settings.quick {
        &CONNECTIONS_QUICK
    } else {
        &CONNECTIONS
    };
    let mut points = Vec::new();
    let mut bench_cmds = Vec::new();
    for &pipeline in &PIPELINES {
        for &connections in conns {
            let mut trials: Vec<Vec<Point>> = vec![Vec::new(); servers.len()];
            for round in 0..rounds {
                for (server, trials) in servers.iter().zip(trials.iter_mut()) {
                    let args = bench_args(server, connections, pipeline, warmup, duration);
                    if connections == 50 && pipeline == 1 && round == 0 {
                        bench_cmds.push(format!("calc-bench {}", args.join(" ")));
                    }
                    let point = measure(&bench_bin, server.kind, &args, connections, pipeline);
                    eprintln!(
                        "==> {:<30} c={connections:<5} P={pipeline:<3} round {}: {:>9.0} req/s  p99 {:>9.1} µs {}",
                        server.kind.label(),
                        round + 1,
                        point.rps.unwrap_or(0.0),
                        point.latency_us[2],
                        point.problem
                    );
                    trials.push(point);
                }
            }
            points.extend(trials.into_iter().filter_map(median));
        }
    }
    let kinds = servers.iter().map(|s| s.kind).collect();
    drop(servers);
    Ok(ServerResults {
        kinds,
        points,
        server_cmds,
        bench_cmds,
        missing,
        duration_s: duration,
        rounds,
        warmup_s: warmup,
        redis_version,
    })
}

/// The round with the median requests/s, carrying every round's figure; a
/// failure in any round is kept, so it cannot hide behind a good median.
fn median(mut trials: Vec<Point>) -> Option<Point> {
    let all: Vec<f64> = trials.iter().map(|p| p.rps.unwrap_or(0.0)).collect();
    let problems: Vec<String> = trials
        .iter()
        .filter(|p| !p.problem.is_empty())
        .map(|p| p.problem.clone())
        .collect();
    trials.sort_by(|a, b| a.rps.unwrap_or(0.0).total_cmp(&b.rps.unwrap_or(0.0)));
    let mid = trials.len() / 2;
    let mut point = trials.into_iter().nth(mid)?;
    point.rounds = all;
    if point.problem.is_empty() && !problems.is_empty() {
        point.problem = problems.join("; ");
    }
    Some(point)
}

fn bench_args(
    server: &Server,
    connections: usize,
    pipeline: usize,
    warmup: f64,
    duration: f64,
) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "127.0.0.1".into(),
        server.port.to_string(),
        "--connections".into(),
        connections.to_string(),
        "--pipeline".into(),
        pipeline.to_string(),
        "--warmup".into(),
        warmup.to_string(),
        "--duration".into(),
        duration.to_string(),
    ];
    args.extend(server.kind.workload().iter().map(|s| s.to_string()));
    args.push("--json".into());
    args
}

fn measure(bin: &Path, kind: Kind, args: &[String], connections: usize, pipeline: usize) -> Point {
    let mut point = Point {
        kind,
        connections,
        pipeline,
        rps: None,
        latency_us: [0.0; 5],
        problem: String::new(),
        rounds: Vec::new(),
    };
    let out = match Command::new(bin).args(args).stderr(Stdio::piped()).output() {
        Ok(o) => o,
        Err(e) => {
            point.problem = format!("calc-bench could not start: {e}");
            return point;
        }
    };
    let report = json::BenchReport::parse(&String::from_utf8_lossy(&out.stdout));
    let number = |key: &str| report.as_ref().and_then(|r| r.number(key));
    if let Some(rps) = number("rps") {
        point.rps = Some(rps);
        for (slot, key) in point.latency_us.iter_mut().zip([
            "lat_p50_us",
            "lat_p90_us",
            "lat_p99_us",
            "lat_p999_us",
            "lat_max_us",
        ]) {
            *slot = number(key).unwrap_or(0.0);
        }
    }
    if !out.status.success() {
        let counts: Vec<String> = ["wrong", "unexpected", "conn_errors", "unanswered"]
            .iter()
            .filter_map(|k| number(k).filter(|&n| n > 0.0).map(|n| format!("{n} {k}")))
            .collect();
        let stderr = String::from_utf8_lossy(&out.stderr);
        point.problem = if counts.is_empty() {
            format!("FAILED: {}", stderr.trim())
        } else {
            format!("FAILED: {}", counts.join(", "))
        };
    }
    point
}

/// How to get redis-server, for the messages.
const HOW_REDIS: &str = "install it with `apt-get install redis-server` (as root), or run \
                         `cargo xtask bench --install-redis` as root";

/// redis-server from PATH. When it is
/// missing: installed with apt-get if `install` (`--install-redis`, or
/// under CI), and failing to is reported in `missing`; otherwise we say
/// that the suites run without Redis and how to install it.
pub fn find_redis(install: bool, missing: &mut Vec<String>) -> Option<PathBuf> {
    if let Some(p) = which("redis-server") {
        return Some(p);
    }
    if !install {
        eprintln!(
            "==> redis-server is not installed: the server and isolation suites \
             SKIP Redis and measure calc-server alone; to include Redis, {HOW_REDIS}"
        );
        missing.push(format!("redis-server: not installed ({HOW_REDIS})"));
        return None;
    }
    if let Err(e) = crate::apt::install("redis-server", HOW_REDIS) {
        missing.push(format!("redis-server: {e}"));
        return None;
    }
    let found = which("redis-server");
    if found.is_none() {
        missing
            .push("redis-server: apt-get installed it but no redis-server binary is found".into());
    }
    found
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_string_lossy()
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

/// A port free at the moment of asking (the server binds it right after).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Starts `kind` from `bin` on a free port of 127.0.0.1, its logs in
/// `logs`, and waits until it answers; returns it and the command shown in
/// the report.
pub fn start(kind: Kind, bin: &Path, logs: &Path) -> Result<(Server, String), String> {
    let port = free_port()?;
    let mut cmd = Command::new(bin);
    let shown = match kind {
        Kind::Redis => {
            let args = [
                "--bind",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ]
            .map(String::from);
            cmd.args(&args);
            format!("redis-server --bind 127.0.0.1 --port {port} --save '' --appendonly no --daemonize no --loglevel warning")
        }
        Kind::CalcQuiet | Kind::CalcQuietOneWorker | Kind::CalcDefault => {
            let log = logs.join(match kind {
                Kind::CalcQuiet => "calc-server-quiet.log",
                Kind::CalcQuietOneWorker => "calc-server-quiet-1.log",
                _ => "calc-server-default.log",
            });
            let _ = std::fs::remove_file(&log);
            let mut args = vec![
                "127.0.0.1".to_string(),
                port.to_string(),
                "--log-file".into(),
                log.display().to_string(),
            ];
            // The report names the log file from the workspace root.
            let root = crate::project_root();
            let shown_log = log
                .strip_prefix(&root)
                .unwrap_or(&log)
                .display()
                .to_string();
            if kind != Kind::CalcDefault {
                args.extend(["--log-level".into(), "warning".into()]);
            }
            if kind == Kind::CalcQuietOneWorker {
                args.extend(["--workers".into(), "1".into()]);
            }
            cmd.args(&args);
            let mut shown = args.clone();
            if let Some(slot) = shown.get_mut(3) {
                *slot = shown_log;
            }
            format!("calc-server {}", shown.join(" "))
        }
    };
    // The console side of the server's logging goes to a file: a terminal
    // would make the default-logging figures depend on the terminal.
    let console = File::create(logs.join(format!("console-{port}.txt")))
        .map_err(|e| format!("console log: {e}"))?;
    let console_err = console
        .try_clone()
        .map_err(|e| format!("console log: {e}"))?;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(console)
        .stderr(console_err)
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    let mut server = Server { child, kind, port };
    wait_ready(&mut server, &logs.join(format!("console-{port}.txt")))?;
    Ok((server, shown))
}

/// Waits until the server answers its workload's request correctly.
fn wait_ready(server: &mut Server, console: &Path) -> Result<(), String> {
    let (line, want): (&[u8], &str) = match server.kind {
        Kind::Redis => (b"PING\r\n", "+PONG"),
        _ => (b"1+2*3\n", "OK 7"),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(Some(status)) = server.child.try_wait() {
            let said = std::fs::read_to_string(console).unwrap_or_default();
            return Err(format!("exited at start ({status}): {}", said.trim()));
        }
        match try_request(server.port, line) {
            Ok(answer) if answer.trim_end() == want => return Ok(()),
            Ok(answer) => last = format!("answered {answer:?} instead of {want:?}"),
            Err(e) => last = e,
        }
        thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "not ready on port {} after 10 s: {last}",
        server.port
    ))
}

fn try_request(port: u16, line: &[u8]) -> Result<String, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    s.write_all(line).map_err(|e| e.to_string())?;
    let mut answer = String::new();
    BufReader::new(s)
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(rps: f64, problem: &str) -> Point {
        Point {
            kind: Kind::Redis,
            connections: 1,
            pipeline: 1,
            rps: Some(rps),
            latency_us: [rps; 5],
            problem: problem.into(),
            rounds: Vec::new(),
        }
    }

    #[test]
    fn median_round_keeps_every_figure_and_any_failure() {
        let m = median(vec![
            point(30.0, ""),
            point(10.0, "FAILED: 1 wrong"),
            point(20.0, ""),
        ])
        .expect("three rounds");
        assert_eq!(m.rps, Some(20.0));
        assert_eq!(m.latency_us[0], 20.0);
        assert_eq!(m.rounds, vec![30.0, 10.0, 20.0]);
        assert_eq!(m.problem, "FAILED: 1 wrong");
        assert!(median(Vec::new()).is_none());
    }
}
