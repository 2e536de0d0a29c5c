//! Tests of the operators: hand-picked cases with python3's answers, and a
//! randomized comparison with python3 itself over every operator and
//! operand type.

use super::*;
use crate::builtins::Builtin;
use crate::value::IntRepr;
use crate::Limits;
use num_bigint::BigInt;
use rand::rngs::ChaCha8Rng;
use rand::seq::IndexedRandom;
use rand::{Rng as _, RngExt as _, SeedableRng};

fn int(s: &str) -> Value {
    Value::Int(Int::from_bigint(s.parse().unwrap()))
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

fn c(re: f64, im: f64) -> Value {
    Value::Complex(Complex::new(re, im))
}

/// `repr(a op b)` or `Class: message`.
fn bin(a: &Value, op: BinOp, b: &Value) -> String {
    let limits = Limits::default();
    let mut budget = Budget::new(&limits);
    match binary(op, a, b, &mut budget).and_then(|v| v.repr(&limits)) {
        Ok(v) => v,
        Err(e) => e.to_string(),
    }
}

fn cmp(a: &Value, op: CmpOp, b: &Value) -> String {
    let limits = Limits::default();
    let mut budget = Budget::new(&limits);
    match compare(op, a, b, &mut budget) {
        Ok(v) => Value::Bool(v).to_string(),
        Err(e) => e.to_string(),
    }
}

fn un(op: UnaryOp, a: &Value) -> String {
    let limits = Limits::default();
    let mut budget = Budget::new(&limits);
    match unary(op, a, &mut budget) {
        Ok(v) => v.to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bool_is_an_int() {
    let t = Value::Bool(true);
    assert_eq!(bin(&t, BinOp::Add, &Value::from(1)), "2"); // True + 1
    assert_eq!(bin(&t, BinOp::Div, &Value::from(2)), "0.5"); // True / 2
    assert_eq!(bin(&t, BinOp::BitAnd, &t), "True"); // True & True
    assert_eq!(bin(&t, BinOp::BitOr, &Value::from(0)), "1"); // True | 0
    assert_eq!(bin(&Value::Bool(false), BinOp::BitXor, &t), "True"); // False ^ True
    assert_eq!(bin(&t, BinOp::Add, &t), "2"); // True + True
    assert_eq!(un(UnaryOp::Invert, &t), "-2"); // ~True
    assert_eq!(un(UnaryOp::Neg, &t), "-1"); // -True
    assert_eq!(un(UnaryOp::Pos, &t), "1"); // +True
    assert_eq!(cmp(&t, CmpOp::Eq, &f(1.0)), "True"); // True == 1.0
    assert_eq!(
        cmp(&t, CmpOp::Lt, &c(1.0, 0.0)),
        "TypeError: '<' not supported between instances of 'bool' and 'complex'"
    );
}

#[test]
fn int_rules() {
    assert_eq!(
        bin(&Value::from(-7), BinOp::FloorDiv, &Value::from(2)),
        "-4"
    );
    assert_eq!(bin(&Value::from(-7), BinOp::Mod, &Value::from(2)), "1");
    assert_eq!(bin(&Value::from(7), BinOp::Mod, &Value::from(-2)), "-1");
    assert_eq!(bin(&Value::from(2), BinOp::Pow, &Value::from(-1)), "0.5"); // 2**-1
    assert_eq!(bin(&Value::from(-2), BinOp::Pow, &Value::from(-1)), "-0.5");
    assert_eq!(
        bin(&Value::from(2), BinOp::Pow, &Value::from(100)),
        "1267650600228229401496703205376"
    );
    assert_eq!(
        bin(&Value::from(0), BinOp::Pow, &Value::from(-1)),
        "ZeroDivisionError: 0.0 cannot be raised to a negative power"
    );
    assert_eq!(
        bin(&Value::from(1), BinOp::Div, &Value::from(0)),
        "ZeroDivisionError: division by zero"
    );
    assert_eq!(
        bin(&Value::from(1), BinOp::FloorDiv, &Value::from(0)),
        "ZeroDivisionError: integer division or modulo by zero"
    );
    assert_eq!(
        bin(&Value::from(1), BinOp::Mod, &Value::from(0)),
        "ZeroDivisionError: integer modulo by zero"
    );
    assert_eq!(bin(&Value::from(0), BinOp::Div, &Value::from(-5)), "-0.0"); // 0/-5
    assert_eq!(
        bin(&Value::from(1), BinOp::Shl, &Value::from(-1)),
        "ValueError: negative shift count"
    );
    assert_eq!(
        bin(&Value::from(i64::MAX), BinOp::Add, &Value::from(1)),
        "9223372036854775808"
    );
    assert_eq!(
        bin(&Value::from(i64::MIN), BinOp::FloorDiv, &Value::from(-1)),
        "9223372036854775808"
    );
    // 2**53 + 1 == 2.0**53 is False
    let big = bin(&Value::from(2), BinOp::Pow, &Value::from(53));
    assert_eq!(big, "9007199254740992");
    assert_eq!(
        cmp(
            &Value::from((1i64 << 53) + 1),
            CmpOp::Eq,
            &f(9007199254740992.0)
        ),
        "False"
    );
    assert_eq!(
        cmp(
            &Value::from((1i64 << 53) + 1),
            CmpOp::Gt,
            &f(9007199254740992.0)
        ),
        "True"
    );
    // (2**1024) / 2**1023 == 2.0 ; 2**1024 * 1.0 overflows
    let p1024 = Value::Int(Int::from_bigint(BigInt::from(1) << 1024u32));
    let p1023 = Value::Int(Int::from_bigint(BigInt::from(1) << 1023u32));
    assert_eq!(bin(&p1024, BinOp::Div, &p1023), "2.0");
    assert_eq!(
        bin(&p1024, BinOp::Mul, &f(1.0)),
        "OverflowError: int too large to convert to float"
    );
    assert_eq!(
        bin(&p1024, BinOp::Add, &c(0.0, 1.0)),
        "OverflowError: int too large to convert to float"
    );
    assert_eq!(cmp(&p1024, CmpOp::Gt, &f(1e308)), "True");
    assert_eq!(cmp(&p1024, CmpOp::Lt, &f(f64::INFINITY)), "True");
}

#[test]
fn small_int_powers_around_the_word_size() {
    // Exponents on both sides of 63, where the machine-word paths stop
    // trying `checked_pow`; 0, 1 and -1 stay words for any exponent.
    for x in [-5i64, -3, -2, -1, 0, 1, 2, 3, 5, i64::MAX, i64::MIN] {
        for y in (0..=70).chain([100, 127, 128, 129]) {
            let want = num_traits::Pow::pow(BigInt::from(x), y as u32).to_string();
            assert_eq!(
                bin(&Value::from(x), BinOp::Pow, &Value::from(y)),
                want,
                "{x}**{y}"
            );
        }
    }
}

#[test]
fn float_rules() {
    assert_eq!(bin(&f(1e308), BinOp::Mul, &Value::from(10)), "inf"); // 1e308*10
    assert_eq!(
        bin(&f(10.0), BinOp::Pow, &Value::from(400)),
        "OverflowError: (34, 'Numerical result out of range')"
    );
    assert_eq!(
        bin(&f(0.0), BinOp::Pow, &Value::from(-1)),
        "ZeroDivisionError: 0.0 cannot be raised to a negative power"
    );
    assert_eq!(
        bin(&Value::from(-8), BinOp::Pow, &f(1.0 / 3.0)),
        "(1.0000000000000002+1.7320508075688772j)"
    );
    assert_eq!(bin(&f(-0.0), BinOp::FloorDiv, &Value::from(1)), "-0.0");
    assert_eq!(
        bin(&f(1.0), BinOp::Mod, &f(-0.0)),
        "ZeroDivisionError: float modulo"
    );
    assert_eq!(
        bin(&f(1.0), BinOp::Shl, &Value::from(2)),
        "TypeError: unsupported operand type(s) for <<: 'float' and 'int'"
    );
    assert_eq!(
        bin(&Value::from(1), BinOp::BitAnd, &f(2.0)),
        "TypeError: unsupported operand type(s) for &: 'int' and 'float'"
    );
    assert_eq!(cmp(&f(f64::NAN), CmpOp::Eq, &f(f64::NAN)), "False");
    assert_eq!(cmp(&f(f64::NAN), CmpOp::Ne, &f(f64::NAN)), "True");
    assert_eq!(cmp(&f(f64::NAN), CmpOp::Ge, &Value::from(1)), "False");
    assert_eq!(cmp(&Value::from(1), CmpOp::Ne, &f(f64::NAN)), "True");
    assert_eq!(un(UnaryOp::Neg, &f(0.0)), "-0.0");
    assert_eq!(
        un(UnaryOp::Invert, &f(1.0)),
        "TypeError: bad operand type for unary ~: 'float'"
    );
}

#[test]
fn complex_rules() {
    assert_eq!(bin(&c(1.0, 2.0), BinOp::Mul, &c(0.0, 1.0)), "(-2+1j)");
    assert_eq!(
        bin(&c(0.0, 1.0), BinOp::Div, &Value::from(0)),
        "ZeroDivisionError: complex division by zero"
    );
    assert_eq!(
        bin(&c(0.0, 1.0), BinOp::FloorDiv, &Value::from(2)),
        "TypeError: unsupported operand type(s) for //: 'complex' and 'int'"
    );
    // 1j // 2**2000 is a TypeError, not an OverflowError
    let huge = Value::Int(Int::from_bigint(BigInt::from(1) << 2000u32));
    assert_eq!(
        bin(&c(0.0, 1.0), BinOp::Mod, &huge),
        "TypeError: unsupported operand type(s) for %: 'complex' and 'int'"
    );
    assert_eq!(bin(&c(0.0, 1.0), BinOp::Pow, &c(0.0, 0.0)), "(1+0j)");
    assert_eq!(cmp(&c(1.0, 0.0), CmpOp::Eq, &Value::from(1)), "True");
    assert_eq!(
        cmp(
            &c(9007199254740992.0, 0.0),
            CmpOp::Eq,
            &Value::from((1i64 << 53) + 1)
        ),
        "False"
    );
    assert_eq!(
        cmp(&c(0.0, 1.0), CmpOp::Lt, &Value::from(2)),
        "TypeError: '<' not supported between instances of 'complex' and 'int'"
    );
    assert_eq!(un(UnaryOp::Neg, &c(0.0, 0.0)), "(-0-0j)"); // -0j
    assert_eq!(
        un(UnaryOp::Invert, &c(0.0, 1.0)),
        "TypeError: bad operand type for unary ~: 'complex'"
    );
}

#[test]
fn builtins_as_operands() {
    let abs = Value::Builtin(Builtin::Abs);
    let int_t = Value::Builtin(Builtin::Int);
    assert_eq!(
        bin(&Value::from(1), BinOp::Add, &abs),
        "TypeError: unsupported operand type(s) for +: 'int' and 'builtin_function_or_method'"
    );
    assert_eq!(bin(&Value::from(1), BinOp::Pow, &abs), "TypeError: unsupported operand type(s) for ** or pow(): 'int' and 'builtin_function_or_method'");
    assert_eq!(
        bin(&int_t, BinOp::Mul, &f(1.0)),
        "TypeError: unsupported operand type(s) for *: 'type' and 'float'"
    );
    assert_eq!(
        un(UnaryOp::Neg, &abs),
        "TypeError: bad operand type for unary -: 'builtin_function_or_method'"
    );
    assert_eq!(cmp(&abs, CmpOp::Eq, &abs), "True");
    assert_eq!(cmp(&abs, CmpOp::Eq, &int_t), "False");
    assert_eq!(cmp(&abs, CmpOp::Ne, &Value::from(1)), "True");
    assert_eq!(
        cmp(&abs, CmpOp::Lt, &Value::from(1)),
        "TypeError: '<' not supported between instances of 'builtin_function_or_method' and 'int'"
    );
}

/// `binary_owned` (the left operand by value, big `+` and `-` in place)
/// gives what `binary` gives, values, errors and budget used alike.
#[test]
fn owned_left_operand_matches_binary() {
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_0f0b_1e55_0001);
    let mut values = vec![
        int("9223372036854775808"),
        int("-9223372036854775809"),
        int("18446744073709551616"),
        int("-18446744073709551616"),
        Value::Int(Int(IntRepr::Small(i64::MAX))),
        Value::Int(Int(IntRepr::Small(i64::MIN))),
        Value::Int(Int(IntRepr::Small(0))),
        Value::Int(Int(IntRepr::Small(-1))),
        Value::Bool(true),
        f(1.5),
        c(1.0, 2.0),
    ];
    for _ in 0..300 {
        let limbs = 1 + rng.random_range(0..6) as usize;
        let digits: Vec<u32> = (0..2 * limbs).map(|_| rng.next_u64() as u32).collect();
        let v = BigInt::from(num_bigint::BigUint::new(digits));
        let v = if rng.random_range(0..2) == 0 { -v } else { v };
        values.push(Value::Int(Int::from_bigint(v)));
    }
    // 2**(max_int_bits - 1) + itself needs one bit too many: LimitError.
    let limits = Limits::default();
    let top = Value::Int(Int::from_bigint(
        BigInt::from(1) << (limits.max_int_bits - 1) as usize,
    ));
    values.push(top);
    for a in &values {
        for b in values.iter().take(40).chain(values.iter().rev().take(3)) {
            for op in [BinOp::Add, BinOp::Sub, BinOp::Mul] {
                let mut b1 = Budget::new(&limits);
                let mut b2 = Budget::new(&limits);
                let want = binary(op, a, b, &mut b1);
                let got = binary_owned(op, a.clone(), b, &mut b2);
                // Compared by value, not by text: formatting the 2**20-bit
                // results in decimal would dominate the test's run time.
                match (got, want) {
                    (Ok(g), Ok(w)) => assert!(g == w, "{a:?} {op:?} {b:?}"),
                    (Err(g), Err(w)) => {
                        assert_eq!(g.to_string(), w.to_string(), "{a:?} {op:?} {b:?}")
                    }
                    (g, w) => panic!("{a:?} {op:?} {b:?}: {g:?} vs {w:?}"),
                }
                assert_eq!(b1.remaining(), b2.remaining(), "{a:?} {op:?} {b:?}");
            }
        }
    }
}

#[test]
fn limits_refuse_huge_work_at_once() {
    let start = std::time::Instant::now();
    // 10**10**10, 9**387420489, 1 << (1 << 40)
    assert!(bin(
        &Value::from(10),
        BinOp::Pow,
        &Value::from(10_000_000_000i64)
    )
    .starts_with("LimitError"));
    assert!(bin(&Value::from(9), BinOp::Pow, &Value::from(387_420_489)).starts_with("LimitError"));
    assert!(bin(&Value::from(1), BinOp::Shl, &Value::from(1i64 << 40)).starts_with("LimitError"));
    // 1 << 2**63: CPython tries to build it (and runs out of memory).
    let big = Value::Int(Int::from_bigint(BigInt::from(1) << 63u32));
    assert!(bin(&Value::from(1), BinOp::Shl, &big).starts_with("LimitError"));
    // 1 << 2**100: CPython refuses the word count before building.
    let huge = Value::Int(Int::from_bigint(BigInt::from(1) << 100u32));
    assert_eq!(
        bin(&Value::from(1), BinOp::Shl, &huge),
        "OverflowError: too many digits in integer"
    );
    assert_eq!(bin(&Value::from(-5), BinOp::Shr, &huge), "-1");
    assert!(start.elapsed().as_millis() < 50);
    // 2**100000 % 7 == 2
    let limits = Limits::default();
    let mut budget = Budget::new(&limits);
    let p = binary(
        BinOp::Pow,
        &Value::from(2),
        &Value::from(100_000),
        &mut budget,
    )
    .unwrap();
    let r = binary(BinOp::Mod, &p, &Value::from(7), &mut budget).unwrap();
    assert_eq!(r.to_string(), "2");
}

/// A random operand and its Python source text.
fn random_value(rng: &mut ChaCha8Rng) -> (Value, String) {
    const FLOATS: &[f64] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        2.0,
        -2.5,
        0.1,
        3.0,
        -8.0,
        1e16,
        1e-5,
        1e308,
        -1e308,
        5e-324,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        9007199254740992.0,
        1e300,
        7.0,
        100.0,
    ];
    const INTS: &[i64] = &[
        0,
        1,
        -1,
        2,
        -2,
        3,
        5,
        7,
        -7,
        10,
        53,
        63,
        64,
        100,
        1 << 31,
        1 << 53,
        (1 << 53) + 1,
        i64::MAX,
        i64::MIN,
        -(1 << 62),
    ];
    let float = |rng: &mut ChaCha8Rng| -> f64 {
        match rng.next_u64() % 4 {
            0 => f64::from_bits(rng.next_u64()),
            1 => (rng.next_u64() % 2000) as f64 / 8.0 - 125.0,
            _ => *FLOATS.choose(&mut *rng).expect("non-empty"),
        }
    };
    let fsrc = |x: f64| format!("float('{}')", Value::Float(x));
    match rng.next_u64() % 10 {
        0 => {
            let b = rng.next_u64() % 2 == 0;
            (
                Value::Bool(b),
                if b { "True".into() } else { "False".into() },
            )
        }
        1 | 2 => {
            let v = *INTS.choose(&mut *rng).expect("non-empty");
            (Value::from(v), format!("({v})"))
        }
        3 => {
            let v = (rng.next_u64() % 2001) as i64 - 1000;
            (Value::from(v), format!("({v})"))
        }
        4 => {
            let mut v = BigInt::from(rng.next_u64() % 4 + 1);
            for _ in 0..(rng.next_u64() % 4) {
                v = (v << 64u32) + rng.next_u64();
            }
            let v = if rng.next_u64() % 2 == 0 { -v } else { v };
            let i = Int::from_bigint(v);
            (Value::Int(i.clone()), format!("({i})"))
        }
        5 | 6 => {
            let x = float(rng);
            (Value::Float(x), fsrc(x))
        }
        7 | 8 => {
            let (re, im) = (float(rng), float(rng));
            (
                Value::Complex(Complex::new(re, im)),
                format!("complex({}, {})", fsrc(re), fsrc(im)),
            )
        }
        _ => {
            if rng.next_u64() % 2 == 0 {
                (Value::Builtin(Builtin::Abs), "abs".into())
            } else {
                (Value::Builtin(Builtin::Float), "float".into())
            }
        }
    }
}

/// Would python3 take long (or run out of memory) computing this?
fn too_big_for_python(op: BinOp, a: &Value, b: &Value) -> bool {
    let big_exp = |v: &Value| match v {
        Value::Int(Int(IntRepr::Small(e))) => *e > 2000,
        Value::Int(Int(IntRepr::Big(_))) => true,
        _ => false,
    };
    matches!(op, BinOp::Pow | BinOp::Shl) && a.as_int().is_some() && big_exp(b)
}

/// `int | float` is a `types.UnionType` in Python 3.10+, a value outside
/// the language's types.
fn is_type_union(op: BinOp, a: &Value, b: &Value) -> bool {
    op == BinOp::BitOr && a.type_name() == "type" && b.type_name() == "type"
}

#[test]
fn random_operations_match_python() {
    use std::fmt::Write as _;
    // CALC_OPS_SEED / CALC_OPS_COUNT run other or longer samples.
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let mut rng = ChaCha8Rng::seed_from_u64(env("CALC_OPS_SEED", 0x1234_5678_9abc_def1));
    let count = env("CALC_OPS_COUNT", 40_000) as usize;
    let bin_ops = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::FloorDiv,
        BinOp::Mod,
        BinOp::Pow,
        BinOp::Shl,
        BinOp::Shr,
        BinOp::BitAnd,
        BinOp::BitOr,
        BinOp::BitXor,
    ];
    let cmp_ops = [
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Eq,
        CmpOp::Ne,
    ];
    let un_ops = [UnaryOp::Neg, UnaryOp::Pos, UnaryOp::Invert];
    let mut cases: Vec<(String, String)> = Vec::new();
    while cases.len() < count {
        let (a, asrc) = random_value(&mut rng);
        let (b, bsrc) = random_value(&mut rng);
        match rng.next_u64() % 6 {
            0..=2 => {
                let op = *bin_ops.choose(&mut rng).expect("non-empty");
                if too_big_for_python(op, &a, &b) || is_type_union(op, &a, &b) {
                    continue;
                }
                let got = bin(&a, op, &b);
                if got.starts_with("LimitError") {
                    continue;
                }
                cases.push((format!("{asrc} {} {bsrc}", op.symbol()), got));
            }
            3 | 4 => {
                let op = *cmp_ops.choose(&mut rng).expect("non-empty");
                cases.push((format!("{asrc} {} {bsrc}", op.symbol()), cmp(&a, op, &b)));
            }
            _ => {
                let op = *un_ops.choose(&mut rng).expect("non-empty");
                cases.push((format!("{}{asrc}", op.symbol()), un(op, &a)));
            }
        }
    }
    let mut input = String::new();
    for (src, _) in &cases {
        let _ = writeln!(input, "{src}");
    }
    let script = "import sys\nfor l in sys.stdin:\n try: r = repr(eval(l))\n except Exception as e: r = type(e).__name__ + ': ' + str(e)\n print(r)\n";
    let Some(out) = crate::num::float::tests::run_python(script, &input) else {
        eprintln!("python3 not available; skipped");
        return;
    };
    assert_eq!(out.lines().count(), cases.len());
    let mut failures = Vec::new();
    for ((src, got), want) in cases.iter().zip(out.lines()) {
        if got != want {
            let cut = |s: &str| s.chars().take(200).collect::<String>();
            failures.push(format!(
                "{}\n  ours:   {}\n  python: {}",
                cut(src),
                cut(got),
                cut(want)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Every operator over every pair of special values (signed zeros,
/// infinities, NaN, extremes, huge ints), compared with python3.
#[test]
fn special_value_grid_matches_python() {
    use std::fmt::Write as _;
    const FLOATS: &[f64] = &[
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.0,
        -2.0,
        0.5,
        -0.5,
        3.0,
        2.5,
        -2.5,
        100.0,
        101.0,
        -101.0,
        1e308,
        -1e308,
        5e-324,
        1e-320,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    const PARTS: &[f64] = &[0.0, -0.0, 1.0, -2.5, 1e300, f64::INFINITY, f64::NAN];
    let fsrc = |x: f64| format!("float('{}')", Value::Float(x));
    let mut values: Vec<(Value, String)> = Vec::new();
    for &x in FLOATS {
        values.push((Value::Float(x), fsrc(x)));
    }
    for &re in PARTS {
        for &im in PARTS {
            values.push((c(re, im), format!("complex({}, {})", fsrc(re), fsrc(im))));
        }
    }
    for s in [
        "0",
        "1",
        "-1",
        "2",
        "-3",
        "100",
        "18446744073709551616",
        "-18446744073709551616",
    ] {
        values.push((int(s), format!("({s})")));
    }
    let big = format!("1{}", "0".repeat(400));
    values.push((int(&big), format!("({big})")));
    values.push((Value::Bool(true), "True".into()));
    let bin_ops = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::FloorDiv,
        BinOp::Mod,
        BinOp::Pow,
        BinOp::Shl,
        BinOp::Shr,
        BinOp::BitAnd,
        BinOp::BitOr,
        BinOp::BitXor,
    ];
    let mut cases = Vec::new();
    for (a, asrc) in &values {
        for (b, bsrc) in &values {
            for op in bin_ops {
                if too_big_for_python(op, a, b) {
                    continue;
                }
                cases.push((format!("{asrc} {} {bsrc}", op.symbol()), bin(a, op, b)));
            }
            for op in [CmpOp::Lt, CmpOp::Eq] {
                cases.push((format!("{asrc} {} {bsrc}", op.symbol()), cmp(a, op, b)));
            }
        }
    }
    let mut input = String::new();
    for (src, _) in &cases {
        let _ = writeln!(input, "{src}");
    }
    let script = "import sys\nfor l in sys.stdin:\n try: r = repr(eval(l))\n except Exception as e: r = type(e).__name__ + ': ' + str(e)\n print(r)\n";
    let Some(out) = crate::num::float::tests::run_python(script, &input) else {
        eprintln!("python3 not available; skipped");
        return;
    };
    assert_eq!(out.lines().count(), cases.len());
    let failures: Vec<String> = cases
        .iter()
        .zip(out.lines())
        .filter(|((_, got), want)| got != want)
        .map(|((src, got), want)| format!("{src}\n  ours:   {got}\n  python: {want}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Hot-path timing (release):
/// `cargo test --release -p calc-core --lib hot_path -- --ignored --nocapture`.
#[test]
#[ignore]
fn hot_path_timing() {
    use std::hint::black_box;
    use std::time::Instant;
    let limits = Limits::default();
    let mut budget = Budget::new(&limits);
    let n = 10_000_000u32;
    let (a, b) = (Value::from(2), Value::from(3));
    let t = Instant::now();
    for _ in 0..n {
        let r = binary(
            black_box(BinOp::Mul),
            black_box(&a),
            black_box(&b),
            &mut budget,
        );
        black_box(r.is_ok());
    }
    println!(
        "small int mul: {:.2} ns",
        t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    );
    let (x, y) = (Value::Float(1.5), Value::Float(2.25));
    let t = Instant::now();
    for _ in 0..n {
        let r = binary(
            black_box(BinOp::Add),
            black_box(&x),
            black_box(&y),
            &mut budget,
        );
        black_box(r.is_ok());
    }
    println!(
        "float add: {:.2} ns",
        t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    );
    let t = Instant::now();
    for _ in 0..n {
        let r = compare(
            black_box(CmpOp::Lt),
            black_box(&a),
            black_box(&x),
            &mut budget,
        );
        black_box(r.is_ok());
    }
    println!(
        "int < float: {:.2} ns",
        t.elapsed().as_secs_f64() * 1e9 / f64::from(n)
    );
    let t = Instant::now();
    let m = n / 10;
    let mut s = String::new();
    for i in 0..m {
        s.clear();
        let v = Value::Float(black_box(f64::from(i) * 0.1));
        let _ = v.write_repr(&mut s, &limits);
    }
    println!(
        "float repr: {:.2} ns",
        t.elapsed().as_secs_f64() * 1e9 / f64::from(m)
    );
    let t = Instant::now();
    for i in 0..m {
        s.clear();
        let v = Value::from(black_box(i64::from(i) * 1_000_003));
        let _ = v.write_repr(&mut s, &limits);
    }
    println!(
        "int repr: {:.2} ns",
        t.elapsed().as_secs_f64() * 1e9 / f64::from(m)
    );
}
