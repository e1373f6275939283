//! Call recordings' rows: the call log, the contact it landed on, the leads uploads create.

use sqlx::{QueryBuilder, Sqlite};

use super::{Db, contacts::HAS_NUMBER};

/// The Call Logs filter resolved to columns and instants.
#[derive(Debug, Clone, Default)]
pub struct CallQuery {
    pub contact_id: Option<i64>,
    pub agent_id: Option<i64>,
    /// E.164.
    pub phone: Option<String>,
    pub direction: Option<&'static str>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

fn push_call_filter(q: &mut QueryBuilder<'_, Sqlite>, f: &CallQuery) {
    if let Some(id) = f.contact_id {
        q.push(" AND c.contact_id = ").push_bind(id);
    }
    if let Some(id) = f.agent_id {
        q.push(" AND c.agent_id = ").push_bind(id);
    }
    if let Some(phone) = &f.phone {
        q.push(" AND c.phone = ").push_bind(phone.clone());
    }
    if let Some(d) = f.direction {
        q.push(" AND c.direction = ").push_bind(d);
    }
    if let Some(ms) = f.from_ms {
        q.push(" AND c.started_at >= ").push_bind(ms);
    }
    if let Some(ms) = f.to_ms {
        q.push(" AND c.started_at < ").push_bind(ms);
    }
}

/// A call log with its contact and agent, as the API shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallRow {
    pub id: i64,
    pub call_id: String,
    pub contact_id: Option<i64>,
    pub contact_status: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub phone_raw: String,
    pub direction: String,
    pub started_at: i64,
    pub duration_seconds: i64,
    pub agent_id: i64,
    pub agent_name: String,
    pub audio_key: String,
    pub audio_size: i64,
    pub audio_sha256: String,
    pub audio_type: String,
    pub created_at: i64,
}

const CALL_COLUMNS: &str = "c.id, c.call_id, c.contact_id, k.status AS contact_status, k.name AS contact_name, \
     c.phone, c.phone_raw, c.direction, c.started_at, c.duration_seconds, c.agent_id, u.name AS agent_name, \
     c.audio_key, c.audio_size, c.audio_sha256, c.audio_type, c.created_at \
     FROM call_logs c JOIN users u ON u.id = c.agent_id LEFT JOIN contacts k ON k.id = c.contact_id";

/// A call to record, its audio already stored under `audio_key`.
#[derive(Debug, Clone)]
pub struct NewCallRow<'a> {
    pub call_id: &'a str,
    /// E.164, or `None` for a withheld number.
    pub phone: Option<&'a str>,
    /// Whether `phone` can be a lead's mobile (not a fixed line).
    pub phone_is_mobile: bool,
    /// The name a lead created for this number gets.
    pub lead_name: &'a str,
    pub phone_raw: &'a str,
    pub direction: &'a str,
    pub started_at: i64,
    pub duration_seconds: i64,
    pub agent_id: i64,
    pub token_id: Option<i64>,
    pub audio_key: &'a str,
    pub audio_size: i64,
    pub audio_sha256: &'a str,
    pub audio_type: &'a str,
    pub now: i64,
}

/// What recording a call did.
#[derive(Debug, Clone)]
pub enum Recorded {
    Created(CallRow, Vec<i64>),
    /// A call with this `call_id` was already recorded (a retry, or a concurrent twin).
    Existing(CallRow, Vec<i64>),
}

impl Db {
    pub async fn count_calls(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM call_logs").fetch_one(self.pool()).await
    }

    pub async fn call_by_call_id(&self, call_id: &str) -> Result<Option<(CallRow, Vec<i64>)>, sqlx::Error> {
        let row: Option<CallRow> = sqlx::query_as(&format!("SELECT {CALL_COLUMNS} WHERE c.call_id = $1"))
            .bind(call_id)
            .fetch_optional(self.pool())
            .await?;
        self.with_matches(row).await
    }

    pub async fn call_by_id(&self, id: i64) -> Result<Option<(CallRow, Vec<i64>)>, sqlx::Error> {
        let row: Option<CallRow> = sqlx::query_as(&format!("SELECT {CALL_COLUMNS} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        self.with_matches(row).await
    }

    async fn with_matches(&self, row: Option<CallRow>) -> Result<Option<(CallRow, Vec<i64>)>, sqlx::Error> {
        let Some(row) = row else { return Ok(None) };
        let matches = sqlx::query_scalar(
            "SELECT contact_id FROM call_log_matches WHERE call_log_id = $1 ORDER BY contact_id",
        )
        .bind(row.id)
        .fetch_all(self.pool())
        .await?;
        Ok(Some((row, matches)))
    }

    /// In one transaction: finds the contact of the number (its current mobile, the master's
    /// original, or the lead created for it; the most recently updated first, the others kept as
    /// possible matches) or creates a lead for it, then inserts the call log and forgets the
    /// recording's note (see [`Db::add_recording_intent`]). A `call_id`
    /// recorded meanwhile answers [`Recorded::Existing`] and changes nothing.
    pub async fn record_call(&self, call: &NewCallRow<'_>) -> Result<Recorded, sqlx::Error> {
        // IMMEDIATE: twenty uploads from one new number queue here, and each sees the lead the
        // first one created (the unique lead_phone would refuse a second one on PostgreSQL).
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM call_logs WHERE call_id = $1")
            .bind(call.call_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(id) = existing {
            tx.rollback().await?;
            let (row, matches) = self.call_by_id(id).await?.ok_or(sqlx::Error::RowNotFound)?;
            return Ok(Recorded::Existing(row, matches));
        }
        let mut contacts: Vec<i64> = Vec::new();
        if let Some(phone) = call.phone {
            contacts = sqlx::query_scalar(&format!(
                "SELECT id FROM contacts WHERE {HAS_NUMBER} \
                 ORDER BY CASE WHEN status = 'customer' THEN 0 ELSE 1 END, updated_at DESC, id DESC LIMIT 20"
            ))
            .bind(phone)
            .fetch_all(&mut *tx)
            .await?;
            if contacts.is_empty() {
                let lead: Option<i64> = sqlx::query_scalar(
                    // The first number is the lead's original (`master_mobile`), as the
                    // master's is a customer's: a rejected correction falls back to it.
                    "INSERT INTO contacts (name, mobile, master_mobile, status, lead_phone, created_at, updated_at) \
                     VALUES ($1, $2, $2, 'new_lead', $3, $4, $4) ON CONFLICT (lead_phone) DO NOTHING RETURNING id",
                )
                .bind(call.lead_name)
                .bind(call.phone_is_mobile.then_some(phone))
                .bind(phone)
                .bind(call.now)
                .fetch_optional(&mut *tx)
                .await?;
                let id = match lead {
                    Some(id) => id,
                    None => {
                        sqlx::query_scalar("SELECT id FROM contacts WHERE lead_phone = $1")
                            .bind(phone)
                            .fetch_one(&mut *tx)
                            .await?
                    }
                };
                contacts.push(id);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO call_logs (call_id, contact_id, phone, phone_raw, direction, started_at, duration_seconds, \
             agent_id, token_id, audio_key, audio_size, audio_sha256, audio_type, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(call.call_id)
        .bind(contacts.first())
        .bind(call.phone)
        .bind(call.phone_raw)
        .bind(call.direction)
        .bind(call.started_at)
        .bind(call.duration_seconds)
        .bind(call.agent_id)
        .bind(call.token_id)
        .bind(call.audio_key)
        .bind(call.audio_size)
        .bind(call.audio_sha256)
        .bind(call.audio_type)
        .bind(call.now)
        .fetch_one(&mut *tx)
        .await?;
        if contacts.len() > 1 {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO call_log_matches (call_log_id, contact_id) ");
            q.push_values(&contacts[1..], |mut b, contact| {
                b.push_bind(id).push_bind(*contact);
            });
            q.build().execute(&mut *tx).await?;
        }
        // The recording's note is done with once its row is committed: in the same commit.
        sqlx::query("DELETE FROM recording_intents WHERE key = $1")
            .bind(call.audio_key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let (row, matches) = self.call_by_id(id).await?.ok_or(sqlx::Error::RowNotFound)?;
        Ok(Recorded::Created(row, matches))
    }

    /// A page of calls matching `q`, newest first, with the total. Every filter rides an index
    /// that starts with its column and continues with `started_at`, so the newest page of a
    /// million calls is read in index order.
    pub async fn list_calls(
        &self,
        q: &CallQuery,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<CallRow>), sqlx::Error> {
        let mut rows = QueryBuilder::new(format!("SELECT {CALL_COLUMNS} WHERE 1 = 1"));
        push_call_filter(&mut rows, q);
        rows.push(" ORDER BY c.started_at DESC, c.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows: Vec<CallRow> = rows.build_query_as().fetch_all(self.pool()).await?;
        // A short first page is the whole list, so it needs no count (most contacts' pages).
        if offset == 0 && (rows.len() as i64) < limit {
            return Ok((rows.len() as i64, rows));
        }
        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM call_logs c WHERE 1 = 1");
        push_call_filter(&mut count, q);
        let total = count.build_query_scalar().fetch_one(self.pool()).await?;
        Ok((total, rows))
    }

    /// The possible matches of each of `call_ids`: (call log id, contact id).
    pub async fn matches_of(&self, call_ids: &[i64]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
        if call_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q =
            QueryBuilder::new("SELECT call_log_id, contact_id FROM call_log_matches WHERE call_log_id IN ");
        super::push_in_list(&mut q, call_ids.iter().copied());
        q.push(" ORDER BY call_log_id, contact_id");
        q.build_query_as().fetch_all(self.pool()).await
    }

    /// Everyone who has uploaded a call, for the Call Logs filter: (id, name).
    pub async fn call_agents(&self) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.name FROM users u WHERE EXISTS (SELECT 1 FROM call_logs c WHERE c.agent_id = u.id) \
             ORDER BY u.name",
        )
        .fetch_all(self.pool())
        .await
    }

    /// Every call log's stored file, for `fsck`: (id, key, size, sha256).
    /// Notes that a recording is about to be moved into place under `key`.
    pub async fn add_recording_intent(&self, key: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO recording_intents (key, created_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(now)
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    pub async fn remove_recording_intent(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM recording_intents WHERE key = $1")
            .bind(key)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Keys noted before `before` and never answered, each with whether a call log refers to it.
    pub async fn stale_recording_intents(&self, before: i64) -> Result<Vec<(String, bool)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT i.key, EXISTS (SELECT 1 FROM call_logs c WHERE c.audio_key = i.key) \
             FROM recording_intents i WHERE i.created_at < $1 ORDER BY i.key",
        )
        .bind(before)
        .fetch_all(self.pool())
        .await
    }

    pub async fn call_audio_index(&self) -> Result<Vec<(i64, String, i64, String)>, sqlx::Error> {
        sqlx::query_as("SELECT id, audio_key, audio_size, audio_sha256 FROM call_logs ORDER BY id")
            .fetch_all(self.pool())
            .await
    }
}
