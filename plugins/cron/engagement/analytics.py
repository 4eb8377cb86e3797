"""``GET /api/analytics`` (the full view, the ``analytics`` feature) and
``GET /api/analytics/summary`` (the limited view every plan has): the seeker analytics
(PRODUCT §6.9), the sections other plugins answer through ``cron_analytics_sections`` with the
streak and milestones this plugin keeps."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import Resource, Timestamp, endpoint
from lightninghire_plugins.cron.engagement.service import Engagement

FEATURE = "analytics"
# PRODUCT §6.4: Analytics, free 1 in all ("limited view"): the full view is the metered
# feature; the summary is free on every plan.
FEATURE_DECLARATION: dict[str, Any] = {
    "key": FEATURE, "label": "Analytics", "window": "total", "limits": {"free": 1},
    "upgrade_hint": "Upgrade to Pro for full analytics any time: applications per week, score "
                    "trends by category, weakest categories and match bands. The summary "
                    "(GET /api/analytics/summary) stays free.",
}


class AnalyticsQuery(Schema):
    weeks = fields.Integer(load_default=12, validate=validate.Range(1, 52))


class AnalyticsStreaks(Schema):
    current = fields.Integer()
    longest = fields.Integer()
    lastActiveDay = fields.String(allow_none=True)


class AnalyticsMilestone(Schema):
    key = fields.String()
    label = fields.String()
    reached = fields.Boolean()
    reachedAt = Timestamp(allow_none=True)


class AnalyticsOut(Schema):
    view = fields.String(metadata={"enum": ["full", "summary"]})
    weeks = fields.Integer(allow_none=True)
    sections = fields.Dict(keys=fields.String(), values=fields.Dict(),
                           metadata={"description": "per section name (pipeline, practice, "
                                                    "interviews, ...), what the plugin owning "
                                                    "the data answers: docs/jobsearch.md, "
                                                    "docs/interview.md"})
    streaks = fields.Nested(AnalyticsStreaks)
    milestones = fields.List(fields.Nested(AnalyticsMilestone))


class AnalyticsResource(Resource[Engagement]):
    @endpoint(query=AnalyticsQuery, response=AnalyticsOut, feature=FEATURE,
              description="The funnel with conversion rates, applications per week, the "
                          "average tailored-resume match band (jobsearch's `pipeline`), practice "
                          "counts, the score trend by category and the weakest categories "
                          "(interview's `practice`), upcoming interviews, the practice streak "
                          "and milestones. `weeks` (1-52, default 12) sets the series' length. "
                          "Free accounts: 1 full view in all (`analytics`), then 402 with "
                          "`upgradeHint`; the summary stays free.")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your job search analytics, in full."""
        return self.service.analytics(self.owner(req), req.context.query["weeks"], True)


class AnalyticsSummaryResource(Resource[Engagement]):
    @endpoint(response=AnalyticsOut,
              description="Every plan: the funnel counts and conversion rates, practice counts, "
                          "upcoming interviews, the streak and milestones, without the weekly "
                          "series, trends, weakest categories and match band. Not metered.")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Your job search analytics, the summary (the free, limited view)."""
        return self.service.analytics(self.owner(req), 12, False)
