"""The seed's curl example against ``lightninghire serve`` (gunicorn, 2 workers, embedded
database) over real HTTP."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pymongo import MongoClient

from lightninghire.testing import free_port

COMMAND = str(Path(sys.executable).with_name("lightninghire"))
SECRET = "served-cron-secret-0123456789"  # a fixture value, not a deployment's secret
READY_TIMEOUT = 60.0
CURL = shutil.which("curl")
BASH = shutil.which("bash") or "/bin/bash"


class Served:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.data = folder / "data"
        self.log = folder / "serve.log"
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith("LIGHTNINGHIRE") and k not in {"MONGODB_URI", "CRON_SECRET"}}
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                # No in-process scheduler: these tests trigger the tasks themselves.
                [COMMAND, "serve", "--port", str(self.port), "--workers", "2",
                 "--data-dir", str(folder / "data"), "--no-scheduler"],
                stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                env={**clean, "LIGHTNINGHIRE_PLUGINS": "plans,cron", "CRON_SECRET": SECRET},
                cwd=folder)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:  # readiness poll of a real server, bounded
            if self.process.poll() is not None:
                raise AssertionError(f"server exited early:\n{self.log.read_text()}")
            try:
                if self.request("GET", "/api/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server not ready:\n{self.log.read_text()}")

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=payload,
                         headers={"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            conn.close()

    @property
    def database_uri(self) -> str:
        match = re.search(r"embedded database \(nx-27017\) at (\S+),", self.log.read_text())
        assert match, self.log.read_text()
        return match.group(1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("cron-served"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def curl(served: Served, task: str, secret: str) -> tuple[int, dict]:
    """The seed's example, as written, with the secret from the environment."""
    url = f"http://127.0.0.1:{served.port}/api/cron/{task}"
    done = subprocess.run(
        [BASH, "-c", f'curl -sS -w "\\n%{{http_code}}" {url} '
                       '-H "Authorization: Bearer $CRON_SECRET"'],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CRON_SECRET": secret},
        capture_output=True, text=True, timeout=60, check=True)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), json.loads(body)


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_the_seed_curl_example_works_under_gunicorn(served):
    # Made by the deployer's command (a sign-up through the API gets its welcome at once).
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("LIGHTNINGHIRE") and k not in {"MONGODB_URI", "CRON_SECRET"}}
    made = subprocess.run([COMMAND, "users", "create", "--email", "served@example.com",
                           "--name", "Served User", "--data-dir", str(served.data)],
                          env={**clean, "LIGHTNINGHIRE_PLUGINS": "plans,cron",
                               "LIGHTNINGHIRE_PASSWORD": "a long enough passphrase 42"},
                          capture_output=True, text=True, timeout=60, check=False)
    assert made.returncode == 0, made.stderr
    status, body = curl(served, "lifecycle-emails", SECRET)
    assert status == 200, body
    data = body["data"]
    assert (data["task"], data["status"]) == ("lifecycle-emails", "ok")
    assert (data["processed"], data["sent"], data["skipped"]) == (1, 1, 0)
    # A second trigger, possibly served by the other worker, sends nothing new.
    status, body = curl(served, "lifecycle-emails", SECRET)
    assert (status, body["data"]["sent"], body["data"]["processed"]) == (200, 0, 0)


@pytest.mark.skipif(CURL is None, reason="curl is not installed")
def test_a_wrong_secret_is_401_under_gunicorn(served):
    status, body = curl(served, "lifecycle-emails", "not-the-secret-at-all")
    assert (status, body["error"]["code"]) == (401, "UNAUTHENTICATED")


def test_a_task_running_on_another_host_answers_409_under_gunicorn(served):
    # Another host holds the lease (as its run would, mid-flight).
    client = MongoClient(served.database_uri)
    try:
        leases = client["lightninghire"]["task_leases"]
        now = datetime.now(UTC)
        leases.update_one({"_id": "win-back"}, {"$set": {"lease": {
            "runId": "elsewhere", "holder": "other-host:1", "trigger": "scheduler",
            "acquiredAt": now, "expiresAt": now + timedelta(minutes=10)}}}, upsert=True)
        status, body = served.request("GET", "/api/cron/win-back",
                                      headers={"Authorization": f"Bearer {SECRET}"})
        assert (status, body["error"]["code"]) == (409, "TASK_BUSY"), body
        leases.update_one({"_id": "win-back"}, {"$set": {"lease": None}})
        status, body = served.request("GET", "/api/cron/win-back",
                                      headers={"Authorization": f"Bearer {SECRET}"})
        assert (status, body["data"]["status"]) == (200, "ok"), body
    finally:
        client.close()
