//! The operators of the language. (The expression tree itself is owned by the
//! parser; these enums are the contract between parser, evaluator and `ops`.)

/// A binary arithmetic or bitwise operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/` (true division)
    Div,
    /// `//` (floor division)
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
}

impl BinOp {
    /// The operator as written in Python, e.g. `"//"`.
    pub fn symbol(self) -> &'static str {
        crate::grammar::binary_text(self)
    }
}

/// A unary arithmetic operator (`not` is handled by the evaluator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`
    Invert,
}

impl UnaryOp {
    /// The operator as written in Python.
    pub fn symbol(self) -> &'static str {
        crate::grammar::unary_text(self)
    }
}

/// A comparison operator (one link of a possibly chained comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `in` (membership: an item of a tuple, a substring of a string)
    In,
    /// `not in`
    NotIn,
}

impl CmpOp {
    /// The operator as written in Python.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            _ => crate::grammar::compare_text(self),
        }
    }
}

/// Index of a node in a [`Tree`]'s arena.
pub(crate) type NodeId = u32;

/// `and` or `or`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum BoolOp {
    /// `a and b`: the first falsy operand, else the last.
    And,
    /// `a or b`: the first truthy operand, else the last.
    Or,
}

impl BoolOp {
    /// The keyword as written in Python.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BoolOp::And => "and",
            BoolOp::Or => "or",
        }
    }
}

/// A contiguous run of [`Node::Item`] nodes: the operands of a chain or the
/// arguments of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Items {
    /// Id of the first `Item` node.
    pub start: NodeId,
    /// Number of `Item` nodes.
    pub len: u32,
}

impl Items {
    /// The node ids of the items.
    pub(crate) fn ids(self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

/// The operator before an [`Node::Item`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// An operand of `and`/`or`, or a call argument.
    None,
    /// An operand of a comparison chain.
    Cmp(CmpOp),
    /// An operand of a binary chain.
    Bin(BinOp),
    /// A call's keyword argument `name=value`: index into `Tree::keywords`.
    Keyword(u32),
}

/// One node of the expression tree.
///
/// Nodes live in one arena (`Tree::nodes`) and refer to each other by index,
/// so a tree costs one allocation however many nodes it has, and dropping a
/// deep tree does not recurse. Children are always pushed before their
/// parent. Chains (`a or b or c`, `a < b < c`, `not not x`, `a + b - c`)
/// are flat, so long ones do not make the tree deep.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A literal, or `True`/`False`.
    Const(crate::Value),
    /// A name, resolved at evaluation time: index into `Tree::names`.
    Name(u32),
    /// `op operand`.
    Unary(UnaryOp, NodeId),
    /// `not` applied `count` (>= 1) times.
    Not(u32, NodeId),
    /// `left op right`.
    Binary(BinOp, NodeId, NodeId),
    /// `first op1 x1 op2 x2 ...` for operators of one left-associative
    /// level, `((first op1 x1) op2 x2) ...`: the items carry the operators.
    Chain(NodeId, Items),
    /// `first op1 x1 op2 x2 ...`: the items carry the operators.
    Compare(NodeId, Items),
    /// `x1 and x2 and ...` / `x1 or x2 or ...` (at least two items, op `None`).
    Bool(BoolOp, Items),
    /// `body if test else orelse`.
    IfElse {
        /// Evaluated when `test` is truthy.
        body: NodeId,
        /// The condition.
        test: NodeId,
        /// Evaluated when `test` is falsy.
        orelse: NodeId,
    },
    /// `func(args...)`.
    Call(NodeId, Items),
    /// One operand of a chain or argument of a call, with the operator
    /// before it in a `Compare` or `Chain`.
    Item(Link, NodeId),
    /// `(x1, x2, ...)` or `x1, x2` at the top level: a tuple display of
    /// at least one item (op `None`); `()` is a constant.
    Tuple(Items),
    /// `value[index]`.
    Subscript(NodeId, NodeId),
    /// `value.name`: an attribute, its name NFKC-normalized.
    Attr(NodeId, Box<str>),
    /// `(name := value)`: an assignment expression, whose value is
    /// `value`'s, bound to the name (index into `Tree::names`) from then
    /// on.
    Assign(u32, NodeId),
}

/// A parsed expression: an arena of nodes and the root's index.
///
/// Trees are equal when their nodes, names and root are: the spans, where
/// the text was, do not count.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    /// Every node; children precede parents.
    pub nodes: Vec<Node>,
    /// The byte span `start..end` of each node's source text, by node id
    /// (an `Item`'s is its operand's); offsets saturate at `u32::MAX`.
    pub spans: Vec<(u32, u32)>,
    /// The names the expression mentions (each once).
    pub names: Vec<Box<str>>,
    /// The keywords of the calls' keyword arguments (each once): not
    /// names the expression refers to.
    pub keywords: Vec<Box<str>>,
    /// The node the expression evaluates.
    pub root: NodeId,
}

impl PartialEq for Tree {
    fn eq(&self, other: &Tree) -> bool {
        self.nodes == other.nodes
            && self.names == other.names
            && self.keywords == other.keywords
            && self.root == other.root
    }
}

impl Tree {
    /// Whether the expression has an assignment expression.
    pub(crate) fn assigns(&self) -> bool {
        self.nodes.iter().any(|n| matches!(n, Node::Assign(..)))
    }

    /// The span of node `id`, if recorded.
    pub(crate) fn span(&self, id: NodeId) -> Option<(u32, u32)> {
        self.spans.get(id as usize).copied()
    }

    /// The node `id`. Ids come from the parser, which only hands out ids of
    /// nodes it has pushed, so a failed lookup is a bug in calc-core; it is
    /// still an error rather than a panic.
    pub(crate) fn node(&self, id: NodeId) -> Result<&Node, crate::EvalError> {
        self.nodes
            .get(id as usize)
            .ok_or_else(|| crate::EvalError::limit("internal error: malformed expression tree"))
    }
}
