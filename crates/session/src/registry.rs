//! The registry of live sessions and the guard that keeps each one open.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::clock::{Clock, SystemClock};
use crate::reason::CloseReason;

/// A session's identifier: assigned from 1 upwards, never reused within a
/// registry.
pub type SessionId = u64;

/// A callback that sees every session end.
type Observer = Box<dyn Fn(&ClosedSession) + Send + Sync>;

/// The live sessions of a server: thread-safe, cloned cheaply (clones share
/// the same sessions).
///
/// [`open`](Self::open) registers a connection and returns a
/// [`SessionGuard`]; the session is live until the guard is closed or
/// dropped, whichever path the connection ends on. An observer set with
/// [`RegistryBuilder::on_close`] sees every end, so a server can log each
/// one in one place.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use session::{CloseReason, ManualClock, SessionRegistry};
///
/// let clock = Arc::new(ManualClock::new());
/// let registry = SessionRegistry::builder().clock(clock.clone()).build();
/// let peer = "127.0.0.1:50000".parse().unwrap();
///
/// let session = registry.open(peer);
/// session.record_request(true);
/// session.record_request(false);
/// assert_eq!(registry.active(), 1);
///
/// clock.advance(Duration::from_millis(2500));
/// let closed = session.close(CloseReason::Exit);
/// assert_eq!(closed.duration, Duration::from_millis(2500));
/// assert_eq!((closed.requests, closed.errors, closed.active_after), (2, 1, 0));
/// ```
#[derive(Clone)]
pub struct SessionRegistry {
    inner: Arc<Inner>,
}

struct Inner {
    clock: Arc<dyn Clock>,
    next_id: AtomicU64,
    live: Mutex<HashMap<SessionId, Arc<Shared>>>,
    observer: Option<Observer>,
}

/// What the registry and a guard both see of one session.
struct Shared {
    id: SessionId,
    peer: SocketAddr,
    connected_at: SystemTime,
    started: Instant,
    /// Nanoseconds from `started` to the last activity (saturating).
    active_at: AtomicU64,
    requests: AtomicU64,
    errors: AtomicU64,
}

/// Builds a [`SessionRegistry`] with a clock and a close observer.
#[derive(Default)]
pub struct RegistryBuilder {
    clock: Option<Arc<dyn Clock>>,
    observer: Option<Observer>,
}

impl RegistryBuilder {
    /// Uses `clock` instead of the [`SystemClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Calls `observer` once for every session that ends, explicitly closed
    /// or dropped, after it has left the registry. It runs on the thread
    /// that ended the session, outside the registry's lock, so it may use
    /// the registry; it should be quick (e.g. hand the record to a logger).
    pub fn on_close(mut self, observer: impl Fn(&ClosedSession) + Send + Sync + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// The registry.
    pub fn build(self) -> SessionRegistry {
        SessionRegistry {
            inner: Arc::new(Inner {
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                next_id: AtomicU64::new(1),
                live: Mutex::new(HashMap::new()),
                observer: self.observer,
            }),
        }
    }
}

/// [`SessionRegistry::try_open`] refused: the registry already holds its
/// limit of sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{active} sessions open, the limit is {limit}")]
pub struct RegistryFull {
    /// Sessions open when the request was refused.
    pub active: usize,
    /// The limit that was asked for.
    pub limit: usize,
}

/// A live session as seen at one moment, from
/// [`SessionRegistry::snapshot`] or [`SessionGuard::info`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// The session's id.
    pub id: SessionId,
    /// The client's address.
    pub peer: SocketAddr,
    /// Wall-clock time of the connection.
    pub connected_at: SystemTime,
    /// How long the session has been open.
    pub elapsed: Duration,
    /// How long since its last activity (see [`SessionGuard::touch`]).
    pub idle: Duration,
    /// Requests answered so far.
    pub requests: u64,
    /// Of those, answered with an error.
    pub errors: u64,
}

/// A session that has ended: what a server logs.
///
/// `Display` gives a one-line summary; the duration is in seconds with
/// milliseconds, truncated like the protocol's `BYE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedSession {
    /// The session's id.
    pub id: SessionId,
    /// The client's address.
    pub peer: SocketAddr,
    /// Why it ended.
    pub reason: CloseReason,
    /// Wall-clock time of the connection.
    pub connected_at: SystemTime,
    /// How long it lasted (monotonic clock).
    pub duration: Duration,
    /// Requests answered.
    pub requests: u64,
    /// Of those, answered with an error.
    pub errors: u64,
    /// Sessions still open right after this one left the registry.
    pub active_after: usize,
}

impl fmt::Display for ClosedSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "session {} from {} closed ({}) after {}.{:03}s: {} requests, {} errors, {} active",
            self.id,
            self.peer,
            self.reason,
            self.duration.as_secs(),
            self.duration.subsec_millis(),
            self.requests,
            self.errors,
            self.active_after
        )
    }
}

impl Default for SessionRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SessionRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRegistry")
            .field("active", &self.active())
            .field("next_id", &self.inner.next_id.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl SessionRegistry {
    /// A registry on the system clock, without an observer.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder, to set the clock and the close observer.
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// Registers a new session for a client at `peer`.
    pub fn open(&self, peer: SocketAddr) -> SessionGuard {
        let mut live = self.inner.lock();
        self.insert(&mut live, peer)
    }

    /// Registers a new session unless `limit` sessions are already open;
    /// the check and the insertion are one atomic step, so concurrent
    /// accepts cannot overshoot the limit.
    pub fn try_open(&self, peer: SocketAddr, limit: usize) -> Result<SessionGuard, RegistryFull> {
        let mut live = self.inner.lock();
        if live.len() >= limit {
            return Err(RegistryFull {
                active: live.len(),
                limit,
            });
        }
        Ok(self.insert(&mut live, peer))
    }

    /// How many sessions are open.
    pub fn active(&self) -> usize {
        self.inner.lock().len()
    }

    /// How many sessions have been opened in total.
    pub fn total_opened(&self) -> u64 {
        self.inner.next_id.load(Ordering::Relaxed) - 1
    }

    /// The open sessions, by id: e.g. for a server that must say `BYE` to
    /// each one at shutdown.
    pub fn snapshot(&self) -> Vec<SessionInfo> {
        let now = self.inner.clock.now();
        let shared: Vec<Arc<Shared>> = self.inner.lock().values().cloned().collect();
        let mut infos: Vec<SessionInfo> = shared.iter().map(|s| s.info(now)).collect();
        infos.sort_by_key(|i| i.id);
        infos
    }

    /// The open sessions idle for at least `timeout`, by id: what an event
    /// loop's periodic sweep closes with [`CloseReason::IdleTimeout`].
    pub fn idle_for(&self, timeout: Duration) -> Vec<SessionId> {
        let now = self.inner.clock.now();
        let mut ids: Vec<SessionId> = self
            .inner
            .lock()
            .values()
            .filter(|s| s.idle(now) >= timeout)
            .map(|s| s.id)
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The open session `id`, if it is open.
    pub fn get(&self, id: SessionId) -> Option<SessionInfo> {
        let now = self.inner.clock.now();
        let shared = self.inner.lock().get(&id).cloned();
        shared.map(|s| s.info(now))
    }

    fn insert(&self, live: &mut HashMap<SessionId, Arc<Shared>>, peer: SocketAddr) -> SessionGuard {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let shared = Arc::new(Shared {
            id,
            peer,
            connected_at: self.inner.clock.wall(),
            started: self.inner.clock.now(),
            active_at: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        });
        live.insert(id, Arc::clone(&shared));
        SessionGuard {
            registry: Arc::clone(&self.inner),
            shared,
            drop_reason: None,
            ended_at: None,
            closed: false,
        }
    }
}

impl Inner {
    /// The map, even if a thread panicked while holding it: the map is
    /// never left half-updated, so it is still consistent.
    fn lock(&self) -> MutexGuard<'_, HashMap<SessionId, Arc<Shared>>> {
        self.live
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Shared {
    fn touch(&self, now: Instant) {
        let since_start = now.saturating_duration_since(self.started);
        let nanos = u64::try_from(since_start.as_nanos()).unwrap_or(u64::MAX);
        self.active_at.fetch_max(nanos, Ordering::Relaxed);
    }

    fn idle(&self, now: Instant) -> Duration {
        let active = Duration::from_nanos(self.active_at.load(Ordering::Relaxed));
        now.saturating_duration_since(self.started)
            .saturating_sub(active)
    }

    fn info(&self, now: Instant) -> SessionInfo {
        SessionInfo {
            id: self.id,
            peer: self.peer,
            connected_at: self.connected_at,
            elapsed: now.saturating_duration_since(self.started),
            idle: self.idle(now),
            requests: self.requests.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
        }
    }
}

/// Keeps one session open; closing or dropping it ends the session.
///
/// Counters are updated through the guard (atomics: no lock on the request
/// path). Dropping the guard ends the session with the reason set by
/// [`set_close_reason`](Self::set_close_reason), or
/// [`CloseReason::Dropped`] if none was set; [`close`](Self::close) ends it
/// explicitly and returns the record. Either way the registry's observer
/// sees the end exactly once.
pub struct SessionGuard {
    registry: Arc<Inner>,
    shared: Arc<Shared>,
    drop_reason: Option<CloseReason>,
    /// When [`SessionGuard::end`] froze the session's end.
    ended_at: Option<Instant>,
    closed: bool,
}

impl fmt::Debug for SessionGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionGuard")
            .field("id", &self.shared.id)
            .field("peer", &self.shared.peer)
            .field("drop_reason", &self.drop_reason)
            .finish_non_exhaustive()
    }
}

impl SessionGuard {
    /// The session's id.
    pub fn id(&self) -> SessionId {
        self.shared.id
    }

    /// The client's address.
    pub fn peer(&self) -> SocketAddr {
        self.shared.peer
    }

    /// Wall-clock time of the connection.
    pub fn connected_at(&self) -> SystemTime {
        self.shared.connected_at
    }

    /// How long the session has been open so far.
    pub fn elapsed(&self) -> Duration {
        self.registry
            .clock
            .now()
            .saturating_duration_since(self.shared.started)
    }

    /// Marks the session active now (e.g. bytes arrived), restarting its
    /// idle time. [`record_request`](Self::record_request) does this too.
    pub fn touch(&self) {
        self.shared.touch(self.registry.clock.now());
    }

    /// How long since the session was opened or last active, for idle
    /// timeouts.
    pub fn idle(&self) -> Duration {
        self.shared.idle(self.registry.clock.now())
    }

    /// Counts one answered request; `ok` is false when it was answered with
    /// an error. Marks the session active.
    pub fn record_request(&self, ok: bool) {
        self.touch();
        self.shared.requests.fetch_add(1, Ordering::Relaxed);
        if !ok {
            self.shared.errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Requests answered with an error so far.
    pub fn errors(&self) -> u64 {
        self.shared.errors.load(Ordering::Relaxed)
    }

    /// The session as it is now.
    pub fn info(&self) -> SessionInfo {
        self.shared.info(self.registry.clock.now())
    }

    /// Sets the reason reported if the guard is dropped rather than closed
    /// (the latest call wins), e.g. before returning an error up the stack.
    /// After [`end`](Self::end), the reason given there stays.
    pub fn set_close_reason(&mut self, reason: CloseReason) {
        if self.ended_at.is_none() {
            self.drop_reason = Some(reason);
        }
    }

    /// Ends the session with `reason` and returns its record (which the
    /// observer, if any, also receives).
    ///
    /// If [`end`](Self::end) was called, the record's duration is the one
    /// `end` returned; the reason is the one given here.
    pub fn close(mut self, reason: CloseReason) -> ClosedSession {
        self.finish(reason)
    }

    /// Fixes the session's end at this moment, with `reason`, while the
    /// connection lives on to deliver its last answers; returns the
    /// session's duration. The later close or drop reports this duration
    /// (and, on drop, this reason), so the `BYE` a server sends with the
    /// returned duration and the logged duration are the same figure. The
    /// first call wins; later ones return the same duration.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::time::Duration;
    /// use session::{CloseReason, ManualClock, SessionRegistry};
    ///
    /// let clock = Arc::new(ManualClock::new());
    /// let registry = SessionRegistry::builder().clock(clock.clone()).build();
    /// let mut session = registry.open("127.0.0.1:9".parse().unwrap());
    /// clock.advance(Duration::from_secs(2));
    /// let bye = session.end(CloseReason::Exit); // send `BYE 2.000`
    /// clock.advance(Duration::from_millis(30)); // ... while it is written
    /// let closed = session.close(CloseReason::Exit);
    /// assert_eq!((bye, closed.duration), (Duration::from_secs(2), Duration::from_secs(2)));
    /// ```
    pub fn end(&mut self, reason: CloseReason) -> Duration {
        let at = match self.ended_at {
            Some(at) => at,
            None => {
                let now = self.registry.clock.now();
                self.ended_at = Some(now);
                self.drop_reason = Some(reason);
                now
            }
        };
        at.saturating_duration_since(self.shared.started)
    }

    /// Whether [`end`](Self::end) has been called.
    pub fn is_ended(&self) -> bool {
        self.ended_at.is_some()
    }

    fn finish(&mut self, reason: CloseReason) -> ClosedSession {
        self.closed = true;
        let now = self.ended_at.unwrap_or_else(|| self.registry.clock.now());
        let active_after = {
            let mut live = self.registry.lock();
            live.remove(&self.shared.id);
            live.len()
        };
        let record = ClosedSession {
            id: self.shared.id,
            peer: self.shared.peer,
            reason,
            connected_at: self.shared.connected_at,
            duration: now.saturating_duration_since(self.shared.started),
            requests: self.shared.requests.load(Ordering::Relaxed),
            errors: self.shared.errors.load(Ordering::Relaxed),
            active_after,
        };
        if let Some(observer) = &self.registry.observer {
            observer(&record);
        }
        record
    }
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        if !self.closed {
            let reason = self.drop_reason.take().unwrap_or(CloseReason::Dropped);
            self.finish(reason);
        }
    }
}
