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


class CreditPackSchema(Schema):
    id = fields.String()
    label = fields.String()
    credits = fields.Integer()
    priceUsd = fields.Float()
    available = fields.Boolean()


class LedgerEntrySchema(Schema):
    id = fields.String()
    kind = fields.String()
    amount = fields.Integer()
    balanceAfter = fields.Integer(allow_none=True)
    pack = fields.String(allow_none=True)
    task = fields.String(allow_none=True)
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
