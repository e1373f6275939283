#!/usr/bin/env bash
# Benchmarks: starts the release server on a fresh demo database, drives it with wrk from a
# separate process on loopback, measures what the browser downloads, prints one table.
# Environment: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-50}"

scripts/setup.sh bench >&2
cargo leptos build --release >&2

bin=target/release/contactdesk
workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"

LEPTOS_SITE_ADDR="127.0.0.1:$port" \
CONTACTDESK_DATA_DIR="$workdir/data" \
CONTACTDESK_DATABASE_URL="sqlite://$workdir/data/bench.db" \
CONTACTDESK_DEMO=1 \
CONTACTDESK_LOG=warn \
  "$bin" serve >"$workdir/server.log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -fsS "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

# A signed-in session for the authenticated page.
cookie="$(curl -fsS -o /dev/null -D - -X POST "$base/api/auth/login" \
  --data-urlencode username=admin --data-urlencode password=demo-admin-2026 --data-urlencode next= \
  | awk -F'[=;]' 'tolower($0) ~ /^set-cookie: contactdesk_session=/ { print $2; exit }')"
[ -n "$cookie" ] || { echo "bench: could not sign in" >&2; cat "$workdir/server.log" >&2; exit 1; }

# wrk prints latencies as 812.00us / 1.23ms / 1.02s; convert to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
    printf "%.2f", n }'
}

rows=()
load() { # name, path, extra wrk args...
  local name="$1" path="$2"; shift 2
  curl -fsS -o /dev/null "$@" "$base$path" 2>/dev/null || true   # warm up
  local out
  out="$(wrk -t1 -c"$connections" -d"${seconds}s" --latency "$@" "$base$path")"
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $5 }' <<<"$out")"
  rows+=("$(printf '| %-44s | %10s | %8s | %8s | %s |' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}")")
}

load "Login page (SSR, anonymous)" /login
load "Overview page (SSR, signed in)" / -H "Cookie: contactdesk_session=$cookie"

size_rows=()
total_raw=0; total_gz=0; total_br=0
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  size_rows+=("$(printf '| %-44s | %10s | %8s | %8s |' "$(basename "$f")" "$raw" "$gz" "$br")")
done

echo
echo "ContactDesk benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t1 -c$connections -d${seconds}s on loopback"
echo
printf '| %-44s | %10s | %8s | %8s | %s |\n' "HTTP" "req/s" "p50 ms" "p99 ms" "non-2xx"
echo "|----------------------------------------------|------------|----------|----------|---------|"
printf '%s\n' "${rows[@]}"
echo
printf '| %-44s | %10s | %8s | %8s |\n' "First load (bytes)" "raw" "gzip" "brotli"
echo "|----------------------------------------------|------------|----------|----------|"
printf '%s\n' "${size_rows[@]}"
printf '| %-44s | %10s | %8s | %8s |\n' "total" "$total_raw" "$total_gz" "$total_br"
echo
echo "Target: signed-in page p99 under 10 ms."
