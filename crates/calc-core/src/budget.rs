//! Work accounting for one evaluation: every costly operation is charged
//! against the budget *before* it is done, so a request that would take long
//! or allocate much is refused instead of performed.

use crate::{EvalError, Limits};

/// The running cost of one evaluation, shared by every operation in it.
#[derive(Debug)]
pub(crate) struct Budget<'a> {
    /// The limits in force.
    pub limits: &'a Limits,
    /// Work units left before `LimitError`.
    remaining: u64,
}

impl<'a> Budget<'a> {
    /// A fresh budget of `limits.work_budget` units.
    pub fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            remaining: limits.work_budget,
        }
    }

    /// Spends `units` of estimated work (machine-word operations), or fails
    /// with `LimitError` when the budget cannot cover them.
    pub fn charge(&mut self, units: u64) -> Result<(), EvalError> {
        match self.remaining.checked_sub(units) {
            Some(left) => {
                self.remaining = left;
                Ok(())
            }
            None => {
                self.remaining = 0;
                Err(EvalError::limit("operation exceeds the work budget"))
            }
        }
    }

    /// Fails with `LimitError` when an int of `bits` bits may not be built.
    pub fn check_bits(&self, bits: u64) -> Result<(), EvalError> {
        if bits > self.limits.max_int_bits {
            Err(EvalError::limit(format!(
                "integer result would exceed {} bits",
                self.limits.max_int_bits
            )))
        } else {
            Ok(())
        }
    }
}
