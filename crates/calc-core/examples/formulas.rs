//! A formula configuration: named formulas over a few inputs and two user
//! functions, parsed and validated once at load time, then evaluated for
//! several sets of inputs.
//!
//!     cargo run -p calc-core --example formulas

use calc_core::{Arity, Env, EvalError, Expr, Value};

/// The configuration as it would come from a file: `name = formula`.
const CONFIG: &str = "
gross   = price * qty
rebate  = clamp(gross * rate, 0, cap)
net     = gross - rebate
monthly = round(net / months, 2)
";

/// A formula with an error the load-time check finds.
const BROKEN: &str = "total = net * tax_rate";

fn environment() -> Env {
    Env::new()
        .with("rate", 0.05)
        .with("cap", 40)
        .with("months", 12)
        .with_function(
            "clamp",
            Arity::exact(3).with_names(&["x", "lo", "hi"]),
            |a| {
                let (x, lo, hi) = (a[0].as_f64()?, a[1].as_f64()?, a[2].as_f64()?);
                if lo > hi {
                    return Err(EvalError::value("clamp() lo must not exceed hi"));
                }
                Ok(Value::from(x.clamp(lo, hi)))
            },
        )
}

/// Parses `config` and checks each formula against `env`, in which each
/// formula's name is bound (to 0) before the next formula is checked.
fn load(config: &str, env: &Env) -> Result<Vec<(String, Expr)>, String> {
    let mut scope = env.clone();
    let mut formulas = Vec::new();
    for (n, line) in config.lines().enumerate() {
        let Some((name, source)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let expr = Expr::parse(source).map_err(|e| format!("line {}: {name}: {e}", n + 1))?;
        if let Err(e) = expr.check(&scope) {
            let at = e.span().map(|s| format!(" at {:?}", &source[s]));
            return Err(format!(
                "line {}: {name}: {e}{}",
                n + 1,
                at.unwrap_or_default()
            ));
        }
        scope.set(name, 0);
        formulas.push((name.to_string(), expr));
    }
    Ok(formulas)
}

fn main() {
    let base = environment();
    // The inputs are bound per evaluation; check with placeholders.
    let placeholders = base.clone().with("price", 0).with("qty", 0);
    let formulas = match load(CONFIG, &placeholders) {
        Ok(f) => f,
        Err(e) => panic!("the built-in configuration is valid: {e}"),
    };
    match load(&format!("{CONFIG}{BROKEN}"), &placeholders) {
        Ok(_) => println!("unexpectedly valid"),
        Err(e) => println!("rejected at load time: {e}"),
    }

    for (price, qty) in [(19.99, 3), (250.0, 2), (4.5, 0)] {
        let mut env = base.clone().with("price", price).with("qty", qty);
        let mut line = format!("price={price} qty={qty}:");
        for (name, expr) in &formulas {
            match expr.eval(&env) {
                Ok(v) => {
                    line.push_str(&format!(" {name}={v}"));
                    env.set(name, v);
                }
                Err(e) => {
                    line.push_str(&format!(" {name}: {e}"));
                    break;
                }
            }
        }
        println!("{line}");
    }
}
