//! How answers are shown to a person or a pipe.

use std::fmt::Write as _;

use wire::Response;

/// The text for one answer: the repr for `OK`, `error: Class: message` for
/// `ERR`. With `caret_indent` (the width of the prompt before the request)
/// a `SyntaxError` is shown with a caret under its column, as Python does;
/// without it (pipe mode: one line per answer) the column is named.
pub fn answer(response: &Response, caret_indent: Option<usize>) -> String {
    match response {
        Response::Ok(repr) => repr.clone(),
        Response::Err {
            class,
            message,
            column,
        } => {
            let mut s = String::new();
            match (column, caret_indent) {
                (Some(col), Some(indent)) => {
                    let _ = writeln!(s, "{}^", " ".repeat(indent + col.saturating_sub(1)));
                    let _ = write!(s, "error: {class}: {message}");
                }
                (Some(col), None) => {
                    let _ = write!(s, "error: {class}: {message} (column {col})");
                }
                (None, _) => {
                    let _ = write!(s, "error: {class}: {message}");
                }
            }
            s
        }
        Response::Bye { duration } => format!("bye: session lasted {}", seconds(*duration)),
        Response::Busy { message } => format!("error: server busy: {message}"),
    }
}

/// A session length as people read it: `1.234 s`.
pub fn seconds(d: std::time::Duration) -> String {
    format!("{}.{:03} s", d.as_secs(), d.subsec_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_is_the_bare_repr() {
        assert_eq!(answer(&Response::Ok("(1+2j)".into()), Some(6)), "(1+2j)");
    }

    #[test]
    fn syntax_error_caret_sits_under_the_column() {
        let r = Response::Err {
            class: "SyntaxError".into(),
            message: "invalid syntax".into(),
            column: Some(3),
        };
        // prompt "calc> " is 6 wide; column 3 is the third character.
        assert_eq!(
            answer(&r, Some(6)),
            "        ^\nerror: SyntaxError: invalid syntax"
        );
        assert_eq!(
            answer(&r, None),
            "error: SyntaxError: invalid syntax (column 3)"
        );
    }

    #[test]
    fn other_errors_are_marked() {
        let r = Response::Err {
            class: "ZeroDivisionError".into(),
            message: "division by zero".into(),
            column: None,
        };
        assert_eq!(
            answer(&r, Some(6)),
            "error: ZeroDivisionError: division by zero"
        );
    }
}
