"""Stripe webhooks: verify the signature on the raw body, record the event, apply it once.

Order of work: signature (400 when bad or stale) -> claim the event id (a replay or a concurrent
twin answers 200 and does nothing) -> apply -> mark processed. A failure marks the event
``failed`` and answers 500, so Stripe delivers it again and the retry may claim it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import stripe

from lightninghire import BadRequest
from lightninghire_plugins.billing.config import BillingConfig
from lightninghire_plugins.billing.service import BillingDisabled, BillingService, from_epoch, id_of
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


class WebhookHandler:
    def __init__(self, config: BillingConfig, service: BillingService, accounts: AccountStore,
                 events: EventStore, clock: Any) -> None:
        self.config = config
        self.service = service
        self.accounts = accounts
        self.events = events
        self.clock = clock

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
        kind = event["type"]
        obj = (event.get("data") or {}).get("object") or {}
        at = from_epoch(event.get("created")) or self.clock.now()
        if kind in CHECKOUT_PAID:
            return self._checkout_paid(obj, at)
        if kind in SUBSCRIPTION_EVENTS:
            return self._subscription(obj, at, refreshed=False)
        if kind in INVOICE_EVENTS:
            return self._invoice(obj, at)
        return {"status": "ignored"}

    def _user_for(self, customer_id: str | None, metadata: Mapping[str, Any] | None,
                  reference: str | None = None) -> str | None:
        """Whose event: the account linked to the customer, else the user id we put in the
        metadata (or the session's client reference) when we created the checkout."""
        if customer_id:
            account = self.accounts.by_customer(customer_id)
            if account is not None:
                return str(account["userId"])
        user_id = reference or (metadata or {}).get("userId")
        if user_id and customer_id:
            self.accounts.link_customer(user_id, customer_id)
        return user_id or None

    def _checkout_paid(self, session: Mapping[str, Any], at: datetime) -> dict[str, Any]:
        customer_id = id_of(session.get("customer"))
        metadata = session.get("metadata") or {}
        user_id = self._user_for(customer_id, metadata, session.get("client_reference_id"))
        if user_id is None:
            return {"status": "unmatched"}
        if session.get("mode") == "subscription":
            sub_id = id_of(session.get("subscription"))
            if not sub_id:
                return {"status": "ignored", "userId": user_id}
            # The session names the subscription only: read it, so Pro is live at once even
            # if the subscription events come later.
            return self._refresh(sub_id, user_id, at)
        if session.get("payment_status") not in ("paid", "no_payment_required"):
            return {"status": "pending", "userId": user_id}  # async methods settle later
        pack = metadata.get("pack")
        added = self.service.add_pack(user_id, str(pack), ref=f"checkout:{session['id']}")
        return {"userId": user_id, "credited": bool(added), "pack": pack}

    def _subscription(self, sub: Mapping[str, Any], at: datetime, *,
                      refreshed: bool, user_id: str | None = None) -> dict[str, Any]:
        state = self.service.subscription_state(sub)
        user_id = user_id or self._user_for(state["customerId"], sub.get("metadata"))
        if user_id is None:
            return {"status": "unmatched"}
        applied = self.accounts.apply_subscription(user_id, state, at)
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
        # Older API versions name the subscription on the invoice, newer ones under ``parent``.
        parent = (invoice.get("parent") or {}).get("subscription_details") or {}
        sub_id = id_of(invoice.get("subscription")) or id_of(parent.get("subscription"))
        if not sub_id:
            return {"status": "ignored"}
        user_id = self._user_for(id_of(invoice.get("customer")), parent.get("metadata"))
        return self._refresh(sub_id, user_id, at)


def _timestamp(header: str) -> int:
    for part in header.split(","):
        key, _, value = part.partition("=")
        if key.strip() == "t":
            try:
                return int(value)
            except ValueError:
                break
    raise BadRequest("Invalid Stripe signature: no timestamp.", code="INVALID_SIGNATURE")
