//! State shared by the acceptor and the workers.

use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::time::Duration;

/// Counters and flags every thread of the server sees.
#[derive(Debug, Default)]
pub struct Shared {
    /// Sessions open now (accepted and not yet closed).
    pub active: AtomicUsize,
    /// Set once on SIGINT/SIGTERM: workers say `BYE` and stop.
    pub shutting_down: AtomicBool,
    /// `--idle-timeout`, if set.
    pub idle_timeout: Option<Duration>,
}
