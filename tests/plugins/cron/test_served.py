"""The seed's curl example against ``lightninghire serve`` (gunicorn, 2 workers, embedded
database) over real HTTP."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import MongoClient

from tests.e2e.conftest import COMMAND, Served, start_server

SECRET = "served-cron-secret-0123456789"  # a fixture value, not a deployment's secret
CURL = shutil.which("curl")
BASH = shutil.which("bash") or "/bin/bash"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("cron-served")
    # No in-process scheduler (start_server's default): these tests trigger the tasks themselves.
    server = start_server(folder / "data", folder / "serve.log", plugins="plans,cron",
                          env={"CRON_SECRET": SECRET})
    yield server
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
                           "--name", "Served User", "--data-dir", str(served.log_path.with_name("data"))],
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
        status, body = served.json("GET", "/api/cron/win-back",
                                   headers={"Authorization": f"Bearer {SECRET}"})
        assert (status, body["error"]["code"]) == (409, "TASK_BUSY"), body
        leases.update_one({"_id": "win-back"}, {"$set": {"lease": None}})
        status, body = served.json("GET", "/api/cron/win-back",
                                   headers={"Authorization": f"Bearer {SECRET}"})
        assert (status, body["data"]["status"]) == (200, "ok"), body
    finally:
        client.close()
