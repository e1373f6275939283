//! The admin audit log: who did what to accounts, imports, exports, syncs and tokens.
//! Append-only: entries are inserted, never changed.

use sqlx::SqliteExecutor;

use super::Db;

/// Writes one entry with `conn`, so a change and its entry can share a transaction.
pub(super) async fn audit_in<'e>(
    conn: impl SqliteExecutor<'e>,
    actor_id: Option<i64>,
    action: &str,
    detail: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO admin_audit_log (actor_id, action, detail, at) VALUES ($1, $2, $3, $4)")
        .bind(actor_id)
        .bind(action)
        .bind(detail)
        .bind(at)
        .execute(conn)
        .await
        .map(|_| ())
}

impl Db {
    pub async fn audit(
        &self,
        actor_id: Option<i64>,
        action: &str,
        detail: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        audit_in(self.pool(), actor_id, action, detail, at).await
    }

    /// The newest audit entries, for the tests and the operations page to come.
    pub async fn recent_audit(&self, limit: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT action, detail FROM admin_audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(self.pool())
            .await
    }
}
