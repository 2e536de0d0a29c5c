//! Helpers for calc-core's unit tests.

use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use rand::{Rng as _, RngExt as _, SeedableRng};

/// The random draws of the unit tests, over rand's ChaCha8Rng (the
/// workspace's seeded generator, as in `ops/tests.rs` and xtask's
/// differential generator): a seed names the same values on every machine,
/// so random tests reproduce.
pub(crate) struct Rng(ChaCha8Rng);

impl Rng {
    pub(crate) fn seeded(seed: u64) -> Rng {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform number below `n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n)
    }

    /// A uniformly chosen element of a non-empty slice.
    pub(crate) fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        *xs.choose(&mut self.0).expect("pick from a non-empty slice")
    }
}
