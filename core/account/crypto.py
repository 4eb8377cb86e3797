"""Secrets at rest: random tokens, their hashes, and encryption for values we must read back."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from cryptography.fernet import Fernet, InvalidToken

from lightninghire.errors import ServiceUnavailable

BASE62 = string.ascii_letters + string.digits


def random_base62(length: int) -> str:
    return "".join(secrets.choice(BASE62) for _ in range(length))


def token_hash(token: str) -> str:
    """SHA-256 of a high-entropy token: enough for lookup, useless to a database thief."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class SecretBox:
    """Fernet (AES-128-CBC + HMAC-SHA256) with the configured ``auth.encryption_key``."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode()) if key else None

    @property
    def available(self) -> bool:
        return self._fernet is not None

    def _require(self) -> Fernet:
        if self._fernet is None:
            raise ServiceUnavailable("Storing secrets needs auth.encryption_key to be configured.")
        return self._fernet

    def encrypt(self, plaintext: str) -> str:
        return self._require().encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str | None:
        """``None`` when the value was encrypted under another key (rotated without migration)."""
        try:
            return self._require().decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            return None


def new_encryption_key() -> str:
    return Fernet.generate_key().decode()
