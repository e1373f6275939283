//! The admin's side of contact updates: the filtered report, marking synced, rejecting.
//!
//! A status change is the one write the append-only trigger allows (pending → synced or
//! rejected, with its stamp), and it records itself in the admin audit log in the same
//! transaction: an acknowledged change always has its audit entry.

use sqlx::{FromRow, QueryBuilder, Sqlite, SqliteConnection};

use super::{
    Db,
    audit::audit_in,
    contact_updates::{ContactUpdateRow, UPDATE_COLUMNS},
    push_in_list,
    search::{name_terms, prefix_end},
};
use crate::domain::{contact_update::UpdateStatus, report::Leads};

/// SQLite accepts 32,766 bound values per statement; IN lists stay well below.
const IDS_PER_STATEMENT: usize = 10_000;

/// A report filter resolved to instants (the business days turned into milliseconds).
#[derive(Clone, Debug)]
pub struct UpdateQuery {
    pub status: Option<UpdateStatus>,
    pub agent_id: Option<i64>,
    pub from_ms: Option<i64>,
    /// Exclusive.
    pub to_ms: Option<i64>,
    /// Beginning of a policy number or part of a name; already trimmed, never empty.
    pub q: Option<String>,
    pub leads: Leads,
    /// Only updates up to this id: what existed when the admin looked.
    pub up_to_id: Option<i64>,
}

/// One report row: the update and the names of who decided it.
#[derive(Debug, Clone, FromRow)]
pub struct ReportRecord {
    #[sqlx(flatten)]
    pub update: ContactUpdateRow,
    pub synced_by_name: Option<String>,
    pub rejected_by_name: Option<String>,
}

/// What happened to a rejection.
#[derive(Debug)]
pub enum RejectOutcome {
    Rejected(ContactUpdateRow),
    NotFound,
    /// Synced or rejected already: left as it is.
    Decided(ContactUpdateRow),
}

/// Appends ` WHERE …` for `query` over `contact_updates u`.
pub(super) fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, query: &UpdateQuery) {
    // No condition, no WHERE: SQLite counts a whole table from its smallest index only then.
    let mut first = true;
    let mut and = |q: &mut QueryBuilder<'_, Sqlite>| {
        q.push(if first { " WHERE " } else { " AND " });
        first = false;
    };
    if let Some(status) = query.status {
        and(q);
        q.push("u.status = ").push_bind(status.as_str());
    }
    if let Some(agent) = query.agent_id {
        and(q);
        q.push("u.agent_id = ").push_bind(agent);
    }
    if let Some(from) = query.from_ms {
        and(q);
        q.push("u.captured_at >= ").push_bind(from);
    }
    if let Some(to) = query.to_ms {
        and(q);
        q.push("u.captured_at < ").push_bind(to);
    }
    if let Some(up_to) = query.up_to_id {
        and(q);
        q.push("u.id <= ").push_bind(up_to);
    }
    match query.leads {
        Leads::Exclude => {
            and(q);
            q.push("u.customer_id IS NOT NULL");
        }
        Leads::Only => {
            and(q);
            q.push("u.customer_id IS NULL");
        }
        Leads::Include => {}
    }
    if let Some(text) = &query.q {
        // A policy number's beginning (stored upper-case), or every word a beginning of a word
        // of the name, accents and case folded: the customer search's rule, on its term index.
        // Both sides are index ranges, so SQLite answers the OR as a union of two lookups.
        let policy = text.trim().to_uppercase();
        and(q);
        q.push("((u.policy_number >= ")
            .push_bind(policy.clone())
            .push(" AND u.policy_number < ")
            .push_bind(prefix_end(&policy))
            .push(")");
        let mut words = name_terms(text);
        // The longest word is usually the rarest: its range drives, the others are probes.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        if let Some((driver, others)) = words.split_first() {
            q.push(" OR u.contact_id IN (SELECT t.contact_id FROM contact_name_terms t WHERE t.term >= ")
                .push_bind(driver.clone())
                .push(" AND t.term < ")
                .push_bind(prefix_end(driver));
            for w in others {
                q.push(" AND EXISTS (SELECT 1 FROM contact_name_terms o WHERE o.contact_id = t.contact_id AND o.term >= ")
                    .push_bind(w.clone())
                    .push(" AND o.term < ")
                    .push_bind(prefix_end(w))
                    .push(")");
            }
            q.push(")");
        }
        q.push(")");
    }
}

pub(super) fn select_records() -> String {
    let columns: Vec<String> = UPDATE_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
    format!(
        "SELECT {}, s.name AS synced_by_name, r.name AS rejected_by_name FROM contact_updates u \
         LEFT JOIN users s ON s.id = u.synced_by LEFT JOIN users r ON r.id = u.rejected_by",
        columns.join(", ")
    )
}

impl Db {
    /// How many updates match.
    pub async fn count_updates(&self, query: &UpdateQuery) -> Result<i64, sqlx::Error> {
        let unfiltered = query.status.is_none()
            && query.agent_id.is_none()
            && query.from_ms.is_none()
            && query.to_ms.is_none()
            && query.q.is_none()
            && query.up_to_id.is_none();
        if unfiltered && query.leads == Leads::Exclude {
            // All of them less the leads': SQLite counts a whole table from its smallest index
            // without reading a row, and the leads from the NULL end of the customer_id index;
            // the condition itself would read every entry (90 ms over a million).
            return sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM contact_updates) \
                 - (SELECT COUNT(*) FROM contact_updates WHERE customer_id IS NULL)",
            )
            .fetch_one(self.pool())
            .await;
        }
        let mut q = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM contact_updates u");
        push_filter(&mut q, query);
        q.build_query_scalar().fetch_one(self.pool()).await
    }

    /// A page of the matching updates, newest first.
    pub async fn list_updates(
        &self,
        query: &UpdateQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ReportRecord>, sqlx::Error> {
        let mut q = QueryBuilder::<Sqlite>::new(select_records());
        push_filter(&mut q, query);
        q.push(" ORDER BY u.captured_at DESC, u.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        q.build_query_as().fetch_all(self.pool()).await
    }

    /// The newest update's id (0 when there is none).
    pub async fn max_update_id(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM contact_updates").fetch_one(self.pool()).await
    }

    pub async fn update_record(&self, id: i64) -> Result<Option<ReportRecord>, sqlx::Error> {
        let mut q = QueryBuilder::<Sqlite>::new(select_records());
        q.push(" WHERE u.id = ").push_bind(id);
        q.build_query_as().fetch_optional(self.pool()).await
    }

    /// Marks the pending ones of `ids` synced by `admin`; returns how many changed. The audit
    /// entry (`detail`) is written in the same transaction.
    pub async fn sync_updates(
        &self,
        ids: &[i64],
        admin: i64,
        now: i64,
        detail: &str,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut synced = 0;
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let mut q =
                QueryBuilder::<Sqlite>::new("UPDATE contact_updates SET status = 'synced', synced_at = ");
            q.push_bind(now)
                .push(", synced_by = ")
                .push_bind(admin)
                .push(" WHERE status = 'pending' AND id IN ");
            push_in_list(&mut q, chunk.iter().copied());
            synced += q.build().execute(&mut *tx).await?.rows_affected() as i64;
        }
        audit_in(&mut *tx, Some(admin), "contact_updates.sync", &format!("{detail}; synced {synced}"), now)
            .await?;
        tx.commit().await?;
        Ok(synced)
    }

    /// Marks every pending update matching `query` synced; returns (matching, synced). Both
    /// are counted in one transaction, so `matching - synced` is exactly what was left alone.
    pub async fn sync_matching(
        &self,
        query: &UpdateQuery,
        admin: i64,
        now: i64,
        detail: &str,
    ) -> Result<(i64, i64), sqlx::Error> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM contact_updates u");
        push_filter(&mut count, query);
        let matching: i64 = count.build_query_scalar().fetch_one(&mut *tx).await?;
        let mut q = QueryBuilder::<Sqlite>::new("UPDATE contact_updates SET status = 'synced', synced_at = ");
        q.push_bind(now)
            .push(", synced_by = ")
            .push_bind(admin)
            .push(" WHERE status = 'pending' AND id IN (SELECT u.id FROM contact_updates u");
        push_filter(&mut q, query);
        q.push(")");
        let synced = q.build().execute(&mut *tx).await?.rows_affected() as i64;
        audit_in(
            &mut *tx,
            Some(admin),
            "contact_updates.sync",
            &format!("{detail}; matching {matching}, synced {synced}"),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((matching, synced))
    }

    /// Rejects a pending update and gives its contact back the values it replaced, field by
    /// field: the newest correction not rejected, else what the master system said.
    pub async fn reject_update(
        &self,
        id: i64,
        admin: i64,
        reason: &str,
        now: i64,
    ) -> Result<RejectOutcome, sqlx::Error> {
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let found: Option<ContactUpdateRow> =
            sqlx::query_as(&format!("SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(update) = found else { return Ok(RejectOutcome::NotFound) };
        if update.status != UpdateStatus::Pending {
            return Ok(RejectOutcome::Decided(update));
        }
        let rejected: ContactUpdateRow = sqlx::query_as(&format!(
            "UPDATE contact_updates SET status = 'rejected', rejected_at = $1, rejected_by = $2, \
             reject_reason = $3 WHERE id = $4 RETURNING {UPDATE_COLUMNS}"
        ))
        .bind(now)
        .bind(admin)
        .bind(reason)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if rejected.new_mobile.is_some() {
            restore_field(&mut tx, rejected.contact_id, Field::Mobile, now).await?;
        }
        if rejected.new_email.is_some() {
            restore_field(&mut tx, rejected.contact_id, Field::Email, now).await?;
        }
        audit_in(
            &mut *tx,
            Some(admin),
            "contact_updates.reject",
            &format!("update {id} of contact {}: {reason}", rejected.contact_id),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(RejectOutcome::Rejected(rejected))
    }

    /// (id, name) of every user, for the report's agent filter.
    pub async fn user_names(&self) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as("SELECT id, name FROM users ORDER BY name, id").fetch_all(self.pool()).await
    }
}

#[derive(Clone, Copy)]
enum Field {
    Mobile,
    Email,
}

/// Sets a contact's current mobile or email to its effective value after a rejection.
async fn restore_field(
    conn: &mut SqliteConnection,
    contact_id: i64,
    field: Field,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (new, master, current) = match field {
        Field::Mobile => ("new_mobile", "master_mobile", "mobile"),
        Field::Email => ("new_email", "master_email", "email"),
    };
    sqlx::query(&format!(
        "UPDATE contacts SET {current} = COALESCE(\
             (SELECT u.{new} FROM contact_updates u WHERE u.contact_id = $1 AND u.{new} IS NOT NULL \
              AND u.status <> 'rejected' ORDER BY u.captured_at DESC, u.id DESC LIMIT 1), \
             {master}), updated_at = $2 WHERE id = $1"
    ))
    .bind(contact_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}
