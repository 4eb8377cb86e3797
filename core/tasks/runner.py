"""``TaskRunner``: run a registered task under its lease and record the run; find and run due tasks.

Three callers, one path: the scheduler loop (``run_due``), the CLI (``run``/``run_due``) and the
HTTP cron route (``run(name, trigger="http")``). Time comes only from the injected clock.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId

from lightninghire.clock import Clock
from lightninghire.errors import Conflict, NotFound
from lightninghire.registry import TaskSpec
from lightninghire.tasks.history import RUNS, RunHistory
from lightninghire.tasks.leases import LEASES, LeaseStore, Refusal
from lightninghire.tasks.schedule import latest_fire, next_fire
from lightninghire.tasks.summary import call_task, normalize_summary, short_error

TRIGGERS = ("cli", "scheduler", "http")

log = logging.getLogger("lightninghire.tasks")


class TaskBusy(Conflict):
    """The task's lease is held elsewhere (``reason="busy"``), or the fire time asked for was
    already run (``reason="claimed"``). A 409 on the HTTP cron route."""

    code = "TASK_BUSY"

    def __init__(self, result: RunResult, holder: str | None = None,
                 expires_at: datetime | None = None) -> None:
        super().__init__(result.error)
        self.result = result
        self.reason = result.reason
        self.holder = holder  # host:pid, for logs and the CLI; not put in an HTTP body
        self.expires_at = expires_at


@dataclass(frozen=True)
class TaskContext:
    """What a task's callable receives (its services it captured when it was registered)."""

    task: str
    trigger: str
    now: datetime
    run_id: str
    scheduled_for: datetime | None
    log: logging.Logger
    _renew: Callable[[float | None], bool] = field(repr=False, compare=False)

    def renew_lease(self, seconds: float | None = None) -> bool:
        """Push the lease's expiry to now + ``seconds`` (default: the task's lease time). A long
        batch calls this between chunks; ``False`` means the lease was lost: stop early."""
        return self._renew(seconds)


@dataclass(frozen=True)
class RunResult:
    run_id: str
    task: str
    trigger: str
    status: str  # ok | error | skipped
    started_at: datetime
    ended_at: datetime
    duration_ms: int
    summary: dict[str, Any]
    error: str | None = None
    scheduled_for: datetime | None = None
    reason: str | None = None  # skipped only: busy | claimed

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in the API's spelling (the HTTP cron route answers with this)."""
        def iso(when: datetime | None) -> str | None:
            return when.isoformat().replace("+00:00", "Z") if when else None

        return {"runId": self.run_id, "task": self.task, "trigger": self.trigger,
                "status": self.status, "startedAt": iso(self.started_at),
                "endedAt": iso(self.ended_at), "durationMs": self.duration_ms,
                "summary": self.summary, "error": self.error,
                "scheduledFor": iso(self.scheduled_for), "reason": self.reason}


@dataclass(frozen=True)
class DueTask:
    name: str
    fire: datetime


@dataclass(frozen=True)
class TaskStatus:
    """One line of ``cron list``."""

    spec: TaskSpec
    next_fire: datetime
    last_scheduled_for: datetime | None
    lease: dict[str, Any] | None
    last_run: dict[str, Any] | None


class TaskRunner:
    """``TaskRunner(services.db, services.clock, services.tasks.specs)``."""

    def __init__(self, db: Any, clock: Clock, specs: Mapping[str, TaskSpec], *,
                 history_days: float = 30) -> None:
        # Collections are resolved at each use, so building a runner does no I/O.
        self.leases = LeaseStore(db, LEASES)
        self.history = RunHistory(db, history_days, RUNS)
        self.clock = clock
        self.specs = specs

    def ensure_indexes(self) -> None:
        """Create the run-history indexes (``task_leases`` needs only its ``_id``)."""
        self.history.ensure_indexes()

    def spec(self, name: str) -> TaskSpec:
        try:
            return self.specs[name]
        except KeyError:
            raise NotFound(f"No task named {name!r}.") from None

    # -- running one task -------------------------------------------------------------------

    def run(self, name: str, trigger: str = "cli", *,
            scheduled_for: datetime | None = None) -> RunResult:
        """Run ``name`` now under its lease; the result says ``ok`` or ``error``.

        Raises ``NotFound`` for an unknown task and ``TaskBusy`` when the lease is held elsewhere
        (the refusal is recorded as a ``skipped`` run). With ``scheduled_for``, the run also
        claims that fire time, so a scheduler will not repeat it (an external cron may pass
        ``runner.latest_fire(name)``).
        """
        spec = self.spec(name)
        result, refusal = self._execute(spec, trigger, scheduled_for, record_skipped=True)
        if refusal is not None:
            raise TaskBusy(result, refusal.holder, refusal.expires_at)
        return result

    def _execute(self, spec: TaskSpec, trigger: str, scheduled_for: datetime | None, *,
                 record_skipped: bool) -> tuple[RunResult, Refusal | None]:
        if trigger not in TRIGGERS:
            raise ValueError(f"trigger must be one of {TRIGGERS}, not {trigger!r}")
        run_oid = ObjectId()
        run_id = str(run_oid)
        holder = f"{socket.gethostname()}:{os.getpid()}"  # at run time: gunicorn forks
        started = self.clock.now()
        lease = LeaseStore.lease_doc(run_id, holder, trigger, started, spec.lease_seconds)
        refusal = self.leases.acquire(spec.name, lease, now=started, scheduled_for=scheduled_for)
        if refusal is not None:
            result = self._skipped(spec, trigger, run_id, started, scheduled_for, refusal)
            if record_skipped:
                self.history.insert(self._document(result, spec, run_oid, holder))
            return result, refusal

        status, summary, error, interrupted = "ok", {}, None, None
        try:
            self.history.insert({"_id": run_oid, "taskName": spec.name, "plugin": spec.plugin,
                                 "trigger": trigger, "status": "running", "startedAt": started,
                                 "scheduledFor": scheduled_for, "holder": holder})
            if self.history.mark_abandoned(spec.name, run_oid):
                log.warning("task %s: a previous run lost its lease unfinished; marked abandoned",
                            spec.name)
            context = TaskContext(spec.name, trigger, started, run_id, scheduled_for,
                                  logging.getLogger(f"lightninghire.tasks.{spec.name}"),
                                  lambda seconds: self._renew(spec, lease, seconds))
            try:
                summary = normalize_summary(call_task(spec.run, context))
            except Exception as exc:
                status, error = "error", short_error(exc)
                log.exception("task %s failed (run %s, trigger %s)", spec.name, run_id, trigger)
            except BaseException as exc:  # Ctrl-C or SystemExit inside a task: record, re-raise
                status, error, interrupted = "error", f"interrupted: {type(exc).__name__}", exc
        finally:
            lease_held = self.leases.release(spec.name, run_id)
        ended = self.clock.now()
        result = RunResult(run_id, spec.name, trigger, status, started, ended,
                           _millis(ended - started), summary, error, scheduled_for)
        document = self._document(result, spec, run_oid, holder)
        if not lease_held:
            document["leaseLost"] = True
            log.warning("task %s run %s outlived its %ss lease: another run may have overlapped; "
                        "raise lease_seconds or call context.renew_lease()", spec.name, run_id,
                        spec.lease_seconds)
        self.history.finish(document)
        log.info("task %s: %s in %d ms %s", spec.name, status, result.duration_ms, summary)
        if interrupted is not None:
            raise interrupted
        return result, None

    def _renew(self, spec: TaskSpec, lease: dict[str, Any], seconds: float | None) -> bool:
        now = self.clock.now()
        lease.update(expiresAt=now + timedelta(seconds=seconds or spec.lease_seconds))
        return self.leases.renew(spec.name, lease)

    @staticmethod
    def _skipped(spec: TaskSpec, trigger: str, run_id: str, now: datetime,
                 scheduled_for: datetime | None, refusal: Refusal) -> RunResult:
        if refusal.reason == "claimed":
            message = f"Task {spec.name!r} already ran for {scheduled_for:%Y-%m-%d %H:%M} UTC."
        else:
            until = f" (lease until {refusal.expires_at:%Y-%m-%d %H:%M:%S} UTC)" \
                if refusal.expires_at else ""
            message = f"Task {spec.name!r} is already running elsewhere{until}."
        return RunResult(run_id, spec.name, trigger, "skipped", now, now, 0, {}, message,
                         scheduled_for, refusal.reason)

    @staticmethod
    def _document(result: RunResult, spec: TaskSpec, run_oid: ObjectId,
                  holder: str) -> dict[str, Any]:
        return {"_id": run_oid, "taskName": spec.name, "plugin": spec.plugin,
                "trigger": result.trigger, "status": result.status,
                "startedAt": result.started_at, "endedAt": result.ended_at,
                "durationMs": result.duration_ms, "scheduledFor": result.scheduled_for,
                "summary": result.summary, "error": result.error, "holder": holder}

    # -- schedules --------------------------------------------------------------------------

    def latest_fire(self, name: str, now: datetime | None = None) -> datetime:
        return latest_fire(self.spec(name).schedule, now or self.clock.now())

    def prime(self, now: datetime | None = None) -> None:
        """Start the schedule of every task the database has not seen yet (not run now)."""
        now = now or self.clock.now()
        states = self.leases.states(list(self.specs))
        for name, spec in self.specs.items():
            if (states.get(name) or {}).get("schedule") is None:
                self.leases.prime(name, latest_fire(spec.schedule, now), now)

    def due(self, now: datetime | None = None) -> list[DueTask]:
        """Tasks with a fire time after the last one claimed: however many fire times passed
        (a scheduler that was down), each task is due once, for the latest."""
        now = now or self.clock.now()
        states = self.leases.states(list(self.specs))
        found = []
        for name, spec in self.specs.items():
            schedule = (states.get(name) or {}).get("schedule")
            if schedule is None or schedule.get("lastScheduledFor") is None:
                continue  # not primed yet: see prime()
            fire = latest_fire(spec.schedule, now)
            if schedule["lastScheduledFor"] < fire:
                found.append(DueTask(name, fire))
        return found

    def run_due(self, trigger: str = "scheduler") -> list[RunResult]:
        """Prime new tasks, then run each due task under its lease, claiming its fire time.

        A task another process is running, or has just run for that fire time, comes back
        ``skipped`` (not recorded: with several schedulers that is routine); a busy task stays
        due, so it runs once its lease is free.
        """
        now = self.clock.now()
        self.prime(now)
        results = []
        for item in self.due(now):
            result, _refusal = self._execute(self.specs[item.name], trigger, item.fire,
                                             record_skipped=False)
            results.append(result)
        return results

    def next_fire(self, now: datetime | None = None) -> datetime | None:
        """The soonest fire time of any task after ``now`` (``None`` without tasks)."""
        now = now or self.clock.now()
        return min((next_fire(spec.schedule, now) for spec in self.specs.values()), default=None)

    def status(self, now: datetime | None = None) -> list[TaskStatus]:
        now = now or self.clock.now()
        names = sorted(self.specs)
        states = self.leases.states(names)
        last_runs = self.history.latest(names)
        rows = []
        for name in names:
            state = states.get(name) or {}
            rows.append(TaskStatus(self.specs[name], next_fire(self.specs[name].schedule, now),
                                   (state.get("schedule") or {}).get("lastScheduledFor"),
                                   state.get("lease"), last_runs.get(name)))
        return rows


def _millis(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds() * 1000))
