//! Numeric semantics of CPython 3.11, one idea per module.
//!
//! - [`int`]: `Int` construction, conversions and arithmetic under the
//!   [`Budget`](crate::budget::Budget) (machine-word fast path, `BigInt` on
//!   overflow).
//! - [`division`]: correctly rounded int / int true division
//!   (CPython's `long_true_divide`).
//! - [`float`]: float `/`, `//`, `%`, `**` (`floatobject.c`), int <-> float
//!   conversions and exact int/float comparison (`float_richcompare`).
//! - [`complex`]: complex arithmetic (`complexobject.c`: `_Py_c_quot`,
//!   `_Py_c_pow`, `c_powi`).
//! - [`repr`]: Python's `repr` of ints (with the digit limit), floats and
//!   complex numbers.
//!
//! Every operation that may be costly charges its estimated work and checks
//! the size of its result *before* doing it; see [`crate::budget`].

pub(crate) mod complex;
pub(crate) mod division;
pub(crate) mod float;
pub(crate) mod int;
pub(crate) mod repr;
