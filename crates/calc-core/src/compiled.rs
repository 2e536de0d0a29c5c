//! The compiled form of an expression ([`Compiled`]): names bound to
//! slots once, and a flat register program, the float lane, that computes
//! the value with plain `f64` operations while every value is a float.
//!
//! The lane is built at compile time under one assumption: every slot holds
//! a float. Each node gets a static type (float, bool, small int constant);
//! a node the lane cannot express (an int result, a user function, a
//! builtin outside its list) leaves the expression without a lane. Constant
//! subtrees (`cos(0.5)`, `2**-1`) are evaluated once by the general path
//! and become registers. At run time an operation that Python would answer
//! otherwise than with a plain float (division by zero, a power with a
//! complex or overflowing result, a math domain or range error) abandons
//! the lane, and the general path evaluates the expression from the start:
//! its answer is the answer. Float operations charge no work and hold no
//! memory in the general path either, so the limits cannot tell the two
//! apart.

use crate::ast::{BinOp, BoolOp, CmpOp, Link, Node, NodeId, Tree, UnaryOp};
use crate::env::{Binding, Bindings};
use crate::num::float;
use crate::value::IntRepr;
use crate::{builtins, eval, Builtin, Env, EvalError, Int, Value};

/// A register of the lane.
type Reg = u32;

/// The largest int a constant may be to take part in float arithmetic as
/// an `f64` (every int up to 2**53 converts exactly, and compares with a
/// float as its conversion does).
const EXACT_INT: u64 = 1 << 53;

/// One instruction of the float lane.
#[derive(Debug, Clone, Copy)]
enum Ins {
    Add(Reg, Reg, Reg),
    Sub(Reg, Reg, Reg),
    Mul(Reg, Reg, Reg),
    Div(Reg, Reg, Reg),
    FloorDiv(Reg, Reg, Reg),
    Mod(Reg, Reg, Reg),
    Pow(Reg, Reg, Reg),
    /// `d = sqrt(a)` (a `Math` without the call through a pointer).
    Sqrt(Reg, Reg),
    Neg(Reg, Reg),
    /// `d = not a` (1.0 or 0.0).
    Not(Reg, Reg),
    /// `d = a op b` (1.0 or 0.0).
    Cmp(CmpOp, Reg, Reg, Reg),
    /// `d = f(a)` under `math_1`'s rules.
    Math(fn(f64) -> f64, Reg, Reg),
    Abs(Reg, Reg),
    /// `if a < d { d = a }` (one step of `min`).
    MinStep(Reg, Reg),
    /// `if a > d { d = a }` (one step of `max`).
    MaxStep(Reg, Reg),
    Move(Reg, Reg),
    Jump(u32),
    JumpIfFalse(Reg, u32),
    JumpIfTrue(Reg, u32),
    /// Leave the lane: the general path answers.
    Bail,
}

/// The static type of a lane register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Float,
    /// A bool, as 0.0 or 1.0.
    Bool,
    /// An int of at most 2**53 in magnitude, exactly as an `f64`.
    Int,
    /// Never computed: the code before it leaves the lane.
    Never,
}

impl Ty {
    /// The type of a register that holds either `self` or `other`.
    fn unify(self, other: Ty) -> Option<Ty> {
        match (self, other) {
            (Ty::Never, t) | (t, Ty::Never) => Some(t),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }
}

/// The registers of one run of the lane.
trait Registers {
    fn get(&self, r: Reg) -> Option<f64>;
    fn set(&mut self, r: Reg, v: f64) -> Option<()>;
}

/// Registers on the heap: every access checked.
impl Registers for [f64] {
    #[inline(always)]
    fn get(&self, r: Reg) -> Option<f64> {
        <[f64]>::get(self, r as usize).copied()
    }

    #[inline(always)]
    fn set(&mut self, r: Reg, v: f64) -> Option<()> {
        *self.get_mut(r as usize)? = v;
        Some(())
    }
}

/// Registers on the stack, in an array of a power of two: an index is
/// taken modulo the length, a mask that leaves the bounds check nothing
/// to check. Every register of a lane is below its `init` length (the
/// compiler allocates them there, and [`Lane::eval`] picks an array at
/// least that long), so the mask never changes an index.
impl<const N: usize> Registers for [f64; N] {
    #[inline(always)]
    fn get(&self, r: Reg) -> Option<f64> {
        const { assert!(N.is_power_of_two()) };
        Some(self[r as usize % N])
    }

    #[inline(always)]
    fn set(&mut self, r: Reg, v: f64) -> Option<()> {
        const { assert!(N.is_power_of_two()) };
        self[r as usize % N] = v;
        Some(())
    }
}

/// The float lane of a compiled expression.
#[derive(Debug, Clone)]
struct Lane {
    code: Box<[Ins]>,
    /// The registers' initial values: the slots first (overwritten by
    /// each evaluation), then constants and temporaries.
    init: Box<[f64]>,
    root: Reg,
    ty: Ty,
    /// Whether the code has no jumps (arithmetic only): it then runs in
    /// one pass without a program counter.
    straight: bool,
}

/// How many registers an evaluation keeps on the stack.
const STACK_REGS: usize = 32;

impl Lane {
    /// Runs the program with the slots set by `load`; `None` when an
    /// operation leaves the lane (or a malformed program, which a bug
    /// would make: the general path then answers).
    #[inline]
    fn eval(&self, load: impl FnOnce(&mut [f64]) -> Option<()>) -> Option<Value> {
        // The registers live on the stack, in an array the length of
        // `init` (padded by `finish` to 8, 16 or 32), copied whole.
        match self.init.len() {
            8 => self.eval_in::<8>(load),
            16 => self.eval_in::<16>(load),
            STACK_REGS => self.eval_in::<STACK_REGS>(load),
            _ => {
                let mut regs = self.init.to_vec();
                load(&mut regs)?;
                let r = self.run(regs.as_mut_slice())?;
                self.value(r)
            }
        }
    }

    #[inline]
    fn eval_in<const N: usize>(&self, load: impl FnOnce(&mut [f64]) -> Option<()>) -> Option<Value>
    where
        [f64; N]: Registers,
    {
        let mut regs: [f64; N] = *<&[f64; N]>::try_from(&*self.init).ok()?;
        load(&mut regs)?;
        let r = self.run(&mut regs)?;
        self.value(r)
    }

    /// The register `r` as a value of the root's type.
    #[inline]
    fn value(&self, r: f64) -> Option<Value> {
        Some(match self.ty {
            Ty::Float => Value::Float(r),
            Ty::Bool => Value::Bool(r != 0.0),
            // |r| <= 2**53: exact.
            Ty::Int => Value::Int(Int(IntRepr::Small(r as i64))),
            Ty::Never => return None,
        })
    }

    fn run<R: Registers + ?Sized>(&self, regs: &mut R) -> Option<f64> {
        let code = &*self.code;
        if self.straight {
            // No jumps: one pass in order, without a program counter.
            for ins in code {
                if !matches!(step(ins, regs), Step::Next) {
                    return None;
                }
            }
        } else {
            let mut pc = 0usize;
            while let Some(ins) = code.get(pc) {
                pc += 1;
                match step(ins, regs) {
                    Step::Next => {}
                    Step::Jump(t) => pc = t as usize,
                    Step::Bail => return None,
                }
            }
        }
        regs.get(self.root)
    }
}

/// What the lane does after an instruction.
enum Step {
    Next,
    Jump(u32),
    /// Leave the lane: the operation's answer is not a plain float (or
    /// the program is malformed, which a bug would make).
    Bail,
}

/// Executes `ins` on `regs`.
#[inline(always)]
fn step<R: Registers + ?Sized>(ins: &Ins, regs: &mut R) -> Step {
    macro_rules! r {
        ($a:expr) => {
            match regs.get($a) {
                Some(x) => x,
                None => return Step::Bail,
            }
        };
    }
    macro_rules! set {
        ($d:expr, $v:expr) => {{
            let v = $v;
            if regs.set($d, v).is_none() {
                return Step::Bail;
            }
        }};
    }
    macro_rules! ok {
        ($v:expr) => {
            match $v {
                Some(x) => x,
                None => return Step::Bail,
            }
        };
    }
    match *ins {
        Ins::Add(d, a, b) => set!(d, float::add(r!(a), r!(b))),
        Ins::Sub(d, a, b) => set!(d, r!(a) - r!(b)),
        Ins::Mul(d, a, b) => set!(d, float::mul(r!(a), r!(b))),
        Ins::Div(d, a, b) => {
            let y = r!(b);
            if y == 0.0 {
                return Step::Bail;
            }
            set!(d, r!(a) / y)
        }
        Ins::FloorDiv(d, a, b) => set!(d, ok!(float::floor_div(r!(a), r!(b)).ok())),
        Ins::Mod(d, a, b) => set!(d, ok!(float::modulo(r!(a), r!(b)).ok())),
        Ins::Pow(d, a, b) => set!(d, ok!(pow(r!(a), r!(b)))),
        Ins::Sqrt(d, a) => {
            let x = r!(a);
            // A negative operand is math's domain error.
            if x < 0.0 {
                return Step::Bail;
            }
            set!(d, x.sqrt())
        }
        Ins::Neg(d, a) => set!(d, -r!(a)),
        Ins::Not(d, a) => set!(d, if r!(a) == 0.0 { 1.0 } else { 0.0 }),
        Ins::Cmp(op, d, a, b) => {
            let (x, y) = (r!(a), r!(b));
            let holds = match op {
                CmpOp::Lt => x < y,
                CmpOp::Le => x <= y,
                CmpOp::Gt => x > y,
                CmpOp::Ge => x >= y,
                CmpOp::Eq => x == y,
                CmpOp::Ne => x != y,
                // Never compiled: a number is not a container.
                CmpOp::In | CmpOp::NotIn => return Step::Bail,
            };
            set!(d, if holds { 1.0 } else { 0.0 })
        }
        Ins::Math(f, d, a) => {
            let x = r!(a);
            let v = f(x);
            if (v.is_nan() && !x.is_nan()) || (v.is_infinite() && x.is_finite()) {
                return Step::Bail;
            }
            set!(d, v)
        }
        Ins::Abs(d, a) => set!(d, r!(a).abs()),
        Ins::MinStep(d, a) => {
            let x = r!(a);
            if x < r!(d) {
                set!(d, x)
            }
        }
        Ins::MaxStep(d, a) => {
            let x = r!(a);
            if x > r!(d) {
                set!(d, x)
            }
        }
        Ins::Move(d, a) => set!(d, r!(a)),
        Ins::Jump(t) => return Step::Jump(t),
        Ins::JumpIfFalse(a, t) => {
            if r!(a) == 0.0 {
                return Step::Jump(t);
            }
        }
        Ins::JumpIfTrue(a, t) => {
            if r!(a) != 0.0 {
                return Step::Jump(t);
            }
        }
        Ins::Bail => return Step::Bail,
    }
    Step::Next
}

/// `v ** w` of two floats in the lane (`float_pow`, a square inline),
/// `None` where Python's answer is not a float (an error or a complex
/// number).
#[inline]
fn pow(v: f64, w: f64) -> Option<f64> {
    match float::pow_real(v, w) {
        Ok(float::Pow::Real(p)) => Some(p),
        _ => None,
    }
}

/// An expression compiled for repeated evaluation with positional
/// variables: see [`Expr::compile`](crate::Expr::compile).
#[derive(Debug, Clone)]
pub struct Compiled {
    tree: Tree,
    env: Env,
    slots: Box<[Box<str>]>,
    /// By name index of the tree, the slot the name is bound to.
    slot_of: Box<[Option<u32>]>,
    lane: Option<Lane>,
}

impl Compiled {
    /// Compiles `tree` with `slots` bound positionally and `env` fixed.
    pub(crate) fn new(tree: &Tree, slots: &[&str], env: &Env) -> Result<Compiled, EvalError> {
        for (i, s) in slots.iter().enumerate() {
            if slots[..i].contains(s) {
                return Err(EvalError::value(format!("slot name '{s}' is given twice")));
            }
        }
        // Every name a slot, a name of `env` or a built-in; user
        // functions only called, with arguments they accept.
        let mut vars: Bindings = slots
            .iter()
            .map(|s| (Box::from(*s), Binding::Value(Value::Float(0.0))))
            .collect();
        for (name, binding) in env.bindings.iter() {
            if vars.get(name).is_none() {
                vars.bind(name, binding.clone());
            }
        }
        eval::check(tree, &vars)?;
        let slot_of: Box<[Option<u32>]> = tree
            .names
            .iter()
            .map(|n| {
                slots
                    .iter()
                    .position(|s| **s == **n)
                    .and_then(|p| u32::try_from(p).ok())
            })
            .collect();
        let slot_names: Box<[Box<str>]> = slots.iter().map(|s| Box::from(*s)).collect();
        // An assignment expression makes a name's value depend on where
        // it is read: such expressions take the general path only.
        let lane = if tree.assigns() {
            None
        } else {
            LaneCompiler::new(tree, env, &slot_of, slots.len()).and_then(|c| c.finish())
        };
        Ok(Compiled {
            tree: tree.clone(),
            env: env.clone(),
            slots: slot_names,
            slot_of,
            lane,
        })
    }

    /// The slot names, in the order [`eval`](Self::eval) takes the values.
    ///
    /// ```
    /// let c = calc_core::Expr::parse("x + y").unwrap().compile(&["x", "y"]).unwrap();
    /// assert_eq!(c.slots().collect::<Vec<_>>(), ["x", "y"]);
    /// ```
    pub fn slots(&self) -> impl Iterator<Item = &str> + '_ {
        self.slots.iter().map(|s| &**s)
    }

    /// Whether the expression has a float lane: whether evaluations with
    /// every slot a float can run as plain `f64` operations. Without one,
    /// every evaluation takes the general path (same answers, slower).
    ///
    /// ```
    /// use calc_core::Expr;
    /// let lane = |s: &str| Expr::parse(s).unwrap().compile(&["x"]).unwrap().has_float_lane();
    /// assert!(lane("x*2 + sqrt(x) - cos(0.5)"));
    /// assert!(!lane("x & 1"));
    /// ```
    pub fn has_float_lane(&self) -> bool {
        self.lane.is_some()
    }

    /// Evaluates the expression with `values` in the slots, in order.
    ///
    /// The answer (value or error, with its span) is the one
    /// [`Expr::eval`](crate::Expr::eval) gives with an [`Env`] binding the
    /// slot names to `values` on top of the compile-time `Env`. A number of
    /// values other than the number of slots is a `TypeError`.
    ///
    /// ```
    /// use calc_core::{Expr, Value};
    /// let c = Expr::parse("x / y").unwrap().compile(&["x", "y"]).unwrap();
    /// assert_eq!(c.eval(&[Value::from(1.0), Value::from(4.0)]).unwrap().to_string(), "0.25");
    /// assert_eq!(c.eval(&[Value::from(7), Value::from(2)]).unwrap().to_string(), "3.5");
    /// let err = c.eval(&[Value::from(1.0), Value::from(0.0)]).unwrap_err();
    /// assert_eq!(err.to_string(), "ZeroDivisionError: float division by zero");
    /// ```
    pub fn eval(&self, values: &[Value]) -> Result<Value, EvalError> {
        self.check_count(values.len())?;
        if let Some(lane) = &self.lane {
            let answer = lane.eval(|regs| {
                for (r, v) in regs.iter_mut().zip(values) {
                    match v {
                        Value::Float(x) => *r = *x,
                        _ => return None,
                    }
                }
                Some(())
            });
            if let Some(v) = answer {
                return Ok(v);
            }
        }
        self.eval_general(values)
    }

    /// [`eval`](Self::eval) with every slot a float: the float lane's entry
    /// point, for callers whose variables are `f64`s.
    ///
    /// ```
    /// use calc_core::Expr;
    /// let c = Expr::parse("x**y").unwrap().compile(&["x", "y"]).unwrap();
    /// assert_eq!(c.eval_f64(&[2.0, 0.5]).unwrap().to_string(), "1.4142135623730951");
    /// // Python's answers where plain f64 arithmetic would differ:
    /// assert_eq!(c.eval_f64(&[-8.0, 0.5]).unwrap().to_string(), "(1.7319121124709868e-16+2.8284271247461903j)");
    /// assert_eq!(c.eval_f64(&[10.0, 400.0]).unwrap_err().to_string(), "OverflowError: (34, 'Numerical result out of range')");
    /// ```
    pub fn eval_f64(&self, values: &[f64]) -> Result<Value, EvalError> {
        self.check_count(values.len())?;
        if let Some(lane) = &self.lane {
            let answer = lane.eval(|regs| {
                // The commonest counts by pattern: a copy of a length
                // known only at run time is a call to `memcpy`.
                match (regs, values) {
                    ([r0, ..], [v0]) => *r0 = *v0,
                    ([r0, r1, ..], [v0, v1]) => (*r0, *r1) = (*v0, *v1),
                    ([r0, r1, r2, ..], [v0, v1, v2]) => (*r0, *r1, *r2) = (*v0, *v1, *v2),
                    (regs, values) => regs.get_mut(..values.len())?.copy_from_slice(values),
                }
                Some(())
            });
            if let Some(v) = answer {
                return Ok(v);
            }
        }
        let values: Vec<Value> = values.iter().map(|x| Value::Float(*x)).collect();
        self.eval_general(&values)
    }

    /// The general path, with the slots bound to `values`.
    #[cold]
    fn eval_general(&self, values: &[Value]) -> Result<Value, EvalError> {
        eval::eval_slots(
            &self.tree,
            &self.env.bindings,
            &self.slot_of,
            values,
            self.env.limits(),
        )
    }

    #[inline]
    fn check_count(&self, given: usize) -> Result<(), EvalError> {
        if given == self.slots.len() {
            return Ok(());
        }
        Err(self.count_error(given))
    }

    #[cold]
    #[inline(never)]
    fn count_error(&self, given: usize) -> EvalError {
        EvalError::type_error(format!(
            "the compiled expression takes {} values ({}) but {given} were given",
            self.slots.len(),
            self.slots.join(", ")
        ))
    }
}

/// Not expressible in the float lane.
struct Unsupported;

type Compiled1 = Result<(Reg, Ty), Unsupported>;

/// Builds the float lane of a tree.
struct LaneCompiler<'a> {
    tree: &'a Tree,
    env: &'a Env,
    slot_of: &'a [Option<u32>],
    /// By node id: whether the node's value depends on a slot or a user
    /// function (else it is a constant, folded at compile time).
    dynamic: Vec<bool>,
    code: Vec<Ins>,
    init: Vec<f64>,
}

impl<'a> LaneCompiler<'a> {
    fn new(
        tree: &'a Tree,
        env: &'a Env,
        slot_of: &'a [Option<u32>],
        slots: usize,
    ) -> Option<LaneCompiler<'a>> {
        let mut dynamic = vec![false; tree.nodes.len()];
        let get = |d: &[bool], id: NodeId| d.get(id as usize).copied().unwrap_or(true);
        let any = |d: &[bool], start: NodeId, len: u32| {
            (start..start.saturating_add(len)).any(|id| get(d, id))
        };
        // Children precede parents.
        for (id, node) in tree.nodes.iter().enumerate() {
            let v = match node {
                Node::Const(_) => false,
                Node::Name(i) => {
                    let slotted = slot_of.get(*i as usize).copied().flatten().is_some();
                    let function = tree
                        .names
                        .get(*i as usize)
                        .is_some_and(|n| matches!(env.lookup(n), Some(Binding::Function(_))));
                    slotted || function
                }
                Node::Unary(_, x) | Node::Not(_, x) | Node::Item(_, x) => get(&dynamic, *x),
                Node::Binary(_, l, r) => get(&dynamic, *l) || get(&dynamic, *r),
                Node::Chain(first, items)
                | Node::Compare(first, items)
                | Node::Call(first, items) => {
                    get(&dynamic, *first) || any(&dynamic, items.start, items.len)
                }
                Node::Bool(_, items) => any(&dynamic, items.start, items.len),
                Node::IfElse { body, test, orelse } => {
                    get(&dynamic, *body) || get(&dynamic, *test) || get(&dynamic, *orelse)
                }
                Node::Assign(..) | Node::Tuple(_) | Node::Subscript(..) | Node::Attr(..) => true,
            };
            *dynamic.get_mut(id)? = v;
        }
        Some(LaneCompiler {
            tree,
            env,
            slot_of,
            dynamic,
            code: Vec::new(),
            init: vec![0.0; slots],
        })
    }

    fn finish(mut self) -> Option<Lane> {
        let (root, ty) = self.node(self.tree.root).ok()?;
        if ty == Ty::Never {
            return None;
        }
        // Padded to the array `Lane::eval` runs in, which it then copies
        // whole: a copy of a fixed size, inline.
        let len = self.init.len();
        if len <= STACK_REGS {
            self.init.resize(len.next_power_of_two().max(8), 0.0);
        }
        let straight = !self
            .code
            .iter()
            .any(|i| matches!(i, Ins::Jump(_) | Ins::JumpIfFalse(..) | Ins::JumpIfTrue(..)));
        Some(Lane {
            straight,
            code: self.code.into(),
            init: self.init.into(),
            root,
            ty,
        })
    }

    fn reg(&mut self, init: f64) -> Result<Reg, Unsupported> {
        let r = Reg::try_from(self.init.len()).map_err(|_| Unsupported)?;
        self.init.push(init);
        Ok(r)
    }

    fn emit(&mut self, ins: Ins) -> usize {
        self.code.push(ins);
        self.code.len() - 1
    }

    /// Points the jump at `at` to the end of the code so far.
    fn patch(&mut self, at: usize) -> Result<(), Unsupported> {
        let target = u32::try_from(self.code.len()).map_err(|_| Unsupported)?;
        match self.code.get_mut(at) {
            Some(Ins::Jump(t) | Ins::JumpIfFalse(_, t) | Ins::JumpIfTrue(_, t)) => {
                *t = target;
                Ok(())
            }
            _ => Err(Unsupported),
        }
    }

    fn item(&self, id: usize) -> Result<(Link, NodeId), Unsupported> {
        match self.tree.nodes.get(id) {
            Some(Node::Item(link, x)) => Ok((*link, *x)),
            _ => Err(Unsupported),
        }
    }

    fn node(&mut self, id: NodeId) -> Compiled1 {
        if !*self.dynamic.get(id as usize).ok_or(Unsupported)? {
            return self.constant(id);
        }
        let node = self.tree.nodes.get(id as usize).ok_or(Unsupported)?;
        match node {
            Node::Name(i) => match self.slot_of.get(*i as usize).copied().flatten() {
                Some(s) => Ok((s, Ty::Float)),
                None => Err(Unsupported),
            },
            Node::Unary(op, x) => {
                let (r, t) = self.node(*x)?;
                match (op, t) {
                    (_, Ty::Never) => Ok((r, t)),
                    (UnaryOp::Pos, Ty::Float) => Ok((r, t)),
                    (UnaryOp::Neg, Ty::Float) => {
                        let d = self.reg(0.0)?;
                        self.emit(Ins::Neg(d, r));
                        Ok((d, t))
                    }
                    _ => Err(Unsupported),
                }
            }
            Node::Not(count, x) => {
                let (r, _) = self.node(*x)?;
                let d = self.reg(0.0)?;
                self.emit(Ins::Not(d, r));
                if count % 2 == 0 {
                    self.emit(Ins::Not(d, d));
                }
                Ok((d, Ty::Bool))
            }
            Node::Binary(op, l, r) => {
                let a = self.node(*l)?;
                let b = self.node(*r)?;
                self.binary(*op, a, b)
            }
            Node::Chain(first, items) => {
                let mut acc = self.node(*first)?;
                for item in items.ids() {
                    let (Link::Bin(op), x) = self.item(item)? else {
                        return Err(Unsupported);
                    };
                    let b = self.node(x)?;
                    acc = self.binary(op, acc, b)?;
                }
                Ok(acc)
            }
            Node::Compare(first, items) => {
                let d = self.reg(0.0)?;
                let (mut left, _) = self.node(*first)?;
                let mut exits = Vec::new();
                for (k, item) in items.ids().enumerate() {
                    let (Link::Cmp(op), x) = self.item(item)? else {
                        return Err(Unsupported);
                    };
                    if matches!(op, CmpOp::In | CmpOp::NotIn) {
                        return Err(Unsupported);
                    }
                    let (right, _) = self.node(x)?;
                    self.emit(Ins::Cmp(op, d, left, right));
                    if k + 1 < items.len as usize {
                        exits.push(self.emit(Ins::JumpIfFalse(d, 0)));
                    }
                    left = right;
                }
                for at in exits {
                    self.patch(at)?;
                }
                Ok((d, Ty::Bool))
            }
            Node::Bool(op, items) => {
                let d = self.reg(0.0)?;
                let mut ty = Ty::Never;
                let mut exits = Vec::new();
                for (k, item) in items.ids().enumerate() {
                    let (_, x) = self.item(item)?;
                    let (r, t) = self.node(x)?;
                    ty = ty.unify(t).ok_or(Unsupported)?;
                    self.emit(Ins::Move(d, r));
                    if k + 1 < items.len as usize {
                        exits.push(self.emit(match op {
                            BoolOp::And => Ins::JumpIfFalse(d, 0),
                            BoolOp::Or => Ins::JumpIfTrue(d, 0),
                        }));
                    }
                }
                for at in exits {
                    self.patch(at)?;
                }
                Ok((d, ty))
            }
            Node::IfElse { body, test, orelse } => {
                let (t, _) = self.node(*test)?;
                let to_else = self.emit(Ins::JumpIfFalse(t, 0));
                let d = self.reg(0.0)?;
                let (b, bt) = self.node(*body)?;
                self.emit(Ins::Move(d, b));
                let to_end = self.emit(Ins::Jump(0));
                self.patch(to_else)?;
                let (o, ot) = self.node(*orelse)?;
                self.emit(Ins::Move(d, o));
                self.patch(to_end)?;
                Ok((d, bt.unify(ot).ok_or(Unsupported)?))
            }
            Node::Call(func, items) => self.call(*func, items.ids()),
            Node::Const(_)
            | Node::Item(..)
            | Node::Assign(..)
            | Node::Tuple(_)
            | Node::Subscript(..)
            | Node::Attr(..) => Err(Unsupported),
        }
    }

    /// A constant subtree, evaluated now by the general path. Only one
    /// that charges no work is folded (the general path charges a whole
    /// evaluation to one budget); an error becomes a [`Ins::Bail`], so
    /// that the general path raises it when it is reached.
    fn constant(&mut self, id: NodeId) -> Compiled1 {
        let (result, units) =
            eval::eval_node_metered(self.tree, id, &self.env.bindings, self.env.limits());
        if units > 0 {
            return Err(Unsupported);
        }
        let (x, ty) = match result {
            Ok(Value::Float(x)) => (x, Ty::Float),
            Ok(Value::Bool(b)) => (f64::from(u8::from(b)), Ty::Bool),
            Ok(Value::Int(Int(IntRepr::Small(i)))) if i.unsigned_abs() <= EXACT_INT => {
                (i as f64, Ty::Int)
            }
            Ok(_) => return Err(Unsupported),
            Err(_) => {
                self.emit(Ins::Bail);
                (0.0, Ty::Never)
            }
        };
        Ok((self.reg(x)?, ty))
    }

    fn binary(&mut self, op: BinOp, (a, ta): (Reg, Ty), (b, tb): (Reg, Ty)) -> Compiled1 {
        if ta == Ty::Never || tb == Ty::Never {
            return Ok((a, Ty::Never));
        }
        // float op float-or-bool-or-int is a float operation on the
        // converted operand; without a float it is an int operation.
        if ta != Ty::Float && tb != Ty::Float {
            return Err(Unsupported);
        }
        let d = self.reg(0.0)?;
        self.emit(match op {
            BinOp::Add => Ins::Add(d, a, b),
            BinOp::Sub => Ins::Sub(d, a, b),
            BinOp::Mul => Ins::Mul(d, a, b),
            BinOp::Div => Ins::Div(d, a, b),
            BinOp::FloorDiv => Ins::FloorDiv(d, a, b),
            BinOp::Mod => Ins::Mod(d, a, b),
            BinOp::Pow => Ins::Pow(d, a, b),
            _ => return Err(Unsupported),
        });
        Ok((d, Ty::Float))
    }

    /// A call of a built-in by its name (not shadowed) with float
    /// arguments: the `math_1` functions, `log` of one argument, `abs`,
    /// `min` and `max`.
    fn call(&mut self, func: NodeId, args: std::ops::Range<usize>) -> Compiled1 {
        let Some(Node::Name(i)) = self.tree.nodes.get(func as usize) else {
            return Err(Unsupported);
        };
        let name = self.tree.names.get(*i as usize).ok_or(Unsupported)?;
        if self.slot_of.get(*i as usize).copied().flatten().is_some()
            || self.env.lookup(name).is_some()
        {
            return Err(Unsupported);
        }
        let Some(Value::Builtin(b)) = builtins::lookup(name) else {
            return Err(Unsupported);
        };
        let mut regs = Vec::with_capacity(args.len());
        for item in args {
            let (link, x) = self.item(item)?;
            if link != Link::None {
                // A keyword argument: left to the general path.
                return Err(Unsupported);
            }
            let (r, t) = self.node(x)?;
            if !matches!(t, Ty::Float | Ty::Never) {
                return Err(Unsupported);
            }
            regs.push(r);
        }
        let d = self.reg(0.0)?;
        match (b, regs.as_slice()) {
            (Builtin::Abs, [a]) => {
                self.emit(Ins::Abs(d, *a));
            }
            (Builtin::Sqrt, [a]) => {
                self.emit(Ins::Sqrt(d, *a));
            }
            (Builtin::Min | Builtin::Max, [first, rest @ ..]) if !rest.is_empty() => {
                self.emit(Ins::Move(d, *first));
                for a in rest {
                    self.emit(if b == Builtin::Min {
                        Ins::MinStep(d, *a)
                    } else {
                        Ins::MaxStep(d, *a)
                    });
                }
            }
            (_, [a]) => {
                let f = builtins::float_function(b).ok_or(Unsupported)?;
                self.emit(Ins::Math(f, d, *a));
            }
            _ => return Err(Unsupported),
        }
        Ok((d, Ty::Float))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Expr, Value};

    /// The lane itself answers (the general path behind it would give the
    /// same values, so only a direct look shows that the lane ran), for
    /// lanes of every register array and the heap.
    #[test]
    fn the_lane_answers_without_the_general_path() {
        for terms in [1, 3, 6, 12, 30, 200] {
            let src: Vec<String> = (0..terms)
                .map(|k| format!("x*{k}.5 - sqrt(y)**2/{}", k + 1))
                .collect();
            let c = Expr::parse(&src.join(" + "))
                .unwrap()
                .compile(&["x", "y"])
                .unwrap();
            let lane = c.lane.as_ref().expect("a lane");
            let answer = lane.eval(|regs| {
                regs.get_mut(..2)?.copy_from_slice(&[1.5, 4.0]);
                Some(())
            });
            let want = c.eval_general(&[Value::Float(1.5), Value::Float(4.0)]);
            assert_eq!(answer, Some(want.unwrap()), "{terms} terms");
        }
    }
}
