"""``POST /api/leads``: public, 10 per 15 minutes per client IP."""

from __future__ import annotations

from typing import Any

from lightninghire.api import NotFound, Reply, Resource, endpoint
from lightninghire_plugins.marketing.common import is_bot
from lightninghire_plugins.marketing.leads.downloads import Downloads
from lightninghire_plugins.marketing.leads.schemas import LeadInSchema
from lightninghire_plugins.marketing.leads.service import LeadService


class LeadsResource(Resource[LeadService]):
    @endpoint(auth="public", body=LeadInSchema, rate_limit="10/15m",
              description="Stores the lead (one per email and source), mails the download "
                          "link through the outbox and answers `{\"ok\": true, \"downloadUrl\": "
                          "...}` with `downloadUrl` at the top level, as the original did.")
    def on_post(self, req: Any, resp: Any) -> Reply:
        """Capture a lead and send its lead magnet."""
        body = req.context.body
        if is_bot(body):
            # Same answer as a person gets, so the trap does not teach the bot anything; the
            # asset is public anyway. Nothing is stored and nothing is mailed.
            return Reply.top(downloadUrl=self.service.magnet(body["source"]).url)
        url = self.service.capture(body["email"], body["source"], body["marketingOptIn"],
                                   body["utm"])
        return Reply.top(downloadUrl=url)


class DownloadResource:
    def __init__(self, downloads: Downloads) -> None:
        self.downloads = downloads

    @endpoint(auth="public", raw=True, rate_limit="120/15m",
              description="The shipped lead magnets as PDF files: the `downloadUrl` that "
                          "`POST /api/leads` hands out when `download_base_url` is not set.")
    def on_get(self, req: Any, resp: Any, file: str) -> None:
        """Download a lead magnet."""
        data = self.downloads.pdf(file)
        if data is None:
            raise NotFound(f"No download {file!r}.")
        resp.content_type = "application/pdf"
        resp.data = data
        resp.set_header("Content-Disposition", f'attachment; filename="{file}"')
        resp.set_header("Cache-Control", "public, max-age=86400")
