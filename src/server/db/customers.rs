//! Customers (contacts) and their policies.

use super::{Db, import::ImportRow};
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
    /// Inserts customers with their policies through the same path as a master import, so
    /// demo and test data are stored (and indexed for search) exactly as imported data is.
    pub async fn insert_customers(
        &self,
        customers: &[NewCustomer],
        now: i64,
        mark_demo: bool,
    ) -> Result<(), sqlx::Error> {
        let rows: Vec<ImportRow> = customers
            .iter()
            .flat_map(|c| {
                c.policies.iter().map(move |p| ImportRow {
                    customer_id: c.customer_id.clone(),
                    name: c.name.clone(),
                    policy_number: p.policy_number.clone(),
                    mobile: c.mobile.clone(),
                    email: c.email.clone(),
                    amount_due_cents: p.amount_due_cents,
                    payment_status: p.payment_status.clone(),
                })
            })
            .collect();
        self.apply_import_batch(&rows, now).await?;
        if mark_demo {
            let mut conn = self.pool().acquire().await?;
            Db::mark_demo_data(&mut conn).await?;
        }
        Ok(())
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
