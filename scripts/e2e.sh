#!/usr/bin/env bash
# Starts the release build on a free port with a throw-away demo database and a local SMTP
# server, runs the Playwright suite against it (or the files and options given, passed on to
# Playwright), stops both. Exits with Playwright's status.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/release/contactdesk
[ -x "$bin" ] || { echo "no $bin: run 'make build' first" >&2; exit 1; }

workdir="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
smtp_port="$(free_port)"
log="$workdir/server.log"

# A real SMTP server that takes 2 s over each message, so the pages show a payment email
# queued, then sent, without a reload.
.tools/py/bin/python end2end/slow_smtp.py "$smtp_port" 2 >"$workdir/smtp.log" 2>&1 &
smtp_pid=$!
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $smtp_port), 1)" 2>/dev/null && break
  sleep 0.1
done

LEPTOS_SITE_ADDR="127.0.0.1:$port" \
CONTACTDESK_DATA_DIR="$workdir/data" \
CONTACTDESK_DATABASE_URL="sqlite://$workdir/data/e2e.db" \
CONTACTDESK_DEMO=1 \
CONTACTDESK_MIN_FREE_BYTES=67108864 \
CONTACTDESK_MAIL_TRANSPORT=smtp \
CONTACTDESK_SMTP_HOST=127.0.0.1 \
CONTACTDESK_SMTP_PORT="$smtp_port" \
CONTACTDESK_SMTP_TLS=none \
  "$bin" serve >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  kill -TERM "$smtp_pid" 2>/dev/null || true
  wait "$smtp_pid" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.2
done

status=0
(cd end2end && BASE_URL="http://127.0.0.1:$port" CONTACTDESK_BIN="$PWD/../$bin" npx playwright test "$@") || status=$?
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
