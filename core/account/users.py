"""Users: storage, the public view, and the role and tier a new account starts with (from the
declared user types: ``policy.add_user_type``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, IndexModel, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from lightninghire.account.passwords import hash_password, password_problem
from lightninghire.clock import Clock
from lightninghire.documents import as_object_id
from lightninghire.errors import Conflict, ValidationFailed
from lightninghire.invalidation import UserInvalidation
from lightninghire.policy.plans import PlanBook

COLLECTION = "users"
INDEXES = (
    IndexModel([("email", ASCENDING)], unique=True),
    IndexModel([("createdAt", ASCENDING)]),
)
# The account's own settings; preference groups (notifications, emails) are declared by the
# plugins that honour them (register_preferences).
BASE_SETTINGS: dict[str, Any] = {
    "timezone": "UTC",
    "theme": "system",
    "marketingOptIn": False,
    "analyticsOptOut": False,
}


def normalize_email(email: str) -> str:
    # Case-insensitive everywhere: one account per mailbox however it is typed.
    return email.strip().lower()


def public_user(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What the API shows of a user: never the password hash or provider keys."""
    return {
        "id": str(doc["_id"]),
        "email": doc["email"],
        "name": doc.get("name", ""),
        "userType": doc.get("userType"),
        "roles": list(doc.get("roles", [])),
        "tier": doc.get("tier"),
        "createdAt": doc.get("createdAt"),
        "updatedAt": doc.get("updatedAt"),
        "lastLoginAt": doc.get("lastLoginAt"),
        "profile": dict(doc.get("profile", {})),
        "disabled": bool(doc.get("disabled", False)),
    }


def merged_settings(doc: Mapping[str, Any],
                    preferences: Mapping[str, Mapping[str, bool]]) -> dict[str, Any]:
    """The stored settings over the defaults: the account's own and each declared preference
    group (a stored key no plugin declares any more is not shown)."""
    stored = doc.get("settings", {})
    settings = {**BASE_SETTINGS, **{k: v for k, v in stored.items()
                                    if k in BASE_SETTINGS}}
    for group, defaults in preferences.items():
        saved = stored.get(group) or {}
        settings[group] = {key: saved.get(key, default) for key, default in defaults.items()}
    settings["providerKeys"] = {
        provider: {"last4": info.get("last4"), "updatedAt": info.get("updatedAt")}
        for provider, info in doc.get("providerKeys", {}).items()
    }
    return settings


class UserStore:
    """Every write here tells ``invalidation`` (cached principals and facts re-read the user)."""

    def __init__(self, collection: Collection[dict[str, Any]], clock: Clock,
                 invalidation: UserInvalidation | None = None,
                 plans: Callable[[], PlanBook] | None = None) -> None:
        self.collection = collection
        self.clock = clock
        self.invalidation = invalidation
        # The declared user types (read when first needed: plugins declare them while the
        # app is built).
        self.plans = plans

    def changed(self, user_id: Any) -> None:
        if self.invalidation is not None:
            self.invalidation.invalidate(str(user_id))

    def create(self, *, email: str, password: str, name: str, user_type: str | None = None,
               tier: str | None = None, roles: list[str] | None = None) -> dict[str, Any]:
        """A new account; without ``user_type`` the declared default one (none declared: the
        account is a plain member with no tier)."""
        email = normalize_email(email)
        plans = self.plans() if self.plans is not None else None
        user_type = user_type or (plans.default_user_type if plans else None)
        tier = tier or (plans.starting_tier(user_type) if plans else None)
        problem = password_problem(password, email)
        if problem:
            raise ValidationFailed({"password": [problem]}, f"Invalid request body: password: {problem}")
        now = self.clock.now()
        doc: dict[str, Any] = {
            "email": email,
            "name": name.strip(),
            "passwordHash": hash_password(password),
            "userType": user_type,
            "roles": roles or [user_type or "member"],
            "tier": tier,
            "disabled": False,
            "profile": {},
            "settings": {},
            "createdAt": now,
            "updatedAt": now,
            "lastLoginAt": None,
        }
        try:
            doc["_id"] = self.collection.insert_one(doc).inserted_id
        except DuplicateKeyError:
            raise Conflict("An account with this email already exists.",
                           code="EMAIL_TAKEN") from None
        return doc

    def by_email(self, email: str) -> dict[str, Any] | None:
        return self.collection.find_one({"email": normalize_email(email)})

    def by_id(self, user_id: str | ObjectId | None) -> dict[str, Any] | None:
        oid = as_object_id(user_id)
        return self.collection.find_one({"_id": oid}) if oid else None

    def update(self, user_id: ObjectId, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        """``$set`` of dotted paths plus ``updatedAt``; returns the new document."""
        updated = self.collection.find_one_and_update(
            {"_id": user_id}, {"$set": {**changes, "updatedAt": self.clock.now()}},
            return_document=ReturnDocument.AFTER)
        self.changed(user_id)
        return updated

    def unset(self, user_id: ObjectId, path: str) -> dict[str, Any] | None:
        updated = self.collection.find_one_and_update(
            {"_id": user_id}, {"$unset": {path: ""}, "$set": {"updatedAt": self.clock.now()}},
            return_document=ReturnDocument.AFTER)
        self.changed(user_id)
        return updated

    def delete(self, user_id: ObjectId) -> None:
        self.collection.delete_one({"_id": user_id})
        self.changed(user_id)

    def touch_login(self, user_id: ObjectId, when: datetime) -> None:
        self.collection.update_one({"_id": user_id}, {"$set": {"lastLoginAt": when}})
        self.changed(user_id)


class UserDirectory:
    """``services.users``: read-only account lookups for plugins. The account part owns the
    users collection; a plugin never names it. ``fields`` lists the top-level fields to read
    (whole sub-documents: ``settings``, ``profile``); ``_id`` always comes back. The password
    hash never does."""

    HIDDEN = ("passwordHash",)

    def __init__(self, collection: Collection[dict[str, Any]]) -> None:
        self.collection = collection

    def _projection(self, fields: Iterable[str] | None) -> dict[str, int]:
        if fields is None:
            return dict.fromkeys(self.HIDDEN, 0)
        # Never an empty projection: MongoDB would answer every field.
        return {"_id": 1, **{name: 1 for name in fields if name not in self.HIDDEN}}

    def get(self, user_id: str | ObjectId | None,
            fields: Iterable[str] | None = None) -> dict[str, Any] | None:
        """One user by id (a malformed id is no user)."""
        oid = as_object_id(user_id)
        return self.collection.find_one({"_id": oid}, self._projection(fields)) if oid else None

    def by_email(self, email: str, fields: Iterable[str] | None = None) -> dict[str, Any] | None:
        return self.collection.find_one({"email": normalize_email(email)},
                                        self._projection(fields))

    def many(self, user_ids: Iterable[str | ObjectId],
             fields: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Users by id, keyed by the id as a string (one query; unknown ids are left out)."""
        oids = [oid for oid in (as_object_id(u) for u in user_ids) if oid is not None]
        if not oids:
            return {}
        return {str(doc["_id"]): doc
                for doc in self.collection.find({"_id": {"$in": oids}}, self._projection(fields))}

    def find(self, where: Mapping[str, Any] | None = None, *,
             fields: Iterable[str] | None = None, sort: str = "_id",
             limit: int = 0) -> Iterator[dict[str, Any]]:
        """Users matching a filter on their public fields (``userType``, ``createdAt``,
        ``lastLoginAt``, ``_id`` ...), ascending by ``sort``: for batch tasks that walk users."""
        cursor = self.collection.find(dict(where or {}), self._projection(fields)).sort(sort, 1)
        if limit:
            cursor = cursor.limit(limit)
        yield from cursor
