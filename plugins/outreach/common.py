"""What every outreach domain shares: the product's vocabularies, id parsing, the user lookup."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

NAME = "outreach"

# PRODUCT §5.1 and §5.2.
WARMTHS = ("cold", "warm", "hot")
CONTACT_TYPES = ("recruiter", "hiring_manager", "peer", "referral", "mentor", "alumni")
PURPOSES = ("connection_request", "informational_interview", "referral_ask", "follow_up",
            "thank_you", "reconnect", "congrats")
CHANNELS = ("linkedin_connection", "linkedin_dm", "email", "phone", "in_person")
LINKEDIN_CONNECTION_MAX = 299  # "< 300 characters"



def iso(value: datetime | None) -> str | None:
    """A stored time as JSON-ready ISO-8601 UTC (for ``user_context``, which is not dumped)."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def utc(value: datetime | None) -> datetime | None:
    """An API time in UTC: one given without an offset is taken as UTC (as the API speaks)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else ""


class Users:
    """The sender's profile and notification preferences, through the core's read-only
    account lookups (``services.users``): nothing here writes to an account."""

    def __init__(self, directory: Any) -> None:
        self.directory = directory

    def get(self, user_id: str, *, with_tier: bool = False) -> dict[str, Any] | None:
        """The user's profile fields; ``with_tier`` adds what decides their limits (tier,
        userType, roles, whether they hold provider keys), for the daily send limit."""
        # Whole subdocuments only: nx-27017 flattens dotted projections.
        fields = ["email", "name", "profile", "settings", "disabled"]
        if with_tier:
            fields += ["tier", "userType", "roles", "providerKeys"]
        return self.directory.get(user_id, fields)

    @staticmethod
    def wants(user: Mapping[str, Any], preference: str | None) -> bool:
        """Whether ``settings.notifications.<preference>`` is on (absent means on, as the core's
        defaults say)."""
        if preference is None:
            return True
        prefs = (user.get("settings") or {}).get("notifications") or {}
        return bool(prefs.get(preference, True))


def sender_of(user: Mapping[str, Any] | None) -> dict[str, str]:
    """The user as the author of outreach: name, role and target role from the profile."""
    user = user or {}
    profile = user.get("profile") or {}
    targets = profile.get("targetRoles") or []
    return {"name": str(user.get("name") or ""), "role": str(profile.get("currentRole") or ""),
            "targetRole": str(targets[0]) if targets else "",
            "email": str(user.get("email") or "")}
