//! Exports of the contact-update report: which updates each one contained, read back in
//! chunks to write the file, and synced as exactly that set.

use sqlx::{FromRow, QueryBuilder, Sqlite};

use super::{
    Db,
    audit::audit_in,
    contact_updates::{ContactUpdateRow, UPDATE_COLUMNS},
    report::{UpdateQuery, push_filter},
};
use crate::domain::report::ExportFormat;

#[derive(Debug, Clone, FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub actor_id: i64,
    pub actor_name: String,
    #[sqlx(try_from = "String")]
    pub format: ExportFormat,
    pub filter: String,
    pub row_count: i64,
    pub created_at: i64,
    /// When its file was completely written; `None` while writing or if that failed.
    pub completed_at: Option<i64>,
}

const SELECT_EXPORTS: &str = "SELECT x.id, x.actor_id, u.name AS actor_name, x.format, x.filter, x.row_count, \
     x.created_at, x.completed_at FROM exports x JOIN users u ON u.id = x.actor_id";

impl Db {
    /// Records an export of every update matching `query`: the export and its exact set of
    /// updates, in one statement inside SQLite, with its audit entry. Returns (id, rows).
    pub async fn create_export(
        &self,
        admin: i64,
        format: ExportFormat,
        filter: &str,
        query: &UpdateQuery,
        now: i64,
    ) -> Result<(i64, i64), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exports (actor_id, format, filter, row_count, created_at) VALUES ($1, $2, $3, 0, $4) \
             RETURNING id",
        )
        .bind(admin)
        .bind(format.as_str())
        .bind(filter)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO export_items (export_id, update_id) SELECT ");
        q.push_bind(id).push(", u.id FROM contact_updates u");
        push_filter(&mut q, query);
        let rows = q.build().execute(&mut *tx).await?.rows_affected() as i64;
        sqlx::query("UPDATE exports SET row_count = $1 WHERE id = $2")
            .bind(rows)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let shown = if filter.is_empty() { "no filter" } else { filter };
        audit_in(
            &mut *tx,
            Some(admin),
            "contact_updates.export",
            &format!("export {id} ({}) of [{shown}]: {rows} rows", format.as_str()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((id, rows))
    }

    /// The export's updates with ids above `after`, in id order (the order they were captured).
    /// Only the update's own columns: the file carries ids, not names, and every join or
    /// column is paid a million times.
    pub async fn export_rows(
        &self,
        export_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ContactUpdateRow>, sqlx::Error> {
        let columns: Vec<String> = UPDATE_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
        sqlx::query_as(&format!(
            "SELECT {} FROM export_items e JOIN contact_updates u ON u.id = e.update_id \
             WHERE e.export_id = $1 AND e.update_id > $2 ORDER BY e.update_id LIMIT $3",
            columns.join(", ")
        ))
        .bind(export_id)
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await
    }

    /// Records that the export's file is completely written.
    pub async fn complete_export(&self, id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE exports SET completed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(self.pool())
            .await
            .map(|_| ())
    }

    pub async fn export_by_id(&self, id: i64) -> Result<Option<ExportRow>, sqlx::Error> {
        sqlx::query_as(&format!("{SELECT_EXPORTS} WHERE x.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    /// Every export whose file was completely written, for `backup`.
    pub async fn completed_exports(&self) -> Result<Vec<(i64, ExportFormat)>, sqlx::Error> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, format FROM exports WHERE completed_at IS NOT NULL ORDER BY id")
                .fetch_all(self.pool())
                .await?;
        rows.into_iter()
            .map(|(id, format)| {
                ExportFormat::try_from(format).map(|f| (id, f)).map_err(|e| sqlx::Error::Decode(e.into()))
            })
            .collect()
    }

    pub async fn recent_exports(&self, limit: i64) -> Result<Vec<ExportRow>, sqlx::Error> {
        sqlx::query_as(&format!("{SELECT_EXPORTS} ORDER BY x.id DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(self.pool())
            .await
    }

    /// Marks synced the pending updates of the export and no other; returns (rows, synced).
    pub async fn sync_export(&self, export_id: i64, admin: i64, now: i64) -> Result<(i64, i64), sqlx::Error> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let rows: i64 = sqlx::query_scalar("SELECT row_count FROM exports WHERE id = $1")
            .bind(export_id)
            .fetch_one(&mut *tx)
            .await?;
        let synced = sqlx::query(
            "UPDATE contact_updates SET status = 'synced', synced_at = $1, synced_by = $2 \
             WHERE status = 'pending' AND id IN (SELECT update_id FROM export_items WHERE export_id = $3)",
        )
        .bind(now)
        .bind(admin)
        .bind(export_id)
        .execute(&mut *tx)
        .await?
        .rows_affected() as i64;
        audit_in(
            &mut *tx,
            Some(admin),
            "contact_updates.sync",
            &format!("export {export_id}: {rows} rows, synced {synced}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((rows, synced))
    }
}
