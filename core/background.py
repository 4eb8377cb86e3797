"""Work the answer does not need, done after it: one worker thread per process.

``services.background.defer(fn, *args)`` queues a call; the request returns without waiting for
it. Calls run in order, one at a time; a failing call is logged and never affects the request
that queued it nor the calls after it. ``drain()`` waits until the queue is empty (the app calls
it on shutdown, so a graceful stop loses nothing).

What a crash can lose: the calls queued in that process and not yet run — in practice the last
few milliseconds of bookkeeping. Anything whose loss matters is persisted *before* it is deferred
(an outbox row, a flag on the stored document) so a scheduled task finishes it after a crash;
the deferred call only makes that happen sooner.

Tests build the app with ``threaded=False``: deferred calls then run when the harness drains
after each simulated request, in the test's own thread, deterministically.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
_STOP = object()
_running = threading.local()


class ProcessThread:
    """A daemon thread of this process, started on first use and again after a fork: a forked
    gunicorn worker inherits the object but not the thread."""

    def __init__(self, name: str, target: Callable[[], None]) -> None:
        self.name = name
        self.target = target
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    def here(self) -> bool:
        """Whether this process has started it."""
        return self._thread is not None and self._pid == os.getpid()

    def start_here(self, reset: Callable[[], None] | None = None) -> None:
        """Start it in this process unless running; ``reset`` first renews per-process state."""
        if self.here():
            return
        with self._lock:
            if not self.here():
                if reset is not None:
                    reset()
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self.target, name=self.name, daemon=True)
                self._thread.start()

    def join(self, timeout: float) -> None:
        if self.here():
            assert self._thread is not None
            self._thread.join(timeout=timeout)
        self._thread = None


def in_background() -> bool:
    """True inside a deferred call (a command listener can tell request work from the rest)."""
    return bool(getattr(_running, "active", False))


class Background:
    def __init__(self, *, threaded: bool = True) -> None:
        self.threaded = threaded
        self._queue: queue.Queue[Any] = queue.Queue()
        self._pending: deque[Call] = deque()
        self._worker = ProcessThread("lightninghire-background", self._loop)

    def defer(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if not self.threaded:
            self._pending.append((fn, args, kwargs))
            return
        self._worker.start_here(reset=self._new_queue)
        self._queue.put((fn, args, kwargs))

    def drain(self) -> None:
        """Run (or wait for) everything queued so far, including what those calls queue."""
        if not self.threaded:
            while self._pending:
                self._run(self._pending.popleft())
            return
        if self._worker.here():
            self._queue.join()

    def close(self) -> None:
        self.drain()
        if self.threaded and self._worker.here():
            self._queue.put(_STOP)
            self._worker.join(timeout=10)

    def _new_queue(self) -> None:
        # A queue inherited through a fork may hold the parent's calls (and a held lock).
        self._queue = queue.Queue()

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is _STOP:
                    return
                self._run(item)
            finally:
                self._queue.task_done()

    @staticmethod
    def _run(call: Call) -> None:
        fn, args, kwargs = call
        _running.active = True
        try:
            fn(*args, **kwargs)
        except Exception:
            log.exception("deferred call %s failed", getattr(fn, "__qualname__", fn))
        finally:
            _running.active = False
