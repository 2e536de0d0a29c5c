//! The interactive prompt through a pseudo-terminal, against the real
//! calc-server: the end of a session shown while the prompt waits, and
//! reconnecting; the history file; `help`; Tab completion.

mod common;

use std::fs;
use std::path::Path;

use common::{client_on_terminal, exit_code, test_dir, Server};

#[test]
fn an_idle_timeout_is_shown_at_once_and_the_next_line_reconnects() {
    let server = Server::start("idle", &["--idle-timeout", "1"]);
    let home = test_dir("idle-home");
    let mut p = client_on_terminal(&server, &home, &[], &[]);
    p.exp_string("calc> ").unwrap();
    p.send_line("6*7").unwrap();
    p.exp_string("42\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    // Half a line typed, no Enter: the server's BYE after a second of
    // silence is reported without a keystroke...
    p.send("2*").unwrap();
    p.flush().unwrap();
    p.exp_regex(r"the server ended the session after \d+\.\d{3} s; not connected")
        .unwrap();
    // ... the prompt changes, and what was typed is still there.
    p.exp_string("not connected> 2*").unwrap();
    p.send_line("21").unwrap();
    let port = server.addr.port();
    p.exp_string(&format!("connected to 127.0.0.1 port {port}"))
        .unwrap();
    p.exp_string("42\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    // The new session may time out too before Ctrl-D arrives: either
    // way the prompt ends with status 0.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn a_server_shutdown_is_shown_and_a_restarted_server_takes_the_next_line() {
    let mut server = Server::start("restart", &[]);
    let addr = server.addr;
    let home = test_dir("restart-home");
    let mut p = client_on_terminal(&server, &home, &[], &[]);
    p.exp_string("calc> ").unwrap();
    p.send_line("1+1").unwrap();
    p.exp_string("2\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    assert!(server.stop().success());
    p.exp_regex(r"the server ended the session after \d+\.\d{3} s; not connected")
        .unwrap();
    p.exp_string("not connected> ").unwrap();
    // No server: the line is not lost (it is in the history), the cause
    // is named, the prompt stays.
    p.send_line("3*3").unwrap();
    p.exp_regex(&format!(
        r"cannot connect to 127\.0\.0\.1 port {}: [^\r\n]*refused",
        addr.port()
    ))
    .unwrap();
    p.exp_string("not connected> ").unwrap();
    let _server = Server::restart_on(addr, &server.dir, &[]);
    // The same line again, from the history.
    p.send_control('p').unwrap();
    p.send_line("").unwrap();
    p.exp_string(&format!("connected to 127.0.0.1 port {}", addr.port()))
        .unwrap();
    p.exp_string("9\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_regex(r"session lasted \d+\.\d{3} s").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

/// The entries of a history file, without rustyline's version line.
fn entries(file: &Path) -> Vec<String> {
    fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter(|l| *l != "#V2")
        .map(str::to_string)
        .collect()
}

#[test]
fn the_history_outlives_the_run_and_can_be_moved_or_turned_off() {
    let server = Server::start("history", &[]);
    let home = test_dir("history-home");
    let state = home.join("state");
    let xdg = [("XDG_STATE_HOME", state.as_path())];
    let file = state.join("calcnet").join("history");

    let mut p = client_on_terminal(&server, &home, &[], &xdg);
    p.exp_string("calc> ").unwrap();
    p.send_line("6*7").unwrap();
    p.exp_string("42\r\n").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(entries(&file), ["6*7", "exit"]);

    // A new run starts with it: two steps back is `6*7`.
    let mut p = client_on_terminal(&server, &home, &[], &xdg);
    p.exp_string("calc> ").unwrap();
    p.send_control('p').unwrap();
    p.send_control('p').unwrap();
    p.send_line("").unwrap();
    p.exp_string("42\r\n").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(entries(&file), ["6*7", "exit", "6*7"]);

    // --no-history: none read, none written.
    let mut p = client_on_terminal(&server, &home, &["--no-history"], &xdg);
    p.exp_string("calc> ").unwrap();
    p.send_control('p').unwrap();
    p.send_line("").unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("5+5").unwrap();
    p.exp_string("10\r\n").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(entries(&file), ["6*7", "exit", "6*7"]);

    // CALCNET_HISTORY moves it; without XDG_STATE_HOME the default would
    // be under HOME, which stays untouched.
    let moved = home.join("elsewhere").join("calc-history");
    let mut p = client_on_terminal(&server, &home, &[], &[("CALCNET_HISTORY", moved.as_path())]);
    p.exp_string("calc> ").unwrap();
    p.send_line("7*7").unwrap();
    p.exp_string("49\r\n").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(entries(&moved), ["7*7"]);
    assert!(!home.join(".local").exists());

    // Without either, HOME/.local/state/calcnet/history.
    let mut p = client_on_terminal(&server, &home, &[], &[]);
    p.exp_string("calc> ").unwrap();
    p.send_line("8*8").unwrap();
    p.exp_string("64\r\n").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let default = home.join(".local/state/calcnet/history");
    assert_eq!(entries(&default), ["8*8"]);
}

#[test]
fn the_history_keeps_the_last_1000_entries() {
    let server = Server::start("history-bound", &[]);
    let home = test_dir("history-bound-home");
    let file = home.join("history");
    let mut text = String::from("#V2\n");
    for i in 0..1500 {
        text.push_str(&format!("{i}+0\n"));
    }
    fs::write(&file, text).unwrap();
    let mut p = client_on_terminal(
        &server,
        &home,
        &["--history-file", file.to_str().unwrap()],
        &[],
    );
    p.exp_string("calc> ").unwrap();
    // The newest entry read is the last line of the file.
    p.send_control('p').unwrap();
    p.send_line("").unwrap();
    p.exp_string("1499\r\n").unwrap();
    p.send_line("1+1").unwrap();
    p.exp_string("2\r\n").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    // 1500 read, 1000 kept; the repeat of the last entry is not added.
    let kept = entries(&file);
    assert_eq!(kept.len(), 1000);
    assert_eq!(kept[0], "501+0");
    assert_eq!(kept[998..], ["1499+0", "1+1"]);
}

#[test]
fn a_history_file_that_cannot_be_written_is_a_warning() {
    let server = Server::start("history-bad", &[]);
    let home = test_dir("history-bad-home");
    // A directory cannot be created under a regular file.
    let blocker = home.join("a-file");
    fs::write(&blocker, "").unwrap();
    let file = blocker.join("history");
    let mut p = client_on_terminal(&server, &home, &[], &[("CALCNET_HISTORY", file.as_path())]);
    p.exp_string("calc> ").unwrap();
    p.send_line("6*7").unwrap();
    p.exp_string(&format!(
        "warning: cannot write the history file {}",
        file.display()
    ))
    .unwrap();
    p.exp_string("42\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    // Said once; the prompt goes on.
    p.send_line("6*8").unwrap();
    let before = p.exp_string("48\r\n").unwrap();
    assert!(!before.contains("warning"), "{before:?}");
    p.send_control('d').unwrap();
    p.exp_regex(r"session lasted \d+\.\d{3} s").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn help_is_answered_by_the_client() {
    let mut server = Server::start("help", &[]);
    let home = test_dir("help-home");
    let mut p = client_on_terminal(&server, &home, &["--no-history"], &[]);
    p.exp_string("calc> ").unwrap();
    // With the server gone, help still answers, and no connection is
    // attempted for it.
    assert!(server.stop().success());
    p.exp_string("not connected> ").unwrap();
    p.send_line("help").unwrap();
    p.exp_string("operators").unwrap();
    p.exp_string("sqrt").unwrap();
    p.exp_string("constants   pi e tau inf nan").unwrap();
    p.exp_string("exit, quit or Ctrl-D").unwrap();
    p.exp_string("not kept (--no-history)").unwrap();
    let before = p.exp_string("not connected> ").unwrap();
    assert!(!before.contains("connect to"), "{before:?}");
    p.send_line("help sqrt").unwrap();
    p.exp_string("sqrt(x): square root").unwrap();
    p.exp_string("not connected> ").unwrap();
    p.send_line("help(nope)").unwrap();
    let before = p.exp_string("not connected> ").unwrap();
    assert!(before.contains("no function or constant"), "{before:?}");
    assert!(!before.contains("connect to"), "{before:?}");
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn tab_completes_function_and_constant_names_and_ctrl_c_clears_the_line() {
    let server = Server::start("complete", &[]);
    let home = test_dir("complete-home");
    let mut p = client_on_terminal(&server, &home, &["--no-history"], &[]);
    p.exp_string("calc> ").unwrap();
    p.send("sqr\t").unwrap();
    p.flush().unwrap();
    p.exp_string("sqrt(").unwrap();
    p.send_line("2)").unwrap();
    p.exp_string("1.4142135623730951\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    p.send("2*ta\t\t").unwrap();
    p.flush().unwrap();
    // Several names: the second Tab lists them.
    p.exp_regex(r"tan\s+tanh\s+tau").unwrap();
    p.send("u\t").unwrap();
    p.flush().unwrap();
    p.exp_string("2*tau").unwrap();
    p.send_line("").unwrap();
    p.exp_string("12.566370614359172\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    // Ctrl-C drops what was typed (`1+2*3` would be 7).
    p.send("1+").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("2*3").unwrap();
    p.exp_string("6\r\n").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

/// Reads one request line from a fake server's connection.
fn request(reader: &mut impl std::io::BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    line.trim_end().to_string()
}

#[test]
fn a_request_the_session_ends_before_answering_is_sent_again_on_a_new_one() {
    use std::io::{BufReader, Write};
    use std::net::TcpListener;
    // A server that misbehaves in turn: closes without an answer, answers,
    // ends the session before an answer, is busy.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let fake = std::thread::spawn(move || {
        let mut requests = Vec::new();
        let (first, _) = listener.accept().unwrap();
        requests.push(request(&mut BufReader::new(&first)));
        drop(first); // closed, no answer
        let (mut second, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(second.try_clone().unwrap());
        requests.push(request(&mut reader));
        second.write_all(b"OK 42\n").unwrap();
        requests.push(request(&mut reader));
        second.write_all(b"BYE 0.250\n").unwrap();
        drop(second);
        let (mut third, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(third.try_clone().unwrap());
        requests.push(request(&mut reader));
        third.write_all(b"ERR Busy: at the client limit\n").unwrap();
        drop(third);
        requests
    });
    let home = test_dir("fake-home");
    let mut cmd = std::process::Command::new(common::CLIENT);
    cmd.args(["127.0.0.1", &addr.port().to_string(), "--no-history"])
        .env("HOME", &home)
        .env("TERM", "xterm");
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(common::TIMEOUT.as_millis() as u64))
        .strip_ansi_escape_codes(true);
    let mut p = rexpect::spawn_with_options(cmd, options).unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("6*7").unwrap();
    p.exp_string("the server closed the connection before answering")
        .unwrap();
    p.exp_string(&format!("connected to 127.0.0.1 port {}", addr.port()))
        .unwrap();
    p.exp_string("42\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("1+1").unwrap();
    p.exp_string("the server ended the session after 0.250 s before answering")
        .unwrap();
    p.exp_string("connected to").unwrap();
    // Busy: reported, not asked again.
    p.exp_string("the server is busy: at the client limit; not connected")
        .unwrap();
    p.exp_string("not connected> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(fake.join().unwrap(), ["6*7", "6*7", "1+1", "1+1"]);
}
