"""Work done after the answer: the background worker and the buffered usage counters, threaded
as they run under gunicorn (the test harness runs them inline instead)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from lightninghire.background import Background, in_background
from lightninghire.policy.entitlements import UsageRecorder


def test_deferred_calls_run_in_order_on_another_thread_and_drain_waits_for_them():
    background = Background(threaded=True)
    ran: list[tuple[int, bool, str]] = []
    caller = threading.current_thread().name

    def work(n):
        ran.append((n, in_background(), threading.current_thread().name))
        if n == 1:
            background.defer(work, 3)  # queued by deferred work: drained too

    background.defer(work, 1)
    background.defer(work, 2)
    background.drain()
    assert [n for n, _, _ in ran] == [1, 2, 3]
    assert all(flag for _, flag, _ in ran) and all(name != caller for _, _, name in ran)
    background.close()
    assert not background._worker.here()


def test_a_failing_call_is_logged_and_the_next_ones_still_run(caplog):
    background = Background(threaded=True)
    ran = []

    def broken():
        raise RuntimeError("boom")

    background.defer(broken)
    background.defer(ran.append, "after")
    background.close()
    assert ran == ["after"]
    assert "deferred call" in caplog.text and "boom" in caplog.text


def test_usage_counts_are_written_by_the_flusher_and_on_close(lh_db):
    counters = lh_db["usage_counters"]
    recorder = UsageRecorder(counters, flush_seconds=60, threaded=True)
    at = datetime(2031, 1, 2, 12, 0, tzinfo=UTC)
    recorder.add("u1", "mock_interviews", at)
    recorder.add("u1", "mock_interviews", at)
    recorder.add("u1", "mock_interviews", at, -1)  # a refund
    assert recorder.pending("u1") == {"total": {"mock_interviews": 1},
                                      "2031-01-02": {"mock_interviews": 1}}
    assert counters.find_one({"_id": "u1|total"}) is None  # not yet: off the request path
    recorder.close()  # a graceful stop writes what is left
    assert counters.find_one({"_id": "u1|total"})["f_mock_interviews"] == 1
    day = counters.find_one({"_id": "u1|2031-01-02"})
    assert day["f_mock_interviews"] == 1 and day["userId"] == "u1" and day["expiresAt"]
    assert recorder.pending("u1") == {}


def test_closing_the_services_of_a_command_finishes_its_deferred_work(lh_settings):
    """A CLI command's process exits right after it: ``Services.close`` (called by the CLI and
    ``database_for``) runs what was deferred and writes buffered counts first."""
    from lightninghire.app import build_services

    services = build_services(lh_settings)  # threaded, as the CLI builds it
    done = []
    services.background.defer(done.append, "deferred")
    services.close()
    assert done == ["deferred"]
    services.close()  # twice is harmless
