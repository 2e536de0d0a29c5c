//! Evaluation: a walk over the tree with one [`Budget`] per evaluation.
//!
//! Recursion follows the tree's height, which the parser bounds by
//! `Limits::max_nesting`; flat chains (`and`, `or`, comparisons, calls'
//! arguments) are loops.

use crate::ast::{BinOp, BoolOp, Items, Link, Node, NodeId, Tree, UnaryOp};
use crate::budget::Budget;
use crate::{builtins, ops, EvalError, Limits, Value};

/// Variable bindings visible to one evaluation.
pub(crate) type Vars = [(Box<str>, Value)];

/// Evaluates `tree` with the caller's variables `vars` under `limits`.
pub(crate) fn eval(tree: &Tree, vars: &Vars, limits: &Limits) -> Result<Value, EvalError> {
    let mut walker = Walker {
        tree,
        vars,
        budget: Budget::new(limits),
    };
    walker.node(tree.root)
}

struct Walker<'t, 'l> {
    tree: &'t Tree,
    vars: &'t Vars,
    budget: Budget<'l>,
}

/// Python's name for the type of `v`, as in its error messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Complex(_) => "complex",
        Value::Builtin(b) => match b {
            builtins::Builtin::Int | builtins::Builtin::Float | builtins::Builtin::Complex => {
                "type"
            }
            _ => "builtin_function_or_method",
        },
    }
}

impl Walker<'_, '_> {
    /// Evaluates node `id`. Each kind of node has its own function so that
    /// this one, on every recursion path, keeps a small stack frame.
    fn node(&mut self, id: NodeId) -> Result<Value, EvalError> {
        match self.tree.node(id)? {
            Node::Const(v) => Ok(v.clone()),
            Node::Name(index) => self.name(*index),
            Node::Unary(op, x) => self.unary(*op, *x),
            Node::Not(count, x) => self.not(*count, *x),
            Node::Binary(op, l, r) => self.binary(*op, *l, *r),
            Node::Chain(first, items) => self.chain(*first, *items),
            Node::Compare(first, items) => self.compare(*first, *items),
            Node::Bool(op, items) => self.boolean(*op, *items),
            Node::IfElse { body, test, orelse } => self.if_else(*body, *test, *orelse),
            Node::Call(func, items) => self.call(*func, *items),
            Node::Item(..) => Err(internal()),
        }
    }

    fn unary(&mut self, op: UnaryOp, x: NodeId) -> Result<Value, EvalError> {
        let v = self.node(x)?;
        ops::unary(op, &v, &mut self.budget)
    }

    fn not(&mut self, count: u32, x: NodeId) -> Result<Value, EvalError> {
        let truthy = self.node(x)?.is_truthy();
        Ok(Value::Bool(truthy == (count % 2 == 0)))
    }

    fn binary(&mut self, op: BinOp, l: NodeId, r: NodeId) -> Result<Value, EvalError> {
        let a = self.node(l)?;
        let b = self.node(r)?;
        ops::binary(op, &a, &b, &mut self.budget)
    }

    /// `((first op1 x1) op2 x2) ...`, left to right.
    fn chain(&mut self, first: NodeId, items: Items) -> Result<Value, EvalError> {
        let mut acc = self.node(first)?;
        for item in items.ids() {
            let (Link::Bin(op), x) = self.item(item)? else {
                return Err(internal());
            };
            let b = self.node(x)?;
            acc = ops::binary(op, &acc, &b, &mut self.budget)?;
        }
        Ok(acc)
    }

    /// Each operand is evaluated once, left to right, and only until a link
    /// is false.
    fn compare(&mut self, first: NodeId, items: Items) -> Result<Value, EvalError> {
        let mut left = self.node(first)?;
        for item in items.ids() {
            let (Link::Cmp(op), x) = self.item(item)? else {
                return Err(internal());
            };
            let right = self.node(x)?;
            if !ops::compare(op, &left, &right, &mut self.budget)? {
                return Ok(Value::Bool(false));
            }
            left = right;
        }
        Ok(Value::Bool(true))
    }

    /// `and`/`or`: the result is the deciding operand itself, not a bool.
    fn boolean(&mut self, op: BoolOp, items: Items) -> Result<Value, EvalError> {
        let mut last = Value::Bool(false);
        for item in items.ids() {
            let (_, x) = self.item(item)?;
            last = self.node(x)?;
            let decided = match op {
                BoolOp::And => !last.is_truthy(),
                BoolOp::Or => last.is_truthy(),
            };
            if decided {
                break;
            }
        }
        Ok(last)
    }

    fn if_else(&mut self, body: NodeId, test: NodeId, orelse: NodeId) -> Result<Value, EvalError> {
        if self.node(test)?.is_truthy() {
            self.node(body)
        } else {
            self.node(orelse)
        }
    }

    /// The function and then the arguments are evaluated before the call is
    /// checked, as in CPython (`1(1/0)` is a ZeroDivisionError).
    fn call(&mut self, func: NodeId, items: Items) -> Result<Value, EvalError> {
        let func = self.node(func)?;
        let mut args = Vec::with_capacity(items.len as usize);
        for item in items.ids() {
            let (_, x) = self.item(item)?;
            args.push(self.node(x)?);
        }
        match func {
            Value::Builtin(f) => builtins::call(f, &args, &mut self.budget),
            other => Err(EvalError::type_error(format!(
                "'{}' object is not callable",
                type_name(&other)
            ))),
        }
    }

    fn item(&self, id: usize) -> Result<(Link, NodeId), EvalError> {
        match self.tree.nodes.get(id) {
            Some(Node::Item(link, x)) => Ok((*link, *x)),
            _ => Err(internal()),
        }
    }

    /// A caller's variable, else a name of the namespace: variables shadow
    /// the built-in names.
    fn name(&self, index: u32) -> Result<Value, EvalError> {
        let name = self.tree.names.get(index as usize).ok_or_else(internal)?;
        if let Some((_, v)) = self.vars.iter().find(|(n, _)| n == name) {
            return Ok(v.clone());
        }
        builtins::lookup(name)
            .ok_or_else(|| EvalError::name(format!("name '{name}' is not defined")))
    }
}

/// A malformed tree: a bug in calc-core, reported rather than panicking.
fn internal() -> EvalError {
    EvalError::limit("internal error: malformed expression tree")
}
