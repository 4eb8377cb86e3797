"""Domain events: ``services.events.emit("user.signed_up", {...})`` reaches every plugin's
``handle_event`` hook, so domains react to each other without importing each other."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


class UndeclaredEvent(RuntimeError):
    """An event no enabled plugin declares emitting (``plugin_events["emits"]``)."""


@dataclass(frozen=True)
class Event:
    name: str
    payload: Mapping[str, Any]
    at: datetime
    user_id: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class EventBus:
    """Delivers events plugin by plugin; one failing handler never stops the rest.

    ``handle_event`` runs synchronously, inside the emitter's request: for reactions the answer
    depends on. ``handle_event_deferred`` runs after the answer, on the background worker
    (``lightninghire.background``): for bookkeeping the answer does not need (activity,
    counters), so it costs the request nothing.

    ``record=True`` (the test harness) keeps every emitted event in ``emitted``.

    ``declared``: the events enabled plugins declare emitting. Emitting another is a bug (a
    typo, or an event its listeners were never told about): with ``strict`` (the test harness)
    it raises ``UndeclaredEvent``; otherwise it is logged as an error, once per name, and still
    delivered (an emit runs inside a user's request, which should not fail for it).
    """

    def __init__(self, deliver: Callable[[Event], Iterable[tuple[str, Any]]],
                 now: Callable[[], datetime], record: bool = False,
                 deliver_deferred: Callable[[Event], Iterable[tuple[str, Any]]] | None = None,
                 defer: Callable[..., None] | None = None,
                 declared: Collection[str] | None = None, strict: bool = False) -> None:
        self._deliver = deliver
        self.declared = None if declared is None else frozenset(declared)
        self.strict = strict
        self._reported: set[str] = set()
        self._standing_in: frozenset[str] = frozenset()
        self._deliver_deferred = deliver_deferred
        self._defer = defer
        self._now = now
        self.record = record
        self.emitted: list[Event] = []

    def emit(self, name: str, payload: Mapping[str, Any] | None = None,
             user_id: str | None = None) -> Event:
        if self.declared is not None and name not in self.declared \
                and name not in self._standing_in:
            self._undeclared(name)
        event = Event(name, dict(payload or {}), self._now(), user_id)
        if self.record:
            self.emitted.append(event)
        for _plugin, _result in self._deliver(event):
            pass
        if self._deliver_deferred is not None:
            if self._defer is None:
                self._run_deferred(event)
            else:
                self._defer(self._run_deferred, event)
        return event

    def _run_deferred(self, event: Event) -> None:
        assert self._deliver_deferred is not None
        for _plugin, _result in self._deliver_deferred(event):
            pass

    @contextlib.contextmanager
    def standing_in(self, *names: str) -> Iterator[None]:
        """Allow ``names`` for a while: a test emitting as a plugin that is not enabled."""
        before = self._standing_in
        self._standing_in = before | frozenset(names)
        try:
            yield
        finally:
            self._standing_in = before

    def _undeclared(self, name: str) -> None:
        message = (f"event {name!r} is emitted, but no enabled plugin declares emitting it "
                   f"(plugin_events['emits'], docs/plugins.md)")
        if self.strict:
            raise UndeclaredEvent(message)
        if name not in self._reported:
            self._reported.add(name)
            log.error("%s", message)

    @staticmethod
    def log_failure(plugin: str, exc: Exception) -> None:
        # A plugin's bug must not break the emitter's request, nor the other plugins.
        log.error("plugin %s: handle_event failed", plugin, exc_info=exc)

    def named(self, name: str) -> list[Event]:
        return [event for event in self.emitted if event.name == name]
