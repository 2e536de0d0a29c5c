//! Escaping and bounding text for the log: what a client sent must reach a
//! terminal or a log file as inert, visible text of bounded length.
//!
//! A character is escaped when it could act on a terminal or a reader
//! rather than be read: C0 and C1 controls and DEL (cursor movement, line
//! breaks, NUL that makes grep call the file binary), line and paragraph
//! separators, bidi and other format characters (text that displays in
//! another order than it is stored), invisible fillers and space look-alikes.
//! `"` and `\` are escaped too, so that quotes delimit a value and an
//! escape always means one. Everything else, including `'` and accented or
//! non-Latin letters, is kept as it is.
//!
//! Escapes read `\"`, `\\` and `\u{hex}` (lowercase, as Rust writes them).
//! Rust's own `char::escape_debug` is not used alone: it also escapes `'`
//! and combining marks (noise for ordinary text), and it keeps invisible
//! letters such as the Hangul fillers U+115F, U+3164 and U+FFA0. Its notion
//! of printable (which follows the Unicode version of the compiler) is used
//! as a second test, so that format characters added to Unicode after the
//! list below are escaped too.

use std::fmt::{self, Write};

/// Ends a value that was cut short. The character itself is always
/// escaped where it occurs in the text, so a bare `…` in the log can only
/// be this mark.
pub const CUT_MARK: char = '\u{2026}';

/// Whether `c` is written as an escape.
pub fn needs_escape(c: char) -> bool {
    if c.is_ascii() {
        return c < ' ' || c == '\u{7f}' || c == '"' || c == '\\';
    }
    always_escaped(c) || !rust_printable(c)
}

/// Non-ASCII characters escaped whatever the compiler's Unicode tables say:
/// C1 controls, space look-alikes (Zs other than U+0020), line and
/// paragraph separators, and the format (Cf) and default-ignorable
/// characters of Unicode 16.
fn always_escaped(c: char) -> bool {
    matches!(
        c as u32,
        0x80..=0x9f            // C1 controls (U+0085 is a line break)
        | 0xa0                 // no-break space
        | 0xad                 // soft hyphen
        | 0x34f                // combining grapheme joiner
        | 0x600..=0x605        // Arabic number signs
        | 0x61c                // Arabic letter mark (bidi)
        | 0x6dd | 0x70f | 0x890 | 0x891 | 0x8e2
        | 0x115f | 0x1160      // Hangul fillers
        | 0x1680               // Ogham space mark
        | 0x17b4 | 0x17b5
        | 0x180b..=0x180f      // Mongolian selectors and vowel separator
        | 0x2000..=0x200f      // spaces, zero-width chars, LRM, RLM
        | 0x2026               // the cut mark itself
        | 0x2028..=0x202f      // line/paragraph separators, bidi embeddings, NNBSP
        | 0x205f..=0x206f      // word joiner, invisible operators, bidi isolates
        | 0x3000               // ideographic space
        | 0x3164               // Hangul filler
        | 0xfe00..=0xfe0f      // variation selectors
        | 0xfeff               // zero-width no-break space (BOM)
        | 0xffa0               // halfwidth Hangul filler
        | 0xfff0..=0xfffb      // interlinear annotation
        | 0x110bd | 0x110cd
        | 0x13430..=0x1343f    // Egyptian hieroglyph format controls
        | 0x1bca0..=0x1bca3    // shorthand format controls
        | 0x1d173..=0x1d17a    // musical symbol format controls
        | 0xe0000..=0xe0fff    // tags, variation selectors supplement
    )
}

/// Rust's idea of a printable character: `str::escape_debug` leaves it as
/// it is after the first character (where it would also escape combining
/// marks). Unassigned, private-use and format characters are not printable.
fn rust_printable(c: char) -> bool {
    let mut buf = [0u8; 8];
    buf[0] = b'a';
    let len = 1 + c.encode_utf8(&mut buf[1..]).len();
    let Ok(s) = std::str::from_utf8(&buf[..len]) else {
        return false;
    };
    let mut escaped = s.escape_debug();
    escaped.next();
    escaped.next() == Some(c)
}

/// Writes escaped text into a `String`, at most `max` bytes of it: text that
/// does not fit is dropped at a character boundary (an escape is never
/// split) and [`Bounded::cut`] says so. [`Bounded::seen`] counts every byte
/// offered, kept or not, so the full length can be reported.
pub struct Bounded<'a> {
    out: &'a mut String,
    room: usize,
    seen: usize,
    cut: bool,
}

impl<'a> Bounded<'a> {
    /// Appends to `out`, at most `max` bytes.
    pub fn new(out: &'a mut String, max: usize) -> Bounded<'a> {
        Bounded {
            out,
            room: max,
            seen: 0,
            cut: false,
        }
    }

    /// Bytes offered so far (before escaping).
    pub fn seen(&self) -> usize {
        self.seen
    }

    /// Whether some of the text did not fit.
    pub fn cut(&self) -> bool {
        self.cut
    }

    /// Appends `text` escaped, as far as it fits.
    pub fn push(&mut self, text: &str) {
        self.seen += text.len();
        if self.cut {
            return;
        }
        let mut plain = 0;
        for (i, c) in text.char_indices() {
            if !needs_escape(c) {
                continue;
            }
            if !self.plain(&text[plain..i]) {
                return;
            }
            plain = i + c.len_utf8();
            let mut esc = [0u8; 12];
            let esc = escape_char(c, &mut esc);
            if esc.len() > self.room {
                self.cut = true;
                return;
            }
            self.out.push_str(esc);
            self.room -= esc.len();
        }
        self.plain(&text[plain..]);
    }

    /// Appends a run that needs no escape, as far as it fits; false if cut.
    fn plain(&mut self, run: &str) -> bool {
        if run.len() <= self.room {
            self.out.push_str(run);
            self.room -= run.len();
            return true;
        }
        let mut end = self.room;
        while !run.is_char_boundary(end) {
            end -= 1;
        }
        self.out.push_str(&run[..end]);
        self.room = 0;
        self.cut = true;
        false
    }
}

impl Write for Bounded<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push(s);
        Ok(())
    }
}

/// The escape for `c` (which [`needs_escape`]).
fn escape_char(c: char, buf: &mut [u8; 12]) -> &str {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match c {
        '"' => "\\\"",
        '\\' => "\\\\",
        _ => {
            let v = c as u32;
            let digits = (8 - v.leading_zeros() as usize / 4).max(1);
            buf[..3].copy_from_slice(b"\\u{");
            for i in 0..digits {
                let shift = 4 * (digits - 1 - i);
                buf[3 + i] = HEX[((v >> shift) & 0xf) as usize];
            }
            buf[3 + digits] = b'}';
            std::str::from_utf8(&buf[..4 + digits]).unwrap_or("\\u{fffd}")
        }
    }
}

/// Appends `text` to `out` escaped, at most `max` bytes of escaped text;
/// returns whether it was cut.
pub fn escape_into(out: &mut String, text: &str, max: usize) -> bool {
    let mut b = Bounded::new(out, max);
    b.push(text);
    b.cut()
}

/// Escaped text ready for a record: what fitted, and the length of the
/// whole if it did not all fit.
pub trait Escaped {
    /// The escaped text that fitted.
    fn text(&self) -> &str;
    /// The original length in bytes when the text was cut.
    fn cut_from(&self) -> Option<usize>;

    /// As a quoted string, for the text format: `"1+1"`, or
    /// `"1+1+…" (65536 bytes)` when cut.
    fn quoted(&self) -> Quoted<'_, Self> {
        Quoted(self)
    }

    /// As the content of a JSON string: `1+1`, or `1+1+… (65536 bytes)`
    /// when cut (the mark cannot occur in the text, so neither can a forged
    /// note).
    fn unquoted(&self) -> Unquoted<'_, Self> {
        Unquoted(self)
    }
}

/// See [`Escaped::quoted`].
pub struct Quoted<'a, E: ?Sized>(&'a E);
/// See [`Escaped::unquoted`].
pub struct Unquoted<'a, E: ?Sized>(&'a E);

impl<E: Escaped + ?Sized> fmt::Display for Quoted<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        f.write_str(self.0.text())?;
        match self.0.cut_from() {
            Some(n) => write!(f, "{CUT_MARK}\" ({n} bytes)"),
            None => f.write_char('"'),
        }
    }
}

impl<E: Escaped + ?Sized> fmt::Display for Unquoted<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.text())?;
        match self.0.cut_from() {
            Some(n) => write!(f, "{CUT_MARK} ({n} bytes)"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = String::new();
        assert!(!escape_into(&mut out, s, usize::MAX));
        out
    }

    /// No character a sink must not receive survives escaping.
    fn assert_inert(s: &str) {
        for c in s.chars() {
            let v = c as u32;
            assert!(
                (0x20..0x7f).contains(&v) || (!needs_escape(c) && v > 0x9f),
                "{c:?} (U+{v:04X}) left in {s:?}"
            );
        }
    }

    #[test]
    fn c0_controls_del_and_c1_are_escaped() {
        for v in (0..0x20).chain([0x7f]).chain(0x80..0xa0) {
            let c = char::from_u32(v).unwrap();
            assert_eq!(esc(&format!("a{c}b")), format!("a\\u{{{v:x}}}b"));
        }
        assert_eq!(esc("\x1b[2K\r\x07\0"), "\\u{1b}[2K\\u{d}\\u{7}\\u{0}");
    }

    #[test]
    fn quotes_and_backslashes_are_escaped_apostrophes_are_not() {
        assert_eq!(esc(r#"a"b\c'd"#), r#"a\"b\\c'd"#);
    }

    #[test]
    fn bidi_controls_and_separators_are_escaped() {
        for v in [
            0x61c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
            0x2069, 0x2028, 0x2029,
        ] {
            let c = char::from_u32(v).unwrap();
            assert_eq!(esc(&c.to_string()), format!("\\u{{{v:x}}}"));
        }
    }

    #[test]
    fn invisible_and_format_characters_are_escaped() {
        for v in [
            0xa0, 0xad, 0x34f, 0x600, 0x115f, 0x180e, 0x200b, 0x200c, 0x200d, 0x2060, 0x2064,
            0x206f, 0x2003, 0x3000, 0x3164, 0xfe0f, 0xfeff, 0xffa0, 0xfff9, 0x110bd, 0x13430,
            0x1bca0, 0x1d173, 0xe0001, 0xe0041, 0xe0100,
        ] {
            let c = char::from_u32(v).unwrap();
            assert!(needs_escape(c), "U+{v:04X}");
        }
        // Private use and unassigned: not printable by Rust's tables.
        assert!(needs_escape('\u{e000}'));
        assert!(needs_escape('\u{10ffff}'));
        assert_eq!(esc("\u{10ffff}"), "\\u{10ffff}");
    }

    #[test]
    fn ordinary_text_is_kept() {
        let s = "1+2*3 (x) [y] {z} 'é' ü ß Ω π ∑ 漢字 😀 e\u{301} ~!@#$%^&|<>?/,.;:";
        assert_eq!(esc(s), s);
    }

    #[test]
    fn the_cut_mark_is_escaped_in_text() {
        assert_eq!(esc("1…2"), "1\\u{2026}2");
    }

    #[test]
    fn every_character_that_is_escaped_comes_out_inert() {
        let all: String = (0..=0x10ffffu32).filter_map(char::from_u32).collect();
        let out = esc(&all);
        assert_inert(&out);
    }

    #[test]
    fn truncation_keeps_whole_characters_and_whole_escapes() {
        let mut out = String::new();
        assert!(escape_into(&mut out, "ab€cd", 4));
        assert_eq!(out, "ab"); // € is 3 bytes: it does not fit in 2
        let mut out = String::new();
        assert!(escape_into(&mut out, "ab€cd", 5));
        assert_eq!(out, "ab€");
        let mut out = String::new();
        assert!(escape_into(&mut out, "ab\x1bcd", 7));
        assert_eq!(out, "ab"); // \u{1b} is 6 bytes: it does not fit in 5
        let mut out = String::new();
        assert!(escape_into(&mut out, "ab\x1bcd", 8));
        assert_eq!(out, "ab\\u{1b}");
        let mut out = String::new();
        assert!(!escape_into(&mut out, "ab\x1bcd", 10));
        assert_eq!(out, "ab\\u{1b}cd");
        // Every cut of a mixed string is a char boundary and within bounds.
        let s = "a€😀\u{202e}\"é\\\u{2028}z".repeat(3);
        for max in 0..80 {
            let mut out = String::new();
            let mut b = Bounded::new(&mut out, max);
            b.push(&s);
            assert_eq!(b.seen(), s.len());
            let cut = b.cut();
            assert!(out.len() <= max, "{max}: {out:?}");
            assert_eq!(cut, out != esc(&s), "{max}");
            assert!(esc(&s).starts_with(&out), "{max}: {out:?}");
        }
    }

    #[test]
    fn bounded_counts_pieces_offered_after_the_cut() {
        let mut out = String::new();
        let mut b = Bounded::new(&mut out, 3);
        let tail = "abc";
        write!(b, "{}-{tail}", 12345).unwrap();
        assert!(b.cut());
        assert_eq!(b.seen(), 9);
        assert_eq!(out, "123");
    }

    struct T(&'static str, Option<usize>);
    impl Escaped for T {
        fn text(&self) -> &str {
            self.0
        }
        fn cut_from(&self) -> Option<usize> {
            self.1
        }
    }

    #[test]
    fn quoted_and_unquoted_forms() {
        assert_eq!(T("1+1", None).quoted().to_string(), "\"1+1\"");
        assert_eq!(
            T("1+1+", Some(65536)).quoted().to_string(),
            "\"1+1+…\" (65536 bytes)"
        );
        assert_eq!(T("1+1", None).unquoted().to_string(), "1+1");
        assert_eq!(
            T("1+1+", Some(65536)).unquoted().to_string(),
            "1+1+… (65536 bytes)"
        );
    }
}
