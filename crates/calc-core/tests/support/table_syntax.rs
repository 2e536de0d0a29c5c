//! The syntax of `tests/table.txt`, read by the table test and by
//! `cargo xtask table` (which includes this file by its path), so the two
//! cannot read a line differently.
//!
//! A line is `INPUT<TAB>EXPECTATION`; `#` lines and blank lines without a
//! tab are comments. In the input, `\t`, `\f`, `\r`, `\n`, `\0` and `\\`
//! are escapes and `{N*s}` is `s` repeated `N` times.

/// A case line as its input (as written) and its expectation (trimmed),
/// or `None` for a comment.
pub fn split_line(line: &str) -> Option<(&str, &str)> {
    if line.starts_with('#') || (line.trim().is_empty() && !line.contains('\t')) {
        return None;
    }
    let (input, expectation) = line.split_once('\t').unwrap_or((line, ""));
    Some((input, expectation.trim()))
}

/// The escapes of an input: `\t`, `\f` (form feed), `\r`, `\n`, `\0`
/// and `\\`; any other backslash stays as written.
fn unescape(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('f') => out.push('\x0c'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Expands the escapes and `{N*s}` in an input.
pub fn expand(input: &str) -> Result<String, String> {
    let input = unescape(input);
    let mut out = String::with_capacity(input.len());
    let mut rest = input.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in {input:?}"))?;
        let (n, s) = after[..close]
            .split_once('*')
            .ok_or_else(|| format!("{{N*s}} expected in {input:?}"))?;
        let n: usize = n
            .parse()
            .map_err(|_| format!("bad repeat count in {input:?}"))?;
        out.push_str(&s.repeat(n));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
