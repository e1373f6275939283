//! The admin audit log: who did what to accounts, imports, exports and tokens.

use super::Db;

impl Db {
    pub async fn audit(
        &self,
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
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// The newest audit entries, for the tests and the operations page to come.
    pub async fn recent_audit(&self, limit: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as("SELECT action, detail FROM admin_audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(self.pool())
            .await
    }
}
