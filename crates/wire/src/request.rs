//! What a client asks for: an expression to evaluate, or the end of the session.

/// One request line, parsed.
///
/// The line is not trimmed for evaluation: the evaluator sees exactly what
/// the client sent (minus the terminator), so the columns of its syntax
/// errors match the client's text. A blank line is an `Eval` of blank text,
/// which the evaluator answers with `SyntaxError` as Python's `eval("")`
/// does.
///
/// ```
/// use wire::Request;
///
/// assert_eq!(Request::parse("  Quit "), Request::Exit);
/// assert_eq!(Request::parse("exit()"), Request::Eval("exit()"));
/// assert_eq!(Request::parse(" 2 ** 10"), Request::Eval(" 2 ** 10"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Request<'a> {
    /// Evaluate this text (the line without its terminator, untrimmed).
    Eval(&'a str),
    /// End the session: the line was `exit` or `quit`, in any letter case,
    /// with any surrounding whitespace. The server answers `BYE seconds`
    /// and closes the connection.
    Exit,
}

impl<'a> Request<'a> {
    /// Classifies a line (terminator already removed).
    pub fn parse(line: &'a str) -> Request<'a> {
        let word = line.trim();
        if word.eq_ignore_ascii_case("exit") || word.eq_ignore_ascii_case("quit") {
            Request::Exit
        } else {
            Request::Eval(line)
        }
    }

    /// Appends this request as a protocol line (text and `LF`) to `out`.
    ///
    /// An `Eval` text containing `LF` would split into two requests; the
    /// caller (a client) must send one line per request.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Request::Eval(text) => out.extend_from_slice(text.as_bytes()),
            Request::Exit => out.extend_from_slice(b"exit"),
        }
        out.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_words_any_case_trimmed() {
        for line in ["exit", "QUIT", " Exit\t", "qUiT  "] {
            assert_eq!(Request::parse(line), Request::Exit, "{line:?}");
        }
        for line in ["exit 1", "exits", "", " ", "quit()", "e xit"] {
            assert_eq!(Request::parse(line), Request::Eval(line), "{line:?}");
        }
    }

    #[test]
    fn encode_appends_one_line() {
        let mut out = b"x\n".to_vec();
        Request::Eval("1+1").encode(&mut out);
        Request::Exit.encode(&mut out);
        assert_eq!(out, b"x\n1+1\nexit\n");
    }
}
