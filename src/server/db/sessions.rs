//! Server-side sessions. Rows outlive a restart and are shared by every instance on the same
//! database.

use sqlx::FromRow;

use super::Db;
use crate::domain::user::Role;

/// A session joined with its user, as the auth middleware needs it on every request. The auth
/// layer turns it into the request's user; this module only stores and finds it.
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub active: bool,
}

impl SessionRow {
    pub fn role(&self) -> Role {
        // The CHECK constraint admits only these two values.
        Role::parse(&self.role).unwrap_or(Role::Agent)
    }
}

impl Db {
    /// Creates a session and stamps the user's last sign-in, in one transaction.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        now: i64,
        ip: &str,
        user_agent: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip, user_agent) \
             VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(ip)
        .bind(user_agent)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    pub async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT s.user_id, s.created_at, s.last_seen_at, u.username, u.name, u.role, u.active \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn touch_session(&self, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Removes sessions past either limit; run at start-up and now and then.
    pub async fn delete_expired_sessions(
        &self,
        idle_before: i64,
        created_before: i64,
    ) -> Result<u64, sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(self.pool())
            .await
            .map(|r| r.rows_affected())
    }

    pub async fn count_sessions_of(&self, user_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(self.pool())
            .await
    }
}
