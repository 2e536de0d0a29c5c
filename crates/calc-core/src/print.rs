//! `Display` for [`Expr`]: canonical Python source with only the
//! parentheses the precedence rules need, so that parsing the output gives
//! back the same tree.

use crate::value::IntRepr;
use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{BoolOp, Items, Link, Node, NodeId, Tree};
use crate::{Expr, Int, Value};

use crate::grammar::{associativity, level as prec, precedence as binary_prec, Assoc};

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
        // Printed in parentheses always, where Python requires them.
        Node::Assign(..) => prec::PRIMARY,
        Node::Const(_) | Node::Name(_) | Node::Call(..) | Node::Item(..) => prec::PRIMARY,
        // Printed in parentheses always.
        Node::Tuple(_) | Node::Subscript(..) | Node::Attr(..) => prec::PRIMARY,
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
                write_name(name, self.f)?;
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
            Node::Binary(op, l, r) => {
                let p = binary_prec(*op);
                let (left, right) = match associativity(*op) {
                    // A left operand of the same level needs parentheses
                    // too: without them it would join the chain.
                    Assoc::Left => (p + 1, p + 1),
                    // `**`: a primary on the left, and on the right
                    // anything from a unary operator up (`2 ** -1`).
                    Assoc::Right => (p + 1, prec::UNARY),
                };
                self.node(*l, left)?;
                write!(self.f, " {} ", op.symbol())?;
                self.node(*r, right)?;
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
            Node::Tuple(items) => {
                self.f.write_char('(')?;
                for id in items.ids() {
                    self.item(id, prec::IF_ELSE)?;
                    self.f.write_char(',')?;
                    if id + 1 < items.ids().end {
                        self.f.write_char(' ')?;
                    }
                }
                self.f.write_char(')')?;
            }
            Node::Attr(value, name) => {
                // `1.x` would read as the float `1.` and a name.
                let int = matches!(self.tree.node(*value), Ok(Node::Const(Value::Int(_))));
                if int {
                    self.f.write_char('(')?;
                }
                self.node(*value, prec::PRIMARY)?;
                if int {
                    self.f.write_char(')')?;
                }
                self.f.write_char('.')?;
                write_name(name, self.f)?;
            }
            Node::Subscript(value, index) => {
                self.node(*value, prec::PRIMARY)?;
                self.f.write_char('[')?;
                self.node(*index, prec::IF_ELSE)?;
                self.f.write_char(']')?;
            }
            Node::Assign(i, value) => {
                let name = self.tree.names.get(*i as usize).ok_or(fmt::Error)?;
                write!(self.f, "({name} := ")?;
                self.node(*value, prec::IF_ELSE)?;
                self.f.write_char(')')?;
            }
        }
        if parens {
            self.f.write_char(')')?;
        }
        Ok(())
    }

    /// Prints the operand of the item node `id`.
    fn item(&mut self, id: usize, min: u8) -> fmt::Result {
        match self.tree.nodes.get(id) {
            Some(Node::Item(Link::Keyword(k), x)) => {
                let keyword = self.tree.keywords.get(*k as usize).ok_or(fmt::Error)?;
                write_name(keyword, self.f)?;
                self.f.write_char('=')?;
                self.node(*x, min)
            }
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

/// A name as source that parses back to it. A name is kept NFKC-normalized,
/// and one spelled in compatibility characters can normalize to a keyword
/// (`ｉｆ` is the name `if`): such a name is written with its first letter
/// fullwidth (`ｉf`), which normalizes back to it.
fn write_name(name: &str, f: &mut Formatter<'_>) -> fmt::Result {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() && crate::parse::lex::is_keyword(name) => {
            // U+FF21..U+FF3A and U+FF41..U+FF5A: fullwidth `A`..`Z`, `a`..`z`.
            let fullwidth = char::from_u32(u32::from(c) - 0x21 + 0xFF01).ok_or(fmt::Error)?;
            f.write_char(fullwidth)?;
            f.write_str(chars.as_str())
        }
        _ => f.write_str(name),
    }
}
