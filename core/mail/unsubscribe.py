"""Lists, signed unsubscribe tokens and the suppression list.

A token is an itsdangerous ``URLSafeSerializer`` token (HMAC-SHA256, salt
``lightninghire.mail.unsubscribe``) over ``[list, email]``: it names who leaves which list and
cannot be forged or altered without the key. Tokens do not expire: an unsubscribe link in a
years-old mail must still work (RFC 8058 one-click relies on it).

Links sent before itsdangerous carry the older format, ``base64url(list "\\n" email) "."
base64url(HMAC-SHA256(key, ...)[:16])``. ``verify`` still accepts it (same key, constant-time
comparison) so those links keep working; only new links use the new format. See docs/mail.md
for when the old format may be dropped.

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
from itsdangerous import BadData, URLSafeSerializer
from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from lightninghire.errors import BadRequest
from lightninghire.mail.message import normalize_address

LIST_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
EVERY_LIST = "*"  # a suppression for "*" (hard bounce, complaint) blocks every list
KEY_DERIVATION_LABEL = b"lightninghire/mail/unsubscribe-token/v1"
UNSUBSCRIBE_SALT = "lightninghire.mail.unsubscribe"  # itsdangerous salt: this purpose only
_LEGACY_MAC_BYTES = 16  # the pre-itsdangerous format's truncated HMAC tag


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


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Signs and verifies unsubscribe tokens with a key fetched once, on first use."""

    def __init__(self, load_key: Callable[[], bytes]) -> None:
        self._load_key = load_key
        self._key: bytes | None = None
        self._serializer: URLSafeSerializer | None = None
        self._lock = threading.Lock()

    @property
    def key(self) -> bytes:
        if self._key is None:
            with self._lock:
                if self._key is None:
                    self._key = self._load_key()
        return self._key

    @property
    def serializer(self) -> URLSafeSerializer:
        if self._serializer is None:
            self._serializer = URLSafeSerializer(
                self.key, salt=UNSUBSCRIBE_SALT,
                signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256})
        return self._serializer

    def sign(self, email: str, list_name: str) -> str:
        return self.serializer.dumps([check_list(list_name, allow_every=True),
                                      normalize_address(email)])

    def verify(self, token: str) -> tuple[str, str]:
        """``(email, list)``, or ``InvalidUnsubscribeToken``."""
        if not isinstance(token, str):
            raise InvalidUnsubscribeToken()
        try:
            # The signature is checked (constant time) before the payload is decoded, so
            # unsigned input is never interpreted.
            payload = self.serializer.loads(token)
        except BadData:
            return self._verify_legacy(token)
        if (not isinstance(payload, list) or len(payload) != 2
                or not all(isinstance(part, str) for part in payload)):
            raise InvalidUnsubscribeToken()  # signed by us, so only a bug would get here
        list_name, email = payload
        return email, list_name

    def _verify_legacy(self, token: str) -> tuple[str, str]:
        """Tokens minted before itsdangerous (still in old mail): same key, their own MAC."""
        try:
            encoded, tag = token.split(".")
            payload, given = _unb64(encoded), _unb64(tag)
        except (ValueError, binascii.Error):
            raise InvalidUnsubscribeToken() from None
        expected = hmac.new(self.key, payload, hashlib.sha256).digest()[:_LEGACY_MAC_BYTES]
        if not hmac.compare_digest(given, expected):
            raise InvalidUnsubscribeToken()
        list_name, _, email = payload.decode("utf-8").partition("\n")
        return email, list_name


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
