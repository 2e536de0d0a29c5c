//! State shared by the acceptor and the workers.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

/// Counters and flags every thread of the server sees.
#[derive(Debug, Default)]
pub struct Shared {
    /// Set once on SIGINT/SIGTERM: workers say `BYE` and stop.
    pub shutting_down: AtomicBool,
    /// `--idle-timeout`, if set.
    pub idle_timeout: Option<Duration>,
}
