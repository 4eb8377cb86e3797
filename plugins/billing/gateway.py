"""Stripe through the official SDK (``StripeClient``): the only module that talks to Stripe.

Every call returns plain dicts and turns Stripe's failures into ``UpstreamUnavailable`` (502),
so a payment provider hiccup never surfaces as a 500 or loses what the user submitted.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe

from lightninghire.api import UpstreamUnavailable

log = logging.getLogger("lightninghire.billing")


class PaymentDeclined(Exception):
    """Stripe answered, and the payment cannot go through as it is: a declined card, a card that
    needs its holder (``authentication_required``), no saved card. Retrying will not help; the
    user has to act."""

    def __init__(self, code: str, message: str, payment_intent_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.payment_intent_id = payment_intent_id


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str | None = None, *,
                 timeout_seconds: float = 20, retries: int = 2) -> None:
        options: dict[str, Any] = {"max_network_retries": retries,
                                   "http_client": stripe.RequestsClient(timeout=timeout_seconds)}
        if api_base:
            options["base_addresses"] = {"api": api_base.rstrip("/")}
        self.client = stripe.StripeClient(secret_key, **options)

    def _call(self, what: str, func: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return func(*args, **kwargs).to_dict()
        except stripe.StripeError as exc:
            log.warning("Stripe %s failed: %s", what, exc)
            raise UpstreamUnavailable("The payment provider did not answer; please try again.",
                                      code="PAYMENTS_UNAVAILABLE") from None

    def create_customer(self, user_id: str, email: str | None, name: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {"metadata": {"userId": user_id}}
        if email:
            params["email"] = email
        if name:
            params["name"] = name
        # Stripe answers a repeated idempotency key with the first customer (for 24 hours), so
        # two racing checkouts of one user do not create two customers.
        return self._call("customer creation", self.client.v1.customers.create, params=params,
                          options={"idempotency_key": f"lightninghire-customer-{user_id}"})

    def create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._call("checkout session", self.client.v1.checkout.sessions.create,
                          params=params)

    def create_portal_session(self, customer_id: str, return_url: str) -> dict[str, Any]:
        return self._call("billing portal session",
                          self.client.v1.billing_portal.sessions.create,
                          params={"customer": customer_id, "return_url": return_url})

    def retrieve_subscription(self, subscription_id: str) -> dict[str, Any]:
        return self._call("subscription lookup", self.client.v1.subscriptions.retrieve,
                          subscription_id)

    def retrieve_charge(self, charge_id: str) -> dict[str, Any]:
        return self._call("charge lookup", self.client.v1.charges.retrieve, charge_id)

    def retrieve_payment_intent(self, intent_id: str) -> dict[str, Any]:
        return self._call("payment lookup", self.client.v1.payment_intents.retrieve, intent_id)

    def saved_card(self, customer_id: str) -> str | None:
        """The customer's card for off-session payments: the invoice default, else the first
        card saved on the customer (a Checkout with ``setup_future_usage`` saves it)."""
        customer = self._call("customer lookup", self.client.v1.customers.retrieve, customer_id)
        default = (customer.get("invoice_settings") or {}).get("default_payment_method")
        if isinstance(default, dict):
            default = default.get("id")
        if default:
            return str(default)
        cards = self._call("payment method list", self.client.v1.payment_methods.list,
                           params={"customer": customer_id, "type": "card", "limit": 1})
        first = (cards.get("data") or [None])[0]
        return str(first["id"]) if first else None

    def charge_off_session(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """Create and confirm a PaymentIntent without the customer present
        (``off_session=True, confirm=True``). The idempotency key makes a retried attempt
        return the first PaymentIntent instead of charging twice (Stripe keeps keys 24 hours).

        ``PaymentDeclined`` when the card is refused; ``UpstreamUnavailable`` when Stripe did not
        answer (worth retrying with the same key)."""
        try:
            return self.client.v1.payment_intents.create(
                params={**params, "off_session": True, "confirm": True},
                options={"idempotency_key": idempotency_key}).to_dict()
        except (stripe.CardError, stripe.InvalidRequestError) as exc:
            # Refused for good (a declined card, a detached card, a deleted customer): only
            # the user can fix it. Connection errors, 5xx and rate limits are worth a retry.
            error = exc.error
            intent = getattr(error, "payment_intent", None) if error is not None else None
            intent_id = intent.get("id") if isinstance(intent, dict) else None
            raise PaymentDeclined(str(exc.code or "card_declined"),
                                  str(exc.user_message or "The card was declined."),
                                  intent_id) from None
        except stripe.StripeError as exc:
            log.warning("Stripe off-session payment failed: %s", exc)
            raise UpstreamUnavailable("The payment provider did not answer; please try again.",
                                      code="PAYMENTS_UNAVAILABLE") from None
