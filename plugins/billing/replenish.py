"""Credit auto-replenish: when a credit spend leaves the balance under the user's threshold, buy
the chosen pack off-session with the card saved on the Stripe customer.

Never on the request path. The spend (``on_ai_action``) only *claims* an attempt: one
conditional update of the account (enabled, not paused, balance under the threshold, no attempt
in flight), so one attempt per user at a time, and hands the attempt to the background worker
(``services.background.defer``). The worker charges Stripe with the idempotency key
``lightninghire-replenish-<attempt id>``; the attempt is persisted first, so if the process dies
before or during the call the ``billing-auto-replenish`` task takes the attempt once its lease
has run out and retries with the same key (Stripe answers with the first PaymentIntent: never
two charges).

Credits are granted once per PaymentIntent (ref ``payment_intent:<id>``) by whichever comes
first: the synchronous answer (``succeeded``) or the ``payment_intent.succeeded`` webhook, as
pack purchases are credited once per Checkout Session. A refused payment (declined card,
authentication required, no saved card) ends the attempt, records the failure, pauses
auto-replenish and tells the user (mail and inbox); Stripe being unreachable is retried up to
``MAX_ATTEMPTS`` runs, then treated the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from lightninghire.api import UpstreamUnavailable
from lightninghire_plugins.billing.config import PACKS, BillingConfig
from lightninghire_plugins.billing.gateway import PaymentDeclined, StripeGateway
from lightninghire_plugins.billing.notices import Notices
from lightninghire_plugins.billing.store import AccountStore

log = logging.getLogger("lightninghire.billing")

# The off-session payment charges the pack's listed price (what GET /api/credits shows).
PACK_CENTS = {name: round(pack["priceUsd"] * 100) for name, pack in PACKS.items()}
CURRENCY = "usd"
# How long a run holds an attempt before the task may take it over: longer than a Stripe call
# with its retries ever takes.
RUN_LEASE = timedelta(minutes=2)
# A payment still ``processing``: its webhook normally settles it; the task looks again after.
SETTLE_WAIT = timedelta(minutes=30)
MAX_ATTEMPTS = 5


def idempotency_key(attempt_id: str) -> str:
    return f"lightninghire-replenish-{attempt_id}"


class Replenisher:
    def __init__(self, config: BillingConfig, store: AccountStore, clock: Any,
                 gateway: StripeGateway | None, notices: Notices,
                 defer: Callable[..., None]) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.gateway = gateway
        self.notices = notices
        self.defer = defer

    # -- on a spend (request path: one conditional update at most) ---------------------------------

    def after_spend(self, user_id: str, account: Mapping[str, Any], taken: int) -> str | None:
        """Claim an attempt when this spend left the balance under the threshold; the charge
        itself runs on the background worker. Returns the attempt id, or ``None``."""
        settings = account.get("autoReplenish") or {}
        if not settings.get("enabled") or settings.get("paused") or account.get("replenish"):
            return None
        threshold, pack = int(settings.get("threshold") or 0), str(settings.get("pack"))
        if taken <= 0 or account.get("creditBalance", 0) - taken >= threshold:
            return None  # not under the threshold: no write
        attempt_id = self.store.claim_replenish(user_id, threshold, pack, RUN_LEASE)
        if attempt_id is not None:
            self.defer(self.run, user_id, attempt_id, first=True)
        return attempt_id

    def after_enable(self, user_id: str, threshold: int, pack: str) -> str | None:
        """Turned on (or on again after a pause) with the balance already under the
        threshold: top up now, as no spend may come (an empty balance spends nothing)."""
        attempt_id = self.store.claim_replenish(user_id, threshold, pack, RUN_LEASE)
        if attempt_id is not None:
            self.defer(self.run, user_id, attempt_id, first=True)
        return attempt_id

    # -- the charge (background worker, or the task) ------------------------------------------------

    def run(self, user_id: str, attempt_id: str, *, first: bool = False) -> str:
        """One run of an attempt: charge (or look at the charge made), then settle it.
        Returns what happened: ``succeeded``, ``processing``, ``failed``, ``retry``, ``busy``."""
        doc = self.store.lease_replenish(user_id, attempt_id, RUN_LEASE, first=first)
        if doc is None:
            return "busy"  # another run holds it, or it is over
        attempt = doc["replenish"]
        pack = str(attempt["pack"])
        if self.gateway is None:
            return self.fail(user_id, attempt_id, pack, "billing_disabled",
                             "Billing is off on this server.")
        try:
            if attempt.get("paymentIntentId"):
                intent = self.gateway.retrieve_payment_intent(attempt["paymentIntentId"])
            else:
                intent = self._charge(user_id, attempt_id, pack, doc.get("customerId"))
        except PaymentDeclined as exc:
            return self.fail(user_id, attempt_id, pack, exc.code, exc.message,
                             exc.payment_intent_id)
        except UpstreamUnavailable:
            if int(attempt.get("attempts", 1)) >= MAX_ATTEMPTS:
                return self.fail(user_id, attempt_id, pack, "payments_unavailable",
                                 "The payment provider did not answer.")
            log.warning("auto-replenish %s of user %s: Stripe unavailable, the task retries",
                        attempt_id, user_id)
            return "retry"  # the lease runs out; the task retries with the same key
        return self.settle(user_id, attempt_id, pack, intent)

    def _charge(self, user_id: str, attempt_id: str, pack: str,
                customer_id: str | None) -> dict[str, Any]:
        assert self.gateway is not None
        if not customer_id:
            raise PaymentDeclined("no_payment_method", "there is no saved card.")
        card = self.gateway.saved_card(customer_id)
        if not card:
            raise PaymentDeclined("no_payment_method", "there is no saved card.")
        return self.gateway.charge_off_session({
            "amount": PACK_CENTS[pack], "currency": CURRENCY, "customer": customer_id,
            "payment_method": card, "payment_method_types": ["card"],
            "metadata": {"userId": user_id, "pack": pack, "replenishId": attempt_id,
                         "kind": "auto_replenish"},
        }, idempotency_key(attempt_id))

    def settle(self, user_id: str, attempt_id: str, pack: str,
               intent: Mapping[str, Any]) -> str:
        status = intent.get("status")
        intent_id = str(intent["id"])
        if status == "succeeded":
            self.grant(user_id, pack, intent_id, int(intent.get("amount") or 0), attempt_id)
            return "succeeded"
        if status == "processing":
            self.store.replenish_charged(user_id, attempt_id, intent_id, SETTLE_WAIT)
            return "processing"
        if status == "requires_action":
            return self.fail(user_id, attempt_id, pack, "authentication_required",
                             "the card needs you to confirm the payment.", intent_id)
        error = intent.get("last_payment_error") or {}
        return self.fail(user_id, attempt_id, pack, str(error.get("code") or status or "failed"),
                         str(error.get("message") or "the payment did not go through."),
                         intent_id)

    def grant(self, user_id: str, pack: str, intent_id: str, amount_paid: int,
              attempt_id: str | None) -> bool:
        """Credit the pack once per PaymentIntent and end its attempt."""
        if pack not in PACKS:
            return False
        credited = self.store.credit(user_id, PACKS[pack]["credits"], f"payment_intent:{intent_id}",
                                     pack=pack, via="auto_replenish", paymentIntentId=intent_id,
                                     amountPaid=amount_paid)
        if attempt_id:
            self.store.finish_replenish(user_id, attempt_id,
                                        lastReplenishedAt=self.clock.now(),
                                        lastPaymentIntentId=intent_id)
        return credited

    def fail(self, user_id: str, attempt_id: str, pack: str, code: str, message: str,
             intent_id: str | None = None) -> str:
        """End the attempt as failed, pause auto-replenish and tell the user, once."""
        now = self.clock.now()
        failure = {"at": now, "code": code[:100], "message": message[:300],
                   "paymentIntentId": intent_id}
        if self.store.finish_replenish(user_id, attempt_id, paused=True, pausedAt=now,
                                       lastFailure=failure):
            log.info("auto-replenish of user %s paused: %s", user_id, code)
            label = PACKS.get(pack, {}).get("label", pack)
            self.notices.replenish_failed(user_id, label, message)
        return "failed"

    # -- the task -----------------------------------------------------------------------------------

    def run_stale(self, limit: int = 50) -> dict[str, int]:
        """Attempts whose run ended without an outcome (a crash, Stripe down, a payment still
        processing): run each once more."""
        counts: dict[str, int] = {"processed": 0}
        for doc in self.store.stale_replenishes(limit):
            outcome = self.run(str(doc["userId"]), str(doc["replenish"]["id"]))
            counts["processed"] += 1
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts
