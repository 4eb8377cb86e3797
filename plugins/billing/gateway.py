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
