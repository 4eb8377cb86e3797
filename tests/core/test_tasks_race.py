"""Done when: two scheduler processes racing on one task run it once.

Two OS processes, each with its own client and runner against one database, start together and
try the same fire time of a task whose run increments a counter and then holds its lease until
the other process has given up. Run as a script, this file is one contender.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lightninghire.clock import FrozenClock
from lightninghire.db import Database
from lightninghire.registry import TaskRegistry
from lightninghire.tasks import TaskBusy, TaskRunner

HOURLY = "0 * * * *"


def wait_for(condition: Callable[[], bool], seconds: float, step: float = 0.005) -> bool:
    """Bounded polling for another process's progress (never for the clock's sake)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def race_registry(run: Callable[..., object]) -> TaskRegistry:
    registry = TaskRegistry()
    registry.owner = "race"
    registry.add("race", schedule=HOURLY, run=run, lease_seconds=120)
    return registry


def contender(mode: str, uri: str, name: str, when: str, folder: Path, index: int) -> int:
    db = Database(uri, name)
    clock = FrozenClock(datetime.fromisoformat(when))

    def slow_task(context: object) -> dict[str, int]:
        db["counters"].update_one({"_id": "race"}, {"$inc": {"n": 1}}, upsert=True)
        # Keep the lease until the other process is done trying (bounded: a second winner would
        # wait here as well, time out, and the counter would say 2).
        wait_for(lambda: any(folder.glob("done-*")), 15)
        return {"processed": 1}

    runner = TaskRunner(db, clock, race_registry(slow_task).specs)
    db.ping()  # connected before the start line, so both start the race at once
    (folder / f"ready-{index}").touch()
    if not wait_for(lambda: (folder / "go").exists(), 60):
        return 3
    outcome: list[dict[str, object]] = []
    try:
        if mode == "run-due":
            outcome = [result.to_dict() for result in runner.run_due()]
        else:
            fire = runner.latest_fire("race")
            outcome = [runner.run("race", "scheduler", scheduled_for=fire).to_dict()]
    except TaskBusy as busy:
        outcome = [busy.result.to_dict()]
    (folder / f"result-{index}.json").write_text(json.dumps(outcome))
    (folder / f"done-{index}").touch()
    db.close()
    return 0


@pytest.mark.parametrize("mode", ["run-due", "claim"])
def test_two_processes_racing_on_one_task_run_it_once(lh_settings, tmp_path, mode):
    uri, name = lh_settings.database.uri, lh_settings.database.name
    db = Database(uri, name)
    # The top of the current real hour: run history has a TTL counted by the server's clock.
    clock = FrozenClock(datetime.now(UTC).replace(minute=0, second=0, microsecond=0))
    runner = TaskRunner(db, clock, race_registry(lambda: None).specs)
    runner.ensure_indexes()
    runner.run_due()  # the schedule starts now; the next fire is in an hour
    when = (clock.now() + timedelta(hours=1, seconds=5)).isoformat()

    argv = [sys.executable, __file__, mode, uri, name, when, str(tmp_path)]
    processes = [subprocess.Popen([*argv, str(i)]) for i in range(2)]
    try:
        ready = wait_for(lambda: all((tmp_path / f"ready-{i}").exists() for i in range(2))
                         or any(p.poll() is not None for p in processes), 60, step=0.02)
        assert ready and all(p.poll() is None for p in processes), "contenders did not start"
        (tmp_path / "go").touch()
        codes = [p.wait(60) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    assert codes == [0, 0]

    assert db["counters"].find_one({"_id": "race"})["n"] == 1
    outcomes = [r for i in range(2)
                for r in json.loads((tmp_path / f"result-{i}.json").read_text())]
    statuses = sorted(outcome["status"] for outcome in outcomes)
    if mode == "claim":  # both certainly reached the lease: one ran, one was refused
        assert statuses == ["ok", "skipped"]
    else:  # the slower one found it busy, or already run for that fire time (not due)
        assert statuses in (["ok"], ["ok", "skipped"])
    assert db["task_runs"].count_documents({"status": "ok"}) == 1
    assert db["task_leases"].find_one({"_id": "race"})["lease"] is None
    db.close()


if __name__ == "__main__":
    mode_, uri_, name_, when_, folder_, index_ = sys.argv[1:7]
    sys.exit(contender(mode_, uri_, name_, when_, Path(folder_), int(index_)))
