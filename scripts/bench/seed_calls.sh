#!/usr/bin/env bash
# Fills a bench database with COUNT call logs, 30 s apart and ending now, spread over the
# contacts (their mobiles) and every user as agents, half inbound. The audio files themselves
# are not written: the list reads rows only. One recursive INSERT by SQLite itself.
# Usage: seed_calls.sh DB COUNT
set -euo pipefail
db="$1"; count="$2"
now_ms=$(( $(date +%s) * 1000 ))
sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TEMP TABLE c AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, id, mobile FROM contacts;
CREATE TEMP TABLE a AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS n, id FROM users;
BEGIN;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < $count)
INSERT INTO call_logs (call_id, contact_id, phone, phone_raw, direction, started_at, duration_seconds,
    agent_id, audio_key, audio_size, audio_sha256, audio_type, created_at)
SELECT 'bench-' || k, c.id, c.mobile, COALESCE(c.mobile, 'private'),
       CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
       $now_ms - ($count - k) * 30000, 30 + k % 600, a.id,
       'calls/bench/' || k || '.wav', 1048576, 'bench', 'audio/wav', $now_ms - ($count - k) * 30000
FROM i
JOIN c ON c.n = k % (SELECT COUNT(*) FROM c)
JOIN a ON a.n = k % (SELECT COUNT(*) FROM a);
COMMIT;
PRAGMA optimize;
SQL
