//! Work accounting for one evaluation: every costly operation is charged
//! against the budget *before* it is done, so a request that would take long
//! or allocate much is refused instead of performed; and the ints the
//! evaluation holds at once, against `Limits::max_memory`.

use crate::value::IntRepr;
use crate::{EvalError, Int, Limits, Value};

/// The running cost of one evaluation, shared by every operation in it.
#[derive(Debug)]
pub(crate) struct Budget<'a> {
    /// The limits in force.
    pub limits: &'a Limits,
    /// Work units left before `LimitError` (or before `gate` is asked).
    remaining: u64,
    /// Units of the budget held back from `remaining` until `gate` agrees.
    withheld: u64,
    gate: Gate<'a>,
    /// Bytes of ints the evaluation may still hold: `max_memory` less
    /// what it holds ([`hold`](Self::hold)).
    memory_left: u64,
}

/// Whether the budget may be spent, for the one-pass path (`direct`),
/// which gives an input up to the general path when it leaves its subset:
/// it may spend little before it is sure it will not give up (at most
/// [`UNGATED_SHARE`] of the budget), so that one request is charged one
/// budget, not the one-pass path's and then the general path's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate<'a> {
    /// Spend freely (the general path, or the one-pass path once sure).
    Open,
    /// Before more than [`UNGATED_SHARE`] of the budget is charged,
    /// `direct::committable` must say that the one-pass path evaluates
    /// this source to its end (or to an error the walker meets too).
    Closed(&'a str),
    /// It did not: every charge fails, and the one-pass path gives up.
    Declined,
}

impl<'a> Budget<'a> {
    /// A fresh budget of `limits.work_budget` units.
    pub fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            remaining: limits.work_budget,
            withheld: 0,
            gate: Gate::Open,
            memory_left: limits.max_memory,
        }
    }

    /// A budget of `limits.work_budget` units for the one-pass path on
    /// `source`: a charge past its first [`UNGATED_SHARE`] asks
    /// `direct::committable` first.
    pub fn gated(limits: &'a Limits, source: &'a str) -> Self {
        let free = limits.work_budget / UNGATED_SHARE;
        Budget {
            limits,
            remaining: free,
            withheld: limits.work_budget - free,
            gate: Gate::Closed(source),
            memory_left: limits.max_memory,
        }
    }

    /// Charges the copy of a stored value (a name's) that an int outside
    /// the machine word costs: a name read many times copies it each time.
    /// Both evaluation paths charge a name read through this.
    #[inline]
    pub(crate) fn charge_copy(&mut self, v: &Value) -> Result<(), EvalError> {
        match v {
            Value::Int(i @ Int(IntRepr::Big(_))) => self.charge(linear_cost(i.bit_length())),
            _ => Ok(()),
        }
    }

    /// Spends `units` of estimated work (machine-word operations), or fails
    /// with `LimitError` when the budget cannot cover them.
    #[inline]
    pub fn charge(&mut self, units: u64) -> Result<(), EvalError> {
        match self.remaining.checked_sub(units) {
            Some(left) => {
                self.remaining = left;
                Ok(())
            }
            None => self.charge_past_remaining(units),
        }
    }

    /// [`charge`](Self::charge) of more than `remaining`: through the gate,
    /// or out of budget.
    #[cold]
    #[inline(never)]
    fn charge_past_remaining(&mut self, units: u64) -> Result<(), EvalError> {
        match self.gate {
            Gate::Closed(source) => {
                if !crate::direct::committable(source, self.limits) {
                    self.gate = Gate::Declined;
                    return Err(EvalError::limit("internal: the one-pass path gave up"));
                }
                self.gate = Gate::Open;
                self.remaining += std::mem::take(&mut self.withheld);
                self.charge(units)
            }
            Gate::Declined => Err(EvalError::limit("internal: the one-pass path gave up")),
            Gate::Open => {
                self.remaining = 0;
                Err(EvalError::work_budget())
            }
        }
    }

    /// Whether a gated budget has been opened: the one-pass path charged
    /// work and is sure to evaluate the input to its end or to an error.
    pub fn committed(&self) -> bool {
        self.gate == Gate::Open
    }

    /// Counts `bytes` more of ints held, a value just made and kept until
    /// an operation takes it ([`release`](Self::release)), or fails with
    /// `LimitError` when that takes the total past `max_memory`. Both
    /// paths call it for the same values in the same order: for each
    /// value an operation (or a literal, a name) makes, after its operands
    /// were released.
    #[inline]
    pub fn hold(&mut self, bytes: u64) -> Result<(), EvalError> {
        if self.try_hold(bytes) {
            Ok(())
        } else {
            Err(self.memory_error())
        }
    }

    /// [`hold`](Self::hold) without the error: `false` when `bytes` more
    /// would pass the bound (and nothing is counted).
    #[inline(always)]
    pub fn try_hold(&mut self, bytes: u64) -> bool {
        match self.memory_left.checked_sub(bytes) {
            Some(left) => {
                self.memory_left = left;
                true
            }
            None => false,
        }
    }

    /// The `LimitError` of [`hold`](Self::hold).
    #[cold]
    #[inline(never)]
    pub fn memory_error(&self) -> EvalError {
        EvalError::limit(format!(
            "ints held at once would exceed {} bytes",
            self.limits.max_memory
        ))
    }

    /// Counts `bytes` of ints no longer held: an operation took them
    /// (never more than were held, so this stays within `max_memory`).
    #[inline(always)]
    pub fn release(&mut self, bytes: u64) {
        self.memory_left = self.memory_left.saturating_add(bytes);
    }

    /// Bytes of ints held now.
    #[cfg(test)]
    pub fn held(&self) -> u64 {
        self.limits.max_memory - self.memory_left
    }

    /// Work units charged so far (the whole budget once it ran out).
    pub fn used(&self) -> u64 {
        self.limits.work_budget - self.remaining - self.withheld
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

/// The share of the budget (one part in this many: 16,384 units of the
/// default 2**26, about 10 µs of work) the one-pass path may spend before
/// it asks whether it will evaluate the input to its end. Up to that much
/// is spent twice when it then gives the input up to the general path, so
/// a request is charged at most `work_budget + work_budget / 4096`; below
/// it, the scan that decides (`direct::committable`, a few dozen
/// instructions a byte) is not run at all: ints of a few hundred bits
/// (`2**200 * 3**100 + 7**77 - 5**150`, 9,735 units) are computed without
/// it.
pub(crate) const UNGATED_SHARE: u64 = 4096;

/// What `v` counts against `Limits::max_memory`: 8 bytes per 64-bit
/// word of an int outside the machine word, a tuple's own count
/// ([`Tuple`](crate::Tuple)), a string's length in bytes, nothing for
/// other values.
#[inline]
pub(crate) fn held_bytes(v: &Value) -> u64 {
    match v {
        Value::Int(Int(IntRepr::Big(b))) => 8 * limbs(b.bits()),
        Value::Tuple(t) => t.held_bytes(),
        Value::Str(s) => s.len() as u64,
        _ => 0,
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
