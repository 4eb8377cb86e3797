"""Who is calling: each auth mode has an Authenticator; a route lists the modes it accepts.

The core ships the cron-secret authenticator; the account part adds ``session`` and ``api_key``.
A mode without an authenticator authenticates nobody, so a route is never open by accident.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any, Protocol

import falcon

from lightninghire.errors import Unauthenticated


@dataclass(frozen=True)
class Principal:
    """The authenticated caller. ``kind`` is ``user``, ``cron`` or ``anonymous``."""

    kind: str
    mode: str
    user: dict[str, Any] | None = None
    roles: tuple[str, ...] = ()
    tier: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str | None:
        return str(self.user["_id"]) if self.user else None


ANONYMOUS = Principal(kind="anonymous", mode="public")


class Authenticator(Protocol):
    def authenticate(self, req: falcon.Request) -> Principal | None:
        """``None`` when this mode's credentials are absent; raise ``Unauthenticated`` when they
        are present but wrong; a ``Principal`` when they are good."""


def bearer_token(req: falcon.Request) -> str | None:
    header = req.get_header("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class CronSecretAuthenticator:
    """``Authorization: Bearer $CRON_SECRET``, compared in constant time. Unset secret: nobody."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode() if secret else b""

    def authenticate(self, req: falcon.Request) -> Principal | None:
        token = bearer_token(req)
        if token is None:
            return None
        if self._secret and hmac.compare_digest(token.encode(), self._secret):
            return Principal(kind="cron", mode="cron", roles=("cron",))
        raise Unauthenticated("Invalid cron secret.")


def authenticate(modes: tuple[str, ...], authenticators: dict[str, Authenticator],
                 req: falcon.Request) -> Principal:
    """Try the route's modes in order; the first that recognizes its credentials decides."""
    if modes == ("public",):
        return ANONYMOUS
    if modes == ("optional",):
        # Anonymous unless credentials are sent; sent ones must be good (a bad sign-in is never
        # silently downgraded to anonymous, and a cookie write still passes the CSRF check).
        for mode in ("session", "api_key"):
            authenticator = authenticators.get(mode)
            principal = authenticator.authenticate(req) if authenticator else None
            if principal is not None:
                return principal
        return ANONYMOUS
    failure: Unauthenticated | None = None
    for mode in modes:
        authenticator = authenticators.get(mode)
        if authenticator is None:
            continue
        try:
            principal = authenticator.authenticate(req)
        except Unauthenticated as exc:
            failure = failure or exc  # another mode may still accept the same bearer token
            continue
        if principal is not None:
            return principal
    raise failure or Unauthenticated()
