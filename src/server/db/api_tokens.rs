//! Bearer tokens for the HTTP API; each acts for one user, within its scope.

use super::{Db, audit::audit_in};

/// A live token as the API sees it: who it acts for and what it may do.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub scope: String,
    pub last_used_at: Option<i64>,
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub active: bool,
}

/// One token for Admin → Tokens.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenListRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub username: String,
    pub user_name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A token to store: only its hash, never the secret.
#[derive(Debug, Clone, Copy)]
pub struct NewTokenRow<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub user_id: i64,
    pub scope: &'a str,
    /// The admin who issued it; `None` for the command line.
    pub actor_id: Option<i64>,
    pub audit_detail: &'a str,
    pub now: i64,
}

const LIST_COLUMNS: &str = "t.id, t.name, t.scope, u.username, u.name AS user_name, t.created_at, \
                            t.last_used_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id";

impl Db {
    /// Stores a new token's hash and its audit entry in one transaction.
    pub async fn insert_api_token(&self, t: &NewTokenRow<'_>) -> Result<i64, sqlx::Error> {
        let NewTokenRow { name, token_hash, user_id, scope, actor_id, audit_detail, now } = *t;
        let mut tx = self.pool().begin().await?;
        let id = sqlx::query_scalar(
            "INSERT INTO api_tokens (name, token_hash, user_id, scope, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(token_hash)
        .bind(user_id)
        .bind(scope)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        audit_in(&mut *tx, actor_id, "token.create", audit_detail, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The user and scope of a live (unrevoked) token.
    pub async fn find_api_token(&self, token_hash: &str) -> Result<Option<TokenRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT t.id, t.scope, t.last_used_at, t.user_id, u.username, u.name, u.role, u.active \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await
    }

    pub async fn touch_api_token(&self, id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    /// Every token, live ones first, newest first.
    pub async fn list_api_tokens(&self) -> Result<Vec<TokenListRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {LIST_COLUMNS} ORDER BY CASE WHEN t.revoked_at IS NULL THEN 0 ELSE 1 END, t.id DESC"
        ))
        .fetch_all(self.pool())
        .await
    }

    pub async fn api_token_by_id(&self, id: i64) -> Result<Option<TokenListRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {LIST_COLUMNS} WHERE t.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Revokes a live token with its audit entry; `false` if it was already revoked.
    pub async fn revoke_api_token(
        &self,
        id: i64,
        actor_id: Option<i64>,
        audit_detail: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let changed = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(actor_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if changed {
            audit_in(&mut *tx, actor_id, "token.revoke", audit_detail, now).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}
