//! Contacts as agents manage them by hand: create, rename or re-status, delete an unused one.
//! Mobile and email changes are not here: they are contact updates (`contact_updates.rs`).

use super::{
    Db,
    audit::audit_in,
    contact_updates::{CONTACT_COLUMNS, ContactRow},
    report::{ReportRecord, select_records},
    search::index_name,
};
use crate::domain::contact::ContactStatus;

/// A contact to create, already validated.
#[derive(Debug, Clone)]
pub struct NewContactRow<'a> {
    pub name: &'a str,
    pub status: ContactStatus,
    /// E.164.
    pub mobile: Option<&'a str>,
    pub email: Option<&'a str>,
    /// Create it even when another contact has this mobile (families share phones).
    pub shared_phone: bool,
    pub now: i64,
}

/// A contact "has" a number (E.164, bound as `$1`) as its current mobile, the original one, or
/// the number an upload created it for: what an upload links a call by and what a new contact's
/// mobile must not collide with.
pub(super) const HAS_NUMBER: &str = "mobile = $1 OR master_mobile = $1 OR lead_phone = $1";

pub enum Created {
    Contact(ContactRow),
    /// Another contact already has this number: (id, name).
    PhoneTaken(i64, String),
}

pub enum Deleted {
    Contact(ContactRow),
    NotFound,
    /// What still refers to the contact, in words ("2 calls", "1 contact update").
    InUse(Vec<String>),
}

impl Db {
    /// Creates a contact in one transaction with its search terms. Its first mobile and email
    /// are also kept as its original values (`master_*`, the master's for an imported
    /// customer): a rejected correction falls back to them.
    pub async fn create_contact(&self, new: &NewContactRow<'_>) -> Result<Created, sqlx::Error> {
        // IMMEDIATE: the check for the number and the insert see the same contacts.
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        if let (Some(mobile), false) = (new.mobile, new.shared_phone) {
            let holder: Option<(i64, String)> = sqlx::query_as(&format!(
                "SELECT id, name FROM contacts WHERE {HAS_NUMBER} ORDER BY id LIMIT 1"
            ))
            .bind(mobile)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id, name)) = holder {
                tx.rollback().await?;
                return Ok(Created::PhoneTaken(id, name));
            }
        }
        let row: ContactRow = sqlx::query_as(&format!(
            "INSERT INTO contacts (name, mobile, email, master_mobile, master_email, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $2, $3, $4, $5, $5) RETURNING {CONTACT_COLUMNS}"
        ))
        .bind(new.name)
        .bind(new.mobile)
        .bind(new.email)
        .bind(new.status.as_str())
        .bind(new.now)
        .fetch_one(&mut *tx)
        .await?;
        index_name(&mut tx, row.id, new.name).await?;
        tx.commit().await?;
        Ok(Created::Contact(row))
    }

    /// Sets a contact's name and status (and re-indexes the name). `false` when there is no
    /// such contact.
    /// Sets a contact's name and status and writes `detail` to the audit log as `actor`'s
    /// `contact.edit`, in one transaction: no edit without its entry.
    pub async fn edit_contact(
        &self,
        id: i64,
        name: &str,
        status: ContactStatus,
        actor_id: i64,
        detail: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let changed =
            sqlx::query("UPDATE contacts SET name = $1, status = $2, updated_at = $3 WHERE id = $4")
                .bind(name)
                .bind(status.as_str())
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        index_name(&mut tx, id, name).await?;
        audit_in(&mut *tx, Some(actor_id), "contact.edit", detail, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes a contact that nothing refers to, with its audit entry, in one transaction; a
    /// contact with calls, corrections, policies or messages stays (the audit trail is kept).
    pub async fn delete_contact(&self, id: i64, actor_id: i64, now: i64) -> Result<Deleted, sqlx::Error> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let contact: Option<ContactRow> =
            sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(contact) = contact else {
            tx.rollback().await?;
            return Ok(Deleted::NotFound);
        };
        let (calls, matches, updates, policies, messages): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM call_logs WHERE contact_id = $1), \
                    (SELECT COUNT(*) FROM call_log_matches WHERE contact_id = $1), \
                    (SELECT COUNT(*) FROM contact_updates WHERE contact_id = $1), \
                    (SELECT COUNT(*) FROM policies WHERE contact_id = $1), \
                    (SELECT COUNT(*) FROM email_messages WHERE contact_id = $1)",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let uses: Vec<String> = [
            (calls, plural(calls, "call", "calls")),
            (matches, plural(matches, "call as a possible match", "calls as a possible match")),
            (updates, plural(updates, "contact update", "contact updates")),
            (policies, plural(policies, "policy", "policies")),
            (messages, plural(messages, "payment message", "payment messages")),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, words)| words)
        .collect();
        if !uses.is_empty() {
            tx.rollback().await?;
            return Ok(Deleted::InUse(uses));
        }
        sqlx::query("DELETE FROM contact_name_terms WHERE contact_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM contacts WHERE id = $1").bind(id).execute(&mut *tx).await?;
        let detail = format!("contact {id} ({}, {})", contact.name, contact.status.as_str());
        audit_in(&mut *tx, Some(actor_id), "contact.delete", &detail, now).await?;
        tx.commit().await?;
        Ok(Deleted::Contact(contact))
    }

    /// Every correction of a contact with who decided it, newest first.
    pub async fn records_of(&self, contact_id: i64) -> Result<Vec<ReportRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{} WHERE u.contact_id = $1 ORDER BY u.captured_at DESC, u.id DESC",
            select_records()
        ))
        .bind(contact_id)
        .fetch_all(self.pool())
        .await
    }
}
