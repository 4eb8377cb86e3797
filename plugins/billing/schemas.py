"""Request and response schemas of the billing routes (camelCase JSON)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import PageQuery, Timestamp, page_schema
from lightninghire_plugins.billing.config import PACKS, PLANS


class CheckoutInSchema(Schema):
    plan = fields.String(validate=validate.OneOf(sorted(PLANS)))
    pack = fields.String(validate=validate.OneOf(sorted(PACKS)))

    @validates_schema
    def one_of_plan_or_pack(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("plan" in data) == ("pack" in data):
            raise ValidationError("Send exactly one of plan or pack.", "_schema")


class CheckoutSchema(Schema):
    url = fields.String()
    sessionId = fields.String()


class PortalSchema(Schema):
    url = fields.String()


class AutoReplenishInSchema(Schema):
    enabled = fields.Boolean(required=True)
    threshold = fields.Integer(validate=validate.Range(1, 100_000), metadata={
        "description": "Buy the pack when a spend leaves fewer credits than this"})
    pack = fields.String(validate=validate.OneOf(sorted(PACKS)))


class BillingPatchSchema(Schema):
    autoReplenish = fields.Nested(AutoReplenishInSchema, required=True)


class ReplenishFailureSchema(Schema):
    at = Timestamp()
    code = fields.String(metadata={"description": "card_declined, authentication_required, "
                                                  "no_payment_method, payments_unavailable, ..."})
    message = fields.String()
    paymentIntentId = fields.String(allow_none=True)


class AutoReplenishSchema(Schema):
    enabled = fields.Boolean()
    threshold = fields.Integer(allow_none=True)
    pack = fields.String(allow_none=True)
    paused = fields.Boolean(metadata={"description": "A payment failed; turn it on again"})
    inFlight = fields.Boolean(metadata={"description": "A top-up is being paid"})
    lastFailure = fields.Nested(ReplenishFailureSchema, allow_none=True)
    lastReplenishedAt = Timestamp(allow_none=True)


class BillingStatusSchema(Schema):
    tier = fields.String()
    plan = fields.String(allow_none=True)
    subscriptionStatus = fields.String()
    trialEnd = Timestamp(allow_none=True)
    currentPeriodEnd = Timestamp(allow_none=True)
    cancelAtPeriodEnd = fields.Boolean()
    creditBalance = fields.Integer()
    trialAvailable = fields.Boolean()
    hasBillingAccount = fields.Boolean()
    selfHosted = fields.Boolean()
    autoReplenish = fields.Nested(AutoReplenishSchema)


class CreditPackSchema(Schema):
    id = fields.String()
    label = fields.String()
    credits = fields.Integer()
    priceUsd = fields.Float()
    available = fields.Boolean()


class LedgerEntrySchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "purchase, ai_action, refund, dispute"})
    amount = fields.Integer()
    balanceAfter = fields.Integer(allow_none=True)
    pack = fields.String(allow_none=True)
    task = fields.String(allow_none=True)
    via = fields.String(allow_none=True, metadata={
        "description": "How a purchase was paid: checkout, auto_replenish"})
    reason = fields.String(allow_none=True, metadata={
        "description": "What took credits back: charge.refunded, charge.dispute.created"})
    shortfall = fields.Integer(allow_none=True, metadata={
        "description": "Credits a refund or dispute could not take back (already spent)"})
    at = Timestamp()


class CreditsSchema(page_schema(LedgerEntrySchema)):
    """The balance and packs, with a page of the ledger."""

    balance = fields.Integer()
    creditsPerAiAction = fields.Integer()
    packs = fields.List(fields.Nested(CreditPackSchema))


class CreditsQuerySchema(PageQuery):
    pass


class WebhookReceiptSchema(Schema):
    received = fields.Boolean()
    duplicate = fields.Boolean()
