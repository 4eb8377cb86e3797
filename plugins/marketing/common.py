"""Pieces every marketing route shares: input bounds, the honeypot, optional sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate

from lightninghire.http.auth import Principal

HONEYPOT = "website"


class Email(fields.Email):
    """An address, bounded, compared lower-cased everywhere (as the mail service does)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(min=3, max=254))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        if isinstance(value, str):
            value = value.strip()
        result = super()._deserialize(value, attr, data, **kwargs)
        if "\r" in result or "\n" in result:
            raise ValidationError("Not a valid email address.")
        return result.lower()


def honeypot_field() -> fields.String:
    """A field real forms leave empty (hidden by CSS); bots fill every input they see."""
    return fields.String(load_default="", validate=validate.Length(max=200),
                         metadata={"description": "Leave empty (spam trap)."})


def is_bot(body: Mapping[str, Any]) -> bool:
    return bool((body.get(HONEYPOT) or "").strip())


def optional_principal(req: Any, authenticators: Mapping[str, Any]) -> Principal | None:
    """The signed-in caller of a public route, or ``None`` when the request carries no
    credentials. Wrong credentials still fail (401), and a cookie write still needs its CSRF
    proof: a public route never silently downgrades a bad sign-in to anonymous."""
    for mode in ("session", "api_key"):
        authenticator = authenticators.get(mode)
        if authenticator is None:
            continue
        principal = authenticator.authenticate(req)
        if principal is not None:
            return principal
    return None


def mask_email(email: str) -> str:
    """``j***@example.com``: enough for its owner to recognise, little for a forwarded link."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
