//! What the prompt adds to rustyline: Tab completion of function and
//! constant names, and a record of the line being edited, so that a line
//! interrupted by the end of the session can be put back on the next
//! prompt.

use std::cell::RefCell;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::help::{self, Kind};

/// The prompt's line editor.
pub type LineEditor = Editor<PromptHelper, DefaultHistory>;

/// The prompt's rustyline helper.
#[derive(Default)]
pub struct PromptHelper {
    /// The text being edited and the cursor's byte offset in it, as of the
    /// last change (rustyline asks the hinter after every edit).
    editing: RefCell<(String, usize)>,
}

impl PromptHelper {
    /// The line as it was when editing stopped, and the cursor in it.
    pub fn take_edited(&self) -> (String, usize) {
        std::mem::take(&mut *self.editing.borrow_mut())
    }
}

impl Completer for PromptHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(complete(line, pos))
    }
}

/// The names that complete the word before `pos`, and where that word
/// starts. A function's completion ends with `(` (as Python's REPL does),
/// except after `help` and before a `(` already there.
pub fn complete(line: &str, pos: usize) -> (usize, Vec<Pair>) {
    let Some(before) = line.get(..pos) else {
        return (pos, Vec::new());
    };
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(pos, |(i, _)| i);
    let word = &before[start..];
    // Not a name: nothing typed, a number (`1e`, `0x`), a float's
    // exponent (`1.e`).
    if word.is_empty()
        || word.starts_with(|c: char| c.is_ascii_digit())
        || before[..start].ends_with('.')
    {
        return (pos, Vec::new());
    }
    let calling = help::parse(before).is_none() && !line[pos..].starts_with('(');
    let candidates = help::names()
        .filter(|(name, _)| name.starts_with(word))
        .map(|(name, kind)| Pair {
            display: name.to_string(),
            replacement: if kind == Kind::Function && calling {
                format!("{name}(")
            } else {
                name.to_string()
            },
        })
        .collect();
    (start, candidates)
}

impl Hinter for PromptHelper {
    type Hint = String;

    /// Never shows a hint; records the line instead.
    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        let mut editing = self.editing.borrow_mut();
        editing.0.clear();
        editing.0.push_str(line);
        editing.1 = pos;
        None
    }
}

impl Highlighter for PromptHelper {}

impl Validator for PromptHelper {}

impl Helper for PromptHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn replacements(line: &str) -> (usize, Vec<String>) {
        let (start, pairs) = complete(line, line.len());
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn names_complete_functions_with_a_parenthesis() {
        assert_eq!(replacements("sqr"), (0, vec!["sqrt(".to_string()]));
        assert_eq!(
            replacements("1 + fact"),
            (4, vec!["factorial(".to_string()])
        );
        assert_eq!(
            replacements("2*t"),
            (
                2,
                vec!["tan(".into(), "tanh(".into(), "trunc(".into(), "tau".into()]
            )
        );
        assert_eq!(replacements("help sq"), (5, vec!["sqrt".to_string()]));
        let (start, pairs) = complete("sqr(2)", 3);
        assert_eq!((start, pairs[0].replacement.as_str()), (0, "sqrt"));
    }

    #[test]
    fn numbers_and_empty_words_do_not_complete() {
        assert!(replacements("").1.is_empty());
        assert!(replacements("1 + ").1.is_empty());
        assert!(replacements("1e").1.is_empty());
        assert!(replacements("1.e").1.is_empty());
        assert!(replacements("zzz").1.is_empty());
        assert!(complete("pi", 7).1.is_empty());
    }
}
