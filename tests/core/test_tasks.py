"""The task runner against the real embedded database: leases, run history, due computation,
races between threads, and the scheduler loop. Time only moves through the frozen clock."""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import UTC, datetime, timedelta

import pytest

from lightninghire.db import Database
from lightninghire.errors import Conflict, NotFound
from lightninghire.registry import TaskRegistry
from lightninghire.tasks import DueTask, Scheduler, TaskBusy, TaskRunner, stop_on_signals
from lightninghire.tasks.summary import normalize_summary

HOURLY = "0 * * * *"


@pytest.fixture
def now_clock(clock):
    """The frozen clock at 08:00 yesterday: hourly fire times fall on whole hours from here,
    no daily 06:30 fire time falls within the next half day (so tests do not depend on the real
    hour they run at), and the date stays recent, as ``task_runs``' TTL index (counted by the
    server's real clock) needs."""
    yesterday = datetime.now(UTC) - timedelta(days=1)
    clock.set(yesterday.replace(hour=8, minute=0, second=0, microsecond=0))
    return clock


class Counter:
    """A task callable that counts its calls and can be told to fail or to do more."""

    def __init__(self, result=None, error: Exception | None = None, during=None) -> None:
        self.calls: list = []
        self.result = result if result is not None else {"processed": 1}
        self.error = error
        self.during = during

    def __call__(self, context):
        self.calls.append(context)
        if self.during is not None:
            self.during(context)
        if self.error is not None:
            raise self.error
        return self.result


def specs(**tasks):
    """``specs(name=(callable, schedule, lease_seconds))`` -> a real registry's specs."""
    registry = TaskRegistry()
    registry.owner = "test"
    for name, (run, schedule, lease) in tasks.items():
        registry.add(name.replace("_", "-"), schedule=schedule, run=run, lease_seconds=lease)
    return registry.specs


@pytest.fixture
def make_runner(db, now_clock):
    def factory(**tasks) -> TaskRunner:
        runner = TaskRunner(db, now_clock, specs(**tasks))
        runner.ensure_indexes()
        return runner

    return factory


def hold_lease(db, name, *, holder="other-host:4242", until, run_id="elsewhere"):
    """Another process's lease, as it would have written it."""
    db["task_leases"].update_one(
        {"_id": name},
        {"$set": {"lease": {"runId": run_id, "holder": holder, "trigger": "scheduler",
                            "acquiredAt": until - timedelta(seconds=60), "expiresAt": until}}},
        upsert=True)


# -- one run -------------------------------------------------------------------------------

def test_a_run_is_recorded_with_status_summary_and_times_and_frees_its_lease(db, make_runner,
                                                                            now_clock):
    def task(context):
        now_clock.advance(seconds=1.5)  # the work takes a while, on the injected clock
        return {"processed": 3, "sent": 2}

    runner = make_runner(digest=(task, HOURLY, 60))
    started = now_clock.now()
    result = runner.run("digest")
    assert (result.status, result.summary, result.duration_ms) == ("ok", {"processed": 3, "sent": 2},
                                                                   1500)
    runs = list(db["task_runs"].find())
    assert len(runs) == 1
    doc = runs[0]
    assert str(doc["_id"]) == result.run_id
    assert {k: doc[k] for k in ("taskName", "plugin", "trigger", "status", "durationMs", "error")} == {
        "taskName": "digest", "plugin": "test", "trigger": "cli", "status": "ok",
        "durationMs": 1500, "error": None}
    assert doc["summary"] == {"processed": 3, "sent": 2}
    assert doc["startedAt"] == started and doc["endedAt"] == started + timedelta(seconds=1.5)
    assert db["task_leases"].find_one({"_id": "digest"})["lease"] is None


def test_the_callable_gets_a_context_or_nothing_as_it_declares(make_runner, now_clock):
    seen = {}

    def with_context(context):
        seen["positional"] = context

    def keyword_only(*, context):
        seen["keyword"] = context

    def like_hello(context=None):  # the hello plugin's tidy(context=None)
        seen["optional"] = context

    def no_args():
        seen["none"] = True
        return 7

    runner = make_runner(a=(with_context, HOURLY, 60), b=(keyword_only, HOURLY, 60),
                         c=(like_hello, HOURLY, 60), d=(no_args, HOURLY, 60))
    result = runner.run("a", trigger="http")
    context = seen["positional"]
    assert (context.task, context.trigger, context.now, context.run_id, context.scheduled_for) == (
        "a", "http", now_clock.now(), result.run_id, None)
    assert context.log.name == "lightninghire.tasks.a"
    runner.run("b")
    runner.run("c")
    assert seen["keyword"].task == "b" and seen["optional"].task == "c"
    assert runner.run("d").summary == {"processed": 7}


def test_the_hello_plugins_task_runs_through_the_runner(make_app, now_clock):
    harness = make_app(plugins=["hello"])
    greetings = harness.db["hello_greetings"]
    greetings.insert_one({"userId": "u1", "name": "old", "message": "Hi",
                          "createdAt": now_clock.now() - timedelta(days=40)})
    runner = TaskRunner(harness.db, now_clock, harness.services.tasks.specs)
    assert runner.run("hello-tidy").summary == {"processed": 1}
    assert greetings.count_documents({}) == 0


@pytest.mark.parametrize(("value", "summary"), [
    (None, {}),
    (4, {"processed": 4}),
    (True, {"result": True}),
    ({"sent": 2, "skipped": None, "rate": 0.5}, {"sent": 2, "skipped": None, "rate": 0.5}),
    ({"$bad.key": 1, "big": 2**70, "obj": object}, {"bad_key": 1, "big": str(2**70),
                                                    "obj": "<class 'object'>"}),
    ("done\n  twice", {"result": "done twice"}),
])
def test_what_a_task_returns_is_kept_as_a_small_storable_summary(value, summary):
    assert normalize_summary(value) == summary


def test_a_long_text_summary_is_cut():
    assert len(normalize_summary("x" * 1000)["result"]) == 200
    assert len(normalize_summary({f"k{i}": i for i in range(80)})) == 50


def test_a_failing_task_is_recorded_as_error_with_a_short_message_and_frees_its_lease(
        db, make_runner, caplog):
    failing = Counter(error=ValueError("boom\nwith a second line"))
    runner = make_runner(flaky=(failing, HOURLY, 60))
    with caplog.at_level(logging.ERROR, logger="lightninghire.tasks"):
        result = runner.run("flaky")
    assert (result.status, result.error, result.summary) == (
        "error", "ValueError: boom with a second line", {})
    doc = db["task_runs"].find_one()
    assert doc["status"] == "error" and doc["error"] == "ValueError: boom with a second line"
    assert "Traceback" not in str(doc)
    assert any(record.exc_info and "flaky" in record.getMessage() for record in caplog.records)
    assert db["task_leases"].find_one({"_id": "flaky"})["lease"] is None
    failing.error = None
    assert runner.run("flaky").ok  # nothing was left held


def test_an_interrupted_task_is_recorded_and_the_interrupt_goes_on(db, make_runner):
    runner = make_runner(stopped=(Counter(error=KeyboardInterrupt()), HOURLY, 60))
    with pytest.raises(KeyboardInterrupt):
        runner.run("stopped")
    doc = db["task_runs"].find_one()
    assert (doc["status"], doc["error"]) == ("error", "interrupted: KeyboardInterrupt")
    assert db["task_leases"].find_one({"_id": "stopped"})["lease"] is None


def test_unknown_task_is_not_found_and_triggers_are_checked(make_runner):
    runner = make_runner(real=(Counter(), HOURLY, 60))
    with pytest.raises(NotFound) as missing:
        runner.run("nope")
    assert missing.value.status == 404
    with pytest.raises(ValueError, match="trigger"):
        runner.run("real", trigger="webhook")


def test_the_result_reads_as_the_api_spells_it(make_runner, now_clock):
    result = make_runner(a=(Counter(), HOURLY, 60)).run("a", trigger="http")
    data = result.to_dict()
    stamp = now_clock.now().isoformat().replace("+00:00", "Z")
    assert data == {"runId": result.run_id, "task": "a", "trigger": "http", "status": "ok",
                    "startedAt": stamp, "endedAt": stamp, "durationMs": 0,
                    "summary": {"processed": 1}, "error": None, "scheduledFor": None,
                    "reason": None}


# -- leases --------------------------------------------------------------------------------

def test_a_held_lease_refuses_a_run_until_it_expires_after_a_crash(db, make_runner, now_clock):
    task = Counter()
    runner = make_runner(sync=(task, HOURLY, 300))
    # A holder that crashed mid-run: its lease and its "running" history document stay behind.
    hold_lease(db, "sync", until=now_clock.now() + timedelta(seconds=300))
    db["task_runs"].insert_one({"taskName": "sync", "status": "running", "trigger": "scheduler",
                                "startedAt": now_clock.now()})

    with pytest.raises(TaskBusy) as busy:
        runner.run("sync")
    assert isinstance(busy.value, Conflict) and busy.value.status == 409
    assert (busy.value.code, busy.value.reason, busy.value.holder) == (
        "TASK_BUSY", "busy", "other-host:4242")
    assert task.calls == []
    assert db["task_runs"].count_documents({"status": "skipped", "trigger": "cli"}) == 1

    now_clock.advance(seconds=299)
    with pytest.raises(TaskBusy):
        runner.run("sync")

    now_clock.advance(seconds=1)  # the crashed holder's lease has expired
    assert runner.run("sync").ok
    assert len(task.calls) == 1
    crashed = db["task_runs"].find_one({"trigger": "scheduler"})
    assert crashed["status"] == "error" and crashed["error"].startswith("abandoned")


def test_only_the_holder_releases_a_lease(db, make_runner, now_clock):
    def overtaken(context):
        # The run outlived its lease and another process took the task over meanwhile.
        hold_lease(db, "slow", holder="new-host:1", run_id="newer",
                   until=now_clock.now() + timedelta(seconds=60))

    runner = make_runner(slow=(Counter(during=overtaken), HOURLY, 60))
    result = runner.run("slow")
    assert result.ok
    assert db["task_leases"].find_one({"_id": "slow"})["lease"]["holder"] == "new-host:1"
    assert db["task_runs"].find_one({"status": "ok"})["leaseLost"] is True


def test_a_long_task_keeps_its_lease_by_renewing_it(db, make_runner, now_clock):
    other = TaskRunner(db, now_clock, make_runner(batch=(Counter(), HOURLY, 60)).specs)
    refused = []

    def long_batch(context):
        now_clock.advance(seconds=50)
        assert context.renew_lease() is True  # now + 60 s
        now_clock.advance(seconds=20)  # past the first expiry, within the renewed one
        try:
            other.run("batch")
        except TaskBusy as exc:
            refused.append(exc.reason)

    runner = TaskRunner(db, now_clock, specs(batch=(long_batch, HOURLY, 60)))
    assert runner.run("batch").ok
    assert refused == ["busy"]


def test_leases_of_different_tasks_are_independent(db, make_runner, now_clock):
    runner = make_runner(one=(Counter(), HOURLY, 60), two=(Counter(), HOURLY, 60))
    hold_lease(db, "one", until=now_clock.now() + timedelta(minutes=5))
    assert runner.run("two").ok
    with pytest.raises(TaskBusy):
        runner.run("one")


# -- due computation -----------------------------------------------------------------------

def test_a_task_first_seen_starts_its_schedule_without_running(make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60))
    assert runner.due() == []  # never seen: nothing to catch up on
    assert runner.run_due() == []
    now_clock.advance(minutes=59)
    assert runner.run_due() == []
    assert task.calls == []


def test_a_task_is_due_once_per_fire_time(make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60))
    runner.run_due()  # first sight
    now_clock.advance(hours=1)
    fire = now_clock.now()
    assert runner.due() == [DueTask("hourly", fire)]
    [result] = runner.run_due()
    assert (result.status, result.trigger, result.scheduled_for) == ("ok", "scheduler", fire)
    assert task.calls[0].scheduled_for == fire
    assert runner.due() == []
    now_clock.advance(minutes=30)
    assert runner.run_due() == []  # not twice for the same fire time
    assert len(task.calls) == 1


def test_missed_fire_times_collapse_into_one_run(make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60), daily=(Counter(), "30 6 * * *", 60))
    runner.run_due()
    start = now_clock.now()
    now_clock.advance(hours=5, minutes=20)  # the scheduler was down for five fire times
    assert runner.due() == [DueTask("hourly", start + timedelta(hours=5))]
    assert [r.task for r in runner.run_due()] == ["hourly"]
    assert runner.run_due() == []
    assert len(task.calls) == 1


def test_a_failed_scheduled_run_uses_up_its_fire_time(make_runner, now_clock):
    task = Counter(error=RuntimeError("upstream down"))
    runner = make_runner(hourly=(task, HOURLY, 60))
    runner.run_due()
    now_clock.advance(hours=1)
    assert [r.status for r in runner.run_due()] == ["error"]
    assert runner.run_due() == []  # tasks are idempotent batches: the next fire retries
    now_clock.advance(hours=1)
    task.error = None
    assert [r.status for r in runner.run_due()] == ["ok"]


def test_a_busy_task_stays_due_and_runs_once_its_lease_is_free(db, make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60))
    runner.run_due()
    now_clock.advance(hours=1)
    fire = now_clock.now()
    hold_lease(db, "hourly", until=fire + timedelta(seconds=90))
    [skipped] = runner.run_due()
    assert (skipped.status, skipped.reason, skipped.scheduled_for) == ("skipped", "busy", fire)
    assert db["task_runs"].count_documents({}) == 0  # a scheduler's lost races are not history
    assert runner.due() == [DueTask("hourly", fire)]
    now_clock.advance(seconds=90)
    [result] = runner.run_due()
    assert (result.status, result.scheduled_for) == ("ok", fire)
    assert len(task.calls) == 1


def test_a_manual_run_does_not_use_up_the_schedule(make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60))
    runner.run_due()
    now_clock.advance(hours=1)
    runner.run("hourly")
    assert [r.status for r in runner.run_due()] == ["ok"]
    assert [c.trigger for c in task.calls] == ["cli", "scheduler"]


def test_an_external_cron_can_claim_the_fire_time(make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60))
    runner.run_due()
    now_clock.advance(hours=1, minutes=2)
    fire = runner.latest_fire("hourly")
    assert fire == now_clock.now() - timedelta(minutes=2)
    assert runner.run("hourly", trigger="http", scheduled_for=fire).ok
    assert runner.due() == []  # an internal scheduler will not repeat it
    with pytest.raises(TaskBusy) as again:
        runner.run("hourly", trigger="http", scheduled_for=fire)
    assert again.value.reason == "claimed"
    assert len(task.calls) == 1


def test_next_fire_is_the_soonest_of_all_tasks(make_runner, now_clock):
    runner = make_runner(hourly=(Counter(), HOURLY, 60), quarter=(Counter(), "*/15 * * * *", 60))
    assert runner.next_fire() == now_clock.now() + timedelta(minutes=15)


# -- races ---------------------------------------------------------------------------------

def _race(db, now_clock, attempt):
    """Two threads, each with its own runner, call ``attempt(runner)`` at once on one task whose
    run holds its lease until the other thread has returned. Returns the outcomes."""
    finished = threading.Event()

    def slow_task(context):
        db["counters"].update_one({"_id": "race"}, {"$inc": {"n": 1}}, upsert=True)
        # Bounded: a second winner would wait here too, time out, and make the count 2.
        finished.wait(10)

    registry = specs(race=(slow_task, HOURLY, 60))
    runners = [TaskRunner(db, now_clock, registry) for _ in range(2)]
    runners[0].run_due()  # first sight
    now_clock.advance(hours=1)
    start = threading.Barrier(2)
    outcomes: list = []

    def contender(runner: TaskRunner) -> None:
        start.wait(10)
        try:
            outcomes.append(attempt(runner))
        except TaskBusy as busy:
            outcomes.append(busy)
        finally:
            finished.set()

    threads = [threading.Thread(target=contender, args=(runner,)) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert db["counters"].find_one({"_id": "race"})["n"] == 1
    assert db["task_runs"].count_documents({"status": "ok"}) == 1
    return outcomes


def test_two_threads_claiming_one_fire_time_run_it_once(db, now_clock):
    fire = now_clock.now() + timedelta(hours=1)
    outcomes = _race(db, now_clock,
                     lambda runner: runner.run("race", "scheduler", scheduled_for=fire))
    assert sorted(type(o).__name__ for o in outcomes) == ["RunResult", "TaskBusy"]
    [busy] = [o for o in outcomes if isinstance(o, TaskBusy)]
    assert busy.reason in {"busy", "claimed"}


def test_two_threads_running_due_tasks_run_each_once(db, now_clock):
    outcomes = _race(db, now_clock, lambda runner: runner.run_due())
    statuses = sorted(result.status for results in outcomes for result in results)
    # The slower thread sees the task busy (skipped) or, if it looked later, not due at all.
    assert statuses in (["ok"], ["ok", "skipped"])


# -- the scheduler loop --------------------------------------------------------------------

def test_the_scheduler_runs_due_tasks_and_sleeps_until_the_next_fire(make_runner, now_clock):
    task = Counter()
    runner = make_runner(hourly=(task, HOURLY, 60))
    stop = threading.Event()
    waits = []
    now_clock.advance(minutes=10)

    def wait(event, seconds):  # instead of sleeping: move the frozen clock
        waits.append(seconds)
        now_clock.advance(seconds=seconds)
        if len(waits) == 40:
            event.set()

    cycles = Scheduler(runner, poll_seconds=600, wait=wait).run_forever(stop)
    assert cycles == 40
    assert max(waits) <= 600
    # 40 waits of at most 10 minutes: at least 6 fire times passed, each run exactly once.
    fires = [c.scheduled_for for c in task.calls]
    assert len(fires) == len(set(fires)) >= 6
    assert all(f.minute == 0 for f in fires)


def test_the_scheduler_outlives_a_database_outage(now_clock, caplog):
    unreachable = Database("mongodb://127.0.0.1:9/", "nowhere", serverSelectionTimeoutMS=200)
    runner = TaskRunner(unreachable, now_clock, specs(a=(Counter(), HOURLY, 60)))
    stop = threading.Event()
    waits = []

    def wait(event, seconds):
        waits.append(seconds)
        if len(waits) == 2:
            event.set()

    with caplog.at_level(logging.ERROR, logger="lightninghire.tasks.scheduler"):
        assert Scheduler(runner, poll_seconds=5, wait=wait).run_forever(stop) == 2
    assert sum("cycle failed" in r.getMessage() for r in caplog.records) == 2
    unreachable.close()


def test_the_scheduler_stops_promptly_when_told(make_runner):
    runner = make_runner(hourly=(Counter(), HOURLY, 60))
    stop = threading.Event()
    loop = threading.Thread(target=Scheduler(runner, poll_seconds=300).run_forever, args=(stop,))
    loop.start()
    stop.set()  # wakes the real wait at once
    loop.join(10)
    assert not loop.is_alive()


def test_sigterm_sets_the_stop_event_and_handlers_are_restored():
    before = signal.getsignal(signal.SIGTERM)
    stop = threading.Event()
    with stop_on_signals(stop):
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5)
    assert signal.getsignal(signal.SIGTERM) is before


# -- collections ---------------------------------------------------------------------------

def test_history_indexes_are_created_idempotently_with_a_ttl(db, now_clock):
    runner = TaskRunner(db, now_clock, {})
    runner.ensure_indexes()
    runner.ensure_indexes()
    indexes = {tuple(ix["key"].keys()): ix for ix in db["task_runs"].list_indexes()}
    assert indexes[("startedAt",)]["expireAfterSeconds"] == 30 * 86400
    assert ("taskName", "startedAt") in indexes
    TaskRunner(db, now_clock, {}, history_days=7).ensure_indexes()  # retention changed
    indexes = {tuple(ix["key"].keys()): ix for ix in db["task_runs"].list_indexes()}
    assert indexes[("startedAt",)]["expireAfterSeconds"] == 7 * 86400
