//! The one-pass evaluator behind [`eval`](crate::eval()): it reads the
//! bytes once and computes while it parses, by precedence climbing over
//! values, with no tokens and no tree.
//!
//! The general path (tokenizer, tree in an arena, walker) reproduces
//! CPython's two-stage error reporting and every corner of its grammar,
//! and cost 200-300 instructions per byte; a one-shot request that is
//! plain arithmetic does not need any of that (this path: 55-70). This
//! path answers only when its answer is certainly the general path's:
//!
//! - It accepts a subset of the language: decimal int, float and imaginary
//!   literals without underscores, `True`, `False`, the built-in names
//!   (and, for [`Env::eval`](crate::Env::eval), the variables of the
//!   `Env`, which shadow them), the operators, comparisons, calls with positional arguments,
//!   parentheses, blanks (space, tab) and a comment that ends the input.
//!   Anything else (keywords, other names, prefixed or underscored
//!   numbers, tuples, other comments, newlines, non-ASCII text, syntax
//!   errors) returns `None`, and the general path decides.
//! - Values come from the functions the walker calls (`ops`, `builtins`,
//!   `number`), with one [`Budget`], on the same operands in the same
//!   order, so the same work is charged and the same limits apply. The
//!   exceptions compute the same thing cheaper and charge the same:
//!   float and small-int arithmetic inline (`operand`, which the walker's
//!   `ops::inline_binary` does too), ints of up to 512 bits as runs of limbs
//!   (`wide`, with `Int::add`/`sub`/`mul`'s checks and `Int::pow`'s short
//!   powers). Operands travel in two words (`operand`).
//! - It computes the height the parser's tree would have and the bracket
//!   depth, and gives up before either passes its limit.
//! - One budget per request: its budget ([`Budget::gated`]) lets it spend
//!   a small share (1/4096) before [`scan`] has said that it will not give
//!   the input up, so the general path, which starts again from the
//!   start with a budget of its own, never repeats more than that share.
//!   Once the scan has said so, an error it meets is the answer (after
//!   the general parser has checked the whole input: a syntax error
//!   anywhere comes first, as in CPython), with the class and message the
//!   walker gives at the same point; the scan refuses what would make the
//!   orders differ (a comparison chain, where Python skips the operands
//!   after a false link and this path does not). An error met before
//!   that returns `None`, and the general path finds it again.
//!
//! `cargo xtask diff` checks both paths against CPython (`eval_with` is
//! this one first, `Expr` always the general one), and the tests below
//! check them against each other on generated input and tight limits,
//! values and errors, and the units `eval_repr_metered` charges.

mod operand;
mod scan;
mod wide;

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::budget::{held_bytes, Budget};
use crate::env::{is_keyword, Binding};
use crate::eval::Vars;
use crate::grammar::{self, level, Op};
use crate::num::{self, float};
use crate::parse::lex::continues_token;
use crate::parse::number;
use crate::value::IntRepr;
use crate::{builtins, ops, Builtin, Complex, EvalError, Limits, Value};
use operand::{Held, Operand, MAX_HEIGHT};

/// Recursion this path allows itself (brackets, unary operators, `**`),
/// whatever the limits: deeper input goes to the general path, which
/// collects such chains with loops. Keeps the stack small in debug builds.
const MAX_RECURSION: u32 = 48;

/// The answer for `source` (its value, or the error the general path
/// gives too) when this path is sure of it; `None` leaves the input to the
/// general path, nothing charged. The caller checks
/// `limits.max_source_len`.
pub(crate) fn eval(source: &str, limits: &Limits) -> Option<Result<Value, EvalError>> {
    let mut direct = Direct::new(source, limits);
    match direct.whole() {
        Some(result) => direct.held.value(result).map(Ok),
        None => direct.failure(),
    }
}

/// [`eval`] with the caller's variables `vars` (an [`Env`](crate::Env)'s
/// bindings): `Some` of the value when this path computes it, `None` to
/// leave the input to the general path, which also answers every error
/// (with the span `Expr::eval` gives it). A name is a variable of `vars`
/// first, then a built-in, as in the walker; a user function, a keyword
/// bound as a variable, or any name this path does not know gives up.
pub(crate) fn eval_vars(source: &str, vars: &Vars, limits: &Limits) -> Option<Value> {
    let mut direct = Direct::new(source, limits);
    direct.vars = vars;
    let result = direct.whole()?;
    direct.held.value(result)
}

/// [`eval`], then Python's `repr` of the value appended to `out` as
/// `Value::write_repr` does: `Some` of that result, `None` to leave the
/// whole input to the general path. A wide int is written from its limbs,
/// without becoming a `BigInt`.
pub(crate) fn eval_repr(
    source: &str,
    limits: &Limits,
    out: &mut String,
) -> Option<Result<(), EvalError>> {
    eval_repr_metered(source, limits, out, &mut 0)
}

/// [`eval_repr`], also adding the work units this path charged to `used`
/// (none when it gives up).
pub(crate) fn eval_repr_metered(
    source: &str,
    limits: &Limits,
    out: &mut String,
    used: &mut u64,
) -> Option<Result<(), EvalError>> {
    let mut direct = Direct::new(source, limits);
    let result = direct.whole();
    *used += direct.budget.used();
    let Some(result) = result else {
        return direct.failure();
    };
    if let Some(w) = direct.held.wide_ref(result) {
        return w.write_repr(out, limits);
    }
    let value = direct.held.value(result)?;
    Some(value.write_repr(out, limits))
}

/// Whether this path, run on `source` under `limits`, certainly evaluates
/// it to its end or to an error the walker meets at the same point, if
/// the general parser accepts it: the gate of its budget (`Budget::gated`),
/// asked before it spends more than a small share. See [`scan`].
pub(crate) fn committable(source: &str, limits: &Limits) -> bool {
    scan::committable(source, limits)
}

/// Bytes that start a name this path reads: ASCII letters and `_`.
static NAME_START: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c == b'_' || c.is_ascii_alphabetic();
        b += 1;
    }
    table
};

/// Bytes that continue a name this path reads: ASCII letters, digits and
/// `_` (a byte past ASCII stops it, and the name goes to the general path).
static NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c == b'_' || c.is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The token after an operand, read once and then looked at by every
/// precedence level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// A left-associative binary operator and its level (from
    /// [`level::BIT_OR`] to [`level::TERM`]).
    Bin(BinOp, u8),
    Cmp(CmpOp),
    Pow,
    LParen,
    RParen,
    Comma,
    End,
    /// Anything else: this path cannot go on.
    Other,
}

struct Direct<'a> {
    src: &'a str,
    s: &'a [u8],
    /// The next byte to read: in operand position, the operand's first
    /// byte; after an operand, the first byte of `next`.
    i: usize,
    next: Next,
    /// Bytes of `next`.
    next_len: usize,
    limits: &'a Limits,
    budget: Budget<'a>,
    /// Brackets open (parentheses and calls).
    brackets: usize,
    /// Current recursion through brackets, unary operators and `**`.
    recursion: u32,
    /// The values of operands too big for their word.
    held: Held,
    /// The error evaluation stopped at, if it did.
    error: Option<EvalError>,
    /// The caller's variables (none for a one-shot `eval`).
    vars: &'a Vars,
}

impl<'a> Direct<'a> {
    fn new(source: &'a str, limits: &'a Limits) -> Self {
        Direct {
            src: source,
            s: source.as_bytes(),
            i: 0,
            next: Next::Other,
            next_len: 0,
            limits,
            budget: Budget::gated(limits, source),
            brackets: 0,
            recursion: 0,
            held: Held::default(),
            error: None,
            vars: &crate::env::NO_BINDINGS,
        }
    }

    /// This path on `source` with an open budget, which does not ask
    /// [`committable`] first.
    #[cfg(test)]
    fn ungated(source: &'a str, limits: &'a Limits) -> Self {
        Direct {
            budget: Budget::new(limits),
            ..Direct::new(source, limits)
        }
    }

    /// The whole input's value.
    #[cfg(test)]
    fn run(&mut self) -> Option<Value> {
        let result = self.whole()?;
        self.held.value(result)
    }

    /// The whole input, as an operand.
    fn whole(&mut self) -> Option<Operand> {
        self.blanks();
        let result = self.comparison()?;
        match self.next {
            Next::End => Some(result),
            _ if self.trailing_comment() => Some(result),
            _ => None,
        }
    }

    /// Whether the input ends with a comment at `i`: a `#` and no line
    /// break after it (the tokenizer's comment runs to the next one), nor
    /// a NUL (CPython refuses one anywhere in the source).
    #[cold]
    fn trailing_comment(&self) -> bool {
        let rest = self.s.get(self.i..).unwrap_or_default();
        rest.first() == Some(&b'#') && !rest.iter().any(|&b| matches!(b, b'\n' | b'\r' | 0))
    }

    /// The answer when [`whole`](Self::whole) found none: the error
    /// evaluation stopped at, when its budget's gate had opened (so
    /// [`committable`] had said that the walker meets the same error at
    /// the same point) and the general parser accepts the whole input
    /// (else that parser's error, which CPython reports first); `None` to
    /// leave the input to the general path, having charged at most the
    /// share spent before the gate.
    #[cold]
    #[inline(never)]
    fn failure<T>(&mut self) -> Option<Result<T, EvalError>> {
        if !self.budget.committed() {
            return None;
        }
        // Without an error this is a syntax error (`committable` leaves
        // nothing else), which the general path reports, charging nothing.
        let error = self.error.take()?;
        Some(Err(
            match crate::parse::with_tree(self.src, self.limits, |_| Ok(())) {
                Err(syntax) => syntax,
                Ok(()) => error,
            },
        ))
    }

    /// `r`'s value, or `None` with its error kept for
    /// [`failure`](Self::failure).
    #[inline(always)]
    fn ok<T>(&mut self, r: Result<T, EvalError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => self.fail(e),
        }
    }

    #[cold]
    #[inline(never)]
    fn fail<T>(&mut self, e: EvalError) -> Option<T> {
        self.error = Some(e);
        None
    }

    /// The byte at `i`, or 0 past the end (a NUL in the input also reads
    /// as 0; nothing accepts it, and the end is found by length).
    #[inline]
    fn peek(&self) -> u8 {
        self.s.get(self.i).copied().unwrap_or(0)
    }

    #[inline]
    fn blanks(&mut self) {
        let mut i = self.i;
        while let Some(b' ' | b'\t') = self.s.get(i) {
            i += 1;
        }
        self.i = i;
    }

    /// Consumes `next` and the blanks after it: now in operand position.
    #[inline]
    fn advance(&mut self) {
        self.i += self.next_len;
        self.blanks();
    }

    /// After an operand: skips blanks and reads the token that follows.
    ///
    /// Tables instead of a `match` on the byte: the operators of an
    /// expression alternate (`a*b + c*d - ...`), and a jump on them
    /// mispredicted about once per operator.
    #[inline]
    fn lex_next(&mut self) {
        let s = self.s;
        let mut i = self.i;
        while let Some(b' ' | b'\t') = s.get(i) {
            i += 1;
        }
        self.i = i;
        let Some(&first) = s.get(i) else {
            self.next = Next::End;
            self.next_len = 0;
            return;
        };
        let second = s.get(i + 1).copied().unwrap_or(0);
        let one = ONE_BYTE[usize::from(first)];
        let row = usize::from(TWO_BYTE_ROW[usize::from(first)]);
        let two = TWO_BYTE
            .get(row)
            .and_then(|r| r.get(usize::from(second)))
            .copied()
            .unwrap_or(Token::ALONE);
        let token = if matches!(two.next, Next::End) {
            one
        } else {
            two
        };
        // An augmented assignment (`+=`, `**=`, `//=`, `<<=`).
        let assignment = token.arithmetic & (s.get(i + usize::from(token.len)) == Some(&b'='));
        self.next = if assignment { Next::Other } else { token.next };
        self.next_len = usize::from(token.len);
    }

    /// `height` if the parser accepts a node that high.
    #[inline]
    fn height(&self, height: u32) -> Option<u32> {
        (height as usize <= self.limits.max_nesting && height <= MAX_HEIGHT).then_some(height)
    }

    #[inline]
    fn enter(&mut self) -> Option<()> {
        self.recursion += 1;
        (self.recursion <= MAX_RECURSION).then_some(())
    }

    /// At a `(`, `i` on it: one bracket deeper, within the tokenizer's and
    /// the parser's limits.
    fn open(&mut self) -> Option<()> {
        self.i += 1;
        self.blanks();
        self.brackets += 1;
        if self.brackets > self.limits.max_depth || self.brackets > self.limits.max_nesting {
            return None;
        }
        self.enter()
    }

    /// At the `)` that closes the innermost bracket, `i` on it.
    fn close(&mut self) -> Option<()> {
        if self.peek() != b')' {
            return None;
        }
        self.i += 1;
        self.brackets -= 1;
        self.recursion -= 1;
        self.lex_next();
        Some(())
    }

    /// `bitwise_or (cmp_op bitwise_or)*`
    fn comparison(&mut self) -> Option<Operand> {
        let first = self.binary(level::BIT_OR)?;
        self.comparison_from(first)
    }

    /// A whole argument or bracketed expression: [`comparison`], with the
    /// commonest case, one operand before the `,` or `)`, decided before
    /// the two calls down the levels.
    ///
    /// [`comparison`]: Self::comparison
    #[inline(always)]
    fn enclosed(&mut self) -> Option<Operand> {
        let first = self.operand()?;
        if matches!(self.next, Next::Comma | Next::RParen) {
            return Some(first);
        }
        let first = self.binary_from(0, first)?;
        self.comparison_from(first)
    }

    /// [`comparison`](Self::comparison) after its first operand.
    fn comparison_from(&mut self, first: Operand) -> Option<Operand> {
        let Next::Cmp(mut op) = self.next else {
            return Some(first);
        };
        let mut height = first.height();
        // Out of the store but held, as the walker holds it, until the
        // comparison on its right is made.
        let mut left = self.held.value(first)?;
        let mut holds = true;
        loop {
            self.advance();
            let right = self.binary(level::BIT_OR)?;
            height = height.max(right.height());
            let right = self.held.value(right)?;
            if holds {
                let r = ops::compare(op, &left, &right, &mut self.budget);
                holds = self.ok(r)?;
            }
            self.budget.release(held_bytes(&left));
            left = right;
            match self.next {
                Next::Cmp(next) => op = next,
                _ => break,
            }
        }
        self.budget.release(held_bytes(&left));
        Some(Operand::bool(holds, self.height(height + 1)?))
    }

    /// The left-associative levels from `min` up, as the parser's
    /// precedence climbing groups them: one run of operators of one level
    /// is one node, `height + 1` over its tallest operand.
    fn binary(&mut self, min: u8) -> Option<Operand> {
        let left = self.operand()?;
        self.binary_from(min, left)
    }

    /// [`binary`](Self::binary) after its first operand.
    fn binary_from(&mut self, min: u8, mut left: Operand) -> Option<Operand> {
        while let Next::Bin(_, prec) = self.next {
            if prec < min {
                break;
            }
            let mut height = left.height();
            let mut acc = left;
            while let Next::Bin(op, p) = self.next {
                if p != prec {
                    break;
                }
                self.advance();
                let right = match prec {
                    level::TERM => self.factor()?,
                    level::ARITH => self.term()?,
                    _ => self.binary(prec + 1)?,
                };
                height = height.max(right.height());
                acc = self.apply(op, acc, right)?;
            }
            left = acc.with_height(self.height(height + 1)?);
        }
        Some(left)
    }

    /// `binary(level::TERM)`, the `* / // %` level, inline in the `+ -` level's
    /// loop: the operand of every `+` and `-` is one, and a call for each
    /// cost more than the level itself.
    #[inline]
    fn term(&mut self) -> Option<Operand> {
        let left = self.operand()?;
        if !matches!(self.next, Next::Bin(_, level::TERM)) {
            return Some(left);
        }
        let mut height = left.height();
        let mut acc = left;
        while let Next::Bin(op, level::TERM) = self.next {
            self.advance();
            let right = self.operand()?;
            height = height.max(right.height());
            acc = self.apply(op, acc, right)?;
        }
        Some(acc.with_height(self.height(height + 1)?))
    }

    /// `acc op right` (height left to the caller): the float and
    /// small-int cases inline, the rest out of line.
    #[inline(always)]
    fn apply(&mut self, op: BinOp, acc: Operand, right: Operand) -> Option<Operand> {
        match operand::inline_binary(op, acc, right) {
            Some(v) => Some(v),
            None => self.apply_values(op, acc, right),
        }
    }

    /// [`apply`](Self::apply) on values, with `acc` by value (a big int's
    /// sum reuses its digits).
    #[inline(never)]
    fn apply_values(&mut self, op: BinOp, acc: Operand, right: Operand) -> Option<Operand> {
        if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul)
            && acc.is_wide_int()
            && right.is_wide_int()
        {
            let both_small = acc.is_int() && right.is_int();
            // Borrowed where they are held.
            let (small_a, small_b);
            let a = match acc.as_int() {
                Some(v) => {
                    small_a = [v.unsigned_abs()];
                    wide::WideRef::small(v, &small_a)
                }
                None => self.held.wide_ref(acc)?,
            };
            let b = match right.as_int() {
                Some(v) => {
                    small_b = [v.unsigned_abs()];
                    wide::WideRef::small(v, &small_b)
                }
                None => self.held.wide_ref(right)?,
            };
            // The operands' limbs, as `Held::bytes` counts them (the
            // small ones' none).
            let taken = 8
                * (a.magnitude.len() * usize::from(!acc.is_int())
                    + b.magnitude.len() * usize::from(!right.is_int())) as u64;
            let mut out = [0; wide::LIMBS];
            let r = wide::binary(op, a, b, both_small, &mut self.budget, &mut out);
            if let Some(w) = self.ok(r)? {
                self.budget.release(taken);
                // The later operand first: its run is the last one.
                self.held.discard(right);
                self.held.discard(acc);
                let sum = self.held.wide(w.of(&out), 0);
                return self.hold(sum);
            }
        }
        let taken = self.held.bytes(acc) + self.held.bytes(right);
        self.budget.release(taken);
        // The later operand first: it is the one on top of its stack.
        let right = self.held.value(right)?;
        let acc = self.held.value(acc)?;
        let r = ops::binary_owned(op, acc, &right, &mut self.budget);
        let value = self.ok(r)?;
        let result = self.held.operand(value, 0);
        self.hold(result)
    }

    /// `o`, a value just made, counted as held until an operation takes
    /// it, where the walker counts it (`Budget::hold`): `None` with a
    /// `LimitError` past `Limits::max_memory`.
    #[inline(always)]
    fn hold(&mut self, o: Operand) -> Option<Operand> {
        if !o.is_held() {
            return Some(o);
        }
        let bytes = self.held.bytes(o);
        if self.budget.try_hold(bytes) {
            Some(o)
        } else {
            self.over_memory()
        }
    }

    #[cold]
    #[inline(never)]
    fn over_memory(&mut self) -> Option<Operand> {
        let e = self.budget.memory_error();
        self.fail(e)
    }

    /// `o`, about to be taken by an operation: no longer held.
    #[inline(always)]
    fn release(&mut self, o: Operand) {
        if o.is_held() {
            let bytes = self.held.bytes(o);
            self.budget.release(bytes);
        }
    }

    /// [`factor`](Self::factor), with its commonest case, a number
    /// literal not followed by `**`, inline.
    #[inline(always)]
    fn operand(&mut self) -> Option<Operand> {
        let first = self.peek();
        if NAME_START[usize::from(first)] {
            // A name, the other common operand: no trip through `factor`'s
            // unary operators and `atom`'s cases.
            let base = self.name(self.height(1)?)?;
            self.lex_next();
            if matches!(self.next, Next::Pow | Next::LParen) {
                return self.postfix(base);
            }
            return Some(base);
        }
        if !first.is_ascii_digit() {
            return self.factor();
        }
        let literal = self.number(self.height(1)?)?;
        self.lex_next();
        match self.next {
            Next::Pow => self.power(literal),
            // A number is not callable.
            Next::LParen => None,
            _ => Some(literal),
        }
    }

    /// `('+' | '-' | '~') factor | power`, where `power` is
    /// `primary ['**' factor]`: right-associative, and looser than a unary
    /// operator on its right (`2**-1`).
    fn factor(&mut self) -> Option<Operand> {
        let op = match self.peek() {
            b'-' => UnaryOp::Neg,
            b'+' => UnaryOp::Pos,
            b'~' => UnaryOp::Invert,
            _ => {
                let base = self.primary()?;
                if !matches!(self.next, Next::Pow) {
                    return Some(base);
                }
                return self.power(base);
            }
        };
        self.i += 1;
        self.blanks();
        self.enter()?;
        let x = self.factor()?;
        self.recursion -= 1;
        let height = self.height(x.height() + 1)?;
        if let Some(r) = operand::inline_unary(op, x) {
            return Some(r.with_height(height));
        }
        self.release(x);
        let x = self.held.value(x)?;
        let r = ops::unary(op, &x, &mut self.budget);
        let value = self.ok(r)?;
        let result = self.held.operand(value, height);
        self.hold(result)
    }

    /// `base ** factor`, at the `**`.
    fn power(&mut self, base: Operand) -> Option<Operand> {
        self.advance();
        self.enter()?;
        let exponent = self.operand()?;
        self.recursion -= 1;
        let height = self.height(1 + base.height().max(exponent.height()))?;
        // What `ops::binary` comes to for two floats, or a float and an
        // int in the word (converted as `float_binary`'s caller converts
        // it: `int.__pow__` declines a float), without the trip through
        // values.
        let floats = match (base.as_float(), exponent.as_float()) {
            (Some(x), Some(y)) => Some((x, y)),
            (Some(x), None) => exponent.as_int().map(|y| (x, y as f64)),
            (None, Some(y)) => base.as_int().map(|x| (x as f64, y)),
            (None, None) => None,
        };
        if let Some((x, y)) = floats {
            return match self.ok(float::pow_real(x, y))? {
                float::Pow::Real(r) => Some(Operand::float(r, height)),
                float::Pow::Complex(c) => Some(self.held.operand(Value::Complex(c), height)),
            };
        }
        if let (Some(a), Some(e)) = (base.as_int(), exponent.as_int()) {
            if let Some(power) = self.short_power(a, e, height) {
                return power;
            }
        }
        self.release(exponent);
        self.release(base);
        // The later operand first: it is the one on top of the stack.
        let exponent = self.held.value(exponent)?;
        let base = self.held.value(base)?;
        let r = ops::binary(BinOp::Pow, &base, &exponent, &mut self.budget);
        let value = self.ok(r)?;
        let result = self.held.operand(value, height);
        self.hold(result)
    }

    /// `a ** e` for two small ints whose power leaves `i64`, where
    /// `ops::binary` would come to `Int::pow`'s short power (same checks,
    /// same charge), with the limbs kept as a wide int instead of
    /// becoming a `BigInt`. `None` when it would not: the caller goes the
    /// general way, nothing charged; `Some(None)` for an error (kept).
    fn short_power(&mut self, a: i64, e: i64, height: u32) -> Option<Option<Operand>> {
        // `small_binary` answers an exponent up to 63 whose power fits, and
        // `Int::pow` a base of 0, 1 or -1 and a negative exponent (a float).
        let e = u64::try_from(e).ok()?;
        let overflows = e > 63 || a.checked_pow(e as u32).is_none();
        if a.unsigned_abs() < 2 || !overflows {
            return None;
        }
        // Written where it is kept; the room given back otherwise.
        let (offset, room) = self.held.reserve_wide()?;
        let power = num::int::short_power_limbs(a, e, &mut self.budget, room);
        if let Some(Ok(p)) = &power {
            if p.len > 0 {
                let power = self.held.finish_wide(offset, p.negative, p.len, height);
                return Some(self.hold(power));
            }
        }
        self.held.abandon_wide(offset);
        let power = match power? {
            Ok(power) => power,
            Err(e) => return Some(self.fail(e)),
        };
        // A power of two past the limbs: charged already, so made here
        // (`None` only for a shift past `usize`, beyond 2**38 bits here).
        let Some(int) = power.into_int(&[]) else {
            return Some(None);
        };
        let power = self.held.operand(Value::Int(int), height);
        Some(self.hold(power))
    }

    /// `atom ('(' [arguments] ')')*`, calls of built-ins only.
    #[inline]
    fn primary(&mut self) -> Option<Operand> {
        let mut sub = self.atom()?;
        while matches!(self.next, Next::LParen) {
            sub = self.call(sub)?;
        }
        Some(sub)
    }

    /// The calls and the `**` after a name that [`operand`](Self::operand)
    /// has read: the rest of `factor`'s `primary ['**' factor]`.
    #[inline(never)]
    fn postfix(&mut self, mut sub: Operand) -> Option<Operand> {
        while matches!(self.next, Next::LParen) {
            sub = self.call(sub)?;
        }
        if matches!(self.next, Next::Pow) {
            return self.power(sub);
        }
        Some(sub)
    }

    /// `f(args)`, at the `(`. Up to four arguments are kept on the stack;
    /// more move to a vector.
    fn call(&mut self, func: Operand) -> Option<Operand> {
        let f = func.builtin()?;
        self.open()?;
        if self.peek() == b')' {
            return self.call_many(f, func.height(), None);
        }
        let first = self.enclosed()?;
        if !matches!(self.next, Next::RParen) {
            return self.call_many(f, func.height(), Some(first));
        }
        // One argument, the commonest call: no array of them.
        self.close()?;
        let height = self.height(func.height().max(first.height()) + 1)?;
        if let Some(x) = first.as_float() {
            // `sqrt`, `cos`, ... of a float: the libm call and its checks.
            if let Some(r) = builtins::call_float_1(f, x) {
                return Some(Operand::float(self.ok(r)?, height));
            }
        }
        self.release(first);
        let arg = self.held.value(first)?;
        let r = builtins::call(f, std::slice::from_ref(&arg), &mut self.budget);
        let value = self.ok(r)?;
        let result = self.held.operand(value, height);
        self.hold(result)
    }

    /// [`call`](Self::call) of any number of arguments, after the first
    /// (`None`: at the `)` of `f()`).
    #[inline(never)]
    fn call_many(
        &mut self,
        f: Builtin,
        mut height: u32,
        first: Option<Operand>,
    ) -> Option<Operand> {
        const FEW: usize = 4;
        let mut few: [Value; FEW] = [const { Value::Bool(false) }; FEW];
        let mut count = 0;
        let mut many: Vec<Value> = Vec::new();
        let mut next = first;
        while let Some(arg) = next {
            height = height.max(arg.height());
            // Out of the store but held, as the walker holds it, until
            // the call.
            let arg = self.held.value(arg)?;
            match few.get_mut(count) {
                Some(slot) => *slot = arg,
                None => {
                    if many.is_empty() {
                        many.extend(
                            few.iter_mut()
                                .map(|v| std::mem::replace(v, Value::Bool(false))),
                        );
                    }
                    many.push(arg);
                }
            }
            count += 1;
            match self.next {
                Next::Comma => self.advance(),
                Next::RParen => break,
                _ => return None,
            }
            next = if self.peek() == b')' {
                None
            } else {
                Some(self.enclosed()?)
            };
        }
        self.close()?;
        let args = if count <= FEW {
            few.get(..count)?
        } else {
            &many[..]
        };
        let taken = args.iter().map(held_bytes).sum();
        self.budget.release(taken);
        let r = builtins::call(f, args, &mut self.budget);
        let value = self.ok(r)?;
        let height = self.height(height + 1)?;
        let result = self.held.operand(value, height);
        self.hold(result)
    }

    /// A number, a name, `True`/`False` or a parenthesized expression.
    #[inline]
    fn atom(&mut self) -> Option<Operand> {
        let operand = match self.peek() {
            b'0'..=b'9' | b'.' => self.number(self.height(1)?)?,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.name(self.height(1)?)?,
            b'(' => return self.parenthesized(),
            _ => return None,
        };
        self.lex_next();
        Some(operand)
    }

    /// `'(' comparison ')'`, at the `(`.
    fn parenthesized(&mut self) -> Option<Operand> {
        self.open()?;
        let inner = self.enclosed()?;
        if !matches!(self.next, Next::RParen) {
            return None;
        }
        self.close()?;
        Some(inner)
    }

    /// `True`, `False` or a built-in name; other names and keywords are
    /// left to the general path.
    #[inline(never)]
    fn name(&mut self, height: u32) -> Option<Operand> {
        let start = self.i;
        let s = self.s;
        let mut i = start;
        while let Some(&b) = s.get(i) {
            if !NAME_BYTE[usize::from(b)] {
                break;
            }
            i += 1;
        }
        self.i = i;
        if self.peek() >= 0x80 {
            // A non-ASCII identifier character (NFKC matters there).
            return None;
        }
        Some(match self.src.get(start..self.i)? {
            "True" => Operand::bool(true, height),
            "False" => Operand::bool(false, height),
            name if !self.vars.is_empty() => return self.variable(name, height),
            name => {
                let value = builtins::lookup(name)?;
                self.held.operand(value, height)
            }
        })
    }

    /// A name with the caller's variables in scope: a variable (held as
    /// the walker holds a name's value), else a built-in.
    #[inline]
    fn variable(&mut self, name: &str, height: u32) -> Option<Operand> {
        // A keyword is no built-in either: only a bound one needs the test.
        match self.vars.get(name) {
            Some(_) if self.vars.has_keyword() && is_keyword(name) => None,
            // The commonest values fit the operand's word: no copy to
            // make and nothing held.
            Some(Binding::Value(Value::Float(x))) => Some(Operand::float(*x, height)),
            Some(Binding::Value(Value::Int(crate::Int(IntRepr::Small(i))))) => {
                Some(Operand::int(*i, height))
            }
            Some(Binding::Value(v)) => {
                // A name read copies its value: an int past the machine
                // word is charged per copy, as the walker charges it.
                let r = self.budget.charge_copy(v);
                self.ok(r)?;
                let operand = self.held.operand(v.clone(), height);
                self.hold(operand)
            }
            Some(Binding::Function(_)) => None,
            None => Some(self.held.operand(builtins::lookup(name)?, height)),
        }
    }

    /// A decimal int, float or imaginary literal without underscores, as
    /// an operand of `height`. Inline up to the commonest case, a short
    /// int literal; the rest out of line.
    #[inline(always)]
    fn number(&mut self, height: u32) -> Option<Operand> {
        let s = self.s;
        let start = self.i;
        // Every digit goes into the mantissa, which is exact while there
        // are at most 19 of them.
        let mut mantissa: u64 = 0;
        let mut i = start;
        while let Some(&b) = s.get(i) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
            i += 1;
        }
        self.i = i;
        let int_digits = i - start;
        let after = s.get(i).copied().unwrap_or(0);
        // `continues_token` also covers `.`, `e` and `j`: floats go on below.
        if !continues_token(after)
            && (int_digits == 1 || (int_digits <= 18 && s.get(start) != Some(&b'0')))
        {
            return Some(Operand::int(mantissa as i64, height));
        }
        if after == b'.' {
            return self.float(start, mantissa, int_digits, height);
        }
        self.number_rest(start, mantissa, int_digits, height)
    }

    /// [`number`](Self::number) past a short int: a float or imaginary
    /// literal, a long int, or an error; at the byte after the integer
    /// part.
    #[inline(never)]
    fn number_rest(
        &mut self,
        start: usize,
        mantissa: u64,
        int_digits: usize,
        height: u32,
    ) -> Option<Operand> {
        let s = self.s;
        let i = self.i;
        let after = s.get(i).copied().unwrap_or(0);
        if matches!(after, b'.' | b'e' | b'E' | b'j' | b'J') {
            return self.float(start, mantissa, int_digits, height);
        }
        if continues_token(after) {
            return None;
        }
        if int_digits > 1 && s.get(start) == Some(&b'0') {
            // `00` is valid Python, `01` an error: either way, rare.
            return None;
        }
        if int_digits <= 18 {
            return Some(Operand::int(mantissa as i64, height));
        }
        let r = number::int(self.src.get(start..i)?, 10, self.limits);
        let value = self.ok(r)?;
        let literal = self.held.operand(value, height);
        self.hold(literal)
    }

    /// The rest of a float or imaginary literal whose integer part (if
    /// any) has been read, at the byte after it.
    #[inline(never)]
    fn float(
        &mut self,
        start: usize,
        mut mantissa: u64,
        int_digits: usize,
        height: u32,
    ) -> Option<Operand> {
        let mut fraction_digits = 0;
        if self.peek() == b'.' {
            self.i += 1;
            fraction_digits = self.digits(&mut mantissa);
            if int_digits == 0 && fraction_digits == 0 {
                return None;
            }
        }
        let after = self.peek();
        if !matches!(after, b'e' | b'E' | b'j' | b'J') {
            // The commonest shape, `digits.digits`, decided here.
            if continues_token(after) {
                return None;
            }
            let digits = int_digits + fraction_digits;
            let x = match clinger(mantissa, digits, -(fraction_digits as i64)) {
                Some(x) => x,
                None => number::float(self.src.get(start..self.i)?),
            };
            return Some(Operand::float(x, height));
        }
        let mut exponent: i32 = 0;
        if matches!(self.peek(), b'e' | b'E') {
            exponent = self.exponent()?;
        }
        let end = self.i;
        let imaginary = matches!(self.peek(), b'j' | b'J');
        if imaginary {
            self.i += 1;
        }
        if continues_token(self.peek()) {
            return None;
        }
        let digits = int_digits + fraction_digits;
        let exp10 = i64::from(exponent) - fraction_digits as i64;
        let x = match clinger(mantissa, digits, exp10) {
            Some(x) => x,
            None => number::float(self.src.get(start..end)?),
        };
        Some(if imaginary {
            let value = Value::Complex(Complex { re: 0.0, im: x });
            self.held.operand(value, height)
        } else {
            Operand::float(x, height)
        })
    }

    /// Reads a run of decimal digits into `mantissa` (wrapping past 19
    /// digits, where the caller stops trusting it); returns their count.
    /// Up to eight at once, without a branch per digit: the fraction of a
    /// float literal has a length that varies, and a loop's exit
    /// mispredicted once per literal.
    #[inline]
    fn digits(&mut self, mantissa: &mut u64) -> usize {
        let s = self.s;
        let start = self.i;
        let mut i = start;
        let mut m = *mantissa;
        if let Some((value, n)) = eight_digits(s, i) {
            m = m.wrapping_mul(POW10_U64[n]).wrapping_add(value);
            i += n;
            if n < 8 {
                *mantissa = m;
                self.i = i;
                return n;
            }
        }
        while let Some(&b) = s.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            m = m.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
            i += 1;
        }
        *mantissa = m;
        self.i = i;
        i - start
    }

    /// `e`/`E`, an optional sign and at least one digit, at the `e`.
    fn exponent(&mut self) -> Option<i32> {
        self.i += 1;
        let negative = self.peek() == b'-';
        if matches!(self.peek(), b'+' | b'-') {
            self.i += 1;
        }
        let start = self.i;
        let mut exponent: i32 = 0;
        while let b @ b'0'..=b'9' = self.peek() {
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i32::from(b - b'0'));
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        Some(if negative { -exponent } else { exponent })
    }
}

/// What a byte starts, after an operand, and how long the token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token {
    next: Next,
    len: u8,
    /// A binary operator or `**`: `=` after it makes an assignment.
    arithmetic: bool,
}

impl Token {
    const OTHER: Token = Token::new(Next::Other, 0);
    /// In [`TWO_BYTE`]: the first byte is a token by itself, whatever
    /// follows (`End` never comes out of the tables otherwise).
    const ALONE: Token = Token::new(Next::End, 0);

    const fn new(next: Next, len: u8) -> Token {
        Token {
            next,
            len,
            arithmetic: matches!(next, Next::Bin(..) | Next::Pow),
        }
    }
}

/// What operator `op` is after an operand, for this path.
const fn after_operand(op: Op) -> Next {
    match op {
        Op::LParen => Next::LParen,
        Op::RParen => Next::RParen,
        Op::Comma => Next::Comma,
        _ => match (op.binary_const(), op.compare_const()) {
            (Some((BinOp::Pow, _)), _) => Next::Pow,
            (Some((bin, prec)), _) => Next::Bin(bin, prec),
            (None, Some(cmp)) => Next::Cmp(cmp),
            // `~`: only before an operand.
            (None, None) => Next::Other,
        },
    }
}

/// The one-byte tokens.
const fn one_byte(b: u8) -> Token {
    match grammar::operator(b, 0) {
        Some((op, 1)) => Token::new(after_operand(op), 1),
        _ => Token::OTHER,
    }
}

/// The bytes that may start a two-byte token, each with its row of
/// [`TWO_BYTE`] (row 0: none): those of the two-byte operators, and `=`
/// and `!`, errors alone.
const TWO_BYTE_FIRST: [u8; 7] = [b'-', b'*', b'/', b'<', b'>', b'=', b'!'];

/// The token that starts with `a b`: a two-byte token, `Other` for a
/// pair that is an error (`->`, `<>`, `=` and `!` alone), or
/// [`Token::ALONE`] when `a` is a token by itself.
const fn two_bytes(a: u8, b: u8) -> Token {
    match (a, b) {
        (b'-', b'>') | (b'<', b'>') => return Token::new(Next::Other, 0),
        _ => {}
    }
    match grammar::operator(a, b) {
        Some((op, 2)) => Token::new(after_operand(op), 2),
        // `a` alone: the one-byte token decides.
        Some(_) => Token::ALONE,
        // `=` or `!` alone.
        None => Token::new(Next::Other, 0),
    }
}

static ONE_BYTE: [Token; 256] = {
    let mut table = [Token::OTHER; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = one_byte(b as u8);
        b += 1;
    }
    table
};

static TWO_BYTE_ROW: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut k = 0;
    while k < TWO_BYTE_FIRST.len() {
        table[TWO_BYTE_FIRST[k] as usize] = k as u8 + 1;
        k += 1;
    }
    table
};

static TWO_BYTE: [[Token; 256]; 8] = {
    let mut table = [[Token::ALONE; 256]; 8];
    let mut k = 0;
    while k < TWO_BYTE_FIRST.len() {
        let mut b = 0;
        while b < 256 {
            table[k + 1][b] = two_bytes(TWO_BYTE_FIRST[k], b as u8);
            b += 1;
        }
        k += 1;
    }
    table
};

/// `10**n` for `n <= 8`.
const POW10_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The value and count of the decimal digits (at most eight) that start at
/// `s[i]`, read as one 8-byte word without a branch per digit (the
/// classic SWAR digit test, then three multiplications); `None` when fewer
/// than eight bytes are left or no digit starts there.
#[inline]
fn eight_digits(s: &[u8], i: usize) -> Option<(u64, usize)> {
    let bytes: [u8; 8] = s.get(i..i.checked_add(8)?)?.try_into().ok()?;
    let values = u64::from_le_bytes(bytes).wrapping_sub(0x3030_3030_3030_3030);
    // A byte's high bit ends up set unless it was a digit: below '0' it
    // wraps, above '9' adding 0x76 reaches 0x80. A borrow or carry only
    // ever starts at a non-digit, so the lowest flagged byte is the first
    // non-digit.
    let flags = (values | values.wrapping_add(0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080;
    let n = (flags.trailing_zeros() / 8) as usize;
    if n == 0 {
        return None;
    }
    // The first byte is the most significant digit. The `n` digits moved
    // to the top bytes (what followed them shifted out), zeros below: the
    // number as eight digits with leading zeros.
    let digits = values << (8 * (8 - n));
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8) & 0x00ff_00ff_00ff_00ff;
    let quads = pairs.wrapping_mul(100).wrapping_add(pairs >> 16) & 0x0000_ffff_0000_ffff;
    let value = quads.wrapping_mul(10_000).wrapping_add(quads >> 32) & 0xffff_ffff;
    Some((value, n))
}

/// `mantissa * 10**exp10` correctly rounded, when that is one IEEE
/// operation on two exact doubles (Clinger's fast path: a mantissa of at
/// most 2**53 and a power of ten of at most 10**22 are exact, and one
/// multiplication or division rounds once); `None` otherwise, also when
/// the literal had more than 19 digits (the mantissa wrapped).
#[inline]
fn clinger(mantissa: u64, digits: usize, exp10: i64) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    if digits > 19 || mantissa > 1 << 53 {
        return None;
    }
    let m = mantissa as f64;
    let scale = *POW10.get(usize::try_from(exp10.unsigned_abs()).ok()?)?;
    Some(if exp10 < 0 { m / scale } else { m * scale })
}

#[cfg(test)]
mod tests;
