//! The isolation suite: does a cheap request wait behind other clients'
//! costly ones? calc-server (default configuration, logging at warning)
//! and redis-server each answer 8 connections of cheap requests alone,
//! beside 8 connections each keeping one costly request in flight, and
//! beside 2 connections pipelining 150 costly requests each. Rounds are
//! interleaved server by server; the report gives the median of each
//! figure over the rounds.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::json;
use super::server::{self, Kind, Programs, Server};
use super::Settings;

/// Connections of the cheap class, each with one request in flight.
pub const CHEAP_CONNECTIONS: usize = 8;

/// calc-server's cheap request and its answer.
pub const CALC_CHEAP: (&str, &str) = ("1+2*3", "OK 7");
/// calc-server's costly request: a modular power with a 3,322-bit exponent
/// and modulus, near the most work the default limits accept, and its
/// answer.
pub const CALC_COSTLY: (&str, &str) = ("pow(3, 10**1000, 10**1000 + 1) % 2", "OK 1");
/// Iterations of Redis's busy Lua script: chosen so that one call takes
/// about as long as calc-server's costly request (both are timed by the
/// suite and reported).
pub const LUA_LOOPS: u64 = 2_000_000;

/// Redis's cheap request and the prefix of its answer.
pub const REDIS_CHEAP: (&str, &str) = ("PING", "+PONG");

/// Redis's costly request: a Lua script that counts to [`LUA_LOOPS`].
pub fn redis_costly() -> (String, String) {
    (
        format!("EVAL \"local i=0 while i<{LUA_LOOPS} do i=i+1 end return i\" 0"),
        format!(":{LUA_LOOPS}"),
    )
}

/// One situation the cheap class is measured in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Case {
    /// Costly connections beside the cheap ones (0: cheap alone).
    pub costly_connections: usize,
    /// Costly requests in flight per costly connection.
    pub costly_pipeline: usize,
    /// The most calc-server's cheap p99 may be, in milliseconds.
    pub goal_ms: Option<f64>,
}

impl Case {
    /// The row label.
    pub fn label(&self) -> String {
        if self.costly_connections == 0 {
            format!("cheap alone ({CHEAP_CONNECTIONS} connections)")
        } else {
            format!(
                "beside {} costly connections at depth {}",
                self.costly_connections, self.costly_pipeline
            )
        }
    }
}

/// The name of a server in this suite's report.
pub fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Redis => "redis-server",
        _ => "calc-server",
    }
}

/// The cases, in measurement order.
pub const CASES: [Case; 3] = [
    Case {
        costly_connections: 0,
        costly_pipeline: 1,
        goal_ms: None,
    },
    Case {
        costly_connections: 8,
        costly_pipeline: 1,
        goal_ms: Some(5.0),
    },
    Case {
        costly_connections: 2,
        costly_pipeline: 150,
        goal_ms: Some(100.0),
    },
];

/// The figures of one calc-bench run, latencies in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Cheap answers per second.
    pub cheap_rps: f64,
    /// Cheap latency median.
    pub cheap_p50: f64,
    /// Cheap latency 99th percentile.
    pub cheap_p99: f64,
    /// Cheap latency maximum.
    pub cheap_max: f64,
    /// Cheap answers timed (during the measurement and in the drain).
    pub cheap_timed: f64,
    /// Costly answers per second.
    pub costly_rps: f64,
    /// Costly latency median.
    pub costly_p50: f64,
    /// Costly latency 99th percentile.
    pub costly_p99: f64,
}

/// One round of one case on one server.
#[derive(Debug, Clone)]
pub struct Round {
    /// The figures, `None` if calc-bench printed none.
    pub figures: Option<Figures>,
    /// Empty when every answer was right; otherwise what went wrong.
    pub problem: String,
}

/// Every round of one case on one server.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Which server.
    pub kind: Kind,
    /// Which case.
    pub case: Case,
    /// In measurement order.
    pub rounds: Vec<Round>,
}

impl Cell {
    /// The median over the rounds of each figure on its own.
    pub fn median(&self) -> Option<Figures> {
        let all: Vec<Figures> = self.rounds.iter().filter_map(|r| r.figures).collect();
        if all.is_empty() {
            return None;
        }
        let med = |f: fn(&Figures) -> f64| median(all.iter().map(f).collect());
        Some(Figures {
            cheap_rps: med(|f| f.cheap_rps),
            cheap_p50: med(|f| f.cheap_p50),
            cheap_p99: med(|f| f.cheap_p99),
            cheap_max: med(|f| f.cheap_max),
            cheap_timed: med(|f| f.cheap_timed),
            costly_rps: med(|f| f.costly_rps),
            costly_p50: med(|f| f.costly_p50),
            costly_p99: med(|f| f.costly_p99),
        })
    }

    /// Every round's problems, joined.
    pub fn problems(&self) -> String {
        let p: Vec<&str> = self
            .rounds
            .iter()
            .map(|r| r.problem.as_str())
            .filter(|p| !p.is_empty())
            .collect();
        p.join("; ")
    }
}

/// The middle value (the upper one of an even count); 0 if none.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The time of one costly request alone, on an idle server.
#[derive(Debug, Clone)]
pub struct Probe {
    /// Which server.
    pub kind: Kind,
    /// The answer of the last call.
    pub answer: String,
    /// Whether every answer was the expected one.
    pub ok: bool,
    /// Median milliseconds per call over the calls.
    pub median_ms: f64,
    /// The fastest call, in milliseconds.
    pub fastest_ms: f64,
    /// Calls made.
    pub calls: usize,
}

/// Everything the isolation suite measured.
#[derive(Debug, Clone)]
pub struct IsolationResults {
    /// Servers measured.
    pub kinds: Vec<Kind>,
    /// One cell per case and server, cases in order.
    pub cells: Vec<Cell>,
    /// Costly requests timed alone.
    pub probes: Vec<Probe>,
    /// Commands that started the servers.
    pub server_cmds: Vec<String>,
    /// The calc-bench command of each case and server (first round).
    pub bench_cmds: Vec<String>,
    /// Servers that could not be measured, and why.
    pub missing: Vec<String>,
    /// Warmup seconds per round.
    pub warmup_s: f64,
    /// Measured seconds per round.
    pub duration_s: f64,
    /// Rounds per case and server.
    pub rounds: usize,
    /// `redis-server --version`.
    pub redis_version: String,
}

impl IsolationResults {
    /// The cell of `kind` in `case`.
    pub fn cell(&self, kind: Kind, case: Case) -> Option<&Cell> {
        self.cells.iter().find(|c| c.kind == kind && c.case == case)
    }
}

/// The calc-server configuration measured: default workers and limits,
/// logging at warning.
const CALC: Kind = Kind::CalcQuiet;

/// Builds the binaries, starts the servers, times the costly requests and
/// measures every case.
pub fn run(settings: &Settings) -> Result<IsolationResults, String> {
    let mut missing = Vec::new();
    let programs = server::programs(settings, &mut missing)?;
    let mut servers: Vec<Server> = Vec::new();
    let mut server_cmds = Vec::new();
    for (kind, bin) in [(CALC, &programs.calc), (Kind::Redis, &programs.redis)] {
        let Some(bin) = bin else { continue };
        match server::start(kind, bin, &programs.logs) {
            Ok((s, cmd)) => {
                servers.push(s);
                server_cmds.push(cmd);
            }
            Err(e) => missing.push(format!("{}: {e}", label(kind))),
        }
    }
    if servers.is_empty() {
        return Err(format!(
            "no server could be started: {}",
            missing.join("; ")
        ));
    }

    let mut probes = Vec::new();
    for s in &servers {
        let (request, want) = costly(s.kind);
        match probe(s.kind, s.port, &request, &want, 9) {
            Ok(p) => {
                eprintln!(
                    "==> {:<12} costly request alone: {:.1} ms (median of {}; fastest {:.1} ms), answer {:?}",
                    label(s.kind),
                    p.median_ms,
                    p.calls,
                    p.fastest_ms,
                    p.answer
                );
                probes.push(p);
            }
            Err(e) => missing.push(format!("{}: costly request: {e}", label(s.kind))),
        }
    }

    let (warmup, duration, rounds) = if settings.quick {
        (0.5, 1.5, 1)
    } else {
        (1.0, 3.0, 3)
    };
    let mut cells: Vec<Cell> = Vec::new();
    let mut bench_cmds = Vec::new();
    for case in CASES {
        let mut row: Vec<Cell> = servers
            .iter()
            .map(|s| Cell {
                kind: s.kind,
                case,
                rounds: Vec::new(),
            })
            .collect();
        for round in 0..rounds {
            for (s, cell) in servers.iter().zip(row.iter_mut()) {
                let args = bench_args(s, case, warmup, duration);
                if round == 0 {
                    bench_cmds.push(format!("calc-bench {}", shell_words(&args)));
                }
                let r = measure(&programs, &args);
                let f = r.figures.unwrap_or_default();
                eprintln!(
                    "==> {:<12} {:<44} round {}: cheap p50 {:>9.1} µs p99 {:>10.1} µs {:>8.0} req/s; costly p99 {:>10.1} µs {}",
                    label(s.kind),
                    case.label(),
                    round + 1,
                    f.cheap_p50,
                    f.cheap_p99,
                    f.cheap_rps,
                    f.costly_p99,
                    r.problem
                );
                cell.rounds.push(r);
            }
        }
        cells.extend(row);
    }
    let kinds = servers.iter().map(|s| s.kind).collect();
    drop(servers);
    Ok(IsolationResults {
        kinds,
        cells,
        probes,
        server_cmds,
        bench_cmds,
        missing,
        warmup_s: warmup,
        duration_s: duration,
        rounds,
        redis_version: programs.redis_version,
    })
}

/// The costly request of `kind` and its expected answer (exact for
/// calc-server, a prefix for Redis).
fn costly(kind: Kind) -> (String, String) {
    match kind {
        Kind::Redis => redis_costly(),
        _ => (CALC_COSTLY.0.into(), CALC_COSTLY.1.into()),
    }
}

/// The calc-bench arguments of one round.
fn bench_args(server: &Server, case: Case, warmup: f64, duration: f64) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "127.0.0.1".into(),
        server.port.to_string(),
        "--connections".into(),
        CHEAP_CONNECTIONS.to_string(),
        "--pipeline".into(),
        "1".into(),
        "--warmup".into(),
        warmup.to_string(),
        "--duration".into(),
        duration.to_string(),
        // The costly connections pipelining 150 requests keep a server
        // busy for seconds at a time; an answer may take that long.
        "--timeout".into(),
        "60".into(),
    ];
    let redis = server.kind == Kind::Redis;
    let (cheap, cheap_want) = if redis { REDIS_CHEAP } else { CALC_CHEAP };
    if redis {
        args.extend(["--line".into(), cheap.into()]);
        args.extend(["--expect-prefix".into(), cheap_want.into()]);
    } else {
        args.extend(["--expr".into(), cheap.into()]);
        args.extend(["--expect".into(), cheap_want.into()]);
    }
    if case.costly_connections > 0 {
        let (request, want) = costly(server.kind);
        args.extend([
            "--costly-connections".into(),
            case.costly_connections.to_string(),
            "--costly-pipeline".into(),
            case.costly_pipeline.to_string(),
        ]);
        if redis {
            args.extend(["--costly-line".into(), request]);
            args.extend(["--costly-expect-prefix".into(), want]);
        } else {
            args.extend(["--costly-expr".into(), request]);
            args.extend(["--costly-expect".into(), want]);
        }
    }
    args.push("--json".into());
    args
}

/// Arguments as a shell would need them typed.
fn shell_words(args: &[String]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-_.:/=,@%".contains(c));
            if plain {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect();
    words.join(" ")
}

/// Runs calc-bench once and reads its per-class figures.
fn measure(programs: &Programs, args: &[String]) -> Round {
    let out = match Command::new(&programs.bench)
        .args(args)
        .stderr(Stdio::piped())
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            return Round {
                figures: None,
                problem: format!("calc-bench could not start: {e}"),
            }
        }
    };
    let report = json::BenchReport::parse(&String::from_utf8_lossy(&out.stdout));
    let mut round = Round {
        figures: report.as_ref().and_then(figures),
        problem: String::new(),
    };
    if !out.status.success() {
        let counts: Vec<String> = ["wrong", "unexpected", "conn_errors", "unanswered"]
            .iter()
            .flat_map(|k| ["cheap", "costly"].map(|c| format!("{c}_{k}")))
            .filter_map(|k| {
                report
                    .as_ref()
                    .and_then(|r| r.number(&k))
                    .filter(|&n| n > 0.0)
                    .map(|n| format!("{n} {k}"))
            })
            .collect();
        let stderr = String::from_utf8_lossy(&out.stderr);
        round.problem = if counts.is_empty() {
            format!("FAILED: {}", stderr.trim())
        } else {
            format!("FAILED: {}", counts.join(", "))
        };
    }
    round
}

/// The per-class figures of one calc-bench JSON report (costly ones zero
/// when the run had no costly class).
fn figures(report: &json::BenchReport) -> Option<Figures> {
    let n = |k: &str| report.number(k).unwrap_or(0.0);
    report.number("cheap_rps")?;
    Some(Figures {
        cheap_rps: n("cheap_rps"),
        cheap_p50: n("cheap_lat_p50_us"),
        cheap_p99: n("cheap_lat_p99_us"),
        cheap_max: n("cheap_lat_max_us"),
        cheap_timed: n("cheap_requests") + n("cheap_drained"),
        costly_rps: n("costly_rps"),
        costly_p50: n("costly_lat_p50_us"),
        costly_p99: n("costly_lat_p99_us"),
    })
}

/// Sends `request` `calls` times, one after another on one connection,
/// and returns the median time per call and whether every answer started
/// with `want`.
fn probe(kind: Kind, port: u16, request: &str, want: &str, calls: usize) -> Result<Probe, String> {
    let err = |e: std::io::Error| e.to_string();
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(err)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(err)?;
    stream.set_nodelay(true).map_err(err)?;
    let mut writer = stream.try_clone().map_err(err)?;
    let mut reader = BufReader::new(stream);
    let line = format!("{request}\n");
    let mut times = Vec::with_capacity(calls);
    let mut answer = String::new();
    let mut ok = true;
    for _ in 0..calls {
        answer.clear();
        let t = Instant::now();
        writer.write_all(line.as_bytes()).map_err(err)?;
        reader.read_line(&mut answer).map_err(err)?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        ok &= answer.starts_with(want);
    }
    Ok(Probe {
        kind,
        answer: answer.trim_end().into(),
        ok,
        fastest_ms: times.iter().copied().fold(f64::INFINITY, f64::min),
        median_ms: median(times),
        calls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(cheap_p99: f64) -> Round {
        Round {
            figures: Some(Figures {
                cheap_p99,
                cheap_rps: cheap_p99 * 10.0,
                ..Figures::default()
            }),
            problem: String::new(),
        }
    }

    #[test]
    fn median_of_each_figure_over_the_rounds() {
        let cell = Cell {
            kind: Kind::Redis,
            case: CASES[1],
            rounds: vec![round(30.0), round(10.0), round(20.0)],
        };
        let m = cell.median().expect("figures");
        assert_eq!(m.cheap_p99, 20.0);
        assert_eq!(m.cheap_rps, 200.0);
        assert!(cell.problems().is_empty());
        let empty = Cell {
            rounds: vec![Round {
                figures: None,
                problem: "FAILED: refused".into(),
            }],
            ..cell
        };
        assert!(empty.median().is_none());
        assert_eq!(empty.problems(), "FAILED: refused");
    }

    #[test]
    fn reads_per_class_figures() {
        let j = r#"{"rps":9.0,"cheap_requests":150,"cheap_drained":3,"cheap_rps":100.5,"cheap_lat_p50_us":40.0,"cheap_lat_p99_us":90.0,"cheap_lat_max_us":300.0,"costly_rps":2.0,"costly_lat_p50_us":20000.0,"costly_lat_p99_us":30000.0}"#;
        let parse = |j: &str| json::BenchReport::parse(j).expect("an object");
        let f = figures(&parse(j)).expect("cheap figures");
        assert_eq!(f.cheap_rps, 100.5);
        assert_eq!(f.cheap_p99, 90.0);
        assert_eq!(f.cheap_timed, 153.0);
        assert_eq!(f.costly_p50, 20000.0);
        assert!(figures(&parse(r#"{"rps":1.0}"#)).is_none());
    }

    #[test]
    fn redis_script_counts_to_its_answer() {
        let (line, want) = redis_costly();
        assert!(line.starts_with("EVAL \"local i=0 while i<2000000 do"));
        assert!(line.ends_with("return i\" 0"));
        assert_eq!(want, ":2000000");
    }

    #[test]
    fn calc_costly_request_is_accepted_with_its_answer() {
        let limits = calc_core::Limits::default();
        let v = calc_core::eval_with(CALC_COSTLY.0, &limits).expect("within the default limits");
        assert_eq!(format!("OK {v}"), CALC_COSTLY.1);
    }

    #[test]
    fn shell_words_quote_what_needs_it() {
        let args: Vec<String> = ["--expr", "1+2*3", "--costly-line", "EVAL \"x\" 0", "it's"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            shell_words(&args),
            r#"--expr '1+2*3' --costly-line 'EVAL "x" 0' 'it'\''s'"#
        );
    }

    #[test]
    fn cases_carry_the_goals() {
        assert_eq!(CASES[0].goal_ms, None);
        assert_eq!(
            (CASES[1].costly_connections, CASES[1].goal_ms),
            (8, Some(5.0))
        );
        assert_eq!(
            (CASES[2].costly_pipeline, CASES[2].goal_ms),
            (150, Some(100.0))
        );
    }
}
