"""The entitlement engine: per-tier feature caps, counted atomically, with an upgrade hint.

Enforcement uses *slots*: a feature capped at N for a user has N slot documents
(``usage_slots``, ``_id = user|feature|i``). Using the feature claims a free slot with one
conditional update (free = missing, or used before the window's cutoff); a slot already in use
makes the update collide, so racing requests — threads, workers, hosts — never exceed N. The
same mechanism serves every window: ``total`` (a slot never frees), ``day`` (frees at the next UTC
midnight) and ``week`` (frees 7 days after its use: a rolling window). A refund frees the slot.
Every use is also logged in ``usage_events`` for the usage and stats views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from lightninghire.clock import Clock
from lightninghire.errors import PaymentRequired
from lightninghire.registry import Feature

SLOTS = "usage_slots"
EVENTS = "usage_events"
SLOT_INDEXES = (IndexModel([("userId", ASCENDING), ("feature", ASCENDING)]),)
EVENT_INDEXES = (
    IndexModel([("userId", ASCENDING), ("at", DESCENDING)]),
    IndexModel([("userId", ASCENDING), ("feature", ASCENDING)]),
)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
# A refunded slot's time: before every window's cutoff, the lifetime one (NEVER) included.
FREED = NEVER - timedelta(days=1)
AI_ACTIONS = "ai_actions"
SEEKER_PAID = frozenset({"pro", "byok", "credits"})


@dataclass(frozen=True)
class Facts:
    """What decides a user's limits; billing supplies subscription and credits via a hook."""

    tier: str
    user_type: str
    is_super_admin: bool
    has_byok_keys: bool
    credit_balance: float = 0
    subscription_status: str = "none"
    current_period_end: datetime | None = None

    @property
    def unlimited_tier(self) -> bool:
        """Pro, BYOK, credits > 0: numeric caps are bypassed (hard gates still hold)."""
        return (self.tier in SEEKER_PAID or self.tier == "recruiter_pro" or self.has_byok_keys
                or self.credit_balance > 0)

    @property
    def limit_tier(self) -> str:
        """Which column of the limits table applies."""
        if self.user_type == "recruiter":
            return "recruiter_pro" if self.unlimited_tier else "recruiter_free"
        return "pro" if self.unlimited_tier else "free"


def window_cutoff(window: str, now: datetime) -> datetime:
    """A slot used before this moment is free again."""
    if window == "day":
        return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if window == "week":
        return now - timedelta(days=7)
    return NEVER  # total: never frees


def resets_at(window: str, now: datetime, used: list[datetime]) -> datetime | None:
    if window == "day":
        return window_cutoff("day", now) + timedelta(days=1)
    if window == "week" and used:
        return min(used) + timedelta(days=7)
    return None


Caps = Callable[[str, str], tuple[bool, int | None]]


def limit_for(feature: Feature, facts: Facts, caps: Caps) -> int | None:
    """The cap (``None`` = unlimited) from the policy's ``p2`` lines for the user's column.

    Paid tiers read the ``pro`` / ``recruiter_pro`` column, so hard gates written there (the
    recruiter overrides: seeker-only features at 0) hold; a recruiter column without a line
    falls back to the seeker one; a paid column without any line is unlimited, a free one is 0.
    """
    if facts.is_super_admin:
        return None
    column = facts.limit_tier
    fallback = {"recruiter_free": "free", "recruiter_pro": "pro"}.get(column)
    for tier in (column, fallback):
        if tier is not None:
            found, limit = caps(tier, feature.key)
            if found:
                return limit
    return None if column in ("pro", "recruiter_pro") else 0


@dataclass
class Consumption:
    """Units taken by one request; ``refund()`` gives them back (the request failed)."""

    units: list[tuple[str, datetime]] = field(default_factory=list)  # (slot id, usedAt)
    events: list[Any] = field(default_factory=list)
    refund_slot: Callable[[str, datetime], None] | None = None
    refund_event: Callable[[Any], None] | None = None

    def refund(self) -> None:
        for slot_id, used_at in self.units:
            if self.refund_slot:
                self.refund_slot(slot_id, used_at)
        for event_id in self.events:
            if self.refund_event:
                self.refund_event(event_id)
        self.units.clear()
        self.events.clear()


class EntitlementEngine:
    def __init__(self, features: Mapping[str, Feature], caps: Caps,
                 slots: Collection[dict[str, Any]], events: Collection[dict[str, Any]],
                 clock: Clock, facts_for: Callable[[Mapping[str, Any]], Facts],
                 self_hosted: bool) -> None:
        self.features = dict(features)
        self.caps = caps
        self.slots = slots
        self.events = events
        self.clock = clock
        self.facts_for = facts_for
        self.self_hosted = self_hosted

    # -- questions plugins ask -------------------------------------------------------------------

    def limit(self, user: Mapping[str, Any], key: str) -> int | None:
        """The user's cap on a feature (``None``: unlimited; 0: not in their plan), uncounted.

        For gates that meter nothing (a Pro lesson, a per-role candidate cap the plugin counts
        itself)."""
        return limit_for(self.features[key], self.facts_for(user), self.caps)

    def is_paid(self, user: Mapping[str, Any]) -> bool:
        """Pro, BYOK or credits: numeric caps do not apply (priority support, for example)."""
        return self.facts_for(user).unlimited_tier

    # -- enforcement ---------------------------------------------------------------------------

    def consume(self, user: Mapping[str, Any], key: str) -> Consumption:
        """Check and take one unit of ``key`` (and of the AI budget when it is an AI action)."""
        feature = self.features[key]
        facts = self.facts_for(user)
        consumption = Consumption(refund_slot=self._free_slot, refund_event=self._unlog)
        try:
            self._take(user, feature, facts, consumption)
            if feature.ai_action and key != AI_ACTIONS and AI_ACTIONS in self.features:
                self._take(user, self.features[AI_ACTIONS], facts, consumption)
        except PaymentRequired:
            consumption.refund()
            raise
        return consumption

    def _take(self, user: Mapping[str, Any], feature: Feature, facts: Facts,
              consumption: Consumption) -> None:
        user_id = str(user["_id"])
        now = self.clock.now()
        limit = limit_for(feature, facts, self.caps)
        if limit is not None:
            cutoff = window_cutoff(feature.window, now)
            for _attempt in range(limit + 2):  # each lost race is one slot taken by another
                used = self._used_slots(user_id, feature.key, cutoff)
                if len(used) >= limit:
                    raise self._refusal(feature, facts, limit, used, now)
                index = next(i for i in range(limit) if i not in used)
                slot_id = f"{user_id}|{feature.key}|{index}"
                try:
                    self.slots.update_one(
                        {"_id": slot_id, "usedAt": {"$lt": cutoff}},
                        {"$set": {"usedAt": now, "userId": user_id, "feature": feature.key}},
                        upsert=True)
                except DuplicateKeyError:
                    continue  # taken in between: look again
                consumption.units.append((slot_id, now))
                break
            else:  # pragma: no cover - only under a storm of races larger than the cap
                raise self._refusal(feature, facts, limit, {}, now)
        event = self.events.insert_one({"userId": user_id, "feature": feature.key, "at": now})
        consumption.events.append(event.inserted_id)

    def _used_slots(self, user_id: str, key: str, cutoff: datetime) -> dict[int, datetime]:
        used: dict[int, datetime] = {}
        for doc in self.slots.find({"userId": user_id, "feature": key}):
            if doc["usedAt"] >= cutoff:
                used[int(doc["_id"].rsplit("|", 1)[1])] = doc["usedAt"]
        return used

    def _free_slot(self, slot_id: str, used_at: datetime) -> None:
        # Only if still ours: a slot that already rolled over and was retaken stays taken.
        self.slots.update_one({"_id": slot_id, "usedAt": used_at}, {"$set": {"usedAt": FREED}})

    def _unlog(self, event_id: Any) -> None:
        self.events.delete_one({"_id": event_id})

    def hint(self, feature: Feature) -> str:
        if self.self_hosted:
            return (f"{feature.label}: add your own OpenAI or Anthropic key in Settings for "
                    f"unlimited use.")
        return feature.upgrade_hint

    def _refusal(self, feature: Feature, facts: Facts, limit: int, used: Mapping[int, datetime],
                 now: datetime) -> PaymentRequired:
        reset = resets_at(feature.window, now, list(used.values()))
        if limit == 0:
            message = f"{feature.label} is not included in your plan."
        else:
            period = {"total": "", "day": " today", "week": " in the last 7 days"}[feature.window]
            message = f"You have used all {limit} {feature.label.lower()}{period}."
        return PaymentRequired(message, upgrade_hint=self.hint(feature), feature=feature.key,
                               limit=limit, used=len(used),
                               resetsAt=reset.isoformat().replace("+00:00", "Z") if reset else None)

    # -- views ---------------------------------------------------------------------------------

    def usage_counts(self, user_id: str) -> dict[str, dict[str, int]]:
        """Per feature: uses in its current window and in all time (two reads)."""
        now = self.clock.now()
        totals: dict[str, int] = {}
        for row in self.events.aggregate([{"$match": {"userId": user_id}},
                                          {"$group": {"_id": "$feature", "n": {"$sum": 1}}}]):
            totals[str(row["_id"])] = int(row["n"])
        week_ago = now - timedelta(days=7)
        recent = [(doc["feature"], doc["at"]) for doc in
                  self.events.find({"userId": user_id, "at": {"$gte": week_ago}},
                                   {"feature": 1, "at": 1})]
        counts: dict[str, dict[str, int]] = {}
        for key, feature in self.features.items():
            cutoff = window_cutoff(feature.window, now)
            in_window = (totals.get(key, 0) if feature.window == "total"
                         else sum(1 for name, at in recent if name == key and at >= cutoff))
            counts[key] = {"current": in_window, "total": totals.get(key, 0)}
        return counts

    def payload(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /api/entitlements``: what the client needs to render paywalls."""
        facts = self.facts_for(user)
        counts = self.usage_counts(str(user["_id"]))
        features: dict[str, Any] = {}
        for key, feature in sorted(self.features.items()):
            limit = limit_for(feature, facts, self.caps)
            used = counts[key]["current"]
            features[key] = {
                "allowed": limit is None or used < limit,
                "currentUsage": used,
                "limit": limit,
                "remaining": None if limit is None else max(0, limit - used),
                "window": feature.window,
                "label": feature.label,
                "upgradeHint": self.hint(feature),
            }
        return {
            "isPro": facts.tier in ("pro", "recruiter_pro"),
            "isSuperAdmin": facts.is_super_admin,
            "isByok": facts.tier == "byok" or facts.has_byok_keys,
            "hasByokKeys": facts.has_byok_keys,
            "hasCredits": facts.credit_balance > 0,
            "creditBalance": facts.credit_balance,
            "isSelfHosted": self.self_hosted,
            "role": "super_admin" if facts.is_super_admin else (
                "pro" if facts.unlimited_tier else "free"),
            "tier": facts.tier,
            "userType": facts.user_type,
            "subscriptionStatus": facts.subscription_status,
            "currentPeriodEnd": facts.current_period_end,
            "features": features,
        }

    def history(self, user_id: str, days: int) -> dict[str, Any]:
        """``GET /api/stats``: uses per feature per UTC day over the last ``days`` days."""
        now = self.clock.now()
        start = window_cutoff("day", now) - timedelta(days=days - 1)
        series: dict[str, dict[str, int]] = {}
        for doc in self.events.find({"userId": user_id, "at": {"$gte": start}},
                                    {"feature": 1, "at": 1}):
            day = doc["at"].astimezone(UTC).date().isoformat()
            per_day = series.setdefault(doc["feature"], {})
            per_day[day] = per_day.get(day, 0) + 1
        dates = [(start + timedelta(days=i)).date().isoformat() for i in range(days)]
        return {
            "from": dates[0], "to": dates[-1],
            "features": {key: [{"date": d, "count": per_day.get(d, 0)} for d in dates]
                         for key, per_day in sorted(series.items())},
        }


def facts_from(user: Mapping[str, Any], billing: Mapping[str, Any] | None) -> Facts:
    """The user's own fields, overlaid with what a billing plugin knows (tier, credits)."""
    billing = billing or {}
    return Facts(
        tier=billing.get("tier") or user.get("tier", "free"),
        user_type=user.get("userType", "jobseeker"),
        is_super_admin="super_admin" in user.get("roles", ()),
        has_byok_keys=bool(user.get("providerKeys")),
        credit_balance=float(billing.get("creditBalance", 0) or 0),
        subscription_status=billing.get("subscriptionStatus", "none"),
        current_period_end=billing.get("currentPeriodEnd"),
    )


def core_features() -> Iterable[dict[str, Any]]:
    """Features the core itself meters (plugins declare theirs with ``register_policy``)."""
    yield {"key": AI_ACTIONS, "label": "AI actions", "window": "day", "ai_action": False,
           "limits": {"free": 10, "recruiter_free": 10},
           "upgrade_hint": "Upgrade to Pro for unlimited AI actions."}
    yield {"key": "api_keys", "label": "API keys", "window": "total",
           "limits": {"free": 0, "recruiter_free": 0},
           "upgrade_hint": "API keys come with Pro, or with your own AI provider key (BYOK). "
                           "Upgrade in Settings → Subscription, or add a provider key in Settings."}
