//! Accounts.

use sqlx::FromRow;

use super::Db;
use crate::domain::user::{Role, UserSummary};
use crate::server::time;

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        // The CHECK constraint admits only these two values.
        Role::parse(&self.role).unwrap_or(Role::Agent)
    }
}

impl From<UserRow> for UserSummary {
    fn from(row: UserRow) -> Self {
        Self {
            id: row.id,
            role: row.role(),
            username: row.username,
            name: row.name,
            active: row.active,
            created_at: time::display(row.created_at),
            last_login_at: row.last_login_at.map(time::display),
        }
    }
}

const COLUMNS: &str = "id, username, name, role, password_hash, active, created_at, last_login_at";

/// The insert failed because the username is taken.
#[derive(Debug, thiserror::Error)]
pub enum InsertUserError {
    #[error("username taken")]
    UsernameTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Db {
    pub async fn insert_user(
        &self,
        username: &str,
        name: &str,
        role: Role,
        password_hash: &str,
        now: i64,
    ) -> Result<i64, InsertUserError> {
        let result = sqlx::query_scalar(
            "INSERT INTO users (username, name, role, password_hash, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, TRUE, $5, $5) RETURNING id",
        )
        .bind(username)
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now)
        .fetch_one(self.pool())
        .await;
        match result {
            Ok(id) => Ok(id),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(InsertUserError::UsernameTaken),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE username = $1"))
            .bind(username)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn list_users(&self) -> Result<Vec<UserRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM users ORDER BY active DESC, name, id"))
            .fetch_all(self.pool())
            .await
    }

    pub async fn count_users(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(self.pool()).await
    }

    pub async fn count_active_users(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE active = TRUE").fetch_one(self.pool()).await
    }

    pub async fn count_active_admins(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE active = TRUE AND role = 'admin'")
            .fetch_one(self.pool())
            .await
    }

    /// Activates or deactivates an account; deactivation also ends all of its sessions, in the
    /// same transaction, so no request can slip through in between.
    pub async fn set_user_active(&self, id: i64, active: bool, now: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(active)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if !active {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(changed == 1)
    }

    /// Replaces the password hash and ends the user's sessions (a reset means "sign in again").
    pub async fn set_password_hash(&self, id: i64, hash: &str, now: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let changed = sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(changed == 1)
    }
}
