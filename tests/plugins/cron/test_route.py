"""``GET``/``POST /api/cron/{task}``: the cron secret, the answer, 404, 409 and failures."""

from __future__ import annotations

import re
import threading

import pytest

from lightninghire.api import StartupError, hookimpl
from lightninghire.testing import TEST_CRON_SECRET, assert_error, assert_ok
from tests.plugins.cron.helpers import CRON


class ProbeTasks:
    """A plugin with a task that holds its lease until told, and one that fails."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.runs = 0

    @hookimpl
    def register_tasks(self, tasks):
        tasks.add("probe-slow", schedule="0 * * * *", run=self.slow, lease_seconds=60)
        tasks.add("probe-fail", schedule="0 * * * *", run=self.fail, lease_seconds=60)

    def slow(self):
        """Hold the lease until the test releases it."""
        self.runs += 1
        self.started.set()
        # Bounded: a test that forgets to release fails instead of hanging.
        assert self.release.wait(20), "never released"
        return {"processed": 3, "sent": 2, "skipped": 1, "note": "probe"}

    def fail(self):
        """Always fails."""
        raise ValueError("the probe broke")


EXPECTED_KEYS = {"task", "status", "processed", "sent", "skipped", "durationMs"}


def test_the_seed_curl_example_runs_the_task_with_the_bearer_secret(make_app):
    client = make_app(plugins=["plans", "cron"]).client
    data = assert_ok(client.simulate_get("/api/cron/lifecycle-emails", headers=CRON))
    assert set(data) >= EXPECTED_KEYS
    assert (data["task"], data["status"], data["trigger"]) == ("lifecycle-emails", "ok", "http")
    assert (data["processed"], data["sent"], data["skipped"]) == (0, 0, 0)
    assert isinstance(data["durationMs"], int) and data["runId"]


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-secret-0123456789"},
    {"Authorization": f"Bearer {TEST_CRON_SECRET}x"},
    {"Authorization": f"Basic {TEST_CRON_SECRET}"},
])
def test_a_missing_or_wrong_secret_is_401_and_runs_nothing(make_app, headers):
    harness = make_app(plugins=["plans", "cron"])
    assert_error(harness.client.simulate_get("/api/cron/lifecycle-emails", headers=headers),
                 401, "UNAUTHENTICATED")
    assert harness.db["task_runs"].count_documents({}) == 0


def test_without_a_configured_secret_every_cron_call_is_401(make_app):
    harness = make_app(plugins=["plans", "cron"], settings={"auth.cron_secret": ""})
    assert_error(harness.client.simulate_get("/api/cron/lifecycle-emails", headers=CRON),
                 401, "UNAUTHENTICATED")


def test_a_user_api_key_is_not_the_cron_secret(make_app):
    harness = make_app(plugins=["plans", "cron"])
    caller = harness.api_caller(roles=["super_admin"])
    assert_error(caller.get("/api/cron/lifecycle-emails"), 401, "UNAUTHENTICATED")


def test_unknown_and_disabled_plugins_tasks_are_404(make_app):
    probe = ProbeTasks()
    harness = make_app(plugins=["plans", "cron"], extra_plugins={"probe": probe})  # installed, not enabled
    assert_error(harness.client.simulate_get("/api/cron/nope", headers=CRON), 404, "NOT_FOUND")
    assert_error(harness.client.simulate_get("/api/cron/probe-fail", headers=CRON),
                 404, "NOT_FOUND")


def test_any_enabled_plugins_task_runs_by_get_or_post(make_app):
    probe = ProbeTasks()
    probe.release.set()
    harness = make_app(plugins=["plans", "cron", "probe"], extra_plugins={"probe": probe})
    data = assert_ok(harness.client.simulate_post("/api/cron/probe-slow", headers=CRON))
    assert (data["processed"], data["sent"], data["skipped"]) == (3, 2, 1)
    assert data["summary"]["note"] == "probe"
    # The core's own tasks run through the same route.
    assert assert_ok(harness.client.simulate_get("/api/cron/mail-outbox", headers=CRON))["status"] == "ok"
    assert probe.runs == 1


def test_two_simultaneous_triggers_one_runs_and_one_gets_409(make_app):
    probe = ProbeTasks()
    harness = make_app(plugins=["plans", "cron", "probe"], extra_plugins={"probe": probe})
    answers = {}

    def first():
        answers["first"] = harness.client.simulate_get("/api/cron/probe-slow", headers=CRON)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert probe.started.wait(20), "the first run never started"
        second = harness.client.simulate_get("/api/cron/probe-slow", headers=CRON)
    finally:
        probe.release.set()
        thread.join(30)
    error = assert_error(second, 409, "TASK_BUSY")
    assert "already running" in error["message"]
    assert assert_ok(answers["first"])["status"] == "ok"
    assert probe.runs == 1
    runs = {doc["status"] for doc in harness.db["task_runs"].find({"taskName": "probe-slow"})}
    assert runs == {"ok", "skipped"}
    # Released: the next trigger runs again.
    assert_ok(harness.client.simulate_get("/api/cron/probe-slow", headers=CRON))
    assert probe.runs == 2


def test_a_failing_task_answers_500_with_its_run_id(make_app):
    harness = make_app(plugins=["plans", "cron", "probe"], extra_plugins={"probe": ProbeTasks()})
    error = assert_error(harness.client.simulate_get("/api/cron/probe-fail", headers=CRON),
                         500, "TASK_FAILED")
    assert "ValueError: the probe broke" in error["message"]
    run = harness.db["task_runs"].find_one({"taskName": "probe-fail"})
    assert str(run["_id"]) == error["runId"] and run["status"] == "error"


def test_scheduled_runs_claim_the_fire_time_once(make_app, clock):
    harness = make_app(plugins=["plans", "cron"])
    path = "/api/cron/win-back"
    data = assert_ok(harness.client.simulate_get(path, params={"scheduled": "true"}, headers=CRON))
    assert data["scheduledFor"] is not None
    again = harness.client.simulate_get(path, params={"scheduled": "true"}, headers=CRON)
    assert "already ran" in assert_error(again, 409, "TASK_BUSY")["message"]
    # A manual run (no claim) still runs; the next day's fire time is new.
    assert_ok(harness.client.simulate_get(path, headers=CRON))
    clock.advance(days=1)
    assert_ok(harness.client.simulate_get(path, params={"scheduled": "true"}, headers=CRON))


def test_the_route_rejects_unknown_query_parameters(make_app):
    client = make_app(plugins=["plans", "cron"]).client
    assert_error(client.simulate_get("/api/cron/win-back", params={"force": "1"}, headers=CRON),
                 400, "VALIDATION")


def test_the_routes_are_in_the_openapi_document(make_app):
    document = make_app(plugins=["plans", "cron"]).client.simulate_get("/api/openapi.json").json
    paths = document["paths"]
    assert set(paths["/api/cron/{task}"]) == {"get", "post"}
    assert paths["/api/cron/{task}"]["get"]["security"] == [{"cron": []}]
    assert set(paths["/api/telemetry"]) == {"post"}
    assert set(paths["/api/telemetry/stats"]) == {"get"}


@pytest.mark.parametrize(("settings", "message"), [
    ({"plugins.cron.batch_sise": 10}, "plugin 'cron': setting batch_sise: Unknown field"),
    ({"plugins.cron.batch_size": 0}, "plugin 'cron': setting batch_size: Must be greater"),
    ({"plugins.cron.telemetry_retention_days": "ninety"},
     "plugin 'cron': setting telemetry_retention_days: Not a valid integer"),
])
def test_bad_plugin_settings_stop_startup(make_app, settings, message):
    with pytest.raises(StartupError, match=re.escape(message)):
        make_app(plugins=["plans", "cron"], settings=settings)
