"""Password hashing (argon2id) and the password rules."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 256
# The worst offenders of public breach lists; length alone already rules out most of the rest.
COMMON = frozenset({
    "password123", "1234567890", "qwertyuiop", "password1!", "iloveyou123", "0987654321",
    "1q2w3e4r5t", "qwerty1234", "passw0rd123", "letmein1234", "welcome123", "administrator",
    "abcdefghij", "1111111111", "football123", "monkey12345", "dragon12345", "sunshine123",
})

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the email is unknown makes both failures cost the same time.
    Made on first need, not at import: one argon2 hash costs ~80 ms and 64 MiB of peak memory,
    which every process importing the plugin API would otherwise pay."""
    return _hasher.hash("not-a-real-password-used-for-timing")


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is refused, or ``None``."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if len(set(password)) < 4 or password.lower() in COMMON:
        return "This password is too easy to guess."
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        return "Do not use your email address in your password."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Constant-work check: an unknown user (``None``) still pays for one verification."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
