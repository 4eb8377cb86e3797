"""Scheduled tasks: run a registered task under a MongoDB lease, record its runs, find due ones.

Plugins declare tasks with the ``register_tasks`` hook (``lightninghire.registry.TaskRegistry``);
``TaskRunner`` runs them (from the scheduler loop, the CLI or the HTTP cron route) and
``Scheduler`` is the loop behind ``lightninghire scheduler``. The CLI commands live in
``lightninghire.tasks.cli`` (not imported here: it depends on ``lightninghire.cli``). See
``docs/tasks.md``.
"""

from lightninghire.tasks.runner import (
    TRIGGERS,
    DueTask,
    RunResult,
    TaskBusy,
    TaskContext,
    TaskRunner,
    TaskStatus,
)
from lightninghire.tasks.schedule import latest_fire, next_fire
from lightninghire.tasks.scheduler import Scheduler, stop_on_signals

__all__ = [
    "TRIGGERS",
    "DueTask",
    "RunResult",
    "Scheduler",
    "TaskBusy",
    "TaskContext",
    "TaskRunner",
    "TaskStatus",
    "latest_fire",
    "next_fire",
    "stop_on_signals",
]
