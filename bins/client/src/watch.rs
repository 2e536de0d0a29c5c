//! An interactive session whose socket is watched while the prompt waits.
//!
//! A thread reads every response and hands it to the prompt's thread over
//! a channel. When the session ends (`BYE`, end of stream, a reset) while
//! the prompt is waiting for input, the [`Waker`] interrupts that wait:
//! rustyline keeps a SIGINT handler for as long as its editor exists and
//! turns the signal into `ReadlineError::Interrupted`, so the watcher sends
//! SIGINT to the prompt's thread (`pthread_kill`) and the prompt learns at
//! once, without a keystroke, that it is no longer connected.

use std::io::{self, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use nix::sys::pthread::{pthread_kill, pthread_self, Pthread};
use nix::sys::signal::Signal;
use wire::Response;

use crate::conn::{ClientError, Connection, Responses};
use crate::render;

/// What the watcher saw.
#[derive(Debug)]
pub enum Event {
    /// An `OK` or `ERR`.
    Answer(Response),
    /// The session is over; nothing follows.
    End(SessionEnd),
}

/// How a session ended.
#[derive(Debug, thiserror::Error)]
pub enum SessionEnd {
    /// The server said `BYE`: the answer to `exit`, or its own decision
    /// (idle timeout, shutdown).
    #[error("the server ended the session after {}", render::seconds(*.0))]
    Bye(Duration),
    /// End of stream without `BYE`.
    #[error("the server closed the connection")]
    Closed,
    /// The connection was reset or aborted.
    #[error("the connection was reset ({0})")]
    Reset(io::Error),
    /// Another failure of the connection.
    #[error("the connection failed: {0}")]
    Failed(io::Error),
    /// The server was at its client limit (`ERR Busy`).
    #[error("the server is busy: {0}")]
    Busy(String),
    /// The server sent a line that is not a response.
    #[error("the server sent a line that is not a response: {0}")]
    Protocol(wire::ResponseParseError),
}

impl From<ClientError> for SessionEnd {
    fn from(e: ClientError) -> SessionEnd {
        match e {
            ClientError::Busy(message) => SessionEnd::Busy(message),
            ClientError::Protocol(e) => SessionEnd::Protocol(e),
            ClientError::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe => SessionEnd::Reset(e),
                _ => SessionEnd::Failed(e),
            },
            e @ ClientError::Connect { .. } => SessionEnd::Failed(io::Error::other(e.to_string())),
        }
    }
}

/// Interrupts the prompt's wait for input when a session ends.
#[derive(Debug)]
pub struct Waker {
    /// The prompt's thread; `None` where rustyline would not turn SIGINT
    /// into an interruption (no terminal line editing): the end of the
    /// session is then reported with the next line.
    target: Option<Pthread>,
    /// Whether the prompt is waiting for input.
    waiting: Mutex<bool>,
    /// Signalled when `waiting` becomes false.
    done_waiting: Condvar,
}

/// How often the watcher repeats the signal until the prompt stops waiting
/// (a signal that arrives while rustyline is between two reads, handling a
/// key, does not end the read that follows), and for how long at most.
const RESEND_EVERY: Duration = Duration::from_millis(100);
const RESEND_TIMES: u32 = 600;

impl Waker {
    /// A waker for the calling thread, the one that will wait for input;
    /// `interrupts` says whether rustyline edits lines on this terminal.
    pub fn for_this_thread(interrupts: bool) -> Arc<Waker> {
        Arc::new(Waker {
            target: interrupts.then(pthread_self),
            waiting: Mutex::new(false),
            done_waiting: Condvar::new(),
        })
    }

    /// Marks the prompt as waiting for input until the guard is dropped.
    pub fn waiting(&self) -> Waiting<'_> {
        *self.lock() = true;
        Waiting(self)
    }

    fn lock(&self) -> MutexGuard<'_, bool> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Interrupts the wait for input, if the prompt is waiting, for as
    /// long as the session is `live`.
    fn wake(&self, live: &AtomicBool) {
        let Some(target) = self.target else {
            return;
        };
        let mut waiting = self.lock();
        for _ in 0..RESEND_TIMES {
            if !*waiting
                || !live.load(Ordering::Acquire)
                || pthread_kill(target, Signal::SIGINT).is_err()
            {
                return;
            }
            waiting = match self.done_waiting.wait_timeout(waiting, RESEND_EVERY) {
                Ok((guard, _)) => guard,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

/// The prompt is waiting for input (see [`Waker::waiting`]).
pub struct Waiting<'a>(&'a Waker);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        *self.0.lock() = false;
        self.0.done_waiting.notify_all();
    }
}

/// Whether rustyline edits lines here (and so turns SIGINT into an
/// interruption of `readline`): stdin and stdout are terminals and `TERM`
/// is not one it refuses. The same test as rustyline's own.
pub fn line_editing() -> bool {
    use std::io::IsTerminal;
    let unsupported = std::env::var("TERM").is_ok_and(|term| {
        ["dumb", "cons25", "emacs"]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&term))
    });
    !unsupported && io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// A session with calc-server whose responses a thread reads.
pub struct Session {
    writer: TcpStream,
    events: Receiver<Event>,
    /// False once the session is being dropped: its end is then no news.
    live: Arc<AtomicBool>,
    waker: Arc<Waker>,
    watcher: Option<JoinHandle<()>>,
}

impl Session {
    /// Starts watching `conn`; `waker` is told when the session ends.
    pub fn start(conn: Connection, waker: &Arc<Waker>) -> Result<Session, ClientError> {
        let Connection { writer, reader } = conn;
        let (tx, events) = mpsc::channel();
        let live = Arc::new(AtomicBool::new(true));
        let watcher = {
            let live = Arc::clone(&live);
            let waker = Arc::clone(waker);
            std::thread::Builder::new()
                .name("watch".into())
                .spawn(move || watch(reader, &tx, &live, &waker))?
        };
        Ok(Session {
            writer,
            events,
            live,
            waker: Arc::clone(waker),
            watcher: Some(watcher),
        })
    }

    /// Sends one request line. A failure shows as the session's end in
    /// [`Session::next_event`].
    pub fn send(&mut self, line: &str) {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        if self.writer.write_all(&buf).is_err() {
            // The watcher then sees the end of the stream (or what came
            // before it, such as a `BYE`).
            let _ = self.writer.shutdown(Shutdown::Both);
        }
    }

    /// The next event, waiting for it.
    pub fn next_event(&self) -> Event {
        self.events.recv().unwrap_or(Event::End(SessionEnd::Closed))
    }

    /// How the session ended, if it has; does not wait.
    pub fn ended(&self) -> Option<SessionEnd> {
        loop {
            match self.events.try_recv() {
                Ok(Event::End(end)) => return Some(end),
                // An answer nobody asked for: the protocol has none.
                Ok(Event::Answer(_)) => continue,
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => return Some(SessionEnd::Closed),
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.live.store(false, Ordering::Release);
        // A watcher still signalling sees `live` at once.
        drop(self.waker.lock());
        self.waker.done_waiting.notify_all();
        let _ = self.writer.shutdown(Shutdown::Both);
        if let Some(watcher) = self.watcher.take() {
            let _ = watcher.join();
        }
    }
}

/// The watcher thread: forwards responses until the session ends.
fn watch(mut reader: Responses, tx: &Sender<Event>, live: &AtomicBool, waker: &Waker) {
    let end = loop {
        match reader.recv() {
            Ok(Some(Response::Bye { duration })) => break SessionEnd::Bye(duration),
            Ok(Some(answer)) => {
                if tx.send(Event::Answer(answer)).is_err() {
                    return;
                }
            }
            Ok(None) => break SessionEnd::Closed,
            Err(e) => break SessionEnd::from(e),
        }
    };
    let _ = tx.send(Event::End(end));
    waker.wake(live);
}
