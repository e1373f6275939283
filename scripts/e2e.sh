#!/usr/bin/env bash
# Starts the release build on a free port with a throw-away demo database, runs the Playwright
# suite against it, stops it. Exits with Playwright's status.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/release/contactdesk
[ -x "$bin" ] || { echo "no $bin: run 'make build' first" >&2; exit 1; }

workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
log="$workdir/server.log"

LEPTOS_SITE_ADDR="127.0.0.1:$port" \
CONTACTDESK_DATA_DIR="$workdir/data" \
CONTACTDESK_DATABASE_URL="sqlite://$workdir/data/e2e.db" \
CONTACTDESK_DEMO=1 \
  "$bin" serve >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.2
done

status=0
(cd end2end && BASE_URL="http://127.0.0.1:$port" CONTACTDESK_BIN="$PWD/../$bin" npx playwright test) || status=$?
# A panic while rendering can still answer 200: the suite fails on one in the server's log.
if grep -q "panicked" "$log"; then
  echo "the server panicked during the browser tests" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "--- server log ---" >&2
  tail -n 60 "$log" >&2
fi
exit "$status"
