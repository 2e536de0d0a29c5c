//! Session namespaces: the names a client binds with assignment
//! expressions (`(x := 2**64)`), kept between its requests, seen by no
//! other session, and bounded per session and over the whole server.
//!
//! Each session owns one [`Namespace`]: a calc-core `Env` and the bytes of
//! the server-wide [`NamesPool`] its names hold. The namespace goes with a
//! request to the evaluation pool and comes back with the answer; a
//! connection has at most one request there and answers nothing after it
//! meanwhile, so one namespace is never used by two threads at once (the
//! move makes that a compile-time fact). Dropping a namespace, on
//! whichever path the session ends (`exit`, disconnect, shutdown, or its
//! answer coming back from the pool to a connection that has closed),
//! returns its bytes to the pool.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use calc_core::{Env, EvalError, Limits};

/// The bytes all sessions' names may hold together (`--names-memory`),
/// counted as calc-core counts them ([`Env::memory`]).
#[derive(Debug)]
pub struct NamesPool {
    cap: u64,
    used: AtomicU64,
}

impl NamesPool {
    /// A pool of `cap` bytes, none held.
    pub fn new(cap: u64) -> NamesPool {
        NamesPool {
            cap,
            used: AtomicU64::new(0),
        }
    }

    /// The bytes all namespaces hold now.
    #[cfg(test)]
    pub fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
    }

    /// Takes up to `want` bytes, as many as are free; returns how many.
    fn reserve_up_to(&self, want: u64) -> u64 {
        let mut got = 0;
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                got = want.min(self.cap.saturating_sub(used));
                Some(used.saturating_add(got))
            });
        got
    }

    /// Gives back `bytes` taken before.
    fn release(&self, bytes: u64) {
        let _ = self
            .used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                Some(used.saturating_sub(bytes))
            });
    }
}

/// One session's names, and the bytes of the [`NamesPool`] they hold.
#[derive(Debug)]
pub struct Namespace {
    /// Boxed: an `Env` with its limits is some 200 bytes, and a namespace
    /// travels in every connection and pool job.
    env: Box<Env>,
    /// What `env`'s names hold ([`Env::memory`]), all of it taken from
    /// `pool`.
    held: u64,
    pool: Arc<NamesPool>,
}

impl Namespace {
    /// An empty namespace drawing on `pool`.
    pub fn new(pool: Arc<NamesPool>) -> Namespace {
        Namespace {
            env: Box::new(Env::new()),
            held: 0,
            pool,
        }
    }

    /// How many names the session has bound.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.env.len()
    }

    /// What the names hold, as the pool counts it.
    #[cfg(test)]
    pub fn held(&self) -> u64 {
        self.held
    }

    /// Evaluates `expr` in this namespace under `limits` (whose
    /// `max_names` and `max_names_memory` are the session's bounds) and
    /// appends the repr to `out`: [`calc_core::eval_repr_metered_in`],
    /// with the growth of the names also bounded by what the server-wide
    /// pool has free. Past either bound the request is a `LimitError`
    /// and the names stay as they were.
    pub fn eval_repr_metered(
        &mut self,
        expr: &str,
        limits: &Limits,
        out: &mut String,
    ) -> (Result<(), EvalError>, u64) {
        // Only a `:=` token binds names; a request without one leaves the
        // namespace and the pool as they are.
        if !expr.contains(":=") {
            return calc_core::eval_repr_metered_in(&mut self.env, expr, limits, out);
        }
        // Take from the pool all the session may grow by, or what is
        // free, before evaluating, so that concurrent sessions never take
        // the pool past its cap; give back what the names did not use.
        let room = limits.max_names_memory.saturating_sub(self.held);
        let got = self.pool.reserve_up_to(room);
        let mut bounded = limits.clone();
        bounded.max_names_memory = self.held.saturating_add(got);
        // A panic in calc-core (caught by the caller, which answers
        // InternalError) must not keep the reservation: the accounting
        // below runs first. calc-core writes the names after the
        // evaluation, so a panic leaves them as they were.
        let evaluated = panic::catch_unwind(AssertUnwindSafe(|| {
            calc_core::eval_repr_metered_in(&mut self.env, expr, &bounded, out)
        }));
        let taken = self.held.saturating_add(got);
        let now = self.env.memory();
        if now <= taken {
            self.pool.release(taken - now);
        } else {
            // Not reached: calc-core refuses what grows the names past
            // `bounded`; counted all the same, so the pool stays exact.
            self.pool.used.fetch_add(now - taken, Ordering::AcqRel);
        }
        self.held = now;
        let (mut result, units) = match evaluated {
            Ok(answer) => answer,
            Err(payload) => panic::resume_unwind(payload),
        };
        if let Err(e) = &result {
            // Refused for the pool's sake, not the session's own bound:
            // say so.
            let pool_bound = got < room
                && e.class() == "LimitError"
                && e.message()
                    == format!(
                        "assignment would make the names hold more than {} bytes",
                        bounded.max_names_memory
                    );
            if pool_bound {
                result = Err(EvalError::limit(format!(
                    "assignment would make the names of all sessions hold more than {} bytes",
                    self.pool.cap
                )));
            }
        }
        (result, units)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        self.pool.release(self.held);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(ns: &mut Namespace, expr: &str, limits: &Limits) -> String {
        let mut out = String::new();
        match ns.eval_repr_metered(expr, limits, &mut out).0 {
            Ok(()) => out,
            Err(e) => format!("{}: {}", e.class(), e.message()),
        }
    }

    #[test]
    fn the_pool_counts_every_namespace_and_frees_on_drop() {
        let pool = Arc::new(NamesPool::new(1200));
        let limits = Limits::default();
        let mut a = Namespace::new(Arc::clone(&pool));
        let mut b = Namespace::new(Arc::clone(&pool));
        assert_eq!(ask(&mut a, "(x := 1)", &limits), "1");
        assert_eq!(a.held(), 64 + 2);
        assert_eq!(ask(&mut b, "(yy := 2) + 1", &limits), "3");
        assert_eq!(pool.used(), 66 + 68);
        assert_eq!(
            ask(&mut b, "x", &limits),
            "NameError: name 'x' is not defined"
        );
        // z = 2**8000 counts 64 + 2 + 1008 bytes: past what the pool
        // has left.
        let big = ask(&mut a, "(z := 2**8000) > 0", &limits);
        assert_eq!(
            big,
            "LimitError: assignment would make the names of all sessions hold more than 1200 bytes"
        );
        assert_eq!((a.len(), pool.used()), (1, 134));
        // Rebinding within what a session holds needs nothing more.
        assert_eq!(ask(&mut a, "(x := 5)", &limits), "5");
        drop(b);
        assert_eq!(pool.used(), 66);
        assert_eq!(ask(&mut a, "(z := 2**8000) > 0", &limits), "True");
        assert_eq!(pool.used(), a.held());
        drop(a);
        assert_eq!(pool.used(), 0);
    }

    #[test]
    fn the_session_bound_comes_first() {
        let pool = Arc::new(NamesPool::new(1 << 20));
        let limits = Limits {
            max_names: 2,
            max_names_memory: 200,
            ..Limits::default()
        };
        let mut a = Namespace::new(Arc::clone(&pool));
        assert_eq!(ask(&mut a, "(a := 1) + (b := 2)", &limits), "3");
        assert_eq!(
            ask(&mut a, "(c := 3)", &limits),
            "LimitError: assignment would bind more than 2 names"
        );
        assert_eq!(
            ask(&mut a, "(a := 2**1000)", &limits),
            "LimitError: assignment would make the names hold more than 200 bytes"
        );
        assert_eq!((a.len(), pool.used()), (2, a.held()));
        assert_eq!(a.held(), 2 * 66);
    }
}
