"""Read the shipped Markdown pages: ``pages/<kind>/<slug>.md`` and, for courses,
``pages/courses/<slug>/course.md`` plus one ``NN-<lesson>.md`` per lesson, in file order.

Front matter is YAML between two ``---`` lines at the top, split off and loaded (safe loader) by
python-frontmatter's YAML handler: ``key: value`` lines, ``tags: [a, b]`` (or ``a, b``) a list,
``published: 2026-01-05`` a date. Values are checked here so a page fails its tests, not a request.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from importlib import resources
from importlib.abc import Traversable
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

PACKAGE = "lightninghire_plugins.marketing.content"
PAGES = "pages"
KINDS = ("blog", "courses", "help", "public")
LIST_KEYS = frozenset({"tags"})
DATE_KEYS = frozenset({"published", "updated"})
_SLUG = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_LESSON = re.compile(r"^\d+-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_FRONT_MATTER = YAMLHandler()


class PageError(ValueError):
    """A shipped page is malformed (a bug in the package, caught by its tests)."""


def parse_page(text: str, where: str = "page") -> tuple[dict[str, Any], str]:
    """``(front matter, Markdown body)``; ``PageError`` names the file and what is wrong."""
    text = text.replace("\r\n", "\n")
    if not _FRONT_MATTER.detect(text):
        raise PageError(f"{where}: no front matter (the first line must be ---)")
    try:
        front, body = _FRONT_MATTER.split(text)
    except ValueError:
        raise PageError(f"{where}: front matter is not closed with ---") from None
    try:
        loaded = _FRONT_MATTER.load(front)  # YAML's safe loader: plain data, never objects
    except yaml.YAMLError as error:
        raise PageError(f"{where}: front matter is not valid YAML ({error})") from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict) or not all(isinstance(k, str) for k in loaded):
        raise PageError(f"{where}: front matter must be 'key: value' lines")
    meta = {key: _value(key, value, where) for key, value in loaded.items()}
    return meta, body.strip() + "\n"


def _value(key: str, value: Any, where: str) -> Any:
    """The front matter's values as the content documents hold them: text is ``str``, ``tags``
    a list of ``str``, dates UTC datetimes, ``minutes`` an ``int``."""
    if key in LIST_KEYS:
        items = value.split(",") if isinstance(value, str) else value  # "tags: a, b" too
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise PageError(f"{where}: {key} must be a list of words, like [a, b]")
        return [item.strip() for item in items if item.strip()]
    if key in DATE_KEYS:
        return _date(key, value, where)
    if key == "minutes":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise PageError(f"{where}: minutes must be a whole number")
        return value
    if value is None:  # "key:" with nothing after it
        return ""
    if not isinstance(value, str):
        # YAML reads yes/no, numbers and dates as such: a text field says so instead of
        # silently storing "True" or "2026-01-05 00:00:00".
        raise PageError(f"{where}: {key} must be text (put it in quotes)")
    return value


def _date(key: str, value: Any, where: str) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
    except ValueError:
        raise PageError(f"{where}: {key} must be a date like 2026-01-05") from None


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
