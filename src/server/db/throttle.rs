//! Sign-in throttling counters, shared by every instance on this database.
//!
//! An attempt is counted *before* its password is checked, in the same statement that checks
//! the counter, so parallel attempts cannot pass a limit together; a successful sign-in then
//! gives its count back.

use super::Db;

/// How one counter turns failures into a wait: `free` failures cost nothing, the next waits
/// 1 s, then 2 s, 4 s … up to `max_wait_ms`; a counter with no failure for `memory_ms` starts
/// afresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub free: u32,
    pub max_wait_ms: i64,
    pub memory_ms: i64,
}

impl Rule {
    /// The wait after the `n`-th counted failure, in milliseconds.
    pub fn wait_after(&self, n: i64) -> i64 {
        let doublings = n - i64::from(self.free) - 1;
        if doublings < 0 {
            0
        } else if doublings >= self.capped_from() {
            self.max_wait_ms
        } else {
            1000 << doublings
        }
    }

    /// The number of doublings from which the wait is `max_wait_ms`.
    fn capped_from(&self) -> i64 {
        (0..40).find(|&d| 1000_i64 << d >= self.max_wait_ms).unwrap_or(40)
    }

    /// [`Self::wait_after`] as SQL over the failure count `n` (an SQL expression). The rule's
    /// numbers are ours, not user input, so they are written into the statement.
    fn wait_sql(&self, n: &str) -> String {
        let free = self.free;
        format!(
            "CASE WHEN {n} <= {free} THEN 0 WHEN {n} - {free} - 1 >= {cap_from} THEN {max} \
             ELSE CAST(1000 AS BIGINT) << ({n} - {free} - 1) END",
            cap_from = self.capped_from(),
            max = self.max_wait_ms,
        )
    }
}

/// One counter an attempt is checked against.
#[derive(Clone, Debug)]
pub struct Counter {
    pub key: String,
    pub rule: Rule,
    /// Counted only while the first counter of the attempt holds at most this many failures;
    /// past that it is only checked. (One address's failures for a username feed the
    /// username's own limit only a little: that address is slowed by its own counter.)
    pub fed_up_to: Option<i64>,
}

/// The answer to an attempt.
#[derive(Clone, Debug)]
pub enum Admission {
    /// Go ahead and check the password; these counters counted it.
    Admitted { counted: Vec<Counter> },
    /// Wait until then (milliseconds since the epoch).
    Refused { until: i64 },
}

impl Db {
    /// Checks every counter and, unless one is blocked, counts the attempt in each, atomically.
    pub async fn admit_sign_in(&self, counters: &[Counter], now: i64) -> Result<Admission, sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        let mut counted = Vec::new();
        let mut first_failures = 0;
        for (i, counter) in counters.iter().enumerate() {
            let feeds = counter.fed_up_to.is_none_or(|limit| first_failures <= limit);
            // `Ok(failures)` once counted (0 when only checked), `Err(until)` while it blocks.
            let outcome: Result<i64, i64> = if feeds {
                let n = "CASE WHEN sign_in_throttle.updated_at < $4 THEN 1 ELSE sign_in_throttle.failures + 1 END";
                let sql = format!(
                    "INSERT INTO sign_in_throttle (key, failures, blocked_until, updated_at) \
                     VALUES ($1, 1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET failures = {n}, blocked_until = $3 + ({wait}), \
                     updated_at = $3 \
                     WHERE sign_in_throttle.blocked_until <= $3 \
                     RETURNING failures",
                    wait = counter.rule.wait_sql(n),
                );
                let counted = sqlx::query_scalar::<_, i64>(&sql)
                    .bind(&counter.key)
                    .bind(now + counter.rule.wait_after(1))
                    .bind(now)
                    .bind(now - counter.rule.memory_ms)
                    .fetch_optional(&mut *tx)
                    .await?;
                match counted {
                    Some(failures) => Ok(failures),
                    None => Err(blocked_until(&mut tx, &counter.key, now).await?.unwrap_or(now)),
                }
            } else {
                blocked_until(&mut tx, &counter.key, now).await?.map_or(Ok(0), Err)
            };
            let failures = match outcome {
                Ok(failures) => failures,
                Err(until) => {
                    tx.rollback().await?;
                    return Ok(Admission::Refused { until });
                }
            };
            if i == 0 {
                first_failures = failures;
            }
            if feeds {
                counted.push(counter.clone());
            }
        }
        tx.commit().await?;
        Ok(Admission::Admitted { counted })
    }
}

/// When the counter `key` stops blocking, if it blocks now.
async fn blocked_until(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT blocked_until FROM sign_in_throttle WHERE key = $1 AND blocked_until > $2")
        .bind(key)
        .bind(now)
        .fetch_optional(conn)
        .await
}

impl Db {
    /// A successful sign-in (or an attempt that never reached the password check): the first
    /// counter is cleared, the others get their count back.
    pub async fn refund_sign_in(&self, counted: &[Counter], clear_first: bool) -> Result<(), sqlx::Error> {
        let mut tx = self.pool().begin().await?;
        for (i, counter) in counted.iter().enumerate() {
            if i == 0 && clear_first {
                sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
                    .bind(&counter.key)
                    .execute(&mut *tx)
                    .await?;
                continue;
            }
            sqlx::query(
                "UPDATE sign_in_throttle SET failures = failures - 1, \
                 blocked_until = CASE WHEN failures - 1 <= $2 THEN 0 ELSE blocked_until END \
                 WHERE key = $1 AND failures > 0",
            )
            .bind(&counter.key)
            .bind(i64::from(counter.rule.free))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// Removes counters that are neither blocking nor remembered any more.
    pub async fn purge_sign_in_throttle(&self, idle_before: i64, now: i64) -> Result<u64, sqlx::Error> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE updated_at < $1 AND blocked_until <= $2")
            .bind(idle_before)
            .bind(now)
            .execute(self.pool())
            .await
            .map(|r| r.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn waits_double_from_one_second_after_the_free_failures_up_to_the_cap() {
        let rule = Rule { free: 0, max_wait_ms: 900_000, memory_ms: 0 };
        let waits: Vec<i64> = (1..=12).map(|n| rule.wait_after(n)).collect();
        assert_eq!(
            waits,
            [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 900_000, 900_000]
        );
        let rule = Rule { free: 3, max_wait_ms: 30_000, memory_ms: 0 };
        assert_eq!(
            (1..=9).map(|n| rule.wait_after(n)).collect::<Vec<_>>(),
            [0, 0, 0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000]
        );
    }
}
