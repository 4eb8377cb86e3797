"""The pipeline CSV export (PRODUCT §1.6: stage, dates, notes), a bounded page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validate

from lightninghire.api import PageQuery, paginate, safe_cell, write_csv
from lightninghire_plugins.jobsearch.store import APPLICATIONS

EXPORT_MAX_ROWS = 1000  # per request; the next page is named by the X-Next-Cursor header
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
        page = paginate(self.apps, {"userId": user_id}, limit=query["limit"],
                        cursor=query["cursor"])
        return write_csv(HEADER, (_row(d) for d in page["items"])), page["nextCursor"]
