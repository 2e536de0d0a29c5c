//! Starting, logging and stopping the server.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{bye_seconds, Server};

#[test]
fn sigterm_says_bye_to_every_session_logs_them_and_exits_0() {
    let mut server = Server::start(&[]);
    let mut clients: Vec<_> = (0..100).map(|_| server.connect()).collect();
    let mut answered = 0;
    for (i, c) in clients.iter_mut().enumerate() {
        assert_eq!(c.ask(&format!("{i}+1")), format!("OK {}", i + 1));
        answered += 1;
    }
    let start = Instant::now();
    server.signal("TERM");
    for c in &mut clients {
        bye_seconds(&c.line());
        assert_eq!(c.line(), "");
    }
    let status = server.wait(Duration::from_secs(10));
    assert!(status.success(), "{status}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    // The log is complete once the process has exited.
    let log = server.log();
    assert_eq!(log.matches("INFO request,").count(), answered, "{log}");
    assert_eq!(log.matches("reason: server shutdown").count(), 100, "{log}");
    assert!(
        log.contains("shutdown requested, signal: SIGTERM, active: 100"),
        "{log}"
    );
    let last = log.lines().last().unwrap();
    assert!(last.contains("INFO shutdown, active: 0"), "{last}");
}

#[test]
fn sigint_on_an_idle_server_exits_0_quickly() {
    let mut server = Server::start(&[]);
    let start = Instant::now();
    server.signal("INT");
    assert!(server.wait(Duration::from_secs(10)).success());
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(server.log().contains("signal: SIGINT"));
}

#[test]
fn the_log_records_sessions_with_durations_and_active_counts() {
    let mut server = Server::start(&[]);
    let mut a = server.connect();
    let mut b = server.connect();
    assert_eq!(a.ask("6*7"), "OK 42");
    assert!(b.ask("1/0").starts_with("ERR ZeroDivisionError"));
    std::thread::sleep(Duration::from_millis(100));
    assert!(a.ask("exit").starts_with("BYE "));
    drop(b);
    server.wait_log("both closed", |l| l.matches("session closed").count() == 2);
    server.stop();
    let log = server.log();
    let lines: Vec<&str> = log.lines().collect();
    let find = |pat: &str| {
        lines
            .iter()
            .find(|l| l.contains(pat))
            .unwrap_or_else(|| panic!("no line with {pat:?} in\n{log}"))
    };
    assert!(find("INFO listening, addr: 127.0.0.1:").contains(&server.addr.to_string()));
    assert!(find("session opened, session: 1,").contains("active: 1"));
    assert!(find("session opened, session: 2,").contains("active: 2"));
    assert!(find("INFO request, session: 1").contains("expression: \"6*7\", result: \"42\""));
    assert!(find("WARN invalid request, session: 2").contains("ZeroDivisionError"));
    assert!(find("INFO exit requested, session: 1").contains("session: 1"));
    let closed_a = find("session closed, session: 1,");
    assert!(closed_a.contains("reason: exit"), "{closed_a}");
    assert!(closed_a.contains("requests: 1, errors: 0"), "{closed_a}");
    let dur: f64 = closed_a
        .split("duration: ")
        .nth(1)
        .and_then(|d| d.split('s').next())
        .and_then(|d| d.parse().ok())
        .unwrap();
    assert!(dur >= 0.1, "{closed_a}");
    let closed_b = find("session closed, session: 2,");
    assert!(closed_b.contains("reason: peer closed"), "{closed_b}");
    assert!(closed_b.contains("requests: 1, errors: 1"), "{closed_b}");
    let last_closed = lines
        .iter()
        .rev()
        .find(|l| l.contains("session closed"))
        .unwrap();
    assert!(last_closed.ends_with("active: 0"), "{last_closed}");
    assert!(lines.last().unwrap().contains("INFO shutdown"));
}

#[test]
fn warning_level_leaves_requests_out_of_the_log() {
    let mut server = Server::start(&["--log-level", "warning"]);
    let mut c = server.connect();
    assert_eq!(c.ask("1+1"), "OK 2");
    assert!(c.ask("1/0").starts_with("ERR "));
    server.stop();
    let log = server.log();
    assert!(!log.contains("INFO"), "{log}");
    assert!(log.contains("WARN invalid request"), "{log}");
}

#[test]
fn a_full_disk_for_the_log_keeps_the_server_serving() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here: skipped");
        return;
    }
    let mut server = Server::start(&["--log-file", "/dev/full"]);
    let mut c = server.connect();
    for i in 0..1000 {
        assert_eq!(c.ask(&format!("{i}")), format!("OK {i}"));
    }
    server.stop();
    let stderr = server.stderr();
    assert!(
        stderr.contains("cannot write log file, still serving")
            && stderr.contains("path: /dev/full"),
        "{stderr}"
    );
}

/// A tmpfs mounted for one test and unmounted when dropped: a filesystem
/// the test can fill up and then free, so the log file really gets ENOSPC
/// and then room again.
struct Tmpfs {
    dir: std::path::PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (mount's syntax, e.g. `1m`). Mounting needs
    /// root: without it the caller skips, except under CI (`CI` set), where
    /// a skipped check would hide a missing test, so it fails.
    fn mount(size: &str) -> Option<Tmpfs> {
        let root = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Uid:"))
                    .map(|u| u.split_whitespace().nth(1) == Some("0"))
            })
            .unwrap_or(false);
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
        if !root {
            assert!(
                !ci,
                "this test mounts a tmpfs and needs root; CI must run it as root"
            );
            eprintln!("not root: cannot mount a tmpfs, skipped (it runs under CI)");
            return None;
        }
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("logfs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "calcnet-logfs",
            ])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mount -t tmpfs failed as root: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Tmpfs { dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy, so a file still open (a failed test's server) cannot keep
        // the mount alive.
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Fills the filesystem of `path` with one file until a write fails.
fn fill(path: &std::path::Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let block = vec![0u8; 4096];
    loop {
        if let Err(e) = f.write_all(&block) {
            assert_eq!(e.raw_os_error(), Some(28), "expected ENOSPC, got {e}");
            break;
        }
    }
    let _ = f.sync_all();
}

/// Issue 5: a full disk for the log file. The log file is on a 1 MiB
/// tmpfs that the test fills: the server keeps answering, says once on the
/// console that records are lost, and when space is freed says how many
/// bytes were lost and writes records again.
#[test]
fn a_log_file_that_fills_up_and_recovers_is_reported_and_resumed() {
    // Declared first, so it is unmounted after the server has exited.
    let Some(fs) = Tmpfs::mount("1m") else {
        return;
    };
    let log_path = fs.dir.join("calc-server.log");
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let mut server = Server::start(&["--log-file", log_path.to_str().unwrap()]);
    let deadline = Instant::now() + common::TIMEOUT;
    let mut c = server.connect();
    assert_eq!(c.ask("1111 + 1"), "OK 1112");
    while !log().contains("1111 + 1") {
        assert!(Instant::now() < deadline, "first record never logged");
        std::thread::sleep(Duration::from_millis(20));
    }

    fill(&fs.dir.join("filler"));
    // Answers go on while the log cannot be written; ask until the console
    // reports the failure (the log is flushed every 50 ms).
    let mut n = 0u64;
    while !server.stderr().contains("cannot write log file") {
        assert!(Instant::now() < deadline, "no console message while full");
        for _ in 0..200 {
            n += 1;
            assert_eq!(c.ask(&format!("{n} * 1")), format!("OK {n}"));
        }
    }
    // Still serving, this client and a new one, while records are lost.
    let mut other = server.connect();
    for _ in 0..2000 {
        n += 1;
        assert_eq!(other.ask(&format!("{n} * 1")), format!("OK {n}"));
    }
    assert_eq!(c.ask("777777 - 1"), "OK 777776");
    std::thread::sleep(Duration::from_millis(200));

    std::fs::remove_file(fs.dir.join("filler")).unwrap();
    while !server.stderr().contains("log file is writable again") {
        assert!(Instant::now() < deadline, "no recovery message");
        assert_eq!(c.ask("2 + 2"), "OK 4");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(c.ask("999999 - 1"), "OK 999998");
    while !log().contains("999999 - 1") {
        assert!(
            Instant::now() < deadline,
            "records not written after recovery"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop((c, other));
    server.stop();

    let stderr = server.stderr();
    assert_eq!(
        stderr.matches("cannot write log file").count(),
        1,
        "said more than once: {stderr}"
    );
    let lost: u64 = stderr
        .lines()
        .find_map(|l| l.split("writable again; log records were lost, ").nth(1))
        .and_then(|rest| rest.split("lost_bytes: ").nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no lost-byte count: {stderr}"));
    eprintln!("{n} requests answered while the log was full; {lost} bytes of records lost");
    // At least the records of the 2,000 requests of the second client.
    assert!(lost > 100_000, "only {lost} bytes reported lost");
    let text = log();
    // Records answered while the disk was full are gone, the ones after are
    // there, each on a line of its own, up to the shutdown record.
    assert!(!text.contains("777777 - 1"), "a record logged while full?");
    assert!(text.lines().any(|l| l.contains("999999 - 1")));
    assert!(text.ends_with('\n'));
    assert!(
        text.lines().last().unwrap_or("").contains("shut"),
        "{:.300}",
        text
    );
}

#[test]
fn bad_arguments_and_version() {
    let bin = env!("CARGO_BIN_EXE_calc-server");
    let out = Command::new(bin).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("calc-server "));
    let out = Command::new(bin).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--log-file",
        "--log-level",
        "--max-clients",
        "--idle-timeout",
        "--max-request",
    ] {
        assert!(help.contains(flag), "{help}");
    }
    let out = Command::new(bin)
        .args(["--log-level", "loud"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = Command::new(bin)
        .args(["127.0.0.1", "99999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid port"));
}

#[test]
fn a_port_in_use_is_an_error_naming_the_address() {
    let server = Server::start(&[]);
    let out = Command::new(env!("CARGO_BIN_EXE_calc-server"))
        .args([
            "127.0.0.1",
            &server.addr.port().to_string(),
            "--log-file",
            "/dev/null",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&server.addr.to_string()), "{err}");
}

/// Log rotation as logrotate does it: rename the file, SIGHUP; the server
/// reopens the original path, and while a client keeps the server busy
/// through the rotation no record is lost or written twice, and every
/// record before the reopen is in the old file, every one after in the new.
#[test]
fn sighup_reopens_the_log_file_and_loses_nothing() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    let mut server = Server::start(&[]);
    let path = server.dir.join("calc-server.log");
    let rotated = server.dir.join("calc-server.log.1");
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let mut client = server.connect();
    let worker = {
        let (stop, sent) = (Arc::clone(&stop), Arc::clone(&sent));
        std::thread::spawn(move || {
            let mut i = 0usize;
            // At least 300 requests after the stop flag, so the new file
            // gets records written while the server is busy.
            while !stop.load(Ordering::SeqCst) || i < sent.load(Ordering::SeqCst) {
                assert_eq!(client.ask(&format!("{i}+0")), format!("OK {i}"));
                i += 1;
                if !stop.load(Ordering::SeqCst) {
                    sent.store(i + 300, Ordering::SeqCst);
                }
            }
            assert!(client.ask("exit").starts_with("BYE "));
            i
        })
    };
    server.wait_log("200 requests", |l| l.contains("expression: \"200+0\","));
    std::fs::rename(&path, &rotated).unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + common::TIMEOUT;
    while !std::fs::read_to_string(&path).is_ok_and(|l| l.contains("INFO log file reopened")) {
        assert!(Instant::now() < deadline, "no new log file at {path:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    stop.store(true, Ordering::SeqCst);
    let total = worker.join().unwrap();
    server.stop();

    let old = std::fs::read_to_string(&rotated).unwrap();
    let new = std::fs::read_to_string(&path).unwrap();
    let indices = |log: &str| -> Vec<usize> {
        log.lines()
            .filter_map(|l| l.split_once("expression: \"")?.1.split_once("+0\","))
            .map(|(n, _)| n.parse().unwrap())
            .collect()
    };
    let (before, after) = (indices(&old), indices(&new));
    let mut all: Vec<usize> = before.iter().chain(&after).copied().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..total).collect::<Vec<_>>(),
        "lost or doubled records"
    );
    assert!(
        before.len() >= 200 && after.len() >= 300,
        "{} / {}",
        before.len(),
        after.len()
    );
    assert!(
        before.iter().max() < after.iter().min(),
        "records out of order across files"
    );
    assert!(old.contains("INFO listening") && !old.contains("log file reopened"));
    // Records still in the channel at the SIGHUP reach the new file before
    // the reopen record; none of it reaches the old one.
    assert_eq!(
        new.matches("INFO log file reopened").count(),
        1,
        "{new:.300}"
    );
    assert!(new.contains("session closed") && new.contains("INFO shutdown,"));
}

/// SIGHUP when the path cannot be opened (it is now a directory): an ERROR
/// in the old file, which stays in use; the server goes on.
#[test]
fn sighup_with_an_unopenable_path_keeps_the_old_file() {
    let mut server = Server::start(&[]);
    let path = server.dir.join("calc-server.log");
    let rotated = server.dir.join("calc-server.log.1");
    let mut c = server.connect();
    assert_eq!(c.ask("1+1"), "OK 2");
    std::fs::rename(&path, &rotated).unwrap();
    std::fs::create_dir(&path).unwrap();
    server.signal("HUP");
    let deadline = Instant::now() + common::TIMEOUT;
    while !std::fs::read_to_string(&rotated)
        .is_ok_and(|l| l.contains("ERRO cannot reopen log file, still writing to the old one"))
    {
        assert!(Instant::now() < deadline, "no ERROR in the old file");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(c.ask("2+2"), "OK 4");
    server.stop();
    let old = std::fs::read_to_string(&rotated).unwrap();
    assert!(old.contains("expression: \"2+2\", result: \"4\""), "{old}");
    assert!(old.contains("INFO shutdown,"), "{old}");
}
