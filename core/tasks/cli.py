"""``lightninghire cron list | run NAME | run-due | schedule`` and ``lightninghire scheduler``.

Exit codes: 0 done; 1 a task failed; 2 unknown task or unusable setup; 75 (EX_TEMPFAIL) the task
is running elsewhere. With no ``MONGODB_URI`` the commands start the embedded database on
``database.data_dir`` for their own duration, unless ``lightninghire serve`` already owns it.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pymongo.errors import PyMongoError

from lightninghire.embedded import database_for
from lightninghire.errors import NotFound, StartupError
from lightninghire.tasks import export
from lightninghire.tasks.runner import RunResult, TaskBusy, TaskRunner, TaskStatus
from lightninghire.tasks.schedule import next_fire
from lightninghire.tasks.scheduler import Scheduler, stop_on_signals

if TYPE_CHECKING:
    from lightninghire.registry import CommandRegistry
    from lightninghire.services import Services

EXIT_FAILED, EXIT_USAGE, EXIT_BUSY = 1, 2, 75


def runner_for(services: Services) -> TaskRunner:
    """``services.task_runner`` once the core builds one; until then a runner over the same
    database, clock and registry."""
    existing = getattr(services, "task_runner", None)
    if existing is not None:
        return existing
    return TaskRunner(services.db, services.clock, services.tasks.specs)


# -- output --------------------------------------------------------------------------------

def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else "-"


def _summary_text(summary: dict[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in summary.items())


def _print_result(result: RunResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_dict()))
        return
    detail = result.error or _summary_text(result.summary)
    print(f"{result.task}: {result.status} in {result.duration_ms} ms  {detail}".rstrip())


def _last_text(row: TaskStatus) -> str:
    if row.last_run is None:
        return "-"
    return f"{row.last_run.get('status')} {_when(row.last_run.get('startedAt'))}"


def _status_json(row: TaskStatus) -> dict[str, Any]:
    spec, run, lease = row.spec, row.last_run, row.lease
    return {"name": spec.name, "plugin": spec.plugin, "schedule": spec.schedule,
            "leaseSeconds": spec.lease_seconds, "description": spec.description,
            "nextFire": row.next_fire.isoformat(),
            "lastScheduledFor": row.last_scheduled_for.isoformat()
            if row.last_scheduled_for else None,
            "leaseHeldBy": lease.get("holder") if lease else None,
            "leaseExpiresAt": lease["expiresAt"].isoformat() if lease else None,
            "lastRun": {"status": run.get("status"), "trigger": run.get("trigger"),
                        "startedAt": run["startedAt"].isoformat(), "error": run.get("error"),
                        "summary": run.get("summary")} if run else None}


# -- cron ----------------------------------------------------------------------------------

def _configure_cron(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="cron_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="every task: schedule, lease, next fire, last run")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    run = sub.add_parser("run", help="run one task now, under its lease")
    run.add_argument("name", help="task name (see `cron list`)")
    run.add_argument("--json", action="store_true", help="print the run as JSON")
    due = sub.add_parser("run-due", help="run every task whose fire time has passed, once")
    due.add_argument("--json", action="store_true", help="one JSON object per run")
    schedule = sub.add_parser("schedule", help="the schedule for an external scheduler")
    schedule.add_argument("--format", choices=export.FORMATS, default="crontab",
                          help="crontab lines, vercel.json, or Kubernetes CronJobs")
    schedule.add_argument("--base-url", help="where the API is served (default: http.public_url)")
    schedule.add_argument("--via", choices=export.VIAS, default="http",
                          help="call GET /api/cron/<task> (default) or run `lightninghire cron run`")
    schedule.add_argument("--image", help="k8s: container image (default: curl, or lightninghire)")
    schedule.add_argument("--secret", default=export.K8S_ENV_OBJECT,
                          help="k8s: Secret holding CRON_SECRET (or, with --via cli, the env)")


def _cron(args: argparse.Namespace, services: Services) -> int:
    action = args.cron_command
    if action == "schedule":
        print(export.render(args.format, services.tasks.specs.values(),
                            base_url=args.base_url or services.settings.http.public_url,
                            via=args.via, image=args.image, secret=args.secret), end="")
        return 0
    if action == "list":
        return _list(args, services)
    with database_for(services) as services:
        runner = runner_for(services)
        runner.ensure_indexes()
        if action == "run":
            return _run_one(args, runner)
        results = runner.run_due(trigger="cli")
        for result in results:
            _print_result(result, args.json)
        if not results and not args.json:
            print("nothing is due")
        return EXIT_FAILED if any(r.status == "error" for r in results) else 0


def _run_one(args: argparse.Namespace, runner: TaskRunner) -> int:
    try:
        result = runner.run(args.name, trigger="cli")
    except NotFound:
        known = ", ".join(sorted(runner.specs)) or "none (no enabled plugin registers a task)"
        print(f"lightninghire: unknown task {args.name!r}; tasks: {known}", file=sys.stderr)
        return EXIT_USAGE
    except TaskBusy as busy:
        held = f" by {busy.holder}" if busy.holder else ""
        print(f"lightninghire: {busy.message} Held{held}.", file=sys.stderr)
        return EXIT_BUSY
    _print_result(result, args.json)
    return 0 if result.ok else EXIT_FAILED


def _list(args: argparse.Namespace, services: Services) -> int:
    runner = runner_for(services)
    try:
        with database_for(services) as usable:
            rows = runner_for(usable).status()
    except (StartupError, PyMongoError) as exc:
        # The registry alone is still worth showing; say why the run state is missing.
        print(f"lightninghire: run state unavailable: {exc}", file=sys.stderr)
        now = runner.clock.now()
        rows = [TaskStatus(spec, next_fire(spec.schedule, now), None, None, None)
                for _, spec in sorted(runner.specs.items())]
    if args.json:
        for row in rows:
            print(json.dumps(_status_json(row)))
        return 0
    print(f"{'NAME':<24} {'PLUGIN':<12} {'SCHEDULE':<16} {'LEASE':>6}  {'NEXT (UTC)':<17} LAST RUN")
    now = runner.clock.now()
    for row in rows:
        spec = row.spec
        # An expired lease is a holder that died: not running any more.
        busy = "  (running)" if row.lease and row.lease["expiresAt"] > now else ""
        print(f"{spec.name:<24} {spec.plugin:<12} {spec.schedule:<16} {spec.lease_seconds:>5}s  "
              f"{_when(row.next_fire):<17} {_last_text(row)}{busy}")
    return 0


# -- scheduler -----------------------------------------------------------------------------

def _configure_scheduler(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--poll", type=float, default=30.0, metavar="SECONDS",
                        help="longest wait between two looks at the schedule (default 30)")


def _scheduler(args: argparse.Namespace, services: Services) -> int:
    if args.poll <= 0:
        raise StartupError("--poll must be a positive number of seconds")
    logging.basicConfig(level=services.settings.log.level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    with database_for(services) as services:
        runner = runner_for(services)
        runner.ensure_indexes()
        stop = threading.Event()
        with stop_on_signals(stop):
            Scheduler(runner, poll_seconds=args.poll).run_forever(stop)
    return 0


def register_commands(registry: CommandRegistry) -> None:
    """Add ``cron`` and ``scheduler`` to the ``lightninghire`` command."""
    registry.add("cron", "Scheduled tasks: list, run NAME, run-due, schedule",
                 configure=_configure_cron, run=_cron)
    registry.add("scheduler", "Run due tasks until stopped (SIGTERM/SIGINT)",
                 configure=_configure_scheduler, run=_scheduler)
