//! calc-client against the real calc-server: as a person at a terminal
//! (through a pty), as a pipe, one-shot, and without a server.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{client_on_terminal, exit_code, test_dir, Server, CLIENT};

#[test]
fn pipes_a_file_through_values_on_stdout_errors_on_stderr() {
    let server = Server::start("pipe", &[]);
    let input = server.dir.join("input.txt");
    let mut text = String::from("1+2*3\n1/0\n2**10\n1 +* 2\n");
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
    assert_eq!(lines.len(), 2002, "{stdout:.300}");
    assert_eq!(lines[..2], ["7", "1024"]);
    assert_eq!(lines[2], "0");
    assert_eq!(lines[2001], "5997");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert_eq!(errors[0], "error: ZeroDivisionError: division by zero");
    assert!(
        errors[1].starts_with("error: SyntaxError") && errors[1].ends_with("(column 4)"),
        "{}",
        errors[1]
    );
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
fn a_pipe_skips_blank_and_comment_lines_and_keeps_answers_in_order() {
    let server = Server::start("comments", &[]);
    let input = server.dir.join("input.txt");
    fs::write(
        &input,
        "# a comment\n\n1+1\n   \n  # an indented comment\n2*3  # a trailing comment\n\
         1/0\n\t\r\n4**.5\n#\n",
    )
    .unwrap();
    // stdout and stderr into one file: the errors stay in their place.
    let merged = server.dir.join("merged.txt");
    let file = fs::File::create(&merged).unwrap();
    let status = Command::new(CLIENT)
        .args(server.host_port())
        .stdin(fs::File::open(&input).unwrap())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .status()
        .unwrap();
    assert_eq!(
        fs::read_to_string(&merged).unwrap(),
        "2\n6\nerror: ZeroDivisionError: division by zero\n2.0\n"
    );
    assert_eq!(status.code(), Some(1));

    // Only comments and blank lines: nothing sent, nothing failed.
    fs::write(&input, "# nothing\n\n").unwrap();
    let out = Command::new(CLIENT)
        .args(server.host_port())
        .stdin(fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!((out.stdout.len(), out.stderr.len()), (0, 0));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn eval_flags_answer_in_order() {
    let server = Server::start("eval", &[]);
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
    assert_eq!(out.stdout, b"");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("error: ZeroDivisionError"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn version_flags_print_name_and_version() {
    let version = env!("CARGO_PKG_VERSION");
    for bin in [PathBuf::from(CLIENT), common::server_bin()] {
        let out = Command::new(&bin).arg("--version").output().unwrap();
        let name = bin.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            format!("{name} {version}\n")
        );
        assert_eq!(out.status.code(), Some(0), "{name}");
    }
}

/// docs/client.md's exit status 2 covers a command line that does not
/// parse, and its flag table lists what `--help` lists.
#[test]
fn usage_errors_exit_2_and_client_md_lists_every_flag() {
    let docs = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/client.md"))
        .expect("docs/client.md");
    assert!(
        docs.contains("| 2 | a command line that does not parse"),
        "client.md's exit status table"
    );
    for args in [&["--bogus"][..], &["--connect-timeout", "soon"], &["-e"]] {
        let out = Command::new(CLIENT).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("calc-client --help"), "{args:?}: {err}");
    }
    let out = Command::new(CLIENT).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    let table = docs
        .split("| flag | default | meaning |")
        .nth(1)
        .expect("client.md's flag table");
    let table: String = table
        .lines()
        .skip(1) // the rest of the header line
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert!(table.contains("`--version`"), "{table}");
    // The flags of each option line: `-e, --eval  evaluate...` gives --eval.
    let options = help.split_once("Options:").expect("options").1;
    let flags: Vec<&str> = options
        .lines()
        .flat_map(|l| {
            l.split_whitespace()
                .map(|w| w.trim_end_matches(','))
                .take_while(|w| w.starts_with('-'))
        })
        .filter(|w| w.starts_with("--") && *w != "--help")
        .collect();
    assert!(flags.len() >= 5, "{help}");
    for flag in flags {
        assert!(
            table.contains(&format!("`{flag}")),
            "{flag} not in client.md's table"
        );
    }
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
    let server = Server::start("repl", &[]);
    let home = test_dir("repl-home");
    let mut p = client_on_terminal(&server, &home, &[], &[]);
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
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn a_server_shutdown_ends_a_pipe_that_is_still_open() {
    use std::io::Write;
    let server = Server::start("shutdown", &[]);
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
