//! Splitting a connection's input into request lines without trusting it:
//! the buffer never holds more than one over-long line's limit plus one
//! read, an over-long line is reported once and skipped to its newline,
//! and a trailing CR is dropped.

/// One item of input.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A complete line, without its LF or CR LF; not yet checked for UTF-8.
    Text(&'a [u8]),
    /// A line longer than the limit; the rest of it up to the next LF is skipped.
    TooLong,
}

/// Input bytes waiting to be split into lines.
#[derive(Debug)]
pub struct LineBuf {
    /// Always fully initialised, so reads need no zeroing; data is `start..end`.
    buf: Vec<u8>,
    /// Start of the unconsumed bytes.
    start: usize,
    /// End of the bytes read.
    end: usize,
    /// Where to resume the newline search (bytes before it have none).
    scanned: usize,
    max_line: usize,
    /// Skipping the rest of a line already reported as too long.
    discarding: bool,
}

impl LineBuf {
    /// An empty buffer for lines of at most `max_line` bytes.
    pub fn new(max_line: usize) -> LineBuf {
        LineBuf {
            buf: Vec::new(),
            start: 0,
            end: 0,
            scanned: 0,
            max_line,
            discarding: false,
        }
    }

    /// Room to read into, at least `at_least` bytes: call
    /// [`LineBuf::filled`] with the count read.
    pub fn spare(&mut self, at_least: usize) -> &mut [u8] {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            self.scanned = 0;
        } else if self.start > 0 && self.end + at_least > self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.scanned -= self.start;
            self.start = 0;
        }
        if self.buf.len() < self.end + at_least {
            self.buf.resize(self.end + at_least, 0);
        }
        self.buf.get_mut(self.end..).unwrap_or_default()
    }

    /// Records that `n` bytes of the last [`LineBuf::spare`] were filled.
    pub fn filled(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// Bytes buffered and not yet returned as lines.
    pub fn pending(&self) -> usize {
        self.end - self.start
    }

    /// The next complete line, if the buffer holds one.
    pub fn next_line(&mut self) -> Option<Line<'_>> {
        loop {
            let unscanned = self.buf.get(self.scanned..self.end).unwrap_or_default();
            match unscanned.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    let end = self.scanned + i;
                    let begin = self.start;
                    self.start = end + 1;
                    self.scanned = self.start;
                    if self.discarding {
                        self.discarding = false;
                        continue;
                    }
                    let mut line = self.buf.get(begin..end).unwrap_or_default();
                    if let [rest @ .., b'\r'] = line {
                        line = rest;
                    }
                    if line.len() > self.max_line {
                        return Some(Line::TooLong);
                    }
                    return Some(Line::Text(line));
                }
                None => {
                    self.scanned = self.end;
                    if self.discarding {
                        self.start = self.end;
                        return None;
                    }
                    // One byte of slack for the CR of a CR LF.
                    if self.pending() > self.max_line + 1 {
                        self.discarding = true;
                        self.start = self.end;
                        return Some(Line::TooLong);
                    }
                    return None;
                }
            }
        }
    }

    /// At end of input: the unterminated last line, if any (and not being skipped).
    pub fn take_rest(&mut self) -> Option<Line<'_>> {
        let begin = self.start;
        self.start = self.end;
        self.scanned = self.end;
        if self.discarding || begin == self.end {
            return None;
        }
        let mut line = self.buf.get(begin..self.end).unwrap_or_default();
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        if line.len() > self.max_line {
            return Some(Line::TooLong);
        }
        Some(Line::Text(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(lb: &mut LineBuf, data: &[u8]) {
        let spare = lb.spare(data.len());
        spare[..data.len()].copy_from_slice(data);
        lb.filled(data.len());
    }

    fn lines(lb: &mut LineBuf) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(l) = lb.next_line() {
            out.push(match l {
                Line::Text(t) => String::from_utf8_lossy(t).into_owned(),
                Line::TooLong => "<too long>".into(),
            });
        }
        out
    }

    #[test]
    fn splits_lines_and_strips_cr() {
        let mut lb = LineBuf::new(100);
        feed(&mut lb, b"1+1\r\n2*3\nhalf");
        assert_eq!(lines(&mut lb), ["1+1", "2*3"]);
        feed(&mut lb, b" done\n");
        assert_eq!(lines(&mut lb), ["half done"]);
        assert_eq!(lb.pending(), 0);
    }

    #[test]
    fn over_long_line_is_reported_once_and_skipped() {
        let mut lb = LineBuf::new(4);
        feed(&mut lb, b"1234\n12345");
        assert_eq!(lines(&mut lb), ["1234"]);
        feed(&mut lb, b"6");
        assert_eq!(lines(&mut lb), ["<too long>"]);
        feed(&mut lb, &[b'9'; 1000]);
        assert_eq!(lines(&mut lb), Vec::<String>::new());
        assert_eq!(lb.pending(), 0, "skipped bytes are not kept");
        feed(&mut lb, b"99\n7\n");
        assert_eq!(lines(&mut lb), ["7"]);
    }

    #[test]
    fn over_long_line_within_one_read() {
        let mut lb = LineBuf::new(4);
        feed(&mut lb, b"123456\n1\n");
        assert_eq!(lines(&mut lb), ["<too long>", "1"]);
    }

    #[test]
    fn exactly_the_limit_with_cr_lf_is_accepted() {
        let mut lb = LineBuf::new(4);
        feed(&mut lb, b"1234\r");
        assert_eq!(lines(&mut lb), Vec::<String>::new());
        feed(&mut lb, b"\n");
        assert_eq!(lines(&mut lb), ["1234"]);
    }

    #[test]
    fn rest_at_end_of_input() {
        let mut lb = LineBuf::new(10);
        feed(&mut lb, b"1\n2+2");
        assert_eq!(lines(&mut lb), ["1"]);
        assert_eq!(lb.take_rest(), Some(Line::Text(b"2+2")));
        assert_eq!(lb.take_rest(), None);
    }

    #[test]
    fn any_split_gives_the_same_lines() {
        let data = b"1+2\r\n\n3*4\nxxxxxxxxxxxxxxxxxxxx\n5\n";
        let mut whole = LineBuf::new(8);
        feed(&mut whole, data);
        let expected = lines(&mut whole);
        for chunk in 1..data.len() {
            let mut lb = LineBuf::new(8);
            let mut got = Vec::new();
            for piece in data.chunks(chunk) {
                feed(&mut lb, piece);
                got.extend(lines(&mut lb));
            }
            assert_eq!(got, expected, "chunk size {chunk}");
        }
    }
}
