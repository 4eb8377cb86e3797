"""Stripe webhooks: verify the signature on the raw body, record the event, apply it once.

Order of work: signature (400 when bad or stale) -> claim the event id (a replay or a concurrent
twin answers 200 and does nothing) -> apply -> mark processed. A failure marks the event
``failed`` and answers 500, so Stripe delivers it again and the retry may claim it.

A valid signature proves who sent the bytes, not what they hold: every value taken from an
event is type- and shape-checked before it reaches a query (user ids are 24 hex characters,
Stripe ids ``<prefix>_`` and letters, digits or ``_``, times integers, metadata objects). An
event failing a check is recorded as ``rejected`` with the field named, changes nothing, and
answers 200 (a redelivery would not fix it).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import stripe

from lightninghire.api import BadRequest
from lightninghire_plugins.billing.config import PACKS, PLANS, BillingConfig
from lightninghire_plugins.billing.service import BillingDisabled, BillingService, from_epoch
from lightninghire_plugins.billing.store import AccountStore, EventStore

log = logging.getLogger("lightninghire.billing")

SUBSCRIPTION_EVENTS = frozenset({
    "customer.subscription.created", "customer.subscription.updated",
    "customer.subscription.deleted", "customer.subscription.paused",
    "customer.subscription.resumed", "customer.subscription.trial_will_end",
})
CHECKOUT_PAID = frozenset({"checkout.session.completed",
                           "checkout.session.async_payment_succeeded"})
INVOICE_EVENTS = frozenset({"invoice.paid", "invoice.payment_succeeded",
                            "invoice.payment_failed"})
PAYMENT_INTENT_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed"})
USER_ID = re.compile(r"^[0-9a-f]{24}$")
ATTEMPT_ID = USER_ID  # an auto-replenish attempt id is an ObjectId too
STRIPE_ID = re.compile(r"^[a-z]+_[A-Za-z0-9_]{1,250}$")
EPOCH_MAX = 2**37  # year 6325: any Stripe time fits, and datetime never overflows


class Malformed(ValueError):
    """A signed event holding a value of the wrong type or shape where an id, a time or an
    object belongs: the event is recorded as rejected and changes nothing."""

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(f"{field} is not {expected}")


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise Malformed(field, "an object")
    return value


def _user_id(value: Any, field: str) -> str | None:
    """A user id we wrote into Stripe (metadata, client reference), or ``None`` when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and USER_ID.match(value):
        return value
    raise Malformed(field, "a user id")


def _stripe_id(value: Any, field: str, prefix: str | None = None, *,
               required: bool = False) -> str | None:
    """A Stripe id (or the id of an expanded object), checked for its prefix and characters."""
    if isinstance(value, Mapping):
        value = value.get("id")
    if value is None or value == "":
        if required:
            raise Malformed(field, "present")
        return None
    if isinstance(value, str) and STRIPE_ID.match(value) \
            and (prefix is None or value.startswith(f"{prefix}_")):
        return value
    raise Malformed(field, f"a Stripe id ({prefix or 'any'}_...)")


def _price_id(value: Any, field: str) -> str | None:
    return _text(value.get("id") if isinstance(value, Mapping) else value, field)


def _text(value: Any, field: str) -> str | None:
    if value is None or (isinstance(value, str) and len(value) <= 200):
        return value
    raise Malformed(field, "a short string")


def _amount(value: Any, field: str) -> int | None:
    """An amount in the currency's smallest unit (cents)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        return value
    raise Malformed(field, "an amount")


def _epoch(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < EPOCH_MAX:
        return value
    raise Malformed(field, "a Unix time")


def check_subscription(sub: Mapping[str, Any], where: str = "subscription") -> None:
    """Every field ``BillingService.subscription_state`` reads, checked."""
    _stripe_id(sub.get("id"), f"{where}.id", "sub", required=True)
    _stripe_id(sub.get("customer"), f"{where}.customer", "cus")
    metadata = _mapping(sub.get("metadata"), f"{where}.metadata")
    _user_id(metadata.get("userId"), f"{where}.metadata.userId")
    _text(metadata.get("plan"), f"{where}.metadata.plan")
    _text(sub.get("status"), f"{where}.status")
    for key in ("current_period_end", "trial_end", "cancel_at", "canceled_at", "ended_at"):
        _epoch(sub.get(key), f"{where}.{key}")
    # Prices and plans are only looked up in the configuration; a legacy plan id may be any
    # text the account chose, so only its type is checked.
    _price_id(sub.get("plan"), f"{where}.plan")
    items = _mapping(sub.get("items"), f"{where}.items").get("data") or []
    if not isinstance(items, list):
        raise Malformed(f"{where}.items.data", "a list")
    for index, item in enumerate(items[:1]):
        item = _mapping(item, f"{where}.items.data[{index}]")
        _price_id(item.get("price"), f"{where}.items.data[{index}].price")
        _price_id(item.get("plan"), f"{where}.items.data[{index}].plan")
        _epoch(item.get("current_period_end"), f"{where}.items.data[{index}].current_period_end")
    reason = _mapping(sub.get("cancellation_details"), f"{where}.cancellation_details")
    _text(reason.get("reason"), f"{where}.cancellation_details.reason")


@dataclass(eq=False)
class WebhookHandler:
    config: BillingConfig
    service: BillingService
    accounts: AccountStore
    events: EventStore
    clock: Any
    # Tells the other plugins (``billing.changed``) when a user's subscription changed.
    announce: Callable[[str, dict[str, Any]], Any] | None = None
    # Auto-replenish payments settle through here too (replenish.Replenisher).
    replenisher: Any = None
    # The trial-ending mail (notices.Notices).
    notices: Any = None

    # -- entry point ------------------------------------------------------------------------------

    def receive(self, raw: bytes, signature: str | None) -> dict[str, Any]:
        event, text = self.verify(raw, signature)
        if not self.events.claim(event, text):
            return {"received": True, "duplicate": True}
        try:
            outcome = self.apply(event)
        except Exception as exc:
            self.events.finish(event["id"], "failed", error=f"{type(exc).__name__}: {exc}"[:300])
            raise
        self.events.finish(event["id"], outcome.pop("status", "processed"), **outcome)
        return {"received": True, "duplicate": False}

    def verify(self, raw: bytes, signature: str | None) -> tuple[dict[str, Any], str]:
        """The event, if ``Stripe-Signature`` proves Stripe sent these exact bytes recently."""
        missing = [setting for setting, value in (
            ("plugins.billing.stripe_secret_key (STRIPE_SECRET_KEY)", self.config.secret_key),
            ("plugins.billing.stripe_webhook_secret (STRIPE_WEBHOOK_SECRET)",
             self.config.webhook_secret)) if not value]
        if missing:
            raise BillingDisabled("Stripe webhooks are not accepted here: "
                                  f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'}"
                                  " not configured.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("The webhook body is not UTF-8.", code="INVALID_SIGNATURE") from None
        try:
            # The SDK checks the HMAC; the age is checked below against the app's clock.
            stripe.WebhookSignature.verify_header(text, signature, self.config.webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise BadRequest(f"Invalid Stripe signature: {exc.user_message or exc}",
                             code="INVALID_SIGNATURE") from None
        stamp = _timestamp(signature or "")
        age = self.clock.now().timestamp() - stamp
        if abs(age) > self.config.webhook_tolerance_seconds:
            raise BadRequest("Invalid Stripe signature: the timestamp is outside the tolerance "
                             f"of {self.config.webhook_tolerance_seconds} seconds.",
                             code="INVALID_SIGNATURE")
        try:
            event = json.loads(text)
        except ValueError:
            raise BadRequest("The webhook body is not JSON.", code="INVALID_JSON") from None
        if not isinstance(event, dict) or not isinstance(event.get("id"), str) \
                or not isinstance(event.get("type"), str):
            raise BadRequest("The webhook body is not a Stripe event.", code="INVALID_EVENT")
        return event, text

    # -- applying events --------------------------------------------------------------------------

    def apply(self, event: Mapping[str, Any]) -> dict[str, Any]:
        try:
            return self._apply(event)
        except Malformed as exc:
            log.warning("Stripe event %s (%s) rejected: %s", event["id"], event["type"], exc)
            return {"status": "rejected", "error": str(exc)}

    def _apply(self, event: Mapping[str, Any]) -> dict[str, Any]:
        kind = event["type"]
        obj = _mapping(_mapping(event.get("data"), "data").get("object"), "data.object")
        at = from_epoch(_epoch(event.get("created"), "created")) or self.clock.now()
        if kind in CHECKOUT_PAID:
            return self._checkout_paid(obj, at)
        if kind == "customer.subscription.trial_will_end":
            return self._trial_will_end(obj, at)
        if kind in SUBSCRIPTION_EVENTS:
            return self._subscription(obj, at, refreshed=False)
        if kind in INVOICE_EVENTS:
            return self._invoice(obj, at)
        if kind in PAYMENT_INTENT_EVENTS:
            return self._payment_intent(kind, obj)
        if kind == "charge.refunded":
            return self._refunded(obj, str(event["id"]))
        if kind == "charge.dispute.created":
            return self._disputed(obj, str(event["id"]))
        return {"status": "ignored"}

    def _user_for(self, customer_id: str | None, user_id: str | None) -> str | None:
        """Whose event: the account linked to the customer, else the user id we put in the
        metadata (or the session's client reference) when we created the checkout. Both
        arguments are checked ids (``_stripe_id``, ``_user_id``)."""
        if customer_id:
            account = self.accounts.by_customer(customer_id)
            if account is not None:
                return str(account["userId"])
        if user_id and customer_id:
            self.accounts.link_customer(user_id, customer_id)
        return user_id or None

    def _checkout_paid(self, session: Mapping[str, Any], at: datetime) -> dict[str, Any]:
        where = "data.object"
        session_id = _stripe_id(session.get("id"), f"{where}.id", "cs", required=True)
        customer_id = _stripe_id(session.get("customer"), f"{where}.customer", "cus")
        metadata = _mapping(session.get("metadata"), f"{where}.metadata")
        reference = _user_id(session.get("client_reference_id"),
                             f"{where}.client_reference_id")
        claimed = reference or _user_id(metadata.get("userId"), f"{where}.metadata.userId")
        _user_id(metadata.get("userId"), f"{where}.metadata.userId")  # checked even if unused
        sub_id = _stripe_id(session.get("subscription"), f"{where}.subscription", "sub")
        pack = _text(metadata.get("pack"), f"{where}.metadata.pack")
        user_id = self._user_for(customer_id, claimed)
        if user_id is None:
            return {"status": "unmatched"}
        if session.get("mode") == "subscription":
            if not sub_id:
                return {"status": "ignored", "userId": user_id}
            # The session names the subscription only: read it, so Pro is live at once even
            # if the subscription events come later.
            return self._refresh(sub_id, user_id, at)
        if session.get("payment_status") not in ("paid", "no_payment_required"):
            return {"status": "pending", "userId": user_id}  # async methods settle later
        intent_id = _stripe_id(session.get("payment_intent"), f"{where}.payment_intent", "pi")
        paid = _amount(session.get("amount_total"), f"{where}.amount_total")
        added = self.service.add_pack(user_id, str(pack), ref=f"checkout:{session_id}",
                                      payment_intent_id=intent_id, amount_paid=paid)
        return {"userId": user_id, "credited": bool(added), "pack": pack}

    def _subscription(self, sub: Mapping[str, Any], at: datetime, *,
                      refreshed: bool, user_id: str | None = None) -> dict[str, Any]:
        check_subscription(sub, "data.object" if not refreshed else "subscription")
        state = self.service.subscription_state(sub)
        claimed = _user_id((sub.get("metadata") or {}).get("userId"), "metadata.userId")
        user_id = user_id or self._user_for(state["customerId"], claimed)
        if user_id is None:
            return {"status": "unmatched"}
        applied = self.accounts.apply_subscription(user_id, state, at)
        if applied and self.announce is not None:
            live = state["status"] in ("active", "trialing")
            self.announce(user_id, {"status": state["status"],
                                    **({"tier": state["tier"]} if live else {})})
        return {"userId": user_id, "applied": applied, "subscriptionId": state["id"],
                "refreshed": refreshed}

    def _refresh(self, sub_id: str, user_id: str | None, at: datetime) -> dict[str, Any]:
        """Re-read a subscription from Stripe: its state now beats any event older than now."""
        gateway = self.service.gateway
        if gateway is None:  # pragma: no cover - verify() refuses events without Stripe
            raise BillingDisabled()
        sub = gateway.retrieve_subscription(sub_id)
        return self._subscription(sub, max(at, self.clock.now()), refreshed=True,
                                  user_id=user_id)

    def _invoice(self, invoice: Mapping[str, Any], at: datetime) -> dict[str, Any]:
        where = "data.object"
        # Older API versions name the subscription on the invoice, newer ones under ``parent``.
        parent = _mapping(_mapping(invoice.get("parent"), f"{where}.parent")
                          .get("subscription_details"), f"{where}.parent.subscription_details")
        sub_id = (_stripe_id(invoice.get("subscription"), f"{where}.subscription", "sub")
                  or _stripe_id(parent.get("subscription"),
                                f"{where}.parent.subscription_details.subscription", "sub"))
        if not sub_id:
            return {"status": "ignored"}
        metadata = _mapping(parent.get("metadata"),
                            f"{where}.parent.subscription_details.metadata")
        claimed = _user_id(metadata.get("userId"),
                           f"{where}.parent.subscription_details.metadata.userId")
        customer_id = _stripe_id(invoice.get("customer"), f"{where}.customer", "cus")
        user_id = self._user_for(customer_id, claimed)
        return self._refresh(sub_id, user_id, at)


    # -- trial ending ------------------------------------------------------------------------------

    def _trial_will_end(self, sub: Mapping[str, Any], at: datetime) -> dict[str, Any]:
        """Stripe's notice three days before a trial ends: store the state, and mail the user
        once per subscription and trial end (a second notice, or a replay, mails nothing)."""
        outcome = self._subscription(sub, at, refreshed=False)
        user_id = outcome.get("userId")
        trial_end = _epoch(sub.get("trial_end"), "data.object.trial_end")
        mailed = None
        if user_id and self.notices is not None and sub.get("status") == "trialing" \
                and self.accounts.mark_trial_mail(user_id, str(sub["id"]), trial_end or 0):
            state = self.service.subscription_state(sub)
            label = PLANS[state["plan"]]["label"] if state["plan"] else "Pro"
            mailed = self.notices.trial_ending(user_id, label, from_epoch(trial_end))
        return {**outcome, "mailed": mailed}

    # -- auto-replenish payments ---------------------------------------------------------------------

    def _payment_intent(self, kind: str, intent: Mapping[str, Any]) -> dict[str, Any]:
        """Auto-replenish PaymentIntents (``metadata.replenishId``) settle here as well as on
        the synchronous answer, whichever comes first. Others (a Checkout's own payment) are
        credited by ``checkout.session.completed``."""
        where = "data.object"
        intent_id = _stripe_id(intent.get("id"), f"{where}.id", "pi", required=True)
        metadata = _mapping(intent.get("metadata"), f"{where}.metadata")
        attempt_id = metadata.get("replenishId")
        if attempt_id is None or self.replenisher is None:
            return {"status": "ignored"}
        if not isinstance(attempt_id, str) or not ATTEMPT_ID.match(attempt_id):
            raise Malformed(f"{where}.metadata.replenishId", "an attempt id")
        claimed = _user_id(metadata.get("userId"), f"{where}.metadata.userId")
        customer_id = _stripe_id(intent.get("customer"), f"{where}.customer", "cus")
        pack = _text(metadata.get("pack"), f"{where}.metadata.pack")
        amount = _amount(intent.get("amount"), f"{where}.amount") or 0
        user_id = self._user_for(customer_id, claimed)
        if user_id is None or pack not in PACKS:
            return {"status": "unmatched"}
        if kind == "payment_intent.succeeded":
            credited = self.replenisher.grant(user_id, pack, intent_id, amount, attempt_id)
            return {"userId": user_id, "credited": credited, "pack": pack}
        error = _mapping(intent.get("last_payment_error"), f"{where}.last_payment_error")
        code = _text(error.get("code"), f"{where}.last_payment_error.code") or "payment_failed"
        message = (_text(error.get("message"), f"{where}.last_payment_error.message")
                   or "the payment did not go through.")
        self.replenisher.fail(user_id, attempt_id, pack, code, message, intent_id)
        return {"userId": user_id, "failed": code}

    # -- refunds and disputes -----------------------------------------------------------------------

    def _refunded(self, charge: Mapping[str, Any], event_id: str) -> dict[str, Any]:
        """Take back the credits a refunded charge bought, in proportion to what was refunded
        (``amount_refunded`` is cumulative: each event takes only what is newly due)."""
        where = "data.object"
        _stripe_id(charge.get("id"), f"{where}.id", "ch", required=True)
        intent_id = _stripe_id(charge.get("payment_intent"), f"{where}.payment_intent", "pi")
        amount = _amount(charge.get("amount"), f"{where}.amount") or 0
        refunded = _amount(charge.get("amount_refunded"), f"{where}.amount_refunded") or 0
        purchase = self.accounts.purchase_of(intent_id) if intent_id else None
        if purchase is None:
            return {"status": "ignored"}  # not a credit purchase (a subscription invoice, ...)
        credits = int(purchase["amount"])
        due = credits if amount <= 0 or refunded >= amount else credits * refunded // amount
        line = self.accounts.reverse(purchase, refunded=due, kind="refund",
                                     ref=f"refund:{event_id}", reason="charge.refunded",
                                     chargeId=charge.get("id"))
        return self._reversed(purchase, line)

    def _disputed(self, dispute: Mapping[str, Any], event_id: str) -> dict[str, Any]:
        """A dispute opened: the disputed share of the purchase's credits is taken back at once
        (the money is withdrawn from the account until the dispute is decided)."""
        where = "data.object"
        dispute_id = _stripe_id(dispute.get("id"), f"{where}.id", required=True)
        intent_id = _stripe_id(dispute.get("payment_intent"), f"{where}.payment_intent", "pi")
        charge_id = _stripe_id(dispute.get("charge"), f"{where}.charge", "ch")
        amount = _amount(dispute.get("amount"), f"{where}.amount")
        if intent_id is None and charge_id and self.service.gateway is not None:
            # Older API versions name only the charge: its PaymentIntent is on the charge.
            charge = self.service.gateway.retrieve_charge(charge_id)
            intent_id = _stripe_id(charge.get("payment_intent"), "charge.payment_intent", "pi")
        purchase = self.accounts.purchase_of(intent_id) if intent_id else None
        if purchase is None:
            return {"status": "ignored"}
        credits, paid = int(purchase["amount"]), int(purchase.get("amountPaid") or 0)
        due = credits if not paid or amount is None or amount >= paid \
            else credits * amount // paid
        line = self.accounts.reverse(purchase, disputed=due, kind="dispute",
                                     ref=f"dispute:{event_id}", reason="charge.dispute.created",
                                     chargeId=charge_id, disputeId=dispute_id)
        return self._reversed(purchase, line)

    def _reversed(self, purchase: Mapping[str, Any],
                  line: Mapping[str, Any] | None) -> dict[str, Any]:
        outcome: dict[str, Any] = {"userId": str(purchase["userId"]),
                                   "paymentIntentId": purchase["paymentIntentId"]}
        if line is None:
            return {**outcome, "takenBack": 0}
        return {**outcome, "takenBack": -int(line["amount"]), "shortfall": line["shortfall"]}


def _timestamp(header: str) -> int:
    for part in header.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t":
            try:
                return int(value)
            except ValueError:
                break
    raise BadRequest("Invalid Stripe signature: no timestamp.", code="INVALID_SIGNATURE")
