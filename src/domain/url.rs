//! Building URLs on either side.

/// Percent-encodes a query-string value (RFC 3986 unreserved characters and `/` pass through).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_must_be() {
        assert_eq!(encode_component("/admin/users"), "/admin/users");
        assert_eq!(encode_component("a b&c=é"), "a%20b%26c%3D%C3%A9");
        assert_eq!(encode_component("+230"), "%2B230");
    }
}
