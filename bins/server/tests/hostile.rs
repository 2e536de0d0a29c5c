//! Hostile input as issue 5 lists it: resource bombs, deep nesting of every
//! kind at the request limit, lines at the limit and one byte over, lone
//! CR, seeded random bytes, and endless lines from many clients at once.
//!
//! Time bounds are generous (the machine is shared and the server under
//! test is a debug build); the measured times are printed (`--nocapture`).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Client, Server};
use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use rand::{RngExt as _, SeedableRng};

/// The default `--max-request`.
const LIMIT: usize = 64 * 1024;
/// Wall-clock bound per hostile request; the aim is ~100 ms of server time.
const BOUND: Duration = Duration::from_secs(2);

fn is_answer(line: &str) -> bool {
    line.starts_with("OK ") || line.starts_with("ERR ")
}

/// Sends `request` on `c`, and while the server works on it asks `other`
/// a simple question. Returns the answer, the time it took, and the time
/// `other` waited.
fn bomb(c: &mut Client, other: &mut Client, request: &[u8]) -> (String, Duration, Duration) {
    // One write: a second small write would wait for the first one's ACK
    // (Nagle and delayed ACK), adding ~40 ms to what is measured.
    let mut line = Vec::with_capacity(request.len() + 1);
    line.extend_from_slice(request);
    line.push(b'\n');
    let start = Instant::now();
    c.send(&line);
    let other_start = Instant::now();
    assert_eq!(other.ask("6*7"), "OK 42", "the other client is served");
    let other_took = other_start.elapsed();
    let answer = c.line();
    (answer, start.elapsed(), other_took)
}

fn check(name: &str, answer: &str, took: Duration, other_took: Duration) {
    eprintln!("{name:<48} {took:>10.1?} (other client {other_took:.1?}) {answer:.70}");
    assert!(is_answer(answer), "{name}: {answer:.200}");
    assert!(took < BOUND, "{name} took {took:?}");
    assert!(other_took < BOUND, "other client waited {other_took:?}");
}

#[test]
fn every_bomb_of_issue_5_is_answered_quickly_while_another_client_is_served() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    let mut other = server.connect();
    for (request, expect) in [
        ("9**9**9**9", "ERR LimitError"),
        ("10**10**10", "ERR LimitError"),
        ("1<<(1<<40)", "ERR LimitError"),
        ("factorial(10**6)", "ERR LimitError"),
        ("pow(3, 2**1000000, 2**1000000+1)", "ERR LimitError"),
        ("isqrt(10**4000)", "OK "),
        ("comb(10**6, 5*10**5)", "ERR LimitError"),
        ("2**2**2**2**2**2", "ERR LimitError"),
        ("(-2) ** 10**10", "ERR LimitError"),
        (
            "10**4301",
            "ERR ValueError: Exceeds the limit (4300 digits)",
        ),
        ("-10**4299", "OK -1000"),
        ("int(10**4300 // 10**4299)", "OK 10"),
        ("-(1 << 1048575) // 3", "ERR "),
        ("(2**1048000) * (3**660000)", "ERR LimitError"),
        ("factorial(20000) // factorial(19999)", "OK 20000"),
        ("pow(3, 10**1000, 10**1000+1)", "OK "),
        // Accepted by the first cost model although they took 50-630 ms
        // of CPU in a release build (docs/security.md, "Slowest inputs").
        ("pow(10**1000, 18**1012, 20**1015 + 9)", "ERR LimitError"),
        ("pow(3, 2**1000000 - 1, 2**64 + 2)", "ERR LimitError"),
        ("gcd(3**252365, 2**400000 - 1)", "ERR LimitError"),
        ("pow(3**126182, -1, 2**200001 - 1)", "ERR LimitError"),
        ("comb(100000, 50000)", "ERR LimitError"),
    ] {
        let (answer, took, other_took) = bomb(&mut c, &mut other, request.as_bytes());
        check(request, &answer, took, other_took);
        assert!(answer.starts_with(expect), "{request}: {answer:.200}");
    }
    // Small costly calls filling the request: the budget is summed, so this
    // is refused once it is spent (1.9 s of CPU when it was accepted).
    let op = "pow(3**100, 2**2000 - 1, 2**64 + 2)";
    let line = vec![op; LIMIT / (op.len() + 3)].join(" + ");
    let (answer, took, other_took) = bomb(&mut c, &mut other, line.as_bytes());
    check("64 KiB of small modular powers", &answer, took, other_took);
    assert!(answer.starts_with("ERR LimitError"), "{answer:.200}");
}

/// Nested expressions of every kind, each as long as the limit allows.
fn nestings() -> Vec<(&'static str, Vec<u8>)> {
    fn fill(open: &str, middle: &str, close: &str) -> Vec<u8> {
        let n = (LIMIT - middle.len()) / (open.len() + close.len());
        let s = format!("{}{middle}{}", open.repeat(n), close.repeat(n));
        assert!(s.len() <= LIMIT);
        s.into_bytes()
    }
    fn chain(unit: &str, last: &str) -> Vec<u8> {
        let n = (LIMIT - last.len()) / unit.len();
        let s = format!("{}{last}", unit.repeat(n));
        assert!(s.len() <= LIMIT);
        s.into_bytes()
    }
    vec![
        ("parentheses", fill("(", "1", ")")),
        ("unclosed parentheses", chain("(", "1")),
        ("brackets", fill("[", "1", "]")),
        ("braces", fill("{", "1", "}")),
        ("calls", fill("abs(", "1", ")")),
        ("nested pow calls", fill("pow(2,", "1", ")")),
        ("unary minus", chain("-", "1")),
        ("unary minus spaced", chain("- ", "1")),
        ("invert", chain("~", "1")),
        ("not", chain("not ", "1")),
        ("power tower", chain("2**", "1")),
        ("power tower of ones", chain("1**", "1")),
        ("right-nested shifts", fill("1<<(", "1", ")")),
        ("left-assoc sum", chain("1+", "1")),
        ("left-assoc division", chain("1/", "1")),
        ("comparison chain", chain("1<", "2")),
        ("and chain", chain("1 and ", "1")),
        ("or chain", chain("0 or ", "1")),
        ("conditional", chain("1 if 1 else ", "1")),
        ("conditional in condition", fill("1 if (", "1", ") else 0")),
        ("lambda", chain("lambda:", "1")),
        ("parenthesised unary", fill("-(", "1", ")")),
        ("mixed", fill("(-~+abs(", "1", "))")),
    ]
}

#[test]
fn deep_nesting_of_every_kind_at_the_limit_is_answered_quickly() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    let mut other = server.connect();
    for (name, request) in nestings() {
        let (answer, took, other_took) = bomb(&mut c, &mut other, &request);
        check(name, &answer, took, other_took);
        assert!(
            answer.len() < 1000,
            "{name}: {} bytes of answer",
            answer.len()
        );
    }
    assert!(c.ask("exit").starts_with("BYE "));
}

#[test]
fn bombs_on_several_connections_at_once_leave_another_client_served() {
    let server = Server::start(&["--log-level", "warning"]);
    let addr = server.addr;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let attackers: Vec<_> = (0..4)
        .map(|i| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                let bombs = [
                    "pow(3, 10**1000, 10**1000+1)",
                    "factorial(20000) // factorial(19999)",
                    "9**9**9**9",
                ];
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let answer = c.ask(bombs[(i + n) % bombs.len()]);
                    assert!(is_answer(&answer), "{answer:.200}");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut c = server.connect();
    let mut worst = Duration::ZERO;
    let start = Instant::now();
    let mut asked = 0;
    while start.elapsed() < Duration::from_secs(2) {
        let t = Instant::now();
        assert_eq!(c.ask("1+1"), "OK 2");
        worst = worst.max(t.elapsed());
        asked += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let bombs: usize = attackers.into_iter().map(|t| t.join().unwrap()).sum();
    eprintln!("{asked} requests beside {bombs} bombs on 4 connections: worst latency {worst:?}");
    assert!(worst < BOUND, "worst latency {worst:?}");
}

#[test]
fn a_line_of_exactly_the_limit_is_a_request_and_one_more_byte_is_not() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    // An expression of exactly 65536 bytes that evaluates: 1+1+...+1.
    let mut sum = "1+".repeat(LIMIT / 2 - 1);
    sum.push_str("10");
    assert_eq!(sum.len(), LIMIT);
    let start = Instant::now();
    assert_eq!(c.ask(&sum), format!("OK {}", LIMIT / 2 + 9));
    eprintln!("sum of 32767 terms: {:?}", start.elapsed());
    // The same with CR LF: the CR is part of the terminator, not the line.
    assert_eq!(c.ask(&format!("{sum}\r")), format!("OK {}", LIMIT / 2 + 9));
    // One byte more, with LF or CR LF, is refused and skipped.
    let over = format!("{sum}0");
    let refused = format!("ERR LimitError: request longer than {LIMIT} bytes");
    assert_eq!(c.ask(&over), refused);
    assert_eq!(c.ask(&format!("{over}\r")), refused);
    // Digits: exactly the limit reaches the parser (CPython's 4300-digit
    // rule for literals), one more does not.
    let digits = "7".repeat(LIMIT);
    let answer = c.ask(&digits);
    // CPython: "SyntaxError: Exceeds the limit (4300 digits) ...".
    assert!(
        answer.starts_with("ERR SyntaxError: Exceeds the limit (4300 digits)"),
        "{answer:.200}"
    );
    assert_eq!(c.ask(&format!("{digits}7")), refused);
    assert_eq!(c.ask("6*7"), "OK 42");
}

#[test]
fn lone_carriage_returns_are_not_terminators_and_keep_the_session() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    // A CR inside a line is part of it: Python says SyntaxError.
    c.send(b"1\r2\n");
    let answer = c.line();
    assert!(answer.starts_with("ERR SyntaxError"), "{answer}");
    // CRs alone, then the next line is answered normally.
    c.send(b"\r\r\r\n");
    let answer = c.line();
    assert!(answer.starts_with("ERR "), "{answer}");
    c.send(b"\r");
    std::thread::sleep(Duration::from_millis(50));
    c.send(b"\n");
    let answer = c.line();
    assert!(answer.starts_with("ERR SyntaxError"), "{answer}");
    // A CR that ends a line split across writes.
    c.send(b"2+2\r");
    std::thread::sleep(Duration::from_millis(50));
    c.send(b"\n");
    assert_eq!(c.line(), "OK 4");
    // A lone CR at end of input is dropped like a CR LF terminator.
    c.send(b"3+3\r");
    c.shutdown_write();
    assert_eq!(c.rest(), "OK 6\n");
}

/// Random bytes, biased toward what the grammar and the framing care about.
fn random_bytes(rng: &mut ChaCha8Rng, len: usize) -> Vec<u8> {
    const INTERESTING: &[u8] = b"\n\r\0()[]*+-~<>/%&|^.eEjJ_0123456789 xob\xff\xc3\xa9\xed\xa0\x80";
    (0..len)
        .map(|_| match rng.random_range(0..4) {
            0 => *INTERESTING.choose(rng).expect("non-empty"),
            _ => rng.random(),
        })
        .collect()
}

#[test]
fn seeded_random_bytes_never_end_the_session() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut total_lines = 0;
    let start = Instant::now();
    for seed in 1..=8u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut c = server.connect();
        let mut sent = Vec::new();
        for _ in 0..50 {
            let len = rng.random_range(0..4000);
            let chunk = random_bytes(&mut rng, len);
            c.send(&chunk);
            sent.extend_from_slice(&chunk);
        }
        // Every LF ends one request; the last (partial) line ends with ours.
        let lines = sent.iter().filter(|&&b| b == b'\n').count() + 1;
        let exits = sent
            .split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).trim_ascii())
            .filter(|l| l.eq_ignore_ascii_case(b"exit") || l.eq_ignore_ascii_case(b"quit"))
            .count();
        assert_eq!(exits, 0, "seed {seed} happens to contain exit");
        c.send(b"\n6*7\n");
        for i in 0..lines {
            let answer = c.line();
            assert!(is_answer(&answer), "seed {seed}, line {i}: {answer:.200}");
        }
        assert_eq!(c.line(), "OK 42", "seed {seed}");
        total_lines += lines;
    }
    eprintln!(
        "{total_lines} random lines answered in {:?}",
        start.elapsed()
    );
    let mut c = server.connect();
    assert_eq!(c.ask("1+1"), "OK 2");
}

#[test]
fn endless_lines_from_many_clients_keep_memory_bounded() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut other = server.connect();
    assert_eq!(other.ask("1"), "OK 1");
    let rss_before = server.rss_kib();
    let addr = server.addr;
    let per_client = 16 * 1024 * 1024;
    let floods: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                let chunk = vec![b'0' + i as u8; 64 * 1024];
                for _ in 0..per_client / chunk.len() {
                    s.write_all(&chunk).unwrap();
                }
                s
            })
        })
        .collect();
    // While 128 MiB without a newline arrive, others are served.
    let mut worst = Duration::ZERO;
    while !floods.iter().all(|t| t.is_finished()) {
        let t = Instant::now();
        assert_eq!(other.ask("6*7"), "OK 42");
        worst = worst.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(20));
    }
    let rss_during = server.rss_kib();
    for t in floods {
        let mut s = t.join().unwrap();
        s.set_read_timeout(Some(common::TIMEOUT)).unwrap();
        s.write_all(b"\n2+2\n").unwrap();
        let mut answers = String::new();
        let mut reader = BufReader::new(&s);
        reader.read_line(&mut answers).unwrap();
        reader.read_line(&mut answers).unwrap();
        assert_eq!(
            answers,
            format!("ERR LimitError: request longer than {LIMIT} bytes\nOK 4\n")
        );
    }
    let rss_after = server.rss_kib();
    eprintln!(
        "VmRSS before {rss_before} KiB, after 8 x 16 MiB without newline {rss_during} KiB, \
         after answering {rss_after} KiB; other client's worst latency {worst:?}"
    );
    let grown = rss_during.max(rss_after).saturating_sub(rss_before);
    assert!(grown < 20 * 1024, "server grew by {grown} KiB");
    assert!(worst < BOUND, "other client waited {worst:?}");
}

/// Pipelines `n` requests `i+1` in one write from a thread (the server
/// stops reading once its output bound is reached, so the write blocks
/// until the client reads).
fn pipeline(stream: &TcpStream, n: usize) -> std::thread::JoinHandle<std::io::Result<()>> {
    let mut batch = String::new();
    for i in 0..n {
        batch.push_str(&format!("{i}+1\n"));
    }
    let mut s = stream.try_clone().unwrap();
    std::thread::spawn(move || s.write_all(batch.as_bytes()))
}

#[test]
fn a_slow_reader_gets_every_answer_in_order_once_it_reads() {
    let server = Server::start(&["--log-level", "warning"]);
    let s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(common::TIMEOUT)).unwrap();
    let n = 100_000; // ~790 KB of requests, ~890 KB of answers
    let writer = pipeline(&s, n);
    // Not reading for a while: the server must hold back, not buffer all.
    std::thread::sleep(Duration::from_millis(500));
    let mut other = server.connect();
    assert_eq!(other.ask("6*7"), "OK 42");
    let start = Instant::now();
    let mut reader = BufReader::new(&s);
    let mut line = String::new();
    for i in 0..n {
        line.clear();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, format!("OK {}\n", i + 1));
    }
    writer.join().unwrap().unwrap();
    eprintln!("{n} held-back answers read in {:?}", start.elapsed());
}

#[test]
fn a_reset_while_answers_are_held_back_ends_only_that_session() {
    // Info level: the end of the session is logged at INFO.
    let server = Server::start(&[]);
    let rss_before = server.rss_kib();
    let s = TcpStream::connect(server.addr).unwrap();
    let writer = pipeline(&s, 100_000);
    std::thread::sleep(Duration::from_millis(500));
    socket2::SockRef::from(&s)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    // Shutting down both directions unblocks the writer; dropping the
    // last handle with linger 0 sends RST.
    s.shutdown(std::net::Shutdown::Both).unwrap();
    // The write may have completed or failed; either is fine.
    let _ = writer.join().unwrap();
    drop(s);
    server.wait_log("the reset session's end", |l| {
        l.contains("session closed") && l.contains("active: 0")
    });
    let mut c = server.connect();
    assert_eq!(c.ask("6*7"), "OK 42");
    let grown = server.rss_kib().saturating_sub(rss_before);
    eprintln!("VmRSS grew by {grown} KiB");
    assert!(grown < 20 * 1024, "server grew by {grown} KiB");
}
