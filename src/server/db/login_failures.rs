//! Failed sign-ins, counted per username and per client address for throttling.

use super::Db;

impl Db {
    pub async fn record_login_failure(&self, username: &str, ip: &str, at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO login_failures (username, ip, failed_at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(ip)
            .bind(at)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Failures since `since` for this username and for this address, with the oldest of each
    /// (to tell the person when they may try again).
    pub async fn login_failures_since(
        &self,
        username: &str,
        ip: &str,
        since: i64,
    ) -> Result<FailureCounts, sqlx::Error> {
        let (user_count, user_oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE username = $1 AND failed_at >= $2",
        )
        .bind(username)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        let (ip_count, ip_oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(failed_at) FROM login_failures WHERE ip = $1 AND failed_at >= $2",
        )
        .bind(ip)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok(FailureCounts { user_count, user_oldest, ip_count, ip_oldest })
    }

    /// A successful sign-in clears that username's record; old rows of everyone are pruned.
    pub async fn clear_login_failures(&self, username: &str, older_than: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1 OR failed_at < $2")
            .bind(username)
            .bind(older_than)
            .execute(self.pool())
            .await
            .map(|_| ())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct FailureCounts {
    pub user_count: i64,
    pub user_oldest: Option<i64>,
    pub ip_count: i64,
    pub ip_oldest: Option<i64>,
}
