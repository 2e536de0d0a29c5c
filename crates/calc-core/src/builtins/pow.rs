//! `pow(base, exp[, mod])`. Two arguments are the `**` operator; three go
//! through CPython's `ternary_op` dispatch (each operand type's `__pow__`
//! in turn) and, for ints, `long_pow`'s modular exponentiation, including a
//! negative exponent through the modular inverse (Python 3.8+).

use crate::value::IntRepr;
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::ast::BinOp;
use crate::budget::Budget;
use crate::{ops, EvalError, Int, Value};

use super::args::as_int;
use super::cost;

/// `pow(base, exp[, mod])`.
pub(super) fn pow(args: &[Value], budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    match args {
        [] => Err(EvalError::type_error(
            "pow() missing required argument 'base' (pos 1)",
        )),
        [_] => Err(EvalError::type_error(
            "pow() missing required argument 'exp' (pos 2)",
        )),
        [b, e] => ops::binary(BinOp::Pow, b, e, budget),
        [b, e, m] => ternary(b, e, m, budget),
        _ => Err(EvalError::type_error(format!(
            "pow() takes at most 3 arguments ({} given)",
            args.len()
        ))),
    }
}

/// The numeric tower position of a value: which type's `__pow__` applies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Complex,
    Other,
}

fn kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) | Value::Int(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Complex(_) => Kind::Complex,
        Value::Builtin(_) | Value::Tuple(_) | Value::Str(_) | Value::Module(_) => Kind::Other,
    }
}

/// `ternary_op(base, exp, mod, nb_power)`: the slots of the three operand
/// types are tried in order (each type once); int's wants three ints,
/// float's refuses any modulus, complex's one with numeric base and exponent.
fn ternary(b: &Value, e: &Value, m: &Value, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let mut tried: Vec<Kind> = Vec::with_capacity(3);
    for k in [kind(b), kind(e), kind(m)] {
        if tried.contains(&k) {
            continue;
        }
        tried.push(k);
        match k {
            Kind::Int => {
                if let (Some(b), Some(e), Some(m)) = (as_int(b), as_int(e), as_int(m)) {
                    return modpow(&b, &e, &m, budget).map(Value::Int);
                }
            }
            // float_pow rejects a modulus before looking at its operands.
            Kind::Float => {
                return Err(EvalError::type_error(
                    "pow() 3rd argument not allowed unless all arguments are integers",
                ))
            }
            // complex_pow first converts base, then exponent (NotImplemented
            // for a non-number, OverflowError for a huge int), then rejects
            // the modulus.
            Kind::Complex if complex_operand(b)? && complex_operand(e)? => {
                return Err(EvalError::value("complex modulo"));
            }
            _ => {}
        }
    }
    Err(EvalError::type_error(format!(
        "unsupported operand type(s) for ** or pow(): '{}', '{}', '{}'",
        b.type_name(),
        e.type_name(),
        m.type_name()
    )))
}

/// complex's `to_complex`: whether `v` converts (`false` means
/// NotImplemented); an int beyond the float range is an OverflowError.
fn complex_operand(v: &Value) -> Result<bool, EvalError> {
    match v {
        Value::Int(i) => i.to_f64().map(|_| true),
        Value::Builtin(_) | Value::Str(_) | Value::Module(_) | Value::Tuple(_) => Ok(false),
        _ => Ok(true),
    }
}

/// `long_pow` with a modulus: the result has the sign of `m` (or is 0).
fn modpow(b: &Int, e: &Int, m: &Int, budget: &mut Budget<'_>) -> Result<Int, EvalError> {
    if m.is_zero() {
        return Err(EvalError::value("pow() 3rd argument cannot be 0"));
    }
    let modulus = m.to_bigint().magnitude().clone();
    if modulus.is_one() {
        return Ok(Int(IntRepr::Small(0)));
    }
    let mw = cost::words(modulus.bits());
    let bw = cost::words(b.bit_length());
    budget.charge(cost::div(bw, mw))?;
    let big_m = BigInt::from(modulus.clone());
    let mut base = b.to_bigint().mod_floor(&big_m).magnitude().clone();
    let mut exp = e.to_bigint();
    if exp.is_negative() {
        budget.charge(cost::invmod(mw))?;
        base = super::gcd::invmod(&base, &modulus)
            .ok_or_else(|| EvalError::value("base is not invertible for the given modulus"))?;
        exp = -exp;
    }
    let kind = if modulus.bit(0) {
        cost::Modulus::Odd
    } else {
        cost::Modulus::Even
    };
    let ladder = cost::modpow(exp.bits(), mw, kind);
    let r = match (modulus.to_u64(), exp.to_u64(), base.to_u64()) {
        (Some(m64), Some(e64), Some(b64)) => BigUint::from(modpow_u64(b64, e64, m64)),
        // num-bigint's ladder runs every bit of the exponent's words and the
        // Montgomery one builds a 16-entry table first: for a short exponent
        // plain square-and-multiply can be cheaper.
        (_, Some(e64), _) if cost::modpow_plain(e64, mw) < ladder => {
            budget.charge(cost::modpow_plain(e64, mw))?;
            modpow_plain(&base, e64, &modulus)
        }
        _ => {
            budget.charge(ladder)?;
            base.modpow(exp.magnitude(), &modulus)
        }
    };
    let r = BigInt::from(r);
    let r = if m.is_negative() && !r.is_zero() {
        r - BigInt::from(modulus)
    } else {
        r
    };
    Ok(Int::from_bigint(r))
}

/// `base**e % m` by left-to-right square-and-multiply, `base < m`.
fn modpow_plain(base: &BigUint, e: u64, m: &BigUint) -> BigUint {
    let mut acc = BigUint::from(1u8) % m;
    for i in (0..64 - e.leading_zeros()).rev() {
        acc = &acc * &acc % m;
        if (e >> i) & 1 == 1 {
            acc = acc * base % m;
        }
    }
    acc
}

/// `b**e % m` for word-sized operands, with 128-bit intermediate products.
fn modpow_u64(b: u64, mut e: u64, m: u64) -> u64 {
    let m128 = u128::from(m);
    let mut base = u128::from(b) % m128;
    let mut acc: u128 = 1 % m128;
    while e > 0 {
        if e & 1 == 1 {
            acc = acc * base % m128;
        }
        base = base * base % m128;
        e >>= 1;
    }
    // acc < m, which fits in a u64.
    acc as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Complex, Limits};

    fn call(args: &[Value]) -> Result<Value, EvalError> {
        let limits = Limits::default();
        let mut budget = Budget::new(&limits);
        pow(args, &mut budget)
    }

    fn i(v: i64) -> Value {
        Value::Int(Int(IntRepr::Small(v)))
    }

    fn big(b: BigInt) -> Value {
        Value::Int(Int::from_bigint(b))
    }

    fn msg(r: Result<Value, EvalError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn modular() {
        // pow(3, 4, -5) == -4 ; pow(3, -1, 7) == 5 ; pow(5, -1, 1) == 0 ; pow(True, True, 2) == 1
        assert_eq!(call(&[i(3), i(4), i(-5)]).unwrap(), i(-4));
        assert_eq!(call(&[i(3), i(-1), i(7)]).unwrap(), i(5));
        assert_eq!(call(&[i(5), i(-1), i(1)]).unwrap(), i(0));
        assert_eq!(
            call(&[Value::Bool(true), Value::Bool(true), i(2)]).unwrap(),
            i(1)
        );
        // pow(-2, 3, 5) == 2 ; pow(2, 0, 5) == 1 ; pow(0, 0, 7) == 1 ; pow(-3, -3, -7) == -6
        assert_eq!(call(&[i(-2), i(3), i(5)]).unwrap(), i(2));
        assert_eq!(call(&[i(2), i(0), i(5)]).unwrap(), i(1));
        assert_eq!(call(&[i(0), i(0), i(7)]).unwrap(), i(1));
        // pow(3, -1, 3**30000+2) % 1000 == 668 ; pow(7, 5, 3**300) % 1000 == 807 (python3)
        let m = BigInt::from(3u8).pow(30000u32) + 2u8;
        let Value::Int(r) = call(&[i(3), i(-1), big(m)]).unwrap() else {
            panic!()
        };
        assert_eq!((r.to_bigint() % 1000u32).to_string(), "668");
        let Value::Int(r) = call(&[i(7), i(5), big(BigInt::from(3u8).pow(300u32))]).unwrap() else {
            panic!()
        };
        assert_eq!((r.to_bigint() % 1000u32).to_string(), "807");
        assert_eq!(call(&[i(-3), i(-3), i(-7)]).unwrap(), i(-6));
        // pow(2, 10**20, 10**9+7) == 855473248 (python3)
        let e = BigInt::from(10u8).pow(20u32);
        assert_eq!(
            call(&[i(2), big(e), i(1_000_000_007)]).unwrap(),
            i(855_473_248)
        );
        // pow(3, 10**1000, 10**1000+1) succeeds; pow(...) % (10**9+7) == 550608263 in python3
        let m = BigInt::from(10u8).pow(1000u32) + 1;
        let Value::Int(r) = call(&[i(3), big(BigInt::from(10u8).pow(1000u32)), big(m)]).unwrap()
        else {
            panic!()
        };
        assert_eq!((r.to_bigint() % 1_000_000_007u64).to_string(), "550608263");
        // pow(3, 2**1000000, 2**1000000+1) is refused at once
        let e = BigInt::from(1u8) << 1_000_000u32;
        let m = &e + 1;
        let t = std::time::Instant::now();
        assert_eq!(
            call(&[i(3), big(e), big(m)]).unwrap_err().class(),
            "LimitError"
        );
        assert!(t.elapsed().as_millis() < 50);
    }

    #[test]
    fn modular_errors() {
        assert_eq!(
            msg(call(&[i(2), i(3), i(0)])),
            "ValueError: pow() 3rd argument cannot be 0"
        );
        assert_eq!(
            msg(call(&[i(2), i(-1), i(4)])),
            "ValueError: base is not invertible for the given modulus"
        );
        assert_eq!(
            msg(call(&[i(0), i(-1), i(5)])),
            "ValueError: base is not invertible for the given modulus"
        );
    }

    #[test]
    fn dispatch_errors() {
        let fl = Value::Float(2.0);
        let j = Value::Complex(Complex { re: 0.0, im: 1.0 });
        let f = Value::Builtin(crate::Builtin::Abs);
        let not_allowed =
            "TypeError: pow() 3rd argument not allowed unless all arguments are integers";
        assert_eq!(msg(call(&[fl.clone(), i(3), i(5)])), not_allowed);
        assert_eq!(msg(call(&[i(2), fl.clone(), i(5)])), not_allowed);
        assert_eq!(msg(call(&[i(2), i(3), fl.clone()])), not_allowed);
        assert_eq!(
            msg(call(&[j.clone(), i(2), i(3)])),
            "ValueError: complex modulo"
        );
        assert_eq!(
            msg(call(&[i(2), i(3), j.clone()])),
            "ValueError: complex modulo"
        );
        // pow(2.0, 1j, 3) and pow(abs, 2.0, 1j): float's slot comes first
        assert_eq!(msg(call(&[fl.clone(), j.clone(), i(3)])), not_allowed);
        assert_eq!(msg(call(&[f.clone(), fl.clone(), j.clone()])), not_allowed);
        // pow(10**400, int, 1j) -> OverflowError (complex_pow converts the base first)
        let huge = big(BigInt::from(10u8).pow(400u32));
        let int_type = Value::Builtin(crate::Builtin::Int);
        assert_eq!(
            msg(call(&[huge.clone(), int_type.clone(), j.clone()])),
            "OverflowError: int too large to convert to float"
        );
        // pow(int, 10**400, 1j) -> unsupported (the base is not a number)
        assert_eq!(
            msg(call(&[int_type, huge, j.clone()])),
            "TypeError: unsupported operand type(s) for ** or pow(): 'type', 'int', 'complex'"
        );
        // pow(abs, 1j, 3)
        assert_eq!(
            msg(call(&[f.clone(), j.clone(), i(3)])),
            "TypeError: unsupported operand type(s) for ** or pow(): 'builtin_function_or_method', 'complex', 'int'"
        );
        assert_eq!(
            msg(call(&[f.clone(), i(2), i(3)])),
            "TypeError: unsupported operand type(s) for ** or pow(): 'builtin_function_or_method', 'int', 'int'"
        );
        assert_eq!(
            msg(call(&[i(2), i(3), f])),
            "TypeError: unsupported operand type(s) for ** or pow(): 'int', 'int', 'builtin_function_or_method'"
        );
        assert_eq!(
            msg(call(&[])),
            "TypeError: pow() missing required argument 'base' (pos 1)"
        );
        assert_eq!(
            msg(call(&[i(1)])),
            "TypeError: pow() missing required argument 'exp' (pos 2)"
        );
        assert_eq!(
            msg(call(&[i(1), i(2), i(3), i(4)])),
            "TypeError: pow() takes at most 3 arguments (4 given)"
        );
    }
}
