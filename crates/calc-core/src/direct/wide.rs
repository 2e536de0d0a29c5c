//! Ints of up to [`LIMBS`] 64-bit limbs (512 bits) for the direct path, in
//! a fixed array: `Int::pow`'s short powers arrive as limbs, `+ - *` on
//! them allocate nothing (each num-bigint result allocates, normalises and
//! frees a vector), and a result is written out from its limbs.
//!
//! The arithmetic makes the checks and charges of the general path's
//! `Int::add`, `Int::sub` and `Int::mul` (see [`binary`]); every other
//! operation converts a [`Wide`] to a `BigInt` first.

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};

use crate::ast::BinOp;
use crate::budget::{linear_cost, mul_cost, Budget};
use crate::num::{int, repr};
use crate::{EvalError, Int, Limits, Value};

/// Limbs of a [`Wide`]: those of `Int::pow`'s short powers, which come
/// here as they are.
pub(super) const LIMBS: usize = int::SHORT_POWER_LIMBS;

/// An int in sign and magnitude, the magnitude in little-endian limbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wide {
    negative: bool,
    /// Significant limbs: the top one is nonzero; 0 for the value 0.
    len: usize,
    limbs: [u64; LIMBS],
}

impl Wide {
    const ZERO: Wide = Wide {
        negative: false,
        len: 0,
        limbs: [0; LIMBS],
    };

    pub(super) fn from_i64(v: i64) -> Wide {
        Wide::from_u128(v < 0, u128::from(v.unsigned_abs()))
    }

    fn from_u128(negative: bool, magnitude: u128) -> Wide {
        let mut w = Wide::ZERO;
        w.limbs[0] = magnitude as u64;
        w.limbs[1] = (magnitude >> 64) as u64;
        w.normalise(negative, 2)
    }

    /// `self` with `len` trimmed to the significant limbs and `negative`
    /// set (never for zero).
    fn normalise(mut self, negative: bool, len: usize) -> Wide {
        let mut len = len.min(LIMBS);
        while len > 0 && self.limbs.get(len - 1) == Some(&0) {
            len -= 1;
        }
        self.len = len;
        self.negative = negative && len > 0;
        self
    }

    fn magnitude(&self) -> &[u64] {
        self.limbs.get(..self.len).unwrap_or_default()
    }

    /// Python's `int.bit_length()`, as `Int::bit_length` computes it.
    pub(super) fn bit_length(&self) -> u64 {
        int::limbs_bit_length(self.magnitude())
    }

    /// The value as an `i64`, when it is one.
    pub(super) fn to_i64(self) -> Option<i64> {
        match *self.magnitude() {
            [] => Some(0),
            [m] if !self.negative => i64::try_from(m).ok(),
            [m] if m <= 1 << 63 => Some((m as i64).wrapping_neg()),
            _ => None,
        }
    }

    /// The int of sign `negative` and magnitude `limbs[..len]`.
    pub(super) fn from_limbs(negative: bool, limbs: [u64; LIMBS], len: usize) -> Wide {
        Wide {
            negative,
            len,
            limbs,
        }
        .normalise(negative, len)
    }

    /// `b` if its magnitude fits.
    pub(super) fn from_bigint(b: &BigInt) -> Option<Wide> {
        let digits = b.magnitude().iter_u64_digits();
        if digits.len() > LIMBS {
            return None;
        }
        let mut w = Wide::ZERO;
        for (slot, d) in w.limbs.iter_mut().zip(digits) {
            *slot = d;
        }
        Some(w.normalise(b.sign() == Sign::Minus, LIMBS))
    }

    /// The value as the general path holds it (`Int::Small` when it fits).
    pub(super) fn to_value(self) -> Value {
        if let Some(v) = self.to_i64() {
            return Value::Int(Int::Small(v));
        }
        let magnitude = int::biguint_from_limbs::<LIMBS>(self.magnitude()).unwrap_or_default();
        let sign = if self.negative {
            Sign::Minus
        } else {
            Sign::Plus
        };
        Value::Int(Int::from_bigint(BigInt::from_biguint(sign, magnitude)))
    }

    /// Appends Python's `repr`, as `Value::write_repr` writes the same int
    /// (`max_str_digits` included), from the limbs.
    pub(super) fn write_repr(
        self,
        out: &mut String,
        limits: &Limits,
    ) -> Option<Result<(), EvalError>> {
        repr::write_limbs(
            out,
            self.negative,
            self.magnitude(),
            Some(limits.max_str_digits),
        )
    }
}

fn cmp_magnitude(a: &[u64], b: &[u64]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `|a| + |b|`, `None` past [`LIMBS`]. Over all the limbs (the unused
/// ones are zero): a fixed loop the compiler unrolls, no bounds to check.
fn add_magnitude(a: &Wide, b: &Wide, negative: bool) -> Option<Wide> {
    let mut out = Wide::ZERO;
    let mut carry = false;
    for ((slot, &x), &y) in out.limbs.iter_mut().zip(&a.limbs).zip(&b.limbs) {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        *slot = s;
        carry = c1 | c2;
    }
    if carry {
        return None;
    }
    Some(out.normalise(negative, a.len.max(b.len) + 1))
}

/// `|a| - |b|` for `|a| >= |b|`.
fn sub_magnitude(a: &Wide, b: &Wide, negative: bool) -> Wide {
    let mut out = Wide::ZERO;
    let mut borrow = false;
    for ((slot, &x), &y) in out.limbs.iter_mut().zip(&a.limbs).zip(&b.limbs) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *slot = d;
        borrow = b1 | b2;
    }
    out.normalise(negative, a.len)
}

/// `a + b`, or `a - b` when `subtract`; `None` past [`LIMBS`].
fn add(a: &Wide, b: &Wide, subtract: bool) -> Option<Wide> {
    let b_negative = b.negative != subtract;
    if a.negative == b_negative {
        return add_magnitude(a, b, a.negative);
    }
    Some(match cmp_magnitude(a.magnitude(), b.magnitude()) {
        Ordering::Less => sub_magnitude(b, a, b_negative),
        _ => sub_magnitude(a, b, a.negative),
    })
}

/// `a * b`, schoolbook; `None` past [`LIMBS`].
fn mul(a: &Wide, b: &Wide) -> Option<Wide> {
    if a.len + b.len > LIMBS + 1 {
        return None;
    }
    let mut out = Wide::ZERO;
    for (i, &x) in a.magnitude().iter().enumerate() {
        let mut carry: u64 = 0;
        for (slot, &y) in out.limbs.iter_mut().skip(i).zip(b.magnitude()) {
            let t = u128::from(x) * u128::from(y) + u128::from(*slot) + u128::from(carry);
            *slot = t as u64;
            carry = (t >> 64) as u64;
        }
        // Row `i` ends at limb `i + b.len - 1 < LIMBS`; its carry goes one
        // higher, which is past the array only for the top row of a
        // product of LIMBS + 1 limbs.
        match out.limbs.get_mut(i + b.len) {
            Some(slot) => *slot = carry,
            None if carry != 0 => return None,
            None => {}
        }
    }
    Some(out.normalise(a.negative != b.negative, a.len + b.len))
}

/// `a op b` for `op` in `+ - *`, with the checks and charges the general
/// path makes for the same operands (`both_small`: both are `Int::Small`,
/// whose overflow `Int::add` and friends only check for size). `Ok(None)`
/// when the result does not fit a [`Wide`] or `op` is another operator:
/// nothing has been charged then, and the caller takes the general way.
///
/// The result is computed before the charge, against the budget's rule of
/// charging first, so that a result too big for a `Wide` is not charged
/// twice; the work done uncharged is at most 64 limb products.
pub(super) fn binary(
    op: BinOp,
    a: &Wide,
    b: &Wide,
    both_small: bool,
    budget: &mut Budget<'_>,
) -> Result<Option<Wide>, EvalError> {
    let result = match op {
        BinOp::Add => add(a, b, false),
        BinOp::Sub => add(a, b, true),
        BinOp::Mul => mul(a, b),
        _ => return Ok(None),
    };
    let Some(result) = result else {
        return Ok(None);
    };
    let (x, y) = (a.bit_length(), b.bit_length());
    if both_small {
        // `wide(i128)`: the exact result's size, no charge.
        budget.check_bits(result.bit_length())?;
    } else if op == BinOp::Mul {
        budget.check_bits(x + y)?;
        budget.charge(mul_cost(x, y))?;
    } else {
        let bits = x.max(y) + 1;
        budget.check_bits(bits)?;
        budget.charge(linear_cost(bits))?;
    }
    Ok(Some(result))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;
    use crate::Limits;

    /// Values around the limb boundaries, signs, zero and the i64 edges.
    fn samples(rng: &mut Rng) -> Vec<BigInt> {
        let mut out: Vec<BigInt> = vec![0.into(), 1.into(), (-1).into()];
        for e in [
            62u32, 63, 64, 65, 127, 128, 129, 255, 256, 300, 448, 510, 511,
        ] {
            let p = BigInt::from(1) << e;
            out.extend([
                p.clone() - 1,
                p.clone(),
                p.clone() + 1,
                -p.clone() + 1,
                -p.clone(),
                -p - 1,
            ]);
        }
        out.extend([i64::MAX.into(), i64::MIN.into(), BigInt::from(i64::MIN) - 1]);
        for _ in 0..60 {
            let limbs = 1 + rng.below(LIMBS as u64) as usize;
            let digits: Vec<u32> = (0..2 * limbs).map(|_| rng.next() as u32).collect();
            let sign = if rng.below(2) == 0 {
                Sign::Plus
            } else {
                Sign::Minus
            };
            out.push(BigInt::from_biguint(
                sign,
                num_bigint::BigUint::from_slice(&digits),
            ));
        }
        out
    }

    #[test]
    fn round_trips_through_bigint() {
        let mut rng = Rng(11);
        for b in samples(&mut rng) {
            let w = Wide::from_bigint(&b).unwrap();
            assert_eq!(w.to_value(), Value::Int(Int::from_bigint(b.clone())), "{b}");
            assert_eq!(w.bit_length(), b.bits(), "{b}");
            assert_eq!(w.to_i64(), i64::try_from(&b).ok(), "{b}");
        }
        assert_eq!(Wide::from_bigint(&(BigInt::from(1) << 512)), None);
        assert_eq!(Wide::from_i64(i64::MIN).to_i64(), Some(i64::MIN));
    }

    /// Against num-bigint, and with the charges `Int::add`, `Int::sub` and
    /// `Int::mul` make, under a budget that runs out part way.
    #[test]
    fn arithmetic_and_charges_are_the_general_paths() {
        let mut rng = Rng(12);
        let values = samples(&mut rng);
        let mut compared = 0;
        for a in &values {
            for b in &values {
                for op in [BinOp::Add, BinOp::Sub, BinOp::Mul] {
                    let (ia, ib) = (Int::from_bigint(a.clone()), Int::from_bigint(b.clone()));
                    let both_small = matches!((&ia, &ib), (Int::Small(_), Int::Small(_)));
                    let limits = Limits {
                        max_int_bits: 200 + rng.below(400),
                        work_budget: rng.below(200),
                        ..Limits::default()
                    };
                    let mut general = Budget::new(&limits);
                    let want = match op {
                        BinOp::Add => ia.add(&ib, &mut general),
                        BinOp::Sub => ia.sub(&ib, &mut general),
                        _ => ia.mul(&ib, &mut general),
                    };
                    let mut ours = Budget::new(&limits);
                    let (wa, wb) = (Wide::from_bigint(a).unwrap(), Wide::from_bigint(b).unwrap());
                    match binary(op, &wa, &wb, both_small, &mut ours) {
                        Ok(Some(w)) => {
                            assert_eq!(Ok(w.to_value()), want.map(Value::Int), "{a} {op:?} {b}");
                            assert_eq!(ours.remaining(), general.remaining(), "{a} {op:?} {b}");
                            compared += 1;
                        }
                        Ok(None) => {
                            let exact = match op {
                                BinOp::Add => a + b,
                                BinOp::Sub => a - b,
                                _ => a * b,
                            };
                            assert!(exact.bits() > 64 * LIMBS as u64, "{a} {op:?} {b}");
                            assert_eq!(ours.remaining(), limits.work_budget);
                        }
                        Err(e) => {
                            let g = want.expect_err("general path succeeded");
                            assert_eq!(e.class(), g.class(), "{a} {op:?} {b}");
                        }
                    }
                }
            }
        }
        assert!(compared > 10_000, "{compared}");
    }
}
