//! The interactive prompt: line editing, a history file, completion of
//! names and `help` (rustyline and this crate's helper), plain answers,
//! errors marked, a caret under a syntax error. The session's socket is
//! watched while the prompt waits ([`crate::watch`]): when the server ends
//! the session, the prompt says why at once and becomes
//! [`NOT_CONNECTED_PROMPT`]; the next request reconnects.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::{
    Cmd, ConditionalEventHandler, Event, EventContext, EventHandler, KeyEvent, RepeatCount,
};
use wire::Request;

use crate::conn::{ClientError, Connection};
use crate::help;
use crate::helper::{LineEditor, PromptHelper};
use crate::history::{self, HistoryFile, Location};
use crate::render;
use crate::watch::{self, Session, SessionEnd, Waker};

/// The prompt; its width places the caret under a syntax error's column.
pub const PROMPT: &str = "calc> ";

/// The prompt while there is no session.
pub const NOT_CONNECTED_PROMPT: &str = "not connected> ";

/// Where and how to (re)connect, and where the history goes.
pub struct Options<'a> {
    /// The server's host, as given.
    pub host: &'a str,
    /// The server's port.
    pub port: u16,
    /// How long a connection attempt may take.
    pub connect_timeout: Duration,
    /// The history file.
    pub history: Location,
}

/// Runs the prompt on `conn` until `exit`, `quit` or Ctrl-D. The server
/// ending the session does not end the prompt.
pub fn run(conn: Connection, options: &Options<'_>) -> Result<(), ClientError> {
    let line_editing = watch::line_editing();
    let waker = Waker::for_this_thread(line_editing);
    if line_editing {
        // rustyline turns SIGINT into an interruption while its editor
        // exists; should it not, a SIGINT from the watcher must still not
        // end the process: this handler, installed first, only sets a
        // flag. (Without line editing the watcher sends no signal, and
        // Ctrl-C keeps its usual effect.)
        let _ = signal_hook::flag::register(
            signal_hook::consts::SIGINT,
            Arc::new(AtomicBool::new(false)),
        );
    }
    let config = Config::builder()
        .max_history_size(history::MAX_ENTRIES)
        .map_err(io_error)?
        .history_ignore_dups(true)
        .map_err(io_error)?
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .build();
    let mut editor = LineEditor::with_config(config).map_err(io_error)?;
    editor.set_helper(Some(PromptHelper::default()));
    let ctrl_c = Arc::new(AtomicBool::new(false));
    editor.bind_sequence(
        KeyEvent::ctrl('C'),
        EventHandler::Conditional(Box::new(CtrlC(Arc::clone(&ctrl_c)))),
    );
    let history_text = options.history.describe();
    let history = HistoryFile::open(options.history.clone(), &mut editor);
    let session = Session::start(conn, &waker)?;
    println!(
        "calc-client: connected to {} port {}; `help` for help, `exit` or Ctrl-D to leave",
        options.host, options.port
    );
    let mut prompt = Prompt {
        options,
        waker,
        editor,
        history,
        history_text,
        session: Some(session),
        ctrl_c,
    };
    prompt.run()
}

/// The prompt's state.
struct Prompt<'a> {
    options: &'a Options<'a>,
    waker: Arc<Waker>,
    editor: LineEditor,
    history: HistoryFile,
    /// `help`'s line about the history.
    history_text: String,
    /// `None` when not connected.
    session: Option<Session>,
    /// Ctrl-C was pressed: the interruption that follows is the person's.
    ctrl_c: Arc<AtomicBool>,
}

/// Notes that Ctrl-C was pressed, and lets it interrupt as usual.
struct CtrlC(Arc<AtomicBool>);

impl ConditionalEventHandler for CtrlC {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext<'_>) -> Option<Cmd> {
        self.0.store(true, Ordering::Release);
        Some(Cmd::Interrupt)
    }
}

impl Prompt<'_> {
    fn run(&mut self) -> Result<(), ClientError> {
        // Text put back on the next prompt, and the cursor in it: the line
        // being typed when the session ended.
        let mut put_back = (String::new(), 0);
        loop {
            let prompt = if self.session.is_some() {
                PROMPT
            } else {
                NOT_CONNECTED_PROMPT
            };
            let waker = Arc::clone(&self.waker);
            let waiting = waker.waiting();
            // An end that came before the wait began is reported now; one
            // that comes during it interrupts `readline`.
            if let Some(end) = self.session.as_ref().and_then(Session::ended) {
                drop(waiting);
                self.lost(&end);
                continue;
            }
            if let Some(helper) = self.editor.helper() {
                helper.take_edited(); // the last line's, no longer news
            }
            let (text, cursor) = &put_back;
            let (left, right) = text.split_at(floor_char_boundary(text, *cursor));
            let read = self.editor.readline_with_initial(prompt, (left, right));
            drop(waiting);
            put_back = (String::new(), 0);
            let line = match read {
                Ok(line) => line,
                Err(ReadlineError::Interrupted | ReadlineError::Signal(_)) => {
                    // Ctrl-C clears the line. Any other interruption (the
                    // watcher's: the session ended) keeps it.
                    if !self.ctrl_c.swap(false, Ordering::AcqRel) {
                        if let Some(helper) = self.editor.helper() {
                            put_back = helper.take_edited();
                        }
                    }
                    if let Some(end) = self.session.as_ref().and_then(Session::ended) {
                        self.lost(&end);
                    }
                    continue;
                }
                Err(ReadlineError::Eof) => {
                    self.leave("exit");
                    return Ok(());
                }
                Err(e) => return Err(io_error(e)),
            };
            if line.trim().is_empty() {
                continue;
            }
            self.history.add(&mut self.editor, &line);
            if let Some(request) = help::parse(&line) {
                println!("{}", help::answer(&request, &self.history_text));
            } else if Request::parse(&line) == Request::Exit {
                self.leave(&line);
                return Ok(());
            } else {
                self.ask(&line, prompt.len());
            }
        }
    }

    /// Sends `line` and prints its answer, reconnecting first if there is
    /// no session. If the session ends before the answer, the request was
    /// not evaluated (docs/protocol.md); it is sent once more on a new
    /// session (evaluation has no side effects).
    fn ask(&mut self, line: &str, caret_indent: usize) {
        for _ in 0..2 {
            let Some(session) = self.session_or_connect() else {
                return;
            };
            if let Some(end) = session.ended() {
                self.lost(&end);
                continue;
            }
            session.send(line);
            match session.next_event() {
                watch::Event::Answer(response) => {
                    println!("{}", render::answer(&response, Some(caret_indent)));
                    return;
                }
                watch::Event::End(end @ SessionEnd::Busy(_)) => {
                    // Asking again would be refused again.
                    self.lost(&end);
                    return;
                }
                watch::Event::End(end) => {
                    eprintln!("calc-client: {end} before answering");
                    self.session = None;
                }
            }
        }
    }

    /// The session, connecting if there is none; `None` (said on stderr)
    /// if connecting fails.
    fn session_or_connect(&mut self) -> Option<&mut Session> {
        if self.session.is_none() {
            let Options {
                host,
                port,
                connect_timeout,
                ..
            } = *self.options;
            match Connection::open(host, port, connect_timeout)
                .and_then(|conn| Session::start(conn, &self.waker))
            {
                Ok(session) => {
                    eprintln!("calc-client: connected to {host} port {port}");
                    self.session = Some(session);
                }
                Err(e) => {
                    eprintln!("calc-client: {e}");
                    return None;
                }
            }
        }
        self.session.as_mut()
    }

    /// Reports the end of the session the prompt had.
    fn lost(&mut self, end: &SessionEnd) {
        self.session = None;
        eprintln!("calc-client: {end}; not connected (the next request reconnects)");
    }

    /// Ends the session with `line` (`exit`, `quit`) and shows its length.
    fn leave(&mut self, line: &str) {
        let Some(mut session) = self.session.take() else {
            return;
        };
        if let Some(end) = session.ended() {
            eprintln!("calc-client: {end}");
            return;
        }
        session.send(line);
        match session.next_event() {
            watch::Event::End(SessionEnd::Bye(duration)) => {
                println!("session lasted {}", render::seconds(duration));
            }
            watch::Event::End(end) => eprintln!("calc-client: {end}"),
            watch::Event::Answer(response) => println!("{}", render::answer(&response, None)),
        }
    }
}

/// The largest char boundary of `text` at or before `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn io_error(e: ReadlineError) -> ClientError {
    match e {
        ReadlineError::Io(e) => ClientError::Io(e),
        other => ClientError::Io(std::io::Error::other(other.to_string())),
    }
}
