//! The layer every record passes before it is queued: it escapes and
//! bounds every string in the record, on the thread that logs, so that the
//! queue holds only bounded, inert text whatever a call site passes.
//!
//! Client-derived values are logged as [`Untrusted`]; they become quoted
//! strings cut at `--log-max-field` bytes. Every other string (the message,
//! addresses, OS error texts, paths) is escaped the same way, unquoted, and
//! cut at [`SERVER_TEXT_MAX`] bytes.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use slog::{BorrowedKV, Drain, Key, OwnedKVList, Record, RecordStatic, Serializer, KV};

use super::escape::{self, Bounded, Escaped};

/// Longest escaped text kept of a string that does not come from a client
/// (a message, an address, an error text, a path).
pub const SERVER_TEXT_MAX: usize = 1024;

/// A string that came from a client (an expression, a result, an error
/// message that may quote the input): logged as a quoted, escaped string
/// of bounded length.
///
/// It reaches the record as bytes (`emit_bytes`), which the [`Sanitize`]
/// layer turns into the quoted string; a serializer that did not pass
/// through that layer would print them as hex, never verbatim.
#[derive(Clone, Copy)]
pub struct Untrusted<'a>(pub &'a str);

impl slog::Value for Untrusted<'_> {
    fn serialize(&self, _: &Record<'_>, key: Key, serializer: &mut dyn Serializer) -> slog::Result {
        serializer.emit_bytes(key, self.0.as_bytes(), slog::BytesKind::PlainValue)
    }
}

/// A client-derived value once escaped and bounded. Queued records hold
/// `Field<Box<str>>`; the text format writes it quoted, JSON as a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field<S> {
    text: S,
    /// The original length when the text was cut.
    cut_from: Option<usize>,
}

#[cfg(test)]
impl Field<String> {
    /// Escapes `raw`, keeping at most `max` bytes of escaped text.
    pub fn new(raw: &str, max: usize) -> Self {
        let mut text = String::new();
        let cut = escape::escape_into(&mut text, raw, max);
        Field {
            text,
            cut_from: cut.then_some(raw.len()),
        }
    }
}

impl<S: AsRef<str>> Escaped for Field<S> {
    fn text(&self) -> &str {
        self.text.as_ref()
    }
    fn cut_from(&self) -> Option<usize> {
        self.cut_from
    }
}

impl<S: AsRef<str>> serde::Serialize for Field<S> {
    fn serialize<Z: serde::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        s.collect_str(&self.unquoted())
    }
}

impl<S: AsRef<str>> slog::Value for Field<S> {
    fn serialize(&self, _: &Record<'_>, key: Key, serializer: &mut dyn Serializer) -> slog::Result {
        serializer.emit_serde(key, self)
    }
}

impl<S: AsRef<str>> slog::SerdeValue for Field<S> {
    /// The text format (slog-term has no serde support): quoted.
    fn serialize_fallback(&self, key: Key, serializer: &mut dyn Serializer) -> slog::Result {
        serializer.emit_arguments(key, &format_args!("{}", self.quoted()))
    }

    /// JSON (slog-json): a string.
    fn as_serde(&self) -> &dyn erased_serde::Serialize {
        self
    }

    fn to_sendable(&self) -> Box<dyn slog::SerdeValue + Send + 'static> {
        Box::new(Field {
            text: Box::<str>::from(self.text.as_ref()),
            cut_from: self.cut_from,
        })
    }
}

/// The drain that escapes and bounds records before `inner` (the queue).
pub struct Sanitize<D> {
    /// The queue.
    pub inner: D,
    /// `--log-max-field`.
    pub max_field: usize,
}

thread_local! {
    /// Scratch for the escaped message and for one value at a time: taken
    /// out while in use, so no allocation per record once warm.
    static MSG: RefCell<String> = const { RefCell::new(String::new()) };
    static VALUE: RefCell<String> = const { RefCell::new(String::new()) };
}

impl<D: Drain> Drain for Sanitize<D> {
    type Ok = D::Ok;
    type Err = D::Err;

    fn log(&self, record: &Record<'_>, values: &OwnedKVList) -> Result<D::Ok, D::Err> {
        let rs = RecordStatic {
            location: record.location(),
            tag: record.tag(),
            level: record.level(),
        };
        let kv = SanitizedKv {
            kv: record.kv(),
            max_field: self.max_field,
        };
        let clean = record
            .msg()
            .as_str()
            .is_some_and(|m| m.len() <= SERVER_TEXT_MAX && !m.chars().any(escape::needs_escape));
        if clean {
            return self
                .inner
                .log(&Record::new(&rs, record.msg(), BorrowedKV(&kv)), values);
        }
        let mut msg = MSG.with(|m| m.take());
        msg.clear();
        bounded(&mut msg, SERVER_TEXT_MAX, |b| b.write_fmt(*record.msg()));
        let result = self.inner.log(
            &Record::new(&rs, &format_args!("{msg}"), BorrowedKV(&kv)),
            values,
        );
        MSG.with(|m| m.replace(msg));
        result
    }
}

/// Writes with `f` into `out` through a [`Bounded`] writer and, when the
/// text was cut, appends the cut mark and the full length.
fn bounded(out: &mut String, max: usize, f: impl FnOnce(&mut Bounded<'_>) -> fmt::Result) {
    let mut b = Bounded::new(out, max);
    let _ = f(&mut b);
    let (cut, seen) = (b.cut(), b.seen());
    if cut {
        let _ = write!(out, "{} ({seen} bytes)", escape::CUT_MARK);
    }
}

struct SanitizedKv<'a> {
    kv: BorrowedKV<'a>,
    max_field: usize,
}

impl KV for SanitizedKv<'_> {
    fn serialize(&self, record: &Record<'_>, serializer: &mut dyn Serializer) -> slog::Result {
        self.kv.serialize(
            record,
            &mut Adapter {
                inner: serializer,
                max_field: self.max_field,
            },
        )
    }
}

/// Passes numbers through, escapes and bounds strings, and turns bytes
/// (how [`Untrusted`] arrives) into a [`Field`].
struct Adapter<'a> {
    inner: &'a mut dyn Serializer,
    max_field: usize,
}

macro_rules! forward {
    ($($f:ident: $t:ty),* $(,)?) => {
        $(fn $f(&mut self, key: Key, val: $t) -> slog::Result {
            self.inner.$f(key, val)
        })*
    };
}

impl Adapter<'_> {
    /// Escapes text written by `f` into the scratch buffer and emits it.
    fn emit_escaped(
        &mut self,
        key: Key,
        f: impl FnOnce(&mut Bounded<'_>) -> fmt::Result,
    ) -> slog::Result {
        let mut buf = VALUE.with(|v| v.take());
        buf.clear();
        bounded(&mut buf, SERVER_TEXT_MAX, f);
        let result = self.inner.emit_str(key, &buf);
        VALUE.with(|v| v.replace(buf));
        result
    }
}

impl Serializer for Adapter<'_> {
    forward!(
        emit_usize: usize, emit_isize: isize, emit_bool: bool,
        emit_u8: u8, emit_i8: i8, emit_u16: u16, emit_i16: i16,
        emit_u32: u32, emit_i32: i32, emit_f32: f32,
        emit_u64: u64, emit_i64: i64, emit_f64: f64,
        emit_u128: u128, emit_i128: i128,
    );

    fn emit_unit(&mut self, key: Key) -> slog::Result {
        self.inner.emit_unit(key)
    }

    fn emit_none(&mut self, key: Key) -> slog::Result {
        self.inner.emit_none(key)
    }

    fn emit_char(&mut self, key: Key, val: char) -> slog::Result {
        if escape::needs_escape(val) {
            self.emit_escaped(key, |b| b.write_char(val))
        } else {
            self.inner.emit_char(key, val)
        }
    }

    fn emit_str(&mut self, key: Key, val: &str) -> slog::Result {
        if val.len() <= SERVER_TEXT_MAX && !val.chars().any(escape::needs_escape) {
            self.inner.emit_str(key, val)
        } else {
            self.emit_escaped(key, |b| b.write_str(val))
        }
    }

    fn emit_arguments(&mut self, key: Key, val: &fmt::Arguments<'_>) -> slog::Result {
        match val.as_str() {
            Some(s) => self.emit_str(key, s),
            None => self.emit_escaped(key, |b| b.write_fmt(*val)),
        }
    }

    fn emit_bytes(&mut self, key: Key, bytes: &[u8], _: slog::BytesKind) -> slog::Result {
        // Escaping only lengthens text, so no more than `max_field` bytes
        // of the input can be kept (plus a character split at that point):
        // a 64 KiB expression costs no more than a short one.
        let look = bytes.len().min(self.max_field.saturating_add(4));
        let (prefix, whole) = match std::str::from_utf8(&bytes[..look]) {
            Ok(s) => (s, look == bytes.len()),
            Err(e) => match std::str::from_utf8(&bytes[..e.valid_up_to()]) {
                Ok(s) => (s, false),
                Err(_) => ("", false),
            },
        };
        let mut buf = VALUE.with(|v| v.take());
        buf.clear();
        let cut = escape::escape_into(&mut buf, prefix, self.max_field) || !whole;
        let field = Field {
            text: buf.as_str(),
            cut_from: cut.then_some(bytes.len()),
        };
        let result = self.inner.emit_serde(key, &field);
        VALUE.with(|v| v.replace(buf));
        result
    }

    fn emit_serde(&mut self, key: Key, value: &dyn slog::SerdeValue) -> slog::Result {
        // Only this module's fields come this way; they are escaped already.
        self.inner.emit_serde(key, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use slog::{o, Logger};
    use std::sync::{Arc, Mutex};

    /// Collects every (key, value) a record's serialization produces, with
    /// fields in their text form.
    #[derive(Clone, Default)]
    struct Collect(Arc<Mutex<Vec<(String, String)>>>);

    struct Ser<'a>(&'a Collect);

    impl Serializer for Ser<'_> {
        fn emit_arguments(&mut self, key: Key, val: &fmt::Arguments<'_>) -> slog::Result {
            self.0
                 .0
                .lock()
                .unwrap()
                .push((key.to_string(), val.to_string()));
            Ok(())
        }
        fn emit_serde(&mut self, key: Key, value: &dyn slog::SerdeValue) -> slog::Result {
            value.serialize_fallback(key, self)
        }
    }

    impl Drain for Collect {
        type Ok = ();
        type Err = slog::Never;
        fn log(&self, record: &Record<'_>, _: &OwnedKVList) -> Result<(), slog::Never> {
            self.0
                .lock()
                .unwrap()
                .push(("msg".into(), record.msg().to_string()));
            record.kv().serialize(record, &mut Ser(self)).unwrap();
            Ok(())
        }
    }

    fn logger(max_field: usize) -> (Logger, Collect) {
        let c = Collect::default();
        let log = Logger::root(
            Sanitize {
                inner: c.clone(),
                max_field,
            },
            o!(),
        );
        (log, c)
    }

    /// The message first, then the values in the order they were written
    /// (slog serializes them last to first).
    fn got(c: &Collect) -> Vec<(String, String)> {
        let mut v = std::mem::take(&mut *c.0.lock().unwrap());
        v[1..].reverse();
        v
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn untrusted_values_are_quoted_and_escaped_others_escaped() {
        let (log, c) = logger(256);
        slog::info!(log, "request"; "session" => 7u64, "peer" => "127.0.0.1:1",
            "expression" => Untrusted("1 #\x1b[2K\u{202e}\"x\\"), "result" => Untrusted("2"),
            "reason" => %"read error: \x1b]0;x\x07");
        assert_eq!(
            got(&c),
            pairs(&[
                ("msg", "request"),
                ("session", "7"),
                ("peer", "127.0.0.1:1"),
                ("expression", r#""1 #\u{1b}[2K\u{202e}\"x\\""#),
                ("result", "\"2\""),
                ("reason", "read error: \\u{1b}]0;x\\u{7}"),
            ])
        );
    }

    #[test]
    fn a_forged_field_stays_inside_its_quotes() {
        let (log, c) = logger(256);
        let forged = "7, peer: 6.6.6.6:1, result: 99";
        slog::info!(log, "request"; "expression" => Untrusted(forged), "result" => Untrusted("7"));
        let v = got(&c);
        assert_eq!(v[1].1, "\"7, peer: 6.6.6.6:1, result: 99\"");
        assert_eq!(v[2].1, "\"7\"");
    }

    #[test]
    fn long_values_are_cut_at_the_field_limit_with_the_full_length() {
        let (log, c) = logger(16);
        let long = "1+".repeat(32_768);
        slog::warn!(log, "invalid request"; "expression" => Untrusted(&long));
        assert_eq!(got(&c)[1].1, "\"1+1+1+1+1+1+1+1+…\" (65536 bytes)");
        // A cut never splits a character or an escape.
        let s = "€".repeat(10);
        slog::warn!(log, "x"; "e" => Untrusted(&s), "f" => Untrusted("\x1b\x1b\x1b"));
        let v = got(&c);
        assert_eq!(v[1].1, "\"€€€€€…\" (30 bytes)");
        assert_eq!(v[2].1, r#""\u{1b}\u{1b}…" (3 bytes)"#);
    }

    #[test]
    fn server_text_and_messages_are_bounded_and_escaped() {
        let (log, c) = logger(256);
        let long = "x".repeat(5000);
        slog::info!(log, "hello {}", "\u{2028}world"; "path" => %long);
        let v = got(&c);
        assert_eq!(v[0].1, "hello \\u{2028}world");
        assert_eq!(
            v[1].1,
            format!("{}… (5000 bytes)", "x".repeat(SERVER_TEXT_MAX))
        );
    }

    #[test]
    fn untrusted_without_the_layer_is_never_verbatim() {
        let c = Collect::default();
        let log = Logger::root(c.clone(), o!());
        slog::info!(log, "x"; "e" => Untrusted("\x1b[2K"));
        let v = got(&c);
        assert!(!v[1].1.contains('\x1b'), "{v:?}");
    }

    #[test]
    fn json_form_is_the_unquoted_text_with_the_note() {
        let f = Field::new("a\u{2028}b\"", 256);
        assert_eq!(serde_json::to_string(&f).unwrap(), r#""a\\u{2028}b\\\"""#);
        let f = Field::new(&"9".repeat(4300), 8);
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            "\"99999999… (4300 bytes)\""
        );
    }
}
