//! Managing contacts: list and search, create, edit, delete, and one contact with its history.
//! The Contacts pages' server functions and `/v1/contacts` both call these.

use super::{
    AppState,
    auth::{Admin, AuthUser},
    contact_updates, customers,
    db::{
        contact_updates::{ContactRow, PolicyRow},
        contacts::{Created, Deleted, NewContactRow},
        report::ReportRecord,
        search::ContactsPage,
    },
    time,
};
use crate::{
    domain::{
        call::{CallFilter, CallLog},
        contact::{ContactStatus, NewContactInput, parse_name},
        contact_update::{ContactUpdateInput, UpdateReason, parse_notes},
        phone::{PhoneNumber, display as phone_display},
    },
    error::{AppError, FieldError},
};

/// The most contacts one request lists.
pub const MAX_LIMIT: i64 = 1000;
/// Calls listed with one contact; the rest are a `GET /v1/calls?contact_id=` away.
pub const HISTORY_CALLS: i64 = 50;

/// The mobile rule of the modal on the server: a number that exists and is a mobile.
fn parse_mobile(input: &str) -> Result<String, String> {
    PhoneNumber::parse_mobile(input).map(PhoneNumber::into_e164)
}

/// The contacts that the search box query `q` finds (every contact when it is empty), of
/// `status` if given, by name.
pub async fn list(
    state: &AppState,
    q: &str,
    status: Option<ContactStatus>,
    limit: i64,
    offset: i64,
) -> Result<ContactsPage, AppError> {
    let query = customers::parse_query(q);
    Ok(state.db.search_contacts(&query, status, limit.clamp(1, MAX_LIMIT), offset.max(0)).await?)
}

/// Creates a contact from the New Contact form (or `POST /v1/contacts`), validated like the
/// Update Contact modal. A number that another contact has is refused, naming that contact,
/// unless `shared_phone` confirms that they share it.
pub async fn create(
    state: &AppState,
    agent: &AuthUser,
    input: &NewContactInput,
    status: ContactStatus,
    shared_phone: bool,
) -> Result<ContactRow, AppError> {
    let new = input.validate(parse_mobile)?;
    let row = NewContactRow {
        name: &new.name,
        status,
        mobile: new.mobile.as_deref(),
        email: new.email.as_ref().map(|e| e.as_str()),
        shared_phone,
        now: time::now_ms(),
    };
    match state.db.create_contact(&row).await? {
        Created::Contact(contact) => {
            tracing::info!(contact_id = contact.id, agent = agent.id, "contact created");
            Ok(contact)
        }
        Created::PhoneTaken(id, name) => Err(AppError::Conflict(format!(
            "{} is already the number of {name} (contact {id}). If they share the phone, confirm that \
             they do (shared_phone) and save again.",
            new.mobile.as_deref().map(phone_display).unwrap_or_default()
        ))),
    }
}

/// What an edit may change: name and status directly; mobile and email only as a contact update
/// with its reason (the audit trail), exactly as the Update Contact modal stores one.
#[derive(Debug, Default, Clone)]
pub struct ContactEdit {
    pub name: Option<String>,
    pub status: Option<ContactStatus>,
    /// New mobile/email with reason and notes; empty values leave a field as it is.
    pub change: Option<ContactUpdateInput>,
    pub idempotency_key: Option<String>,
}

/// Applies an edit by `agent`. Everything is validated before anything is stored; a mobile or
/// email equal to the current one is no change (so a retried edit succeeds instead of failing
/// with "nothing would change").
pub async fn edit(
    state: &AppState,
    agent: &AuthUser,
    id: i64,
    edit: &ContactEdit,
) -> Result<ContactRow, AppError> {
    let contact = customers::contact(state, id).await?;
    let mut errors = Vec::new();
    let name = match &edit.name {
        Some(name) => parse_name(name).map_err(|m| errors.push(FieldError::new("name", m))).ok(),
        None => Some(contact.name.clone()),
    };
    let status = edit.status.unwrap_or(contact.status);
    if contact.customer_id.is_some() && status != ContactStatus::Customer {
        errors.push(FieldError::new(
            "status",
            "This contact is a customer of the master system; its status follows the master import.",
        ));
    }
    // Values equal to the current ones are no change: drop them before the modal's rules run.
    let change = edit.change.as_ref().map(|c| {
        let same_mobile =
            parse_mobile(&c.new_mobile).is_ok_and(|m| contact.mobile.as_deref() == Some(m.as_str()));
        let same_email = contact.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(c.new_email.trim()));
        ContactUpdateInput {
            new_mobile: if same_mobile { String::new() } else { c.new_mobile.clone() },
            new_email: if same_email { String::new() } else { c.new_email.clone() },
            ..c.clone()
        }
    });
    let change = change.filter(|c| !c.new_mobile.trim().is_empty() || !c.new_email.trim().is_empty());
    // What a field takes does not depend on the contact's current values: a reason, notes or a
    // key sent with values that change nothing are checked all the same.
    if change.is_none()
        && let Some(c) = &edit.change
    {
        if !c.reason.trim().is_empty()
            && let Err(m) = UpdateReason::parse(&c.reason)
        {
            errors.push(FieldError::new("reason", m));
        }
        if let Err(m) = parse_notes(&c.notes) {
            errors.push(FieldError::new("notes", m));
        }
        if let Err(m) = contact_updates::check_key(edit.idempotency_key.as_deref()) {
            errors.push(FieldError::new("idempotency_key", m));
        }
    }
    if let Some(c) = &change
        && let Err(AppError::Invalid(more)) =
            c.validate(parse_mobile, contact.mobile.as_deref(), contact.email.as_deref())
    {
        errors.extend(more);
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    if let Some(c) = &change {
        contact_updates::capture(state, agent, &contact, None, c, edit.idempotency_key.clone()).await?;
    }
    if name != contact.name || status != contact.status {
        let detail = edit_detail(id, (&contact.name, &name), (contact.status, status));
        if !state.db.edit_contact(id, &name, status, agent.id, &detail, time::now_ms()).await? {
            return Err(AppError::NotFound("No such contact.".into()));
        }
        tracing::info!(contact_id = id, agent = agent.id, "contact edited");
    }
    customers::contact(state, id).await
}

/// The audit entry of an edit: what changed, from what to what.
fn edit_detail(
    id: i64,
    (old_name, name): (&str, &str),
    (old_status, status): (ContactStatus, ContactStatus),
) -> String {
    let mut changes = Vec::new();
    if old_name != name {
        changes.push(format!("name {old_name:?} → {name:?}"));
    }
    if old_status != status {
        changes.push(format!("status {} → {}", old_status.as_str(), status.as_str()));
    }
    format!("contact {id}: {}", changes.join(", "))
}

/// Deletes a contact nothing refers to; one with calls, corrections, policies or messages stays
/// (409 saying what it has). For admins.
pub async fn delete(state: &AppState, admin: &Admin, id: i64) -> Result<ContactRow, AppError> {
    match state.db.delete_contact(id, admin.id, time::now_ms()).await? {
        Deleted::Contact(contact) => {
            tracing::info!(contact_id = id, admin = admin.id, "contact deleted");
            Ok(contact)
        }
        Deleted::NotFound => Err(AppError::NotFound("No such contact.".into())),
        Deleted::InUse(uses) => Err(AppError::Conflict(format!(
            "This contact has {}: it stays, so the record of what happened with it stays too.",
            uses.join(", ")
        ))),
    }
}

/// One contact with its policies and interaction history, newest first.
pub struct ContactHistory {
    pub contact: ContactRow,
    pub policies: Vec<PolicyRow>,
    pub updates: Vec<ReportRecord>,
    pub calls_total: i64,
    pub calls: Vec<CallLog>,
}

pub async fn history(state: &AppState, id: i64) -> Result<ContactHistory, AppError> {
    let contact = customers::contact(state, id).await?;
    let policies = state.db.policies_of(id).await?;
    let updates = state.db.records_of(id).await?;
    let of_contact = CallFilter { contact_id: Some(id), ..CallFilter::default() };
    let (calls_total, calls) = super::calls::list(state, &of_contact, HISTORY_CALLS, 0).await?;
    Ok(ContactHistory { contact, policies, updates, calls_total, calls })
}
