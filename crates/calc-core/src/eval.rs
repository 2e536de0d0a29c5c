//! Evaluation: a walk over the tree with one [`Budget`] per evaluation.
//!
//! Recursion follows the tree's height, which the parser bounds by
//! `Limits::max_nesting`; flat chains (`and`, `or`, comparisons, calls'
//! arguments) are loops.
//!
//! The ints the walk holds are counted against `Limits::max_memory`: a
//! value is held from the moment it is made (a literal or name loaded, an
//! operation's result) until an operation takes it as an operand or it is
//! dropped (a condition, an `and`/`or` operand that does not decide); see
//! [`Walker::hold`]. The one-pass path counts the same values at the same
//! points.

use crate::ast::{BinOp, BoolOp, Items, Link, Node, NodeId, Tree, UnaryOp};
use crate::budget::{held_bytes, Budget};
use crate::env::{Binding, Bindings, ENTRY_BYTES};
use crate::{builtins, ops, text, EvalError, Limits, Value};

/// The caller's variables and user functions, visible to one evaluation.
pub(crate) type Vars = Bindings;

/// The names one evaluation assigns with assignment expressions: from the
/// assignment on they shadow the caller's variables, the slots and the
/// built-ins. The caller's [`Bindings`] are not touched during the walk;
/// [`Assigned::commit`] writes the assignments into them afterwards.
#[derive(Debug, Default)]
pub(crate) struct Assigned {
    /// By name index of the tree: the value last assigned (empty until
    /// the first assignment).
    values: Vec<Option<Value>>,
    /// The name indices, in the order of their first assignment.
    order: Vec<u32>,
    /// How many of them the caller's variables do not have.
    new_names: usize,
    /// What the caller's names, with these assignments, count against
    /// `Limits::max_names_memory`; computed at the first assignment.
    memory: Option<u64>,
}

impl Assigned {
    /// Binds the assigned names in `vars`: names it had keep their place,
    /// new ones follow in the order they were first assigned (the order
    /// of a Python dict).
    pub(crate) fn commit(mut self, tree: &Tree, vars: &mut Bindings) {
        for index in self.order {
            let value = self.values.get_mut(index as usize).and_then(Option::take);
            if let (Some(value), Some(name)) = (value, tree.names.get(index as usize)) {
                vars.bind(name, Binding::Value(value));
            }
        }
    }
}

/// Evaluates `tree` with the caller's variables `vars` under `limits`.
pub(crate) fn eval(tree: &Tree, vars: &Vars, limits: &Limits) -> Result<Value, EvalError> {
    Walker::new(tree, vars, limits).node(tree.root)
}

/// [`eval`], also returning the work units charged and the names the
/// evaluation assigned, for the caller to [`commit`](Assigned::commit)
/// or drop.
pub(crate) fn eval_assigning(
    tree: &Tree,
    vars: &Vars,
    limits: &Limits,
) -> (Result<Value, EvalError>, u64, Assigned) {
    let mut walker = Walker::new(tree, vars, limits);
    let result = walker.node(tree.root);
    (result, walker.budget.used(), walker.assigned)
}

/// [`eval`] with some names bound to slots: name `i` of the tree
/// (`tree.names[i]`) is `slots[s]` when `slot_of[i]` is `Some(s)`; a slot
/// shadows `vars` and the built-ins.
pub(crate) fn eval_slots(
    tree: &Tree,
    vars: &Vars,
    slot_of: &[Option<u32>],
    slots: &[Value],
    limits: &Limits,
) -> Result<Value, EvalError> {
    let mut walker = Walker::new(tree, vars, limits);
    walker.slot_of = slot_of;
    walker.slots = slots;
    walker.node(tree.root)
}

/// Node `id` of `tree` alone (no slots), with the work units charged: the
/// compiled form's constant folding.
pub(crate) fn eval_node_metered(
    tree: &Tree,
    id: NodeId,
    vars: &Vars,
    limits: &Limits,
) -> (Result<Value, EvalError>, u64) {
    let mut walker = Walker::new(tree, vars, limits);
    let result = walker.node(id);
    (result, walker.budget.used())
}

/// [`eval`], also returning the work units charged to the budget (all of
/// it when the budget ran out).
pub(crate) fn eval_metered(
    tree: &Tree,
    vars: &Vars,
    limits: &Limits,
) -> (Result<Value, EvalError>, u64) {
    let mut walker = Walker::new(tree, vars, limits);
    let result = walker.node(tree.root);
    (result, walker.budget.used())
}

/// [`eval`], also returning the bytes of ints still held at the end (the
/// value's own, when every operand was taken as it was used).
#[cfg(test)]
pub(crate) fn eval_held(tree: &Tree, limits: &Limits) -> (Result<Value, EvalError>, u64) {
    let vars = Vars::default();
    let mut walker = Walker::new(tree, &vars, limits);
    let result = walker.node(tree.root);
    (result, walker.budget.held())
}

struct Walker<'t, 'l> {
    tree: &'t Tree,
    vars: &'t Vars,
    /// By name index, the slot a name is bound to (the compiled form).
    slot_of: &'t [Option<u32>],
    /// The slots' values.
    slots: &'t [Value],
    budget: Budget<'l>,
    /// What the evaluation has assigned so far.
    assigned: Assigned,
}

impl<'t, 'l> Walker<'t, 'l> {
    fn new(tree: &'t Tree, vars: &'t Vars, limits: &'l Limits) -> Walker<'t, 'l> {
        Walker {
            tree,
            vars,
            slot_of: &[],
            slots: &[],
            budget: Budget::new(limits),
            assigned: Assigned::default(),
        }
    }
}

impl<'t> Walker<'t, '_> {
    /// Evaluates node `id`. Each kind of node has its own function so that
    /// this one, on every recursion path, keeps a small stack frame.
    ///
    /// An error gets the span of the innermost node it arose in.
    fn node(&mut self, id: NodeId) -> Result<Value, EvalError> {
        self.node_at(id).map_err(|e| self.locate(e, id))
    }

    /// `e`, at the span of node `id` unless it has one.
    #[cold]
    #[inline(never)]
    fn locate(&self, e: EvalError, id: NodeId) -> EvalError {
        match self.tree.span(id) {
            Some((start, end)) => e.at_span(start, end),
            None => e,
        }
    }

    /// `e`, at the span from node `first`'s start to node `last`'s end
    /// (one link of a chain) unless it has one.
    #[cold]
    #[inline(never)]
    fn locate_link(&self, e: EvalError, first: NodeId, last: NodeId) -> EvalError {
        match (self.tree.span(first), self.tree.span(last)) {
            (Some((start, _)), Some((_, end))) => e.at_span(start, end),
            _ => e,
        }
    }

    fn node_at(&mut self, id: NodeId) -> Result<Value, EvalError> {
        match self.tree.node(id)? {
            Node::Const(v) => self.hold(v.clone()),
            Node::Name(index) => {
                let v = self.name(*index)?;
                self.hold(v)
            }
            Node::Unary(op, x) => self.unary(*op, *x),
            Node::Not(count, x) => self.not(*count, *x),
            Node::Binary(op, l, r) => self.binary(*op, *l, *r),
            Node::Chain(first, items) => self.chain(*first, *items),
            Node::Compare(first, items) => self.compare(*first, *items),
            Node::Bool(op, items) => self.boolean(*op, *items),
            Node::IfElse { body, test, orelse } => self.if_else(*body, *test, *orelse),
            Node::Call(func, items) => self.call(*func, *items),
            Node::Assign(index, value) => self.assign(*index, *value),
            Node::Tuple(items) => self.tuple(*items),
            Node::Subscript(value, index) => self.subscript(*value, *index),
            Node::Attr(value, name) => self.attribute(*value, name),
            Node::Item(..) => Err(internal()),
        }
    }

    /// `(name := value)`: evaluates `value`, then binds it to name
    /// `index` for the rest of the evaluation, within
    /// `Limits::max_names` and `Limits::max_names_memory` (counting the
    /// caller's names and the ones assigned so far).
    fn assign(&mut self, index: u32, value: NodeId) -> Result<Value, EvalError> {
        let v = self.node(value)?;
        let i = index as usize;
        let name = self.tree.names.get(i).ok_or_else(internal)?;
        let limits = self.budget.limits;
        if self.assigned.values.len() < self.tree.names.len() {
            self.assigned.values.resize(self.tree.names.len(), None);
        }
        let before = self.vars.get(name);
        let earlier = self.assigned.values.get(i).ok_or_else(internal)?;
        let first = earlier.is_none();
        let fresh = first && before.is_none();
        let old = match (earlier, before) {
            (Some(old), _) => entry(name, old),
            (None, Some(b)) => crate::env::entry_bytes(name, b),
            (None, None) => 0,
        };
        if fresh && self.vars.len().saturating_add(self.assigned.new_names) >= limits.max_names {
            return Err(EvalError::limit(format!(
                "assignment would bind more than {} names",
                limits.max_names
            )));
        }
        let vars = self.vars;
        let memory = *self.assigned.memory.get_or_insert_with(|| vars.memory());
        let new = entry(name, &v);
        let total = memory.saturating_sub(old).saturating_add(new);
        if new > old && total > limits.max_names_memory {
            return Err(EvalError::limit(format!(
                "assignment would make the names hold more than {} bytes",
                limits.max_names_memory
            )));
        }
        self.budget.charge_copy(&v)?;
        self.assigned.memory = Some(total);
        if first {
            self.assigned.order.push(index);
        }
        if fresh {
            self.assigned.new_names += 1;
        }
        if let Some(slot) = self.assigned.values.get_mut(i) {
            *slot = Some(v.clone());
        }
        Ok(v)
    }

    /// The value name `index` was assigned in this evaluation, if any.
    #[inline]
    fn assigned(&self, index: u32) -> Option<&Value> {
        self.assigned.values.get(index as usize)?.as_ref()
    }

    /// `v`, a value just made, counted as held until an operation takes
    /// it ([`release`](Self::release)): `LimitError` when the ints held
    /// would exceed `Limits::max_memory`.
    #[inline]
    fn hold(&mut self, v: Value) -> Result<Value, EvalError> {
        self.budget.hold(held_bytes(&v))?;
        Ok(v)
    }

    /// `v` taken by an operation (or dropped): no longer held.
    #[inline]
    fn release(&mut self, v: &Value) {
        self.budget.release(held_bytes(v));
    }

    fn unary(&mut self, op: UnaryOp, x: NodeId) -> Result<Value, EvalError> {
        let v = self.node(x)?;
        self.release(&v);
        let r = ops::unary(op, &v, &mut self.budget)?;
        self.hold(r)
    }

    fn not(&mut self, count: u32, x: NodeId) -> Result<Value, EvalError> {
        let v = self.node(x)?;
        self.release(&v);
        Ok(Value::Bool(v.is_truthy() == (count % 2 == 0)))
    }

    fn binary(&mut self, op: BinOp, l: NodeId, r: NodeId) -> Result<Value, EvalError> {
        let a = self.node(l)?;
        let b = self.node(r)?;
        self.release(&a);
        self.release(&b);
        let r = ops::binary(op, &a, &b, &mut self.budget)?;
        self.hold(r)
    }

    /// `((first op1 x1) op2 x2) ...`, left to right. A run of `+` between
    /// strings grows one buffer ([`text::Concat`]) instead of copying the
    /// whole string at each `+`; the values and errors are the same.
    fn chain(&mut self, first: NodeId, items: Items) -> Result<Value, EvalError> {
        let mut acc = self.node(first)?;
        // While a run of string `+` lasts, `acc` is stale: the run holds
        // the value (and its bytes are counted as held).
        let mut run: Option<text::Concat> = None;
        for item in items.ids() {
            let (Link::Bin(op), x) = self.item(item)? else {
                return Err(internal());
            };
            let b = self.node(x)?;
            if op == BinOp::Add {
                if let Value::Str(right) = &b {
                    if let Some(r) = run.as_mut() {
                        self.release(&b);
                        r.push(right, &mut self.budget)
                            .and_then(|()| self.budget.hold(right.len() as u64))
                            .map_err(|e| self.locate_link(e, first, x))?;
                        continue;
                    }
                    if let Value::Str(left) = &acc {
                        self.release(&acc);
                        self.release(&b);
                        let r = text::Concat::start(left, right, &mut self.budget)
                            .and_then(|r| self.budget.hold(r.len() as u64).map(|()| r))
                            .map_err(|e| self.locate_link(e, first, x))?;
                        run = Some(r);
                        continue;
                    }
                }
            }
            if let Some(r) = run.take() {
                acc = r.finish(&mut self.budget)?;
            }
            self.release(&acc);
            self.release(&b);
            acc = ops::binary(op, &acc, &b, &mut self.budget)
                .and_then(|v| self.hold(v))
                .map_err(|e| self.locate_link(e, first, x))?;
        }
        if let Some(r) = run.take() {
            acc = r.finish(&mut self.budget)?;
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
            let holds = ops::compare(op, &left, &right, &mut self.budget)
                .map_err(|e| self.locate_link(e, first, x))?;
            self.release(&left);
            if !holds {
                self.release(&right);
                return Ok(Value::Bool(false));
            }
            left = right;
        }
        self.release(&left);
        Ok(Value::Bool(true))
    }

    /// `and`/`or`: the result is the deciding operand itself, not a bool
    /// (still held: it is this node's value); the others are dropped.
    fn boolean(&mut self, op: BoolOp, items: Items) -> Result<Value, EvalError> {
        let mut last = Value::Bool(false);
        for item in items.ids() {
            let (_, x) = self.item(item)?;
            self.release(&last);
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
        let test = self.node(test)?;
        self.release(&test);
        if test.is_truthy() {
            self.node(body)
        } else {
            self.node(orelse)
        }
    }

    /// The function and then the arguments are evaluated before the call is
    /// checked, as in CPython (`1(1/0)` is a ZeroDivisionError).
    fn call(&mut self, func: NodeId, items: Items) -> Result<Value, EvalError> {
        if let Node::Name(index) = self.tree.node(func)? {
            if self.slot(*index).is_some() || self.assigned(*index).is_some() {
                return self.call_value(func, items);
            }
            let name = self.tree.names.get(*index as usize).ok_or_else(internal)?;
            if let Some(Binding::Function(f)) = self.binding(name) {
                return self.call_user(name, f, items);
            }
        }
        self.call_value(func, items)
    }

    /// A call of what node `func` evaluates to (not a user function).
    fn call_value(&mut self, func: NodeId, items: Items) -> Result<Value, EvalError> {
        // Keyword arguments follow the positional ones: a call has some
        // when its last argument is one.
        if let Some(last) = items.ids().last() {
            if let (Link::Keyword(_), _) = self.item(last)? {
                return self.call_value_kw(func, items);
            }
        }
        let func = self.node(func)?;
        let mut args = Vec::with_capacity(items.len as usize);
        for item in items.ids() {
            let (_, x) = self.item(item)?;
            args.push(self.node(x)?);
        }
        self.release(&func);
        for arg in &args {
            self.release(arg);
        }
        let r = match func {
            Value::Builtin(f) => builtins::call(f, &args, &mut self.budget)?,
            other => {
                return Err(EvalError::type_error(format!(
                    "'{}' object is not callable",
                    other.type_name()
                )))
            }
        };
        self.hold(r)
    }

    /// A call with keyword arguments of what node `func` evaluates to
    /// (not a user function): out of line, so that the positional calls'
    /// frames stay small.
    #[inline(never)]
    fn call_value_kw(&mut self, func: NodeId, items: Items) -> Result<Value, EvalError> {
        let func = self.node(func)?;
        let mut args = Vec::with_capacity(items.len as usize);
        let mut kw: Vec<(&'t str, Value)> = Vec::new();
        for item in items.ids() {
            let (link, x) = self.item(item)?;
            let v = self.node(x)?;
            match link {
                Link::Keyword(k) => kw.push((self.keyword(k)?, v)),
                _ => args.push(v),
            }
        }
        self.release(&func);
        for arg in args.iter().chain(kw.iter().map(|(_, v)| v)) {
            self.release(arg);
        }
        let r = match func {
            Value::Builtin(f) => builtins::call_kw(f, &args, &kw, &mut self.budget)?,
            other => {
                return Err(EvalError::type_error(format!(
                    "'{}' object is not callable",
                    other.type_name()
                )))
            }
        };
        self.hold(r)
    }

    /// A call of the user function `f` bound to `name`.
    fn call_user(
        &mut self,
        name: &str,
        f: &crate::env::Function,
        items: Items,
    ) -> Result<Value, EvalError> {
        let mut args = Vec::with_capacity(items.len as usize);
        let mut keywords = false;
        for item in items.ids() {
            let (link, x) = self.item(item)?;
            keywords |= matches!(link, Link::Keyword(_));
            args.push(self.node(x)?);
        }
        for arg in &args {
            self.release(arg);
        }
        if keywords {
            return Err(no_keywords(name));
        }
        let r = f.call(name, &args, &mut self.budget)?;
        self.hold(r)
    }

    /// A tuple display: the items left to right, then the tuple, no
    /// deeper than `Limits::max_nesting` (a tuple built from a name's
    /// tuple can be deeper than the text's brackets).
    fn tuple(&mut self, items: Items) -> Result<Value, EvalError> {
        let mut values = Vec::with_capacity(items.len as usize);
        for item in items.ids() {
            let (_, x) = self.item(item)?;
            values.push(self.node(x)?);
        }
        for v in &values {
            self.release(v);
        }
        let r = crate::value::Tuple::build(values, &mut self.budget)?;
        self.hold(r)
    }

    /// `value[index]`.
    fn subscript(&mut self, value: NodeId, index: NodeId) -> Result<Value, EvalError> {
        let v = self.node(value)?;
        let i = self.node(index)?;
        self.release(&v);
        self.release(&i);
        let r = ops::subscript(&v, &i, &mut self.budget)?;
        self.hold(r)
    }

    fn attribute(&mut self, value: NodeId, name: &str) -> Result<Value, EvalError> {
        let v = self.node(value)?;
        self.release(&v);
        let r = crate::module::attribute(&v, name)?;
        self.hold(r)
    }

    /// The slot value name `index` is bound to, if any.
    #[inline]
    fn slot(&self, index: u32) -> Option<&'t Value> {
        if self.slot_of.is_empty() {
            return None;
        }
        let s = (*self.slot_of.get(index as usize)?)?;
        self.slots.get(s as usize)
    }

    /// What the caller bound `name` to, if anything.
    fn binding(&self, name: &str) -> Option<&'t Binding> {
        self.vars.get(name)
    }

    /// Keyword `index` of the tree.
    fn keyword(&self, index: u32) -> Result<&'t str, EvalError> {
        self.tree
            .keywords
            .get(index as usize)
            .map(|k| &**k)
            .ok_or_else(internal)
    }

    fn item(&self, id: usize) -> Result<(Link, NodeId), EvalError> {
        match self.tree.nodes.get(id) {
            Some(Node::Item(link, x)) => Ok((*link, *x)),
            _ => Err(internal()),
        }
    }

    /// A caller's variable, else a name of the namespace: variables shadow
    /// the built-in names.
    fn name(&mut self, index: u32) -> Result<Value, EvalError> {
        if let Some(v) = self.assigned(index) {
            let v = v.clone();
            self.budget.charge_copy(&v)?;
            return Ok(v);
        }
        if let Some(v) = self.slot(index) {
            return Ok(v.clone());
        }
        let name = self.tree.names.get(index as usize).ok_or_else(internal)?;
        match self.binding(name) {
            Some(Binding::Value(v)) => {
                self.budget.charge_copy(v)?;
                return Ok(v.clone());
            }
            Some(Binding::Function(_)) => return Err(function_as_value(name)),
            None => {}
        }
        namespace_name(name).ok_or_else(|| EvalError::unbound(name))
    }
}

/// [`Expr::check`](crate::Expr::check): the first name of `tree` neither
/// in `vars` nor a built-in, then (in node order, children before parents)
/// a user function used other than as a callee or called with a number of
/// arguments it does not take.
pub(crate) fn check(tree: &Tree, vars: &Vars) -> Result<(), EvalError> {
    let binding = |name: &str| vars.get(name);
    // A name an assignment expression binds counts as bound wherever it
    // is used. The names assignment expressions bind, by index, are
    // found at the first name bound neither by `vars` nor as a built-in.
    let mut assigned: Option<Vec<bool>> = None;
    let mut is_assigned = |index: usize| {
        let a = assigned.get_or_insert_with(|| {
            let mut a = vec![false; tree.names.len()];
            for node in &tree.nodes {
                if let Node::Assign(i, _) = node {
                    if let Some(slot) = a.get_mut(*i as usize) {
                        *slot = true;
                    }
                }
            }
            a
        });
        a.get(index).copied().unwrap_or(false)
    };
    let located = |e: EvalError, id: NodeId| match tree.span(id) {
        Some((start, end)) => e.at_span(start, end),
        None => e,
    };
    let name_of = |index: u32| tree.names.get(index as usize).ok_or_else(internal);
    // The first unbound name, at its first use.
    for (index, name) in tree.names.iter().enumerate() {
        let bound = binding(name).is_some() || namespace_name(name).is_some() || is_assigned(index);
        if !bound {
            let first_use = tree
                .nodes
                .iter()
                .position(|n| matches!(n, Node::Name(i) if *i as usize == index));
            let e = EvalError::unbound(name);
            return Err(match first_use.and_then(|id| NodeId::try_from(id).ok()) {
                Some(id) => located(e, id),
                None => e,
            });
        }
    }
    // Callees: the name nodes a call applies.
    let mut callee = vec![false; tree.nodes.len()];
    for node in &tree.nodes {
        if let Node::Call(func, _) = node {
            if let Some(slot) = callee.get_mut(*func as usize) {
                *slot = true;
            }
        }
    }
    for (id, node) in tree.nodes.iter().enumerate() {
        let id = NodeId::try_from(id).map_err(|_| internal())?;
        match node {
            Node::Name(index) if !callee.get(id as usize).copied().unwrap_or(false) => {
                let name = name_of(*index)?;
                if let Some(Binding::Function(_)) = binding(name) {
                    return Err(located(function_as_value(name), id));
                }
            }
            Node::Call(func, items) => {
                if let Node::Name(index) = tree.node(*func)? {
                    let name = name_of(*index)?;
                    if let Some(Binding::Function(f)) = binding(name) {
                        let keyword = items.ids().any(|item| {
                            matches!(tree.nodes.get(item), Some(Node::Item(Link::Keyword(_), _)))
                        });
                        if keyword {
                            return Err(located(no_keywords(name), id));
                        }
                        f.arity()
                            .check(name, items.len as usize)
                            .map_err(|e| located(e, id))?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The `TypeError` for a keyword argument to a user function, which
/// takes its arguments by position only.
fn no_keywords(name: &str) -> EvalError {
    EvalError::type_error(format!("{name}() takes no keyword arguments"))
}

/// The `TypeError` for a user function's name used as a value.
fn function_as_value(name: &str) -> EvalError {
    EvalError::type_error(format!("'{name}' is a function and can only be called"))
}

/// A name of the namespace every evaluation starts with: the built-ins,
/// and `True` and `False`, which NS binds too and which source text can
/// name only through a spelling that NFKC turns into them (`Ｔｒｕｅ`).
fn namespace_name(name: &str) -> Option<Value> {
    match name {
        "True" => Some(Value::Bool(true)),
        "False" => Some(Value::Bool(false)),
        _ => builtins::lookup(name),
    }
}

/// What `name` bound to `v` counts against `Limits::max_names_memory`
/// (as [`entry_bytes`](crate::env::entry_bytes)).
fn entry(name: &str, v: &Value) -> u64 {
    ENTRY_BYTES + 2 * name.len() as u64 + held_bytes(v)
}

/// A malformed tree: a bug in calc-core, reported rather than panicking.
fn internal() -> EvalError {
    EvalError::limit("internal error: malformed expression tree")
}

/// Expected answers from python3 3.11, `eval(src, NS)` with DESIGN.md's NS:
/// a repr, or `!Class: message`. These pass once `ops`, `value` and
/// `builtins` (numeric-core and builtins branches) are merged.
#[cfg(test)]
pub(crate) mod tests {
    use crate::{Env, Expr, Limits};

    pub(crate) const CASES: &[(&str, &str)] = &[
        ("1+2*3", "7"),
        ("-2**2", "-4"),
        ("2**-1", "0.5"),
        ("(-2)**2", "4"),
        ("2**3**2", "512"),
        ("-2**-2", "-0.25"),
        ("~5", "-6"),
        ("--5", "5"),
        ("-+-5", "5"),
        ("+True", "1"),
        ("-True", "-1"),
        ("~True", "-2"),
        ("not 1", "False"),
        ("not 0", "True"),
        ("not not 2.5", "True"),
        ("not not 0j", "False"),
        ("1 < 2 < 3", "True"),
        ("3 > 2 < 1", "False"),
        ("1 < 3 > 2", "True"),
        ("1 == 1.0 == True", "True"),
        ("1 != 1 < 1/0", "False"),
        ("2 < 1 < 1/0", "False"),
        ("(1 < 2) + 1", "2"),
        ("0 or 7", "7"),
        ("0 or 0.0", "0.0"),
        ("3 or 1/0", "3"),
        ("0 and 1/0", "0"),
        ("1 and 0.0", "0.0"),
        ("1 and 2 and 3", "3"),
        ("0.0 or 0j or False", "False"),
        ("1 or 2 and 0", "1"),
        ("not 1 or 2", "2"),
        ("(0 or 5) * 2", "10"),
        ("1 if 0 else 2", "2"),
        ("1 if 1 else 1/0", "1"),
        ("1/0 if 0 else 2", "2"),
        ("0 if 0 else 1 if 0 else 2", "2"),
        ("(1 if 1 else 2) + 1", "2"),
        ("abs(-3)", "3"),
        ("(abs)(-1)", "1"),
        ("abs(-1,)", "1"),
        ("max(1, 2, 3)", "3"),
        ("min(2.5, 1)", "1"),
        ("pow(2, 10)", "1024"),
        ("abs", "<built-in function abs>"),
        ("1(2)", "!TypeError: 'int' object is not callable"),
        ("1.5(2)", "!TypeError: 'float' object is not callable"),
        ("(1j)(2)", "!TypeError: 'complex' object is not callable"),
        ("True(1)", "!TypeError: 'bool' object is not callable"),
        ("1(1/0)", "!ZeroDivisionError: division by zero"),
        ("abs(1/0)", "!ZeroDivisionError: division by zero"),
        ("x", "!NameError: name 'x' is not defined"),
        ("pi", "3.141592653589793"),
        ("e", "2.718281828459045"),
        ("tau", "6.283185307179586"),
        ("inf", "inf"),
        ("nan", "nan"),
        ("-inf", "-inf"),
        ("sqrt(16)", "4.0"),
        ("int(2.5)", "2"),
        ("float(3)", "3.0"),
        ("complex(1, 2)", "(1+2j)"),
        ("1 - 2 - 3", "-4"),
        ("2 ** 2 ** 3", "256"),
        ("100 // 7 % 3", "2"),
        ("1 << 2 + 1", "8"),
        ("1 | 2 ^ 3 & 4", "3"),
        ("7 - 3 - (2 - 1)", "3"),
        ("2 * 3 // 4 * 5", "5"),
        ("True + True", "2"),
        ("1 + 2j", "(1+2j)"),
        ("0x_ff + 0o17 + 0b101", "275"),
        ("1_000 * 1e-3", "1.0"),
        ("1e400", "inf"),
        ("-1e400", "-inf"),
        ("1e400 - 1e400", "nan"),
        (".5 + 1.", "1.5"),
        ("2j * 2j", "(-4+0j)"),
        ("1.5e3J", "1500j"),
        ("0 < 1 != 2 > 1 == 1 <= 1 >= 1", "True"),
        ("1 == 2 == 1/0", "False"),
    ];

    fn answer(src: &str, env: &Env) -> String {
        match Expr::parse(src).and_then(|e| e.eval(env)) {
            Ok(v) => v.to_string(),
            Err(e) => format!("!{e}"),
        }
    }

    #[test]
    fn answers_match_cpython() {
        let env = Env::new();
        let wrong: Vec<String> = CASES
            .iter()
            .filter_map(|&(src, want)| {
                let got = answer(src, &env);
                (got != want).then(|| format!("{src:?}: got {got:?}, want {want:?}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn variables_shadow_builtins_but_not_keywords() {
        let env = Env::new().with("x", 21).with("pi", 3).with("True", 5);
        assert_eq!(answer("x * 2 + 1", &env), "43");
        assert_eq!(answer("pi", &env), "3");
        assert_eq!(answer("True", &env), "True");
        assert_eq!(answer("e > 2", &env), "True");
        let env = env.with("x", 1.5);
        assert_eq!(answer("x", &env), "1.5");
        assert_eq!(answer("abs(x - 3)", &env), "1.5");
        assert_eq!(answer("y", &env), "!NameError: name 'y' is not defined");
    }

    #[test]
    fn runtime_errors_carry_the_span_of_the_failing_node() {
        let span = |src: &str| -> Option<String> {
            let err = Expr::parse(src)
                .and_then(|e| e.eval(&Env::new().with("z", 0)))
                .unwrap_err();
            err.span().and_then(|s| src.get(s)).map(str::to_string)
        };
        assert_eq!(span("1 + 10 // (2 - 2)").as_deref(), Some("10 // (2 - 2)"));
        assert_eq!(span("1 + y * 2").as_deref(), Some("y"));
        assert_eq!(span("2 * 3 + 4 / z - 1").as_deref(), Some("4 / z"));
        assert_eq!(span("1 + 2 - abs + 4").as_deref(), Some("1 + 2 - abs"));
        assert_eq!(span("1 - 2 / z + 3").as_deref(), Some("2 / z"));
        assert_eq!(span("1 < 2 < 1j").as_deref(), Some("1 < 2 < 1j"));
        assert_eq!(span("abs(1, 2) + 1").as_deref(), Some("abs(1, 2)"));
        assert_eq!(
            span("sqrt(-1 * (3 + 4))").as_deref(),
            Some("sqrt(-1 * (3 + 4))")
        );
        assert_eq!(span("(1)(2)").as_deref(), Some("(1)(2)"));
        assert_eq!(span("-(1/z)").as_deref(), Some("1/z"));
        // The one-shot functions report no span, whichever path answers.
        assert_eq!(crate::eval("1 + 10 // (2 - 2)").unwrap_err().span(), None);
        assert_eq!(crate::eval("y").unwrap_err().span(), None);
    }

    #[test]
    fn check_finds_unbound_names_and_misused_functions() {
        use crate::{Arity, Value};
        let env = Env::new()
            .with("x", 1)
            .with_function("f", Arity::exact(1), |a| Ok(a[0].clone()));
        let check = |src: &str| Expr::parse(src).unwrap().check(&env);
        assert!(check("f(x) + sqrt(pi) + (f)(2)").is_ok());
        let src = "x + f(y) + w";
        let err = Expr::parse(src).unwrap().check(&env).unwrap_err();
        assert_eq!(
            (err.name(), err.span().map(|s| &src[s])),
            (Some("y"), Some("y"))
        );
        assert_eq!(
            check("f + 1").unwrap_err().to_string(),
            "TypeError: 'f' is a function and can only be called"
        );
        assert_eq!(
            check("1 + f()").unwrap_err().to_string(),
            "TypeError: f() missing 1 required positional argument"
        );
        // What check accepts, evaluation does not refuse for names.
        let e = Expr::parse("f(x) * 2").unwrap();
        assert!(e.check(&env).is_ok());
        assert_eq!(e.eval(&env), Ok(Value::from(2)));
    }

    #[test]
    fn an_expression_evaluates_many_times() {
        let e = Expr::parse("n * (n + 1) // 2").unwrap();
        for n in [0i64, 1, 10, 1000] {
            let v = e.eval(&Env::new().with("n", n)).unwrap();
            assert_eq!(v.to_string(), (n * (n + 1) / 2).to_string());
        }
    }

    #[test]
    fn evaluation_runs_under_the_env_limits() {
        let e = Expr::parse("2**100").unwrap();
        let tight = Env::new().with_limits(Limits {
            max_int_bits: 64,
            ..Limits::default()
        });
        assert_eq!(e.eval(&tight).unwrap_err().class(), "LimitError");
        assert!(e.eval(&Env::new()).is_ok());
    }
}
