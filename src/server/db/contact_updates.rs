//! Contacts as agents correct them, and the append-only trail of those corrections.

use std::collections::{HashMap, HashSet};

use sqlx::{FromRow, QueryBuilder, Row, Sqlite, SqliteConnection, SqliteExecutor};

use super::{Db, push_in_list};
use crate::domain::{contact::ContactStatus, contact_update::UpdateStatus};

#[derive(Debug, Clone, FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub customer_id: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub status: ContactStatus,
    pub mobile: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct PolicyRow {
    pub policy_number: String,
    pub amount_due_cents: i64,
    pub payment_status: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct ContactUpdateRow {
    pub id: i64,
    pub contact_id: i64,
    pub customer_id: Option<String>,
    pub policy_number: Option<String>,
    pub customer_name: String,
    pub old_mobile: Option<String>,
    pub new_mobile: Option<String>,
    pub old_email: Option<String>,
    pub new_email: Option<String>,
    pub update_reason: String,
    pub notes: Option<String>,
    pub agent_id: i64,
    pub agent_name: String,
    pub captured_at: i64,
    #[sqlx(try_from = "String")]
    pub status: UpdateStatus,
    pub synced_at: Option<i64>,
    pub synced_by: Option<i64>,
    pub rejected_at: Option<i64>,
    pub rejected_by: Option<i64>,
    pub reject_reason: Option<String>,
}

pub(super) const CONTACT_COLUMNS: &str = "id, customer_id, name, status, mobile, email";
pub(super) const UPDATE_COLUMNS: &str = "id, contact_id, customer_id, policy_number, customer_name, old_mobile, \
     new_mobile, old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, status, synced_at, \
     synced_by, rejected_at, rejected_by, reject_reason";

/// One update waiting in the group-commit queue, already validated against the rules.
#[derive(Debug, Clone)]
pub struct PendingSave {
    pub contact_id: i64,
    pub policy_number: Option<String>,
    /// E.164.
    pub new_mobile: Option<String>,
    pub new_email: Option<String>,
    pub reason: String,
    pub notes: Option<String>,
    pub agent_id: i64,
    pub agent_name: String,
    pub idempotency_key: String,
}

/// What became of one pending save.
#[derive(Debug, Clone)]
pub enum SaveOutcome {
    Saved(ContactUpdateRow),
    /// The same agent sent this idempotency key before: the stored update, not a second one.
    Replayed(ContactUpdateRow),
    ContactNotFound,
    PolicyNotOfContact,
    /// By the time it was written, the contact already had these values.
    NoChange,
}

impl Db {
    pub async fn contact(&self, id: i64) -> Result<Option<ContactRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn contact_by_customer_id(&self, customer_id: &str) -> Result<Option<ContactRow>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE customer_id = $1"))
            .bind(customer_id)
            .fetch_optional(self.pool())
            .await
    }

    pub async fn policies_of(&self, contact_id: i64) -> Result<Vec<PolicyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT policy_number, amount_due_cents, payment_status FROM policies \
             WHERE contact_id = $1 ORDER BY policy_number",
        )
        .bind(contact_id)
        .fetch_all(self.pool())
        .await
    }

    /// Every update of a contact, newest first.
    pub async fn updates_of(&self, contact_id: i64) -> Result<Vec<ContactUpdateRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE contact_id = $1 ORDER BY captured_at DESC, id DESC"
        ))
        .bind(contact_id)
        .fetch_all(self.pool())
        .await
    }

    /// Writes a batch of updates in one transaction: one durable commit for many agents (group
    /// commit). Each update also changes the contact's current mobile/email in the same
    /// transaction. A rule failure of one entry affects only that entry; a database failure
    /// fails the whole batch and nothing of it is acknowledged.
    ///
    /// The batch costs five statements however many agents it carries (read the contacts,
    /// their policies and any earlier use of the idempotency keys; insert every update; set
    /// every contact's new values): the writer holds the write lock for a few round trips, not
    /// three per update, which is what bounds the save rate of the whole call center.
    pub async fn save_updates(
        &self,
        batch: &[PendingSave],
        now: i64,
    ) -> Result<Vec<SaveOutcome>, sqlx::Error> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        // IMMEDIATE takes the write lock up front: the reads below then see exactly what the
        // writes will change (SQLite-specific; PostgreSQL would use SELECT … FOR UPDATE).
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;
        let mut contact_ids: Vec<i64> = batch.iter().map(|s| s.contact_id).collect();
        contact_ids.sort_unstable();
        contact_ids.dedup();
        let mut contacts: HashMap<i64, BatchContact> =
            contacts_in(&mut tx, &contact_ids).await?.into_iter().map(|c| (c.id, c)).collect();
        let mut policies: HashMap<i64, Vec<String>> = HashMap::new();
        for (contact_id, number) in policies_in(&mut *tx, contact_ids.iter().copied()).await? {
            policies.entry(contact_id).or_default().push(number);
        }
        let mut keyed: HashMap<(i64, String), ContactUpdateRow> = earlier_updates(&mut tx, batch).await?;

        // Decide each save in arrival order, as if they ran one after the other: a second
        // agent correcting the same customer in this batch sees the first one's values.
        enum Plan {
            Done(Box<SaveOutcome>),
            Insert(usize),
            SameKeyAs(usize),
        }
        let mut plans = Vec::with_capacity(batch.len());
        let mut rows: Vec<NewUpdate<'_>> = Vec::new();
        let mut pending_keys: HashMap<(i64, &str), usize> = HashMap::new();
        for save in batch {
            let key = (save.agent_id, save.idempotency_key.as_str());
            if let Some(earlier) = keyed.get(&(key.0, key.1.to_owned())) {
                plans.push(Plan::Done(Box::new(SaveOutcome::Replayed(earlier.clone()))));
                continue;
            }
            if let Some(&at) = pending_keys.get(&key) {
                plans.push(Plan::SameKeyAs(at));
                continue;
            }
            let Some(contact) = contacts.get_mut(&save.contact_id) else {
                plans.push(Plan::Done(Box::new(SaveOutcome::ContactNotFound)));
                continue;
            };
            let owned = policies.get(&save.contact_id).map(Vec::as_slice).unwrap_or_default();
            let policy_number = match &save.policy_number {
                Some(wanted) => match owned.iter().find(|p| *p == wanted) {
                    Some(p) => Some(p.clone()),
                    None => {
                        plans.push(Plan::Done(Box::new(SaveOutcome::PolicyNotOfContact)));
                        continue;
                    }
                },
                None => owned.first().cloned(),
            };
            let new_mobile =
                save.new_mobile.clone().filter(|m| contact.mobile.as_deref() != Some(m.as_str()));
            let new_email = save
                .new_email
                .clone()
                .filter(|e| !contact.email.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(e)));
            if new_mobile.is_none() && new_email.is_none() {
                plans.push(Plan::Done(Box::new(SaveOutcome::NoChange)));
                continue;
            }
            rows.push(NewUpdate {
                save,
                contact_id: contact.id,
                customer_id: contact.customer_id.clone(),
                customer_name: contact.name.clone(),
                policy_number,
                old_mobile: new_mobile.as_ref().and(contact.mobile.clone()),
                old_email: new_email.as_ref().and(contact.email.clone()),
                new_mobile: new_mobile.clone(),
                new_email: new_email.clone(),
            });
            if let Some(m) = new_mobile {
                contact.mobile = Some(m);
            }
            if let Some(e) = new_email {
                contact.email = Some(e);
            }
            contact.changed = true;
            pending_keys.insert(key, rows.len() - 1);
            plans.push(Plan::Insert(rows.len() - 1));
        }

        if !rows.is_empty() {
            for stored in insert_updates(&mut tx, &rows, now).await? {
                keyed.insert(stored.0, stored.1);
            }
            set_current_contacts(&mut tx, contacts.values().filter(|c| c.changed), now).await?;
        }
        tx.commit().await?;

        let stored = |at: usize| {
            let save = rows[at].save;
            keyed.get(&(save.agent_id, save.idempotency_key.clone())).cloned()
        };
        Ok(plans
            .into_iter()
            .map(|plan| match plan {
                Plan::Done(outcome) => *outcome,
                Plan::Insert(at) => stored(at).map_or(SaveOutcome::NoChange, SaveOutcome::Saved),
                Plan::SameKeyAs(at) => stored(at).map_or(SaveOutcome::NoChange, SaveOutcome::Replayed),
            })
            .collect())
    }

    /// The newest update of a contact that stands (for "updated by … at …" of the
    /// latest-contact API): a rejected one set nothing.
    pub async fn latest_update_of(&self, contact_id: i64) -> Result<Option<ContactUpdateRow>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE contact_id = $1 AND status <> 'rejected' \
             ORDER BY captured_at DESC, id DESC LIMIT 1"
        ))
        .bind(contact_id)
        .fetch_optional(self.pool())
        .await
    }
}

impl Db {
    /// The update an agent stored under an idempotency key, if any.
    pub async fn update_by_key(
        &self,
        agent_id: i64,
        key: &str,
    ) -> Result<Option<ContactUpdateRow>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        update_by_key(&mut conn, agent_id, key).await
    }
}

async fn update_by_key(
    conn: &mut sqlx::SqliteConnection,
    agent_id: i64,
    key: &str,
) -> Result<Option<ContactUpdateRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {UPDATE_COLUMNS} FROM contact_updates WHERE agent_id = $1 AND idempotency_key = $2"
    ))
    .bind(agent_id)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// A contact as the writer sees it while applying a batch.
#[derive(Debug, FromRow)]
struct BatchContact {
    id: i64,
    customer_id: Option<String>,
    name: String,
    mobile: Option<String>,
    email: Option<String>,
    #[sqlx(skip)]
    changed: bool,
}

/// One update to insert, with the contact values it replaces.
struct NewUpdate<'a> {
    save: &'a PendingSave,
    contact_id: i64,
    customer_id: Option<String>,
    customer_name: String,
    policy_number: Option<String>,
    old_mobile: Option<String>,
    new_mobile: Option<String>,
    old_email: Option<String>,
    new_email: Option<String>,
}

async fn contacts_in(conn: &mut SqliteConnection, ids: &[i64]) -> Result<Vec<BatchContact>, sqlx::Error> {
    let mut q =
        QueryBuilder::<Sqlite>::new("SELECT id, customer_id, name, mobile, email FROM contacts WHERE id IN ");
    push_in_list(&mut q, ids.iter().copied());
    q.build_query_as().fetch_all(conn).await
}

/// (contact id, policy number) of the contacts, policy numbers in order.
pub(super) async fn policies_in<'e>(
    conn: impl SqliteExecutor<'e>,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut q =
        QueryBuilder::<Sqlite>::new("SELECT contact_id, policy_number FROM policies WHERE contact_id IN ");
    push_in_list(&mut q, ids);
    q.push(" ORDER BY contact_id, policy_number");
    q.build_query_as().fetch_all(conn).await
}

/// Updates already stored under the batch's (agent, idempotency key) pairs. The two IN lists
/// seek the unique index for every agent × key pair; the few extra pairs are dropped here.
async fn earlier_updates(
    conn: &mut SqliteConnection,
    batch: &[PendingSave],
) -> Result<HashMap<(i64, String), ContactUpdateRow>, sqlx::Error> {
    let mut agents: Vec<i64> = batch.iter().map(|s| s.agent_id).collect();
    agents.sort_unstable();
    agents.dedup();
    let mut q = QueryBuilder::<Sqlite>::new(format!(
        "SELECT {UPDATE_COLUMNS}, idempotency_key FROM contact_updates WHERE agent_id IN "
    ));
    push_in_list(&mut q, agents);
    q.push(" AND idempotency_key IN ");
    push_in_list(&mut q, batch.iter().map(|s| s.idempotency_key.as_str()));
    let wanted: HashSet<(i64, &str)> =
        batch.iter().map(|s| (s.agent_id, s.idempotency_key.as_str())).collect();
    let mut found = HashMap::new();
    for row in q.build().fetch_all(conn).await? {
        let update = ContactUpdateRow::from_row(&row)?;
        let key: String = row.try_get("idempotency_key")?;
        if wanted.contains(&(update.agent_id, key.as_str())) {
            found.insert((update.agent_id, key), update);
        }
    }
    Ok(found)
}

/// Inserts the batch's updates in one statement; returns each stored row by its key.
async fn insert_updates(
    conn: &mut SqliteConnection,
    rows: &[NewUpdate<'_>],
    now: i64,
) -> Result<Vec<((i64, String), ContactUpdateRow)>, sqlx::Error> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO contact_updates (contact_id, customer_id, policy_number, customer_name, old_mobile, \
         new_mobile, old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, \
         status, idempotency_key) ",
    );
    q.push_values(rows, |mut b, r| {
        b.push_bind(r.contact_id)
            .push_bind(r.customer_id.clone())
            .push_bind(r.policy_number.clone())
            .push_bind(r.customer_name.clone())
            .push_bind(r.old_mobile.clone())
            .push_bind(r.new_mobile.clone())
            .push_bind(r.old_email.clone())
            .push_bind(r.new_email.clone())
            .push_bind(r.save.reason.clone())
            .push_bind(r.save.notes.clone())
            .push_bind(r.save.agent_id)
            .push_bind(r.save.agent_name.clone())
            .push_bind(now)
            .push("'pending'")
            .push_bind(r.save.idempotency_key.clone());
    });
    // The unique (agent_id, idempotency_key) index is the last word on repeats.
    q.push(format!(
        " ON CONFLICT (agent_id, idempotency_key) DO NOTHING RETURNING {UPDATE_COLUMNS}, idempotency_key"
    ));
    let mut stored = Vec::with_capacity(rows.len());
    for row in q.build().fetch_all(conn).await? {
        let update = ContactUpdateRow::from_row(&row)?;
        let key: String = row.try_get("idempotency_key")?;
        stored.push(((update.agent_id, key), update));
    }
    Ok(stored)
}

/// Gives every changed contact its final values of the batch, in one statement.
async fn set_current_contacts<'a>(
    conn: &mut SqliteConnection,
    contacts: impl Iterator<Item = &'a BatchContact>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let contacts: Vec<&BatchContact> = contacts.collect();
    if contacts.is_empty() {
        return Ok(());
    }
    let mut q = QueryBuilder::<Sqlite>::new("WITH v (id, mobile, email) AS (");
    q.push_values(&contacts, |mut b, c| {
        b.push("CAST(").push_bind_unseparated(c.id).push_unseparated(" AS BIGINT)");
        b.push_bind(c.mobile.clone()).push_bind(c.email.clone());
    });
    q.push(") UPDATE contacts SET mobile = v.mobile, email = v.email, updated_at = ")
        .push_bind(now)
        .push(" FROM v WHERE contacts.id = v.id");
    q.build().execute(conn).await.map(|_| ())
}

/// A correction as the demo data has it: captured in the past, possibly decided already.
pub struct SeededUpdate<'a> {
    pub customer_id: &'a str,
    pub new_mobile: &'a str,
    pub reason: &'a str,
    pub agent_id: i64,
    pub captured_at: i64,
    pub status: UpdateStatus,
    pub decided_by: i64,
}

impl Db {
    /// Stores a past correction of the demo data and, unless rejected, makes it the contact's
    /// current mobile. Returns false when there is no such customer.
    pub async fn seed_update(&self, u: &SeededUpdate<'_>) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let decided_at = (u.status != UpdateStatus::Pending).then_some(u.captured_at + 86_400_000);
        let by = (u.status != UpdateStatus::Pending).then_some(u.decided_by);
        let synced = u.status == UpdateStatus::Synced;
        let inserted = sqlx::query(
            "INSERT INTO contact_updates (contact_id, customer_id, policy_number, customer_name, old_mobile, \
             new_mobile, update_reason, agent_id, agent_name, captured_at, status, synced_at, synced_by, \
             rejected_at, rejected_by, reject_reason, idempotency_key) \
             SELECT c.id, c.customer_id, (SELECT MIN(p.policy_number) FROM policies p WHERE p.contact_id = c.id), \
             c.name, c.mobile, $1, $2, a.id, a.name, $3, $4, $5, $6, $7, $8, $9, $10 \
             FROM contacts c, users a WHERE c.customer_id = $11 AND a.id = $12",
        )
        .bind(u.new_mobile)
        .bind(u.reason)
        .bind(u.captured_at)
        .bind(u.status.as_str())
        .bind(decided_at.filter(|_| synced))
        .bind(by.filter(|_| synced))
        .bind(decided_at.filter(|_| !synced))
        .bind(by.filter(|_| !synced))
        .bind((u.status == UpdateStatus::Rejected).then_some("Customer denies asking for this change"))
        .bind(format!("demo-{}-{}", u.customer_id, u.captured_at))
        .bind(u.customer_id)
        .bind(u.agent_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted && u.status != UpdateStatus::Rejected {
            sqlx::query("UPDATE contacts SET mobile = $1, updated_at = $2 WHERE customer_id = $3")
                .bind(u.new_mobile)
                .bind(u.captured_at)
                .bind(u.customer_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }
}
