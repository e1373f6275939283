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

/// id, customer_id, name, mobile, email, and the policy the update is for.
type CurrentContact = (i64, Option<String>, String, Option<String>, Option<String>, Option<String>);

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
            // The contact as it is now, and the policy the update is for (the named one if it
            // belongs to this contact, else the contact's first), in one statement.
            let current: Option<CurrentContact> = sqlx::query_as(
                "SELECT c.id, c.customer_id, c.name, c.mobile, c.email, \
                     (SELECT p.policy_number FROM policies p WHERE p.contact_id = c.id \
                      AND ($2 IS NULL OR p.policy_number = $2) ORDER BY p.policy_number LIMIT 1) \
                     FROM contacts c WHERE c.id = $1",
            )
            .bind(save.contact_id)
            .bind(&save.policy_number)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((contact_id, customer_id, name, mobile, email, policy_number)) = current else {
                outcomes.push(SaveOutcome::ContactNotFound);
                continue;
            };
            if save.policy_number.is_some() && policy_number.is_none() {
                outcomes.push(SaveOutcome::PolicyNotOfContact);
                continue;
            }
            let new_mobile = save.new_mobile.clone().filter(|m| mobile.as_deref() != Some(m.as_str()));
            let new_email = save
                .new_email
                .clone()
                .filter(|e| !email.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(e)));
            if new_mobile.is_none() && new_email.is_none() {
                // Most likely the same request again (a double click): the contact already
                // holds its values. Answer with the stored update if there is one.
                outcomes.push(match update_by_key(&mut tx, save.agent_id, &save.idempotency_key).await? {
                    Some(row) => SaveOutcome::Replayed(row),
                    None => SaveOutcome::NoChange,
                });
                continue;
            }
            // The unique (agent_id, idempotency_key) index makes a repeated request a no-op.
            let inserted: Option<ContactUpdateRow> = sqlx::query_as(&format!(
                "INSERT INTO contact_updates (contact_id, customer_id, policy_number, customer_name, old_mobile, \
                 new_mobile, old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, \
                 status, idempotency_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14) \
                 ON CONFLICT (agent_id, idempotency_key) DO NOTHING \
                 RETURNING {UPDATE_COLUMNS}"
            ))
            .bind(contact_id)
            .bind(&customer_id)
            .bind(&policy_number)
            .bind(&name)
            .bind(new_mobile.as_ref().and(mobile.as_ref()))
            .bind(&new_mobile)
            .bind(new_email.as_ref().and(email.as_ref()))
            .bind(&new_email)
            .bind(&save.reason)
            .bind(&save.notes)
            .bind(save.agent_id)
            .bind(&save.agent_name)
            .bind(now)
            .bind(&save.idempotency_key)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = inserted else {
                let existing = update_by_key(&mut tx, save.agent_id, &save.idempotency_key).await?;
                outcomes.push(existing.map_or(SaveOutcome::NoChange, SaveOutcome::Replayed));
                continue;
            };
            sqlx::query(
                "UPDATE contacts SET mobile = COALESCE($1, mobile), email = COALESCE($2, email), updated_at = $3 \
                 WHERE id = $4",
            )
            .bind(&new_mobile)
            .bind(&new_email)
            .bind(now)
            .bind(contact_id)
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
        let mut conn = self.pool().acquire().await?;
        update_by_key(&mut conn, agent_id, key).await
    }
}

async fn update_by_key(
    conn: &mut sqlx::SqliteConnection,
    agent_id: i64,
    key: &str,
) -> Result<Option<ContactUpdateRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE agent_id = $1 AND idempotency_key = $2"
    ))
    .bind(agent_id)
    .bind(key)
    .fetch_optional(conn)
    .await
}
