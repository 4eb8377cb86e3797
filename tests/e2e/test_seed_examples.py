"""The API reference's four curl examples, run as written with the real ``curl`` against
``lightninghire serve`` (gunicorn, 2 workers, embedded database, every first-party plugin).

Only the host changes (``https://lightninghire.com`` -> the served ``http://127.0.0.1:PORT``) and
``lh_live_...`` becomes a real key; ``$CRON_SECRET`` is expanded by the shell from the same
environment the server was given.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from pymongo import MongoClient

from tests.e2e.conftest import E2E_CRON_SECRET, run_cli

# Copied from the seed's "Examples" section, byte for byte.
CAPTURE_A_LEAD = """curl -X POST https://lightninghire.com/api/leads \\
-H "Content-Type: application/json" \\
-d '{
"email": "jane@example.com",
"source": "interview-prep-guide",
"marketingOptIn": true,
"utm": { "source": "twitter", "medium": "social" }
}'"""
START_A_MOCK_INTERVIEW = """curl -X POST https://lightninghire.com/api/mock-interview \\
-H "Authorization: Bearer lh_live_..." \\
-H "Content-Type: application/json" \\
-d '{
"company": "Stripe",
"role": "Staff Engineer",
"interviewType": "behavioral",
"focusAreas": ["leadership", "conflict"]
}'"""
FETCH_ENTITLEMENTS = """curl https://lightninghire.com/api/entitlements \\
-H "Authorization: Bearer lh_live_..." """
TRIGGER_A_CRON_JOB = """curl https://lightninghire.com/api/cron/lifecycle-emails \\
-H "Authorization: Bearer $CRON_SECRET\""""

BASH = shutil.which("bash") or "/bin/bash"
CURL = shutil.which("curl")


def test_the_real_curl_is_installed():
    assert CURL, "the seed's examples need the curl binary (apt-get install curl)"


def run_example(served, example: str, *, key: str = "", cron_secret: str = E2E_CRON_SECRET
                ) -> dict:
    command = example.replace("https://lightninghire.com", f"http://127.0.0.1:{served.port}")
    if key:
        command = command.replace("lh_live_...", key)
    env = {k: v for k, v in os.environ.items() if k != "CRON_SECRET"}
    env["CRON_SECRET"] = cron_secret
    # The shell runs the example as a reader would paste it (line continuations, $CRON_SECRET).
    out = subprocess.run([BASH, "-c", command], capture_output=True, text=True, env=env,
                         timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def seed_key(full_served) -> str:
    """A free seeker's API key, minted from the command line as an operator would."""
    run_cli(full_served, "users", "create", "--email", "seed-example@example.com",
            "--name", "Seed Example")
    return run_cli(full_served, "keys", "create", "seed-example@example.com", "--name", "curl")


def test_capture_a_lead_answers_the_download_url_and_stores_the_lead(full_served):
    answer = run_example(full_served, CAPTURE_A_LEAD)
    assert answer["ok"] is True and set(answer) == {"ok", "downloadUrl"}
    assert answer["downloadUrl"].endswith("/downloads/interview-prep-guide.pdf")
    client = MongoClient(full_served.database_uri, serverSelectionTimeoutMS=5000)
    try:
        lead = client["lightninghire"]["marketing_leads"].find_one({"email": "jane@example.com"})
    finally:
        client.close()
    assert lead["source"] == "interview-prep-guide" and lead["marketingOptIn"] in (True, 1)
    assert lead["utm"] == {"source": "twitter", "medium": "social"}


def test_start_a_mock_interview_with_an_api_key_then_the_free_cap_is_402(full_served, seed_key):
    for _ in range(3):
        answer = run_example(full_served, START_A_MOCK_INTERVIEW, key=seed_key)
        assert answer["ok"] is True, answer
        mock = answer["data"]
        assert (mock["company"], mock["role"], mock["interviewType"]) == (
            "Stripe", "Staff Engineer", "behavioral")
        assert mock["questions"] and mock["status"] == "in_progress"
    # "Free-tier users are capped at 3 mock interviews per 7-day window ... 402 with an
    # upgradeHint string suitable for display."
    refused = run_example(full_served, START_A_MOCK_INTERVIEW, key=seed_key)
    assert refused["ok"] is False and refused["error"]["code"] == "PAYMENT_REQUIRED"
    assert isinstance(refused["error"]["upgradeHint"], str) and refused["error"]["upgradeHint"]


def test_fetch_entitlements_lists_per_feature_usage(full_served, seed_key):
    answer = run_example(full_served, FETCH_ENTITLEMENTS, key=seed_key)
    assert answer["ok"] is True
    data = answer["data"]
    assert data["isPro"] is False and data["tier"] == "free"
    mocks = data["features"]["mock_interviews"]
    assert mock_fields(mocks) and mocks["limit"] == 3 and mocks["window"] == "week"
    assert mocks["remaining"] == mocks["limit"] - mocks["currentUsage"]


def mock_fields(feature: dict) -> bool:
    return {"allowed", "currentUsage", "limit", "remaining", "window", "upgradeHint"} <= set(feature)


def test_trigger_a_cron_job_with_the_secret_and_without_it(full_served):
    answer = run_example(full_served, TRIGGER_A_CRON_JOB)
    assert answer["ok"] is True, answer
    assert (answer["data"]["task"], answer["data"]["status"]) == ("lifecycle-emails", "ok")
    # "Requests without a valid CRON_SECRET receive 401."
    refused = run_example(full_served, TRIGGER_A_CRON_JOB, cron_secret="not-the-secret-at-all")
    assert refused["ok"] is False and refused["error"]["code"] == "UNAUTHENTICATED"
