"""Cookie sessions: an opaque random token in the cookie, only its hash in the database.

Sessions slide (idle timeout, refreshed at most hourly so a request rarely writes) within an
absolute lifetime, and are revoked server-side. Cookie-authenticated writes pass a CSRF check:
an allowed Origin (or Referer), or the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import falcon
from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection

from lightninghire.account.crypto import same, token_hash
from lightninghire.clock import Clock
from lightninghire.errors import Forbidden, Unauthenticated
from lightninghire.http.auth import Principal
from lightninghire.invalidation import UserCache, UserInvalidation

COLLECTION = "sessions"
COOKIE = "lh_session"
CSRF_HEADER = "X-CSRF-Token"
SLIDE_EVERY = timedelta(hours=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Documents = Collection[dict[str, Any]]
INDEXES = (
    IndexModel([("tokenHash", ASCENDING)], unique=True),
    IndexModel([("userId", ASCENDING)]),
    # Cleanup only: expiry is always checked in code, so a TTL sweeper that lags changes nothing.
    IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),
)


def csrf_token_for(session_token: str) -> str:
    """Derived from the cookie's secret, so it needs no storage and cannot be guessed."""
    return hashlib.sha256(f"csrf:{session_token}".encode()).hexdigest()


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


class SessionStore:
    def __init__(self, collection: Documents, users: Documents, clock: Clock,
                 idle_days: int, max_days: int,
                 invalidation: UserInvalidation | None = None) -> None:
        self.collection = collection
        self.users = users
        self.clock = clock
        self.invalidation = invalidation
        self.idle = timedelta(days=idle_days)
        self.max_age = timedelta(days=max_days)

    def create(self, user_id: ObjectId, ip: str | None, user_agent: str | None) -> tuple[str, dict[str, Any]]:
        token = secrets.token_urlsafe(32)
        now = self.clock.now()
        doc = {
            "tokenHash": token_hash(token),
            "userId": str(user_id),
            "createdAt": now,
            "lastSeenAt": now,
            "expiresAt": min(now + self.idle, now + self.max_age),
            "absoluteExpiresAt": now + self.max_age,
            "ip": ip,
            "userAgent": (user_agent or "")[:200],
        }
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return token, doc

    def lookup(self, token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The live session and its user (two indexed reads), or ``None``."""
        return self.lookup_hash(token_hash(token))

    def lookup_hash(self, hashed: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        session = self.collection.find_one({"tokenHash": hashed})
        if session is None or session["expiresAt"] <= self.clock.now():
            return None
        user = self.users.find_one({"_id": ObjectId(session["userId"])})
        return (session, user) if user else None

    def slide(self, session: dict[str, Any]) -> None:
        now = self.clock.now()
        if now - session["lastSeenAt"] < SLIDE_EVERY:
            return
        expires = min(now + self.idle, session["absoluteExpiresAt"])
        self.collection.update_one({"_id": session["_id"]},
                                   {"$set": {"lastSeenAt": now, "expiresAt": expires}})
        session.update(lastSeenAt=now, expiresAt=expires)

    def revoke(self, session: dict[str, Any]) -> None:
        self.collection.delete_one({"_id": session["_id"]})
        self._changed(session["userId"])

    def revoke_user(self, user_id: ObjectId, keep: ObjectId | None = None) -> int:
        query: dict[str, Any] = {"userId": str(user_id)}
        if keep is not None:
            query["_id"] = {"$ne": keep}
        deleted = self.collection.delete_many(query).deleted_count
        self._changed(user_id)
        return deleted

    def _changed(self, user_id: Any) -> None:
        if self.invalidation is not None:
            self.invalidation.invalidate(str(user_id))


class SessionAuthenticator:
    def __init__(self, store: SessionStore, allowed_origins: Iterable[str],
                 cache: UserCache | None = None) -> None:
        self.store = store
        self.allowed_origins = {o.rstrip("/").lower() for o in allowed_origins}
        self.cache = cache

    def _load(self, hashed: str) -> tuple[str, tuple[dict[str, Any], dict[str, Any]]] | None:
        found = self.store.lookup_hash(hashed)
        return (str(found[1]["_id"]), found) if found else None

    def authenticate(self, req: falcon.Request) -> Principal | None:
        token = req.cookies.get(COOKIE)
        if not token:
            return None
        hashed = token_hash(token)
        if self.cache is None:
            found = self.store.lookup_hash(hashed)
        else:
            found = self.cache.get(("session", hashed), lambda: self._load(hashed))
            if found is not None and found[0]["expiresAt"] <= self.store.clock.now():
                found = None  # cached, but expired since
        if found is None:
            raise Unauthenticated("Your session has expired or was signed out.")
        session, user = found
        if user.get("disabled"):
            raise Unauthenticated("This account is disabled.")
        if req.method not in SAFE_METHODS:
            self._check_csrf(req, token)
        self.store.slide(session)
        return Principal(kind="user", mode="session", user=user, roles=tuple(user.get("roles", ())),
                         tier=user.get("tier"), extra={"session": session})

    def _check_csrf(self, req: falcon.Request, token: str) -> None:
        origin = req.get_header("Origin")
        if origin is None and req.referer:
            origin = origin_of(req.referer)
        if origin is not None and origin.rstrip("/").lower() in self.allowed_origins:
            return
        sent = req.get_header(CSRF_HEADER)
        if sent and same(sent, csrf_token_for(token)):
            return
        raise Forbidden("Cross-site request refused: send it from an allowed origin or with "
                        f"the {CSRF_HEADER} header.", code="CSRF_FAILED")
