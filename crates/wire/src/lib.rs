//! Line framing and request/response types of the calcnet protocol.
//!
//! (Under construction: see issue 3.)
#![deny(missing_docs)]
