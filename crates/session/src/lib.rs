//! The registry of a calcnet server's live sessions: who is connected
//! (id, peer address, since when), how many requests and errors each has
//! had, and, when a session ends by whatever path, how long it lasted and
//! why. Time comes from an injectable [`Clock`], so durations are tested
//! exactly with a [`ManualClock`].
//!
//! A server opens a session per accepted connection and keeps the
//! [`SessionGuard`] for the connection's lifetime. The guard ends the
//! session when closed or dropped; the registry's observer sees every end
//! exactly once, which is where the server logs it.
//!
//! # Example
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::Duration;
//! use session::{CloseReason, ManualClock, SessionRegistry};
//!
//! let clock = Arc::new(ManualClock::new());
//! let ended = Arc::new(Mutex::new(Vec::new()));
//! let log = ended.clone();
//! let registry = SessionRegistry::builder()
//!     .clock(clock.clone())
//!     .on_close(move |closed| log.lock().unwrap().push(closed.to_string()))
//!     .build();
//!
//! let a = registry.open("127.0.0.1:40001".parse().unwrap());
//! let mut b = registry.open("[::1]:40002".parse().unwrap());
//! assert_eq!((a.id(), b.id(), registry.active()), (1, 2, 2));
//!
//! clock.advance(Duration::from_millis(1250));
//! a.record_request(true);
//! a.close(CloseReason::Exit);
//! b.set_close_reason(CloseReason::PeerClosed);
//! drop(b); // e.g. the connection's thread returned early
//!
//! assert_eq!(*ended.lock().unwrap(), [
//!     "session 1 from 127.0.0.1:40001 closed (exit) after 1.250s: 1 requests, 0 errors, 1 active",
//!     "session 2 from [::1]:40002 closed (peer closed) after 1.250s: 0 requests, 0 errors, 0 active",
//! ]);
//! ```
#![deny(missing_docs)]

mod clock;
mod reason;
mod registry;

pub use clock::{Clock, ManualClock, SystemClock};
pub use reason::CloseReason;
pub use registry::{
    ClosedSession, RegistryBuilder, RegistryFull, SessionGuard, SessionId, SessionInfo,
    SessionRegistry,
};
