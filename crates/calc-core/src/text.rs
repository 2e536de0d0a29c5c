//! Strings: the value of a string literal, Python's `repr` of a string,
//! and the operations of the language on strings (`+`, `*` by an int,
//! comparisons, `in`), each charged to the work budget and bounded by
//! `Limits::max_memory` before anything is allocated.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::aliases::ALIASES;
use crate::budget::Budget;
use crate::parse::lex::is_printable;
use crate::{EvalError, Int, Value};

/// Bytes of string a work unit pays for: one, as a linear int pass
/// (`budget::linear_cost`) pays 8 units for a 64-bit word. Comparing and
/// searching read strings at well under 0.75 ns a byte (the budget's
/// calibration, tests/cost.rs); copying into a string the allocator has
/// at hand costs less still (a chain of 11,000 `+'a'`: 0.06 ns a byte).
const BYTES_PER_UNIT: u64 = 1;

/// A string longer than this is built in memory fresh from the system
/// (glibc's allocator maps blocks of 128 KiB and more), whose first
/// touch costs about 2.4 ns a byte (`'a' * 8000000 == 'a' * 8000000`,
/// release build, the shared build machine): its bytes past this
/// count [`FRESH_UNITS`] units each.
const FRESH_FROM: u64 = 128 * 1024;

/// Units a byte of a string built past [`FRESH_FROM`] costs.
const FRESH_UNITS: u64 = 4;

/// Fixed work of any string operation (allocation, dispatch).
const OVERHEAD: u64 = 16;

/// The work of a pass over `bytes` bytes of string.
pub(crate) fn str_cost(bytes: usize) -> u64 {
    OVERHEAD + (bytes as u64) / BYTES_PER_UNIT
}

/// Appends Python's `repr` of the string `s` to `out`, as CPython's
/// `unicode_repr` writes it: in single quotes unless the string holds a
/// `'` and no `"`; the quote, the backslash, `\t`, `\n` and `\r` escaped;
/// other characters that `str.isprintable` calls non-printable as
/// `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
pub(crate) fn write_repr<W: std::fmt::Write>(out: &mut W, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let _ = out.write_char(quote);
    for c in s.chars() {
        let _ = match c {
            '\\' => out.write_str("\\\\"),
            '\t' => out.write_str("\\t"),
            '\n' => out.write_str("\\n"),
            '\r' => out.write_str("\\r"),
            c if c == quote => {
                let _ = out.write_char('\\');
                out.write_char(c)
            }
            c if c < ' ' || c == '\x7f' => write!(out, "\\x{:02x}", u32::from(c)),
            c if c.is_ascii() || is_printable(c) => out.write_char(c),
            c if u32::from(c) < 0x100 => write!(out, "\\x{:02x}", u32::from(c)),
            c if u32::from(c) < 0x10000 => write!(out, "\\u{:04x}", u32::from(c)),
            c => write!(out, "\\U{:08x}", u32::from(c)),
        };
    }
    let _ = out.write_char(quote);
}

/// Why a string literal's escapes do not decode: CPython's
/// `unicodeescape` codec error, with the byte positions it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EscapeError {
    /// First byte of the bad escape (its backslash), as the codec counts.
    pub start: usize,
    /// Byte just past what the codec read of it.
    pub end: usize,
    /// The codec's reason, e.g. `truncated \xXX escape`.
    pub reason: &'static str,
}

impl EscapeError {
    /// CPython's SyntaxError message for it.
    pub(crate) fn message(&self) -> String {
        format!(
            "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: {}",
            self.start,
            self.end.saturating_sub(1),
            self.reason
        )
    }
}

/// Appends the value of a string literal's body (what stands between its
/// quotes) to `out`: line breaks (`\r\n`, `\r`) read as `\n`, as CPython
/// reads its source; in a raw literal nothing else changes, otherwise the
/// backslash escapes decode as CPython's `decode_unicode_with_escapes`
/// does. An unknown escape (`\q`) keeps its backslash (CPython warns);
/// `\N{name}` looks the name up as CPython's `unicodedata` does.
pub(crate) fn decode_literal(body: &str, raw: bool, out: &mut String) -> Result<(), EscapeError> {
    if raw || !body.contains('\\') {
        push_translated(body, out);
        return Ok(());
    }
    // The codec reads a buffer where each non-ASCII character was
    // written as a 10-byte `\UXXXXXXXX` escape: its positions count so.
    let translated;
    let body = if body.contains('\r') {
        let mut t = String::with_capacity(body.len());
        push_translated(body, &mut t);
        translated = t;
        translated.as_str()
    } else {
        body
    };
    let mut pos = 0usize;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            pos += codec_len(c);
            continue;
        }
        let start = pos;
        pos += 1;
        let Some(&e) = chars.peek() else {
            // The tokenizer never ends a literal on a backslash.
            out.push('\\');
            break;
        };
        if !e.is_ascii() {
            // `\é`: the backslash stays (CPython writes it as `\u005c`).
            out.push('\\');
            pos += 5;
            continue;
        }
        chars.next();
        pos += 1;
        let simple = match e {
            '\n' => Some(None),
            '\\' => Some(Some('\\')),
            '\'' => Some(Some('\'')),
            '"' => Some(Some('"')),
            'b' => Some(Some('\x08')),
            'f' => Some(Some('\x0c')),
            't' => Some(Some('\t')),
            'n' => Some(Some('\n')),
            'r' => Some(Some('\r')),
            'v' => Some(Some('\x0b')),
            'a' => Some(Some('\x07')),
            _ => None,
        };
        if let Some(c) = simple {
            out.extend(c);
            continue;
        }
        match e {
            '0'..='7' => {
                let mut v = e as u32 - u32::from(b'0');
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&d @ '0'..='7') => {
                            chars.next();
                            pos += 1;
                            v = v * 8 + (d as u32 - u32::from(b'0'));
                        }
                        _ => break,
                    }
                }
                // At most 0o777: always a character.
                out.extend(char::from_u32(v));
            }
            'x' | 'u' | 'U' => {
                let (count, reason) = match e {
                    'x' => (2, "truncated \\xXX escape"),
                    'u' => (4, "truncated \\uXXXX escape"),
                    _ => (8, "truncated \\UXXXXXXXX escape"),
                };
                let mut v: u32 = 0;
                for _ in 0..count {
                    match chars.peek().and_then(|d| d.to_digit(16)) {
                        Some(d) => {
                            chars.next();
                            pos += 1;
                            v = (v << 4) | d;
                        }
                        None => {
                            return Err(EscapeError {
                                start,
                                end: pos,
                                reason,
                            })
                        }
                    }
                }
                match char::from_u32(v) {
                    Some(c) => out.push(c),
                    // A surrogate is a str character in CPython but not a
                    // Rust `char`: refused as outside the language.
                    None if v <= 0x10ffff => {
                        return Err(EscapeError {
                            start,
                            end: pos,
                            reason: "surrogate characters are not supported",
                        })
                    }
                    None => {
                        return Err(EscapeError {
                            start,
                            end: pos,
                            reason: "illegal Unicode character",
                        })
                    }
                }
            }
            'N' => {
                let malformed = "malformed \\N character escape";
                if chars.peek() != Some(&'{') {
                    return Err(EscapeError {
                        start,
                        end: pos,
                        reason: malformed,
                    });
                }
                chars.next();
                pos += 1;
                let mut name = String::new();
                loop {
                    match chars.next() {
                        None => {
                            return Err(EscapeError {
                                start,
                                end: pos,
                                reason: malformed,
                            })
                        }
                        Some('}') => break,
                        Some(c) => {
                            pos += codec_len(c);
                            name.push(c);
                        }
                    }
                }
                if name.is_empty() {
                    return Err(EscapeError {
                        start,
                        end: pos,
                        reason: malformed,
                    });
                }
                pos += 1;
                match character_named(&name) {
                    Some(c) => out.push(c),
                    None => {
                        return Err(EscapeError {
                            start,
                            end: pos,
                            reason: "unknown Unicode character name",
                        })
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(())
}

/// The character `\N{name}` names, as CPython 3.11's `unicodedata`
/// finds it: the name or an alias, in any case, spelled exactly (no
/// looser matching of blanks, hyphens or underscores), of a character
/// Unicode 14.0 has. `unicode_names2` follows a later Unicode and
/// matches loosely, so its answer is checked against the name, and the
/// aliases are looked up in [`ALIASES`], 3.11's own.
fn character_named(name: &str) -> Option<char> {
    let strict = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-')
        && !name.starts_with(' ')
        && !name.ends_with(' ')
        && !name.contains("  ");
    if !strict {
        return None;
    }
    // The two families CPython names by rule, in capitals only (its
    // `_getcode` compares them case-sensitively).
    const CJK: &str = "CJK UNIFIED IDEOGRAPH-";
    const HANGUL: &str = "HANGUL SYLLABLE ";
    if let Some(hex) = name.strip_prefix(CJK) {
        let digits = (4..=5).contains(&hex.len())
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b));
        let v = u32::from_str_radix(hex, 16).ok().filter(|_| digits)?;
        // `is_unified_ideograph` of CPython 3.11.
        const RANGES: [(u32, u32); 8] = [
            (0x3400, 0x4DBF),
            (0x4E00, 0x9FFF),
            (0x20000, 0x2A6DF),
            (0x2A700, 0x2B738),
            (0x2B740, 0x2B81D),
            (0x2B820, 0x2CEA1),
            (0x2CEB0, 0x2EBE0),
            (0x30000, 0x3134A),
        ];
        return RANGES
            .iter()
            .any(|&(lo, hi)| (lo..=hi).contains(&v))
            .then(|| char::from_u32(v))
            .flatten();
    }
    let upper = name.to_ascii_uppercase();
    if upper.starts_with(CJK) || (upper.starts_with(HANGUL) && !name.starts_with(HANGUL)) {
        return None;
    }
    if name.starts_with(HANGUL) {
        let c = unicode_names2::character(name)?;
        let exact = unicode_names2::name(c).is_some_and(|n| n.to_string() == name);
        return exact.then_some(c);
    }
    if let Ok(i) = ALIASES.binary_search_by(|&(alias, _)| alias.cmp(upper.as_str())) {
        return ALIASES.get(i).map(|&(_, c)| c);
    }
    // A character's own name, matched exactly.
    let c = unicode_names2::character(name)?;
    let exact = unicode_names2::name(c).is_some_and(|n| n.to_string() == upper);
    // Assigned in Unicode 14.0 (the general category table is 14.0's).
    let assigned = unicode_general_category::get_general_category(c)
        != unicode_general_category::GeneralCategory::Unassigned;
    (exact && assigned).then_some(c)
}

/// Bytes the codec's buffer holds for `c` (see [`decode_literal`]).
fn codec_len(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        10
    }
}

/// `s` with `\r\n` and `\r` read as `\n`, appended to `out`.
fn push_translated(s: &str, out: &mut String) {
    if !s.contains('\r') {
        out.push_str(s);
        return;
    }
    let mut rest = s;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('\n') {
            rest = r;
        }
    }
    out.push_str(rest);
}

/// A string result of `len` bytes may be built: `LimitError` when it
/// alone would pass `Limits::max_memory`; charges its copy.
fn check_len(len: u64, budget: &mut Budget<'_>) -> Result<(), EvalError> {
    if len > budget.limits.max_memory {
        return Err(too_long(budget));
    }
    let fresh = len.saturating_sub(FRESH_FROM);
    budget.charge(OVERHEAD + len / BYTES_PER_UNIT + (FRESH_UNITS - 1) * fresh)
}

/// The `LimitError` of a string longer than `Limits::max_memory`.
fn too_long(budget: &Budget<'_>) -> EvalError {
    EvalError::limit(format!(
        "string result would exceed {} bytes",
        budget.limits.max_memory
    ))
}

/// `a + b` for two strings.
pub(crate) fn concat(a: &str, b: &str, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    check_len(a.len() as u64 + b.len() as u64, budget)?;
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(a);
    s.push_str(b);
    Ok(Value::Str(Arc::from(s)))
}

/// A run of string `+` in a left-to-right chain (`'a' + s + 'b' + ...`),
/// built in one growing buffer, as CPython appends in place to a string
/// only its expression holds: linear in the result, where a new string
/// for each `+` would copy quadratically. The evaluator makes the string
/// once the run ends ([`Concat::finish`]).
#[derive(Debug)]
pub(crate) struct Concat {
    text: String,
}

impl Concat {
    /// `a + b`, the first `+` of a run.
    pub(crate) fn start(a: &str, b: &str, budget: &mut Budget<'_>) -> Result<Concat, EvalError> {
        check_len(a.len() as u64 + b.len() as u64, budget)?;
        let mut text = String::with_capacity(a.len() + b.len());
        text.push_str(a);
        text.push_str(b);
        Ok(Concat { text })
    }

    /// `+ b`: checked against `Limits::max_memory` as [`concat`] is, and
    /// charged for `b` (twice: the buffer's growth copies each byte about
    /// once more) rather than for the whole result.
    pub(crate) fn push(&mut self, b: &str, budget: &mut Budget<'_>) -> Result<(), EvalError> {
        let len = self.text.len() as u64 + b.len() as u64;
        if len > budget.limits.max_memory {
            return Err(too_long(budget));
        }
        // The bytes of `b` that land past `FRESH_FROM`.
        let fresh = len.saturating_sub(FRESH_FROM).min(b.len() as u64);
        budget.charge(OVERHEAD + 2 * b.len() as u64 + (FRESH_UNITS - 1) * fresh)?;
        self.text.push_str(b);
        Ok(())
    }

    /// Bytes built so far.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// The string: one more copy, charged as building it.
    pub(crate) fn finish(self, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
        check_len(self.text.len() as u64, budget)?;
        Ok(Value::Str(Arc::from(self.text)))
    }
}

/// `s * n` (and `n * s`): `n` copies of `s`, none for `n <= 0`. As in
/// CPython, a count outside `Py_ssize_t` is an OverflowError even for
/// an empty string, and so is a result of more than `Py_ssize_t`
/// characters; a result past `Limits::max_memory` is a LimitError found
/// before anything is allocated.
pub(crate) fn repeat(s: &Arc<str>, n: &Int, budget: &mut Budget<'_>) -> Result<Value, EvalError> {
    let Some(n) = n.as_i64() else {
        return Err(EvalError::overflow(
            "cannot fit 'int' into an index-sized integer",
        ));
    };
    if n <= 0 || s.is_empty() {
        budget.charge(OVERHEAD)?;
        return Ok(Value::Str(Arc::from("")));
    }
    if n == 1 {
        budget.charge(OVERHEAD)?;
        return Ok(Value::Str(s.clone()));
    }
    let len = (s.len() as u64).saturating_mul(n as u64);
    if len > i64::MAX as u64 {
        // CPython's own bound, in characters: `Py_ssize_t`.
        budget.charge(str_cost(s.len()))?;
        let chars = s.chars().count() as u64;
        if chars.saturating_mul(n as u64) > i64::MAX as u64 {
            return Err(EvalError::overflow("repeated string is too long"));
        }
    }
    check_len(len, budget)?;
    Ok(Value::Str(Arc::from(s.repeat(n as usize))))
}

/// The order of two strings, code point by code point (UTF-8's byte
/// order is the code points' order).
pub(crate) fn compare(a: &str, b: &str, budget: &mut Budget<'_>) -> Result<Ordering, EvalError> {
    budget.charge(str_cost(a.len().min(b.len())))?;
    Ok(a.cmp(b))
}

/// `needle in haystack` for two strings: whether `needle` is a substring.
pub(crate) fn contains(
    haystack: &str,
    needle: &str,
    budget: &mut Budget<'_>,
) -> Result<bool, EvalError> {
    // The two-way search Rust's `str::contains` runs is linear in the
    // haystack, with a small constant per needle byte.
    budget.charge(str_cost(haystack.len()) + str_cost(needle.len()))?;
    Ok(haystack.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(s: &str) -> String {
        let mut out = String::new();
        write_repr(&mut out, s);
        out
    }

    fn decode(body: &str) -> Result<String, String> {
        let mut out = String::new();
        decode_literal(body, false, &mut out)
            .map(|()| out)
            .map_err(|e| e.message())
    }

    #[test]
    fn reprs_are_cpythons() {
        // repr of each in python3
        assert_eq!(repr("abc"), "'abc'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("'\""), "'\\'\"'");
        assert_eq!(repr("a\\b"), "'a\\\\b'");
        assert_eq!(repr("\t\n\r\x00\x1f\x7f"), "'\\t\\n\\r\\x00\\x1f\\x7f'");
        assert_eq!(repr("\u{80}\u{a0}\u{ad}é"), "'\\x80\\xa0\\xadé'");
        assert_eq!(repr("\u{2028}\u{e000}\u{2003}"), "'\\u2028\\ue000\\u2003'");
        assert_eq!(repr("\u{10ffff}😀"), "'\\U0010ffff😀'");
        assert_eq!(repr(""), "''");
    }

    /// Every character name python3 (3.11: Unicode 14.0) knows, in
    /// capitals and in small letters, and every alias, decodes in
    /// `\N{...}` to python3's character or error; fails (does not skip)
    /// when python3 is missing.
    #[test]
    fn every_name_python3_knows() {
        const SCRIPT: &str = r#"
import sys, unicodedata
from calc_aliases import ALIASES
out = []
names = [unicodedata.name(chr(cp), "") for cp in range(0x110000)]
for n in [n for n in names if n] + [a for a, _ in ALIASES]:
    for spelling in (n, n.lower()):
        try:
            out.append("%s\t%x" % (spelling, ord(unicodedata.lookup(spelling))))
        except KeyError:
            out.append("%s\t-" % spelling)
print("\n".join(out))
"#;
        // The alias table, as python reads it, for the script.
        let dir = std::env::temp_dir().join(format!("calc-aliases-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let table: Vec<String> = ALIASES
            .iter()
            .map(|(a, c)| format!("({a:?}, {})", u32::from(*c)))
            .collect();
        std::fs::write(
            dir.join("calc_aliases.py"),
            format!("ALIASES = [{}]\n", table.join(", ")),
        )
        .unwrap();
        let out = std::process::Command::new("python3")
            .arg("-c")
            .arg(SCRIPT)
            .env("PYTHONPATH", &dir)
            .output()
            .expect("python3 must be installed to run this test");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(out.status.success(), "python3 failed");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut checked = 0;
        for line in text.lines() {
            let (name, want) = line.split_once('\t').unwrap();
            let got = character_named(name).map(|c| format!("{:x}", u32::from(c)));
            assert_eq!(got.as_deref().unwrap_or("-"), want, "{name}");
            checked += 1;
        }
        assert!(checked > 270_000, "{checked}");
    }

    #[test]
    fn escapes_decode_as_cpythons() {
        // eval of each literal in python3
        assert_eq!(decode(r#"a\tb\n\\\'\""#).unwrap(), "a\tb\n\\'\"");
        assert_eq!(decode(r"\x41\u00e9\U0001F600").unwrap(), "Aé😀");
        assert_eq!(decode(r"\0\08\1234\777").unwrap(), "\0\x008S4\u{1ff}");
        assert_eq!(decode(r"\q\é").unwrap(), "\\q\\é");
        assert_eq!(decode("a\\\nb").unwrap(), "ab");
        assert_eq!(decode("a\\\r\nb\r\nc").unwrap(), "ab\nc");
        assert_eq!(
            decode(r"\x4").unwrap_err(),
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape"
        );
        assert_eq!(
            decode(r"é\x4").unwrap_err(),
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 10-12: truncated \\xXX escape"
        );
        assert_eq!(
            decode(r"\U0011ffff").unwrap_err(),
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-9: illegal Unicode character"
        );
        assert_eq!(
            decode(r"\N{").unwrap_err(),
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: malformed \\N character escape"
        );
        assert_eq!(
            decode(r"\N{LATIN SMALL LETTER A}\N{latin capital letter gha}").unwrap(),
            "aƢ"
        );
        assert_eq!(
            decode(r"\N{HANGUL SYLLABLE GAG}\N{CJK UNIFIED IDEOGRAPH-04E00}").unwrap(),
            "각一"
        );
        // Unicode 15.0's, and loose spellings: unknown to CPython 3.11.
        for bad in [
            r"\N{hangul syllable gag}",
            r"\N{CJK UNIFIED IDEOGRAPH-4e00}",
            r"\N{WIRELESS}",
            r"\N{ LATIN SMALL LETTER A}",
            r"\N{LATIN_SMALL_LETTER_A}",
            r"\N{LATINSMALL LETTER A}",
        ] {
            assert!(
                decode(bad)
                    .unwrap_err()
                    .ends_with("unknown Unicode character name"),
                "{bad}"
            );
        }
        assert_eq!(
            decode(r"\N{}").unwrap_err(),
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: malformed \\N character escape"
        );
    }
}
