//! Work accounting for one evaluation: every costly operation is charged
//! against the budget *before* it is done, so a request that would take long
//! or allocate much is refused instead of performed.

use crate::{EvalError, Limits};

/// The running cost of one evaluation, shared by every operation in it.
#[derive(Debug)]
pub(crate) struct Budget<'a> {
    /// The limits in force.
    pub limits: &'a Limits,
    /// Work units left before `LimitError`.
    remaining: u64,
}

impl<'a> Budget<'a> {
    /// A fresh budget of `limits.work_budget` units.
    pub fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            remaining: limits.work_budget,
        }
    }

    /// Spends `units` of estimated work (machine-word operations), or fails
    /// with `LimitError` when the budget cannot cover them.
    pub fn charge(&mut self, units: u64) -> Result<(), EvalError> {
        match self.remaining.checked_sub(units) {
            Some(left) => {
                self.remaining = left;
                Ok(())
            }
            None => {
                self.remaining = 0;
                Err(EvalError::work_budget())
            }
        }
    }

    /// Work units charged so far (the whole budget once it ran out).
    pub fn used(&self) -> u64 {
        self.limits.work_budget - self.remaining
    }

    /// Work units still available (for the calibration tests).
    #[cfg(test)]
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Fails with `LimitError` when an int of `bits` bits may not be built.
    pub fn check_bits(&self, bits: u64) -> Result<(), EvalError> {
        if bits > self.limits.max_int_bits {
            Err(EvalError::limit(format!(
                "integer result would exceed {} bits",
                self.limits.max_int_bits
            )))
        } else {
            Ok(())
        }
    }
}

/// Fixed work charged for any bigint operation (allocation, dispatch).
pub(crate) const OVERHEAD: u64 = 32;

/// Work units per word of a linear pass (add, shift, bitwise op, copy).
///
/// The unit: every estimate here and in `builtins/cost.rs` is calibrated so
/// that no operation takes more than about 0.6 ns per unit on the reference
/// machine (release build; `cargo run --release -p calc-core --example
/// sweep`, `cargo test --release -p calc-core --lib calibrate -- --ignored
/// --nocapture`), so the default budget of 2**26 units is at most ~40 ms
/// of work. Linear passes run at 0.02-0.35 ns a unit.
const LINEAR: u64 = 8;

/// Estimated work of a linear pass (add, shift, bitwise op, copy) over an
/// int of `bits` bits.
pub(crate) fn linear_cost(bits: u64) -> u64 {
    OVERHEAD + LINEAR * limbs(bits)
}

/// 64-bit words needed for an int of `bits` bits (at least one).
pub(crate) fn limbs(bits: u64) -> u64 {
    bits.div_ceil(64).max(1)
}

/// Estimated work of multiplying ints of `a_bits` and `b_bits` bits.
///
/// num-bigint multiplies schoolbook up to 32 words and with Karatsuba /
/// Toom-3 beyond. Measured (release, this machine): about 1.15 ns per word
/// pair up to 32 words, then 4.3-5.3 ns × n^1.585 for a balanced `n`-word
/// product (32 to 8000 words): 2 units a word pair, 10 × n^1.585 beyond.
pub(crate) fn mul_cost(a_bits: u64, b_bits: u64) -> u64 {
    let (n, m) = {
        let (x, y) = (limbs(a_bits), limbs(b_bits));
        (x.min(y), x.max(y))
    };
    if n <= 32 {
        return OVERHEAD + 2 * n.saturating_mul(m);
    }
    // Unbalanced products cost about (m/n)^1.6 balanced ones of the
    // shorter size for small ratios and at most two per slice for large
    // ones.
    let per_slice = 10.0 * (n as f64).powf(1.585);
    let ratio = m as f64 / n as f64;
    let slices = ratio.powf(1.6).min(2.0 * m.div_ceil(n) as f64).max(1.0);
    // `as` saturates, so a huge estimate stays huge.
    OVERHEAD.saturating_add((per_slice * slices) as u64)
}

/// Quotient words a division costs beyond its real quotient: measured
/// (release), dividing by an `n`-word int costs about `(q + 48) * n` even
/// for a short quotient `q` (normalisation, remainder copies).
const DIV_SETUP: u64 = 48;

/// Estimated work of dividing an `a_bits`-bit int by a `b_bits`-bit one
/// (long division: quotient words times divisor words, plus a hardware
/// division per quotient word). Measured: up to 1.7 ns per quotient word
/// × divisor word (20,000-bit operands; larger ones are faster), and up
/// to 1.2 ns a word when dividing by a one-word int.
pub(crate) fn div_cost(a_bits: u64, b_bits: u64) -> u64 {
    let (a, b) = (limbs(a_bits), limbs(b_bits));
    if a < b {
        // The quotient is 0 and the remainder a copy of the dividend.
        return linear_cost(a_bits);
    }
    if b == 1 {
        return OVERHEAD.saturating_add(a.saturating_mul(2 * LINEAR));
    }
    let pairs = (a - b + 1 + DIV_SETUP).saturating_mul(b + LINEAR - 1);
    OVERHEAD.saturating_add(pairs.saturating_mul(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_until_exhausted() {
        let limits = Limits {
            work_budget: 10,
            ..Limits::default()
        };
        let mut b = Budget::new(&limits);
        assert!(b.charge(6).is_ok());
        assert!(b.charge(4).is_ok());
        let err = b.charge(1).unwrap_err();
        assert_eq!(err.class(), "LimitError");
        assert!(b.charge(0).is_ok());
    }

    #[test]
    fn bit_bound() {
        let limits = Limits::default();
        let b = Budget::new(&limits);
        assert!(b.check_bits(1 << 20).is_ok());
        assert_eq!(
            b.check_bits((1 << 20) + 1).unwrap_err().class(),
            "LimitError"
        );
    }

    #[test]
    fn costs_grow_with_size() {
        assert_eq!(limbs(0), 1);
        assert_eq!(limbs(64), 1);
        assert_eq!(limbs(65), 2);
        assert_eq!(mul_cost(64 * 10, 64 * 20), OVERHEAD + 400);
        assert!(mul_cost(1 << 20, 1 << 20) > mul_cost(1 << 19, 1 << 19) * 2);
        assert!(mul_cost(1 << 20, 1 << 20) < 16384u64 * 16384);
        assert_eq!(div_cost(64, 128), linear_cost(64));
        assert_eq!(div_cost(64 * 10, 64), OVERHEAD + 10 * 16);
        assert_eq!(div_cost(64 * 10, 64 * 4), OVERHEAD + (7 + 48) * 11 * 4);
        assert_eq!(linear_cost(64 * 10), OVERHEAD + 80);
    }
}
