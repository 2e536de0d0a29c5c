//! The direct path's operands: a value and its tree height in two words.
//!
//! A [`Value`] is 32 bytes; with its height, an `Option` of it went
//! through memory at every level of the precedence climb (a store and a
//! load of five words per return). Two words, the kind word's niche
//! making room for `None`, travel in two registers. Ints that fit in
//! 64 bits, floats, bools and built-ins live in the payload word; ints of
//! up to 512 bits wait in [`Held`] as runs of limbs, the payload holding
//! where the run is, and bigger ints and complex numbers as values, the
//! payload holding their index.

use crate::value::IntRepr;
use std::num::NonZeroU32;

use std::cell::Cell;

use num_bigint::{BigInt, Sign};

use super::wide::{self, WideRef, LIMBS};
use crate::ast::{BinOp, UnaryOp};
use crate::{Builtin, Int, Value};

/// What an [`Operand`]'s word holds. Nonzero, so the meta word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Kind {
    Int = 1,
    Float = 2,
    Bool = 3,
    Builtin = 4,
    /// An index into [`Held`]'s values (this and the next, the kinds in
    /// `Held`, last: see [`Operand::is_held`]).
    Held = 5,
    /// An index into [`Held`]'s wide ints.
    Wide = 6,
}

/// Low bits of the meta word that hold the [`Kind`]; the height is above.
const KIND_BITS: u32 = 3;
const KIND_MASK: u32 = (1 << KIND_BITS) - 1;

/// The tallest height an operand can carry; taller trees go to the
/// general path (the parser's own limit is far lower by default).
pub(super) const MAX_HEIGHT: u32 = u32::MAX >> KIND_BITS;

/// A computed subexpression: its value, or the index of its value in
/// [`Held`], and the height the parser's tree of it would have.
#[derive(Debug, Clone, Copy)]
pub(super) struct Operand {
    /// `height << KIND_BITS | kind`.
    meta: NonZeroU32,
    bits: u64,
}

impl Operand {
    #[inline(always)]
    fn new(kind: Kind, height: u32, bits: u64) -> Operand {
        debug_assert!(height <= MAX_HEIGHT);
        let meta = height << KIND_BITS | kind as u32;
        Operand {
            // `kind` is nonzero: the fallback is never taken (and the
            // compiler, seeing the constant, removes it).
            meta: NonZeroU32::new(meta).unwrap_or(NonZeroU32::MAX),
            bits,
        }
    }

    #[inline(always)]
    pub(super) fn int(x: i64, height: u32) -> Operand {
        Operand::new(Kind::Int, height, x as u64)
    }

    #[inline(always)]
    pub(super) fn float(x: f64, height: u32) -> Operand {
        Operand::new(Kind::Float, height, x.to_bits())
    }

    #[inline(always)]
    pub(super) fn bool(x: bool, height: u32) -> Operand {
        Operand::new(Kind::Bool, height, u64::from(x))
    }

    #[inline(always)]
    pub(super) fn height(self) -> u32 {
        self.meta.get() >> KIND_BITS
    }

    #[inline(always)]
    pub(super) fn with_height(self, height: u32) -> Operand {
        debug_assert!(height <= MAX_HEIGHT);
        let meta = height << KIND_BITS | (self.meta.get() & KIND_MASK);
        Operand {
            meta: NonZeroU32::new(meta).unwrap_or(NonZeroU32::MAX),
            bits: self.bits,
        }
    }

    #[inline(always)]
    fn kind_bits(self) -> u32 {
        self.meta.get() & KIND_MASK
    }

    /// Whether this operand's value is in [`Held`] (a wide int or a held
    /// value), the only ones that can count against `Limits::max_memory`.
    #[inline(always)]
    pub(super) fn is_held(self) -> bool {
        self.kind_bits() >= Kind::Held as u32
    }

    /// Whether this operand is an int in the word (not a wide one).
    #[inline(always)]
    pub(super) fn is_int(self) -> bool {
        self.kind_bits() == Kind::Int as u32
    }

    /// Whether this operand is an int, in the word or a wide one.
    #[inline(always)]
    pub(super) fn is_wide_int(self) -> bool {
        matches!(self.kind_bits(), k if k == Kind::Int as u32 || k == Kind::Wide as u32)
    }

    /// The int in the word, if this operand is one.
    #[inline(always)]
    pub(super) fn as_int(self) -> Option<i64> {
        self.is_int().then_some(self.bits as i64)
    }

    /// The float this operand is, if it is one.
    #[inline(always)]
    pub(super) fn as_float(self) -> Option<f64> {
        (self.kind_bits() == Kind::Float as u32).then(|| f64::from_bits(self.bits))
    }

    /// The built-in this operand is, if it is one.
    pub(super) fn builtin(self) -> Option<Builtin> {
        if self.kind_bits() != Kind::Builtin as u32 {
            return None;
        }
        Builtin::ALL.get(usize::try_from(self.bits).ok()?).copied()
    }
}

/// `a op b` when it is a plain IEEE operation or an exact small-int one,
/// as [`crate::ops::inline_binary`] decides for values (plus an int and a
/// float under `+ - *` and `/` by nonzero, which convert the int as the
/// out-of-line path does); `None` for everything else.
#[inline(always)]
pub(super) fn inline_binary(op: BinOp, a: Operand, b: Operand) -> Option<Operand> {
    const INT: u32 = Kind::Int as u32;
    const FLOAT: u32 = Kind::Float as u32;
    const FF: u32 = FLOAT << KIND_BITS | FLOAT;
    const II: u32 = INT << KIND_BITS | INT;
    const IF: u32 = INT << KIND_BITS | FLOAT;
    const FI: u32 = FLOAT << KIND_BITS | INT;
    let float = |x: f64, y: f64| -> Option<Operand> {
        let r = match op {
            BinOp::Add => crate::num::float::add(x, y),
            BinOp::Sub => x - y,
            BinOp::Mul => crate::num::float::mul(x, y),
            BinOp::Div if y != 0.0 => x / y,
            _ => return None,
        };
        Some(Operand::float(r, 0))
    };
    match a.kind_bits() << KIND_BITS | b.kind_bits() {
        FF => float(f64::from_bits(a.bits), f64::from_bits(b.bits)),
        II => {
            let (x, y) = (a.bits as i64, b.bits as i64);
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                _ => None,
            }?;
            Some(Operand::int(r, 0))
        }
        // `as` rounds an i64 to the nearest float, as `Int::to_f64` does.
        // `int / float` and `float / int` are `float_div` on the
        // converted int too (`int.__truediv__` declines a float).
        IF => float(a.bits as i64 as f64, f64::from_bits(b.bits)),
        FI => float(f64::from_bits(a.bits), b.bits as i64 as f64),
        _ => None,
    }
}

/// `op x` for a small int (when it does not overflow) or a float, as
/// [`crate::ops::unary`] computes it; `None` for everything else.
#[inline(always)]
pub(super) fn inline_unary(op: UnaryOp, x: Operand) -> Option<Operand> {
    match x.kind_bits() {
        k if k == Kind::Int as u32 => {
            let v = x.bits as i64;
            let r = match op {
                UnaryOp::Neg => v.checked_neg()?,
                UnaryOp::Pos => v,
                UnaryOp::Invert => !v,
            };
            Some(Operand::int(r, 0))
        }
        k if k == Kind::Float as u32 => match op {
            UnaryOp::Neg => Some(Operand::float(-f64::from_bits(x.bits), 0)),
            UnaryOp::Pos => Some(x),
            UnaryOp::Invert => None,
        },
        _ => None,
    }
}

/// The values that do not fit an [`Operand`]'s word: ints of up to
/// [`LIMBS`] limbs as runs of limbs in one vector (the operand's payload
/// holds where its run starts, its length and its sign), everything else
/// (bigger ints, complex numbers) as values by index. Operands are
/// consumed in about the reverse order they were made, so a taken one's
/// room is given back when it is the last one (a value's with the taken
/// slots below it): each store stays as big as the expression's pending
/// operands of its kind, not as long as its history.
///
/// Wide ints are read in place: arithmetic on them borrows their limbs,
/// and a short power is written where it is kept.
#[derive(Debug, Default)]
pub(super) struct Held {
    values: Vec<Value>,
    /// The magnitudes of the wide ints, a run of limbs each, in the order
    /// they were made: the vector of the thread's last evaluation, see
    /// [`SPARE_LIMBS`].
    limbs: Vec<u64>,
    /// Wide ints made and not yet taken: when none is left, the runs of
    /// any taken out of order go too.
    wides: usize,
    /// The most values or wide ints held at once.
    #[cfg(test)]
    pub(super) deepest: usize,
}

thread_local! {
    /// The limb vector of the thread's last evaluation that held a wide
    /// int, for its next: a vector's allocation and release cost about as
    /// much as adding two wide ints (~200 instructions). At most
    /// [`SPARE_LIMBS_KEPT`] limbs of room are kept.
    static SPARE_LIMBS: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
}

/// Room kept in [`SPARE_LIMBS`] at most (8 KiB).
const SPARE_LIMBS_KEPT: usize = 1024;

impl Drop for Held {
    fn drop(&mut self) {
        if self.limbs.capacity() != 0 && self.limbs.capacity() <= SPARE_LIMBS_KEPT {
            let limbs = std::mem::take(&mut self.limbs);
            // Past the thread's end the vector is just freed.
            let _ = SPARE_LIMBS.try_with(|spare| spare.set(limbs));
        }
    }
}

/// Where a wide int's run is, its length and its sign, in the payload word.
const WIDE_LEN_SHIFT: u32 = 32;
const WIDE_SIGN: u64 = 1 << 40;

impl Held {
    /// Values and wide ints held now.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.values.len() + self.wides
    }

    #[cfg(test)]
    fn note_depth(&mut self) {
        self.deepest = self.deepest.max(self.values.len()).max(self.wides);
    }

    /// `value` as an operand of `height`.
    #[inline(always)]
    pub(super) fn operand(&mut self, value: Value, height: u32) -> Operand {
        match value {
            Value::Int(Int(IntRepr::Small(x))) => Operand::int(x, height),
            Value::Float(x) => Operand::float(x, height),
            Value::Bool(x) => Operand::bool(x, height),
            Value::Builtin(b) => Operand::new(Kind::Builtin, height, b as u64),
            Value::Int(Int(IntRepr::Big(b))) => self.big_int(b, height),
            other => self.push_value(other, height),
        }
    }

    /// A big int as an operand: a wide int when its limbs fit.
    #[inline(never)]
    fn big_int(&mut self, b: BigInt, height: u32) -> Operand {
        let digits = b.magnitude().iter_u64_digits();
        let len = digits.len();
        if len <= LIMBS {
            if let Some((offset, room)) = self.reserve_wide() {
                for (slot, limb) in room.iter_mut().zip(digits) {
                    *slot = limb;
                }
                return self.finish_wide(offset, b.sign() == Sign::Minus, len, height);
            }
        }
        self.push_value(Value::Int(Int(IntRepr::Big(b))), height)
    }

    #[inline(never)]
    fn push_value(&mut self, value: Value, height: u32) -> Operand {
        self.values.push(value);
        #[cfg(test)]
        self.note_depth();
        Operand::new(Kind::Held, height, (self.values.len() - 1) as u64)
    }

    /// `w` as an operand of `height`: a small int when it is one
    /// ([`finish_wide`](Self::finish_wide) decides).
    #[inline]
    pub(super) fn wide(&mut self, w: WideRef<'_>, height: u32) -> Operand {
        let offset = self.limbs.len();
        self.make_room();
        self.limbs.extend_from_slice(w.magnitude);
        self.finish_wide(offset, w.negative, w.magnitude.len(), height)
    }

    /// Room for a wide int at the end of the runs, zeroed, and where it
    /// starts: write the limbs, then [`finish_wide`](Self::finish_wide) or
    /// [`abandon_wide`](Self::abandon_wide). (`None` is not reached: the
    /// room was just added.)
    pub(super) fn reserve_wide(&mut self) -> Option<(usize, &mut [u64; LIMBS])> {
        let offset = self.limbs.len();
        self.make_room();
        self.limbs.extend_from_slice(&[0; LIMBS]);
        Some((offset, self.limbs.last_chunk_mut::<LIMBS>()?))
    }

    /// Room for a few wide ints, from the thread's spare vector when it
    /// has one.
    #[inline(always)]
    fn make_room(&mut self) {
        if self.limbs.capacity() == 0 {
            self.limbs = SPARE_LIMBS.try_with(Cell::take).unwrap_or_default();
            self.limbs.clear();
            self.limbs.reserve(4 * LIMBS);
        }
    }

    /// Gives back the room [`reserve_wide`](Self::reserve_wide) made at
    /// `offset`.
    pub(super) fn abandon_wide(&mut self, offset: usize) {
        self.limbs.truncate(offset);
    }

    /// The operand of the int of sign `negative` whose magnitude's `len`
    /// limbs were written at `offset` by
    /// [`reserve_wide`](Self::reserve_wide) (the top one nonzero): inline
    /// when it fits a word, a value when `len` exceeds [`LIMBS`] or the
    /// runs grew past what a payload can say.
    pub(super) fn finish_wide(
        &mut self,
        offset: usize,
        negative: bool,
        len: usize,
        height: u32,
    ) -> Operand {
        self.limbs.truncate(offset + len);
        let magnitude = self.limbs.get(offset..).unwrap_or_default();
        if let Some(v) = wide::small(negative, magnitude) {
            self.limbs.truncate(offset);
            return Operand::int(v, height);
        }
        let start = u32::try_from(offset).ok().filter(|_| len <= LIMBS);
        let Some(start) = start else {
            let value = WideRef {
                negative,
                magnitude,
            }
            .to_value();
            self.limbs.truncate(offset);
            return self.push_value(value, height);
        };
        self.wides += 1;
        #[cfg(test)]
        self.note_depth();
        let payload = u64::from(start) | (len as u64) << WIDE_LEN_SHIFT;
        let sign = if negative { WIDE_SIGN } else { 0 };
        Operand::new(Kind::Wide, height, payload | sign)
    }

    /// What `operand` counts against `Limits::max_memory`, as
    /// `budget::held_bytes` counts its value: 8 bytes a limb of a wide
    /// int or of a held big int, nothing for the rest.
    #[inline(always)]
    pub(super) fn bytes(&self, operand: Operand) -> u64 {
        match operand.kind_bits() {
            k if k == Kind::Wide as u32 => 8 * Held::wide_place(operand).1 as u64,
            k if k == Kind::Held as u32 => self.held_value_bytes(operand),
            _ => 0,
        }
    }

    #[inline(never)]
    fn held_value_bytes(&self, operand: Operand) -> u64 {
        usize::try_from(operand.bits)
            .ok()
            .and_then(|i| self.values.get(i))
            .map_or(0, crate::budget::held_bytes)
    }

    /// Where the run of a wide `operand` starts and how long it is.
    fn wide_place(operand: Operand) -> (usize, usize) {
        let start = operand.bits as u32 as usize;
        let len = (operand.bits >> WIDE_LEN_SHIFT) as u8 as usize;
        (start, len)
    }

    /// The wide int `operand` stands for, borrowed where it is kept.
    pub(super) fn wide_ref(&self, operand: Operand) -> Option<WideRef<'_>> {
        if operand.kind_bits() != Kind::Wide as u32 {
            return None;
        }
        let (start, len) = Held::wide_place(operand);
        Some(WideRef {
            negative: operand.bits & WIDE_SIGN != 0,
            magnitude: self.limbs.get(start..start + len)?,
        })
    }

    /// Takes `operand` out of its store, if it is held; its value is not
    /// wanted (a wide int's was used in place).
    pub(super) fn discard(&mut self, operand: Operand) {
        match operand.kind_bits() {
            k if k == Kind::Wide as u32 => self.release_wide(operand),
            k if k == Kind::Held as u32 => {
                let _ = self.value_out_of_line(operand);
            }
            _ => {}
        }
    }

    fn release_wide(&mut self, operand: Operand) {
        let (start, len) = Held::wide_place(operand);
        if start + len == self.limbs.len() {
            self.limbs.truncate(start);
        }
        self.wides = self.wides.saturating_sub(1);
        if self.wides == 0 {
            self.limbs.clear();
        }
    }

    /// The value of `operand`, taken out of its store if it is held there.
    /// `None` only for an operand this store did not make (or made and
    /// gave out already), which the direct path never passes.
    #[inline(always)]
    pub(super) fn value(&mut self, operand: Operand) -> Option<Value> {
        let bits = operand.bits;
        Some(match operand.kind_bits() {
            k if k == Kind::Int as u32 => Value::Int(Int(IntRepr::Small(bits as i64))),
            k if k == Kind::Float as u32 => Value::Float(f64::from_bits(bits)),
            k if k == Kind::Bool as u32 => Value::Bool(bits != 0),
            _ => return self.value_out_of_line(operand),
        })
    }

    /// [`value`](Self::value) of a built-in, a wide int or a held value.
    #[inline(never)]
    fn value_out_of_line(&mut self, operand: Operand) -> Option<Value> {
        match operand.kind_bits() {
            k if k == Kind::Builtin as u32 => return operand.builtin().map(Value::Builtin),
            k if k == Kind::Wide as u32 => {
                let value = self.wide_ref(operand)?.to_value();
                self.release_wide(operand);
                return Some(value);
            }
            k if k == Kind::Held as u32 => {}
            _ => return None,
        }
        let index = usize::try_from(operand.bits).ok()?;
        if index + 1 != self.values.len() {
            // A bool is never held: it marks a taken slot.
            return Some(std::mem::replace(
                self.values.get_mut(index)?,
                Value::Bool(false),
            ));
        }
        let value = self.values.pop()?;
        while let Some(Value::Bool(_)) = self.values.last() {
            self.values.pop();
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Complex;
    use num_bigint::BigInt;

    #[test]
    fn builtins_are_numbered_in_declaration_order() {
        for (i, b) in Builtin::ALL.iter().enumerate() {
            assert_eq!(*b as usize, i, "{b:?}");
        }
    }

    #[test]
    fn every_value_comes_back_with_its_height() {
        let big = Value::Int(Int(IntRepr::Big(BigInt::from(u64::MAX) * 3u8)));
        let values = [
            Value::Int(Int(IntRepr::Small(i64::MIN))),
            Value::Int(Int(IntRepr::Small(-1))),
            Value::Float(-0.0),
            Value::Float(f64::NAN),
            Value::Bool(true),
            Value::Bool(false),
            Value::Builtin(Builtin::Max),
            big.clone(),
            Value::Complex(Complex::new(1.0, -2.0)),
        ];
        let mut held = Held::default();
        assert_eq!(held.deepest, 0);
        let operands: Vec<Operand> = values
            .iter()
            .enumerate()
            .map(|(h, v)| held.operand(v.clone(), h as u32 * 1000 + 1))
            .collect();
        // The big int is a wide one, the complex number a value.
        assert_eq!((held.values.len(), held.wides, held.deepest), (1, 1, 1));
        // Taken out of order: the first held one is not the last.
        for (h, (v, o)) in values.iter().zip(&operands).enumerate() {
            assert_eq!(o.height(), h as u32 * 1000 + 1);
            let back = held.value(*o).unwrap();
            match (v, &back) {
                (Value::Float(x), Value::Float(y)) => assert_eq!(x.to_bits(), y.to_bits()),
                _ => assert_eq!(v, &back),
            }
        }
        assert_eq!(held.len(), 0);
        let o = Operand::int(5, 1).with_height(MAX_HEIGHT);
        assert_eq!(
            (o.height(), held.value(o)),
            (MAX_HEIGHT, Some(Value::from(5)))
        );
    }

    /// A taken wide int's run is given back when it is the last one, the
    /// runs of any taken before it out of order once none is left.
    #[test]
    fn wide_runs_are_given_back() {
        let ints: Vec<BigInt> = [70u32, 200, 130]
            .iter()
            .map(|&e| BigInt::from(3) << e)
            .collect();
        let mut held = Held::default();
        let operands: Vec<Operand> = ints
            .iter()
            .map(|b| held.operand(Value::Int(Int(IntRepr::Big(b.clone()))), 1))
            .collect();
        assert_eq!((held.wides, held.limbs.len()), (3, 2 + 4 + 3));
        let take = |held: &mut Held, i: usize| {
            let back = held.value(operands[i]);
            assert_eq!(back, Some(Value::Int(Int(IntRepr::Big(ints[i].clone())))));
        };
        take(&mut held, 1);
        assert_eq!((held.wides, held.limbs.len()), (2, 2 + 4 + 3));
        take(&mut held, 2);
        assert_eq!((held.wides, held.limbs.len()), (1, 2 + 4));
        take(&mut held, 0);
        assert_eq!((held.wides, held.limbs.len()), (0, 0));
        // Past 512 bits: a value.
        let huge = Value::Int(Int(IntRepr::Big(BigInt::from(1) << 600)));
        let o = held.operand(huge.clone(), 1);
        assert_eq!((held.wides, held.values.len()), (0, 1));
        assert_eq!(held.value(o), Some(huge));
        // A run past LIMBS handed to `wide` becomes a value too, not a cut.
        let limbs = [1u64; LIMBS + 1];
        let w = WideRef {
            negative: true,
            magnitude: &limbs,
        };
        let want = w.to_value();
        let o = held.wide(w, 1);
        assert_eq!((held.wides, held.values.len()), (0, 1));
        assert_eq!(held.value(o), Some(want));
    }

    #[test]
    fn inline_arithmetic_is_the_value_path() {
        use crate::budget::Budget;
        use crate::Limits;
        let limits = Limits::default();
        let values = [
            Value::Int(Int(IntRepr::Small(i64::MAX))),
            Value::Int(Int(IntRepr::Small(i64::MIN))),
            Value::Int(Int(IntRepr::Small(-7))),
            Value::Int(Int(IntRepr::Small(0))),
            Value::Int(Int(IntRepr::Small(1 << 53 | 1))),
            Value::Float(2.5),
            Value::Float(-0.0),
            Value::Float(0.0),
            Value::Float(f64::INFINITY),
            Value::Float(1e308),
            Value::Bool(true),
        ];
        let ops = [BinOp::Add, BinOp::Sub, BinOp::Mul, BinOp::Div, BinOp::Mod];
        let mut held = Held::default();
        let mut inlined = 0;
        for a in &values {
            for b in &values {
                for op in ops {
                    let (x, y) = (held.operand(a.clone(), 1), held.operand(b.clone(), 1));
                    let Some(r) = inline_binary(op, x, y) else {
                        continue;
                    };
                    inlined += 1;
                    let got = held.value(r).unwrap();
                    let mut budget = Budget::new(&limits);
                    let want = crate::ops::binary(op, a, b, &mut budget).unwrap();
                    assert_eq!(got.to_string(), want.to_string(), "{a:?} {op:?} {b:?}");
                    assert_eq!(got.type_name(), want.type_name());
                }
            }
            for op in [UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Invert] {
                let Some(r) = inline_unary(op, held.operand(a.clone(), 1)) else {
                    continue;
                };
                let got = held.value(r).unwrap();
                let want = crate::ops::unary(op, a, &mut Budget::new(&limits)).unwrap();
                assert_eq!(got.to_string(), want.to_string(), "{op:?} {a:?}");
            }
        }
        assert!(inlined > 150, "{inlined}");
    }
}
