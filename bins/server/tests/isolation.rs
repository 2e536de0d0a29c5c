//! One client against the others: costly requests must not delay another
//! client's cheap ones, bursts must be answered without the client sending
//! more, and shutdown must not wait for a client's queue of costly work.
//!
//! Every assertion is about order or liveness (who is answered before
//! whom, what arrived before `BYE`), never about wall-clock time.

mod common;

use std::io::Read;
use std::time::Duration;

use common::{bye_seconds, Client, Server, TIMEOUT};

/// Among the costliest requests the default limits accept: ~20 ms of CPU
/// in a release build, far more than a worker's inline slice.
const COSTLY: &str = "pow(3, 10**1000, 10**1000 + 1) % 2";

/// Sends `count` copies of `line` in one write.
fn pipeline(c: &mut Client, line: &str, count: usize) {
    c.send(format!("{line}\n").repeat(count).as_bytes());
}

/// Answer lines already received by `c`, read without waiting.
fn received_now(c: &mut Client) -> usize {
    lines_in(&c.take_now())
}

fn lines_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[test]
fn a_burst_whose_answers_pass_the_output_bound_is_answered_in_full_without_more_input() {
    let server = Server::start(&["--log-level", "warning"]);
    // 62 answers of 4,303 bytes pass the 256 KiB output bound; 300 of
    // 1,003 bytes do too; 1,000 of 4,303 bytes pass it many times over,
    // long after the server has read the whole burst. The client keeps
    // its socket open and sends nothing more: every answer must come
    // anyway.
    for (expr, count, digits) in [
        ("10**4299", 62, 4300),
        ("10**999", 300, 1000),
        ("10**4299", 1000, 4300),
    ] {
        let mut c = server.connect();
        pipeline(&mut c, expr, count);
        for i in 0..count {
            let line = c.line();
            assert!(
                line.starts_with("OK 1000") && line.len() == 3 + digits,
                "{expr}: answer {i} of {count}: {line:.40}"
            );
        }
        assert_eq!(c.ask("6*7"), "OK 42");
    }
}

#[test]
fn a_pipeline_of_costly_requests_does_not_delay_another_clients_cheap_request() {
    // One worker: without isolation, both connections share its turns.
    let server = Server::start(&["--log-level", "warning", "--workers", "1"]);
    let mut costly = server.connect();
    let mut cheap = server.connect();
    pipeline(&mut costly, COSTLY, 150);
    // The first answer shows the pipeline is being worked on.
    assert_eq!(costly.line(), "OK 1");
    for i in 0..20 {
        assert_eq!(cheap.ask(&format!("{i}+1")), format!("OK {}", i + 1));
    }
    // The cheap client was served while most of the costly pipeline was
    // still waiting.
    let costly_so_far = 1 + received_now(&mut costly);
    assert!(
        costly_so_far < 150,
        "the cheap requests were answered only after all 150 costly ones"
    );
}

#[test]
fn costly_requests_in_flight_on_eight_connections_do_not_hold_up_a_cheap_one() {
    let server = Server::start(&["--log-level", "warning", "--workers", "1"]);
    let mut costly: Vec<Client> = (0..8).map(|_| server.connect()).collect();
    let mut cheap = server.connect();
    // Warm: every connection is registered before the load starts.
    assert_eq!(cheap.ask("1"), "OK 1");
    for c in &mut costly {
        assert_eq!(c.ask("2"), "OK 2");
    }
    for c in &mut costly {
        pipeline(c, COSTLY, 1);
    }
    assert_eq!(cheap.ask("1+2*3"), "OK 7");
    let early: Vec<Vec<u8>> = costly.iter_mut().map(Client::take_now).collect();
    let finished = early.iter().map(|b| lines_in(b)).sum::<usize>();
    assert!(
        finished < 8,
        "the cheap request was answered only after all 8 costly ones"
    );
    // And every costly request is answered in the end.
    for (c, early) in costly.iter_mut().zip(early) {
        let mut answer = early;
        while lines_in(&answer) == 0 {
            let line = c.line();
            assert!(!line.is_empty(), "connection closed before its answer");
            answer.extend_from_slice(line.as_bytes());
            answer.push(b'\n');
        }
        assert_eq!(answer, b"OK 1\n");
    }
}

#[test]
fn answers_stay_in_order_around_a_request_evaluated_in_the_pool() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    c.send(format!("{COSTLY}\n1+1\n{COSTLY} + 1\n2+2\n1/0\nexit\n").as_bytes());
    assert_eq!(c.line(), "OK 1");
    assert_eq!(c.line(), "OK 2");
    assert_eq!(c.line(), "OK 2");
    assert_eq!(c.line(), "OK 4");
    assert_eq!(c.line(), "ERR ZeroDivisionError: division by zero");
    bye_seconds(&c.line());
    assert_eq!(c.rest(), "");
}

#[test]
fn a_costly_last_line_without_newline_is_answered_before_the_session_ends() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    c.send(format!("1+1\n{COSTLY}").as_bytes());
    c.shutdown_write();
    assert_eq!(c.line(), "OK 2");
    assert_eq!(c.line(), "OK 1");
    assert_eq!(c.rest(), "");
}

#[test]
fn a_request_over_the_whole_budget_is_still_refused_after_the_pool_tries_it() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    let answer = c.ask("pow(10**1000, 18**1012, 20**1015 + 9)");
    assert_eq!(answer, "ERR LimitError: operation exceeds the work budget");
    assert_eq!(c.ask("1+1"), "OK 2");
}

#[test]
fn shutdown_does_not_wait_for_queued_costly_requests() {
    let mut server = Server::start(&["--workers", "1"]);
    let mut clients: Vec<Client> = (0..2).map(|_| server.connect()).collect();
    for c in &mut clients {
        pipeline(c, COSTLY, 150);
    }
    for c in &mut clients {
        assert_eq!(c.line(), "OK 1");
    }
    server.signal("TERM");
    let status = server.wait(TIMEOUT);
    assert!(status.success(), "server exited with {status}");
    for c in &mut clients {
        let rest = c.rest();
        let lines: Vec<&str> = rest.lines().collect();
        let (last, answers) = lines.split_last().expect("BYE at least");
        bye_seconds(last);
        assert!(
            answers.len() < 149,
            "all {} queued costly requests were evaluated before BYE",
            answers.len() + 1
        );
        assert!(answers.iter().all(|a| *a == "OK 1"), "{answers:?}");
    }
    let log = server.log();
    assert_eq!(log.matches("session closed").count(), 2, "{log}");
}

#[test]
fn a_burst_of_cheap_requests_shares_the_worker_with_another_client() {
    let server = Server::start(&["--log-level", "warning", "--workers", "1"]);
    let mut burst = server.connect();
    let mut other = server.connect();
    assert_eq!(other.ask("0"), "OK 0");
    // 200,000 requests in one go; the client reads its answers only later.
    let burst_size = 200_000;
    let sender = {
        let mut stream = burst.stream.try_clone().unwrap();
        std::thread::spawn(move || {
            use std::io::Write;
            stream
                .write_all("1+1\n".repeat(burst_size).as_bytes())
                .unwrap();
        })
    };
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(other.ask("6*7"), "OK 42");
    let mut answers = burst.take_now();
    assert!(
        lines_in(&answers) < burst_size,
        "the burst was answered in full first"
    );
    burst.stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut buf = vec![0u8; 1 << 16];
    while answers.len() < 5 * burst_size {
        let n = burst.stream.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed after {} bytes", answers.len());
        answers.extend_from_slice(&buf[..n]);
    }
    assert_eq!(answers, "OK 2\n".repeat(burst_size).as_bytes());
    sender.join().unwrap();
}

/// 470 ints of 2**1048575 (128 KiB each) held at once as arguments: 60 MB
/// without a bound on the memory one request holds, within the work
/// budget (5.6 KB of text).
fn memory_hog() -> String {
    format!("max({})", vec!["2**1048575"; 470].join(", "))
}

#[test]
fn the_memory_one_request_holds_is_bounded_for_requests_on_several_connections() {
    let server = Server::start(&["--log-level", "warning"]);
    let idle = server.peak_rss_kib();
    let hog = memory_hog();
    let mut clients: Vec<Client> = (0..6).map(|_| server.connect()).collect();
    for c in &mut clients {
        c.send(format!("{hog}\n{hog}\n{hog}\n1+1\n").as_bytes());
    }
    for c in &mut clients {
        for _ in 0..3 {
            assert_eq!(
                c.line(),
                "ERR LimitError: ints held at once would exceed 8388608 bytes"
            );
        }
        assert_eq!(c.line(), "OK 2");
    }
    // At most a worker and the pool's threads evaluate at once, each
    // holding at most 8 MiB of ints (plus one operation's temporaries);
    // without the bound each would hold 60 MB.
    let grown = server.peak_rss_kib().saturating_sub(idle);
    eprintln!("peak RSS grew by {grown} KiB");
    // Measured: ~18 MiB with the bound, ~122 MiB with `--request-memory
    // 1000000000`.
    assert!(grown < 64 * 1024, "peak RSS grew by {grown} KiB");
}

#[test]
fn request_memory_sets_the_bound() {
    let server = Server::start(&["--log-level", "warning", "--request-memory", "100000000"]);
    let mut c = server.connect();
    // 100 ints of 128 KiB: past the default 8 MiB, within 100 MB.
    let hundred = format!("max({}) % 7", vec!["2**1048575"; 100].join(", "));
    assert_eq!(c.ask(&hundred), "OK 1");
    let server = Server::start(&["--log-level", "warning", "--request-memory", "1000000"]);
    let mut c = server.connect();
    assert_eq!(
        c.ask("max(2**1048575, 2**1048575, 2**1048575, 2**1048575, 2**1048575, 2**1048575, 2**1048575, 2**1048575)"),
        "ERR LimitError: ints held at once would exceed 1000000 bytes"
    );
    assert_eq!(c.ask("2**1048575 % 7"), "OK 1");
}
