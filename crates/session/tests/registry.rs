//! The registry's accounting, with a hand-driven clock so every duration is
//! exact.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

use session::{
    Clock, CloseReason, ClosedSession, ManualClock, RegistryFull, SessionRegistry, SystemClock,
};

fn peer(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A registry on a manual clock whose observer records every end.
fn registry() -> (
    SessionRegistry,
    Arc<ManualClock>,
    Arc<Mutex<Vec<ClosedSession>>>,
) {
    let clock = Arc::new(ManualClock::new());
    let ended = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&ended);
    let registry = SessionRegistry::builder()
        .clock(clock.clone())
        .on_close(move |c| sink.lock().unwrap().push(c.clone()))
        .build();
    (registry, clock, ended)
}

#[test]
fn durations_are_exact() {
    let (reg, clock, ended) = registry();
    let a = reg.open(peer(1));
    clock.advance(Duration::from_millis(250));
    let b = reg.open(peer(2));
    clock.advance(Duration::new(3, 1));
    assert_eq!(a.elapsed(), Duration::new(3, 250_000_001));
    assert_eq!(b.elapsed(), Duration::new(3, 1));

    let closed_b = b.close(CloseReason::Exit);
    assert_eq!(closed_b.duration, Duration::new(3, 1));
    clock.advance(Duration::from_secs(60));
    drop(a);

    let ended = ended.lock().unwrap();
    assert_eq!(ended.len(), 2);
    assert_eq!(ended[0], closed_b);
    assert_eq!(ended[1].duration, Duration::new(63, 250_000_001));
    assert_eq!(ended[1].reason, CloseReason::Dropped);
}

#[test]
fn connected_at_is_the_wall_clock_at_open() {
    let (reg, clock, _) = registry();
    let start = ManualClock::new().wall();
    clock.advance(Duration::from_secs(10));
    let s = reg.open(peer(1));
    assert_eq!(s.connected_at(), start + Duration::from_secs(10));
    clock.advance(Duration::from_secs(5));
    assert_eq!(
        s.close(CloseReason::Exit).connected_at,
        start + Duration::from_secs(10)
    );
}

#[test]
fn ids_increase_and_are_never_reused() {
    let (reg, _, _) = registry();
    let a = reg.open(peer(1));
    let b = reg.open(peer(2));
    drop(a);
    drop(b);
    let c = reg.open(peer(3));
    assert_eq!(c.id(), 3);
    assert_eq!(reg.total_opened(), 3);
}

#[test]
fn counters_and_active_count_are_reported() {
    let (reg, _, ended) = registry();
    let a = reg.open(peer(1));
    let b = reg.open(peer(2));
    let c = reg.open(peer(3));
    for ok in [true, false, true, false, false] {
        a.record_request(ok);
    }
    b.record_request(true);
    assert_eq!((a.requests(), a.errors()), (5, 3));
    assert_eq!(reg.active(), 3);

    let snap = reg.snapshot();
    let ids: Vec<u64> = snap.iter().map(|s| s.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!((snap[0].requests, snap[0].errors), (5, 3));
    assert_eq!(snap[2].peer, peer(3));
    assert_eq!(reg.get(2).map(|i| i.requests), Some(1));

    let closed = a.close(CloseReason::PeerClosed);
    assert_eq!(
        (closed.requests, closed.errors, closed.active_after),
        (5, 3, 2)
    );
    assert_eq!(reg.get(1), None);
    drop(c);
    drop(b);
    assert_eq!(reg.active(), 0);
    let after: Vec<usize> = ended
        .lock()
        .unwrap()
        .iter()
        .map(|c| c.active_after)
        .collect();
    assert_eq!(after, [2, 1, 0]);
}

#[test]
fn every_path_reaches_the_observer_once_with_its_reason() {
    let (reg, _, ended) = registry();

    // Explicit close.
    reg.open(peer(1)).close(CloseReason::Exit);
    // Reason set, then dropped (e.g. `?` returned an error).
    let mut g = reg.open(peer(2));
    g.set_close_reason(CloseReason::ReadError(std::io::ErrorKind::InvalidData));
    g.set_close_reason(CloseReason::Reset); // the latest wins
    drop(g);
    // Dropped with no reason.
    drop(reg.open(peer(3)));
    // Dropped while a thread panics.
    let reg2 = reg.clone();
    let panicked = thread::spawn(move || {
        let mut g = reg2.open(peer(4));
        g.set_close_reason(CloseReason::ServerError("handler panicked".into()));
        panic!("boom");
    })
    .join();
    assert!(panicked.is_err());
    // Explicit close overrides a reason set earlier.
    let mut g = reg.open(peer(5));
    g.set_close_reason(CloseReason::IdleTimeout);
    g.close(CloseReason::Shutdown);

    let reasons: Vec<(u64, CloseReason)> = ended
        .lock()
        .unwrap()
        .iter()
        .map(|c| (c.id, c.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            (1, CloseReason::Exit),
            (2, CloseReason::Reset),
            (3, CloseReason::Dropped),
            (4, CloseReason::ServerError("handler panicked".into())),
            (5, CloseReason::Shutdown),
        ]
    );
    assert_eq!(reg.active(), 0);
}

#[test]
fn try_open_enforces_the_limit() {
    let (reg, _, _) = registry();
    let a = reg.try_open(peer(1), 2).unwrap();
    let _b = reg.try_open(peer(2), 2).unwrap();
    let refused = reg.try_open(peer(3), 2).unwrap_err();
    assert_eq!(
        refused,
        RegistryFull {
            active: 2,
            limit: 2
        }
    );
    assert_eq!(refused.to_string(), "2 sessions open, the limit is 2");
    drop(a);
    assert!(reg.try_open(peer(4), 2).is_ok());
    // A refused open takes no id.
    assert_eq!(reg.total_opened(), 3);
}

#[test]
fn observer_may_use_the_registry() {
    let reg_slot: Arc<Mutex<Option<SessionRegistry>>> = Arc::new(Mutex::new(None));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (slot, sink) = (reg_slot.clone(), seen.clone());
    let reg = SessionRegistry::builder()
        .on_close(move |c| {
            // Runs outside the registry lock: reading it must not deadlock.
            let active = slot.lock().unwrap().as_ref().map(|r| r.active());
            sink.lock().unwrap().push((c.active_after, active));
        })
        .build();
    *reg_slot.lock().unwrap() = Some(reg.clone());
    let a = reg.open(peer(1));
    let b = reg.open(peer(2));
    drop(a);
    drop(b);
    *reg_slot.lock().unwrap() = None;
    assert_eq!(*seen.lock().unwrap(), [(1, Some(1)), (0, Some(0))]);
}

#[test]
fn concurrent_sessions_are_all_accounted() {
    let (reg, _, ended) = registry();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let reg = reg.clone();
            thread::spawn(move || {
                for i in 0..500u16 {
                    let s = reg.open(peer(t * 1000 + i));
                    s.record_request(i % 3 != 0);
                    if i % 2 == 0 {
                        s.close(CloseReason::Exit);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(reg.active(), 0);
    let ended = ended.lock().unwrap();
    assert_eq!(ended.len(), 4000);
    let mut ids: Vec<u64> = ended.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4000);
    assert_eq!(ended.iter().map(|c| c.requests).sum::<u64>(), 4000);
    assert_eq!(
        ended
            .iter()
            .filter(|c| c.reason == CloseReason::Exit)
            .count(),
        2000
    );
}

#[test]
fn system_clock_moves_forward() {
    let reg = SessionRegistry::builder()
        .clock(Arc::new(SystemClock))
        .build();
    let before = SystemTime::now();
    let s = reg.open(peer(1));
    thread::sleep(Duration::from_millis(20));
    assert!(s.connected_at() >= before);
    let closed = s.close(CloseReason::Exit);
    assert!(
        closed.duration >= Duration::from_millis(20),
        "{:?}",
        closed.duration
    );
}

#[test]
fn closed_session_display_is_a_log_line() {
    let (reg, clock, _) = registry();
    let s = reg.open("[::1]:5000".parse().unwrap());
    s.record_request(false);
    clock.advance(Duration::from_micros(12_345_678));
    assert_eq!(
        s.close(CloseReason::IdleTimeout).to_string(),
        "session 1 from [::1]:5000 closed (idle timeout) after 12.345s: 1 requests, 1 errors, 0 active"
    );
}

#[test]
fn idle_time_restarts_on_activity() {
    let (reg, clock, _) = registry();
    let a = reg.open(peer(1));
    let b = reg.open(peer(2));
    clock.advance(Duration::from_secs(30));
    assert_eq!(a.idle(), Duration::from_secs(30));
    a.touch();
    clock.advance(Duration::from_secs(5));
    b.record_request(true);
    clock.advance(Duration::from_millis(1500));
    assert_eq!(a.idle(), Duration::from_millis(6500));
    assert_eq!(b.idle(), Duration::from_millis(1500));
    assert_eq!(reg.idle_for(Duration::from_secs(6)), [1]);
    assert_eq!(reg.idle_for(Duration::from_millis(1500)), [1, 2]);
    assert_eq!(reg.idle_for(Duration::from_secs(60)), Vec::<u64>::new());
    let snap = reg.snapshot();
    assert_eq!(snap[0].idle, Duration::from_millis(6500));
    assert_eq!(snap[0].elapsed, Duration::from_millis(36_500));
}

#[test]
fn end_freezes_the_duration_and_reason() {
    let (reg, clock, ended) = registry();
    let mut a = reg.open(peer(1));
    clock.advance(Duration::from_millis(1234));
    assert!(!a.is_ended());
    assert_eq!(a.end(CloseReason::IdleTimeout), Duration::from_millis(1234));
    clock.advance(Duration::from_secs(1));
    // The first end wins; a later reason does not replace it.
    assert_eq!(a.end(CloseReason::Exit), Duration::from_millis(1234));
    a.set_close_reason(CloseReason::Reset);
    assert!(a.is_ended());
    assert_eq!(reg.active(), 1, "ending is not closing");
    drop(a);

    // An explicit close keeps the frozen time but takes its own reason.
    let mut b = reg.open(peer(2));
    clock.advance(Duration::from_millis(10));
    b.end(CloseReason::Shutdown);
    clock.advance(Duration::from_millis(10));
    let closed = b.close(CloseReason::WriteError(std::io::ErrorKind::BrokenPipe));
    assert_eq!(closed.duration, Duration::from_millis(10));

    let ended = ended.lock().unwrap();
    assert_eq!(ended[0].reason, CloseReason::IdleTimeout);
    assert_eq!(ended[0].duration, Duration::from_millis(1234));
    assert_eq!(
        ended[1].reason,
        CloseReason::WriteError(std::io::ErrorKind::BrokenPipe)
    );
}
