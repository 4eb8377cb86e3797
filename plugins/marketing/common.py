"""Pieces every marketing route shares: input bounds and the honeypot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate

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


def mask_email(email: str) -> str:
    """``j***@example.com``: enough for its owner to recognise, little for a forwarded link."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
