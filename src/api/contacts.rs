//! Contacts: create, edit (name and status), delete. The list is `customers::search_customers`,
//! the contact page `customers::get_customer`: one contact, one search.

use leptos::prelude::*;

use crate::{domain::customer::CustomerDetail, error::AppError};

/// Saves the New Contact form; answers the new contact's id. `shared_phone` confirms that a
/// number another contact has is shared (families share phones).
#[server(endpoint = "contacts/create")]
pub async fn create_contact(
    name: String,
    mobile: String,
    email: String,
    shared_phone: Option<String>,
) -> Result<i64, AppError> {
    use crate::{
        domain::contact::{ContactStatus, NewContactInput},
        server::{AppState, auth, contacts},
    };

    super::run("create_contact", async {
        let agent = auth::require_user().await?;
        let input = NewContactInput { name, mobile, email };
        let shared = shared_phone.is_some_and(|v| matches!(v.as_str(), "on" | "true" | "1"));
        let state = expect_context::<AppState>();
        let id = contacts::create(&state, &agent, &input, ContactStatus::NewLead, shared).await?.id;
        // Where the hydrated dialog goes: the new contact's page.
        super::land_plain_form(&crate::domain::url::customer_url(id));
        Ok(id)
    })
    .await
}

/// Saves the Edit Contact form: name and status. Mobile and email change through Update
/// Contact, which records why.
#[server(endpoint = "contacts/edit")]
pub async fn edit_contact(contact_id: i64, name: String, status: String) -> Result<CustomerDetail, AppError> {
    use crate::{
        domain::contact::ContactStatus,
        server::{AppState, auth, contacts, customers},
    };

    super::run("edit_contact", async {
        let agent = auth::require_user().await?;
        let status = ContactStatus::parse(&status).map_err(|m| AppError::invalid("status", m))?;
        let state = expect_context::<AppState>();
        let edit = contacts::ContactEdit { name: Some(name), status: Some(status), ..Default::default() };
        contacts::edit(&state, &agent, contact_id, &edit).await?;
        // The contact's page with the dialog closed, as the hydrated dialog leaves it.
        super::land_plain_form(&crate::domain::url::customer_url(contact_id));
        customers::detail(&state, contact_id).await
    })
    .await
}

/// Deletes a contact with no history (admins only).
#[server(endpoint = "contacts/delete")]
pub async fn delete_contact(contact_id: i64) -> Result<(), AppError> {
    use crate::server::{AppState, auth, contacts};

    super::run("delete_contact", async {
        let admin = auth::require_admin().await?;
        contacts::delete(&expect_context::<AppState>(), &admin, contact_id).await.map(|_| ())
    })
    .await
}
