//! socket2 builders for calcnet listeners and client connections.
//!
//! (Under construction: see issue 3.)
#![deny(missing_docs)]
