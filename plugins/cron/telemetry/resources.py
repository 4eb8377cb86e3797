"""``POST /api/telemetry`` (public, signed-in callers recognised) and the admin counts."""

from __future__ import annotations

from typing import Any

from lightninghire.api import AppError, Reply, Resource, endpoint
from lightninghire_plugins.cron.telemetry.schemas import (
    TelemetryAcceptedSchema,
    TelemetryInSchema,
    TelemetryStatsQuery,
    TelemetryStatsSchema,
)
from lightninghire_plugins.cron.telemetry.service import TelemetryService

# Per client IP; a browser batches its events, so this is generous for a real client.
INGEST_RATE = "60/1m"


class TelemetryResource:
    def __init__(self, service: TelemetryService, authenticators: dict[str, Any]) -> None:
        self.service = service
        self.authenticators = authenticators

    @endpoint(auth="public", body=TelemetryInSchema, response=TelemetryAcceptedSchema,
              rate_limit=INGEST_RATE, status=202)
    def on_post(self, req: Any, resp: Any) -> Reply:
        """Ingest a batch of client events (anonymous, or the signed-in caller's)."""
        result = self.service.ingest(req.context.body, self._signed_in(req), _do_not_track(req))
        return Reply(result, status=202)

    def _signed_in(self, req: Any) -> dict[str, Any] | None:
        # The route is public; a caller who also proves who they are gets their events
        # attributed (and their analytics opt-out honoured). Bad or cross-site credentials
        # make the batch anonymous rather than failing it: telemetry never breaks a page.
        for mode in ("session", "api_key"):
            authenticator = self.authenticators.get(mode)
            if authenticator is None:
                continue
            try:
                principal = authenticator.authenticate(req)
            except AppError:
                continue
            if principal is not None and principal.user is not None:
                return principal.user
        return None


class TelemetryStatsResource(Resource[TelemetryService]):
    @endpoint(permission="admin:read", query=TelemetryStatsQuery, response=TelemetryStatsSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Event counts by name and by UTC day (super_admin, or roles granted admin:read)."""
        query = req.context.query
        return self.service.stats(query["days"], query["name"])


def _do_not_track(req: Any) -> bool:
    # DNT and Global Privacy Control both mean "do not collect analytics" (PRODUCT §1.6, §8).
    return req.get_header("DNT") == "1" or req.get_header("Sec-GPC") == "1"
