"""``GET /api/analytics/pipeline.csv``: the caller's pipeline as CSV, a bounded page a time."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint
from lightninghire_plugins.jobsearch.analytics.export import (
    EXPORT_MAX_ROWS,
    PipelineExport,
    PipelineExportQuery,
)

CSV = "text/csv; charset=utf-8"


class PipelineExportResource(Resource[PipelineExport]):
    @endpoint(query=PipelineExportQuery, raw=True, media_type="text/csv",
              description=f"Columns: company, role, status, archived, location, locationType, "
                          f"salary, jobUrl, tags, matchScore, createdAt, appliedAt, "
                          f"lastActivityAt, stageHistory (`<at> <from> -> <to>; ...`), notes "
                          f"(`|`-separated). Newest first, at most {EXPORT_MAX_ROWS} rows per "
                          f"request (`limit`); when more follow, the `X-Next-Cursor` header "
                          f"names the next page (`cursor`). Cells a spreadsheet would run as a "
                          f"formula start with `'`. Your own data: not metered.")
    def on_get(self, req: Any, resp: Any) -> None:
        """Export your pipeline as CSV."""
        text, next_cursor = self.service.page(self.owner(req), req.context.query)
        resp.text = text
        resp.content_type = CSV
        resp.set_header("Content-Disposition", 'attachment; filename="pipeline.csv"')
        if next_cursor:
            resp.set_header("X-Next-Cursor", next_cursor)
