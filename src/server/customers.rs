//! Finding customers from one search box.

use super::{
    AppState,
    db::search::{SearchQuery, name_terms},
    phone,
};
use crate::{domain::customer::SearchPage, error::AppError};

pub const PER_PAGE: i64 = 20;
const MAX_QUERY_CHARS: usize = 100;

/// Reads what the agent typed as every kind of key it could be.
pub fn parse_query(q: &str) -> SearchQuery {
    let q: String = q.trim().chars().take(MAX_QUERY_CHARS).collect();
    if q.is_empty() {
        return SearchQuery::default();
    }
    let phone = phone::search_key(&q);
    let email_prefix = q.contains('@').then(|| q.to_lowercase());
    let looks_like_policy =
        !q.contains(char::is_whitespace) && q.len() >= 2 && q.chars().any(|c| c.is_ascii_digit() || c == '/');
    let policy_prefix = looks_like_policy.then(|| q.to_uppercase());
    let name_prefixes = if phone.is_none() && email_prefix.is_none() && q.chars().any(char::is_alphabetic) {
        let mut terms = name_terms(&q);
        terms.truncate(5);
        terms
    } else {
        Vec::new()
    };
    SearchQuery { name_prefixes, policy_prefix, phone, email_prefix }
}

pub async fn search(state: &AppState, q: &str, page: i64) -> Result<SearchPage, AppError> {
    let query = parse_query(q);
    Ok(state.db.search_customers(&query, page.clamp(1, 10_000), PER_PAGE).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_in_any_form_is_one_key() {
        for q in ["5737 2333", "+230 5737 2333", "0023057372333"] {
            let parsed = parse_query(q);
            assert_eq!(parsed.phone.as_deref(), Some("+23057372333"), "{q}");
            assert!(parsed.name_prefixes.is_empty());
        }
    }

    #[test]
    fn names_policies_and_emails() {
        let name = parse_query("Émilie dup");
        assert_eq!(name.name_prefixes, ["dup", "emilie"]);
        assert_eq!(name.policy_prefix, None);
        assert_eq!(parse_query("lib/c70").policy_prefix.as_deref(), Some("LIB/C70"));
        assert_eq!(parse_query("Kevin@Zwenn").email_prefix.as_deref(), Some("kevin@zwenn"));
        assert!(parse_query("   ").is_empty());
    }
}
