"""Which users changed: the signal that lets every process cache per-user data safely.

A process may keep what it read about a user (the credential's principal, the entitlement facts)
only while nothing about that user has changed. Every write that changes it calls
``UserInvalidation.invalidate(user_id)``, which

- bumps the user's slot on a **board** of counters in shared memory: a small file under
  ``/dev/shm`` named after the database, so every process on this host that talks to the same
  database (each gunicorn worker, a CLI command, the scheduler) sees the bump on its very next
  read — no database trip, no fork-order requirement;
- ``$inc``-s one of 64 buckets of an **epoch document** in the database, which other hosts read
  at most every ``auth.principal_cache_sync_seconds``: that is the bound on how long another host
  may serve a revoked credential (documented in docs/deploy.md).

A cache entry records the slot's value when it was filled and is good while the value is the
same. A fill that raced with an invalidation (the board's global counter moved while it read) is
not kept. Slots are shared by users that hash alike: a collision only costs a re-read.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import struct
import tempfile
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from lightninghire.clock import Clock

log = logging.getLogger(__name__)

SLOTS = 4096
BUCKETS = 64
_WORD = struct.Struct("<Q")
_SIZE = (SLOTS + 1) * _WORD.size  # slot counters, then the global counter
_GLOBAL = SLOTS
EPOCHS = "principal_epochs"
EPOCH_ID = "users"


def slot_of(user_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(str(user_id).encode(), digest_size=4).digest()) % SLOTS


def board_path(uri: str, database: str) -> Path:
    """One board per database: processes of two test databases never disturb each other."""
    # Shared memory is the point; the file holds counters only, and is opened 0600.
    shm = Path("/dev/shm")  # noqa: S108
    folder = shm if shm.is_dir() else Path(tempfile.gettempdir())
    digest = hashlib.sha256(f"{uri}\0{database}".encode()).hexdigest()[:20]
    return folder / f"lightninghire-{digest}.board"


class Board:
    """Counters in a shared, file-backed memory map. Bumps take an exclusive file lock (exact
    increments across processes); reads take none (a torn read only forces a re-read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _SIZE:
                fcntl.lockf(fd, fcntl.LOCK_EX)
                try:
                    if os.fstat(fd).st_size < _SIZE:
                        os.ftruncate(fd, _SIZE)
                finally:
                    fcntl.lockf(fd, fcntl.LOCK_UN)
            self._map = mmap.mmap(fd, _SIZE, mmap.MAP_SHARED)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._lock = threading.Lock()

    def read(self, index: int) -> int:
        return _WORD.unpack_from(self._map, index * _WORD.size)[0]

    def bump(self, indexes: Iterable[int]) -> None:
        with self._lock:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
            try:
                for index in {*indexes, _GLOBAL}:
                    offset = index * _WORD.size
                    value = _WORD.unpack_from(self._map, offset)[0]
                    _WORD.pack_into(self._map, offset, (value + 1) & 0xFFFFFFFFFFFFFFFF)
            finally:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._map.closed:
            return
        try:
            self._map.close()
        finally:
            os.close(self._fd)


class UserInvalidation:
    """``version(user_id)`` to stamp a cache entry, ``invalidate(user_id)`` after a write."""

    def __init__(self, board: Board, epochs: Collection[dict[str, Any]] | None, clock: Clock,
                 sync_seconds: float) -> None:
        self.board = board
        self.epochs = epochs
        self.clock = clock
        self.sync_every = timedelta(seconds=sync_seconds) if sync_seconds > 0 else None
        self._seen_buckets: list[int] | None = None
        self._synced_at: datetime | None = None
        self._sync_lock = threading.Lock()
        self._listeners: list[Any] = []

    # -- readers -------------------------------------------------------------------------------

    def version(self, user_id: str) -> int:
        return self.board.read(slot_of(user_id))

    def stamp(self) -> int:
        """The board's global counter: read before a fill, compared after it."""
        return self.board.read(_GLOBAL)

    def on_remote_change(self, listener: Any) -> None:
        """``listener(buckets)`` is called when another host invalidated users in ``buckets``."""
        self._listeners.append(listener)

    def sync(self) -> None:
        """At most every ``sync_seconds``: read the epoch document (one ``find_one`` by ``_id``)
        and tell the caches which buckets another host bumped."""
        if self.sync_every is None or self.epochs is None:
            return
        now = self.clock.now()
        if self._synced_at is not None and now - self._synced_at < self.sync_every:
            return
        if not self._sync_lock.acquire(blocking=False):
            return  # another thread of this process is reading it right now
        try:
            self._synced_at = now
            try:
                doc = self.epochs.find_one({"_id": EPOCH_ID})
            except PyMongoError as exc:  # the request that needs the database will say so
                log.warning("principal epochs unreadable: %s", type(exc).__name__)
                return
            buckets = [int((doc or {}).get(f"b{i}", 0)) for i in range(BUCKETS)]
            seen, self._seen_buckets = self._seen_buckets, buckets
            if seen is None:
                return
            changed = {i for i in range(BUCKETS) if buckets[i] != seen[i]}
            if changed:
                for listener in self._listeners:
                    listener(changed)
        finally:
            self._sync_lock.release()

    # -- writers -------------------------------------------------------------------------------

    def invalidate(self, *user_ids: str | Any) -> None:
        """Call after the write: this host at once, other hosts within the sync bound."""
        ids = [str(u) for u in user_ids if u is not None]
        if not ids:
            return
        slots = [slot_of(u) for u in ids]
        self.board.bump(slots)
        if self.epochs is None or self.sync_every is None:
            return
        buckets = {s % BUCKETS for s in slots}
        try:
            # Top-level counters b0..b63: an upserted $inc of a top-level field behaves the same
            # on MongoDB and the embedded server.
            update = {"$inc": {f"b{bucket}": 1 for bucket in buckets}}
            try:
                self.epochs.update_one({"_id": EPOCH_ID}, update, upsert=True)
            except DuplicateKeyError:  # two first bumps raced to create it: now it exists
                self.epochs.update_one({"_id": EPOCH_ID}, update)
        except PyMongoError as exc:
            # This host is already invalidated; other hosts fall back to the cache's max age.
            log.error("principal epoch bump failed: %s", type(exc).__name__)


def bucket_of(user_id: str) -> int:
    return slot_of(user_id) % BUCKETS


class UserCache:
    """A per-process LRU of values read about one user, each good while that user's board slot
    is unchanged and for at most ``max_age_seconds`` (the safety net for a write that forgot to
    invalidate). Values are shared between requests: treat them as read-only."""

    def __init__(self, invalidation: UserInvalidation, clock: Clock, *, max_age_seconds: float,
                 max_entries: int = 10_000) -> None:
        from collections import OrderedDict

        self.invalidation = invalidation
        self.clock = clock
        self.max_age = timedelta(seconds=max_age_seconds)
        self.max_entries = max_entries
        self._entries: OrderedDict[Any, tuple[Any, str, int, datetime, datetime]] = OrderedDict()
        self._lock = threading.Lock()
        invalidation.on_remote_change(self._drop_buckets)

    def get(self, key: Any, load: Any) -> Any:
        """The cached value for ``key``, or ``load()``'s: ``(user_id, value)``, or
        ``(user_id, value, valid_until)`` for a value that time alone will change (a paid
        period that ends), or ``None`` (nothing to cache)."""
        self.invalidation.sync()
        now = self.clock.now()
        entry = self._entries.get(key)
        if entry is not None:
            value, user_id, version, filled_at, expires_at = entry
            if (self.invalidation.version(user_id) == version and filled_at <= now < expires_at):
                return value
        stamp = self.invalidation.stamp()
        loaded = load()
        if loaded is None:
            self.discard(key)
            return None
        user_id, value = loaded[0], loaded[1]
        expires_at = now + self.max_age
        if len(loaded) > 2 and loaded[2] is not None:
            expires_at = min(expires_at, loaded[2])
        version = self.invalidation.version(str(user_id))
        if self.invalidation.stamp() == stamp:  # no write raced with this read: keep it
            with self._lock:
                self._entries[key] = (value, str(user_id), version, now, expires_at)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value

    def discard(self, key: Any) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _drop_buckets(self, buckets: set[int]) -> None:
        with self._lock:
            for key in [k for k, e in self._entries.items() if bucket_of(e[1]) in buckets]:
                del self._entries[key]
