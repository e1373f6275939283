"""A real SMTP server for the browser tests (aiosmtpd) that takes its time over each message,
so a page shows a message queued before it shows it sent. Accepts and drops what it receives.

Usage: slow_smtp.py PORT SECONDS
"""
import asyncio
import sys
import threading

from aiosmtpd.controller import Controller


class Slow:
    def __init__(self, seconds: float):
        self.seconds = seconds

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.seconds)
        return "250 Message accepted for delivery"


if __name__ == "__main__":
    port, seconds = int(sys.argv[1]), float(sys.argv[2])
    controller = Controller(Slow(seconds), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"slow SMTP server on 127.0.0.1:{port}", flush=True)
    threading.Event().wait()
