#!/usr/bin/env bash
# Fills a bench database with COUNT contact updates, 30 s apart and ending now, spread over the
# customers and every user as agents: the oldest 80 % synced, 2 % rejected, the newest pending.
# Written by SQLite itself (one recursive INSERT), so a million rows take seconds, not minutes.
# Usage: seed_updates.sh DB COUNT
set -euo pipefail
db="$1"; count="$2"
now_ms=$(( $(date +%s) * 1000 ))
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TEMP TABLE c AS
  SELECT ROW_NUMBER() OVER (ORDER BY x.id) - 1 AS n, x.id, x.customer_id, x.name, x.mobile,
         (SELECT MIN(policy_number) FROM policies p WHERE p.contact_id = x.id) AS policy
  FROM contacts x;
CREATE TEMP TABLE a AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, id, name FROM users;
BEGIN;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $count)
INSERT INTO contact_updates (contact_id, customer_id, policy_number, customer_name, old_mobile, new_mobile,
    old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, status,
    synced_at, synced_by, rejected_at, rejected_by, reject_reason, idempotency_key)
SELECT c.id, c.customer_id, c.policy, c.name, c.mobile,
       '+2305' || printf('%07d', k % 10000000),
       CASE WHEN k % 3 = 0 THEN 'old' || k || '@example.mu' END,
       CASE WHEN k % 3 = 0 THEN 'new' || k || '@example.mu' END,
       CASE k % 6 WHEN 0 THEN 'Customer provided new contact' WHEN 1 THEN 'Current contact is incorrect'
                  WHEN 2 THEN 'Current contact is missing' WHEN 3 THEN 'Email bounced / SMS failed'
                  WHEN 4 THEN 'Customer requested update' ELSE 'Other' END,
       CASE WHEN k % 5 = 0 THEN 'Called in, confirmed by date of birth' END,
       a.id, a.name,
       $now_ms - ($count - k) * 30000,
       CASE WHEN k * 100 <= $count * 80 THEN 'synced' WHEN k * 100 <= $count * 82 THEN 'rejected' ELSE 'pending' END,
       CASE WHEN k * 100 <= $count * 80 THEN $now_ms - ($count - k) * 30000 + 86400000 END,
       CASE WHEN k * 100 <= $count * 80 THEN (SELECT MIN(id) FROM users WHERE role = 'admin') END,
       CASE WHEN k * 100 > $count * 80 AND k * 100 <= $count * 82 THEN $now_ms - ($count - k) * 30000 + 86400000 END,
       CASE WHEN k * 100 > $count * 80 AND k * 100 <= $count * 82 THEN (SELECT MIN(id) FROM users WHERE role = 'admin') END,
       CASE WHEN k * 100 > $count * 80 AND k * 100 <= $count * 82 THEN 'Benchmark rejection' END,
       'bench-' || k
FROM i
JOIN c ON c.n = k % (SELECT COUNT(*) FROM c)
JOIN a ON a.n = k % (SELECT COUNT(*) FROM a);
COMMIT;
SQL
