//! State shared by the acceptor and the workers.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Counters and flags every thread of the server sees.
#[derive(Debug, Default)]
pub struct Shared {
    /// Set once on SIGINT/SIGTERM: workers say `BYE` and stop.
    pub shutting_down: AtomicBool,
    /// `--idle-timeout`, if set.
    pub idle_timeout: Option<Duration>,
    /// Connections accepted with `--proxy-protocol` whose header has not
    /// arrived yet. They have no session, so the acceptor adds them to the
    /// registry's count when it applies `--max-clients`: otherwise a flood
    /// of connections that never send a header could hold any number of
    /// descriptors.
    pub awaiting_header: AtomicUsize,
}

/// One connection counted in [`Shared::awaiting_header`]; dropping it
/// (header received, rejected, timed out, shutdown, or any other path)
/// uncounts it, so the count cannot drift.
#[derive(Debug)]
pub struct HeaderSlot(Arc<Shared>);

impl HeaderSlot {
    /// Counts one more connection awaiting its header.
    pub fn new(shared: &Arc<Shared>) -> HeaderSlot {
        shared.awaiting_header.fetch_add(1, Ordering::AcqRel);
        HeaderSlot(Arc::clone(shared))
    }
}

impl Drop for HeaderSlot {
    fn drop(&mut self) {
        self.0.awaiting_header.fetch_sub(1, Ordering::AcqRel);
    }
}
