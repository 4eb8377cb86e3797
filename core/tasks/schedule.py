"""Cron arithmetic for five-field UTC schedules: the latest fire time at or before now, the next one.

Fire times are whole minutes, so "at or before now" is computed from the start of now's minute
(croniter's ``get_prev`` is strictly before its start).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from croniter import croniter


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("schedule times must be timezone-aware")
    return when.astimezone(UTC)


def latest_fire(schedule: str, now: datetime) -> datetime:
    """The most recent fire time of ``schedule`` that is at or before ``now``."""
    minute = _utc(now).replace(second=0, microsecond=0)
    # croniter may set fold=1 on UTC results; harmless in comparisons, noisy in reprs.
    return croniter(schedule, minute + timedelta(seconds=1)).get_prev(datetime).replace(fold=0)


def next_fire(schedule: str, now: datetime) -> datetime:
    """The first fire time of ``schedule`` strictly after ``now``."""
    return croniter(schedule, _utc(now)).get_next(datetime).replace(fold=0)
