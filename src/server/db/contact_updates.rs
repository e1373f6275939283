//! Contacts as agents correct them, and the append-only trail of those corrections.

use sqlx::FromRow;

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub customer_id: Option<String>,
    pub name: String,
    pub status: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct PolicyRow {
    pub policy_number: String,
    pub amount_due_cents: i64,
    pub payment_status: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ContactUpdateRow {
    pub id: i64,
    pub contact_id: i64,
    pub customer_id: Option<String>,
    pub policy_number: Option<String>,
    pub customer_name: String,
    pub old_mobile: Option<String>,
    pub new_mobile: Option<String>,
    pub old_email: Option<String>,
    pub new_email: Option<String>,
    pub update_reason: String,
    pub notes: Option<String>,
    pub agent_id: i64,
    pub agent_name: String,
    pub captured_at: i64,
    pub status: String,
}

const CONTACT_COLUMNS: &str = "id, customer_id, name, status, mobile, email";
const UPDATE_COLUMNS: &str = "id, contact_id, customer_id, policy_number, customer_name, old_mobile, new_mobile, \
     old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, status";

/// One update waiting in the group-commit queue, already validated against the rules.
#[derive(Debug, Clone)]
pub struct PendingSave {
    pub contact_id: i64,
    pub policy_number: Option<String>,
    /// E.164.
    pub new_mobile: Option<String>,
    pub new_email: Option<String>,
    pub reason: String,
    pub notes: Option<String>,
    pub agent_id: i64,
    pub agent_name: String,
    pub idempotency_key: String,
}

/// What became of one pending save.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    Saved(ContactUpdateRow),
    /// The same agent sent this idempotency key before: the stored update, not a second one.
    Replayed(ContactUpdateRow),
    ContactNotFound,
    PolicyNotOfContact,
    /// By the time it was written, the contact already had these values.
    NoChange,
}

impl Db {
    pub async fn contact(&self, id: i64) -> Result<Option<ContactRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn contact_by_customer_id(&self, customer_id: &str) -> Result<Option<ContactRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE customer_id = $1"))
            .bind(customer_id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn policies_of(&self, contact_id: i64) -> Result<Vec<PolicyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT policy_number, amount_due_cents, payment_status FROM policies \
             WHERE contact_id = $1 ORDER BY policy_number",
        )
        .bind(contact_id)
        .fetch_all(self.pool())
        .await
    }

    /// Every update of a contact, newest first.
    pub async fn updates_of(&self, contact_id: i64) -> Result<Vec<ContactUpdateRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE contact_id = $1 ORDER BY captured_at DESC, id DESC"
        ))
        .bind(contact_id)
        .fetch_all(self.pool())
        .await
    }

    /// Writes a batch of updates in one transaction: one durable commit for many agents (group
    /// commit). Each update also changes the contact's current mobile/email in the same
    /// transaction. A rule failure of one entry affects only that entry; a database failure
    /// fails the whole batch and nothing of it is acknowledged.
    pub async fn save_updates(
        &self,
        batch: &[PendingSave],
        now: i64,
    ) -> Result<Vec<SaveOutcome>, sqlx::Error> {
        // IMMEDIATE takes the write lock up front: the reads below then see exactly what the
        // writes will change (SQLite-specific; PostgreSQL would use SELECT … FOR UPDATE).
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut outcomes = Vec::with_capacity(batch.len());
        for save in batch {
            let existing: Option<ContactUpdateRow> = sqlx::query_as(&format!(
                "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE agent_id = $1 AND idempotency_key = $2"
            ))
            .bind(save.agent_id)
            .bind(&save.idempotency_key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = existing {
                outcomes.push(SaveOutcome::Replayed(row));
                continue;
            }
            let contact: Option<ContactRow> =
                sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"))
                    .bind(save.contact_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(contact) = contact else {
                outcomes.push(SaveOutcome::ContactNotFound);
                continue;
            };
            let policy_number: Option<String> = match &save.policy_number {
                Some(p) => {
                    let found: Option<String> = sqlx::query_scalar(
                        "SELECT policy_number FROM policies WHERE policy_number = $1 AND contact_id = $2",
                    )
                    .bind(p)
                    .bind(contact.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if found.is_none() {
                        outcomes.push(SaveOutcome::PolicyNotOfContact);
                        continue;
                    }
                    found
                }
                None => sqlx::query_scalar(
                    "SELECT policy_number FROM policies WHERE contact_id = $1 ORDER BY policy_number LIMIT 1",
                )
                .bind(contact.id)
                .fetch_optional(&mut *tx)
                .await?,
            };
            let new_mobile =
                save.new_mobile.clone().filter(|m| contact.mobile.as_deref() != Some(m.as_str()));
            let new_email = save
                .new_email
                .clone()
                .filter(|e| !contact.email.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(e)));
            if new_mobile.is_none() && new_email.is_none() {
                outcomes.push(SaveOutcome::NoChange);
                continue;
            }
            let row: ContactUpdateRow = sqlx::query_as(&format!(
                "INSERT INTO contact_updates (contact_id, customer_id, policy_number, customer_name, old_mobile, \
                 new_mobile, old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, \
                 status, idempotency_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14) \
                 RETURNING {UPDATE_COLUMNS}"
            ))
            .bind(contact.id)
            .bind(&contact.customer_id)
            .bind(&policy_number)
            .bind(&contact.name)
            .bind(new_mobile.as_ref().and(contact.mobile.as_ref()))
            .bind(&new_mobile)
            .bind(new_email.as_ref().and(contact.email.as_ref()))
            .bind(&new_email)
            .bind(&save.reason)
            .bind(&save.notes)
            .bind(save.agent_id)
            .bind(&save.agent_name)
            .bind(now)
            .bind(&save.idempotency_key)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE contacts SET mobile = COALESCE($1, mobile), email = COALESCE($2, email), updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(&new_mobile)
            .bind(&new_email)
            .bind(now)
            .bind(contact.id)
            .execute(&mut *tx)
            .await?;
            outcomes.push(SaveOutcome::Saved(row));
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// The newest update of a contact (for "updated by … at …" of the latest-contact API).
    pub async fn latest_update_of(&self, contact_id: i64) -> Result<Option<ContactUpdateRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE contact_id = $1 \
             ORDER BY captured_at DESC, id DESC LIMIT 1"
        ))
        .bind(contact_id)
        .fetch_optional(self.pool())
        .await
    }
}

impl Db {
    /// The update an agent stored under an idempotency key, if any.
    pub async fn update_by_key(
        &self,
        agent_id: i64,
        key: &str,
    ) -> Result<Option<ContactUpdateRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE agent_id = $1 AND idempotency_key = $2"
        ))
        .bind(agent_id)
        .bind(key)
        .fetch_optional(self.pool())
        .await
    }
}
