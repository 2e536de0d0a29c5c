//! Assignment expressions and namespaces that evaluations write into,
//! against CPython 3.11's answers (`eval(text, ns)` with one `ns` per
//! sequence, the names shown after each step).

use calc_core::{eval_in, Env, Expr, Limits};

/// `text`'s answer in `env`: the repr, or `!Class: message`.
fn answer(env: &mut Env, text: &str) -> String {
    match eval_in(env, text) {
        Ok(v) => v.to_string(),
        Err(e) => format!("!{e}"),
    }
}

/// The names of `env` and their values, as `a=1 b=2`.
fn names(env: &Env) -> String {
    env.iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn single_requests_match_cpython() {
    // python3 3.11: eval(text, NS) with a fresh NS; then the names bound.
    let cases = [
        ("(x := 1)", "1", "x=1"),
        ("(x := 1) + x", "2", "x=1"),
        ("abs(y := -2)", "2", "y=-2"),
        ("abs((y := -2))", "2", "y=-2"),
        ("(abs := 5)", "5", "abs=5"),
        ("(abs := 5) + abs", "10", "abs=5"),
        ("(x := (y := 2))", "2", "y=2 x=2"),
        ("(x := 1) + (x := x + 1) + x", "5", "x=2"),
        ("(x := 1 if 0 else 2)", "2", "x=2"),
        ("(x := not 1)", "False", "x=False"),
        ("(x := -1) ** 2", "1", "x=-1"),
        ("( x  :=  1 )", "1", "x=1"),
        ("(x := abs)(-1)", "1", "x=<built-in function abs>"),
        (
            "(x:=1)(2)",
            "!TypeError: 'int' object is not callable",
            "x=1",
        ),
        ("(x := 1/0)", "!ZeroDivisionError: division by zero", ""),
        (
            "(x := 1) + 1/0",
            "!ZeroDivisionError: division by zero",
            "x=1",
        ),
        (
            "(x := 1) + (y := 1/0)",
            "!ZeroDivisionError: division by zero",
            "x=1",
        ),
        (
            "abs(x := 1, y := 2)",
            "!TypeError: abs() takes exactly one argument (2 given)",
            "x=1 y=2",
        ),
        ("0 and (x := 1)", "0", ""),
        ("1 or (x := 1)", "1", ""),
        ("(x := 0) or (y := 3)", "3", "x=0 y=3"),
        ("(x := 5) if (c := 0) else (y := 6)", "6", "c=0 y=6"),
        ("1 < (x := 0) < (y := 5)", "False", "x=0"),
        ("x + (x := 1)", "!NameError: name 'x' is not defined", ""),
        ("(pi := 3) * pi", "9", "pi=3"),
        ("(e := e) + 1", "3.718281828459045", "e=2.718281828459045"),
    ];
    let mut wrong = Vec::new();
    for (text, want, want_names) in cases {
        let mut env = Env::new();
        let got = answer(&mut env, text);
        let got_names = names(&env);
        if got != want || got_names != want_names {
            wrong.push(format!(
                "{text:?}: got {got:?} [{got_names}], want {want:?} [{want_names}]"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn syntax_errors_match_cpython() {
    // python3 3.11: SyntaxError msg and offset (1-based column).
    let cases = [
        ("x := 1", "invalid syntax", 3),
        ("1, x := 2", "invalid syntax", 6),
        (
            "(1 := 2)",
            "cannot use assignment expressions with literal",
            2,
        ),
        (
            "(x.y := 1)",
            "cannot use assignment expressions with attribute",
            2,
        ),
        (
            "(a.b.c := 1)",
            "cannot use assignment expressions with attribute",
            2,
        ),
        (
            "(True := 1)",
            "cannot use assignment expressions with True",
            2,
        ),
        (
            "(False:=1)",
            "cannot use assignment expressions with False",
            2,
        ),
        (
            "(None := 1)",
            "cannot use assignment expressions with None",
            2,
        ),
        (
            "(... := 1)",
            "cannot use assignment expressions with ellipsis",
            2,
        ),
        (
            "(f() := 1)",
            "cannot use assignment expressions with function call",
            2,
        ),
        (
            "(a + b := 1)",
            "cannot use assignment expressions with expression",
            2,
        ),
        (
            "(-a := 1)",
            "cannot use assignment expressions with expression",
            2,
        ),
        (
            "(not a := 1)",
            "cannot use assignment expressions with expression",
            2,
        ),
        (
            "(a and b := 1)",
            "cannot use assignment expressions with expression",
            2,
        ),
        (
            "(a if b else c := 1)",
            "cannot use assignment expressions with conditional expression",
            2,
        ),
        (
            "(a < b := 1)",
            "cannot use assignment expressions with comparison",
            2,
        ),
        (
            "((x) := 1)",
            "cannot use assignment expressions with name",
            3,
        ),
        (
            "((x := 2) := 3)",
            "cannot use assignment expressions with named expression",
            3,
        ),
        (
            "([a] := 1)",
            "cannot use assignment expressions with list",
            2,
        ),
        (
            "[1 := 2]",
            "cannot use assignment expressions with literal",
            2,
        ),
        ("(x := y := 1)", "invalid syntax", 9),
        ("(x := 1 := 2)", "invalid syntax", 9),
        ("(x := 1) := 2", "invalid syntax", 10),
        ("(x:=)", "invalid syntax", 5),
        ("(1 := )", "invalid syntax", 4),
        ("(x.y := )", "invalid syntax", 6),
        ("(True := )", "invalid syntax", 7),
        (
            "(1 := 1 +)",
            "cannot use assignment expressions with literal",
            2,
        ),
        (
            "(1 := 2 := 3)",
            "cannot use assignment expressions with literal",
            2,
        ),
        (
            "(1 := x := 2)",
            "cannot use assignment expressions with literal",
            2,
        ),
        (
            "(1 := 1/0)",
            "cannot use assignment expressions with literal",
            2,
        ),
        (
            "(1 := 2 3)",
            "invalid syntax. Perhaps you forgot a comma?",
            7,
        ),
        (
            "(a := 1 2)",
            "invalid syntax. Perhaps you forgot a comma?",
            7,
        ),
        (
            "(f(x) := 1 2)",
            "invalid syntax. Perhaps you forgot a comma?",
            10,
        ),
        ("(1 := 1e)", "invalid decimal literal", 7),
        ("abs(1 := 2)", "invalid syntax", 7),
        ("abs((x) := 2)", "invalid syntax", 9),
        ("abs(x := )", "invalid syntax", 10),
        ("abs(x.y := 2)", "invalid syntax", 9),
        ("abs(-1 := 3)", "invalid syntax", 8),
        ("abs(x := 1, 1 := 2)", "invalid syntax", 15),
        ("abs(x := 1 = 2)", "invalid syntax", 12),
        ("(*x := 1)", "invalid syntax", 5),
        ("(x := *y)", "invalid syntax", 7),
        ("(1 + := 2)", "invalid syntax", 6),
    ];
    let mut wrong = Vec::new();
    for (text, message, column) in cases {
        let got = match Expr::parse(text) {
            Ok(e) => format!("parsed as {e}"),
            Err(e) => format!("{}: {} @{:?}", e.class(), e.message(), e.column()),
        };
        let want = format!("SyntaxError: {message} @{:?}", Some(column));
        if got != want {
            wrong.push(format!("{text:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn names_persist_across_evaluations_of_one_env() {
    // python3 3.11, one namespace for the whole sequence.
    let mut env = Env::new();
    let steps = [
        ("(x := 2**64)", "18446744073709551616"),
        ("x * 2", "36893488147419103232"),
        ("(pi := 3)", "3"),
        ("pi * 2", "6"),
        ("(sqrt := abs)", "<built-in function abs>"),
        ("sqrt(-4)", "4"),
        ("(y := x // 2**60) + 1", "17"),
        ("y", "16"),
        ("(x := x + y) - x", "0"),
        ("1 + 2", "3"),
        ("True", "True"),
    ];
    for (text, want) in steps {
        assert_eq!(answer(&mut env, text), want, "{text}");
    }
    assert_eq!(
        names(&env),
        "x=18446744073709551632 pi=3 sqrt=<built-in function abs> y=16"
    );
    // Another namespace sees none of it.
    assert_eq!(
        answer(&mut Env::new(), "x"),
        "!NameError: name 'x' is not defined"
    );
    assert_eq!(answer(&mut Env::new(), "pi * 2"), "6.283185307179586");
}

#[test]
fn a_limit_leaves_the_names_as_they_were() {
    let limits = Limits {
        max_names: 3,
        ..Limits::default()
    };
    let mut env = Env::new().with_limits(limits);
    assert_eq!(answer(&mut env, "(a := 1) + (b := 2)"), "3");
    assert_eq!(
        answer(&mut env, "(a := 10) + (c := 3) + (d := 4)"),
        "!LimitError: assignment would bind more than 3 names"
    );
    assert_eq!(names(&env), "a=1 b=2");
    // Rebinding names it has never counts against the bound.
    assert_eq!(answer(&mut env, "(a := 5) + (b := 6) + (c := 7)"), "18");
    assert_eq!(answer(&mut env, "(a := 0) + (c := 0)"), "0");
    assert_eq!(names(&env), "a=0 b=6 c=0");
    // Any LimitError undoes the evaluation's assignments: a work budget.
    assert_eq!(
        answer(&mut env, "(a := 9) + (b := 10**10**6)"),
        "!LimitError: integer result would exceed 1048576 bits"
    );
    assert_eq!(names(&env), "a=0 b=6 c=0");
}

#[test]
fn the_memory_of_the_names_is_bounded() {
    let limits = Limits {
        max_names_memory: 4096,
        ..Limits::default()
    };
    let mut env = Env::new().with_limits(limits.clone());
    // 64 + 2 + 8 * 17 words = 202 bytes per name for 2**1024.
    assert_eq!(answer(&mut env, "(a := 2**1024) > 0"), "True");
    assert_eq!(env.memory(), 64 + 2 + 8 * 17);
    assert_eq!(
        answer(&mut env, "(b := 2**40000) > 0"),
        "!LimitError: assignment would make the names hold more than 4096 bytes"
    );
    assert_eq!(names(&env).len(), "a=".len() + 309);
    // Shrinking a value is always allowed, even past the bound.
    let mut tight = Env::new()
        .with("big", calc_core::eval("2**40000").unwrap())
        .with_limits(limits);
    assert_eq!(answer(&mut tight, "(big := 1)"), "1");
    assert_eq!(tight.memory(), 64 + 6);
}

#[test]
fn reading_a_big_name_is_charged_as_a_copy() {
    // `x` of 2**20 bits copied for each of 7,000 reads (63 KB of text)
    // would be about 900 MB of copying; the work budget stops it first.
    let mut env = Env::new();
    assert_eq!(answer(&mut env, "(x := 2**1048575) > 0"), "True");
    let text = vec!["not x"; 7_000].join(" or ");
    assert_eq!(
        answer(&mut env, &text),
        "!LimitError: operation exceeds the work budget"
    );
}

#[test]
fn the_parse_once_api() {
    let e = Expr::parse("f(x := 1) + (y := x if x else 0)").unwrap();
    assert_eq!(e.to_string(), "f((x := 1)) + (y := x if x else 0)");
    assert_eq!(e.names().collect::<Vec<_>>(), ["f", "x", "y"]);
    let env = Env::new().with("f", 0);
    assert!(e.check(&env).is_ok());
    // `eval` with a shared Env sees its own assignments only.
    let e = Expr::parse("(k := 4) * k").unwrap();
    let env = Env::new();
    assert_eq!(e.eval(&env).unwrap().to_string(), "16");
    assert!(env.get("k").is_none());
    let mut env = Env::new();
    assert_eq!(e.eval_mut(&mut env).unwrap().to_string(), "16");
    assert_eq!(names(&env), "k=4");
    // The compiled form gives the same answers, on the general path.
    let c = Expr::parse("(s := x * 2) + s")
        .unwrap()
        .compile(&["x"])
        .unwrap();
    assert!(!c.has_float_lane());
    assert_eq!(c.eval_f64(&[1.5]).unwrap().to_string(), "6.0");
    let c = Expr::parse("(pi := x) + pi")
        .unwrap()
        .compile(&["x"])
        .unwrap();
    assert_eq!(c.eval_f64(&[1.0]).unwrap().to_string(), "2.0");
}

#[test]
fn one_shot_functions_evaluate_in_a_fresh_namespace() {
    assert_eq!(calc_core::eval("(x := 3) * x").unwrap().to_string(), "9");
    assert_eq!(
        calc_core::eval("(abs := 5) + abs").unwrap().to_string(),
        "10"
    );
    assert_eq!(
        calc_core::eval("x").unwrap_err().to_string(),
        "NameError: name 'x' is not defined"
    );
    let mut out = String::new();
    calc_core::eval_repr_with("(sqrt := 2) ** 0.5", &Limits::default(), &mut out).unwrap();
    assert_eq!(out, "1.4142135623730951");
}

#[test]
fn a_full_namespace_costs_what_an_empty_one_does() {
    // 1000 names, then 64 KiB of reads of all of them: each read is one
    // lookup in the Env's index, not a search of its 1000 names.
    let mut env = Env::new();
    for chunk in 0..10 {
        let text: Vec<String> = (0..100)
            .map(|i| format!("(name{} := {i})", chunk * 100 + i))
            .collect();
        assert_eq!(answer(&mut env, &text.join(" + ")), "4950");
    }
    assert_eq!(env.len(), 1000);
    let mut reads = String::new();
    let mut i = 0;
    while reads.len() < 64 * 1024 - 16 {
        reads.push_str(&format!("name{}+", i % 1000));
        i += 1;
    }
    reads.push('0');
    let start = std::time::Instant::now();
    let got = answer(&mut env, &reads);
    let took = start.elapsed();
    assert!(got.parse::<u64>().is_ok(), "{got}");
    println!("{} bytes reading 1000 names: {took:?}", reads.len());
    if !cfg!(debug_assertions) {
        assert!(took < std::time::Duration::from_millis(100), "{took:?}");
    }
}

#[test]
fn names_are_read_in_nfkc_form_as_python_reads_them() {
    // python3 3.11, one namespace for the sequence.
    let mut env = Env::new();
    let steps = [
        ("(Ｔｒｕｅ := 5)", "5"),
        ("Ｔｒｕｅ", "5"),
        ("True", "True"),
        ("(ｘ := 3) * x", "9"),
        ("ｐｉ", "3.141592653589793"),
        ("(ﬁ := 2) + fi", "4"),
        ("ＦＡＬＳＥ", "!NameError: name 'FALSE' is not defined"),
    ];
    for (text, want) in steps {
        assert_eq!(answer(&mut env, text), want, "{text}");
    }
    assert_eq!(names(&env), "True=5 x=3 fi=2");
    assert_eq!(answer(&mut Env::new(), "Ｆａｌｓｅ"), "False");
}
