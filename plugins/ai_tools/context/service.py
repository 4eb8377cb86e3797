"""Gathering, bounding and searching the user context.

Every enabled plugin answers the ``user_context`` hook with its slice of one user's data; this is
the only way ai_tools sees other domains (it never imports a plugin nor reads its collections).
The hook is asked per request for the calling user only, so nothing here can cross users.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bson import ObjectId

log = logging.getLogger("lightninghire.ai_tools")

# Per-value bounds applied before the whole-context bound: one huge field (a pasted resume)
# must not crowd out every other plugin's slice.
MAX_STRING = 4000
MAX_LIST = 50
MAX_DEPTH = 5
TITLE_KEYS = ("title", "name", "role", "question", "subject", "company", "label")
TEXT_KEYS = ("description", "jobDescription", "text", "content", "body", "resumeText", "notes",
             "summary", "answer")
SKIPPED_KEYS = frozenset({"_id", "userId", "id"})


@dataclass(frozen=True)
class Item:
    """One document of the context: where it came from and what it holds."""

    plugin: str
    kind: str
    id: str
    data: Any

    @property
    def title(self) -> str:
        if isinstance(self.data, Mapping):
            for key in TITLE_KEYS:
                value = self.data.get(key)
                if isinstance(value, str) and value.strip():
                    company = self.data.get("company")
                    if key in ("title", "role") and isinstance(company, str) and company:
                        return f"{value.strip()} at {company.strip()}"
                    return value.strip()
        if isinstance(self.data, str):
            return _clip(self.data, 60)
        return self.kind

    @property
    def text(self) -> str:
        """The item as plain text (``key: value`` lines), for retrieval and prompts."""
        return flatten_text(self.data)

    @property
    def body(self) -> str:
        """The item's main free text (a job description, a resume), else its whole text."""
        if isinstance(self.data, Mapping):
            for key in TEXT_KEYS:
                value = self.data.get(key)
                if isinstance(value, str) and len(value.strip()) >= 20:
                    return value.strip()
        return self.text


def json_ready(value: Any, depth: int = 0) -> Any:
    """A JSON-safe, per-value bounded copy (dates as ISO strings, ObjectIds as strings)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        if "_id" in value and "id" not in value:
            out["id"] = str(value["_id"])
        for key, inner in value.items():
            if key not in ("_id", "userId"):  # owners and raw ids are not context
                out[str(key)] = json_ready(inner, depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [json_ready(v, depth + 1) for v in list(value)[:MAX_LIST]]
    if isinstance(value, str):
        return _clip(value, MAX_STRING)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, ObjectId):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return _clip(str(value), MAX_STRING)


def flatten_text(value: Any, prefix: str = "") -> str:
    """Readable text of a context value: scalars as ``key: value`` lines, lists joined."""
    if isinstance(value, Mapping):
        lines = []
        for key, inner in value.items():
            if key in SKIPPED_KEYS or inner in (None, "", [], {}):
                continue
            label = f"{prefix}{key}"
            if isinstance(inner, Mapping):
                lines.append(flatten_text(inner, f"{label}."))
            elif isinstance(inner, list):
                if all(not isinstance(x, Mapping | list) for x in inner):
                    lines.append(f"{label}: {', '.join(str(x) for x in inner)}")
                else:
                    lines.extend(flatten_text(x, f"{label}.") for x in inner)
            else:
                lines.append(f"{label}: {inner}")
        return "\n".join(line for line in lines if line)
    if isinstance(value, list):
        return "\n".join(flatten_text(x, prefix) for x in value)
    return f"{prefix.rstrip('.')}: {value}" if prefix else str(value)


def size_of(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def bound(sections: dict[str, Any], max_chars: int) -> tuple[dict[str, Any], bool]:
    """Shrink ``sections`` until its JSON fits ``max_chars``: drop the last item of the longest
    list, else halve the longest string. Deterministic, and the first items (newest, by the
    hook's convention) survive longest."""
    data = json.loads(json.dumps(sections))
    truncated = False
    while size_of(data) > max_chars:
        longest_list = _longest(data, list)
        if longest_list is not None and len(longest_list) > 1:
            longest_list.pop()
        else:
            holder, key, text = _longest_string(data)
            if holder is None or len(text) < 40:
                return {}, True  # nothing sensible left to cut
            holder[key] = _clip(text, len(text) // 2)
        truncated = True
    return data, truncated


def _longest(value: Any, kind: type) -> Any:
    best = None
    for candidate in _walk(value):
        if isinstance(candidate, kind) and (best is None or len(candidate) > len(best)):
            best = candidate
    return best


def _walk(value: Any) -> Iterator[Any]:
    yield value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for child in children:
        yield from _walk(child)


def _longest_string(value: Any) -> tuple[Any, Any, str]:
    best: tuple[Any, Any, str] = (None, None, "")
    for holder in _walk(value):
        pairs = (holder.items() if isinstance(holder, dict)
                 else enumerate(holder) if isinstance(holder, list) else ())
        for key, inner in pairs:
            if isinstance(inner, str) and len(inner) > len(best[2]):
                best = (holder, key, inner)
    return best


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "\u2026"


class ContextService:
    """Asks every enabled plugin for its slice of one user's data."""

    def __init__(self, services: Any, max_chars: int = 12_000) -> None:
        self.services = services
        self.max_chars = max_chars

    def gather(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """``{plugin: slice}`` for every plugin that answered with something."""
        sections: dict[str, Any] = {}
        for plugin, answer in self.services.plugins.call_each(
                "user_context", user=user, services=self.services, on_error=_log_failure):
            if isinstance(answer, Mapping) and answer:
                sections[plugin] = json_ready(answer)
        return sections

    def bounded(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """The context as ``GET /api/context`` shows it: every slice, within ``max_chars``."""
        sections = self.gather(user)
        fitted, truncated = bound(sections, self.max_chars)
        return {"sections": fitted, "plugins": sorted(fitted), "truncated": truncated,
                "chars": size_of(fitted), "maxChars": self.max_chars}

    @staticmethod
    def items(sections: Mapping[str, Any]) -> list[Item]:
        """Every document in the context: each list entry is one item, a mapping is one item."""
        found: list[Item] = []
        for plugin, slice_ in sections.items():
            if not isinstance(slice_, Mapping):
                continue
            for kind, value in slice_.items():
                entries = value if isinstance(value, list) else [value]
                for index, entry in enumerate(entries):
                    if entry in (None, "", {}, []):
                        continue
                    ident = entry.get("id") if isinstance(entry, Mapping) else None
                    found.append(Item(plugin, kind, str(ident) if ident else
                                      f"{plugin}.{kind}.{index}", entry))
        return found

    @classmethod
    def find(cls, sections: Mapping[str, Any], item_id: str,
             kinds: tuple[str, ...] = ()) -> Item | None:
        """The item with ``id == item_id`` (preferring the given kinds), or ``None``."""
        matches = [item for item in cls.items(sections) if item.id == item_id]
        matches.sort(key=lambda item: 0 if any(k in item.kind.lower() for k in kinds) else 1)
        return matches[0] if matches else None


def _log_failure(plugin: str, exc: Exception) -> None:
    # One plugin's broken hook must not take chat or analysis down for everyone else's data.
    log.error("user_context of plugin %r failed: %s: %s", plugin, type(exc).__name__, exc)
