"""Shared by the cron plugin's tests: the cron caller, a task runner shortcut, test plugins."""

from __future__ import annotations

from typing import Any

from lightninghire.api import hookimpl
from lightninghire.testing import TEST_CRON_SECRET, AppHarness

CRON = {"Authorization": f"Bearer {TEST_CRON_SECRET}"}

def run_task(harness: AppHarness, name: str) -> dict[str, Any]:
    """Run a task as the HTTP route would and return its summary (asserting it succeeded)."""
    result = harness.services.task_runner.run(name, trigger="http")
    assert result.ok, result.error
    return result.summary


def counts(summary: dict[str, Any]) -> tuple[int, int, int]:
    return summary["processed"], summary["sent"], summary["skipped"]


def delivered(harness: AppHarness) -> list[Any]:
    """Deliver what the tasks left in the outbox (the mail-outbox task's job), return all mail."""
    harness.services.mail.deliver_due()
    return harness.mail


def emit(harness: AppHarness, name: str, user: dict[str, Any]) -> None:
    harness.emit(name, {}, user_id=str(user["_id"]))
    harness.settle()  # engagement is recorded after the emitter's answer (handle_event_deferred)


# -- the proposed collect_digest hook ------------------------------------------------------
def add_digest_plugin(harness: AppHarness, plugin: object, name: str) -> None:
    """A digest source registered beside the running app (its hook is called per task run)."""
    harness.services.plugins.pm.register(plugin, name=name)


class DigestSource:
    """Answers ``collect_digest`` from a fixed table by email, recording each call."""

    def __init__(self, items_by_email: dict[str, list[dict[str, Any]]]) -> None:
        self.items_by_email = items_by_email
        self.calls: list[tuple[str, Any]] = []

    @hookimpl
    def collect_digest(self, user: dict[str, Any], since: Any) -> list[dict[str, Any]]:
        self.calls.append((user["email"], since))
        return self.items_by_email.get(user["email"], [])
