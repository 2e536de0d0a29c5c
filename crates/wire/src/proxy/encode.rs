//! The two wire formats, written the way a load balancer sends them.

use std::net::SocketAddr;

use super::{ProxyCommand, ProxyHeader, V2_SIGNATURE};

/// `PROXY TCP4 ...\r\n`, `PROXY TCP6 ...\r\n` or `PROXY UNKNOWN\r\n`.
pub(super) fn v1(header: &ProxyHeader, out: &mut Vec<u8>) {
    let line = match (header.command, header.source, header.destination) {
        (ProxyCommand::Proxy, Some(SocketAddr::V4(s)), Some(SocketAddr::V4(d))) => format!(
            "PROXY TCP4 {} {} {} {}\r\n",
            s.ip(),
            d.ip(),
            s.port(),
            d.port()
        ),
        (ProxyCommand::Proxy, Some(SocketAddr::V6(s)), Some(SocketAddr::V6(d))) => format!(
            "PROXY TCP6 {} {} {} {}\r\n",
            s.ip(),
            d.ip(),
            s.port(),
            d.port()
        ),
        _ => "PROXY UNKNOWN\r\n".to_owned(),
    };
    out.extend_from_slice(line.as_bytes());
}

/// The binary header: LOCAL, TCP over IPv4 or IPv6, or PROXY with
/// `AF_UNSPEC` and no addresses.
pub(super) fn v2(header: &ProxyHeader, out: &mut Vec<u8>) {
    out.extend_from_slice(&V2_SIGNATURE);
    if header.command == ProxyCommand::Local {
        out.extend_from_slice(&[0x20, 0x00, 0x00, 0x00]);
        return;
    }
    match (header.source, header.destination) {
        (Some(SocketAddr::V4(s)), Some(SocketAddr::V4(d))) => {
            out.extend_from_slice(&[0x21, 0x11, 0x00, 12]);
            out.extend_from_slice(&s.ip().octets());
            out.extend_from_slice(&d.ip().octets());
            out.extend_from_slice(&s.port().to_be_bytes());
            out.extend_from_slice(&d.port().to_be_bytes());
        }
        (Some(SocketAddr::V6(s)), Some(SocketAddr::V6(d))) => {
            out.extend_from_slice(&[0x21, 0x21, 0x00, 36]);
            out.extend_from_slice(&s.ip().octets());
            out.extend_from_slice(&d.ip().octets());
            out.extend_from_slice(&s.port().to_be_bytes());
            out.extend_from_slice(&d.port().to_be_bytes());
        }
        _ => out.extend_from_slice(&[0x21, 0x00, 0x00, 0x00]),
    }
}

#[cfg(test)]
mod tests {
    use super::super::ProxyVersion;
    use super::*;

    #[test]
    fn v2_tcp4_bytes() {
        let h = ProxyHeader::proxied(
            ProxyVersion::V2,
            "192.0.2.7:56324".parse().unwrap(),
            "10.0.0.1:4390".parse().unwrap(),
        );
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(&out[..12], &V2_SIGNATURE);
        assert_eq!(
            &out[12..],
            &[0x21, 0x11, 0, 12, 192, 0, 2, 7, 10, 0, 0, 1, 0xdc, 0x04, 0x11, 0x26]
        );
    }

    #[test]
    fn mixed_families_encode_as_unknown() {
        let mut h = ProxyHeader::proxied(
            ProxyVersion::V1,
            "192.0.2.7:1".parse().unwrap(),
            "[::1]:2".parse().unwrap(),
        );
        let mut out = Vec::new();
        h.encode(&mut out);
        assert_eq!(out, b"PROXY UNKNOWN\r\n");
        h.version = ProxyVersion::V2;
        out.clear();
        h.encode(&mut out);
        assert_eq!(&out[12..], &[0x21, 0x00, 0, 0]);
    }

    #[test]
    fn local() {
        let mut out = Vec::new();
        ProxyHeader::local().encode(&mut out);
        assert_eq!(&out[12..], &[0x20, 0x00, 0, 0]);
    }
}
