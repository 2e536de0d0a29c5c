//! Up-front cost estimates of the big-int algorithms the builtins run, in
//! the budget's unit (about one machine-word operation), so that a call is
//! refused before its work starts rather than interrupted.

/// Machine words needed for `bits` bits.
pub(super) fn words(bits: u64) -> u64 {
    bits.div_ceil(64).max(1)
}

/// Multiplying an `a`-word by a `b`-word number: schoolbook below the
/// Karatsuba threshold, `n**1.585` per balanced chunk above it.
pub(super) fn mul(a: u64, b: u64) -> u64 {
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    if small <= 32 {
        return small.saturating_mul(large);
    }
    let chunks = large.div_ceil(small);
    let kara = 4.0 * (small as f64).powf(1.585);
    chunks.saturating_mul(kara as u64)
}

/// Dividing an `a`-word number by a `b`-word one (schoolbook long division).
pub(super) fn div(a: u64, b: u64) -> u64 {
    a.saturating_sub(b).saturating_add(1).saturating_mul(b)
}

/// A balanced product tree whose result has `result_words` words and whose
/// leaves are `leaves` machine words. With sub-quadratic multiplication the
/// top product dominates and the levels below add a geometric series; the
/// factor is calibrated on num-bigint (release build, this machine).
pub(super) fn product_tree(result_words: u64, leaves: u64) -> u64 {
    let half = result_words.div_ceil(2);
    mul(half, half).saturating_mul(6).saturating_add(leaves)
}

/// `base**exp % m` by num-bigint's `modpow` for an `exp_bits`-bit exponent
/// and an `mw`-word modulus. An odd modulus takes its Montgomery ladder: a
/// 16-entry table, then 5 products per 4 exponent bits, padded to whole
/// words, each quadratic; an even one squares, multiplies and divides per
/// bit.
pub(super) fn modpow(exp_bits: u64, mw: u64, odd: bool) -> u64 {
    let square = mw.saturating_mul(mw);
    if odd {
        let padded = exp_bits.div_ceil(64).saturating_mul(64);
        let products = padded.saturating_mul(5) / 4 + 16;
        // Beyond cache sizes the quadratic loops slow down further.
        let per = square
            .saturating_mul(2)
            .saturating_add(square.saturating_mul(mw) / 1000);
        products.saturating_mul(per)
    } else {
        exp_bits.saturating_mul(square).saturating_mul(3)
    }
}

/// `base**e % m` by plain square-and-multiply for an `e` of `exp` and an
/// `mw`-word modulus: a squaring, a division and, on set bits, a product
/// per bit.
pub(super) fn modpow_plain(exp: u64, mw: u64) -> u64 {
    let bits = u64::from(64 - exp.leading_zeros());
    let ones = u64::from(exp.count_ones());
    let step = mul(mw, mw).saturating_add(div(2 * mw, mw));
    bits.saturating_add(ones).saturating_mul(step)
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
        assert_eq!(mul(2, 3), 6);
        assert!(mul(1000, 1000) < 1_000_000);
        assert!(mul(1000, 1000) > 10_000);
        assert_eq!(div(10, 3), 24);
        assert!(product_tree(100, 1000) > mul(50, 50));
        assert!(modpow(3322, 52, true) < 30_000_000);
        assert!(modpow(1 << 20, 16384, true) > 1 << 40);
    }
}
