//! calc-client against the real calc-server: as a person at a terminal
//! (through a pty), as a pipe, one-shot, and without a server.

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const CLIENT: &str = env!("CARGO_BIN_EXE_calc-client");

struct Server {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Server {
    fn start(name: &str) -> Server {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("client-{name}"));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        // calc-server is a sibling binary in the same target directory.
        let bin = PathBuf::from(CLIENT).with_file_name("calc-server");
        assert!(
            bin.exists(),
            "build calc-server first: cargo build -p calc-server"
        );
        let mut child = Command::new(bin)
            .args(["127.0.0.1", "0"])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .parse()
            .unwrap();
        Server { child, addr, dir }
    }

    fn host_port(&self) -> [String; 2] {
        [self.addr.ip().to_string(), self.addr.port().to_string()]
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn pipes_a_file_through_and_prints_one_answer_per_line() {
    let server = Server::start("pipe");
    let input = server.dir.join("input.txt");
    let mut text = String::from("1+2*3\n1/0\n\n2**10\n1 +* 2\n");
    for i in 0..2000 {
        text.push_str(&format!("{i}*3\n"));
    }
    fs::write(&input, &text).unwrap();
    let out = Command::new(CLIENT)
        .args(server.host_port())
        .stdin(fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2005, "{stdout:.300}");
    assert_eq!(lines[0], "7");
    assert_eq!(lines[1], "error: ZeroDivisionError: division by zero");
    assert!(lines[2].starts_with("error: SyntaxError"), "{}", lines[2]);
    assert_eq!(lines[3], "1024");
    assert!(
        lines[4].starts_with("error: SyntaxError") && lines[4].ends_with(')'),
        "{}",
        lines[4]
    );
    assert_eq!(lines[2004], "5997");
    assert_eq!(out.status.code(), Some(1), "some requests failed");

    fs::write(&input, "1+1\n2+2\nexit\n3+3\n").unwrap();
    let out = Command::new(CLIENT)
        .args(server.host_port())
        .stdin(fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "2\n4\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn eval_flags_answer_in_order() {
    let server = Server::start("eval");
    let out = Command::new(CLIENT)
        .args(server.host_port())
        .args(["--eval", "6*7", "-e", "0.1+0.2"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "42\n0.30000000000000004\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let out = Command::new(CLIENT)
        .args(server.host_port())
        .args(["-e", "1//0"])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("error: ZeroDivisionError"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn no_server_exits_2_naming_host_port_and_cause() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: nothing listens there now
    let out = Command::new(CLIENT)
        .args(["127.0.0.1", &port.to_string(), "-e", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(&format!("127.0.0.1 port {port}")), "{err}");
    assert!(err.to_lowercase().contains("refused"), "{err}");
    assert!(err.contains("is calc-server running?"), "{err}");
}

#[test]
fn a_person_at_the_terminal() {
    let server = Server::start("repl");
    let [host, port] = server.host_port();
    let mut cmd = Command::new(CLIENT);
    cmd.args([&host, &port]);
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("1+2*3").unwrap();
    p.exp_string("7\r\n").unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_line("1/0").unwrap();
    p.exp_string("error: ZeroDivisionError: division by zero")
        .unwrap();
    p.exp_string("calc> ").unwrap();
    // A syntax error gets a caret under its column, below the prompt line.
    p.send_line("1 +* 2").unwrap();
    let (before, _) = p.exp_regex(r"\^\r\nerror: SyntaxError").unwrap();
    let caret_line = before.rsplit("\r\n").next().unwrap_or_default();
    assert!(caret_line.len() >= "calc> ".len(), "{before:?}");
    assert!(caret_line.trim().is_empty(), "{before:?}");
    p.exp_string("calc> ").unwrap();
    // History: two steps back (Ctrl-P, as the up arrow) is `1/0` again.
    p.send_control('p').unwrap();
    p.send_control('p').unwrap();
    p.send_line("").unwrap();
    p.exp_string("error: ZeroDivisionError").unwrap();
    p.exp_string("calc> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_regex(r"session lasted \d+\.\d{3} s").unwrap();
    p.exp_eof().unwrap();
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_server_shutdown_ends_a_pipe_that_is_still_open() {
    use std::io::Write;
    let server = Server::start("shutdown");
    let mut client = Command::new(CLIENT)
        .args(server.host_port())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = client.stdin.take().unwrap();
    stdin.write_all(b"6*7\n").unwrap();
    stdin.flush().unwrap();
    let mut stdout = BufReader::new(client.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "42\n");
    let ok = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    // stdin stays open: the client must not wait for it.
    let status = client.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut client.stderr.take().unwrap(), &mut err).unwrap();
    assert!(err.contains("ended the session"), "{err}");
    drop(stdin);
}
