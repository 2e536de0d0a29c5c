//! Starting the real calc-server on an ephemeral port and talking to it.
#![allow(dead_code)]

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Generous: the machine is shared and may be loaded.
pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub dir: PathBuf,
    /// With [`Server::start_with_unread_stderr`]: the read end of the
    /// server's stderr pipe, kept open and never read.
    _unread_stderr: Option<ChildStderr>,
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

impl Server {
    /// Starts calc-server on 127.0.0.1 port 0 with `flags`.
    pub fn start(flags: &[&str]) -> Server {
        Self::start_on("127.0.0.1", flags)
    }

    pub fn start_on(host: &str, flags: &[&str]) -> Server {
        Self::spawn(None, host, flags, false)
    }

    /// Starts the server with its open-file limit set to `nofile`.
    pub fn start_with_nofile(nofile: u32, flags: &[&str]) -> Server {
        Self::spawn(Some(nofile), "127.0.0.1", flags, false)
    }

    /// Starts the server with its stderr (the log console) connected to a
    /// pipe that nobody reads, like `calc-server | less` paused: once the
    /// pipe's buffer (64 KiB) is full, every write to it blocks.
    /// [`Server::stderr`] is empty for such a server.
    pub fn start_with_unread_stderr(flags: &[&str]) -> Server {
        Self::spawn(None, "127.0.0.1", flags, true)
    }

    fn spawn(nofile: Option<u32>, host: &str, flags: &[&str], unread_stderr: bool) -> Server {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "server-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let stderr = if unread_stderr {
            Stdio::piped()
        } else {
            Stdio::from(File::create(dir.join("stderr")).unwrap())
        };
        let bin = env!("CARGO_BIN_EXE_calc-server");
        let mut cmd = match nofile {
            None => Command::new(bin),
            Some(n) => {
                let mut c = Command::new("sh");
                c.args(["-c", &format!("ulimit -n {n} && exec \"$0\" \"$@\""), bin]);
                c
            }
        };
        let mut child = cmd
            .args([host, "0"])
            .args(flags)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        let unread = child.stderr.take();
        Server {
            child,
            addr,
            dir,
            _unread_stderr: unread,
        }
    }

    pub fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{sig}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig} failed");
    }

    /// Waits for the server to exit.
    pub fn wait(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM and wait for a clean exit.
    pub fn stop(&mut self) {
        self.signal("TERM");
        let status = self.wait(TIMEOUT);
        assert!(status.success(), "server exited with {status}");
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("calc-server.log")).unwrap_or_default()
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(self.dir.join("stderr")).unwrap_or_default()
    }

    /// Waits until the log satisfies `pred` (the log is flushed every 50 ms).
    pub fn wait_log(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let log = self.log();
            if pred(&log) {
                return log;
            }
            assert!(Instant::now() < deadline, "log never showed {what}:\n{log}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resident memory of the server in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    /// The server's peak resident memory so far in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Client {
    pub stream: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let reader = BufReader::new(stream.try_clone().unwrap());
        Client { stream, reader }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// One response line without its LF; "" at end of stream.
    pub fn line(&mut self) -> String {
        let mut buf = Vec::new();
        self.reader.read_until(b'\n', &mut buf).unwrap();
        let mut s = String::from_utf8(buf).unwrap();
        if s.ends_with('\n') {
            s.pop();
        }
        s
    }

    /// Sends one request line and returns the answer.
    pub fn ask(&mut self, request: &str) -> String {
        self.send(format!("{request}\n").as_bytes());
        self.line()
    }

    /// Everything received so far, read without waiting (what the line
    /// reader had buffered included).
    pub fn take_now(&mut self) -> Vec<u8> {
        // The reader's stream is a clone of this one: the flag is shared.
        self.stream.set_nonblocking(true).unwrap();
        let mut got = Vec::new();
        loop {
            match self.reader.fill_buf() {
                Ok([]) => break,
                Ok(buf) => {
                    got.extend_from_slice(buf);
                    let n = buf.len();
                    self.reader.consume(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("read failed: {e}"),
            }
        }
        self.stream.set_nonblocking(false).unwrap();
        got
    }

    /// Reads until the server closes; returns everything.
    pub fn rest(&mut self) -> String {
        let mut s = String::new();
        self.reader.read_to_string(&mut s).unwrap();
        s
    }

    pub fn shutdown_write(&self) {
        self.stream.shutdown(Shutdown::Write).unwrap();
    }
}

/// Asserts `line` is `BYE` with a duration and returns the seconds.
pub fn bye_seconds(line: &str) -> f64 {
    let secs = line
        .strip_prefix("BYE ")
        .unwrap_or_else(|| panic!("expected BYE, got {line:?}"));
    secs.parse().unwrap()
}
