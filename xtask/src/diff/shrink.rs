//! Shrinking a difference to a small input that still shows it.
//!
//! CPython's own parser names the subexpressions (byte ranges from `ast`);
//! candidates are each subexpression alone and each node replaced by one of
//! its children. The shortest candidate that still differs in the same
//! category wins, and the search repeats from it.

use calc_core::Limits;

use super::compare::{core_answer, other_paths, verdict, Category, CoreAnswer, PathsRun, Verdict};
use super::oracle::{Mode, Oracle, PyAnswer};

/// Oracle queries one shrink may spend.
const BUDGET: usize = 300;

/// A smaller input and both answers for it.
#[derive(Debug, Clone)]
pub struct Shrunk {
    /// The input.
    pub text: String,
    /// CPython's answer.
    pub py: PyAnswer,
    /// calc-core's answer.
    pub core: CoreAnswer,
}

/// Returns a smaller input differing like `text` does, if there is one.
pub fn shrink(
    oracle: &mut Oracle,
    limits: &Limits,
    text: &str,
    mode: Mode,
    category: &Category,
) -> Result<Option<Shrunk>, String> {
    let mut best: Option<Shrunk> = None;
    let mut current = text.to_string();
    let mut spent = 0;
    'outer: while spent < BUDGET {
        let segs = oracle.segments(&current)?;
        spent += 1;
        let mut candidates: Vec<String> = Vec::new();
        for &(a, b, parent) in &segs {
            let Some(piece) = current.get(a..b) else {
                continue;
            };
            candidates.push(piece.to_string());
            if let Some(&(pa, pb, _)) = parent.and_then(|p| segs.get(p)) {
                if let (Some(head), Some(tail)) = (current.get(..pa), current.get(pb..)) {
                    candidates.push(format!("{head}({piece}){tail}"));
                }
            }
        }
        candidates.retain(|c| c.len() < current.len() && !c.trim().is_empty());
        candidates.sort_by_key(String::len);
        candidates.dedup();
        for cand in candidates {
            if spent >= BUDGET {
                break 'outer;
            }
            spent += 1;
            let py = oracle.ask(mode, &cand)?;
            if py == PyAnswer::Out {
                continue;
            }
            let (core, _) = core_answer(&cand, limits);
            let same_kind = match (category, verdict(&py, &core)) {
                (Category::Paths, _) => {
                    other_paths(&cand, limits, &core, &mut PathsRun::default()).is_some()
                }
                (_, Verdict::Differ(c)) => c == *category,
                _ => false,
            };
            if same_kind {
                current = cand.clone();
                best = Some(Shrunk {
                    text: cand,
                    py,
                    core,
                });
                continue 'outer;
            }
        }
        break;
    }
    Ok(best)
}
