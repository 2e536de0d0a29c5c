//! The direct path's operands: a value and its tree height in two words.
//!
//! A [`Value`] is 32 bytes; with its height, an `Option` of it went
//! through memory at every level of the precedence climb (a store and a
//! load of five words per return). Two words, the kind word's niche
//! making room for `None`, travel in two registers. Ints that fit in
//! 64 bits, floats, bools and built-ins live in the payload word; ints of
//! up to 512 bits, bigger ints and complex numbers wait in [`Held`]'s
//! stacks, the payload holding their index.

use std::num::NonZeroU32;

use super::wide::Wide;
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
    /// An index into [`Held`]'s values.
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
/// float under `+ - *`, which convert the int as the out-of-line path
/// does); `None` for everything else.
#[inline(always)]
pub(super) fn inline_binary(op: BinOp, a: Operand, b: Operand) -> Option<Operand> {
    const INT: u32 = Kind::Int as u32;
    const FLOAT: u32 = Kind::Float as u32;
    const FF: u32 = FLOAT << KIND_BITS | FLOAT;
    const II: u32 = INT << KIND_BITS | INT;
    const IF: u32 = INT << KIND_BITS | FLOAT;
    const FI: u32 = FLOAT << KIND_BITS | INT;
    let float = |x: f64, y: f64, div: bool| -> Option<Operand> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div if div && y != 0.0 => x / y,
            _ => return None,
        };
        Some(Operand::float(r, 0))
    };
    match a.kind_bits() << KIND_BITS | b.kind_bits() {
        FF => float(f64::from_bits(a.bits), f64::from_bits(b.bits), true),
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
        IF => float(a.bits as i64 as f64, f64::from_bits(b.bits), false),
        FI => float(f64::from_bits(a.bits), b.bits as i64 as f64, false),
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

/// The values that do not fit an [`Operand`]'s word, by index: ints of up
/// to 512 bits as [`Wide`]s, everything else (bigger ints, complex
/// numbers) as values. Operands are consumed in about the reverse order
/// they were made, so a taken one is popped when it is the last one (with
/// the taken slots below it): each stack stays as deep as the expression's
/// pending operands of its kind, not as long as its history.
#[derive(Debug, Default)]
pub(super) struct Held {
    values: Vec<Value>,
    /// `None`: a taken slot.
    wides: Vec<Option<Wide>>,
    /// The most either stack held at once.
    #[cfg(test)]
    pub(super) deepest: usize,
}

impl Held {
    /// Values held now (taken slots below the tops included).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.values.len() + self.wides.len()
    }

    #[cfg(test)]
    fn note_depth(&mut self) {
        self.deepest = self.deepest.max(self.values.len()).max(self.wides.len());
    }

    /// `value` as an operand of `height`.
    #[inline]
    pub(super) fn operand(&mut self, value: Value, height: u32) -> Operand {
        match value {
            Value::Int(Int::Small(x)) => Operand::int(x, height),
            Value::Float(x) => Operand::float(x, height),
            Value::Bool(x) => Operand::bool(x, height),
            Value::Builtin(b) => Operand::new(Kind::Builtin, height, b as u64),
            Value::Int(Int::Big(b)) => match Wide::from_bigint(&b) {
                Some(w) => self.wide(w, height),
                None => self.push_value(Value::Int(Int::Big(b)), height),
            },
            other => self.push_value(other, height),
        }
    }

    fn push_value(&mut self, value: Value, height: u32) -> Operand {
        self.values.push(value);
        #[cfg(test)]
        self.note_depth();
        Operand::new(Kind::Held, height, (self.values.len() - 1) as u64)
    }

    /// `w` as an operand of `height`: a small int when it is one.
    pub(super) fn wide(&mut self, w: Wide, height: u32) -> Operand {
        if let Some(v) = w.to_i64() {
            return Operand::int(v, height);
        }
        self.wides.push(Some(w));
        #[cfg(test)]
        self.note_depth();
        Operand::new(Kind::Wide, height, (self.wides.len() - 1) as u64)
    }

    /// The wide int `operand` holds, where it is held: `None` for any
    /// other kind.
    pub(super) fn wide_ref(&self, operand: Operand) -> Option<&Wide> {
        if operand.kind_bits() != Kind::Wide as u32 {
            return None;
        }
        self.wides
            .get(usize::try_from(operand.bits).ok()?)?
            .as_ref()
    }

    /// Takes `operand` out of its stack, if it is held; its value is not
    /// wanted.
    pub(super) fn discard(&mut self, operand: Operand) {
        match operand.kind_bits() {
            k if k == Kind::Wide as u32 => {
                let _ = self.take_wide(operand);
            }
            k if k == Kind::Held as u32 => {
                let _ = self.value_out_of_line(operand);
            }
            _ => {}
        }
    }

    /// The wide int `operand` is, taken out of its stack; `None` for any
    /// other kind.
    pub(super) fn take_if_wide(&mut self, operand: Operand) -> Option<Wide> {
        if operand.kind_bits() != Kind::Wide as u32 {
            return None;
        }
        self.take_wide(operand)
    }

    fn take_wide(&mut self, operand: Operand) -> Option<Wide> {
        let index = usize::try_from(operand.bits).ok()?;
        if index + 1 != self.wides.len() {
            return self.wides.get_mut(index)?.take();
        }
        let w = self.wides.pop()??;
        while let Some(None) = self.wides.last() {
            self.wides.pop();
        }
        Some(w)
    }

    /// The value of `operand`, taken out of its stack if it is held there.
    /// `None` only for an operand this stack did not make (or made and
    /// gave out already), which the direct path never passes.
    #[inline(always)]
    pub(super) fn value(&mut self, operand: Operand) -> Option<Value> {
        let bits = operand.bits;
        Some(match operand.kind_bits() {
            k if k == Kind::Int as u32 => Value::Int(Int::Small(bits as i64)),
            k if k == Kind::Float as u32 => Value::Float(f64::from_bits(bits)),
            k if k == Kind::Bool as u32 => Value::Bool(bits != 0),
            _ => return self.value_out_of_line(operand),
        })
    }

    /// [`value`](Self::value) of a built-in or a held value.
    #[inline(never)]
    fn value_out_of_line(&mut self, operand: Operand) -> Option<Value> {
        match operand.kind_bits() {
            k if k == Kind::Builtin as u32 => return operand.builtin().map(Value::Builtin),
            k if k == Kind::Wide as u32 => return self.take_wide(operand).map(|w| w.to_value()),
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
        let big = Value::Int(Int::Big(BigInt::from(u64::MAX) * 3u8));
        let values = [
            Value::Int(Int::Small(i64::MIN)),
            Value::Int(Int::Small(-1)),
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
        assert_eq!(
            (held.values.len(), held.wides.len(), held.deepest),
            (1, 1, 1)
        );
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

    #[test]
    fn inline_arithmetic_is_the_value_path() {
        use crate::budget::Budget;
        use crate::Limits;
        let limits = Limits::default();
        let values = [
            Value::Int(Int::Small(i64::MAX)),
            Value::Int(Int::Small(i64::MIN)),
            Value::Int(Int::Small(-7)),
            Value::Int(Int::Small(0)),
            Value::Int(Int::Small(1 << 53 | 1)),
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
