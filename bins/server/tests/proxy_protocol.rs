//! `--proxy-protocol`: the PROXY header (v1 and v2) at the start of each
//! connection names the client; the session registry and every log record
//! use that address; connections without a valid header are closed with a
//! WARN; without the flag a header is only a bad request line.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::{Client, Server, TIMEOUT};
use wire::proxy::{ProxyHeader, ProxyVersion, V2_SIGNATURE};

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn header(version: ProxyVersion, src: &str, dst: &str) -> Vec<u8> {
    let mut out = Vec::new();
    ProxyHeader::proxied(version, addr(src), addr(dst)).encode(&mut out);
    out
}

/// The records of the log that mention `needle`.
fn records<'a>(log: &'a str, needle: &str) -> Vec<&'a str> {
    log.lines().filter(|l| l.contains(needle)).collect()
}

/// Reads until the server closes; asserts it sent nothing. A reset counts
/// as closed: the server may drop a connection with unread input.
fn assert_closed_without_answer(stream: &mut TcpStream) {
    stream.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut got = Vec::new();
    match stream.read_to_end(&mut got) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("expected the server to close the connection, got {e}"),
    }
    assert!(got.is_empty(), "expected no answer, got {got:?}");
}

/// One full exchange through a header: the answers, then BYE, then close.
fn exchange(server: &Server, head: &[u8], requests: &str) -> (String, SocketAddr) {
    let mut c = server.connect();
    let local = c.stream.local_addr().unwrap();
    let mut bytes = head.to_vec();
    bytes.extend_from_slice(requests.as_bytes());
    c.send(&bytes);
    (c.rest(), local)
}

/// The client's address from the header is the session's peer in
/// `session opened`, every `request` and `invalid request` record,
/// `exit requested` and `session closed`; `via` names the real connection.
fn assert_records_name(log: &str, session: u64, client: &str, via: SocketAddr, kind: &str) {
    let bare = format!("session: {session}, peer: {client}");
    let tag = format!("{bare},");
    let opened = records(log, &format!("session opened, {tag}"));
    assert_eq!(opened.len(), 1, "{log}");
    assert!(
        opened[0].contains(&format!("via: {via}, proxy: {kind},")),
        "{}",
        opened[0]
    );
    assert_eq!(
        records(log, &format!("INFO request, {tag}")).len(),
        1,
        "{log}"
    );
    assert_eq!(
        records(log, &format!("WARN invalid request, {tag}")).len(),
        1,
        "{log}"
    );
    let exits = records(log, &format!("exit requested, {bare}"));
    assert_eq!(exits.len(), 1, "{log}");
    assert!(exits[0].ends_with(&bare), "{}", exits[0]);
    let closed = records(log, &format!("session closed, {tag}"));
    assert_eq!(closed.len(), 1, "{log}");
    assert!(closed[0].contains("reason: exit"), "{}", closed[0]);
    // The balancer's address appears only as `via`.
    let real = format!("peer: {via}");
    assert!(
        !log.lines()
            .any(|l| l.contains(&format!("session: {session},")) && l.contains(&real)),
        "{log}"
    );
}

#[test]
fn v1_tcp4_header_names_the_client_in_every_record() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let head = header(ProxyVersion::V1, "192.0.2.7:56324", "10.0.0.1:4390");
    let (out, local) = exchange(&server, &head, "6*7\n1/0\nexit\n");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..2],
        ["OK 42", "ERR ZeroDivisionError: division by zero"]
    );
    assert!(lines[2].starts_with("BYE "), "{out}");
    server.stop();
    assert_records_name(&server.log(), 1, "192.0.2.7:56324", local, "v1");
}

#[test]
fn v2_tcp4_and_tcp6_headers_name_the_client() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let v4 = header(ProxyVersion::V2, "198.51.100.20:40000", "10.0.0.1:4390");
    let (out, local4) = exchange(&server, &v4, "2**10\nnope\nquit\n");
    assert!(out.starts_with("OK 1024\nERR NameError"), "{out}");
    let v6 = header(
        ProxyVersion::V2,
        "[2001:db8::7]:65535",
        "[2001:db8::1]:4390",
    );
    let (out, local6) = exchange(&server, &v6, "1+1\n1 +* 2\nexit\n");
    assert!(out.starts_with("OK 2\nERR SyntaxError"), "{out}");
    server.stop();
    let log = server.log();
    assert_records_name(&log, 1, "198.51.100.20:40000", local4, "v2");
    assert_records_name(&log, 2, "[2001:db8::7]:65535", local6, "v2");
}

#[test]
fn v1_tcp6_header_on_an_ipv6_listener() {
    let mut server = Server::start_on("::1", &["--proxy-protocol"]);
    let head = header(ProxyVersion::V1, "[2001:db8::9]:1234", "[::1]:4390");
    let (out, local) = exchange(&server, &head, "3*3\nfoo(\nexit\n");
    assert!(out.starts_with("OK 9\nERR SyntaxError"), "{out}");
    server.stop();
    assert_records_name(&server.log(), 1, "[2001:db8::9]:1234", local, "v1");
}

#[test]
fn v2_local_uses_the_connection_address() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let mut head = Vec::new();
    ProxyHeader::local().encode(&mut head);
    // A health check as a balancer would make it: LOCAL, then `1+1`.
    let (out, local) = exchange(&server, &head, "1+1\n1/0\nexit\n");
    assert!(out.starts_with("OK 2\nERR ZeroDivisionError"), "{out}");
    // v1 UNKNOWN likewise.
    let (out, local_v1) = exchange(&server, b"PROXY UNKNOWN\r\n", "1+1\n1/0\nexit\n");
    assert!(out.starts_with("OK 2\nERR"), "{out}");
    server.stop();
    let log = server.log();
    let tag = format!("session: 1, peer: {local},");
    let opened = records(&log, &format!("session opened, {tag}"));
    assert_eq!(opened.len(), 1, "{log}");
    assert!(opened[0].contains(&format!("via: {local}, proxy: v2 LOCAL")));
    assert_eq!(records(&log, &format!("INFO request, {tag}")).len(), 1);
    assert_eq!(records(&log, &format!("session closed, {tag}")).len(), 1);
    let opened = records(
        &log,
        &format!("session opened, session: 2, peer: {local_v1},"),
    );
    assert_eq!(opened.len(), 1, "{log}");
    assert!(opened[0].contains("proxy: v1 UNKNOWN"), "{}", opened[0]);
}

#[test]
fn a_connection_without_a_header_is_closed_with_a_warning() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let mut c = server.connect();
    let local = c.stream.local_addr().unwrap();
    c.send(b"1+1\n");
    assert_closed_without_answer(&mut c.stream);
    // The server goes on for others.
    let head = header(ProxyVersion::V1, "192.0.2.1:1000", "192.0.2.2:4390");
    let (out, _) = exchange(&server, &head, "1+1\nexit\n");
    assert!(out.starts_with("OK 2\nBYE"), "{out}");
    server.stop();
    let log = server.log();
    let warn = records(&log, "WARN connection rejected: no valid PROXY header");
    assert_eq!(warn.len(), 1, "{log}");
    assert!(
        warn[0].contains(&format!(
            "peer: {local}, reason: \"not a PROXY protocol header\""
        )),
        "{}",
        warn[0]
    );
    // No session was opened for it and its request was not evaluated.
    assert_eq!(records(&log, "session opened").len(), 1, "{log}");
    assert_eq!(records(&log, "INFO request").len(), 1, "{log}");
}

#[test]
fn malformed_headers_are_rejected_with_their_reason() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let mut long_v2 = V2_SIGNATURE.to_vec();
    long_v2.extend_from_slice(&[0x21, 0x11, 0xff, 0xff]);
    let mut v1_version = V2_SIGNATURE.to_vec();
    v1_version.extend_from_slice(&[0x11, 0x11, 0x00, 0x0c]);
    let mut short_block = V2_SIGNATURE.to_vec();
    short_block.extend_from_slice(&[0x21, 0x11, 0x00, 0x04, 1, 2, 3, 4]);
    // UNKNOWN takes any bytes up to the CRLF: only the length stops it.
    let mut endless = b"PROXY UNKNOWN ".to_vec();
    endless.extend(std::iter::repeat_n(b'x', 4096));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            b"PROXY TCP4 192.0.2.1 192.0.2.2 70000 4390\r\n1+1\n".to_vec(),
            "invalid PROXY v1 source port",
        ),
        (
            b"PROXY TCP4 192.0.2.01 192.0.2.2 1 2\r\n".to_vec(),
            "invalid PROXY v1 source address",
        ),
        (
            b"PROXY TCP5 192.0.2.1 192.0.2.2 1 2\r\n".to_vec(),
            "unknown PROXY v1 protocol",
        ),
        (
            b"PROXY TCP4 192.0.2.1 192.0.2.2 1 2\n".to_vec(),
            "must end with CRLF",
        ),
        (
            b"PROXY  TCP4 192.0.2.1 192.0.2.2 1 2\r\n".to_vec(),
            "PROXY v1",
        ),
        (
            b"\r\n\r\n\0\r\nQUIX\n!\x11\x00\x0c".to_vec(),
            "not a PROXY protocol header",
        ),
        (v1_version, "unsupported PROXY protocol version 1"),
        (long_v2, "PROXY header longer than 16384 bytes"),
        (short_block, "PROXY v2 address block of 4 bytes"),
        (endless, "PROXY header longer than 107 bytes"),
    ];
    let mut peers = Vec::new();
    for (bytes, _) in &cases {
        let mut c = server.connect();
        peers.push(c.stream.local_addr().unwrap());
        // The server may close before taking everything: ignore a reset.
        let _ = c.stream.write_all(bytes);
        assert_closed_without_answer(&mut c.stream);
    }
    server.stop();
    let log = server.log();
    for ((_, reason), peer) in cases.iter().zip(&peers) {
        let warn = records(
            &log,
            &format!("no valid PROXY header, peer: {peer}, reason: \""),
        );
        assert_eq!(warn.len(), 1, "{peer}: {log}");
        assert!(warn[0].contains(reason), "expected {reason:?}: {}", warn[0]);
    }
    assert!(records(&log, "session opened").is_empty(), "{log}");
    assert!(records(&log, " request,").is_empty(), "{log}");
}

#[test]
fn a_header_truncated_by_the_peer_closing_is_rejected() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let full = header(ProxyVersion::V2, "192.0.2.1:1", "192.0.2.2:2");
    let mut c = server.connect();
    let local = c.stream.local_addr().unwrap();
    c.send(&full[..20]);
    c.shutdown_write();
    assert_closed_without_answer(&mut c.stream);
    server.stop();
    let log = server.log();
    let warn = records(
        &log,
        &format!("peer: {local}, reason: \"PROXY header truncated after 20 bytes\""),
    );
    assert_eq!(warn.len(), 1, "{log}");
}

#[test]
fn a_header_not_complete_in_time_is_cut_off() {
    let mut server = Server::start(&["--proxy-protocol", "--proxy-header-timeout", "1"]);
    let started = Instant::now();
    let mut partial = server.connect();
    let mut silent = server.connect();
    let partial_addr = partial.stream.local_addr().unwrap();
    let silent_addr = silent.stream.local_addr().unwrap();
    partial.send(b"PROXY TCP4 192.0.2.1 ");
    assert_closed_without_answer(&mut partial.stream);
    assert_closed_without_answer(&mut silent.stream);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "cut off after {took:?}"
    );
    server.stop();
    let log = server.log();
    assert_eq!(
        records(
            &log,
            &format!("peer: {partial_addr}, reason: \"no complete PROXY header within 1 s (21 bytes received)\"")
        )
        .len(),
        1,
        "{log}"
    );
    assert_eq!(
        records(
            &log,
            &format!("peer: {silent_addr}, reason: \"no complete PROXY header within 1 s (0 bytes received)\"")
        )
        .len(),
        1,
        "{log}"
    );
}

#[test]
fn a_header_split_across_many_writes_is_assembled() {
    let mut server = Server::start(&["--proxy-protocol"]);
    for (i, version) in [ProxyVersion::V1, ProxyVersion::V2].into_iter().enumerate() {
        let src = format!("203.0.113.{}:{}", i + 1, 50000 + i);
        let head = header(version, &src, "203.0.113.200:4390");
        let mut c = server.connect();
        c.stream.set_nodelay(true).unwrap();
        // One byte per write with a pause, so each arrives on its own.
        for b in &head {
            c.send(std::slice::from_ref(b));
            std::thread::sleep(Duration::from_millis(2));
        }
        // The first request, split too, right behind the header.
        for chunk in [&b"7"[..], b"*", b"6\n"] {
            c.send(chunk);
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(c.line(), "OK 42");
        assert_eq!(c.ask("1+1"), "OK 2");
        assert!(c.ask("exit").starts_with("BYE "));
        let log = server.wait_log("session closed", |l| {
            l.contains(&format!("session closed, session: {}, peer: {src},", i + 1))
        });
        assert_eq!(
            records(
                &log,
                &format!(
                    "INFO request, session: {}, peer: {src}, expression: \"7*6\", result: \"42\"",
                    i + 1
                )
            )
            .len(),
            1,
            "{log}"
        );
    }
    server.stop();
}

#[test]
fn requests_in_the_same_packet_as_the_header_are_all_answered() {
    let mut server = Server::start(&["--proxy-protocol"]);
    for version in [ProxyVersion::V1, ProxyVersion::V2] {
        let mut bytes = header(version, "192.0.2.50:5050", "192.0.2.1:4390");
        for i in 0..200 {
            bytes.extend_from_slice(format!("{i}*2\n").as_bytes());
        }
        bytes.extend_from_slice(b"exit\n");
        let mut c = server.connect();
        c.send(&bytes); // one write: header and 201 lines together
        for i in 0..200 {
            assert_eq!(c.line(), format!("OK {}", i * 2));
        }
        assert!(c.line().starts_with("BYE "));
        assert_eq!(c.rest(), "");
    }
    server.stop();
    let log = server.log();
    assert_eq!(
        records(&log, "INFO request, session: 1, peer: 192.0.2.50:5050,").len(),
        200
    );
    assert_eq!(
        records(&log, "INFO request, session: 2, peer: 192.0.2.50:5050,").len(),
        200
    );
}

#[test]
fn without_the_flag_a_header_is_never_trusted() {
    let mut server = Server::start(&[]);
    // v1: one bad request line, then the session goes on.
    let mut c = server.connect();
    let local = c.stream.local_addr().unwrap();
    let mut bytes = header(ProxyVersion::V1, "192.0.2.7:56324", "10.0.0.1:4390");
    bytes.extend_from_slice(b"1+1\n");
    c.send(&bytes);
    assert!(c.line().starts_with("ERR SyntaxError"));
    assert_eq!(c.line(), "OK 2");
    assert!(c.ask("exit").starts_with("BYE "));
    // v2: its signature is lines too, the last of them `QUIT`, which ends
    // the session (why the signature was chosen so).
    let mut c2 = server.connect();
    let local2 = c2.stream.local_addr().unwrap();
    c2.send(&header(ProxyVersion::V2, "192.0.2.8:1", "10.0.0.1:4390"));
    assert!(c2.line().starts_with("ERR SyntaxError"));
    assert!(c2.line().starts_with("ERR SyntaxError"));
    assert!(c2.line().starts_with("ERR SyntaxError"));
    assert!(c2.line().starts_with("BYE "));
    assert_eq!(c2.rest(), "");
    server.stop();
    let log = server.log();
    assert!(!log.contains("peer: 192.0.2.7"), "{log}");
    assert!(!log.contains("peer: 192.0.2.8"), "{log}");
    let opened = records(&log, &format!("session opened, session: 1, peer: {local},"));
    assert_eq!(opened.len(), 1, "{log}");
    assert!(!opened[0].contains("via:"), "{}", opened[0]);
    assert_eq!(
        records(
            &log,
            &format!("WARN invalid request, session: 1, peer: {local}, expression: \"PROXY TCP4")
        )
        .len(),
        1,
        "{log}"
    );
    assert_eq!(
        records(
            &log,
            &format!("session closed, session: 2, peer: {local2}, reason: exit")
        )
        .len(),
        1,
        "{log}"
    );
}

#[test]
fn connections_awaiting_a_header_count_against_max_clients() {
    let mut server = Server::start(&["--proxy-protocol", "--max-clients", "2"]);
    let mut a = server.connect();
    let _b = server.connect();
    server.wait_log("listening", |l| l.contains("listening"));
    // Give the acceptor time to take both before the third arrives.
    std::thread::sleep(Duration::from_millis(200));
    let mut c = server.connect();
    let busy = c.line();
    assert!(busy.starts_with("ERR Busy: too many clients"), "{busy}");
    assert!(
        busy.contains("2 connections awaiting a PROXY header"),
        "{busy}"
    );
    // Once one of them sends its header and leaves, there is room again.
    a.send(&header(ProxyVersion::V2, "192.0.2.3:3", "192.0.2.4:4"));
    assert!(a.ask("exit").starts_with("BYE "));
    assert_eq!(a.rest(), "");
    server.wait_log("first session closed", |l| {
        l.contains("session closed, session: 1, peer: 192.0.2.3:3,")
    });
    let mut d = Client::connect(server.addr);
    d.send(&header(ProxyVersion::V1, "192.0.2.5:5", "192.0.2.4:4"));
    assert_eq!(d.ask("2+2"), "OK 4");
    server.stop();
    assert_eq!(
        records(&server.log(), "WARN client refused: too many clients").len(),
        1
    );
}

#[test]
fn shutdown_closes_connections_still_awaiting_their_header() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let mut c = server.connect();
    let local = c.stream.local_addr().unwrap();
    c.send(b"PROXY TCP4 ");
    server.wait_log("listening", |l| l.contains("listening"));
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    server.stop();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_closed_without_answer(&mut c.stream);
    let log = server.log();
    assert_eq!(
        records(
            &log,
            &format!(
                "connection closed before its PROXY header, peer: {local}, reason: server shutdown"
            )
        )
        .len(),
        1,
        "{log}"
    );
}

#[test]
fn a_header_then_a_final_line_and_half_close_is_answered() {
    let mut server = Server::start(&["--proxy-protocol"]);
    let mut c = server.connect();
    let mut bytes = header(ProxyVersion::V2, "192.0.2.60:6060", "192.0.2.1:4390");
    bytes.extend_from_slice(b"6*7\n2**8"); // the last line without LF
    c.send(&bytes);
    c.shutdown_write();
    assert_eq!(c.rest(), "OK 42\nOK 256\n");
    server.stop();
    let log = server.log();
    assert_eq!(
        records(
            &log,
            "session closed, session: 1, peer: 192.0.2.60:6060, reason: peer closed"
        )
        .len(),
        1,
        "{log}"
    );
}
