//! Greatest common divisor of big ints by Lehmer's algorithm (Knuth,
//! TAOCP vol. 2, 4.5.2, Algorithm L): the quotient sequence is run on the
//! leading 62 bits in machine words, and the big operands are updated once
//! per run of quotients, so the cost is about `words**2` instead of the
//! `bits * words` of the binary algorithm.

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

/// `gcd(a, b)` for non-negative `a`, `b`.
pub(super) fn gcd(a: &BigUint, b: &BigUint) -> BigUint {
    let (mut a, mut b) = if a >= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    };
    // Invariant: a >= b.
    while !b.is_zero() {
        let n = a.bits();
        if n <= 64 {
            let (x, y) = (a.to_u64().unwrap_or(0), b.to_u64().unwrap_or(0));
            return BigUint::from(x.gcd(&y));
        }
        let (q_run, (ca, cb, cc, cd)) = leading_quotients(&a, &b);
        if !q_run {
            // No quotient was certain: one full division step.
            let r = &a % &b;
            a = b;
            b = r;
        } else {
            let (ba, bb) = (BigInt::from(a), BigInt::from(b));
            let na = &ba * ca + &bb * cb;
            let nb = &ba * cc + &bb * cd;
            a = na.magnitude().clone();
            b = nb.magnitude().clone();
            if a < b {
                std::mem::swap(&mut a, &mut b);
            }
        }
    }
    a
}

/// The inverse of `x` modulo `m` (`m > 1`), if `gcd(x, m) == 1`: Lehmer's
/// algorithm on `(m, x)`, carrying for each remainder `r` a cofactor `t`
/// with `t * x == r (mod m)` through the same steps.
pub(super) fn invmod(x: &BigUint, m: &BigUint) -> Option<BigUint> {
    let mut a = m.clone();
    let mut b = x % m;
    let (mut ta, mut tb) = (BigInt::zero(), BigInt::from(1u8));
    while !b.is_zero() {
        let (q_run, (ca, cb, cc, cd)) = leading_quotients(&a, &b);
        if q_run {
            let (ba, bb) = (BigInt::from(a), BigInt::from(b));
            a = (&ba * ca + &bb * cb).magnitude().clone();
            b = (&ba * cc + &bb * cd).magnitude().clone();
            let (na, nb) = (&ta * ca + &tb * cb, &ta * cc + &tb * cd);
            (ta, tb) = (na, nb);
        } else {
            let (q, r) = a.div_rem(&b);
            let nt = &ta - BigInt::from(q) * &tb;
            (a, b) = (b, r);
            (ta, tb) = (tb, nt);
        }
        if a < b {
            std::mem::swap(&mut a, &mut b);
            std::mem::swap(&mut ta, &mut tb);
        }
    }
    if a != BigUint::from(1u8) {
        return None;
    }
    Some(ta.mod_floor(&BigInt::from(m.clone())).magnitude().clone())
}

/// Knuth's inner loop on the leading 62 bits of `a >= b`: the cofactors
/// `(A, B, C, D)` of the quotient steps that are certain, and whether there
/// were any.
fn leading_quotients(a: &BigUint, b: &BigUint) -> (bool, (i128, i128, i128, i128)) {
    let n = a.bits();
    let shift = n.saturating_sub(62);
    let mut x = (a >> shift).to_i128().unwrap_or(0);
    let mut y = (b >> shift).to_i128().unwrap_or(0);
    let (mut ca, mut cb, mut cc, mut cd) = (1i128, 0i128, 0i128, 1i128);
    loop {
        if y + cc == 0 || y + cd == 0 {
            break;
        }
        let q = (x + ca) / (y + cc);
        if q != (x + cb) / (y + cd) {
            break;
        }
        (ca, cc) = (cc, ca - q * cc);
        (cb, cd) = (cd, cb - q * cd);
        (x, y) = (y, x - q * y);
    }
    (cb != 0, (ca, cb, cc, cd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_binary_gcd() {
        let mut rng = crate::testing::Rng::seeded(0x0bad_5eed_dead_beef);
        let mut next = move || rng.next_u64();
        let mut random = |words: u64| {
            let mut b = BigUint::zero();
            for _ in 0..words {
                b = (b << 64u32) + BigUint::from(next());
            }
            b
        };
        for round in 0..300u64 {
            let common = random(1 + round % 5);
            let a = random(round % 40) * &common;
            let b = random((round * 7) % 40) * &common;
            assert_eq!(gcd(&a, &b), Integer::gcd(&a, &b), "gcd({a}, {b})");
        }
        // invmod agrees with the inverse checked by multiplication
        for round in 0..200u64 {
            let m = random(1 + round % 12) + 2u8;
            let x = random(1 + round % 9);
            match invmod(&x, &m) {
                Some(inv) => {
                    assert!(inv < m);
                    assert_eq!((&x * &inv) % &m, BigUint::from(1u8), "invmod({x}, {m})");
                }
                None => assert_ne!(Integer::gcd(&x, &m), BigUint::from(1u8), "invmod({x}, {m})"),
            }
        }
        // Fibonacci neighbours: the longest quotient sequences (all ones).
        let (mut f0, mut f1) = (BigUint::from(1u8), BigUint::from(1u8));
        for _ in 0..3000 {
            let f2 = &f0 + &f1;
            f0 = f1;
            f1 = f2;
        }
        assert_eq!(gcd(&f1, &f0), BigUint::from(1u8));
        let inv = invmod(&f0, &f1).unwrap();
        assert_eq!((&f0 * inv) % &f1, BigUint::from(1u8));
        assert_eq!(gcd(&(&f1 * 6u8), &(&f0 * 4u8)), BigUint::from(2u8));
        // gcd(x, 0) == x ; gcd(0, 0) == 0
        assert_eq!(gcd(&f1, &BigUint::zero()), f1);
        assert_eq!(gcd(&BigUint::zero(), &BigUint::zero()), BigUint::zero());
    }
}
