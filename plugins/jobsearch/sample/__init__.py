"""Sample data for ``lightninghire demo``: a dozen realistic postings across fields."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

SOURCE = "sample"


def sample_jobs(now: datetime) -> list[dict[str, Any]]:
    """The shipped postings as import rows, ``postedDaysAgo`` turned into ``posted_at``."""
    raw = json.loads((resources.files(__package__) / "jobs.json").read_text(encoding="utf-8"))
    rows = []
    for job in raw["jobs"]:
        row = dict(job)
        days = row.pop("postedDaysAgo", 0)
        row["posted_at"] = (now - timedelta(days=days)).isoformat()
        rows.append(row)
    return rows


def load_jobs(jobs: Any, now: datetime) -> int:
    result = jobs.upsert_many(sample_jobs(now), SOURCE)
    if result["errors"]:
        raise ValueError(f"sample jobs: {result['errors']}")
    return int(result["created"] + result["updated"])
