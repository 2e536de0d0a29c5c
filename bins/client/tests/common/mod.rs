//! Starting the real calc-server and calc-client for the tests.
#![allow(dead_code)]

use std::fs;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const CLIENT: &str = env!("CARGO_BIN_EXE_calc-client");

/// Generous: the machine is shared and may be loaded.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// An empty directory of its own for a test (of this process: two runs of
/// the tests at once do not share it).
pub fn test_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("client-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// calc-server, a sibling binary in the same target directory.
pub fn server_bin() -> PathBuf {
    let bin = PathBuf::from(CLIENT).with_file_name("calc-server");
    assert!(
        bin.exists(),
        "build calc-server first: cargo build -p calc-server"
    );
    bin
}

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub dir: PathBuf,
}

impl Server {
    /// Starts calc-server on 127.0.0.1, a free port, with `flags`.
    pub fn start(name: &str, flags: &[&str]) -> Server {
        let dir = test_dir(name);
        Self::spawn(dir, 0, flags).unwrap_or_else(|line| panic!("calc-server said {line:?}"))
    }

    /// Starts calc-server again on `addr`'s port, retrying while the port
    /// is not yet free.
    pub fn restart_on(addr: SocketAddr, dir: &Path, flags: &[&str]) -> Server {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match Self::spawn(dir.to_path_buf(), addr.port(), flags) {
                Ok(server) => return server,
                Err(line) => assert!(
                    Instant::now() < deadline,
                    "calc-server could not listen on {addr} again: {line:?}"
                ),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn spawn(dir: PathBuf, port: u16, flags: &[&str]) -> Result<Server, String> {
        let mut child = Command::new(server_bin())
            .args(["127.0.0.1", &port.to_string()])
            .args(flags)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        match line.trim().strip_prefix("listening on ") {
            Some(addr) => Ok(Server {
                child,
                addr: addr.parse().unwrap(),
                dir,
            }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(line)
            }
        }
    }

    pub fn host_port(&self) -> [String; 2] {
        [self.addr.ip().to_string(), self.addr.port().to_string()]
    }

    /// SIGTERM, and wait for the server to exit.
    pub fn stop(&mut self) -> ExitStatus {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -TERM failed");
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "calc-server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// calc-client on a pseudo-terminal, with `home` as HOME and
/// XDG_STATE_HOME unset (the history then goes to
/// `home/.local/state/calcnet/history`), escape codes removed from what
/// it prints.
pub fn client_on_terminal(
    server: &Server,
    home: &Path,
    args: &[&str],
    env: &[(&str, &Path)],
) -> rexpect::session::PtySession {
    let mut cmd = Command::new(CLIENT);
    cmd.args(server.host_port())
        .args(args)
        .env("HOME", home)
        .env("TERM", "xterm")
        .env_remove("XDG_STATE_HOME")
        .env_remove("CALCNET_HISTORY");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let options = rexpect::reader::Options::new()
        .timeout_ms(Some(TIMEOUT.as_millis() as u64))
        .strip_ansi_escape_codes(true);
    rexpect::spawn_with_options(cmd, options).unwrap()
}

/// Waits for the client on the terminal to exit and returns its status.
pub fn exit_code(p: &rexpect::session::PtySession) -> i32 {
    match p.process().wait().unwrap() {
        rexpect::process::WaitStatus::Exited(_, code) => code,
        other => panic!("calc-client did not exit: {other:?}"),
    }
}
