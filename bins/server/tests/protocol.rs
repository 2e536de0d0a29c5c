//! The protocol as a client sees it: answers, errors, framing, pipelining.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{bye_seconds, Server};

#[test]
fn evaluates_and_errors_keep_the_session() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    assert_eq!(c.ask("1+2*3"), "OK 7");
    assert_eq!(c.ask("1/0"), "ERR ZeroDivisionError: division by zero");
    assert_eq!(c.ask("2**100"), "OK 1267650600228229401496703205376");
    assert_eq!(
        c.ask("undefined_name"),
        "ERR NameError: name 'undefined_name' is not defined"
    );
    let syntax = c.ask("1 +* 2");
    assert!(syntax.starts_with("ERR SyntaxError: "), "{syntax}");
    assert!(
        syntax.ends_with(')') && syntax.contains("(column "),
        "{syntax}"
    );
    assert_eq!(c.ask("0.1 + 0.2"), "OK 0.30000000000000004");
    assert_eq!(c.ask("  1 + 1\r"), "OK 2");
}

/// A string's repr is one line whatever the string holds; a literal
/// cannot hold a raw line break (the request ends there), its escapes can.
#[test]
fn strings_answer_on_one_line() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    assert_eq!(c.ask(r"'a\nb' + '\r\x00'"), r"OK 'a\nb\r\x00'");
    assert_eq!(c.ask(r#""it's" * 2"#), r#"OK "it'sit's""#);
    assert_eq!(c.ask("hex(255) + oct(8)"), "OK '0xff0o10'");
    assert_eq!(c.ask("int(' 1_000 ') + float('-inf') "), "OK -inf");
    assert_eq!(
        c.ask("'abc"),
        "ERR SyntaxError: unterminated string literal (detected at line 1) (column 1)"
    );
    assert_eq!(c.ask("'a' in 'cat'"), "OK True");
}

#[test]
fn exit_says_bye_with_the_session_length_and_closes() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    std::thread::sleep(Duration::from_millis(150));
    let secs = bye_seconds(&c.ask(" Exit "));
    assert!((0.1..60.0).contains(&secs), "{secs}");
    assert_eq!(c.rest(), "", "nothing after BYE, then end of stream");
    let mut c = server.connect();
    assert!(c.ask("QUIT").starts_with("BYE "));
}

#[test]
fn thousands_of_pipelined_requests_in_one_write() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    let n = 5000;
    let mut batch = String::new();
    for i in 0..n {
        batch.push_str(&format!("{i} * 2 + 1\n"));
    }
    batch.push_str("exit\n");
    c.send(batch.as_bytes());
    for i in 0..n {
        assert_eq!(c.line(), format!("OK {}", i * 2 + 1));
    }
    assert!(c.line().starts_with("BYE "));
    assert_eq!(c.line(), "");
}

#[test]
fn over_long_lines_are_refused_and_skipped() {
    let server = Server::start(&["--max-request", "100"]);
    let mut c = server.connect();
    // Exactly the limit is a request (a syntax error here), one more is not.
    let at_limit = "(".repeat(100);
    let answer = c.ask(&at_limit);
    assert!(answer.starts_with("ERR "), "{answer}");
    assert!(!answer.starts_with("ERR LimitError"), "{answer}");
    assert_eq!(
        c.ask(&"1".repeat(101)),
        "ERR LimitError: request longer than 100 bytes"
    );
    // A megabyte without a newline, sent in pieces, is one error.
    for _ in 0..64 {
        c.send(&[b'7'; 16 * 1024]);
    }
    c.send(b"\n");
    assert_eq!(c.line(), "ERR LimitError: request longer than 100 bytes");
    assert!(c.ask("exit").starts_with("BYE "));
}

#[test]
fn non_utf8_and_nul_bytes_get_errors_and_the_session_goes_on() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    c.send(b"\xff\xfe\n");
    assert_eq!(
        c.line(),
        "ERR ValueError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
    );
    c.send(b"1\x002\n");
    assert!(c.line().starts_with("ERR "));
    c.send(b"\r\n");
    assert!(c.line().starts_with("ERR SyntaxError"));
    assert!(c.ask("exit").starts_with("BYE "));
}

#[test]
fn resource_bombs_are_answered_quickly() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    let mut other = server.connect();
    for bomb in [
        "9**9**9**9",
        "10**10**10",
        "2**2**2**2**2**2",
        "1 << 10**12",
        "factorial(10**9)",
        "pow(3, 10**100000, 7**1000)",
        "isqrt(10**100000000)",
        "comb(10**9, 10**8)",
        "(-2) ** 10**10",
    ] {
        let start = Instant::now();
        let answer = c.ask(bomb);
        let took = start.elapsed();
        assert!(
            answer.starts_with("ERR ") || answer.starts_with("OK "),
            "{bomb}: {answer}"
        );
        assert!(
            answer.len() < 10_000,
            "{bomb}: answer of {} bytes",
            answer.len()
        );
        assert!(took < Duration::from_secs(2), "{bomb} took {took:?}");
        // The server stays responsive to others.
        assert_eq!(other.ask("6*7"), "OK 42");
    }
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(c.ask(&deep).starts_with("ERR "));
}

#[test]
fn a_final_line_without_newline_is_answered_at_end_of_input() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    c.stream.write_all(b"1+1\n2+2").unwrap();
    c.shutdown_write();
    assert_eq!(c.rest(), "OK 2\nOK 4\n");
}
