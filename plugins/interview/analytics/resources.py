"""``GET /api/analytics/mock-scores.csv``: the caller's mock scores as CSV."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint, send_csv
from lightninghire_plugins.interview.analytics.export import (
    EXPORT_MAX_ROWS,
    MockScoresExport,
    MockScoresExportQuery,
)


class MockScoresExportResource(Resource[MockScoresExport]):
    @endpoint(query=MockScoresExportQuery, raw=True, media_type="text/csv",
              description=f"One row per mock interview: mockId, createdAt, completedAt, "
                          f"company, role, interviewType, status, questions, answered, "
                          f"overallScore, the four dimension averages (completeness, relevance, "
                          f"structure, specificity) and the average per question category "
                          f"(behavioral, technical, situational, culture_fit, case, "
                          f"system_design; empty when none was asked or the mock is not "
                          f"completed). Newest first, at most {EXPORT_MAX_ROWS} rows per request "
                          f"(`limit`); when more follow, the `X-Next-Cursor` header names the "
                          f"next page (`cursor`). Cells a spreadsheet would run as a formula "
                          f"start with `'`. Your own data: not metered.")
    def on_get(self, req: Any, resp: Any) -> None:
        """Export your mock interview scores as CSV."""
        text, next_cursor = self.service.page(self.owner(req), req.context.query)
        send_csv(resp, text, "mock-scores.csv", next_cursor)
