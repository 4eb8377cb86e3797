"""Time, injected: services ask ``services.clock.now()`` so tests can move time without sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def week_key(when: datetime | date) -> str:
    """The ISO week of a UTC time or a day, as ``2026-W49`` (weeks start on Monday)."""
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def recent_weeks(now: datetime, count: int) -> list[tuple[str, date]]:
    """The last ``count`` ISO weeks, the current one included, oldest first: ``(key, monday)``."""
    monday = (now.astimezone(UTC) if now.tzinfo else now).date()
    monday -= timedelta(days=monday.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    return [(week_key(start), start) for start in starts]


class Clock:
    """The real clock, always UTC-aware."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> float:
        return self.now().timestamp()


class FrozenClock(Clock):
    """A clock that moves only when told: ``clock.advance(days=7)``.

    It starts at the real current time (to the second) unless told otherwise: MongoDB's TTL
    indexes purge by the server's real clock, so a frozen date in the past would see its
    documents vanish. Set explicit dates in the future, not the past.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime.now(UTC).replace(microsecond=0)
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        # Mongo keeps milliseconds; keeping the same precision makes round trips compare equal.
        self._now = start.astimezone(UTC).replace(microsecond=start.microsecond // 1000 * 1000)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        self._now += delta if delta is not None else timedelta(**parts)
        return self._now

    def set(self, when: datetime) -> datetime:
        self._now = when.astimezone(UTC)
        return self._now
