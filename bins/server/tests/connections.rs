//! Many clients, and clients that behave badly.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{bye_seconds, Client, Server, TIMEOUT};

#[test]
fn sixty_four_concurrent_clients() {
    let server = Server::start(&[]);
    let addr = server.addr;
    let threads: Vec<_> = (0..64)
        .map(|t| {
            std::thread::spawn(move || {
                let mut c = Client::connect(addr);
                for i in 0..100 {
                    assert_eq!(
                        c.ask(&format!("{t} * 1000 + {i}")),
                        format!("OK {}", t * 1000 + i)
                    );
                }
                assert!(c.ask("exit").starts_with("BYE "));
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    server.wait_log("64 sessions closed", |l| {
        l.matches("session closed").count() == 64
    });
}

#[test]
fn half_close_gets_every_answer_then_end_of_stream() {
    let server = Server::start(&[]);
    let mut c = server.connect();
    let mut batch = String::new();
    for i in 0..1000 {
        batch.push_str(&format!("{i}\n"));
    }
    c.send(batch.as_bytes());
    c.shutdown_write();
    let rest = c.rest();
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(lines.len(), 1000);
    assert_eq!(lines[999], "OK 999");
    server.wait_log("peer closed", |l| l.contains("reason: peer closed"));
}

/// The server stops reading after a short read (the socket is drained
/// and a new event will announce more), except when the event itself said
/// the peer closed: an end of stream that arrived with the last request
/// raises no further event. Both orders, many times: each client gets its
/// answer and then end of stream (not the read timeout).
#[test]
fn a_last_request_with_end_of_stream_is_answered_then_closed() {
    let server = Server::start(&[]);
    for i in 0..200u64 {
        let mut c = server.connect();
        c.send(format!("{i}*2\n").as_bytes());
        if i % 2 == 1 {
            // FIN in a later event than the data.
            std::thread::sleep(Duration::from_millis(2));
        }
        c.shutdown_write();
        assert_eq!(c.rest(), format!("OK {}\n", i * 2), "client {i}");
    }
    server.wait_log("200 sessions closed by their peers", |l| {
        l.matches("reason: peer closed").count() == 200
    });
}

#[test]
fn abrupt_close_and_reset_end_the_session_and_the_server_goes_on() {
    let server = Server::start(&[]);
    {
        let mut c = server.connect();
        c.send(b"1+1\n2+"); // half a line, then gone
    }
    {
        let c = TcpStream::connect(server.addr).unwrap();
        (&c).write_all(b"3*3\n").unwrap();
        socket2::SockRef::from(&c)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        drop(c); // RST
    }
    let log = server.wait_log("both sessions closed", |l| {
        l.matches("session closed").count() == 2 && l.contains("active: 0")
    });
    assert!(log.contains("session: 1"), "{log}");
    let mut c = server.connect();
    assert_eq!(c.ask("6*7"), "OK 42");
}

#[test]
fn max_clients_refuses_extra_clients_with_busy() {
    let server = Server::start(&["--max-clients", "2"]);
    let mut a = server.connect();
    let mut b = server.connect();
    assert_eq!(a.ask("1"), "OK 1");
    assert_eq!(b.ask("2"), "OK 2");
    let mut c = server.connect();
    let busy = c.line();
    assert!(busy.starts_with("ERR Busy: "), "{busy}");
    assert_eq!(c.line(), "", "closed after Busy");
    drop(c);
    assert!(a.ask("exit").starts_with("BYE "));
    // A place is free again (once the server has closed a's session).
    server.wait_log("a closed", |l| l.contains("reason: exit"));
    let mut d = server.connect();
    assert_eq!(d.ask("3"), "OK 3");
    let log = server.log();
    assert!(log.contains("client refused: too many clients"), "{log}");
}

#[test]
fn idle_sessions_end_with_bye() {
    let server = Server::start(&["--idle-timeout", "1"]);
    let mut idle = server.connect();
    let mut busy = server.connect();
    let start = Instant::now();
    // `busy` keeps talking; `idle` says nothing.
    while start.elapsed() < Duration::from_millis(1500) {
        assert_eq!(busy.ask("1"), "OK 1");
        std::thread::sleep(Duration::from_millis(100));
    }
    let secs = bye_seconds(&idle.line());
    assert!(secs >= 1.0, "{secs}");
    assert_eq!(idle.line(), "");
    assert_eq!(busy.ask("2"), "OK 2");
    server.wait_log("idle timeout", |l| l.contains("reason: idle timeout"));
}

#[test]
fn a_client_that_never_reads_does_not_grow_the_server() {
    let server = Server::start(&["--log-level", "warning"]);
    let rss_before = server.rss_kib();
    let hog = TcpStream::connect(server.addr).unwrap();
    hog.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
    // Each 2-byte request gets a ~90-byte error answer: 64 MiB of answers
    // if the server kept reading.
    let chunk = b"\xff\n".repeat(32 * 1024);
    let mut sent = 0usize;
    let start = Instant::now();
    while sent < 16_000_000 && start.elapsed() < TIMEOUT {
        match (&hog).write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break, // the server stopped reading: the write timed out
        }
    }
    assert!(
        sent < 16_000_000,
        "the server kept reading from a client that never reads"
    );
    // Others are still served promptly.
    let mut c = server.connect();
    assert_eq!(c.ask("1+1"), "OK 2");
    let grown = server.rss_kib().saturating_sub(rss_before);
    assert!(grown < 50 * 1024, "server grew by {grown} KiB");
    drop(hog);
}

#[test]
fn endless_line_without_newline_keeps_memory_bounded() {
    let server = Server::start(&[]);
    let rss_before = server.rss_kib();
    let mut c = server.connect();
    let chunk = vec![b'1'; 64 * 1024];
    for _ in 0..(64 * 16) {
        c.send(&chunk); // 64 MiB
    }
    c.send(b"\n");
    assert_eq!(c.line(), "ERR LimitError: request longer than 65536 bytes");
    let grown = server.rss_kib().saturating_sub(rss_before);
    assert!(grown < 20 * 1024, "server grew by {grown} KiB");
}

#[test]
fn ipv6_loopback() {
    if TcpStream::connect("[::1]:1")
        .is_err_and(|e| e.kind() == std::io::ErrorKind::AddrNotAvailable)
    {
        eprintln!("no IPv6 loopback here: skipped");
        return;
    }
    let server = Server::start_on("::1", &[]);
    assert!(server.addr.is_ipv6());
    let mut c = server.connect();
    assert_eq!(c.ask("2**10"), "OK 1024");
}

#[test]
fn stalled_half_lines_do_not_delay_others() {
    let server = Server::start(&[]);
    let stalled: Vec<TcpStream> = (0..50)
        .map(|_| {
            let s = TcpStream::connect(server.addr).unwrap();
            (&s).write_all(b"1 + ").unwrap();
            s
        })
        .collect();
    let mut c = server.connect();
    let start = Instant::now();
    for _ in 0..100 {
        assert_eq!(c.ask("1+1"), "OK 2");
    }
    assert!(start.elapsed() < Duration::from_secs(5));
    for mut s in stalled {
        s.write_all(b"1\n").unwrap();
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"OK 2\n");
    }
}

#[test]
fn running_out_of_file_descriptors_is_logged_and_survived() {
    // With 40 descriptors the server can hold about 25 sessions.
    let server = Server::start_with_nofile(40, &[]);
    let mut clients: Vec<Client> = (0..40).map(|_| server.connect()).collect();
    server.wait_log("an accept error", |l| l.contains("accept failed, pausing"));
    // The first clients were accepted and are served.
    assert_eq!(clients[0].ask("1+1"), "OK 2");
    // The last ones wait in the backlog; once the first 30 leave, the
    // server accepts and serves them.
    let waiting = clients.split_off(30);
    drop(clients);
    for mut c in waiting {
        assert_eq!(c.ask("2+2"), "OK 4");
    }
    let log = server.log();
    assert!(log.contains("Too many open files"), "{log}");
    let mut c = server.connect();
    assert_eq!(c.ask("3+3"), "OK 6");
}

#[test]
fn two_thousand_connections_held_at_once_and_a_burst_of_300() {
    let server = Server::start(&["--log-level", "warning"]);
    let mut clients: Vec<Client> = (0..2000).map(|_| server.connect()).collect();
    for (i, c) in clients.iter_mut().enumerate() {
        c.send(format!("{i}+1\n").as_bytes());
    }
    for (i, c) in clients.iter_mut().enumerate() {
        assert_eq!(c.line(), format!("OK {}", i + 1));
    }
    drop(clients);
    let addr = server.addr;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(300));
    let burst: Vec<_> = (0..300)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut c = Client::connect(addr);
                assert_eq!(c.ask(&format!("{i}*2")), format!("OK {}", i * 2));
            })
        })
        .collect();
    for t in burst {
        t.join().unwrap();
    }
}
