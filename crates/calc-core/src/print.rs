//! `Display` for [`Expr`]: canonical Python source with only the
//! parentheses the precedence rules need, so that parsing the output gives
//! back the same tree.

use crate::value::IntRepr;
use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{BinOp, BoolOp, Items, Link, Node, NodeId, Tree};
use crate::{Expr, Int, Value};

/// Binding strength, loosest first.
mod prec {
    pub const IF_ELSE: u8 = 0;
    pub const OR: u8 = 1;
    pub const AND: u8 = 2;
    pub const NOT: u8 = 3;
    pub const COMPARE: u8 = 4;
    /// `|`; the other left-associative levels follow, up to `* / // %`.
    pub const BIT_OR: u8 = 5;
    pub const UNARY: u8 = 11;
    pub const POWER: u8 = 12;
    pub const PRIMARY: u8 = 13;
}

fn binary_prec(op: BinOp) -> u8 {
    match op {
        BinOp::BitOr => prec::BIT_OR,
        BinOp::BitXor => prec::BIT_OR + 1,
        BinOp::BitAnd => prec::BIT_OR + 2,
        BinOp::Shl | BinOp::Shr => prec::BIT_OR + 3,
        BinOp::Add | BinOp::Sub => prec::BIT_OR + 4,
        BinOp::Mul | BinOp::Div | BinOp::FloorDiv | BinOp::Mod => prec::BIT_OR + 5,
        BinOp::Pow => prec::POWER,
    }
}

/// The level of a binary chain: that of its first operator.
fn chain_prec(tree: &Tree, items: Items) -> u8 {
    match tree.nodes.get(items.start as usize) {
        Some(Node::Item(Link::Bin(op), _)) => binary_prec(*op),
        _ => prec::PRIMARY,
    }
}

fn node_prec(tree: &Tree, node: &Node) -> u8 {
    match node {
        Node::IfElse { .. } => prec::IF_ELSE,
        Node::Bool(BoolOp::Or, _) => prec::OR,
        Node::Bool(BoolOp::And, _) => prec::AND,
        Node::Not(..) => prec::NOT,
        Node::Compare(..) => prec::COMPARE,
        Node::Binary(op, ..) => binary_prec(*op),
        Node::Chain(_, items) => chain_prec(tree, *items),
        Node::Unary(..) => prec::UNARY,
        Node::Const(_) | Node::Name(_) | Node::Call(..) | Node::Item(..) => prec::PRIMARY,
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Printer {
            tree: &self.tree,
            f,
        }
        .node(self.tree.root, prec::IF_ELSE)
    }
}

struct Printer<'t, 'f, 'g> {
    tree: &'t Tree,
    f: &'f mut Formatter<'g>,
}

impl Printer<'_, '_, '_> {
    /// Prints `id` where an expression binding at least as tightly as
    /// `min` is needed.
    fn node(&mut self, id: NodeId, min: u8) -> fmt::Result {
        let Ok(node) = self.tree.node(id) else {
            return Err(fmt::Error);
        };
        let parens = node_prec(self.tree, node) < min;
        if parens {
            self.f.write_char('(')?;
        }
        match node {
            Node::Const(v) => constant(v, self.f)?,
            Node::Name(i) => {
                let name = self.tree.names.get(*i as usize).ok_or(fmt::Error)?;
                self.f.write_str(name)?;
            }
            Node::Unary(op, x) => {
                self.f.write_str(op.symbol())?;
                self.node(*x, prec::UNARY)?;
            }
            Node::Not(count, x) => {
                for _ in 0..*count {
                    self.f.write_str("not ")?;
                }
                self.node(*x, prec::COMPARE)?;
            }
            Node::Binary(BinOp::Pow, l, r) => {
                self.node(*l, prec::PRIMARY)?;
                self.f.write_str(" ** ")?;
                self.node(*r, prec::UNARY)?;
            }
            // A left operand of the same level needs parentheses too: without
            // them it would join the chain.
            Node::Binary(op, l, r) => {
                let p = binary_prec(*op);
                self.node(*l, p + 1)?;
                write!(self.f, " {} ", op.symbol())?;
                self.node(*r, p + 1)?;
            }
            Node::Chain(first, items) => {
                self.node(*first, chain_prec(self.tree, *items) + 1)?;
                self.items(*items, chain_prec(self.tree, *items) + 1)?;
            }
            Node::Compare(first, items) => {
                self.node(*first, prec::BIT_OR)?;
                self.items(*items, prec::BIT_OR)?;
            }
            Node::Bool(op, items) => {
                let inner = if *op == BoolOp::Or {
                    prec::AND
                } else {
                    prec::NOT
                };
                let mut first = true;
                for id in items.ids() {
                    if !first {
                        write!(self.f, " {} ", op.symbol())?;
                    }
                    first = false;
                    self.item(id, inner)?;
                }
            }
            Node::IfElse { body, test, orelse } => {
                self.node(*body, prec::OR)?;
                self.f.write_str(" if ")?;
                self.node(*test, prec::OR)?;
                self.f.write_str(" else ")?;
                self.node(*orelse, prec::IF_ELSE)?;
            }
            Node::Call(func, items) => {
                self.node(*func, prec::PRIMARY)?;
                self.f.write_char('(')?;
                let mut first = true;
                for id in items.ids() {
                    if !first {
                        self.f.write_str(", ")?;
                    }
                    first = false;
                    self.item(id, prec::IF_ELSE)?;
                }
                self.f.write_char(')')?;
            }
            Node::Item(_, x) => self.node(*x, min)?,
        }
        if parens {
            self.f.write_char(')')?;
        }
        Ok(())
    }

    /// Prints the operand of the item node `id`.
    fn item(&mut self, id: usize, min: u8) -> fmt::Result {
        match self.tree.nodes.get(id) {
            Some(Node::Item(_, x)) => self.node(*x, min),
            _ => Err(fmt::Error),
        }
    }

    /// Prints ` op operand` for each item of a chain.
    fn items(&mut self, items: Items, min: u8) -> fmt::Result {
        for id in items.ids() {
            let symbol = match self.tree.nodes.get(id) {
                Some(Node::Item(Link::Cmp(op), _)) => op.symbol(),
                Some(Node::Item(Link::Bin(op), _)) => op.symbol(),
                _ => return Err(fmt::Error),
            };
            write!(self.f, " {symbol} ")?;
            self.item(id, min)?;
        }
        Ok(())
    }
}

/// A literal as source: Python's repr, except where the repr would not read
/// back as the same literal.
fn constant(v: &Value, f: &mut Formatter<'_>) -> fmt::Result {
    match v {
        // Only `1e400`-like literals produce infinities; `inf` is a name.
        Value::Float(x) if x.is_infinite() => f.write_str("1e999"),
        Value::Complex(c) if c.re == 0.0 && c.im.is_infinite() => f.write_str("1e999j"),
        // A hex literal may exceed the decimal digit limit of repr.
        Value::Int(Int(IntRepr::Big(b))) if b.bits() > 14_000 => write!(f, "{b:#x}"),
        _ => write!(f, "{v}"),
    }
}
