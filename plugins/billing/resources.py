"""Thin Falcon resources of the billing, credits and Stripe webhook routes."""

from __future__ import annotations

from typing import Any

from lightninghire.api import Resource, endpoint
from lightninghire_plugins.billing.schemas import (
    BillingPatchSchema,
    BillingStatusSchema,
    CheckoutInSchema,
    CheckoutSchema,
    CreditsQuerySchema,
    CreditsSchema,
    PortalSchema,
    WebhookReceiptSchema,
)
from lightninghire_plugins.billing.service import BillingService
from lightninghire_plugins.billing.webhooks import WebhookHandler


class BillingResource(Resource[BillingService]):
    @endpoint(response=BillingStatusSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Subscription state, trial, period end, credit balance and the self-hosted flag."""
        return self.service.status(req.context.principal.user)

    @endpoint(body=BillingPatchSchema, response=BillingStatusSchema, rate_limit="20/10m per user")
    def on_patch(self, req: Any, resp: Any) -> dict[str, Any]:
        """Opt in or out of credit auto-replenish ({autoReplenish: {enabled, threshold, pack}}).

        When a credit spend leaves fewer than ``threshold`` credits, the pack is bought
        off-session with the saved card, in the background; a refused payment pauses it."""
        return self.service.set_auto_replenish(req.context.principal.user,
                                               req.context.body["autoReplenish"])


class CheckoutResource(Resource[BillingService]):
    @endpoint(body=CheckoutInSchema, response=CheckoutSchema, rate_limit="10/10m per user")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """A Stripe Checkout URL for a plan (7-day trial, no card) or a credit pack."""
        body = req.context.body
        return self.service.checkout(req.context.principal.user, body.get("plan"),
                                     body.get("pack"))


class PortalResource(Resource[BillingService]):
    @endpoint(response=PortalSchema, rate_limit="10/10m per user")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """A Stripe billing-portal URL: card, invoices, plan changes, cancellation."""
        return self.service.portal(req.context.principal.user)


class CreditsResource(Resource[BillingService]):
    @endpoint(query=CreditsQuerySchema, response=CreditsSchema)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The credit balance, the packs on sale and the credit ledger, newest first."""
        query = req.context.query
        return self.service.credits(req.context.principal.user_id, query["limit"],
                                    query["cursor"])


class StripeWebhookResource:
    def __init__(self, handler: WebhookHandler) -> None:
        self.handler = handler

    @endpoint(auth="public", raw_body=True, response=WebhookReceiptSchema)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Stripe events, signed (``Stripe-Signature``); each event id takes effect once."""
        return self.handler.receive(req.context.raw_body, req.get_header("Stripe-Signature"))
