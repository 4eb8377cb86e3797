"""Reading job postings from a file: CSV in the shipped template's columns, or JSON.

Template columns (``jobs_import_template.csv``): title, description, responsibilities,
required_qualifications, preferred_qualifications, base_salary, salary_range_min,
salary_range_max, additional_notes — list cells comma-joined inside quotes. Extra columns this
importer understands: company, location, remote, url, posted_at, external_id, source. JSON is a
list of objects (or ``{"jobs": [...]}``) with the same keys, snake_case or camelCase.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

LIST_FIELDS = ("responsibilities", "requiredQualifications", "preferredQualifications")
ALIASES = {
    "title": "title", "description": "description", "responsibilities": "responsibilities",
    "required_qualifications": "requiredQualifications",
    "preferred_qualifications": "preferredQualifications",
    "base_salary": "baseSalary", "salary_range_min": "salaryMin", "salary_range_max": "salaryMax",
    "salary_min": "salaryMin", "salary_max": "salaryMax",
    "additional_notes": "notes", "notes": "notes", "company": "company", "location": "location",
    "remote": "remote", "url": "url", "posted_at": "postedAt", "external_id": "externalId",
    "id": "externalId", "source": "source",
}
MAX_LEN = {"title": 200, "company": 200, "location": 200, "description": 50_000, "notes": 5_000,
           "url": 2_000, "externalId": 200, "source": 60}
_REMOTE = re.compile(r"\bremote\b", re.IGNORECASE)
MAX_ROWS = 10_000


class RowError(ValueError):
    pass


def _key(name: str) -> str | None:
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name.strip()).lower().replace(" ", "_")
    return ALIASES.get(snake)


def read_rows(text: str, fmt: str) -> list[dict[str, Any]]:
    """Raw rows (dicts) from CSV or JSON text; ``fmt`` is ``csv`` or ``json``."""
    if fmt == "json":
        data = json.loads(text)
        if isinstance(data, Mapping):
            data = data.get("jobs", [])
        if not isinstance(data, list):
            raise ValueError("JSON must be a list of jobs or {\"jobs\": [...]}")
        return [row if isinstance(row, dict) else {"__invalid__": row} for row in data][:MAX_ROWS]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return [dict(row) for row in reader][:MAX_ROWS]


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    raise RowError("must be a list or a comma-separated text")


def _money(value: Any, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(str(value).replace(",", "").replace("$", "").strip())
    except ValueError:
        raise RowError(f"{name} is not a number: {value!r}") from None
    if amount < 0 or amount > 100_000_000:
        raise RowError(f"{name} is out of range")
    return amount


def _when(value: Any, default: datetime) -> datetime:
    if value in (None, ""):
        return default
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise RowError(f"postedAt is not an ISO date: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def normalize(row: Mapping[str, Any], now: datetime, default_source: str) -> dict[str, Any]:
    """One posting as stored (without terms and timestamps); ``RowError`` says what is wrong."""
    if "__invalid__" in row:
        raise RowError("not an object")
    data: dict[str, Any] = {}
    for name, value in row.items():
        key = _key(str(name)) if name is not None else None
        if key is not None:
            data[key] = value.strip() if isinstance(value, str) else value
    title = data.get("title")
    if not isinstance(title, str) or not title:
        raise RowError("title is required")
    job: dict[str, Any] = {}
    for field in ("title", "company", "location", "description", "notes", "url", "externalId",
                  "source"):
        value = data.get(field)
        if value in (None, ""):
            continue
        text = str(value)
        if len(text) > MAX_LEN[field]:
            raise RowError(f"{field} is longer than {MAX_LEN[field]} characters")
        job[field] = text
    if "url" in job and not re.match(r"^https?://", job["url"]):
        raise RowError("url must start with http:// or https://")
    for field in LIST_FIELDS:
        job[field] = _list(data.get(field))[:50]
    job["baseSalary"] = _money(data.get("baseSalary"), "baseSalary")
    job["salaryMin"] = _money(data.get("salaryMin"), "salaryMin")
    job["salaryMax"] = _money(data.get("salaryMax"), "salaryMax")
    if job["salaryMin"] is not None and job["salaryMax"] is not None and \
            job["salaryMin"] > job["salaryMax"]:
        raise RowError("salaryMin is above salaryMax")
    remote = data.get("remote")
    if isinstance(remote, str) and remote:
        job["remote"] = remote.lower() in ("1", "true", "yes", "y", "remote")
    elif isinstance(remote, bool):
        job["remote"] = remote
    else:  # the template has no column: read it from the location and the notes
        job["remote"] = bool(_REMOTE.search(f"{job.get('location', '')} {job.get('notes', '')}"))
    job["postedAt"] = _when(data.get("postedAt"), now)
    job.setdefault("source", default_source)
    job.setdefault("company", None)
    job.setdefault("location", None)
    return job
