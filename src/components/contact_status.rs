use leptos::prelude::*;

use crate::domain::contact::ContactStatus;

/// A contact's status as a pill; a New Lead stands out (someone the call center has not placed
/// yet), a customer does not.
#[component]
pub fn StatusBadge(status: ContactStatus) -> impl IntoView {
    let class = match status {
        ContactStatus::NewLead => "pill lead",
        ContactStatus::Customer => "pill muted",
    };
    view! { <span class=class data-status=status.as_str()>{status.label()}</span> }
}
