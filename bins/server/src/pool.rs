//! The evaluation pool: a few lower-priority threads for the requests that
//! need more than the small slice of the work budget a worker spends
//! inline.
//!
//! A worker answers every request it can within [`ConnConfig::slice`]
//! (almost all of them); one that runs out of that slice is handed here
//! whole, evaluated again under the full limits, and its answer goes back
//! to the worker that owns the connection. Meanwhile that worker goes on
//! serving its other connections, so a cheap request never waits behind
//! another client's costly one. Each connection has at most one request
//! here at a time and answers nothing after it until it is back, so
//! answers stay in order and one client cannot fill the queue.
//!
//! The threads run at a lower scheduling priority (nice +10) so that, on a
//! busy machine, the workers' short turns win the CPU over long
//! evaluations.
//!
//! [`ConnConfig::slice`]: crate::conn::ConnConfig::slice

use std::collections::VecDeque;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use calc_core::Limits;
use mio::Waker;
use session::SessionId;

use crate::answer;
use crate::names::Namespace;

/// How much nicer pool threads are than the workers: CFS then gives a
/// worker about ten times a pool thread's share of a contended core.
const POOL_NICE: i32 = 10;

/// A request handed to the pool.
pub struct Job {
    /// The request line.
    pub text: Box<str>,
    /// The session's namespace, which travels with the request and comes
    /// back with the answer.
    pub names: Namespace,
    /// Where the answer goes.
    pub owner: Owner,
}

/// The connection a job belongs to, and how to reach its worker.
pub struct Owner {
    /// The connection's slot in its worker.
    pub slot: usize,
    /// Its session, so that an answer for a connection that has since
    /// closed is not given to a new one in the same slot.
    pub session: SessionId,
    /// The worker's mailbox.
    pub reply: Reply,
}

/// A worker's mailbox for finished jobs.
#[derive(Clone)]
pub struct Reply {
    /// Carries the answers.
    pub tx: Sender<Done>,
    /// Wakes the worker's poll.
    pub waker: Arc<Waker>,
}

/// A finished job.
pub struct Done {
    /// The connection's slot.
    pub slot: usize,
    /// The connection's session.
    pub session: SessionId,
    /// The request line, for the log.
    pub text: Box<str>,
    /// The session's namespace, back from the evaluation.
    pub names: Namespace,
    /// The response line, encoded.
    pub answer: Vec<u8>,
    /// What the log shows: the repr, or `Class: message`.
    pub shown: String,
    /// Whether the answer is `OK`.
    pub ok: bool,
}

/// The pool's threads and queue.
pub struct EvalPool {
    shared: Arc<Queue>,
    threads: Vec<JoinHandle<()>>,
}

/// The handle workers submit jobs through.
#[derive(Clone)]
pub struct Submitter(Arc<Queue>);

struct Queue {
    state: Mutex<State>,
    ready: Condvar,
    limits: Limits,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    closed: bool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Jobs run outside the lock, so a poisoned lock still holds a
        // consistent queue.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl EvalPool {
    /// Starts `threads` evaluation threads that evaluate under `limits`.
    pub fn start(threads: usize, limits: Limits) -> std::io::Result<EvalPool> {
        let shared = Arc::new(Queue {
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
            limits,
        });
        let mut handles = Vec::with_capacity(threads);
        for i in 0..threads {
            let queue = Arc::clone(&shared);
            let handle = std::thread::Builder::new()
                .name(format!("calc-eval-{i}"))
                .spawn(move || {
                    lower_priority();
                    run(&queue);
                });
            match handle {
                Ok(h) => handles.push(h),
                Err(e) => {
                    EvalPool {
                        shared,
                        threads: handles,
                    }
                    .stop();
                    return Err(e);
                }
            }
        }
        Ok(EvalPool {
            shared,
            threads: handles,
        })
    }

    /// A handle to submit jobs with.
    pub fn submitter(&self) -> Submitter {
        Submitter(Arc::clone(&self.shared))
    }

    /// Refuses further jobs and drops those not started: at shutdown the
    /// sessions they belong to end with `BYE` instead of their answer.
    /// Returns how many were dropped.
    pub fn close(&self) -> usize {
        let mut state = self.shared.lock();
        state.closed = true;
        let dropped = state.jobs.len();
        state.jobs.clear();
        drop(state);
        self.shared.ready.notify_all();
        dropped
    }

    /// Closes the pool and waits for the jobs under way (each bounded by
    /// the work budget) to finish.
    pub fn stop(self) {
        self.close();
        for t in self.threads {
            let _ = t.join();
        }
    }
}

impl Submitter {
    /// Queues `job`; gives it back if the pool is closed.
    pub fn submit(&self, job: Job) -> Result<(), Job> {
        let mut state = self.0.lock();
        if state.closed {
            return Err(job);
        }
        state.jobs.push_back(job);
        drop(state);
        self.0.ready.notify_one();
        Ok(())
    }
}

fn run(queue: &Queue) {
    let mut shown = String::new();
    loop {
        let mut job = {
            let mut state = queue.lock();
            loop {
                if let Some(job) = state.jobs.pop_front() {
                    break job;
                }
                if state.closed {
                    return;
                }
                state = queue.ready.wait(state).unwrap_or_else(|p| p.into_inner());
            }
        };
        let mut answer = Vec::new();
        let outcome = answer::evaluate(
            &job.text,
            &mut job.names,
            &queue.limits,
            &mut answer,
            &mut shown,
        );
        let Job { text, names, owner } = job;
        let done = Done {
            slot: owner.slot,
            session: owner.session,
            text,
            names,
            answer,
            shown: std::mem::take(&mut shown),
            ok: outcome.ok,
        };
        // A worker that has stopped no longer wants the answer.
        if owner.reply.tx.send(done).is_ok() {
            let _ = owner.reply.waker.wake();
        }
    }
}

/// Lowers the calling thread's priority by [`POOL_NICE`] relative to the
/// server's own, so a server already started with `nice` keeps its pool
/// below its workers; on failure the thread runs at the server's
/// priority, which costs fairness under load, not correctness.
fn lower_priority() {
    // SAFETY: nice() has no preconditions. On Linux the nice value is a
    // thread's attribute, and glibc's nice() changes the calling thread's
    // (getpriority/setpriority with PRIO_PROCESS and 0 name the caller).
    unsafe {
        libc::nice(POOL_NICE);
    }
}
