//! Listeners and connections on the loopback interfaces.

use std::io::{self, Read, Write};
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use socket2::SockRef;
use sockets::{
    connect, connect_host, prepare_accepted, ConnectError, ListenError, ListenerBuilder,
};

fn v4() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

fn v6() -> SocketAddr {
    "[::1]:0".parse().unwrap()
}

/// Whether this machine can bind `[::1]`; tests print why they skip.
fn have_ipv6_loopback() -> bool {
    match TcpListener::bind((Ipv6Addr::LOCALHOST, 0)) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("SKIPPED: no IPv6 loopback on this machine ({e})");
            false
        }
    }
}

fn echo_once(listener: &TcpListener, addr: SocketAddr) {
    let mut client = connect(addr, Duration::from_secs(2)).unwrap();
    let (mut server, peer) = listener.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    client.write_all(b"ping\n").unwrap();
    let mut got = [0u8; 5];
    server.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"ping\n");
}

#[test]
fn binds_port_zero_on_ipv4() {
    let listener = ListenerBuilder::new(v4()).build().unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(addr.is_ipv4() && addr.port() != 0, "{addr}");
    echo_once(&listener, addr);
}

#[test]
fn binds_port_zero_on_ipv6() {
    if !have_ipv6_loopback() {
        return;
    }
    let listener = ListenerBuilder::new(v6()).build().unwrap();
    let addr = listener.local_addr().unwrap();
    assert_eq!(addr.ip(), Ipv6Addr::LOCALHOST);
    assert_ne!(addr.port(), 0);
    echo_once(&listener, addr);
    // The bracketed form a user types goes through connect_host too.
    let client = connect_host("[::1]", addr.port(), Duration::from_secs(2)).unwrap();
    assert!(client.peer_addr().unwrap().is_ipv6());
}

#[test]
fn ipv6_wildcard_is_dual_stack_unless_told_otherwise() {
    if !have_ipv6_loopback() {
        return;
    }
    let any6: SocketAddr = "[::]:0".parse().unwrap();
    let dual = ListenerBuilder::new(any6).build().unwrap();
    assert!(!SockRef::from(&dual).only_v6().unwrap());
    let port = dual.local_addr().unwrap().port();
    let client = connect(
        SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    )
    .unwrap();
    let (_server, peer) = dual.accept().unwrap();
    assert_eq!(
        peer.to_string(),
        format!("[::ffff:127.0.0.1]:{}", client.local_addr().unwrap().port())
    );

    let only = ListenerBuilder::new(any6).only_v6(true).build().unwrap();
    assert!(SockRef::from(&only).only_v6().unwrap());
    let port = only.local_addr().unwrap().port();
    let refused = connect(
        SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    );
    assert!(
        matches!(refused, Err(ConnectError::Refused { .. })),
        "{refused:?}"
    );
}

#[test]
fn reuse_address_is_set_by_default_and_can_be_turned_off() {
    let on = ListenerBuilder::new(v4()).build().unwrap();
    assert!(SockRef::from(&on).reuse_address().unwrap());
    let off = ListenerBuilder::new(v4())
        .reuse_address(false)
        .build()
        .unwrap();
    assert!(!SockRef::from(&off).reuse_address().unwrap());
}

/// The listening socket's accept-queue size as `ss` reports it (Send-Q of a
/// listening socket), or `None` if `ss` is not available.
fn ss_backlog(port: u16) -> Option<u32> {
    let out = Command::new("ss")
        .args(["-ltnH", &format!("sport = :{port}")])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().next()?;
    line.split_whitespace().nth(2)?.parse().ok()
}

#[test]
fn backlog_reaches_the_kernel() {
    for backlog in [sockets::DEFAULT_BACKLOG, 1, 77] {
        let builder = ListenerBuilder::new(v4());
        let builder = if backlog == sockets::DEFAULT_BACKLOG {
            builder
        } else {
            builder.backlog(backlog)
        };
        assert_eq!(builder.backlog_len(), backlog);
        let listener = builder.build().unwrap();
        let port = listener.local_addr().unwrap().port();
        match ss_backlog(port) {
            Some(seen) => assert_eq!(seen, backlog),
            None => eprintln!("SKIPPED: `ss` not available to read the backlog"),
        }
    }
}

/// With nobody accepting, Linux completes `backlog + 1` handshakes and then
/// drops SYNs, so the next connect times out: this checks the backlog
/// behaviourally and gives a reliable connect timeout without a network.
#[test]
fn full_accept_queue_makes_connect_time_out() {
    let backlog = 2;
    let listener = ListenerBuilder::new(v4()).backlog(backlog).build().unwrap();
    let addr = listener.local_addr().unwrap();
    let timeout = Duration::from_millis(300);
    let mut held = Vec::new();
    let mut timed_out = None;
    for _ in 0..10 {
        let started = Instant::now();
        match connect(addr, timeout) {
            Ok(s) => held.push(s),
            Err(e) => {
                timed_out = Some((e, started.elapsed()));
                break;
            }
        }
    }
    assert_eq!(held.len(), backlog as usize + 1);
    let (err, took) = timed_out.expect("a connect beyond the backlog should fail");
    match &err {
        ConnectError::TimedOut {
            addr: a,
            timeout: t,
        } => {
            assert_eq!((*a, *t), (addr, timeout));
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
    // poll(2) counts in whole milliseconds, so allow a little less.
    assert!(took >= timeout * 9 / 10 && took < timeout * 5, "{took:?}");
    assert_eq!(err.addr(), Some(addr));
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

#[test]
fn refused_connect_names_the_address() {
    let addr = {
        let l = ListenerBuilder::new(v4()).build().unwrap();
        l.local_addr().unwrap()
    };
    let err = connect(addr, Duration::from_secs(2)).unwrap_err();
    assert!(err.is_refused(), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("connection to {addr} refused: Connection refused (os error 111)")
    );
    let err = connect_host("127.0.0.1", addr.port(), Duration::from_secs(2)).unwrap_err();
    assert!(err.is_refused(), "{err:?}");
}

#[test]
fn unresolvable_host_is_a_resolve_error() {
    let err = connect_host("no-such-host.invalid", 4390, Duration::from_secs(2)).unwrap_err();
    assert!(matches!(err, ConnectError::Resolve(_)), "{err:?}");
    assert_eq!(err.addr(), None);
    assert!(
        err.to_string()
            .starts_with("cannot resolve no-such-host.invalid:4390"),
        "{err}"
    );
}

#[test]
fn binding_a_port_in_use_is_a_bind_error() {
    let first = ListenerBuilder::new(v4()).build().unwrap();
    let addr = first.local_addr().unwrap();
    let err = ListenerBuilder::new(addr).build().unwrap_err();
    assert!(matches!(err, ListenError::Bind { .. }), "{err:?}");
    assert_eq!(err.addr(), addr);
    assert_eq!(err.io_error().kind(), io::ErrorKind::AddrInUse);
    assert!(
        err.to_string()
            .starts_with(&format!("cannot bind {addr}: ")),
        "{err}"
    );
}

#[test]
fn binding_a_foreign_address_is_a_bind_error() {
    // TEST-NET-1 is never a local address.
    let addr: SocketAddr = "192.0.2.1:0".parse().unwrap();
    let err = ListenerBuilder::new(addr).build().unwrap_err();
    assert!(matches!(err, ListenError::Bind { .. }), "{err:?}");
    assert_eq!(err.io_error().kind(), io::ErrorKind::AddrNotAvailable);
}

#[test]
fn nonblocking_listener_and_accepted_streams() {
    let listener = ListenerBuilder::new(v4())
        .nonblocking(true)
        .build()
        .unwrap();
    let err = listener.accept().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

    let addr = listener.local_addr().unwrap();
    let _client = connect(addr, Duration::from_secs(2)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(2);
    let stream: TcpStream = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(e) => panic!("accept: {e}"),
        }
    };
    prepare_accepted(&stream, true).unwrap();
    assert!(stream.nodelay().unwrap());
    let mut buf = [0u8; 1];
    assert_eq!(
        (&stream).read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );

    prepare_accepted(&stream, false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let kind = (&stream).read(&mut buf).unwrap_err().kind();
    assert!(
        matches!(kind, io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut),
        "{kind:?}"
    );
}

#[test]
fn client_connections_have_nodelay_and_block() {
    let listener = ListenerBuilder::new(v4()).build().unwrap();
    let client = connect(listener.local_addr().unwrap(), Duration::from_secs(2)).unwrap();
    assert!(client.nodelay().unwrap());
    client
        .set_read_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    let mut buf = [0u8; 1];
    let started = Instant::now();
    let _ = (&client).read(&mut buf);
    assert!(
        started.elapsed() >= Duration::from_millis(15),
        "socket left non-blocking"
    );
}
