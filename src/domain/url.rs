//! Building URLs on either side.

use super::contact::ContactStatus;

/// The `page` parameter of a list's URL: 1 when absent or not a number. The page and the
/// server's loader read it alike.
pub fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.parse::<i64>().ok()).unwrap_or(1)
}

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

/// The Contacts list for the search `q` (every contact when empty), of `status` if given, at
/// `page`; parameters with their default value are left out.
pub fn contacts_url(q: &str, status: Option<ContactStatus>, page: i64) -> String {
    let mut params = Vec::new();
    if !q.is_empty() {
        params.push(format!("q={}", encode_component(q)));
    }
    if let Some(status) = status {
        params.push(format!("status={}", status.as_str()));
    }
    if page > 1 {
        params.push(format!("page={page}"));
    }
    if params.is_empty() { "/contacts".to_owned() } else { format!("/contacts?{}", params.join("&")) }
}

/// One contact's page.
pub fn customer_url(contact_id: i64) -> String {
    format!("/contacts/{contact_id}")
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
        assert_eq!(contacts_url("5737 2333", None, 1), "/contacts?q=5737%202333");
        assert_eq!(contacts_url("LIB/C70", None, 3), "/contacts?q=LIB/C70&page=3");
        assert_eq!(contacts_url("", Some(ContactStatus::NewLead), 1), "/contacts?status=new_lead");
        assert_eq!(contacts_url("", None, 1), "/contacts");
        assert_eq!(customer_url(42), "/contacts/42");
    }
}
