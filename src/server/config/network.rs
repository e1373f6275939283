//! Where the app sits on the network: the proxies in front of it and the origin people use.

use std::{fmt, net::IpAddr, str::FromStr};

use ipnet::IpNet;
use serde::{Deserialize, Deserializer};

/// Addresses and CIDR blocks: the reverse proxies whose `X-Forwarded-For` and
/// `X-Forwarded-Proto` are believed, the scrapers allowed `/metrics`. Empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressList(Vec<IpNet>);

impl AddressList {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:10.0.0.1`) is that IPv4 address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn parse_net(item: &str) -> Result<IpNet, String> {
    let item = item.trim();
    item.parse::<IpNet>()
        .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{item:?} is not an IP address or CIDR block (e.g. 10.0.0.5 or 10.0.0.0/8)"))
}

/// The environment's form: a comma-separated list.
impl FromStr for AddressList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',').filter(|p| !p.trim().is_empty()).map(parse_net).collect::<Result<_, _>>().map(Self)
    }
}

/// The file's form: a list of strings.
impl<'de> Deserialize<'de> for AddressList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<String>::deserialize(d)?;
        items
            .iter()
            .map(|i| parse_net(i))
            .collect::<Result<_, _>>()
            .map(Self)
            .map_err(serde::de::Error::custom)
    }
}

/// The scheme, host and port people reach the app at (`https://contactdesk.example.mu`), as a
/// browser writes it in `Origin`. Proxies rewrite `Host`, so the app cannot learn it alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicOrigin {
    origin: String,
    https: bool,
}

impl PublicOrigin {
    /// `scheme://host[:port]`, lower-case, without a default port: comparable with `Origin`.
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The origin of `scheme` and a `Host` header's value, written as a browser writes it.
    pub fn from_parts(scheme: &str, host: &str) -> Option<Self> {
        Self::from_str(&format!("{scheme}://{host}")).ok()
    }
}

impl fmt::Display for PublicOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

impl FromStr for PublicOrigin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!("{s:?} is not an origin: write scheme://host[:port], e.g. https://contactdesk.example.mu")
        };
        let uri: http::Uri = s.trim().parse().map_err(|_| bad())?;
        let scheme = uri.scheme_str().map(str::to_ascii_lowercase).ok_or_else(bad)?;
        let https = match scheme.as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(bad()),
        };
        let authority = uri.authority().ok_or_else(bad)?;
        let path_ok = matches!(uri.path(), "" | "/") && uri.query().is_none();
        if !path_ok || authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(bad());
        }
        let host = authority.host().to_ascii_lowercase();
        let port = authority.port_u16().filter(|&p| p != if https { 443 } else { 80 });
        let origin = match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        };
        Ok(Self { origin, https })
    }
}

impl<'de> Deserialize<'de> for PublicOrigin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_take_addresses_and_blocks() {
        let p: AddressList = "10.0.0.0/8, 192.168.1.7,::1".parse().unwrap();
        assert!(p.contains("10.1.2.3".parse().unwrap()));
        assert!(p.contains("::ffff:10.1.2.3".parse().unwrap()), "IPv4 through an IPv6 socket");
        assert!(p.contains("192.168.1.7".parse().unwrap()));
        assert!(!p.contains("192.168.1.8".parse().unwrap()));
        assert!(p.contains("::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<AddressList>().unwrap_err().contains("10.0.0.0/33"));
        assert!("".parse::<AddressList>().unwrap().is_empty());
    }

    #[test]
    fn origins_are_written_as_browsers_write_them() {
        let o: PublicOrigin = "HTTPS://ContactDesk.Example.mu:443/".parse().unwrap();
        assert_eq!(o.as_str(), "https://contactdesk.example.mu");
        assert!(o.is_https());
        let o: PublicOrigin = "http://127.0.0.1:3000".parse().unwrap();
        assert_eq!(o.as_str(), "http://127.0.0.1:3000");
        assert!(!o.is_https());
        for bad in ["contactdesk.example.mu", "ftp://x", "https://x/app", "https://u@x", "https://x?a=1"] {
            assert!(bad.parse::<PublicOrigin>().is_err(), "{bad}");
        }
    }
}
