#!/usr/bin/env bash
# Benchmarks: builds the release app, prepares a database with the demo accounts plus 100,000
# imported customers (timing the import), starts the server, drives it with wrk from a separate
# process on loopback, measures what the browser downloads, and prints one table.
# Environment: BENCH_SECONDS (default 10), BENCH_CUSTOMERS (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export BENCH_DIR="$PWD/scripts/bench"

seconds="${BENCH_SECONDS:-10}"
customers="${BENCH_CUSTOMERS:-100000}"

scripts/setup.sh bench >&2
scripts/build.sh >&2

bin="$PWD/target/release/contactdesk"
workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export CONTACTDESK_DATA_DIR="$workdir/data"
export CONTACTDESK_DATABASE_URL="sqlite://$workdir/data/bench.db"
export CONTACTDESK_LOG=warn
export CONTACTDESK_CONFIG="$workdir/no-config.toml"
# The 500 MB recording row needs a raised limit (the default is 200 MB).
export CONTACTDESK_UPLOAD_MAX_BYTES=$((600 * 1024 * 1024))
# The upload rows send 50 at a time with one token, standing for 50 phones.
export CONTACTDESK_UPLOAD_MAX_PER_TOKEN=64

pid=""
cleanup() {
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$workdir"
}
trap cleanup EXIT

rows=()
row() { rows+=("$(printf '| %-52s | %14s | %9s | %9s | %9s | %7s | %9s |' "$@")"); }

# ---- import -------------------------------------------------------------------------------
"$bin" seed-demo >/dev/null
python3 scripts/bench/gen_customers.py "$customers" "$workdir/customers.csv"
start=$(date +%s.%N)
"$bin" import-customers "$workdir/customers.csv" > "$workdir/import.txt"
end=$(date +%s.%N)
import_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
import_rate=$(awk -v n="$customers" -v s="$import_s" 'BEGIN { printf "%.0f rows/s", n / s }')
grep -q "$customers inserted" "$workdir/import.txt" || { echo "bench: import incomplete:" >&2; cat "$workdir/import.txt" >&2; exit 1; }
row "Import $customers customers (CLI, one process)" "$import_rate" "-" "-" "-" "${import_s}s" ""

# ---- server -------------------------------------------------------------------------------
"$bin" serve >"$workdir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
cookie="contactdesk_session=$(curl -fsS -o /dev/null -D - -X POST "$base/api/auth/login" \
  --data-urlencode username=admin --data-urlencode password=demo-admin-2026 --data-urlencode next= \
  | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: contactdesk_session=/ { print $2; exit }')"
[ "$cookie" != "contactdesk_session=" ] || { echo "bench: could not sign in" >&2; cat "$workdir/server.log" >&2; exit 1; }
export COOKIE="$cookie"
# Agents live in the Overview and customer pages; admins see a dashboard there too (its own row).
agent_cookie="contactdesk_session=$(curl -fsS -o /dev/null -D - -X POST "$base/api/auth/login" \
  --data-urlencode username=priya --data-urlencode password=demo-agent-2026 --data-urlencode next= \
  | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: contactdesk_session=/ { print $2; exit }')"

# name, connections, script, path; prints the row and leaves the throughput in $last_rps.
# A page row also prints its throughput as a share of the login page's in this run, so a noisy
# machine still reads true.
login_rps=""
load() {
  local name="$1" conns="$2" script="$3" path="$4" out rps p50 p95 p99 errors ratio=""
  out="$(wrk -t1 -c"$conns" -d"${seconds}s" -s "$BENCH_DIR/$script" "$base$path")"
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")"
  read -r p50 p95 p99 < <(sed -n 's/^BENCH p50=\([0-9.]*\) p95=\([0-9.]*\) p99=\([0-9.]*\)$/\1 \2 \3/p' <<<"$out")
  errors="$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<<"$out")"
  errors="${errors:-0}"
  [ "$errors" = 0 ] || echo "bench: $name had $errors failed responses" >&2
  if [ "$script" = get.lua ] && [ -n "$login_rps" ]; then
    ratio="$(awk -v a="$rps" -v b="$login_rps" 'BEGIN { printf "%.0f %%", 100 * a / b }')"
  fi
  row "$name (c=$conns)" "$rps req/s" "$p50" "$p95" "$p99" "$errors" "$ratio"
  last_rps="$rps"
}

customer_id=$(sqlite3 "$workdir/data/bench.db" "SELECT MIN(id) FROM contacts")
COOKIE= load "Login page, SSR, anonymous" 50 get.lua /login
login_rps="$last_rps"
# The frame alone (session lookup, frame, a page with no data): what any signed-in page costs.
load "Signed-in page without data (Admin → Import)" 50 get.lua /admin/import
COOKIE="$agent_cookie" load "Overview page, SSR, agent" 50 get.lua /
COOKIE="$agent_cookie" load "Customer page, SSR, agent" 50 get.lua "/contacts/$customer_id"
COOKIE="$agent_cookie" ENCODING="gzip, deflate, br, zstd" load "Customer page, agent, compressed as Chromium asks" 50 get.lua "/contacts/$customer_id"
load "Contacts search (server fn), $customers contacts" 10 search.lua /api/customers/search
load "Contacts search, GET /v1/contacts?q=, $customers contacts" 10 contacts.lua /v1/contacts
COOKIE="$agent_cookie" load "Contacts page, SSR, every contact by name" 10 get.lua /contacts
load "Contacts list, GET /v1/contacts, customers from 50,000" 10 get.lua "/v1/contacts?status=customer&offset=50000&limit=50"
load "Save update, POST /v1, durable, back-to-back" 200 save.lua /v1/customer_contact_updates
load "Save update, 200 agents pausing ${BENCH_THINK_MS:-250} ms" 200 save_paced.lua /v1/customer_contact_updates
saved=$(sqlite3 "$workdir/data/bench.db" "SELECT COUNT(*) FROM contact_updates WHERE notes = 'benchmark'")

# ---- the admin report over a million contact updates ----------------------------------------
updates="${BENCH_UPDATES:-1000000}"
start=$(date +%s.%N)
"$BENCH_DIR/seed_updates.sh" "$workdir/data/bench.db" "$updates"
end=$(date +%s.%N)
row "Seed $updates contact updates (sqlite3, not the app)" "-" "-" "-" "-" "-" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1fs", b - a }')"
db="$workdir/data/bench.db"
agent_id=$(sqlite3 "$db" "SELECT id FROM users WHERE username = 'priya'")
load "Report page, SSR, pending of one agent" 10 get.lua "/admin/contact-updates?status=pending&agent_id=$agent_id"
load "Report page, SSR, no filter (count of all)" 10 get.lua "/admin/contact-updates"
load "Admin dashboard (Overview as admin)" 10 get.lua /

# Peak memory of the server while a command runs (sampled every 20 ms): RssAnon, the process's
# own memory. The database file is memory-mapped (mmap_size), so RSS also counts its pages,
# which are the kernel's page cache and shared, not the server's allocations.
peak_rss_during() {
  local peak_file="$workdir/peak" sampler
  echo 0 > "$peak_file"
  ( peak=0; while :; do
      rss=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${rss:-0}" -gt "$peak" ] && { peak=$rss; echo "$peak" > "$peak_file"; }
      sleep 0.02
    done ) &
  sampler=$!
  local s e
  s=$(date +%s.%N); "$@"; e=$(date +%s.%N)
  during_s=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }')
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  peak_mb=$(awk '{ printf "%.0f", $1 / 1024 }' "$peak_file")
}
seconds_of() { local s e; s=$(date +%s.%N); "$@"; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.2f", b - a }'; }
export_to() { curl -fsS -o "$2" -D "$workdir/export.headers" -H "Cookie: $COOKIE" "$base$1"; }

# The export's own memory, not what the 200-connection rows above left in the allocator: a
# fresh server process on the same database (sessions survive a restart).
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
"$bin" serve >>"$workdir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
rss_before=$(awk '/^RssAnon/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
peak_rss_during export_to "/v1/customer_contact_updates/export.csv?leads=include" "$workdir/all.csv"
csv_s="$during_s"
csv_rows=$(awk 'tolower($1) == "x-export-rows:" { print $2 + 0 }' "$workdir/export.headers")
# The file holds every row the export recorded, no fewer.
file_rows=$(python3 -c "import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig'))) - 1)" "$workdir/all.csv")
[ "$file_rows" = "$csv_rows" ] || { echo "bench: the CSV has $file_rows rows, the export recorded $csv_rows" >&2; exit 1; }
columns="id, customer_id, policy_number, customer_name, old_mobile, new_mobile, old_email, new_email, update_reason, notes, agent_id, agent_name, captured_at, status, synced_at, synced_by, rejected_at, rejected_by, reject_reason"
sqlite_s=$(seconds_of sh -c "sqlite3 -csv -header '$db' 'SELECT $columns FROM contact_updates ORDER BY id' > '$workdir/sqlite.csv'")
row "CSV export, all $csv_rows rows (heap ${rss_before} → peak ${peak_mb} MB)" "$(awk -v n="$csv_rows" -v s="$csv_s" 'BEGIN { printf "%.0f rows/s", n / s }')" "-" "-" "-" "-" "${csv_s}s"
row "  sqlite3 -csv, the same rows and columns, same file" "-" "-" "-" "-" "-" "${sqlite_s}s"
row "  ratio export / sqlite3" "-" "-" "-" "-" "-" "$(awk -v a="$csv_s" -v b="$sqlite_s" 'BEGIN { printf "%.1fx", a / b }')"
# The newest ~100,000: 30 s apart, so 35 business days back.
recent_day=$(date -u -d "@$(( $(date +%s) + 4 * 3600 - 34 * 86400 ))" +%Y-%m-%d)
xlsx_s=$(seconds_of export_to "/v1/customer_contact_updates/export.xlsx?leads=include&from_date=$recent_day" "$workdir/recent.xlsx")
xlsx_rows=$(awk 'tolower($1) == "x-export-rows:" { print $2 + 0 }' "$workdir/export.headers")
row "XLSX export, $xlsx_rows rows" "$(awk -v n="$xlsx_rows" -v s="$xlsx_s" 'BEGIN { printf "%.0f rows/s", n / s }')" "-" "-" "-" "-" "${xlsx_s}s"
as_of=$(sqlite3 "$db" "SELECT MAX(id) FROM contact_updates")
sync_s=$(seconds_of curl -fsS -o "$workdir/sync.json" -H "Cookie: $COOKIE" \
  --data-urlencode "query=status=pending&from_date=$recent_day" --data-urlencode "as_of=$as_of" \
  "$base/api/admin/contact-updates/sync-matching")
synced=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["synced_count"])' "$workdir/sync.json")
row "Bulk sync, all $synced pending since $recent_day (one request)" "$(awk -v n="$synced" -v s="$sync_s" 'BEGIN { printf "%.0f rows/s", n / s }')" "-" "-" "-" "-" "${sync_s}s"

# ---- call logs over a million calls -------------------------------------------------------
calls_n="${BENCH_CALLS:-1000000}"
start=$(date +%s.%N)
"$BENCH_DIR/seed_calls.sh" "$db" "$calls_n"
end=$(date +%s.%N)
row "Seed $calls_n call logs (sqlite3, not the app)" "-" "-" "-" "-" "-" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1fs", b - a }')"
week_ago=$(date -u -d "@$(( $(date +%s) + 4 * 3600 - 6 * 86400 ))" +%Y-%m-%d)
call_phone=$(sqlite3 "$db" "SELECT phone FROM call_logs WHERE phone IS NOT NULL ORDER BY id DESC LIMIT 1")
COOKIE="$agent_cookie" load "Call Logs page, SSR, one agent's last 7 days" 10 get.lua "/calls?agent_id=$agent_id&from=$week_ago"
COOKIE="$agent_cookie" load "Call Logs page, SSR, one phone number" 10 get.lua "/calls?phone=${call_phone/+/%2B}"

# ---- call recordings ------------------------------------------------------------------------
upload_token=$("$bin" create-token --user priya --scope upload --name bench | tail -n 1)
uploads_n="${BENCH_UPLOADS:-200}"
python3 "$BENCH_DIR/uploads.py" "$base" "$upload_token" "$workdir/uploads" "$uploads_n" 50 1 > "$workdir/uploads.txt"
read -r _ up_s up_p50 up_p95 up_p99 up_fail < <(awk '$1 == "uploads"' "$workdir/uploads.txt")
dd_s=$(awk '$1 == "dd" { print $2 }' "$workdir/uploads.txt")
rm -rf "$workdir/uploads"
row "Upload $uploads_n recordings of 1 MB, 50 at a time" "$(awk -v n="$uploads_n" -v s="$up_s" 'BEGIN { printf "%.0f uploads/s", n / s }')" "$up_p50" "$up_p95" "$up_p99" "$up_fail" "${up_s}s"
row "  the same as MB/s" "$(awk -v n="$uploads_n" -v s="$up_s" 'BEGIN { printf "%.0f MB/s", n / s }')" "-" "-" "-" "-" "-"
row "  dd + fsync of the same files, 50 at a time" "$(awk -v n="$uploads_n" -v s="$dd_s" 'BEGIN { printf "%.0f MB/s", n / s }')" "-" "-" "-" "-" "${dd_s}s"
row "  ratio upload / dd" "-" "-" "-" "-" "-" "$(awk -v a="$up_s" -v b="$dd_s" 'BEGIN { printf "%.1fx", a / b }')"
# One 500 MB recording under the raised limit: the server's memory while it streams to disk.
big="$workdir/big.wav"
{ printf 'RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data'; head -c $((500 * 1024 * 1024)) /dev/urandom; } > "$big"
rss_idle=$(awk '/^RssAnon/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
big_upload() {
  curl -sS -o "$workdir/big.json" -w '%{http_code}' -H "Authorization: Bearer $upload_token" \
    -F call_id=0b5c3e1a-7d2f-4a8b-9c6e-5f1d2a3b4c5d -F phone=57372333 -F direction=outbound \
    -F started_at=2026-11-24T09:00:00+04:00 -F duration_seconds=3600 -F "audio=@$big" "$base/v1/calls/upload" > "$workdir/big.status"
}
peak_rss_during big_upload
[ "$(cat "$workdir/big.status")" = 201 ] || { echo "bench: the 500 MB upload was not accepted:" >&2; cat "$workdir/big.json" >&2; exit 1; }
row "Upload one 500 MB recording (heap ${rss_idle} → peak ${peak_mb} MB)" "$(awk -v s="$during_s" 'BEGIN { printf "%.0f MB/s", 500 / s }')" "-" "-" "-" "-" "${during_s}s"
rm -f "$big"

# ---- a mixed soak ---------------------------------------------------------------------------
# Minutes of everything at once on the same server and database: 20 agents searching and saving
# (0.1–0.4 s between actions), 2 admins paging the report and exporting today's corrections,
# 5 phones uploading 256 KB recordings every ~2 s. Its own memory (RssAnon: the database's
# mapped pages are not the server's) after the warm-up minute against the end says whether it
# stays flat.
soak_s="${BENCH_SOAK_SECONDS:-240}"
agent_token=$("$bin" create-token --user priya --scope api --name soak | tail -n 1)
admin_token=$("$bin" create-token --user admin --scope api --name soak | tail -n 1)
echo "bench: mixed soak for ${soak_s}s" >&2
python3 "$BENCH_DIR/soak.py" "$base" "$pid" "$agent_token" "$admin_token" "$upload_token" "$soak_s" 60 > "$workdir/soak.txt"
soak_failed=0
while read -r _ kind n p50 p95 p99 failed _others; do
  row "Soak ${soak_s}s: ${kind//_/ }" "$n req" "$p50" "$p95" "$p99" "$failed" ""
  soak_failed=$((soak_failed + failed))
done < <(awk '$1 == "soak"' "$workdir/soak.txt")
read -r _ soak_warm soak_end soak_growth soak_peak < <(awk '$1 == "soak-rss"' "$workdir/soak.txt")
row "Soak: server heap after the warm-up minute, at the end" "${soak_warm}→${soak_end} MB" "-" "-" "-" "$soak_failed" "+${soak_growth} MB"
row "  peak heap during the soak" "${soak_peak} MB" "-" "-" "-" "-" "-"
soak_minutes="$(awk '$1 == "soak-rss-minutes" { $1 = ""; print substr($0, 2) }' "$workdir/soak.txt")"

# ---- payment QR and the email outbox ------------------------------------------------------
read -r qr_contact qr_policy < <(sqlite3 -separator ' ' "$db" \
  "SELECT contact_id, policy_number FROM policies WHERE payment_status <> 'paid' AND amount_due_cents > 0 ORDER BY id LIMIT 1")
# One request at a time: the p50 is the whole cost of a code (two reads, payload, QR, PNG, HTTP).
COOKIE="$agent_cookie" load "Payment QR as PNG, GET …/payment-qr.png (payload + PNG)" 1 get.lua \
  "/v1/contacts/$qr_contact/payment-qr.png?policy_number=${qr_policy//\//%2F}"
# Outbox throughput: N queued QR emails (copies of one the app composed), delivered by a second
# instance on the same database to a local SMTP server that accepts and drops them (aiosmtpd).
smtp_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
.tools/py/bin/python -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Sink &
smtp_pid=$!
curl -fsS -o /dev/null -H "Cookie: $agent_cookie" --data-urlencode "contact_id=$qr_contact" \
  --data-urlencode "policy_number=$qr_policy" "$base/api/customers/payment-qr/email"
emails_n="${BENCH_EMAILS:-1000}"
sqlite3 "$db" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $emails_n)
  INSERT INTO email_messages (kind, to_address, subject, text_body, html_body, qr_payload, contact_id,
    policy_number, created_by, created_at, status, next_attempt_at)
  SELECT m.kind, 'bench' || k.i || '@example.mu', m.subject, m.text_body, m.html_body, m.qr_payload, m.contact_id,
    m.policy_number, m.created_by, m.created_at, 'queued', 0
  FROM k, (SELECT * FROM email_messages ORDER BY id DESC LIMIT 1) AS m"
sender_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
start=$(date +%s.%N)
LEPTOS_SITE_ADDR="127.0.0.1:$sender_port" CONTACTDESK_MAIL_TRANSPORT=smtp CONTACTDESK_SMTP_HOST=127.0.0.1 \
  CONTACTDESK_SMTP_PORT="$smtp_port" CONTACTDESK_SMTP_TLS=none "$bin" serve >>"$workdir/sender.log" 2>&1 &
sender_pid=$!
for _ in $(seq 1 1500); do
  [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM email_messages WHERE status = 'queued'")" = 0 ] && break
  sleep 0.2
done
end=$(date +%s.%N)
sent_n=$(sqlite3 "$db" "SELECT COUNT(*) FROM email_messages WHERE status = 'sent' AND to_address LIKE 'bench%'")
kill -TERM "$sender_pid" "$smtp_pid" 2>/dev/null || true
wait "$sender_pid" "$smtp_pid" 2>/dev/null || true
[ "$sent_n" = "$emails_n" ] || { echo "bench: only $sent_n of $emails_n emails were sent" >&2; tail -20 "$workdir/sender.log" >&2; exit 1; }
emails_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
row "Outbox to a local SMTP server, $emails_n QR emails, one sender" "$(awk -v n="$emails_n" -v s="$emails_s" 'BEGIN { printf "%.0f msg/s", n / s }')" "-" "-" "-" "-" "${emails_s}s"

# ---- the API contract, fuzzed longer --------------------------------------------------------
# make test runs schemathesis with 20 examples per operation and a fixed seed; here 10x as many
# with a random seed (printed: scripts/api-contract.sh --seed S --examples N replays the run), on
# its own server and demo database. A finding is reported, not a failed bench.
api_examples="${BENCH_API_EXAMPLES:-200}"
api_seed="$(python3 -c 'import secrets; print(secrets.randbelow(2**32))')"
api_dir=target/api-contract-bench
echo "bench: API contract, schemathesis with $api_examples examples per operation, seed $api_seed" >&2
api_status=0
start=$(date +%s.%N)
scripts/api-contract.sh --examples "$api_examples" --seed "$api_seed" --report-dir "$api_dir" \
  > "$workdir/api-contract.txt" 2>&1 || api_status=$?
end=$(date +%s.%N)
api_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
api_line="$(grep '^api-contract ' "$workdir/api-contract.txt" || true)"
api_field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$api_line"; }
api_cases="$(api_field cases)"; api_failures="$(api_field failures)"; api_errors="$(api_field errors)"
api_note=""
if [ -z "$api_line" ]; then
  echo "bench: the API contract run did not finish (exit $api_status):" >&2
  tail -n 20 "$workdir/api-contract.txt" >&2
  api_note="API contract (schemathesis, seed $api_seed): did not run to the end (exit $api_status), see above."
  row "Schemathesis, $api_examples examples/op, seed $api_seed" "-" "-" "-" "-" "n/a" "${api_s}s"
else
  row "Schemathesis, $api_examples examples/op, seed $api_seed" "$api_cases cases" "-" "-" "-" "$api_failures" "${api_s}s"
  if [ "$api_status" -ne 0 ]; then
    # Its summary names each failure in a line or two; the details stay in the report directory.
    sed '/^api-contract /d' "$workdir/api-contract.txt" >&2
    api_note="API contract (schemathesis, seed $api_seed, $api_examples examples/op): $api_failures failures, $api_errors errors"
    api_note+=" -- replay: scripts/api-contract.sh --seed $api_seed --examples $api_examples; details: $api_dir/"
  fi
fi

# ---- in Chromium ----------------------------------------------------------------------------
browser_out="$(cd end2end && BASE_URL="$base" BENCH_CUSTOMER_ID="$customer_id" \
  npx playwright test --config bench.config.ts 2>&1)" || { echo "$browser_out" >&2; exit 1; }
browser_rows=()
while IFS='|' read -r name value; do
  browser_rows+=("$(printf '| %-60s | %12s |' "$name" "$value")")
done < <(sed -n 's/^BENCH \(.*|.*\)$/\1/p' <<<"$browser_out")

# ---- what fills the WASM ------------------------------------------------------------------
# Profiled on cargo's own output, before wasm-bindgen and wasm-opt (which drops the names). Since
# the browser build runs without reference types (for `--split`), the stand-alone wasm-bindgen
# CLI refuses that file ("failed to find __wbindgen_externref_table_dealloc"); the function code
# by crate is the same, only wasm-bindgen's few descriptor functions are still counted.
wb="$workdir/wasm"
mkdir -p "$wb"
twiggy top -n 1000000 --format csv target/front/wasm32-unknown-unknown/wasm-release/contactdesk.wasm > "$wb/top.csv"
wasm_rows="$(python3 "$BENCH_DIR/wasm_top.py" "$wb/top.csv" 6)"

# ---- first load ---------------------------------------------------------------------------
size_rows=()
total_raw=0; total_gz=0; total_br=0
for f in target/site/pkg/contactdesk.*.wasm target/site/pkg/contactdesk.*.js target/site/pkg/__wasm_split.*.js \
         target/site/pkg/contactdesk.*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  size_rows+=("$(printf '| %-52s | %14s | %9s | %9s |' "$(basename "$f")" "$raw" "$gz" "$br")")
done
# The admin pages' code, split off by `--split`: fetched only when an admin opens one.
lazy_raw=0; lazy_br=0; lazy_n=0
for f in target/site/pkg/split_*.wasm target/site/pkg/chunk_*.wasm; do
  [ -f "$f" ] || continue
  lazy_raw=$((lazy_raw + $(stat -c %s "$f"))); lazy_br=$((lazy_br + $(brotli -q 11 -c "$f" | wc -c))); lazy_n=$((lazy_n + 1))
done

echo
echo "ContactDesk benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t1 -d${seconds}s on loopback"
echo
printf '| %-52s | %14s | %9s | %9s | %9s | %7s | %9s |\n' "" "throughput" "p50 ms" "p95 ms" "p99 ms" "errors" "vs login"
echo "|------------------------------------------------------|----------------|-----------|-----------|-----------|---------|-----------|"
printf '%s\n' "${rows[@]}"
echo
printf '| %-60s | %12s |\n' "In Chromium (Playwright)" "figure"
echo "|--------------------------------------------------------------|--------------|"
printf '%s\n' "${browser_rows[@]}"
echo
printf '| %-52s | %14s | %9s | %9s |\n' "First load (bytes)" "raw" "gzip" "brotli"
echo "|------------------------------------------------------|----------------|-----------|-----------|"
printf '%s\n' "${size_rows[@]}"
printf '| %-52s | %14s | %9s | %9s |\n' "total" "$total_raw" "$total_gz" "$total_br"
printf '| %-52s | %14s | %9s | %9s |\n' "admin pages, lazy ($lazy_n files, not in first load)" "$lazy_raw" "-" "$lazy_br"
echo
printf '| %-40s | %9s | %7s | %6s |\n' "WASM function code by crate (before wasm-opt)" "bytes" "share" "fns"
echo "|------------------------------------------|-----------|---------|--------|"
printf '%s\n' "$wasm_rows"
echo
[ -z "$api_note" ] || { echo "$api_note"; echo; }
echo "Soak: the server's heap (MB) at the end of each minute: ${soak_minutes// / → }."
echo "Contact updates stored by the save benchmark: $saved (each acknowledged after its durable commit)."
echo "Targets: signed-in pages p99 < 10 ms and >= 50 % of the login page's throughput; first load <= 200 KB on the"
echo "wire per page; key to open Update Contact < 100 ms; search p95 < 30 ms; save p99 < 50 ms at 200 agents; import < 30 s;"
echo "with 1,000,000 updates: report page and dashboard p95 < 100 ms, CSV export of all < 10 s under 100 MB, XLSX of 100,000 < 10 s;"
echo "a 500 MB upload under 64 MB above idle; the soak: no 5xx or failed request, heap growth after the warm-up minute < 10 MB,"
echo "its latencies within the rows' budgets above."
echo "Back-to-back = 200 connections that never pause: its latency is 200 / throughput (Little's law), a capacity"
echo "figure. The paced row is 200 agents each saving every ${BENCH_THINK_MS:-250} ms, about 120x a real call center's peak."
