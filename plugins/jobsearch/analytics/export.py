"""The pipeline CSV export (PRODUCT §1.6: stage, dates, notes), a bounded page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validate
from pymongo import DESCENDING

from lightninghire.api import PageQuery, ValidationFailed, as_object_id, safe_cell, write_csv
from lightninghire_plugins.jobsearch.store import APPLICATIONS

EXPORT_MAX_ROWS = 500  # per request; the next page is named by the X-Next-Cursor header
# What a row needs: never the description or the cover letter (up to 70 KB a card).
FIELDS = {"company": 1, "role": 1, "status": 1, "archived": 1, "location": 1, "locationType": 1,
          "salary": 1, "jobUrl": 1, "tags": 1, "matchScore": 1, "createdAt": 1, "appliedAt": 1,
          "lastActivityAt": 1, "timeline": 1, "notes": 1}
HEADER = ["company", "role", "status", "archived", "location", "locationType", "salary",
          "jobUrl", "tags", "matchScore", "createdAt", "appliedAt", "lastActivityAt",
          "stageHistory", "notes"]


class PipelineExportQuery(PageQuery):
    limit = fields.Integer(load_default=EXPORT_MAX_ROWS,
                           validate=validate.Range(1, EXPORT_MAX_ROWS))


def _row(doc: Mapping[str, Any]) -> list[Any]:
    history = "; ".join(
        f"{safe_cell(e.get('at'))} {e.get('from') or 'new'} -> {e.get('to')}"
        for e in doc.get("timeline", []) if e.get("to"))
    notes = " | ".join(n.get("text", "") for n in doc.get("notes", []))
    return [doc.get("company"), doc.get("role"), doc.get("status"), bool(doc.get("archived")),
            doc.get("location"), doc.get("locationType"), doc.get("salary"), doc.get("jobUrl"),
            ", ".join(doc.get("tags", [])), doc.get("matchScore"), doc.get("createdAt"),
            doc.get("appliedAt"), doc.get("lastActivityAt"), history, notes]


class PipelineExport:
    def __init__(self, db: Any) -> None:
        self.apps = db[APPLICATIONS]

    def page(self, user_id: str, query: Mapping[str, Any]) -> tuple[str, str | None]:
        """CSV text of up to ``limit`` of the caller's applications (archived ones too), newest
        first, and the cursor of the next page (``None`` at the end)."""
        filter: dict[str, Any] = {"userId": user_id}
        if query["cursor"]:
            before = as_object_id(query["cursor"])
            if before is None:
                raise ValidationFailed({"cursor": ["Not a valid cursor."]})
            filter["_id"] = {"$lt": before}
        limit = query["limit"]
        docs = list(self.apps.find(filter, FIELDS).sort("_id", DESCENDING).limit(limit + 1))
        more = len(docs) > limit
        docs = docs[:limit]
        return (write_csv(HEADER, (_row(d) for d in docs)),
                str(docs[-1]["_id"]) if more else None)
