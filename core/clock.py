"""Time, injected: services ask ``services.clock.now()`` so tests can move time without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


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
