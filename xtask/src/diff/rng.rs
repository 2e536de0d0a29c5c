//! The generator's random draws, from rand's ChaCha8Rng: portable, so a
//! seed names a run exactly on every machine and rand version.

use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use rand::{Rng as _, RngExt, SeedableRng};

/// The draws [`super::gen`] makes, over one ChaCha8 stream.
#[derive(Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// The generator for case `index` of the run seeded with `seed`: each
    /// case reads its own ChaCha stream (`set_stream(index)`), so the split
    /// of cases among jobs does not change what is generated.
    pub fn for_case(seed: u64, index: u64) -> Rng {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        r.set_stream(index);
        Rng(r)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform integer in `0..n` (0 for `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.0.random_range(0..n)
        }
    }

    /// A uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.0.random_range(lo..=hi)
    }

    /// True with probability `num / den` (always when `num >= den`).
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    /// A uniformly chosen element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.0)
            .expect("pick from a non-empty slice")
    }

    /// An index chosen with the given relative weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len().saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::for_case(1, 7);
        let mut b = Rng::for_case(1, 7);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn a_seed_names_the_same_sequence_everywhere() {
        // ChaCha8Rng is portable: these are its first words for seed 1,
        // stream 0 and stream 7. A change here renames every run's cases.
        let first = |seed, index| Rng::for_case(seed, index).next_u64();
        assert_eq!(
            [first(1, 0), first(1, 7)],
            [FIRST_1_0, FIRST_1_7],
            "ChaCha8Rng's sequence changed"
        );
    }

    const FIRST_1_0: u64 = 7_424_550_030_962_593_201;
    const FIRST_1_7: u64 = 8_577_810_123_518_004_597;

    #[test]
    fn cases_differ() {
        assert_ne!(
            Rng::for_case(1, 7).next_u64(),
            Rng::for_case(1, 8).next_u64()
        );
        assert_ne!(
            Rng::for_case(1, 7).next_u64(),
            Rng::for_case(2, 7).next_u64()
        );
    }

    #[test]
    fn range_is_inclusive_and_bounded() {
        let mut r = Rng::for_case(3, 0);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let v = r.range(-2, 2);
            assert!((-2..=2).contains(&v));
            seen[(v + 2) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert_eq!(r.below(0), 0);
        let _ = r.range(i64::MIN, i64::MAX);
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut r = Rng::for_case(4, 0);
        for _ in 0..1000 {
            assert_ne!(r.weighted(&[3, 0, 5]), 1);
        }
    }
}
