"""Hook implementations of the cron plugin: the HTTP cron route for every registered task, the
engagement tasks (lifecycle, abandoned sign-up, streak nudges, win-back, job digest, milestone
nudges, weekly digest), the seeker analytics (streaks and milestones with the sections other
plugins answer) and client telemetry. See docs/cron.md."""

from __future__ import annotations

from typing import Any

from lightninghire.api import hookimpl
from lightninghire_plugins.cron import config, hookspecs
from lightninghire_plugins.cron import tasks as cron_tasks
from lightninghire_plugins.cron.engagement import analytics
from lightninghire_plugins.cron.engagement.service import Engagement
from lightninghire_plugins.cron.engagement.store import COLLECTIONS, OWNED
from lightninghire_plugins.cron.resources import CronTaskResource
from lightninghire_plugins.cron.telemetry import service as telemetry
from lightninghire_plugins.cron.telemetry.resources import (
    TelemetryResource,
    TelemetryStatsResource,
)

# Hooks this plugin offers the others (collect_digest), its settings, its events.
plugin_hookspecs = hookspecs
plugin_settings = config.CronSettingsSchema
plugin_events = {
    "emits": ("digest.ready",),
    # The activity the engagement tasks track (engagement/service.py ACTIVITY_EVENTS).
    "listens": {
        "account": ("user.signed_up",),
        "interview": ("interview.mock_completed", "stories.created",
                      "interview.session_started"),
        "jobsearch": ("applications.created", "applications.stage_changed", "resumes.created"),
    },
}


def _engagement(services: Any) -> Engagement:
    # One per app, kept with the app's services (never module state: tests build many apps).
    return services.state("cron", lambda s: Engagement(s, config.load(s)))


# Its mails differ by the user types the plans plugin declares (engagement/content.py).
plugin_requires = ("plans",)


@hookimpl
def register_preferences(preferences: Any) -> None:
    # The engagement mails it sends (engagement/service.py: the `preference` of each task).
    for key in ("lifecycle", "digest", "streaks", "milestones", "weekly"):
        preferences.add("emails", key, default=True)
    preferences.add("notifications", "streaks", default=True)


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    settings = config.load(services)
    events = telemetry.TelemetryService(services.db, services.clock,
                                        settings.telemetry_retention_days)
    routes.add("/api/cron/{task}", CronTaskResource(services))
    with routes.group(tags="analytics"):
        routes.add("/api/analytics", analytics.AnalyticsResource(_engagement(services)))
        routes.add("/api/analytics/summary",
                   analytics.AnalyticsSummaryResource(_engagement(services)))
    with routes.group(tags="telemetry"):
        routes.add("/api/telemetry", TelemetryResource(events, services.authenticators))
        routes.add("/api/telemetry/stats", TelemetryStatsResource(events))


@hookimpl
def register_collections(collections: Any) -> None:
    for name, indexes in COLLECTIONS.items():
        collections.add(name, indexes=indexes, owner_field="userId" if name in OWNED else None)
    collections.add(telemetry.COLLECTION, indexes=telemetry.INDEXES, owner_field="userId")


@hookimpl
def register_policy(policy: Any) -> None:
    policy.add_feature(**analytics.FEATURE_DECLARATION)


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    cron_tasks.register(tasks, _engagement(services))


@hookimpl
def handle_event_deferred(event: Any, services: Any) -> None:
    # Activity bookkeeping (last active, milestones, streak days) and the welcome mail: nothing
    # the emitter's answer needs, so it runs after the answer and costs the request nothing.
    engagement = _engagement(services)
    engagement.record_event(event.name, event.user_id, event.at, event.payload)
    if event.name == "user.signed_up" and event.user_id:
        engagement.welcome(event.user_id)

