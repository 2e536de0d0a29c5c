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
use super::sink::Format;

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
    /// The format the records will be written in.
    pub format: Format,
    /// An empty list, passed on in place of the loggers' own values, which
    /// are packed with the record's.
    pub no_values: OwnedKVList,
}

thread_local! {
    /// Scratch for an escaped message: taken out while in use, so no
    /// allocation per record once warm.
    static MSG: RefCell<String> = const { RefCell::new(String::new()) };
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
        if self.format == Format::Text {
            return self.log_text(record, &rs, values);
        }
        let kv = SanitizedKv {
            kv: record.kv(),
            values,
            max_field: self.max_field,
        };
        let clean = record
            .msg()
            .as_str()
            .is_some_and(|m| m.len() <= SERVER_TEXT_MAX && !m.chars().any(escape::needs_escape));
        if clean {
            return self.inner.log(
                &Record::new(&rs, record.msg(), BorrowedKV(&kv)),
                &self.no_values,
            );
        }
        let mut msg = MSG.with(|m| m.take());
        msg.clear();
        bounded(&mut msg, SERVER_TEXT_MAX, |b| b.write_fmt(*record.msg()));
        let result = self.inner.log(
            &Record::new(&rs, &format_args!("{msg}"), BorrowedKV(&kv)),
            &self.no_values,
        );
        MSG.with(|m| m.replace(msg));
        result
    }
}

impl<D: Drain> Sanitize<D> {
    /// The text format: the values are written into the message here, as
    /// slog-term would write them (`message, key: value, ...`), and the
    /// record goes on without values. The formatting then happens on the
    /// threads that log, in parallel, and the queue holds one string per
    /// record (two allocations in all) instead of a box per value; the
    /// single formatting thread only adds the timestamp and level.
    fn log_text(
        &self,
        record: &Record<'_>,
        rs: &RecordStatic<'_>,
        values: &OwnedKVList,
    ) -> Result<D::Ok, D::Err> {
        let mut pack = PACK.with(|p| p.take());
        pack.text.clear();
        pack.entries.clear();
        let mut packer = Packer {
            pack: &mut pack,
            max_field: self.max_field,
        };
        // The loggers' values first: packed entries come out last first,
        // so the record's values are written before them, as slog-term
        // writes them.
        let _ = values.serialize(record, &mut packer);
        let _ = record.kv().serialize(record, &mut packer);
        let mut msg = MSG.with(|m| m.take());
        msg.clear();
        bounded(&mut msg, SERVER_TEXT_MAX, |b| b.write_fmt(*record.msg()));
        pack.render_text(&mut msg);
        let result = self.inner.log(
            &Record::new(rs, &format_args!("{msg}"), BorrowedKV(&())),
            &self.no_values,
        );
        MSG.with(|m| m.replace(msg));
        PACK.with(|p| p.replace(pack));
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
    /// The loggers' values, packed with the record's.
    values: &'a OwnedKVList,
    max_field: usize,
}

impl KV for SanitizedKv<'_> {
    /// Packs the record's values into one [`Pack`] and emits that: the
    /// queue then makes one owned copy of the record's values (two
    /// allocations) instead of boxing each value, and the values come out
    /// in the order the call site wrote them, so the formatters need not
    /// reorder (slog-term would allocate twice per value to do so).
    fn serialize(&self, record: &Record<'_>, serializer: &mut dyn Serializer) -> slog::Result {
        let mut pack = PACK.with(|p| p.take());
        pack.text.clear();
        pack.entries.clear();
        let mut packer = Packer {
            pack: &mut pack,
            max_field: self.max_field,
        };
        let packed = self
            .values
            .serialize(record, &mut packer)
            .and_then(|()| self.kv.serialize(record, &mut packer));
        let result = packed.and_then(|()| serializer.emit_serde(PACK_KEY, &pack));
        PACK.with(|p| p.replace(pack));
        result
    }
}

thread_local! {
    static PACK: RefCell<Pack<Vec<Entry>>> = const {
        RefCell::new(Pack { text: String::new(), entries: Vec::new() })
    };
}

/// The key a [`Pack`] is emitted under; it never appears in the output.
const PACK_KEY: Key = "values";

/// One value of a record.
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: Key,
    val: Val,
}

#[derive(Clone, Copy, Debug)]
enum Val {
    U64(u64),
    I64(i64),
    F64(f64),
    Bool(bool),
    Unit,
    None,
    /// Server text, escaped and bounded: a range of the pack's text.
    Text(u32, u32),
    /// A client value, escaped and bounded: a range of the pack's text,
    /// and the original length if it was cut.
    Field(u32, u32, Option<usize>),
}

/// Most values a queued record keeps inline; more go to a vector.
const INLINE: usize = 8;

/// Entries of an owned pack, in the order written: inline up to
/// [`INLINE`], then a vector.
#[derive(Clone, Debug)]
struct Entries {
    inline: [Entry; INLINE],
    len: usize,
    more: Vec<Entry>,
}

/// A record's values, escaped and bounded, with their text in one string.
/// While packing, entries are in slog's order (last written first).
#[derive(Clone, Debug, Default)]
struct Pack<E> {
    text: String,
    entries: E,
}

/// Iterates entries in the order the call site wrote them.
trait EntryList {
    fn each(&self, f: &mut dyn FnMut(&Entry) -> slog::Result) -> slog::Result;
}

impl EntryList for Vec<Entry> {
    fn each(&self, f: &mut dyn FnMut(&Entry) -> slog::Result) -> slog::Result {
        self.iter().rev().try_for_each(f)
    }
}

impl EntryList for Entries {
    fn each(&self, f: &mut dyn FnMut(&Entry) -> slog::Result) -> slog::Result {
        self.inline[..self.len]
            .iter()
            .chain(&self.more)
            .try_for_each(f)
    }
}

impl<E: EntryList> Pack<E> {
    fn range(&self, start: u32, end: u32) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// Emits every value; client values as [`Field`]s through `emit_serde`
    /// (JSON writes a string, slog-term the quoted form) or, when
    /// `fallback` (a serializer that must not receive `emit_serde`),
    /// directly in their quoted form.
    fn emit(&self, serializer: &mut dyn Serializer, fallback: bool) -> slog::Result {
        self.entries.each(&mut |e| match e.val {
            Val::U64(v) => serializer.emit_u64(e.key, v),
            Val::I64(v) => serializer.emit_i64(e.key, v),
            Val::F64(v) => serializer.emit_f64(e.key, v),
            Val::Bool(v) => serializer.emit_bool(e.key, v),
            Val::Unit => serializer.emit_unit(e.key),
            Val::None => serializer.emit_none(e.key),
            Val::Text(a, b) => serializer.emit_str(e.key, self.range(a, b)),
            Val::Field(a, b, cut_from) => {
                let field = Field {
                    text: self.range(a, b),
                    cut_from,
                };
                if fallback {
                    serializer.emit_arguments(e.key, &format_args!("{}", field.quoted()))
                } else {
                    serializer.emit_serde(e.key, &field)
                }
            }
        })
    }
}

impl Pack<Vec<Entry>> {
    /// Appends `, key: value` for every value, as slog-term writes them:
    /// client values quoted.
    fn render_text(&self, out: &mut String) {
        let _ = self.entries.each(&mut |e| {
            let _ = write!(out, ", {}: ", e.key);
            let _ = match e.val {
                Val::U64(v) => write!(out, "{v}"),
                Val::I64(v) => write!(out, "{v}"),
                Val::F64(v) => write!(out, "{v}"),
                Val::Bool(v) => write!(out, "{v}"),
                Val::Unit => write!(out, "()"),
                Val::None => write!(out, "None"),
                Val::Text(a, b) => {
                    out.push_str(self.range(a, b));
                    Ok(())
                }
                Val::Field(a, b, cut_from) => write!(
                    out,
                    "{}",
                    Field {
                        text: self.range(a, b),
                        cut_from,
                    }
                    .quoted()
                ),
            };
            Ok(())
        });
    }
}

impl<E: EntryList> slog::Value for Pack<E> {
    fn serialize(&self, _: &Record<'_>, _: Key, serializer: &mut dyn Serializer) -> slog::Result {
        self.emit(serializer, false)
    }
}

impl<E: EntryList> serde::Serialize for Pack<E> {
    /// Only for a serializer that asks for the pack as one value: an
    /// object of the record's values.
    fn serialize<Z: serde::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        let mut err = None;
        let _ = self.entries.each(&mut |e| {
            let r = match e.val {
                Val::U64(v) => map.serialize_entry(e.key, &v),
                Val::I64(v) => map.serialize_entry(e.key, &v),
                Val::F64(v) => map.serialize_entry(e.key, &v),
                Val::Bool(v) => map.serialize_entry(e.key, &v),
                Val::Unit | Val::None => map.serialize_entry(e.key, &()),
                Val::Text(a, b) => map.serialize_entry(e.key, self.range(a, b)),
                Val::Field(a, b, cut_from) => map.serialize_entry(
                    e.key,
                    &Field {
                        text: self.range(a, b),
                        cut_from,
                    },
                ),
            };
            r.map_err(|x| {
                err = Some(x);
                slog::Error::Other
            })
        });
        match err {
            Some(e) => Err(e),
            None => map.end(),
        }
    }
}

impl<E: EntryList> slog::SerdeValue for Pack<E> {
    fn serialize_fallback(&self, _: Key, serializer: &mut dyn Serializer) -> slog::Result {
        self.emit(serializer, true)
    }

    fn as_serde(&self) -> &dyn erased_serde::Serialize {
        self
    }

    /// The queue's copy: the text and up to [`INLINE`] entries in two
    /// allocations (the box and the text).
    fn to_sendable(&self) -> Box<dyn slog::SerdeValue + Send + 'static> {
        let mut entries = Entries {
            inline: [Entry {
                key: "",
                val: Val::Unit,
            }; INLINE],
            len: 0,
            more: Vec::new(),
        };
        // In the order written, which `Entries::each` keeps.
        let _ = self.entries.each(&mut |e| {
            if entries.len < INLINE {
                entries.inline[entries.len] = *e;
                entries.len += 1;
            } else {
                entries.more.push(*e);
            }
            Ok(())
        });
        Box::new(Pack {
            text: self.text.clone(),
            entries,
        })
    }
}

/// Escapes, bounds and packs each value the record emits.
struct Packer<'a> {
    pack: &'a mut Pack<Vec<Entry>>,
    max_field: usize,
}

impl Packer<'_> {
    fn push(&mut self, key: Key, val: Val) -> slog::Result {
        self.pack.entries.push(Entry { key, val });
        Ok(())
    }

    /// Packs server text written by `f`, escaped, cut at
    /// [`SERVER_TEXT_MAX`] with the cut noted.
    fn text(&mut self, key: Key, f: impl FnOnce(&mut Bounded<'_>) -> fmt::Result) -> slog::Result {
        let start = self.pack.text.len();
        bounded(&mut self.pack.text, SERVER_TEXT_MAX, f);
        let end = self.pack.text.len();
        self.push(key, Val::Text(start as u32, end as u32))
    }
}

macro_rules! pack_as {
    ($($f:ident: $t:ty => $v:ident as $c:ty),* $(,)?) => {
        $(fn $f(&mut self, key: Key, val: $t) -> slog::Result {
            self.push(key, Val::$v(val as $c))
        })*
    };
}

impl Serializer for Packer<'_> {
    pack_as!(
        emit_usize: usize => U64 as u64, emit_u8: u8 => U64 as u64,
        emit_u16: u16 => U64 as u64, emit_u32: u32 => U64 as u64, emit_u64: u64 => U64 as u64,
        emit_isize: isize => I64 as i64, emit_i8: i8 => I64 as i64,
        emit_i16: i16 => I64 as i64, emit_i32: i32 => I64 as i64, emit_i64: i64 => I64 as i64,
        emit_f32: f32 => F64 as f64, emit_f64: f64 => F64 as f64,
    );

    fn emit_u128(&mut self, key: Key, val: u128) -> slog::Result {
        self.text(key, |b| write!(b, "{val}"))
    }

    fn emit_i128(&mut self, key: Key, val: i128) -> slog::Result {
        self.text(key, |b| write!(b, "{val}"))
    }

    fn emit_bool(&mut self, key: Key, val: bool) -> slog::Result {
        self.push(key, Val::Bool(val))
    }

    fn emit_unit(&mut self, key: Key) -> slog::Result {
        self.push(key, Val::Unit)
    }

    fn emit_none(&mut self, key: Key) -> slog::Result {
        self.push(key, Val::None)
    }

    fn emit_char(&mut self, key: Key, val: char) -> slog::Result {
        self.text(key, |b| b.write_char(val))
    }

    fn emit_str(&mut self, key: Key, val: &str) -> slog::Result {
        self.text(key, |b| b.write_str(val))
    }

    fn emit_arguments(&mut self, key: Key, val: &fmt::Arguments<'_>) -> slog::Result {
        self.text(key, |b| b.write_fmt(*val))
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
        let start = self.pack.text.len();
        let cut = escape::escape_into(&mut self.pack.text, prefix, self.max_field) || !whole;
        let end = self.pack.text.len();
        self.push(
            key,
            Val::Field(start as u32, end as u32, cut.then_some(bytes.len())),
        )
    }

    fn emit_serde(&mut self, key: Key, value: &dyn slog::SerdeValue) -> slog::Result {
        // No value of this server comes this way; any other is packed as
        // what it gives without serde.
        value.serialize_fallback(key, self)
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
                format: Format::Json,
                no_values: OwnedKVList::from(o!()),
            },
            o!(),
        );
        (log, c)
    }

    /// The message first, then the values in the order they were written.
    fn got(c: &Collect) -> Vec<(String, String)> {
        std::mem::take(&mut *c.0.lock().unwrap())
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
    fn the_text_format_gets_the_values_in_the_message() {
        let c = Collect::default();
        let log = Logger::root(
            Sanitize {
                inner: c.clone(),
                max_field: 16,
                format: Format::Text,
                no_values: OwnedKVList::from(o!()),
            },
            o!(),
        );
        slog::info!(log, "request"; "session" => 7u64, "peer" => "127.0.0.1:1",
            "expression" => Untrusted("7, peer: 6.6.6.6:1\x1b"), "result" => Untrusted("2"),
            "ok" => true, "ratio" => 0.5f64, "delta" => -3i32, "note" => %"a\u{2028}b");
        assert_eq!(
            got(&c),
            pairs(&[(
                "msg",
                r#"request, session: 7, peer: 127.0.0.1:1, expression: "7, peer: 6.6.6.6…" (19 bytes), result: "2", ok: true, ratio: 0.5, delta: -3, note: a\u{2028}b"#
            )])
        );
    }

    #[test]
    fn a_child_loggers_values_are_escaped_too() {
        let (log, c) = logger(256);
        let child = log.new(o!("client" => "a\x1bb"));
        slog::info!(child, "x"; "n" => 1u64);
        assert_eq!(
            got(&c),
            pairs(&[("msg", "x"), ("n", "1"), ("client", "a\\u{1b}b")])
        );
        let c = Collect::default();
        let log = Logger::root(
            Sanitize {
                inner: c.clone(),
                max_field: 16,
                format: Format::Text,
                no_values: OwnedKVList::from(o!()),
            },
            o!("client" => Untrusted("\u{202e}")),
        );
        slog::info!(log, "x"; "n" => 1u64);
        assert_eq!(got(&c), pairs(&[("msg", r#"x, n: 1, client: "\u{202e}""#)]));
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
