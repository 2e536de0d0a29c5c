//! The PROXY protocol parser against whole headers: every truncation of a
//! valid header asks for more (never past its end), every split of the
//! input gives the same answer, encoded headers parse back to themselves,
//! and no input makes it panic.

use std::net::{IpAddr, SocketAddr};

use proptest::prelude::*;
use wire::proxy::{
    check_parser, read_proxy_header, ProxyCommand, ProxyError, ProxyHeader, ProxyParse,
    ProxyVersion, V2_SIGNATURE,
};

fn encoded(header: &ProxyHeader) -> Vec<u8> {
    let mut out = Vec::new();
    header.encode(&mut out);
    out
}

/// Valid headers of every kind the parser accepts, with their values.
fn samples() -> Vec<(Vec<u8>, ProxyHeader)> {
    let v4 = |s: &str| s.parse::<SocketAddr>().unwrap();
    let mut out = Vec::new();
    for version in [ProxyVersion::V1, ProxyVersion::V2] {
        for (s, d) in [
            ("192.0.2.7:56324", "10.0.0.1:4390"),
            ("0.0.0.0:0", "255.255.255.255:65535"),
            ("[2001:db8::1]:40000", "[::ffff:1.2.3.4]:4390"),
            ("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[::]:1"),
        ] {
            let h = ProxyHeader::proxied(version, v4(s), v4(d));
            out.push((encoded(&h), h));
        }
    }
    let unknown = ProxyHeader {
        version: ProxyVersion::V1,
        command: ProxyCommand::Proxy,
        source: None,
        destination: None,
    };
    out.push((b"PROXY UNKNOWN\r\n".to_vec(), unknown));
    out.push((
        b"PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ::1 65535 65535\r\n".to_vec(),
        unknown,
    ));
    out.push((encoded(&ProxyHeader::local()), ProxyHeader::local()));
    // TCP over IPv4 with a NOOP TLV, as HAProxy may pad.
    let mut tlv = V2_SIGNATURE.to_vec();
    tlv.extend_from_slice(&[0x21, 0x11, 0, 17, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2]);
    tlv.extend_from_slice(&[0x04, 0, 2, 0xaa, 0xbb]);
    out.push((
        tlv,
        ProxyHeader::proxied(ProxyVersion::V2, v4("1.2.3.4:1"), v4("5.6.7.8:2")),
    ));
    out
}

#[test]
fn samples_parse_to_their_values() {
    for (bytes, header) in samples() {
        assert_eq!(
            ProxyHeader::parse_eof(&bytes),
            Ok((header, bytes.len())),
            "{bytes:?}"
        );
        let mut with_data = bytes.clone();
        with_data.extend_from_slice(b"1+1\n\r\n\r\n\0");
        assert_eq!(
            ProxyHeader::parse(&with_data),
            Ok(ProxyParse::Complete {
                header,
                len: bytes.len()
            })
        );
    }
}

#[test]
fn every_truncation_asks_for_more_without_overshooting() {
    for (bytes, _) in samples() {
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            match ProxyHeader::parse(prefix) {
                Ok(ProxyParse::Incomplete { needed }) => {
                    assert!(
                        needed >= 1 && cut + needed <= bytes.len(),
                        "{prefix:?}: {needed}"
                    )
                }
                other => panic!("{prefix:?}: {other:?}"),
            }
            assert_eq!(
                ProxyHeader::parse_eof(prefix),
                Err(ProxyError::Truncated { received: cut })
            );
            let mut conn = prefix;
            assert!(matches!(
                read_proxy_header(&mut conn),
                Err(wire::proxy::ReadProxyError::Invalid(
                    ProxyError::Truncated { .. }
                ))
            ));
        }
    }
}

#[test]
fn blocking_reader_leaves_the_data() {
    for (bytes, header) in samples() {
        let mut input = bytes.clone();
        input.extend_from_slice(b"6*7\n");
        let mut conn = &input[..];
        assert_eq!(read_proxy_header(&mut conn).unwrap(), header);
        assert_eq!(conn, b"6*7\n");
    }
}

#[test]
fn one_byte_changed_never_panics_and_is_never_silently_ignored() {
    // A change inside a fixed field must either be rejected or change the
    // parsed value; a change in a TLV value or after UNKNOWN may be ignored.
    for (bytes, header) in samples() {
        for i in 0..bytes.len() {
            for delta in [1u8, 0x10, 0x80] {
                let mut changed = bytes.clone();
                changed[i] = changed[i].wrapping_add(delta);
                assert_eq!(check_parser(&changed), Ok(()));
                if let Ok((h, len)) = ProxyHeader::parse_eof(&changed) {
                    let ignorable = header.source.is_none() || i >= 28 && bytes.len() == 33;
                    assert!(
                        h != header || len != bytes.len() || ignorable,
                        "byte {i} of {bytes:?} changed to {changed:?} parsed the same"
                    );
                }
            }
        }
    }
}

/// 500 cases per property by default; `PROPTEST_CASES=N` runs more.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 500;
    }
    config
}

fn socket_pair() -> impl Strategy<Value = (SocketAddr, SocketAddr)> {
    prop_oneof![
        (
            any::<[u8; 4]>(),
            any::<u16>(),
            any::<[u8; 4]>(),
            any::<u16>()
        )
            .prop_map(|(s, sp, d, dp)| (
                SocketAddr::new(IpAddr::from(s), sp),
                SocketAddr::new(IpAddr::from(d), dp)
            )),
        (
            any::<[u8; 16]>(),
            any::<u16>(),
            any::<[u8; 16]>(),
            any::<u16>()
        )
            .prop_map(|(s, sp, d, dp)| (
                SocketAddr::new(IpAddr::from(s), sp),
                SocketAddr::new(IpAddr::from(d), dp)
            )),
    ]
}

/// Inputs near the format: valid headers with bytes replaced, inserted or
/// cut, and the signatures followed by noise.
fn mangled() -> impl Strategy<Value = Vec<u8>> {
    let base = (socket_pair(), any::<bool>()).prop_map(|((s, d), v2)| {
        let version = if v2 {
            ProxyVersion::V2
        } else {
            ProxyVersion::V1
        };
        encoded(&ProxyHeader::proxied(version, s, d))
    });
    prop_oneof![
        (base, any::<usize>(), any::<u8>(), 0usize..3).prop_map(|(mut b, at, byte, op)| {
            let at = at % (b.len() + 1);
            match op {
                0 if at < b.len() => b[at] = byte,
                1 => b.insert(at, byte),
                _ => b.truncate(at),
            }
            b
        }),
        proptest::collection::vec(any::<u8>(), 0..64)
            .prop_map(|noise| [&V2_SIGNATURE[..], &noise].concat()),
        proptest::collection::vec(
            prop_oneof![Just(b' '), Just(b'\r'), Just(b'\n'), any::<u8>()],
            0..120
        )
        .prop_map(|noise| [&b"PROXY "[..], &noise].concat()),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn encode_then_parse_round_trips((s, d) in socket_pair(), v2 in any::<bool>(), tail in proptest::collection::vec(any::<u8>(), 0..8)) {
        let version = if v2 { ProxyVersion::V2 } else { ProxyVersion::V1 };
        let header = ProxyHeader::proxied(version, s, d);
        let mut bytes = encoded(&header);
        let len = bytes.len();
        bytes.extend_from_slice(&tail);
        prop_assert_eq!(ProxyHeader::parse(&bytes), Ok(ProxyParse::Complete { header, len }));
    }

    #[test]
    fn any_split_gives_the_same_answer(data in mangled(), cuts in proptest::collection::vec(any::<usize>(), 0..6)) {
        // Feed the input in arbitrary pieces; the first answer that is not
        // Incomplete must equal the answer for the whole input.
        let whole = ProxyHeader::parse(&data);
        let mut ends: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
        ends.push(data.len());
        ends.sort_unstable();
        let mut first = None;
        for end in ends {
            match ProxyHeader::parse(&data[..end]) {
                Ok(ProxyParse::Incomplete { needed }) => {
                    prop_assert!(needed >= 1);
                    if let Ok(ProxyParse::Complete { len, .. }) = whole {
                        prop_assert!(end + needed <= len);
                    }
                }
                other => { first = Some(other); break; }
            }
        }
        if let Some(first) = first {
            prop_assert_eq!(first, whole);
        }
        prop_assert_eq!(check_parser(&data), Ok(()));
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(check_parser(&data), Ok(()));
        let mut conn = &data[..];
        let _ = read_proxy_header(&mut conn);
    }
}
