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

/// The Customers list for the search `q`, at `page` (the first page carries no parameter).
pub fn customers_url(q: &str, page: i64) -> String {
    let q = encode_component(q);
    if page > 1 { format!("/customers?q={q}&page={page}") } else { format!("/customers?q={q}") }
}

/// One customer's page.
pub fn customer_url(contact_id: i64) -> String {
    format!("/customers/{contact_id}")
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

    #[test]
    fn customers_urls_carry_the_query_and_a_later_page() {
        assert_eq!(customers_url("5737 2333", 1), "/customers?q=5737%202333");
        assert_eq!(customers_url("LIB/C70", 3), "/customers?q=LIB/C70&page=3");
        assert_eq!(customer_url(42), "/customers/42");
    }
}
