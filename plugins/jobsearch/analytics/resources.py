"""``GET /api/analytics/pipeline.csv``: the caller's pipeline as CSV, a bounded page a time."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint, send_csv
from lightninghire_plugins.jobsearch.analytics.export import (
    EXPORT_MAX_ROWS,
    PipelineExport,
    PipelineExportQuery,
)


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
        send_csv(resp, text, "pipeline.csv", next_cursor)
