//! The parser: Python 3.11's expression grammar, restricted to the
//! language, by recursive descent with one function per precedence level.
//!
//! ```text
//! expression  := disjunction ['if' disjunction 'else' expression]
//! disjunction := conjunction ('or' conjunction)*
//! conjunction := inversion ('and' inversion)*
//! inversion   := 'not'* comparison
//! comparison  := bitwise_or (cmp_op bitwise_or)*
//! bitwise_or  := the six left-associative binary levels | ^ & << >> + - * / // %
//! factor      := ('+' | '-' | '~')* power
//! power       := primary ['**' factor]
//! primary     := atom ('(' [arguments] ')')*
//! arguments   := named (',' named)* [',']
//! atom        := NAME | 'True' | 'False' | NUMBER | '(' named ')'
//! named       := NAME ':=' expression | expression
//! ```
//!
//! `named` is Python's `named_expression`: an assignment expression is
//! allowed in parentheses and as a call's argument, not at the top level.
//!
//! docs/grammar.md describes the accepted language, its errors and limits.
//!
//! Depth: only brackets make the parser recurse, at most `max_depth` times
//! (the tokenizer counts them) and at most `max_nesting` times. Unary and
//! `not` chains, `**` towers, `else` chains and the runs of one binary level
//! are collected by loops, the last into flat nodes. `max_nesting` also
//! bounds the height of the tree, so evaluation, which recurses on it, is
//! bounded too. In a debug build one bracket level costs a few KiB of
//! stack, a dozen frames; `and`/`or` share one function and the binary
//! levels share one precedence-climbing function to keep it so.
//!
//! Errors follow CPython's two-stage reporting: a tokenizer error found
//! anywhere in the input wins over a parser error (see
//! [`Lexer::first_error_in_rest`]), and Python syntax outside the language
//! is parsed on with its error deferred, so that the columns of real syntax
//! errors are CPython's.

use std::collections::HashMap;

pub(crate) mod lex;
pub(crate) mod number;

use crate::ast::{BinOp, BoolOp, CmpOp, Items, Link, Node, NodeId, Tree, UnaryOp};
use crate::grammar::level;
use crate::{EvalError, Limits, Value};
use lex::{error_at, Kw, Lexer, Op, Tok, Token};

/// Parses `source` into a tree under `limits`.
pub(crate) fn parse(source: &str, limits: &Limits) -> Result<Tree, EvalError> {
    with_scratch(|scratch| parse_into(source, limits, scratch, Vec::with_capacity(8), Vec::new()))
}

/// Parses `source` and hands the tree to `f`, reusing this thread's tree
/// buffers: the one-shot [`eval`](crate::eval()) then allocates nothing for
/// an expression without names.
pub(crate) fn with_tree<T>(
    source: &str,
    limits: &Limits,
    f: impl FnOnce(&Tree) -> Result<T, EvalError>,
) -> Result<T, EvalError> {
    with_scratch(|scratch| {
        let nodes = std::mem::take(&mut scratch.nodes);
        let names = std::mem::take(&mut scratch.names);
        let tree = parse_into(source, limits, scratch, nodes, names)?;
        let result = f(&tree);
        scratch.nodes = recycle(tree.nodes);
        scratch.spans = recycle(tree.spans);
        scratch.names = recycle(tree.names);
        result
    })
}

/// Buffers kept between parses on one thread, so that parsing a small
/// expression does not allocate them again.
#[derive(Default)]
struct Scratch {
    nodes: Vec<Node>,
    spans: Vec<(u32, u32)>,
    names: Vec<Box<str>>,
    pending: Vec<(Link, NodeId)>,
    unary_ops: Vec<UnaryOp>,
    tower: Vec<Floor>,
    branches: Vec<(Sub, Sub)>,
    open: Vec<(u8, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Runs `f` with this thread's scratch buffers, borrowed in place (moving
/// the whole `Scratch` out and back cost ~100 instructions a call), or
/// with fresh ones, should the thread's be in use or gone.
fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> Result<T, EvalError>) -> Result<T, EvalError> {
    let mut f = Some(f);
    let done = SCRATCH.try_with(|s| {
        let mut scratch = s.try_borrow_mut().ok()?;
        f.take().map(|f| f(&mut scratch))
    });
    match (done, f.take()) {
        (Ok(Some(result)), _) => result,
        (_, Some(f)) => f(&mut Scratch::default()),
        // `f` is taken only to be run, and then its result is returned.
        (_, None) => Err(EvalError::limit(
            "internal error: parser scratch buffers lost",
        )),
    }
}

/// An emptied buffer, or a new one if it grew large (after a long input),
/// so a thread does not keep much memory.
fn recycle<T>(mut v: Vec<T>) -> Vec<T> {
    v.clear();
    if v.capacity() > 256 {
        Vec::new()
    } else {
        v
    }
}

fn parse_into(
    source: &str,
    limits: &Limits,
    scratch: &mut Scratch,
    nodes: Vec<Node>,
    names: Vec<Box<str>>,
) -> Result<Tree, EvalError> {
    if source.len() > limits.max_source_len {
        return Err(EvalError::limit(format!(
            "source is longer than {} bytes",
            limits.max_source_len
        )));
    }
    // CPython's `eval` strips leading spaces and tabs before compiling, so
    // its columns on the first line count from the first other character;
    // ours count from the first character as given (docs/protocol.md), and
    // the tokenizer skips the blanks.
    let mut lexer = Lexer::new(source, limits.max_depth, std::mem::take(&mut scratch.open));
    let tok = lexer.next_token()?;
    let mut parser = Parser {
        src: source,
        lexer,
        tok,
        limits,
        nodes,
        spans: std::mem::take(&mut scratch.spans),
        prev_end: 0,
        names,
        pending: std::mem::take(&mut scratch.pending),
        depth: 0,
        lambdas: 0,
        last_disjunction: 0,
        unary_ops: std::mem::take(&mut scratch.unary_ops),
        tower: std::mem::take(&mut scratch.tower),
        name_index: None,
        branches: std::mem::take(&mut scratch.branches),
        deferred: None,
        attribute_end: 0,
    };
    let result = parser.file().and_then(|root| match parser.deferred {
        // Python syntax outside the language, in an otherwise valid
        // expression.
        Some((at, message)) => Err(Failure::new(Stage::Other, error_at(source, at, message))),
        None => Ok(root),
    });
    scratch.pending = recycle(std::mem::take(&mut parser.pending));
    scratch.unary_ops = recycle(std::mem::take(&mut parser.unary_ops));
    scratch.tower = recycle(std::mem::take(&mut parser.tower));
    scratch.branches = recycle(std::mem::take(&mut parser.branches));
    let result = match result {
        Ok(root) => Ok(Tree {
            nodes: parser.nodes,
            spans: std::mem::take(&mut parser.spans),
            names: parser.names,
            root,
        }),
        Err(Failure(failure)) => match *failure {
            // As CPython does, prefer an error the tokenizer finds in the
            // rest of the input over the parser's.
            (Stage::Parser, e) => Err(parser.lexer.first_error_in_rest().unwrap_or(e)),
            (_, e) => Err(e),
        },
    };
    if result.is_err() {
        scratch.spans = recycle(std::mem::take(&mut parser.spans));
    }
    scratch.open = recycle(parser.lexer.into_buffer());
    result
}

/// A byte offset as stored in a span, saturating.
fn offset(pos: usize) -> u32 {
    u32::try_from(pos).unwrap_or(u32::MAX)
}

/// Which stage stopped parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The tokenizer rejected the input.
    Lexer,
    /// The parser rejected a token.
    Parser,
    /// A limit was exceeded.
    Other,
}

/// Why parsing stopped. Boxed so that `PResult` stays two words: the
/// parser recurses once per parenthesis through a dozen functions, and in
/// a debug build every `?` keeps its own copy of the result on the stack.
#[derive(Debug)]
struct Failure(Box<(Stage, EvalError)>);

impl Failure {
    #[cold]
    fn new(stage: Stage, error: EvalError) -> Failure {
        Failure(Box::new((stage, error)))
    }
}

type PResult<T> = Result<T, Failure>;

/// A parsed subexpression: its node, the height of its tree and where its
/// text starts.
#[derive(Debug, Clone, Copy)]
struct Sub {
    id: NodeId,
    height: u32,
    start: usize,
}

/// A left-associative binary operator and its level (from
/// [`level::BIT_OR`] to [`level::TERM`]); `**` is not one.
#[inline]
fn binary_op(tok: Tok) -> Option<(BinOp, u8)> {
    match tok {
        Tok::Op(op) => op.binary().filter(|&(_, prec)| prec <= level::TERM),
        // `@`, Python's matrix product: parsed as `*` is, its error
        // deferred.
        Tok::Unsupported(MATMUL) => Some((BinOp::Mul, level::TERM)),
        _ => None,
    }
}

#[inline]
fn compare_op(tok: Tok) -> Option<CmpOp> {
    let Tok::Op(op) = tok else { return None };
    op.compare()
}

#[inline]
fn unary_op(tok: Tok) -> Option<UnaryOp> {
    let Tok::Op(op) = tok else { return None };
    op.unary()
}

/// Whether `tok` can start an expression that CPython would take for a
/// second argument missing its comma (`f(1 2)`).
fn starts_operand(tok: Tok) -> bool {
    matches!(
        tok,
        Tok::Int(_)
            | Tok::Float
            | Tok::Imag
            | Tok::Name
            | Tok::Kw(Kw::True | Kw::False | Kw::Not)
            | Tok::Op(Op::Tilde)
    )
}

struct Parser<'s, 'l> {
    src: &'s str,
    lexer: Lexer<'s>,
    /// The lookahead token.
    tok: Token,
    limits: &'l Limits,
    nodes: Vec<Node>,
    /// The span of each node, by id.
    spans: Vec<(u32, u32)>,
    /// The end of the last token moved past.
    prev_end: usize,
    names: Vec<Box<str>>,
    /// Operands of the chains and argument lists being parsed; each list
    /// pushes its items here and moves them into `nodes` when complete.
    pending: Vec<(Link, NodeId)>,
    /// `expression`/`factor` recursion depth.
    depth: usize,
    /// `lambda`s being parsed, one inside the other: the one construct
    /// that recurses without a bracket, bounded as brackets are (by
    /// `max_depth`), since a level of it costs about as much stack.
    lambdas: usize,
    /// Start of the last disjunction completed (for CPython's
    /// "Perhaps you forgot a comma?").
    last_disjunction: usize,
    /// The unary operators of the chains being parsed.
    unary_ops: Vec<UnaryOp>,
    /// The floors of the `**` towers being parsed.
    tower: Vec<Floor>,
    /// `names` by text, once there are many.
    name_index: Option<HashMap<Box<str>, usize>>,
    /// The `body if test else` parts of the `else` chains being parsed.
    branches: Vec<(Sub, Sub)>,
    /// The first atom CPython accepts but the language does not (`None`,
    /// a string), and why: reported if the rest parses, so that syntax
    /// errors elsewhere get CPython's columns.
    deferred: Option<(usize, &'static str)>,
    /// Where the last attribute access (`x.y`, parsed on) ended, for the
    /// message of `(x.y := 1)`; 0 before any.
    attribute_end: usize,
}

/// What the arguments of a call so far were, for CPython's errors on
/// their order.
#[derive(Debug, Default)]
struct ArgOrder {
    /// A keyword argument (`x=1`) came.
    keyword: bool,
    /// A `**` argument came.
    double_star: bool,
    /// The first error on the order, if any.
    error: Option<&'static str>,
}

/// One operand of a `**` tower and the unary operators before it (from
/// `ops` to the end of `unary_ops`).
#[derive(Debug, Clone, Copy)]
struct Floor {
    ops: usize,
    base: Sub,
    start: usize,
}

impl<'s, 'l> Parser<'s, 'l> {
    /// Moves to the next token.
    fn bump(&mut self) -> PResult<()> {
        self.prev_end = self.tok.end;
        self.tok = self
            .lexer
            .next_token()
            .map_err(|e| Failure::new(Stage::Lexer, e))?;
        Ok(())
    }

    fn at(&self, tok: Tok) -> bool {
        self.tok.tok == tok
    }

    fn text(&self, token: Token) -> &'s str {
        self.src.get(token.start..token.end).unwrap_or("")
    }

    /// The token after the lookahead, if it can be tokenized.
    fn peek_second(&self) -> Option<Token> {
        self.lexer.clone().next_token().ok()
    }

    /// Whether the lookahead starts an expression that CPython would take
    /// for a second operand missing its comma (`f(1 2)`): the operands of
    /// the language, and a dict or set display or a lambda.
    fn starts_operand(&self) -> bool {
        match self.tok.tok {
            Tok::Unsupported("dicts and sets are not supported" | "'...' is not supported") => true,
            // Except right after a name (CPython's `!(NAME STRING)`).
            Tok::Str => !self.after_name(),
            Tok::Kw(Kw::Other) => matches!(self.text(self.tok), "lambda" | "None"),
            tok => starts_operand(tok),
        }
    }

    /// Whether the token that ends at `prev_end` is a name (not a
    /// keyword or a number).
    fn after_name(&self) -> bool {
        let before = self.src.get(..self.prev_end).unwrap_or("");
        let word_start = before
            .rfind(|c: char| !(c == '_' || c.is_alphanumeric()))
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        let word = before.get(word_start..).unwrap_or("");
        let number = word.starts_with(|c: char| c.is_ascii_digit())
            || (before[..word_start].ends_with('.')
                && before[..word_start.saturating_sub(1)].ends_with(|c: char| c.is_ascii_digit()));
        !word.is_empty()
            && !number
            && !matches!(
                word,
                "True" | "False" | "None" | "and" | "or" | "not" | "if" | "else" | "in" | "is"
            )
    }

    /// The error for an unexpected lookahead token after a complete
    /// operand.
    #[cold]
    fn unexpected_after_operand(&self) -> Failure {
        if self.at(Tok::Kw(Kw::Not)) {
            // CPython looks one token further, for `not in`, and reports
            // the error there.
            if let Some(next) = self.peek_second() {
                return Failure::new(
                    Stage::Parser,
                    error_at(self.src, next.start, "invalid syntax"),
                );
            }
        }
        self.unexpected()
    }

    /// The error for an unexpected lookahead token.
    #[cold]
    fn unexpected(&self) -> Failure {
        let message = match self.tok.tok {
            // Atoms outside the language, where no atom may stand.
            Tok::Str | Tok::Unsupported(MATMUL | "'...' is not supported") => "invalid syntax",
            // `:=` is in the language, where Python allows it.
            _ if self.at_walrus() => "invalid syntax",
            Tok::Unsupported(message) => message,
            _ => "invalid syntax",
        };
        Failure::new(Stage::Parser, error_at(self.src, self.tok.start, message))
    }

    fn push(&mut self, node: Node, height: u32, start: usize) -> PResult<Sub> {
        if height as usize > self.limits.max_nesting {
            return Err(too_deep(self.limits));
        }
        let id = NodeId::try_from(self.nodes.len())
            .map_err(|_| Failure::new(Stage::Other, EvalError::limit("expression too large")))?;
        self.nodes.push(node);
        self.spans.push((offset(start), offset(self.prev_end)));
        Ok(Sub { id, height, start })
    }

    /// Moves the pending items from `mark` on into `nodes` as one run.
    fn items(&mut self, mark: usize) -> PResult<Items> {
        let start = NodeId::try_from(self.nodes.len())
            .map_err(|_| Failure::new(Stage::Other, EvalError::limit("expression too large")))?;
        let len = u32::try_from(self.pending.len().saturating_sub(mark)).unwrap_or(u32::MAX);
        for i in mark..self.pending.len() {
            let operand = self.pending[i].1 as usize;
            let span = self.spans.get(operand).copied().unwrap_or((0, 0));
            self.spans.push(span);
        }
        self.nodes.extend(
            self.pending
                .drain(mark..)
                .map(|(op, id)| Node::Item(op, id)),
        );
        Ok(Items { start, len })
    }

    /// Whether a parse that started at token `first` and failed just now
    /// had parsed a complete prefix, as CPython's backtracking parser would
    /// find: something was built, and the failure is not inside a bracket
    /// that `first` opened (still open, or closed by the lookahead, the
    /// token the parse failed at).
    fn parsed_a_prefix(&self, first: Token, nodes_before: usize) -> bool {
        let closing =
            matches!(self.tok.tok, Tok::Op(Op::RParen)) || matches!(self.text(self.tok), "]" | "}");
        let inside =
            self.lexer.is_open(first.start) || (closing && self.lexer.closed_last(first.start));
        self.nodes.len() > nodes_before && !inside
    }

    /// Guards a recursive descent.
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.limits.max_nesting {
            return Err(too_deep(self.limits));
        }
        Ok(())
    }

    /// The whole input: one expression, then only newlines and comments.
    fn file(&mut self) -> PResult<NodeId> {
        while self.at(Tok::Newline) {
            self.bump()?;
        }
        let e = self.expression()?;
        if self.at(Tok::Op(Op::Comma)) {
            self.rest_of_tuple(Tok::Eof)?;
        }
        while self.at(Tok::Newline) {
            self.bump()?;
        }
        if !self.at(Tok::Eof) {
            if self.starts_operand() && !self.at(Tok::Kw(Kw::Not)) {
                return Err(self.adjacent_operand());
            }
            return Err(self.unexpected_after_operand());
        }
        Ok(e.id)
    }

    /// At the `,` after the first item of a tuple (outside the language,
    /// parsed on so that later syntax errors are CPython's): the other
    /// items, up to `close` or the end of the line.
    fn rest_of_tuple(&mut self, close: Tok) -> PResult<()> {
        self.defer(self.tok.start, "tuples are not supported");
        while self.at(Tok::Op(Op::Comma)) {
            self.bump()?;
            if self.at(close) || self.at(Tok::Newline) || self.at(Tok::Eof) {
                break;
            }
            // `eval` input allows `*x` in a parenthesized tuple only.
            if close == Tok::Eof {
                self.nested_expression()?;
            } else {
                self.starred_item()?;
            }
        }
        Ok(())
    }

    /// An item of a tuple or list display, which may be starred (`*x`).
    fn starred_item(&mut self) -> PResult<Sub> {
        if self.at(Tok::Op(Op::Star)) {
            self.bump()?;
            return self.nested_expression();
        }
        self.named_expression(false)
    }

    /// Whether the lookahead is `:=`.
    fn at_walrus(&self) -> bool {
        matches!(self.tok.tok, Tok::Unsupported(_)) && self.text(self.tok) == ":="
    }

    /// `NAME ':=' expression | expression`, where Python's grammar has a
    /// `named_expression` (in parentheses, a display's item) or an
    /// assignment expression (`in_call`: a call's argument): a recursion
    /// of the parser, bounded. Anything but a bare name before `:=` is an
    /// error; in a call plain "invalid syntax", elsewhere the message of
    /// CPython's `invalid_named_expression` rule.
    fn named_expression(&mut self, in_call: bool) -> PResult<Sub> {
        let first = self.tok;
        let before = self.nodes.len();
        let sub = self.nested_expression()?;
        if self.at_walrus() {
            return self.walrus(in_call, first, before, sub);
        }
        Ok(sub)
    }

    /// At the `:=` after `sub`, which started at token `first` when
    /// `before` nodes had been pushed. Out of line, and the callers on
    /// the paths every bracket level repeats (parentheses, call
    /// arguments) spell `named_expression` out, so that their stack
    /// frames stay as small as without assignment expressions.
    #[inline(never)]
    fn walrus(&mut self, in_call: bool, first: Token, before: usize, sub: Sub) -> PResult<Sub> {
        // A bare name, its node the last pushed, becomes the target; its
        // node may be a constant when the name normalizes to `True` or
        // `False`, which an assignment expression rebinds as names.
        let bare = first.tok == Tok::Name
            && self.prev_end == first.end
            && self.nodes.len() == before + 1
            && sub.id as usize == before;
        if bare {
            let index = match self.nodes.get(before) {
                Some(&Node::Name(index)) => index,
                _ => self.name(first),
            };
            self.nodes.truncate(before);
            self.spans.truncate(before);
            self.bump()?;
            self.enter()?;
            let value = self.expression();
            self.depth -= 1;
            let value = value?;
            return self.push(Node::Assign(index, value.id), value.height + 1, first.start);
        }
        if in_call {
            return Err(Failure::new(
                Stage::Parser,
                error_at(self.src, self.tok.start, "invalid syntax"),
            ));
        }
        Err(self.assignment_target_error(sub))
    }

    /// At the `:=` after `target`, which is not a name: CPython reports
    /// "cannot use assignment expressions with ..." at the target once
    /// an expression follows, and "invalid syntax" at the `:=` when none
    /// does.
    #[cold]
    fn assignment_target_error(&mut self, target: Sub) -> Failure {
        let walrus = self.tok.start;
        let message = self.walrus_target_message(target);
        let at = self
            .spans
            .get(target.id as usize)
            .map_or(target.start, |s| s.0 as usize);
        if let Err(e) = self.bump() {
            return e;
        }
        let first = self.tok;
        let before = self.nodes.len();
        match self.expression() {
            Err(Failure(f)) if f.0 == Stage::Lexer || is_specific(&f.1) => return Failure(f),
            Err(_) if !self.parsed_a_prefix(first, before) => {
                return Failure::new(Stage::Parser, error_at(self.src, walrus, "invalid syntax"))
            }
            Err(_) => {}
            // CPython's `invalid_expression` finds `1 2` while parsing
            // the value, before this rule reports the target.
            Ok(_) if starts_operand(self.tok.tok) && !self.at(Tok::Kw(Kw::Not)) => {
                return self.adjacent_operand()
            }
            Ok(_) => {}
        }
        Failure::new(Stage::Parser, error_at(self.src, at, message))
    }

    /// CPython's message for `target := ...` (`_PyPegen_get_expr_name`).
    fn walrus_target_message(&self, target: Sub) -> &'static str {
        let start = self
            .spans
            .get(target.id as usize)
            .map_or(target.start, |s| s.0 as usize);
        let text = self.src.get(start..).unwrap_or("");
        let attribute = self.attribute_end != 0 && self.attribute_end == self.prev_end;
        match self.nodes.get(target.id as usize) {
            Some(Node::Name(_) | Node::Call(..) | Node::Const(_)) if attribute => {
                "cannot use assignment expressions with attribute"
            }
            Some(Node::Name(_)) => "cannot use assignment expressions with name",
            Some(Node::Call(..)) => "cannot use assignment expressions with function call",
            // `True`, `False`, and the stand-ins for atoms outside the
            // language.
            Some(Node::Const(Value::Bool(_))) => {
                if text.starts_with("True") {
                    "cannot use assignment expressions with True"
                } else if text.starts_with("False") {
                    "cannot use assignment expressions with False"
                } else if text.starts_with("None") {
                    "cannot use assignment expressions with None"
                } else if text.starts_with("...") {
                    "cannot use assignment expressions with ellipsis"
                } else if text.starts_with('[') {
                    "cannot use assignment expressions with list"
                } else if text.starts_with('(') {
                    "cannot use assignment expressions with tuple"
                } else {
                    "cannot use assignment expressions with literal"
                }
            }
            Some(Node::Const(_)) => "cannot use assignment expressions with literal",
            Some(Node::Compare(..)) => "cannot use assignment expressions with comparison",
            Some(Node::IfElse { .. }) => {
                "cannot use assignment expressions with conditional expression"
            }
            Some(Node::Assign(..)) => "cannot use assignment expressions with named expression",
            _ => "cannot use assignment expressions with expression",
        }
    }

    /// An expression inside brackets (or after `else`, `**`): a recursion
    /// of the parser, bounded.
    fn nested_expression(&mut self) -> PResult<Sub> {
        self.enter()?;
        let sub = self.expression();
        self.depth -= 1;
        sub
    }

    /// The error for an operand right after an operand (`1 2`). CPython
    /// parses the second one first: a tokenizer error in it wins; if it
    /// does not even start to parse, its own error is reported; otherwise,
    /// inside brackets, "Perhaps you forgot a comma?" at the first operand,
    /// and at the top level "invalid syntax" at the second.
    #[cold]
    fn adjacent_operand(&mut self) -> Failure {
        let second = self.tok.start;
        let first = self.last_disjunction;
        // Brackets open before the second operand (which may open one).
        let in_brackets = self.lexer.open_before(second);
        let before = self.nodes.len();
        let first_token = self.tok;
        match self.nested_expression() {
            Err(Failure(f)) if f.0 == Stage::Lexer || is_specific(&f.1) => Failure(f),
            // The second operand does not parse: CPython reports the
            // position its first pass stopped at.
            Err(_) if !self.parsed_a_prefix(first_token, before) => {
                Failure::new(Stage::Parser, error_at(self.src, second, "invalid syntax"))
            }
            _ if in_brackets => Failure::new(
                Stage::Parser,
                error_at(
                    self.src,
                    first,
                    "invalid syntax. Perhaps you forgot a comma?",
                ),
            ),
            _ => Failure::new(Stage::Parser, error_at(self.src, second, "invalid syntax")),
        }
    }

    /// `disjunction ['if' disjunction 'else' expression]`: a chain of
    /// `else` branches is collected by a loop and built from the right.
    fn expression(&mut self) -> PResult<Sub> {
        let mark = self.branches.len();
        let mut last = loop {
            if self.at(Tok::Kw(Kw::Other)) && self.text(self.tok) == "lambda" {
                break self.lambda()?;
            }
            let body = self.disjunction()?;
            if !self.at(Tok::Kw(Kw::If)) {
                break body;
            }
            self.bump()?;
            let before = self.nodes.len();
            let first = self.tok;
            let test = match self.disjunction() {
                Ok(test) => test,
                // CPython's second pass takes the longest test that parses,
                // and then finds no `else`.
                Err(Failure(f))
                    if f.0 == Stage::Parser
                        && !is_specific(&f.1)
                        && self.parsed_a_prefix(first, before) =>
                {
                    return Err(Failure::new(
                        Stage::Parser,
                        error_at(
                            self.src,
                            body.start,
                            "expected 'else' after 'if' expression",
                        ),
                    ));
                }
                Err(e) => return Err(e),
            };
            if !self.at(Tok::Kw(Kw::Else)) {
                return Err(self.missing_else(body.start));
            }
            self.bump()?;
            self.branches.push((body, test));
            if self.branches.len() - mark > self.limits.max_nesting {
                return Err(too_deep(self.limits));
            }
        };
        while self.branches.len() > mark {
            let Some((body, test)) = self.branches.pop() else {
                break;
            };
            let height = 1 + body.height.max(test.height).max(last.height);
            let node = Node::IfElse {
                body: body.id,
                test: test.id,
                orelse: last.id,
            };
            last = self.push(node, height, body.start)?;
        }
        Ok(last)
    }

    #[cold]
    fn missing_else(&self, start: usize) -> Failure {
        if self.text(self.tok) == ":" {
            return self.unexpected();
        }
        Failure::new(
            Stage::Parser,
            error_at(self.src, start, "expected 'else' after 'if' expression"),
        )
    }

    /// `conjunction ('or' conjunction)*`
    fn disjunction(&mut self) -> PResult<Sub> {
        let sub = self.bool_chain(BoolOp::Or)?;
        self.last_disjunction = sub.start;
        Ok(sub)
    }

    /// A flat `or` chain of `and` chains (`conjunction`), or a flat `and`
    /// chain of inversions. One function for both levels keeps the stack
    /// used per parenthesis small.
    fn bool_chain(&mut self, op: BoolOp) -> PResult<Sub> {
        let keyword = match op {
            BoolOp::Or => Kw::Or,
            BoolOp::And => Kw::And,
        };
        let first = match op {
            BoolOp::Or => self.bool_chain(BoolOp::And)?,
            BoolOp::And => self.inversion()?,
        };
        if !self.at(Tok::Kw(keyword)) {
            return Ok(first);
        }
        let mark = self.pending.len();
        self.pending.push((Link::None, first.id));
        let mut height = first.height;
        while self.at(Tok::Kw(keyword)) {
            self.bump()?;
            let next = match op {
                BoolOp::Or => self.bool_chain(BoolOp::And)?,
                BoolOp::And => self.inversion()?,
            };
            height = height.max(next.height);
            self.pending.push((Link::None, next.id));
        }
        let items = self.items(mark)?;
        self.push(Node::Bool(op, items), height + 1, first.start)
    }

    /// `'not'* comparison`, flat.
    fn inversion(&mut self) -> PResult<Sub> {
        let start = self.tok.start;
        let mut count: u32 = 0;
        while self.at(Tok::Kw(Kw::Not)) {
            count = count.saturating_add(1);
            self.bump()?;
        }
        let operand = self.comparison()?;
        if count == 0 {
            return Ok(operand);
        }
        self.push(Node::Not(count, operand.id), operand.height + 1, start)
    }

    /// `bitwise_or (cmp_op bitwise_or)*`, flat.
    fn comparison(&mut self) -> PResult<Sub> {
        let first = self.binary(level::BIT_OR)?;
        let mark = self.pending.len();
        let mut height = first.height;
        loop {
            let op = match compare_op(self.tok.tok) {
                Some(op) => op,
                None if self.at(Tok::Kw(Kw::InIs)) && self.text(self.tok) == "in" => CmpOp::In,
                // `is`, `is not`: outside the language, but parsed on so
                // that syntax errors after them are CPython's.
                None if self.at(Tok::Kw(Kw::InIs)) => {
                    self.defer(self.tok.start, IS);
                    let is_not = self.text(self.tok) == "is"
                        && self
                            .peek_second()
                            .is_some_and(|t| t.tok == Tok::Kw(Kw::Not));
                    if is_not {
                        self.bump()?;
                    }
                    CmpOp::Eq
                }
                None if self.at(Tok::Kw(Kw::Not)) => {
                    // Any other `not` ends the expression (and is an error
                    // there). CPython looks one token further for the `in`.
                    match self.peek_second() {
                        Some(next) if self.text(next) == "in" => {
                            self.bump()?;
                            CmpOp::NotIn
                        }
                        _ => break,
                    }
                }
                None => break,
            };
            self.bump()?;
            let next = self.binary(level::BIT_OR)?;
            height = height.max(next.height);
            self.pending.push((Link::Cmp(op), next.id));
        }
        if self.pending.len() == mark {
            return Ok(first);
        }
        let items = self.items(mark)?;
        self.push(Node::Compare(first.id, items), height + 1, first.start)
    }

    /// `bitwise_or` and the five left-associative levels below it, by
    /// precedence climbing: operators of precedence `min` or tighter. The
    /// operators of one level form one flat chain, `1 - 2 - 3` being
    /// `(1 - 2) - 3`.
    fn binary(&mut self, min: u8) -> PResult<Sub> {
        let mut left = self.factor()?;
        while let Some((_, prec)) = binary_op(self.tok.tok) {
            if prec < min {
                break;
            }
            let mark = self.pending.len();
            let mut height = left.height;
            while let Some((op, p)) = binary_op(self.tok.tok) {
                if p != prec {
                    break;
                }
                if self.tok.tok == Tok::Unsupported(MATMUL) {
                    self.defer(self.tok.start, MATMUL);
                }
                self.bump()?;
                let right = if prec == level::TERM {
                    self.factor()?
                } else {
                    self.binary(prec + 1)?
                };
                height = height.max(right.height);
                self.pending.push((Link::Bin(op), right.id));
            }
            left = if self.pending.len() == mark + 1 {
                let Some((Link::Bin(op), right)) = self.pending.pop() else {
                    return Err(internal());
                };
                self.push(Node::Binary(op, left.id, right), height + 1, left.start)?
            } else {
                let items = self.items(mark)?;
                self.push(Node::Chain(left.id, items), height + 1, left.start)?
            };
        }
        Ok(left)
    }

    /// `('+' | '-' | '~')* primary ['**' factor]`. `**` is
    /// right-associative and binds tighter than a unary operator on its
    /// left (`-2**2 == -(2**2)`), looser than one on its right
    /// (`2**-1`). A tower `a ** -b ** c` is collected by a loop, then built
    /// from the right, so neither it nor a unary chain recurses.
    fn factor(&mut self) -> PResult<Sub> {
        if unary_op(self.tok.tok).is_none() {
            // Fast path: a plain operand, no unary operator, no `**`.
            let base = self.primary()?;
            if !self.at(Tok::Op(Op::DoubleStar)) {
                return Ok(base);
            }
            return self.tower(Some(base));
        }
        self.tower(None)
    }

    /// The general case of `factor`, after its first operand if that is
    /// `first`.
    fn tower(&mut self, mut first: Option<Sub>) -> PResult<Sub> {
        let mark = self.tower.len();
        loop {
            let ops = self.unary_ops.len();
            let start = self.tok.start;
            let base = match first.take() {
                Some(base) => base,
                None => {
                    while let Some(op) = unary_op(self.tok.tok) {
                        self.unary_ops.push(op);
                        self.bump()?;
                        if self.unary_ops.len() > self.limits.max_nesting {
                            return Err(too_deep(self.limits));
                        }
                    }
                    self.primary()?
                }
            };
            self.tower.push(Floor { ops, base, start });
            if !self.at(Tok::Op(Op::DoubleStar)) {
                break;
            }
            self.bump()?;
            if self.tower.len() - mark > self.limits.max_nesting {
                return Err(too_deep(self.limits));
            }
        }
        let mut result: Option<Sub> = None;
        while self.tower.len() > mark {
            let Some(floor) = self.tower.pop() else { break };
            let mut sub = match result {
                None => floor.base,
                Some(exponent) => {
                    let height = 1 + floor.base.height.max(exponent.height);
                    let node = Node::Binary(BinOp::Pow, floor.base.id, exponent.id);
                    self.push(node, height, floor.base.start)?
                }
            };
            while self.unary_ops.len() > floor.ops {
                let Some(op) = self.unary_ops.pop() else {
                    break;
                };
                let start = if self.unary_ops.len() == floor.ops {
                    floor.start
                } else {
                    sub.start
                };
                sub = self.push(Node::Unary(op, sub.id), sub.height + 1, start)?;
            }
            result = Some(sub);
        }
        result.ok_or_else(internal)
    }

    /// `atom ('(' [arguments] ')')*`
    fn primary(&mut self) -> PResult<Sub> {
        let mut sub = self.atom()?;
        loop {
            if matches!(self.tok.tok, Tok::Unsupported(_)) && self.text(self.tok) == "." {
                // An attribute: outside the language, parsed on.
                let at = self.tok.start;
                self.bump()?;
                if !self.at(Tok::Name) {
                    return Err(Failure::new(
                        Stage::Parser,
                        error_at(self.src, self.tok.start, "invalid syntax"),
                    ));
                }
                self.defer(at, "attributes are not supported");
                self.bump()?;
                self.attribute_end = self.prev_end;
                continue;
            }
            if matches!(self.tok.tok, Tok::Unsupported(_)) && self.text(self.tok) == "[" {
                self.subscript()?;
                continue;
            }
            if !self.at(Tok::Op(Op::LParen)) {
                break;
            }
            sub = self.call(sub)?;
        }
        Ok(sub)
    }

    /// The arguments of a call of `sub`, at its `(`. Out of line: its
    /// locals would otherwise sit in `primary`'s frame, which every
    /// bracket level repeats.
    #[inline(never)]
    fn call(&mut self, sub: Sub) -> PResult<Sub> {
        self.bump()?;
        let mark = self.pending.len();
        let mut height = sub.height;
        // Where a generator argument starts, and whether the
        // arguments are more than it alone.
        let mut generator = None;
        let mut others = false;
        // CPython's error for an argument out of order (positional
        // after keyword, `*` after `**`), reported at the `)`.
        let mut order = ArgOrder::default();
        while !self.at(Tok::Op(Op::RParen)) {
            let star = self.tok;
            if self.at(Tok::Op(Op::Star)) || self.at(Tok::Op(Op::DoubleStar)) {
                self.defer(self.tok.start, "argument unpacking is not supported");
                self.bump()?;
                // Unless a positional argument came after a `**`
                // already, reported at the `)`.
                if star.tok == Tok::Op(Op::Star) && order.double_star && order.error.is_none() {
                    let message = "iterable argument unpacking follows keyword argument unpacking";
                    let at = error_at(self.src, star.start, message);
                    return Err(Failure::new(Stage::Parser, at));
                }
                order.double_star |= star.tok == Tok::Op(Op::DoubleStar);
            }
            let first = self.tok;
            let arg_start = first.start;
            let before = self.nodes.len();
            let mut arg = self.nested_expression()?;
            if self.at_walrus() {
                arg = self.walrus(true, first, before, arg)?;
            }
            if self.at_for() {
                self.comprehension(star)?;
                others |= generator.is_some() || self.pending.len() > mark;
                generator = generator.or(Some(arg_start));
                if !self.at(Tok::Op(Op::Comma)) && !self.at(Tok::Op(Op::RParen)) {
                    return Err(self.unexpected());
                }
            } else if matches!(self.tok.tok, Tok::Unsupported(_)) && self.text(self.tok) == "=" {
                if let Some(Node::Assign(..)) = self.nodes.get(arg.id as usize) {
                    return Err(Failure::new(
                        Stage::Parser,
                        error_at(self.src, self.tok.start, "invalid syntax"),
                    ));
                }
                if let Some(message) = self.keyword_message(first) {
                    return Err(Failure::new(
                        Stage::Parser,
                        error_at(self.src, arg_start, message),
                    ));
                }
                // A keyword argument: outside the language, parsed on.
                self.defer(self.tok.start, "keyword arguments are not supported");
                self.bump()?;
                arg = self.expression()?;
                order.keyword = true;
            } else if !matches!(star.tok, Tok::Op(Op::Star | Op::DoubleStar))
                && (order.keyword || order.double_star)
            {
                order.error.get_or_insert(if order.double_star {
                    "positional argument follows keyword argument unpacking"
                } else {
                    "positional argument follows keyword argument"
                });
            }
            height = height.max(arg.height);
            self.pending.push((Link::None, arg.id));
            if self.at(Tok::Op(Op::Comma)) {
                self.bump()?;
                // `f(x for x in y, )` too is more than a generator.
                others |= generator.is_some();
            } else if !self.at(Tok::Op(Op::RParen)) {
                return Err(self.in_parens_error());
            }
        }
        if let Some(message) = order.error {
            return Err(self.error_here(message));
        }
        if let Some(at) = generator.filter(|_| others) {
            return Err(Failure::new(
                Stage::Parser,
                error_at(self.src, at, "Generator expression must be parenthesized"),
            ));
        }
        self.bump()?;
        let items = self.items(mark)?;
        self.push(Node::Call(sub.id, items), height + 1, sub.start)
    }

    /// At the `=` of a keyword argument whose first token is `first`:
    /// CPython's error if the argument is not a single name.
    fn keyword_message(&self, first: Token) -> Option<&'static str> {
        let single = first.end == self.prev_end;
        Some(match self.text(first) {
            "True" if single => "cannot assign to True",
            "False" if single => "cannot assign to False",
            "None" if single => "cannot assign to None",
            _ if single && first.tok == Tok::Name => return None,
            _ => "expression cannot contain assignment, perhaps you meant \"==\"?",
        })
    }

    /// The error for a token that cannot follow an expression inside
    /// parentheses.
    #[cold]
    fn in_parens_error(&mut self) -> Failure {
        if self.starts_operand() {
            return self.adjacent_operand();
        }
        if self.at(Tok::Op(Op::Comma)) {
            return tuple_error(self.src, self.tok.start);
        }
        self.unexpected_after_operand()
    }

    /// `NAME | 'True' | 'False' | NUMBER | '(' expression ')'`
    fn atom(&mut self) -> PResult<Sub> {
        let token = self.tok;
        let node = match token.tok {
            Tok::Int(radix) => Node::Const(
                number::int(self.text(token), radix, self.limits).map_err(|e| match e.kind() {
                    crate::ErrorKind::Syntax => Failure::new(Stage::Parser, e),
                    _ => Failure::new(Stage::Other, e),
                })?,
            ),
            Tok::Float => Node::Const(Value::Float(number::float(self.text(token)))),
            Tok::Imag => Node::Const(number::imaginary(self.text(token))),
            Tok::Kw(Kw::True) => Node::Const(Value::Bool(true)),
            Tok::Kw(Kw::False) => Node::Const(Value::Bool(false)),
            Tok::Name => self.name_atom(token),
            Tok::Kw(Kw::Other) if self.text(token) == "None" => {
                self.defer(token.start, "'None' is not supported")
            }
            Tok::Str => return self.strings(token),
            Tok::Unsupported(message @ "'...' is not supported") => {
                self.defer(token.start, message)
            }
            Tok::Unsupported("lists are not supported") => return self.list(token),
            Tok::Unsupported("dicts and sets are not supported") => return self.dict_or_set(token),
            // `.5` is a number; a `.` where an operand should be is not an
            // attribute.
            Tok::Unsupported(_) if self.text(token) == "." => {
                return Err(Failure::new(
                    Stage::Parser,
                    error_at(self.src, token.start, "invalid syntax"),
                ))
            }
            Tok::Op(Op::LParen) => return self.parenthesized(token),
            _ => return Err(self.unexpected()),
        };
        self.bump()?;
        self.push(node, 1, token.start)
    }

    /// One or more adjacent string literals, from `first`: one string,
    /// their values concatenated (`'a' 'b'` is `'ab'`). Bytes literals and
    /// f-strings are outside the language. A bad escape is CPython's
    /// SyntaxError, reported where CPython's parser stands once it has
    /// read the literals: at the token after them.
    #[inline(never)]
    fn strings(&mut self, first: Token) -> PResult<Sub> {
        let mut value = String::new();
        let mut escape: Option<crate::text::EscapeError> = None;
        let mut outside = None;
        while self.at(Tok::Str) {
            let text = self.text(self.tok);
            let quote = text.find(['\'', '"']).unwrap_or(0);
            let prefix = text.get(..quote).unwrap_or("").to_ascii_lowercase();
            let q = if text
                .get(quote..)
                .is_some_and(|t| t.starts_with("'''") || t.starts_with("\"\"\""))
            {
                3
            } else {
                1
            };
            let body = text
                .get(quote + q..text.len().saturating_sub(q))
                .unwrap_or("");
            if prefix.contains('b') {
                outside.get_or_insert((self.tok.start, "bytes literals are not supported"));
            } else if prefix.contains('f') {
                outside.get_or_insert((self.tok.start, "f-strings are not supported"));
            } else if escape.is_none() {
                if let Err(e) = crate::text::decode_literal(body, prefix.contains('r'), &mut value)
                {
                    escape = Some(e);
                }
            }
            self.bump()?;
        }
        if let Some((at, message)) = outside {
            let node = self.defer(at, message);
            return self.push(node, 1, first.start);
        }
        if let Some(e) = escape {
            // CPython's column: the next token's, or at the end of the
            // input the last character's.
            let at = self.tok.start;
            let column = match self.tok.tok {
                Tok::Eof => lex::column0(self.src, at),
                _ => lex::column0(self.src, at) + 1,
            };
            let error =
                EvalError::syntax(e.message(), column).with_line(lex::line_of(self.src, at));
            // A SyntaxError of the parser's: a tokenizer error later in
            // the input wins over it, as in CPython.
            return Err(Failure::new(Stage::Parser, error));
        }
        let node = Node::Const(Value::Str(std::sync::Arc::from(value)));
        self.push(node, 1, first.start)
    }

    /// `'(' expression ')'` and the tuples, generators and assignment
    /// expressions in parentheses, at the `(`. Out of line, so that the
    /// frames every parenthesis repeats hold only what this needs, not
    /// the other atoms' locals.
    #[inline(never)]
    fn parenthesized(&mut self, token: Token) -> PResult<Sub> {
        self.bump()?;
        if self.at(Tok::Op(Op::RParen)) {
            let node = self.defer(token.start, "tuples are not supported");
            self.bump()?;
            return self.push(node, 1, token.start);
        }
        let star = self.tok;
        let starred = matches!(star.tok, Tok::Op(Op::Star | Op::DoubleStar));
        if starred {
            self.bump()?;
        }
        let inner_start = self.tok.start;
        let before = self.nodes.len();
        let mut inner = self.nested_expression()?;
        if !starred && self.at_walrus() {
            inner = self.walrus(false, star, before, inner)?;
        }
        if self.at_for() {
            self.comprehension(star)?;
            if !self.at(Tok::Op(Op::RParen)) {
                return Err(self.unexpected());
            }
        } else if self.at(Tok::Op(Op::Comma)) {
            self.rest_of_tuple(Tok::Op(Op::RParen))?;
        } else if starred && !self.at_walrus() {
            return Err(starred_error(self.src, star));
        } else if matches!(self.tok.tok, Tok::Unsupported(_)) && self.text(self.tok) == "=" {
            if let Some(message) = self.assignment_message(inner) {
                return Err(self.assignment_error(inner_start, message));
            }
        }
        if !self.at(Tok::Op(Op::RParen)) {
            return Err(self.in_parens_error());
        }
        self.bump()?;
        Ok(Sub {
            start: token.start,
            ..inner
        })
    }

    /// The node a name token makes. A name spelled with compatibility
    /// characters (`Ｔｒｕｅ`) is the name its NFKC form spells (`True`),
    /// which the namespace binds to the value `True` and an assignment
    /// expression may rebind, as CPython's does.
    #[inline(never)]
    fn name_atom(&mut self, token: Token) -> Node {
        Node::Name(self.name(token))
    }

    /// CPython's message for `(target = value)`, if `target` is one of the
    /// expressions its `invalid_named_expression` rule names.
    fn assignment_message(&self, target: Sub) -> Option<&'static str> {
        Some(match self.nodes.get(target.id as usize)? {
            Node::Name(_) => "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
            Node::Const(Value::Bool(_)) => return None,
            Node::Const(_) => "cannot assign to literal here. Maybe you meant '==' instead of '='?",
            Node::Call(..) => {
                "cannot assign to function call here. Maybe you meant '==' instead of '='?"
            }
            Node::Unary(..) | Node::Binary(..) | Node::Chain(..) => {
                "cannot assign to expression here. Maybe you meant '==' instead of '='?"
            }
            _ => return None,
        })
    }

    /// At the `=` of `(target = value)`: CPython reports `message` at the
    /// target once the value parses, and "invalid syntax" otherwise.
    #[cold]
    fn assignment_error(&mut self, target_start: usize, message: &'static str) -> Failure {
        let equals = self.tok.start;
        match self.bump().and_then(|()| self.binary(level::BIT_OR)) {
            Err(Failure(f)) if f.0 == Stage::Lexer || is_specific(&f.1) => return Failure(f),
            Err(_) => {
                return Failure::new(Stage::Parser, error_at(self.src, equals, "invalid syntax"))
            }
            Ok(_) => {}
        }
        Failure::new(Stage::Parser, error_at(self.src, target_start, message))
    }

    /// A list display `[a, b]`, at the `[`: outside the language, parsed
    /// on so that later syntax errors are CPython's.
    fn list(&mut self, token: Token) -> PResult<Sub> {
        let node = self.defer(token.start, "lists are not supported");
        self.bump()?;
        let mut first = true;
        while self.text(self.tok) != "]" {
            let star = self.tok;
            self.starred_item()?;
            if first && self.at_for() {
                self.comprehension(star)?;
                if self.text(self.tok) != "]" {
                    return Err(self.unexpected());
                }
                break;
            }
            first = false;
            if self.at(Tok::Op(Op::Comma)) {
                self.bump()?;
            } else if self.text(self.tok) != "]" {
                return Err(self.in_parens_error());
            }
        }
        self.bump()?;
        self.push(node, 1, token.start)
    }

    /// `lambda [parameters]: expression`, at `lambda`: outside the
    /// language, parsed on with CPython's errors for its parameters.
    #[cold]
    #[inline(never)]
    fn lambda(&mut self) -> PResult<Sub> {
        let start = self.tok.start;
        let node = self.defer(start, "lambda is not supported");
        self.lambdas += 1;
        if self.lambdas > self.limits.max_depth {
            return Err(Failure::new(
                Stage::Other,
                EvalError::limit(format!(
                    "lambda nested too deeply (more than {} levels)",
                    self.limits.max_depth
                )),
            ));
        }
        self.bump()?;
        // After `*` alone, a named parameter must follow; after `**k`,
        // nothing.
        let (mut bare_star, mut var_keyword, mut any) = (None, false, false);
        while self.text(self.tok) != ":" {
            if var_keyword {
                return Err(self.error_here("arguments cannot follow var-keyword argument"));
            }
            match self.tok.tok {
                Tok::Name => {
                    self.bump()?;
                    bare_star = None;
                    if self.text(self.tok) == "=" {
                        self.bump()?;
                        self.nested_expression()?;
                    }
                }
                Tok::Op(Op::Star) => {
                    self.bump()?;
                    if self.at(Tok::Name) {
                        self.bump()?;
                    } else {
                        bare_star = Some(());
                    }
                }
                Tok::Op(Op::DoubleStar) => {
                    self.bump()?;
                    if !self.at(Tok::Name) {
                        return Err(self.unexpected());
                    }
                    self.bump()?;
                    var_keyword = true;
                }
                Tok::Op(Op::Slash) if any => self.bump()?,
                Tok::Op(Op::LParen) => {
                    return Err(
                        self.error_here("Lambda expression parameters cannot be parenthesized")
                    );
                }
                _ => return Err(self.unexpected()),
            }
            any = true;
            if self.at(Tok::Op(Op::Comma)) {
                self.bump()?;
            } else if self.text(self.tok) != ":" {
                return Err(self.unexpected());
            }
        }
        if bare_star.is_some() {
            return Err(self.error_here("named arguments must follow bare *"));
        }
        self.bump()?;
        let body = self.nested_expression()?;
        self.lambdas -= 1;
        self.push(node, body.height + 1, start)
    }

    /// A syntax error with `message` at the lookahead token.
    #[cold]
    fn error_here(&self, message: &'static str) -> Failure {
        Failure::new(Stage::Parser, error_at(self.src, self.tok.start, message))
    }

    /// Whether the lookahead starts the `for` clause of a comprehension
    /// (`for`, or `async for`).
    fn at_for(&self) -> bool {
        self.at(Tok::Kw(Kw::Other))
            && match self.text(self.tok) {
                "for" => true,
                "async" => self.peek_second().is_some_and(|t| self.text(t) == "for"),
                _ => false,
            }
    }

    /// Whether the lookahead is the keyword `in`.
    fn at_in(&self) -> bool {
        self.at(Tok::Kw(Kw::InIs)) && self.text(self.tok) == "in"
    }

    /// After the element of a comprehension (generator expression, list,
    /// set or dict comprehension), at its first `for`: CPython's
    /// `for_if_clauses`, outside the language, parsed on. `star` is the
    /// token before the element, a `*` if it was starred.
    #[cold]
    #[inline(never)]
    fn comprehension(&mut self, star: Token) -> PResult<()> {
        if star.tok == Tok::Op(Op::Star) {
            return Err(Failure::new(
                Stage::Parser,
                error_at(self.src, star.start, UNPACKING_IN_COMPREHENSION),
            ));
        }
        self.defer(self.tok.start, COMPREHENSIONS);
        while self.at_for() {
            if self.text(self.tok) == "async" {
                self.bump()?;
            }
            self.bump()?;
            self.for_targets()?;
            if !self.at_in() {
                return Err(self.unexpected());
            }
            self.bump()?;
            self.enter()?;
            self.disjunction()?;
            while self.at(Tok::Kw(Kw::If)) {
                self.bump()?;
                self.disjunction()?;
            }
            self.depth -= 1;
        }
        Ok(())
    }

    /// The targets of a `for` clause, up to its `in`, with CPython's
    /// errors for a target that cannot be assigned to
    /// (`invalid_for_target`).
    fn for_targets(&mut self) -> PResult<()> {
        let mut count = 0;
        let mut first_star = None;
        loop {
            let star = self.tok;
            let starred = self.at(Tok::Op(Op::Star));
            if starred {
                self.bump()?;
                first_star = first_star.or(Some(star.start));
            }
            self.enter()?;
            let target = self.binary(level::BIT_OR)?;
            self.depth -= 1;
            // CPython points at the target itself, inside any parentheses.
            let at = self
                .spans
                .get(target.id as usize)
                .map_or(target.start, |s| s.0 as usize);
            if compare_op(self.tok.tok).is_some() {
                // `for a < b in y`: a comparison other than `in` is no
                // target CPython names; it fails where a target stops.
                let stop = self.target_stop(target.id);
                return Err(Failure::new(
                    Stage::Parser,
                    error_at(self.src, stop, "invalid syntax"),
                ));
            }
            let message = match self.tok.tok {
                // `for a and b in y`, `for a if b else c in y`: CPython
                // reads the target as an expression.
                Tok::Kw(Kw::And | Kw::Or) => Some("cannot assign to expression"),
                Tok::Kw(Kw::If) => Some("cannot assign to conditional expression"),
                _ => self.for_target_message(target, at),
            };
            if let Some(message) = message {
                return Err(Failure::new(Stage::Parser, error_at(self.src, at, message)));
            }
            count += 1;
            if !self.at(Tok::Op(Op::Comma)) {
                break;
            }
            self.bump()?;
            count += 1;
            if self.at_in() {
                break;
            }
        }
        match first_star {
            Some(at) if count == 1 => Err(Failure::new(
                Stage::Parser,
                error_at(
                    self.src,
                    at,
                    "starred assignment target must be in a list or tuple",
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Where a `for` target that is an expression stops being one CPython
    /// reads as a target: at a unary operator on its left, or after its
    /// leftmost primary.
    fn target_stop(&self, mut id: NodeId) -> usize {
        loop {
            let span = self.spans.get(id as usize).copied().unwrap_or((0, 0));
            match self.nodes.get(id as usize) {
                Some(Node::Binary(_, left, _) | Node::Chain(left, _)) => id = *left,
                Some(Node::Unary(..)) | None => return span.0 as usize,
                Some(_) => {
                    let end = span.1 as usize;
                    let rest = self.src.get(end..).unwrap_or("");
                    return end + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
                }
            }
        }
    }

    /// CPython's message for a `for` target that cannot be assigned to.
    /// The stand-in of an atom outside the language (`false`) is told by
    /// its text.
    fn for_target_message(&self, target: Sub, at: usize) -> Option<&'static str> {
        let text = self.src.get(at..).unwrap_or("");
        Some(match self.nodes.get(target.id as usize)? {
            Node::Name(_) => return None,
            Node::Const(Value::Bool(_)) if text.starts_with("True") => "cannot assign to True",
            Node::Const(Value::Bool(_)) if text.starts_with("False") => "cannot assign to False",
            Node::Const(Value::Bool(_)) if text.starts_with("None") => "cannot assign to None",
            Node::Const(Value::Bool(_)) if text.starts_with("...") => "cannot assign to ellipsis",
            Node::Const(Value::Bool(_)) if text.starts_with(['\'', '"']) => {
                "cannot assign to literal"
            }
            Node::Const(Value::Bool(_)) => return None,
            Node::Const(_) => "cannot assign to literal",
            Node::Call(..) => "cannot assign to function call",
            Node::Unary(..)
            | Node::Binary(..)
            | Node::Chain(..)
            | Node::Not(..)
            | Node::Bool(..) => "cannot assign to expression",
            Node::IfElse { .. } => "cannot assign to conditional expression",
            _ => return None,
        })
    }

    /// A dict or set display `{...}`, at the `{`: outside the language,
    /// parsed on with CPython's errors for malformed ones.
    #[cold]
    #[inline(never)]
    fn dict_or_set(&mut self, token: Token) -> PResult<Sub> {
        let node = self.defer(token.start, "dicts and sets are not supported");
        self.bump()?;
        // Whether the display is a dict, once its first item says.
        let mut dict = None;
        while self.text(self.tok) != "}" {
            let star = self.tok;
            let key_start = self.tok.start;
            let first = dict.is_none();
            if self.at(Tok::Op(Op::DoubleStar)) && dict != Some(false) {
                self.bump()?;
                self.enter()?;
                self.binary(level::BIT_OR)?;
                self.depth -= 1;
                if first && self.at_for() {
                    return Err(Failure::new(
                        Stage::Parser,
                        error_at(
                            self.src,
                            star.start,
                            "dict unpacking cannot be used in dict comprehension",
                        ),
                    ));
                }
                dict = Some(true);
            } else {
                self.starred_item()?;
                if star.tok != Tok::Op(Op::Star) && self.text(self.tok) == ":" {
                    let colon = self.tok.start;
                    self.bump()?;
                    if self.at(Tok::Op(Op::Comma)) || self.text(self.tok) == "}" {
                        return Err(Failure::new(
                            Stage::Parser,
                            error_at(
                                self.src,
                                colon,
                                "expression expected after dictionary key and ':'",
                            ),
                        ));
                    }
                    if self.at(Tok::Op(Op::Star)) {
                        return Err(Failure::new(
                            Stage::Parser,
                            error_at(
                                self.src,
                                self.tok.start,
                                "cannot use a starred expression in a dictionary value",
                            ),
                        ));
                    }
                    if dict == Some(false) {
                        return Err(Failure::new(
                            Stage::Parser,
                            error_at(self.src, colon, "invalid syntax"),
                        ));
                    }
                    self.nested_expression()?;
                    dict = Some(true);
                } else if dict == Some(true) {
                    return Err(Failure::new(
                        Stage::Parser,
                        error_at(self.src, key_start, "':' expected after dictionary key"),
                    ));
                } else {
                    dict = Some(false);
                }
            }
            if first && self.at_for() {
                self.comprehension(star)?;
                if self.text(self.tok) != "}" {
                    return Err(self.unexpected());
                }
                break;
            }
            if self.at(Tok::Op(Op::Comma)) {
                self.bump()?;
            } else if self.text(self.tok) != "}" {
                return Err(self.in_parens_error());
            }
        }
        self.bump()?;
        self.push(node, 1, token.start)
    }

    /// A subscript `[...]` after a primary, at the `[`: outside the
    /// language, parsed on (CPython's `slices`).
    #[cold]
    #[inline(never)]
    fn subscript(&mut self) -> PResult<()> {
        self.defer(self.tok.start, "subscripts are not supported");
        self.bump()?;
        loop {
            if self.text(self.tok) != ":" {
                self.starred_item()?;
            }
            if self.text(self.tok) == ":" {
                self.bump()?;
                if !matches!(self.text(self.tok), ":" | "," | "]") {
                    self.nested_expression()?;
                }
                if self.text(self.tok) == ":" {
                    self.bump()?;
                    if !matches!(self.text(self.tok), "," | "]") {
                        self.nested_expression()?;
                    }
                }
            }
            if self.at(Tok::Op(Op::Comma)) {
                self.bump()?;
                if self.text(self.tok) == "]" {
                    break;
                }
            } else if self.text(self.tok) == "]" {
                break;
            } else {
                return Err(self.in_parens_error());
            }
        }
        self.bump()
    }

    /// Notes the first unsupported atom and stands in for it.
    fn defer(&mut self, at: usize, message: &'static str) -> Node {
        self.deferred.get_or_insert((at, message));
        Node::Const(Value::Bool(false))
    }

    /// The index of the name `token` (NFKC-normalized, as CPython's
    /// parser does) in `names`, adding it if new. A few
    /// names are searched linearly; past that, through a map, so that many
    /// distinct names do not cost quadratic time.
    fn name(&mut self, token: Token) -> u32 {
        const LINEAR: usize = 16;
        let normalized = lex::normalized_name(self.text(token));
        let text: &str = &normalized;
        let found = if self.names.len() <= LINEAR {
            self.names.iter().position(|n| **n == *text)
        } else {
            let names = &self.names;
            let index = self.name_index.get_or_insert_with(|| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), i))
                    .collect()
            });
            index.get(text).copied()
        };
        let index = found.unwrap_or_else(|| {
            self.names.push(text.into());
            let i = self.names.len() - 1;
            if let Some(index) = &mut self.name_index {
                index.insert(text.into(), i);
            }
            i
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }
}

/// Whether `e` is one of CPython's specific syntax errors, which it raises
/// as soon as its second pass finds them, rather than "invalid syntax".
fn is_specific(e: &EvalError) -> bool {
    e.message() != "invalid syntax"
}

const IS: &str = "the 'is' operator is not supported";

/// The tokenizer's message for `@`, an operator only between operands.
const MATMUL: &str = "the '@' operator is not supported";

const COMPREHENSIONS: &str = "comprehensions are not supported";

/// CPython's error for `*x` as the element of a comprehension.
const UNPACKING_IN_COMPREHENSION: &str = "iterable unpacking cannot be used in comprehension";

#[cold]
fn internal() -> Failure {
    Failure::new(
        Stage::Other,
        EvalError::limit("internal error: malformed expression tree"),
    )
}

/// CPython's error for `(*x)` and `(**x)`.
#[cold]
fn starred_error(src: &str, star: Token) -> Failure {
    let message = if star.tok == Tok::Op(Op::DoubleStar) {
        "cannot use double starred expression here"
    } else {
        "cannot use starred expression here"
    };
    Failure::new(Stage::Parser, error_at(src, star.start, message))
}

#[cold]
fn tuple_error(src: &str, start: usize) -> Failure {
    Failure::new(
        Stage::Parser,
        error_at(src, start, "tuples are not supported"),
    )
}

#[cold]
fn too_deep(limits: &Limits) -> Failure {
    Failure::new(
        Stage::Other,
        EvalError::limit(format!(
            "expression nested too deeply (more than {} levels)",
            limits.max_nesting
        )),
    )
}

#[cfg(test)]
mod tests;
