from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import PageQuery, Timestamp
from lightninghire_plugins.ai_tools.common import JobRefSchema, ResumeRefSchema
from lightninghire_plugins.ai_tools.tools.cover_letter import TONES
from lightninghire_plugins.ai_tools.tools.feedback import OUTCOMES

MONEY = validate.Range(min=0, max=100_000_000)
KINDS = ("negotiation", "offer_comparison", "cover_letter")


def _money(**kwargs: Any) -> fields.Float:
    return fields.Float(validate=MONEY, **kwargs)


class NegotiationCompetingOfferSchema(Schema):
    company = fields.String(required=True, validate=validate.Length(1, 200))
    totalComp = _money(required=True)


class NegotiationInSchema(Schema):
    applicationId = fields.String(validate=validate.Length(1, 64),
                                  metadata={"description": "An application or job from your "
                                                           "context: prefills role, company, "
                                                           "location and the job highlight."})
    role = fields.String(validate=validate.Length(1, 200))
    level = fields.String(validate=validate.Length(1, 60))
    location = fields.String(validate=validate.Length(1, 120))
    company = fields.String(validate=validate.Length(1, 200))
    currency = fields.String(load_default="USD", validate=validate.Regexp(r"^[A-Z]{3}$"))
    baseSalary = fields.Float(required=True, validate=validate.Range(min=1, max=100_000_000))
    totalComp = _money()
    signingBonus = _money()
    annualBonus = _money()
    equityPerYear = _money()
    ptoDays = fields.Integer(validate=validate.Range(0, 365))
    benefitsNotes = fields.String(validate=validate.Length(max=1000))
    target = _money()
    walkAway = _money()
    marketLow = _money()
    marketMedian = _money()
    marketHigh = _money()
    competingOffers = fields.List(fields.Nested(NegotiationCompetingOfferSchema), load_default=list,
                                  validate=validate.Length(max=5))
    recipientName = fields.String(validate=validate.Length(1, 100))
    jobDescription = fields.String(validate=validate.Length(20, 50_000))
    startDate = fields.String(validate=validate.Length(1, 40))

    @validates_schema
    def coherent(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("role") and not data.get("applicationId"):
            raise ValidationError("Give role or applicationId.", "role")
        low, high = data.get("marketLow"), data.get("marketHigh")
        if low is not None and high is not None and low > high:
            raise ValidationError("marketLow is above marketHigh.", "marketLow")


class CompareOfferSchema(Schema):
    company = fields.String(required=True, validate=validate.Length(1, 200))
    role = fields.String(validate=validate.Length(1, 200))
    baseSalary = fields.Float(required=True, validate=validate.Range(min=1, max=100_000_000))
    bonus = _money(metadata={"description": "Yearly bonus amount (or `bonusPercent`)."})
    bonusPercent = fields.Float(validate=validate.Range(0, 200))
    signingBonus = _money()
    equityTotal = _money(metadata={"description": "Grant value over the vesting period."})
    vestingYears = fields.Float(load_default=4, validate=validate.Range(1, 10))
    retirementMatch = _money(metadata={"description": "Yearly employer match."})
    benefitsValue = _money(metadata={"description": "Yearly value of other benefits."})
    ptoDays = fields.Integer(validate=validate.Range(0, 365))
    workMode = fields.String(validate=validate.OneOf(["remote", "hybrid", "onsite"]))
    commuteMinutes = fields.Integer(validate=validate.Range(0, 300),
                                    metadata={"description": "One way."})
    growthRating = fields.Integer(validate=validate.Range(1, 5),
                                  metadata={"description": "Your own 1-5 rating."})
    costOfLivingIndex = fields.Float(validate=validate.Range(20, 400),
                                     metadata={"description": "100 = your reference city."})


class OfferWeightsSchema(Schema):
    compensation = fields.Float(validate=validate.Range(0, 100))
    growth = fields.Float(validate=validate.Range(0, 100))
    worklife = fields.Float(validate=validate.Range(0, 100))


class OfferComparisonInSchema(Schema):
    offers = fields.List(fields.Nested(CompareOfferSchema), required=True,
                         validate=validate.Length(2, 5))
    weights = fields.Nested(OfferWeightsSchema, load_default=None,
                            metadata={"description": "Relative; normalized to sum to 1. "
                                                     "Default 50/25/25."})
    currency = fields.String(load_default="USD", validate=validate.Regexp(r"^[A-Z]{3}$"))
    priorities = fields.String(validate=validate.Length(1, 500))


class CoverLetterInSchema(Schema):
    job = fields.Nested(JobRefSchema, required=True)
    resume = fields.Nested(ResumeRefSchema, required=True)
    companyIntel = fields.String(validate=validate.Length(1, 2000))
    tone = fields.String(load_default="warm", validate=validate.OneOf(TONES))
    recipientName = fields.String(validate=validate.Length(1, 100))


class ToolRunSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "`negotiation`, `offer_comparison` or "
                                                  "`cover_letter`."})
    status = fields.String(metadata={"description": "`done`, or `failed` (the input is kept)."})
    input = fields.Dict()
    result = fields.Dict(allow_none=True)
    provider = fields.String(allow_none=True)
    createdAt = Timestamp()


class ToolRunListQuery(PageQuery):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))


class NegotiationFeedbackInSchema(Schema):
    negotiationId = fields.String(required=True, validate=validate.Length(1, 64))
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    outcome = fields.String(load_default="pending", validate=validate.OneOf(OUTCOMES))
    editedEmail = fields.String(validate=validate.Length(1, 5000),
                                metadata={"description": "The e-mail as you actually sent it."})
    finalBase = _money()
    notes = fields.String(validate=validate.Length(1, 2000))


class NegotiationFeedbackSchema(Schema):
    id = fields.String()
    negotiationId = fields.String()
    rating = fields.Integer()
    outcome = fields.String()
    notes = fields.String(allow_none=True)
    finalBase = fields.Float(allow_none=True)
    lessons = fields.List(fields.String())
    summary = fields.String()
    createdAt = Timestamp()
