"""Domain logic: no HTTP here, so the same code serves routes, the task and the event hook."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from lightninghire.api import OwnedDocuments, Services, given

NAME = "hello"
COLLECTION = "hello_greetings"
EVENT_GREETED = "hello.greeted"


def greetings_of(services: Services) -> GreetingService:
    """The per-app service shared by routes, the task, the event hook and the CLI command:
    built on first use, then the same object for this app (``services.state``)."""
    return services.state(f"{NAME}.greetings", lambda s: GreetingService(
        s.db[COLLECTION], s.clock, s.events, s.plugin_settings(NAME)))


class GreetingService(OwnedDocuments):
    """The caller's greetings (``OwnedDocuments``: every query filters by ``userId``, so another
    user's greeting is a 404) plus the public greeting and the tidy task."""

    def __init__(self, collection: Any, clock: Any, events: Any,
                 settings: Mapping[str, Any]) -> None:
        super().__init__(collection, what="greeting")
        self.clock = clock
        self.events = events
        self.template: str = settings["greeting"]
        self.retention = timedelta(days=settings["retention_days"])
        # Per-app, in memory: this object is the plugin's state (services.state), not a global.
        self._lock = threading.Lock()
        self.said = 0

    def greet(self, name: str) -> str:
        with self._lock:
            self.said += 1
        return self.template.format(name=name)

    # -- the CollectionResource protocol (list/get/delete come from OwnedDocuments) -------------

    def list(self, owner: str, query: Mapping[str, Any],
             filter: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return super().list(owner, query, filter={**(filter or {}), **given(query, "name")})

    def create(self, owner: str, body: Mapping[str, Any]) -> dict[str, Any]:
        name = body["name"]
        greeting = super().create(owner, {"name": name, "message": self.greet(name),
                                          "createdAt": self.clock.now()})
        self.events.emit(EVENT_GREETED, {"name": name, "greetingId": greeting["id"]},
                         user_id=owner)
        return greeting

    def update(self, owner: str, id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        name = changes["name"]
        return super().update(owner, id, {"name": name, "message": self.greet(name)})

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        return {"id": str(doc["_id"]), "name": doc["name"], "message": doc["message"],
                "createdAt": doc["createdAt"]}

    # -- beyond one owner --------------------------------------------------------------------

    def forget(self, user_id: str) -> int:
        """Delete every greeting of ``user_id`` (idempotent: a second call deletes nothing)."""
        return self.collection.delete_many({self.owner_field: user_id}).deleted_count

    def tidy(self) -> int:
        """Delete greetings older than the retention; idempotent, so a repeated run is harmless."""
        cutoff = self.clock.now() - self.retention
        return self.collection.delete_many({"createdAt": {"$lt": cutoff}}).deleted_count

    def stats(self) -> dict[str, int]:
        # estimated_document_count reads collection metadata: no scan, fine on a request path.
        return {"stored": self.collection.estimated_document_count(), "saidSinceStart": self.said}
