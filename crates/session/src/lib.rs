//! Registry of live calcnet sessions and their duration accounting.
//!
//! (Under construction: see issue 3.)
#![deny(missing_docs)]
