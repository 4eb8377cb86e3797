"""``GET``/``POST /api/cron/{task}``: run any registered task now, for an external scheduler."""

from __future__ import annotations

from typing import Any

from lightninghire.api import AppError, endpoint
from lightninghire_plugins.cron.schemas import CronRunQuery, CronRunSchema


class TaskFailed(AppError):
    """The task ran and raised: a 5xx, so ``curl -f`` in a crontab reports it."""

    status, code, default_message = 500, "TASK_FAILED", "The task failed."


class CronTaskResource:
    def __init__(self, services: Any) -> None:
        # The runner is read per request: it is built with the app, after the routes.
        self.services = services

    @endpoint(auth="cron", query=CronRunQuery, response=CronRunSchema)
    def on_get(self, req: Any, resp: Any, task: str) -> dict[str, Any]:
        """Run a scheduled task now (Authorization: Bearer $CRON_SECRET)."""
        return self._run(task, req.context.query["scheduled"])

    @endpoint(auth="cron", query=CronRunQuery, response=CronRunSchema)
    def on_post(self, req: Any, resp: Any, task: str) -> dict[str, Any]:
        """Run a scheduled task now (the same as GET, for schedulers that POST)."""
        return self._run(task, req.context.query["scheduled"])

    def _run(self, name: str, scheduled: bool) -> dict[str, Any]:
        runner = self.services.task_runner
        # Unknown task (or one of a disabled plugin): NotFound, 404. Lease held: TaskBusy, 409.
        scheduled_for = runner.latest_fire(name) if scheduled else None
        result = runner.run(name, trigger="http", scheduled_for=scheduled_for)
        data = run_answer(result.to_dict())
        if not result.ok:
            raise TaskFailed(f"Task {name!r} failed: {result.error}", runId=data["runId"],
                             task=name, durationMs=data["durationMs"])
        return data


def run_answer(run: dict[str, Any]) -> dict[str, Any]:
    """The run's record plus the counts every engagement task reports, at the top level."""
    summary = run.get("summary") or {}

    def count(key: str) -> int:
        value = summary.get(key, 0)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    return {**run, "processed": count("processed"), "sent": count("sent"),
            "skipped": count("skipped")}
