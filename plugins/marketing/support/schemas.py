from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from lightninghire.api import PageQuery, Timestamp
from lightninghire_plugins.marketing.common import Email, honeypot_field

CATEGORIES = ("question", "bug", "billing", "account", "feature_request", "privacy", "other")
STATUSES = ("open", "pending", "resolved", "closed")
USER_STATUSES = ("open", "closed")  # a requester closes or reopens; the team sets the rest
FEEDBACK_KINDS = ("general", "bug", "wrong_company_intel", "outdated_resource", "course_topic")


class TicketInSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=150))
    message = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    category = fields.String(load_default="question", validate=validate.OneOf(CATEGORIES))
    email = Email(load_default=None, metadata={"description": "Required when not signed in."})
    name = fields.String(load_default=None, validate=validate.Length(max=100))
    website = honeypot_field()


class TicketMessageSchema(Schema):
    author = fields.String(metadata={"description": "`requester` or `team`."})
    body = fields.String()
    at = Timestamp()


class TicketSummarySchema(Schema):
    id = fields.String()
    reference = fields.String()
    subject = fields.String()
    category = fields.String()
    status = fields.String()
    priority = fields.String()
    createdAt = Timestamp()
    updatedAt = Timestamp()


class TicketSchema(TicketSummarySchema):
    priority = fields.String(metadata={"description": "`priority` for Pro, BYOK and credits."})
    email = fields.String()
    messages = fields.List(fields.Nested(TicketMessageSchema))


class TicketListQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class TicketStatusInSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(USER_STATUSES))


class TeamTicketInSchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    reply = fields.String(validate=validate.Length(min=1, max=5000),
                          metadata={"description": "Mailed to the requester and kept on the "
                                                   "ticket."})

    @validates_schema
    def status_or_reply(self, data: dict, **kwargs: object) -> None:
        if not data:
            raise ValidationError("Give a status, a reply or both.")


class FeedbackInSchema(Schema):
    kind = fields.String(load_default="general", validate=validate.OneOf(FEEDBACK_KINDS))
    rating = fields.Integer(load_default=None, validate=validate.Range(1, 5))
    message = fields.String(load_default=None, validate=validate.Length(min=1, max=2000))
    page = fields.String(load_default=None, validate=validate.Length(max=500),
                         metadata={"description": "Where it was given (path or URL)."})
    target = fields.String(load_default=None, validate=validate.Length(max=200),
                           metadata={"description": "What it is about: a company, a resource "
                                                    "slug, a course topic."})
    email = Email(load_default=None)
    website = honeypot_field()

    @validates_schema
    def rating_or_message(self, data: dict, **kwargs: object) -> None:
        if data.get("rating") is None and not data.get("message"):
            raise ValidationError("Give a rating, a message or both.")


class FeedbackSchema(Schema):
    id = fields.String()
    kind = fields.String()
    rating = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)
    page = fields.String(allow_none=True)
    target = fields.String(allow_none=True)
    userId = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    createdAt = Timestamp()


class FeedbackListQuery(PageQuery):
    kind = fields.String(load_default=None, validate=validate.OneOf(FEEDBACK_KINDS))
