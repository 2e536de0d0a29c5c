//! The compiled form answers exactly as `Expr::eval` with an `Env`: value
//! reprs, or error class, message and span, over generated expressions and
//! values of every kind the lane must hand to the general path.

use calc_core::{Arity, Env, EvalError, Expr, Limits, Value};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const LEAVES: &[&str] = &[
    "x", "y", "x", "y", "0", "1", "2", "3", "-1", "0.5", "2.5", "0.0", "1e308", "1e-300", "True",
    "pi", "7", "k", "n",
];
const BINARY: &[&str] = &["+", "-", "*", "/", "//", "%", "**"];
const COMPARE: &[&str] = &["<", "<=", ">", ">=", "==", "!="];
const UNARY_FUNCTIONS: &[&str] = &[
    "sqrt", "cos", "sin", "exp", "log", "abs", "atan", "tanh", "gamma", "lgamma", "erf", "erfc",
    "acosh", "asinh", "atanh", "cbrt", "exp2", "expm1", "log1p",
];

fn expr(rng: &mut Rng, depth: u32) -> String {
    if depth == 0 || rng.below(4) == 0 {
        return rng.pick(LEAVES).to_string();
    }
    let d = depth - 1;
    match rng.below(12) {
        0..=4 => format!("({} {} {})", expr(rng, d), rng.pick(BINARY), expr(rng, d)),
        5 => format!("(-{})", expr(rng, d)),
        6 => format!("{}({})", rng.pick(UNARY_FUNCTIONS), expr(rng, d)),
        7 => format!(
            "{}({}, {})",
            rng.pick(&["min", "max"]),
            expr(rng, d),
            expr(rng, d)
        ),
        8 => format!("({} {} {})", expr(rng, d), rng.pick(COMPARE), expr(rng, d)),
        9 => format!(
            "({} if {} else {})",
            expr(rng, d),
            expr(rng, d),
            expr(rng, d)
        ),
        10 => format!(
            "({} {} {})",
            expr(rng, d),
            rng.pick(&["and", "or"]),
            expr(rng, d)
        ),
        _ => format!(
            "({} {} {} {} {})",
            expr(rng, d),
            rng.pick(COMPARE),
            expr(rng, d),
            rng.pick(COMPARE),
            expr(rng, d)
        ),
    }
}

fn values() -> Vec<Value> {
    let mut v: Vec<Value> = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -2.5,
        3.0,
        1e308,
        -1e308,
        1e-310,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        7.25,
    ]
    .into_iter()
    .map(Value::Float)
    .collect();
    v.extend([
        Value::from(0),
        Value::from(3),
        Value::from(-2),
        Value::Bool(true),
    ]);
    v
}

fn answer(r: Result<Value, EvalError>) -> String {
    match r {
        Ok(v) => format!("{v:?} {v}"),
        Err(e) => format!("!{e} at {:?}", e.span()),
    }
}

#[test]
fn compiled_answers_equal_the_general_path() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let vals = values();
    let consts = Env::new().with("k", 2.5).with("n", 3);
    let (mut checked, mut with_lane, mut lane_answers) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for _ in 0..3000 {
        let src = expr(&mut rng, 4);
        let e = Expr::parse(&src).unwrap_or_else(|err| panic!("{src}: {err}"));
        // `k` and `n` are the Env's, fixed at compile time.
        let c = e.compile_with(&["x", "y"], &consts).unwrap();
        with_lane += usize::from(c.has_float_lane());
        for _ in 0..12 {
            let x = vals[rng.below(vals.len())].clone();
            let y = vals[rng.below(vals.len())].clone();
            let env = consts.clone().with("x", x.clone()).with("y", y.clone());
            let want = answer(e.eval(&env));
            let got = answer(c.eval(&[x.clone(), y.clone()]));
            checked += 1;
            if got != want {
                wrong.push(format!("{src} with x={x}, y={y}: got {got}, want {want}"));
            }
            if let (Value::Float(a), Value::Float(b)) = (&x, &y) {
                let got = answer(c.eval_f64(&[*a, *b]));
                if got != want {
                    wrong.push(format!(
                        "{src} eval_f64 x={x}, y={y}: got {got}, want {want}"
                    ));
                }
                lane_answers += usize::from(c.has_float_lane() && !want.starts_with('!'));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked}:\n{}",
        wrong.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
    // The lane is exercised, not just the fallback.
    assert!(
        with_lane > 1000,
        "only {with_lane} of 3000 expressions have a float lane"
    );
    assert!(
        lane_answers > 4000,
        "only {lane_answers} float answers with a lane"
    );
}

#[test]
fn python_semantics_hold_in_the_lane() {
    let c = |src: &str| Expr::parse(src).unwrap().compile(&["x", "y"]).unwrap();
    let f = |src: &str, x: f64, y: f64| answer(c(src).eval_f64(&[x, y]));
    assert!(c("x % y + x // y").has_float_lane());
    assert_eq!(f("x % y", -1.0, 3.0), "Float(2.0) 2.0");
    assert_eq!(f("x % y", 1.0, -3.0), "Float(-2.0) -2.0");
    assert_eq!(f("x % y", 0.0, -3.0), "Float(-0.0) -0.0");
    assert_eq!(f("x // y", -0.0, 3.0), "Float(-0.0) -0.0");
    assert_eq!(f("x // y", 7.0, -2.0), "Float(-4.0) -4.0");
    assert_eq!(
        f("x ** y", 0.0, -1.0),
        "!ZeroDivisionError: 0.0 cannot be raised to a negative power at Some(0..6)"
    );
    assert_eq!(
        f("x / y", 1.0, 0.0),
        "!ZeroDivisionError: float division by zero at Some(0..5)"
    );
    assert_eq!(
        f("sqrt(x) + y", -1.0, 0.0),
        "!ValueError: math domain error at Some(0..7)"
    );
    assert_eq!(f("x ** y", 2.0, -1.0), "Float(0.5) 0.5");
    assert!(f("x ** y", 10.0, 400.0).starts_with("!OverflowError"));
    assert!(f("x ** y", -8.0, 0.5).starts_with("Complex"));
    assert_eq!(f("x < y", f64::NAN, 1.0), "Bool(false) False");
    assert_eq!(f("x or y", 0.0, 2.0), "Float(2.0) 2.0");
    assert_eq!(f("min(x, y)", f64::NAN, 1.0), "Float(NaN) nan");
    assert_eq!(f("min(x, y)", 1.0, f64::NAN), "Float(1.0) 1.0");
    // Ints stay ints.
    let v = c("x * y + 1")
        .eval(&[Value::from(2), Value::from(3)])
        .unwrap();
    assert_eq!(v.to_string(), "7");
    let v = c("x * 2**-1")
        .eval(&[Value::from(3), Value::from(0)])
        .unwrap();
    assert_eq!(v.to_string(), "1.5");
}

/// Squares (`float_pow`'s inline square) and square roots (an instruction
/// of their own) in the lane: over floats of every exponent (random bit patterns: subnormals, NaNs,
/// infinities, squares near a rounding midpoint) they answer bit for bit
/// as the general path, which calls the platform's `pow` and `sqrt`.
#[test]
fn squares_and_square_roots_in_the_lane_equal_the_general_path() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut wrong = Vec::new();
    for src in [
        "x**2",
        "x ** 2.0",
        "(x*y)**2 - y",
        "sqrt(x)",
        "sqrt(x*y) + 1",
    ] {
        let e = Expr::parse(src).unwrap();
        let c = e.compile(&["x", "y"]).unwrap();
        assert!(c.has_float_lane(), "{src}");
        for k in 0..20_000 {
            // Half the cases near 1.0 (where squares of 27-bit odd
            // mantissas land near midpoints), half any bit pattern.
            let x = if k % 2 == 0 {
                f64::from_bits(rng.next())
            } else {
                1.0 + (rng.next() >> 12) as f64 * f64::EPSILON
            };
            let y = f64::from_bits(rng.next());
            let env = Env::new().with("x", x).with("y", y);
            let want = answer(e.eval(&env));
            let got = answer(c.eval_f64(&[x, y]));
            if got != want {
                wrong.push(format!("{src} at x={x:e}, y={y:e}: {got} != {want}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}",
        wrong[..wrong.len().min(10)].join("\n")
    );
}

/// Lanes of every size: registers in arrays of 8, 16 and 32 on the stack,
/// and on the heap past that, all answer as the general path.
#[test]
fn lanes_of_every_length_equal_the_general_path() {
    for terms in [1, 3, 6, 12, 30, 200] {
        let src: Vec<String> = (0..terms)
            .map(|k| format!("x*{}.5 - y/{}", k, k + 1))
            .collect();
        let src = src.join(" + ");
        let e = Expr::parse(&src).unwrap();
        let c = e.compile(&["x", "y"]).unwrap();
        assert!(c.has_float_lane(), "{terms} terms");
        for (x, y) in [(1.5, -2.25), (-0.0, 3.0), (1e300, 1e-300), (f64::NAN, 1.0)] {
            let env = Env::new().with("x", x).with("y", y);
            assert_eq!(
                answer(c.eval_f64(&[x, y])),
                answer(e.eval(&env)),
                "{terms} terms at x={x}, y={y}"
            );
        }
    }
}

#[test]
fn compile_checks_names_and_slots() {
    let e = Expr::parse("x + y + pi").unwrap();
    assert_eq!(
        e.compile(&["x"]).unwrap_err().to_string(),
        "NameError: name 'y' is not defined"
    );
    assert_eq!(
        e.compile(&["x", "x"]).unwrap_err().to_string(),
        "ValueError: slot name 'x' is given twice"
    );
    let c = e.compile(&["x", "y"]).unwrap();
    assert_eq!(
        c.eval_f64(&[1.0]).unwrap_err().to_string(),
        "TypeError: the compiled expression takes 2 values (x, y) but 1 were given"
    );
    // A slot shadows the Env, which shadows the built-ins.
    let env = Env::new().with("y", 100).with("pi", 3);
    let c = e.compile_with(&["x", "y"], &env).unwrap();
    assert_eq!(c.eval_f64(&[1.0, 2.0]).unwrap().to_string(), "6.0");
    let c = e.compile_with(&["x"], &env).unwrap();
    assert_eq!(c.eval_f64(&[1.0]).unwrap().to_string(), "104.0");
}

#[test]
fn limits_and_user_functions_hold() {
    let env = Env::new().with_limits(Limits {
        max_int_bits: 64,
        ..Limits::default()
    });
    let c = Expr::parse("x ** 100")
        .unwrap()
        .compile_with(&["x"], &env)
        .unwrap();
    assert_eq!(c.eval(&[Value::from(3)]).unwrap_err().class(), "LimitError");
    assert!(c.eval_f64(&[3.0]).is_ok());
    let env = Env::new().with_function("boom", Arity::exact(1), |_| panic!("bad input"));
    let c = Expr::parse("boom(x) + 1")
        .unwrap()
        .compile_with(&["x"], &env)
        .unwrap();
    assert!(!c.has_float_lane());
    assert_eq!(
        c.eval_f64(&[1.0]).unwrap_err().to_string(),
        "RuntimeError: boom() panicked: bad input"
    );
    // Zero budget and zero memory: float arithmetic needs neither, on
    // either path; int arithmetic that needs them fails on both.
    let zero = Env::new().with_limits(Limits {
        work_budget: 0,
        max_memory: 0,
        ..Limits::default()
    });
    for src in ["x * 2 + sqrt(x) ** 0.5 - x // 3", "x ** 70", "x << 80"] {
        let e = Expr::parse(src).unwrap();
        let c = e.compile_with(&["x"], &zero).unwrap();
        for x in [Value::from(3.0), Value::from(3), Value::from(-0.0)] {
            let want = answer(e.eval(&zero.clone().with("x", x.clone())));
            assert_eq!(
                answer(c.eval(std::slice::from_ref(&x))),
                want,
                "{src} x={x}"
            );
        }
    }
    // A constant subtree that costs work is not folded: the budget is the
    // evaluation's, as in the general path.
    let tight = Env::new().with_limits(Limits {
        work_budget: 50,
        ..Limits::default()
    });
    let src = "x + 7**300 // 7**299";
    let e = Expr::parse(src).unwrap();
    let c = e.compile_with(&["x"], &tight).unwrap();
    let want = answer(e.eval(&tight.clone().with("x", 1.0)));
    assert_eq!(answer(c.eval_f64(&[1.0])), want);
}

#[test]
fn a_compiled_expression_is_shared_across_threads() {
    fn send_sync<T: Send + Sync + Clone>(_: &T) {}
    let c = Expr::parse("x * y").unwrap().compile(&["x", "y"]).unwrap();
    send_sync(&c);
    let answers: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..=3)
            .map(|i| {
                let c = &c;
                s.spawn(move || c.eval_f64(&[f64::from(i), 0.5]).unwrap().to_string())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers, ["0.5", "1.0", "1.5"]);
}
