//! Customers: search, detail, and capturing a contact correction.

use leptos::prelude::*;

use crate::{
    domain::customer::{CustomerDetail, SearchPage},
    error::AppError,
};

/// The Contacts list: the matches of `q` (every contact when it is empty), of `status`
/// (`customer`, `new_lead`) when given.
#[server(endpoint = "customers/search")]
pub async fn search_customers(q: String, page: i64, status: Option<String>) -> Result<SearchPage, AppError> {
    use crate::{
        domain::contact::ContactStatus,
        server::{AppState, auth, customers},
    };

    super::run("search_customers", async {
        auth::require_user().await?;
        let status = AppError::optional("status", status.as_deref(), ContactStatus::parse)?;
        customers::search(&expect_context::<AppState>(), &q, status, page).await
    })
    .await
}

#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerDetail, AppError> {
    use crate::server::{AppState, auth, customers};

    super::run("get_customer", async {
        auth::require_user().await?;
        customers::detail(&expect_context::<AppState>(), id).await
    })
    .await
}

/// Saves the Update Contact modal. `idempotency_key` is fixed per opening of the modal, so a
/// double click or a retried request stores one update.
#[server(endpoint = "customers/update-contact")]
pub async fn save_contact_update(
    contact_id: i64,
    policy_number: String,
    new_mobile: String,
    new_email: String,
    reason: String,
    notes: String,
    idempotency_key: String,
) -> Result<CustomerDetail, AppError> {
    use crate::{
        domain::contact_update::ContactUpdateInput,
        server::{AppState, auth, contact_updates, customers},
    };

    super::run("save_contact_update", async {
        let agent = auth::require_user().await?;
        let state = expect_context::<AppState>();
        let contact = customers::contact(&state, contact_id).await?;
        let input = ContactUpdateInput { new_mobile, new_email, reason, notes };
        let policy = Some(policy_number).filter(|p| !p.trim().is_empty());
        contact_updates::capture(&state, &agent, &contact, policy, &input, Some(idempotency_key)).await?;
        // Read again: the page shows the contact as saved, with the new update in its history.
        customers::detail(&state, contact_id).await
    })
    .await
}
