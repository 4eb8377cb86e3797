"""The database service: one pymongo client per process, created on first use.

Created lazily and keyed by process id, so a client made before gunicorn forks is never shared
with a worker (pymongo clients are not fork-safe). The same code talks to the embedded nx-27017
server, a replica set or Atlas: only standard MongoDB features are used.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database as MongoDatabase
from pymongo.errors import PyMongoError

from lightninghire.registry import CollectionSpec

log = logging.getLogger(__name__)


class CollectionRef:
    """A collection resolved on the current process's client at each use (fork-safe)."""

    __slots__ = ("_database", "_name")

    def __init__(self, database: Database, name: str) -> None:
        self._database = database
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._database.mongo[self._name], attribute)

    def __repr__(self) -> str:
        return f"CollectionRef({self._database.name}.{self._name})"


class Database:
    """``services.db["applications"]`` is a pymongo ``Collection``."""

    def __init__(self, uri: str, name: str, **client_options: Any) -> None:
        self.uri = uri
        self.name = name
        self._options = {
            "tz_aware": True,  # datetimes come back UTC-aware, so the API prints them with Z
            "uuidRepresentation": "standard",
            "serverSelectionTimeoutMS": 5000,
            "appname": "lightninghire",
            **client_options,
        }
        self._client: MongoClient[dict[str, Any]] | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()

    @property
    def client(self) -> MongoClient[dict[str, Any]]:
        pid = os.getpid()
        if self._client is None or self._pid != pid:
            with self._lock:
                if self._client is None or self._pid != pid:
                    # After a fork the parent's client is unusable here; drop it without closing
                    # (closing would touch the parent's sockets).
                    self._client = MongoClient(self.uri, **self._options)
                    self._pid = pid
        return self._client

    @property
    def mongo(self) -> MongoDatabase[dict[str, Any]]:
        return self.client[self.name]

    def __getitem__(self, collection: str) -> Collection[dict[str, Any]]:
        # A reference, not the pymongo object: stores built before gunicorn forks (or before
        # the first query) always reach this process's own client.
        return CollectionRef(self, collection)  # type: ignore[return-value]

    def ping(self) -> bool:
        try:
            self.client.admin.command("ping")
        except PyMongoError as exc:
            log.warning("database ping failed: %s", exc)
            return False
        return True

    def ensure_collections(self, specs: Iterable[CollectionSpec]) -> None:
        """Create every registered index; safe to repeat (same spec, same index)."""
        for spec in specs:
            if spec.indexes:
                self[spec.name].create_indexes(list(spec.indexes))

    def close(self) -> None:
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
        self._client = None
