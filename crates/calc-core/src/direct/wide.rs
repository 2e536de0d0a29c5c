//! Ints of up to [`LIMBS`] 64-bit limbs (512 bits) for the direct path,
//! read where [`Held`](super::operand::Held) keeps their limbs: `Int::pow`'s
//! short powers are written there, `+ - *` on them allocate nothing (each
//! num-bigint result allocates, normalises and frees a vector), and a
//! result is written out from its limbs.
//!
//! The arithmetic makes the checks and charges of the general path's
//! `Int::add`, `Int::sub` and `Int::mul` (see [`binary`]); every other
//! operation converts a wide int to a `BigInt` first.

use crate::value::IntRepr;
use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint, Sign};

use crate::ast::BinOp;
use crate::budget::{linear_cost, mul_cost, Budget};
use crate::num::{int, repr};
use crate::{EvalError, Int, Limits, Value};

/// Limbs of a wide int at most: those of `Int::pow`'s short powers, which
/// come here as they are.
pub(super) const LIMBS: usize = int::SHORT_POWER_LIMBS;

/// A wide int where it is kept: sign and magnitude, the magnitude in
/// little-endian limbs, the top one nonzero (none for 0), at most
/// [`LIMBS`] of them.
#[derive(Debug, Clone, Copy)]
pub(super) struct WideRef<'a> {
    pub(super) negative: bool,
    pub(super) magnitude: &'a [u64],
}

impl<'a> WideRef<'a> {
    /// The small int `v`, its magnitude in `limb` (`[v.unsigned_abs()]`).
    pub(super) fn small(v: i64, limb: &'a [u64; 1]) -> WideRef<'a> {
        WideRef {
            negative: v < 0,
            magnitude: if v == 0 { &[] } else { limb },
        }
    }

    /// Python's `int.bit_length()`, as `Int::bit_length` computes it.
    pub(super) fn bit_length(&self) -> u64 {
        int::limbs_bit_length(self.magnitude)
    }

    /// The value as the general path holds it (`IntRepr::Small` when it fits).
    pub(super) fn to_value(self) -> Value {
        if let Some(v) = small(self.negative, self.magnitude) {
            return Value::Int(Int(IntRepr::Small(v)));
        }
        // Past LIMBS limbs (not made by this path's arithmetic) through a
        // vector of 32-bit digits.
        let magnitude = int::biguint_from_limbs::<LIMBS>(self.magnitude).unwrap_or_else(|| {
            let digits: Vec<u32> = self
                .magnitude
                .iter()
                .flat_map(|&limb| [limb as u32, (limb >> 32) as u32])
                .collect();
            BigUint::from_slice(&digits)
        });
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
            self.magnitude,
            Some(limits.max_str_digits),
        )
    }
}

/// The int of sign `negative` and magnitude `magnitude` as an `i64`, when
/// it is one.
pub(super) fn small(negative: bool, magnitude: &[u64]) -> Option<i64> {
    match *magnitude {
        [] => Some(0),
        [m] if !negative => i64::try_from(m).ok(),
        [m] if m <= 1 << 63 => Some((m as i64).wrapping_neg()),
        _ => None,
    }
}

/// Where the arithmetic writes a result's magnitude.
pub(super) type Limbs = [u64; LIMBS];

/// A result written to [`Limbs`]: its sign and how many limbs are
/// significant (the top one nonzero; none for 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    pub(super) negative: bool,
    pub(super) len: usize,
}

impl Shape {
    /// The shape of `out[..len]` with its zero top limbs left out, of sign
    /// `negative` (never for zero).
    fn trimmed(out: &Limbs, negative: bool, len: usize) -> Shape {
        let mut len = len.min(LIMBS);
        while len > 0 && out.get(len - 1) == Some(&0) {
            len -= 1;
        }
        Shape {
            negative: negative && len > 0,
            len,
        }
    }

    /// The result in `out`, borrowed.
    pub(super) fn of(self, out: &Limbs) -> WideRef<'_> {
        WideRef {
            negative: self.negative,
            magnitude: out.get(..self.len).unwrap_or_default(),
        }
    }
}

fn cmp_magnitude(a: &[u64], b: &[u64]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `step` limb by limb over `long` and `short` (zero past its end) into
/// `out`, each step handing its carry (or borrow) to the next: the last
/// one. `None` when `short` is the longer.
#[inline(always)]
fn limbwise(
    long: &[u64],
    short: &[u64],
    out: &mut Limbs,
    step: impl Fn(u64, u64, bool) -> (u64, bool),
) -> Option<bool> {
    let (low, high) = long.split_at_checked(short.len())?;
    let mut carry = false;
    // The slots last in each zip: a zip takes an item from its first
    // iterator before it finds the second one empty.
    let mut slots = out.iter_mut();
    for ((&x, &y), slot) in low.iter().zip(short).zip(slots.by_ref()) {
        (*slot, carry) = step(x, y, carry);
    }
    for (&x, slot) in high.iter().zip(slots) {
        (*slot, carry) = step(x, 0, carry);
    }
    Some(carry)
}

/// `|a| + |b|` into `out`, `None` past [`LIMBS`].
fn add_magnitude(a: &[u64], b: &[u64], negative: bool, out: &mut Limbs) -> Option<Shape> {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let carry = limbwise(long, short, out, |x, y, carry| {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        (s, c1 | c2)
    })?;
    let mut len = long.len();
    if carry {
        *out.get_mut(len)? = 1;
        len += 1;
    }
    Some(Shape {
        negative: negative && len > 0,
        len,
    })
}

/// `|a| - |b|` into `out`, for `|a| >= |b|`.
fn sub_magnitude(a: &[u64], b: &[u64], negative: bool, out: &mut Limbs) -> Option<Shape> {
    limbwise(a, b, out, |x, y, borrow| {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        (d, b1 | b2)
    })?;
    Some(Shape::trimmed(out, negative, a.len()))
}

/// `a + b`, or `a - b` when `subtract`, into `out`; `None` past
/// [`LIMBS`].
fn add(a: WideRef<'_>, b: WideRef<'_>, subtract: bool, out: &mut Limbs) -> Option<Shape> {
    let b_negative = b.negative != subtract;
    if a.negative == b_negative {
        return add_magnitude(a.magnitude, b.magnitude, a.negative, out);
    }
    match cmp_magnitude(a.magnitude, b.magnitude) {
        Ordering::Less => sub_magnitude(b.magnitude, a.magnitude, b_negative, out),
        _ => sub_magnitude(a.magnitude, b.magnitude, a.negative, out),
    }
}

/// `a * b` into `out`, schoolbook; `None` past [`LIMBS`].
fn mul(a: WideRef<'_>, b: WideRef<'_>, out: &mut Limbs) -> Option<Shape> {
    let (x_limbs, y_limbs) = (a.magnitude, b.magnitude);
    if x_limbs.len() + y_limbs.len() > LIMBS + 1 {
        return None;
    }
    out.fill(0);
    for (i, &x) in x_limbs.iter().enumerate() {
        let mut carry: u64 = 0;
        for (slot, &y) in out.iter_mut().skip(i).zip(y_limbs) {
            let t = u128::from(x) * u128::from(y) + u128::from(*slot) + u128::from(carry);
            *slot = t as u64;
            carry = (t >> 64) as u64;
        }
        // Row `i` ends at limb `i + b.len - 1 < LIMBS`; its carry goes one
        // higher, which is past the array only for the top row of a
        // product of LIMBS + 1 limbs.
        match out.get_mut(i + y_limbs.len()) {
            Some(slot) => *slot = carry,
            None if carry != 0 => return None,
            None => {}
        }
    }
    Some(Shape::trimmed(
        out,
        a.negative != b.negative,
        x_limbs.len() + y_limbs.len(),
    ))
}

/// `a op b` for `op` in `+ - *` into `out`, with the checks and charges
/// the general path makes for the same operands (`both_small`: both are
/// `IntRepr::Small`, whose overflow `Int::add` and friends only check for
/// size). `Ok(None)` when the result does not fit [`LIMBS`] or `op` is
/// another operator: nothing has been charged then, and the caller takes
/// the general way.
///
/// The result is computed before the charge, against the budget's rule of
/// charging first, so that a result too big for the limbs is not charged
/// twice; the work done uncharged is at most 64 limb products.
pub(super) fn binary(
    op: BinOp,
    a: WideRef<'_>,
    b: WideRef<'_>,
    both_small: bool,
    budget: &mut Budget<'_>,
    out: &mut Limbs,
) -> Result<Option<Shape>, EvalError> {
    let result = match op {
        BinOp::Add => add(a, b, false, out),
        BinOp::Sub => add(a, b, true, out),
        BinOp::Mul => mul(a, b, out),
        _ => return Ok(None),
    };
    let Some(result) = result else {
        return Ok(None);
    };
    let (x, y) = (a.bit_length(), b.bit_length());
    if !both_small {
        // `wide(i128)` (both small) only checks the exact size.
        if op == BinOp::Mul {
            budget.check_bits(int::product_bits_at_least(x, y))?;
            budget.charge(mul_cost(x, y))?;
        } else {
            budget.charge(linear_cost(x.max(y) + 1))?;
        }
    }
    budget.check_bits(result.of(out).bit_length())?;
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
            let digits: Vec<u32> = (0..2 * limbs).map(|_| rng.next_u64() as u32).collect();
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

    /// `b`'s sign and limbs, as `Held` keeps a big int's.
    fn limbs_of(b: &BigInt) -> (bool, Vec<u64>) {
        (
            b.sign() == Sign::Minus,
            b.magnitude().iter_u64_digits().collect(),
        )
    }

    fn as_wide(parts: &(bool, Vec<u64>)) -> WideRef<'_> {
        WideRef {
            negative: parts.0,
            magnitude: &parts.1,
        }
    }

    #[test]
    fn round_trips_through_bigint() {
        let mut rng = Rng::seeded(11);
        for b in samples(&mut rng) {
            let parts = limbs_of(&b);
            let w = as_wide(&parts);
            assert_eq!(w.to_value(), Value::Int(Int::from_bigint(b.clone())), "{b}");
            assert_eq!(w.bit_length(), b.bits(), "{b}");
            assert_eq!(
                small(w.negative, w.magnitude),
                i64::try_from(&b).ok(),
                "{b}"
            );
        }
        let big: BigInt = -(BigInt::from(3) << 700u32);
        let parts = limbs_of(&big);
        assert!(parts.1.len() > LIMBS);
        assert_eq!(
            as_wide(&parts).to_value(),
            Value::Int(Int(IntRepr::Big(big)))
        );
    }

    /// Against num-bigint, and with the charges `Int::add`, `Int::sub` and
    /// `Int::mul` make, under a budget that runs out part way.
    #[test]
    fn arithmetic_and_charges_are_the_general_paths() {
        let mut rng = Rng::seeded(12);
        let values = samples(&mut rng);
        let mut compared = 0;
        for a in &values {
            for b in &values {
                for op in [BinOp::Add, BinOp::Sub, BinOp::Mul] {
                    let (ia, ib) = (Int::from_bigint(a.clone()), Int::from_bigint(b.clone()));
                    let both_small =
                        matches!((&ia, &ib), (Int(IntRepr::Small(_)), Int(IntRepr::Small(_))));
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
                    let (pa, pb) = (limbs_of(a), limbs_of(b));
                    let mut out = [0; LIMBS];
                    match binary(
                        op,
                        as_wide(&pa),
                        as_wide(&pb),
                        both_small,
                        &mut ours,
                        &mut out,
                    ) {
                        Ok(Some(w)) => {
                            let got = w.of(&out).to_value();
                            assert_eq!(Ok(got), want.map(Value::Int), "{a} {op:?} {b}");
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
