//! The tokenizer: CPython 3.11's tokenizer rules for the tokens of the
//! language, with its error messages and columns.
//!
//! Tokens are produced on demand, borrow nothing and allocate nothing; the
//! parser takes them into a reused buffer before it parses (up to the
//! first error, which it raises where it reaches it), and the one-pass
//! evaluator reads its numbers with [`scan_number`]. Like CPython's
//! tokenizer, this one tracks parenthesis depth itself: newlines inside
//! parentheses are whitespace, a `)` without `(` is an error here, and so
//! is nesting deeper than [`Limits::max_depth`](crate::Limits).

use unicode_general_category::{get_general_category, GeneralCategory};
use unicode_normalization::UnicodeNormalization;

pub(crate) use crate::grammar::Op;
use crate::EvalError;

/// What a token is; its text is `source[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An int literal in `radix` (the text includes any `0x` prefix).
    Int(u32),
    /// A float literal.
    Float,
    /// An imaginary literal (`2j`).
    Imag,
    /// An identifier that is not a keyword.
    Name,
    /// A string literal, its prefix (`r`, `b`, `f`, `u`, ...) and quotes
    /// included; `parse::string` reads its value.
    Str,
    /// A keyword.
    Kw(Kw),
    /// An operator or delimiter of the language.
    Op(Op),
    /// The end of the logical line (a newline outside parentheses).
    Newline,
    /// The end of the input.
    Eof,
    /// A Python token outside the language: the parser rejects it with this
    /// message.
    Unsupported(&'static str),
}

/// The keywords the grammar uses; every other Python keyword is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kw {
    True,
    False,
    Not,
    And,
    Or,
    If,
    Else,
    /// `in` and `is`: comparison operators outside the language.
    InIs,
    /// Any other Python keyword (`None`, `lambda`, `yield`, ...).
    Other,
}

/// A token and its byte span in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    /// The kind of token.
    pub tok: Tok,
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
}

/// The tokenizer state.
#[derive(Debug, Clone)]
pub(crate) struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    /// Open parentheses at `pos`.
    /// The brackets open at `pos`, innermost last: `(`, `[` or `{`, and
    /// where. (`[` and `{` are outside the language but tracked, as
    /// CPython's tokenizer does, for its messages.)
    open: Vec<(u8, usize)>,
    /// Where the bracket closed last was opened.
    last_closed: Option<usize>,
    max_depth: usize,
    /// At the start of a logical line, where CPython's tokenizer measures
    /// the indentation (`atbol`).
    at_line_start: bool,
    /// Whether indentation is skipped rather than an error: CPython's
    /// INDENT is a token, an error only for the parser, so the scan for
    /// tokenizer errors after a parser error passes over it.
    indent_is_trivia: bool,
}

const LINE_CONTINUATION: &str = "unexpected character after line continuation character";

/// The tokenizer error for a line continuation at the end of the input.
const CONTINUATION_EOF: &str = "unexpected EOF while parsing";

/// CPython's error for a NUL anywhere in the source, before tokenizing.
const NULL_BYTES: &str = "source code string cannot contain null bytes";

/// CPython's tab stops (`TABSIZE` in its tokenizer).
const TAB_SIZE: usize = 8;

/// The 0-based character column of byte offset `pos` within its line.
pub(crate) fn column0(src: &str, pos: usize) -> usize {
    let before = src.get(..pos).unwrap_or(src);
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    before.get(line_start..).map_or(0, |l| l.chars().count())
}

/// The 1-based line of byte `pos` of `src`: lines end at `\n`, `\r\n`
/// or `\r`, as for [`column0`].
pub(crate) fn line_of(src: &str, pos: usize) -> usize {
    let before = src.get(..pos).unwrap_or(src).as_bytes();
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count();
    breaks + 1
}

/// A `SyntaxError` whose 1-based column is the character at `pos`.
pub(crate) fn error_at(
    src: &str,
    pos: usize,
    message: impl Into<std::borrow::Cow<'static, str>>,
) -> EvalError {
    EvalError::syntax(message, column0(src, pos) + 1).with_line(line_of(src, pos))
}

/// A `SyntaxError` with CPython's tokenizer column convention for an error
/// after backing up: the offset is the 0-based index of the offending
/// character (so it points at the character before it, 1-based).
fn backed_up_error(
    src: &str,
    pos: usize,
    message: impl Into<std::borrow::Cow<'static, str>>,
) -> EvalError {
    EvalError::syntax(message, column0(src, pos)).with_line(line_of(src, pos))
}

/// CPython's `is_potential_identifier_char`: any byte of a non-ASCII
/// character counts.
fn is_potential_ident_byte(b: u8) -> bool {
    IDENT_BYTE[usize::from(b)]
}

/// [`is_potential_ident_byte`] as a table, for the loop over a name.
static IDENT_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80;
        b += 1;
    }
    table
};

/// Whether CPython 3.11 knows the character at all: it is assigned in
/// Unicode 14.0 (its `unicodedata`'s version), and not one of the four
/// characters Unicode 15.1 added to `XID_Continue` (ZWNJ, ZWJ and the two
/// katakana middle dots, which 14.0 has as format and punctuation).
/// `unicode-ident` follows the current Unicode; this narrows it to 3.11's.
fn known_to_cpython(c: char) -> bool {
    get_general_category(c) != GeneralCategory::Unassigned
        && !matches!(c, '\u{200c}' | '\u{200d}' | '\u{30fb}' | '\u{ff65}')
}

/// `_PyUnicode_IsXidStart` of CPython 3.11, or `_`.
pub(crate) fn is_xid_start(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphabetic()
        || (!c.is_ascii() && unicode_ident::is_xid_start(c) && known_to_cpython(c))
}

/// `_PyUnicode_IsXidContinue` of CPython 3.11.
pub(crate) fn is_xid_continue(c: char) -> bool {
    c == '_'
        || c.is_ascii_alphanumeric()
        || (!c.is_ascii() && unicode_ident::is_xid_continue(c) && known_to_cpython(c))
}

/// Python's `str.isprintable` for one character, as 3.11 has it: not a
/// control, format, surrogate, private-use, unassigned, line, paragraph or
/// (other than the space) space separator character.
pub(crate) fn is_printable(c: char) -> bool {
    use GeneralCategory as G;
    c == ' '
        || !matches!(
            get_general_category(c),
            G::Control
                | G::Format
                | G::Surrogate
                | G::PrivateUse
                | G::Unassigned
                | G::LineSeparator
                | G::ParagraphSeparator
                | G::SpaceSeparator
        )
}

/// Whether `word`, right before a quote, is a string prefix CPython's
/// tokenizer takes: `b`, `r`, `u`, `f` in any case, and `br`, `rb`, `fr`,
/// `rf` in any order and case (`ur`, `bu`, `fb` are not prefixes).
fn is_string_prefix(word: &str) -> bool {
    let lower = word.as_bytes();
    let l = |i: usize| lower.get(i).map(u8::to_ascii_lowercase);
    match lower.len() {
        1 => matches!(l(0), Some(b'b' | b'r' | b'u' | b'f')),
        2 => matches!(
            (l(0), l(1)),
            (Some(b'b'), Some(b'r'))
                | (Some(b'r'), Some(b'b'))
                | (Some(b'f'), Some(b'r'))
                | (Some(b'r'), Some(b'f'))
        ),
        _ => false,
    }
}

/// CPython's error for a string literal starting at byte `start` that
/// does not end: at its first character, naming the line of byte `at`,
/// where the tokenizer found the end of the line or of the input.
fn unterminated(src: &str, start: usize, at: usize, triple: bool) -> EvalError {
    // A line break that ends the input starts no line of its own.
    let at = if at == src.len() && src.ends_with(['\n', '\r']) {
        at - 1
    } else {
        at
    };
    let detected = line_of(src, at);
    let kind = if triple {
        "triple-quoted string"
    } else {
        "string"
    };
    error_at(
        src,
        start,
        format!("unterminated {kind} literal (detected at line {detected})"),
    )
}

/// CPython's tokenizer error for the character `c` at byte `pos`, which
/// cannot start or continue a name.
fn invalid_character(src: &str, pos: usize, c: char) -> EvalError {
    let message = if is_printable(c) {
        format!("invalid character '{c}' (U+{:04X})", u32::from(c))
    } else {
        format!("invalid non-printable character U+{:04X}", u32::from(c))
    };
    error_at(src, pos, message)
}

/// CPython's `verify_identifier`: the name `word` at byte `start` starts
/// with an `XID_Start` character or `_` and goes on with `XID_Continue`
/// characters; else the error names the first character that does not.
fn verify_identifier(src: &str, start: usize, word: &str) -> Result<(), EvalError> {
    for (k, (at, c)) in word.char_indices().enumerate() {
        let fits = if k == 0 {
            is_xid_start(c)
        } else {
            is_xid_continue(c)
        };
        if !fits {
            return Err(invalid_character(src, start + at, c));
        }
    }
    Ok(())
}

/// The name a `Tok::Name` token spells: its text, NFKC-normalized when it
/// is not ASCII, as CPython's parser normalizes identifiers (`ｐｉ` and
/// `𝐩𝐢` are `pi`; the parser tests' `names_are_normalized` checks it).
pub(crate) fn normalized_name(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfkc().collect())
    }
}

fn keyword(word: &str) -> Option<Kw> {
    Some(match word {
        "True" => Kw::True,
        "False" => Kw::False,
        "not" => Kw::Not,
        "and" => Kw::And,
        "or" => Kw::Or,
        "if" => Kw::If,
        "else" => Kw::Else,
        "in" | "is" => Kw::InIs,
        "None" | "as" | "assert" | "async" | "await" | "break" | "class" | "continue" | "def"
        | "del" | "elif" | "except" | "finally" | "for" | "from" | "global" | "import"
        | "lambda" | "nonlocal" | "pass" | "raise" | "return" | "try" | "while" | "with"
        | "yield" => Kw::Other,
        _ => return None,
    })
}

/// Whether `word` is a Python keyword (so that, as ASCII, it cannot be a
/// name: a name that NFKC-normalizes to it is spelled otherwise).
pub(crate) fn is_keyword(word: &str) -> bool {
    keyword(word).is_some()
}

/// The operator starting with bytes `a`, `b`, and its length. `<>` is
/// a token of its own in Python (an error), not `<` then `>`.
fn operator(a: u8, b: u8) -> Option<(Op, usize)> {
    if a == b'<' && b == b'>' {
        return None;
    }
    crate::grammar::operator(a, b)
}

/// Python tokens that are not part of the language, with the reason the
/// parser gives when it meets one.
fn unsupported(input: &str) -> Option<(usize, &'static str)> {
    const TOKENS: [(&str, &str); 17] = [
        ("...", "'...' is not supported"),
        ("->", "invalid syntax"),
        (":=", "assignment expressions are not supported"),
        ("<>", "invalid syntax"),
        ("[", "lists are not supported"),
        ("]", "invalid syntax"),
        ("{", "dicts and sets are not supported"),
        ("}", "invalid syntax"),
        (".", "attributes are not supported"),
        ("=", "invalid syntax"),
        (":", "invalid syntax"),
        (";", "invalid syntax"),
        // `@=`, an augmented assignment.
        ("@=", "invalid syntax"),
        ("@", "the '@' operator is not supported"),
        ("!", "invalid syntax"),
        ("$", "invalid syntax"),
        ("?", "invalid syntax"),
    ];
    TOKENS
        .iter()
        .find(|(t, _)| input.starts_with(t))
        .map(|&(t, m)| (t.len(), m))
        .or_else(|| input.starts_with('`').then_some((1, "invalid syntax")))
}

impl<'s> Lexer<'s> {
    /// A tokenizer at the start of `src` that rejects more than `max_depth`
    /// nested parentheses.
    ///
    /// `open` is an empty buffer to reuse for the bracket stack.
    pub(crate) fn new(src: &'s str, max_depth: usize, mut open: Vec<(u8, usize)>) -> Self {
        open.clear();
        Lexer {
            src,
            pos: 0,
            open,
            last_closed: None,
            max_depth,
            at_line_start: true,
            indent_is_trivia: false,
        }
    }

    /// The bracket stack's buffer, for reuse.
    pub(crate) fn into_buffer(self) -> Vec<(u8, usize)> {
        self.open
    }

    fn rest(&self) -> &'s str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn byte(&self, i: usize) -> u8 {
        self.src.as_bytes().get(i).copied().unwrap_or(0)
    }

    /// Skips whitespace, comments, line continuations and (inside
    /// parentheses) newlines.
    fn skip_trivia(&mut self) -> Result<(), EvalError> {
        loop {
            while matches!(self.byte(self.pos), b' ' | b'\t' | b'\x0c') {
                self.pos += 1;
            }
            match self.byte(self.pos) {
                b'#' => {
                    let rest = self.rest();
                    let line = rest.find(['\n', '\r']).unwrap_or(rest.len());
                    self.pos += line;
                }
                b'\\' => {
                    let after = self.pos + 1;
                    let newline = match (self.byte(after), self.byte(after + 1)) {
                        (b'\r', b'\n') => 2,
                        (b'\n', _) | (b'\r', _) => 1,
                        _ => 0,
                    };
                    if newline == 0 {
                        // CPython reports the column after the character
                        // following the backslash.
                        let next_len = self
                            .src
                            .get(after..)
                            .and_then(|s| s.chars().next())
                            .map_or(0, char::len_utf8);
                        return Err(EvalError::syntax(
                            LINE_CONTINUATION,
                            column0(self.src, after + next_len),
                        )
                        .with_line(line_of(self.src, after + next_len)));
                    }
                    self.pos = after + newline;
                    if self.pos == self.src.len() && self.open.is_empty() {
                        // The continuation asks for a line that is not
                        // there (inside brackets, the bracket is never
                        // closed instead). The column counts the backslash
                        // and the line break as CPython does, one
                        // character each.
                        let at = after - 1;
                        return Err(
                            EvalError::syntax(CONTINUATION_EOF, column0(self.src, at) + 2)
                                .with_line(line_of(self.src, at)),
                        );
                    }
                }
                b'\n' | b'\r' if !self.open.is_empty() => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    /// The next token.
    pub(crate) fn next_token(&mut self) -> Result<Token, EvalError> {
        if self.at_line_start {
            self.line_start()?;
        }
        self.skip_trivia()?;
        let start = self.pos;
        // Fast path: operators and small decimal ints, the bulk of tokens.
        let (a, b) = (self.byte(start), self.byte(start + 1));
        if let Some((op, len)) = operator(a, b) {
            if self.byte(start + len) != b'=' && op != Op::LParen && op != Op::RParen {
                self.pos += len;
                return Ok(Token {
                    tok: Tok::Op(op),
                    start,
                    end: self.pos,
                });
            }
        }
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            if let Some(&(kind, at)) = self.open.last() {
                return Err(error_at(
                    self.src,
                    at,
                    format!("'{}' was never closed", char::from(kind)),
                ));
            }
            return Ok(Token {
                tok: Tok::Eof,
                start,
                end: start,
            });
        };
        let tok = if c.is_ascii_digit() || (c == '.' && self.byte(start + 1).is_ascii_digit()) {
            self.number()?
        } else if c == '_' || c.is_ascii_alphabetic() || !c.is_ascii() {
            // CPython's `is_potential_identifier_start`: any non-ASCII
            // character starts a name, which must then pass
            // `verify_identifier`.
            self.name(start)?
        } else if c == '\n' || c == '\r' {
            // Only outside parentheses: inside, skip_trivia ate it. A
            // logical line ends here; `\r\n` is one newline.
            self.pos += if rest.starts_with("\r\n") { 2 } else { 1 };
            self.at_line_start = true;
            Tok::Newline
        } else if let Some((op, len)) = operator(self.byte(start), self.byte(start + 1)) {
            if self.byte(start + len) == b'=' && op.assigns() {
                // An augmented assignment (`+=`) is one token in Python.
                self.pos += len + 1;
                Tok::Unsupported("invalid syntax")
            } else {
                self.pos += len;
                self.bracket(a, start)?;
                Tok::Op(op)
            }
        } else if c == '\'' || c == '"' {
            self.string(start, start)?
        } else if let Some((len, message)) = unsupported(rest) {
            self.pos += len;
            self.bracket(self.byte(start), start)?;
            Tok::Unsupported(message)
        } else {
            // An ASCII control character (the rest of ASCII is taken above).
            return Err(invalid_character(self.src, start, c));
        };
        Ok(Token {
            tok,
            start,
            end: self.pos,
        })
    }

    /// A name or keyword at `start`, as CPython's tokenizer reads one: the
    /// longest run of ASCII letters, digits, `_` and non-ASCII characters,
    /// verified when it holds any non-ASCII character. Keywords are ASCII
    /// words (`ｉｆ` is the name `if`, as in CPython).
    fn name(&mut self, start: usize) -> Result<Tok, EvalError> {
        let bytes = self.src.as_bytes();
        let mut end = start;
        // The bytes or-ed together: the high bit says non-ASCII.
        let mut seen = 0;
        while let Some(&b) = bytes.get(end) {
            if !IDENT_BYTE[usize::from(b)] {
                break;
            }
            seen |= b;
            end += 1;
        }
        let ascii = seen < 0x80;
        // Every byte of a non-ASCII character is taken, so `end` is on a
        // character boundary.
        let word = self.src.get(start..end).unwrap_or("");
        if ascii && matches!(self.byte(end), b'\'' | b'"') && is_string_prefix(word) {
            return self.string(start, end);
        }
        if !ascii {
            verify_identifier(self.src, start, word)?;
        }
        self.pos = end;
        Ok(match keyword(word) {
            Some(kw) if ascii => Tok::Kw(kw),
            _ => Tok::Name,
        })
    }

    /// The string literal whose prefix starts at `start` and whose first
    /// quote is at `quote`, as CPython's tokenizer scans one (`letter_quote`):
    /// one or three quotes open it, a backslash takes the character after
    /// it along, and a line break (in a single-quoted literal) or the end
    /// of the input before the closing quotes is an error at the literal's
    /// start that names the line where it was found.
    fn string(&mut self, start: usize, quote: usize) -> Result<Tok, EvalError> {
        let q = self.byte(quote);
        let triple = self.byte(quote + 1) == q && self.byte(quote + 2) == q;
        let mut i = quote + 1;
        if !triple && self.byte(i) == q {
            self.pos = i + 1;
            return Ok(Tok::Str);
        }
        if triple {
            i = quote + 3;
        }
        let bytes = self.src.as_bytes();
        let mut closing = 0;
        let needed = if triple { 3 } else { 1 };
        loop {
            let Some(&b) = bytes.get(i) else {
                return Err(unterminated(self.src, start, i, triple));
            };
            if !triple && (b == b'\n' || b == b'\r') {
                return Err(unterminated(self.src, start, i, triple));
            }
            i += 1;
            if b == q {
                closing += 1;
                if closing == needed {
                    break;
                }
                continue;
            }
            closing = 0;
            if b == b'\\' {
                match bytes.get(i) {
                    None => return Err(unterminated(self.src, start, i, triple)),
                    // `\r\n` is one line break, which the backslash takes.
                    Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i += 2,
                    Some(_) => i += 1,
                }
            }
        }
        self.pos = i;
        Ok(Tok::Str)
    }

    /// At the start of a logical line outside brackets: CPython's
    /// indentation step. On the first line it first skips the spaces and
    /// tabs `eval` strips, and checks the whole source for a NUL (CPython
    /// refuses one before tokenizing). Then it measures the line's blanks
    /// (a form feed resets the count; a line continuation keeps the count
    /// up to its backslash): a line that is not blank and is indented is
    /// `IndentationError: unexpected indent`, with CPython's column, the
    /// first character after the blanks counted from 0.
    #[inline]
    fn line_start(&mut self) -> Result<(), EvalError> {
        self.at_line_start = false;
        let mut i = self.pos;
        if i == 0 {
            if self.src.as_bytes().contains(&0) {
                return Err(EvalError::syntax(NULL_BYTES, 0));
            }
            while matches!(self.byte(i), b' ' | b'\t') {
                i += 1;
            }
            // The common case: a line that starts with a token.
            if !matches!(self.byte(i), b' ' | b'\t' | b'\x0c' | b'\\') {
                return Ok(());
            }
        }
        let mut col = 0;
        let mut continued_at = 0;
        loop {
            match self.byte(i) {
                b' ' => col += 1,
                b'\t' => col = (col / TAB_SIZE + 1) * TAB_SIZE,
                b'\x0c' => col = 0,
                b'\\' => {
                    if continued_at == 0 {
                        continued_at = col;
                    }
                    let newline = match (self.byte(i + 1), self.byte(i + 2)) {
                        (b'\r', b'\n') => 2,
                        (b'\n' | b'\r', _) => 1,
                        // `skip_trivia` reports the bad continuation,
                        // which CPython finds before the indentation.
                        _ => return Ok(()),
                    };
                    if i + 1 + newline == self.src.len() {
                        return Err(
                            EvalError::syntax(CONTINUATION_EOF, column0(self.src, i) + 2)
                                .with_line(line_of(self.src, i)),
                        );
                    }
                    i += 1 + newline;
                    continue;
                }
                _ => break,
            }
            i += 1;
        }
        let blank = matches!(self.byte(i), b'#' | b'\n' | b'\r');
        let col = if continued_at != 0 { continued_at } else { col };
        if blank || col == 0 || self.indent_is_trivia {
            return Ok(());
        }
        Err(
            EvalError::indentation("unexpected indent", column0(self.src, i))
                .with_line(line_of(self.src, i)),
        )
    }

    /// Tokenizes the rest of the input and returns the first tokenizer
    /// error, if any. CPython does this after a parser error, and reports
    /// the tokenizer's error instead, except for the two it does not raise
    /// as exceptions there: a bad line continuation and the end of input
    /// inside brackets (on a single line).
    pub(crate) fn first_error_in_rest(&mut self) -> Option<EvalError> {
        self.indent_is_trivia = true;
        loop {
            match self.next_token() {
                Ok(Token { tok: Tok::Eof, .. }) => return None,
                Ok(_) => {}
                Err(e) => {
                    let quiet = e.message().ends_with("was never closed")
                        || e.message() == LINE_CONTINUATION
                        || e.message() == CONTINUATION_EOF;
                    return (!quiet).then_some(e);
                }
            }
        }
    }

    /// Whether the bracket at byte offset `pos` is still open.
    pub(crate) fn is_open(&self, pos: usize) -> bool {
        self.open.iter().any(|&(_, at)| at == pos)
    }

    /// Whether the bracket closed last was opened at byte `pos`.
    pub(crate) fn closed_last(&self, pos: usize) -> bool {
        self.last_closed == Some(pos)
    }

    /// Whether a bracket opened before byte `pos` is still open.
    pub(crate) fn open_before(&self, pos: usize) -> bool {
        self.open.iter().any(|&(_, at)| at < pos)
    }

    /// Tracks nesting for the bracket `b` at `start`, if it is one, with
    /// CPython's errors for bad nesting.
    fn bracket(&mut self, b: u8, start: usize) -> Result<(), EvalError> {
        match b {
            b'(' | b'[' | b'{' => {
                if self.open.len() >= self.max_depth {
                    return Err(error_at(self.src, start, "too many nested parentheses"));
                }
                self.open.push((b, start));
            }
            b')' | b']' | b'}' => {
                let Some((open, at)) = self.open.pop() else {
                    return Err(error_at(
                        self.src,
                        start,
                        format!("unmatched '{}'", char::from(b)),
                    ));
                };
                let expected = match open {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if b != expected {
                    let (close, open) = (char::from(b), char::from(open));
                    let same_line = !self
                        .src
                        .get(at..start)
                        .is_some_and(|s| s.contains(['\n', '\r']));
                    let message = if same_line {
                        format!("closing parenthesis '{close}' does not match opening parenthesis '{open}'")
                    } else {
                        let line = 1 + self.src.get(..at).map_or(0, |s| s.matches('\n').count());
                        format!("closing parenthesis '{close}' does not match opening parenthesis '{open}' on line {line}")
                    };
                    return Err(error_at(self.src, start, message));
                }
                self.last_closed = Some(at);
            }
            _ => {}
        }
        Ok(())
    }

    /// A number literal at `pos` ([`scan_number`]).
    fn number(&mut self) -> Result<Tok, EvalError> {
        let (tok, end) = scan_number(self.src, self.pos)?;
        self.pos = end;
        Ok(tok)
    }
}

/// The number literal at byte `start` of `src` (a digit, or a `.` before
/// a digit): its kind and the byte just past it, or CPython's tokenizer
/// error for it. The one reading of number literals: the tokenizer's, and
/// the one-pass path's gate (`direct::scan`), which takes the subset the
/// one-pass path computes inline.
#[inline]
pub(crate) fn scan_number(src: &str, start: usize) -> Result<(Tok, usize), EvalError> {
    let mut literal = Literal { src, pos: start };
    let tok = literal.number()?;
    Ok((tok, literal.pos))
}

/// The number literal at `start` (a digit, or a `.`) when it is one the
/// one-pass evaluator (`direct`) computes itself: [`scan_number`]'s
/// literal, decimal, without underscores, an int without a leading `0`
/// (but `0`), and nothing after it that would continue a token. The
/// one-pass path and its gate read literals through this.
#[inline]
pub(crate) fn plain_number(src: &str, start: usize) -> Option<(Tok, usize)> {
    let s = src.as_bytes();
    if s.get(start) == Some(&b'.') && !s.get(start + 1).is_some_and(u8::is_ascii_digit) {
        // `.` alone is not a number (the tokenizer reads it as a dot).
        return None;
    }
    let (tok, end) = scan_number(src, start).ok()?;
    let text = s.get(start..end)?;
    let plain = match tok {
        Tok::Int(10) => text.len() == 1 || text.first() != Some(&b'0'),
        Tok::Float | Tok::Imag => true,
        _ => false,
    };
    (plain && !text.contains(&b'_') && !continues_token(s.get(end).copied().unwrap_or(0)))
        .then_some((tok, end))
}

/// Whether byte `b` right after a number literal would continue some other
/// token: a letter, digit, `_` or `.` (`0x1`, `1_0`, `1.5.real`, `1if`),
/// or the start of a non-ASCII character.
#[inline]
pub(crate) fn continues_token(b: u8) -> bool {
    CONTINUES_TOKEN[usize::from(b)]
}

/// [`continues_token`] as a table: one load instead of five comparisons,
/// after every literal.
static CONTINUES_TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c >= 0x80;
        b += 1;
    }
    table
};

/// A cursor over one number literal: `pos` is its first byte until the
/// literal is read, then the byte after it.
struct Literal<'s> {
    src: &'s str,
    pos: usize,
}

impl Literal<'_> {
    fn byte(&self, i: usize) -> u8 {
        self.src.as_bytes().get(i).copied().unwrap_or(0)
    }

    /// The literal, following CPython's `tok_get` step by step so the
    /// same inputs fail with the same message and column.
    #[inline]
    fn number(&mut self) -> Result<Tok, EvalError> {
        let start = self.pos;
        let mut i = start;
        if self.byte(i) == b'.' {
            return self.fraction(i + 1);
        }
        if self.byte(i) == b'0' {
            let radix = match self.byte(i + 1) {
                b'x' | b'X' => Some((16, "hexadecimal")),
                b'o' | b'O' => Some((8, "octal")),
                b'b' | b'B' => Some((2, "binary")),
                _ => None,
            };
            if let Some((radix, kind)) = radix {
                return self.radix_int(i + 2, radix, kind);
            }
            // Zeros, maybe old-style octal.
            loop {
                if self.byte(i) == b'_' {
                    i += 1;
                    if !self.byte(i).is_ascii_digit() {
                        return Err(backed_up_error(self.src, i, "invalid decimal literal"));
                    }
                }
                if self.byte(i) != b'0' {
                    break;
                }
                i += 1;
            }
            let mut nonzero = false;
            if self.byte(i).is_ascii_digit() {
                nonzero = true;
                i = self.decimal_tail(i)?;
            }
            return match self.byte(i) {
                b'.' => self.fraction(i + 1),
                b'e' | b'E' => self.exponent(i),
                b'j' | b'J' => self.imaginary(i + 1),
                _ if nonzero => Err(error_at(
                    self.src,
                    start,
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                )),
                _ => self.end_of_number(i, "decimal", Tok::Int(10)),
            };
        }
        i = self.decimal_tail(i)?;
        match self.byte(i) {
            b'.' => self.fraction(i + 1),
            b'e' | b'E' => self.exponent(i),
            b'j' | b'J' => self.imaginary(i + 1),
            _ => self.end_of_number(i, "decimal", Tok::Int(10)),
        }
    }

    /// Digits with single underscores between them, starting at a digit;
    /// returns the index after them.
    #[inline]
    fn decimal_tail(&self, mut i: usize) -> Result<usize, EvalError> {
        loop {
            while self.byte(i).is_ascii_digit() {
                i += 1;
            }
            if self.byte(i) != b'_' {
                return Ok(i);
            }
            i += 1;
            if !self.byte(i).is_ascii_digit() {
                return Err(backed_up_error(self.src, i, "invalid decimal literal"));
            }
        }
    }

    /// After the `.` of a float.
    fn fraction(&mut self, mut i: usize) -> Result<Tok, EvalError> {
        if self.byte(i).is_ascii_digit() {
            i = self.decimal_tail(i)?;
        }
        match self.byte(i) {
            b'e' | b'E' => self.exponent(i),
            b'j' | b'J' => self.imaginary(i + 1),
            _ => self.end_of_number(i, "decimal", Tok::Float),
        }
    }

    /// At the `e` of an exponent.
    fn exponent(&mut self, e: usize) -> Result<Tok, EvalError> {
        let mut i = e + 1;
        if matches!(self.byte(i), b'+' | b'-') {
            i += 1;
            if !self.byte(i).is_ascii_digit() {
                return Err(backed_up_error(self.src, i, "invalid decimal literal"));
            }
        } else if !self.byte(i).is_ascii_digit() {
            // Not an exponent after all (`1else`): the number ends before
            // the `e`, if what follows is a keyword.
            self.check_end(e, "decimal")?;
            // What came before the `e` is an int or a float.
            let text = self.src.get(self.pos..e).unwrap_or("");
            self.pos = e;
            return Ok(if text.contains('.') {
                Tok::Float
            } else {
                Tok::Int(10)
            });
        }
        i = self.decimal_tail(i)?;
        match self.byte(i) {
            b'j' | b'J' => self.imaginary(i + 1),
            _ => self.end_of_number(i, "decimal", Tok::Float),
        }
    }

    /// After the `j` of an imaginary literal.
    fn imaginary(&mut self, i: usize) -> Result<Tok, EvalError> {
        self.end_of_number(i, "imaginary", Tok::Imag)
    }

    /// Digits of a `0x`/`0o`/`0b` literal, from just after the prefix.
    fn radix_int(
        &mut self,
        mut i: usize,
        radix: u32,
        kind: &'static str,
    ) -> Result<Tok, EvalError> {
        let is_digit = |b: u8| char::from(b).is_digit(radix);
        loop {
            if self.byte(i) == b'_' {
                i += 1;
            }
            let b = self.byte(i);
            if !is_digit(b) {
                if radix < 10 && b.is_ascii_digit() {
                    return Err(error_at(
                        self.src,
                        i,
                        format!("invalid digit '{}' in {kind} literal", char::from(b)),
                    ));
                }
                return Err(backed_up_error(
                    self.src,
                    i,
                    format!("invalid {kind} literal"),
                ));
            }
            while is_digit(self.byte(i)) {
                i += 1;
            }
            if self.byte(i) != b'_' {
                break;
            }
        }
        let b = self.byte(i);
        if radix < 10 && b.is_ascii_digit() {
            return Err(error_at(
                self.src,
                i,
                format!("invalid digit '{}' in {kind} literal", char::from(b)),
            ));
        }
        self.end_of_number(i, kind, Tok::Int(radix))
    }

    /// Ends a number at `i`, after CPython's `verify_end_of_number`.
    #[inline]
    fn end_of_number(&mut self, i: usize, kind: &'static str, tok: Tok) -> Result<Tok, EvalError> {
        self.check_end(i, kind)?;
        self.pos = i;
        Ok(tok)
    }

    /// CPython 3.11 accepts (with a deprecation warning) a keyword glued to
    /// a number, `1if x else y`, and rejects any other ASCII identifier
    /// character (`verify_end_of_number`): `and`, `else`, `for`, `not`, `or` must be
    /// whole words; for `if`, `in`, `is` two letters suffice.
    #[inline]
    fn check_end(&self, i: usize, kind: &'static str) -> Result<(), EvalError> {
        // Inlined test of the common case, an operator or blank after the
        // number; the keyword check stays out of line. CPython 3.11 looks
        // only at ASCII here (`c < 128`): a non-ASCII character ends the
        // number and starts a name, which `verify_identifier` checks.
        let b = self.byte(i);
        if !(b == b'_' || b.is_ascii_alphanumeric()) {
            return Ok(());
        }
        self.check_glued_keyword(i, kind)
    }

    /// `check_end` once an identifier character follows the number.
    #[inline(never)]
    fn check_glued_keyword(&self, i: usize, kind: &'static str) -> Result<(), EvalError> {
        let b = self.byte(i);
        let rest = self.src.get(i..).unwrap_or("");
        let word =
            |w: &str| rest.starts_with(w) && !is_potential_ident_byte(self.byte(i + w.len()));
        let keyword = match b {
            b'a' => word("and"),
            b'e' => word("else"),
            b'f' => word("for"),
            b'n' => word("not"),
            b'o' => word("or"),
            b'i' => matches!(self.byte(i + 1), b'f' | b'n' | b's'),
            _ => false,
        };
        if !keyword {
            return Err(backed_up_error(
                self.src,
                i,
                format!("invalid {kind} literal"),
            ));
        }
        Ok(())
    }
}
