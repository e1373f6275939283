//! Applying master-data rows: upsert contacts by `customer_id`, policies by `policy_number`.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use super::{Db, push_in_list, search::index_name};

/// One checked row of the master export.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub customer_id: String,
    pub name: String,
    pub policy_number: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub amount_due_cents: i64,
    pub payment_status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// customer_id, id, name, master_mobile, master_email.
type ContactKeyRow = (String, i64, String, Option<String>, Option<String>);

#[derive(Clone)]
struct KnownContact {
    id: i64,
    name: String,
    master_mobile: Option<String>,
    master_email: Option<String>,
}

#[derive(Clone)]
struct KnownPolicy {
    contact_id: i64,
    amount_due_cents: i64,
    payment_status: String,
}

impl Db {
    /// Applies a batch in one transaction and says what each row did.
    pub async fn apply_import_batch(
        &self,
        rows: &[ImportRow],
        now: i64,
    ) -> Result<Vec<RowOutcome>, sqlx::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.pool().begin_with("BEGIN IMMEDIATE").await?;

        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT customer_id, id, name, master_mobile, master_email FROM contacts WHERE customer_id IN ",
        );
        push_in_list(&mut q, rows.iter().map(|r| r.customer_id.as_str()));
        let found: Vec<ContactKeyRow> = q.build_query_as().fetch_all(&mut *tx).await?;
        let mut contacts: HashMap<String, KnownContact> = found
            .into_iter()
            .map(|(cid, id, name, master_mobile, master_email)| {
                (cid, KnownContact { id, name, master_mobile, master_email })
            })
            .collect();

        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT policy_number, contact_id, amount_due_cents, payment_status FROM policies WHERE policy_number IN ",
        );
        push_in_list(&mut q, rows.iter().map(|r| r.policy_number.as_str()));
        let found: Vec<(String, i64, i64, String)> = q.build_query_as().fetch_all(&mut *tx).await?;
        let mut policies: HashMap<String, KnownPolicy> = found
            .into_iter()
            .map(|(number, contact_id, amount_due_cents, payment_status)| {
                (number, KnownPolicy { contact_id, amount_due_cents, payment_status })
            })
            .collect();

        let mut outcomes = Vec::with_capacity(rows.len());
        for r in rows {
            let mut changed = false;
            let contact_id = match contacts.get(&r.customer_id).cloned() {
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO contacts (customer_id, name, mobile, email, master_mobile, master_email, status, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $3, $4, 'customer', $5, $5) RETURNING id",
                    )
                    .bind(&r.customer_id)
                    .bind(&r.name)
                    .bind(&r.mobile)
                    .bind(&r.email)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    index_name(&mut tx, id, &r.name).await?;
                    changed = true;
                    id
                }
                Some(known) => {
                    if known.name != r.name
                        || known.master_mobile != r.mobile
                        || known.master_email != r.email
                    {
                        // Current values follow the master only where no agent has captured one.
                        sqlx::query(
                            "UPDATE contacts SET name = $1, master_mobile = $2, master_email = $3, \
                             mobile = CASE WHEN EXISTS (SELECT 1 FROM contact_updates u \
                                 WHERE u.contact_id = contacts.id AND u.new_mobile IS NOT NULL) THEN mobile ELSE $2 END, \
                             email = CASE WHEN EXISTS (SELECT 1 FROM contact_updates u \
                                 WHERE u.contact_id = contacts.id AND u.new_email IS NOT NULL) THEN email ELSE $3 END, \
                             updated_at = $4 WHERE id = $5",
                        )
                        .bind(&r.name)
                        .bind(&r.mobile)
                        .bind(&r.email)
                        .bind(now)
                        .bind(known.id)
                        .execute(&mut *tx)
                        .await?;
                        if known.name != r.name {
                            index_name(&mut tx, known.id, &r.name).await?;
                        }
                        changed = true;
                    }
                    known.id
                }
            };
            contacts.insert(
                r.customer_id.clone(),
                KnownContact {
                    id: contact_id,
                    name: r.name.clone(),
                    master_mobile: r.mobile.clone(),
                    master_email: r.email.clone(),
                },
            );

            let policy = KnownPolicy {
                contact_id,
                amount_due_cents: r.amount_due_cents,
                payment_status: r.payment_status.clone(),
            };
            let outcome = match policies.get(&r.policy_number) {
                None => {
                    sqlx::query(
                        "INSERT INTO policies (policy_number, contact_id, amount_due_cents, payment_status, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(&r.policy_number)
                    .bind(contact_id)
                    .bind(r.amount_due_cents)
                    .bind(&r.payment_status)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    RowOutcome::Inserted
                }
                Some(known)
                    if known.contact_id != policy.contact_id
                        || known.amount_due_cents != policy.amount_due_cents
                        || known.payment_status != policy.payment_status =>
                {
                    sqlx::query(
                        "UPDATE policies SET contact_id = $1, amount_due_cents = $2, payment_status = $3, \
                         updated_at = $4 WHERE policy_number = $5",
                    )
                    .bind(contact_id)
                    .bind(r.amount_due_cents)
                    .bind(&r.payment_status)
                    .bind(now)
                    .bind(&r.policy_number)
                    .execute(&mut *tx)
                    .await?;
                    RowOutcome::Updated
                }
                Some(_) if changed => RowOutcome::Updated,
                Some(_) => RowOutcome::Unchanged,
            };
            policies.insert(r.policy_number.clone(), policy);
            outcomes.push(outcome);
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}
