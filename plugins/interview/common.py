"""Vocabulary and small helpers shared by the interview plugin's domains (no HTTP, no storage)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import ValidationError, fields

from lightninghire.api import NotFound

# PRODUCT §2.1: the seven interview types and the eight seniority levels, as API keys.
INTERVIEW_TYPES = {
    "phone_screen": "Phone screen",
    "technical": "Technical",
    "behavioral": "Behavioral",
    "system_design": "System design",
    "hiring_manager": "Hiring manager",
    "panel": "Panel",
    "final_round": "Final round",
}
SENIORITY = {
    "intern": "Intern",
    "junior": "Junior",
    "mid_level": "Mid-level",
    "senior": "Senior",
    "staff": "Staff",
    "principal": "Principal",
    "manager": "Manager",
    "director_plus": "Director+",
}
# PRODUCT §2.4: the six question categories.
CATEGORIES = {
    "behavioral": "Behavioral",
    "technical": "Technical",
    "situational": "Situational",
    "culture_fit": "Culture fit",
    "case": "Case",
    "system_design": "System design",
}
# PRODUCT §2.1 names six of the fourteen focus areas; the other eight are this project's choice.
FOCUS_AREAS = {
    "data_structures_algorithms": "Data Structures & Algorithms",
    "leadership_management": "Leadership & Management",
    "problem_solving": "Problem Solving",
    "communication": "Communication",
    "system_design": "System Design",
    "collaboration_teamwork": "Collaboration & Teamwork",
    "conflict_resolution": "Conflict Resolution",
    "failure_learning": "Failure & Learning",
    "initiative_ownership": "Initiative & Ownership",
    "time_management": "Time Management & Prioritization",
    "adaptability": "Adaptability & Change",
    "customer_focus": "Customer Focus",
    "technical_depth": "Technical Depth",
    "product_sense": "Product Sense",
}
# Words a caller may use for a focus area ("leadership", "conflict" in the seed's example).
_FOCUS_ALIASES = {
    "dsa": "data_structures_algorithms", "algorithms": "data_structures_algorithms",
    "data structures": "data_structures_algorithms", "coding": "data_structures_algorithms",
    "leadership": "leadership_management", "management": "leadership_management",
    "problem": "problem_solving", "problem-solving": "problem_solving",
    "communication": "communication", "design": "system_design", "architecture": "system_design",
    "collaboration": "collaboration_teamwork", "teamwork": "collaboration_teamwork",
    "conflict": "conflict_resolution", "failure": "failure_learning",
    "learning": "failure_learning", "initiative": "initiative_ownership",
    "ownership": "initiative_ownership", "prioritization": "time_management",
    "time": "time_management", "adaptability": "adaptability", "change": "adaptability",
    "ambiguity": "adaptability", "customer": "customer_focus", "customers": "customer_focus",
    "technical": "technical_depth", "depth": "technical_depth", "product": "product_sense",
}
STORY_THEMES = ("Leadership", "Conflict resolution", "Failure and learning", "Initiative",
                "Teamwork", "Communication", "Problem solving", "Time management")


def key_of(text: str) -> str:
    """``"Phone screen"``, ``"phone-screen"`` and ``"PHONE_SCREEN"`` -> ``"phone_screen"``."""
    key = re.sub(r"[^a-z0-9+]+", "_", text.strip().lower()).strip("_")
    return key.replace("+", "_plus").replace("__", "_")


def focus_key(text: str) -> str | None:
    """The canonical focus area a caller's word names, or ``None`` for a custom one."""
    key = key_of(text)
    if key in FOCUS_AREAS:
        return key
    for label_key, label in FOCUS_AREAS.items():
        if key_of(label) == key:
            return label_key
    lowered = text.strip().lower()
    if lowered in _FOCUS_ALIASES:
        return _FOCUS_ALIASES[lowered]
    for word in re.findall(r"[a-z-]+", lowered):
        if word in _FOCUS_ALIASES:
            return _FOCUS_ALIASES[word]
    return None


class Choice(fields.String):
    """A string naming one of ``choices`` by key or label, loaded as the key, dumped as is."""

    def __init__(self, choices: Mapping[str, str], **kwargs: Any) -> None:
        self.choices = choices
        kwargs.setdefault("metadata", {}).setdefault("enum", list(choices))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) <= 60:
            key = key_of(text)
            if key in self.choices:
                return key
            for choice, label in self.choices.items():
                if key_of(label) == key:
                    return choice
        raise ValidationError(f"Must be one of: {', '.join(self.choices)}.")


def clean_list(items: Iterable[str], limit: int = 20) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively), non-empty strings, first spelling kept."""
    seen: dict[str, str] = {}
    for item in items:
        text = " ".join(str(item).split())
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())[:limit]


class FocusArea(fields.String):
    """A focus area by key, label or common word (``"conflict"``), loaded as its key."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        key = focus_key(text) if len(text) <= 60 else None
        if key is None:
            raise ValidationError(f"Must be one of: {', '.join(FOCUS_AREAS)}.")
        return key


# Times a user can schedule: far enough from datetime's own limits that adding a duration or
# showing the time in any zone never overflows, wide enough for any real interview.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)
WINDOW_MESSAGE = "Must be between 2000-01-01 and 2100-12-31 (UTC)."


def in_window(value: datetime, zone: str = "UTC") -> datetime:
    """``value`` as a UTC instant (a naive time is read in ``zone``); ``ValidationError``
    naming the accepted years when it falls outside them."""
    try:
        aware = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(zone))
        instant = aware.astimezone(UTC)
    except (OverflowError, ValueError):
        instant = None
    if instant is None or not EARLIEST <= instant < LATEST:
        raise ValidationError(WINDOW_MESSAGE)
    return instant


class ApplicationRefs:
    """References to the caller's job applications (stories, mocks, sessions, interviews).

    Applications belong to the jobsearch plugin, which this plugin never imports: they are
    checked through the ``jobsearch_owned_applications`` hook jobsearch offers (one indexed
    read for any number of ids). Without jobsearch enabled no application exists, so any
    reference is unknown.
    """

    HOOK = "jobsearch_owned_applications"

    def __init__(self, services: Any) -> None:
        self.services = services

    def check(self, user_id: str, ids: Iterable[str | None]) -> None:
        """404 unless every id names one of ``user_id``'s applications (another user's id
        answers exactly like an unknown one)."""
        wanted = [i for i in dict.fromkeys(ids) if i]
        if not wanted:
            return
        caller = getattr(self.services.plugins.hook, self.HOOK, None)
        found: set[str] = set()
        if caller is not None and caller.spec is not None:
            found = set(caller(user_id=user_id, application_ids=wanted,
                               services=self.services) or ())
        if any(i not in found for i in wanted):
            raise NotFound("No such application.")
