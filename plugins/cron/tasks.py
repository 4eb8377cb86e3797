"""The scheduled tasks this plugin owns (UTC schedules; any of them runs now through
``/api/cron/<task>`` or ``lightninghire cron run <task>``)."""

from __future__ import annotations

from typing import Any

from lightninghire_plugins.cron.engagement.service import Engagement

# name -> (schedule, method). Mail goes to the outbox; the core's mail-outbox task delivers it.
SCHEDULES: dict[str, tuple[str, str]] = {
    "lifecycle-emails": ("0 * * * *", "lifecycle"),
    "abandoned-signup": ("30 * * * *", "abandoned_signups"),
    "streak-nudges": ("0 17 * * *", "streak_nudges"),
    "win-back": ("0 15 * * *", "win_back"),
    "job-digest": ("0 13 * * *", "job_digest"),
    "milestone-nudges": ("45 * * * *", "milestone_nudges"),
    "weekly-digest": ("0 14 * * 1", "weekly_digest"),
}


def register(tasks: Any, engagement: Engagement) -> None:
    for name, (schedule, method) in SCHEDULES.items():
        run = getattr(engagement, method)
        tasks.add(name, schedule=schedule, run=run, lease_seconds=600,
                  description=(run.__doc__ or "").strip().split("\n")[0])
