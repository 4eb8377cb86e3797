"""Billing's collections and every query on them. All user data is filtered by ``userId``.

- ``billing_accounts``: one document per user: Stripe customer id, the credit balance and the
  user's subscriptions (a map by Stripe subscription id), so ``entitlement_facts`` is one read.
- ``billing_credit_ledger``: every credit movement (purchases in, AI actions, refunds and
  disputes out).
- ``billing_events``: every Stripe event received, by event id (the idempotency key), kept for
  audit with its raw payload.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from lightninghire.api import paginate

ACCOUNTS = "billing_accounts"
LEDGER = "billing_credit_ledger"
EVENTS = "billing_events"

INDEXES: dict[str, list[IndexModel]] = {
    ACCOUNTS: [IndexModel([("userId", ASCENDING)], unique=True),
               IndexModel([("customerId", ASCENDING)], unique=True, sparse=True),
               # The auto-replenish task's look for attempts whose worker never finished.
               IndexModel([("replenish.leaseUntil", ASCENDING)], sparse=True)],
    LEDGER: [IndexModel([("userId", ASCENDING), ("at", DESCENDING)]),
             IndexModel([("ref", ASCENDING)], unique=True, sparse=True),
             # A refund or dispute finds the purchase its charge paid for.
             IndexModel([("paymentIntentId", ASCENDING)], sparse=True)],
    EVENTS: [IndexModel([("type", ASCENDING), ("receivedAt", DESCENDING)]),
             IndexModel([("userId", ASCENDING)])],
}
# Read on every metered request: leave the (growing) list of applied purchase refs behind.
_FACTS_PROJECTION = {"creditRefs": 0, "reversals": 0, "trialMails": 0}
# Fields of the account that are bookkeeping, not the user's data (left out of exports).
PRIVATE_FIELDS = ("creditRefs", "reversals", "trialMails")


class AccountStore:
    def __init__(self, accounts: Any, ledger: Any, clock: Any,
                 changed: Callable[[str], None] | None = None) -> None:
        self.accounts = accounts
        self.ledger = ledger
        self.clock = clock
        # Told after every write that changes the user's billing facts (tier, credits): the
        # core caches those facts per process until the user is invalidated.
        self._changed = changed or (lambda user_id: None)

    # -- accounts ---------------------------------------------------------------------------------

    def get(self, user_id: str) -> dict[str, Any] | None:
        return self.accounts.find_one({"userId": user_id}, _FACTS_PROJECTION)

    def ensure(self, user_id: str) -> None:
        """Create the user's account document once (a racing twin loses on the unique index)."""
        now = self.clock.now()
        with suppress(DuplicateKeyError):
            self.accounts.update_one(
                {"userId": user_id},
                {"$setOnInsert": {"userId": user_id, "creditBalance": 0, "subscriptions": {},
                                  "trialUsed": False, "createdAt": now}},
                upsert=True)

    def by_customer(self, customer_id: str) -> dict[str, Any] | None:
        return self.accounts.find_one({"customerId": customer_id}, _FACTS_PROJECTION)

    def link_customer(self, user_id: str, customer_id: str) -> str:
        """Record the Stripe customer unless one is already linked; return the linked one."""
        self.ensure(user_id)
        # A DuplicateKeyError: the customer belongs to another account; keep ours as it is.
        with suppress(DuplicateKeyError):
            self.accounts.update_one({"userId": user_id, "customerId": {"$exists": False}},
                                     {"$set": {"customerId": customer_id,
                                               "updatedAt": self.clock.now()}})
        account = self.get(user_id) or {}
        return str(account.get("customerId") or customer_id)

    def apply_subscription(self, user_id: str, state: dict[str, Any], at: datetime) -> bool:
        """Store a subscription's state unless a newer one is already stored.

        Stripe may deliver events late and out of order: a state older than the stored one is
        ignored, and ``canceled`` is terminal (Stripe never revives a cancelled subscription),
        so a late "updated" cannot undo a "deleted".
        """
        self.ensure(user_id)
        key = f"subscriptions.{state['id']}"
        previous = (self.get(user_id) or {}).get("subscriptions", {}).get(state["id"]) or {}
        record = {**state, "eventAt": at, "updatedAt": self.clock.now()}
        if state["status"] == "past_due":
            # When the payment first failed: the grace period counts from here.
            record["pastDueSince"] = (previous.get("pastDueSince")
                                      if previous.get("status") == "past_due" else self.clock.now())
        result = self.accounts.update_one(
            {"userId": user_id, "$or": [
                {key: {"$exists": False}},
                {f"{key}.eventAt": {"$lte": at}, f"{key}.status": {"$ne": "canceled"}},
            ]},
            {"$set": {key: record, "trialUsed": True, "updatedAt": self.clock.now()}})
        self._changed(user_id)
        return bool(result.modified_count)

    # -- credits ----------------------------------------------------------------------------------

    def credit(self, user_id: str, amount: int, ref: str, **details: Any) -> bool:
        """Add purchased credits once per ``ref`` (a Checkout Session or a PaymentIntent).

        The balance and the applied ref change in one conditional update of one document, so a
        replayed or concurrent delivery adds nothing and a crash cannot half-apply it.
        """
        self.ensure(user_id)
        now = self.clock.now()
        updated = self.accounts.find_one_and_update(
            {"userId": user_id, "creditRefs": {"$nin": [ref]}},
            {"$inc": {"creditBalance": amount}, "$push": {"creditRefs": ref},
             "$set": {"updatedAt": now}},
            projection={"creditBalance": 1}, return_document=ReturnDocument.AFTER)
        if updated is None:
            return False
        self._changed(user_id)
        # A DuplicateKeyError: the history line exists already; the balance is what counts.
        with suppress(DuplicateKeyError):
            self.ledger.insert_one({"userId": user_id, "kind": "purchase", "amount": amount,
                                    "balanceAfter": updated["creditBalance"], "ref": ref,
                                    "at": now, **details})
        return True

    def debit(self, user_id: str, cost: int, **details: Any) -> int:
        """Take up to ``cost`` credits, never below zero, whatever runs concurrently.

        Each step is a conditional ``$inc`` that only matches while the balance covers it; a
        balance below ``cost`` is emptied by exactly what it holds (matched by that value, so a
        purchase landing in between is never wiped). Returns the credits taken.
        """
        now = self.clock.now()
        for _attempt in range(5):
            updated = self.accounts.find_one_and_update(
                {"userId": user_id, "creditBalance": {"$gte": cost}},
                {"$inc": {"creditBalance": -cost}, "$set": {"updatedAt": now}},
                projection={"creditBalance": 1}, return_document=ReturnDocument.AFTER)
            taken = cost
            if updated is None:
                account = self.accounts.find_one({"userId": user_id}, {"creditBalance": 1})
                held = (account or {}).get("creditBalance", 0)
                if held <= 0:
                    return 0
                updated = self.accounts.find_one_and_update(
                    {"userId": user_id, "creditBalance": held},
                    {"$inc": {"creditBalance": -held}, "$set": {"updatedAt": now}},
                    projection={"creditBalance": 1}, return_document=ReturnDocument.AFTER)
                taken = held
                if updated is None:
                    continue  # the balance moved under us: look again
            self._changed(user_id)
            self.ledger.insert_one({"userId": user_id, "kind": "ai_action", "amount": -taken,
                                    "balanceAfter": updated["creditBalance"], "at": now,
                                    **details})
            return taken
        return 0

    def purchase_of(self, payment_intent_id: str) -> dict[str, Any] | None:
        """The ledger's purchase line paid by this PaymentIntent."""
        return self.ledger.find_one({"paymentIntentId": payment_intent_id, "kind": "purchase"})

    def reverse(self, purchase: dict[str, Any], *, refunded: int | None = None,
                disputed: int | None = None, kind: str, ref: str,
                **details: Any) -> dict[str, Any] | None:
        """Take back credits of one purchase: ``refunded`` / ``disputed`` are the credits the
        refunds so far / the dispute cover (cumulative, as Stripe reports amounts), together
        never more than the purchase. Only the increase over what was already taken back for
        this purchase is taken, never below a zero balance (credits already spent are not
        owed); the shortfall is recorded. Returns the ledger line, or ``None`` when nothing
        more was due (a replay, an older event).

        The purchase's reversal state and the balance change in one conditional update of the
        account (a version on the state, the balance's value), so racing or replayed events
        take each credit back once."""
        user_id, pi = str(purchase["userId"]), str(purchase["paymentIntentId"])
        credits = int(purchase["amount"])
        key = f"reversals.{pi}"
        now = self.clock.now()
        for _attempt in range(10):
            account = self.accounts.find_one({"userId": user_id},
                                             {"creditBalance": 1, key: 1}) or {}
            # MongoDB answers a dotted projection nested; the embedded nx-27017 under the
            # dotted key itself: read either.
            state = account.get(key) or (account.get("reversals") or {}).get(pi) or {}
            new = {"refunded": max(int(state.get("refunded", 0)), refunded or 0),
                   "disputed": max(int(state.get("disputed", 0)), disputed or 0)}
            wanted = min(credits, new["refunded"] + new["disputed"])
            due = wanted - int(state.get("wanted", 0))
            if due <= 0:
                return None
            balance = int(account.get("creditBalance", 0))
            taken = max(0, min(due, balance))
            version = state.get("v")
            result = self.accounts.update_one(
                {"userId": user_id, "creditBalance": balance,
                 f"{key}.v": version if version is not None else {"$exists": False}},
                {"$set": {key: {**new, "wanted": wanted, "v": (version or 0) + 1},
                          "updatedAt": now},
                 "$inc": {"creditBalance": -taken}})
            if not result.modified_count:
                continue  # the balance or the state moved under us: look again
            self._changed(user_id)
            line = {"userId": user_id, "kind": kind, "amount": -taken,
                    "balanceAfter": balance - taken, "ref": ref, "at": now,
                    "paymentIntentId": pi, "pack": purchase.get("pack"), "due": due,
                    "shortfall": due - taken, **details}
            with suppress(DuplicateKeyError):
                self.ledger.insert_one(line)
            return line
        raise RuntimeError(f"credits of {pi} could not be taken back: the account kept changing")

    # -- auto-replenish ----------------------------------------------------------------------------

    def set_auto_replenish(self, user_id: str, settings: dict[str, Any]) -> dict[str, Any]:
        """Store the user's choice; enabling it again lifts a pause."""
        self.ensure(user_id)
        now = self.clock.now()
        fields = {f"autoReplenish.{k}": v for k, v in settings.items()}
        fields.update({"autoReplenish.paused": False, "autoReplenish.updatedAt": now,
                       "updatedAt": now})
        self.accounts.update_one({"userId": user_id}, {"$set": fields})
        return self.get(user_id) or {}

    def claim_replenish(self, user_id: str, threshold: int, pack: str,
                        lease: timedelta) -> str | None:
        """Start an auto-replenish for the user unless one is in flight: one conditional update
        (enabled, not paused, same threshold, balance under it, no ``replenish``), so racing
        spends start one. Returns the attempt's id (the Stripe idempotency key's root)."""
        now = self.clock.now()
        attempt_id = str(ObjectId())
        result = self.accounts.update_one(
            {"userId": user_id, "autoReplenish.enabled": True, "autoReplenish.paused": False,
             "autoReplenish.threshold": threshold, "autoReplenish.pack": pack,
             "creditBalance": {"$lt": threshold}, "replenish": None},
            {"$set": {"replenish": {"id": attempt_id, "pack": pack, "requestedAt": now,
                                    "attempts": 0, "leaseUntil": now + lease},
                      "updatedAt": now}})
        return attempt_id if result.modified_count else None

    def lease_replenish(self, user_id: str, attempt_id: str, lease: timedelta,
                        *, first: bool) -> dict[str, Any] | None:
        """Take the attempt for one run (the worker that started it, or the task after its
        lease ran out): ``None`` when another run holds it or it is over."""
        now = self.clock.now()
        query: dict[str, Any] = {"userId": user_id, "replenish.id": attempt_id}
        if first:
            query["replenish.attempts"] = 0  # unless the task already took it over
        else:
            query["replenish.leaseUntil"] = {"$lte": now}
        updated = self.accounts.find_one_and_update(
            query, {"$set": {"replenish.leaseUntil": now + lease},
                    "$inc": {"replenish.attempts": 1}},
            projection={"replenish": 1, "customerId": 1, "autoReplenish": 1},
            return_document=ReturnDocument.AFTER)
        return updated

    def replenish_charged(self, user_id: str, attempt_id: str, intent_id: str,
                          wait: timedelta) -> None:
        """Remember the attempt's PaymentIntent while its payment settles."""
        self.accounts.update_one({"userId": user_id, "replenish.id": attempt_id},
                                 {"$set": {"replenish.paymentIntentId": intent_id,
                                           "replenish.leaseUntil": self.clock.now() + wait}})

    def finish_replenish(self, user_id: str, attempt_id: str, **outcome: Any) -> bool:
        """End the attempt (once: a second finisher gets False)."""
        now = self.clock.now()
        fields = {f"autoReplenish.{k}": v for k, v in outcome.items()}
        result = self.accounts.update_one(
            {"userId": user_id, "replenish.id": attempt_id},
            {"$unset": {"replenish": ""}, "$set": {**fields, "updatedAt": now}})
        return bool(result.modified_count)

    def stale_replenishes(self, limit: int) -> list[dict[str, Any]]:
        """Attempts whose run ended without an outcome (a crash, Stripe down, a payment still
        processing): their lease has run out."""
        return list(self.accounts.find(
            {"replenish.leaseUntil": {"$lte": self.clock.now()}},
            {"userId": 1, "replenish": 1}).sort("replenish.leaseUntil", ASCENDING).limit(limit))

    # -- mails sent once ----------------------------------------------------------------------------

    def mark_trial_mail(self, user_id: str, subscription_id: str, trial_end: int) -> bool:
        """True once per subscription and trial end (epoch seconds): the trial-ending mail goes
        out once, however many events announce it."""
        key = f"trialMails.{subscription_id}"
        self.ensure(user_id)
        # ($exists spelled out: the embedded nx-27017 matches no missing field with $ne.)
        result = self.accounts.update_one(
            {"userId": user_id, "$or": [{key: {"$exists": False}}, {key: {"$ne": trial_end}}]},
            {"$set": {key: trial_end}})
        return bool(result.modified_count)

    def history(self, user_id: str, limit: int, cursor: str | None) -> dict[str, Any]:
        return paginate(self.ledger, {"userId": user_id}, limit=limit, cursor=cursor,
                        transform=_ledger_entry)


def _ledger_entry(doc: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(doc["_id"]), "kind": doc["kind"], "amount": doc["amount"],
            "balanceAfter": doc.get("balanceAfter"), "pack": doc.get("pack"),
            "task": doc.get("task"), "via": doc.get("via"), "reason": doc.get("reason"),
            "shortfall": doc.get("shortfall"), "at": doc["at"]}


class EventStore:
    """Stripe events by id: the unique ``_id`` makes each event's effect happen once."""

    def __init__(self, events: Any, clock: Any, lease_seconds: int = 300) -> None:
        self.events = events
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)

    def claim(self, event: dict[str, Any], raw: str) -> bool:
        """True when this delivery should process the event: it is new, or an earlier attempt
        failed or was abandoned (its lease ran out). A concurrent twin gets False."""
        now = self.clock.now()
        try:
            self.events.insert_one({
                "_id": event["id"], "type": event.get("type"), "created": event.get("created"),
                "livemode": bool(event.get("livemode")), "payload": raw, "receivedAt": now,
                "status": "processing", "claimedAt": now, "attempts": 1, "deliveries": 1})
            return True
        except DuplicateKeyError:
            pass
        retried = self.events.update_one(
            {"_id": event["id"], "$or": [
                {"status": "failed"},
                {"status": "processing", "claimedAt": {"$lt": now - self.lease}}]},
            {"$set": {"status": "processing", "claimedAt": now},
             "$inc": {"attempts": 1, "deliveries": 1}})
        if retried.modified_count:
            return True
        self.events.update_one({"_id": event["id"]}, {"$inc": {"deliveries": 1}})
        return False

    def finish(self, event_id: str, status: str, **fields: Any) -> None:
        self.events.update_one({"_id": event_id},
                               {"$set": {"status": status, "processedAt": self.clock.now(),
                                         **fields}})

    def get(self, event_id: str) -> dict[str, Any] | None:
        return self.events.find_one({"_id": event_id})
