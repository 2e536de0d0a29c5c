//! The operators of the language, defined once: how each is spelled, the
//! token kind it is, which node it makes and how tightly it binds. The
//! tokenizer and parser (`parse`), the one-pass evaluator (`direct`) and
//! the printer (`print`) read them from here.
//!
//! Precedence levels, loosest first, as in Python 3.11's grammar:
//!
//! | level | operators | associativity | node |
//! |---|---|---|---|
//! | [`level::IF_ELSE`] | `a if c else b` | right | `IfElse` |
//! | [`level::OR`] | `or` | flat | `Bool` |
//! | [`level::AND`] | `and` | flat | `Bool` |
//! | [`level::NOT`] | `not` (prefix) | | `Not` |
//! | [`level::COMPARE`] | `< <= > >= == !=` | chained | `Compare` |
//! | [`level::BIT_OR`] | `\|` | left | `Binary`/`Chain` |
//! | [`level::BIT_XOR`] | `^` | left | `Binary`/`Chain` |
//! | [`level::BIT_AND`] | `&` | left | `Binary`/`Chain` |
//! | [`level::SHIFT`] | `<< >>` | left | `Binary`/`Chain` |
//! | [`level::ARITH`] | `+ -` | left | `Binary`/`Chain` |
//! | [`level::TERM`] | `* / // %` | left | `Binary`/`Chain` |
//! | [`level::UNARY`] | `+ - ~` (prefix) | | `Unary` |
//! | [`level::POWER`] | `**` | right | `Binary` |
//! | [`level::PRIMARY`] | calls, atoms | | `Call`, `Const`, `Name` |
//!
//! `**` binds tighter than a unary operator on its left (`-2**2` is
//! `-(2**2)`) and looser than one on its right (`2**-1`).

use crate::ast::{BinOp, CmpOp, UnaryOp};

/// Binding strength of each level, loosest first.
pub(crate) mod level {
    /// `a if c else b`: the loosest, also any expression.
    pub const IF_ELSE: u8 = 0;
    /// `or`
    pub const OR: u8 = 1;
    /// `and`
    pub const AND: u8 = 2;
    /// prefix `not`
    pub const NOT: u8 = 3;
    /// comparisons
    pub const COMPARE: u8 = 4;
    /// `|`: the first of the six left-associative binary levels.
    pub const BIT_OR: u8 = 5;
    /// `^`
    pub const BIT_XOR: u8 = 6;
    /// `&`
    pub const BIT_AND: u8 = 7;
    /// `<<`, `>>`
    pub const SHIFT: u8 = 8;
    /// `+`, `-`
    pub const ARITH: u8 = 9;
    /// `*`, `/`, `//`, `%`: the last left-associative level.
    pub const TERM: u8 = 10;
    /// prefix `+`, `-`, `~`
    pub const UNARY: u8 = 11;
    /// `**`
    pub const POWER: u8 = 12;
    /// calls and atoms
    pub const PRIMARY: u8 = 13;
}

/// How operators of one level group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assoc {
    /// `a - b - c` is `(a - b) - c`.
    Left,
    /// `a ** b ** c` is `a ** (b ** c)`.
    Right,
}

/// What an operator token does: the node it makes after an operand
/// (binary or comparison) and before one (unary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Role {
    /// The binary operator it is between two operands.
    pub binary: Option<BinOp>,
    /// The comparison it is between two operands.
    pub compare: Option<CmpOp>,
    /// The unary operator it is before an operand.
    pub unary: Option<UnaryOp>,
}

const NONE: Role = Role {
    binary: None,
    compare: None,
    unary: None,
};

const fn bin(op: BinOp) -> Role {
    Role {
        binary: Some(op),
        ..NONE
    }
}

const fn cmp(op: CmpOp) -> Role {
    Role {
        compare: Some(op),
        ..NONE
    }
}

/// Declares [`Op`] and [`OPERATORS`] from one list, so that the token
/// kinds and the table cannot disagree.
macro_rules! operators {
    ($($(#[$doc:meta])* $name:ident $text:literal $role:expr;)*) => {
        /// Operators and delimiters: the operator token kinds.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Op {
            $($(#[$doc])* $name,)*
        }

        /// Each operator's spelling and role, indexed by `Op as usize`.
        pub(crate) const OPERATORS: &[(Op, &str, Role)] = &[$((Op::$name, $text, $role),)*];
    };
}

operators! {
    /// `+`
    Plus "+" Role { binary: Some(BinOp::Add), compare: None, unary: Some(UnaryOp::Pos) };
    /// `-`
    Minus "-" Role { binary: Some(BinOp::Sub), compare: None, unary: Some(UnaryOp::Neg) };
    /// `*`
    Star "*" bin(BinOp::Mul);
    /// `/`
    Slash "/" bin(BinOp::Div);
    /// `//`
    DoubleSlash "//" bin(BinOp::FloorDiv);
    /// `%`
    Percent "%" bin(BinOp::Mod);
    /// `**`
    DoubleStar "**" bin(BinOp::Pow);
    /// `<<`
    Shl "<<" bin(BinOp::Shl);
    /// `>>`
    Shr ">>" bin(BinOp::Shr);
    /// `&`
    Amp "&" bin(BinOp::BitAnd);
    /// `|`
    Pipe "|" bin(BinOp::BitOr);
    /// `^`
    Caret "^" bin(BinOp::BitXor);
    /// `~`
    Tilde "~" Role { unary: Some(UnaryOp::Invert), ..NONE };
    /// `<`
    Lt "<" cmp(CmpOp::Lt);
    /// `<=`
    Le "<=" cmp(CmpOp::Le);
    /// `>`
    Gt ">" cmp(CmpOp::Gt);
    /// `>=`
    Ge ">=" cmp(CmpOp::Ge);
    /// `==`
    EqEq "==" cmp(CmpOp::Eq);
    /// `!=`
    Ne "!=" cmp(CmpOp::Ne);
    /// `(`
    LParen "(" NONE;
    /// `)`
    RParen ")" NONE;
    /// `,`
    Comma "," NONE;
}

impl Op {
    /// The operator's spelling and role.
    #[inline]
    const fn entry(self) -> &'static (Op, &'static str, Role) {
        &OPERATORS[self as usize]
    }

    /// The binary operator this token is after an operand, with its level
    /// (`**` included, at [`level::POWER`]).
    #[inline]
    pub(crate) fn binary(self) -> Option<(BinOp, u8)> {
        BINARY[self as usize]
    }

    /// The comparison this token is after an operand.
    #[inline]
    pub(crate) fn compare(self) -> Option<CmpOp> {
        COMPARE[self as usize]
    }

    /// The unary operator this token is before an operand.
    #[inline]
    pub(crate) fn unary(self) -> Option<UnaryOp> {
        UNARY[self as usize]
    }

    /// [`compare`](Self::compare) in a constant context.
    pub(crate) const fn compare_const(self) -> Option<CmpOp> {
        self.entry().2.compare
    }

    /// [`binary`](Self::binary) in a constant context.
    pub(crate) const fn binary_const(self) -> Option<(BinOp, u8)> {
        match self.entry().2.binary {
            Some(op) => Some((op, precedence(op))),
            None => None,
        }
    }

    /// Whether `op=` is one token in Python, an augmented assignment
    /// (every binary operator's).
    pub(crate) const fn assigns(self) -> bool {
        self.entry().2.binary.is_some()
    }
}

/// The roles of [`OPERATORS`] as lookup tables by `Op as usize`: one
/// load each on the parser's hot path.
static BINARY: [Option<(BinOp, u8)>; OPERATORS.len()] = {
    let mut table = [None; OPERATORS.len()];
    let mut k = 0;
    while k < OPERATORS.len() {
        table[k] = OPERATORS[k].0.binary_const();
        k += 1;
    }
    table
};

static COMPARE: [Option<CmpOp>; OPERATORS.len()] = {
    let mut table = [None; OPERATORS.len()];
    let mut k = 0;
    while k < OPERATORS.len() {
        table[k] = OPERATORS[k].2.compare;
        k += 1;
    }
    table
};

static UNARY: [Option<UnaryOp>; OPERATORS.len()] = {
    let mut table = [None; OPERATORS.len()];
    let mut k = 0;
    while k < OPERATORS.len() {
        table[k] = OPERATORS[k].2.unary;
        k += 1;
    }
    table
};

/// The level of a binary operator.
pub(crate) const fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::BitOr => level::BIT_OR,
        BinOp::BitXor => level::BIT_XOR,
        BinOp::BitAnd => level::BIT_AND,
        BinOp::Shl | BinOp::Shr => level::SHIFT,
        BinOp::Add | BinOp::Sub => level::ARITH,
        BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => level::TERM,
        BinOp::Pow => level::POWER,
    }
}

/// How a binary operator groups.
pub(crate) const fn associativity(op: BinOp) -> Assoc {
    match op {
        BinOp::Pow => Assoc::Right,
        _ => Assoc::Left,
    }
}

/// The operator whose spelling is `a b` or else `a`, and its length in
/// bytes (`b` is 0 at the end of input): two table loads.
#[inline]
pub(crate) const fn operator(a: u8, b: u8) -> Option<(Op, usize)> {
    if let Some(op) = PAIRS[PAIR_ROW[a as usize] as usize][b as usize] {
        return Some((op, 2));
    }
    match SINGLE[a as usize] {
        Some(op) => Some((op, 1)),
        None => None,
    }
}

/// The one-byte operators, by byte.
static SINGLE: [Option<Op>; 256] = {
    let mut table = [None; 256];
    let mut k = 0;
    while k < OPERATORS.len() {
        let text = OPERATORS[k].1.as_bytes();
        if text.len() == 1 {
            table[text[0] as usize] = Some(OPERATORS[k].0);
        }
        k += 1;
    }
    table
};

/// How many bytes start a two-byte operator (each gets a row of
/// [`PAIRS`]; row 0 is for the other bytes, and empty).
const PAIR_ROWS: usize = {
    let mut rows = 1;
    let mut k = 0;
    while k < OPERATORS.len() {
        let text = OPERATORS[k].1.as_bytes();
        if text.len() == 2 && first_pair_with(text[0]) == k {
            rows += 1;
        }
        k += 1;
    }
    rows
};

/// The index in [`OPERATORS`] of the first two-byte operator starting
/// with `a` (`OPERATORS.len()` if none).
const fn first_pair_with(a: u8) -> usize {
    let mut k = 0;
    while k < OPERATORS.len() {
        let text = OPERATORS[k].1.as_bytes();
        if text.len() == 2 && text[0] == a {
            return k;
        }
        k += 1;
    }
    OPERATORS.len()
}

/// For each byte, its row of [`PAIRS`].
static PAIR_ROW: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut row = 1;
    let mut k = 0;
    while k < OPERATORS.len() {
        let text = OPERATORS[k].1.as_bytes();
        if text.len() == 2 && first_pair_with(text[0]) == k {
            table[text[0] as usize] = row;
            row += 1;
        }
        k += 1;
    }
    table
};

/// The two-byte operators: `PAIRS[PAIR_ROW[a]][b]` is the one spelled
/// `a b`.
static PAIRS: [[Option<Op>; 256]; PAIR_ROWS] = {
    let mut table = [[None; 256]; PAIR_ROWS];
    let mut k = 0;
    while k < OPERATORS.len() {
        let text = OPERATORS[k].1.as_bytes();
        if text.len() == 2 {
            table[PAIR_ROW[text[0] as usize] as usize][text[1] as usize] = Some(OPERATORS[k].0);
        }
        k += 1;
    }
    table
};

/// The spelling of a binary operator.
pub(crate) const fn binary_text(op: BinOp) -> &'static str {
    let mut k = 0;
    while k < OPERATORS.len() {
        if let Some(b) = OPERATORS[k].2.binary {
            if b as u8 == op as u8 {
                return OPERATORS[k].1;
            }
        }
        k += 1;
    }
    ""
}

/// The spelling of a unary operator.
pub(crate) const fn unary_text(op: UnaryOp) -> &'static str {
    let mut k = 0;
    while k < OPERATORS.len() {
        if let Some(u) = OPERATORS[k].2.unary {
            if u as u8 == op as u8 {
                return OPERATORS[k].1;
            }
        }
        k += 1;
    }
    ""
}

/// The spelling of a comparison.
pub(crate) const fn compare_text(op: CmpOp) -> &'static str {
    let mut k = 0;
    while k < OPERATORS.len() {
        if let Some(c) = OPERATORS[k].2.compare {
            if c as u8 == op as u8 {
                return OPERATORS[k].1;
            }
        }
        k += 1;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_indexed_by_op() {
        for (i, (op, _, _)) in OPERATORS.iter().enumerate() {
            assert_eq!(*op as usize, i, "{op:?}");
        }
    }

    #[test]
    fn every_operator_is_found_by_its_spelling() {
        for &(op, text, _) in OPERATORS {
            let b = text.as_bytes();
            let next = b.get(1).copied().unwrap_or(b' ');
            assert_eq!(operator(b[0], next), Some((op, b.len())), "{text}");
        }
        assert_eq!(operator(b'*', b'*'), Some((Op::DoubleStar, 2)));
        assert_eq!(operator(b'*', b'2'), Some((Op::Star, 1)));
        assert_eq!(operator(b'=', b'1'), None);
        assert_eq!(operator(b'!', b'x'), None);
        assert_eq!(operator(b'a', b'b'), None);
    }

    #[test]
    fn spellings_round_trip() {
        use BinOp::*;
        for op in [
            Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Shl, Shr, BitAnd, BitOr, BitXor,
        ] {
            let text = binary_text(op);
            let b = text.as_bytes();
            let (tok, _) = operator(b[0], b.get(1).copied().unwrap_or(0)).unwrap();
            assert_eq!(tok.binary().map(|(o, _)| o), Some(op));
        }
        assert_eq!(unary_text(UnaryOp::Invert), "~");
        assert_eq!(compare_text(CmpOp::Ne), "!=");
    }

    #[test]
    fn levels_follow_python() {
        // `**` is the only right-associative binary operator, and binds
        // tighter than unary operators, which bind tighter than `*`.
        assert_eq!(associativity(BinOp::Pow), Assoc::Right);
        assert_eq!(associativity(BinOp::Sub), Assoc::Left);
        assert!(precedence(BinOp::Pow) > level::UNARY);
        assert!(level::UNARY > precedence(BinOp::Mul));
        assert!(precedence(BinOp::Mul) > precedence(BinOp::Add));
        assert!(precedence(BinOp::Add) > precedence(BinOp::Shl));
        assert!(precedence(BinOp::Shl) > precedence(BinOp::BitAnd));
        assert!(precedence(BinOp::BitAnd) > precedence(BinOp::BitXor));
        assert!(precedence(BinOp::BitXor) > precedence(BinOp::BitOr));
        assert!(precedence(BinOp::BitOr) > level::COMPARE);
    }
}
