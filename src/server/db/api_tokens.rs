//! Bearer tokens for the HTTP API; each acts for one user.

use super::Db;
use super::sessions::SessionRow;

impl Db {
    pub async fn insert_api_token(
        &self,
        name: &str,
        token_hash: &str,
        user_id: i64,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO api_tokens (name, token_hash, user_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .fetch_one(self.pool())
        .await
    }

    /// The user a live (unrevoked) token acts for, with the same shape as a session lookup.
    pub async fn find_api_token(&self, token_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT t.user_id, t.created_at, t.created_at AS last_seen_at, u.username, u.name, u.role, u.active \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
    }
}
