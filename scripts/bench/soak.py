#!/usr/bin/env python3
"""A mixed soak of a running ContactDesk: agents searching and saving, admins paging the report
and exporting, phones uploading, all at once for SECONDS on loopback, while the server's own
memory (RssAnon) is sampled every second.

Usage: soak.py BASE PID AGENT_TOKEN ADMIN_TOKEN UPLOAD_TOKEN SECONDS [WARMUP_SECONDS]

Prints one line per kind of request ("soak KIND count p50 p95 p99 errors5xx others") and one
memory line ("soak-rss warm END_OF_WARMUP_MB END_MB GROWTH_MB PEAK_MB"). Exits 0; the caller
judges the figures against the targets.
"""

import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid

BASE, PID, AGENT, ADMIN, PHONE = sys.argv[1:6]
SECONDS = float(sys.argv[6])
WARMUP = float(sys.argv[7]) if len(sys.argv) > 7 else 60.0
HOST = urllib.parse.urlsplit(BASE)

AGENTS = int(os.environ.get("SOAK_AGENTS", "20"))
ADMINS = int(os.environ.get("SOAK_ADMINS", "2"))
PHONES = int(os.environ.get("SOAK_PHONES", "5"))

lock = threading.Lock()
results = {}  # kind -> list of (ms, status)
stop = threading.Event()


def record(kind, ms, status):
    with lock:
        results.setdefault(kind, []).append((ms, status))


class Conn:
    """One keep-alive connection, reopened after an error, as a browser or a phone holds one."""

    def __init__(self, token):
        self.token = token
        self.conn = None

    def request(self, kind, method, path, body=None, headers=None):
        all_headers = {"Authorization": f"Bearer {self.token}"}
        all_headers.update(headers or {})
        start = time.perf_counter()
        status = 0
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=60)
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.conn = None
            data = b""
        record(kind, (time.perf_counter() - start) * 1000, status)
        return status, data


def agent(customers, n):
    conn = Conn(AGENT)
    rng = random.Random(n)
    while not stop.is_set():
        customer = rng.choice(customers)
        # Finding the caller: a name's beginning, as typed.
        q = urllib.parse.quote(customer["name"].split()[0][:4])
        conn.request("search", "GET", f"/v1/contacts?q={q}&limit=20")
        if rng.random() < 0.5:
            body = json.dumps({
                "customer_id": customer["customer_id"],
                "new_email": f"soak-{n}-{uuid.uuid4().hex[:12]}@example.mu",
                "update_reason": "Customer provided new contact",
                "notes": "soak",
            })
            conn.request("save", "POST", "/v1/customer_contact_updates", body, {"Content-Type": "application/json"})
        time.sleep(rng.uniform(0.1, 0.4))


def admin(n):
    conn = Conn(ADMIN)
    rng = random.Random(1000 + n)
    rounds = 0
    while not stop.is_set():
        offset = rng.randrange(0, 5000)
        conn.request("report page", "GET", f"/v1/customer_contact_updates?status=pending&limit=50&offset={offset}")
        rounds += 1
        if rounds % 20 == 0:
            today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 4 * 3600))
            conn.request("export", "GET", f"/v1/customer_contact_updates/export.csv?from_date={today}")
        time.sleep(rng.uniform(0.3, 0.7))


def wav(size, seed):
    head = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data"
    return head + random.Random(seed).randbytes(size - len(head))


def phone(n):
    conn = Conn(PHONE)
    rng = random.Random(2000 + n)
    audio = wav(256 * 1024, n)
    while not stop.is_set():
        boundary = uuid.uuid4().hex
        fields = {
            "call_id": str(uuid.uuid4()),
            "phone": "5737 2333",
            "direction": "inbound",
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "duration_seconds": "42",
        }
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; filename="call.wav"\r\nContent-Type: audio/wav\r\n\r\n'.encode() + audio + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        conn.request("upload", "POST", "/v1/calls/upload", b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        time.sleep(rng.uniform(1.5, 2.5))


def rss_mb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    conn = Conn(AGENT)
    status, data = conn.request("setup", "GET", "/v1/contacts?status=customer&limit=200")
    customers = [c for c in json.loads(data)["contacts"] if c.get("customer_id")]
    if status != 200 or not customers:
        sys.exit(f"soak: no customers to work on ({status})")
    threads = [threading.Thread(target=agent, args=(customers, n), daemon=True) for n in range(AGENTS)]
    threads += [threading.Thread(target=admin, args=(n,), daemon=True) for n in range(ADMINS)]
    threads += [threading.Thread(target=phone, args=(n,), daemon=True) for n in range(PHONES)]
    for t in threads:
        t.start()
    started = time.monotonic()
    warm = None
    samples = []
    while time.monotonic() - started < SECONDS:
        time.sleep(1)
        samples.append(rss_mb())
        if warm is None and time.monotonic() - started >= WARMUP:
            warm = samples[-1]
    stop.set()
    for t in threads:
        t.join(timeout=120)
    end = rss_mb()
    for kind, rows in sorted(results.items()):
        if kind == "setup":
            continue
        ms = sorted(r[0] for r in rows)
        pick = lambda p: ms[min(len(ms) - 1, int(p * len(ms)))]
        server_errors = sum(1 for r in rows if r[1] >= 500 or r[1] == 0)
        others = sum(1 for r in rows if 300 <= r[1] < 500)
        print(f"soak {kind.replace(' ', '_')} {len(rows)} {pick(0.5):.1f} {pick(0.95):.1f} {pick(0.99):.1f} {server_errors} {others}")
    warm = warm if warm is not None else samples[0]
    print(f"soak-rss {warm:.1f} {end:.1f} {end - warm:.1f} {max(samples):.1f}")
    # The heap at the end of each minute: growth that levels off is caches filling, growth
    # that keeps its pace is a leak.
    print("soak-rss-minutes " + " ".join(f"{m:.1f}" for m in samples[59::60]))


if __name__ == "__main__":
    main()
