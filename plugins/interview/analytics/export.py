"""The mock-scores CSV export (PRODUCT §1.6: session-level, per category), a bounded page at a
time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields, validate

from lightninghire.api import PageQuery, paginate, write_csv
from lightninghire_plugins.interview.common import CATEGORIES

EXPORT_MAX_ROWS = 500  # per request; the next page is named by the X-Next-Cursor header
DIMENSIONS = ("completeness", "relevance", "structure", "specificity")
HEADER = ["mockId", "createdAt", "completedAt", "company", "role", "interviewType", "status",
          "questions", "answered", "overallScore", *DIMENSIONS, *CATEGORIES]


class MockScoresExportQuery(PageQuery):
    limit = fields.Integer(load_default=EXPORT_MAX_ROWS,
                           validate=validate.Range(1, EXPORT_MAX_ROWS))


def _row(doc: Mapping[str, Any]) -> list[Any]:
    debrief = doc.get("debrief") or {}
    dimensions = debrief.get("dimensionAverages") or {}
    categories = doc.get("categoryScores") or {}
    return [str(doc["_id"]), doc.get("createdAt"), doc.get("completedAt"), doc.get("company"),
            doc.get("role"), doc.get("interviewType"), doc.get("status"),
            len(doc.get("questions", [])), debrief.get("answered"), doc.get("overallScore"),
            *(dimensions.get(d) for d in DIMENSIONS), *(categories.get(c) for c in CATEGORIES)]


class MockScoresExport:
    def __init__(self, mocks: Any) -> None:
        self.mocks = mocks

    def page(self, user_id: str, query: Mapping[str, Any]) -> tuple[str, str | None]:
        """CSV text of up to ``limit`` of the caller's mock interviews, newest first, and the
        cursor of the next page (``None`` at the end)."""
        page = paginate(self.mocks, {"userId": user_id}, limit=query["limit"],
                        cursor=query["cursor"])
        return write_csv(HEADER, (_row(d) for d in page["items"])), page["nextCursor"]
