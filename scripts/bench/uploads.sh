#!/usr/bin/env bash
# Upload throughput: N recordings of SIZE_MB each, C at a time, through the real route (curl,
# multipart, bearer token), then the same files written and fsynced with dd on the same disk.
# Usage: uploads.sh BASE TOKEN WORKDIR N C SIZE_MB. Prints four lines:
#   uploads <seconds> <p50 ms> <p95 ms> <p99 ms> <failures>
#   dd <seconds>
set -euo pipefail
base="$1" token="$2" dir="$3" n="$4" c="$5" size_mb="$6"
mkdir -p "$dir/src" "$dir/dd"
# One WAV per upload (a distinct call each): header, then bytes that differ per file.
python3 - "$dir/src" "$n" "$size_mb" <<'PY'
import os, sys
out, n, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
header = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data"
body = os.urandom(mb * 1024 * 1024 - len(header))
for i in range(n):
    with open(os.path.join(out, f"{i}.wav"), "wb") as f:
        f.write(header + i.to_bytes(4, "big") + body[4:])
PY
sync
one() {
  local i="$1"
  curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" \
    -F "call_id=$(python3 -c 'import uuid; print(uuid.uuid4())')" -F "phone=5$(printf '%07d' "$i")" \
    -F direction=inbound -F started_at=2026-11-24T09:00:00+04:00 -F duration_seconds=60 \
    -F "audio=@$dir/src/$i.wav" "$base/v1/calls/upload"
}
export -f one
export token base dir
start=$(date +%s.%N)
seq 0 $((n - 1)) | xargs -P "$c" -I{} bash -c 'one {}' > "$dir/times.txt"
end=$(date +%s.%N)
failures=$(awk '$1 != 201 { n++ } END { print n + 0 }' "$dir/times.txt")
# Nearest-rank percentiles of the per-upload times.
read -r p50 p95 p99 < <(awk '{ print $2 * 1000 }' "$dir/times.txt" | sort -n | awk '
  function rank(p) { r = int(NR * p + 0.999999); return r < 1 ? 1 : r }
  { v[NR] = $1 } END { printf "%.0f %.0f %.0f\n", v[rank(0.5)], v[rank(0.95)], v[rank(0.99)] }')
echo "uploads $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') $p50 $p95 $p99 $failures"
start=$(date +%s.%N)
seq 0 $((n - 1)) | xargs -P "$c" -I{} dd if="$dir/src/{}.wav" of="$dir/dd/{}.wav" bs=1M conv=fsync status=none
end=$(date +%s.%N)
echo "dd $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
