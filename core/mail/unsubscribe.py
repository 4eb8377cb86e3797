"""Lists, signed unsubscribe tokens and the suppression list.

A token is ``base64url(list "\\n" email) "." base64url(HMAC-SHA256(key, ...)[:16])``: it names who
leaves which list and cannot be forged or altered without the key. Tokens do not expire: an
unsubscribe link in a years-old mail must still work (RFC 8058 one-click relies on it).

The key comes from configuration (``auth.encryption_key``, through a one-way derivation so the
token key never equals the encryption key), else from the database: generated once and stored in
``mail_keys``, so tokens survive restarts and every process and host agrees on it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bson import Binary
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from lightninghire.errors import BadRequest
from lightninghire.mail.message import normalize_address

LIST_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
EVERY_LIST = "*"  # a suppression for "*" (hard bounce, complaint) blocks every list
KEY_DERIVATION_LABEL = b"lightninghire/mail/unsubscribe-token/v1"
_MAC_BYTES = 16  # 128 bits: plenty for an HMAC tag, and keeps the URL short


class InvalidUnsubscribeToken(BadRequest):
    """400: the token was altered, truncated or signed with another key."""

    code = "INVALID_UNSUBSCRIBE_TOKEN"
    default_message = "This unsubscribe link is not valid."


def check_list(name: str, *, allow_every: bool = False) -> str:
    """``ValueError`` unless ``name`` is a list name (``marketing``, ``lifecycle``, ``digest``)."""
    if allow_every and name == EVERY_LIST:
        return name
    if not isinstance(name, str) or not LIST_NAME.match(name):
        raise ValueError(f"mail list {name!r} must be like 'marketing' (a-z, 0-9, _ or -)")
    return name


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Signs and verifies unsubscribe tokens with a key fetched once, on first use."""

    def __init__(self, load_key: Callable[[], bytes]) -> None:
        self._load_key = load_key
        self._key: bytes | None = None
        self._lock = threading.Lock()

    @property
    def key(self) -> bytes:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = self._load_key()
        return self._key

    def sign(self, email: str, list_name: str) -> str:
        payload = f"{check_list(list_name, allow_every=True)}\n{normalize_address(email)}".encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def verify(self, token: str) -> tuple[str, str]:
        """``(email, list)``, or ``InvalidUnsubscribeToken``."""
        try:
            encoded, tag = token.split(".")
            payload, given = _unb64(encoded), _unb64(tag)
        except (ValueError, binascii.Error, AttributeError):
            raise InvalidUnsubscribeToken() from None
        # Compare before parsing anything: unsigned input is never interpreted.
        if not hmac.compare_digest(given, self._mac(payload)):
            raise InvalidUnsubscribeToken()
        list_name, _, email = payload.decode("utf-8").partition("\n")
        return email, list_name

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.key, payload, hashlib.sha256).digest()[:_MAC_BYTES]


def derive_key(secret: str) -> bytes:
    """The token key for a configured secret (HMAC as a one-way, labelled derivation)."""
    return hmac.new(secret.encode("utf-8"), KEY_DERIVATION_LABEL, hashlib.sha256).digest()


def stored_key(keys: Collection[dict[str, Any]], now: Callable[[], datetime]) -> bytes:
    """The key kept in ``mail_keys``, created by whichever process asks first."""
    found = keys.find_one({"_id": "unsubscribe"})
    if found is None:
        # If another process wins the race, its key is the key.
        with contextlib.suppress(DuplicateKeyError):
            keys.insert_one({"_id": "unsubscribe", "key": Binary(secrets.token_bytes(32)),
                             "createdAt": now()})
        found = keys.find_one({"_id": "unsubscribe"})
    if found is None:  # pragma: no cover - only if the database loses a write it acknowledged
        raise RuntimeError("mail: the unsubscribe key could not be stored")
    return bytes(found["key"])


class Suppressions:
    """``mail_suppressions``: one document per (email, list); ``list="*"`` means every list."""

    INDEXES = (IndexModel([("email", ASCENDING), ("list", ASCENDING)], unique=True),)

    def __init__(self, collection: Callable[[], Collection[dict[str, Any]]],
                 now: Callable[[], datetime]) -> None:
        self._collection = collection  # looked up on each use (per-process client, see Outbox)
        self._now = now

    @property
    def collection(self) -> Collection[dict[str, Any]]:
        return self._collection()

    def add(self, email: str, list_name: str, reason: str) -> bool:
        """Suppress; ``True`` when it is new (repeating it changes nothing)."""
        key = {"email": normalize_address(email), "list": check_list(list_name, allow_every=True)}
        try:
            result = self.collection.update_one(
                key, {"$setOnInsert": {"reason": reason, "at": self._now()}}, upsert=True)
        except DuplicateKeyError:
            return False  # a concurrent identical unsubscribe got there first
        return result.upserted_id is not None

    def remove(self, email: str, list_name: str) -> bool:
        key = {"email": normalize_address(email), "list": check_list(list_name, allow_every=True)}
        return self.collection.delete_one(key).deleted_count == 1

    def blocks(self, email: str, list_name: str) -> bool:
        """Whether mail on ``list_name`` to ``email`` is suppressed (by that list or by ``*``)."""
        found = self.collection.find_one(
            {"email": normalize_address(email), "list": {"$in": [list_name, EVERY_LIST]}},
            projection={"_id": 1})
        return found is not None
