//! Session names: what `(x := value)` binds stays for the session's later
//! requests, no other session sees it, and the names are bounded per
//! session (`--session-names`, `--session-memory`) and over the server
//! (`--names-memory`), the server-wide bytes coming back when a session
//! ends.
//!
//! Assertions are about answers and their order, never wall-clock time.

mod common;

use common::{Client, Server};

/// Sends `lines` in one write and reads one answer per line.
fn pipelined(c: &mut Client, lines: &[&str]) -> Vec<String> {
    let mut batch = String::new();
    for l in lines {
        batch.push_str(l);
        batch.push('\n');
    }
    c.send(batch.as_bytes());
    lines.iter().map(|_| c.line()).collect()
}

/// Among the costliest requests the default limits accept: more than a
/// worker's inline slice, so it is evaluated in the evaluation pool.
const COSTLY: &str = "pow(3, 10**1000, 10**1000 + 1) % 2";

#[test]
fn names_persist_within_a_session_and_no_other_session_sees_them() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut a = server.connect();
    let mut b = server.connect();
    assert_eq!(a.ask("(x := 2**64)"), "OK 18446744073709551616");
    assert_eq!(
        b.ask("x"),
        "ERR NameError: name 'x' is not defined",
        "session B sees session A's name"
    );
    assert_eq!(a.ask("x * 2"), "OK 36893488147419103232");
    // B binds its own `x`; A's is untouched.
    assert_eq!(b.ask("(x := 1)"), "OK 1");
    assert_eq!(a.ask("x"), "OK 18446744073709551616");
    assert_eq!(b.ask("x + 1"), "OK 2");
    // Shadowing a built-in is the session's own business too.
    assert_eq!(a.ask("(pi := 3)"), "OK 3");
    assert_eq!(a.ask("pi * 2"), "OK 6");
    assert_eq!(b.ask("pi * 2"), "OK 6.283185307179586");
    // Names assigned before an error stay, as CPython's eval leaves them.
    assert_eq!(
        a.ask("(y := 5) + 1/0"),
        "ERR ZeroDivisionError: division by zero"
    );
    assert_eq!(a.ask("y"), "OK 5");
    // Pipelined requests see the names of the ones before them.
    assert_eq!(
        pipelined(&mut a, &["(n := 1)", "(n := n + 1)", "(n := n * 10)", "n"]),
        ["OK 1", "OK 2", "OK 20", "OK 20"]
    );
    // A new session starts empty.
    let mut c = server.connect();
    assert_eq!(c.ask("n"), "ERR NameError: name 'n' is not defined");
    assert_eq!(
        c.ask("x := 1"),
        "ERR SyntaxError: invalid syntax (column 3)"
    );
}

#[test]
fn names_travel_with_a_request_to_the_evaluation_pool_and_back() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut a = server.connect();
    let mut b = server.connect();
    assert_eq!(a.ask("(k := 7)"), "OK 7");
    // Costly requests that assign, pipelined with cheap ones that read:
    // answered in order, each seeing what the one before bound.
    let costly_assign = format!("(c := {COSTLY}) + k");
    let answers = pipelined(
        &mut a,
        &[
            &costly_assign,
            "c",
            "(k := k + 1)",
            &format!("(d := {COSTLY} + k)"),
            "d - k",
        ],
    );
    assert_eq!(answers, ["OK 8", "OK 1", "OK 8", "OK 9", "OK 1"]);
    // A request that fails past the inline slice after assigning keeps
    // its assignments once, as CPython would (evaluated again in the pool
    // from the names as they were).
    assert_eq!(
        a.ask(&format!("(k := k + 1) + {COSTLY} + 1/0")),
        "ERR ZeroDivisionError: division by zero"
    );
    assert_eq!(a.ask("k"), "OK 9");
    assert_eq!(b.ask("k"), "ERR NameError: name 'k' is not defined");
}

#[test]
fn a_client_binding_names_in_a_loop_hits_its_cap_and_carries_on() {
    let server = Server::start(&["--log-level", "warning", "--session-names", "50"]);
    let mut a = server.connect();
    let requests: Vec<String> = (0..60).map(|i| format!("(v{i} := {i})")).collect();
    let lines: Vec<&str> = requests.iter().map(String::as_str).collect();
    let answers = pipelined(&mut a, &lines);
    for (i, answer) in answers.iter().enumerate() {
        if i < 50 {
            assert_eq!(*answer, format!("OK {i}"));
        } else {
            assert_eq!(
                answer, "ERR LimitError: assignment would bind more than 50 names",
                "request {i}"
            );
        }
    }
    // The session goes on, its names as they were; rebinding is allowed.
    assert_eq!(a.ask("v0 + v49"), "OK 49");
    assert_eq!(
        a.ask("(v0 := 100) + (v50 := 1)"),
        "ERR LimitError: assignment would bind more than 50 names"
    );
    assert_eq!(a.ask("v0"), "OK 0", "a refused request left an assignment");
    assert_eq!(a.ask("(v0 := 100)"), "OK 100");
    // The bytes its names hold are bounded too.
    let server = Server::start(&["--log-level", "warning", "--session-memory", "1000"]);
    let mut b = server.connect();
    assert_eq!(
        b.ask("(big := 2**10000) > 0"),
        "ERR LimitError: assignment would make the names hold more than 1000 bytes"
    );
    assert_eq!(b.ask("big"), "ERR NameError: name 'big' is not defined");
    assert_eq!(b.ask("(small := 2**100) > 0"), "OK True");
}

#[test]
fn many_clients_share_the_server_wide_cap_and_a_session_that_ends_frees_its_share() {
    // Each session may hold 4 MiB, but all of them together only 8,300
    // bytes: a name bound to 2**16000 counts 64 + 2 + 2,000 bytes, a
    // name bound to a small int 66.
    let server = Server::start(&["--log-level", "info", "--names-memory", "8300"]);
    let mut c: Vec<Client> = (0..6).map(|_| server.connect()).collect();
    const ALL: &str =
        "ERR LimitError: assignment would make the names of all sessions hold more than 8300 bytes";
    let mut refused = Vec::new();
    for (i, client) in c.iter_mut().enumerate() {
        let answer = client.ask("(b := 2**16000) > 0");
        if answer != "OK True" {
            assert_eq!(answer, ALL);
            refused.push(i);
        }
    }
    assert_eq!(refused, [4, 5], "four names of 2,066 bytes fit in 8,300");
    // 36 bytes are left: not even a small name fits. The refused
    // sessions go on; once another session's names shrink, theirs fit.
    assert_eq!(c[5].ask("(s := 1) + 1"), ALL);
    assert_eq!(c[0].ask("(b := 0)"), "OK 0");
    assert_eq!(c[5].ask("(s := 1) + 1"), "OK 2");
    assert_eq!(c[4].ask("(b := 2**16000) > 0"), ALL);
    // A session that ends gives its share back: once its close is
    // logged, another session's request fits.
    let bye = c[1].ask("exit");
    assert!(bye.starts_with("BYE "), "{bye}");
    server.wait_log("session 2 closed", |log| {
        log.lines()
            .any(|l| l.contains("session closed") && l.contains("session: 2,"))
    });
    assert_eq!(c[4].ask("(b := 2**16000) > 0"), "OK True");
    // A disconnect without `exit` frees it as well.
    assert_eq!(c[5].ask("(t := 2**16000) > 0"), ALL);
    let gone = c.remove(2);
    drop(gone);
    server.wait_log("session 3 closed", |log| {
        log.lines()
            .any(|l| l.contains("session closed") && l.contains("session: 3,"))
    });
    assert_eq!(c[4].ask("(t := 2**16000) > 0"), "OK True");
    assert_eq!(c[4].ask("t > s"), "OK True");
}
