//! Small facts about the database itself.

use super::Db;

const DEMO_KEY: &str = "demo_data";

impl Db {
    pub async fn is_demo_data(&self) -> Result<bool, sqlx::Error> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
            .bind(DEMO_KEY)
            .fetch_optional(self.pool())
            .await?;
        Ok(value.as_deref() == Some("1"))
    }

    /// The value stored under `key`, storing `proposed` first if there is none: every instance
    /// on this database ends up with the same value (a shared signing key, say).
    pub async fn meta_value_or_insert(&self, key: &str, proposed: &str) -> Result<String, sqlx::Error> {
        sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(proposed)
            .execute(self.pool())
            .await?;
        sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1").bind(key).fetch_one(self.pool()).await
    }

    pub(crate) async fn mark_demo_data(tx: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO app_meta (key, value) VALUES ($1, '1') \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(DEMO_KEY)
        .execute(tx)
        .await
        .map(|_| ())
    }
}
