//! Up-front cost estimates of the big-int algorithms the builtins run, in
//! the budget's unit (about one machine-word operation), so that a call is
//! refused before its work starts rather than interrupted.

/// Machine words needed for `bits` bits.
pub(super) fn words(bits: u64) -> u64 {
    bits.div_ceil(64).max(1)
}

/// Work units per nanosecond of measured time. The budget's unit is the
/// time of about 0.6 ns of the slowest-per-unit operation on the reference
/// machine (release build, the shared 2-core build host), so that the
/// default budget of 2**26 units is at most ~40 ms of work. The fits below
/// are in nanoseconds, measured with `examples/sweep.rs` (fastest of 7-15
/// runs), and converted here.
const UNITS_PER_NS: f64 = 5.0 / 3.0;

/// `ns` nanoseconds of estimated time in work units (saturating).
fn units(ns: f64) -> u64 {
    // `as` saturates: an infinite or huge estimate becomes u64::MAX.
    (ns * UNITS_PER_NS) as u64
}

/// Multiplying an `a`-word by a `b`-word number, in units: the evaluator's
/// calibrated model (schoolbook, then Karatsuba / Toom-3).
pub(super) fn mul(a: u64, b: u64) -> u64 {
    crate::budget::mul_cost(a.saturating_mul(64), b.saturating_mul(64))
}

/// Dividing an `a`-word number by a `b`-word one, in units: the
/// evaluator's calibrated model of num-bigint's long division.
pub(super) fn div(a: u64, b: u64) -> u64 {
    crate::budget::div_cost(a.saturating_mul(64), b.saturating_mul(64))
}

/// A balanced product tree whose result has `result_words` words over
/// `leaves` word-sized leaves. The top product dominates and the levels
/// below add a geometric series; measured (factorial, perm, comb's
/// denominator) at up to 5 times the top product, plus ~30 ns a leaf
/// (the leaf loop and one allocation each).
pub(super) fn product_tree(result_words: u64, leaves: u64) -> u64 {
    let half = result_words.div_ceil(2);
    mul(half, half)
        .saturating_mul(5)
        .saturating_add(units(30.0 * leaves as f64))
}

/// `base**exp % m` by num-bigint's `modpow` for an `exp_bits`-bit exponent
/// and an `mw`-word modulus, in units. num-bigint runs every bit of the
/// exponent's words (so the count is padded to whole words):
/// - odd modulus: a Montgomery ladder in 32-bit digits with a 16-entry
///   table; measured 3.4 mw² + 14 mw + 60 ns per exponent bit
///   (1 to 257 words), and a set-up;
/// - even modulus: a squaring and a long division per bit, and a product
///   and a division per set bit: 6.5 mw² + 90 mw + 700 ns per bit with
///   every bit set. (A power of two is not special-cased by num-bigint:
///   with long exponents it measured faster, ~0.9 µs a bit at 17 words,
///   but with a one-word exponent up to 3 µs a bit at 16 words, so it is
///   charged as any even modulus.)
pub(super) fn modpow(exp_bits: u64, mw: u64, modulus: Modulus) -> u64 {
    let bits = exp_bits.div_ceil(64).saturating_mul(64) as f64;
    let w = mw as f64;
    let per_bit = match modulus {
        Modulus::Odd => 3.4 * w * w + 14.0 * w + 60.0,
        Modulus::Even => 6.5 * w * w + 90.0 * w + 700.0,
    };
    // Montgomery's set-up (the table, R**2 mod m, conversions) costs about
    // 16 products and a few microseconds more, measured on short exponents.
    let (table, setup) = if modulus == Modulus::Odd {
        (16.0, 6000.0 + 200.0 * w)
    } else {
        (0.0, 0.0)
    };
    units((bits + table) * per_bit + setup)
}

/// The kind of modulus, which decides num-bigint's `modpow` algorithm.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Modulus {
    /// Montgomery multiplication.
    Odd,
    /// Long division per step.
    Even,
}

/// `base**e % m` by plain square-and-multiply for an `e` of `exp` and an
/// `mw`-word modulus, in units: a squaring and a division per bit and a
/// product and a division per set bit. Measured per step: the squaring
/// (the evaluator's model) plus 0.7 mw² + 100 mw + 500 ns for the
/// division and the allocations (52 to 469 words).
pub(super) fn modpow_plain(exp: u64, mw: u64) -> u64 {
    let bits = u64::from(64 - exp.leading_zeros());
    let ones = u64::from(exp.count_ones());
    let w = mw as f64;
    let step = mul(mw, mw).saturating_add(units(0.7 * w * w + 100.0 * w + 500.0));
    bits.saturating_add(ones).saturating_mul(step)
}

/// Lehmer's gcd of ints of at most `w` words (after the first division),
/// in units: a pass over the words per ~60 bits removed, each pass with
/// several allocations; measured 11-13 w² + 2300 w ns (300 to 3200 words),
/// and up to twice the linear term on small operands (25 words).
pub(super) fn gcd(w: u64) -> u64 {
    let w = w as f64;
    units(13.0 * w * w + 4000.0 * w)
}

/// A product tree over `leaves` big-int leaves (`perm`/`comb` with an `n`
/// beyond 64 bits): each leaf is a subtraction and an allocation, and the
/// tree's products are of few words; measured ~500 ns a leaf.
pub(super) fn big_leaves(leaves: u64) -> u64 {
    units(500.0 * leaves as f64)
}

/// The modular inverse by extended Lehmer for a `w`-word modulus, in
/// units: the gcd's passes, each also updating a cofactor; measured
/// 19 w² + 7000 w ns (300 to 3200 words).
pub(super) fn invmod(w: u64) -> u64 {
    let w = w as f64;
    units(19.0 * w * w + 7000.0 * w)
}

/// num-bigint's integer square root (Newton's method from a float start)
/// of a `w`-word int, in units: the precision doubles per step, so the
/// last, full-size divisions dominate; measured at most 1.6 w² + 1600 w
/// ns (300 to 3200 words).
pub(super) fn isqrt(w: u64) -> u64 {
    let w = w as f64;
    units(1.6 * w * w + 1600.0 * w)
}

/// `log2(n!)` by Stirling's series, an estimate accurate to a bit for the
/// sizes that matter here (0 for `n < 2`).
pub(super) fn log2_factorial(n: f64) -> f64 {
    if n < 2.0 {
        return 0.0;
    }
    let ln = n * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI * n).ln() + 1.0 / (12.0 * n);
    ln / std::f64::consts::LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stirling_is_close() {
        // math.log2(math.factorial(1000)) == 8529.398004204...
        assert!((log2_factorial(1000.0) - 8529.398).abs() < 0.01);
        // factorial(10) == 3628800 -> log2 21.791...
        assert!((log2_factorial(10.0) - 21.791).abs() < 0.01);
        assert_eq!(log2_factorial(1.0), 0.0);
    }

    #[test]
    fn costs_grow() {
        assert_eq!(words(0), 1);
        assert_eq!(words(65), 2);
        assert!(mul(2, 3) >= 6);
        assert!(mul(1000, 1000) < 10_000_000);
        assert!(mul(1000, 1000) > 100_000);
        assert!(div(10, 3) >= 24);
        assert!(product_tree(100, 1000) > mul(50, 50));
        // pow(3, 10**1000, 10**1000 + 1) fits the default budget (~30 ms),
        // pow(10**1000, 18**1012, 20**1015 + 9) does not (~75 ms).
        assert!(modpow(3322, 52, Modulus::Odd) < 1 << 26);
        assert!(modpow(4220, 69, Modulus::Odd) > 1 << 26);
        assert!(modpow(1 << 20, 16384, Modulus::Odd) > 1 << 40);
        // An even modulus costs more than an odd one.
        assert!(modpow(3322, 52, Modulus::Even) > modpow(3322, 52, Modulus::Odd));
        assert_eq!(units(f64::INFINITY), u64::MAX);
        assert!(gcd(2000) > 1 << 26 && gcd(1500) < 1 << 26);
        assert!(invmod(1500) > gcd(1500));
    }
}
