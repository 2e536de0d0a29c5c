//! Parser tests: trees as S-expressions, and SyntaxError messages and
//! columns compared with CPython 3.11.

use super::parse;
use crate::ast::{Link, Node, NodeId, Tree};
use crate::value::IntRepr;
use crate::{ErrorKind, Int, Limits, Value};

/// The tree of `src` as an S-expression, e.g. `(+ 1 (* 2 3))`.
fn sx(src: &str) -> String {
    match parse(src, &Limits::default()) {
        Ok(tree) => show(&tree, tree.root),
        Err(e) => format!("{}@{:?}: {}", e.class(), e.column(), e.message()),
    }
}

fn show(t: &Tree, id: NodeId) -> String {
    let items = |items: crate::ast::Items| -> Vec<String> {
        items
            .ids()
            .map(|i| match &t.nodes[i] {
                Node::Item(Link::Cmp(op), x) => format!("{} {}", op.symbol(), show(t, *x)),
                Node::Item(Link::Bin(op), x) => format!("{} {}", op.symbol(), show(t, *x)),
                Node::Item(Link::None, x) => show(t, *x),
                other => format!("?{other:?}"),
            })
            .collect()
    };
    match &t.nodes[id as usize] {
        Node::Const(Value::Int(Int(IntRepr::Small(n)))) => n.to_string(),
        Node::Const(Value::Int(Int(IntRepr::Big(n)))) => n.to_string(),
        Node::Const(Value::Float(x)) => format!("{x:?}"),
        Node::Const(Value::Complex(c)) => format!("{:?}j", c.im),
        Node::Const(Value::Bool(b)) => if *b { "True" } else { "False" }.to_string(),
        Node::Const(other) => format!("{other:?}"),
        Node::Name(i) => t.names[*i as usize].to_string(),
        Node::Unary(op, x) => format!("({} {})", op.symbol(), show(t, *x)),
        Node::Not(n, x) => format!("(not*{n} {})", show(t, *x)),
        Node::Binary(op, l, r) => format!("({} {} {})", op.symbol(), show(t, *l), show(t, *r)),
        Node::Chain(first, it) => format!("(chain {} {})", show(t, *first), items(*it).join(" ")),
        Node::Compare(first, it) => format!("(cmp {} {})", show(t, *first), items(*it).join(" ")),
        Node::Bool(op, it) => format!("({} {})", op.symbol(), items(*it).join(" ")),
        Node::IfElse { body, test, orelse } => {
            format!(
                "(if {} {} {})",
                show(t, *test),
                show(t, *body),
                show(t, *orelse)
            )
        }
        Node::Call(f, it) => format!("(call {} {})", show(t, *f), items(*it).join(" ")),
        Node::Item(..) => "?item".to_string(),
        Node::Assign(i, x) => format!("(:= {} {})", t.names[*i as usize], show(t, *x)),
        Node::Tuple(it) => format!("(tuple {})", items(*it).join(" ")),
        Node::Subscript(v, i) => format!("([] {} {})", show(t, *v), show(t, *i)),
        Node::Attr(v, name) => format!("(. {} {name})", show(t, *v)),
    }
}

#[test]
fn tuples_and_subscripts() {
    assert_eq!(sx("(1, 2)"), "(tuple 1 2)");
    assert_eq!(sx("1, 2,"), "(tuple 1 2)");
    assert_eq!(sx("(1,)"), "(tuple 1)");
    assert_eq!(sx("((1,), ())"), "(tuple (tuple 1) Tuple(Tuple([])))");
    assert_eq!(sx("(x := 1, 2)"), "(tuple (:= x 1) 2)");
    assert_eq!(sx("x[1][y]"), "([] ([] x 1) y)");
    assert_eq!(sx("f(1)[0](2)"), "(call ([] (call f 1) 0) 2)");
    assert_eq!(sx("x[y := 1]"), "([] x (:= y 1))");
    assert_eq!(sx("1 in x not in y"), "(cmp 1 in x not in y)");
    assert_eq!(sx("1,,"), "SyntaxError@Some(3): invalid syntax");
    assert_eq!(sx("(1,,)"), "SyntaxError@Some(4): invalid syntax");
    assert_eq!(sx("x[]"), "SyntaxError@Some(3): invalid syntax");
}

#[test]
fn attributes() {
    assert_eq!(sx("math.sqrt(2)"), "(call (. math sqrt) 2)");
    assert_eq!(sx("f(1).x.y[0]"), "([] (. (. (call f 1) x) y) 0)");
    assert_eq!(sx("1 .x ** 2"), "(** (. 1 x) 2)");
    assert_eq!(sx("-x.y"), "(- (. x y))");
    assert_eq!(sx("x.\u{ff49}"), "(. x i)");
    assert_eq!(sx("x.1"), "SyntaxError@Some(2): invalid syntax");
    assert_eq!(
        sx("(x.y = 1)"),
        "SyntaxError@Some(2): cannot assign to attribute here. Maybe you meant '==' instead of '='?"
    );
    assert_eq!(
        sx("(x.y := 1)"),
        "SyntaxError@Some(2): cannot use assignment expressions with attribute"
    );
}

#[test]
fn assignment_expressions() {
    assert_eq!(sx("(x := 1 + 2)"), "(:= x (+ 1 2))");
    assert_eq!(sx("f(y := 2, 3)"), "(call f (:= y 2) 3)");
    assert_eq!(sx("(x := (y := 1)) * x"), "(* (:= x (:= y 1)) x)");
    assert_eq!(sx("(x := 1 if y else 2)"), "(:= x (if y 1 2))");
    assert_eq!(sx("x := 1"), "SyntaxError@Some(3): invalid syntax");
    assert_eq!(
        sx("(x + 1 := 2)"),
        "SyntaxError@Some(2): cannot use assignment expressions with expression"
    );
}

#[test]
fn atoms() {
    assert_eq!(sx("1"), "1");
    assert_eq!(sx("1_000"), "1000");
    assert_eq!(sx("0x_ff"), "255");
    assert_eq!(sx("0o17 "), "15");
    assert_eq!(sx("0B101"), "5");
    assert_eq!(sx("00"), "0");
    assert_eq!(sx("0_0"), "0");
    assert_eq!(sx("1."), "1.0");
    assert_eq!(sx(".5"), "0.5");
    assert_eq!(sx("1e-3"), "0.001");
    assert_eq!(sx("1_000.5"), "1000.5");
    assert_eq!(sx("1e1_0"), "10000000000.0");
    assert_eq!(sx("1e400"), "inf");
    assert_eq!(sx("00.5"), "0.5");
    assert_eq!(sx("09.5"), "9.5");
    assert_eq!(sx("012e1"), "120.0");
    assert_eq!(sx("2j"), "2.0j");
    assert_eq!(sx("1.5e3j"), "1500.0j");
    assert_eq!(sx("1J"), "1.0j");
    assert_eq!(sx("09j"), "9.0j");
    assert_eq!(sx("True"), "True");
    assert_eq!(sx("False"), "False");
    assert_eq!(sx("x"), "x");
    assert_eq!(sx("é"), "é");
    assert_eq!(sx("((x))"), "x");
    assert_eq!(sx("18446744073709551616"), "18446744073709551616");
    assert_eq!(sx("0xffffffffffffffff"), "18446744073709551615");
    assert_eq!(sx("9223372036854775807"), "9223372036854775807");
}

#[test]
fn whitespace_comments_and_lines() {
    assert_eq!(sx(" 1"), "1");
    assert_eq!(sx("\t1 +\x0c2"), "(+ 1 2)");
    assert_eq!(sx("1 # comment"), "1");
    assert_eq!(sx("(1\n+ 2)"), "(+ 1 2)");
    assert_eq!(sx("(1 # c\n + 2)"), "(+ 1 2)");
    assert_eq!(sx("1 \\\n+ 2"), "(+ 1 2)");
    assert_eq!(sx("1 \\\r\n+ 2"), "(+ 1 2)");
    assert_eq!(sx("\n\n1\n\n"), "1");
    assert_eq!(sx("1\r\n"), "1");
    assert_eq!(sx("# c\n1"), "1");
    assert_eq!(sx("abs (1)"), "(call abs 1)");
}

#[test]
fn keywords_glued_to_numbers() {
    // CPython 3.11 accepts these with a DeprecationWarning.
    assert_eq!(sx("1if 1 else 2"), "(if 1 1 2)");
    assert_eq!(sx("1 if 1else 2"), "(if 1 1 2)");
    assert_eq!(sx("1or 2"), "(or 1 2)");
    assert_eq!(sx("0b1and 1"), "(and 1 1)");
    assert_eq!(sx("1.5if 1 else 2"), "(if 1 1.5 2)");
    assert_eq!(sx("1jif 1 else 2"), "(if 1 1.0j 2)");
    assert_eq!(sx("1e5or 2"), "(or 100000.0 2)");
}

/// Each row: source, S-expression; rows go from loosest to tightest.
#[test]
fn precedence_table() {
    let rows = [
        ("a if b else c if d else e", "(if b a (if d c e))"),
        ("a or b if c else d", "(if c (or a b) d)"),
        ("a or b and c", "(or a (and b c))"),
        ("a and not b", "(and a (not*1 b))"),
        ("not a == b", "(not*1 (cmp a == b))"),
        ("not not not a", "(not*3 a)"),
        ("a < b | c", "(cmp a < (| b c))"),
        ("a | b ^ c", "(| a (^ b c))"),
        ("a ^ b & c", "(^ a (& b c))"),
        ("a & b << c", "(& a (<< b c))"),
        ("a >> b + c", "(>> a (+ b c))"),
        ("a - b * c", "(- a (* b c))"),
        ("a % -b", "(% a (- b))"),
        ("-a ** b", "(- (** a b))"),
        ("-2**2", "(- (** 2 2))"),
        ("2**-1", "(** 2 (- 1))"),
        ("a ** b(c)", "(** a (call b c))"),
        ("~-+a", "(~ (- (+ a)))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("f(a)(b, c)", "(call (call f a) b c)"),
        ("(abs)(-1)", "(call abs (- 1))"),
        ("f()", "(call f )"),
        ("f(1,)", "(call f 1)"),
        ("f(a if b else c, d or e)", "(call f (if b a c) (or d e))"),
        ("1(2)", "(call 1 2)"),
    ];
    for (src, want) in rows {
        assert_eq!(sx(src), want, "{src}");
    }
}

#[test]
fn associativity() {
    // Left-associative levels are flat chains, evaluated left to right.
    assert_eq!(sx("a - b - c"), "(chain a - b - c)");
    assert_eq!(sx("a / b * c // d % e"), "(chain a / b * c // d % e)");
    assert_eq!(sx("a << b >> c"), "(chain a << b >> c)");
    assert_eq!(sx("a | b | c"), "(chain a | b | c)");
    assert_eq!(sx("a + b * c - d"), "(chain a + (* b c) - d)");
    assert_eq!(sx("a * b + c * d"), "(+ (* a b) (* c d))");
    assert_eq!(sx("a | b + c | d"), "(chain a | (+ b c) | d)");
    assert_eq!(sx("(a - b) - c"), "(- (- a b) c)");
    assert_eq!(sx("a - (b - c)"), "(- a (- b c))");
    assert_eq!(sx("a ** b ** c"), "(** a (** b c))");
    assert_eq!(sx("a ** -b ** c"), "(** a (- (** b c)))");
    assert_eq!(sx("(a ** b) ** c"), "(** (** a b) c)");
}

#[test]
fn chains_are_flat() {
    assert_eq!(sx("1 < x <= 3"), "(cmp 1 < x <= 3)");
    assert_eq!(sx("a == b != c > d >= e"), "(cmp a == b != c > d >= e)");
    assert_eq!(sx("(a < b) < c"), "(cmp (cmp a < b) < c)");
    assert_eq!(sx("a or b or c"), "(or a b c)");
    assert_eq!(sx("a and b and c or d"), "(or (and a b c) d)");
    assert_eq!(sx("a or (b or c)"), "(or a (or b c))");
}

/// Inputs CPython evaluates but the language does not contain.
#[test]
fn outside_the_language() {
    let cases = [
        ("b'a'", "bytes literals are not supported", 1),
        ("1 + f\"a ( b\"", "f-strings are not supported", 5),
        ("'a' Rb'b'", "bytes literals are not supported", 5),
        ("[1]", "lists are not supported", 1),
        ("{}", "dicts and sets are not supported", 1),
        ("f(*x)", "argument unpacking is not supported", 3),
        ("lambda: 1", "lambda is not supported", 1),
        ("x if 1 else lambda: 2", "lambda is not supported", 13),
        ("f(lambda: 1, 2)", "lambda is not supported", 3),
        ("{1}", "dicts and sets are not supported", 1),
        ("{1: 2 for x in y}", "dicts and sets are not supported", 1),
        ("x[1:2, ::3]", "slices are not supported", 2),
        ("x[1:2](2)", "slices are not supported", 2),
        ("x[1, 2]", "slices are not supported", 2),
        ("f(x for x in y)", "comprehensions are not supported", 5),
        (
            "(x for a, b in y if a for c in d)",
            "comprehensions are not supported",
            4,
        ),
        ("f(x=1, *y)", "argument unpacking is not supported", 8),
        ("1 + 2 @ x", "the '@' operator is not supported", 7),
        ("None", "'None' is not supported", 1),
        ("1 + None", "'None' is not supported", 5),
        ("abs(b'a', ...)", "bytes literals are not supported", 5),
        ("abs('a', ...)", "'...' is not supported", 10),
        ("1 is 1", "the 'is' operator is not supported", 3),
        ("1 in x is 2", "the 'is' operator is not supported", 8),
        ("1 is not x", "the 'is' operator is not supported", 3),
        ("(1, *x)", "iterable unpacking is not supported", 5),
        ("(*x, 1)", "iterable unpacking is not supported", 2),
        ("[*x, 2]", "lists are not supported", 1),
        ("1 @ 2", "the '@' operator is not supported", 3),
        ("...", "'...' is not supported", 1),
    ];
    for (src, message, column) in cases {
        let e = parse(src, &Limits::default()).unwrap_err();
        assert_eq!(
            (e.kind(), e.message(), e.column()),
            (ErrorKind::Syntax, message, Some(column)),
            "{src}"
        );
    }
}

/// Generated with python3 3.11 (`SyntaxError.msg`, `.offset`) from
/// `eval(src)`. CPython reports offset 0 for errors at the end of the
/// input; there we report the column just past the end. `eval` strips
/// leading blanks before compiling; our columns count from the first
/// character as given.
const CPYTHON_SYNTAX_ERRORS: &[(&str, &str, usize)] = &[
    (
        "(x[0] = 1)",
        "cannot assign to subscript here. Maybe you meant '==' instead of '='?",
        2,
    ),
    (
        "(1, x[0] = 2)",
        "cannot assign to subscript here. Maybe you meant '==' instead of '='?",
        5,
    ),
    (
        "(1, 2 = 3)",
        "cannot assign to literal here. Maybe you meant '==' instead of '='?",
        5,
    ),
    ("((1,)[0] = 1)", "invalid syntax", 10),
    ("((1,) + 1 = 2)", "invalid syntax", 11),
    ("(() = 1)", "invalid syntax", 5),
    ("((1,2) = 3)", "invalid syntax", 8),
    ("((1, 2) := 3)", "cannot use assignment expressions with tuple", 2),
    ("(() := 1)", "cannot use assignment expressions with tuple", 2),
    ("(x[0] := 1)", "cannot use assignment expressions with subscript", 2),
    ("x[1 2]", "invalid syntax. Perhaps you forgot a comma?", 3),
    ("(1, 2 3)", "invalid syntax. Perhaps you forgot a comma?", 5),
    ("1, 2 3", "invalid syntax", 6),
    ("1,,", "invalid syntax", 3),
    ("x[]", "invalid syntax", 3),
    ("1__0", "invalid decimal literal", 2),
    ("1_", "invalid decimal literal", 2),
    ("012", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1),
    ("0x", "invalid hexadecimal literal", 2),
    ("0x_", "invalid hexadecimal literal", 3),
    ("0b102", "invalid digit '2' in binary literal", 5),
    ("0o8", "invalid digit '8' in octal literal", 3),
    ("1e", "invalid decimal literal", 1),
    ("1e+", "invalid decimal literal", 3),
    ("1_.5", "invalid decimal literal", 2),
    ("1._5", "invalid decimal literal", 2),
    ("1e_1", "invalid decimal literal", 1),
    ("1.5e3jj", "invalid imaginary literal", 6),
    ("0x1for", "invalid syntax", 0),
    ("1.__class__", "invalid decimal literal", 2),
    ("1 +", "invalid syntax", 0),
    ("(1", "'(' was never closed", 1),
    ("1)", "unmatched ')'", 2),
    ("1 ++", "invalid syntax", 0),
    ("1 2", "invalid syntax", 3),
    ("1 +* 2", "invalid syntax", 4),
    ("1\n2", "invalid syntax", 1),
    ("abs(,)", "invalid syntax", 5),
    ("abs(1,,)", "invalid syntax", 7),
    ("1 if 2", "expected 'else' after 'if' expression", 1),
    ("1 if 2 else", "invalid syntax", 0),
    ("not", "invalid syntax", 0),
    ("1 === 2", "invalid syntax", 5),
    ("1 ! 2", "invalid syntax", 3),
    ("$", "invalid syntax", 1),
    ("1 $ 2", "invalid syntax", 3),
    ("1 ; 2", "invalid syntax", 3),
    ("", "invalid syntax", 0),
    ("   ", "invalid syntax", 0),
    ("# c", "invalid syntax", 0),
    ("1 // / 2", "invalid syntax", 6),
    ("**2", "invalid syntax", 1),
    ("1 ** ** 2", "invalid syntax", 6),
    ("a b c", "invalid syntax", 3),
    ("0_7", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1),
    ("09", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1),
    ("1__0.5", "invalid decimal literal", 2),
    ("1.5_", "invalid decimal literal", 4),
    ("0xg", "invalid hexadecimal literal", 2),
    ("0b_", "invalid binary literal", 3),
    ("1.2.3", "invalid syntax", 4),
    ("1..2", "invalid syntax", 3),
    ("1e5.2", "invalid syntax", 4),
    ("..5", "invalid syntax", 1),
    ("if 1 else 2", "invalid syntax", 1),
    ("else", "invalid syntax", 1),
    ("1 else 2", "invalid syntax", 3),
    ("1 and", "invalid syntax", 0),
    ("or 1", "invalid syntax", 1),
    ("1 or or 2", "invalid syntax", 6),
    ("1 not 2", "invalid syntax", 7),
    ("1 not", "invalid syntax", 0),
    ("True False", "invalid syntax", 6),
    ("x y", "invalid syntax", 3),
    ("1.5 2", "invalid syntax", 5),
    ("f(1 if 2)", "expected 'else' after 'if' expression", 3),
    ("(1 if 2)", "expected 'else' after 'if' expression", 2),
    ("\t 1 +\t\t2 3", "invalid syntax", 8),
    ("1abc", "invalid decimal literal", 1),
    ("1_a", "invalid decimal literal", 2),
    ("1.5abc", "invalid decimal literal", 3),
    ("1jabc", "invalid imaginary literal", 2),
    ("1e5x", "invalid decimal literal", 3),
    ("0b1z", "invalid binary literal", 3),
    ("0o7a", "invalid octal literal", 3),
    ("0x1g", "invalid hexadecimal literal", 3),
    ("1else", "invalid syntax", 2),
    ("1__", "invalid decimal literal", 2),
    ("1e1__0", "invalid decimal literal", 4),
    ("0x__1", "invalid hexadecimal literal", 3),
    ("0x1_", "invalid hexadecimal literal", 4),
    ("0b1__1", "invalid binary literal", 4),
    ("0o", "invalid octal literal", 2),
    ("0o_", "invalid octal literal", 3),
    ("1.5e", "invalid decimal literal", 3),
    ("1.5e-", "invalid decimal literal", 5),
    ("1.5e-_1", "invalid decimal literal", 5),
    ("1.e", "invalid decimal literal", 2),
    ("1.ej", "invalid decimal literal", 2),
    ("1 1.", "invalid syntax", 3),
    ("1 if 1 else", "invalid syntax", 0),
    ("1 < ", "invalid syntax", 0),
    ("not not", "invalid syntax", 0),
    ("1 < > 2", "invalid syntax", 5),
    ("1 <= = 2", "invalid syntax", 6),
    ("( 1 +", "'(' was never closed", 1),
    ("(1 + )", "invalid syntax", 6),
    ("f(1,", "'(' was never closed", 2),
    ("f(", "'(' was never closed", 2),
    ("f)", "unmatched ')'", 2),
    ("1 2 3", "invalid syntax", 3),
    ("((((1)))", "'(' was never closed", 1),
    ("1 + (2 * 3", "'(' was never closed", 5),
    ("x +", "invalid syntax", 0),
    ("1 if 2 else 3 if 4", "expected 'else' after 'if' expression", 13),
    ("f(1)(", "'(' was never closed", 5),
    ("1e5e5", "invalid decimal literal", 3),
    ("1 + 2)", "unmatched ')'", 6),
    ("((1 + 2)", "'(' was never closed", 1),
    ("f(1 2)", "invalid syntax. Perhaps you forgot a comma?", 3),
    ("f(1,2", "'(' was never closed", 2),
    ("f(1 2 3)", "invalid syntax. Perhaps you forgot a comma?", 3),
    ("(1 if 1 else 2 3)", "invalid syntax. Perhaps you forgot a comma?", 14),
    ("(1 + (2) 3)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(1 ~2)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(1 not 2)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(1 -2 3)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("f(x 1)", "invalid syntax. Perhaps you forgot a comma?", 3),
    ("(1 if 2 else 3 4)", "invalid syntax. Perhaps you forgot a comma?", 14),
    ("(1 if 2 3)", "expected 'else' after 'if' expression", 2),
    ("(1 if 2:3)", "invalid syntax", 8),
    ("1 if 2:3", "invalid syntax", 7),
    ("(1 2", "'(' was never closed", 1),
    ("f(1 2", "'(' was never closed", 2),
    ("(1\n2)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("1 +\n2", "invalid syntax", 4),
    ("- - -", "invalid syntax", 0),
    ("1 \\", "unexpected character after line continuation character", 3),
    ("1\\ 2", "unexpected character after line continuation character", 3),
    ("１", "invalid character '１' (U+FF11)", 1),
    ("1 ＋ 2", "invalid character '＋' (U+FF0B)", 3),
    ("﻿1", "invalid non-printable character U+FEFF", 1),
    ("é é", "invalid syntax", 3),
    ("1 + 2 3 0x", "invalid hexadecimal literal", 10),
    ("(1 2 1__0)", "invalid decimal literal", 7),
    ("1 2)", "unmatched ')'", 4),
    ("(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", "too many nested parentheses", 201),
    ("abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(abs(1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", "too many nested parentheses", 804),
    ("1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1 + (1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", "too many nested parentheses", 1005),
    ("(1)\n)", "unmatched ')'", 1),
    ("1 if (2) else", "invalid syntax", 0),
    ("((1)\n", "'(' was never closed", 1),
    ("_.", "invalid syntax", 0),
    ("b0.._0", "invalid syntax", 4),
    ("848 . <<-1", "invalid syntax", 7),
    ("1j.", "invalid syntax", 0),
    ("( 1=/3) ** 26", "invalid syntax", 4),
    ("(*2)", "cannot use starred expression here", 2),
    ("(2*(*2))", "cannot use starred expression here", 5),
    ("(*2 + 1)", "cannot use starred expression here", 2),
    ("(**2)", "cannot use double starred expression here", 2),
    ("(* )", "invalid syntax", 4),
    ("(1 + *2)", "invalid syntax", 6),
    ("(-*2)", "invalid syntax", 3),
    ("1 + *2", "invalid syntax", 5),
    ("*2", "invalid syntax", 1),
    ("(*2", "'(' was never closed", 1),
    ("1j..j", "invalid syntax", 4),
    ("90 .% ", "invalid syntax", 5),
    ("(3**1101)\t/(2*(*2714+377)", "cannot use starred expression here", 16),
    ("f(8 =,5)", "expression cannot contain assignment, perhaps you meant \"==\"?", 3),
    ("f(8 = 5)", "expression cannot contain assignment, perhaps you meant \"==\"?", 3),
    ("f(x+1 = 5)", "expression cannot contain assignment, perhaps you meant \"==\"?", 3),
    ("(1 = 2)", "cannot assign to literal here. Maybe you meant '==' instead of '='?", 2),
    ("(x = 2)", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 2),
    ("(-~10 = 3)", "cannot assign to expression here. Maybe you meant '==' instead of '='?", 2),
    ("( 2 + 3 = 1)", "cannot assign to expression here. Maybe you meant '==' instead of '='?", 3),
    ("(abs(1) = 2)", "cannot assign to function call here. Maybe you meant '==' instead of '='?", 2),
    ("f(1, 8 = 2)", "expression cannot contain assignment, perhaps you meant \"==\"?", 6),
    ("(1 + 2 =)", "invalid syntax", 8),
    ("1 = 2", "invalid syntax", 3),
    ("(1 if 2 else 3 = 4)", "invalid syntax", 16),
    ("(1 < 2 = 3)", "invalid syntax", 8),
    ("(not 1 = 2)", "invalid syntax", 8),
    ("(True = 1)", "invalid syntax", 7),
    ("1 if (8>>> 5) else 2", "invalid syntax", 10),
    ("1 if (2) + * else 3", "expected 'else' after 'if' expression", 1),
    ("(1 (2 +) )", "invalid syntax", 8),
    ("(]", "closing parenthesis ']' does not match opening parenthesis '('", 2),
    ("]", "unmatched ']'", 1),
    ("1if]", "unmatched ']'", 4),
    ("(1 2 +", "'(' was never closed", 1),
    ("(1 2 +)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(1 2 3", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("2j *  not", "invalid syntax", 7),
    ("0x1forpi", "invalid hexadecimal literal", 4),
    ("1orabs", "invalid decimal literal", 1),
    ("is, 1.5\\ \\if", "invalid syntax", 1),
    ("$0x1for = None 1orabs 0 ]", "invalid decimal literal", 16),
    ("( 1 ]", "closing parenthesis ']' does not match opening parenthesis '('", 5),
    ("[1)", "closing parenthesis ')' does not match opening parenthesis '['", 3),
    ("{1)", "closing parenthesis ')' does not match opening parenthesis '{'", 3),
    ("(\n1 ]", "closing parenthesis ']' does not match opening parenthesis '(' on line 1", 3),
    ("(1 + None 2)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("None 1", "invalid syntax", 6),
    ("'a' 2", "invalid syntax", 5),
    ("1 + (2 ] 3", "closing parenthesis ']' does not match opening parenthesis '('", 8),
    ("1 )", "unmatched ')'", 3),
    ("1 2 )", "unmatched ')'", 5),
    ("1 2 0b2", "invalid digit '2' in binary literal", 7),
    ("1 not in", "invalid syntax", 0),
    ("(1 not 2", "'(' was never closed", 1),
    ("1ifx", "invalid syntax", 2),
    ("1 if 1 elsex 2", "expected 'else' after 'if' expression", 1),
    ("0x1fand 1", "invalid hexadecimal literal", 5),
    // Python syntax outside the language that CPython itself rejects:
    // its parser's messages, not "not supported".
    ("{1", "'{' was never closed", 1),
    ("x[", "'[' was never closed", 2),
    ("@", "invalid syntax", 1),
    ("f(x for x in y, 1)", "Generator expression must be parenthesized", 3),
    ("[1", "'[' was never closed", 1),
    ("x[1", "'[' was never closed", 2),
    ("1 if 2", "expected 'else' after 'if' expression", 1),
    ("1.real", "invalid decimal literal", 2),
    ("not", "invalid syntax", 0),
    ("1 +", "invalid syntax", 0),
    ("f(1 for x in y, 2)", "Generator expression must be parenthesized", 3),
    ("a @= 1", "invalid syntax", 3),
    ("@x", "invalid syntax", 1),
    ("x @", "invalid syntax", 0),
    ("f(x=1, 2)", "positional argument follows keyword argument", 9),
    ("f(**x, *y)", "iterable argument unpacking follows keyword argument unpacking", 8),
    ("1 if 2 else 3 if\nf(1, x for x in y)", "invalid syntax", 17),
    ("f(x for x in y, )", "Generator expression must be parenthesized", 3),
    ("f(x for x in y for z in w, 1)", "Generator expression must be parenthesized", 3),
    ("x for x in y", "invalid syntax", 3),
    ("(x for x in y, 1)", "invalid syntax", 14),
    ("[x for x in y, 1]", "invalid syntax", 14),
    ("f(1 for 1 in y)", "cannot assign to literal", 9),
    ("f(x for f() in y)", "cannot assign to function call", 9),
    ("f(x for x+1 in y)", "cannot assign to expression", 9),
    ("f(x for *a in y)", "starred assignment target must be in a list or tuple", 9),
    ("f(x for x in)", "invalid syntax", 13),
    ("f(x for x in y if)", "invalid syntax", 18),
    ("f(x for x)", "invalid syntax", 10),
    ("f(x for)", "invalid syntax", 8),
    ("f(x for x in y z)", "invalid syntax", 16),
    ("f(a=1, x for x in y)", "Generator expression must be parenthesized", 8),
    ("f(x for x in y, a=1)", "Generator expression must be parenthesized", 3),
    ("{1:", "'{' was never closed", 1),
    ("{1: 2", "'{' was never closed", 1),
    ("{1, 2", "'{' was never closed", 1),
    ("{1 2}", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("{1: 2, 3}", "':' expected after dictionary key", 8),
    ("{1, 2: 3}", "invalid syntax", 6),
    ("{**x, 1}", "':' expected after dictionary key", 7),
    ("x[1 2]", "invalid syntax. Perhaps you forgot a comma?", 3),
    ("x[]", "invalid syntax", 3),
    ("x[1] + 1 +", "invalid syntax", 0),
    ("{} + 1 +", "invalid syntax", 0),
    ("1 @ 2 +", "invalid syntax", 0),
    ("1 @ @ 2", "invalid syntax", 5),
    ("1 @@ 2", "invalid syntax", 4),
    ("(@)", "invalid syntax", 2),
    ("f(@)", "invalid syntax", 3),
    ("@ + 1", "invalid syntax", 1),
    ("1 +@ 2", "invalid syntax", 4),
    ("{1 +", "'{' was never closed", 1),
    ("{1)", "closing parenthesis ')' does not match opening parenthesis '{'", 3),
    ("x[1)", "closing parenthesis ')' does not match opening parenthesis '['", 4),
    ("{1: 2]", "closing parenthesis ']' does not match opening parenthesis '{'", 6),
    ("f(x for 'a' in y)", "cannot assign to literal", 9),
    ("f(x for None in y)", "cannot assign to None", 9),
    ("f(x for True in y)", "cannot assign to True", 9),
    ("f(x for ... in y)", "cannot assign to ellipsis", 9),
    ("f(x for -a in y)", "cannot assign to expression", 9),
    ("f(x for a, 1 in y)", "cannot assign to literal", 12),
    ("[*x for x in y]", "iterable unpacking cannot be used in comprehension", 2),
    ("{*x for x in y}", "iterable unpacking cannot be used in comprehension", 2),
    ("{**x for x in y}", "dict unpacking cannot be used in dict comprehension", 2),
    ("(*x for x in y)", "iterable unpacking cannot be used in comprehension", 2),
    ("f(*x for x in y)", "iterable unpacking cannot be used in comprehension", 3),
    ("{1:}", "expression expected after dictionary key and ':'", 3),
    ("{1: 2, 3:}", "expression expected after dictionary key and ':'", 9),
    ("{1: *x}", "cannot use a starred expression in a dictionary value", 5),
    ("{1: **x}", "invalid syntax", 5),
    ("{1, **x}", "invalid syntax", 5),
    ("{:1}", "invalid syntax", 2),
    ("{1:2:3}", "invalid syntax", 5),
    ("{1 for x in y, 2}", "invalid syntax", 14),
    ("{1: 2 for x in y, 3: 4}", "invalid syntax", 17),
    ("x[1 for x in y]", "invalid syntax", 5),
    ("x[x for x in y, 1]", "invalid syntax", 5),
    ("x[1:2 for x in y]", "invalid syntax", 7),
    ("x[**y]", "invalid syntax", 3),
    ("x[1:2:3:4]", "invalid syntax", 8),
    ("x[,]", "invalid syntax", 3),
    ("x[1 if]", "invalid syntax", 7),
    ("[,]", "invalid syntax", 2),
    ("[1,,]", "invalid syntax", 4),
    ("{,}", "invalid syntax", 2),
    ("{1: 2 if 3}", "expected 'else' after 'if' expression", 5),
    ("f(x for x in lambda: 1)", "invalid syntax", 14),
    ("f(x for x in 1 if 2 else 3)", "invalid syntax", 21),
    ("f(x for x in *a)", "invalid syntax", 14),
    ("f(x for x in y for)", "invalid syntax", 19),
    ("f(x=1, 2, 3)", "positional argument follows keyword argument", 12),
    ("f(x=1, 2,)", "positional argument follows keyword argument", 10),
    ("f(x=1, 2 + 3)", "positional argument follows keyword argument", 13),
    ("f(**x, 2)", "positional argument follows keyword argument unpacking", 9),
    ("f(**x, 1, *y)", "positional argument follows keyword argument unpacking", 13),
    ("f(**x, y=1, *z)", "iterable argument unpacking follows keyword argument unpacking", 13),
    ("f(x=1, **y, 2)", "positional argument follows keyword argument unpacking", 14),
    ("f(x=1, 2) + 1 +", "positional argument follows keyword argument", 9),
    ("f(x=1, 2 3)", "invalid syntax. Perhaps you forgot a comma?", 8),
    ("f(**x, *y, 1 +)", "iterable argument unpacking follows keyword argument unpacking", 8),
    ("lambda:", "invalid syntax", 0),
    ("lambda x", "invalid syntax", 0),
    ("1 + lambda: 1", "invalid syntax", 5),
    ("lambda 1: 2", "invalid syntax", 8),
    ("lambda x=: 1", "invalid syntax", 10),
    ("lambda /: 1", "invalid syntax", 8),
    ("lambda *: 1", "named arguments must follow bare *", 9),
    ("lambda **k, a: 1", "arguments cannot follow var-keyword argument", 13),
    ("lambda (x): 1", "Lambda expression parameters cannot be parenthesized", 8),
    ("not lambda: 1", "invalid syntax", 5),
    ("f(True=1)", "cannot assign to True", 3),
    ("f(False=)", "cannot assign to False", 3),
    ("f(None=1)", "cannot assign to None", 3),
    ("f(x.y=1)", "expression cannot contain assignment, perhaps you meant \"==\"?", 3),
    ("int(True, False=)", "cannot assign to False", 11),
    ("_{1.", "'{' was never closed", 2),
    ("1 {2}", "invalid syntax", 3),
    ("(1 {2})", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(2 lambda: 1)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("1 lambda: 2", "invalid syntax", 3),
    ("log2 {(3.5)", "'{' was never closed", 6),
    ("(not x = 1)", "invalid syntax", 8),
    ("(a and b = 1)", "invalid syntax", 10),
    ("f(x for (not a) in y)", "cannot assign to expression", 10),
    ("f(x for a and b in y)", "cannot assign to expression", 9),
    ("f(x for (a if b else c) in y)", "cannot assign to conditional expression", 10),
    ("f(x for *(not a) in y)", "cannot assign to expression", 11),
    ("f(x for *a + 1 in y)", "cannot assign to expression", 10),
    ("1 'a'", "invalid syntax", 3),
    ("1 ...", "invalid syntax", 3),
    ("(1 'a')", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(1 ...)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(x 'a')", "invalid syntax", 4),
    ("x 'a'", "invalid syntax", 3),
    ("(1 None)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("1 None", "invalid syntax", 3),
    ("(x ...)", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("(1 'a' 'b')", "invalid syntax. Perhaps you forgot a comma?", 2),
    ("o... +", "invalid syntax", 2),
    ("9....", "invalid syntax", 3),
    ("x ...99-", "invalid syntax", 3),
    ("f(x for -1 < 2 in y)", "invalid syntax", 9),
    ("f(x for -1 < 2)", "invalid syntax", 9),
    ("f(x for a < b in y)", "invalid syntax", 11),
    ("f(x for 1 + 2 < 3 in y)", "invalid syntax", 11),
    ("f(x for 1 < 2 < 3)", "invalid syntax", 11),
    ("f(x for (2, 1) + (3))", "cannot assign to expression", 9),
    ("f(x for -1 in y)", "cannot assign to expression", 9),
    ("( 5>>29 ) % ( 1948_585 if\t(e -) else -0j)", "invalid syntax", 31),
    ("2 if (2.4703282292062327e-324/ ) else\t2147483648", "invalid syntax", 32),
    ("1 if [a -] else 2", "invalid syntax", 10),
    ("(1 if (a) ) else 2)", "unmatched ')'", 19),
];

#[test]
fn syntax_errors_match_cpython() {
    let mut wrong = Vec::new();
    for &(src, message, offset) in CPYTHON_SYNTAX_ERRORS {
        let column = if offset == 0 {
            let last_line = src.rsplit(['\n', '\r']).next().unwrap_or("");
            last_line.chars().count() + 1
        } else if src.contains(['\n', '\r']) {
            offset
        } else {
            // `eval` strips leading blanks; we count from the first character.
            offset + src.len() - src.trim_start_matches([' ', '\t']).len()
        };
        match parse(src, &Limits::default()) {
            Err(e)
                if e.kind() == ErrorKind::Syntax
                    && e.message() == message
                    && e.column() == Some(column) => {}
            Err(e) => wrong.push(format!(
                "{src:?}: got {:?}@{:?} want {message:?}@{column}",
                e.message(),
                e.column()
            )),
            Ok(_) => wrong.push(format!("{src:?}: parsed, want {message:?}@{column}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        CPYTHON_SYNTAX_ERRORS.len(),
        wrong.join("\n")
    );
}

#[test]
fn syntax_errors_have_cpythons_line_and_column() {
    // compile(src, "", "eval") in python3 3.11: (lineno, offset).
    let cases = [
        ("1 +* 2", 1, 4),
        ("(1 +\n 2 +* 3)", 2, 5),
        ("(1 +\r\n 2 +* 3)", 2, 5),
        ("(1 +\r 2 +* 3)", 2, 5),
        ("(1,\n\n 2 $)", 3, 4),
    ];
    for (src, line, column) in cases {
        let e = crate::Expr::parse(src).unwrap_err();
        assert_eq!(
            (e.line(), e.column()),
            (Some(line), Some(column)),
            "{src:?}"
        );
    }
    assert_eq!(crate::eval("1/0").unwrap_err().line(), None);
    assert_eq!(crate::eval("1/0").unwrap_err().column(), None);
}

/// The tokenizer's errors for non-ASCII text, indentation, line
/// continuations: `compile(src, "", "eval")` in python3 3.11 gave each
/// row's class, message, line and column.
const CPYTHON_TOKENIZER_ERRORS: &[(&str, &str, &str, usize, usize)] = &[
    ("\u{ff4e}\u{ff4f}\u{ff54} 1", "SyntaxError", "invalid syntax", 1, 5),
    ("x²", "SyntaxError", "invalid character '²' (U+00B2)", 1, 2),
    ("²", "SyntaxError", "invalid character '²' (U+00B2)", 1, 1),
    ("\u{301}x", "SyntaxError", "invalid character '\u{301}' (U+0301)", 1, 1),
    ("1\u{a0}", "SyntaxError", "invalid non-printable character U+00A0", 1, 2),
    ("1²", "SyntaxError", "invalid character '²' (U+00B2)", 1, 2),
    ("1é", "SyntaxError", "invalid syntax", 1, 2),
    ("1\u{ff50}", "SyntaxError", "invalid syntax", 1, 2),
    ("1€", "SyntaxError", "invalid character '€' (U+20AC)", 1, 2),
    ("1.5²", "SyntaxError", "invalid character '²' (U+00B2)", 1, 4),
    ("0x1²", "SyntaxError", "invalid character '²' (U+00B2)", 1, 4),
    ("1j²", "SyntaxError", "invalid character '²' (U+00B2)", 1, 3),
    ("1_²", "SyntaxError", "invalid decimal literal", 1, 2),
    ("1e²", "SyntaxError", "invalid decimal literal", 1, 1),
    ("1\u{301}", "SyntaxError", "invalid character '\u{301}' (U+0301)", 1, 2),
    ("\u{c} 1", "IndentationError", "unexpected indent", 1, 2),
    ("\r 1", "IndentationError", "unexpected indent", 2, 1),
    ("1\\", "SyntaxError", "unexpected character after line continuation character", 1, 2),
    ("1 \\", "SyntaxError", "unexpected character after line continuation character", 1, 3),
    ("1\\\n", "SyntaxError", "unexpected EOF while parsing", 1, 3),
    ("(1\\", "SyntaxError", "unexpected character after line continuation character", 1, 3),
    ("1+\\", "SyntaxError", "unexpected character after line continuation character", 1, 3),
    ("·", "SyntaxError", "invalid character '·' (U+00B7)", 1, 1),
    ("x・y", "SyntaxError", "invalid character '・' (U+30FB)", 1, 2),
    ("x\u{ff65}", "SyntaxError", "invalid character '\u{ff65}' (U+FF65)", 1, 2),
    ("x\u{200d}", "SyntaxError", "invalid non-printable character U+200D", 1, 2),
    ("é€", "SyntaxError", "invalid character '€' (U+20AC)", 1, 2),
    ("1 + a\u{a0}b", "SyntaxError", "invalid non-printable character U+00A0", 1, 6),
    ("1eé", "SyntaxError", "invalid decimal literal", 1, 1),
    ("1e+é", "SyntaxError", "invalid decimal literal", 1, 3),
    ("0xé", "SyntaxError", "invalid hexadecimal literal", 1, 2),
    ("0é", "SyntaxError", "invalid syntax", 1, 2),
    ("01é", "SyntaxError", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1, 1),
    ("1ifé", "SyntaxError", "invalid syntax", 1, 2),
    ("1é2", "SyntaxError", "invalid syntax", 1, 2),
    ("1é)", "SyntaxError", "unmatched ')'", 1, 3),
    ("1é(", "SyntaxError", "'(' was never closed", 1, 3),
    ("\u{c} 1\\", "IndentationError", "unexpected indent", 1, 2),
    ("\\\n 1", "IndentationError", "unexpected indent", 2, 1),
    ("\u{c} \\\n 1", "IndentationError", "unexpected indent", 2, 1),
    ("1 \\\n", "SyntaxError", "unexpected EOF while parsing", 1, 4),
    ("1+\\\n2+\\\n", "SyntaxError", "unexpected EOF while parsing", 2, 4),
    ("é+\\\n", "SyntaxError", "unexpected EOF while parsing", 1, 4),
    ("(1 \\\n", "SyntaxError", "'(' was never closed", 1, 1),
    ("1 2 \\\n", "SyntaxError", "unexpected EOF while parsing", 1, 6),
    ("1 2 3 \\\n", "SyntaxError", "invalid syntax", 1, 3),
    ("1 $ \\\n", "SyntaxError", "invalid syntax", 1, 3),
    ("1 if \\\n", "SyntaxError", "unexpected EOF while parsing", 1, 7),
    ("\\\n", "SyntaxError", "unexpected EOF while parsing", 1, 2),
    ("\\\n\\\n", "SyntaxError", "unexpected EOF while parsing", 2, 2),
    ("1\n  ", "IndentationError", "unexpected indent", 2, 2),
    ("1\n#c\n 2", "IndentationError", "unexpected indent", 3, 1),
    ("1 2\n 3", "SyntaxError", "invalid syntax", 1, 3),
    ("1 +\n 2", "SyntaxError", "invalid syntax", 1, 4),
    ("1\n 2 +", "IndentationError", "unexpected indent", 2, 1),
    ("1,\n 2", "IndentationError", "unexpected indent", 2, 1),
    ("1 +\n 2 é€", "SyntaxError", "invalid character '€' (U+20AC)", 2, 5),
    ("\u{c} ", "IndentationError", "unexpected indent", 1, 2),
    ("\r ", "IndentationError", "unexpected indent", 2, 1),
    ("1 \\\r", "SyntaxError", "unexpected EOF while parsing", 1, 4),
    ("1 \\\r\n", "SyntaxError", "unexpected EOF while parsing", 1, 4),
    ("\u{c}\t1", "IndentationError", "unexpected indent", 1, 2),
    ("abs(1 é)", "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 5),
    ("1\u{378}", "SyntaxError", "invalid non-printable character U+0378", 1, 2),
    ("\u{feff}1", "SyntaxError", "invalid non-printable character U+FEFF", 1, 1),
    ("1 if 1 elseé 2", "SyntaxError", "expected 'else' after 'if' expression", 1, 1),
];

#[test]
fn tokenizer_errors_match_cpython() {
    let mut wrong = Vec::new();
    for &(src, class, message, line, column) in CPYTHON_TOKENIZER_ERRORS {
        let want = format!("{class}: {message} at {line}:{column}");
        let got = match parse(src, &Limits::default()) {
            Err(e) => format!(
                "{}: {} at {}:{}",
                e.class(),
                e.message(),
                e.line().unwrap_or(0),
                e.column().unwrap_or(0)
            ),
            Ok(_) => "parsed".to_string(),
        };
        if got != want {
            wrong.push(format!("{src:?}: got {got}, want {want}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        CPYTHON_TOKENIZER_ERRORS.len(),
        wrong.join("\n")
    );
}

/// A NUL anywhere, in a comment too, is refused before tokenizing, with no
/// line and column 0 (CPython reports none).
#[test]
fn a_nul_anywhere_is_refused_first() {
    for src in [
        "\0",
        "1\0",
        "1 # \0",
        "\u{c} 1 \0",
        "(1\0",
        "1 +* 2\0",
        "é€\0",
    ] {
        let e = parse(src, &Limits::default()).unwrap_err();
        assert_eq!(
            (e.class(), e.message(), e.line(), e.column()),
            (
                "SyntaxError",
                "source code string cannot contain null bytes",
                None,
                Some(0)
            ),
            "{src:?}"
        );
    }
}

/// Names are NFKC-normalized as CPython's parser does; keywords are
/// recognized before that, so `ｉｆ` is the name `if`, and `Ｔｒｕｅ` is the
/// name `True`, bound to `True`.
#[test]
fn names_are_normalized() {
    assert_eq!(sx("ｐｉ"), "pi");
    assert_eq!(sx("𝐩𝐢 + ℌ"), "(+ pi H)");
    assert_eq!(sx("ﬁ"), "fi");
    assert_eq!(sx("e\u{301}"), "\u{e9}");
    assert_eq!(sx("ｉｆ"), "if");
    assert_eq!(sx("Ｔｒｕｅ"), "True");
    assert_eq!(sx("x\u{b7}y"), "x\u{b7}y");
    assert_eq!(sx("\u{2118}\u{212e}"), "\u{2118}\u{212e}");
    assert_eq!(sx("x\u{300}"), "x\u{300}");
    assert_eq!(sx("ª"), "a");
}

/// A name that normalizes to a keyword prints so that it parses back to
/// the same name.
#[test]
fn names_that_normalize_to_keywords_print_back() {
    for (src, printed) in [
        ("ｉｆ + 1", "ｉf + 1"),
        ("ｎｏｔ", "ｎot"),
        ("Ｎｏｎｅ", "Ｎone"),
        ("ｌａｍｂｄａ(2)", "ｌambda(2)"),
        ("ｐｉ", "pi"),
        ("Ｔｒｕｅ", "Ｔrue"),
    ] {
        let e = crate::Expr::parse(src).unwrap();
        assert_eq!(e.to_string(), printed, "{src:?}");
        assert_eq!(crate::Expr::parse(printed).unwrap(), e, "{src:?}");
    }
}
