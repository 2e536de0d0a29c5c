//! Host names and addresses as users type them.

use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

/// A host and port could not be turned into socket addresses.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// Name resolution failed.
    #[error("cannot resolve {host}:{port}: {source}")]
    Lookup {
        /// The host as given.
        host: String,
        /// The port.
        port: u16,
        /// The resolver's error.
        #[source]
        source: io::Error,
    },
    /// The name resolved to no address.
    #[error("{host}:{port} resolves to no address")]
    NoAddress {
        /// The host as given.
        host: String,
        /// The port.
        port: u16,
    },
}

/// Parses an IP address literal, IPv6 with or without brackets
/// (`127.0.0.1`, `::1`, `[::1]`); `None` if `host` is not a literal.
///
/// ```
/// use std::net::{IpAddr, Ipv6Addr};
/// assert_eq!(sockets::parse_ip("[::1]"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
/// assert_eq!(sockets::parse_ip("::1"), Some(IpAddr::V6(Ipv6Addr::LOCALHOST)));
/// assert_eq!(sockets::parse_ip("localhost"), None);
/// ```
pub fn parse_ip(host: &str) -> Option<IpAddr> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse().ok()
}

/// The socket addresses for `host` and `port`: an IP literal (see
/// [`parse_ip`]) without a lookup, otherwise a name lookup by the system
/// resolver, in the resolver's order.
///
/// ```
/// let addrs = sockets::resolve("[::1]", 4390).unwrap();
/// assert_eq!(addrs, vec!["[::1]:4390".parse().unwrap()]);
/// ```
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ResolveError> {
    if let Some(ip) = parse_ip(host) {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|source| ResolveError::Lookup {
            host: host.to_owned(),
            port,
            source,
        })?
        .collect();
    if addrs.is_empty() {
        return Err(ResolveError::NoAddress {
            host: host.to_owned(),
            port,
        });
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_need_no_lookup() {
        assert_eq!(parse_ip("10.0.0.1"), "10.0.0.1".parse().ok());
        assert_eq!(parse_ip("[fe80::1]"), "fe80::1".parse().ok());
        assert_eq!(parse_ip("[10.0.0.1]"), "10.0.0.1".parse().ok());
        assert_eq!(parse_ip("[::1"), None);
        assert_eq!(parse_ip(""), None);
    }

    #[test]
    fn localhost_resolves() {
        let addrs = resolve("localhost", 7);
        match addrs {
            Ok(addrs) => assert!(addrs.iter().all(|a| a.port() == 7 && a.ip().is_loopback())),
            Err(e) => panic!("localhost did not resolve: {e}"),
        }
    }

    #[test]
    fn bad_names_are_typed_errors() {
        let err = resolve("no-such-host.invalid", 1);
        assert!(
            matches!(err, Err(ResolveError::Lookup { ref host, port: 1, .. }) if host == "no-such-host.invalid"),
            "{err:?}"
        );
    }
}

/// Why the positional `[HOST] [PORT]` arguments of a command were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// PORT is not a number from 0 to 65535.
    #[error("invalid port {0:?}: expected a number from 0 to 65535")]
    BadPort(String),
    /// More than two positional arguments.
    #[error("too many arguments: expected [HOST] [PORT]")]
    TooMany,
}

/// The host and port named by the positional `[HOST] [PORT]` words of a
/// command line, each falling back to its default when left out.
///
/// ```
/// let words = vec!["::1".to_string()];
/// assert_eq!(sockets::endpoint(&words, "127.0.0.1", 4390), Ok(("::1", 4390)));
/// assert!(sockets::endpoint(&["h".into(), "x".into()], "127.0.0.1", 4390).is_err());
/// ```
pub fn endpoint<'a>(
    words: &'a [String],
    default_host: &'a str,
    default_port: u16,
) -> Result<(&'a str, u16), EndpointError> {
    match words {
        [] => Ok((default_host, default_port)),
        [host] => Ok((host, default_port)),
        [host, port] => port
            .parse()
            .map(|p| (host.as_str(), p))
            .map_err(|_| EndpointError::BadPort(port.clone())),
        _ => Err(EndpointError::TooMany),
    }
}
