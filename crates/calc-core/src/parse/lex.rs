//! The tokenizer: CPython 3.11's tokenizer rules for the tokens of the
//! language, with its error messages and columns.
//!
//! Tokens are produced on demand (the parser keeps one token of lookahead),
//! borrow nothing and allocate nothing. Like CPython's tokenizer, this one
//! tracks parenthesis depth itself: newlines inside parentheses are
//! whitespace, a `)` without `(` is an error here, and so is nesting deeper
//! than [`Limits::max_depth`](crate::Limits).

use nom::bytes::complete::take_while;
use nom::IResult;

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
}

const LINE_CONTINUATION: &str = "unexpected character after line continuation character";

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

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// CPython's `is_potential_identifier_char`: any byte of a non-ASCII
/// character counts.
fn is_potential_ident_byte(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80
}

fn identifier(input: &str) -> IResult<&str, &str> {
    take_while(is_ident_char)(input)
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

/// Whether `c` is printable in the sense of Python's `str.isprintable`
/// (approximately: control and format characters and non-ASCII spaces are not).
fn is_printable(c: char) -> bool {
    !(c.is_control()
        || (!c.is_ascii() && c.is_whitespace())
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
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
                }
                b'\n' | b'\r' if !self.open.is_empty() => self.pos += 1,
                _ => return Ok(()),
            }
        }
    }

    /// The next token.
    pub(crate) fn next_token(&mut self) -> Result<Token, EvalError> {
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
        } else if is_ident_start(c) {
            let (after, word) = identifier(rest).unwrap_or(("", rest));
            self.pos = self.src.len() - after.len();
            keyword(word).map_or(Tok::Name, Tok::Kw)
        } else if c == '\n' || c == '\r' {
            // Only outside parentheses: inside, skip_trivia ate it. A
            // logical line ends here; `\r\n` is one newline.
            self.pos += if rest.starts_with("\r\n") { 2 } else { 1 };
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
            // Skip the whole string so its contents are not tokenized.
            let body = rest.get(1..).unwrap_or("");
            let len = body.find([c, '\n', '\r']).map_or(body.len(), |i| i + 1);
            self.pos += 1 + len;
            Tok::Unsupported("strings are not supported")
        } else if let Some((len, message)) = unsupported(rest) {
            self.pos += len;
            self.bracket(self.byte(start), start)?;
            Tok::Unsupported(message)
        } else if is_printable(c) && !c.is_ascii() {
            return Err(error_at(
                self.src,
                start,
                format!("invalid character '{c}' (U+{:04X})", u32::from(c)),
            ));
        } else {
            return Err(error_at(
                self.src,
                start,
                format!("invalid non-printable character U+{:04X}", u32::from(c)),
            ));
        };
        Ok(Token {
            tok,
            start,
            end: self.pos,
        })
    }

    /// Tokenizes the rest of the input and returns the first tokenizer
    /// error, if any. CPython does this after a parser error, and reports
    /// the tokenizer's error instead, except for the two it does not raise
    /// as exceptions there: a bad line continuation and the end of input
    /// inside brackets (on a single line).
    pub(crate) fn first_error_in_rest(&mut self) -> Option<EvalError> {
        loop {
            match self.next_token() {
                Ok(Token { tok: Tok::Eof, .. }) => return None,
                Ok(_) => {}
                Err(e) => {
                    let quiet = e.message().ends_with("was never closed")
                        || e.message() == LINE_CONTINUATION;
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

    /// A number literal, following CPython's `tok_get` step by step so the
    /// same inputs fail with the same message and column.
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
    fn end_of_number(&mut self, i: usize, kind: &'static str, tok: Tok) -> Result<Tok, EvalError> {
        self.check_end(i, kind)?;
        self.pos = i;
        Ok(tok)
    }

    /// CPython 3.11 accepts (with a deprecation warning) a keyword glued to
    /// a number, `1if x else y`, and rejects any other identifier character
    /// (`verify_end_of_number`): `and`, `else`, `for`, `not`, `or` must be
    /// whole words; for `if`, `in`, `is` two letters suffice.
    #[inline]
    fn check_end(&self, i: usize, kind: &'static str) -> Result<(), EvalError> {
        // Inlined test of the common case, an operator or blank after the
        // number; the keyword check stays out of line.
        if !is_potential_ident_byte(self.byte(i)) {
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
