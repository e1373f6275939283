//! Customers (contacts) and their policies.

use super::Db;
use crate::domain::{money::Money, overview::Overview};

/// One customer with policies, as the demo seed (and later the master import) writes them.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub customer_id: String,
    pub name: String,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub policies: Vec<NewPolicy>,
}

#[derive(Debug, Clone)]
pub struct NewPolicy {
    pub policy_number: String,
    pub amount_due_cents: i64,
    pub payment_status: String,
}

impl Db {
    /// Inserts customers with their policies in one transaction.
    pub async fn insert_customers(
        &self,
        customers: &[NewCustomer],
        now: i64,
        mark_demo: bool,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        for c in customers {
            let contact_id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts (customer_id, name, mobile, email, master_mobile, master_email, \
                 status, created_at, updated_at) VALUES ($1, $2, $3, $4, $3, $4, 'customer', $5, $5) \
                 RETURNING id",
            )
            .bind(&c.customer_id)
            .bind(&c.name)
            .bind(&c.mobile)
            .bind(&c.email)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            super::search::index_name(&mut tx, contact_id, &c.name).await?;
            for p in &c.policies {
                sqlx::query(
                    "INSERT INTO policies (policy_number, contact_id, amount_due_cents, payment_status, \
                     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                )
                .bind(&p.policy_number)
                .bind(contact_id)
                .bind(p.amount_due_cents)
                .bind(&p.payment_status)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        if mark_demo {
            Db::mark_demo_data(&mut tx).await?;
        }
        tx.commit().await
    }

    pub async fn count_customers(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE status = 'customer'")
            .fetch_one(self.pool())
            .await
    }

    pub async fn overview(&self, include_users: bool) -> Result<Overview, sqlx::Error> {
        let customers = self.count_customers().await?;
        let (policies, policies_pending, amount_due): (i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), \
                    SUM(CASE WHEN payment_status <> 'paid' THEN 1 ELSE 0 END), \
                    SUM(CASE WHEN payment_status <> 'paid' THEN amount_due_cents ELSE 0 END) \
             FROM policies",
        )
        .fetch_one(self.pool())
        .await
        .map(|(a, b, c): (i64, Option<i64>, Option<i64>)| (a, b.unwrap_or(0), c))?;
        let active_users = if include_users { Some(self.count_active_users().await?) } else { None };
        Ok(Overview {
            customers,
            policies,
            policies_pending,
            amount_due: Money::from_cents(amount_due.unwrap_or(0)),
            active_users,
        })
    }
}
