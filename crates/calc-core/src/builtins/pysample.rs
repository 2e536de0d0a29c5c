//! Differential sample against the oracle: every builtin is called on a few
//! hundred pseudo-random arguments (floats of every magnitude, special
//! values, small and huge ints, bools), and the result, bit for bit, or the
//! error class must equal what `python3` gives for the same call with
//! calc-core's namespace (python/calc_namespace.py). The test fails (it
//! does not skip) when python3 is missing.

use crate::value::IntRepr;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use num_bigint::BigInt;
use rand::rngs::ChaCha8Rng;
use rand::{Rng as _, RngExt as _, SeedableRng};

use crate::budget::Budget;
use crate::{Builtin, Complex, Int, Limits, Value};

use super::call;

/// The oracle: reads `name arg arg ...` lines, prints one encoded result
/// per line (`f:<bits>`, `i:<decimal>`, `b:<0|1>`, `c:<bits>,<bits>`,
/// `E:<ExceptionClass>|<message>`); `?:<name>` passes a builtin itself.
/// `NS` is calc-core's namespace as CPython sees it (python/calc_namespace.py,
/// generated from calc-core's names by `cargo xtask namespace`).
const ORACLE: &str = concat!(
    include_str!("../../python/calc_namespace.py"),
    r#"
import struct, sys
sys.set_int_max_str_digits(0)
def bits(x):
    return "nan" if x != x else str(struct.unpack("<Q", struct.pack("<d", x))[0])
def dec(a):
    t, v = a[0], a[2:]
    if t == "f": return struct.unpack("<d", struct.pack("<Q", int(v)))[0]
    if t == "i": return int(v)
    if t == "b": return v == "1"
    if t == "c":
        re, im = v.split(",")
        return complex(dec("f:" + re), dec("f:" + im))
    if t == "?": return NS[v]
    if t == "t": return tuple(dec(x) for x in v.split(";")) if v else ()
def enc(r):
    if isinstance(r, tuple): return "t:" + ";".join(enc(x) for x in r)
    if isinstance(r, bool): return "b:" + str(int(r))
    if isinstance(r, int): return "i:" + str(r)
    if isinstance(r, float): return "f:" + bits(r)
    if isinstance(r, complex): return "c:" + bits(r.real) + "," + bits(r.imag)
    return "?:" + repr(r)
out = []
for line in sys.stdin:
    name, *args = line.split()
    try:
        out.append(enc(NS[name](*[dec(a) for a in args])))
    except Exception as e:
        out.append("E:" + type(e).__name__ + "|" + str(e))
print("\n".join(out))
"#
);

/// The arguments' generator: rand's ChaCha8Rng with a fixed seed, so
/// failures reproduce, and the kinds of values the builtins are given.
struct Rng(ChaCha8Rng);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n)
    }

    fn float(&mut self) -> f64 {
        const SPECIAL: [f64; 16] = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1.0,
            -1.0,
            0.5,
            2.5,
            1e308,
            5e-324,
            710.0,
            -745.5,
            1e-300,
            std::f64::consts::PI,
            1e16,
        ];
        match self.below(6) {
            0 => SPECIAL[self.below(16) as usize],
            1 => {
                let x = f64::from_bits(self.next());
                if x.is_nan() {
                    1.5
                } else {
                    x
                }
            }
            2 => (self.next() as i64 as f64) / 2f64.powi(60),
            3 => (self.next() as i64 as f64) / 2f64.powi(50),
            4 => ((self.next() as i64) >> 50) as f64 / 8.0,
            _ => (self.next() as i64 as f64) / 2f64.powi(self.below(120) as i32),
        }
    }

    fn int(&mut self) -> Int {
        match self.below(4) {
            0 => Int(IntRepr::Small(
                (self.next() as i64) >> (self.below(63) as u32),
            )),
            1 => Int(IntRepr::Small(self.below(41) as i64 - 20)),
            _ => {
                let max_words = if self.below(8) == 0 { 40 } else { 3 };
                let words = 1 + self.below(max_words);
                let mut b = BigInt::from(0u8);
                for _ in 0..words {
                    b = (b << 64u32) + BigInt::from(self.next());
                }
                if self.below(2) == 0 {
                    b = -b;
                }
                Int::from_bigint(b)
            }
        }
    }

    /// Any value a builtin may be given, mostly real numbers.
    fn value(&mut self) -> Value {
        match self.below(10) {
            0..=4 => Value::Float(self.float()),
            5..=7 => Value::Int(self.int()),
            8 => Value::Bool(self.below(2) == 1),
            _ => Value::Complex(Complex {
                re: self.float(),
                im: self.float(),
            }),
        }
    }

    /// A float uniform in `[lo, hi)`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A float where the functions of `math` are most delicate: near 0,
    /// near the integers and half-integers (poles and zeros of `gamma`,
    /// ties of `remainder`), near 1 and -1 (`acosh`, `atanh`, `log1p`),
    /// and across the range where `exp2`, `expm1` and `gamma` overflow.
    fn delicate(&mut self) -> f64 {
        let sign = if self.below(2) == 0 { 1.0 } else { -1.0 };
        match self.below(8) {
            0 => sign * self.between(0.0, 1e-5),
            1 => sign * f64::from_bits(self.below(1 << 52)), // subnormal
            2 => {
                let n = self.below(400) as f64 - 200.0;
                n + [0.0, 0.5, 1e-9, -1e-9, 1e-15][self.below(5) as usize]
            }
            3 => sign * (1.0 + self.between(-1e-6, 1e-6)),
            4 => self.between(-1100.0, 1100.0),
            5 => self.between(-40.0, 40.0),
            6 => self.between(-1.0, 1.0),
            _ => sign * self.between(0.0, 250.0),
        }
    }

    /// A value for a one-float function: mostly floats where the function
    /// is delicate, otherwise any value.
    fn real_arg(&mut self) -> Value {
        if self.below(3) == 0 {
            self.value()
        } else {
            Value::Float(self.delicate())
        }
    }

    /// A small non-negative or slightly negative int, for the integer
    /// functions whose cost grows with the argument.
    fn small_int(&mut self, max: u64) -> Value {
        Value::Int(Int(IntRepr::Small(self.below(max) as i64 - 3)))
    }
}

fn encode_f64(x: f64) -> String {
    if x.is_nan() {
        "nan".to_string()
    } else {
        x.to_bits().to_string()
    }
}

fn encode_int(i: &Int) -> String {
    match i {
        Int(IntRepr::Small(s)) => s.to_string(),
        Int(IntRepr::Big(b)) => b.to_string(),
    }
}

/// An argument on the oracle's command line.
fn encode_arg(v: &Value) -> String {
    match v {
        Value::Float(x) => format!("f:{}", x.to_bits()),
        Value::Int(i) => format!("i:{}", encode_int(i)),
        Value::Bool(b) => format!("b:{}", u8::from(*b)),
        Value::Complex(c) => format!("c:{},{}", c.re.to_bits(), c.im.to_bits()),
        Value::Builtin(b) => format!("?:{}", b.name()),
        // Flat tuples only: the items are separated by `;`.
        Value::Tuple(t) => {
            let items: Vec<String> = t.items().iter().map(encode_arg).collect();
            format!("t:{}", items.join(";"))
        }
        Value::Str(s) => format!("?:{s:?}"),
        Value::Module(m) => format!("?:{}", m.name()),
    }
}

/// A result as the oracle prints it.
fn encode_result(r: &Result<Value, crate::EvalError>) -> String {
    match r {
        Ok(v) => encode_value(v),
        Err(e) => format!("E:{}|{}", e.class(), e.message()),
    }
}

/// A value as the oracle prints it.
fn encode_value(v: &Value) -> String {
    match v {
        Value::Float(x) => format!("f:{}", encode_f64(*x)),
        Value::Int(i) => format!("i:{}", encode_int(i)),
        Value::Bool(b) => format!("b:{}", u8::from(*b)),
        Value::Complex(c) => format!("c:{},{}", encode_f64(c.re), encode_f64(c.im)),
        Value::Builtin(b) => format!("?:{}", b.repr()),
        Value::Tuple(t) => {
            let items: Vec<String> = t.items().iter().map(encode_value).collect();
            format!("t:{}", items.join(";"))
        }
        v @ (Value::Str(_) | Value::Module(_)) => format!("?:{v}"),
    }
}

/// The calls of the sample: each builtin on random arguments of the arity
/// it takes (and sometimes one it does not).
fn sample_calls(rng: &mut Rng) -> Vec<(Builtin, Vec<Value>)> {
    use Builtin as B;
    let real_1 = [
        B::Sqrt,
        B::Exp,
        B::Log,
        B::Log2,
        B::Log10,
        B::Sin,
        B::Cos,
        B::Tan,
        B::Asin,
        B::Acos,
        B::Atan,
        B::Sinh,
        B::Cosh,
        B::Tanh,
        B::Floor,
        B::Ceil,
        B::Trunc,
        B::Degrees,
        B::Radians,
        B::Fabs,
        B::Abs,
        B::Int,
        B::Float,
        B::Complex,
        B::Round,
    ];
    let real_2 = [B::Atan2, B::Fmod, B::Copysign, B::Log, B::Complex, B::Hypot];
    // The one-float functions of the rest of `math`, and `bool`.
    let delicate_1 = [
        B::Acosh,
        B::Asinh,
        B::Atanh,
        B::Cbrt,
        B::Erf,
        B::Erfc,
        B::Exp2,
        B::Expm1,
        B::Log1p,
        B::Gamma,
        B::Lgamma,
        B::Isfinite,
        B::Isinf,
        B::Isnan,
        B::Ulp,
        B::Bool,
    ];
    let mut calls = Vec::new();
    for _ in 0..300 {
        for f in delicate_1 {
            calls.push((f, vec![rng.real_arg()]));
            calls.push((f, vec![rng.real_arg()]));
        }
        for f in [B::Remainder, B::Nextafter, B::Isclose] {
            calls.push((f, vec![rng.real_arg(), rng.real_arg()]));
            calls.push((f, vec![rng.value(), rng.value()]));
        }
        // Ties and near-ties of remainder: x an odd multiple of y/2.
        let y = rng.float();
        let k = (2 * rng.below(1000) + 1) as f64;
        calls.push((
            B::Remainder,
            vec![Value::Float(k * y / 2.0), Value::Float(y)],
        ));
        // Values about 1e-9 apart in relative terms: isclose's threshold.
        let a = rng.float();
        let rel = 1.0 + (rng.below(5) as f64 - 2.0) * 5e-10;
        calls.push((B::Isclose, vec![Value::Float(a), Value::Float(a * rel)]));
        // ldexp with exponents around the float range, beyond C's int and
        // beyond C's long, and of the wrong type.
        let e = match rng.below(4) {
            0 => Value::Int(Int(IntRepr::Small(rng.below(2300) as i64 - 1150))),
            1 => Value::Int(Int(IntRepr::Small((rng.next() as i64) >> rng.below(40)))),
            2 => Value::Int(rng.int()),
            _ => rng.value(),
        };
        calls.push((B::Ldexp, vec![rng.real_arg(), e]));
        let n = rng.below(5) as usize;
        calls.push((B::Lcm, (0..n).map(|_| Value::Int(rng.int())).collect()));
        calls.push((B::Lcm, vec![rng.small_int(1000), rng.small_int(1000)]));
        for f in real_1 {
            calls.push((f, vec![rng.value()]));
        }
        for f in real_2 {
            calls.push((f, vec![rng.value(), rng.value()]));
        }
        let n = rng.below(5) as usize;
        calls.push((
            B::Hypot,
            (0..n).map(|_| Value::Float(rng.float())).collect(),
        ));
        let nd = Value::Int(Int(IntRepr::Small(rng.below(700) as i64 - 350)));
        calls.push((B::Round, vec![Value::Float(rng.float()), nd.clone()]));
        calls.push((B::Round, vec![Value::Int(rng.int()), nd]));
        let small_nd = Value::Int(Int(IntRepr::Small(rng.below(40) as i64 - 20)));
        calls.push((B::Round, vec![Value::Float(rng.float()), small_nd]));
        // Short decimal fractions: where round()'s ties and near-ties are.
        let decimal = (rng.below(2_000_000) as f64 - 1_000_000.0)
            / [8.0, 100.0, 1000.0][rng.below(3) as usize];
        let nd = Value::Int(Int(IntRepr::Small(rng.below(6) as i64 - 1)));
        calls.push((B::Round, vec![Value::Float(decimal), nd]));
        let (a, b) = (Value::Int(rng.int()), Value::Int(rng.int()));
        calls.push((B::Gcd, vec![a.clone(), b.clone()]));
        calls.push((B::Pow, vec![a, b, Value::Int(rng.int())]));
        let e = Value::Int(Int(IntRepr::Small(rng.below(2000) as i64 - 100)));
        calls.push((
            B::Pow,
            vec![Value::Int(rng.int()), e, Value::Int(rng.int())],
        ));
        calls.push((B::Isqrt, vec![Value::Int(rng.int())]));
        calls.push((B::Factorial, vec![rng.small_int(300)]));
        calls.push((B::Comb, vec![rng.small_int(400), rng.small_int(200)]));
        calls.push((B::Perm, vec![rng.small_int(400), rng.small_int(60)]));
        calls.push((B::Complex, vec![]));
        // Through `ops`: comparisons for min/max, `**` for pow.
        let n = 2 + rng.below(3) as usize;
        let items: Vec<Value> = (0..n).map(|_| rng.value()).collect();
        calls.push((B::Min, items.clone()));
        calls.push((B::Max, items));
        calls.push((B::Pow, vec![rng.value(), Value::Float(rng.float())]));
        let e = Value::Int(Int(IntRepr::Small(rng.below(40) as i64 - 10)));
        calls.push((B::Pow, vec![rng.value(), e]));
        // The functions that make or take tuples.
        calls.push((B::Divmod, vec![rng.value(), rng.value()]));
        calls.push((B::Divmod, vec![rng.real_arg(), rng.real_arg()]));
        calls.push((
            B::Divmod,
            vec![Value::Int(rng.int()), Value::Int(rng.int())],
        ));
        calls.push((B::Frexp, vec![rng.value()]));
        calls.push((B::Modf, vec![rng.value()]));
        let n = rng.below(5) as usize;
        let items: Vec<Value> = (0..n).map(|_| rng.value()).collect();
        let reals: Vec<Value> = (0..n).map(|_| rng.real_arg()).collect();
        let others: Vec<Value> = (0..n).map(|_| rng.real_arg()).collect();
        let tuple = |v: &[Value]| Value::Tuple(crate::Tuple::from(v.to_vec()));
        for f in [B::Sum, B::Min, B::Max, B::Fsum, B::Prod] {
            calls.push((f, vec![tuple(&items)]));
            calls.push((f, vec![tuple(&reals)]));
        }
        calls.push((B::Sum, vec![tuple(&reals), rng.value()]));
        calls.push((B::Dist, vec![tuple(&reals), tuple(&others)]));
        calls.push((B::Dist, vec![tuple(&items), tuple(&reals)]));
    }
    calls
}

/// Runs the oracle on `calls`, one result line per call.
fn oracle(calls: &[(Builtin, Vec<Value>)]) -> Vec<String> {
    let mut input = String::new();
    for (f, args) in calls {
        let _ = write!(input, "{}", f.name());
        for a in args {
            let _ = write!(input, " {}", encode_arg(a));
        }
        input.push('\n');
    }
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (the oracle) must be installed to run this test");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("write to python3");
    let out = child.wait_with_output().expect("python3 output");
    assert!(out.status.success(), "python3 failed");
    let text = String::from_utf8(out.stdout).expect("utf-8 from python3");
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(lines.len(), calls.len(), "one oracle line per call");
    lines
}

/// Compares every call with the oracle; `exact_messages` also compares
/// error messages, not only classes.
fn compare_with_python(calls: &[(Builtin, Vec<Value>)], exact_messages: bool) {
    let expected = oracle(calls);
    println!("{} calls compared with python3", calls.len());
    let limits = Limits::default();
    let strip = |s: &str| -> String {
        if exact_messages {
            return s.to_string();
        }
        match s.split_once('|') {
            Some((class, _)) if s.starts_with("E:") => class.to_string(),
            _ => s.to_string(),
        }
    };
    let mut failures = Vec::new();
    for ((f, args), want) in calls.iter().zip(&expected) {
        let mut budget = Budget::new(&limits);
        let got = strip(&encode_result(&call(*f, args, &mut budget)));
        let want = strip(want);
        if got != want {
            let shown: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
            failures.push(format!(
                "{}({}): got {got}, python3 {want}",
                f.name(),
                shown.join(", ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} calls differ from python3:\n{}",
        failures.len(),
        calls.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn builtins_match_python3_bit_for_bit() {
    let mut rng = Rng(ChaCha8Rng::seed_from_u64(0x9e37_79b9_7f4a_7c15));
    compare_with_python(&sample_calls(&mut rng), false);
}

#[test]
fn error_messages_match_python3() {
    let values = [
        Value::Int(Int(IntRepr::Small(1))),
        Value::Int(Int(IntRepr::Small(-1))),
        Value::Int(Int(IntRepr::Small(0))),
        Value::Float(1.5),
        Value::Float(f64::NAN),
        Value::Complex(Complex { re: 0.0, im: 1.0 }),
        Value::Bool(true),
        Value::Builtin(Builtin::Abs),
        Value::Builtin(Builtin::Int),
        Value::Int(Int::from_bigint(BigInt::from(10u8).pow(400u32))),
    ];
    let mut calls = Vec::new();
    for f in Builtin::ALL {
        calls.push((f, vec![]));
        for a in &values {
            calls.push((f, vec![a.clone()]));
            for b in &values {
                // int ** (10**400) would run python3 out of memory; it is
                // LimitError here, the evaluator's concern, not the oracle's.
                let huge_power = f == Builtin::Pow
                    && matches!(a, Value::Int(_) | Value::Bool(_))
                    && matches!(b, Value::Int(Int(IntRepr::Big(_))));
                if !huge_power {
                    calls.push((f, vec![a.clone(), b.clone()]));
                }
            }
        }
        for (k, a) in values.iter().enumerate() {
            let b = &values[(k * 3 + 1) % values.len()];
            let c = &values[(k * 7 + 2) % values.len()];
            calls.push((f, vec![a.clone(), b.clone(), c.clone()]));
            calls.push((f, vec![a.clone(), b.clone(), c.clone(), a.clone()]));
            // Five: past the most any builtin takes (isclose's four).
            calls.push((
                f,
                vec![a.clone(), b.clone(), c.clone(), a.clone(), b.clone()],
            ));
        }
    }
    compare_with_python(&calls, true);
}
