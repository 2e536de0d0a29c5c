//! Runs the real `calc-bench` binary against tiny in-process line servers.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output};
use std::thread;

/// A line server on an ephemeral port that answers every line with
/// `answer(n, line)`, `n` counting lines over all connections from 0.
fn serve(answer: fn(u64, &str) -> String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            thread::spawn(move || handle(stream, answer, &counter));
        }
    });
    port
}

fn handle(
    stream: TcpStream,
    answer: fn(u64, &str) -> String,
    counter: &std::sync::atomic::AtomicU64,
) {
    let mut out = stream.try_clone().expect("clone");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let reply = answer(n, line.trim_end());
        if out.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calc-bench"))
        .args(args)
        .output()
        .expect("run calc-bench")
}

/// The number under `key` in calc-bench's `--json` report.
fn field(json: &str, key: &str) -> f64 {
    let report: serde_json::Value =
        serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{e}: {json}"));
    report
        .get(key)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or_else(|| panic!("{key} number in {json}"))
}

#[test]
fn counted_run_checks_every_answer() {
    let port = serve(|_, line| {
        assert_eq!(line, "1+2*3");
        "OK 7\r\n".into()
    });
    let port = port.to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "7",
        "-P",
        "8",
        "-n",
        "5000",
        "-e",
        "1+2*3",
        "--expect",
        "OK 7",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{json} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(field(&json, "requests"), 5000.0);
    assert_eq!(field(&json, "correct"), 5000.0);
    assert_eq!(field(&json, "ok"), 5000.0);
    assert_eq!(field(&json, "wrong"), 0.0);
    assert!(field(&json, "rps") > 0.0);
    assert!(field(&json, "lat_p50_us") > 0.0);
    assert!(field(&json, "lat_max_us") >= field(&json, "lat_p99_us"));
}

#[test]
fn wrong_answers_fail_the_run() {
    let port = serve(|n, _| {
        if n % 100 == 99 {
            "OK 8\n".into()
        } else {
            "OK 7\n".into()
        }
    });
    let port = port.to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "2",
        "-P",
        "4",
        "-n",
        "1000",
        "-e",
        "x",
        "--expect",
        "OK 7",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("990 correct"), "{text}");
    assert!(text.contains("10 wrong"), "{text}");
    assert!(text.contains("got \"OK 8\""), "{text}");
}

#[test]
fn line_mode_with_prefix_and_duration() {
    let port = serve(|_, line| {
        assert_eq!(line, "PING");
        "+PONG\r\n".into()
    });
    let port = port.to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "3",
        "--line",
        "PING",
        "--expect-prefix",
        "+PONG",
        "--duration",
        "0.3",
        "--warmup",
        "0.1",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{json}");
    assert!(field(&json, "requests") > 0.0, "{json}");
    assert_eq!(field(&json, "correct"), field(&json, "answers"));
    assert!(field(&json, "measured_s") >= 0.3);
}

#[test]
fn server_closing_early_is_reported() {
    let port = serve(|n, _| {
        if n == 10 {
            // Not a line: the fake server hangs up by answering nothing and
            // the client sees the remaining requests unanswered below.
            String::new()
        } else {
            "OK 7\n".into()
        }
    });
    let port = port.to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "1",
        "-n",
        "20",
        "-e",
        "x",
        "--expect",
        "OK 7",
        "--json",
        "--timeout",
        "0.5",
    ]);
    // One request is never answered: the run must not pass silently; the
    // stall timeout ends it.
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{json}");
    assert!(field(&json, "unanswered") >= 1.0, "{json}");
}

#[test]
fn refused_connection_exits_2_naming_the_target() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let port = port.to_string();
    let out = bench(&["127.0.0.1", &port, "-n", "1", "-e", "1", "--expect", "OK 1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = bench(&["--line", "PING"]);
    assert_eq!(out.status.code(), Some(2));
    let out = bench(&["-c", "0"]);
    assert_eq!(out.status.code(), Some(2));
    // A command line that does not parse is a usage error too.
    for args in [&["--bogus"][..], &["-c", "many"], &["--duration"]] {
        let out = bench(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn mix_file_answers_are_matched_per_request() {
    // An echo server: each answer names its request, so a reordered or
    // misattributed answer would be counted wrong.
    let port = serve(|_, line| format!("OK {line}\n"));
    let port = port.to_string();
    let dir = std::env::temp_dir().join(format!("calc-bench-mix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mix = dir.join("mix.txt");
    std::fs::write(
        &mix,
        "# three requests\n1+1\tOK 1+1\n2*3\tOK 2*3\n\n7-1\tOK 7-1\n",
    )
    .expect("write mix");
    let mix = mix.to_string_lossy().into_owned();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "5",
        "-P",
        "3",
        "-n",
        "3000",
        "--mix",
        &mix,
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{json}");
    assert_eq!(field(&json, "correct"), 3000.0, "{json}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn expected_answer_comes_from_calc_core() {
    // No --expect: calc-bench asks calc-core what `2**10` must give.
    let port = serve(|_, line| {
        if line == "2**10" {
            "OK 1024\n".into()
        } else {
            "ERR SyntaxError: unexpected\n".into()
        }
    });
    let port = port.to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "2",
        "-n",
        "100",
        "-e",
        "2**10",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{json}");
    assert_eq!(field(&json, "correct"), 100.0, "{json}");

    // An answer calc-core disagrees with is counted wrong.
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "1",
        "-n",
        "10",
        "-e",
        "2**11",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{json}");
    assert_eq!(field(&json, "wrong"), 10.0, "{json}");
    assert_eq!(field(&json, "err"), 10.0, "{json}");
}

/// A server that answers `1+2*3` at once and takes 20 ms over `slow`, each
/// connection on its own thread (so the classes do not wait for each other).
fn two_speed(_: u64, line: &str) -> String {
    match line {
        "1+2*3" => "OK 7\n".into(),
        "slow" => {
            thread::sleep(std::time::Duration::from_millis(20));
            "OK done\n".into()
        }
        other => format!("ERR SyntaxError: {other}\n"),
    }
}

#[test]
fn cheap_and_costly_classes_are_reported_apart() {
    let port = serve(two_speed).to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "3",
        "-e",
        "1+2*3",
        "--costly-connections",
        "2",
        "--costly-pipeline",
        "3",
        "--costly-expr",
        "slow",
        "--costly-expect",
        "OK done",
        "--duration",
        "0.5",
        "--warmup",
        "0.1",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{json} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(json.contains("\"classes\":\"cheap,costly\""), "{json}");
    assert_eq!(field(&json, "cheap_connections"), 3.0);
    assert_eq!(field(&json, "costly_connections"), 2.0);
    assert_eq!(field(&json, "costly_pipeline"), 3.0);
    assert!(field(&json, "cheap_requests") > 0.0, "{json}");
    assert!(field(&json, "costly_requests") > 0.0, "{json}");
    assert_eq!(field(&json, "cheap_correct"), field(&json, "cheap_answers"));
    assert_eq!(
        field(&json, "costly_correct"),
        field(&json, "costly_answers")
    );
    assert_eq!(
        field(&json, "answers"),
        field(&json, "cheap_answers") + field(&json, "costly_answers")
    );
    // A costly answer queues behind the two before it on its connection.
    assert!(field(&json, "costly_lat_p50_us") >= 20_000.0, "{json}");
    assert!(
        field(&json, "cheap_lat_p50_us") < field(&json, "costly_lat_p50_us"),
        "{json}"
    );
    assert!(
        field(&json, "cheap_rps") > field(&json, "costly_rps"),
        "{json}"
    );
}

#[test]
fn costly_line_class_drives_a_redis_style_server() {
    let port = serve(|_, line| {
        if line == "PING" {
            "+PONG\r\n".into()
        } else if line.starts_with("EVAL \"") && line.ends_with("\" 0") {
            ":3000\r\n".into()
        } else {
            "-ERR unknown\r\n".into()
        }
    })
    .to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "2",
        "--line",
        "PING",
        "--expect-prefix",
        "+PONG",
        "--costly-connections",
        "1",
        "--costly-line",
        "EVAL \"local i=0 while i<3000 do i=i+1 end return i\" 0",
        "--costly-expect-prefix",
        ":3000",
        "--duration",
        "0.3",
        "--warmup",
        "0",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2 classes, 3 connection(s)"), "{text}");
    assert!(
        text.contains("  costly       1 connection(s), pipeline 1, line"),
        "{text}"
    );
    assert!(text.contains("  all classes"), "{text}");
}

#[test]
fn a_wrong_costly_answer_fails_the_run_in_its_class() {
    let port = serve(two_speed).to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "1",
        "-e",
        "1+2*3",
        "--costly-connections",
        "1",
        "--costly-expr",
        "slow",
        "--costly-expect",
        "OK other",
        "--duration",
        "0.2",
        "--warmup",
        "0",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{json}");
    assert_eq!(field(&json, "cheap_wrong"), 0.0, "{json}");
    assert!(field(&json, "costly_wrong") >= 1.0, "{json}");
    assert_eq!(
        field(&json, "wrong"),
        field(&json, "costly_wrong"),
        "{json}"
    );
}

#[test]
fn costly_usage_errors_exit_2() {
    for args in [
        // Costly options without costly connections.
        &["--costly-expr", "1"][..],
        &["--costly-pipeline", "4"],
        // Costly connections without their requests.
        &["--costly-connections", "1"],
        // Two sources, or a line without its prefix.
        &[
            "--costly-connections",
            "1",
            "--costly-expr",
            "1",
            "--costly-line",
            "PING",
            "--costly-expect-prefix",
            "+PONG",
        ],
        &["--costly-connections", "1", "--costly-line", "PING"],
        &[
            "--costly-connections",
            "1",
            "--costly-expr",
            "1",
            "--costly-pipeline",
            "0",
        ],
        // A count-bounded run has no costly class.
        &[
            "--costly-connections",
            "1",
            "--costly-expr",
            "1",
            "-n",
            "10",
        ],
    ] {
        let out = bench(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("--"), "{args:?}: {err}");
    }
}

#[test]
fn answers_after_the_measurement_are_timed_not_counted() {
    // Every answer takes 300 ms; the measurement lasts 100 ms. The one
    // request per connection is answered in the drain: it must show in the
    // latencies (leaving it out would hide the slowest answers) but not in
    // requests/s.
    let port = serve(|_, _| {
        thread::sleep(std::time::Duration::from_millis(300));
        "OK 7\n".into()
    })
    .to_string();
    let out = bench(&[
        "127.0.0.1",
        &port,
        "-c",
        "2",
        "-e",
        "x",
        "--expect",
        "OK 7",
        "--duration",
        "0.1",
        "--warmup",
        "0",
        "--json",
    ]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{json}");
    assert_eq!(field(&json, "requests"), 0.0, "{json}");
    assert_eq!(field(&json, "drained"), 2.0, "{json}");
    assert!(field(&json, "lat_p50_us") >= 300_000.0, "{json}");
}
