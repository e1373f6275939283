//! The email outbox: messages stored before they are sent, with their delivery state.

use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::{Db, push_in_list};

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
    pub contact_id: Option<i64>,
    /// The contact's email now: where a resend goes.
    pub current_email: Option<String>,
    pub resend_of: Option<i64>,
    pub cancelled_by_name: Option<String>,
}

/// The outbox filter.
#[derive(Debug, Clone, Default)]
pub struct EmailQuery {
    pub status: Option<String>,
    /// Part of the address or of the policy number; already trimmed, never empty.
    pub q: Option<String>,
    pub contact_id: Option<i64>,
}

/// What became of a resend or a cancel.
#[derive(Debug)]
pub enum EmailChange {
    Done(Box<EmailRow>),
    NotFound,
    /// Not in a state that allows it (its status now).
    Refused(String),
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
     m.sent_at, m.contact_id, c.email AS current_email, m.resend_of, x.name AS cancelled_by_name \
     FROM email_messages m LEFT JOIN users u ON u.id = m.created_by \
     LEFT JOIN contacts c ON c.id = m.contact_id LEFT JOIN users x ON x.id = m.cancelled_by";

/// `%` and `_` typed by a person match themselves, not any text.
fn like_pattern(q: &str) -> String {
    let escaped = q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{}%", escaped.to_lowercase())
}

fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, query: &EmailQuery) {
    q.push(" WHERE 1 = 1");
    if let Some(status) = &query.status {
        q.push(" AND m.status = ").push_bind(status.clone());
    }
    if let Some(contact_id) = query.contact_id {
        q.push(" AND m.contact_id = ").push_bind(contact_id);
    }
    // `#42` is message 42 (a resend links to its original so, whatever page or filter it is on).
    let number =
        query.q.as_deref().and_then(|t| t.trim().strip_prefix('#')).and_then(|n| n.parse::<i64>().ok());
    if let Some(id) = number {
        q.push(" AND m.id = ").push_bind(id);
    } else if let Some(text) = &query.q {
        let pattern = like_pattern(text);
        q.push(" AND (lower(m.to_address) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(m.policy_number) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

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

    /// How many messages match `query`.
    /// How many messages are in each status: the outbox's depth, for `/metrics`.
    pub async fn outbox_depth(&self) -> Result<Vec<(String, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT status, COUNT(*) FROM email_messages GROUP BY status")
            .fetch_all(self.pool())
            .await
    }

    pub async fn count_emails(&self, query: &EmailQuery) -> Result<i64, sqlx::Error> {
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM email_messages m");
        push_filter(&mut count, query);
        count.build_query_scalar().fetch_one(self.pool()).await
    }

    /// The messages matching `query`, newest first, one page.
    pub async fn emails(
        &self,
        query: &EmailQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<EmailRow>, sqlx::Error> {
        let mut select = QueryBuilder::<Sqlite>::new(SELECT_EMAILS);
        push_filter(&mut select, query);
        select
            .push(" ORDER BY m.created_at DESC, m.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        select.build_query_as().fetch_all(self.pool()).await
    }

    /// A new message repeating `id` to `to` (the contact's current address), by `actor`, with its
    /// audit entry, in one transaction. Only a sent or failed message is resent.
    pub async fn resend_email(
        &self,
        id: i64,
        to: &str,
        status: &str,
        actor: i64,
        now: i64,
    ) -> Result<EmailChange, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let original: Option<(String, String)> =
            sqlx::query_as("SELECT status, to_address FROM email_messages WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((current, old_to)) = original else {
            return Ok(EmailChange::NotFound);
        };
        if current != "sent" && current != "failed" {
            return Ok(EmailChange::Refused(current));
        }
        let new_id: i64 = sqlx::query_scalar(
            "INSERT INTO email_messages (kind, to_address, subject, text_body, html_body, qr_payload, contact_id, \
             policy_number, created_by, created_at, status, next_attempt_at, resend_of) \
             SELECT kind, $1, subject, text_body, html_body, qr_payload, contact_id, policy_number, $2, $3, $4, $3, id \
             FROM email_messages WHERE id = $5 RETURNING id",
        )
        .bind(to)
        .bind(actor)
        .bind(now)
        .bind(status)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!("message {id} ({old_to}) resent as message {new_id} to {to}");
        super::audit::audit_in(&mut *tx, Some(actor), "email.resend", &detail, now).await?;
        tx.commit().await?;
        Ok(self.email(new_id).await?.map_or(EmailChange::NotFound, |row| EmailChange::Done(Box::new(row))))
    }

    /// Cancels a queued message no sender holds right now, with its audit entry.
    pub async fn cancel_email(&self, id: i64, actor: i64, now: i64) -> Result<EmailChange, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE email_messages SET status = 'cancelled', cancelled_at = $1, cancelled_by = $2, next_attempt_at = NULL \
             WHERE id = $3 AND status = 'queued' AND (lease_until IS NULL OR lease_until <= $1)",
        )
        .bind(now)
        .bind(actor)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM email_messages WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Ok(match status {
                None => EmailChange::NotFound,
                Some(s) if s == "queued" => EmailChange::Refused("being sent".into()),
                Some(s) => EmailChange::Refused(s),
            });
        }
        let to: String = sqlx::query_scalar("SELECT to_address FROM email_messages WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        super::audit::audit_in(&mut *tx, Some(actor), "email.cancel", &format!("message {id} to {to}"), now)
            .await?;
        tx.commit().await?;
        Ok(self.email(id).await?.map_or(EmailChange::NotFound, |row| EmailChange::Done(Box::new(row))))
    }

    /// Claims for `sender` up to `limit` queued messages whose next attempt is due and that no
    /// live lease holds, until `lease_until`; returns them, oldest first. The conditions are
    /// checked again on each row the UPDATE changes, so two senders never claim one message
    /// (SQLite serialises writers; PostgreSQL re-checks a row another transaction just
    /// claimed and skips it).
    pub async fn claim_due_emails(
        &self,
        sender: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<EmailRow>, sqlx::Error> {
        const FREE: &str =
            "status = 'queued' AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3)";
        let claimed: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE email_messages SET claimed_by = $1, lease_until = $2 WHERE {FREE} AND id IN \
             (SELECT id FROM email_messages WHERE {FREE} ORDER BY next_attempt_at, id LIMIT $4) RETURNING id"
        ))
        .bind(sender)
        .bind(lease_until)
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Sqlite>::new(format!("{SELECT_EMAILS} WHERE m.claimed_by = "));
        q.push_bind(sender).push(" AND m.id IN ");
        push_in_list(&mut q, claimed);
        q.push(" ORDER BY m.next_attempt_at, m.id");
        q.build_query_as().fetch_all(self.pool()).await
    }

    /// Records a delivery by `sender`; `false` when its lease had run out and another sender
    /// took the message over (it may then go out twice: at least once, never lost).
    pub async fn mark_email_sent(&self, id: i64, sender: &str, now: i64) -> Result<bool, sqlx::Error> {
        sqlx::query(
            "UPDATE email_messages SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = NULL, \
             sent_by = claimed_by, claimed_by = NULL, lease_until = NULL WHERE id = $2 AND claimed_by = $3",
        )
        .bind(now)
        .bind(id)
        .bind(sender)
        .execute(self.pool())
        .await
        .map(|r| r.rows_affected() == 1)
    }

    /// Records a failed attempt by `sender`: retried at `retry_at`, or marked failed when that is
    /// `None`. The lease ends either way.
    pub async fn mark_email_attempt_failed(
        &self,
        id: i64,
        sender: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<bool, sqlx::Error> {
        sqlx::query(
            "UPDATE email_messages SET attempts = attempts + 1, last_error = $1, \
             status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'queued' END, next_attempt_at = $2, \
             claimed_by = NULL, lease_until = NULL WHERE id = $3 AND claimed_by = $4",
        )
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .bind(sender)
        .execute(self.pool())
        .await
        .map(|r| r.rows_affected() == 1)
    }

    /// When the sender has something to do next: the earliest moment a queued message is due
    /// and free of any lease.
    pub async fn next_email_due(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT MIN(CASE WHEN lease_until > next_attempt_at THEN lease_until ELSE next_attempt_at END) \
             FROM email_messages WHERE status = 'queued'",
        )
        .fetch_one(self.pool())
        .await
    }

    /// Gives back what `sender` claimed and has not sent (it is stopping): another sender, or
    /// this one after a restart, takes the messages at once instead of after the lease.
    pub async fn release_claims(&self, sender: &str) -> Result<u64, sqlx::Error> {
        sqlx::query(
            "UPDATE email_messages SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = $1 AND status = 'queued'",
        )
        .bind(sender)
        .execute(self.pool())
        .await
        .map(|r| r.rows_affected())
    }
}
