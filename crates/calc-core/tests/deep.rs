//! The worst inputs of at most 64 KiB for every kind of nesting: each is
//! parsed and evaluated on a thread with a 2 MiB stack (run the tests in a
//! debug build, where frames are largest), and in a release build none may
//! take more than 100 ms.
//!
//! `cargo test -p calc-core --test deep` checks the stack;
//! `cargo test -p calc-core --release --test deep -- --nocapture` also
//! checks and prints the times.

use std::time::{Duration, Instant};

use calc_core::{eval, ErrorKind};

const MAX: usize = 64 * 1024;

/// `head` repeated as often as fits in 64 KiB around `middle` and `tail`
/// repeated as often, or `n` times.
fn nest(head: &str, middle: &str, tail: &str, n: Option<usize>) -> String {
    let n = n.unwrap_or((MAX - middle.len()) / (head.len() + tail.len()));
    let s = format!("{}{}{}", head.repeat(n), middle, tail.repeat(n));
    assert!(s.len() <= MAX, "{} bytes", s.len());
    s
}

/// What an input must give: a repr, or an error class.
enum Want {
    Repr(&'static str),
    Error(ErrorKind),
}

fn cases() -> Vec<(&'static str, String, Want)> {
    use ErrorKind::*;
    use Want::*;
    vec![
        ("parens 200", nest("(", "1", ")", Some(200)), Repr("1")),
        ("parens 64K", nest("(", "1", ")", None), Error(Syntax)),
        ("open parens 64K", "(".repeat(MAX), Error(Syntax)),
        ("close parens 64K", ")".repeat(MAX), Error(Syntax)),
        ("calls 200", nest("abs(", "-1", ")", Some(200)), Repr("1")),
        ("calls 64K", nest("abs(", "-1", ")", None), Error(Syntax)),
        ("unary 999", format!("{}1", "-".repeat(999)), Repr("-1")),
        (
            "unary 64K",
            format!("{}1", "-".repeat(MAX - 1)),
            Error(Limit),
        ),
        (
            "mixed unary 64K",
            format!("{}1", "-~+".repeat((MAX - 1) / 3)),
            Error(Limit),
        ),
        (
            "not 64K",
            format!("{}1", "not ".repeat((MAX - 1) / 4)),
            Repr("False"),
        ),
        (
            "power tower 999",
            format!("{}1", "1**".repeat(999)),
            Repr("1"),
        ),
        (
            "power tower 64K",
            format!("{}1", "1**".repeat((MAX - 1) / 3)),
            Error(Limit),
        ),
        (
            "negative tower 499",
            format!("{}2", "2**-".repeat(499)),
            Repr("0.641185744504986"),
        ),
        (
            "negative tower 64K",
            format!("{}2", "2**-".repeat((MAX - 1) / 4)),
            Error(Limit),
        ),
        (
            "sum 64K",
            format!("{}1", "1+".repeat((MAX - 1) / 2)),
            Repr("32768"),
        ),
        (
            "mixed chain 64K",
            format!("{}1", "1-2*3+".repeat((MAX - 1) / 6)),
            Repr("-54609"),
        ),
        (
            "shift chain 64K",
            format!("1{}", "<<0>>0".repeat((MAX - 1) / 6)),
            Repr("1"),
        ),
        (
            "compare chain 64K",
            format!("{}1", "1<=".repeat((MAX - 1) / 3)),
            Repr("True"),
        ),
        (
            "or chain 64K",
            format!("{}1", "0 or ".repeat((MAX - 1) / 5)),
            Repr("1"),
        ),
        (
            "and chain 64K",
            format!("{}0", "1 and ".repeat((MAX - 1) / 6)),
            Repr("0"),
        ),
        (
            "else chain 999",
            format!("{}1", "0 if 0 else ".repeat(999)),
            Repr("1"),
        ),
        (
            "else chain 64K",
            format!("{}1", "0 if 0 else ".repeat((MAX - 1) / 12)),
            Error(Limit),
        ),
        (
            "attributes 150",
            format!("abs{}", ".x".repeat(150)),
            Error(Attribute),
        ),
        (
            "attributes 64K",
            format!("(1){}", ".x".repeat((MAX - 3) / 2)),
            Error(Limit),
        ),
        (
            "parens around unary",
            format!("{}{}1{}", "(".repeat(200), "-".repeat(780), ")".repeat(200)),
            Repr("1"),
        ),
        (
            "unary in parens",
            nest("-(", "1", ")", Some(200)),
            Repr("1"),
        ),
        (
            "not in parens",
            nest("not (", "1", ")", Some(200)),
            Repr("True"),
        ),
        (
            "pow in parens",
            nest("1**(", "0", ")", Some(200)),
            Repr("1"),
        ),
        (
            "else in parens",
            nest("0 if 0 else (", "1", ")", Some(200)),
            Repr("1"),
        ),
        (
            "chain in parens",
            nest("1+(", "1", ")", Some(200)),
            Repr("201"),
        ),
        (
            "calls around a tower",
            nest("abs(", &format!("{}1", "-1**".repeat(390)), ")", Some(200)),
            Repr("1.0"),
        ),
        (
            "names 64K",
            format!("{}0", "x+".repeat((MAX - 1) / 2)),
            Error(Name),
        ),
        (
            "distinct names 64K",
            (0..MAX / 8)
                .map(|i| format!("a{i:05}"))
                .collect::<Vec<_>>()
                .join("+"),
            Error(Name),
        ),
        ("long int literal", "9".repeat(4300), Repr("")),
        ("too long int literal", "9".repeat(4301), Error(Syntax)),
        (
            "hex literal 64K",
            format!("0x{}", "f".repeat(MAX - 2)),
            Repr(""),
        ),
        (
            "float literal 64K",
            format!("{}.5", "1".repeat(MAX - 2)),
            Repr("inf"),
        ),
        (
            "comment 64K",
            format!("1#{}", "(".repeat(MAX - 2)),
            Repr("1"),
        ),
        ("too long", " ".repeat(MAX + 1), Error(Limit)),
        (
            "unclosed string 64K",
            format!("'{}", "1__".repeat((MAX - 1) / 3)),
            Error(Syntax),
        ),
        (
            "errors everywhere 64K",
            "1 2 ".repeat(MAX / 4),
            Error(Syntax),
        ),
        // An operand missing its comma at every level, each after a long
        // run: every level's error rule looks back at the brackets open
        // where the parse stopped, which must not cost a pass over the
        // input each.
        (
            "missing commas in nested brackets 64K",
            {
                let level = format!("({}1 2(", "1+".repeat(350));
                let n = (MAX - 8) / level.len();
                format!("{}1 2 :{}", level.repeat(n), "))".repeat(n))
            },
            Error(Syntax),
        ),
        (
            "unclosed after calls",
            format!("{}(", "()".repeat(500)),
            Error(Syntax),
        ),
        (
            "calls of calls 64K",
            format!("abs{}", "(1)".repeat((MAX - 3) / 3)),
            Error(Limit),
        ),
        (
            "keyword calls 200",
            nest("round(number=", "1", ")", Some(200)),
            Repr("1"),
        ),
        (
            "keyword calls 64K",
            nest("round(number=", "1", ")", None),
            Error(Syntax),
        ),
        (
            "distinct keywords 64K",
            format!(
                "round({})",
                (0..(MAX - 7) / 9)
                    .map(|i| format!("k{i:05}=1"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Error(Type),
        ),
        (
            "repeated keywords 64K",
            format!("round({})", "k=1,".repeat((MAX - 7) / 4)),
            Error(Syntax),
        ),
        (
            "tuple 64K",
            format!("({})", "1,".repeat((MAX - 2) / 2)),
            Repr(""),
        ),
        ("bare tuple 64K", "1,".repeat(MAX / 2), Repr("")),
        (
            "nested tuples 199",
            nest("(1, ", "1", ")", Some(199)),
            Repr(""),
        ),
        (
            "nested tuples 64K",
            nest("(1,", "1", ")", None),
            Error(Syntax),
        ),
        ("open tuples 64K", "(1,".repeat(MAX / 3), Error(Syntax)),
        (
            "tuple repetitions 64K",
            format!("(1,){}", "*2".repeat((MAX - 4) / 2)),
            Error(Limit),
        ),
        (
            "tuple repetition chains 64K",
            format!("(1,){}", "*(1,)".repeat((MAX - 4) / 5)),
            Error(Type),
        ),
        (
            "tuple concatenations 64K",
            format!("(){}", "+(1,)".repeat((MAX - 2) / 5)),
            // Each `+` copies the tuple so far: quadratic work.
            Error(Limit),
        ),
        (
            "doubling a tuple 64K",
            format!(
                "(t := (1,)*1000){}",
                " and (t := t + t)".repeat((MAX - 16) / 17)
            ),
            Error(Limit),
        ),
        (
            "sharing a tuple 64K",
            format!("(t := (1,)*1000) and ({})", "t,".repeat((MAX - 24) / 2)),
            Error(Limit),
        ),
        (
            "deepening a tuple 64K",
            format!(
                "(t := ()) or {}t",
                "(t := (t,)) and ".repeat((MAX - 16) / 17)
            ),
            Error(Limit),
        ),
        (
            "a tuple 999 deep",
            format!(
                "(t := ()) or {}t == (t[0],) and t",
                "(t := (t,)) and ".repeat(999)
            ),
            Repr(""),
        ),
        (
            "indexing a tuple 64K",
            format!(
                "(t := (1,)*10000) and {}0",
                "t[".repeat(MAX / 3) + &"]".repeat(0)
            ),
            Error(Syntax),
        ),
        (
            "many indexes 64K",
            format!(
                "(t := (1,)*100) and t[0]{}",
                "+t[-1]".repeat((MAX - 30) / 6)
            ),
            Repr(""),
        ),
        (
            "membership 64K",
            format!(
                "(t := (1,)*100000) and 0{}",
                "+(0 in t)".repeat((MAX - 30) / 9)
            ),
            Error(Limit),
        ),
        (
            "sums 64K",
            format!(
                "(t := (1.5,)*100000) and 0{}",
                "+sum(t)".repeat((MAX - 40) / 7)
            ),
            Error(Limit),
        ),
        (
            "list 64K",
            format!("[{}]", "1,".repeat((MAX - 2) / 2)),
            Error(Syntax),
        ),
        // Python syntax outside the language, parsed on for CPython's
        // errors: `lambda` is the one construct that nests without a
        // bracket.
        (
            "lambda 64K",
            format!("{}1", "lambda: ".repeat((MAX - 1) / 8)),
            Error(Limit),
        ),
        (
            "lambda 200",
            format!("{}1", "lambda: ".repeat(200)),
            Error(Syntax),
        ),
        (
            "lambda defaults 200",
            nest("lambda x=", "1", ": 1", Some(200)),
            Error(Syntax),
        ),
        (
            "lambdas around parens",
            format!(
                "{}{}",
                "lambda: ".repeat(200),
                nest("(", &format!("{}1", "-".repeat(700)), ")", Some(199))
            ),
            Error(Syntax),
        ),
        (
            "else lambda 64K",
            format!("{}1", "1 if 1 else lambda: ".repeat((MAX - 1) / 20)),
            Error(Limit),
        ),
        (
            "lambdas in parens 199",
            nest("(lambda x=", "1", ": 1)", Some(199)),
            Error(Syntax),
        ),
        (
            "dicts 199",
            nest("{1: ", "1", "}", Some(199)),
            Error(Syntax),
        ),
        (
            "subscripts 199",
            nest("(0,)[", "0", "]", Some(199)),
            Repr("0"),
        ),
        (
            "slices 199",
            nest("x[", "1:", "]", Some(199)),
            Error(Syntax),
        ),
        (
            "generators 199",
            nest("f(x for x in ", "1", ")", Some(199)),
            Error(Syntax),
        ),
        (
            "comprehension conditions 64K",
            format!("f(x for x in y {})", "if 1 ".repeat((MAX - 20) / 5)),
            Error(Syntax),
        ),
        (
            "nested assignments 200",
            nest("(a := ", "1", ")", Some(199)),
            Repr("1"),
        ),
        (
            "assignments of distinct names 64K",
            (0..MAX / 16)
                .map(|i| format!("(n{i} := {i})"))
                .collect::<Vec<_>>()
                .join("+"),
            Error(Limit),
        ),
        (
            "assignments of one name 64K",
            format!("(a := 1){}", "+(a := a)".repeat((MAX - 8) / 9)),
            Repr(""),
        ),
        (
            "string literal 64K",
            format!("'{}'", "a".repeat(MAX - 2)),
            Repr(""),
        ),
        (
            "escapes 64K",
            format!("'{}'", "\\x41".repeat((MAX - 2) / 4)),
            Repr(""),
        ),
        (
            "named escapes 64K",
            format!("'{}'", "\\N{LATIN SMALL LETTER A}".repeat((MAX - 2) / 24)),
            Repr(""),
        ),
        (
            "unterminated string 64K",
            format!("'{}", "a".repeat(MAX - 1)),
            Error(Syntax),
        ),
        (
            "implicit concatenation of 30,000 literals",
            "''".repeat(30_000),
            Repr("''"),
        ),
        (
            "implicit concatenation 64K",
            "'a'".repeat(MAX / 3),
            Repr(""),
        ),
        (
            "concatenation chain 8,000",
            format!("'a'{}", "+'a'".repeat(8_000)),
            Repr(""),
        ),
        // A run of `+` grows one string, as CPython's in-place append.
        (
            "concatenation chain 64K",
            format!("'a'{}", "+'a'".repeat((MAX - 3) / 4)),
            Repr(""),
        ),
        (
            "concatenation chain of strings and ints 64K",
            format!("'a'{}", "+'a'+'a'*1".repeat((MAX - 3) / 10)),
            Repr(""),
        ),
        (
            "repetition chain 64K",
            format!("'a'{}", "*9".repeat((MAX - 3) / 2)),
            Error(Limit),
        ),
        (
            "repetition by ones 64K",
            format!("'ab'{}", "*1".repeat((MAX - 4) / 2)),
            Repr("'ab'"),
        ),
        ("repetition by 10**9", "'a'*10**9".to_string(), Error(Limit)),
        (
            "repetitions summed 64K",
            format!("''{}", "+'a'*999999".repeat((MAX - 2) / 11)),
            Error(Limit),
        ),
        (
            "string comparisons 64K",
            format!("'a'{}", "<='a'".repeat((MAX - 3) / 5)),
            Repr("True"),
        ),
        (
            "substring searches 64K",
            format!("'{}' in 'b'*999999", "ab".repeat((MAX - 20) / 2)),
            Repr("False"),
        ),
        (
            "int of a long string",
            format!("int('{}')", "1".repeat(MAX - 7)),
            Error(Value),
        ),
        (
            "float of a long string",
            format!("float('{}')", "1".repeat(MAX - 9)),
            Repr("inf"),
        ),
        (
            "complex of a long string",
            format!("complex('{}j')", "1".repeat(MAX - 12)),
            Repr("infj"),
        ),
        (
            "hex of big ints 64K",
            format!(
                "hex(2**1048575){}",
                "+hex(2**1048575)".repeat((MAX - 15) / 16)
            ),
            Error(Limit),
        ),
    ]
}

fn check(name: &str, src: &str, want: &Want) -> Duration {
    let start = Instant::now();
    let got = eval(src);
    let took = start.elapsed();
    match (want, &got) {
        // An empty expected repr: only success is checked (the value is long).
        (Want::Repr(""), Ok(_)) => {}
        (Want::Repr(r), Ok(v)) => assert_eq!(v.to_string(), *r, "{name}"),
        (Want::Error(kind), Err(e)) => assert_eq!(e.kind(), *kind, "{name}: {e}"),
        _ => panic!("{name}: got {got:?}"),
    }
    took
}

#[test]
fn worst_inputs_fit_a_2_mib_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut slowest = (Duration::ZERO, "");
            for (name, src, want) in cases() {
                let took = check(name, &src, &want);
                println!("{took:>12?}  {name} ({} bytes)", src.len());
                if took > slowest.0 {
                    slowest = (took, name);
                }
                if !cfg!(debug_assertions) {
                    assert!(took < Duration::from_millis(100), "{name} took {took:?}");
                }
            }
            println!("slowest: {} in {:?}", slowest.1, slowest.0);
        })
        .expect("spawn");
    worker
        .join()
        .expect("a case failed or overflowed the stack");
}
