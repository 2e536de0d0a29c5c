//! The platform C math library's functions that Rust's `f64` methods do
//! not reach, or reach through a formula of Rust's own.
//!
//! CPython calls the platform libm for these, so calling the same C
//! functions gives the same bits on the same machine. Rust's `asinh`,
//! `acosh` and `atanh` are computed from `ln_1p`, `sqrt` and `hypot` by
//! Rust itself, and differ from glibc's in the last bit for some
//! arguments; `erf`, `erfc` and `nextafter` have no `f64` method. `cbrt`,
//! `exp2`, `expm1`, `log1p` and `ldexp` are declared here too, so that
//! every function whose result CPython takes from libm visibly comes from
//! the same C symbol.
//!
//! # Which `cbrt`
//!
//! Rust's `compiler_builtins` defines some C math symbols of its own
//! (`cbrt` among them, a port of musl's, which differs from glibc's in the
//! last bit), and the linker may resolve a call to `cbrt` to that copy
//! instead of libm's, depending on the link order of the binary. With
//! glibc, the functions are therefore bound by their C23 `_Float64` names
//! (`cbrtf64`, ...), which glibc exports (since 2.27) as aliases of the
//! same code and which nothing else defines.

use std::ffi::c_int;

/// Binds `$name` to the C function `$c`, or on glibc to its `_Float64`
/// alias `$f64`.
macro_rules! libm_fns {
    ($(fn $name:ident = $c:literal / $f64:literal ($($arg:ident: $ty:ty),*);)*) => {
        // Every one is a pure function of its arguments (it may set
        // `errno`, which nothing here reads).
        #[cfg_attr(target_os = "linux", link(name = "m"))]
        unsafe extern "C" {
            $(
                #[cfg_attr(all(target_os = "linux", target_env = "gnu"), link_name = $f64)]
                #[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), link_name = $c)]
                safe fn $name($($arg: $ty),*) -> f64;
            )*
        }
    };
}

libm_fns! {
    fn acosh = "acosh" / "acoshf64" (x: f64);
    fn asinh = "asinh" / "asinhf64" (x: f64);
    fn atanh = "atanh" / "atanhf64" (x: f64);
    fn cbrt = "cbrt" / "cbrtf64" (x: f64);
    fn erf = "erf" / "erff64" (x: f64);
    fn erfc = "erfc" / "erfcf64" (x: f64);
    fn exp2 = "exp2" / "exp2f64" (x: f64);
    fn expm1 = "expm1" / "expm1f64" (x: f64);
    fn log1p = "log1p" / "log1pf64" (x: f64);
    fn nextafter = "nextafter" / "nextafterf64" (x: f64, y: f64);
    fn ldexp = "ldexp" / "ldexpf64" (x: f64, exp: c_int);
}

/// C `acosh`.
pub(super) fn c_acosh(x: f64) -> f64 {
    acosh(x)
}

/// C `asinh`.
pub(super) fn c_asinh(x: f64) -> f64 {
    asinh(x)
}

/// C `atanh`.
pub(super) fn c_atanh(x: f64) -> f64 {
    atanh(x)
}

/// C `cbrt`.
pub(super) fn c_cbrt(x: f64) -> f64 {
    cbrt(x)
}

/// C `erf`.
pub(super) fn c_erf(x: f64) -> f64 {
    erf(x)
}

/// C `erfc`.
pub(super) fn c_erfc(x: f64) -> f64 {
    erfc(x)
}

/// C `exp2`.
pub(super) fn c_exp2(x: f64) -> f64 {
    exp2(x)
}

/// C `expm1`.
pub(super) fn c_expm1(x: f64) -> f64 {
    expm1(x)
}

/// CPython's `_Py_log1p`: C `log1p`, with a zero returned as it is
/// (some libms lose the sign of `-0.0`).
pub(super) fn m_log1p(x: f64) -> f64 {
    if x == 0.0 {
        x
    } else {
        log1p(x)
    }
}

/// C `nextafter`: the next float after `x` towards `y`.
pub(super) fn c_nextafter(x: f64, y: f64) -> f64 {
    nextafter(x, y)
}

/// C `ldexp`: `x * 2**exp`, correctly rounded (subnormal results too).
pub(super) fn c_ldexp(x: f64, exp: c_int) -> f64 {
    ldexp(x, exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_python_gives() {
        // math.acosh(1) == 0.0 ; math.asinh(1) == 0.881373587019543 ;
        // math.atanh(0.5) == 0.5493061443340548
        assert_eq!(c_acosh(1.0), 0.0);
        assert_eq!(c_asinh(1.0), 0.881373587019543);
        assert_eq!(c_atanh(0.5), 0.5493061443340548);
        // math.cbrt(27) == 3.0000000000000004 on glibc ; math.cbrt(-8) == -2.0
        assert_eq!(c_cbrt(-8.0), -2.0);
        // math.cbrt(929.4752433935444) == 9.759163835474892 (glibc; musl's,
        // in compiler_builtins, gives 9.75916383547489)
        assert_eq!(c_cbrt(929.4752433935444), 9.759163835474892);
        // math.erf(1) == 0.8427007929497149 ; math.erfc(1) == 0.15729920705028513
        assert_eq!(c_erf(1.0), 0.8427007929497149);
        assert_eq!(c_erfc(1.0), 0.15729920705028513);
        // math.exp2(10) == 1024.0 ; math.expm1(1e-10) == 1.00000000005e-10
        assert_eq!(c_exp2(10.0), 1024.0);
        assert_eq!(c_expm1(1e-10), 1.00000000005e-10);
        // math.log1p(-0.0) == -0.0 ; math.log1p(1e-20) == 1e-20
        assert!(m_log1p(-0.0).is_sign_negative());
        assert_eq!(m_log1p(1e-20), 1e-20);
        // math.nextafter(1, 2) == 1.0000000000000002 ; nextafter(0.0, -1) == -5e-324
        assert_eq!(c_nextafter(1.0, 2.0), 1.0000000000000002);
        assert_eq!(c_nextafter(0.0, -1.0), -5e-324);
        // math.ldexp(1.5, -1074) == 1e-323 (ties to even) ; ldexp(1, 1024) == inf
        assert_eq!(c_ldexp(1.5, -1074), 1e-323);
        assert_eq!(c_ldexp(1.0, 1024), f64::INFINITY);
    }
}
