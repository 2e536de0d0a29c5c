//! Version 1: one text line, `PROXY TCP4 src dst sport dport\r\n`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::{Endpoint, ProxyCommand, ProxyError, ProxyHeader, ProxyParse, ProxyVersion};

/// What every version 1 line starts with.
const PREFIX: &[u8] = b"PROXY ";

/// The shortest valid line, `PROXY UNKNOWN\r\n`. No line can end sooner,
/// so a reader may always wait for this many bytes.
pub(super) const MIN_LEN: usize = 15;

/// Parses a version 1 line at the start of `input` (whose first byte is
/// `P`).
pub(super) fn parse(input: &[u8]) -> Result<ProxyParse, ProxyError> {
    let known = input.len().min(PREFIX.len());
    if input.get(..known) != PREFIX.get(..known) {
        return Err(ProxyError::BadSignature);
    }
    let Some(cr) = find_line_end(input)? else {
        return Ok(ProxyParse::Incomplete {
            needed: MIN_LEN.saturating_sub(input.len()).max(1),
        });
    };
    let line = input.get(PREFIX.len()..cr).unwrap_or_default();
    let header = parse_line(line)?;
    Ok(ProxyParse::Complete {
        header,
        len: cr + 2,
    })
}

/// The index of the CR of the line's CRLF, `None` if it has not arrived yet.
/// Scans in order so that the first fault decides, whatever follows it.
fn find_line_end(input: &[u8]) -> Result<Option<usize>, ProxyError> {
    let window = input.get(..super::MAX_V1_LEN).unwrap_or(input);
    for (i, &byte) in window.iter().enumerate() {
        match byte {
            b'\n' => return Err(ProxyError::BadLineEnd),
            b'\r' => {
                return match window.get(i + 1) {
                    Some(b'\n') => Ok(Some(i)),
                    Some(_) => Err(ProxyError::BadLineEnd),
                    // A CR in the last allowed byte leaves no room for LF.
                    None if i + 1 == super::MAX_V1_LEN => Err(ProxyError::TooLong {
                        limit: super::MAX_V1_LEN,
                    }),
                    None => Ok(None),
                };
            }
            _ => {}
        }
    }
    if window.len() == super::MAX_V1_LEN {
        return Err(ProxyError::TooLong {
            limit: super::MAX_V1_LEN,
        });
    }
    Ok(None)
}

/// Parses the line between `PROXY ` and CRLF.
fn parse_line(line: &[u8]) -> Result<ProxyHeader, ProxyError> {
    let (protocol, rest) = match line.iter().position(|&b| b == b' ') {
        Some(space) => (line.get(..space).unwrap_or_default(), line.get(space + 1..)),
        None => (line, None),
    };
    let unknown = ProxyHeader {
        version: ProxyVersion::V1,
        command: ProxyCommand::Proxy,
        source: None,
        destination: None,
    };
    let parse_ip: fn(&str) -> Option<IpAddr> = match protocol {
        // The receiver must ignore whatever follows UNKNOWN.
        b"UNKNOWN" => return Ok(unknown),
        b"TCP4" => |s| s.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
        b"TCP6" => |s| s.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        _ => return Err(ProxyError::UnknownProtocol),
    };
    let rest = rest.ok_or(ProxyError::BadFields)?;
    let fields: Vec<&[u8]> = rest.split(|&b| b == b' ').collect();
    let [src, dst, sport, dport] = fields.as_slice() else {
        return Err(ProxyError::BadFields);
    };
    let source_ip = address(src, parse_ip).ok_or(ProxyError::BadAddress(Endpoint::Source))?;
    let dest_ip = address(dst, parse_ip).ok_or(ProxyError::BadAddress(Endpoint::Destination))?;
    let source_port = port(sport).ok_or(ProxyError::BadPort(Endpoint::Source))?;
    let dest_port = port(dport).ok_or(ProxyError::BadPort(Endpoint::Destination))?;
    Ok(ProxyHeader {
        source: Some(SocketAddr::new(source_ip, source_port)),
        destination: Some(SocketAddr::new(dest_ip, dest_port)),
        ..unknown
    })
}

/// An address in the line's family. The standard library's parsers are the
/// strict ones the protocol asks for: IPv4 without leading zeros, IPv6 in
/// the text form (including `::ffff:a.b.c.d`), no zone index.
fn address(field: &[u8], parse_ip: fn(&str) -> Option<IpAddr>) -> Option<IpAddr> {
    std::str::from_utf8(field).ok().and_then(parse_ip)
}

/// A port: decimal, 0 to 65535, no sign, no leading zeros.
fn port(field: &[u8]) -> Option<u16> {
    let digits_only = !field.is_empty() && field.iter().all(u8::is_ascii_digit);
    let leading_zero = field.len() > 1 && field.first() == Some(&b'0');
    if !digits_only || leading_zero || field.len() > 5 {
        return None;
    }
    std::str::from_utf8(field).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(input: &[u8]) -> (ProxyHeader, usize) {
        match parse(input) {
            Ok(ProxyParse::Complete { header, len }) => (header, len),
            other => panic!("{input:?}: {other:?}"),
        }
    }

    fn error(input: &[u8]) -> ProxyError {
        match parse(input) {
            Err(e) => e,
            other => panic!("{input:?}: {other:?}"),
        }
    }

    #[test]
    fn tcp4_fields() {
        let (h, len) = complete(b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET");
        assert_eq!(len, 47);
        assert_eq!(h.version, ProxyVersion::V1);
        assert_eq!(h.command, ProxyCommand::Proxy);
        assert_eq!(h.source, Some("192.168.0.1:56324".parse().unwrap()));
        assert_eq!(h.destination, Some("192.168.0.11:443".parse().unwrap()));
    }

    #[test]
    fn tcp6_fields() {
        let (h, _) = complete(b"PROXY TCP6 2001:db8::1 ::ffff:1.2.3.4 0 65535\r\n");
        assert_eq!(h.source, Some("[2001:db8::1]:0".parse().unwrap()));
        assert_eq!(
            h.destination,
            Some("[::ffff:1.2.3.4]:65535".parse().unwrap())
        );
    }

    #[test]
    fn longest_lines() {
        let v4 = b"PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n";
        assert_eq!(complete(v4).1, 56);
        let full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        let v6 = format!("PROXY TCP6 {full} {full} 65535 65535\r\n");
        assert_eq!(complete(v6.as_bytes()).1, 104);
        let worst = format!("PROXY UNKNOWN {full} {full} 65535 65535\r\n");
        assert_eq!(worst.len(), 107);
        let (h, len) = complete(worst.as_bytes());
        assert_eq!((h.source, len), (None, 107));
        // One byte more, in either the line or its ending.
        let over = format!("PROXY UNKNOWN {full} {full} 65535 655350\r\n");
        assert_eq!(error(over.as_bytes()), ProxyError::TooLong { limit: 107 });
        assert_eq!(
            error(&over.as_bytes()[..107]),
            ProxyError::TooLong { limit: 107 }
        );
    }

    #[test]
    fn unknown_ignores_the_rest() {
        assert_eq!(complete(b"PROXY UNKNOWN\r\n").0.source, None);
        assert_eq!(complete(b"PROXY UNKNOWN \xff junk\r\n").0.source, None);
        assert_eq!(error(b"PROXY UNKNOWNX\r\n"), ProxyError::UnknownProtocol);
    }

    #[test]
    fn protocol_and_prefix() {
        assert_eq!(
            error(b"PROXY TCP5 1.2.3.4 1.2.3.4 1 1\r\n"),
            ProxyError::UnknownProtocol
        );
        assert_eq!(
            error(b"PROXY tcp4 1.2.3.4 1.2.3.4 1 1\r\n"),
            ProxyError::UnknownProtocol
        );
        assert_eq!(error(b"PROXY \r\n"), ProxyError::UnknownProtocol);
        assert_eq!(
            error(b"PROXY  TCP4 1.2.3.4 1.2.3.4 1 1\r\n"),
            ProxyError::UnknownProtocol
        );
        assert_eq!(error(b"PROXY\tTCP4"), ProxyError::BadSignature);
        assert_eq!(error(b"PROXX"), ProxyError::BadSignature);
        assert_eq!(error(b"PR0"), ProxyError::BadSignature);
    }

    #[test]
    fn fields_and_spaces() {
        for line in [
            &b"PROXY TCP4\r\n"[..],
            b"PROXY TCP4 \r\n",
            b"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",
            b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",
            b"PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n",
            b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n",
        ] {
            assert_eq!(error(line), ProxyError::BadFields, "{line:?}");
        }
    }

    #[test]
    fn addresses() {
        use Endpoint::{Destination, Source};
        for (line, which) in [
            (&b"PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n"[..], Source),
            (b"PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n", Source),
            (b"PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n", Source),
            (b"PROXY TCP4 ::1 5.6.7.8 1 2\r\n", Source),
            (b"PROXY TCP4 1.2.3.4 5.6.7.08 1 2\r\n", Destination),
            (b"PROXY TCP4 1.2.3.4 ::1 1 2\r\n", Destination),
            (b"PROXY TCP6 1.2.3.4 ::1 1 2\r\n", Source),
            (b"PROXY TCP6 ::1 fe80::1%1 1 2\r\n", Destination),
            (b"PROXY TCP6 ::1 1::2::3 1 2\r\n", Destination),
            (b"PROXY TCP6 \xff ::1 1 2\r\n", Source),
        ] {
            assert_eq!(error(line), ProxyError::BadAddress(which), "{line:?}");
        }
    }

    #[test]
    fn ports() {
        use Endpoint::{Destination, Source};
        for (line, which) in [
            (&b"PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"[..], Source),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n", Source),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n", Source),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n", Source),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 0x1 2\r\n", Source),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 000002\r\n", Destination),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n", Destination),
            (b"PROXY TCP4 1.2.3.4 5.6.7.8 1 00\r\n", Destination),
        ] {
            assert_eq!(error(line), ProxyError::BadPort(which), "{line:?}");
        }
        let (h, _) = complete(b"PROXY TCP4 1.2.3.4 5.6.7.8 0 65535\r\n");
        assert_eq!(h.source.map(|a| a.port()), Some(0));
        assert_eq!(h.destination.map(|a| a.port()), Some(65535));
    }

    #[test]
    fn line_endings() {
        assert_eq!(error(b"PROXY UNKNOWN\n"), ProxyError::BadLineEnd);
        assert_eq!(error(b"PROXY UNKNOWN\rX"), ProxyError::BadLineEnd);
        assert_eq!(error(b"PROXY UNKNOWN\r\r\n"), ProxyError::BadLineEnd);
        assert_eq!(
            error(b"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n\r\n"),
            ProxyError::BadLineEnd
        );
        // A CR at the end of the input waits for its LF.
        assert_eq!(
            parse(b"PROXY UNKNOWN\r"),
            Ok(ProxyParse::Incomplete { needed: 1 })
        );
    }

    #[test]
    fn needed_counts_down_to_the_shortest_line() {
        assert_eq!(parse(b"PROXY"), Ok(ProxyParse::Incomplete { needed: 10 }));
        assert_eq!(
            parse(b"PROXY TCP4 1.2.3.4"),
            Ok(ProxyParse::Incomplete { needed: 1 })
        );
    }
}
