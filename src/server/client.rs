//! Who the client is: its address and scheme, believing forwarded headers only from the
//! reverse proxies the configuration trusts, and the origin its pages were served from.

use std::net::{IpAddr, SocketAddr};

use axum::http::{HeaderMap, header};

use super::config::{PublicOrigin, ServerSettings, canonical};

/// The other end of a request, as far as the app can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// Whether the client reached us over HTTPS (at the proxy, if there is one).
    pub https: bool,
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5678`, `[::1]:80`).
fn forwarded_ip(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry.parse::<IpAddr>().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip())).map(canonical)
}

/// Every comma-separated item of every `name` header, in order.
fn list<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// Resolves the client of a request that reached us from `peer`.
///
/// `X-Forwarded-For` is read only when the peer is a trusted proxy, from the right: each
/// trusted hop hands on to the address before it, and the first untrusted one is the client
/// (a client can write anything at the left end, never past its own proxy). Likewise
/// `X-Forwarded-Proto` only from a trusted peer, its right-most value (the one the nearest
/// proxy wrote). A configured public origin says whether the app is served over HTTPS.
pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, settings: &ServerSettings) -> Client {
    let proxies = &settings.trusted_proxies;
    let peer = peer.map(canonical);
    let from_proxy = peer.is_some_and(|p| proxies.contains(p));
    let mut ip = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if from_proxy {
        for entry in list(headers, "x-forwarded-for").into_iter().rev() {
            let Some(hop) = forwarded_ip(entry) else { break };
            ip = hop;
            if !proxies.contains(hop) {
                break;
            }
        }
    }
    let https = match &settings.public_origin {
        Some(origin) => origin.is_https(),
        None => {
            from_proxy
                && list(headers, "x-forwarded-proto").last().is_some_and(|p| p.eq_ignore_ascii_case("https"))
        }
    };
    Client { ip, https }
}

/// This app's origin as the browser of a request (`https` as [`resolve`] found it) writes it in
/// `Origin`: the public origin, else the request's own scheme and `Host`. Only the cross-site
/// check needs it, so it is not worked out for every request.
pub fn own_origin(settings: &ServerSettings, headers: &HeaderMap, https: bool) -> Option<PublicOrigin> {
    if let Some(origin) = &settings.public_origin {
        return Some(origin.clone());
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok())?;
    PublicOrigin::from_parts(if https { "https" } else { "http" }, host)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn settings(proxies: &str) -> ServerSettings {
        ServerSettings { trusted_proxies: proxies.parse().unwrap(), ..ServerSettings::default() }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_headers_of_an_untrusted_peer_are_ignored() {
        let h =
            headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-proto", "https"), ("host", "cd:3000")]);
        let c = resolve(ip("203.0.113.9"), &h, &settings(""));
        assert_eq!(c.ip, ip("203.0.113.9").unwrap());
        assert!(!c.https, "anyone can claim https");
        assert_eq!(own_origin(&settings(""), &h, c.https).unwrap().as_str(), "http://cd:3000");
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        // The client wrote 6.6.6.6 itself; its own address was appended by the first proxy.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.7"),
            ("x-forwarded-for", "10.0.0.2"),
            ("x-forwarded-proto", "http, https"),
        ]);
        let c = resolve(ip("10.0.0.1"), &h, &settings("10.0.0.0/8"));
        assert_eq!(c.ip, ip("198.51.100.7").unwrap());
        assert!(c.https);
    }

    #[test]
    fn all_trusted_hops_leave_the_left_most_and_garbage_stops_the_walk() {
        let c = resolve(
            ip("10.0.0.1"),
            &headers(&[("x-forwarded-for", "10.0.0.3, 10.0.0.2")]),
            &settings("10.0.0.0/8"),
        );
        assert_eq!(c.ip, ip("10.0.0.3").unwrap());
        let c = resolve(
            ip("10.0.0.1"),
            &headers(&[("x-forwarded-for", "1.1.1.1, junk, 10.0.0.2")]),
            &settings("10.0.0.0/8"),
        );
        assert_eq!(c.ip, ip("10.0.0.2").unwrap());
        let c = resolve(
            ip("10.0.0.1"),
            &headers(&[("x-forwarded-for", "[2001:db8::1]:443")]),
            &settings("10.0.0.0/8"),
        );
        assert_eq!(c.ip, ip("2001:db8::1").unwrap());
    }

    #[test]
    fn a_public_origin_decides_the_scheme() {
        let mut s = settings("");
        s.public_origin = Some("https://cd.example.mu".parse().unwrap());
        let h = headers(&[("host", "internal:8080")]);
        let c = resolve(ip("127.0.0.1"), &h, &s);
        assert!(c.https);
        assert_eq!(own_origin(&s, &h, c.https).unwrap().as_str(), "https://cd.example.mu");
    }
}
