//! The figures of the admin dashboard, each one indexed query.

use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::Db;

#[derive(Debug, FromRow)]
pub struct OldestRow {
    pub id: i64,
    pub contact_id: i64,
    pub customer_name: String,
    pub captured_at: i64,
}

#[derive(Debug, FromRow)]
pub struct DayRow {
    pub day: i64,
    pub reason: String,
    pub n: i64,
}

#[derive(Debug, FromRow)]
pub struct AgentRow {
    pub agent_id: i64,
    pub agent_name: String,
    pub updates: i64,
    pub pending: i64,
}

impl Db {
    pub async fn count_pending_updates(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM contact_updates WHERE status = 'pending'")
            .fetch_one(self.pool())
            .await
    }

    pub async fn count_synced_since(&self, since: i64) -> Result<i64, sqlx::Error> {
        // Only a synced update has a synced_at (the append-only trigger's rule): the index range
        // alone answers. Adding `status = 'synced'` made SQLite walk the status index instead.
        sqlx::query_scalar("SELECT COUNT(*) FROM contact_updates WHERE synced_at >= $1")
            .bind(since)
            .fetch_one(self.pool())
            .await
    }

    pub async fn oldest_pending(&self) -> Result<Option<OldestRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, contact_id, customer_name, captured_at FROM contact_updates WHERE status = 'pending' \
             ORDER BY captured_at, id LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await
    }

    /// (day index, reason, count) for each day `[start, end)` of `days`: one range of the
    /// covering capture-time index per day, so the days are business days whatever the time
    /// zone does.
    pub async fn updates_per_day(&self, days: &[(i64, i64)]) -> Result<Vec<DayRow>, sqlx::Error> {
        if days.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Sqlite>::new("WITH days (d, day_start, day_end) AS (");
        q.push_values(days.iter().enumerate(), |mut b, (i, (start, end))| {
            b.push("CAST(").push_bind_unseparated(i as i64).push_unseparated(" AS BIGINT)");
            b.push("CAST(").push_bind_unseparated(*start).push_unseparated(" AS BIGINT)");
            b.push("CAST(").push_bind_unseparated(*end).push_unseparated(" AS BIGINT)");
        });
        q.push(
            ") SELECT days.d AS day, u.update_reason AS reason, COUNT(*) AS n FROM days \
             JOIN contact_updates u ON u.captured_at >= days.day_start AND u.captured_at < days.day_end \
             GROUP BY days.d, u.update_reason",
        );
        q.build_query_as().fetch_all(self.pool()).await
    }

    /// Per user, the updates captured since `since` and how many of them are pending: two index
    /// range counts per user rather than one sort of every update of the period.
    pub async fn updates_per_agent(&self, since: i64) -> Result<Vec<AgentRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT * FROM (SELECT a.id AS agent_id, a.name AS agent_name, \
             (SELECT COUNT(*) FROM contact_updates u WHERE u.agent_id = a.id AND u.captured_at >= $1) AS updates, \
             (SELECT COUNT(*) FROM contact_updates u WHERE u.agent_id = a.id AND u.status = 'pending' \
              AND u.captured_at >= $1) AS pending FROM users a) per_agent \
             WHERE updates > 0 ORDER BY updates DESC, agent_id",
        )
        .bind(since)
        .fetch_all(self.pool())
        .await
    }
}
