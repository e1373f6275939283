//! Customers: finding them from one search box, looking one up, and their detail page.

use super::{
    AppState,
    db::{
        contact_updates::{ContactRow, ContactUpdateRow},
        search::{SearchQuery, name_terms},
    },
    time,
};
use crate::{
    domain::{
        call::CallFilter,
        contact::ContactStatus,
        contact_update::UpdateStatus,
        customer::{CONTACT_CALLS, ContactUpdateView, CustomerDetail, PolicyView, SearchPage, UpdateMarker},
        money::Money,
        phone::{PhoneNumber, display as phone_display},
    },
    error::AppError,
};

pub const PER_PAGE: i64 = 20;
const MAX_QUERY_CHARS: usize = 100;
/// A marker shows beside a field corrected within this many days.
const MARKER_DAYS: i64 = 30;

/// Reads what the agent typed as every kind of key it could be.
pub fn parse_query(q: &str) -> SearchQuery {
    let q: String = q.trim().chars().take(MAX_QUERY_CHARS).collect();
    if q.is_empty() {
        return SearchQuery::default();
    }
    let phone = PhoneNumber::search_key(&q).map(PhoneNumber::into_e164);
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

/// A page of the Contacts list: the matches of `q` (every contact when it is empty).
pub async fn search(
    state: &AppState,
    q: &str,
    status: Option<ContactStatus>,
    page: i64,
) -> Result<SearchPage, AppError> {
    let page = page.clamp(1, 10_000);
    let found = super::contacts::list(state, q, status, PER_PAGE, (page - 1) * PER_PAGE).await?;
    Ok(SearchPage { hits: found.hits, total: found.total, capped: found.capped, page, per_page: PER_PAGE })
}

/// The customer with this id, or `NotFound`.
pub async fn contact(state: &AppState, id: i64) -> Result<ContactRow, AppError> {
    state.db.contact(id).await?.ok_or_else(|| AppError::NotFound("No such contact.".into()))
}

/// The customer the master system knows as `customer_id`, or `NotFound` naming it.
pub async fn by_customer_id(state: &AppState, customer_id: &str) -> Result<ContactRow, AppError> {
    state
        .db
        .contact_by_customer_id(customer_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No customer has customer_id {customer_id}.")))
}

impl From<ContactUpdateRow> for ContactUpdateView {
    fn from(u: ContactUpdateRow) -> Self {
        Self {
            id: u.id,
            captured_at: time::display(u.captured_at),
            agent_name: u.agent_name,
            policy_number: u.policy_number.unwrap_or_default(),
            old_mobile: u.old_mobile.as_deref().map(phone_display),
            new_mobile: u.new_mobile.as_deref().map(phone_display),
            old_email: u.old_email,
            new_email: u.new_email,
            reason: u.update_reason,
            notes: u.notes,
            status: u.status,
            reject_reason: u.reject_reason,
        }
    }
}

fn marker(update: &ContactUpdateRow, now: i64) -> Option<UpdateMarker> {
    let days = time::local_days_between(update.captured_at, now);
    let text = match days {
        d if d > MARKER_DAYS => return None,
        0 => "Updated today".to_owned(),
        1 => "Updated yesterday".to_owned(),
        d => format!("Updated {d} days ago"),
    };
    Some(UpdateMarker {
        text,
        detail: format!("Updated by {} on {}", update.agent_name, time::display(update.captured_at)),
    })
}

/// Everything the customer detail page shows, read fresh (after a save too).
pub async fn detail(state: &AppState, contact_id: i64) -> Result<CustomerDetail, AppError> {
    let contact = contact(state, contact_id).await?;
    let policies = state.db.policies_of(contact.id).await?;
    let history = state.db.updates_of(contact.id).await?;
    let calls_of = CallFilter { contact_id: Some(contact.id), ..CallFilter::default() };
    let (calls_total, calls) = super::calls::list(state, &calls_of, CONTACT_CALLS, 0).await?;
    let now = time::now_ms();
    // A rejected correction is not the customer's value any more: it marks nothing.
    let effective = || history.iter().filter(|u| u.status != UpdateStatus::Rejected);
    let mobile_marker = effective().find(|u| u.new_mobile.is_some()).and_then(|u| marker(u, now));
    let email_marker = effective().find(|u| u.new_email.is_some()).and_then(|u| marker(u, now));
    let amount_due =
        policies.iter().filter(|p| p.payment_status != "paid").map(|p| p.amount_due_cents).sum::<i64>();
    Ok(CustomerDetail {
        contact_id: contact.id,
        customer_id: contact.customer_id,
        name: contact.name,
        status: contact.status,
        mobile_display: contact.mobile.as_deref().map(phone_display),
        mobile: contact.mobile,
        email: contact.email,
        policies: policies
            .into_iter()
            .map(|p| PolicyView {
                policy_number: p.policy_number,
                amount_due: Money::from_cents(p.amount_due_cents),
                payment_status: p.payment_status,
            })
            .collect(),
        amount_due: Money::from_cents(amount_due),
        mobile_marker,
        email_marker,
        history: history.into_iter().map(ContactUpdateView::from).collect(),
        calls,
        calls_total,
        messages: super::mail::messages_of(state, contact.id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_in_any_form_is_one_key() {
        for q in ["5737 2333", "+230 5737 2333", "0023057372333", "(+230) 5737 2333", "5737/2333"] {
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
