"""``Scheduler``: the long-running loop behind ``lightninghire scheduler``.

Each cycle runs every due task (``TaskRunner.run_due``), then waits until the next fire time,
at most ``poll_seconds`` (so a task that was busy is retried, and a clock change is noticed).
Any number of schedulers may run against one database: the leases make each fire time run once.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

from lightninghire.tasks.runner import RunResult, TaskRunner

log = logging.getLogger("lightninghire.tasks.scheduler")

Wait = Callable[[threading.Event, float], object]


def _wait(stop: threading.Event, seconds: float) -> object:
    return stop.wait(seconds)


class Scheduler:
    """``Scheduler(runner).run_forever(stop_event)``; ``wait`` is injectable so tests move a
    frozen clock instead of sleeping."""

    def __init__(self, runner: TaskRunner, *, poll_seconds: float = 30.0,
                 wait: Wait = _wait) -> None:
        if poll_seconds <= 0:
            raise ValueError("poll_seconds must be positive")
        self.runner = runner
        self.poll_seconds = poll_seconds
        self._wait = wait

    def tick(self) -> list[RunResult]:
        """One cycle; a database outage or a bug is logged, never ends the loop."""
        try:
            return self.runner.run_due(trigger="scheduler")
        except Exception:
            log.exception("scheduler cycle failed; retrying in at most %ss", self.poll_seconds)
            return []

    def seconds_until_next(self) -> float:
        now = self.runner.clock.now()
        upcoming = self.runner.next_fire(now)
        if upcoming is None:
            return self.poll_seconds
        # A hair past the fire time, so the next cycle sees it as passed.
        return min(self.poll_seconds, max(0.0, (upcoming - now).total_seconds()) + 0.01)

    def run_forever(self, stop: threading.Event, poll_seconds: float | None = None) -> int:
        """Run cycles until ``stop`` is set; returns how many cycles ran."""
        if poll_seconds is not None:
            self.poll_seconds = poll_seconds
        cycles = 0
        log.info("scheduler started: %d task(s), polling at most every %ss",
                 len(self.runner.specs), self.poll_seconds)
        while not stop.is_set():
            self.tick()
            cycles += 1
            if stop.is_set():
                break
            self._wait(stop, self.seconds_until_next())
        log.info("scheduler stopped after %d cycle(s)", cycles)
        return cycles


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event,
                    signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT),
                    ) -> Iterator[threading.Event]:
    """Set ``stop`` on SIGTERM/SIGINT (the running task finishes first); a second signal acts as
    usual (Ctrl-C twice interrupts). Main thread only, as Python requires."""
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("received %s: stopping after the current task", signal.Signals(signum).name)
        stop.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    for sig in signals:
        signal.signal(sig, handle)
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
