//! `Int`: construction, conversions and arithmetic with CPython's rules.
//!
//! Every method keeps the `Int` invariant (`Big` only outside `i64`). Small
//! operands take a checked machine-word path that neither allocates nor
//! charges the budget; anything bigger charges its estimated work, then
//! computes. The result's size is held to `Limits::max_int_bits` exactly:
//! an estimate refuses before any work only what is certainly over the
//! bound (at least one bit more, whatever the rounding of the estimate),
//! and the computed result's exact bit length decides the rest, so an int
//! of exactly `max_int_bits` bits is always accepted and one of a bit more
//! always refused. Results that fit an `i64` are not checked at all: a
//! bound below 64 bits applies only to ints outside the machine word.

use crate::value::IntRepr;
use std::borrow::Cow;
use std::cmp::Ordering;

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Pow, Signed, ToPrimitive};

use crate::budget::{div_cost, linear_cost, mul_cost, Budget};
use crate::{EvalError, Int, Limits};

/// 2**63 as an f64: floats below it in magnitude convert to `i64` exactly.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Bits an estimated power's size may exceed `Limits::max_int_bits` by
/// and still be computed, its exact size then checked: more than the
/// estimate's error (`Int::estimated_power_bits`).
const POWER_BITS_MARGIN: f64 = 2.0;

/// Results up to this many bits of a machine-word base raised to a power
/// are computed by [`word_power`].
const WORD_POWER_BITS: u64 = 64 * 64;

/// Limbs of the stack buffer [`word_power`] multiplies in: a result of up
/// to [`WORD_POWER_BITS`] bits needs 64; two more absorb an estimate that
/// is a bit low.
const WORD_POWER_LIMBS: usize = 66;

/// A smaller buffer for results of a few limbs, the common case: zeroing
/// the big one costs about as much as the multiplications there.
const WORD_POWER_FEW_LIMBS: usize = 8;

/// For each base below 256, the largest power of it that fits a word and
/// the exponent of that power (zeros for 0 and 1, which never get here),
/// computed at compile time so [`word_power`] skips the search loop.
const WORD_CHUNKS: [(u64, u64); 256] = word_chunks();

const fn word_chunks() -> [(u64, u64); 256] {
    let mut table = [(0u64, 0u64); 256];
    let mut a = 2;
    while a < 256 {
        table[a] = largest_word_power(a as u64);
        a += 1;
    }
    table
}

/// The largest power of `a` (at least 2) that fits a word, and its exponent.
const fn largest_word_power(a: u64) -> (u64, u64) {
    let (mut chunk, mut per_chunk) = (a, 1u64);
    while let Some(next) = chunk.checked_mul(a) {
        chunk = next;
        per_chunk += 1;
    }
    (chunk, per_chunk)
}

/// The largest power of `a` (at least 2) that fits a word and its
/// exponent, from [`WORD_CHUNKS`] for bases below 256.
fn word_chunk(a: u64) -> (u64, u64) {
    match WORD_CHUNKS.get(a as usize) {
        Some(&(chunk, per_chunk)) if per_chunk > 0 => (chunk, per_chunk),
        _ => largest_word_power(a),
    }
}

/// `a**e` for `a >= 2` by multiplying a limb array on the stack in place by
/// the largest power of `a` that fits a word: for results of a few dozen
/// limbs that is a handful of linear passes and one allocation (the
/// result's), where repeated squaring allocates at every step (`5**150`:
/// ~400 instructions instead of ~2,000). `None` when the result does not
/// fit `N` limbs.
fn word_power<const N: usize>(a: u64, e: u64) -> Option<BigUint> {
    let mut limbs = [0u64; N];
    let len = word_power_into(a, e, &mut limbs)?;
    biguint_from_limbs::<N>(limbs.get(..len)?)
}

/// [`word_power`]'s magnitude into `limbs` (overwritten), least
/// significant first: how many are significant.
fn word_power_into<const N: usize>(a: u64, e: u64, limbs: &mut [u64; N]) -> Option<usize> {
    let (chunk, per_chunk) = word_chunk(a);
    limbs.fill(0);
    *limbs.first_mut()? = 1;
    let mut len = 1;
    let mut left = e;
    while left > 0 {
        let factor = if left >= per_chunk {
            left -= per_chunk;
            chunk
        } else {
            // `a**left` < `chunk`, so it fits (and `left` < 64).
            let f = a.wrapping_pow(left as u32);
            left = 0;
            f
        };
        let mut carry: u64 = 0;
        for limb in limbs.get_mut(..len)?.iter_mut() {
            let product = u128::from(*limb) * u128::from(factor) + u128::from(carry);
            *limb = product as u64;
            carry = (product >> 64) as u64;
        }
        if carry != 0 {
            *limbs.get_mut(len)? = carry;
            len += 1;
        }
    }
    Some(len)
}

/// The bit length of the magnitude `limbs` (64-bit, least significant
/// first, the top one nonzero); 0 for no limbs.
pub(crate) fn limbs_bit_length(limbs: &[u64]) -> u64 {
    match limbs.last() {
        Some(top) => 64 * (limbs.len() as u64 - 1) + u64::from(64 - top.leading_zeros()),
        None => 0,
    }
}

/// The `BigUint` of up to `N` 64-bit limbs, least significant first.
///
/// num-bigint takes base-2**32 digits; on 64-bit targets it packs them
/// back into words, so this copy is the only extra pass (`from_bytes_le`,
/// which packs byte by byte, took ~150 instructions more a power).
pub(crate) fn biguint_from_limbs<const N: usize>(limbs: &[u64]) -> Option<BigUint> {
    let mut digits = [[0u32; 2]; N];
    for (pair, &limb) in digits.iter_mut().zip(limbs) {
        *pair = [limb as u32, (limb >> 32) as u32];
    }
    Some(BigUint::from_slice(
        digits.get(..limbs.len())?.as_flattened(),
    ))
}

/// Bases up to this bit length (|a| < 1024) take [`short_power`] for
/// exponents up to [`WORD_POWER_FEW_LIMBS`] times that of their
/// [`word_chunk`] (results of at most that many limbs); the test
/// `short_power_bits_are_the_estimate` checks every such power.
const SHORT_POWER_BASE_BITS: u64 = 10;

/// `a**e` for `|a| >= 2` and a result outside `i64`, when it is a power of
/// two or small enough (a few hundred instructions) to compute before the
/// size checks, so that its exact bit length stands in for the
/// floating-point estimate of [`Int::pow`]'s general path (a `log2` and a
/// `floor`, libm calls); `None` otherwise, for that path.
///
/// The checks and charge are the general path's, with its estimate
/// `floor(e * log2|a|) + 1` replaced by the exact bit length, which equals
/// it here: for `|a| == 2**k` the estimate is computed exactly (`k * e`
/// is far below 2**53 and `log2` of a power of two is exact), and for the
/// other bases up to [`SHORT_POWER_BASE_BITS`] bits the test
/// `short_power_bits_are_the_estimate` compares the two for every
/// exponent that gets here. So this gives the very same results and
/// errors, and charges the same work.
fn short_power(a: i64, e: u64, budget: &mut Budget<'_>) -> Option<Result<Int, EvalError>> {
    let mut limbs = [0; SHORT_POWER_LIMBS];
    match short_power_limbs(a, e, budget, &mut limbs)? {
        Ok(p) => p.into_int(&limbs).map(Ok),
        Err(err) => Some(Err(err)),
    }
}

/// Limbs that [`short_power_limbs`] writes.
pub(crate) const SHORT_POWER_LIMBS: usize = WORD_POWER_FEW_LIMBS;

/// What [`short_power_limbs`] computed: the sign, and how many of the
/// limbs it wrote hold the magnitude, or for a power of two too big for
/// them (`len` 0), the shift of 1 that makes it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShortPower {
    pub(crate) negative: bool,
    pub(crate) len: usize,
    pub(crate) shift: u64,
}

impl ShortPower {
    /// The power as an [`Int`], its magnitude in `limbs[..len]`; `None`
    /// only for a shift past `usize`.
    pub(crate) fn into_int(self, limbs: &[u64]) -> Option<Int> {
        let sign = if self.negative {
            num_bigint::Sign::Minus
        } else {
            num_bigint::Sign::Plus
        };
        let magnitude = if self.len == 0 {
            BigUint::one() << usize::try_from(self.shift).ok()?
        } else {
            biguint_from_limbs::<SHORT_POWER_LIMBS>(limbs.get(..self.len)?)?
        };
        Some(Int::from_bigint(BigInt::from_biguint(sign, magnitude)))
    }
}

/// [`short_power`], with its checks and charge, before the magnitude
/// becomes a `BigUint`: its limbs are written to `limbs` (the direct path
/// hands it the place it keeps them), the top one nonzero.
pub(crate) fn short_power_limbs(
    a: i64,
    e: u64,
    budget: &mut Budget<'_>,
    limbs: &mut [u64; SHORT_POWER_LIMBS],
) -> Option<Result<ShortPower, EvalError>> {
    let a_abs = a.unsigned_abs();
    let negative = a < 0 && e % 2 == 1;
    let base_bits = u64::from(64 - a_abs.leading_zeros());
    if a_abs.is_power_of_two() {
        // k < 64 and e < 2**32, so k * e < 2**38: the general path's f64
        // estimate is this value exactly.
        let e = u32::try_from(e).ok()?;
        let shift = (base_bits - 1) * u64::from(e);
        let bits = shift + 1;
        if bits > budget.limits.max_int_bits {
            return Some(Err(too_many_bits(budget)));
        }
        if let Err(err) = budget.charge(linear_cost(bits)) {
            return Some(Err(err));
        }
        let mut power = ShortPower {
            negative,
            len: 0,
            shift,
        };
        // One limb set in the caller's limbs: `1 << shift` allocates room for
        // a carry and then shifts (`2**200`: ~265 instructions against
        // ~190).
        if let Ok(top) = usize::try_from(shift / 64) {
            if top < SHORT_POWER_LIMBS {
                limbs.fill(0);
                if let Some(limb) = limbs.get_mut(top) {
                    *limb = 1 << (shift % 64);
                    power.len = top + 1;
                }
            }
        }
        return Some(Ok(power));
    }
    if base_bits > SHORT_POWER_BASE_BITS {
        return None;
    }
    // |a|**e <= (|a|**per_chunk)**ceil(e / per_chunk) < 2**(64 * that):
    // this bounds the limbs before any work.
    let (_, per_chunk) = word_chunk(a_abs);
    // (`ceil(e / p) > L` is `e > p * L`, without a division.)
    if e > per_chunk * SHORT_POWER_LIMBS as u64 {
        return None;
    }
    let len = word_power_into(a_abs, e, limbs)?;
    let bits = limbs_bit_length(limbs.get(..len)?);
    if bits > budget.limits.max_int_bits {
        return Some(Err(too_many_bits(budget)));
    }
    if let Err(err) = budget.charge(power_cost(bits, e)) {
        return Some(Err(err));
    }
    Some(Ok(ShortPower {
        negative,
        len,
        shift: 0,
    }))
}

/// Work charged for `a**e` with a `bits`-bit result by repeated squaring.
fn power_cost(bits: u64, e: u64) -> u64 {
    // Repeated squaring: the last squaring dominates, the rest sum to
    // about as much again or a little more.
    let half = bits / 2 + 1;
    // Each of the bits(e) steps also allocates and copies (measured
    // ~200 ns a step at small sizes, 400 units).
    let steps = u64::from(64 - e.leading_zeros());
    // Measured (3**2000 to 3**661000): at most about 3.5 times the
    // last squaring.
    (mul_cost(half, half).saturating_mul(7) / 2)
        .saturating_add(linear_cost(bits))
        .saturating_add(400 * steps)
}

impl Int {
    /// The int holding `b`, as a machine word when it fits.
    ///
    /// ```
    /// use calc_core::Int;
    /// assert_eq!(Int::from_bigint(42.into()), Int::from(42));
    /// ```
    pub fn from_bigint(b: BigInt) -> Int {
        match b.to_i64() {
            Some(v) => Int(IntRepr::Small(v)),
            None => Int(IntRepr::Big(b)),
        }
    }

    /// The value as a `BigInt` (allocates for big values).
    pub fn to_bigint(&self) -> BigInt {
        match self {
            Int(IntRepr::Small(v)) => BigInt::from(*v),
            Int(IntRepr::Big(b)) => b.clone(),
        }
    }

    /// A `BigInt` view: borrowed when big, built when small.
    pub(crate) fn big(&self) -> Cow<'_, BigInt> {
        match self {
            Int(IntRepr::Small(v)) => Cow::Owned(BigInt::from(*v)),
            Int(IntRepr::Big(b)) => Cow::Borrowed(b),
        }
    }

    /// The value as an `i64`, if it fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Int(IntRepr::Small(v)) => Some(*v),
            Int(IntRepr::Big(_)) => None,
        }
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        matches!(self, Int(IntRepr::Small(0)))
    }

    /// Whether the value is below 0.
    pub fn is_negative(&self) -> bool {
        match self {
            Int(IntRepr::Small(v)) => *v < 0,
            Int(IntRepr::Big(b)) => b.is_negative(),
        }
    }

    /// Python's `int.bit_length()`: bits of the absolute value, 0 for 0.
    ///
    /// ```
    /// assert_eq!(calc_core::Int::from(-8).bit_length(), 4);
    /// ```
    pub fn bit_length(&self) -> u64 {
        match self {
            Int(IntRepr::Small(v)) => u64::from(64 - v.unsigned_abs().leading_zeros()),
            Int(IntRepr::Big(b)) => b.bits(),
        }
    }

    /// Python's `float(int)`: correctly rounded (half to even), or
    /// `OverflowError: int too large to convert to float`.
    ///
    /// ```
    /// use calc_core::Int;
    /// // 2**53 + 1 rounds to the even neighbour 2**53.
    /// assert_eq!(Int::from((1 << 53) + 1).to_f64().unwrap(), 9007199254740992.0);
    /// ```
    pub fn to_f64(&self) -> Result<f64, EvalError> {
        match self {
            // `as` rounds to nearest, ties to even.
            Int(IntRepr::Small(v)) => Ok(*v as f64),
            Int(IntRepr::Big(b)) => big_to_f64(b),
        }
    }

    /// The int part of `x` (truncated toward 0), as Python's `int(x)`;
    /// `ValueError` for NaN and `OverflowError` for infinities, with
    /// CPython's messages.
    ///
    /// ```
    /// use calc_core::Int;
    /// assert_eq!(Int::from_f64(-2.7).unwrap(), Int::from(-2));
    /// assert_eq!(Int::from_f64(f64::NAN).unwrap_err().class(), "ValueError");
    /// ```
    pub fn from_f64(x: f64) -> Result<Int, EvalError> {
        if x.is_nan() {
            return Err(EvalError::value("cannot convert float NaN to integer"));
        }
        if x.is_infinite() {
            return Err(EvalError::overflow(
                "cannot convert float infinity to integer",
            ));
        }
        let t = x.trunc();
        if t.abs() < TWO_POW_63 {
            return Ok(Int(IntRepr::Small(t as i64)));
        }
        // |t| >= 2**63: an integer mantissa times a positive power of two.
        let bits = t.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
        let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let mag = BigInt::from(mant) << (exp.max(0) as usize);
        Ok(Int::from_bigint(if t < 0.0 { -mag } else { mag }))
    }

    /// Parses an int literal's `digits` (ASCII digits of `radix`, no sign,
    /// prefix or underscores).
    ///
    /// A decimal literal of more than `limits.max_str_digits` digits is a
    /// `ValueError` with CPython 3.11's message (the parser reports it as a
    /// `SyntaxError`, as CPython does), unless its value fits 64 bits
    /// (`0000...0`), as in CPython; a literal over `limits.max_int_bits`
    /// is a `LimitError`. Literals that fit 64 bits never allocate.
    ///
    /// ```
    /// use calc_core::{Int, Limits};
    /// let limits = Limits::default();
    /// assert_eq!(Int::from_str_radix("ff", 16, &limits).unwrap(), Int::from(255));
    /// let big = Int::from_str_radix("18446744073709551616", 10, &limits).unwrap();
    /// assert_eq!(big.to_string(), "18446744073709551616");
    /// ```
    pub fn from_str_radix(digits: &str, radix: u32, limits: &Limits) -> Result<Int, EvalError> {
        if !(2..=36).contains(&radix) {
            return Err(EvalError::value("int() base must be >= 2 and <= 36, or 0"));
        }
        let bytes = digits.as_bytes();
        if bytes.is_empty() {
            return Err(invalid_literal(digits, radix));
        }
        let n = bytes.len();
        let mut acc: u64 = 0;
        let mut fits = true;
        for &c in bytes {
            let d = match (c as char).to_digit(radix) {
                Some(d) => d,
                None => return Err(invalid_literal(digits, radix)),
            };
            if fits {
                match acc
                    .checked_mul(u64::from(radix))
                    .and_then(|a| a.checked_add(u64::from(d)))
                {
                    Some(a) => acc = a,
                    None => fits = false,
                }
            }
        }
        if fits {
            if let Ok(v) = i64::try_from(acc) {
                return Ok(Int(IntRepr::Small(v)));
            }
            return Ok(Int(IntRepr::Big(BigInt::from(acc))));
        }
        // CPython's compiler reads literals that fit a C long without the
        // digit limit (so `000...0` of any length is fine), then applies it.
        if !radix.is_power_of_two() && limits.max_str_digits > 0 && n > limits.max_str_digits {
            return Err(EvalError::value(format!(
                "Exceeds the limit ({} digits) for integer string conversion: value has {} digits; \
                 use sys.set_int_max_str_digits() to increase the limit",
                limits.max_str_digits, n
            )));
        }
        // A value of `m` significant digits has at least
        // `(m - 1) * log2(radix)` bits: refused unparsed when that is
        // over the bound by more than the rounding, else the parsed
        // value's exact size decides.
        let significant = bytes.iter().skip_while(|&&c| c == b'0').count();
        let bits_per_digit = f64::from(radix).log2();
        let at_least = (significant.saturating_sub(1) as f64 * bits_per_digit) as u64;
        if at_least > limits.max_int_bits.saturating_add(1) {
            return Err(literal_too_big(limits));
        }
        match BigUint::parse_bytes(bytes, radix) {
            Some(u) if u.bits() > limits.max_int_bits => Err(literal_too_big(limits)),
            Some(u) => Ok(Int::from_bigint(BigInt::from(u))),
            None => Err(invalid_literal(digits, radix)),
        }
    }

    /// `self + other`.
    pub(crate) fn add(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        if let (Int(IntRepr::Small(a)), Int(IntRepr::Small(b))) = (self, other) {
            return match a.checked_add(*b) {
                Some(s) => Ok(Int(IntRepr::Small(s))),
                None => wide(i128::from(*a) + i128::from(*b), budget),
            };
        }
        budget.charge(linear_cost(self.bit_length().max(other.bit_length()) + 1))?;
        exact(Int::from_bigint(&*self.big() + &*other.big()), budget)
    }

    /// `self - other`.
    pub(crate) fn sub(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        if let (Int(IntRepr::Small(a)), Int(IntRepr::Small(b))) = (self, other) {
            return match a.checked_sub(*b) {
                Some(s) => Ok(Int(IntRepr::Small(s))),
                None => wide(i128::from(*a) - i128::from(*b), budget),
            };
        }
        budget.charge(linear_cost(self.bit_length().max(other.bit_length()) + 1))?;
        exact(Int::from_bigint(&*self.big() - &*other.big()), budget)
    }

    /// `a + other`, or `a - other` when `subtract`, for a big `a` taken by
    /// value so the sum is computed in its digits; the checks and charge
    /// are those of [`Int::add`] and [`Int::sub`].
    pub(crate) fn add_sub_owned(
        a: BigInt,
        other: &Int,
        subtract: bool,
        budget: &mut Budget<'_>,
    ) -> Result<Int, EvalError> {
        budget.charge(linear_cost(a.bits().max(other.bit_length()) + 1))?;
        let sum = Int::from_bigint(match (other, subtract) {
            (Int(IntRepr::Small(v)), false) => a + *v,
            (Int(IntRepr::Small(v)), true) => a - *v,
            (Int(IntRepr::Big(b)), false) => a + b,
            (Int(IntRepr::Big(b)), true) => a - b,
        });
        exact(sum, budget)
    }

    /// `self * other`.
    pub(crate) fn mul(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        if let (Int(IntRepr::Small(a)), Int(IntRepr::Small(b))) = (self, other) {
            return match a.checked_mul(*b) {
                Some(p) => Ok(Int(IntRepr::Small(p))),
                None => wide(i128::from(*a) * i128::from(*b), budget),
            };
        }
        let (x, y) = (self.bit_length(), other.bit_length());
        budget.check_bits(product_bits_at_least(x, y))?;
        budget.charge(mul_cost(x, y))?;
        let product = match self.mul_power_of_two(other) {
            Some(p) => p,
            None => Int::from_bigint(&*self.big() * &*other.big()),
        };
        exact(product, budget)
    }

    /// `self * other` as a shift when either is a big ±2**k: one
    /// allocation and a pass, where num-bigint multiplies into a zeroed
    /// allocation (`calloc`, which skips glibc's thread cache): `2**200 *
    /// 3**100` takes ~550 instructions instead of ~720. `None` otherwise.
    fn mul_power_of_two(&self, other: &Int) -> Option<Int> {
        let (power, factor) = match (self, other) {
            (Int(IntRepr::Big(p)), f) if p.magnitude().trailing_zeros() == Some(p.bits() - 1) => {
                (p, f)
            }
            (f, Int(IntRepr::Big(p))) if p.magnitude().trailing_zeros() == Some(p.bits() - 1) => {
                (p, f)
            }
            _ => return None,
        };
        let k = usize::try_from(power.bits() - 1).ok()?;
        let negative = power.is_negative() != factor.is_negative();
        let magnitude = match factor {
            Int(IntRepr::Small(v)) => BigUint::from(v.unsigned_abs()) << k,
            Int(IntRepr::Big(f)) => f.magnitude() << k,
        };
        let sign = if negative {
            num_bigint::Sign::Minus
        } else {
            num_bigint::Sign::Plus
        };
        // A zero factor gives a zero magnitude, which gets no sign.
        Some(Int::from_bigint(BigInt::from_biguint(sign, magnitude)))
    }

    /// `-self`.
    pub(crate) fn neg(&self) -> Int {
        match self {
            Int(IntRepr::Small(v)) => match v.checked_neg() {
                Some(n) => Int(IntRepr::Small(n)),
                None => Int(IntRepr::Big(-BigInt::from(*v))),
            },
            Int(IntRepr::Big(b)) => Int::from_bigint(-b),
        }
    }

    /// `~self`, i.e. `-(self + 1)`.
    pub(crate) fn invert(&self) -> Int {
        match self {
            Int(IntRepr::Small(v)) => Int(IntRepr::Small(!v)),
            Int(IntRepr::Big(b)) => Int::from_bigint(-(b + 1u32)),
        }
    }

    /// `self // other`, rounding toward negative infinity.
    pub(crate) fn floor_div(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        let q = self.divmod_with(other, budget, DIV_MOD_ZERO)?.0;
        // No longer than `self`, but `-2**63 // -1` leaves the machine
        // word.
        match q {
            Int(IntRepr::Big(_)) => exact(q, budget),
            small => Ok(small),
        }
    }

    /// `self % other`, with the sign of `other`.
    pub(crate) fn modulo(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        Ok(self.divmod_with(other, budget, MOD_ZERO)?.1)
    }

    fn divmod_with(
        &self,
        other: &Int,
        budget: &mut Budget<'_>,
        zero_msg: &'static str,
    ) -> Result<(Int, Int), EvalError> {
        if other.is_zero() {
            return Err(EvalError::zero_division(zero_msg));
        }
        if let (Int(IntRepr::Small(a)), Int(IntRepr::Small(b))) = (self, other) {
            if let (Some(q), Some(r)) = (a.checked_div(*b), a.checked_rem(*b)) {
                return Ok(if r != 0 && ((r < 0) != (*b < 0)) {
                    (Int(IntRepr::Small(q - 1)), Int(IntRepr::Small(r + b)))
                } else {
                    (Int(IntRepr::Small(q)), Int(IntRepr::Small(r)))
                });
            }
        }
        budget.charge(div_cost(self.bit_length(), other.bit_length()))?;
        let (q, r) = self.big().div_mod_floor(&other.big());
        Ok((Int::from_bigint(q), Int::from_bigint(r)))
    }

    /// `self ** exp` for `exp >= 0` (a negative `exp` is a float power,
    /// which the caller handles; here it is a `ValueError`).
    ///
    /// Refused with `LimitError` before any work when the result would exceed
    /// the bit bound: `10**10**10` fails at once.
    pub(crate) fn pow(&self, exp: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        if exp.is_negative() {
            return Err(EvalError::value("negative exponent for an int power"));
        }
        if exp.is_zero() {
            return Ok(Int(IntRepr::Small(1)));
        }
        match self {
            Int(IntRepr::Small(0)) | Int(IntRepr::Small(1)) => return Ok(self.clone()),
            Int(IntRepr::Small(-1)) => {
                return Ok(Int(IntRepr::Small(if exp.is_odd() { -1 } else { 1 })))
            }
            _ => {}
        }
        let e = match exp {
            Int(IntRepr::Small(e)) => *e as u64,
            Int(IntRepr::Big(_)) => return Err(too_many_bits(budget)),
        };
        // |self| >= 2 here, so a power from exponent 64 on leaves i64:
        // `checked_pow` would only find that out by squaring until it
        // overflows.
        if let (Int(IntRepr::Small(a)), Ok(e32 @ 0..=63)) = (self, u32::try_from(e)) {
            if let Some(p) = a.checked_pow(e32) {
                return Ok(Int(IntRepr::Small(p)));
            }
        }
        if let Int(IntRepr::Small(a)) = self {
            if let Some(result) = short_power(*a, e, budget) {
                return result;
            }
        }
        let est = self.estimated_power_bits(e);
        // The estimate is the exact size up to its rounding, well under a
        // bit (`estimated_power_bits`): two bits of margin refuse only what
        // is certainly too big, and the exact size decides the rest.
        if est > budget.limits.max_int_bits as f64 + POWER_BITS_MARGIN {
            return Err(too_many_bits(budget));
        }
        let bits = est as u64;
        if let Some(k) = self.power_of_two_exponent() {
            // (±2**k)**e is a single shift: no squarings needed.
            budget.charge(linear_cost(bits))?;
            let shift = usize::try_from(k.saturating_mul(e)).map_err(|_| too_many_bits(budget))?;
            let mag = BigInt::one() << shift;
            let negative = self.is_negative() && e % 2 == 1;
            return exact(Int::from_bigint(if negative { -mag } else { mag }), budget);
        }
        budget.charge(power_cost(bits, e))?;
        if let (Int(IntRepr::Small(a)), true) = (self, bits <= WORD_POWER_BITS) {
            let a_abs = a.unsigned_abs();
            // `bits` is an estimate: a result that outgrows the small
            // buffer is redone in the big one.
            let few = if bits <= 64 * (WORD_POWER_FEW_LIMBS as u64 - 1) {
                word_power::<WORD_POWER_FEW_LIMBS>(a_abs, e)
            } else {
                None
            };
            if let Some(magnitude) = few.or_else(|| word_power::<WORD_POWER_LIMBS>(a_abs, e)) {
                let sign = if *a < 0 && e % 2 == 1 {
                    num_bigint::Sign::Minus
                } else {
                    num_bigint::Sign::Plus
                };
                return exact(
                    Int::from_bigint(BigInt::from_biguint(sign, magnitude)),
                    budget,
                );
            }
        }
        let e32 = u32::try_from(e).map_err(|_| too_many_bits(budget))?;
        exact(Int::from_bigint(Pow::pow(&*self.big(), e32)), budget)
    }

    /// `k` when `|self| == 2**k`.
    fn power_of_two_exponent(&self) -> Option<u64> {
        let is_pow2 = match self {
            Int(IntRepr::Small(v)) => v.unsigned_abs().is_power_of_two(),
            Int(IntRepr::Big(b)) => b.magnitude().trailing_zeros() == Some(b.bits() - 1),
        };
        is_pow2.then(|| self.bit_length() - 1)
    }

    /// `floor(e * log2(|self|)) + 1` in floating point for `|self| >= 2`:
    /// the bit length of `|self|**e` up to rounding, which decides whether
    /// the power may be computed and what it is charged.
    ///
    /// How far off it can be: `log2_abs` is within about 2**-40 of
    /// `log2|self|` relative to its value (a 64-bit top part rounded to
    /// 53 bits, then `log2`, then the shift added), so `e * log2` is within
    /// about `bits * 2**-40` of the exact product, a small fraction of a bit
    /// for any result up to 2**32 bits (and `e` past `u32` is refused
    /// anyway); the floor then moves the estimate by at most one.
    fn estimated_power_bits(&self, e: u64) -> f64 {
        (e as f64 * self.log2_abs()).floor() + 1.0
    }

    /// `log2(|self|)` for `|self| >= 2`, accurate enough for size estimates.
    fn log2_abs(&self) -> f64 {
        match self {
            Int(IntRepr::Small(v)) => (v.unsigned_abs() as f64).log2(),
            Int(IntRepr::Big(b)) => {
                let bits = b.bits();
                let shift = bits.saturating_sub(64);
                let top = (b.magnitude() >> shift).to_u64().unwrap_or(u64::MAX);
                (top as f64).log2() + shift as f64
            }
        }
    }

    /// `self << n`; `ValueError` for a negative count.
    pub(crate) fn shl(&self, n: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        if n.is_negative() {
            return Err(EvalError::value("negative shift count"));
        }
        if self.is_zero() {
            return Ok(Int(IntRepr::Small(0)));
        }
        if self.shl_exceeds_cpython(n) {
            return Err(EvalError::overflow("too many digits in integer"));
        }
        let n = match n {
            Int(IntRepr::Small(n)) => *n as u64,
            Int(IntRepr::Big(_)) => return Err(too_many_bits(budget)),
        };
        if let Int(IntRepr::Small(a)) = self {
            if n < 63 {
                let shifted = a << n;
                if shifted >> n == *a {
                    return Ok(Int(IntRepr::Small(shifted)));
                }
            }
        }
        // Exact: `|self| << n` has the bits of `|self|` and `n` more.
        let bits = self.bit_length().saturating_add(n);
        budget.check_bits(bits)?;
        budget.charge(linear_cost(bits))?;
        let n = usize::try_from(n).map_err(|_| too_many_bits(budget))?;
        Ok(Int::from_bigint(&*self.big() << n))
    }

    /// Whether CPython 3.11 (a 64-bit build) refuses `self << n` before
    /// trying to build it, with `OverflowError: too many digits in
    /// integer`: `long_lshift` splits the count into 30-bit words and a
    /// remainder (`divmod_shift`, which clips a word count of
    /// `PY_SSIZE_T_MAX / 4` or more to that, remainder 0), and
    /// `_PyLong_New` refuses more than `MAX_LONG_DIGITS` words for the
    /// result. Below that bound CPython tries to allocate the result (a
    /// `MemoryError` at these sizes); calc-core's bit limit answers then.
    /// `self` is not zero and `n` not negative.
    fn shl_exceeds_cpython(&self, n: &Int) -> bool {
        /// `PY_SSIZE_T_MAX / sizeof(digit)`: `divmod_shift`'s clip.
        const WORD_SHIFT_CLIP: u128 = i64::MAX as u128 / 4;
        /// `MAX_LONG_DIGITS`: `(PY_SSIZE_T_MAX - offsetof(PyLongObject,
        /// ob_digit)) / sizeof(digit)`, the digits after a 24-byte header.
        const MAX_LONG_DIGITS: u128 = (i64::MAX as u128 - 24) / 4;
        let (words, rem) = match n {
            Int(IntRepr::Small(n)) => {
                let n = n.unsigned_abs();
                (u128::from(n / 30), n % 30)
            }
            Int(IntRepr::Big(b)) => {
                let (q, r) = b.div_rem(&BigInt::from(30));
                (q.to_u128().unwrap_or(u128::MAX), r.to_u64().unwrap_or(0))
            }
        };
        let (words, rem) = if words >= WORD_SHIFT_CLIP {
            (WORD_SHIFT_CLIP, 0)
        } else {
            (words, rem)
        };
        let digits = u128::from(self.bit_length().div_ceil(30));
        digits + words + u128::from(rem != 0) > MAX_LONG_DIGITS
    }

    /// `self >> n`, rounding toward negative infinity; `ValueError` for a
    /// negative count. Counts past the value's size give 0 or -1 at once.
    pub(crate) fn shr(&self, n: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        if n.is_negative() {
            return Err(EvalError::value("negative shift count"));
        }
        let n = match n {
            Int(IntRepr::Small(n)) if (*n as u64) < self.bit_length() => *n as u64,
            _ => return Ok(Int(IntRepr::Small(if self.is_negative() { -1 } else { 0 }))),
        };
        if let Int(IntRepr::Small(a)) = self {
            return Ok(Int(IntRepr::Small(a >> n)));
        }
        budget.charge(linear_cost(self.bit_length()))?;
        let n = usize::try_from(n).map_err(|_| too_many_bits(budget))?;
        Ok(Int::from_bigint(&*self.big() >> n))
    }

    /// `self & other` (two's complement, as Python).
    pub(crate) fn bitand(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        self.bitop(other, budget, |a, b| a & b, |a, b| a & b)
    }

    /// `self | other`.
    pub(crate) fn bitor(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        self.bitop(other, budget, |a, b| a | b, |a, b| a | b)
    }

    /// `self ^ other`.
    pub(crate) fn bitxor(&self, other: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
        self.bitop(other, budget, |a, b| a ^ b, |a, b| a ^ b)
    }

    fn bitop(
        &self,
        other: &Int,
        budget: &mut Budget<'_>,
        small: impl Fn(i64, i64) -> i64,
        big: impl Fn(&BigInt, &BigInt) -> BigInt,
    ) -> Result<Int, EvalError> {
        if let (Int(IntRepr::Small(a)), Int(IntRepr::Small(b))) = (self, other) {
            return Ok(Int(IntRepr::Small(small(*a, *b))));
        }
        budget.charge(linear_cost(self.bit_length().max(other.bit_length())))?;
        // `&` and `^` of two negative ints can be a bit longer than both
        // (`-2 & -3` is `-4`), as `~` can (`~3` is `-4`).
        exact(Int::from_bigint(big(&self.big(), &other.big())), budget)
    }

    /// Whether the value is odd.
    pub(crate) fn is_odd(&self) -> bool {
        match self {
            Int(IntRepr::Small(v)) => v & 1 == 1,
            Int(IntRepr::Big(b)) => b.is_odd(),
        }
    }
}

impl PartialOrd for Int {
    fn partial_cmp(&self, other: &Int) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Int {
    fn cmp(&self, other: &Int) -> Ordering {
        match (self, other) {
            (Int(IntRepr::Small(a)), Int(IntRepr::Small(b))) => a.cmp(b),
            // A big value is outside the i64 range, so its sign decides.
            (Int(IntRepr::Small(_)), Int(IntRepr::Big(b))) => {
                if b.is_negative() {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (Int(IntRepr::Big(a)), Int(IntRepr::Small(_))) => {
                if a.is_negative() {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (Int(IntRepr::Big(a)), Int(IntRepr::Big(b))) => a.cmp(b),
        }
    }
}

impl From<i64> for Int {
    fn from(v: i64) -> Int {
        Int(IntRepr::Small(v))
    }
}

impl From<BigInt> for Int {
    fn from(b: BigInt) -> Int {
        Int::from_bigint(b)
    }
}

/// CPython's message for `//` by zero.
const DIV_MOD_ZERO: &str = "integer division or modulo by zero";
/// CPython's message for `%` by zero.
const MOD_ZERO: &str = "integer modulo by zero";

/// `result`, or the `LimitError` for an int over `Limits::max_int_bits`:
/// the exact check after an operation whose size estimate could only say
/// that the result is within a bit or two of the bound.
pub(crate) fn exact(result: Int, budget: &Budget<'_>) -> Result<Int, EvalError> {
    budget.check_bits(result.bit_length())?;
    Ok(result)
}

/// The fewest bits a product of an `x`-bit and a `y`-bit int can have:
/// `x + y - 1` (the product of the smallest such, `2**(x-1) * 2**(y-1)`),
/// or 0 when either is 0. A product is `x + y - 1` or `x + y` bits long,
/// so this refuses only what is certainly over the bound, and the exact
/// size decides the rest.
pub(crate) fn product_bits_at_least(x: u64, y: u64) -> u64 {
    if x == 0 || y == 0 {
        0
    } else {
        x + y - 1
    }
}

/// A result of two machine words that left the `i64` range (still under the
/// bit bound's check, which embedders may set below 128 bits).
fn wide(v: i128, budget: &Budget<'_>) -> Result<Int, EvalError> {
    budget.check_bits(u64::from(128 - v.unsigned_abs().leading_zeros()))?;
    Ok(Int(IntRepr::Big(BigInt::from(v))))
}

fn too_many_bits(budget: &Budget<'_>) -> EvalError {
    EvalError::limit(format!(
        "integer result would exceed {} bits",
        budget.limits.max_int_bits
    ))
}

/// The `LimitError` for a literal over `Limits::max_int_bits`.
pub(crate) fn literal_too_big(limits: &Limits) -> EvalError {
    EvalError::limit(format!(
        "integer literal would exceed {} bits",
        limits.max_int_bits
    ))
}

fn invalid_literal(digits: &str, radix: u32) -> EvalError {
    EvalError::value(format!(
        "invalid literal for int() with base {radix}: '{digits}'"
    ))
}

/// Correctly rounded conversion of a big int: the top 64 bits, with a sticky
/// bit standing for everything below, convert exactly as the whole would
/// (the `u64 -> f64` cast rounds half to even); scaling by a power of two is
/// then exact.
fn big_to_f64(b: &BigInt) -> Result<f64, EvalError> {
    let mag = b.magnitude();
    let bits = mag.bits();
    let shift = bits.saturating_sub(64);
    let overflow = || EvalError::overflow("int too large to convert to float");
    // 2**(63 + shift) <= |b|: beyond the f64 range once 63 + shift >= 1024.
    if shift > 960 {
        return Err(overflow());
    }
    let top = (mag >> shift).to_u64().ok_or_else(overflow)?;
    let sticky = shift > 0 && mag.trailing_zeros().is_some_and(|tz| tz < shift);
    let m = (top | u64::from(sticky)) as f64;
    let scaled = m * f64::from_bits((1023 + shift) << 52);
    if scaled.is_infinite() {
        return Err(overflow());
    }
    Ok(if b.is_negative() { -scaled } else { scaled })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn int(s: &str) -> Int {
        Int::from_bigint(s.parse().unwrap())
    }

    fn with_budget<T>(f: impl FnOnce(&mut Budget<'_>) -> T) -> T {
        let limits = Limits::default();
        let mut b = Budget::new(&limits);
        f(&mut b)
    }

    /// Every operation that makes an int, on operands around powers of
    /// two: under a bit bound of exactly the result's size it gives the
    /// result, under one bit less the size error (results outside `i64`).
    #[test]
    fn results_of_exactly_the_bound_are_computed() {
        use crate::ast::{BinOp, UnaryOp};
        use crate::Value;
        let mut operands: Vec<BigInt> = Vec::new();
        for k in [
            1u32, 2, 3, 31, 63, 64, 65, 100, 127, 128, 129, 200, 511, 1024,
        ] {
            let p = BigInt::from(1) << k;
            for v in [&p - 2, &p - 1, p.clone(), &p + 1] {
                operands.push(-v.clone());
                operands.push(v);
            }
        }
        let exponents = [0i64, 1, 2, 3, 7, 64, 100, 129];
        let binary = [
            BinOp::Add,
            BinOp::Sub,
            BinOp::Mul,
            BinOp::BitAnd,
            BinOp::BitOr,
            BinOp::BitXor,
        ];
        let at = |bits: u64, f: &dyn Fn(&mut Budget<'_>) -> Result<Value, EvalError>| {
            let limits = Limits {
                max_int_bits: bits,
                ..Limits::default()
            };
            f(&mut Budget::new(&limits))
        };
        let mut checked = 0;
        let mut check =
            |what: &str, exact: BigInt, f: &dyn Fn(&mut Budget<'_>) -> Result<Value, EvalError>| {
                let bits = exact.bits();
                if bits <= 64 {
                    return;
                }
                let want = Value::Int(Int::from_bigint(exact));
                assert_eq!(at(bits, f), Ok(want), "{what} at {bits} bits");
                assert_eq!(
                    at(bits - 1, f).map_err(|e| e.to_string()),
                    Err(format!(
                        "LimitError: integer result would exceed {} bits",
                        bits - 1
                    )),
                    "{what}"
                );
                checked += 1;
            };
        for a in &operands {
            let x = Value::Int(Int::from_bigint(a.clone()));
            for b in &operands {
                let y = Value::Int(Int::from_bigint(b.clone()));
                for op in binary {
                    let exact = match op {
                        BinOp::Add => a + b,
                        BinOp::Sub => a - b,
                        BinOp::Mul => a * b,
                        BinOp::BitAnd => a & b,
                        BinOp::BitOr => a | b,
                        _ => a ^ b,
                    };
                    let f = |budget: &mut Budget<'_>| crate::ops::binary(op, &x, &y, budget);
                    check(&format!("{a} {op:?} {b}"), exact, &f);
                }
            }
            for e in exponents {
                let y = Value::Int(Int(IntRepr::Small(e)));
                let f = |budget: &mut Budget<'_>| crate::ops::binary(BinOp::Pow, &x, &y, budget);
                check(&format!("{a} ** {e}"), Pow::pow(a, e as u32), &f);
                let f = |budget: &mut Budget<'_>| crate::ops::binary(BinOp::Shl, &x, &y, budget);
                check(&format!("{a} << {e}"), a << e as usize, &f);
            }
            for op in [UnaryOp::Neg, UnaryOp::Invert] {
                let exact = if op == UnaryOp::Neg { -a } else { !a };
                let f = |budget: &mut Budget<'_>| crate::ops::unary(op, &x, budget);
                check(&format!("{op:?} {a}"), exact, &f);
            }
        }
        // Past the machine word from inside it: `-2**63 // -1`.
        let (min, minus_one) = (
            Value::Int(Int(IntRepr::Small(i64::MIN))),
            Value::Int(Int(IntRepr::Small(-1))),
        );
        let f =
            |budget: &mut Budget<'_>| crate::ops::binary(BinOp::FloorDiv, &min, &minus_one, budget);
        let at_63 = at(63, &f).map_err(|e| e.class());
        assert_eq!(at_63, Err("LimitError"));
        assert_eq!(
            at(64, &f),
            Ok(Value::Int(Int::from_bigint(BigInt::from(1u8) << 63u8)))
        );
        let f = |budget: &mut Budget<'_>| crate::ops::binary(BinOp::Mod, &min, &minus_one, budget);
        assert_eq!(at(63, &f), Ok(Value::Int(Int(IntRepr::Small(0)))));
        // The bases of the short powers and the estimate, near the bound.
        for base in [3i64, 7, 10, 1000, 12345, -3, -1000, 1 << 40] {
            for e in [10i64, 50, 100, 300, 1000] {
                let (x, y) = (
                    Value::Int(Int(IntRepr::Small(base))),
                    Value::Int(Int(IntRepr::Small(e))),
                );
                let f = |budget: &mut Budget<'_>| crate::ops::binary(BinOp::Pow, &x, &y, budget);
                check(
                    &format!("{base} ** {e}"),
                    Pow::pow(BigInt::from(base), e as u32),
                    &f,
                );
            }
        }
        assert!(checked > 5000, "{checked}");
    }

    #[test]
    fn products_with_big_powers_of_two_are_products() {
        let powers: Vec<BigInt> = [63u32, 64, 65, 127, 128, 200, 1000]
            .iter()
            .flat_map(|&k| {
                let p = BigInt::from(1) << k;
                [-p.clone(), p]
            })
            .collect();
        let factors: Vec<BigInt> = [
            "0",
            "1",
            "-1",
            "3",
            "-9223372036854775808",
            "9223372036854775807",
            "18446744073709551616",
            "-515377520732011331036461129765621272702107522001",
            "340282366920938463463374607431768211455",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .chain(powers.iter().cloned())
        .collect();
        with_budget(|b| {
            for p in &powers {
                for f in &factors {
                    let want = Int::from_bigint(p * f);
                    let (pi, fi) = (Int::from_bigint(p.clone()), Int::from_bigint(f.clone()));
                    assert_eq!(pi.mul(&fi, b).unwrap(), want, "{p} * {f}");
                    assert_eq!(fi.mul(&pi, b).unwrap(), want, "{f} * {p}");
                }
            }
        });
    }

    #[test]
    fn short_power_bits_are_the_estimate() {
        // Every power `short_power` computes past the powers of two: its
        // exact bit length is the general path's estimate, so both check
        // and charge alike.
        for a in 3u64..1 << SHORT_POWER_BASE_BITS {
            if a.is_power_of_two() {
                continue;
            }
            let (_, per_chunk) = word_chunk(a);
            let mut p = BigUint::from(1u32);
            for e in 1..=per_chunk * WORD_POWER_FEW_LIMBS as u64 {
                p *= a;
                let est = Int(IntRepr::Small(a as i64)).estimated_power_bits(e);
                assert_eq!(est, p.bits() as f64, "{a}**{e}");
            }
        }
        // (±2**k)**e for every k and exponents up to u32::MAX: `k * e + 1`.
        for k in 1..=63u32 {
            let a = 1u64 << k;
            for base in [a as i64, (a as i64).wrapping_neg()] {
                for e in [1u64, 2, 3, 64, 1000, 1 << 20, u64::from(u32::MAX)] {
                    let est = Int(IntRepr::Small(base)).estimated_power_bits(e);
                    assert_eq!(est, (u64::from(k) * e + 1) as f64, "{base}**{e}");
                }
            }
        }
    }

    /// What the general path of `Int::pow` charges for `a**e`, from its
    /// estimate.
    fn general_power_charge(a: i64, e: u64) -> u64 {
        let fits = u32::try_from(e).is_ok_and(|e| a.checked_pow(e).is_some());
        if e == 0 || matches!(a, -1..=1) || fits {
            return 0;
        }
        let bits = Int(IntRepr::Small(a)).estimated_power_bits(e) as u64;
        if a.unsigned_abs().is_power_of_two() {
            linear_cost(bits)
        } else {
            power_cost(bits, e)
        }
    }

    #[test]
    fn short_powers_match_num_bigint() {
        let limits = Limits::default();
        for a in -1000i64..=1000 {
            // `short_power`'s last exponent for this base (none below 2).
            let last = match a.unsigned_abs() {
                0 | 1 => 0,
                a_abs => word_chunk(a_abs).1 * WORD_POWER_FEW_LIMBS as u64,
            };
            for e in 0..=300u32 {
                // Every power up to past `short_power`'s bound, a sample of
                // the longer ones (quick in debug builds too).
                if u64::from(e) > last + 20 && e % 10 != 0 {
                    continue;
                }
                let mut budget = Budget::new(&limits);
                let got =
                    Int(IntRepr::Small(a)).pow(&Int(IntRepr::Small(i64::from(e))), &mut budget);
                let want = Int::from_bigint(Pow::pow(BigInt::from(a), e));
                assert_eq!(got.unwrap(), want, "{a}**{e}");
                assert_eq!(
                    budget.used(),
                    general_power_charge(a, u64::from(e)),
                    "{a}**{e}"
                );
            }
        }
        // Powers of two up to the exponents `short_power` takes.
        for (a, e) in [(2i64, 1_000_000u64), (-8, 333_333), (i64::MIN, 16_000)] {
            let mut budget = Budget::new(&limits);
            let got = Int(IntRepr::Small(a))
                .pow(&Int(IntRepr::Small(e as i64)), &mut budget)
                .unwrap();
            let want = Int::from_bigint(Pow::pow(BigInt::from(a), e as u32));
            assert_eq!(got, want, "{a}**{e}");
            assert_eq!(budget.used(), general_power_charge(a, e), "{a}**{e}");
        }
    }

    #[test]
    fn short_powers_at_the_limits() {
        // (base, exponent): results of 2 to 8 limbs, just past a limb
        // boundary and just below one, the last exponents of the short
        // path and the first past it, signs, powers of two.
        let cases = [
            (3i64, 41u64),
            (3, 100),
            (3, 320),
            (3, 321),
            (5, 216),
            (-5, 217),
            (1000, 48),
            (1000, 49),
            (-7, 77),
            (5, 150),
            (10, 134),
            (1023, 44),
            (-1000, 45),
            (2, 200),
            (-2, 201),
            (2, 511),
            (-2, 512),
            (8, 171),
            (4, 32),
            (i64::MIN, 2),
        ];
        for (a, e) in cases {
            let want = Int::from_bigint(Pow::pow(BigInt::from(a), e as u32));
            let bits = want.bit_length();
            let charge = general_power_charge(a, e);
            let run = |max_int_bits: u64, work_budget: u64| {
                let limits = Limits {
                    max_int_bits,
                    work_budget,
                    ..Limits::default()
                };
                let mut budget = Budget::new(&limits);
                Int(IntRepr::Small(a)).pow(&Int(IntRepr::Small(e as i64)), &mut budget)
            };
            assert_eq!(run(bits, charge).unwrap(), want, "{a}**{e}");
            let e1 = run(bits - 1, charge).unwrap_err();
            assert_eq!(
                e1.message(),
                format!("integer result would exceed {} bits", bits - 1),
                "{a}**{e}"
            );
            let e2 = run(bits, charge - 1).unwrap_err();
            assert_eq!(
                e2.message(),
                "operation exceeds the work budget",
                "{a}**{e}"
            );
        }
    }

    #[test]
    fn word_power_is_repeated_squaring() {
        for a in [
            3u64,
            5,
            7,
            10,
            12,
            255,
            1 << 31 | 1,
            u32::MAX as u64,
            u64::MAX,
            3_037_000_499,
        ] {
            for e in [1u64, 2, 3, 26, 27, 28, 40, 63, 64, 65, 100, 150, 151] {
                let want: BigUint = Pow::pow(BigUint::from(a), e as u32);
                match word_power::<WORD_POWER_LIMBS>(a, e) {
                    Some(got) => assert_eq!(got, want, "{a}**{e}"),
                    // Only results past the stack buffer are refused.
                    None => assert!(want.bits() > 64 * WORD_POWER_LIMBS as u64 - 64, "{a}**{e}"),
                }
                match word_power::<WORD_POWER_FEW_LIMBS>(a, e) {
                    Some(got) => assert_eq!(got, want, "{a}**{e}"),
                    None => assert!(
                        want.bits() > 64 * WORD_POWER_FEW_LIMBS as u64 - 64,
                        "{a}**{e}"
                    ),
                }
            }
        }
        // Through `Int::pow`, signs included, against the general path's
        // num-bigint result just past the word-power bound.
        with_budget(|b| {
            for (base, e) in [(-3i64, 101u32), (-3, 100), (5, 150), (-7, 1455), (7, 1460)] {
                let got = Int(IntRepr::Small(base))
                    .pow(&Int(IntRepr::Small(i64::from(e))), b)
                    .unwrap();
                let want = Int::from_bigint(Pow::pow(BigInt::from(base), e));
                assert_eq!(got, want, "{base}**{e}");
            }
        });
    }

    #[test]
    fn normalises() {
        assert_eq!(int("9223372036854775807"), Int(IntRepr::Small(i64::MAX)));
        assert!(matches!(int("9223372036854775808"), Int(IntRepr::Big(_))));
        assert_eq!(int("-9223372036854775808"), Int(IntRepr::Small(i64::MIN)));
        // -(-2**63) leaves i64, and back.
        assert!(matches!(
            Int(IntRepr::Small(i64::MIN)).neg(),
            Int(IntRepr::Big(_))
        ));
        assert_eq!(
            Int(IntRepr::Small(i64::MIN)).neg().neg(),
            Int(IntRepr::Small(i64::MIN))
        );
    }

    #[test]
    fn small_arithmetic_overflows_into_big() {
        with_budget(|b| {
            // 9223372036854775807 + 1
            let s = Int(IntRepr::Small(i64::MAX))
                .add(&Int(IntRepr::Small(1)), b)
                .unwrap();
            assert_eq!(s, int("9223372036854775808"));
            // -9223372036854775808 - 1
            let d = Int(IntRepr::Small(i64::MIN))
                .sub(&Int(IntRepr::Small(1)), b)
                .unwrap();
            assert_eq!(d, int("-9223372036854775809"));
            // 3037000500 * 3037000500 == 9223372037000250000
            let p = Int(IntRepr::Small(3037000500))
                .mul(&Int(IntRepr::Small(3037000500)), b)
                .unwrap();
            assert_eq!(p, int("9223372037000250000"));
            // (2**64) - (2**64 - 1) == 1, normalised back to Small
            let x = int("18446744073709551616")
                .sub(&int("18446744073709551615"), b)
                .unwrap();
            assert_eq!(x, Int(IntRepr::Small(1)));
        });
    }

    #[test]
    fn small_overflow_respects_a_low_bit_bound() {
        let limits = Limits {
            max_int_bits: 64,
            ..Limits::default()
        };
        let mut b = Budget::new(&limits);
        // 2**63 - 1 + 1 has 64 bits; (2**62) * 8 has 66
        assert!(Int(IntRepr::Small(i64::MAX))
            .add(&Int(IntRepr::Small(1)), &mut b)
            .is_ok());
        let e = Int(IntRepr::Small(1 << 62))
            .mul(&Int(IntRepr::Small(8)), &mut b)
            .unwrap_err();
        assert_eq!(e.class(), "LimitError");
    }

    #[test]
    fn floor_division_and_modulo() {
        // (a, b, a // b, a % b) from python3
        let cases: &[(i64, i64, i64, i64)] = &[
            (7, 2, 3, 1),
            (-7, 2, -4, 1),
            (7, -2, -4, -1),
            (-7, -2, 3, -1),
            (6, -3, -2, 0),
            (0, -5, 0, 0),
            (i64::MIN, 1, i64::MIN, 0),
        ];
        with_budget(|b| {
            for &(x, y, q, r) in cases {
                let (xi, yi) = (Int(IntRepr::Small(x)), Int(IntRepr::Small(y)));
                assert_eq!(
                    xi.floor_div(&yi, b).unwrap(),
                    Int(IntRepr::Small(q)),
                    "{x}//{y}"
                );
                assert_eq!(
                    xi.modulo(&yi, b).unwrap(),
                    Int(IntRepr::Small(r)),
                    "{x}%{y}"
                );
            }
            // -9223372036854775808 // -1 == 9223372036854775808
            let q = Int(IntRepr::Small(i64::MIN))
                .floor_div(&Int(IntRepr::Small(-1)), b)
                .unwrap();
            assert_eq!(q, int("9223372036854775808"));
            assert_eq!(
                Int(IntRepr::Small(i64::MIN))
                    .modulo(&Int(IntRepr::Small(-1)), b)
                    .unwrap(),
                Int(IntRepr::Small(0))
            );
            // -10**30 // 7 == -142857142857142857142857142858 ; -10**30 % 7 == 6
            let big = int("-1000000000000000000000000000000");
            let (q, r) = (
                big.floor_div(&Int(IntRepr::Small(7)), b).unwrap(),
                big.modulo(&Int(IntRepr::Small(7)), b).unwrap(),
            );
            assert_eq!(q, int("-142857142857142857142857142858"));
            assert_eq!(r, Int(IntRepr::Small(6)));
        });
    }

    #[test]
    fn division_by_zero_messages() {
        with_budget(|b| {
            let e = Int(IntRepr::Small(1))
                .floor_div(&Int(IntRepr::Small(0)), b)
                .unwrap_err();
            assert_eq!(
                e.to_string(),
                "ZeroDivisionError: integer division or modulo by zero"
            );
            let e = Int(IntRepr::Small(1))
                .modulo(&Int(IntRepr::Small(0)), b)
                .unwrap_err();
            assert_eq!(e.to_string(), "ZeroDivisionError: integer modulo by zero");
            let e = int("100000000000000000000")
                .floor_div(&Int(IntRepr::Small(0)), b)
                .unwrap_err();
            assert_eq!(e.message(), "integer division or modulo by zero");
        });
    }

    #[test]
    fn powers() {
        with_budget(|b| {
            // 3 ** 40 == 12157665459056928801
            assert_eq!(
                Int(IntRepr::Small(3))
                    .pow(&Int(IntRepr::Small(40)), b)
                    .unwrap(),
                int("12157665459056928801")
            );
            assert_eq!(
                Int(IntRepr::Small(-2))
                    .pow(&Int(IntRepr::Small(63)), b)
                    .unwrap(),
                Int(IntRepr::Small(i64::MIN))
            );
            assert_eq!(
                Int(IntRepr::Small(0))
                    .pow(&Int(IntRepr::Small(0)), b)
                    .unwrap(),
                Int(IntRepr::Small(1))
            ); // 0**0
            assert_eq!(
                Int(IntRepr::Small(-1))
                    .pow(&int("100000000000000000001"), b)
                    .unwrap(),
                Int(IntRepr::Small(-1))
            );
            assert_eq!(
                Int(IntRepr::Small(1))
                    .pow(&int("100000000000000000001"), b)
                    .unwrap(),
                Int(IntRepr::Small(1))
            );
            // (-2)**65 == -36893488147419103232 ; 4**40 == 1208925819614629174706176
            assert_eq!(
                Int(IntRepr::Small(-2))
                    .pow(&Int(IntRepr::Small(65)), b)
                    .unwrap(),
                int("-36893488147419103232")
            );
            assert_eq!(
                Int(IntRepr::Small(-4))
                    .pow(&Int(IntRepr::Small(40)), b)
                    .unwrap(),
                int("1208925819614629174706176")
            );
            // 2**1000000 has 1000001 bits: under the bound
            let p = Int(IntRepr::Small(2))
                .pow(&Int(IntRepr::Small(1_000_000)), b)
                .unwrap();
            assert_eq!(p.bit_length(), 1_000_001);
        });
        with_budget(|b| {
            // 10**10**10, 9**9**9 and 2**(2**20) are refused before any work
            let e = Int(IntRepr::Small(10))
                .pow(&Int(IntRepr::Small(10_000_000_000)), b)
                .unwrap_err();
            assert_eq!(e.class(), "LimitError");
            assert_eq!(
                Int(IntRepr::Small(9))
                    .pow(&Int(IntRepr::Small(387420489)), b)
                    .unwrap_err()
                    .class(),
                "LimitError"
            );
            assert_eq!(
                Int(IntRepr::Small(2))
                    .pow(&Int(IntRepr::Small(1 << 20)), b)
                    .unwrap_err()
                    .class(),
                "LimitError"
            );
            assert_eq!(
                Int(IntRepr::Small(2))
                    .pow(&int("100000000000000000000"), b)
                    .unwrap_err()
                    .class(),
                "LimitError"
            );
        });
    }

    /// The edge of CPython's `too many digits in integer` for `<<`
    /// (checked against python3 3.11): one 30-bit word more than
    /// `MAX_LONG_DIGITS` is refused, one fewer is built (here: refused by
    /// the bit limit instead), and counts whose word count passes
    /// `PY_SSIZE_T_MAX / 4` are clipped to it.
    #[test]
    fn shifts_past_cpythons_digit_count_overflow() {
        with_budget(|b| {
            let sh =
                |x: Int, n: &str, b: &mut Budget<'_>| x.shl(&int(n), b).map_err(|e| e.to_string());
            let overflow = Err("OverflowError: too many digits in integer".to_string());
            // 2305843009213693945 words: with `1`'s one word, one too many.
            assert_eq!(
                sh(Int(IntRepr::Small(1)), "69175290276410818350", b),
                overflow
            );
            assert_eq!(
                sh(Int(IntRepr::Small(-1)), "69175290276410818350", b),
                overflow
            );
            // A partial word counts as one more.
            assert_eq!(
                sh(Int(IntRepr::Small(1)), "69175290276410818349", b),
                overflow
            );
            // One word fewer: CPython tries (MemoryError); we refuse by size.
            let at_limit = sh(Int(IntRepr::Small(1)), "69175290276410818320", b);
            assert!(at_limit.is_err_and(|e| e.starts_with("LimitError")));
            // ... unless the shifted value has two words (2**30).
            assert_eq!(
                sh(Int(IntRepr::Small(1 << 30)), "69175290276410818320", b),
                overflow
            );
            // 2**63 is 307445734561825860 words and a bit: CPython tries.
            let tried = sh(Int(IntRepr::Small(1)), "9223372036854775808", b);
            assert!(tried.is_err_and(|e| e.starts_with("LimitError")));
            // Clipped: 2**100, 10**30.
            assert_eq!(
                sh(Int(IntRepr::Small(1)), "1267650600228229401496703205376", b),
                overflow
            );
            assert_eq!(
                sh(Int(IntRepr::Small(1)), "1000000000000000000000000000000", b),
                overflow
            );
            // Zero first, a negative count before that.
            assert_eq!(
                sh(Int(IntRepr::Small(0)), "1267650600228229401496703205376", b),
                Ok(Int(IntRepr::Small(0)))
            );
            assert_eq!(
                sh(
                    Int(IntRepr::Small(0)),
                    "-1267650600228229401496703205376",
                    b
                ),
                Err("ValueError: negative shift count".to_string())
            );
        });
    }

    #[test]
    fn shifts() {
        with_budget(|b| {
            let sh = |x: Int, n: i64, b: &mut Budget<'_>| x.shl(&Int(IntRepr::Small(n)), b);
            assert_eq!(
                sh(Int(IntRepr::Small(1)), 62, b).unwrap(),
                Int(IntRepr::Small(1 << 62))
            );
            assert_eq!(
                sh(Int(IntRepr::Small(1)), 63, b).unwrap(),
                int("9223372036854775808")
            );
            assert_eq!(
                sh(Int(IntRepr::Small(-1)), 63, b).unwrap(),
                Int(IntRepr::Small(i64::MIN))
            );
            assert_eq!(
                sh(Int(IntRepr::Small(3)), 100, b).unwrap(),
                int("3802951800684688204490109616128")
            );
            assert_eq!(
                sh(Int(IntRepr::Small(0)), 1 << 40, b).unwrap(),
                Int(IntRepr::Small(0))
            ); // 0 << (1<<40)
            assert_eq!(
                sh(Int(IntRepr::Small(1)), 1 << 40, b).unwrap_err().class(),
                "LimitError"
            );
            assert_eq!(
                sh(Int(IntRepr::Small(1)), -1, b).unwrap_err().to_string(),
                "ValueError: negative shift count"
            );
            let sr = |x: Int, n: Int, b: &mut Budget<'_>| x.shr(&n, b);
            assert_eq!(
                sr(Int(IntRepr::Small(-7)), Int(IntRepr::Small(1)), b).unwrap(),
                Int(IntRepr::Small(-4))
            ); // -7 >> 1
            assert_eq!(
                sr(Int(IntRepr::Small(-7)), Int(IntRepr::Small(100)), b).unwrap(),
                Int(IntRepr::Small(-1))
            );
            assert_eq!(
                sr(Int(IntRepr::Small(7)), int("100000000000000000000"), b).unwrap(),
                Int(IntRepr::Small(0))
            );
            // -(2**100) - 1 >> 99 == -3
            assert_eq!(
                sr(
                    int("-1267650600228229401496703205377"),
                    Int(IntRepr::Small(99)),
                    b
                )
                .unwrap(),
                Int(IntRepr::Small(-3))
            );
            assert_eq!(
                sr(Int(IntRepr::Small(1)), Int(IntRepr::Small(-1)), b)
                    .unwrap_err()
                    .class(),
                "ValueError"
            );
        });
    }

    #[test]
    fn bit_operations() {
        with_budget(|b| {
            // -2**70 & 2**70 - 1 == 0 ; -2**70 | 5 == -1180591620717411303419 ; ~(2**70) == -(2**70)-1
            let m = int("-1180591620717411303424");
            let p = int("1180591620717411303423");
            assert_eq!(m.bitand(&p, b).unwrap(), Int(IntRepr::Small(0)));
            assert_eq!(
                m.bitor(&Int(IntRepr::Small(5)), b).unwrap(),
                int("-1180591620717411303419")
            );
            assert_eq!(m.bitxor(&Int(IntRepr::Small(-1)), b).unwrap(), p);
            assert_eq!(
                int("1180591620717411303424").invert(),
                int("-1180591620717411303425")
            );
            assert_eq!(Int(IntRepr::Small(5)).invert(), Int(IntRepr::Small(-6)));
        });
    }

    #[test]
    fn to_f64_rounds_correctly() {
        // float(x) from python3
        let cases: &[(&str, f64)] = &[
            ("9007199254740993", 9007199254740992.0), // 2**53 + 1: tie, to even
            ("9007199254740995", 9007199254740996.0), // 2**53 + 3: tie, to even
            ("18446744073709551615", 18446744073709551616.0),
            ("36893488147419103231", 36893488147419103232.0),
            // 2**80 + 2**27 + 1: just above a tie, rounds up
            ("1208925819614629308923905", 1.2089258196146294e+24),
            // 2**80 + 2**27: a tie, to even (down)
            ("1208925819614629308923904", 1.2089258196146292e+24),
            ("-1208925819614629308923905", -1.2089258196146294e+24),
        ];
        for (s, f) in cases {
            assert_eq!(int(s).to_f64().unwrap(), *f, "float({s})");
        }
        // float(2**1024 - 2**970) rounds up to 2**1024: OverflowError
        let top = (BigInt::from(1) << 1024u32) - (BigInt::from(1) << 970u32);
        let e = Int::from_bigint(top).to_f64().unwrap_err();
        assert_eq!(
            e.to_string(),
            "OverflowError: int too large to convert to float"
        );
        // float(2**1024 - 2**970 - 1) == 1.7976931348623157e+308
        let below = (BigInt::from(1) << 1024u32) - (BigInt::from(1) << 970u32) - 1u32;
        assert_eq!(Int::from_bigint(below).to_f64().unwrap(), f64::MAX);
    }

    #[test]
    fn from_f64_truncates() {
        assert_eq!(Int::from_f64(1e20).unwrap(), int("100000000000000000000"));
        assert_eq!(
            Int::from_f64(-9.223_372_036_854_776e18).unwrap(),
            Int(IntRepr::Small(i64::MIN))
        );
        assert_eq!(Int::from_f64(-0.9).unwrap(), Int(IntRepr::Small(0)));
        // int(1.7976931348623157e+308) has 309 digits
        assert_eq!(Int::from_f64(f64::MAX).unwrap().to_string().len(), 309);
        assert_eq!(
            Int::from_f64(f64::NEG_INFINITY).unwrap_err().to_string(),
            "OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            Int::from_f64(f64::NAN).unwrap_err().to_string(),
            "ValueError: cannot convert float NaN to integer"
        );
    }

    #[test]
    fn literals() {
        let l = Limits::default();
        assert_eq!(
            Int::from_str_radix("0", 10, &l).unwrap(),
            Int(IntRepr::Small(0))
        );
        assert_eq!(
            Int::from_str_radix("777", 8, &l).unwrap(),
            Int(IntRepr::Small(511))
        );
        assert_eq!(
            Int::from_str_radix("101", 2, &l).unwrap(),
            Int(IntRepr::Small(5))
        );
        assert_eq!(
            Int::from_str_radix("FFffFFffFFffFFff", 16, &l).unwrap(),
            int("18446744073709551615")
        );
        assert_eq!(
            Int::from_str_radix("9223372036854775808", 10, &l).unwrap(),
            int("9223372036854775808")
        );
        assert_eq!(
            Int::from_str_radix("1".repeat(4300).as_str(), 10, &l)
                .unwrap()
                .to_string()
                .len(),
            4300
        );
        // int('1' * 4301)
        let e = Int::from_str_radix("1".repeat(4301).as_str(), 10, &l).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ValueError: Exceeds the limit (4300 digits) for integer string conversion: \
             value has 4301 digits; use sys.set_int_max_str_digits() to increase the limit"
        );
        // hex literals have no digit limit, only the bit bound
        assert!(Int::from_str_radix("f".repeat(10000).as_str(), 16, &l).is_ok());
        assert!(Int::from_str_radix("12a", 10, &l).is_err());
        // eval('0' * 5000) == 0: literals that fit a C long skip the limit
        assert_eq!(
            Int::from_str_radix("0".repeat(5000).as_str(), 10, &l).unwrap(),
            Int(IntRepr::Small(0))
        );
        assert!(Int::from_str_radix("", 10, &l).is_err());
    }

    #[test]
    fn ordering() {
        let mut v = vec![
            int("18446744073709551616"),
            Int(IntRepr::Small(3)),
            int("-18446744073709551616"),
            Int(IntRepr::Small(-3)),
        ];
        v.sort();
        assert_eq!(
            v,
            vec![
                int("-18446744073709551616"),
                Int(IntRepr::Small(-3)),
                Int(IntRepr::Small(3)),
                int("18446744073709551616")
            ]
        );
    }
}

/// Measures how long the costly operations take per charged work unit, to
/// tune `Limits::work_budget`. Run with
/// `cargo test --release -p calc-core --lib calibrate -- --ignored --nocapture`.
#[cfg(test)]
mod calibrate {
    use super::*;
    use std::time::Instant;

    fn units_and_time(f: impl Fn(&mut Budget<'_>) -> Result<Int, EvalError>) -> (u64, f64) {
        let limits = Limits {
            work_budget: u64::MAX,
            ..Limits::default()
        };
        let mut best = f64::MAX;
        let mut used = 0;
        for _ in 0..3 {
            let mut budget = Budget::new(&limits);
            let start = Instant::now();
            let r = f(&mut budget);
            best = best.min(start.elapsed().as_secs_f64());
            assert!(r.is_ok());
            used = u64::MAX - budget.remaining();
        }
        (used, best)
    }

    #[test]
    #[ignore]
    fn calibrate() {
        let unlimited = Limits {
            work_budget: u64::MAX,
            ..Limits::default()
        };
        let mut b = Budget::new(&unlimited);
        let big = |bits: u64, b: &mut Budget<'_>| {
            Int(IntRepr::Small(3))
                .pow(&Int(IntRepr::Small((bits as f64 / 3f64.log2()) as i64)), b)
                .unwrap()
        };
        for &bits in &[2_000u64, 5_000, 20_000, 50_000, 100_000, 200_000, 500_000] {
            let x = big(bits, &mut b);
            let y = big(bits / 2, &mut b);
            let s = Int(IntRepr::Small(7));
            let report = |name: &str, (u, t): (u64, f64)| {
                println!(
                    "{name:>10} {bits:>8} bits: {u:>12} units {:>10.3} ms {:>8.3} ns/unit",
                    t * 1e3,
                    t * 1e9 / u.max(1) as f64
                );
            };
            if bits <= 500_000 {
                report("mul", units_and_time(|b| x.mul(&x, b)));
            }
            report("mul half", units_and_time(|b| x.mul(&y, b)));
            report("add", units_and_time(|b| x.add(&y, b)));
            report("div", units_and_time(|b| x.floor_div(&y, b)));
            let z = x
                .sub(&Int(IntRepr::Small(1)), &mut b)
                .unwrap()
                .shr(&Int(IntRepr::Small(500)), &mut b)
                .unwrap();
            report("div near", units_and_time(|b| x.floor_div(&z, b)));
            report(
                "truediv",
                units_and_time(|b| {
                    crate::num::division::true_div(&x, &z, b).map(|_| Int(IntRepr::Small(0)))
                }),
            );
            report(
                "pow 10",
                units_and_time(|b| {
                    Int(IntRepr::Small(10))
                        .pow(&Int(IntRepr::Small((bits as f64 / 3.33) as i64)), b)
                }),
            );
            report("div small", units_and_time(|b| x.floor_div(&s, b)));
            report("mod small", units_and_time(|b| x.modulo(&s, b)));
            report("and", units_and_time(|b| x.bitand(&y, b)));
            report(
                "shl",
                units_and_time(|b| y.shl(&Int(IntRepr::Small(1000)), b)),
            );
            report(
                "pow",
                units_and_time(|b| {
                    Int(IntRepr::Small(3))
                        .pow(&Int(IntRepr::Small((bits as f64 / 1.585) as i64)), b)
                }),
            );
            let t = Instant::now();
            let mut out = String::new();
            if bits <= 20_000 {
                let _ = crate::num::repr::write_int(&mut out, &x, None);
                println!(
                    "{:>10} {bits:>8} bits: {:.3} ms",
                    "str",
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
        }
    }
}

#[cfg(test)]
mod budget_examples {
    use super::*;

    fn used(f: impl Fn(&mut Budget<'_>) -> Result<Int, EvalError>) -> (u64, bool, f64) {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        let t = std::time::Instant::now();
        let ok = f(&mut budget).is_ok();
        (
            limits.work_budget - budget.remaining(),
            ok,
            t.elapsed().as_secs_f64() * 1e3,
        )
    }

    #[test]
    #[ignore]
    fn print_budget_examples() {
        println!(
            "3**600000: {:?}",
            used(|b| Int(IntRepr::Small(3)).pow(&Int(IntRepr::Small(600_000)), b))
        );
        println!(
            "2**1000000: {:?}",
            used(|b| Int(IntRepr::Small(2)).pow(&Int(IntRepr::Small(1_000_000)), b))
        );
        println!(
            "7**350000: {:?}",
            used(|b| Int(IntRepr::Small(7)).pow(&Int(IntRepr::Small(350_000)), b))
        );
    }
}
