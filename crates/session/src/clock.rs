//! Where sessions get the time from: the system, or a hand-driven clock.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// A source of time: a monotonic instant for measuring durations and a wall
/// clock time for logs. Injected into the
/// [`SessionRegistry`](crate::SessionRegistry) so tests can drive it.
pub trait Clock: Send + Sync {
    /// The current monotonic instant; durations are differences of these.
    fn now(&self) -> Instant;
    /// The current wall-clock time, recorded as a session's `connected_at`.
    fn wall(&self) -> SystemTime;
}

/// The real clocks: [`Instant::now`] and [`SystemTime::now`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to, so tests measure exact durations.
///
/// Both readings start at a fixed origin and advance together.
///
/// ```
/// use std::time::Duration;
/// use session::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let t0 = clock.now();
/// clock.advance(Duration::from_millis(1500));
/// assert_eq!(clock.now() - t0, Duration::from_millis(1500));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    origin: Instant,
    wall_origin: SystemTime,
    elapsed: Mutex<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock at an arbitrary fixed instant, with a wall time of
    /// 2001-09-09T01:46:40Z (Unix time 1,000,000,000).
    pub fn new() -> Self {
        ManualClock {
            origin: Instant::now(),
            wall_origin: SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves both readings forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(|p| p.into_inner());
        *elapsed = elapsed.saturating_add(by);
    }

    /// How far the clock has been advanced since it was made.
    pub fn elapsed(&self) -> Duration {
        *self.elapsed.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.origin + self.elapsed()
    }

    fn wall(&self) -> SystemTime {
        self.wall_origin + self.elapsed()
    }
}
