//! The log against hostile clients and unread consoles, through the real
//! binary: client text reaches the log escaped and quoted, records stay
//! bounded, a console nobody reads stops nothing, and JSON lines parse.

mod common;

use std::io::Write;

use common::{Server, TIMEOUT};

/// Requests whose text must not reach the log raw: a terminal escape
/// that erases the line and starts a forged record, CR, BEL, NUL, C1
/// controls (NEL and CSI), a right-to-left override, a line separator,
/// and an expression that reads like more fields.
const HOSTILE: &[&str] = &[
    "1 #\x1b[2K\rINFO session closed, forged",
    "2 #\x07\x00",
    "3 #\u{85}\u{9b}31m",
    "4 #\u{202e}drowssap",
    "5 #\u{2028}INFO forged line",
    "7, peer: 6.6.6.6:1, result: 99",
];

/// What each of [`HOSTILE`] must look like in the text log, in quotes.
const ESCAPED: &[&str] = &[
    r#""1 #\u{1b}[2K\u{d}INFO session closed, forged""#,
    r#""2 #\u{7}\u{0}""#,
    r#""3 #\u{85}\u{9b}31m""#,
    r#""4 #\u{202e}drowssap""#,
    r#""5 #\u{2028}INFO forged line""#,
    r#""7, peer: 6.6.6.6:1, result: 99""#,
];

/// Characters that must never reach a sink raw (LF ends a record).
fn forbidden(c: char) -> bool {
    let v = c as u32;
    (v < 0x20 && c != '\n')
        || (0x7f..=0x9f).contains(&v)
        || matches!(
            v,
            0x61c | 0x200e | 0x200f | 0x202a..=0x202e | 0x2066..=0x2069 | 0x2028 | 0x2029
        )
}

fn send_hostile(server: &Server) -> String {
    let mut c = server.connect();
    for h in HOSTILE {
        let answer = c.ask(h);
        assert!(
            answer.starts_with("OK ") || answer.starts_with("ERR "),
            "{answer:?}"
        );
    }
    // And a line that is not UTF-8: a frame error, logged with its error.
    c.send(b"\xff\xfe\x1b\n");
    assert!(c.line().starts_with("ERR ValueError"));
    assert!(c.ask("exit").starts_with("BYE "));
    c.stream.local_addr().unwrap().to_string()
}

#[test]
fn hostile_client_text_is_escaped_and_quoted_in_the_log() {
    let mut server = Server::start(&[]);
    let peer = send_hostile(&server);
    server.stop();
    let log = server.log();
    assert!(
        !log.chars().any(forbidden),
        "raw control in the log: {log:?}"
    );
    let records: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(&format!("peer: {peer}, expression: ")))
        .collect();
    assert_eq!(records.len(), HOSTILE.len(), "{log}");
    for (line, escaped) in records.iter().zip(ESCAPED) {
        assert!(
            line.contains(&format!("expression: {escaped}, ")),
            "expected {escaped} in {line}"
        );
        // One record per line: the timestamp starts it, then a level.
        assert!(
            line.as_bytes()[23] == b'Z' && line[25..].starts_with(['I', 'W']),
            "{line}"
        );
    }
    // The forged fields stay inside the quotes: the record names the real
    // peer once, and the expression is followed by its own error.
    let forged = records[5];
    assert_eq!(forged.matches(", peer: ").count(), 2, "{forged}");
    assert!(
        forged.contains(&format!(
            "peer: {peer}, expression: \"7, peer: 6.6.6.6:1, result: 99\", error: \""
        )),
        "{forged}"
    );
    // No forged record starts a line.
    assert!(!log.lines().any(|l| l.starts_with("INFO")), "{log}");
    // The frame error is quoted too.
    assert!(
        log.contains(&format!(
            "WARN invalid request, session: 1, peer: {peer}, error: \"ValueError: "
        )),
        "{log}"
    );
}

#[test]
fn json_lines_parse_and_hostile_text_round_trips_escaped() {
    let mut server = Server::start(&["--log-format", "json"]);
    let peer = send_hostile(&server);
    server.stop();
    let log = server.log();
    assert!(
        !log.chars().any(forbidden),
        "raw control in the log: {log:?}"
    );
    let records: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    for r in &records {
        let ts = r["ts"].as_str().unwrap_or_else(|| panic!("no ts: {r}"));
        assert!(
            ts.len() == 24 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T',
            "{ts}"
        );
        assert!(r["level"].is_string() && r["msg"].is_string(), "{r}");
    }
    let requests: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["peer"] == peer.as_str() && r["expression"].is_string())
        .collect();
    assert_eq!(requests.len(), HOSTILE.len(), "{log}");
    for (r, escaped) in requests.iter().zip(ESCAPED) {
        // The value is the text log's, without its quotes.
        let inner = escaped[1..escaped.len() - 1].replace(r#"\""#, "\"");
        assert_eq!(r["expression"], inner.as_str(), "{r}");
        assert_eq!(r["session"], 1, "{r}");
        assert!(r["result"].is_string() || r["error"].is_string(), "{r}");
    }
    assert!(
        records
            .iter()
            .any(|r| r["msg"] == "listening" && r["workers"].is_number()),
        "{log}"
    );
}

#[test]
fn a_console_nobody_reads_stops_nothing_and_the_file_gets_every_record() {
    let mut server = Server::start_with_unread_stderr(&[]);
    let mut c = server.connect();
    // About 100 bytes a record: some 40 times what the pipe holds.
    const BATCHES: usize = 40;
    const PER_BATCH: usize = 1000;
    for b in 0..BATCHES {
        let mut batch = Vec::new();
        for i in 0..PER_BATCH {
            writeln!(batch, "{} + 0", b * PER_BATCH + i).unwrap();
        }
        c.send(&batch);
        for i in 0..PER_BATCH {
            assert_eq!(c.line(), format!("OK {}", b * PER_BATCH + i));
        }
    }
    // Another client is served too.
    let mut other = server.connect();
    assert_eq!(other.ask("6*7"), "OK 42");
    drop((c, other));
    server.signal("TERM");
    let status = server.wait(TIMEOUT);
    assert!(status.success(), "{status}");
    let log = server.log();
    let mut seen = vec![false; BATCHES * PER_BATCH];
    for line in log
        .lines()
        .filter(|l| l.contains("INFO request, session: 1,"))
    {
        let n: usize = line
            .split_once("expression: \"")
            .and_then(|(_, rest)| rest.split_once(" + 0\""))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(!seen[n], "record {n} twice");
        seen[n] = true;
    }
    let missing: Vec<usize> = (0..seen.len()).filter(|&n| !seen[n]).collect();
    assert!(
        missing.is_empty(),
        "{} records missing, first {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert!(
        log.lines().last().unwrap_or("").contains("INFO shutdown,"),
        "{:.300}",
        log
    );
}

#[test]
fn a_flood_of_long_invalid_lines_writes_bounded_records() {
    let mut server = Server::start(&["--log-level", "warning"]);
    // 64 KiB identifiers: each is a NameError whose message names it, so a
    // record without bounds would carry 128 KiB.
    let line = format!("{}\n", "a".repeat(65_536));
    const CLIENTS: usize = 3;
    const LINES: usize = 40;
    let before = server.log().len();
    let threads: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let mut c = server.connect();
            let line = line.clone();
            std::thread::spawn(move || {
                for _ in 0..LINES {
                    c.send(line.as_bytes());
                    let answer = c.line();
                    assert!(answer.starts_with("ERR NameError"), "{answer:.100}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    server.stop();
    let log = server.log();
    let grown = log.len() - before;
    let records: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("WARN invalid request"))
        .collect();
    assert_eq!(records.len(), CLIENTS * LINES);
    for r in &records {
        // Both values cut at 256 bytes, with the full length.
        assert!(
            r.contains(&format!(
                "expression: \"{}…\" (65536 bytes)",
                "a".repeat(256)
            )),
            "{r:.400}"
        );
        assert!(
            r.contains("error: \"NameError: name 'aaa") && r.contains("…\" ("),
            "{r:.400}"
        );
        assert!(r.len() < 1024, "a record of {} bytes", r.len());
    }
    // At most 1 KiB a request, against 128 KiB unbounded.
    assert!(
        grown <= CLIENTS * LINES * 1024 + 4096,
        "the log grew by {grown} bytes for {} requests",
        CLIENTS * LINES
    );
    eprintln!(
        "{} requests of 64 KiB: the log grew by {grown} bytes",
        CLIENTS * LINES
    );
}

#[test]
fn bad_log_flags_are_refused() {
    let bin = env!("CARGO_BIN_EXE_calc-server");
    for (flags, expect) in [
        (
            &["--log-max-field", "15"][..],
            "--log-max-field must be between 16 and 65536",
        ),
        (
            &["--log-max-field", "65537"][..],
            "--log-max-field must be between 16 and 65536",
        ),
        (&["--log-format", "xml"][..], "unknown log format"),
    ] {
        let out = std::process::Command::new(bin)
            .args(["127.0.0.1", "0", "--log-file", "/dev/null"])
            .args(flags)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{flags:?}");
        let text = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(expect), "{flags:?}: {text}");
    }
}
