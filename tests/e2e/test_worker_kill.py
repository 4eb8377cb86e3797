"""Reliability: a gunicorn worker killed with SIGKILL in the middle of a load of lead submissions
loses no lead that was acknowledged, and the arbiter puts a new worker in its place."""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from pymongo import MongoClient

from tests.e2e.conftest import FULL_ENV, start_server, worker_pids

REQUESTS = 200
THREADS = 4
KILL_AFTER = 40  # answers received before the kill: the load is well under way, far from done


def _lead(served, i: int) -> int | None:
    """Submit lead ``i`` from its own client address; the status, or None if the connection died."""
    body = json.dumps({"email": f"load-{i}@example.com", "source": "interview-prep-guide"})
    # 127.0.0.1 is a trusted proxy by default: each lead counts against its own IP's 10/15m.
    headers = {"Content-Type": "application/json",
               "X-Forwarded-For": f"10.77.{i // 250}.{i % 250 + 1}"}
    try:
        return served.request("POST", "/api/leads", body=body.encode(), headers=headers)[0]
    except (OSError, http.client.HTTPException):
        return None


def test_sigkill_of_a_worker_mid_load_loses_no_acknowledged_lead(tmp_path):
    served = start_server(tmp_path / "data", tmp_path / "serve.log", env=FULL_ENV, plugins=None)
    try:
        before = worker_pids(served)
        assert len(before) == 2, before
        victim = before[0]
        answered = 0
        lock = threading.Lock()
        kill_now = threading.Event()

        def submit(i: int) -> tuple[int, int | None]:
            nonlocal answered
            status = _lead(served, i)
            with lock:
                answered += 1
                if answered == KILL_AFTER:
                    kill_now.set()
            return i, status

        with ThreadPoolExecutor(THREADS) as pool:
            futures = [pool.submit(submit, i) for i in range(REQUESTS)]
            assert kill_now.wait(120), "the load never got going"
            os.kill(victim, signal.SIGKILL)
            with lock:
                answered_at_kill = answered
            results = [f.result(timeout=120) for f in futures]

        assert answered_at_kill < REQUESTS, "the kill came after the load had finished"
        acknowledged = {i for i, status in results if status is not None and 200 <= status < 300}
        # Apart from what the killed worker held, the load goes on: the other worker, then the
        # replacement, answer the rest.
        assert len(acknowledged) >= REQUESTS // 2, sorted(s for _, s in results if s is not None)
        assert all(status in (200, None) for _, status in results), results

        client = MongoClient(served.database_uri, serverSelectionTimeoutMS=5000)
        try:
            stored = {doc["email"] for doc in client["lightninghire"]["marketing_leads"].find(
                {"source": "interview-prep-guide"}, {"email": 1})}
        finally:
            client.close()
        missing = sorted(i for i in acknowledged if f"load-{i}@example.com" not in stored)
        assert missing == [], f"acknowledged but not stored: {missing}"

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # bounded poll for the arbiter's replacement
            after = worker_pids(served)
            if len(after) == 2 and victim not in after:
                break
            time.sleep(0.1)
        assert victim not in after and len(after) == 2, (before, after)
        assert served.request("GET", "/api/health")[0] == 200
    finally:
        served.stop()
