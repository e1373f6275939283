//! The email outbox: messages stored before they are sent, with their delivery state.

use sqlx::FromRow;

use super::Db;

#[derive(Debug, Clone, FromRow)]
pub struct EmailRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub qr_payload: Option<String>,
    pub policy_number: Option<String>,
    pub created_at: i64,
    pub created_by_name: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub kind: &'static str,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub qr_payload: Option<String>,
    pub contact_id: Option<i64>,
    pub policy_number: Option<String>,
    pub created_by: Option<i64>,
    /// `stored` when no mail server is configured, else `queued`.
    pub status: &'static str,
}

/// The messages with their creator's name; callers add WHERE / ORDER BY.
const SELECT_EMAILS: &str = "SELECT m.id, m.to_address, m.subject, m.text_body, m.html_body, m.qr_payload, \
     m.policy_number, m.created_at, u.name AS created_by_name, m.status, m.attempts, m.last_error, \
     m.sent_at FROM email_messages m LEFT JOIN users u ON u.id = m.created_by";

impl Db {
    pub async fn insert_email(&self, email: &NewEmail, now: i64) -> Result<EmailRow, sqlx::Error> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO email_messages (kind, to_address, subject, text_body, html_body, qr_payload, contact_id, \
             policy_number, created_by, created_at, status, next_attempt_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING id",
        )
        .bind(email.kind)
        .bind(&email.to_address)
        .bind(&email.subject)
        .bind(&email.text_body)
        .bind(&email.html_body)
        .bind(&email.qr_payload)
        .bind(email.contact_id)
        .bind(&email.policy_number)
        .bind(email.created_by)
        .bind(now)
        .bind(email.status)
        .fetch_one(self.pool())
        .await?;
        self.email(id).await?.ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn email(&self, id: i64) -> Result<Option<EmailRow>, sqlx::Error> {
        sqlx::query_as(&format!("{SELECT_EMAILS} WHERE m.id = $1")).bind(id).fetch_optional(self.pool()).await
    }

    /// Newest first, one page.
    pub async fn emails(&self, limit: i64, offset: i64) -> Result<(Vec<EmailRow>, i64), sqlx::Error> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM email_messages").fetch_one(self.pool()).await?;
        let rows = sqlx::query_as(&format!(
            "{SELECT_EMAILS} ORDER BY m.created_at DESC, m.id DESC LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        Ok((rows, total))
    }

    /// Queued messages whose next attempt is due, oldest first.
    pub async fn due_emails(&self, now: i64, limit: i64) -> Result<Vec<EmailRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "{SELECT_EMAILS} WHERE m.status = 'queued' AND m.next_attempt_at <= $1 ORDER BY m.next_attempt_at, m.id LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    pub async fn mark_email_sent(&self, id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE email_messages SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = NULL \
             WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(self.pool())
        .await
        .map(|_| ())
    }

    /// Records a failed attempt: retried at `retry_at`, or marked failed when that is `None`.
    pub async fn mark_email_attempt_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE email_messages SET attempts = attempts + 1, last_error = $1, \
             status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'queued' END, next_attempt_at = $2 \
             WHERE id = $3",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(self.pool())
        .await
        .map(|_| ())
    }
}
