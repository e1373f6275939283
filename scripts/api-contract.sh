#!/usr/bin/env bash
# The API contract: fuzzes the HTTP API from its own OpenAPI document. Starts the release build
# (not built here) on a free port with a throw-away demo database and one uploaded recording,
# runs schemathesis with every check against /v1/openapi.json as the demo admin (an `api` bearer
# token), stops the server. Exits with schemathesis' status: non-zero on any failure it finds
# (or when the server panicked).
#
# Usage: scripts/api-contract.sh [--examples N] [--seed S] [--workers W] [--report-dir DIR]
#   --examples N      at most N generated test cases per operation (--max-examples; default 20)
#   --seed S          default: a random seed, printed; the same seed and N replay the same run
#   --workers W       default 1. With one worker a seed sends exactly the same requests every time;
#                     with two, the runs differ and now and then one fails on its own with "Runtime
#                     Error: AST constructor recursion depth mismatch" (hypothesis parses sources
#                     with Python 3.11's ast module from both threads) -- and it is no faster here.
#   --report-dir DIR  default target/api-contract: schemathesis' whole output (schemathesis.txt,
#                     with a curl command for each failure), its JUnit, NDJSON and JSON reports,
#                     and the server's log
# Settings that are not a choice of the run are in schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

examples=20
seed=""
workers=1
report_dir=target/api-contract
while [ $# -gt 0 ]; do
  case "$1" in
    --examples) examples="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --report-dir) report_dir="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "api-contract: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$seed" ] || seed="$(python3 -c 'import secrets; print(secrets.randbelow(2**32))')"

say() { printf '[api-contract] %s\n' "$*"; }

# Another build of the server (a debug one while iterating) with API_CONTRACT_BIN.
bin="${API_CONTRACT_BIN:-target/release/contactdesk}"
st=.tools/py/bin/schemathesis
[ -x "$bin" ] || { echo "api-contract: no $bin: run 'make build' first" >&2; exit 1; }
[ -x "$st" ] || { echo "api-contract: no $st: run 'scripts/setup.sh test' first" >&2; exit 1; }

# The same run whoever starts it: no server setting comes from the caller (make bench exports its
# own); the server reads the repository's Leptos.toml, as in scripts/e2e.sh, and these.
for name in $(compgen -e); do
  case "$name" in CONTACTDESK_*|LEPTOS_*) unset "$name" ;; esac
done

[ -n "$report_dir" ] && [ "$report_dir" != / ] || { echo "api-contract: no report directory" >&2; exit 2; }
rm -rf "$report_dir"
mkdir -p "$report_dir"
workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export LEPTOS_SITE_ADDR="127.0.0.1:$port"
export LEPTOS_SITE_ROOT="$PWD/target/site"
export CONTACTDESK_DATA_DIR="$workdir/data"
export CONTACTDESK_DATABASE_URL="sqlite://$workdir/data/contactdesk.db"
export CONTACTDESK_DEMO=1
export CONTACTDESK_MIN_FREE_BYTES=67108864
# The payment emails the fuzzer asks for stay in the outbox: no mail server is involved.
export CONTACTDESK_MAIL_TRANSPORT=outbox

pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  cp "$workdir/server.log" "$report_dir/server.log" 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"$bin" serve >"$workdir/server.log" 2>&1 &
pid=$!
ready=0
for _ in $(seq 1 100); do
  if curl -fsS "$base/readyz" >/dev/null 2>&1; then ready=1; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then
  echo "api-contract: the server did not become ready on $base:" >&2
  tail -n 40 "$workdir/server.log" >&2
  exit 1
fi

# The demo admin's integration token: every operation, admin ones included, is reachable.
token="$("$bin" create-token --user admin --scope api --name schemathesis | tail -n 1)"
# One real recording, uploaded as a phone would (an agent's upload token), so the call routes
# have a call to read, stream and seek, not only 404s.
phone_token="$("$bin" create-token --user priya --scope upload --name api-contract | tail -n 1)"
case "$token $phone_token" in cdt_*" "cdt_*) ;; *) echo "api-contract: could not issue the tokens" >&2; exit 1 ;; esac
python3 - "$workdir/call.wav" <<'EOF'
import math, struct, sys, wave
with wave.open(sys.argv[1], "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000)))
EOF
code="$(curl -sS -o "$workdir/upload.json" -w '%{http_code}' -H "Authorization: Bearer $phone_token" \
  -F call_id=6f0c7d52-3b1e-4e8a-9d4f-2a5b6c7d8e9f -F phone="5737 2333" -F direction=inbound \
  -F started_at=2026-11-25T10:30:00+04:00 -F duration_seconds=1 -F "audio=@$workdir/call.wav" \
  "$base/v1/calls/upload")"
[ "$code" = 201 ] || { echo "api-contract: uploading the seed recording answered $code:" >&2; cat "$workdir/upload.json" >&2; exit 1; }

# hypothesis' caches (Unicode tables, constants) go under target/, not into the working tree.
export HYPOTHESIS_STORAGE_DIRECTORY="$PWD/target/.hypothesis"
say "schemathesis $("$st" --version | awk '{ print $NF }'): all checks, $examples examples per operation, seed $seed, $workers worker(s), against $base (demo data)"
start=$(date +%s.%N)
status=0
"$st" --config-file schemathesis.toml --no-color run "$base/v1/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" \
  --checks all --max-examples "$examples" --seed "$seed" --workers "$workers" \
  --report junit,ndjson,json \
  --report-junit-path "$report_dir/junit.xml" \
  --report-ndjson-path "$report_dir/events.ndjson" \
  --report-json-path "$report_dir/report.json" \
  >"$report_dir/schemathesis.txt" 2>&1 || status=$?
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# A panic while answering can still produce a response the checks accept.
panics=0
if grep -q "panicked" "$workdir/server.log"; then
  panics=1
  echo "api-contract: the server panicked during the run (see $report_dir/server.log):" >&2
  grep -m 3 "panicked" "$workdir/server.log" >&2
  [ "$status" -ne 0 ] || status=1
fi

# A readable summary: counts, then one line per failure (the operation, the check, the status and
# the server's message); the curl commands that reproduce each are in schemathesis.txt.
python3 - "$report_dir" "$status" "$seconds" "$seed" "$examples" "$workers" "$panics" <<'EOF' || status=$((status == 0 ? 1 : status))
import json, re, sys
import xml.etree.ElementTree as ET

report_dir, status, seconds, seed, examples, workers, panics = sys.argv[1:8]
status = int(status)
try:
    report = json.load(open(f"{report_dir}/report.json"))
except (OSError, ValueError):
    print(f"API contract: schemathesis stopped without a report (exit {status}); its output:")
    lines = open(f"{report_dir}/schemathesis.txt", errors="replace").read().splitlines()
    print("\n".join(line[:300] for line in lines[-40:]))
    sys.exit(1)

def short(text, limit=160):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

def why(body):
    """The server's own message for a JSON error body, else the body's beginning."""
    try:
        error = json.loads(body)["error"]
        fields = error.get("fields") or []
        if fields:
            return "; ".join(f"{f.get('field')}: {f.get('message')}" for f in fields)
        return error.get("message") or body
    except (ValueError, KeyError, TypeError, AttributeError):
        return body

findings = {}
try:
    for case in ET.parse(f"{report_dir}/junit.xml").iter("testcase"):
        for item in case:
            if item.tag not in ("failure", "error"):
                continue
            text = item.text or item.get("message") or ""
            for one in re.split(r"\n(?=\d+\. Test Case ID)", text):
                checks = re.findall(r"^- (ST\d+ [^\n]*)$", one, re.M) or [item.get("message") or item.tag]
                answer = re.search(r"^\[(\d{3})\][^\n]*\n\n\s*`?([^\n]*?)`?$", one, re.M)
                invalid = re.search(r"^\s*Invalid component: ([^\n]*)$", one, re.M)
                if answer:
                    detail = f"[{answer.group(1)}] " + (invalid.group(1) if invalid else why(answer.group(2)))
                else:
                    detail = ": ".join([line.strip() for line in one.split("\n") if line.strip()][:2])
                for check in checks:
                    findings.setdefault((case.get("name"), check, detail), None)
except (OSError, ET.ParseError):
    pass

cases = report["test_cases"]
ops = report["operations"]
failures = cases["unique_failures"]
errors = max(sum(e.get("count", 1) for e in report.get("errors") or []), cases.get("errored", 0))
by_code = ", ".join(f"{f['code']} ×{f['count']}" for f in report.get("failures", []))
ok = status == 0
print()
print(f"API contract: {ops['tested']}/{ops['total']} operations, {cases['generated']} test cases, "
      f"{failures} failures{f' ({by_code})' if by_code else ''}, {errors} errors, {seconds} s — "
      f"{'passed' if ok else 'FAILED'}")
phases = "  ".join(f"{name} {p['status']}" for name, p in report.get("phases", {}).items())
print(f"  phases: {phases}")
for operation, check, detail in findings:
    print(f"  ✗ {operation} — {check}")
    print(f"      {short(detail, 200)}")
for name, operations in (report.get("warnings") or {}).items():
    if operations:
        print(f"  warning: {name.replace('_', ' ')}: {', '.join(operations)}")
if not ok:
    print(f"  reproduce: scripts/api-contract.sh --seed {seed} --examples {examples}"
          + (f" --workers {workers}" if workers != "1" else ""))
    print(f"  details (a curl command for each failure): {report_dir}/schemathesis.txt; server log: {report_dir}/server.log")
# One line for scripts: make bench reads it.
print(f"api-contract seed={seed} examples={examples} cases={cases['generated']} failures={failures} "
      f"errors={errors} panics={panics} seconds={seconds} status={status}")
EOF
exit "$status"
