"""Domain events: ``services.events.emit("lead.captured", {...})`` reaches every plugin's
``handle_event`` hook, so domains react to each other without importing each other."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)


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
    streaks, counters), so it costs the request nothing.

    ``record=True`` (the test harness) keeps every emitted event in ``emitted``.
    """

    def __init__(self, deliver: Callable[[Event], Iterable[tuple[str, Any]]],
                 now: Callable[[], datetime], record: bool = False,
                 deliver_deferred: Callable[[Event], Iterable[tuple[str, Any]]] | None = None,
                 defer: Callable[..., None] | None = None) -> None:
        self._deliver = deliver
        self._deliver_deferred = deliver_deferred
        self._defer = defer
        self._now = now
        self.record = record
        self.emitted: list[Event] = []

    def emit(self, name: str, payload: Mapping[str, Any] | None = None,
             user_id: str | None = None) -> Event:
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

    @staticmethod
    def log_failure(plugin: str, exc: Exception) -> None:
        # A plugin's bug must not break the emitter's request, nor the other plugins.
        log.error("plugin %s: handle_event failed", plugin, exc_info=exc)

    def named(self, name: str) -> list[Event]:
        return [event for event in self.emitted if event.name == name]
