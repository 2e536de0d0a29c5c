//! `cargo xtask api [--bless]`: the public API of calc-core, listed one
//! item a line, against the committed listing crates/calc-core/api.txt.
//!
//! The listing comes from rustdoc's JSON output (unstable on a stable
//! toolchain, so it runs with `RUSTC_BOOTSTRAP=1`, in its own target
//! directory so the normal build is not rebuilt): every item re-exported
//! at the crate root, with function signatures, enum variants, public
//! fields, inherent methods and constants, the traits implemented (auto
//! traits included: `Send`, `Sync`, ...; blanket impls left out) and
//! `#[non_exhaustive]`. A difference fails the check and is printed;
//! `--bless` writes the new listing, to be reviewed and committed.

use std::collections::BTreeSet;
use std::fs;

use argh::FromArgs;
use serde_json::Value as Json;

/// Check calc-core's public API against crates/calc-core/api.txt.
#[derive(FromArgs, Debug, Clone, PartialEq, Eq)]
#[argh(subcommand, name = "api")]
pub struct Args {
    /// write the listing instead of checking it
    #[argh(switch)]
    pub bless: bool,
}

/// The committed listing, relative to the workspace root.
const LISTING: &str = "crates/calc-core/api.txt";

/// The auto traits the listing shows (others, unstable, are left out).
const AUTO_TRAITS: [&str; 5] = ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

/// Checks (or with `--bless`, writes) the listing.
pub fn run(args: &Args) -> Result<(), String> {
    let root = crate::project_root();
    // Its own target directory: RUSTC_BOOTSTRAP would make cargo rebuild
    // the normal build's dependencies.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), std::path::PathBuf::from)
        .join("api");
    let mut doc = crate::cargo();
    doc.args(["rustdoc", "-q", "-p", "calc-core", "--lib", "--target-dir"])
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .env("RUSTC_BOOTSTRAP", "1");
    crate::run("cargo rustdoc --output-format json (calc-core)", doc)?;
    let json_path = target.join("doc/calc_core.json");
    let text =
        fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let json: Json = serde_json::from_str(&text).map_err(|e| format!("rustdoc JSON: {e}"))?;
    let listing = listing(&json)?;
    let path = root.join(LISTING);
    if args.bless {
        fs::write(&path, &listing).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("==> wrote {LISTING}");
        return Ok(());
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed == listing {
        eprintln!("==> calc-core's public API matches {LISTING}");
        return Ok(());
    }
    let old: BTreeSet<&str> = committed.lines().collect();
    let new: BTreeSet<&str> = listing.lines().collect();
    for gone in old.difference(&new) {
        println!("- {gone}");
    }
    for added in new.difference(&old) {
        println!("+ {added}");
    }
    Err(format!(
        "calc-core's public API differs from {LISTING} (above); if the change is meant, run \
         `cargo xtask api --bless` and commit the file"
    ))
}

/// The listing of the crate in rustdoc JSON `json`: sorted lines.
pub fn listing(json: &Json) -> Result<String, String> {
    let index = json.get("index").ok_or("no index")?;
    let item = |id: &Json| index.get(id_key(id));
    let root = item(json.get("root").ok_or("no root")?).ok_or("no root item")?;
    let mut lines = BTreeSet::new();
    let items = root
        .pointer("/inner/module/items")
        .and_then(Json::as_array)
        .ok_or("root module without items")?;
    for id in items {
        let Some(it) = item(id) else { continue };
        if it.get("visibility").and_then(Json::as_str) != Some("public") {
            continue;
        }
        if let Some(u) = it.pointer("/inner/use") {
            let name = u.get("name").and_then(Json::as_str).unwrap_or("?");
            match u.get("id").and_then(&item) {
                Some(target) => describe(index, name, target, &mut lines),
                None => {
                    lines.insert(format!("pub use {}", str_of(u, "source")));
                }
            }
        } else {
            let name = it.get("name").and_then(Json::as_str).unwrap_or("?");
            describe(index, name, it, &mut lines);
        }
    }
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    Ok(out)
}

fn id_key(id: &Json) -> String {
    match id {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn str_of<'a>(j: &'a Json, key: &str) -> &'a str {
    j.get(key).and_then(Json::as_str).unwrap_or("?")
}

/// The lines of item `it`, public at the root as `name`.
fn describe(index: &Json, name: &str, it: &Json, lines: &mut BTreeSet<String>) {
    let Some(inner) = it.get("inner").and_then(Json::as_object) else {
        return;
    };
    let non_exhaustive = it
        .get("attrs")
        .and_then(Json::as_array)
        .is_some_and(|a| a.iter().any(|x| x.to_string().contains("non_exhaustive")));
    let ne = if non_exhaustive {
        "#[non_exhaustive] "
    } else {
        ""
    };
    let item = |id: &Json| index.get(id_key(id));
    if let Some(f) = inner.get("function") {
        lines.insert(format!("fn {name}{}", signature(f)));
    } else if let Some(c) = inner.get("constant") {
        lines.insert(format!("const {name}: {}", ty(c.get("type"))));
    } else if let Some(s) = inner.get("struct") {
        lines.insert(format!("{ne}struct {name}"));
        if let Some(fields) = s.pointer("/kind/plain/fields").and_then(Json::as_array) {
            for f in fields.iter().filter_map(&item) {
                if f.get("visibility").and_then(Json::as_str) == Some("public") {
                    lines.insert(format!(
                        "field {name}::{}: {}",
                        str_of(f, "name"),
                        ty(f.pointer("/inner/struct_field"))
                    ));
                }
            }
        }
        impls(index, name, s.get("impls"), lines);
    } else if let Some(e) = inner.get("enum") {
        lines.insert(format!("{ne}enum {name}"));
        for v in e
            .get("variants")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(&item)
        {
            let fields = match v
                .pointer("/inner/variant/kind/tuple")
                .and_then(Json::as_array)
            {
                Some(f) => {
                    let types: Vec<String> = f
                        .iter()
                        .map(|id| ty(item(id).and_then(|f| f.pointer("/inner/struct_field"))))
                        .collect();
                    format!("({})", types.join(", "))
                }
                None => String::new(),
            };
            lines.insert(format!("variant {name}::{}{fields}", str_of(v, "name")));
        }
        impls(index, name, e.get("impls"), lines);
    } else if inner.contains_key("module") {
        lines.insert(format!("mod {name}"));
    } else {
        let kind = inner.keys().next().map_or("?", String::as_str);
        lines.insert(format!("{kind} {name}"));
    }
}

/// The trait impls and inherent items of type `name`.
fn impls(index: &Json, name: &str, ids: Option<&Json>, lines: &mut BTreeSet<String>) {
    let item = |id: &Json| index.get(id_key(id));
    for imp in ids
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(&item)
        .filter_map(|i| i.pointer("/inner/impl"))
    {
        if !imp.get("blanket_impl").is_none_or(Json::is_null) {
            continue;
        }
        match imp.get("trait").filter(|t| !t.is_null()) {
            Some(t) => {
                let trait_name = str_of(t, "path");
                let synthetic = imp.get("is_synthetic").and_then(Json::as_bool) == Some(true);
                if synthetic && !AUTO_TRAITS.contains(&trait_name) {
                    continue;
                }
                let negative = if imp.get("is_negative").and_then(Json::as_bool) == Some(true) {
                    "!"
                } else {
                    ""
                };
                lines.insert(format!(
                    "impl {negative}{} for {}",
                    path_type(t),
                    ty(imp.get("for"))
                ));
            }
            None => {
                for it in imp
                    .get("items")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(&item)
                {
                    if it.get("visibility").and_then(Json::as_str) != Some("public") {
                        continue;
                    }
                    let member = str_of(it, "name");
                    if let Some(f) = it.pointer("/inner/function") {
                        lines.insert(format!("fn {name}::{member}{}", signature(f)));
                    } else if let Some(c) = it.pointer("/inner/assoc_const") {
                        lines.insert(format!("const {name}::{member}: {}", ty(c.get("type"))));
                    }
                }
            }
        }
    }
}

/// `<generics>(inputs) -> output` of a function item.
fn signature(f: &Json) -> String {
    let generics = generic_params(f.get("generics"));
    let inputs: Vec<String> = f
        .pointer("/sig/inputs")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|pair| {
            let name = pair.get(0).and_then(Json::as_str).unwrap_or("_");
            let t = ty(pair.get(1));
            if name == "self" {
                match t.as_str() {
                    "Self" => "self".to_string(),
                    "&Self" => "&self".to_string(),
                    "&mut Self" => "&mut self".to_string(),
                    _ => format!("self: {t}"),
                }
            } else {
                format!("{name}: {t}")
            }
        })
        .collect();
    let output = match f.pointer("/sig/output") {
        Some(o) if !o.is_null() => format!(" -> {}", ty(Some(o))),
        _ => String::new(),
    };
    let wheres = where_clause(f.get("generics"));
    format!("{generics}({}){output}{wheres}", inputs.join(", "))
}

fn generic_params(g: Option<&Json>) -> String {
    let params: Vec<String> = g
        .and_then(|g| g.get("params"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter(|p| {
            // `impl Trait` arguments are listed as synthetic parameters.
            p.pointer("/kind/type/is_synthetic").and_then(Json::as_bool) != Some(true)
        })
        .map(|p| {
            let name = str_of(p, "name").to_string();
            match p.pointer("/kind/type/bounds").and_then(Json::as_array) {
                Some(b) if !b.is_empty() => format!("{name}: {}", bounds(b)),
                _ => name,
            }
        })
        .collect();
    if params.is_empty() {
        String::new()
    } else {
        format!("<{}>", params.join(", "))
    }
}

fn where_clause(g: Option<&Json>) -> String {
    let preds: Vec<String> = g
        .and_then(|g| g.get("where_predicates"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("bound_predicate"))
        .map(|p| {
            let b = p
                .get("bounds")
                .and_then(Json::as_array)
                .map(|b| bounds(b))
                .unwrap_or_default();
            format!("{}: {b}", ty(p.get("type")))
        })
        .collect();
    if preds.is_empty() {
        String::new()
    } else {
        format!(" where {}", preds.join(", "))
    }
}

fn bounds(b: &[Json]) -> String {
    let parts: Vec<String> = b
        .iter()
        .map(|b| match b.get("trait_bound") {
            Some(t) => path_type(t.get("trait").unwrap_or(&Json::Null)),
            None => match b.get("outlives") {
                Some(l) => l.as_str().unwrap_or("'_").to_string(),
                None => "?".to_string(),
            },
        })
        .collect();
    parts.join(" + ")
}

/// A path with its generic arguments: `Result<Value, EvalError>`,
/// `Fn(&[Value]) -> Result<Value, EvalError>`.
fn path_type(p: &Json) -> String {
    let name = str_of(p, "path").to_string();
    let Some(args) = p.get("args").filter(|a| !a.is_null()) else {
        return name;
    };
    if let Some(a) = args.get("angle_bracketed") {
        let list: Vec<String> = a
            .get("args")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|g| {
                if let Some(t) = g.get("type") {
                    ty(Some(t))
                } else if let Some(l) = g.get("lifetime") {
                    l.as_str().unwrap_or("'_").to_string()
                } else {
                    g.to_string()
                }
            })
            .collect();
        let constraints: Vec<String> = a
            .get("constraints")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|c| {
                let t = c.pointer("/binding/equality/type");
                format!("{} = {}", str_of(c, "name"), ty(t))
            })
            .collect();
        let all: Vec<String> = list.into_iter().chain(constraints).collect();
        if all.is_empty() {
            return name;
        }
        return format!("{name}<{}>", all.join(", "));
    }
    if let Some(p) = args.get("parenthesized") {
        let inputs: Vec<String> = p
            .get("inputs")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|t| ty(Some(t)))
            .collect();
        let output = match p.get("output") {
            Some(o) if !o.is_null() => format!(" -> {}", ty(Some(o))),
            _ => String::new(),
        };
        return format!("{name}({}){output}", inputs.join(", "));
    }
    name
}

/// A type, written as in Rust source.
fn ty(t: Option<&Json>) -> String {
    let Some(t) = t else {
        return "?".to_string();
    };
    if let Some(p) = t.get("resolved_path") {
        return path_type(p);
    }
    if let Some(p) = t.get("primitive").and_then(Json::as_str) {
        return p.to_string();
    }
    if let Some(g) = t.get("generic").and_then(Json::as_str) {
        return g.to_string();
    }
    if let Some(r) = t.get("borrowed_ref") {
        let lifetime = r
            .get("lifetime")
            .and_then(Json::as_str)
            .map(|l| format!("{l} "))
            .unwrap_or_default();
        let m = if r.get("is_mutable").and_then(Json::as_bool) == Some(true) {
            "mut "
        } else {
            ""
        };
        return format!("&{lifetime}{m}{}", ty(r.get("type")));
    }
    if let Some(s) = t.get("slice") {
        return format!("[{}]", ty(Some(s)));
    }
    if let Some(a) = t.get("array") {
        return format!("[{}; {}]", ty(a.get("type")), str_of(a, "len"));
    }
    if let Some(items) = t.get("tuple").and_then(Json::as_array) {
        let parts: Vec<String> = items.iter().map(|i| ty(Some(i))).collect();
        return format!("({})", parts.join(", "));
    }
    if let Some(b) = t.get("impl_trait").and_then(Json::as_array) {
        return format!("impl {}", bounds(b));
    }
    if let Some(d) = t.get("dyn_trait") {
        let traits: Vec<String> = d
            .get("traits")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .map(|p| path_type(p.get("trait").unwrap_or(&Json::Null)))
            .collect();
        return format!("dyn {}", traits.join(" + "));
    }
    if let Some(q) = t.get("qualified_path") {
        return format!("{}::{}", ty(q.get("self_type")), str_of(q, "name"));
    }
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_functions_types_methods_and_impls() {
        let json: Json = serde_json::from_str(
            r#"{"root": 0, "index": {
              "0": {"visibility": "public", "name": "c", "attrs": [], "inner": {"module": {"items": [1, 2, 3]}}},
              "1": {"visibility": "public", "name": "f", "attrs": [], "inner": {"function": {
                  "sig": {"inputs": [["s", {"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": {"primitive": "str"}}}]],
                          "output": {"resolved_path": {"path": "Option", "args": {"angle_bracketed": {"args": [{"type": {"primitive": "u8"}}], "constraints": []}}}}},
                  "generics": {"params": [], "where_predicates": []}}}},
              "2": {"visibility": "public", "name": null, "attrs": [], "inner": {"use": {"source": "m::E", "name": "E", "id": 4}}},
              "3": {"visibility": "public", "name": null, "attrs": [], "inner": {"use": {"source": "dep", "name": "dep", "id": 99}}},
              "4": {"visibility": "public", "name": "E", "attrs": ["non_exhaustive"], "inner": {"enum": {"variants": [5], "impls": [6, 7, 8]}}},
              "5": {"visibility": "default", "name": "A", "attrs": [], "inner": {"variant": {"kind": {"tuple": [9]}}}},
              "9": {"visibility": "default", "name": "0", "attrs": [], "inner": {"struct_field": {"primitive": "f64"}}},
              "6": {"visibility": "default", "name": null, "attrs": [], "inner": {"impl": {"trait": null, "blanket_impl": null, "is_synthetic": false, "for": {"resolved_path": {"path": "E", "args": null}}, "items": [10, 11]}}},
              "10": {"visibility": "public", "name": "get", "attrs": [], "inner": {"function": {"sig": {"inputs": [["self", {"borrowed_ref": {"lifetime": null, "is_mutable": false, "type": {"generic": "Self"}}}]], "output": null}, "generics": {"params": [], "where_predicates": []}}}},
              "11": {"visibility": "crate", "name": "hidden", "attrs": [], "inner": {"function": {"sig": {"inputs": [], "output": null}, "generics": {"params": [], "where_predicates": []}}}},
              "7": {"visibility": "default", "name": null, "attrs": [], "inner": {"impl": {"trait": {"path": "Send", "args": null}, "blanket_impl": null, "is_synthetic": true, "for": {"resolved_path": {"path": "E", "args": null}}, "items": []}}},
              "8": {"visibility": "default", "name": null, "attrs": [], "inner": {"impl": {"trait": {"path": "Into", "args": null}, "blanket_impl": {"generic": "T"}, "is_synthetic": false, "for": {"generic": "T"}, "items": []}}}
            }}"#,
        )
        .unwrap();
        assert_eq!(
            listing(&json).unwrap(),
            "#[non_exhaustive] enum E\nfn E::get(&self)\nfn f(s: &str) -> Option<u8>\nimpl Send for E\npub use dep\nvariant E::A(f64)\n"
        );
    }
}
