"""Upload throughput from one client process: N recordings of SIZE_MB each, C at a time, each a
multipart POST to /v1/calls/upload with a bearer token (keep-alive connections, one per worker),
then the same files written and fsynced with dd on the same disk, C at a time.

Usage: uploads.py BASE TOKEN WORKDIR N C SIZE_MB
Prints:  uploads <seconds> <p50 ms> <p95 ms> <p99 ms> <failures>
         dd <seconds>
"""

import http.client
import math
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

base, token, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
n, c, size_mb = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
src, dd_dir = os.path.join(workdir, "src"), os.path.join(workdir, "dd")
os.makedirs(src, exist_ok=True)
os.makedirs(dd_dir, exist_ok=True)

# A WAV header, then bytes that differ per file: every upload is a distinct call.
header = (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00"
          b"\x80\x3e\x00\x00\x02\x00\x10\x00data")
body = os.urandom(size_mb * 1024 * 1024 - len(header))
for i in range(n):
    with open(os.path.join(src, f"{i}.wav"), "wb") as f:
        f.write(header + i.to_bytes(4, "big") + body[4:])
os.sync()

url = urllib.parse.urlsplit(base)
local = threading.local()


def upload(i):
    boundary = uuid.uuid4().hex
    fields = {"call_id": str(uuid.uuid4()), "phone": f"5{i:07d}", "direction": "inbound",
              "started_at": "2026-11-24T09:00:00+04:00", "duration_seconds": "60"}
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
             for k, v in fields.items()]
    with open(os.path.join(src, f"{i}.wav"), "rb") as f:
        audio = f.read()
    payload = b"".join(parts) + (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"{i}.wav\"\r\n"
        f"Content-Type: audio/wav\r\n\r\n").encode() + audio + f"\r\n--{boundary}--\r\n".encode()
    if getattr(local, "conn", None) is None:
        local.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    start = time.perf_counter()
    try:
        local.conn.request("POST", "/v1/calls/upload", payload, {
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        })
        response = local.conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        local.conn = None
        status = 0
    return status, (time.perf_counter() - start) * 1000


start = time.perf_counter()
with ThreadPoolExecutor(max_workers=c) as pool:
    results = list(pool.map(upload, range(n)))
elapsed = time.perf_counter() - start
times = sorted(t for _, t in results)
failures = sum(1 for s, _ in results if s != 201)


def rank(p):
    return times[max(1, math.ceil(len(times) * p)) - 1]


print(f"uploads {elapsed:.2f} {rank(0.5):.0f} {rank(0.95):.0f} {rank(0.99):.0f} {failures}")

start = time.perf_counter()
with ThreadPoolExecutor(max_workers=c) as pool:
    list(pool.map(lambda i: subprocess.run(
        ["dd", f"if={os.path.join(src, f'{i}.wav')}", f"of={os.path.join(dd_dir, f'{i}.wav')}",
         "bs=1M", "conv=fsync", "status=none"], check=True), range(n)))
print(f"dd {time.perf_counter() - start:.2f}")
