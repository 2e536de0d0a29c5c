//! Calls with keyword arguments, as CPython 3.11 parses them: the
//! builtins whose Argument Clinic signature names its parameters (`round`,
//! `pow`, `int`'s `base`, `complex`, `sum`'s `start`, `math.isclose`'s
//! tolerances, `math.prod`'s `start`) bind keywords as
//! `_PyArg_UnpackKeywords` does, with its errors; `min` and `max` take
//! `key` and `default` as their `PyArg_ParseTupleAndKeywords` does; every
//! other builtin is positional-only and refuses any keyword.

use std::borrow::Cow;
use std::sync::Arc;

use super::{call, minmax, sums, Builtin};
use crate::ast::CmpOp;
use crate::budget::Budget;
use crate::value::IntRepr;
use crate::{ops, EvalError, Int, Value};

/// An Argument Clinic signature: `posonly` positional-only parameters,
/// then `names` (the positional-or-keyword ones up to `maxpos`, then the
/// keyword-only ones); the first `minpos` are required.
struct Clinic {
    fname: &'static str,
    posonly: usize,
    minpos: usize,
    maxpos: usize,
    names: &'static [&'static str],
}

/// `round(number, ndigits=None)`.
const ROUND: Clinic = Clinic {
    fname: "round",
    posonly: 0,
    minpos: 1,
    maxpos: 2,
    names: &["number", "ndigits"],
};
/// `pow(base, exp, mod=None)`.
const POW: Clinic = Clinic {
    fname: "pow",
    posonly: 0,
    minpos: 2,
    maxpos: 3,
    names: &["base", "exp", "mod"],
};
/// `int(x=0, /, base=10)`.
const INT: Clinic = Clinic {
    fname: "int",
    posonly: 1,
    minpos: 0,
    maxpos: 2,
    names: &["base"],
};
/// `complex(real=0, imag=0)`.
const COMPLEX: Clinic = Clinic {
    fname: "complex",
    posonly: 0,
    minpos: 0,
    maxpos: 2,
    names: &["real", "imag"],
};
/// `sum(iterable, /, start=0)`.
const SUM: Clinic = Clinic {
    fname: "sum",
    posonly: 1,
    minpos: 1,
    maxpos: 2,
    names: &["start"],
};
/// `math.isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`.
const ISCLOSE: Clinic = Clinic {
    fname: "isclose",
    posonly: 0,
    minpos: 2,
    maxpos: 2,
    names: &["a", "b", "rel_tol", "abs_tol"],
};
/// `math.prod(iterable, /, *, start=1)`.
const PROD: Clinic = Clinic {
    fname: "prod",
    posonly: 1,
    minpos: 1,
    maxpos: 1,
    names: &["start"],
};

/// `f(*args, **kw)` for a builtin `f` and at least one keyword argument
/// (no keyword twice: the parser refuses that).
pub(crate) fn call_kw(
    f: Builtin,
    args: &[Value],
    kw: &[(&str, Value)],
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    let bound = match f {
        Builtin::Round => unpack(&ROUND, args, kw)?,
        Builtin::Pow => unpack(&POW, args, kw)?,
        Builtin::Sum => unpack(&SUM, args, kw)?,
        Builtin::Int => {
            let bound = unpack(&INT, args, kw)?;
            return match bound.as_slice() {
                [None, Some(_)] => Err(EvalError::type_error("int() missing string argument")),
                _ => call(f, &positional(bound), budget),
            };
        }
        Builtin::Complex => {
            let mut bound = unpack(&COMPLEX, args, kw)?;
            // `complex_new_impl` takes a missing `real` as the int 0.
            if let [real @ None, Some(_)] = bound.as_mut_slice() {
                *real = Some(Value::Int(Int(IntRepr::Small(0))));
            }
            bound
        }
        Builtin::Isclose | Builtin::CmathIsclose => {
            let bound = unpack(&ISCLOSE, args, kw)?;
            let tol = if f == Builtin::Isclose {
                super::fp::isclose_tol
            } else {
                super::cmath::isclose_tol
            };
            return match bound.as_slice() {
                [Some(a), Some(b), rel_tol, abs_tol] => {
                    tol(a, b, rel_tol.as_ref(), abs_tol.as_ref())
                }
                _ => Err(internal()),
            };
        }
        Builtin::Prod => {
            let bound = unpack(&PROD, args, kw)?;
            return match bound.as_slice() {
                [Some(Value::Str(s)), Some(start)] => {
                    // The characters, each a one-character string:
                    // `start * c` for the first, and a TypeError from the
                    // second on unless `start * c` is a number.
                    budget.charge(crate::text::str_cost(s.len()))?;
                    let mut acc = start.clone();
                    for c in s.chars() {
                        let c = Value::Str(Arc::from(c.to_string()));
                        acc = ops::binary(crate::ast::BinOp::Mul, &acc, &c, budget)?;
                    }
                    Ok(acc)
                }
                [Some(iterable), Some(start)] => {
                    let values = sums::items(iterable, sums::ITEM, budget)?;
                    sums::prod_of(values, start.clone(), budget)
                }
                _ => call(f, &positional(bound), budget),
            };
        }
        Builtin::Min => return min_max("min", CmpOp::Lt, args, kw, budget),
        Builtin::Max => return min_max("max", CmpOp::Gt, args, kw, budget),
        _ => return Err(no_keywords(f)),
    };
    call(f, &positional(bound), budget)
}

/// The bound arguments up to the first missing one, positionally.
fn positional(bound: Vec<Option<Value>>) -> Vec<Value> {
    bound.into_iter().map_while(|v| v).collect()
}

/// CPython's error for a keyword argument to a positional-only builtin:
/// `math.sqrt() takes no keyword arguments`. A `METH_O` or `METH_FASTCALL`
/// function names itself by its qualified name; `math.log`
/// (`METH_VARARGS`) and the types by their plain one.
fn no_keywords(f: Builtin) -> EvalError {
    let name = f.name();
    let builtin = matches!(
        f,
        Builtin::Abs
            | Builtin::Float
            | Builtin::Bool
            | Builtin::Divmod
            | Builtin::Hex
            | Builtin::Oct
            | Builtin::Bin
            | Builtin::Log
    );
    let module = if builtin {
        ""
    } else if f.is_cmath() {
        "cmath."
    } else {
        "math."
    };
    EvalError::type_error(format!("{module}{name}() takes no keyword arguments"))
}

/// `_PyArg_UnpackKeywords`: binds `args` and `kw` to the parameters of
/// `c`, each `None` when not given, with CPython's errors in its order.
fn unpack(
    c: &Clinic,
    args: &[Value],
    kw: &[(&str, Value)],
) -> Result<Vec<Option<Value>>, EvalError> {
    let fname = c.fname;
    let nargs = args.len();
    let mut nkwargs = kw.len();
    let maxargs = c.posonly + c.names.len();
    let minposonly = c.posonly.min(c.minpos);
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if nargs + nkwargs > maxargs {
        return Err(EvalError::type_error(format!(
            "{fname}() takes at most {maxargs} {}argument{} ({} given)",
            if nargs == 0 { "keyword " } else { "" },
            s(maxargs),
            nargs + nkwargs
        )));
    }
    if nargs > c.maxpos {
        return Err(EvalError::type_error(if c.maxpos == 0 {
            format!("{fname}() takes no positional arguments")
        } else {
            format!(
                "{fname}() takes {} {} positional argument{} ({nargs} given)",
                if c.minpos < c.maxpos {
                    "at most"
                } else {
                    "exactly"
                },
                c.maxpos,
                s(c.maxpos)
            )
        }));
    }
    if nargs < minposonly {
        return Err(EvalError::type_error(format!(
            "{fname}() takes {} {minposonly} positional argument{} ({nargs} given)",
            if minposonly < c.maxpos {
                "at least"
            } else {
                "exactly"
            },
            s(minposonly)
        )));
    }
    let find = |name: &str| kw.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
    let mut bound: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    bound.resize(maxargs, None);
    for i in nargs.max(c.posonly)..maxargs {
        let name = c.names.get(i - c.posonly).copied().unwrap_or("");
        let current = if nkwargs > 0 {
            find(name)
        } else if i >= c.minpos {
            break;
        } else {
            None
        };
        match current {
            Some(v) => {
                if let Some(slot) = bound.get_mut(i) {
                    *slot = Some(v.clone());
                }
                nkwargs -= 1;
            }
            None if i < c.minpos => {
                return Err(EvalError::type_error(format!(
                    "{fname}() missing required argument '{name}' (pos {})",
                    i + 1
                )));
            }
            None => {}
        }
    }
    if nkwargs > 0 {
        for i in c.posonly..nargs {
            let name = c.names.get(i - c.posonly).copied().unwrap_or("");
            if find(name).is_some() {
                return Err(EvalError::type_error(format!(
                    "argument for {fname}() given by name ('{name}') and position ({})",
                    i + 1
                )));
            }
        }
        let unknown = kw.iter().find(|(k, _)| !c.names.contains(k));
        return Err(EvalError::type_error(match unknown {
            Some((k, _)) => format!("'{k}' is an invalid keyword argument for {fname}()"),
            None => format!("invalid keyword argument for {fname}()"),
        }));
    }
    Ok(bound)
}

/// `min`/`max` with keywords, as `min_max`: the positional arguments
/// first, then `key` and `default` (keyword-only), then the default's
/// conflict with several positional arguments.
fn min_max(
    name: &'static str,
    op: CmpOp,
    args: &[Value],
    kw: &[(&str, Value)],
    budget: &mut Budget<'_>,
) -> Result<Value, EvalError> {
    if args.is_empty() {
        return Err(EvalError::type_error(format!(
            "{name} expected at least 1 argument, got 0"
        )));
    }
    // `PyArg_ParseTupleAndKeywords` of no positional arguments and the
    // keywords, against `|$OO`.
    if kw.len() > 2 {
        return Err(EvalError::type_error(format!(
            "{name}() takes at most 2 keyword arguments ({} given)",
            kw.len()
        )));
    }
    let mut key = None;
    let mut default = None;
    for (k, v) in kw {
        match *k {
            "key" => key = Some(v),
            "default" => default = Some(v),
            _ => {
                return Err(EvalError::type_error(format!(
                    "'{k}' is an invalid keyword argument for {name}()"
                )))
            }
        }
    }
    if args.len() > 1 && default.is_some() {
        return Err(EvalError::type_error(format!(
            "Cannot specify a default for {name}() with multiple positional arguments"
        )));
    }
    let Some(key) = key else {
        return match (args, default) {
            ([Value::Str(s)], Some(d)) if s.is_empty() => Ok(d.clone()),
            ([Value::Tuple(t)], Some(d)) if t.items().is_empty() => Ok(d.clone()),
            _ => minmax::min_max(name, op, args, budget),
        };
    };
    let items: Box<dyn Iterator<Item = Cow<'_, Value>>> = match args {
        [Value::Str(s)] => {
            budget.charge(crate::text::str_cost(s.len()))?;
            Box::new(
                s.chars()
                    .map(|c| Cow::Owned(Value::Str(Arc::from(c.to_string())))),
            )
        }
        [x] => Box::new(
            sums::items(x, sums::ITEM, budget)?
                .iter()
                .map(Cow::Borrowed),
        ),
        _ => Box::new(args.iter().map(Cow::Borrowed)),
    };
    let mut best: Option<(Cow<'_, Value>, Value)> = None;
    for item in items {
        let val = apply(key, &item, budget)?;
        let better = match &best {
            None => true,
            Some((_, best_val)) => ops::compare(op, &val, best_val, budget)?,
        };
        if better {
            best = Some((item, val));
        }
    }
    match (best, default) {
        (Some((item, _)), _) => Ok(item.into_owned()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(EvalError::value(format!(
            "{name}() arg is an empty sequence"
        ))),
    }
}

/// `key(item)`: a builtin applied to one argument; anything else is not
/// callable.
fn apply(key: &Value, item: &Value, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    match key {
        Value::Builtin(f) => call(*f, std::slice::from_ref(item), budget),
        other => Err(EvalError::type_error(format!(
            "'{}' object is not callable",
            other.type_name()
        ))),
    }
}

/// A binding the signature rules out: a bug in calc-core.
fn internal() -> EvalError {
    EvalError::limit("internal error: malformed keyword binding")
}
