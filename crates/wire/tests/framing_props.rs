//! Property tests: the decoder's output depends only on the byte stream, not
//! on how it is split into reads, and matches a naive reference model; its
//! buffer stays bounded.

use std::io::{self, Read};

use proptest::prelude::*;
use wire::fuzz::{decode_chunked, decode_whole, Decoded};
use wire::{FrameError, FrameReader, LineDecoder, ReadBuffer};

/// The protocol's framing rules written as plainly as possible: split at
/// LF, drop one CR before it, check length, then UTF-8. A final piece
/// without LF counts if it is not empty.
fn model(data: &[u8], max: usize) -> Decoded {
    let mut pieces: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if pieces.last().is_some_and(|p| p.is_empty()) {
        pieces.pop();
    }
    pieces
        .into_iter()
        .map(|piece| {
            let line = piece.strip_suffix(b"\r").unwrap_or(piece);
            if line.len() > max {
                Err(FrameError::TooLong { limit: max })
            } else {
                std::str::from_utf8(line).map(str::to_owned).map_err(|_| {
                    FrameError::InvalidUtf8(
                        wire::Utf8Failure::find(line).unwrap_or_else(|| unreachable!()),
                    )
                })
            }
        })
        .collect()
}

/// Streams made of pieces that stress the framing: terminators, CRs, bytes
/// that are not UTF-8, multi-byte characters, NULs and runs long enough to
/// pass small limits.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"1+2".to_vec()),
        Just(b"exit".to_vec()),
        Just("é€😀".as_bytes().to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"\xe2\x82".to_vec()),
        Just(b"\0".to_vec()),
        (1usize..40).prop_map(|n| vec![b'a'; n]),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Splits `data` at the given cut points (taken modulo its length).
fn split_at_cuts<'a>(data: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|c| if data.is_empty() { 0 } else { c % data.len() })
        .collect();
    points.push(0);
    points.push(data.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|w| data.get(w[0]..w[1]).unwrap_or_default())
        .collect()
}

fn decode_pieces(pieces: &[&[u8]], max: usize) -> Decoded {
    let mut dec = LineDecoder::with_max_length(max);
    let mut buf = ReadBuffer::for_decoder(&dec);
    let mut out = Vec::new();
    for piece in pieces {
        let mut rest = *piece;
        while !rest.is_empty() {
            let n = buf.extend_from_slice(rest);
            assert!(n > 0, "buffer full with nothing decodable");
            rest = &rest[n..];
            while let Some(item) = dec.decode_line(&mut buf) {
                out.push(item.map(str::to_owned));
            }
            assert!(buf.capacity() <= buf.limit());
        }
    }
    if let Some(item) = dec.decode_line_eof(&mut buf) {
        out.push(item.map(str::to_owned));
    }
    out
}

/// A reader that returns the stream in the given read sizes.
struct Reads<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    next: usize,
}

impl Read for Reads<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self
            .sizes
            .get(self.next % self.sizes.len().max(1))
            .copied()
            .unwrap_or(1);
        self.next += 1;
        let n = size.max(1).min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// 500 cases per property by default (CI runs these in debug builds on a
/// shared machine); `PROPTEST_CASES=N` runs more.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 500;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_split_gives_the_same_items(
        data in stream(),
        cuts in proptest::collection::vec(any::<usize>(), 0..30),
        max in 1usize..48,
    ) {
        let whole = decode_whole(&data, max);
        let pieces = split_at_cuts(&data, &cuts);
        prop_assert_eq!(&decode_pieces(&pieces, max), &whole);
        prop_assert_eq!(&decode_pieces(&[&data], max), &whole);
        let bytewise: Vec<&[u8]> = data.chunks(1).collect();
        prop_assert_eq!(&decode_pieces(&bytewise, max), &whole);
    }

    #[test]
    fn decoder_matches_the_reference_model(data in stream(), max in 1usize..48) {
        prop_assert_eq!(decode_whole(&data, max), model(&data, max));
    }

    #[test]
    fn frame_reader_agrees_with_any_read_sizes(
        data in stream(),
        sizes in proptest::collection::vec(1usize..20, 1..10),
        max in 1usize..48,
    ) {
        let mut reader = FrameReader::new(
            Reads { data: &data, sizes, next: 0 },
            LineDecoder::with_max_length(max),
        );
        let mut got = Vec::new();
        while let Some(item) = reader.next_line().map_err(|e| TestCaseError::fail(e.to_string()))? {
            got.push(item.map(str::to_owned));
        }
        prop_assert_eq!(got, model(&data, max));
    }

    #[test]
    fn fuzz_entry_point_holds(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(wire::fuzz::check_decoder(&data), Ok(()));
    }

    #[test]
    fn responses_round_trip(
        kind in 0u8..4,
        text in "[ -~é\r]{0,40}",
        column in proptest::option::of(0usize..100_000),
        millis in any::<u32>(),
    ) {
        let line = match kind {
            0 => format!("OK {text}"),
            1 => format!("ERR TypeError: {text}"),
            2 => format!("BYE {}.{:03}", millis / 1000, millis % 1000),
            _ => format!("ERR Busy: {text}"),
        };
        let line = match (kind, column) {
            (1, Some(c)) => format!("{line} (column {c})"),
            _ => line,
        };
        prop_assert_eq!(wire::fuzz::check_response(line.as_bytes()), Ok(()));
        let parsed = wire::Response::parse(&line);
        prop_assert!(parsed.is_ok(), "{:?}", line);
        if !text.contains('\r') {
            // Without characters the encoder must replace, a line is its
            // own encoding.
            let mut out = Vec::new();
            if let Ok(r) = parsed {
                r.encode(&mut out);
            }
            prop_assert_eq!(out, format!("{line}\n").into_bytes());
        }
    }

    #[test]
    fn endless_lines_keep_the_buffer_bounded(
        max in 1usize..100_000,
        chunk in 1usize..20_000,
        total in 0usize..400_000,
    ) {
        let dec = LineDecoder::with_max_length(max);
        let bound = max + 2 + wire::READ_CHUNK;
        let data = vec![b'x'; total];
        // decode_chunked checks capacity <= limit after every chunk.
        let items = decode_chunked(&data, max, chunk).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(ReadBuffer::for_decoder(&dec).limit() <= bound);
        let expected = if total == 0 {
            vec![]
        } else if total > max {
            vec![Err(FrameError::TooLong { limit: max })]
        } else {
            vec![Ok("x".repeat(total))]
        };
        prop_assert_eq!(items, expected);
    }
}
