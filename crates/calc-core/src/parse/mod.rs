//! The parser: Python 3.11's expression grammar, restricted to the
//! language, as nom combinators over the tokenizer's tokens, one parser
//! per precedence level.
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
//! How it is built: the input is tokenized first, into a reused buffer
//! (up to the first tokenizer error, which is raised when the parser
//! moves onto it, where a tokenizer producing tokens on demand would
//! raise it), and the parsers are nom parsers over [`Toks`], a slice of
//! those tokens. The tree being built and the error state are in
//! [`Parser`], behind `Cell`s and a `RefCell`, and every parser is a
//! method or closure borrowing it shared, so that nom's combinators can
//! own any number of them. A nom `Error` means "not this one", a
//! `Failure` is a syntax error (or a limit) and ends the parse: after an
//! operator every operand is `cut`, since the language's grammar needs
//! one token of lookahead only.
//!
//! Depth: only brackets make the parser recurse, at most `max_depth` times
//! (the tokenizer counts them) and at most `max_nesting` times. Unary and
//! `not` chains, `**` towers, `else` chains and the runs of one binary level
//! are collected by loops (`fold_many0`, `many0_count`), the last into flat
//! nodes. `max_nesting` also bounds the height of the tree, so evaluation,
//! which recurses on it, is bounded too. In a debug build one bracket level
//! costs 5 to 8 KiB of stack, about twenty frames; `and`/`or` share one
//! function, the binary levels share one precedence-climbing function,
//! and the loops of each level and the rare paths of a parenthesis are out
//! of line, entered only when needed, to keep it so (docs/architecture.md
//! has the figures).
//!
//! Errors follow CPython's two-stage reporting: a tokenizer error found
//! anywhere in the input wins over a parser error (see
//! [`Lexer::first_error_in_rest`]), and Python syntax outside the language
//! is parsed on with its error deferred, so that the columns of real syntax
//! errors are CPython's.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use nom::error::{ErrorKind, ParseError};
use nom::multi::{fold_many0, many0_count};
use nom::{IResult, Needed, Parser as _};

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
    tokens: Vec<Token>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
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

/// The token before the first: what [`Toks::prev_end`] reads at the
/// start.
const BEFORE: Token = Token {
    tok: Tok::Newline,
    start: 0,
    end: 0,
};

/// Tokenizes `source` into `tokens` (emptied first): [`BEFORE`], the
/// tokens, and a last token `Eof`. If the tokenizer fails, the last token
/// stands where it failed and the error is returned with the tokens.
fn tokenize(
    source: &str,
    max_depth: usize,
    open: Vec<(u8, usize)>,
    tokens: &mut Vec<Token>,
) -> (Option<EvalError>, Vec<(u8, usize)>) {
    tokens.clear();
    // About one token per two bytes in arithmetic: one allocation for
    // most inputs longer than the kept buffer.
    tokens.reserve(source.len() / 2 + 8);
    tokens.push(BEFORE);
    let mut lexer = Lexer::new(source, max_depth, open);
    let error = loop {
        match lexer.next_token() {
            Ok(token) => {
                tokens.push(token);
                if token.tok == Tok::Eof {
                    break None;
                }
            }
            Err(e) => {
                let at = tokens.last().map_or(0, |t| t.end);
                tokens.push(Token {
                    tok: Tok::Eof,
                    start: at,
                    end: at,
                });
                break Some(e);
            }
        }
    };
    (error, lexer.into_buffer())
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
    let mut tokens = std::mem::take(&mut scratch.tokens);
    let (lex_error, open) = tokenize(
        source,
        limits.max_depth,
        std::mem::take(&mut scratch.open),
        &mut tokens,
    );
    scratch.open = recycle(open);
    let parser = Parser {
        src: source,
        limits,
        token_count: tokens.len(),
        lex_error: RefCell::new(lex_error),
        reached: Cell::new(tokens.len()),
        stop: RefCell::new(None),
        arena: RefCell::new(Arena {
            nodes,
            spans: std::mem::take(&mut scratch.spans),
            names,
            pending: std::mem::take(&mut scratch.pending),
            unary_ops: std::mem::take(&mut scratch.unary_ops),
            tower: std::mem::take(&mut scratch.tower),
            branches: std::mem::take(&mut scratch.branches),
            name_index: None,
            keywords: Vec::new(),
            keyword_index: None,
            keyword_starts: Vec::new(),
        }),
        depth: Cell::new(0),
        lambdas: Cell::new(0),
        last_disjunction: Cell::new(0),
        deferred: Cell::new(None),
        attribute_end: Cell::new(0),
        repeated: Cell::new(None),
    };
    let input = Toks(&tokens);
    let result = parser
        .start(input)
        .and_then(|i| parser.file(i))
        .and_then(|(_, root)| parser.repeated_error().map(|()| root))
        .and_then(|root| match parser.deferred.get() {
            // Python syntax outside the language, in an otherwise valid
            // expression.
            Some((at, message)) => Err(fail(Stage::Other, error_at(source, at, message))),
            None => Ok(root),
        });
    let result = match result {
        Ok(root) => Ok(root),
        Err(e) => Err(match e {
            nom::Err::Failure(PErr::Hard(failure)) | nom::Err::Error(PErr::Hard(failure)) => {
                match *failure {
                    // As CPython does, prefer an error the tokenizer finds
                    // in the rest of the input over the parser's.
                    (Stage::Parser, e) => parser
                        .at_stop(|lexer, _| lexer.first_error_in_rest())
                        .unwrap_or(e),
                    (_, e) => e,
                }
            }
            _ => EvalError::limit("internal error: parser stopped without an error"),
        }),
    };
    let arena = parser.arena.into_inner();
    scratch.pending = recycle(arena.pending);
    scratch.unary_ops = recycle(arena.unary_ops);
    scratch.tower = recycle(arena.tower);
    scratch.branches = recycle(arena.branches);
    scratch.tokens = recycle(tokens);
    match result {
        Ok(root) => Ok(Tree {
            nodes: arena.nodes,
            spans: arena.spans,
            names: arena.names,
            keywords: arena.keywords,
            root,
        }),
        Err(e) => {
            scratch.spans = recycle(arena.spans);
            Err(e)
        }
    }
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

/// The parsers' error. `Soft` is nom's "this parser does not apply here"
/// (an operator of another level, say), which costs nothing to make;
/// `Hard` is why parsing stopped, boxed so that results stay small: the
/// parser recurses once per parenthesis through a dozen functions, and in
/// a debug build every `?` keeps its own copy of the result on the stack.
#[derive(Debug)]
enum PErr {
    Soft,
    Hard(Box<(Stage, EvalError)>),
}

impl<'t> ParseError<Toks<'t>> for PErr {
    fn from_error_kind(_: Toks<'t>, _: ErrorKind) -> Self {
        PErr::Soft
    }

    fn append(_: Toks<'t>, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// nom's error around [`PErr`].
type NErr = nom::Err<PErr>;

/// A parser's result.
type Res<'t, O> = IResult<Toks<'t>, O, PErr>;

/// A syntax error (or limit) that ends the parse.
#[cold]
fn fail(stage: Stage, error: EvalError) -> NErr {
    nom::Err::Failure(PErr::Hard(Box::new((stage, error))))
}

/// The stage and error of a failure, if it is one.
fn hard(e: &NErr) -> Option<&(Stage, EvalError)> {
    match e {
        nom::Err::Failure(PErr::Hard(f)) | nom::Err::Error(PErr::Hard(f)) => Some(f),
        _ => None,
    }
}

/// Whether `e` ends the parse with a tokenizer error or one of CPython's
/// specific messages, which the rules that look past a parser error
/// report as they are.
fn is_final(e: &NErr) -> bool {
    hard(e).is_some_and(|f| f.0 == Stage::Lexer || is_specific(&f.1))
}

/// The parser's input: the tokens from the lookahead on, and the token
/// before it (for where the text parsed so far ends). Always holds at
/// least those two; the last token is `Eof`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Toks<'t>(&'t [Token]);

const EOF: Token = Token {
    tok: Tok::Eof,
    start: 0,
    end: 0,
};

impl<'t> Toks<'t> {
    /// The lookahead token.
    #[inline]
    fn tok(self) -> Token {
        self.0.get(1).copied().unwrap_or(EOF)
    }

    /// Whether the lookahead is `tok`.
    #[inline]
    fn at(self, tok: Tok) -> bool {
        self.tok().tok == tok
    }

    /// The end of the last token moved past.
    #[inline]
    fn prev_end(self) -> usize {
        self.0.first().map_or(0, |t| t.end)
    }

    /// The token after the lookahead.
    fn second(self) -> Option<Token> {
        self.0.get(2).copied()
    }
}

impl<'t> nom::Input for Toks<'t> {
    type Item = Token;
    type Iter = std::iter::Copied<std::slice::Iter<'t, Token>>;
    type IterIndices = std::iter::Enumerate<Self::Iter>;

    fn input_len(&self) -> usize {
        self.0.len().saturating_sub(1)
    }

    fn take(&self, index: usize) -> Self {
        Toks(self.0.get(..index + 1).unwrap_or(self.0))
    }

    fn take_from(&self, index: usize) -> Self {
        Toks(self.0.get(index..).unwrap_or(&[]))
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.0.get(1..)?.iter().position(|&t| predicate(t))
    }

    fn iter_elements(&self) -> Self::Iter {
        self.0.get(1..).unwrap_or(&[]).iter().copied()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        let len = self.input_len();
        if count <= len {
            Ok(count)
        } else {
            Err(Needed::new(count - len))
        }
    }
}

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

/// The tree being built and the buffers of the loops building it.
struct Arena {
    nodes: Vec<Node>,
    /// The span of each node, by id.
    spans: Vec<(u32, u32)>,
    names: Vec<Box<str>>,
    /// Operands of the chains and argument lists being parsed; each list
    /// pushes its items here and moves them into `nodes` when complete.
    pending: Vec<(Link, NodeId)>,
    /// The unary operators of the chains being parsed.
    unary_ops: Vec<UnaryOp>,
    /// The floors of the `**` towers being parsed.
    tower: Vec<Floor>,
    /// The `body if test else` parts of the `else` chains being parsed.
    branches: Vec<(Sub, Sub)>,
    /// `names` by text, once there are many.
    name_index: Option<HashMap<Box<str>, usize>>,
    /// The keywords of keyword arguments, each once.
    keywords: Vec<Box<str>>,
    /// `keywords` by text, once there are many.
    keyword_index: Option<HashMap<Box<str>, usize>>,
    /// The keyword arguments of the calls being parsed: keyword and
    /// where each starts.
    keyword_starts: Vec<(u32, usize)>,
}

/// The state the parsers share: every parser borrows it shared, and
/// borrows `arena` only for the moment of a push, never across a call of
/// another parser.
struct Parser<'s, 'l> {
    src: &'s str,
    limits: &'l Limits,
    /// How many tokens the input holds, [`BEFORE`] and `Eof` included:
    /// an input's position is `token_count - len`.
    token_count: usize,
    /// The tokenizer's error, raised when the parser moves onto the last
    /// token.
    lex_error: RefCell<Option<EvalError>>,
    /// The length of the input at the furthest token moved to: where a
    /// tokenizer producing tokens on demand would stand.
    reached: Cell<usize>,
    /// The tokenizer of [`Parser::at_stop`], once asked.
    stop: RefCell<Option<Stop<'s>>>,
    arena: RefCell<Arena>,
    /// `expression`/`factor` recursion depth.
    depth: Cell<usize>,
    /// `lambda`s being parsed, one inside the other: the one construct
    /// that recurses without a bracket, bounded as brackets are (by
    /// `max_depth`), since a level of it costs about as much stack.
    lambdas: Cell<usize>,
    /// Start of the last disjunction completed (for CPython's
    /// "Perhaps you forgot a comma?").
    last_disjunction: Cell<usize>,
    /// The first atom CPython accepts but the language does not (`None`,
    /// a string), and why: reported if the rest parses, so that syntax
    /// errors elsewhere get CPython's columns.
    deferred: Cell<Option<(usize, &'static str)>>,
    /// Where the last attribute access (`x.y`, parsed on) ended, for the
    /// message of `(x.y := 1)`; 0 before any.
    attribute_end: Cell<usize>,
    /// The first call CPython's compiler meets with a keyword argument
    /// given twice: where the call starts, where the second use starts,
    /// and its keyword. CPython's
    /// compiler reports it once the whole input parses, before the
    /// constructs outside the language.
    repeated: Cell<Option<(usize, usize, u32)>>,
}

/// A tokenizer that has produced `count` tokens, the last `last`.
struct Stop<'s> {
    lexer: Lexer<'s>,
    count: usize,
    last: Token,
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
    /// The start of the input: the tokenizer's error if it failed on the
    /// first token.
    fn start<'t>(&self, i: Toks<'t>) -> Result<Toks<'t>, NErr> {
        if i.0.len() <= 2 {
            if let Some(e) = self.lex_error.borrow_mut().take() {
                return Err(fail(Stage::Lexer, e));
            }
        }
        Ok(i)
    }

    /// Moves past the lookahead: the tokenizer's error if the next token
    /// is where it failed.
    #[inline]
    fn bump<'t>(&self, i: Toks<'t>) -> Result<Toks<'t>, NErr> {
        let next = match i.0.get(1..) {
            Some(next) if next.len() >= 2 => next,
            // At `Eof`.
            _ => return Ok(i),
        };
        if next.len() == 2 {
            if let Some(e) = self.lex_error.borrow_mut().take() {
                return Err(fail(Stage::Lexer, e));
            }
        }
        self.reached.set(next.len());
        Ok(Toks(next))
    }

    /// Runs `f` on a tokenizer stopped where the parser stopped (its
    /// lookahead tokenized) and that lookahead, for the questions about
    /// brackets that the parser asks after a syntax error: tokenizing
    /// again is cheaper than tracking brackets for every token of every
    /// parse. The parser never moves back, so one tokenizer, moved on
    /// from where the last question left it, answers all the questions of
    /// a parse in one pass over the input.
    #[cold]
    fn at_stop<T>(&self, f: impl FnOnce(&mut Lexer<'s>, Token) -> T) -> T {
        let target = self.token_count + 1 - self.reached.get();
        let mut cache = self.stop.borrow_mut();
        if cache.as_ref().is_some_and(|stop| stop.count > target) {
            *cache = None;
        }
        let stop = cache.get_or_insert_with(|| Stop {
            lexer: Lexer::new(self.src, self.limits.max_depth, Vec::new()),
            count: 0,
            last: EOF,
        });
        while stop.count < target {
            stop.count += 1;
            match stop.lexer.next_token() {
                Ok(token) => stop.last = token,
                // Not reached: the parser stands only on tokens that were
                // tokenized.
                Err(_) => stop.count = target,
            }
        }
        f(&mut stop.lexer, stop.last)
    }

    /// The token kind `tok`, moved past.
    fn token<'t>(&self, tok: Tok) -> impl Fn(Toks<'t>) -> Res<'t, Token> + use<'_, 's, 'l, 't> {
        move |i: Toks<'t>| {
            let t = i.tok();
            if t.tok != tok {
                return Err(nom::Err::Error(PErr::Soft));
            }
            Ok((self.bump(i)?, t))
        }
    }

    fn text(&self, token: Token) -> &'s str {
        self.src.get(token.start..token.end).unwrap_or("")
    }

    /// Whether the lookahead starts an expression that CPython would take
    /// for a second operand missing its comma (`f(1 2)`): the operands of
    /// the language, and a dict or set display or a lambda.
    fn starts_operand(&self, i: Toks<'_>) -> bool {
        match i.tok().tok {
            Tok::Unsupported("dicts and sets are not supported" | "'...' is not supported") => true,
            // Except right after a name (CPython's `!(NAME STRING)`).
            Tok::Str => !self.after_name(i),
            Tok::Kw(Kw::Other) => matches!(self.text(i.tok()), "lambda" | "None"),
            tok => starts_operand(tok),
        }
    }

    /// Whether the token before the lookahead is a name (not a keyword or
    /// a number).
    fn after_name(&self, i: Toks<'_>) -> bool {
        let before = self.src.get(..i.prev_end()).unwrap_or("");
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
    fn unexpected_after_operand(&self, i: Toks<'_>) -> NErr {
        if i.at(Tok::Kw(Kw::Not)) {
            // CPython looks one token further, for `not in`, and reports
            // the error there.
            if let Some(next) = self.peek_second(i) {
                return fail(
                    Stage::Parser,
                    error_at(self.src, next.start, "invalid syntax"),
                );
            }
        }
        self.unexpected(i)
    }

    /// The token after the lookahead, if it can be tokenized.
    fn peek_second(&self, i: Toks<'_>) -> Option<Token> {
        let next = i.second()?;
        // The last token stands for the tokenizer's error, if any.
        let is_error = i.0.len() == 3 && self.lex_error.borrow().is_some();
        (!is_error).then_some(next)
    }

    /// The error for an unexpected lookahead token.
    #[cold]
    fn unexpected(&self, i: Toks<'_>) -> NErr {
        let message = match i.tok().tok {
            // Atoms outside the language, where no atom may stand.
            Tok::Str | Tok::Unsupported(MATMUL | "'...' is not supported") => "invalid syntax",
            // `:=` is in the language, where Python allows it.
            _ if self.at_walrus(i) => "invalid syntax",
            Tok::Unsupported(message) => message,
            _ => "invalid syntax",
        };
        fail(Stage::Parser, error_at(self.src, i.tok().start, message))
    }

    /// A syntax error with `message` at the lookahead token.
    #[cold]
    fn error_here(&self, i: Toks<'_>, message: &'static str) -> NErr {
        fail(Stage::Parser, error_at(self.src, i.tok().start, message))
    }

    /// A syntax error with `message` at byte `at`.
    #[cold]
    fn error_at(&self, at: usize, message: &'static str) -> NErr {
        fail(Stage::Parser, error_at(self.src, at, message))
    }

    /// Pushes `node`, spanning from `start` to the end of the last token
    /// moved past in `i`.
    fn push(&self, i: Toks<'_>, node: Node, height: u32, start: usize) -> Result<Sub, NErr> {
        if height as usize > self.limits.max_nesting {
            return Err(too_deep(self.limits));
        }
        let mut arena = self.arena.borrow_mut();
        let id = NodeId::try_from(arena.nodes.len())
            .map_err(|_| fail(Stage::Other, EvalError::limit("expression too large")))?;
        arena.nodes.push(node);
        arena.spans.push((offset(start), offset(i.prev_end())));
        Ok(Sub { id, height, start })
    }

    /// Adds an item to the list being parsed.
    #[inline]
    fn pend(&self, link: Link, id: NodeId) {
        self.arena.borrow_mut().pending.push((link, id));
    }

    fn pending_len(&self) -> usize {
        self.arena.borrow().pending.len()
    }

    fn node_count(&self) -> usize {
        self.arena.borrow().nodes.len()
    }

    /// The node `id`, if there is one.
    fn node(&self, id: NodeId) -> Option<Node> {
        self.arena.borrow().nodes.get(id as usize).cloned()
    }

    /// Where the text of node `id` starts, or `default`.
    fn span_start(&self, id: NodeId, default: usize) -> usize {
        self.arena
            .borrow()
            .spans
            .get(id as usize)
            .map_or(default, |s| s.0 as usize)
    }

    /// Moves the pending items from `mark` on into `nodes` as one run.
    fn items(&self, mark: usize) -> Result<Items, NErr> {
        let mut arena = self.arena.borrow_mut();
        let arena = &mut *arena;
        let start = NodeId::try_from(arena.nodes.len())
            .map_err(|_| fail(Stage::Other, EvalError::limit("expression too large")))?;
        let len = u32::try_from(arena.pending.len().saturating_sub(mark)).unwrap_or(u32::MAX);
        for i in mark..arena.pending.len() {
            let operand = arena.pending[i].1 as usize;
            let span = arena.spans.get(operand).copied().unwrap_or((0, 0));
            arena.spans.push(span);
        }
        arena.nodes.extend(
            arena
                .pending
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
    #[cold]
    fn parsed_a_prefix(&self, first: Token, nodes_before: usize) -> bool {
        if self.node_count() <= nodes_before {
            return false;
        }
        let inside = self.at_stop(|lexer, stop| {
            let closing =
                matches!(stop.tok, Tok::Op(Op::RParen)) || matches!(self.text(stop), "]" | "}");
            lexer.is_open(first.start) || (closing && lexer.closed_last(first.start))
        });
        !inside
    }

    /// Guards a recursive descent.
    fn enter(&self) -> Result<(), NErr> {
        let depth = self.depth.get() + 1;
        self.depth.set(depth);
        if depth > self.limits.max_nesting {
            return Err(too_deep(self.limits));
        }
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get() - 1);
    }

    /// The whole input: one expression, then only newlines and comments.
    fn file<'t>(&self, i: Toks<'t>) -> Res<'t, NodeId> {
        let (i, _) = many0_count(self.token(Tok::Newline)).parse(i)?;
        let (mut i, mut e) = self.expression(i)?;
        if i.at(Tok::Op(Op::Comma)) {
            (i, e) = self.rest_of_tuple(i, e, Tok::Eof)?;
        }
        let (i, _) = many0_count(self.token(Tok::Newline)).parse(i)?;
        if !i.at(Tok::Eof) {
            if self.starts_operand(i) && !i.at(Tok::Kw(Kw::Not)) {
                return Err(self.adjacent_operand(i));
            }
            return Err(self.unexpected_after_operand(i));
        }
        Ok((i, e.id))
    }

    /// At the `,` after `first`, the first item of a tuple: the other
    /// items, up to `close` or the end of the line, and the tuple.
    fn rest_of_tuple<'t>(&self, mut i: Toks<'t>, first: Sub, close: Tok) -> Res<'t, Sub> {
        let mark = self.pending_len();
        self.pend(Link::None, first.id);
        let mut height = first.height;
        while i.at(Tok::Op(Op::Comma)) {
            i = self.bump(i)?;
            if i.at(close) || i.at(Tok::Newline) || i.at(Tok::Eof) {
                break;
            }
            // `eval` input allows `*x` in a parenthesized tuple only.
            let item_start = i.tok().start;
            let (rest, item) = if close == Tok::Eof {
                self.nested_expression(i)?
            } else {
                self.starred_item(i)?
            };
            i = rest;
            if close != Tok::Eof && self.at_unsupported(i, "=") {
                if let Some(message) = self.assignment_message(item) {
                    return Err(self.assignment_error(i, item_start, message));
                }
            }
            height = height.max(item.height);
            self.pend(Link::None, item.id);
        }
        let items = self.items(mark)?;
        let tuple = self.push(i, Node::Tuple(items), height + 1, first.start)?;
        Ok((i, tuple))
    }

    /// An item of a tuple or list display, which may be starred (`*x`,
    /// outside the language, parsed on).
    fn starred_item<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        if i.at(Tok::Op(Op::Star)) {
            self.defer(i.tok().start, STARRED);
            let i = self.bump(i)?;
            return self.nested_expression(i);
        }
        self.named_expression(i, false)
    }

    /// Whether the lookahead is `:=`.
    fn at_walrus(&self, i: Toks<'_>) -> bool {
        matches!(i.tok().tok, Tok::Unsupported(_)) && self.text(i.tok()) == ":="
    }

    /// Whether the lookahead is the unsupported token spelled `text`.
    fn at_unsupported(&self, i: Toks<'_>, text: &str) -> bool {
        matches!(i.tok().tok, Tok::Unsupported(_)) && self.text(i.tok()) == text
    }

    /// `NAME ':=' expression | expression`, where Python's grammar has a
    /// `named_expression` (in parentheses, a display's item) or an
    /// assignment expression (`in_call`: a call's argument): a recursion
    /// of the parser, bounded. Anything but a bare name before `:=` is an
    /// error; in a call plain "invalid syntax", elsewhere the message of
    /// CPython's `invalid_named_expression` rule.
    fn named_expression<'t>(&self, i: Toks<'t>, in_call: bool) -> Res<'t, Sub> {
        let first = i.tok();
        let before = self.node_count();
        let (i, sub) = self.nested_expression(i)?;
        if self.at_walrus(i) {
            return self.walrus(i, in_call, first, before, sub);
        }
        Ok((i, sub))
    }

    /// At the `:=` after `sub`, which started at token `first` when
    /// `before` nodes had been pushed. Out of line, and the callers on
    /// the paths every bracket level repeats (parentheses, call
    /// arguments) spell `named_expression` out, so that their stack
    /// frames stay as small as without assignment expressions.
    #[inline(never)]
    fn walrus<'t>(
        &self,
        i: Toks<'t>,
        in_call: bool,
        first: Token,
        before: usize,
        sub: Sub,
    ) -> Res<'t, Sub> {
        // A bare name, its node the last pushed, becomes the target.
        let bare = first.tok == Tok::Name
            && i.prev_end() == first.end
            && self.node_count() == before + 1
            && sub.id as usize == before;
        if let (true, Some(Node::Name(index))) = (bare, self.node(before as NodeId)) {
            {
                let mut arena = self.arena.borrow_mut();
                arena.nodes.truncate(before);
                arena.spans.truncate(before);
            }
            let i = self.bump(i)?;
            self.enter()?;
            let value = self.expression(i);
            self.leave();
            let (i, value) = value?;
            let sub = self.push(
                i,
                Node::Assign(index, value.id),
                value.height + 1,
                first.start,
            )?;
            return Ok((i, sub));
        }
        if in_call {
            return Err(self.error_here(i, "invalid syntax"));
        }
        Err(self.assignment_target_error(i, sub))
    }

    /// At the `:=` after `target`, which is not a name: CPython reports
    /// "cannot use assignment expressions with ..." at the target once
    /// an expression follows, and "invalid syntax" at the `:=` when none
    /// does.
    #[cold]
    fn assignment_target_error(&self, i: Toks<'_>, target: Sub) -> NErr {
        let walrus = i.tok().start;
        let message = self.walrus_target_message(i, target);
        let at = self.span_start(target.id, target.start);
        let i = match self.bump(i) {
            Ok(i) => i,
            Err(e) => return e,
        };
        let first = i.tok();
        let before = self.node_count();
        match self.expression(i) {
            Err(e) if is_final(&e) => return e,
            Err(_) if !self.parsed_a_prefix(first, before) => {
                return self.error_at(walrus, "invalid syntax")
            }
            Err(_) => {}
            // CPython's `invalid_expression` finds `1 2` while parsing
            // the value, before this rule reports the target.
            Ok((i, _)) if starts_operand(i.tok().tok) && !i.at(Tok::Kw(Kw::Not)) => {
                return self.adjacent_operand(i)
            }
            Ok(_) => {}
        }
        self.error_at(at, message)
    }

    /// CPython's message for `target := ...` (`_PyPegen_get_expr_name`).
    fn walrus_target_message(&self, i: Toks<'_>, target: Sub) -> &'static str {
        let start = self.span_start(target.id, target.start);
        let text = self.src.get(start..).unwrap_or("");
        let attribute = self.attribute_end.get() != 0 && self.attribute_end.get() == i.prev_end();
        match self.node(target.id) {
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
            Some(Node::Const(Value::Tuple(_)) | Node::Tuple(_)) => {
                "cannot use assignment expressions with tuple"
            }
            Some(Node::Subscript(..)) => "cannot use assignment expressions with subscript",
            Some(Node::Attr(..)) => "cannot use assignment expressions with attribute",
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
    fn nested_expression<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        self.enter()?;
        let sub = self.expression(i);
        self.leave();
        sub
    }

    /// The error for an operand right after an operand (`1 2`). CPython
    /// parses the second one first: a tokenizer error in it wins; if it
    /// does not even start to parse, its own error is reported; otherwise,
    /// inside brackets, "Perhaps you forgot a comma?" at the first operand,
    /// and at the top level "invalid syntax" at the second.
    #[cold]
    fn adjacent_operand(&self, i: Toks<'_>) -> NErr {
        let second = i.tok().start;
        let first = self.last_disjunction.get();
        // Brackets open before the second operand (which may open one).
        let in_brackets = self.at_stop(|lexer, _| lexer.open_before(second));
        let before = self.node_count();
        let first_token = i.tok();
        match self.nested_expression(i) {
            Err(e) if is_final(&e) => e,
            // The second operand does not parse: CPython reports the
            // position its first pass stopped at.
            Err(_) if !self.parsed_a_prefix(first_token, before) => {
                self.error_at(second, "invalid syntax")
            }
            _ if in_brackets => self.error_at(first, "invalid syntax. Perhaps you forgot a comma?"),
            _ => self.error_at(second, "invalid syntax"),
        }
    }

    /// `disjunction ['if' disjunction 'else' expression]`: a chain of
    /// `else` branches is collected by a loop and built from the right.
    fn expression<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let first = i.tok();
        if first.tok == Tok::Kw(Kw::Other) && self.text(first) == "lambda" {
            return self.lambda(i);
        }
        let (i, body) = self.disjunction(i)?;
        if !i.at(Tok::Kw(Kw::If)) {
            return Ok((i, body));
        }
        self.else_chain(i, body)
    }

    /// The rest of an `expression` at the `if` after its first `body`:
    /// `('if' disjunction 'else' body)*`, then the branches built from
    /// the right.
    #[inline(never)]
    fn else_chain<'t>(&self, i: Toks<'t>, body: Sub) -> Res<'t, Sub> {
        let mark = self.arena.borrow().branches.len();
        // The body the next `if` follows.
        let current = Cell::new(body);
        let (i, ()) = fold_many0(
            |i| self.conditional(i, current.get().start, mark),
            || (),
            |(), (test, next)| {
                self.arena.borrow_mut().branches.push((current.get(), test));
                current.set(next);
            },
        )
        .parse(i)?;
        let mut last = current.get();
        loop {
            let branch = {
                let mut arena = self.arena.borrow_mut();
                if arena.branches.len() > mark {
                    arena.branches.pop()
                } else {
                    None
                }
            };
            let Some((body, test)) = branch else { break };
            let height = 1 + body.height.max(test.height).max(last.height);
            let node = Node::IfElse {
                body: body.id,
                test: test.id,
                orelse: last.id,
            };
            last = self.push(i, node, height, body.start)?;
        }
        Ok((i, last))
    }

    /// `'if' disjunction 'else' body` after a body that starts at
    /// `body_start`: the test and the next body. `mark` is where the
    /// chain's branches start.
    fn conditional<'t>(&self, i: Toks<'t>, body_start: usize, mark: usize) -> Res<'t, (Sub, Sub)> {
        if !i.at(Tok::Kw(Kw::If)) {
            return Err(nom::Err::Error(PErr::Soft));
        }
        let i = self.bump(i)?;
        let before = self.node_count();
        let first = i.tok();
        let (i, test) = match self.disjunction(i) {
            Ok(ok) => ok,
            Err(e) => return Err(self.test_error(e, first, before, body_start)),
        };
        if !i.at(Tok::Kw(Kw::Else)) {
            return Err(self.missing_else(i, body_start));
        }
        let i = self.bump(i)?;
        if self.arena.borrow().branches.len() + 1 - mark > self.limits.max_nesting {
            return Err(too_deep(self.limits));
        }
        let first = i.tok();
        let (i, next) = if first.tok == Tok::Kw(Kw::Other) && self.text(first) == "lambda" {
            self.lambda(i)?
        } else {
            self.disjunction(i)?
        };
        Ok((i, (test, next)))
    }

    /// The error for an `if` test that does not parse, which started at
    /// token `first` when `before` nodes had been pushed: CPython's second
    /// pass takes the longest test that parses, and then finds no `else`.
    #[cold]
    #[inline(never)]
    fn test_error(&self, e: NErr, first: Token, before: usize, body_start: usize) -> NErr {
        if hard(&e).is_some_and(|f| f.0 == Stage::Parser && !is_specific(&f.1))
            && self.parsed_a_prefix(first, before)
        {
            return self.error_at(body_start, "expected 'else' after 'if' expression");
        }
        e
    }

    #[cold]
    fn missing_else(&self, i: Toks<'_>, start: usize) -> NErr {
        if self.text(i.tok()) == ":" {
            return self.unexpected(i);
        }
        self.error_at(start, "expected 'else' after 'if' expression")
    }

    /// `conjunction ('or' conjunction)*`
    fn disjunction<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let (i, sub) = self.bool_chain(i, BoolOp::Or)?;
        self.last_disjunction.set(sub.start);
        Ok((i, sub))
    }

    /// A flat `or` chain of `and` chains (`conjunction`), or a flat `and`
    /// chain of inversions. One function for both levels keeps the stack
    /// used per parenthesis small.
    fn bool_chain<'t>(&self, i: Toks<'t>, op: BoolOp) -> Res<'t, Sub> {
        let (i, first) = match op {
            BoolOp::Or => self.bool_chain(i, BoolOp::And)?,
            BoolOp::And => self.inversion(i)?,
        };
        if !i.at(Tok::Kw(bool_keyword(op))) {
            return Ok((i, first));
        }
        self.bool_run(i, op, first)
    }

    /// The rest of an `op` chain after its `first` operand, at the
    /// keyword: `(keyword operand)*`.
    #[inline(never)]
    fn bool_run<'t>(&self, i: Toks<'t>, op: BoolOp, first: Sub) -> Res<'t, Sub> {
        let mark = self.pending_len();
        self.pend(Link::None, first.id);
        let (i, height) = fold_many0(
            |i| self.bool_step(i, op),
            || first.height,
            |height, next: Sub| {
                self.pend(Link::None, next.id);
                height.max(next.height)
            },
        )
        .parse(i)?;
        let items = self.items(mark)?;
        let sub = self.push(i, Node::Bool(op, items), height + 1, first.start)?;
        Ok((i, sub))
    }

    /// `keyword operand` of an `op` chain, the operand cut.
    fn bool_step<'t>(&self, i: Toks<'t>, op: BoolOp) -> Res<'t, Sub> {
        let (i, _) = self.token(Tok::Kw(bool_keyword(op)))(i)?;
        cut_err(match op {
            BoolOp::Or => self.bool_chain(i, BoolOp::And),
            BoolOp::And => self.inversion(i),
        })
    }

    /// `'not'* comparison`, flat.
    fn inversion<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        if !i.at(Tok::Kw(Kw::Not)) {
            return self.comparison(i);
        }
        self.not_chain(i)
    }

    #[inline(never)]
    fn not_chain<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let start = i.tok().start;
        let (i, count) = many0_count(self.token(Tok::Kw(Kw::Not))).parse(i)?;
        let (i, operand) = self.comparison(i)?;
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        let sub = self.push(i, Node::Not(count, operand.id), operand.height + 1, start)?;
        Ok((i, sub))
    }

    /// `bitwise_or (cmp_op bitwise_or)*`, flat.
    fn comparison<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let (i, first) = self.binary(i, level::BIT_OR)?;
        let t = i.tok().tok;
        if compare_op(t).is_none() && !matches!(t, Tok::Kw(Kw::InIs | Kw::Not)) {
            return Ok((i, first));
        }
        self.compare_run(i, first)
    }

    /// The comparisons after `first`.
    #[inline(never)]
    fn compare_run<'t>(&self, i: Toks<'t>, first: Sub) -> Res<'t, Sub> {
        let mark = self.pending_len();
        let (i, height) = fold_many0(
            |i| self.compare_step(i),
            || first.height,
            |height, (op, next): (CmpOp, Sub)| {
                self.pend(Link::Cmp(op), next.id);
                height.max(next.height)
            },
        )
        .parse(i)?;
        if self.pending_len() == mark {
            return Ok((i, first));
        }
        let items = self.items(mark)?;
        let sub = self.push(i, Node::Compare(first.id, items), height + 1, first.start)?;
        Ok((i, sub))
    }

    /// `cmp_op bitwise_or`, the operand cut.
    fn compare_step<'t>(&self, i: Toks<'t>) -> Res<'t, (CmpOp, Sub)> {
        let (i, op) = self.compare_operator(i)?;
        let (i, next) = cut_err(self.binary(i, level::BIT_OR))?;
        Ok((i, (op, next)))
    }

    /// A comparison operator, moved past. `in`, `not in`, `is`, `is not`
    /// are outside the language, but parsed on (as `==`) so that syntax
    /// errors after them are CPython's. Any other `not` ends the
    /// expression (and is an error there).
    fn compare_operator<'t>(&self, i: Toks<'t>) -> Res<'t, CmpOp> {
        if let Some(op) = compare_op(i.tok().tok) {
            return Ok((self.bump(i)?, op));
        }
        let mut i = i;
        if i.at(Tok::Kw(Kw::InIs)) && self.text(i.tok()) == "in" {
            return Ok((self.bump(i)?, CmpOp::In));
        }
        if i.at(Tok::Kw(Kw::InIs)) {
            self.defer(i.tok().start, IS);
            let is_not = self.text(i.tok()) == "is"
                && self
                    .peek_second(i)
                    .is_some_and(|t| t.tok == Tok::Kw(Kw::Not));
            if is_not {
                i = self.bump(i)?;
            }
        } else if i.at(Tok::Kw(Kw::Not)) {
            // CPython looks one token further for the `in`.
            match self.peek_second(i) {
                Some(next) if self.text(next) == "in" => {
                    let i = self.bump(i)?;
                    return Ok((self.bump(i)?, CmpOp::NotIn));
                }
                _ => return Err(nom::Err::Error(PErr::Soft)),
            }
        } else {
            return Err(nom::Err::Error(PErr::Soft));
        }
        Ok((self.bump(i)?, CmpOp::Eq))
    }

    /// `bitwise_or` and the five left-associative levels below it, by
    /// precedence climbing: operators of precedence `min` or tighter. The
    /// operators of one level form one flat chain, `1 - 2 - 3` being
    /// `(1 - 2) - 3`.
    fn binary<'t>(&self, i: Toks<'t>, min: u8) -> Res<'t, Sub> {
        let (mut i, mut left) = self.factor(i)?;
        while let Some((_, prec)) = binary_op(i.tok().tok) {
            if prec < min {
                break;
            }
            (i, left) = self.binary_run(i, left, prec)?;
        }
        Ok((i, left))
    }

    /// The run of operators of level `prec` after `left`: the level's
    /// parser, `left (op operand)*` with each operand of the next
    /// tighter level.
    #[inline(never)]
    fn binary_run<'t>(&self, i: Toks<'t>, left: Sub, prec: u8) -> Res<'t, Sub> {
        let mark = self.pending_len();
        let (i, height) = fold_many0(
            |i| self.binary_step(i, prec),
            || left.height,
            |height, (op, right): (BinOp, Sub)| {
                self.pend(Link::Bin(op), right.id);
                height.max(right.height)
            },
        )
        .parse(i)?;
        let sub = self.binary_node(i, left, mark, height)?;
        Ok((i, sub))
    }

    /// The node of a run of one level after `left`, its operands pending
    /// from `mark` on: `Binary` for one operator, `Chain` for more.
    #[inline(never)]
    fn binary_node(&self, i: Toks<'_>, left: Sub, mark: usize, height: u32) -> Result<Sub, NErr> {
        let single = {
            let mut arena = self.arena.borrow_mut();
            if arena.pending.len() == mark + 1 {
                arena.pending.pop()
            } else {
                None
            }
        };
        let sub = match single {
            Some((Link::Bin(op), right)) => {
                self.push(i, Node::Binary(op, left.id, right), height + 1, left.start)?
            }
            Some(_) => return Err(internal()),
            None => {
                let items = self.items(mark)?;
                self.push(i, Node::Chain(left.id, items), height + 1, left.start)?
            }
        };
        Ok(sub)
    }

    /// `op operand` of level `prec`, the operand (of the next tighter
    /// level) cut.
    fn binary_step<'t>(&self, i: Toks<'t>, prec: u8) -> Res<'t, (BinOp, Sub)> {
        let (i, op) = self.binary_operator(i, prec)?;
        let (i, right) = cut_err(if prec == level::TERM {
            self.factor(i)
        } else {
            self.binary(i, prec + 1)
        })?;
        Ok((i, (op, right)))
    }

    /// A left-associative binary operator of level `prec`, moved past.
    #[inline]
    fn binary_operator<'t>(&self, i: Toks<'t>, prec: u8) -> Res<'t, BinOp> {
        match binary_op(i.tok().tok) {
            Some((op, p)) if p == prec => {
                if i.at(Tok::Unsupported(MATMUL)) {
                    self.defer(i.tok().start, MATMUL);
                }
                Ok((self.bump(i)?, op))
            }
            _ => Err(nom::Err::Error(PErr::Soft)),
        }
    }

    /// `('+' | '-' | '~')* primary ['**' factor]`. `**` is
    /// right-associative and binds tighter than a unary operator on its
    /// left (`-2**2 == -(2**2)`), looser than one on its right
    /// (`2**-1`). A tower `a ** -b ** c` is collected by a loop, then built
    /// from the right, so neither it nor a unary chain recurses.
    fn factor<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        if unary_op(i.tok().tok).is_none() {
            // Fast path: a plain operand, no unary operator, no `**`.
            let (i, base) = self.primary(i)?;
            if !i.at(Tok::Op(Op::DoubleStar)) {
                return Ok((i, base));
            }
            return self.tower(i, Some(base));
        }
        self.tower(i, None)
    }

    /// One floor of a `**` tower: its unary operators (onto `unary_ops`)
    /// and its primary, or `first` if given.
    fn floor<'t>(&self, i: Toks<'t>, first: Option<Sub>) -> Res<'t, Floor> {
        let ops = self.arena.borrow().unary_ops.len();
        let start = i.tok().start;
        if let Some(base) = first {
            return Ok((i, Floor { ops, base, start }));
        }
        let (i, ()) = self.unary_prefix(i)?;
        let (i, base) = self.primary(i)?;
        Ok((i, Floor { ops, base, start }))
    }

    /// `('+' | '-' | '~')*`, onto `unary_ops`.
    #[inline(never)]
    fn unary_prefix<'t>(&self, i: Toks<'t>) -> Res<'t, ()> {
        let (i, _) = many0_count(|i: Toks<'t>| {
            let Some(op) = unary_op(i.tok().tok) else {
                return Err(nom::Err::Error(PErr::Soft));
            };
            let mut arena = self.arena.borrow_mut();
            arena.unary_ops.push(op);
            if arena.unary_ops.len() > self.limits.max_nesting {
                return Err(too_deep(self.limits));
            }
            drop(arena);
            Ok((self.bump(i)?, ()))
        })
        .parse(i)?;
        Ok((i, ()))
    }

    /// `'**' floor`, the floor cut; `mark` is where the tower's floors
    /// start.
    fn tower_step<'t>(&self, i: Toks<'t>, mark: usize) -> Res<'t, Floor> {
        let (i, _) = self.token(Tok::Op(Op::DoubleStar))(i)?;
        if self.arena.borrow().tower.len() - mark > self.limits.max_nesting {
            return Err(too_deep(self.limits));
        }
        cut_err(self.floor(i, None))
    }

    /// The general case of `factor`, after its first operand if that is
    /// `first`: `floor ('**' floor)*`, built from the right.
    #[inline(never)]
    fn tower<'t>(&self, i: Toks<'t>, first: Option<Sub>) -> Res<'t, Sub> {
        let (i, floor) = self.floor(i, first)?;
        self.tower_rest(i, floor)
    }

    /// A tower after its first `floor`: `('**' floor)*`, then built from
    /// the right. Out of line, so that the frames of the recursion
    /// through the first floor stay small.
    #[inline(never)]
    fn tower_rest<'t>(&self, i: Toks<'t>, floor: Floor) -> Res<'t, Sub> {
        let mark = {
            let mut arena = self.arena.borrow_mut();
            arena.tower.push(floor);
            arena.tower.len() - 1
        };
        let (i, ()) = fold_many0(
            |i| self.tower_step(i, mark),
            || (),
            |(), floor| self.arena.borrow_mut().tower.push(floor),
        )
        .parse(i)?;
        let mut result: Option<Sub> = None;
        loop {
            let floor = {
                let mut arena = self.arena.borrow_mut();
                if arena.tower.len() > mark {
                    arena.tower.pop()
                } else {
                    None
                }
            };
            let Some(floor) = floor else { break };
            let mut sub = match result {
                None => floor.base,
                Some(exponent) => {
                    let height = 1 + floor.base.height.max(exponent.height);
                    let node = Node::Binary(BinOp::Pow, floor.base.id, exponent.id);
                    self.push(i, node, height, floor.base.start)?
                }
            };
            loop {
                let op = {
                    let mut arena = self.arena.borrow_mut();
                    if arena.unary_ops.len() > floor.ops {
                        arena.unary_ops.pop().map(|op| (op, arena.unary_ops.len()))
                    } else {
                        None
                    }
                };
                let Some((op, left)) = op else { break };
                let start = if left == floor.ops {
                    floor.start
                } else {
                    sub.start
                };
                sub = self.push(i, Node::Unary(op, sub.id), sub.height + 1, start)?;
            }
            result = Some(sub);
        }
        result.map(|sub| (i, sub)).ok_or_else(internal)
    }

    /// `atom ('(' [arguments] ')')*`, and the attributes and subscripts
    /// outside the language, parsed on.
    fn primary<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let (mut i, mut sub) = self.atom(i)?;
        loop {
            match i.tok().tok {
                Tok::Op(Op::LParen) => (i, sub) = self.call(i, sub)?,
                Tok::Unsupported(_) => match self.text(i.tok()) {
                    "." => (i, sub) = self.attribute(i, sub)?,
                    "[" => (i, sub) = self.subscript(i, sub)?,
                    _ => break,
                },
                _ => break,
            }
        }
        Ok((i, sub))
    }

    /// An attribute `.name` after the primary `value`, at the `.`. The
    /// name is NFKC-normalized as CPython's identifiers are, and kept in
    /// the node rather than among the tree's names, which are the ones
    /// looked up in the namespace.
    #[inline(never)]
    fn attribute<'t>(&self, i: Toks<'t>, value: Sub) -> Res<'t, Sub> {
        let i = self.bump(i)?;
        if !i.at(Tok::Name) {
            return Err(self.error_here(i, "invalid syntax"));
        }
        let name: Box<str> = lex::normalized_name(self.text(i.tok())).as_ref().into();
        let i = self.bump(i)?;
        self.attribute_end.set(i.prev_end());
        let sub = self.push(i, Node::Attr(value.id, name), value.height + 1, value.start)?;
        Ok((i, sub))
    }

    /// The arguments of a call of `sub`, at its `(`. Out of line: its
    /// locals would otherwise sit in `primary`'s frame, which every
    /// bracket level repeats.
    #[inline(never)]
    fn call<'t>(&self, i: Toks<'t>, sub: Sub) -> Res<'t, Sub> {
        let mut i = self.bump(i)?;
        let mark = self.pending_len();
        let mut height = sub.height;
        // Where a generator argument starts, and whether the
        // arguments are more than it alone.
        let mut generator = None;
        let mut others = false;
        // CPython's error for an argument out of order (positional
        // after keyword, `*` after `**`), reported at the `)`.
        let mut order = ArgOrder::default();
        let keywords = self.arena.borrow().keyword_starts.len();
        while !i.at(Tok::Op(Op::RParen)) {
            let star = i.tok();
            if i.at(Tok::Op(Op::Star)) || i.at(Tok::Op(Op::DoubleStar)) {
                self.defer(star.start, "argument unpacking is not supported");
                i = self.bump(i)?;
                // Unless a positional argument came after a `**`
                // already, reported at the `)`.
                if star.tok == Tok::Op(Op::Star) && order.double_star && order.error.is_none() {
                    let message = "iterable argument unpacking follows keyword argument unpacking";
                    return Err(self.error_at(star.start, message));
                }
                order.double_star |= star.tok == Tok::Op(Op::DoubleStar);
            }
            let first = i.tok();
            let arg_start = first.start;
            let before = self.node_count();
            let mut arg;
            let mut link = Link::None;
            if first.tok == Tok::Name && star.start == first.start && self.at_keyword(i) {
                (i, arg, link) = self.keyword_argument(i)?;
                order.keyword = true;
            } else {
                (i, arg) = self.nested_expression(i)?;
            }
            if link == Link::None && self.at_walrus(i) {
                (i, arg) = self.walrus(i, true, first, before, arg)?;
            }
            if link != Link::None {
                // A keyword argument, parsed above.
            } else if self.at_for(i) {
                i = self.comprehension(i, star)?;
                others |= generator.is_some() || self.pending_len() > mark;
                generator = generator.or(Some(arg_start));
                if !i.at(Tok::Op(Op::Comma)) && !i.at(Tok::Op(Op::RParen)) {
                    return Err(self.unexpected(i));
                }
            } else if self.at_unsupported(i, "=") {
                if let Some(Node::Assign(..)) = self.node(arg.id) {
                    return Err(self.error_here(i, "invalid syntax"));
                }
                // A bare name before `=` is a keyword argument, parsed
                // above: anything else is an error.
                let message = self.keyword_message(i, first).unwrap_or("invalid syntax");
                return Err(self.error_at(arg_start, message));
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
            self.pend(link, arg.id);
            if i.at(Tok::Op(Op::Comma)) {
                i = self.bump(i)?;
                // `f(x for x in y, )` too is more than a generator.
                others |= generator.is_some();
            } else if !i.at(Tok::Op(Op::RParen)) {
                return Err(self.in_parens_error(i));
            }
        }
        if let Some(message) = order.error {
            return Err(self.error_here(i, message));
        }
        if let Some(at) = generator.filter(|_| others) {
            return Err(self.error_at(at, "Generator expression must be parenthesized"));
        }
        if self.arena.borrow().keyword_starts.len() > keywords {
            self.note_repeated(keywords, sub.start);
        }
        let i = self.bump(i)?;
        let items = self.items(mark)?;
        let sub = self.push(i, Node::Call(sub.id, items), height + 1, sub.start)?;
        Ok((i, sub))
    }

    /// At the `=` of a keyword argument whose first token is `first`:
    /// CPython's error if the argument is not a single name.
    fn keyword_message(&self, i: Toks<'_>, first: Token) -> Option<&'static str> {
        let single = first.end == i.prev_end();
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
    fn in_parens_error(&self, i: Toks<'_>) -> NErr {
        if self.starts_operand(i) {
            return self.adjacent_operand(i);
        }
        if i.at(Tok::Op(Op::Comma)) {
            return tuple_error(self.src, i.tok().start);
        }
        self.unexpected_after_operand(i)
    }

    /// `NAME | 'True' | 'False' | NUMBER | '(' expression ')'`, and the
    /// atoms outside the language, parsed on: a dispatch on the token.
    fn atom<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        match i.tok().tok {
            Tok::Op(Op::LParen) => self.parenthesized(i),
            _ => self.literal(i),
        }
    }

    /// The atoms but a parenthesized expression: one token each, but for
    /// the displays outside the language. Out of line, so that the frames
    /// every parenthesis repeats do not hold its locals.
    #[inline(never)]
    fn literal<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let token = i.tok();
        let node = match token.tok {
            Tok::Int(radix) => Node::Const(
                number::int(self.text(token), radix, self.limits).map_err(|e| match e.kind() {
                    crate::ErrorKind::Syntax => fail(Stage::Parser, e),
                    _ => fail(Stage::Other, e),
                })?,
            ),
            Tok::Float => Node::Const(Value::Float(number::float(self.text(token)))),
            Tok::Imag => Node::Const(number::imaginary(self.text(token))),
            Tok::Kw(Kw::True) => Node::Const(Value::Bool(true)),
            Tok::Kw(Kw::False) => Node::Const(Value::Bool(false)),
            Tok::Name => Node::Name(self.name(token)),
            Tok::Kw(Kw::Other) if self.text(token) == "None" => {
                self.defer(token.start, "'None' is not supported")
            }
            Tok::Str => return self.strings(i),
            Tok::Unsupported(message @ "'...' is not supported") => {
                self.defer(token.start, message)
            }
            Tok::Unsupported("lists are not supported") => return self.list(i),
            Tok::Unsupported("dicts and sets are not supported") => return self.dict_or_set(i),
            // `.5` is a number; a `.` where an operand should be is not an
            // attribute.
            Tok::Unsupported(_) if self.text(token) == "." => {
                return Err(self.error_at(token.start, "invalid syntax"))
            }
            _ => return Err(self.unexpected(i)),
        };
        let i = self.bump(i)?;
        let sub = self.push(i, node, 1, token.start)?;
        Ok((i, sub))
    }

    /// One or more adjacent string literals, from `first`: one string,
    /// their values concatenated (`'a' 'b'` is `'ab'`). Bytes literals and
    /// f-strings are outside the language. A bad escape is CPython's
    /// SyntaxError, reported where CPython's parser stands once it has
    /// read the literals: at the token after them.
    #[inline(never)]
    fn strings<'t>(&self, mut i: Toks<'t>) -> Res<'t, Sub> {
        let first = i.tok();
        let mut value = String::new();
        let mut escape: Option<crate::text::EscapeError> = None;
        let mut outside = None;
        while i.at(Tok::Str) {
            let text = self.text(i.tok());
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
                outside.get_or_insert((i.tok().start, "bytes literals are not supported"));
            } else if prefix.contains('f') {
                outside.get_or_insert((i.tok().start, "f-strings are not supported"));
            } else if escape.is_none() {
                if let Err(e) = crate::text::decode_literal(body, prefix.contains('r'), &mut value)
                {
                    escape = Some(e);
                }
            }
            i = self.bump(i)?;
        }
        if let Some((at, message)) = outside {
            let node = self.defer(at, message);
            let sub = self.push(i, node, 1, first.start)?;
            return Ok((i, sub));
        }
        if let Some(e) = escape {
            // CPython's column: the next token's, or at the end of the
            // input the last character's.
            let at = i.tok().start;
            let column = match i.tok().tok {
                Tok::Eof => lex::column0(self.src, at),
                _ => lex::column0(self.src, at) + 1,
            };
            let error =
                EvalError::syntax(e.message(), column).with_line(lex::line_of(self.src, at));
            // A SyntaxError of the parser's: a tokenizer error later in
            // the input wins over it, as in CPython.
            return Err(fail(Stage::Parser, error));
        }
        let node = Node::Const(Value::Str(std::sync::Arc::from(value)));
        let sub = self.push(i, node, 1, first.start)?;
        Ok((i, sub))
    }

    /// `'(' expression ')'` and the tuples, generators and assignment
    /// expressions in parentheses, at the `(`. Out of line, so that the
    /// frames every parenthesis repeats hold only what this needs, not
    /// the other atoms' locals.
    #[inline(never)]
    fn parenthesized<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let open = i.tok();
        let i = self.bump(i)?;
        let star = i.tok();
        if matches!(star.tok, Tok::Op(Op::RParen | Op::Star | Op::DoubleStar)) {
            return self.parenthesized_special(i, open);
        }
        let before = self.node_count();
        let (i, inner) = self.nested_expression(i)?;
        if !i.at(Tok::Op(Op::RParen)) {
            return self.parenthesized_rest(i, open, star, before, inner, false);
        }
        let i = self.bump(i)?;
        Ok((
            i,
            Sub {
                start: open.start,
                ..inner
            },
        ))
    }

    /// `()` and `(*x ...)`, after the `(` at token `open`.
    #[cold]
    #[inline(never)]
    fn parenthesized_special<'t>(&self, i: Toks<'t>, open: Token) -> Res<'t, Sub> {
        if i.at(Tok::Op(Op::RParen)) {
            let i = self.bump(i)?;
            let empty = Node::Const(Value::Tuple(crate::Tuple::default()));
            let sub = self.push(i, empty, 1, open.start)?;
            return Ok((i, sub));
        }
        let star = i.tok();
        self.defer(star.start, STARRED);
        let i = self.bump(i)?;
        let before = self.node_count();
        let (i, inner) = self.nested_expression(i)?;
        self.parenthesized_rest(i, open, star, before, inner, true)
    }

    /// A parenthesized expression after its `inner` expression (which
    /// starts after token `star`, a `*` or `**` if `starred`, and made
    /// the nodes from `before` on), at a token other than `)`: an
    /// assignment expression, a generator, a tuple or an error.
    #[inline(never)]
    fn parenthesized_rest<'t>(
        &self,
        mut i: Toks<'t>,
        open: Token,
        star: Token,
        before: usize,
        mut inner: Sub,
        starred: bool,
    ) -> Res<'t, Sub> {
        // Where the inner expression starts, if not starred (only then
        // is `=` after it looked at).
        let inner_start = star.start;
        if !starred && self.at_walrus(i) {
            (i, inner) = self.walrus(i, false, star, before, inner)?;
        }
        if self.at_for(i) {
            i = self.comprehension(i, star)?;
            if !i.at(Tok::Op(Op::RParen)) {
                return Err(self.unexpected(i));
            }
        } else if i.at(Tok::Op(Op::Comma)) {
            // The tuple's text starts at the `(`.
            let first = Sub {
                start: open.start,
                ..inner
            };
            (i, inner) = self.rest_of_tuple(i, first, Tok::Op(Op::RParen))?;
        } else if starred && !self.at_walrus(i) {
            return Err(starred_error(self.src, star));
        } else if self.at_unsupported(i, "=") {
            if let Some(message) = self.assignment_message(inner) {
                return Err(self.assignment_error(i, inner_start, message));
            }
        }
        if !i.at(Tok::Op(Op::RParen)) {
            return Err(self.in_parens_error(i));
        }
        let i = self.bump(i)?;
        Ok((
            i,
            Sub {
                start: open.start,
                ..inner
            },
        ))
    }

    /// CPython's message for `(target = value)`, if `target` is one of the
    /// expressions its `invalid_named_expression` rule names.
    fn assignment_message(&self, target: Sub) -> Option<&'static str> {
        if self.starts_with_tuple(target.id) {
            // CPython's rule looks ahead for a tuple first and then does
            // not apply.
            return None;
        }
        Some(match self.node(target.id)? {
            Node::Name(_) => "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
            Node::Const(Value::Bool(_)) => return None,
            Node::Attr(..) => {
                "cannot assign to attribute here. Maybe you meant '==' instead of '='?"
            }
            Node::Subscript(..) => {
                "cannot assign to subscript here. Maybe you meant '==' instead of '='?"
            }
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

    /// Whether the expression `id` starts with a tuple display (its
    /// leftmost operand, through calls, indexes and binary operators, is
    /// one).
    fn starts_with_tuple(&self, mut id: NodeId) -> bool {
        loop {
            match self.node(id) {
                Some(Node::Tuple(_) | Node::Const(Value::Tuple(_))) => return true,
                Some(
                    Node::Subscript(first, _)
                    | Node::Attr(first, _)
                    | Node::Call(first, _)
                    | Node::Binary(_, first, _)
                    | Node::Chain(first, _)
                    | Node::Compare(first, _),
                ) => id = first,
                _ => return false,
            }
        }
    }

    /// At the `=` of `(target = value)`: CPython reports `message` at the
    /// target once the value parses, and "invalid syntax" otherwise.
    #[cold]
    fn assignment_error(&self, i: Toks<'_>, target_start: usize, message: &'static str) -> NErr {
        let equals = i.tok().start;
        match self.bump(i).and_then(|i| self.binary(i, level::BIT_OR)) {
            Err(e) if is_final(&e) => return e,
            Err(_) => return self.error_at(equals, "invalid syntax"),
            Ok(_) => {}
        }
        self.error_at(target_start, message)
    }

    /// A list display `[a, b]`, at the `[`: outside the language, parsed
    /// on so that later syntax errors are CPython's.
    fn list<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let token = i.tok();
        let node = self.defer(token.start, "lists are not supported");
        let mut i = self.bump(i)?;
        let mut first = true;
        while self.text(i.tok()) != "]" {
            let star = i.tok();
            i = self.starred_item(i)?.0;
            if first && self.at_for(i) {
                i = self.comprehension(i, star)?;
                if self.text(i.tok()) != "]" {
                    return Err(self.unexpected(i));
                }
                break;
            }
            first = false;
            if i.at(Tok::Op(Op::Comma)) {
                i = self.bump(i)?;
            } else if self.text(i.tok()) != "]" {
                return Err(self.in_parens_error(i));
            }
        }
        let i = self.bump(i)?;
        let sub = self.push(i, node, 1, token.start)?;
        Ok((i, sub))
    }

    /// `lambda [parameters]: expression`, at `lambda`: outside the
    /// language, parsed on with CPython's errors for its parameters.
    #[cold]
    #[inline(never)]
    fn lambda<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let start = i.tok().start;
        let node = self.defer(start, "lambda is not supported");
        self.lambdas.set(self.lambdas.get() + 1);
        if self.lambdas.get() > self.limits.max_depth {
            return Err(fail(
                Stage::Other,
                EvalError::limit(format!(
                    "lambda nested too deeply (more than {} levels)",
                    self.limits.max_depth
                )),
            ));
        }
        let mut i = self.bump(i)?;
        // After `*` alone, a named parameter must follow; after `**k`,
        // nothing.
        let (mut bare_star, mut var_keyword, mut any) = (None, false, false);
        while self.text(i.tok()) != ":" {
            if var_keyword {
                return Err(self.error_here(i, "arguments cannot follow var-keyword argument"));
            }
            match i.tok().tok {
                Tok::Name => {
                    i = self.bump(i)?;
                    bare_star = None;
                    if self.text(i.tok()) == "=" {
                        i = self.bump(i)?;
                        i = self.nested_expression(i)?.0;
                    }
                }
                Tok::Op(Op::Star) => {
                    i = self.bump(i)?;
                    if i.at(Tok::Name) {
                        i = self.bump(i)?;
                    } else {
                        bare_star = Some(());
                    }
                }
                Tok::Op(Op::DoubleStar) => {
                    i = self.bump(i)?;
                    if !i.at(Tok::Name) {
                        return Err(self.unexpected(i));
                    }
                    i = self.bump(i)?;
                    var_keyword = true;
                }
                Tok::Op(Op::Slash) if any => i = self.bump(i)?,
                Tok::Op(Op::LParen) => {
                    return Err(
                        self.error_here(i, "Lambda expression parameters cannot be parenthesized")
                    );
                }
                _ => return Err(self.unexpected(i)),
            }
            any = true;
            if i.at(Tok::Op(Op::Comma)) {
                i = self.bump(i)?;
            } else if self.text(i.tok()) != ":" {
                return Err(self.unexpected(i));
            }
        }
        if bare_star.is_some() {
            return Err(self.error_here(i, "named arguments must follow bare *"));
        }
        let i = self.bump(i)?;
        let (i, body) = self.nested_expression(i)?;
        self.lambdas.set(self.lambdas.get() - 1);
        let sub = self.push(i, node, body.height + 1, start)?;
        Ok((i, sub))
    }

    /// Whether the lookahead starts the `for` clause of a comprehension
    /// (`for`, or `async for`).
    fn at_for(&self, i: Toks<'_>) -> bool {
        i.at(Tok::Kw(Kw::Other))
            && match self.text(i.tok()) {
                "for" => true,
                "async" => self.peek_second(i).is_some_and(|t| self.text(t) == "for"),
                _ => false,
            }
    }

    /// Whether the lookahead is the keyword `in`.
    fn at_in(&self, i: Toks<'_>) -> bool {
        i.at(Tok::Kw(Kw::InIs)) && self.text(i.tok()) == "in"
    }

    /// After the element of a comprehension (generator expression, list,
    /// set or dict comprehension), at its first `for`: CPython's
    /// `for_if_clauses`, outside the language, parsed on. `star` is the
    /// token before the element, a `*` if it was starred.
    #[cold]
    #[inline(never)]
    fn comprehension<'t>(&self, i: Toks<'t>, star: Token) -> Result<Toks<'t>, NErr> {
        if star.tok == Tok::Op(Op::Star) {
            return Err(self.error_at(star.start, UNPACKING_IN_COMPREHENSION));
        }
        self.defer(i.tok().start, COMPREHENSIONS);
        let mut i = i;
        while self.at_for(i) {
            if self.text(i.tok()) == "async" {
                i = self.bump(i)?;
            }
            i = self.bump(i)?;
            i = self.for_targets(i)?;
            if !self.at_in(i) {
                return Err(self.unexpected(i));
            }
            i = self.bump(i)?;
            self.enter()?;
            i = self.disjunction(i)?.0;
            while i.at(Tok::Kw(Kw::If)) {
                i = self.bump(i)?;
                i = self.disjunction(i)?.0;
            }
            self.leave();
        }
        Ok(i)
    }

    /// The targets of a `for` clause, up to its `in`, with CPython's
    /// errors for a target that cannot be assigned to
    /// (`invalid_for_target`).
    fn for_targets<'t>(&self, mut i: Toks<'t>) -> Result<Toks<'t>, NErr> {
        let mut count = 0;
        let mut first_star = None;
        loop {
            let star = i.tok();
            if i.at(Tok::Op(Op::Star)) {
                i = self.bump(i)?;
                first_star = first_star.or(Some(star.start));
            }
            self.enter()?;
            let target;
            (i, target) = self.binary(i, level::BIT_OR)?;
            self.leave();
            // CPython points at the target itself, inside any parentheses.
            let at = self.span_start(target.id, target.start);
            if compare_op(i.tok().tok).is_some() {
                // `for a < b in y`: a comparison other than `in` is no
                // target CPython names; it fails where a target stops.
                let stop = self.target_stop(target.id);
                return Err(self.error_at(stop, "invalid syntax"));
            }
            let message = match i.tok().tok {
                // `for a and b in y`, `for a if b else c in y`: CPython
                // reads the target as an expression.
                Tok::Kw(Kw::And | Kw::Or) => Some("cannot assign to expression"),
                Tok::Kw(Kw::If) => Some("cannot assign to conditional expression"),
                _ => self.for_target_message(target, at),
            };
            if let Some(message) = message {
                return Err(self.error_at(at, message));
            }
            count += 1;
            if !i.at(Tok::Op(Op::Comma)) {
                break;
            }
            i = self.bump(i)?;
            count += 1;
            if self.at_in(i) {
                break;
            }
        }
        match first_star {
            Some(at) if count == 1 => {
                Err(self.error_at(at, "starred assignment target must be in a list or tuple"))
            }
            _ => Ok(i),
        }
    }

    /// Where a `for` target that is an expression stops being one CPython
    /// reads as a target: at a unary operator on its left, or after its
    /// leftmost primary.
    fn target_stop(&self, mut id: NodeId) -> usize {
        let arena = self.arena.borrow();
        loop {
            let span = arena.spans.get(id as usize).copied().unwrap_or((0, 0));
            match arena.nodes.get(id as usize) {
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
        Some(match self.node(target.id)? {
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
    fn dict_or_set<'t>(&self, i: Toks<'t>) -> Res<'t, Sub> {
        let token = i.tok();
        let node = self.defer(token.start, "dicts and sets are not supported");
        let mut i = self.bump(i)?;
        // Whether the display is a dict, once its first item says.
        let mut dict = None;
        while self.text(i.tok()) != "}" {
            let star = i.tok();
            let key_start = star.start;
            let first = dict.is_none();
            if i.at(Tok::Op(Op::DoubleStar)) && dict != Some(false) {
                i = self.bump(i)?;
                self.enter()?;
                i = self.binary(i, level::BIT_OR)?.0;
                self.leave();
                if first && self.at_for(i) {
                    return Err(self.error_at(
                        star.start,
                        "dict unpacking cannot be used in dict comprehension",
                    ));
                }
                dict = Some(true);
            } else {
                i = self.starred_item(i)?.0;
                if star.tok != Tok::Op(Op::Star) && self.text(i.tok()) == ":" {
                    let colon = i.tok().start;
                    i = self.bump(i)?;
                    if i.at(Tok::Op(Op::Comma)) || self.text(i.tok()) == "}" {
                        return Err(self
                            .error_at(colon, "expression expected after dictionary key and ':'"));
                    }
                    if i.at(Tok::Op(Op::Star)) {
                        return Err(self.error_here(
                            i,
                            "cannot use a starred expression in a dictionary value",
                        ));
                    }
                    if dict == Some(false) {
                        return Err(self.error_at(colon, "invalid syntax"));
                    }
                    i = self.nested_expression(i)?.0;
                    dict = Some(true);
                } else if dict == Some(true) {
                    return Err(self.error_at(key_start, "':' expected after dictionary key"));
                } else {
                    dict = Some(false);
                }
            }
            if first && self.at_for(i) {
                i = self.comprehension(i, star)?;
                if self.text(i.tok()) != "}" {
                    return Err(self.unexpected(i));
                }
                break;
            }
            if i.at(Tok::Op(Op::Comma)) {
                i = self.bump(i)?;
            } else if self.text(i.tok()) != "}" {
                return Err(self.in_parens_error(i));
            }
        }
        let i = self.bump(i)?;
        let sub = self.push(i, node, 1, token.start)?;
        Ok((i, sub))
    }

    /// A subscript `[...]` after the primary `value`, at the `[`: an
    /// index `value[i]`, or (outside the language, parsed on) a slice or
    /// a tuple of them (CPython's `slices`).
    #[inline(never)]
    fn subscript<'t>(&self, i: Toks<'t>, value: Sub) -> Res<'t, Sub> {
        let open = i.tok().start;
        let mut i = self.bump(i)?;
        let parsed = self.text(i.tok()) != ":" && !i.at(Tok::Op(Op::Star));
        if parsed {
            let (rest, index) = self.named_expression(i, false)?;
            i = rest;
            if self.text(i.tok()) == "]" {
                let i = self.bump(i)?;
                let height = 1 + value.height.max(index.height);
                let node = Node::Subscript(value.id, index.id);
                let sub = self.push(i, node, height, value.start)?;
                return Ok((i, sub));
            }
        }
        self.defer(open, "slices are not supported");
        self.rest_of_slices(i, value, parsed)
    }

    /// The rest of a subscript that is not a plain index, parsed on.
    #[cold]
    #[inline(never)]
    fn rest_of_slices<'t>(&self, mut i: Toks<'t>, value: Sub, mut parsed: bool) -> Res<'t, Sub> {
        loop {
            if !parsed && self.text(i.tok()) != ":" {
                i = self.starred_item(i)?.0;
            }
            parsed = false;
            if self.text(i.tok()) == ":" {
                i = self.bump(i)?;
                if !matches!(self.text(i.tok()), ":" | "," | "]") {
                    i = self.nested_expression(i)?.0;
                }
                if self.text(i.tok()) == ":" {
                    i = self.bump(i)?;
                    if !matches!(self.text(i.tok()), "," | "]") {
                        i = self.nested_expression(i)?.0;
                    }
                }
            }
            if i.at(Tok::Op(Op::Comma)) {
                i = self.bump(i)?;
                if self.text(i.tok()) == "]" {
                    break;
                }
            } else if self.text(i.tok()) == "]" {
                break;
            } else {
                return Err(self.in_parens_error(i));
            }
        }
        let i = self.bump(i)?;
        Ok((i, value))
    }

    /// The index of keyword `token` (NFKC-normalized, as a name) in
    /// `keywords`, adding it if new.
    fn keyword(&self, token: Token) -> u32 {
        let normalized = lex::normalized_name(self.text(token));
        let text: &str = &normalized;
        const LINEAR: usize = 16;
        let mut arena = self.arena.borrow_mut();
        let arena = &mut *arena;
        let found = if arena.keywords.len() <= LINEAR {
            arena.keywords.iter().position(|k| **k == *text)
        } else {
            // Many distinct keywords: through a map, not quadratic time.
            let keywords = &arena.keywords;
            let index = arena.keyword_index.get_or_insert_with(|| {
                keywords
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (k.clone(), i))
                    .collect()
            });
            index.get(text).copied()
        };
        let index = found.unwrap_or_else(|| {
            arena.keywords.push(text.into());
            let i = arena.keywords.len() - 1;
            if let Some(index) = &mut arena.keyword_index {
                index.insert(text.into(), i);
            }
            i
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// Whether the lookahead (a name) is followed by `=`: a keyword argument.
    fn at_keyword(&self, i: Toks<'_>) -> bool {
        self.peek_second(i)
            .is_some_and(|t| matches!(t.tok, Tok::Unsupported(_)) && self.text(t) == "=")
    }

    /// `NAME '=' expression`, a keyword argument: out of line, so that
    /// `call`'s frame, on the recursion of nested calls, stays small.
    #[inline(never)]
    fn keyword_argument<'t>(&self, i: Toks<'t>) -> Result<(Toks<'t>, Sub, Link), NErr> {
        let name = i.tok();
        let k = self.keyword(name);
        self.arena.borrow_mut().keyword_starts.push((k, name.start));
        let i = self.bump(self.bump(i)?)?;
        let (i, arg) = self.expression(i)?;
        Ok((i, arg, Link::Keyword(k)))
    }

    /// Notes a keyword given twice among the keyword arguments from
    /// `mark` on in `keyword_starts`, those of the call starting at
    /// `start`, and drops them: CPython's compiler names the earliest
    /// keyword that repeats, at its second use.
    #[inline(never)]
    fn note_repeated(&self, mark: usize, start: usize) {
        let keywords: Vec<(u32, usize)> = self
            .arena
            .borrow_mut()
            .keyword_starts
            .drain(mark..)
            .collect();
        // CPython checks a call's keywords before compiling its callee and
        // arguments: the outermost call first, then in source order. A
        // call that starts where an earlier-noted one starts is a call of
        // it, so outer.
        if self.repeated.get().is_some_and(|(at, _, _)| at < start) {
            return;
        }
        let mut first: HashMap<u32, usize> = HashMap::new();
        let mut best: Option<(usize, usize, u32)> = None;
        for (n, &(k, at)) in keywords.iter().enumerate() {
            match first.get(&k) {
                Some(&f) => {
                    if best.is_none_or(|(bf, _, _)| f < bf) {
                        best = Some((f, at, k));
                    }
                }
                None => {
                    first.insert(k, n);
                }
            }
        }
        if let Some((_, at, k)) = best {
            self.repeated.set(Some((start, at, k)));
        }
    }

    /// CPython's error for a keyword argument given twice, if any.
    fn repeated_error(&self) -> Result<(), NErr> {
        let Some((_, at, k)) = self.repeated.get() else {
            return Ok(());
        };
        let arena = self.arena.borrow();
        let name = arena.keywords.get(k as usize).map_or("", |k| &**k);
        Err(fail(
            Stage::Other,
            error_at(self.src, at, format!("keyword argument repeated: {name}")),
        ))
    }

    /// Notes the first unsupported atom and stands in for it.
    fn defer(&self, at: usize, message: &'static str) -> Node {
        if self.deferred.get().is_none() {
            self.deferred.set(Some((at, message)));
        }
        Node::Const(Value::Bool(false))
    }

    /// The index of the name `token` (NFKC-normalized, as CPython's
    /// parser does) in `names`, adding it if new. A few
    /// names are searched linearly; past that, through a map, so that many
    /// distinct names do not cost quadratic time.
    fn name(&self, token: Token) -> u32 {
        const LINEAR: usize = 16;
        let normalized = lex::normalized_name(self.text(token));
        let text: &str = &normalized;
        let mut arena = self.arena.borrow_mut();
        let arena = &mut *arena;
        let found = if arena.names.len() <= LINEAR {
            arena.names.iter().position(|n| **n == *text)
        } else {
            let names = &arena.names;
            let index = arena.name_index.get_or_insert_with(|| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), i))
                    .collect()
            });
            index.get(text).copied()
        };
        let index = found.unwrap_or_else(|| {
            arena.names.push(text.into());
            let i = arena.names.len() - 1;
            if let Some(index) = &mut arena.name_index {
                index.insert(text.into(), i);
            }
            i
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }
}

/// nom's `cut` on a result: after an operator, an operand that does not
/// parse is a syntax error, not the end of the loop.
#[inline]
fn cut_err<T>(result: Result<T, NErr>) -> Result<T, NErr> {
    match result {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        other => other,
    }
}

/// The keyword of a boolean operator.
fn bool_keyword(op: BoolOp) -> Kw {
    match op {
        BoolOp::Or => Kw::Or,
        BoolOp::And => Kw::And,
    }
}

/// Whether `e` is one of CPython's specific syntax errors, which it raises
/// as soon as its second pass finds them, rather than "invalid syntax".
fn is_specific(e: &EvalError) -> bool {
    e.message() != "invalid syntax"
}

const IS: &str = "the 'is' operator is not supported";

/// The deferred error of a starred item (`(*x, 1)`).
const STARRED: &str = "iterable unpacking is not supported";

/// The tokenizer's message for `@`, an operator only between operands.
const MATMUL: &str = "the '@' operator is not supported";

const COMPREHENSIONS: &str = "comprehensions are not supported";

/// CPython's error for `*x` as the element of a comprehension.
const UNPACKING_IN_COMPREHENSION: &str = "iterable unpacking cannot be used in comprehension";

#[cold]
fn internal() -> NErr {
    fail(
        Stage::Other,
        EvalError::limit("internal error: malformed expression tree"),
    )
}

/// CPython's error for `(*x)` and `(**x)`.
#[cold]
fn starred_error(src: &str, star: Token) -> NErr {
    let message = if star.tok == Tok::Op(Op::DoubleStar) {
        "cannot use double starred expression here"
    } else {
        "cannot use starred expression here"
    };
    fail(Stage::Parser, error_at(src, star.start, message))
}

#[cold]
fn tuple_error(src: &str, start: usize) -> NErr {
    fail(
        Stage::Parser,
        error_at(src, start, "tuples are not supported"),
    )
}

#[cold]
fn too_deep(limits: &Limits) -> NErr {
    fail(
        Stage::Other,
        EvalError::limit(format!(
            "expression nested too deeply (more than {} levels)",
            limits.max_nesting
        )),
    )
}

#[cfg(test)]
mod tests;
