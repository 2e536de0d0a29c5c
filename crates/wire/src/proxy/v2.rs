//! Version 2: the binary header (signature, version/command,
//! family/protocol, length, addresses, TLVs).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::{ProxyCommand, ProxyError, ProxyHeader, ProxyParse, ProxyVersion, V2_SIGNATURE};

/// The fixed part: signature, version/command, family/protocol, length.
const FIXED_LEN: usize = 16;

/// Family (high nibble) values.
const AF_UNSPEC: u8 = 0x0;
const AF_INET: u8 = 0x1;
const AF_INET6: u8 = 0x2;
const AF_UNIX: u8 = 0x3;

/// Protocol (low nibble) values.
const STREAM: u8 = 0x1;
const DGRAM: u8 = 0x2;

/// Parses a version 2 header at the start of `input` (whose first byte is
/// CR).
pub(super) fn parse(input: &[u8]) -> Result<ProxyParse, ProxyError> {
    let known = input.len().min(V2_SIGNATURE.len());
    if input.get(..known) != V2_SIGNATURE.get(..known) {
        return Err(ProxyError::BadSignature);
    }
    // Each fixed field is checked as soon as it arrives, so a bad header is
    // refused without waiting for the rest.
    let command = match input.get(12) {
        None => return Ok(incomplete(input, FIXED_LEN)),
        Some(&ver_cmd) => command(ver_cmd)?,
    };
    let family = match input.get(13) {
        None => return Ok(incomplete(input, FIXED_LEN)),
        // LOCAL's family is ignored, as the protocol says.
        Some(&fam) if command == ProxyCommand::Local => fam,
        Some(&fam) => checked_family(fam)?,
    };
    let Some(&[hi, lo]) = input.get(14..16) else {
        return Ok(incomplete(input, FIXED_LEN));
    };
    let block_len = usize::from(u16::from_be_bytes([hi, lo]));
    let total = FIXED_LEN + block_len;
    if total > super::MAX_V2_LEN {
        return Err(ProxyError::TooLong {
            limit: super::MAX_V2_LEN,
        });
    }
    let Some(block) = input.get(FIXED_LEN..total) else {
        return Ok(incomplete(input, total));
    };
    let (source, destination) = match command {
        ProxyCommand::Local => (None, None),
        ProxyCommand::Proxy => addresses(family, block)?,
    };
    Ok(ProxyParse::Complete {
        header: ProxyHeader {
            version: ProxyVersion::V2,
            command,
            source,
            destination,
        },
        len: total,
    })
}

fn incomplete(input: &[u8], total: usize) -> ProxyParse {
    ProxyParse::Incomplete {
        needed: total.saturating_sub(input.len()).max(1),
    }
}

fn command(ver_cmd: u8) -> Result<ProxyCommand, ProxyError> {
    if ver_cmd >> 4 != 2 {
        return Err(ProxyError::UnsupportedVersion(ver_cmd >> 4));
    }
    match ver_cmd & 0x0f {
        0 => Ok(ProxyCommand::Local),
        1 => Ok(ProxyCommand::Proxy),
        other => Err(ProxyError::UnsupportedCommand(other)),
    }
}

fn checked_family(fam: u8) -> Result<u8, ProxyError> {
    if fam >> 4 > AF_UNIX || fam & 0x0f > DGRAM {
        return Err(ProxyError::UnsupportedFamily(fam));
    }
    Ok(fam)
}

/// The endpoints of a PROXY command's address block. Only TCP over IPv4 and
/// IPv6 give addresses; the other valid combinations fall back to "unknown"
/// as the protocol allows, after their address size is checked.
fn addresses(
    fam: u8,
    block: &[u8],
) -> Result<(Option<SocketAddr>, Option<SocketAddr>), ProxyError> {
    let (family, protocol) = (fam >> 4, fam & 0x0f);
    if family == AF_UNSPEC || protocol == 0 {
        // The receiver should ignore address information: the block's
        // layout is unknown, so its TLVs cannot be checked either.
        return Ok((None, None));
    }
    let needed = match family {
        AF_INET => 12,
        AF_INET6 => 36,
        _ => 216,
    };
    let (addrs, tlvs) = match (block.get(..needed), block.get(needed..)) {
        (Some(addrs), Some(tlvs)) => (addrs, tlvs),
        _ => {
            return Err(ProxyError::ShortAddressBlock {
                len: block.len(),
                needed,
            })
        }
    };
    check_tlvs(tlvs, FIXED_LEN + needed)?;
    if protocol != STREAM || family == AF_UNIX {
        return Ok((None, None));
    }
    let ip_len = (needed - 4) / 2;
    let (src, rest) = addrs.split_at(ip_len);
    let (dst, ports) = rest.split_at(ip_len);
    let ip = |bytes: &[u8]| -> Option<IpAddr> {
        match family {
            AF_INET => <[u8; 4]>::try_from(bytes)
                .ok()
                .map(|b| Ipv4Addr::from(b).into()),
            _ => <[u8; 16]>::try_from(bytes)
                .ok()
                .map(|b| Ipv6Addr::from(b).into()),
        }
    };
    let (Some(src), Some(dst), &[sp0, sp1, dp0, dp1]) = (ip(src), ip(dst), ports) else {
        // Unreachable by the sizes above; refuse rather than panic.
        return Err(ProxyError::ShortAddressBlock {
            len: block.len(),
            needed,
        });
    };
    Ok((
        Some(SocketAddr::new(src, u16::from_be_bytes([sp0, sp1]))),
        Some(SocketAddr::new(dst, u16::from_be_bytes([dp0, dp1]))),
    ))
}

/// Checks that `tlvs` is a sequence of whole type-length-value records;
/// `offset` is where they start in the header, for the error.
fn check_tlvs(mut tlvs: &[u8], mut offset: usize) -> Result<(), ProxyError> {
    while !tlvs.is_empty() {
        let Some(&[_kind, hi, lo]) = tlvs.get(..3) else {
            return Err(ProxyError::BadTlv { offset });
        };
        let end = 3 + usize::from(u16::from_be_bytes([hi, lo]));
        tlvs = tlvs.get(end..).ok_or(ProxyError::BadTlv { offset })?;
        offset += end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(ver_cmd: u8, fam: u8, block: &[u8]) -> Vec<u8> {
        let mut out = V2_SIGNATURE.to_vec();
        out.extend_from_slice(&[ver_cmd, fam]);
        out.extend_from_slice(&u16::try_from(block.len()).unwrap().to_be_bytes());
        out.extend_from_slice(block);
        out
    }

    const V4_BLOCK: [u8; 12] = [192, 0, 2, 7, 10, 0, 0, 1, 0xdc, 0x04, 0x11, 0x26];

    fn complete(input: &[u8]) -> (ProxyHeader, usize) {
        match parse(input) {
            Ok(ProxyParse::Complete { header, len }) => (header, len),
            other => panic!("{input:?}: {other:?}"),
        }
    }

    #[test]
    fn tcp4_fields() {
        let mut input = header(0x21, 0x11, &V4_BLOCK);
        input.extend_from_slice(b"6*7\n");
        let (h, len) = complete(&input);
        assert_eq!(len, 28);
        assert_eq!(h.version, ProxyVersion::V2);
        assert_eq!(h.command, ProxyCommand::Proxy);
        assert_eq!(h.source, Some("192.0.2.7:56324".parse().unwrap()));
        assert_eq!(h.destination, Some("10.0.0.1:4390".parse().unwrap()));
    }

    #[test]
    fn tcp6_fields() {
        let mut block = vec![0u8; 36];
        block[0] = 0x20;
        block[1] = 0x01;
        block[15] = 1;
        block[31] = 2;
        block[32..36].copy_from_slice(&[0xff, 0xff, 0, 80]);
        let (h, len) = complete(&header(0x21, 0x21, &block));
        assert_eq!(len, 52);
        assert_eq!(h.source, Some("[2001::1]:65535".parse().unwrap()));
        assert_eq!(h.destination, Some("[::2]:80".parse().unwrap()));
    }

    #[test]
    fn local_ignores_family_and_block() {
        let (h, len) = complete(&header(0x20, 0xff, b"anything at all"));
        assert_eq!(len, 31);
        assert_eq!(h.command, ProxyCommand::Local);
        assert_eq!((h.source, h.destination), (None, None));
    }

    #[test]
    fn unsupported_families_carry_no_address() {
        for (fam, len) in [
            (0x00, 0),
            (0x00, 5),
            (0x10, 12),
            (0x12, 12),
            (0x22, 36),
            (0x31, 216),
            (0x32, 216),
        ] {
            let (h, _) = complete(&header(0x21, fam, &vec![7u8; len]));
            assert_eq!((h.source, h.destination), (None, None), "{fam:#x}");
        }
    }

    #[test]
    fn tlvs_are_skipped_but_checked() {
        let mut block = V4_BLOCK.to_vec();
        block.extend_from_slice(&[0x04, 0x00, 0x02, 0, 0, 0x01, 0x00, 0x00]);
        let (h, len) = complete(&header(0x21, 0x11, &block));
        assert_eq!(len, 36);
        assert!(h.source.is_some());
        let mut bad = V4_BLOCK.to_vec();
        bad.extend_from_slice(&[0x04, 0x00, 0x03, 0, 0]);
        assert_eq!(
            parse(&header(0x21, 0x11, &bad)),
            Err(ProxyError::BadTlv { offset: 28 })
        );
        let mut short = V4_BLOCK.to_vec();
        short.extend_from_slice(&[0x04, 0x00]);
        assert_eq!(
            parse(&header(0x21, 0x11, &short)),
            Err(ProxyError::BadTlv { offset: 28 })
        );
    }

    #[test]
    fn fixed_fields_are_validated_early() {
        let sig = V2_SIGNATURE;
        let with = |extra: &[u8]| [&sig[..], extra].concat();
        assert_eq!(
            parse(&with(&[0x11])),
            Err(ProxyError::UnsupportedVersion(1))
        );
        assert_eq!(
            parse(&with(&[0x31])),
            Err(ProxyError::UnsupportedVersion(3))
        );
        assert_eq!(
            parse(&with(&[0x22])),
            Err(ProxyError::UnsupportedCommand(2))
        );
        assert_eq!(
            parse(&with(&[0x2f])),
            Err(ProxyError::UnsupportedCommand(15))
        );
        assert_eq!(
            parse(&with(&[0x21, 0x41])),
            Err(ProxyError::UnsupportedFamily(0x41))
        );
        assert_eq!(
            parse(&with(&[0x21, 0x13])),
            Err(ProxyError::UnsupportedFamily(0x13))
        );
        assert_eq!(
            parse(&with(&[0x21, 0x11, 0x40, 0x01])),
            Err(ProxyError::TooLong { limit: 16384 })
        );
        assert_eq!(parse(&sig[..5]), Ok(ProxyParse::Incomplete { needed: 11 }));
        assert_eq!(parse(b"\r\n\r\n\x01"), Err(ProxyError::BadSignature));
    }

    #[test]
    fn largest_accepted_length() {
        let mut block = V4_BLOCK.to_vec();
        let tlv_len = super::super::MAX_V2_LEN - FIXED_LEN - block.len() - 3;
        block.extend_from_slice(&[0x04]);
        block.extend_from_slice(&u16::try_from(tlv_len).unwrap().to_be_bytes());
        block.resize(block.len() + tlv_len, 0);
        let input = header(0x21, 0x11, &block);
        assert_eq!(complete(&input).1, 16384);
        assert_eq!(
            parse(&input[..16]),
            Ok(ProxyParse::Incomplete { needed: 16368 })
        );
    }

    #[test]
    fn short_address_blocks() {
        for (fam, needed) in [(0x11, 12), (0x21, 36), (0x12, 12), (0x31, 216)] {
            assert_eq!(
                parse(&header(0x21, fam, &[0u8; 11])),
                Err(ProxyError::ShortAddressBlock { len: 11, needed }),
                "{fam:#x}"
            );
        }
    }
}
