"""Read the shipped Markdown pages: ``pages/<kind>/<slug>.md`` and, for courses,
``pages/courses/<slug>/course.md`` plus one ``NN-<lesson>.md`` per lesson, in file order.

Front matter is the block between two ``---`` lines at the top, one ``key: value`` per line;
``tags: [a, b]`` (or ``a, b``) is a list. That is all these pages need, so no YAML dependency.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from importlib import resources
from importlib.abc import Traversable
from typing import Any

PACKAGE = "lightninghire_plugins.marketing.content"
PAGES = "pages"
KINDS = ("blog", "courses", "help", "public")
LIST_KEYS = frozenset({"tags"})
DATE_KEYS = frozenset({"published", "updated"})
_SLUG = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_LESSON = re.compile(r"^\d+-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")


class PageError(ValueError):
    """A shipped page is malformed (a bug in the package, caught by its tests)."""


def parse_page(text: str, where: str = "page") -> tuple[dict[str, Any], str]:
    """``(front matter, Markdown body)``."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise PageError(f"{where}: no front matter (the first line must be ---)")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise PageError(f"{where}: front matter is not closed with ---") from None
    meta: dict[str, Any] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise PageError(f"{where}:{number}: expected 'key: value'")
        meta[key.strip()] = _value(key.strip(), value.strip(), f"{where}:{number}")
    return meta, "\n".join(lines[end + 1:]).strip() + "\n"


def _value(key: str, raw: str, where: str) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        raw = raw[1:-1]
    if key in LIST_KEYS:
        inner = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
        return [item.strip().strip("\"'") for item in inner.split(",") if item.strip()]
    if key in DATE_KEYS:
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=UTC)
        except ValueError:
            raise PageError(f"{where}: {key} must be a date like 2026-01-05") from None
    if key == "minutes":
        if not raw.isdigit():
            raise PageError(f"{where}: minutes must be a whole number")
        return int(raw)
    return raw


def _slug_of(name: str, where: str, *, lesson: bool = False) -> str:
    match = (_LESSON if lesson else _SLUG).match(name)
    if not match:
        raise PageError(f"{where}: file names are lower-case-slugs.md (lessons: NN-slug.md)")
    return match.group(1)


def _page_doc(kind: str, slug: str, meta: dict[str, Any], body: str, where: str
              ) -> dict[str, Any]:
    for required in ("title", "summary", "published"):
        if required not in meta:
            raise PageError(f"{where}: front matter needs {required}")
    return {
        "kind": kind, "slug": slug, "title": meta["title"], "summary": meta["summary"],
        "body": body, "tags": meta.get("tags", []), "category": meta.get("category"),
        "format": meta.get("format", "article"), "author": meta.get("author"),
        "leadMagnet": meta.get("lead_magnet"),
        "publishedAt": meta["published"], "updatedAt": meta.get("updated", meta["published"]),
        "status": "published",
    }


def _lesson(name: str, text: str, where: str, order: int) -> dict[str, Any]:
    meta, body = parse_page(text, where)
    access = meta.get("access", "free")
    if "title" not in meta or access not in ("free", "pro"):
        raise PageError(f"{where}: a lesson needs a title and access free or pro")
    return {"slug": _slug_of(name, where, lesson=True), "title": meta["title"],
            "summary": meta.get("summary", ""), "access": access,
            "minutes": meta.get("minutes"), "order": order, "body": body}


def load_pages(root: Traversable | None = None) -> list[dict[str, Any]]:
    """Every shipped page as a content document (without ids), oldest publication first."""
    root = root or resources.files(PACKAGE).joinpath(PAGES)
    docs = []
    for kind in KINDS:
        folder = root.joinpath(kind)
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            where = f"{kind}/{entry.name}"
            if kind == "courses" and entry.is_dir():
                meta, body = parse_page(entry.joinpath("course.md").read_text("utf-8"),
                                        f"{where}/course.md")
                doc = _page_doc(kind, _slug_of(entry.name + ".md", where), meta, body, where)
                doc["format"] = meta.get("format", "mini-course")
                lesson_files = sorted((e for e in entry.iterdir()
                                       if e.name.endswith(".md") and e.name != "course.md"),
                                      key=lambda e: e.name)
                doc["lessons"] = [_lesson(e.name, e.read_text("utf-8"), f"{where}/{e.name}", i)
                                  for i, e in enumerate(lesson_files, start=1)]
                if not doc["lessons"]:
                    raise PageError(f"{where}: a course needs at least one lesson")
            elif entry.name.endswith(".md"):
                meta, body = parse_page(entry.read_text("utf-8"), where)
                doc = _page_doc(kind, _slug_of(entry.name, where), meta, body, where)
            else:
                continue
            doc["seedHash"] = content_hash(doc)
            docs.append(doc)
    docs.sort(key=lambda d: d["publishedAt"])
    return docs


def content_hash(doc: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()
