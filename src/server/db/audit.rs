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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub actor_name: Option<String>,
    pub action: String,
    pub detail: String,
    pub at: i64,
}

impl Db {
    /// A page of the log, newest first, optionally of one action; with the total.
    pub async fn audit_page(
        &self,
        action: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<AuditRow>), sqlx::Error> {
        let filter = if action.is_some() { " WHERE a.action = $1" } else { " WHERE $1 IS NULL" };
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM admin_audit_log a{filter}"))
            .bind(action)
            .fetch_one(self.pool())
            .await?;
        let rows = sqlx::query_as(&format!(
            "SELECT a.id, u.name AS actor_name, a.action, a.detail, a.at FROM admin_audit_log a \
             LEFT JOIN users u ON u.id = a.actor_id{filter} ORDER BY a.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(action)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        Ok((total, rows))
    }

    /// Every action the log holds, for the filter.
    pub async fn audit_actions(&self) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT DISTINCT action FROM admin_audit_log ORDER BY action")
            .fetch_all(self.pool())
            .await
    }
}
