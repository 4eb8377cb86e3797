"""Personal API keys: ``lh_live_`` + 40 base62 characters, shown once, stored as SHA-256.

A key's principal (the key and its user) is cached per process (``UserCache``); revoking a key,
or any change to its user, invalidates it on every process of the host at once, so a revoked key
fails on the next request in every worker. A miss costs two indexed reads (the key, then its
user). ``lastUsedAt`` is written at most once a minute per key and process.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import falcon
from bson import ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection

from lightninghire.account.crypto import random_base62, token_hash
from lightninghire.clock import Clock
from lightninghire.errors import Unauthenticated
from lightninghire.http.auth import Principal, bearer_token
from lightninghire.invalidation import UserCache, UserInvalidation

COLLECTION = "api_keys"
KEY_PREFIX = "lh_live_"
SECRET_LENGTH = 40  # 40 base62 characters: about 238 bits
SHOWN_PREFIX = len(KEY_PREFIX) + 4
TOUCH_EVERY = timedelta(minutes=1)
MAX_KEYS_PER_USER = 25
Documents = Collection[dict[str, Any]]
INDEXES = (
    IndexModel([("hash", ASCENDING)], unique=True),
    IndexModel([("userId", ASCENDING), ("createdAt", ASCENDING)]),
)


def public_key(doc: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
    view = {"id": str(doc["_id"]), "name": doc["name"], "prefix": doc["prefix"],
            "createdAt": doc["createdAt"], "lastUsedAt": doc.get("lastUsedAt")}
    if secret is not None:
        view["key"] = secret
    return view


class ApiKeyStore:
    def __init__(self, collection: Documents, users: Documents, clock: Clock,
                 invalidation: UserInvalidation | None = None) -> None:
        self.collection = collection
        self.users = users
        self.clock = clock
        self.invalidation = invalidation

    def _changed(self, user_id: Any) -> None:
        if self.invalidation is not None:
            self.invalidation.invalidate(str(user_id))

    def mint(self, user_id: ObjectId, name: str) -> tuple[str, dict[str, Any]]:
        secret = KEY_PREFIX + random_base62(SECRET_LENGTH)
        doc = {"userId": str(user_id), "name": name.strip(), "prefix": secret[:SHOWN_PREFIX],
               "hash": token_hash(secret), "createdAt": self.clock.now(), "lastUsedAt": None}
        doc["_id"] = self.collection.insert_one(doc).inserted_id
        return secret, doc

    def count(self, user_id: ObjectId, up_to: int = MAX_KEYS_PER_USER) -> int:
        """How many keys the user has, counted no further than ``up_to`` (bounded)."""
        return self.collection.count_documents({"userId": str(user_id)}, limit=up_to)

    def list(self, user_id: ObjectId) -> list[dict[str, Any]]:
        return list(self.collection.find({"userId": str(user_id)}).sort("createdAt", ASCENDING))

    def revoke(self, user_id: ObjectId, key_id: ObjectId) -> bool:
        """Hard delete, scoped to the owner: another user's key id deletes nothing."""
        deleted = self.collection.delete_one({"_id": key_id, "userId": str(user_id)}).deleted_count
        self._changed(user_id)
        return deleted == 1

    def revoke_user(self, user_id: ObjectId) -> int:
        deleted = self.collection.delete_many({"userId": str(user_id)}).deleted_count
        self._changed(user_id)
        return deleted

    def lookup(self, secret: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The key and its user (two indexed reads), or ``None``."""
        return self.lookup_hash(token_hash(secret))

    def lookup_hash(self, hashed: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        key = self.collection.find_one({"hash": hashed})
        if key is None:
            return None
        user = self.users.find_one({"_id": ObjectId(key["userId"])})
        return (key, user) if user else None

    def touch(self, key: dict[str, Any]) -> None:
        now = self.clock.now()
        last = key.get("lastUsedAt")
        if last is not None and now - last < TOUCH_EVERY:
            return
        # Conditional, so workers racing in the same minute write once.
        stale = {"$or": [{"lastUsedAt": None}, {"lastUsedAt": {"$lt": now - TOUCH_EVERY}}]}
        self.collection.update_one({"_id": key["_id"], **stale}, {"$set": {"lastUsedAt": now}})
        key["lastUsedAt"] = now  # the cached key: this process writes again in a minute


class ApiKeyAuthenticator:
    def __init__(self, store: ApiKeyStore, cache: UserCache | None = None) -> None:
        self.store = store
        self.cache = cache

    def _load(self, hashed: str) -> tuple[str, tuple[dict[str, Any], dict[str, Any]]] | None:
        found = self.store.lookup_hash(hashed)
        return (str(found[1]["_id"]), found) if found else None

    def authenticate(self, req: falcon.Request) -> Principal | None:
        token = bearer_token(req)
        if token is None or not token.startswith("lh_"):
            return None  # not an API key (maybe the cron secret)
        hashed = token_hash(token)
        if self.cache is None:
            found = self.store.lookup_hash(hashed)
        else:
            found = self.cache.get(("api_key", hashed), lambda: self._load(hashed))
        if found is None:
            raise Unauthenticated("Invalid or revoked API key.")
        key, user = found
        if user.get("disabled"):
            raise Unauthenticated("This account is disabled.")
        self.store.touch(key)
        return Principal(kind="user", mode="api_key", user=user, roles=tuple(user.get("roles", ())),
                         tier=user.get("tier"), extra={"api_key_id": key["_id"]})
