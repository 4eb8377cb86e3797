"""Account domain logic: sign-up and sign-in, profile and settings, keys, export and deletion.

No HTTP here: resources translate requests into these calls, the CLI calls them directly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection

from lightninghire import userdata
from lightninghire.account.apikeys import MAX_KEYS_PER_USER, ApiKeyStore, public_key
from lightninghire.account.crypto import SecretBox
from lightninghire.account.passwords import hash_password, needs_rehash, password_problem, verify_password
from lightninghire.account.sessions import SessionStore
from lightninghire.account.users import UserStore, merged_settings, normalize_email, public_user
from lightninghire.documents import as_object_id
from lightninghire.errors import (
    Conflict,
    NotFound,
    RateLimited,
    Unauthenticated,
    ValidationFailed,
)
from lightninghire.http.clientip import ip_bucket
from lightninghire.mail import Message
from lightninghire.pagination import paginate
from lightninghire.policy.ratelimit import RateLimitStore
from lightninghire.registry import CollectionSpec
from lightninghire.services import Services

AUTH_EVENTS = "auth_events"
STATS_EVERY = timedelta(minutes=1)
AUTH_EVENT_INDEXES = (
    IndexModel([("at", ASCENDING)], expireAfterSeconds=90 * 86400),
    IndexModel([("type", ASCENDING), ("at", DESCENDING)]),
)
SIGNUPS_PER_IP_PER_HOUR = 10
EXPORT_LIMIT = 5000


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: [message]}, f"Invalid request body: {field}: {message}")


class AuthService:
    def __init__(self, services: Services, users: UserStore, sessions: SessionStore,
                 limits: RateLimitStore, events: Collection[dict[str, Any]]) -> None:
        self.services = services
        self.users = users
        self.sessions = sessions
        self.limits = limits
        self.events = events
        auth = services.settings.auth
        self.per_account = auth.login_failures_per_account
        self.per_ip = auth.login_failures_per_ip
        self.window = auth.login_window_seconds
        self.ipv6_prefix = services.settings.http.ipv6_prefix

    def signup(self, body: Mapping[str, Any], ip: str, user_agent: str | None
               ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        decision = self.limits.hit("signup-ip", ip_bucket(ip, self.ipv6_prefix),
                                   SIGNUPS_PER_IP_PER_HOUR, 3600)
        if not decision.allowed:
            raise RateLimited(decision.retry_after)
        user = self.users.create(email=body["email"], password=body["password"], name=body["name"],
                                 user_type=body.get("userType"))
        token, session = self.sessions.create(user["_id"], ip, user_agent)
        self.services.events.emit("user.signed_up", {"userType": user["userType"]},
                                  user_id=str(user["_id"]))
        return token, session, user

    def login(self, email: str, password: str, ip: str, user_agent: str | None
              ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        email = normalize_email(email)
        # Each attempt first claims a unit of the account's and the address's failure budget
        # (one capped $inc each, decided in the database), and only then is the password
        # verified: N simultaneous guesses get at most the limit of verifications, whichever
        # workers serve them. A success gives its claims back.
        claims = []
        for bucket, key, limit in (("login-account", email, self.per_account),
                                   ("login-ip", ip_bucket(ip, self.ipv6_prefix), self.per_ip)):
            decision = self.limits.hit(bucket, key, limit, self.window)
            if not decision.allowed:
                for claim in claims:
                    self.limits.give_back(claim)
                self._record("login_throttled", email, ip)
                raise RateLimited(decision.retry_after,
                                  "Too many failed sign-ins. Please try again later.")
            claims.append(decision)
        user = self.users.by_email(email)
        # Always one argon2 verification, so an unknown email costs what a wrong password does.
        ok = verify_password(user.get("passwordHash") if user else None, password)
        if not ok or user is None or user.get("disabled"):
            self._record("login_failed", email, ip)  # the claims stay counted as failures
            raise Unauthenticated("Invalid email or password.", code="INVALID_CREDENTIALS")
        for claim in claims:
            self.limits.give_back(claim)
        now = self.services.clock.now()
        changes: dict[str, Any] = {"lastLoginAt": now}
        if needs_rehash(user["passwordHash"]):
            changes["passwordHash"] = hash_password(password)
        self.users.update(user["_id"], changes)
        user.update(changes)
        token, session = self.sessions.create(user["_id"], ip, user_agent)
        return token, session, user

    def _record(self, kind: str, email: str, ip: str) -> None:
        # Kept for abuse detection (90 days); the address is stored as typed, the password never.
        self.events.insert_one({"type": kind, "email": email, "ip": ip,
                                "at": self.services.clock.now()})


class AccountService:
    def __init__(self, services: Services, users: UserStore, sessions: SessionStore,
                 keys: ApiKeyStore, box: SecretBox) -> None:
        self.services = services
        self.users = users
        self.sessions = sessions
        self.keys = keys
        self.box = box

    # -- profile and settings ------------------------------------------------------------------

    def update_me(self, user: dict[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if "name" in body:
            changes["name"] = body["name"].strip()
        for key, value in body.get("profile", {}).items():
            changes[f"profile.{key}"] = value
        if not changes:
            return user
        return self.users.update(user["_id"], changes) or user

    def settings(self, user: dict[str, Any]) -> dict[str, Any]:
        return self._settings_view(user)

    def _settings_view(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """The user's settings over the defaults of the account and the declared preferences."""
        return merged_settings(user, self.services.preferences.defaults())

    def update_settings(self, user: dict[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for key, value in body.items():
            if isinstance(value, dict):  # nested groups merge key by key
                changes.update({f"settings.{key}.{k}": v for k, v in value.items()})
            else:
                changes[f"settings.{key}"] = value
        updated = self.users.update(user["_id"], changes) if changes else user
        return self._settings_view(updated or user)

    def save_provider_key(self, user: dict[str, Any], provider: str, api_key: str) -> dict[str, Any]:
        key = api_key.strip()
        if any(ch.isspace() for ch in key):
            raise _invalid("apiKey", "An API key has no spaces.")
        info = {"ciphertext": self.box.encrypt(key), "last4": key[-4:],
                "updatedAt": self.services.clock.now()}
        updated = self.users.update(user["_id"], {f"providerKeys.{provider}": info})
        return self._settings_view(updated or user)["providerKeys"]

    def delete_provider_key(self, user: dict[str, Any], provider: str) -> dict[str, Any]:
        if provider not in user.get("providerKeys", {}):
            raise NotFound(f"No {provider} key is saved.")
        updated = self.users.unset(user["_id"], f"providerKeys.{provider}")
        return self._settings_view(updated or user)["providerKeys"]

    def provider_key(self, user: Mapping[str, Any], provider: str) -> str | None:
        """The decrypted BYOK key for one call (the AI client's only way to it), or ``None``."""
        stored = user.get("providerKeys", {}).get(provider)
        return self.box.decrypt(stored["ciphertext"]) if stored else None

    def change_password(self, user: dict[str, Any], current: str, new: str,
                        keep_session: ObjectId | None) -> None:
        if not verify_password(user.get("passwordHash"), current):
            raise _invalid("currentPassword", "The current password is not correct.")
        problem = password_problem(new, user["email"])
        if problem:
            raise _invalid("newPassword", problem)
        self.users.update(user["_id"], {"passwordHash": hash_password(new)})
        # Every other session ends: a changed password is often a response to a compromise.
        self.sessions.revoke_user(user["_id"], keep=keep_session)

    # -- API keys ----------------------------------------------------------------------------------

    def mint_key(self, user: dict[str, Any], name: str) -> dict[str, Any]:
        """Who may mint is the ``api_keys`` feature's business (its declared caps)."""
        if self.keys.count(user["_id"]) >= MAX_KEYS_PER_USER:
            raise Conflict(f"You already have {MAX_KEYS_PER_USER} keys; revoke one first.")
        secret, doc = self.keys.mint(user["_id"], name)
        return public_key(doc, secret)

    def revoke_key(self, user: dict[str, Any], key_id: str) -> None:
        oid = as_object_id(key_id)
        if oid is None or not self.keys.revoke(user["_id"], oid):
            raise NotFound("No such API key.")

    # -- export and deletion ---------------------------------------------------------------------

    def _owned_collections(self) -> list[CollectionSpec]:
        """Every user-data collection, a disabled plugin's included (recorded at startup)."""
        return userdata.owned_collections(self.services.db, self.services.collections.specs)

    def export(self, user: dict[str, Any]) -> dict[str, Any]:
        user_id = user["_id"]
        owned: dict[str, Any] = {}
        for spec in self._owned_collections():
            cursor = self.services.db[spec.name].find(
                {spec.owner_field: {"$in": [user_id, str(user_id)]}},
                {field: 0 for field in spec.private_fields} or None,
            ).limit(EXPORT_LIMIT + 1)
            docs = list(cursor)
            owned[spec.name] = {"plugin": spec.plugin, "documents": docs[:EXPORT_LIMIT],
                                "truncated": len(docs) > EXPORT_LIMIT}
        return {
            "exportedAt": self.services.clock.now(),
            "user": public_user(user),
            "settings": self._settings_view(user),
            "collections": owned,
        }

    def delete(self, user: dict[str, Any], password: str) -> dict[str, int]:
        if not verify_password(user.get("passwordHash"), password):
            raise _invalid("password", "The password is not correct.")
        user_id = user["_id"]
        deleted: dict[str, int] = {}
        for spec in self._owned_collections():
            result = self.services.db[spec.name].delete_many(
                {spec.owner_field: {"$in": [user_id, str(user_id)]}})
            deleted[spec.name] = result.deleted_count
        self.users.delete(user_id)
        # After the data is gone: other plugins (their own records, mail suppression) react here.
        self.services.events.emit("user.deleted", {"email": user["email"]}, user_id=str(user_id))
        self.services.mail.send(Message(
            to=user["email"], subject="Your LightningHire account was deleted",
            text="Your account and the data it held have been permanently deleted.\n"
                 "Records the law requires us to keep are kept. If this was not you, reply to "
                 "this message."))
        return deleted


class AdminService:
    def __init__(self, services: Services, users: UserStore, sessions: SessionStore) -> None:
        self.services = services
        self.users = users
        self.sessions = sessions
        self._stats: tuple[datetime, dict[str, Any]] | None = None

    def list_users(self, query: Mapping[str, Any]) -> dict[str, Any]:
        filters: dict[str, Any] = {}
        if query.get("q"):
            pattern = re.escape(query["q"].strip())
            filters["$or"] = [{"email": {"$regex": pattern, "$options": "i"}},
                              {"name": {"$regex": pattern, "$options": "i"}}]
        for key in ("tier", "userType"):
            if query.get(key):
                filters[key] = query[key]
        return paginate(self.users.collection, filters, limit=query["limit"],
                        cursor=query["cursor"], transform=public_user)

    def update_user(self, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        target = self.users.by_id(user_id)
        if target is None:
            raise NotFound("No such user.")
        updated = self.users.update(target["_id"], dict(body)) if body else target
        if body.get("disabled"):
            # A disabled user is out at once: sessions go, keys stop at the user check.
            self.sessions.revoke_user(target["_id"])
        return public_user(updated or target)

    def stats(self) -> dict[str, Any]:
        """Counts over every user: an analytics read whose cost grows with the user base, so it
        is computed at most once a minute per process (an admin page, not a request path that
        other users' traffic pays for)."""
        now = self.services.clock.now()
        cached = self._stats
        if cached is not None and timedelta(0) <= now - cached[0] < STATS_EVERY:
            return cached[1]
        users = self.users.collection

        def grouped(field: str) -> dict[str, int]:
            rows = users.aggregate([{"$group": {"_id": f"${field}", "count": {"$sum": 1}}}])
            return {str(row["_id"]): row["count"] for row in rows}

        by_tier = grouped("tier")
        stats = {
            "users": sum(by_tier.values()),
            "disabled": users.count_documents({"disabled": True}),
            "byTier": by_tier,
            "byUserType": grouped("userType"),
            "signupsLast7Days": users.count_documents({"createdAt": {"$gte": now - timedelta(days=7)}}),
            "activeSessions": self.sessions.collection.count_documents({"expiresAt": {"$gt": now}}),
        }
        self._stats = (now, stats)
        return stats
