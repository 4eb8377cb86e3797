"""The entitlement engine: per-tier feature caps, claimed atomically, with an upgrade hint.

Enforcement uses *slots*: a feature capped at N for a user has N slot documents
(``usage_slots``, ``_id = user|feature|i``). Using the feature claims a free slot with one
conditional update (free = missing, or used before the window's cutoff); a slot already in use
makes the update collide, so racing requests — threads, workers, hosts — never exceed N. The
same mechanism serves every window: ``total`` (a slot never frees), ``day`` (frees at the next UTC
midnight) and ``week`` (frees 7 days after its use: a rolling window). A refund frees the slot.

Which slot is free is remembered per process from the last read or claim, so a claim is one
conditional update; a wrong guess (another worker took it) costs one read of the user's slots
for that feature (at most N documents) and a retry. Correctness never depends on the guess.

Usage *counts* (``/api/usage``, ``/api/stats``, the current usage of uncapped features) live in
per-user counter documents (``usage_counters``, ``_id = user|period``, period = ``total`` or a
UTC day), incremented off the request path by ``UsageRecorder``: every read is O(1) in history.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, IndexModel
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from lightninghire.background import ProcessThread
from lightninghire.clock import Clock
from lightninghire.errors import PaymentRequired
from lightninghire.http.jsonio import json_default
from lightninghire.policy.plans import PlanBook
from lightninghire.registry import Feature

log = logging.getLogger(__name__)

SLOTS = "usage_slots"
COUNTERS = "usage_counters"
SLOT_INDEXES = (IndexModel([("userId", ASCENDING), ("feature", ASCENDING)]),)
COUNTER_INDEXES = (
    IndexModel([("userId", ASCENDING), ("period", ASCENDING)]),
    IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),
)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
# A refunded slot's time: before every window's cutoff, the lifetime one (NEVER) included.
FREED = NEVER - timedelta(days=1)
AI_ACTIONS = "ai_actions"


@dataclass(frozen=True)
class Facts:
    """What decides a user's limits: the user's own fields, what a plugin that sells plans
    answers through ``entitlement_facts`` (tier, credit balance), read through the declared
    plans."""

    tier: str
    user_type: str
    is_super_admin: bool
    has_byok_keys: bool
    credit_balance: float = 0
    subscription_status: str = "none"
    current_period_end: datetime | None = None
    # Numeric caps are lifted (an unlimited tier or a declared bypass); hard gates still hold.
    unlimited_tier: bool = False
    # Which column of the caps table applies (a declared tier).
    limit_tier: str = ""
    # The payload's declared booleans that hold for this user ("isPro", ...).
    flags: tuple[str, ...] = ()


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


def limit_for(feature: Feature, facts: Facts, caps: Caps, plans: PlanBook) -> int | None:
    """The cap (``None`` = unlimited) from the policy's ``p2`` lines for the user's column.

    The column's own line rules, else the line of the tier it takes caps from (``caps_from``),
    and so on; a column without any line is unlimited when its tier is, else 0 (a hard gate).
    A lifted user reads an unlimited column, so a 0 written there still holds."""
    if facts.is_super_admin:
        return None
    for tier in plans.chain(facts.limit_tier):
        found, limit = caps(tier, feature.key)
        if found:
            return limit
    return None if plans.uncapped_column(facts.limit_tier) else 0


@dataclass
class Consumption:
    """Units taken by one request; ``refund()`` gives them back (the request failed)."""

    units: list[tuple[str, datetime]] = field(default_factory=list)  # (slot id, usedAt)
    counted: list[tuple[str, str, datetime]] = field(default_factory=list)  # (user, feature, at)
    refund_slot: Callable[[str, datetime], None] | None = None
    uncount: Callable[[str, str, datetime], None] | None = None

    def refund(self) -> None:
        for slot_id, used_at in self.units:
            if self.refund_slot:
                self.refund_slot(slot_id, used_at)
        for user_id, key, at in self.counted:
            if self.uncount:
                self.uncount(user_id, key, at)
        self.units.clear()
        self.counted.clear()


def period_of(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


TOTAL = "total"
COUNTER_PREFIX = "f_"  # feature counts are top-level fields: f_<feature key>
# Day counters serve /api/stats (at most 365 days back); the TTL index removes older ones.
DAY_COUNTER_LIFETIME = timedelta(days=400)


class UsageRecorder:
    """Usage counts, buffered per process and written off the request path.

    ``add`` is an in-memory increment; a background thread writes the buffer every
    ``flush_seconds`` as one ``bulk_write`` of ``$inc`` upserts (one per user and period), and
    ``close()`` writes what is left (gunicorn's graceful stop). A crash of the process loses at
    most the last ``flush_seconds`` of counts — never a cap: caps are slots, claimed at once.
    Reads merge this process's unflushed counts, so a worker always sees its own requests.
    """

    def __init__(self, collection: Collection[dict[str, Any]], *, flush_seconds: float,
                 threaded: bool = True) -> None:
        self.collection = collection
        self.flush_seconds = flush_seconds
        self.threaded = threaded and flush_seconds > 0
        self._pending: dict[tuple[str, str], dict[str, int]] = {}  # (user, period) -> counts
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._flusher = ProcessThread("lightninghire-usage", self._loop)

    def add(self, user_id: str, key: str, at: datetime, n: int = 1) -> None:
        with self._lock:
            for period in (TOTAL, period_of(at)):
                counts = self._pending.setdefault((user_id, period), {})
                counts[key] = counts.get(key, 0) + n
        if self.threaded:
            self._flusher.start_here(reset=self._renew_stop)
        elif self.flush_seconds == 0:
            self.flush()

    def pending(self, user_id: str) -> dict[str, dict[str, int]]:
        """This process's unflushed counts for one user: period -> feature -> n."""
        with self._lock:
            return {period: dict(counts) for (uid, period), counts in self._pending.items()
                    if uid == user_id}

    def flush(self) -> int:
        """Write the buffer; returns how many counter documents were touched."""
        from pymongo import UpdateOne

        with self._flush_lock:
            with self._lock:
                batch, self._pending = self._pending, {}
            if not batch:
                return 0
            writes = []
            for (user_id, period), counts in batch.items():
                incs = {COUNTER_PREFIX + key: n for key, n in counts.items() if n}
                if not incs:
                    continue
                on_insert: dict[str, Any] = {"period": period}
                if period != TOTAL:
                    day = datetime.fromisoformat(period).replace(tzinfo=UTC)
                    on_insert["expiresAt"] = day + DAY_COUNTER_LIFETIME
                # userId in the filter: the shard key (and the upsert copies it into the doc).
                writes.append(UpdateOne({"_id": f"{user_id}|{period}", "userId": user_id},
                                        {"$inc": incs, "$setOnInsert": on_insert}, upsert=True))
            if not writes:
                return 0
            try:
                self.collection.bulk_write(writes, ordered=False)
            except PyMongoError:
                # Put the counts back: the next flush tries again (a crash would lose them).
                log.exception("usage counters: flush failed, will retry")
                with self._lock:
                    for (user_id, period), counts in batch.items():
                        mine = self._pending.setdefault((user_id, period), {})
                        for key, n in counts.items():
                            mine[key] = mine.get(key, 0) + n
                return 0
            return len(writes)

    def close(self) -> None:
        self._stop.set()
        self._flusher.join(timeout=10)
        self.flush()

    def _renew_stop(self) -> None:
        self._stop = threading.Event()

    def _loop(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()


class EntitlementEngine:
    def __init__(self, features: Mapping[str, Feature], caps: Caps,
                 slots: Collection[dict[str, Any]], counters: Collection[dict[str, Any]],
                 clock: Clock, facts_for: Callable[[Mapping[str, Any]], Facts],
                 plans: PlanBook, recorder: UsageRecorder) -> None:
        self.features = dict(features)
        self.caps = caps
        self.slots = slots
        self.counters = counters
        self.clock = clock
        self.facts_for = facts_for
        self.plans = plans
        # No plugin sells plans: hints point to what a user can do without buying one.
        self.self_hosted = not plans.selling
        self.recorder = recorder
        # (user, feature) -> {slot index: usedAt} as last seen by this process: the guess.
        self._known: OrderedDict[tuple[str, str], dict[int, datetime]] = OrderedDict()
        self._known_lock = threading.Lock()

    # -- questions plugins ask -------------------------------------------------------------------

    def limit(self, user: Mapping[str, Any], key: str) -> int | None:
        """The user's cap on a feature (``None``: unlimited; 0: not in their plan), uncounted.

        For gates that meter nothing (content behind a tier, a cap the plugin counts itself)."""
        return limit_for(self.features[key], self.facts_for(user), self.caps, self.plans)

    def is_paid(self, user: Mapping[str, Any]) -> bool:
        """Numeric caps are lifted for this user (an unlimited tier or a declared bypass)."""
        return self.facts_for(user).unlimited_tier

    # -- enforcement ---------------------------------------------------------------------------

    def consume(self, user: Mapping[str, Any], key: str) -> Consumption:
        """Check and take one unit of ``key`` (and of the AI budget when it is an AI action)."""
        feature = self.features[key]
        facts = self.facts_for(user)
        consumption = Consumption(refund_slot=self._free_slot, uncount=self._uncount)
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
        limit = limit_for(feature, facts, self.caps, self.plans)
        if limit is not None:
            self._claim(user_id, feature, facts, limit, now, consumption)
        self.recorder.add(user_id, feature.key, now)
        consumption.counted.append((user_id, feature.key, now))

    def _claim(self, user_id: str, feature: Feature, facts: Facts, limit: int, now: datetime,
               consumption: Consumption) -> None:
        if limit == 0:  # not in the plan: nothing to look up
            raise self._refusal(feature, facts, limit, {}, now)
        cutoff = window_cutoff(feature.window, now)
        known = self._remembered(user_id, feature.key)
        fresh = False
        for _attempt in range(limit + 3):  # each lost race is one slot taken by another
            if known is None:
                known, fresh = self._used_slots(user_id, feature.key, limit), True
            used = {i: at for i, at in known.items() if i < limit and at >= cutoff}
            if len(used) >= limit:
                if not fresh:  # this process's memory may be behind (a refund elsewhere)
                    known = None
                    continue
                self._remember(user_id, feature.key, known)
                raise self._refusal(feature, facts, limit, used, now)
            index = next(i for i in range(limit) if i not in used)
            slot_id = f"{user_id}|{feature.key}|{index}"
            try:
                result = self.slots.update_one(
                    {"_id": slot_id, "userId": user_id, "usedAt": {"$lt": cutoff}},
                    {"$set": {"usedAt": now, "userId": user_id, "feature": feature.key}},
                    upsert=True)
                taken = result.modified_count == 1 or result.upserted_id is not None
            except DuplicateKeyError:
                taken = False
            if taken:
                known[index] = now
                self._remember(user_id, feature.key, known)
                consumption.units.append((slot_id, now))
                return
            known = None  # taken in between (by another worker): look again
        raise self._refusal(feature, facts, limit, {}, now)  # pragma: no cover - race storm

    def _remembered(self, user_id: str, key: str) -> dict[int, datetime] | None:
        with self._known_lock:
            known = self._known.get((user_id, key))
            return dict(known) if known is not None else None

    def _remember(self, user_id: str, key: str, known: dict[int, datetime]) -> None:
        with self._known_lock:
            self._known[(user_id, key)] = dict(known)
            self._known.move_to_end((user_id, key))
            while len(self._known) > 50_000:
                self._known.popitem(last=False)

    def _used_slots(self, user_id: str, key: str, limit: int) -> dict[int, datetime]:
        # By _id: the one lookup every MongoDB-compatible store answers without a scan.
        ids = [f"{user_id}|{key}|{i}" for i in range(limit)]
        return {int(doc["_id"].rsplit("|", 1)[1]): doc["usedAt"]
                for doc in self.slots.find({"_id": {"$in": ids}, "userId": user_id})}

    def _free_slot(self, slot_id: str, used_at: datetime) -> None:
        # Only if still ours: a slot that already rolled over and was retaken stays taken.
        user_id, key, index = slot_id.rsplit("|", 2)
        self.slots.update_one({"_id": slot_id, "userId": user_id, "usedAt": used_at},
                              {"$set": {"usedAt": FREED}})
        with self._known_lock:
            known = self._known.get((user_id, key))
            if known is not None and known.get(int(index)) == used_at:
                known[int(index)] = FREED

    def _uncount(self, user_id: str, key: str, at: datetime) -> None:
        self.recorder.add(user_id, key, at, -1)

    def hint(self, feature: Feature) -> str:
        template = self.plans.self_hosted_hint
        if self.self_hosted and template:
            return template.format(label=feature.label)
        return feature.upgrade_hint

    def _refusal(self, feature: Feature, facts: Facts, limit: int, used: Mapping[int, datetime],
                 now: datetime) -> PaymentRequired:
        reset = resets_at(feature.window, now, list(used.values()))
        if limit == 0:
            message = f"{feature.label} is not included in your plan."
        else:
            period = {"total": "", "day": " today", "week": " in the last 7 days"}[feature.window]
            # The label as declared ("ATS PDF generation"): lower-casing it mangled acronyms
            # and read oddly for uncountable features ("all 1 analytics").
            message = f"{feature.label}: you have used {limit} of {limit}{period}."
        return PaymentRequired(message, upgrade_hint=self.hint(feature), feature=feature.key,
                               limit=limit, used=len(used),
                               # The API's one time format (milliseconds, ``Z``), as every
                               # other timestamp: the error body is not a schema-dumped one.
                               resetsAt=json_default(reset) if reset else None)

    # -- views ---------------------------------------------------------------------------------

    def _counts_by_period(self, user_id: str, periods: list[str]) -> dict[str, dict[str, int]]:
        """period -> feature -> uses: the counter documents (one read by ``_id``, at most
        ``len(periods)`` documents) plus this process's unflushed counts."""
        found: dict[str, dict[str, int]] = {p: {} for p in periods}
        ids = [f"{user_id}|{period}" for period in periods]
        for doc in self.counters.find({"_id": {"$in": ids}, "userId": user_id}):
            found[doc["period"]] = {name[len(COUNTER_PREFIX):]: int(n) for name, n in doc.items()
                                    if name.startswith(COUNTER_PREFIX)}
        for period, counts in self.recorder.pending(user_id).items():
            if period in found:
                mine = found[period]
                for key, n in counts.items():
                    mine[key] = mine.get(key, 0) + n
        return found

    def _all_slots(self, user_id: str, facts: Facts | None) -> list[dict[str, Any]]:
        """Every slot the user can hold under their current caps: one lookup by _id."""
        ids = []
        for key, feature in self.features.items():
            limit = limit_for(feature, facts, self.caps, self.plans) if facts is not None else None
            ids += [f"{user_id}|{key}|{i}" for i in range(limit or 0)]
        if not ids:
            return []
        return list(self.slots.find({"_id": {"$in": ids}, "userId": user_id}))

    def usage_counts(self, user_id: str, slots: list[dict[str, Any]] | None = None,
                     facts: Facts | None = None) -> dict[str, dict[str, int]]:
        """Per feature: uses in its current window and in all time (two indexed reads, both
        bounded by the number of features: O(1) in history).

        A window's uses are the user's claimed slots when the feature has them (exactly what
        enforcement counts), else the day counters (``week`` = the last 7 UTC days)."""
        now = self.clock.now()
        today = window_cutoff("day", now)
        days = [period_of(today - timedelta(days=i)) for i in range(7)]
        by_period = self._counts_by_period(user_id, [TOTAL, *days])
        if slots is None:
            slots = self._all_slots(user_id, facts)
        slot_uses: dict[str, list[datetime]] = {}
        for doc in slots:
            slot_uses.setdefault(doc["feature"], []).append(doc["usedAt"])
        counts: dict[str, dict[str, int]] = {}
        for key, feature in self.features.items():
            total = by_period[TOTAL].get(key, 0)
            if key in slot_uses:
                cutoff = window_cutoff(feature.window, now)
                current = sum(1 for at in slot_uses[key] if at >= cutoff)
            elif feature.window == "total":
                current = total
            else:
                window = days[:1] if feature.window == "day" else days
                current = sum(by_period[day].get(key, 0) for day in window)
            counts[key] = {"current": max(0, current), "total": max(0, total)}
        return counts

    def payload(self, user: Mapping[str, Any]) -> dict[str, Any]:
        """``GET /api/entitlements``: what the client needs to render paywalls."""
        facts = self.facts_for(user)
        counts = self.usage_counts(str(user["_id"]), facts=facts)
        features: dict[str, Any] = {}
        for key, feature in sorted(self.features.items()):
            limit = limit_for(feature, facts, self.caps, self.plans)
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
            **{flag: flag in facts.flags for flag in self.plans.flags},
            "isSuperAdmin": facts.is_super_admin,
            "hasByokKeys": facts.has_byok_keys,
            "hasCredits": facts.credit_balance > 0,
            "creditBalance": facts.credit_balance,
            "isSelfHosted": self.self_hosted,
            "role": "super_admin" if facts.is_super_admin else self.plans.plan_name(
                facts.unlimited_tier, facts.limit_tier),
            "tier": facts.tier,
            "userType": facts.user_type,
            "subscriptionStatus": facts.subscription_status,
            "currentPeriodEnd": facts.current_period_end,
            "features": features,
        }

    def history(self, user_id: str, days: int) -> dict[str, Any]:
        """``GET /api/stats``: uses per feature per UTC day over the last ``days`` days (one
        read of at most ``days`` counter documents)."""
        now = self.clock.now()
        start = window_cutoff("day", now) - timedelta(days=days - 1)
        dates = [(start + timedelta(days=i)).date().isoformat() for i in range(days)]
        by_period = self._counts_by_period(user_id, dates)
        series: dict[str, dict[str, int]] = {}
        for day in dates:
            for key, n in by_period[day].items():
                if n:
                    series.setdefault(key, {})[day] = n
        return {
            "from": dates[0], "to": dates[-1],
            "features": {key: [{"date": d, "count": per_day.get(d, 0)} for d in dates]
                         for key, per_day in sorted(series.items())},
        }


def facts_from(user: Mapping[str, Any], given: Mapping[str, Any] | None,
               plans: PlanBook) -> Facts:
    """The user's own fields, overlaid with what ``entitlement_facts`` answered (tier,
    credit balance), read through the declared plans."""
    given = given or {}
    user_type = user.get("userType") or plans.default_user_type or ""
    tier = given.get("tier") or user.get("tier") or plans.starting_tier(user_type) or ""
    has_keys = bool(user.get("providerKeys"))
    balance = float(given.get("creditBalance", 0) or 0)
    triggers = [name for name, on in (("provider_keys", has_keys), ("credit_balance", balance > 0))
                if on]
    lifted, flags = plans.lifted(tier, triggers)
    return Facts(
        tier=tier,
        user_type=user_type,
        is_super_admin="super_admin" in user.get("roles", ()),
        has_byok_keys=has_keys,
        credit_balance=balance,
        subscription_status=given.get("subscriptionStatus", "none"),
        current_period_end=given.get("currentPeriodEnd"),
        unlimited_tier=lifted,
        limit_tier=plans.column(tier, user_type, lifted),
        flags=flags,
    )


def core_features() -> Iterable[dict[str, Any]]:
    """Features the core itself meters (plugins declare theirs with ``register_policy``).
    Their caps and hints come from the plugin that declares the plans (``policy.add_caps``);
    without one they are uncapped."""
    yield {"key": AI_ACTIONS, "label": "AI actions", "window": "day", "ai_action": False,
           "limits": {}, "upgrade_hint": ""}
    yield {"key": "api_keys", "label": "API keys", "window": "total", "limits": {},
           "upgrade_hint": ""}
